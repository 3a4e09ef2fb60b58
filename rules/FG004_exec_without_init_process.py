"""FG004 — ECS Exec without an init process

## What it does
Finds services, task sets and scheduled tasks with ECS Exec turned on
(`EnableExecuteCommand: true` / `enable_execute_command = true`) whose task
definition has a Linux container without `linuxParameters.initProcessEnabled: true`.

## Why is this bad?
ECS Exec runs the SSM agent inside each container, and every `execute-command`
session starts child processes there. Without an init process (PID 1 that reaps
children) those processes are left as zombies when sessions end, and can pile up
until the container misbehaves; AWS recommends the flag whenever Exec is on.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    EnableExecuteCommand: true
    TaskDefinition: !Ref TaskDef
TaskDef:
  Type: AWS::ECS::TaskDefinition
  Properties:
    ContainerDefinitions:
      - Name: app
        Image: nginx
```
```hcl
resource "aws_ecs_service" "app" {
  enable_execute_command = true
  task_definition        = aws_ecs_task_definition.app.arn
}
resource "aws_ecs_task_definition" "app" {
  container_definitions = jsonencode([{ name = "app", image = "nginx" }])
}
```

## Use instead
```yaml
      - Name: app
        Image: nginx
        LinuxParameters:
          InitProcessEnabled: true
```
```hcl
  container_definitions = jsonencode([{
    name = "app", image = "nginx"
    linuxParameters = { initProcessEnabled = true }
  }])
```

## Known problems
Only task definitions in the analysed files are checked; the
`terraform-aws-modules/ecs` container-definition module sets the flag itself
and, being a module, is never reported.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding, with_exec
from linter.values import shape, text, truth

META = RuleMeta(
    id="FG004",
    name="exec-without-init-process",
    severity="warning",
    summary="ECS Exec is on but a container lacks initProcessEnabled",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[str, int]] = set()
    for p in with_exec(ctx):
        if p.td is None or p.td.containers is None:
            continue
        family = p.td.os_family
        if family is not None and not (text(family) or "").startswith("LINUX"):
            continue  # linuxParameters is not valid on Windows (an unknown family may be it)
        for c in p.td.containers:
            flag = c.init_process
            if truth(flag) is True or (flag is not None and not flag.known):
                continue
            key = (p.svc.id, c.loc.line)
            if key in seen:
                continue
            seen.add(key)
            name = f"'{shape(c.name)}'" if shape(c.name) else f"at line {c.loc.line}"
            yield finding(
                META,
                f"ECS Exec is enabled on {p.svc.id} but container {name} does not set "
                "linuxParameters.initProcessEnabled: true; exec sessions will leave "
                "zombie processes",
                (flag or c.name or c).loc,
                p.svc.id,
                path=(Step(f"ECS Exec enabled on {p.svc.id}", p.svc.exec_enabled.loc),),
                assumed=p.svc.exec_enabled.assumed,
                fix="Set linuxParameters.initProcessEnabled to true in the container definition.",
            )
