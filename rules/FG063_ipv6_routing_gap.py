"""FG063 — IPv6-only tasks without an IPv6 way out, or wired for IPv4

## What it does
For services whose subnets are IPv6-only (`Ipv6Native` / `ipv6_native`), checks:

- (a) the subnet's route table sends `::/0` to an internet gateway or an egress-only
  internet gateway, unless the VPC has interface endpoints (which may serve the
  tasks);
- (c) private ECR images use the dual-stack URI (`<account>.dkr-ecr.<region>.on.aws`),
  not the IPv4-only `….dkr.ecr.<region>.amazonaws.com`;
- (d) the target groups the service registers in take IPv6 addresses
  (`IpAddressType: ipv6`).

## Why is this bad?
The tasks have no IPv4 address: with no IPv6 route out, image pulls, secrets and
logs time out; an IPv4-only registry name resolves to addresses they cannot reach;
an IPv4 target group cannot register them.

## Example
```yaml
TaskSubnet:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref Vpc
    Ipv6Native: true
    Ipv6CidrBlock: !Select [0, !GetAtt Vpc.Ipv6CidrBlocks]   # its table has no ::/0 route
```
```hcl
  container_definitions = jsonencode([{
    name  = "app"
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"   # IPv4-only name
  }])
```

## Use instead
A `::/0` route to an egress-only internet gateway, the dual-stack ECR URI
(`123456789012.dkr-ecr.eu-west-1.on.aws/app:1`) and target groups with
`IpAddressType: ipv6` behind a dual-stack load balancer.

## Known problems
DNS64/NAT64 for IPv4-only destinations is not followed, and which AWS endpoints are
dual-stack is not assumed. Dual-stack subnets are not checked.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html
- https://aws.amazon.com/blogs/containers/amazon-ecs-announces-ipv6-only-support/
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter import ipv6
from linter.findings import Finding, RuleMeta, Step
from linter.network import NO
from linter.rulekit import Context, finding, placements
from linter.values import shape, text

META = RuleMeta(
    id="FG063",
    name="ipv6-routing-gap",
    severity="error",
    summary="IPv6-only tasks with no ::/0 route out, an IPv4-only ECR name, or an IPv4 target "
    "group",
    formats=("cloudformation", "terraform"),
)

_IPV4_ECR = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/")


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        only6 = [(ref, s) for ref, s in ctx.net.placement_subnets(p.svc) if ipv6.ipv6_only(s)]
        if not only6:
            continue
        ref, subnet = only6[0]
        placed = Step(f"{p.svc.id} places tasks in IPv6-only subnet {subnet.id}", ref.loc)
        for ref, s in only6:
            answer, steps = ipv6.default_route6(ctx.net, s)
            vpc = ctx.net.vpc_of(s)
            if answer != NO or vpc is None or ctx.net.has_interface_endpoints(vpc) is not False:
                continue
            yield finding(
                META,
                f"{p.svc.id} runs tasks in IPv6-only subnet {s.id}, which has no ::/0 route to "
                "an internet gateway or egress-only internet gateway, and the VPC has no "
                "interface endpoints: the tasks cannot reach anything outside the VPC",
                ref.loc,
                p.svc.id,
                path=(Step(f"{s.id} is IPv6-only", s.ipv6_only.loc), *steps),
                assumed=p.assumed + ctx.net.isolation_assumed(vpc),
                fix="Route ::/0 to an egress-only internet gateway (or an internet gateway).",
            )
        for c in p.td.containers or () if p.td is not None else ():
            image = shape(c.image) or ""
            if c.image is not None and c.image.known and _IPV4_ECR.match(image):
                yield finding(
                    META,
                    f"container '{text(c.name) or '?'}' of {p.svc.id} pulls {image.split('/')[0]}, "
                    "an IPv4-only ECR name, from IPv6-only subnets: the pull cannot connect",
                    c.image.loc,
                    p.svc.id,
                    path=(placed,),
                    assumed=p.assumed,
                    fix="Use the dual-stack URI <account>.dkr-ecr.<region>.on.aws/<repository>.",
                )
        for b in p.svc.load_balancers:
            tg = ctx.lb.target_group(b)
            if tg is None:
                continue
            kind = text(tg.ip_address_type) if tg.ip_address_type is not None else "ipv4"
            if kind is None or kind.lower() == "ipv6":
                continue
            yield finding(
                META,
                f"{p.svc.id} registers IPv6-only tasks in target group {tg.id}, whose IP "
                f"address type is {kind}: their IPv6 addresses cannot be registered",
                b.target_group.loc,
                p.svc.id,
                path=(
                    placed,
                    Step(f"{tg.id} takes {kind} targets", (tg.ip_address_type or tg).loc),
                ),
                assumed=p.assumed,
                fix="Use a target group with IpAddressType ipv6 behind a dual-stack load balancer.",
            )
