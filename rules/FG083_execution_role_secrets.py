"""FG083 — Execution role cannot read the task's secrets, parameters or environment files

## What it does
Finds task definitions whose execution role, created in the same files, does not
allow what the agent needs before the containers start:
`secretsmanager:GetSecretValue` on each Secrets Manager secret in `secrets`,
`secretOptions` and `repositoryCredentials`; `ssm:GetParameters` on each SSM
parameter; `s3:GetObject` on each `environmentFiles` object and
`s3:GetBucketLocation` on its bucket. A secret's ARN carries a random suffix, so a
policy naming `…:secret:name` without a wildcard does not match it (a warning: the
template may name a partial ARN).

## Why is this bad?
The task never starts: `ResourceInitializationError: unable to pull secrets or
registry auth: execution resource retrieval failed: unable to retrieve secret from
asm: … AccessDeniedException`, or the `ssm` / S3 equivalent.

## Example
```yaml
Policies:
  - PolicyName: secrets
    PolicyDocument:
      Statement:
        - Effect: Allow
          Action: secretsmanager:GetSecretValue
          Resource: arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-*
```
```hcl
statement {
  actions   = ["secretsmanager:GetSecretValue"]
  resources = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-*"]
}
```

## Use instead
```yaml
          Resource: !Ref DatabaseSecret
```
```hcl
  resources = [aws_secretsmanager_secret.database.arn]
```

## Known problems
Silent when a policy of the role is not known, a `Condition` decides, or the
resource is written in a way that cannot be compared before deploy (an ARN built
from the Region and account). A customer managed KMS key on the secret
(`kms:Decrypt`) and resource policies on secrets are not read yet.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.addresses import YES
from linter.findings import Finding, RuleMeta
from linter.grants import Lack
from linter.policy import Request
from linter.rulekit import Context, lack_finding, lacks_by_need

META = RuleMeta(
    id="FG083",
    name="execution-role-cannot-read-secrets",
    severity="error",
    summary="the execution role does not allow reading the task's secrets, parameters or "
    "environment files",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for group in lacks_by_need(ctx, META.id):
        unsuffixed = _names_without_suffix(ctx, group[0])
        yield lack_finding(
            META,
            group,
            "the policy names the secret without the random suffix its ARN ends with, so "
            "it likely does not match (ResourceInitializationError)"
            if unsuffixed
            else "the task stops with ResourceInitializationError (unable to pull secrets or "
            "registry auth)",
            "Allow the action on that resource in a policy of the execution role (for a "
            "secret, its ARN with a trailing -* or a reference to the secret).",
            severity="warning" if unsuffixed else None,
        )


def _names_without_suffix(ctx: Context, lack: Lack) -> bool:
    """A secret whose ARN we know but for its random suffix, which a policy allows when
    written without one: the catalogue's warning (the name may also be partial)."""
    arn = lack.call.resource.arn or ""
    if not arn.endswith("-??????"):
        return False
    bare = Request("secretsmanager:GetSecretValue", arn.removesuffix("-??????"))
    return ctx.roles.allows(lack.role, bare).answer == YES
