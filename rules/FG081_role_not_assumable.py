"""FG081 — Task or execution role not assumable by ECS tasks

## What it does
Finds roles used as a task definition's task role or execution role whose trust
policy (`AssumeRolePolicyDocument` / `assume_role_policy`) does not allow
`sts:AssumeRole` to the service principal `ecs-tasks.amazonaws.com`. The usual
mistakes are `ecs.amazonaws.com`, `ec2.amazonaws.com` or a copied Lambda role.

## Why is this bad?
ECS cannot hand the role to the task: the service reports "ECS was unable to
assume the role '…' that was provided for this task. Please verify that the role
being passed has the proper trust relationship and permissions", and the tasks
never start.

## Example
```yaml
AssumeRolePolicyDocument:
  Statement:
    - Effect: Allow
      Principal: {Service: ecs.amazonaws.com}
      Action: sts:AssumeRole
```
```hcl
principals {
  type        = "Service"
  identifiers = ["ec2.amazonaws.com"]
}
```

## Use instead
```yaml
      Principal: {Service: ecs-tasks.amazonaws.com}
```
```hcl
  identifiers = ["ecs-tasks.amazonaws.com"]
```

## Known problems
Silent when the trust policy is not known or a `Condition` decides
(`aws:SourceAccount` and `aws:SourceArn` are not evaluated).

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import grants
from linter import model as m
from linter.addresses import NO
from linter.findings import Finding, RuleMeta, Step
from linter.policy import RESOURCE, Request, Target, evaluate
from linter.rulekit import Context, finding

META = RuleMeta(
    id="FG081",
    name="role-not-assumable-by-tasks",
    severity="error",
    summary="a task or execution role whose trust policy does not admit ecs-tasks.amazonaws.com",
    formats=("cloudformation", "terraform"),
)

_ECS_TASKS = Target("ecs-tasks.amazonaws.com", service=True)


def check(ctx: Context) -> Iterator[Finding]:
    seen: set[str] = set()
    for td in ctx.tpl.of(m.TaskDefinition):
        for kind, field in grants.ROLE_FIELD.items():
            named = getattr(td, field)
            role = ctx.roles.role(named)
            if role is None or role.trust is None or role.id in seen:
                continue
            decision = evaluate([role.trust], Request("sts:AssumeRole", "*", _ECS_TASKS), RESOURCE)
            if decision.answer != NO:
                continue
            seen.add(role.id)
            # At the statement that trusts someone else (or denies), else the document.
            where = decision.loc or decision.near or role.trust.loc
            why = (
                "it allows sts:AssumeRole to other principals only"
                if decision.loc is None and decision.near is not None
                else decision.why
            )
            # A Deny naming the tasks is written on purpose (a placeholder, overridden
            # at run time): likely, not certain, to be a fault.
            deliberate = decision.loc is not None
            yield finding(
                META,
                f"role {role.id}, the {kind} role of {td.id}, does not trust "
                f"ecs-tasks.amazonaws.com ({why}): ECS cannot assume it and the tasks never "
                "start",
                where,
                role.id,
                path=(
                    Step(f"task definition {td.id} uses {role.id} as its {kind} role", named.loc),
                    Step(f"the trust policy of {role.id}: {why}", where),
                ),
                severity="warning" if deliberate else None,
                fix="Allow sts:AssumeRole to the service principal ecs-tasks.amazonaws.com in "
                "the role's trust policy.",
            )
