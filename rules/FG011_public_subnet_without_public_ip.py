"""FG011 — Fargate task in a public subnet without a public IP

## What it does
Finds Fargate services whose subnet routes `0.0.0.0/0` to an internet gateway
while `AssignPublicIp` is `DISABLED` or omitted, in a VPC with no interface endpoints
and no IPv6 way out. Also warns about the inverse: `AssignPublicIp: ENABLED` in
a subnet whose default route does not go to an internet gateway, where the
public IP does nothing.

## Why is this bad?
An internet gateway only carries traffic for addresses with a public IP. A task
without one, in a subnet without a NAT route, cannot reach ECR, Secrets Manager
or CloudWatch Logs: `CannotPullContainerError ... i/o timeout`. `AssignPublicIp`
defaults to `DISABLED`, and the subnet's `MapPublicIpOnLaunch` does not apply to
task ENIs.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: FARGATE
    NetworkConfiguration:
      AwsvpcConfiguration:
        Subnets: [!Ref PublicSubnet]   # 0.0.0.0/0 -> InternetGateway
```
```hcl
resource "aws_ecs_service" "app" {
  launch_type = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.public.id]   # assign_public_ip defaults to false
  }
}
```

## Use instead
```yaml
      AwsvpcConfiguration:
        AssignPublicIp: ENABLED
        Subnets: [!Ref PublicSubnet]
```
```hcl
  network_configuration {
    subnets          = [aws_subnet.public.id]
    assign_public_ip = true
  }
```
Or move the tasks to private subnets that route to a NAT gateway.

## Known problems
When the VPC has interface endpoints the rule stays silent: whether they cover every need
of the task is left to the endpoint rules.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.network import IGW, NAT, NONE
from linter.rulekit import Context, finding, placements, stranded, subnet_egress

META = RuleMeta(
    id="FG011",
    name="public-subnet-without-public-ip",
    severity="error",
    summary="A Fargate task routed to an internet gateway without a public IP",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        if p.launch != "FARGATE" or ctx.net.public_ip(p.svc) is not True:
            continue
        for ref, subnet, _, route in subnet_egress(ctx, p):
            if route.kind in (NONE, NAT):
                yield finding(
                    META,
                    f"{p.svc.id} assigns public IPs but subnet {subnet.id} does not route "
                    "0.0.0.0/0 to an internet gateway, so the public IP is never used",
                    p.svc.assign_public_ip.loc,
                    p.svc.id,
                    path=(
                        Step(f"{p.svc.id} places tasks in subnet {subnet.id}", ref.loc),
                        *route.steps,
                    ),
                    assumed=p.assumed + route.assumed + p.svc.assign_public_ip.assumed,
                    severity="warning",
                    fix="Set AssignPublicIp to DISABLED, or place the tasks in a public subnet.",
                )
    for s in stranded(ctx):
        if s.route.kind != IGW:
            continue
        yield finding(
            META,
            f"Fargate tasks of {s.placement.svc.id} run in public subnet {s.subnet.id} without "
            "a public IP and there is no NAT: they cannot reach ECR, Secrets Manager or "
            "CloudWatch Logs and will fail to start",
            s.ref.loc,
            s.placement.svc.id,
            path=s.path,
            assumed=s.assumed,
            fix="Set AssignPublicIp: ENABLED (assign_public_ip = true), or use private "
            "subnets routed to a NAT gateway.",
        )
