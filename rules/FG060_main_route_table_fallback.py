"""FG060 — task subnet falls back to a main route table with no default route

## What it does
Finds Fargate services with a subnet that has no route table association, so
it uses its VPC's main route table, when that table has no `0.0.0.0/0` route
and the VPC has no interface endpoints. In CloudFormation the main table of a VPC created
in the template holds only the local route and cannot be edited; in Terraform
it can, through `aws_default_route_table` or `aws_main_route_table_association`.

## Why is this bad?
The subnet was most likely meant to use a NAT or internet route table, but the
`SubnetRouteTableAssociation` is missing. Tasks cannot reach ECR, Secrets
Manager or CloudWatch Logs: `CannotPullContainerError ... i/o timeout`.

## Example
```yaml
PrivateSubnet:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
# no AWS::EC2::SubnetRouteTableAssociation for PrivateSubnet
```
```hcl
resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
# no aws_route_table_association for aws_subnet.private
```

## Use instead
```yaml
PrivateSubnetRoutes:
  Type: AWS::EC2::SubnetRouteTableAssociation
  Properties: {SubnetId: !Ref PrivateSubnet, RouteTableId: !Ref PrivateRouteTable}
```
```hcl
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
```

## Known problems
Terraform findings are warnings: the main table may be edited outside
Terraform. VPCs shared through RAM or edited by another stack are out of sight.

## References
- https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta
from linter.network import MAIN, NONE
from linter.rulekit import Context, finding, stranded

META = RuleMeta(
    id="FG060",
    name="main-route-table-fallback",
    severity="error",
    summary="A task subnet without a route table association, on a main table with no way out",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for s in stranded(ctx):
        if s.route.kind != NONE or ctx.net.route_table(s.subnet)[1] != MAIN:
            continue
        yield finding(
            META,
            f"subnet {s.subnet.id} of {s.placement.svc.id} has no route table association, "
            f"and the main route table of {s.vpc.id} has no 0.0.0.0/0 route: Fargate tasks "
            "there cannot pull images, fetch secrets or send logs",
            s.ref.loc,
            s.placement.svc.id,
            path=s.path,
            assumed=s.assumed,
            severity="error" if ctx.tpl.kind == m.CFN else "warning",
            fix=f"Associate {s.subnet.id} with a route table whose 0.0.0.0/0 route goes to "
            "a NAT gateway (or an internet gateway, with public IPs).",
        )
