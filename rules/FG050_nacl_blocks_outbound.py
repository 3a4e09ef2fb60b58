"""FG050 — the task subnet's network ACL blocks the outbound flow

## What it does
For each HTTPS flow the tasks must open (to the internet, to the interface
endpoints in other subnets, to S3), evaluates the task subnet's network ACL the
way AWS does — entries in rule-number order, first match wins, implicit deny at
the end — and reports the flows no entry allows.

## Why is this bad?
A custom NACL denies everything it does not allow. Without an outbound allow
for TCP 443, pulls, secrets and logs time out before the task starts.

## Example
```yaml
Egress80:
  Type: AWS::EC2::NetworkAclEntry
  Properties:
    NetworkAclId: !Ref PrivateNacl
    RuleNumber: 100
    Egress: true
    Protocol: 6
    RuleAction: allow
    CidrBlock: 0.0.0.0/0
    PortRange: {From: 80, To: 80}
```
```hcl
resource "aws_network_acl" "private" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.private.id]
  egress {
    rule_no    = 100
    protocol   = "tcp"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 80
    to_port    = 80
  }
}
```

## Use instead
```yaml
    PortRange: {From: 443, To: 443}
```
```hcl
    from_port  = 443
    to_port    = 443
```

## Known problems
A NACL with no allow entry at all, or whose deny shadows an allow, is
reported by FG053 instead.

## References
- https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
- https://repost.aws/knowledge-center/fargate-connection-issues
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, finding, labels, missing_allows, nacl_path

META = RuleMeta(
    id="FG050",
    name="nacl-blocks-outbound",
    severity="error",
    summary="The task subnet's network ACL drops outbound HTTPS the tasks need",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for group in missing_allows(ctx, egress=True):
        b = group[0]
        peers, services = labels(group)
        yield finding(
            META,
            f"network ACL {b.acl.id} of subnet {b.subnet.id} drops outbound TCP 443 to "
            f"{peers}: {services} calls of {b.placement.svc.id} will time out",
            b.acl.loc,
            b.placement.svc.id,
            path=nacl_path(b),
            assumed=b.placement.assumed + b.assumed,
            fix="Add an outbound allow entry for TCP 443 to the destination (0.0.0.0/0 for "
            "the internet and S3).",
        )
