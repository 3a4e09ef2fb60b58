"""FG001 — ECS Exec enabled without a task role

## What it does
Finds services and scheduled tasks with ECS Exec on
(`EnableExecuteCommand: true` / `enable_execute_command = true`) whose task
definition sets no task role (`TaskRoleArn` / `task_role_arn`). The execution role
does not stand in for it.

## Why is this bad?
The Exec agent inside the task authenticates with the task role. Without one on
Fargate it cannot open its channels, and `aws ecs execute-command` fails with
`TargetNotConnectedException`. On EC2 the agent falls back to the instance role,
which then needs the same permissions (a warning).

## Example
```yaml
TaskDef:
  Type: AWS::ECS::TaskDefinition
  Properties:
    ExecutionRoleArn: !GetAtt ExecutionRole.Arn
Service:
  Type: AWS::ECS::Service
  Properties:
    EnableExecuteCommand: true
```
```hcl
resource "aws_ecs_service" "app" {
  enable_execute_command = true
  task_definition        = aws_ecs_task_definition.app.arn
}
```

## Use instead
```yaml
    TaskRoleArn: !GetAtt TaskRole.Arn  # with the ssmmessages channel actions (FG002)
```
```hcl
  task_role_arn = aws_iam_role.task.arn
```

## Known problems
A `RunTask` override of the task role is not seen.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
- https://github.com/aws-containers/amazon-ecs-exec-checker
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding, with_exec
from linter.values import unset

META = RuleMeta(
    id="FG001",
    name="exec-without-task-role",
    severity="error",
    summary="ECS Exec on, and the task definition has no task role",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in with_exec(ctx):
        if p.td is None:
            continue
        role = p.td.task_role
        if not unset(role):
            continue
        fargate = p.launch == "FARGATE"
        yield finding(
            META,
            f"ECS Exec is enabled on {p.svc.id} but task definition {p.td.id} has no task "
            "role: "
            + (
                "execute-command fails with TargetNotConnectedException"
                if fargate
                else "the Exec agent falls back to the instance role, which needs the "
                "ssmmessages permissions"
                if p.launch == "EC2"
                else "execute-command fails with TargetNotConnectedException on Fargate (on "
                "EC2 the instance role needs the ssmmessages permissions)"
            ),
            p.svc.exec_enabled.loc,
            p.svc.id,
            path=(
                Step(f"ECS Exec enabled on {p.svc.id}", p.svc.exec_enabled.loc),
                Step(f"task definition {p.td.id} sets no task role", p.td.loc),
            ),
            assumed=p.assumed + p.svc.exec_enabled.assumed + (role.assumed if role else ()),
            severity=None if fargate else "warning",
            fix="Set TaskRoleArn (task_role_arn) to a role trusted by ecs-tasks.amazonaws.com "
            "that allows the four ssmmessages channel actions.",
        )
