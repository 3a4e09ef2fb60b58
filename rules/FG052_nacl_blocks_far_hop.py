"""FG052 — Network ACL on the other hop drops the flow

## What it does
Follows the tasks' flows past their own subnet and checks the network ACLs of the
subnets on the other end, in both directions (NACLs are stateless):

- **load balancer → tasks:** the load balancer's subnets must let the container and
  health-check ports out to the task subnets and the answer back in on
  1024–65535; the task subnets must let those ports in from the load balancer's
  subnets and the answer out;
- **tasks → interface endpoint:** the endpoint's subnets must let TCP 443 in from
  the task subnets and the answer out on the tasks' ephemeral ports;
- **tasks → NAT gateway:** the NAT's subnet must let TCP 443 in from the tasks and
  out to the internet, the answers in on 1024–65535 and out to the tasks.
- **tasks → EFS mount target** (in the tasks' zone): TCP 2049 out of the task subnet
  and into the mount target's, the answers back on the tasks' ephemeral ports.

## Why is this bad?
Health checks fail and the load balancer marks every target unhealthy (the VPC
guide warns that deny rules on backend subnets break them), or image pulls, secret
and log calls time out at the endpoint or the NAT, though the task subnet's own
ACL is right.

## Example
```yaml
PublicNaclIn:
  Type: AWS::EC2::NetworkAclEntry
  Properties:
    NetworkAclId: !Ref PublicNacl      # the load balancer's subnets
    RuleNumber: 100
    Protocol: 6
    RuleAction: allow
    CidrBlock: 0.0.0.0/0
    PortRange: {From: 443, To: 443}    # the answers from the tasks never get in
```
```hcl
resource "aws_network_acl" "endpoints" {
  subnet_ids = aws_subnet.endpoints[*].id
  ingress {
    rule_no = 100, protocol = "tcp", action = "allow"
    cidr_block = "10.0.0.0/16", from_port = 443, to_port = 443
  }
  egress {                             # answers to the tasks' ports are dropped
    rule_no = 100, protocol = "tcp", action = "allow"
    cidr_block = "10.0.0.0/16", from_port = 443, to_port = 443
  }
}
```

## Use instead
Mirror every allow: for each port a hop accepts, let the answer out on the other
side's ephemeral ports (1024–65535 covers all of them).

## Known problems
Flows within one subnet never meet its ACL and are not checked; EFS mount targets are
paired with task subnets only when both zones are known. A network ACL that allows
nothing in a direction is FG053's.

## References
- https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
- https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import farhop
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding
from linter.values import text

META = RuleMeta(
    id="FG052",
    name="nacl-blocks-far-hop",
    severity="error",
    summary="the network ACL of a load balancer, endpoint or NAT subnet drops the tasks' flow",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    # One finding per NACL, direction and port range: the subnets, peers and hops it
    # cuts off are listed together.
    groups: dict[tuple, list[farhop.HopBlock]] = {}
    for b in farhop.blocks(ctx):
        key = (b.placement.svc.id, b.acl.id, b.egress, b.verdict.ports or b.ports)
        groups.setdefault(key, []).append(b)
    for group in groups.values():
        b = group[0]
        hops = ", ".join(dict.fromkeys(x.hop for x in group))
        peers = ", ".join(dict.fromkeys(x.peer.label for x in group))
        subnets = ", ".join(dict.fromkeys(x.subnet.id for x in group))
        lo, hi = b.verdict.ports or b.ports
        ports = f"TCP {lo}" if lo == hi else f"TCP {lo}-{hi}"
        way = f"outbound {ports} to" if b.egress else f"inbound {ports} from"
        v = b.verdict
        if v.entry is not None:
            number, action = text(v.entry.number), text(v.entry.action)
            decided = Step(f"entry {number} ({action}) drops it", v.entry.loc)
        else:
            decided = Step(f"no entry of {b.acl.id} allows {way} {b.peer.label}", b.acl.loc)
        lb = all(x.hop.startswith("load balancer") for x in group)
        yield finding(
            META,
            f"network ACL {b.acl.id} of subnet {subnets} drops {way} {peers} on the "
            f"way between {b.placement.svc.id}'s tasks and {hops}; "
            + ("health checks and requests fail" if lb else "their calls time out"),
            b.acl.loc,
            b.placement.svc.id,
            path=(*b.steps, decided),
            assumed=b.placement.assumed + b.assumed,
            fix=f"Add an allow entry for {way} {peers} to {b.acl.id}, numbered before any deny "
            "that matches it.",
        )
