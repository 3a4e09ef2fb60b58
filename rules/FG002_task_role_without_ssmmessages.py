"""FG002 — ECS Exec with a task role that cannot open the SSM channels

## What it does
Finds services and scheduled tasks with ECS Exec on whose task role, created in the
same files, does not allow all four `ssmmessages:CreateControlChannel`,
`ssmmessages:CreateDataChannel`, `ssmmessages:OpenControlChannel` and
`ssmmessages:OpenDataChannel` (`ssmmessages:*`, `*` and `AmazonSSMManagedInstanceCore`
do). Also finds containers of such tasks whose environment sets static AWS
credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`), which the SSM agent
would use instead of the task role (a warning).

## Why is this bad?
The Exec agent inside the task authenticates with the task role. Without the
channel permissions the managed agent never connects and every
`aws ecs execute-command` fails with `TargetNotConnectedException`.

## Example
```yaml
TaskRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {...}
    Policies:
      - PolicyName: app
        PolicyDocument:
          Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]
```
```hcl
resource "aws_iam_role_policy" "task" {
  role   = aws_iam_role.task.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}
```

## Use instead
```yaml
          Statement:
            - Effect: Allow
              Action:
                - ssmmessages:CreateControlChannel
                - ssmmessages:CreateDataChannel
                - ssmmessages:OpenControlChannel
                - ssmmessages:OpenDataChannel
              Resource: "*"
```
```hcl
statement {
  actions   = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
               "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
  resources = ["*"]
}
```

## Known problems
Silent when a policy of the role is not known (a managed policy fargate-lint does
not list, a module not read) or a `Condition` decides. Permissions boundaries and
SCPs outside the files can only take permissions away: a role found sufficient may
still be denied by them.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
- https://github.com/aws-containers/amazon-ecs-exec-checker
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding, lack_finding, lacks_by_need, with_exec
from linter.values import text

META = RuleMeta(
    id="FG002",
    name="task-role-without-ssmmessages",
    severity="error",
    summary="ECS Exec on, and the task role does not allow the ssmmessages channel actions",
    formats=("cloudformation", "terraform"),
)

_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY")


def check(ctx: Context) -> Iterator[Finding]:
    for group in lacks_by_need(ctx, META.id):
        yield lack_finding(
            META,
            group,
            "the ECS Exec agent cannot connect and execute-command fails with "
            "TargetNotConnectedException",
            "Allow the four ssmmessages channel actions on * in a policy of the task role.",
        )
    seen: set[int] = set()
    for p in with_exec(ctx):
        if p.td is None:
            continue
        for c in p.td.containers or ():
            env = c.environment
            pairs = env.items() if env is not None and env.known else ()
            names = [*(pair.get("name") or pair.get("Name") for pair in pairs), *c.secret_names]
            for name in names:
                if text(name) not in _KEYS or name.loc.line in seen:
                    continue
                seen.add(name.loc.line)
                yield finding(
                    META,
                    f"a container of {p.td.id} sets {text(name)} in its environment while "
                    f"ECS Exec is on for {p.svc.id}: the Exec agent uses those credentials "
                    "instead of the task role",
                    name.loc,
                    p.td.id,
                    path=(Step(f"ECS Exec enabled on {p.svc.id}", p.svc.exec_enabled.loc),),
                    severity="warning",
                    fix="Remove static AWS credentials from the environment and secrets: give "
                    "the task role the permissions instead.",
                )
