"""FG061 — default route to a NAT gateway that cannot reach the internet

## What it does
Follows the default route of each task subnet to its NAT gateway and checks
the NAT itself: a `private` NAT (its traffic is dropped at the internet
gateway), a public NAT without an Elastic IP allocation, a NAT placed in a
subnet whose own default route does not go to an attached internet gateway, or
a NAT whose subnet routes back to itself.

## Why is this bad?
The route looks right, but packets die one hop later: image pulls, secrets and
logs time out exactly as with no route at all. A public NAT without an EIP does
not even deploy.

## Example
```yaml
NatGateway:
  Type: AWS::EC2::NatGateway
  Properties:
    AllocationId: !GetAtt NatEip.AllocationId
    SubnetId: !Ref PrivateSubnet      # should be a public subnet
```
```hcl
resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.private.id   # should be a public subnet
}
```

## Use instead
```yaml
    SubnetId: !Ref PublicSubnet       # 0.0.0.0/0 -> internet gateway
```
```hcl
  subnet_id     = aws_subnet.public.id    # 0.0.0.0/0 -> internet gateway
```

## Known problems
A NAT whose subnet routes to a transit gateway or firewall is not judged: the
other side may lead out. When the VPC has interface endpoints, the broken NAT is
reported only if some need of the tasks is left without one (or is a public
registry): with private DNS, the endpoints serve those calls whatever the NAT does.

## References
- https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter import reach
from linter.findings import Finding, RuleMeta, Step
from linter.network import NAT, NO
from linter.rulekit import Context, Placement, finding, placements, subnet_egress
from linter.values import text

META = RuleMeta(
    id="FG061",
    name="nat-without-internet",
    severity="error",
    summary="A task subnet's default route goes to a NAT gateway that cannot reach the internet",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        if p.launch not in ("FARGATE", "EC2"):
            continue
        for ref, subnet, egress, route in subnet_egress(ctx, p):
            if route.kind != NAT:
                continue
            into = Step(f"{p.svc.id} places tasks in subnet {subnet.id}", ref.loc)
            nat: m.NatGateway = route.target
            if egress.answer == NO and _needs_the_nat(ctx, p, subnet):
                yield finding(
                    META,
                    f"subnet {subnet.id} of {p.svc.id} routes 0.0.0.0/0 to NAT gateway "
                    f"{nat.id}, which cannot reach the internet ({egress.why}): tasks cannot "
                    "pull images, fetch secrets or send logs",
                    ref.loc,
                    p.svc.id,
                    path=(into, *egress.steps),
                    assumed=p.assumed + egress.assumed,
                    fix="Place a public NAT gateway with an Elastic IP in a subnet whose "
                    "0.0.0.0/0 route goes to the internet gateway.",
                )
            elif _needs_eip(nat):
                yield finding(
                    META,
                    f"NAT gateway {nat.id}, the way out of subnet {subnet.id} of {p.svc.id}, "
                    "is public but has no Elastic IP allocation: it will fail to create",
                    ref.loc,
                    p.svc.id,
                    path=(
                        into,
                        *route.steps,
                        Step(f"{nat.id} sets no AllocationId", nat.loc),
                    ),
                    assumed=p.assumed + route.assumed,
                    fix="Give the NAT gateway an Elastic IP (AllocationId / allocation_id), "
                    "or make it private.",
                )


def _needs_the_nat(ctx: Context, p: Placement, subnet: m.Subnet) -> bool:
    """Whether the tasks miss the NAT: the VPC has no interface endpoints, or some need
    of theirs is not served by one (a gap, a public registry). With endpoints serving
    every need, a broken NAT strands nothing: private DNS sends the calls to them."""
    r = ctx.reach(p)
    if r.vpc is None or ctx.net.has_interface_endpoints(r.vpc) is False:
        return True
    if any(n.service == reach.INTERNET for n in r.needs):
        return True
    if not r.needs:
        return False  # what the tasks call is not known: the endpoints may serve it all
    return any(sr.subnet is subnet and sr.gaps for sr in r.subnets)


def _needs_eip(nat: m.NatGateway) -> bool:
    conn = text(nat.connectivity) if nat.connectivity is not None else "public"
    return conn == "public" and nat.allocation is None and nat.subnet is not None
