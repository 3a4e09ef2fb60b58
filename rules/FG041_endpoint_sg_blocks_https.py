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
from linter.network import NO, endpoint_service, needs, subnet_cidrs
from linter.rulekit import Context, Placement, finding, placements
from linter.values import text, truth

META = RuleMeta(
    id="FG041",
    name="endpoint-sg-blocks-https",
    severity="error",
    summary="An interface endpoint the tasks use whose security groups drop TCP 443 from them",
    formats=("cloudformation", "terraform"),
)


def _task_groups(ctx: Context, p: Placement) -> tuple[set[str], bool] | None:
    """(task SG ids, uses the VPC default SG) or None when they cannot be known."""
    sgs = p.svc.security_groups
    if sgs is None:
        return set(), True
    if not sgs.known:
        return None
    groups = [ctx.net.security_group(v) for v in sgs.items()]
    if any(g is None for g in groups):
        return None
    return {g.id for g in groups}, False


def check(ctx: Context) -> Iterator[Finding]:
    net = ctx.net
    for p in placements(ctx):
        if p.td is None or p.td.containers is None or p.launch not in ("FARGATE", "EC2"):
            continue
        exec_on = truth(p.svc.exec_enabled) is True
        wanted = needs(p.td, exec_on)
        if p.launch == "EC2":  # the instance pulls images and ships logs, not the task ENI
            wanted = {k: v for k, v in wanted.items() if k == "ssmmessages" and p.mode == "awsvpc"}
        placed = net.placement_subnets(p.svc)
        if not wanted or not placed:
            continue
        vpcs = {net.vpc_of(s) for _, s in placed}
        if len(vpcs) != 1 or None in vpcs:
            continue
        vpc = vpcs.pop()
        tasks = _task_groups(ctx, p)
        if tasks is None:
            continue
        sources, default_sg = tasks
        cidrs = subnet_cidrs([s for _, s in placed])
        for ep in net.endpoints_by_vpc.get(vpc.id, []):
            svc_name = endpoint_service(ep)
            if svc_name not in wanted:
                continue
            if (text(ep.endpoint_type) or "").lower() != "interface":
                continue
            if truth(ep.private_dns) is not True:
                continue
            yield from _check_endpoint(ctx, p, ep, svc_name, wanted, sources, default_sg, cidrs)


def _check_endpoint(ctx, p, ep: m.VpcEndpoint, svc_name, wanted, sources, default_sg, cidrs):
    net = ctx.net
    base = (
        Step(f"{p.svc.id} needs {svc_name} (here)", wanted[svc_name]),
        Step(f"interface endpoint {ep.id} serves {svc_name} with private DNS", ep.loc),
    )
    if ep.security_groups is None:
        if default_sg:
            return
        yield finding(
            META,
            f"interface endpoint {ep.id} ({svc_name}) has no security groups, so it uses the "
            f"VPC default group, which admits only its own members; tasks of {p.svc.id} "
            "cannot connect to it on TCP 443",
            p.where,
            p.svc.id,
            path=(*base, Step(f"{ep.id} sets no SecurityGroupIds", ep.loc)),
            assumed=p.assumed,
            fix="Give the endpoint a security group that admits TCP 443 from the tasks' "
            "security group or subnets.",
        )
        return
    if not ep.security_groups.known:
        return
    groups = [net.security_group(v) for v in ep.security_groups.items()]
    if not groups or any(g is None for g in groups):
        return
    answer, _ = net.sg_admits(groups, 443, sources, cidrs)
    if answer != NO:
        return
    steps = [*base]
    assumed = list(p.assumed)
    for g in groups:
        steps.append(Step(f"security group {g.id} admits {_describe(g)}", g.loc))
        assumed.extend(net.exported(g))
    yield finding(
        META,
        f"the security groups of interface endpoint {ep.id} ({svc_name}) do not admit TCP 443 "
        f"from the tasks of {p.svc.id}; calls to {svc_name} will time out",
        p.where,
        p.svc.id,
        path=tuple(steps),
        assumed=tuple(assumed),
        fix="Add an ingress rule for TCP 443 from the tasks' security group (or the VPC "
        "CIDR) to the endpoint's security group.",
    )


def _describe(g: m.SecurityGroup) -> str:
    if not g.ingress:
        return "no inbound traffic"
    parts = []
    for r in g.ingress[:3]:
        proto = (text(r.protocol) or "?").lower()
        if proto in ("-1", "all"):
            parts.append("all traffic")
            continue
        lo, hi = text(r.from_port), text(r.to_port)
        ports = lo if lo == hi else f"{lo}-{hi}"
        parts.append(f"{proto}/{ports}")
    more = ", ..." if len(g.ingress) > 3 else ""
    return ", ".join(parts) + more + " only"
