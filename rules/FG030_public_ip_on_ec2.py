"""FG030 — AssignPublicIp ENABLED on the EC2 launch type

## What it does
Finds services, task sets and scheduled tasks that set `AssignPublicIp: ENABLED`
(`assign_public_ip = true`) while their launch type is EC2 — set explicitly,
through an Auto Scaling group capacity provider, or by default (no launch type,
no capacity-provider strategy, and a cluster in scope with no default strategy).

## Why is this bad?
Only Fargate can give a task ENI a public IP. ECS rejects the request with
`InvalidParameterException: Assign public IP is not supported for this launch
type.` and the stack fails with CREATE_FAILED.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: EC2
    NetworkConfiguration:
      AwsvpcConfiguration:
        AssignPublicIp: ENABLED
```
```hcl
resource "aws_ecs_service" "app" {
  launch_type = "EC2"
  network_configuration {
    subnets          = [aws_subnet.public.id]
    assign_public_ip = true
  }
}
```

## Use instead
```yaml
        AssignPublicIp: DISABLED
```
```hcl
    assign_public_ip = false
```
Reach the tasks through a load balancer (target type `ip`), use bridge mode with
the instances' addresses, or run the service on Fargate.

## Known problems
Silent when the launch type depends on a condition or parameter, or on a cluster
defined elsewhere.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding, placements

META = RuleMeta(
    id="FG030",
    name="public-ip-on-ec2",
    severity="error",
    summary="AssignPublicIp ENABLED with the EC2 launch type",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        if p.launch != "EC2" or ctx.net.public_ip(p.svc) is not True:
            continue
        flag = p.svc.assign_public_ip
        why = p.svc.launch_type or p.svc.strategy or p.svc.cluster
        yield finding(
            META,
            f"{p.svc.id} runs on the EC2 launch type but enables AssignPublicIp; ECS rejects "
            "this ('Assign public IP is not supported for this launch type') and the "
            "deployment fails",
            flag.loc,
            p.svc.id,
            path=(Step("the launch type is EC2", (why or flag).loc),),
            assumed=p.assumed + flag.assumed,
            fix="Remove AssignPublicIp or set it to DISABLED; front the tasks with a load "
            "balancer, or use Fargate.",
        )
