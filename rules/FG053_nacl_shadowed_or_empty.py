"""FG053 — network ACL with no allow entries, or a deny ordered before the allow

## What it does
Finds network ACLs on the tasks' path (the task subnets, and the subnets of the
endpoints, NAT gateways and load balancers they use) that allow nothing at all in one
direction, and entries that deny a flow the tasks need while a higher-numbered
entry would have allowed it.

## Why is this bad?
A new custom NACL blocks all traffic until you add rules, and NACL entries are
evaluated in rule-number order with the first match winning: a broad DENY at
100 silences the ALLOW at 200. Every connection through that subnet fails.

## Example
```yaml
DenyAll:
  Type: AWS::EC2::NetworkAclEntry
  Properties:
    NetworkAclId: !Ref PrivateNacl
    RuleNumber: 100
    Egress: true
    Protocol: -1
    RuleAction: deny
    CidrBlock: 0.0.0.0/0
AllowHttps:                     # never reached
  Type: AWS::EC2::NetworkAclEntry
  Properties:
    NetworkAclId: !Ref PrivateNacl
    RuleNumber: 200
    Egress: true
    Protocol: 6
    RuleAction: allow
    CidrBlock: 0.0.0.0/0
    PortRange: {From: 443, To: 443}
```
```hcl
resource "aws_network_acl" "private" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.private.id]   # no ingress or egress entries
}
```

## Use instead
Give the allow entries lower rule numbers than the denies, and declare entries
in both directions.

## References
- https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
- https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.nacl import allows_anything
from linter.network import NAT
from linter.reach import ENDPOINT
from linter.rulekit import Context, finding, nacl_path
from linter.values import text

META = RuleMeta(
    id="FG053",
    name="nacl-shadowed-or-empty",
    severity="error",
    summary="A NACL on the tasks' path that allows nothing, or whose deny shadows the allow",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for b in ctx.nacl_blocks:
        v = b.verdict
        if v.shadowed is None or v.entry is None:
            continue
        yield finding(
            META,
            f"entry {text(v.entry.number)} of network ACL {b.acl.id} denies what entry "
            f"{text(v.shadowed.number)} was meant to allow: {b.flow.need.service} calls of "
            f"{b.placement.svc.id} from subnet {b.subnet.id} will time out",
            v.entry.loc,
            b.placement.svc.id,
            path=(*nacl_path(b), Step("the allow that never applies", v.shadowed.loc)),
            assumed=b.placement.assumed + b.assumed,
            fix="Give the allow entry a lower rule number than the deny.",
        )
    yield from _empty(ctx)


def _empty(ctx: Context) -> Iterator[Finding]:
    """NACLs on a path subnet with nothing allowed in a direction."""
    reported: set[tuple[str, bool]] = set()
    # A subnet (or an endpoint's subnets) checked once is checked for good: the verdict
    # is the NACL's, and each NACL is reported once, at the first path that meets it.
    walked: set[str] = set()
    for p in ctx.placements:
        for sr in ctx.reach(p).subnets:
            hops = [(sr.subnet, f"{p.svc.id} places tasks in subnet {sr.subnet.id}", sr.ref.loc)]
            for flow in sr.flows:
                ep = flow.endpoint
                if flow.via == ENDPOINT and ep.subnets is not None and ep.id not in walked:
                    walked.add(ep.id)
                    for v in ep.subnets.items():
                        s = ctx.tpl.deref(v, m.Subnet)
                        if s is not None:
                            hops.append((s, f"endpoint {ep.id} is in {s.id}", v.loc))
            route = ctx.net.default_route(sr.subnet)
            if route.kind == NAT and route.target is not None:
                s = ctx.tpl.deref(route.target.subnet, m.Subnet)
                if s is not None:
                    hops.append((s, f"NAT gateway {route.target.id} is in {s.id}", s.loc))
            for subnet, why, loc in hops:
                if subnet.id not in walked:
                    walked.add(subnet.id)
                    yield from _check_hop(ctx, p, subnet, why, loc, reported)
    for p, flow in ctx.lb_flows:
        for s in ctx.lb.subnets(flow.lb) or ():
            if s.id not in walked:
                walked.add(s.id)
                why = f"load balancer {flow.lb.id} is in {s.id}"
                yield from _check_hop(ctx, p, s, why, (flow.lb.subnets or flow.lb).loc, reported)


def _check_hop(ctx, p, subnet, why, loc, reported) -> Iterator[Finding]:
    entries, acl, steps, assumed = ctx.net.nacl(subnet)
    if entries is None or acl is None:
        return
    for egress in (True, False):
        if allows_anything(entries, egress) or (acl.id, egress) in reported:
            continue
        reported.add((acl.id, egress))
        direction = "outbound" if egress else "inbound"
        yield finding(
            META,
            f"network ACL {acl.id} allows no {direction} traffic at all, and subnet "
            f"{subnet.id} on the path of {p.svc.id} uses it: every connection through it fails",
            acl.loc,
            p.svc.id,
            path=(Step(why, loc), *steps),
            assumed=p.assumed + assumed,
            fix=f"Add {direction} allow entries (TCP 443 out, 1024-65535 back in).",
        )
