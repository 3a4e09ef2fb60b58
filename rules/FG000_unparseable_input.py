"""FG000 — unparseable input

## What it does
Reports a file that looks like a CloudFormation template, a Terraform file or an
ECS task definition but cannot be read: malformed YAML, JSON or HCL, bytes that
are not UTF-8, an empty file, a file too large or too deeply nested, or a YAML
alias bomb. The message is the parser's, at the parser's line and column.

It also reports a unit that needs more work than its budget allows ("too complex
to evaluate", at the expression where the budget ran out: `range(1e11)`, nested
`for` expressions, `Fn::Join` over YAML aliases), and, at info level, a file the
linter may not read: outside the repository, inside `.git`, not a regular file
(a FIFO, a device, `/proc`), or over 10 MiB. Such a file's content is never
shown. A Terraform `file("/proc/self/environ")` is an unknown value and an info
finding at the call; a `.tf` file that may not be read stops its directory, as
an error.

## Why is this bad?
CloudFormation, Terraform and `RegisterTaskDefinition` reject the file, and no
other rule can check it: a CI gate that skipped it silently would pass a
template that never deploys.

## Example
```yaml
Resources:
  Service:
    Type: AWS::ECS::Service
    Properties: {LaunchType: FARGATE   # unclosed flow mapping
```

## Use instead
```yaml
Resources:
  Service:
    Type: AWS::ECS::Service
    Properties: {LaunchType: FARGATE}
```

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
- https://developer.hashicorp.com/terraform/language/syntax/configuration
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context
from linter.sources import ParseProblem

META = RuleMeta(
    id="FG000",
    name="unparseable-input",
    severity="error",
    summary="A template or task definition that cannot be parsed",
)


def check(ctx: Context) -> Iterator[Finding]:
    """Parse problems are found by the readers; see `from_problem`."""
    return iter(())


def from_problem(problem: ParseProblem) -> Finding:
    return Finding(META.id, problem.severity, problem.message, problem.loc)
