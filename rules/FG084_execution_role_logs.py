"""FG084 — Execution role cannot write the awslogs log group

## What it does
Finds Fargate task definitions using the `awslogs` driver whose execution role,
created in the same files, does not allow `logs:CreateLogStream` and
`logs:PutLogEvents` on the container's log group, or `logs:CreateLogGroup` when
`awslogs-create-group` is `true`. `AmazonECSTaskExecutionRolePolicy` grants the
first two but not `logs:CreateLogGroup`.

## Why is this bad?
The task stops before the container runs: `ResourceInitializationError: failed to
validate logger args: create stream has been retried 1 times: failed to create
Cloudwatch log stream: AccessDeniedException`.

## Example
```yaml
LogConfiguration:
  LogDriver: awslogs
  Options:
    awslogs-group: /ecs/app
    awslogs-create-group: "true"   # the managed policy lacks logs:CreateLogGroup
```
```hcl
logConfiguration = {
  logDriver = "awslogs"
  options   = { "awslogs-group" = "/ecs/app", "awslogs-create-group" = "true" }
}
```

## Use instead
Create the log group in the template and drop `awslogs-create-group`, or allow
`logs:CreateLogGroup` on the group in the execution role.
```yaml
LogGroup:
  Type: AWS::Logs::LogGroup
  Properties: {LogGroupName: /ecs/app}
```
```hcl
resource "aws_cloudwatch_log_group" "app" { name = "/ecs/app" }
```

## Known problems
Silent when a policy of the role is not known or a `Condition` decides; a log
group ARN built from the Region and account cannot be compared before deploy.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, lack_finding, lacks_by_need

META = RuleMeta(
    id="FG084",
    name="execution-role-cannot-log",
    severity="error",
    summary="the execution role does not allow writing the awslogs log group",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for group in lacks_by_need(ctx, META.id):
        yield lack_finding(
            META,
            group,
            "the task stops with ResourceInitializationError (failed to create CloudWatch "
            "log stream: AccessDeniedException)",
            "Attach AmazonECSTaskExecutionRolePolicy (and allow logs:CreateLogGroup when "
            "awslogs-create-group is true), or allow the actions on the log group.",
        )
