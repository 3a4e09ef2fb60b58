"""FG062 — route to an internet gateway that is not attached to the VPC

## What it does
Finds routes whose target is an internet gateway defined in scope but not
attached to the route table's VPC (no `AWS::EC2::VPCGatewayAttachment`, no
`vpc_id` or `aws_internet_gateway_attachment`, or one attaching it elsewhere).
In CloudFormation it also warns when a route to an attached gateway lacks
`DependsOn` on the attachment: the route may be created before the gateway is
attached.

## Why is this bad?
The route fails to create: `route table rtb-... and network gateway igw-...
belong to different networks`. Without `DependsOn`, the same error appears
intermittently, depending on the order CloudFormation picks.

## Example
```yaml
PublicRoute:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref PublicRouteTable
    DestinationCidrBlock: 0.0.0.0/0
    GatewayId: !Ref InternetGateway   # no DependsOn: GatewayAttachment
```
```hcl
resource "aws_internet_gateway" "main" {}   # never attached: no vpc_id
```

## Use instead
```yaml
PublicRoute:
  Type: AWS::EC2::Route
  DependsOn: GatewayAttachment
```
```hcl
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}
```

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html#gatewayattachment
- https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import NO, YES
from linter.rulekit import Context, finding
from linter.values import assumptions, ref_id

META = RuleMeta(
    id="FG062",
    name="igw-not-attached",
    severity="error",
    summary="A route to an internet gateway not attached to its VPC (or racing the attachment)",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    net = ctx.net
    attachments = {(ref_id(a.gateway), ref_id(a.vpc)): a for a in ctx.tpl.of(m.GatewayAttachment)}
    for route in ctx.tpl.of(m.Route):
        igw = ctx.tpl.deref(route.target, m.InternetGateway)
        rt = ctx.tpl.deref(route.route_table, m.RouteTable)
        if igw is None or rt is None or ref_id(rt.vpc) is None:
            continue
        vpc = ref_id(rt.vpc)
        attached = net.igw_attached(igw, vpc)
        if attached == NO:
            yield finding(
                META,
                f"route {route.id} sends traffic to internet gateway {igw.id}, which is not "
                f"attached to {vpc}: the route will fail to create",
                route.loc,
                route.id,
                path=(
                    Step(f"route table {rt.id} belongs to {vpc}", rt.loc),
                    Step(f"internet gateway {igw.id} has no attachment to {vpc}", igw.loc),
                ),
                assumed=net.exported(igw) + assumptions(route.target),
                fix=f"Attach {igw.id} to {vpc} (VPCGatewayAttachment / vpc_id).",
            )
            continue
        att = attachments.get((igw.id, vpc))
        if (
            attached == YES
            and ctx.tpl.kind == m.CFN
            and att is not None
            and att.id not in route.depends_on
        ):
            yield finding(
                META,
                f"route {route.id} to internet gateway {igw.id} does not depend on the "
                f"attachment {att.id}: CloudFormation may create it first, and it then fails "
                "with 'belong to different networks'",
                route.loc,
                route.id,
                path=(Step(f"{att.id} attaches {igw.id} to {vpc}", att.loc),),
                severity="warning",
                fix=f"Add DependsOn: {att.id} to {route.id}.",
            )
