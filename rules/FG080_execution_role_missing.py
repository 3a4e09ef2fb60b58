"""FG080 — Execution role missing where the task needs one

## What it does
Finds task definitions without an execution role (`ExecutionRoleArn` /
`execution_role_arn` / `executionRoleArn`) that need one: a Fargate task using the
`awslogs` driver or a private ECR image, or any task with `secrets`,
`repositoryCredentials`, log `secretOptions` or `environmentFiles`.

## Why is this bad?
The ECS agent pulls the image, fetches secrets and writes logs with the execution
role. Without it, registering the task definition fails ("Fargate requires task
definition to have execution role ARN to support log driver awslogs", "When you
are specifying container secrets, you must also specify a value for
'executionRoleArn'"), or the task stops with `ResourceInitializationError`.

## Example
```yaml
TaskDef:
  Type: AWS::ECS::TaskDefinition
  Properties:
    RequiresCompatibilities: [FARGATE]
    ContainerDefinitions:
      - Name: app
        Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1
```
```hcl
resource "aws_ecs_task_definition" "app" {
  requires_compatibilities = ["FARGATE"]
  container_definitions = jsonencode([{
    name = "app", image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"
  }])
}
```

## Use instead
```yaml
    ExecutionRoleArn: !GetAtt ExecutionRole.Arn  # AmazonECSTaskExecutionRolePolicy
```
```hcl
  execution_role_arn = aws_iam_role.execution.arn
```

## Known problems
A value that is not known (a parameter without a default, a placeholder) counts
as a role.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.reach import ECR_IMAGE
from linter.rulekit import Context, finding
from linter.values import V, shape, text, unset

META = RuleMeta(
    id="FG080",
    name="execution-role-missing",
    severity="error",
    summary="a task definition that pulls private images, logs or reads secrets without an "
    "execution role",
)


def check(ctx: Context) -> Iterator[Finding]:
    fargate_tds = {p.td.id for p in ctx.placements if p.td is not None and p.launch == "FARGATE"}
    for td in ctx.tpl.of(m.TaskDefinition):
        role = td.execution_role
        if td.containers is None or not unset(role):
            continue
        fargate = td.id in fargate_tds or m.fargate_compatible(td)
        need = _need(td, fargate)
        if need is None:
            continue
        what, where = need
        yield finding(
            META,
            f"task definition {td.id} has no execution role but {what}: ECS rejects it or the "
            "task stops with ResourceInitializationError",
            where.loc,
            td.id,
            path=(
                Step(f"{what} (here)", where.loc),
                Step(f"task definition {td.id} sets no execution role", td.loc),
            ),
            assumed=where.assumed + (role.assumed if role is not None else ()),
            fix="Set ExecutionRoleArn (execution_role_arn) to a role trusted by "
            "ecs-tasks.amazonaws.com with AmazonECSTaskExecutionRolePolicy, plus read access "
            "to the secrets, parameters and environment files.",
        )


def _need(td: m.TaskDefinition, fargate: bool) -> tuple[str, V] | None:
    """The first thing in the task definition that requires an execution role."""
    for c in td.containers or ():
        name = shape(c.name) or "a container"
        if c.secrets:
            return f"{name} reads secrets", c.secrets[0]
        if c.credentials is not None:
            return f"{name} pulls with repositoryCredentials", c.credentials
        if c.environment_files:
            return f"{name} loads environmentFiles", c.environment_files[0]
        if fargate and text(c.log_driver) == "awslogs":
            return f"{name} logs with awslogs on Fargate", c.log_driver
        image = shape(c.image)
        if fargate and image and ECR_IMAGE.match(image):
            return f"{name} pulls the private ECR image {image} on Fargate", c.image
    return None
