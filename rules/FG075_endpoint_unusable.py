"""FG075 — VPC endpoint that cannot be created as written

## What it does
Finds two interface endpoints for the same service in the same VPC that both enable
private DNS, and endpoints whose subnets belong to another VPC than the endpoint's
`VpcId` / `vpc_id`.

## Why is this bad?
A VPC can hold one private hosted zone per service name: the second endpoint with
private DNS fails to create (a conflicting DNS domain), and the stack rolls back.
An endpoint's network interfaces can only be placed in subnets of its own VPC, so
a subnet from another VPC fails the create as well. Either way the tasks are left
without the endpoint they rely on.

## Example
```yaml
EcrDkr:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.dkr
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
EcrDkrAgain:   # the same service again, private DNS on
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.dkr
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
```
```hcl
resource "aws_vpc_endpoint" "ecr_dkr_again" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.other_vpc.id]
}
```

## Use instead
One private-DNS endpoint per service per VPC, in subnets of that VPC.
```yaml
    PrivateDnsEnabled: false   # or remove the second endpoint
```
```hcl
  subnet_ids = [aws_subnet.private.id]
```

## Known problems
Silent when a VPC, a subnet or a service name is not known. A Region written into a
service name that differs from the deploy Region is not detected (the deploy Region
is not known before deploy).

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import endpoint_service, is_interface
from linter.rulekit import Context, finding
from linter.values import text, truth

META = RuleMeta(
    id="FG075",
    name="endpoint-cannot-be-created",
    severity="error",
    summary="two private-DNS endpoints for one service in a VPC, or an endpoint in "
    "another VPC's subnets",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    alike: dict[tuple[str, str, str], list[m.VpcEndpoint]] = {}
    for ep in ctx.tpl.of(m.VpcEndpoint):
        yield from _foreign_subnets(ctx, ep)
        vpc, service = _vpc(ctx, ep.vpc), endpoint_service(ep)
        if vpc is None or service is None or not is_interface(ep):
            continue
        if truth(ep.private_dns) is not True:
            continue
        # The same service only if written alike: a literal Region against the deploy
        # Region, or two parameters, may name two Regions.
        written = text(ep.service) or getattr(ep.service.value, "reason", "*")
        alike.setdefault((vpc, service, written), []).append(ep)
    for (vpc, service, _), (first, *more) in alike.items():
        if not more:
            continue
        names = ", ".join(e.id for e in more)
        one = len(more) == 1
        yield finding(
            META,
            f"endpoint{'' if one else 's'} {names} enable{'s' if one else ''} private DNS for "
            f"{service} in VPC {vpc}, where {first.id} already does: "
            f"{'it fails' if one else 'they fail'} to create (conflicting private DNS domain)",
            more[0].private_dns.loc,
            more[0].id,
            path=(
                Step(f"{first.id} serves {service} with private DNS in {vpc}", first.loc),
                *(
                    Step(f"{e.id} serves {service} with private DNS in {vpc} too", e.loc)
                    for e in more
                ),
            ),
            assumed=tuple(a for e in (first, *more) for a in e.private_dns.assumed),
            fix="Keep one private-DNS endpoint per service in the VPC (remove the others, "
            "or set their PrivateDnsEnabled to false).",
        )


def _foreign_subnets(ctx: Context, ep: m.VpcEndpoint) -> Iterator[Finding]:
    vpc = _vpc(ctx, ep.vpc)
    if vpc is None or ep.subnets is None or not ep.subnets.known:
        return
    for ref in ep.subnets.items():
        subnet = ctx.tpl.deref(ref, m.Subnet)
        theirs = _vpc(ctx, subnet.vpc) if subnet is not None else None
        if theirs is None or theirs == vpc:
            continue
        yield finding(
            META,
            f"endpoint {ep.id} is in VPC {vpc} but subnet {subnet.id} is in {theirs}: the "
            "endpoint fails to create",
            ref.loc,
            ep.id,
            path=(
                Step(f"endpoint {ep.id} is created in {vpc}", ep.vpc.loc),
                Step(f"subnet {subnet.id} belongs to {theirs}", subnet.vpc.loc),
            ),
            fix="Place the endpoint in subnets of its own VPC.",
        )


def _vpc(ctx: Context, v) -> str | None:
    """The VPC in scope a value names as itself (`!Ref Vpc`, `aws_vpc.main.id`); not one
    read off another resource (`!GetAtt Subnet.VpcId`)."""
    vpc = ctx.tpl.deref(v, m.Vpc)
    if vpc is None or v.value.attr not in ("", "id", "Id", "VpcId"):
        return None
    return vpc.id
