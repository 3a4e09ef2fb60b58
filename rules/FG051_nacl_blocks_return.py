"""FG051 — the task subnet's network ACL blocks the return traffic

## What it does
NACLs are stateless: the response to a task's outbound HTTPS call comes back
on the task's ephemeral port (32768-61000 on Linux). For each flow the tasks
open, checks that the task subnet's NACL lets those responses in, over the
whole port range.

## Why is this bad?
The request leaves, the answer is dropped: the connection times out exactly as
if there were no route. "443 out but not the ephemeral ports in" is the classic
NACL mistake.

## Example
```yaml
Ingress443:
  Type: AWS::EC2::NetworkAclEntry
  Properties:
    NetworkAclId: !Ref PrivateNacl
    RuleNumber: 100
    Protocol: 6
    RuleAction: allow
    CidrBlock: 0.0.0.0/0
    PortRange: {From: 443, To: 443}   # responses arrive on 32768-61000
```
```hcl
  ingress {
    rule_no    = 100
    protocol   = "tcp"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443     # responses arrive on 32768-61000
  }
```

## Use instead
```yaml
    PortRange: {From: 1024, To: 65535}
```
```hcl
    from_port  = 1024
    to_port    = 65535
```

## References
- https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
- https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, finding, labels, missing_allows, nacl_path

META = RuleMeta(
    id="FG051",
    name="nacl-blocks-return-traffic",
    severity="error",
    summary="The task subnet's network ACL drops the responses on ephemeral ports",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for group in missing_allows(ctx, egress=False):
        b = group[0]
        peers, services = labels(group)
        lo, hi = b.verdict.ports or (0, 0)
        yield finding(
            META,
            f"network ACL {b.acl.id} of subnet {b.subnet.id} drops the responses from "
            f"{peers} on ephemeral ports {lo}-{hi}: {services} calls of {b.placement.svc.id} "
            "will time out",
            b.acl.loc,
            b.placement.svc.id,
            path=nacl_path(b),
            assumed=b.placement.assumed + b.assumed,
            fix="Add an inbound allow entry for TCP 1024-65535 from the destination.",
        )
