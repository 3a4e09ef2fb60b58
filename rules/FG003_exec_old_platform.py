"""FG003 — ECS Exec on a Fargate platform version older than 1.4.0

## What it does
Finds Fargate services, task sets and scheduled tasks with ECS Exec on whose
`PlatformVersion` / `platform_version` is a version before 1.4.0 (Linux).
`LATEST`, or no platform version, is 1.4.0 or later.

## Why is this bad?
Platform versions before 1.4.0 do not run the ECS Exec agent: `execute-command`
fails on every task.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: FARGATE
    PlatformVersion: 1.3.0
    EnableExecuteCommand: true
```
```hcl
resource "aws_ecs_service" "app" {
  launch_type            = "FARGATE"
  platform_version       = "1.3.0"
  enable_execute_command = true
}
```

## Use instead
```yaml
    PlatformVersion: LATEST
```
```hcl
  platform_version = "LATEST"
```

## Known problems
Silent for Windows task definitions (Exec runs from platform 1.0.0 there), when
the operating system family is not known, and when the version is a parameter
without a default.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding, with_exec
from linter.taskfacts import platform_version
from linter.values import text

META = RuleMeta(
    id="FG003",
    name="exec-on-old-platform",
    severity="error",
    summary="ECS Exec on a Fargate platform version before 1.4.0",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in with_exec(ctx):
        if p.launch != "FARGATE":
            continue
        pv = p.svc.platform_version
        version = platform_version(pv)
        if version is None or version >= (1, 4, 0):
            continue
        family = p.td.os_family if p.td is not None else None
        if family is not None and not (text(family) or "").startswith("LINUX"):
            continue  # Windows runs Exec from 1.0.0; an unknown family may be Windows
        yield finding(
            META,
            f"ECS Exec is enabled on {p.svc.id} but its Fargate platform version is "
            f"{text(pv)}: the Exec agent needs 1.4.0 or later, so execute-command fails",
            pv.loc,
            p.svc.id,
            path=(Step(f"ECS Exec enabled on {p.svc.id}", p.svc.exec_enabled.loc),),
            assumed=p.assumed + pv.assumed + p.svc.exec_enabled.assumed,
            fix="Set PlatformVersion to LATEST (or 1.4.0), or remove it.",
        )
