"""FG100 — unused suppression

## What it does
Reports a suppression that suppresses nothing: a `# fargate-lint: ignore=FG010`
comment, or a CloudFormation `Metadata: {fargate-lint: {ignore: [FG010]}}`
entry, with no FG010 finding in the lines it covers. It also reports a
suppression naming an id that is not a rule, and one that cannot be understood.
A suppression of a rule that was not selected for the run is not judged.

## Why is this bad?
A stale suppression hides the next real fault at that place: once the NAT route
is back, `ignore=FG010` silently swallows the day it goes missing again. A
misspelt id (`FG01O`) or a malformed comment suppresses nothing while looking
as if it did.

## Example
```yaml
PrivateSubnet:  # fargate-lint: ignore=FG010 no NAT yet
  Type: AWS::EC2::Subnet   # ...but the route table now has a NAT route
```
```hcl
# fargate-lint: ignore=FG01O  (not a rule id)
resource "aws_ecs_service" "app" {
  launch_type = "FARGATE"
}
```

## Use instead
Delete the suppression, or correct the id:
```yaml
PrivateSubnet:
  Type: AWS::EC2::Subnet
```
```hcl
# fargate-lint: ignore=FG010 egress goes through the inspection VPC's proxy
resource "aws_ecs_service" "app" {
  launch_type = "FARGATE"
}
```

## Known problems
A suppression in a Terraform file is judged only when that file's findings are
reported; one in a file outside the changed files of a pre-commit run is left
alone.

## References
- https://docs.astral.sh/ruff/rules/unused-noqa/
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.model import Ignore
from linter.rulekit import Context

META = RuleMeta(
    id="FG100",
    name="unused-suppression",
    severity="info",
    summary="A suppression that matched no finding, names no rule, or cannot be read",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    """Found by the engine once every rule has run; see `from_unused`."""
    return iter(())


def from_unused(group: list[Ignore], known: set[str]) -> Finding:
    """One finding for the suppressions written at one place."""
    parts = [f"suppression not understood: {i.problem}" for i in group if i.problem]
    parts += [
        f"unused suppression: {i.rule} is not a rule id"
        for i in group
        if not i.problem and i.rule not in known
    ]
    idle = [i.rule for i in group if not i.problem and i.rule in known]
    if idle:
        parts.append(f"unused suppression: no {', '.join(idle)} finding here to suppress")
    return Finding(
        META.id,
        META.severity,
        "; ".join(parts),
        group[0].loc,
        fix="delete the suppression or correct it",
    )
