"""FG041 — interface endpoint security group does not admit HTTPS from the tasks

## What it does
For each interface VPC endpoint with private DNS that a service's tasks use (ECR
for a private ECR image, CloudWatch Logs for `awslogs`, Secrets Manager or SSM
for secrets, `ssmmessages` for ECS Exec), checks that the union of the
endpoint's security groups admits TCP 443 from the tasks: from one of the tasks'
security groups, or from a CIDR covering the tasks' subnets. Inline rules and
separate rule resources (`AWS::EC2::SecurityGroupIngress`,
`aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`) all count.
An endpoint without security groups gets the VPC default group, which admits
only its own members.

## Why is this bad?
With private DNS on, every call to that service from the VPC resolves to the
endpoint's private IPs — even when a NAT gateway exists. If the endpoint's
security group drops HTTPS from the tasks, the TCP connection times out: image
pulls, secret retrieval or logging fail and the task stops.

## Example
```yaml
EndpointSg:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 10.0.0.0/16}
```
```hcl
resource "aws_security_group" "endpoints" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["10.0.0.0/16"]
  }
}
```

## Use instead
```yaml
      - {IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref TaskSg}
```
```hcl
  ingress {
    protocol        = "tcp"
    from_port       = 443
    to_port         = 443
    security_groups = [aws_security_group.tasks.id]
  }
```

## Known problems
Silent when the tasks' or the endpoint's security groups come from outside the
analysed files, or when a rule's source cannot be known.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import NO
from linter.reach import ENDPOINT, Flow
from linter.rulekit import Context, Placement, finding, placements, sg_explained

META = RuleMeta(
    id="FG041",
    name="endpoint-sg-blocks-https",
    severity="error",
    summary="An interface endpoint the tasks use whose security groups drop TCP 443 from them",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        seen: set[str] = set()
        for sr in ctx.reach(p).subnets:
            for flow in sr.flows:
                if flow.via == ENDPOINT and flow.endpoint.id not in seen:
                    seen.add(flow.endpoint.id)
                    yield from _check_endpoint(ctx, p, flow)


def _check_endpoint(ctx: Context, p: Placement, flow: Flow) -> Iterator[Finding]:
    net, ep, service = ctx.net, flow.endpoint, flow.need.service
    reach = ctx.reach(p)
    base = (
        Step(f"{p.svc.id} needs {service} for {flow.need.why} (here)", flow.need.loc),
        *flow.steps,
    )
    if ep.security_groups is None:
        if p.svc.security_groups is None or any(g.vpc_default for g in ctx.tpl.of(m.SecurityGroup)):
            return  # the tasks share the default group, or it is managed here
        if reach.task_groups is None:
            return
        yield finding(
            META,
            f"interface endpoint {ep.id} ({service}) has no security groups, so it uses the "
            f"VPC default group, which admits only its own members; tasks of {p.svc.id} "
            "cannot connect to it on TCP 443",
            p.where,
            p.svc.id,
            path=(*base, Step(f"{ep.id} sets no security groups", ep.loc)),
            assumed=p.assumed,
            fix="Give the endpoint a security group that admits TCP 443 from the tasks' "
            "security group or subnets.",
        )
        return
    groups = net.security_groups(ep.security_groups)
    if groups is None:
        return
    verdict = net.sg_admits(groups, "ingress", 443, reach.task_peer)
    if verdict.answer != NO:
        return
    sg_steps, sg_assumed = sg_explained(net, groups, "ingress")
    yield finding(
        META,
        f"the security groups of interface endpoint {ep.id} ({service}) do not admit TCP 443 "
        f"from the tasks of {p.svc.id}; calls to {service} will time out",
        p.where,
        p.svc.id,
        path=(*base, *sg_steps),
        assumed=p.assumed + tuple(sg_assumed),
        fix="Add an ingress rule for TCP 443 from the tasks' security group (or the VPC "
        "CIDR) to the endpoint's security group.",
    )
