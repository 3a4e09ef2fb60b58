"""FG036 — Task subnets in Availability Zones the load balancer does not serve

## What it does
Compares the Availability Zones of a load-balanced service's subnets with those of
the subnets of every load balancer that forwards to its target group.

## Why is this bad?
A load balancer routes only to targets in the zones it is enabled in. A task
started in another zone registers, never passes its health check and is stopped
and replaced, over and over ("Target is in an Availability Zone that is not
enabled for the load balancer").

## Example
```yaml
LoadBalancer:
  Properties:
    Subnets: [!Ref PublicSubnetA]              # eu-west-1a only
Service:
  Properties:
    NetworkConfiguration:
      AwsvpcConfiguration:
        Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]   # 1a and 1b
```
```hcl
resource "aws_lb" "app" {
  subnets = [aws_subnet.public_a.id]           # one zone
}
```

## Use instead
Give the load balancer a subnet in every zone the tasks use, or keep the tasks to
the load balancer's zones.

## Known problems
Zones are compared when they are literal names or ids, or the same index into
`Fn::GetAZs` of the stack's Region; otherwise the rule is silent.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-types.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-service-load-balancers.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, bound, finding
from linter.vpcs import uncovered, zone, zone_text

META = RuleMeta(
    id="FG036",
    name="task-az-not-on-lb",
    severity="warning",
    summary="tasks run in an Availability Zone the load balancer is not enabled in",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for p, b, tg in bound(ctx):
        for lb, lst in ctx.lb.balancers(tg):
            if (p.svc.id, lb.id) in seen:
                continue
            seen.add((p.svc.id, lb.id))
            subnets = ctx.lb.subnets(lb)
            if subnets is None:
                continue
            served = ", ".join(sorted({zone_text(z) for s in subnets if (z := zone(s))}))
            for ref, s, z in uncovered(subnets, ctx.net.placement_subnets(p.svc)):
                yield finding(
                    META,
                    f"{p.svc.id} places tasks in {s.id} ({zone_text(z)}), a zone load balancer "
                    f"{lb.id} is not enabled in ({served}); those tasks never pass the health "
                    "check and are replaced in a loop",
                    ref.loc,
                    p.svc.id,
                    path=(
                        Step(f"{p.svc.id} registers its tasks in {tg.id}", b.loc),
                        Step(f"{lst.id} forwards to {tg.id}", lst.loc),
                        Step(f"{lb.id} has subnets in {served}", (lb.subnets or lb).loc),
                        Step(f"{s.id} is in {zone_text(z)}", (s.az or s).loc),
                    ),
                    assumed=p.assumed,
                    fix=f"Add a subnet in {zone_text(z)} to {lb.id}, or keep the tasks to its "
                    "zones.",
                )
