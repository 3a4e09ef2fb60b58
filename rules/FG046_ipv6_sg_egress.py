"""FG046 — IPv6-only tasks whose security groups let no IPv6 out

## What it does
For services whose subnets are IPv6-only (`Ipv6Native` / `ipv6_native`), checks that
the union of the tasks' security groups has an egress rule for TCP 443 to an IPv6
range (`CidrIpv6` / `ipv6_cidr_blocks`), or one that may stand for IPv6 addresses (a
security group or prefix list).

## Why is this bad?
The tasks have only IPv6 addresses, and IPv4 and IPv6 rules are separate. A
CloudFormation group's default egress rule is IPv4 only (`0.0.0.0/0`), and a
Terraform group has no egress unless it declares some: image pulls, secrets and logs
time out as if there were no route.

## Example
```yaml
TaskSg:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref Vpc
    GroupDescription: tasks        # default egress: 0.0.0.0/0, IPv4 only
```
```hcl
resource "aws_security_group" "tasks" {
  vpc_id = aws_vpc.main.id
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]    # no ipv6_cidr_blocks
  }
}
```

## Use instead
```yaml
    SecurityGroupEgress:
      - {IpProtocol: "-1", CidrIpv6: "::/0"}
```
```hcl
    ipv6_cidr_blocks = ["::/0"]
```

## Known problems
Dual-stack tasks, which may still go out over IPv4, are not checked. Whether an IPv6
range holds the service's addresses is not judged.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html
- https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import ipv6
from linter.findings import Finding, RuleMeta, Step
from linter.network import NO
from linter.rulekit import Context, finding, placements, sg_explained

META = RuleMeta(
    id="FG046",
    name="ipv6-sg-egress",
    severity="error",
    summary="IPv6-only tasks whose security groups allow no IPv6 egress on TCP 443",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        only6 = [(ref, s) for ref, s in ctx.net.placement_subnets(p.svc) if ipv6.ipv6_only(s)]
        groups = ctx.net.security_groups(p.svc.security_groups)
        if not only6 or groups is None or ctx.net.sg_rules_open:
            continue
        if ipv6.egress6(groups, 443).answer != NO:
            continue
        ref, subnet = only6[0]
        sg_steps, sg_assumed = sg_explained(ctx.net, groups, "egress")
        yield finding(
            META,
            f"the security groups of {p.svc.id} allow no IPv6 egress on TCP 443, and its tasks "
            f"in IPv6-only subnet {subnet.id} have only IPv6 addresses: image pulls, secrets "
            "and logs time out",
            p.svc.security_groups.loc,
            p.svc.id,
            path=(
                Step(f"{p.svc.id} places tasks in IPv6-only subnet {subnet.id}", ref.loc),
                *sg_steps,
            ),
            assumed=p.assumed + tuple(sg_assumed),
            fix="Add an egress rule for TCP 443 (or all traffic) to ::/0.",
        )
