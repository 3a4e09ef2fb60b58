"""FG086 — Service IAM role set where ECS uses its service-linked role

## What it does
Finds ECS services that set an IAM role (`Role` / `iam_role`) while their task
definition uses the `awsvpc` network mode (every Fargate service), or while they
have no load balancer or more than one target group.

## Why is this bad?
The service role is only for classic services behind one load balancer. Otherwise
ECS rejects the service: `InvalidParameterException: You cannot specify an IAM
role for services that require a service linked role.`

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    Role: !Ref EcsServiceRole
    LaunchType: FARGATE
```
```hcl
resource "aws_ecs_service" "app" {
  iam_role    = aws_iam_role.ecs_service.arn
  launch_type = "FARGATE"
}
```

## Use instead
Remove the role: ECS uses the `AWSServiceRoleForECS` service-linked role.
```yaml
    LaunchType: FARGATE
```
```hcl
  launch_type = "FARGATE"
```

## Known problems
Silent when the network mode or the load balancers are not known.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding, placements
from linter.values import unset

META = RuleMeta(
    id="FG086",
    name="service-role-with-awsvpc",
    severity="error",
    summary="a service IAM role on an awsvpc service, or one without a single target group",
    formats=("cloudformation", "terraform"),
)

_SERVICES = ("AWS::ECS::Service", "aws_ecs_service")


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        role = p.svc.role
        if p.svc.type not in _SERVICES or unset(role):
            continue
        if p.mode == "awsvpc":
            why = f"its task definition {p.td.id} uses the awsvpc network mode"
        elif not p.svc.load_balancers_known:
            continue
        elif not p.svc.load_balancers:
            why = "it has no load balancer"
        elif len(p.svc.load_balancers) > 1:
            why = "it has more than one target group"
        else:
            continue
        yield finding(
            META,
            f"{p.svc.id} sets an IAM role but {why}: ECS rejects it (You cannot specify an "
            "IAM role for services that require a service linked role)",
            role.loc,
            p.svc.id,
            path=(Step(f"{p.svc.id} sets the role (here)", role.loc),),
            assumed=p.assumed + role.assumed,
            fix="Remove Role (iam_role): ECS uses its service-linked role.",
        )
