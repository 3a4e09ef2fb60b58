"""FG043 — Load-balancer security groups do not let traffic out to the tasks

## What it does
For each load-balanced awsvpc service, checks that the egress rules of the load
balancer's own security groups allow TCP to the tasks (their security groups or
a range covering their subnets) on the container port and on the health-check
port when that is another port. For bridge and host services behind `instance`
target groups, the same toward the container instances' security groups, on the
host port or the whole dynamic host-port range (32768–61000).

## Why is this bad?
Security groups are stateful, but the load balancer *opens* the connection to the
target, so its groups need an egress rule. Without one, health checks fail, every
target is unhealthy and clients get 503. A Terraform `aws_security_group` with
only `ingress` blocks has no egress at all: the provider removes AWS's default
allow-all rule.

## Example
```hcl
resource "aws_security_group" "lb" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
  # no egress: nothing leaves the load balancer
}
```
```yaml
LbSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref Vpc
    SecurityGroupEgress:
      - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}   # tasks listen on 8080
```

## Use instead
```hcl
  egress {
    protocol        = "tcp"
    from_port       = 8080
    to_port         = 8080
    security_groups = [aws_security_group.tasks.id]
  }
```

## Known problems
Network Load Balancers without security groups are not filtered and not checked.
Silent when a group or rule comes from outside the files.

## References
- https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.addresses import Peer
from linter.findings import Finding, RuleMeta, Step
from linter.network import NO
from linter.rulekit import Context, finding, sg_explained
from linter.secgroups import admits_range
from linter.values import text

META = RuleMeta(
    id="FG043",
    name="lb-sg-egress",
    severity="error",
    summary="the load balancer's security groups do not allow egress to the tasks",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p, flow in ctx.lb_flows:
        lb_groups = ctx.lb.security_groups(flow.lb)
        tasks = ctx.net.security_groups(p.svc.security_groups)
        if lb_groups is None or tasks is None or ctx.lb.uses_groups(flow.lb) is not True:
            continue
        verdict = ctx.net.sg_admits(lb_groups, "egress", flow.port.number, _tasks(ctx, p, tasks))
        if verdict.answer != NO:
            continue
        sg_steps, sg_assumed = sg_explained(ctx.net, lb_groups, "egress")
        yield finding(
            META,
            f"the security groups of load balancer {flow.lb.id} do not allow egress to "
            f"{p.svc.id}'s tasks on TCP {flow.port.number}, the {flow.port.what}; health "
            "checks and requests never reach the targets",
            flow.lb.security_groups.loc,
            flow.lb.id,
            path=(
                *flow.steps,
                Step(f"the tasks receive on {flow.port.what}", flow.port.loc),
                *sg_steps,
            ),
            assumed=p.assumed + tuple(sg_assumed),
            fix=f"Allow egress TCP {flow.port.number} to the tasks' security group in the load "
            "balancer's security group.",
        )
    yield from _instances(ctx)


def _instances(ctx: Context) -> Iterator[Finding]:
    """Bridge and host services: egress to the container instances on the host port or
    the whole dynamic host-port range."""
    for p, flow in ctx.instance_flows:
        lb_groups = ctx.lb.security_groups(flow.lb)
        if lb_groups is None or ctx.lb.uses_groups(flow.lb) is not True:
            continue
        ids = frozenset(g.id for g in flow.instance_groups)
        # The instances' subnets are not followed: only their groups can admit them here.
        peer = Peer(f"instances of {flow.fleet}", cidrs=None, groups=ids)
        verdict, port = admits_range(lb_groups, "egress", flow.ports, peer, ctx.net.sg_rules_open)
        if verdict.answer != NO:
            continue
        sg_steps, sg_assumed = sg_explained(ctx.net, lb_groups, "egress")
        part = "" if flow.ports[0] == flow.ports[1] else f"port {port} of "
        yield finding(
            META,
            f"the security groups of load balancer {flow.lb.id} do not allow egress to the "
            f"container instances of {flow.fleet} on TCP {part}{flow.what}, where "
            f"{p.svc.id}'s {p.mode} tasks listen; health checks and requests never reach them",
            flow.lb.security_groups.loc,
            flow.lb.id,
            path=(*flow.steps, Step(f"the tasks listen on {flow.what}", flow.loc), *sg_steps),
            assumed=p.assumed + tuple(sg_assumed),
            fix=f"Allow egress TCP {flow.ports[0]}-{flow.ports[1]} to the instances' security "
            "group in the load balancer's security group.",
        )


def _tasks(ctx: Context, p, groups) -> Peer:
    subnets = ctx.net.placement_subnets(p.svc)
    cidrs = None
    listed = p.svc.subnets
    if listed is not None and listed.known and len(subnets) == len(list(listed.items())):
        found = [text(s.cidr) for _, s in subnets]
        cidrs = tuple(c for c in found if c) if all(found) else None
    return Peer(f"tasks of {p.svc.id}", cidrs=cidrs, groups=frozenset(g.id for g in groups))
