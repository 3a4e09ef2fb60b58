"""FG091 — hostPort differs from containerPort in awsvpc or host mode

## What it does
Finds port mappings with a `hostPort` different from its `containerPort` in a
task definition whose network mode is `awsvpc` (every Fargate task) or `host`.
`hostPort: 0` counts as different: dynamic host ports exist only in bridge mode.

## Why is this bad?
In awsvpc and host mode the container port *is* the host port. ECS rejects the
task definition (`ClientException`: the host port must be omitted or equal the
container port), so the deploy fails.

## Example
```yaml
    NetworkMode: awsvpc
    ContainerDefinitions:
      - Name: web
        PortMappings:
          - ContainerPort: 8080
            HostPort: 80
```
```hcl
  network_mode = "awsvpc"
  container_definitions = jsonencode([{
    name = "web", portMappings = [{ containerPort = 8080, hostPort = 80 }]
  }])
```

## Use instead
```yaml
        PortMappings:
          - ContainerPort: 8080
```
```hcl
    name = "web", portMappings = [{ containerPort = 8080 }]
```
Remap ports at the load balancer or target group instead.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_portmappings
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import task_network_mode
from linter.rulekit import Context, finding
from linter.values import assumptions, integer, text

META = RuleMeta(
    id="FG091",
    name="host-port-mismatch",
    severity="error",
    summary="hostPort differs from containerPort in awsvpc or host network mode",
)


def check(ctx: Context) -> Iterator[Finding]:
    for td in ctx.tpl.of(m.TaskDefinition):
        mode, mode_assumed = task_network_mode(td)
        if mode not in ("awsvpc", "host"):
            continue
        for c in td.containers or ():
            for pm in c.port_mappings:
                host, cont = integer(pm.host_port), integer(pm.container_port)
                if host is None or cont is None or host == cont:
                    continue
                name = text(c.name) or "?"
                yield finding(
                    META,
                    f"container '{name}' maps hostPort {host} to containerPort {cont} in "
                    f"{mode} network mode; the host port must be omitted or equal the "
                    "container port, so registration will fail",
                    pm.host_port.loc,
                    td.id,
                    path=(Step(f"network mode is {mode}", (td.network_mode or pm.host_port).loc),),
                    assumed=mode_assumed + assumptions(pm.host_port, pm.container_port),
                    fix=f"Remove hostPort or set it to {cont}; remap ports at the load balancer.",
                )
