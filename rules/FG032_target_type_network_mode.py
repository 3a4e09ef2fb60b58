"""FG032 — Target-group target type incompatible with the network mode

## What it does
Follows each load-balancer binding of a service to its target group and compares
the group's target type with the task definition's network mode: `awsvpc` tasks
(every Fargate task) need target type `ip`; `bridge` and `host` tasks need
`instance`; `lambda` and `alb` targets never take ECS tasks. A Classic Load
Balancer (`LoadBalancerName`) cannot serve awsvpc tasks at all.

## Why is this bad?
ECS rejects the service: `InvalidParameterException: The provided target group
<arn> has target type instance, which is incompatible with the awsvpc network
mode specified in the task definition.` The target type defaults to `instance`
in both CloudFormation and Terraform, so leaving it out is the usual cause.

## Example
```yaml
TargetGroup:
  Type: AWS::ElasticLoadBalancingV2::TargetGroup
  Properties:
    Port: 80
    Protocol: HTTP
    VpcId: !Ref Vpc            # no TargetType: instance
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: FARGATE        # awsvpc
    LoadBalancers:
      - TargetGroupArn: !Ref TargetGroup
        ContainerName: web
        ContainerPort: 80
```
```hcl
resource "aws_lb_target_group" "app" {
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id   # target_type defaults to "instance"
}
```

## Use instead
```yaml
    TargetType: ip
```
```hcl
  target_type = "ip"
```
The target type cannot be changed in place: the group is replaced, so give it a new
name (or none) when you change it.

## Known problems
Silent when the target group or the task definition is not defined in the files
linted together, or the network mode depends on a parameter.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-types.html
- https://github.com/hashicorp/terraform-provider-aws/issues/11723
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.lb import target_type
from linter.rulekit import Context, bound, finding, placements
from linter.values import assumptions, text

META = RuleMeta(
    id="FG032",
    name="target-type-network-mode",
    severity="error",
    summary="target group type does not suit the network mode (ip for awsvpc, instance otherwise)",
    formats=("cloudformation", "terraform"),
)

_WANTED = {"awsvpc": "ip", "bridge": "instance", "host": "instance"}


def check(ctx: Context) -> Iterator[Finding]:
    yield from _classic(ctx)
    for p, b, tg in bound(ctx):
        want = _WANTED.get(p.mode or "")
        have = target_type(tg)
        if want is None or have is None or have == want:
            continue
        written = tg.target_type
        yield finding(
            META,
            f"{p.svc.id} registers {p.mode} tasks in target group {tg.id}, whose target type "
            f"is {have}{'' if written is not None else ' (the default)'}; ECS rejects the "
            f"service: {p.mode} tasks need target type {want}",
            (written or tg).loc,
            tg.id,
            path=(
                Step(f"{p.svc.id} registers its tasks in {tg.id}", b.loc),
                p.mode_step,
                Step(f"{tg.id} has target type {have}", (written or tg).loc),
            ),
            assumed=p.assumed + assumptions(written),
            fix=f'Set TargetType: {want} (target_type = "{want}") on a new target group; the '
            "type cannot change in place.",
        )


def _classic(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        if p.mode != "awsvpc":
            continue
        for b in p.svc.load_balancers:
            if b.classic is None or not text(b.classic):
                continue
            yield finding(
                META,
                f"{p.svc.id} puts awsvpc tasks behind Classic Load Balancer "
                f"{text(b.classic)}; awsvpc services support only Application and Network "
                "Load Balancers",
                b.classic.loc,
                p.svc.id,
                path=(p.mode_step,),
                assumed=p.assumed,
                fix="Use an Application or Network Load Balancer with a target group of type ip.",
            )
