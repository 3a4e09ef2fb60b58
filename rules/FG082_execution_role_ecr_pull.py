"""FG082 — Execution role cannot pull the private ECR image

## What it does
Finds Fargate task definitions with a private ECR image whose execution role, created
in the same files, does not allow `ecr:GetAuthorizationToken` (on `*`), or
`ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer` on the repository. Inline
policies, policies attached by resource, customer managed policies and the AWS
managed policies fargate-lint knows (such as `AmazonECSTaskExecutionRolePolicy`) are
read; an explicit `Deny` wins over any `Allow`.

## Why is this bad?
The Fargate agent authenticates to ECR and downloads the layers with the execution
role. The task stops with `CannotPullContainerError: … pull access denied` or
`ResourceInitializationError: unable to pull secrets or registry auth: … unable to
retrieve ecr registry auth: … AccessDeniedException`.

## Example
```yaml
ExecutionRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {...}
    Policies:
      - PolicyName: logs
        PolicyDocument:
          Statement:
            - Effect: Allow
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"]
              Resource: "*"
```
```hcl
resource "aws_iam_role_policy" "execution" {
  role   = aws_iam_role.execution.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" }]
  })
}
```

## Use instead
```yaml
    ManagedPolicyArns:
      - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
```
```hcl
resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}
```

## Known problems
Silent when a policy attached to the role is not known (a managed policy outside
the files other than the AWS managed ones listed in fargate-lint's data, a module
not read) or when a statement's `Condition` decides. A repository policy may grant
the pull actions to the role and is not read: when only those are missing, the
finding is a warning.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, lack_finding, lacks_by_need

META = RuleMeta(
    id="FG082",
    name="execution-role-cannot-pull",
    severity="error",
    summary="the execution role does not allow pulling the private ECR image",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for group in lacks_by_need(ctx, META.id):
        # Without the token nothing is pulled; the pull actions alone may still be granted
        # by a repository policy we do not read: those are a warning.
        token = any(a == "ecr:GetAuthorizationToken" for lack in group for a, _ in lack.missing)
        yield lack_finding(
            META,
            group,
            "tasks stop with CannotPullContainerError (pull access denied)"
            + ("" if token else ", unless the repository's policy grants the role"),
            "Attach AmazonECSTaskExecutionRolePolicy to the execution role, or allow "
            "ecr:GetAuthorizationToken on * and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer "
            "on the repository.",
            severity=None if token else "warning",
        )
