"""FG031 — awsvpc tasks on EC2 expected to be public

## What it does
Finds services on the EC2 launch type with `awsvpc` network mode that look as if
they were meant to be reached or to reach out directly:

- their subnet routes `0.0.0.0/0` to an internet gateway (a public subnet) with
  no NAT, or
- they have no load balancer and no service discovery, while their security
  group admits the internet (`0.0.0.0/0`) on a container port.

## Why is this bad?
With `awsvpc`, each task gets its own ENI, and on EC2 that ENI never gets a
public IP. The containers are not reachable at the instance's public address,
and tasks in public subnets have no internet access at all: the application's
outbound calls (and ECS Exec) time out. Image pulls still work because the
instance performs them.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: EC2
    TaskDefinition: !Ref TaskDef       # NetworkMode: awsvpc
    NetworkConfiguration:
      AwsvpcConfiguration:
        Subnets: [!Ref PublicSubnet]   # 0.0.0.0/0 -> InternetGateway
```
```hcl
resource "aws_ecs_service" "app" {
  launch_type     = "EC2"
  task_definition = aws_ecs_task_definition.app.arn   # network_mode = "awsvpc"
  network_configuration { subnets = [aws_subnet.public.id] }
}
```

## Use instead
Put the tasks in private subnets routed to a NAT gateway and front them with a
load balancer whose target group has `TargetType: ip`; or use `bridge` mode and
the instances' public addresses; or run on Fargate with `AssignPublicIp`.

## Known problems
Access over a VPN, Direct Connect or peering to the tasks' private IPs is
legitimate; the rule fires only on evidence of internet intent.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html
- https://github.com/aws/containers-roadmap/issues/423
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.network import IGW, NO, YES
from linter.reach import INTERNET_PEER
from linter.rulekit import Context, finding, placements, subnet_egress
from linter.values import integer

META = RuleMeta(
    id="FG031",
    name="ec2-awsvpc-expected-public",
    severity="warning",
    summary="awsvpc tasks on EC2 in a public subnet, or open to the internet with no load balancer",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        if p.launch != "EC2" or p.mode != "awsvpc":
            continue
        mode_step = p.mode_step
        for ref, subnet, egress, route in subnet_egress(ctx, p):
            if egress.answer != NO or route.kind != IGW:
                continue
            yield finding(
                META,
                f"awsvpc tasks of {p.svc.id} on EC2 run in public subnet {subnet.id}, but "
                "their ENIs never get a public IP: they are not reachable from the internet "
                "and cannot reach it (no NAT route)",
                ref.loc,
                p.svc.id,
                path=(mode_step, Step(f"tasks are placed in {subnet.id}", ref.loc), *egress.steps),
                assumed=p.assumed + egress.assumed,
                fix="Use private subnets with a NAT route and a load balancer (target type "
                "ip), bridge mode, or Fargate with AssignPublicIp.",
            )
        yield from _open_without_lb(ctx, p, mode_step)


def _open_without_lb(ctx: Context, p, mode_step: Step) -> Iterator[Finding]:
    svc = p.svc
    if svc.load_balancers or not svc.load_balancers_known or svc.service_registries is not None:
        return
    groups = ctx.net.security_groups(svc.security_groups)
    if groups is None:
        return
    for c in p.td.containers or ():
        for pm in c.port_mappings:
            port = integer(pm.container_port)
            if port is None:
                continue
            verdict = ctx.net.sg_admits(groups, "ingress", port, INTERNET_PEER)
            if verdict.answer != YES or verdict.rule is None:
                continue
            rule = verdict.rule
            yield finding(
                META,
                f"{svc.id} runs awsvpc tasks on EC2 with no load balancer while its security "
                f"group admits the internet on port {port}; task ENIs get no public IP, so "
                "the container is not reachable at the instance's public address",
                p.where,
                svc.id,
                path=(mode_step, Step(f"security group admits 0.0.0.0/0 on port {port}", rule.loc)),
                assumed=p.assumed,
                fix="Front the service with an ALB/NLB (target type ip), or use bridge mode.",
            )
            return
