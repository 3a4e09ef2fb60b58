"""FG037 — Internet-facing load balancer without an internet gateway path

## What it does
Finds internet-facing Application and Network Load Balancers (the default scheme)
whose VPC has no internet gateway attached (error), or whose subnets do not route
`0.0.0.0/0` to one (warning).

## Why is this bad?
Creating an internet-facing load balancer in a VPC without an internet gateway
fails (`InvalidSubnet: VPC vpc-… has no internet gateway`). In a subnet whose
default route is not the internet gateway, the load balancer's node in that zone
is unreachable from the internet: clients time out in some or all zones.

## Example
```yaml
LoadBalancer:
  Type: AWS::ElasticLoadBalancingV2::LoadBalancer
  Properties:                        # Scheme: internet-facing (the default)
    Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]   # 0.0.0.0/0 -> NAT
```
```hcl
resource "aws_lb" "app" {
  internal = false
  subnets  = aws_subnet.private[*].id
}
```

## Use instead
Put internet-facing load balancers in public subnets (`0.0.0.0/0` to an attached
internet gateway), or make them internal (`Scheme: internal`, `internal = true`).

## Known problems
A default route to a firewall or Gateway Load Balancer endpoint (ingress routing)
is not followed: such subnets are not reported.

## References
- https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-scheme
- https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html
- https://github.com/openshift/installer/issues/1110
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import NAT, NONE, ROUTING_TYPES
from linter.rulekit import Context, finding
from linter.values import assumptions, truth
from linter.vpcs import single_vpc

META = RuleMeta(
    id="FG037",
    name="public-lb-without-igw",
    severity="error",
    summary="internet-facing load balancer in a VPC or subnets without an internet gateway route",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for lb in ctx.tpl.of(m.LoadBalancer):
        if ctx.lb.kind(lb) not in ("application", "network"):
            continue
        if lb.internal is not None and truth(lb.internal) is not False:
            continue  # internal, or not known
        subnets = ctx.lb.subnets(lb)
        if not subnets:
            continue
        facing = Step(
            f"{lb.id} is internet-facing{'' if lb.internal is not None else ' (the default)'}",
            (lb.internal or lb).loc,
        )
        where = (lb.subnets or lb).loc
        vpc = single_vpc(ctx.tpl, subnets)
        if vpc is not None and _no_gateway(ctx, vpc):
            yield finding(
                META,
                f"internet-facing load balancer {lb.id} is in VPC {vpc.id}, which has no "
                "internet gateway attached; creating it fails ('has no internet gateway')",
                where,
                lb.id,
                path=(facing, Step(f"no internet gateway is attached to {vpc.id}", vpc.loc)),
                assumed=assumptions(lb.internal) + ctx.net.exported(vpc),
                fix="Attach an internet gateway and use public subnets, or make it internal.",
            )
            continue
        cut = [(s, r) for s in subnets if (r := ctx.net.default_route(s)).kind in (NONE, NAT)]
        if not cut:
            continue
        names = ", ".join(s.id for s, _ in cut)
        yield finding(
            META,
            f"internet-facing load balancer {lb.id} stands in subnet{'s' if len(cut) > 1 else ''} "
            f"{names}, which route 0.0.0.0/0 to no internet gateway (none, or a NAT gateway): "
            "its nodes there are unreachable from the internet",
            where,
            lb.id,
            path=(
                facing,
                *(
                    step
                    for s, r in cut
                    for step in (Step(f"{lb.id} stands in {s.id}", s.loc), *r.steps)
                ),
            ),
            assumed=assumptions(lb.internal) + tuple(a for _, r in cut for a in r.assumed),
            severity="warning",
            fix="Use public subnets (0.0.0.0/0 to an internet gateway), or make it internal.",
        )


def _no_gateway(ctx: Context, vpc: m.Vpc) -> bool:
    """No internet gateway is attached to the VPC, and none can be outside our sight."""
    net = ctx.net
    if net.igw_attachments_open or net.dropped(*ROUTING_TYPES) or vpc.id in ctx.tpl.handed:
        return False  # an attachment may be made where we cannot see
    if any(t in ctx.tpl.uncertain for t in ROUTING_TYPES):
        return False
    return not any(vpc.id in vpcs for vpcs in net.attached_igws.values())
