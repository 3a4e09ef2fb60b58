"""FG085 — Permission on the wrong role (task role vs execution role)

## What it does
Finds permissions a task needs that are granted to its other role: secrets,
parameters, image pulls or logs allowed on the **task** role while the execution
role lacks them, or the ECS Exec `ssmmessages` channels allowed on the
**execution** role while the task role lacks them. Both roles must be created in
the same files; a task using one role for both is never reported.

## Why is this bad?
The ECS agent fetches secrets, pulls images and writes logs with the execution
role; the application and the Exec agent use the task role. A permission on the
other role is never used: the task stops with `ResourceInitializationError`, or
`execute-command` fails with `TargetNotConnectedException`.

## Example
```yaml
TaskRole:
  Type: AWS::IAM::Role
  Properties:
    Policies:
      - PolicyName: secrets
        PolicyDocument:
          Statement: [{Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: "*"}]
```
```hcl
resource "aws_iam_role_policy" "secrets" {
  role   = aws_iam_role.task.id   # the execution role needs this
  policy = data.aws_iam_policy_document.secrets.json
}
```

## Use instead
Move the statement to the role that uses it:
```yaml
ExecutionRole:
  Type: AWS::IAM::Role
  Properties:
    Policies:
      - PolicyName: secrets
        PolicyDocument:
          Statement: [{Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: "*"}]
```
```hcl
resource "aws_iam_role_policy" "secrets" {
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.secrets.json
}
```

## Known problems
Silent when either role's policies are not all known.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.grants import Lack
from linter.iam import deciding_steps
from linter.rulekit import Context, lack_finding

META = RuleMeta(
    id="FG085",
    name="permission-on-wrong-role",
    severity="error",
    summary="a permission the task needs is granted to its other role only",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for lack in ctx.lacks:
        if lack.other is None:
            continue
        user = "the ECS agent" if lack.call.role == "execution" else "ECS Exec"
        them = "they are" if len(lack.missing) > 1 else "it is"
        f = lack_finding(
            META,
            [lack],
            f"{them} granted to {lack.other.id}, the task's other role, which {user} does not use",
            f"Move the statement from {lack.other.id} to {lack.role.id}.",
        )
        yield type(f)(
            f.rule,
            f.severity,
            f.message,
            f.loc,
            f.resource,
            (
                *f.path,
                Step(f"the {other_kind(lack)} role {lack.other.id} allows it", lack.other.loc),
                *deciding_steps(list(lack.elsewhere)),
            ),
            f.fix,
        )


def other_kind(lack: Lack) -> str:
    return "task" if lack.call.role == "execution" else "execution"
