"""FG090 — Fargate task definition without awsvpc

## What it does
Finds task definitions that are Fargate-compatible (`RequiresCompatibilities`
contains `FARGATE`, or a service launches them on Fargate) whose network mode is
not `awsvpc`. An omitted network mode means `bridge`.

Also notes, as `info`, a `networkMode` key written inside a container
definition: it is not a container parameter, ECS ignores it, and the task-level
mode (possibly the default) is what applies.

## Why is this bad?
Fargate supports only `awsvpc`. Registering the task definition fails with
`ClientException: Fargate only supports network mode 'awsvpc'.`, so the stack or
`terraform apply` fails.

## Example
```yaml
TaskDef:
  Type: AWS::ECS::TaskDefinition
  Properties:
    RequiresCompatibilities: [FARGATE]
    NetworkMode: bridge
```
```hcl
resource "aws_ecs_task_definition" "app" {
  requires_compatibilities = ["FARGATE"]
  network_mode             = "bridge"
}
```

## Use instead
```yaml
    NetworkMode: awsvpc
```
```hcl
  network_mode = "awsvpc"
```

## Known problems
A `networkMode` key inside a container definition is ignored by ECS; the
effective mode is the task-level one, which this rule checks.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#network_mode
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import task_network_mode
from linter.rulekit import Context, finding, placements
from linter.values import shape

META = RuleMeta(
    id="FG090",
    name="fargate-without-awsvpc",
    severity="error",
    summary="A Fargate task definition whose network mode is not awsvpc",
)


def check(ctx: Context) -> Iterator[Finding]:
    yield from _misplaced(ctx)
    by_service = {p.td.id: p for p in placements(ctx) if p.td and p.launch == "FARGATE"}
    for td in ctx.tpl.of(m.TaskDefinition):
        launcher = by_service.get(td.id)
        if not m.fargate_compatible(td) and launcher is None:
            continue
        mode, assumed = task_network_mode(td)
        if mode is None or mode == "awsvpc":
            continue
        if m.fargate_compatible(td):
            why = Step("RequiresCompatibilities includes FARGATE", td.compatibilities.loc)
        else:
            why = Step(f"{launcher.svc.id} launches it on Fargate", launcher.svc.loc)
            assumed += launcher.assumed
        where = td.network_mode.loc if td.network_mode is not None else td.loc
        shown = mode if td.network_mode is not None else "bridge (the default)"
        yield finding(
            META,
            f"task definition {td.id} is used on Fargate but its network mode is {shown}; "
            "Fargate only supports awsvpc and registration will fail",
            where,
            td.id,
            path=(why,),
            assumed=assumed,
            fix="Set the task-level NetworkMode / network_mode / networkMode to awsvpc.",
        )


def _misplaced(ctx: Context) -> Iterator[Finding]:
    for td in ctx.tpl.of(m.TaskDefinition):
        for c in td.containers or ():
            if c.network_mode is None:
                continue
            mode, _ = task_network_mode(td)
            yield finding(
                META,
                f"networkMode inside container definition '{shape(c.name) or '?'}' is ignored "
                f"by ECS; the task-level network mode ({mode or 'unknown'}) applies",
                c.network_mode.loc,
                td.id,
                severity="info",
                fix="Move networkMode to the task definition itself.",
            )
