"""FG097 — Sibling container reached over localhost in bridge mode

## What it does
Finds containers of a `bridge` (or omitted, or Windows `default`) network-mode task
whose environment values, `command` or `entryPoint` point at `localhost:<port>`,
`127.0.0.1:<port>` or `[::1]:<port>` where another container of the same task
listens on that port — it maps that `containerPort`, or it is the task's X-Ray
daemon, CloudWatch agent, OpenTelemetry collector or Fluent Bit router and the
variable is the AWS agent endpoint (`AWS_XRAY_DAEMON_ADDRESS`,
`AWS_EMF_AGENT_ENDPOINT`) — and no `links` entry names that container.

## Why is this bad?
In bridge mode every container has its own network namespace: `localhost` is the
container itself, not the task. The connection to the sidecar (log router, metrics
or tracing agent, Envoy) is refused, and telemetry or traffic through it is lost.
Only `awsvpc` (and `host`) give the containers of a task one shared `localhost`.

## Example
```yaml
TaskDef:
  Type: AWS::ECS::TaskDefinition
  Properties:
    ContainerDefinitions:        # no NetworkMode: bridge
      - Name: xray
        PortMappings: [{ContainerPort: 2000, Protocol: udp}]
      - Name: app
        Environment:
          - {Name: AWS_XRAY_DAEMON_ADDRESS, Value: "127.0.0.1:2000"}
```
```hcl
resource "aws_ecs_task_definition" "app" {
  network_mode = "bridge"
  container_definitions = jsonencode([
    { name = "agent", image = "amazon/cloudwatch-agent",
      portMappings = [{ containerPort = 25888 }] },
    { name = "app", image = "app",
      environment = [{ name = "EMF", value = "tcp://localhost:25888" }] },
  ])
}
```

## Use instead
```yaml
      - Name: app
        Links: [xray]
        Environment:
          - {Name: AWS_XRAY_DAEMON_ADDRESS, Value: "xray:2000"}
```
```hcl
  network_mode = "awsvpc" # the containers share localhost
```

## Known problems
Values built at run time (from other variables, secrets or files) are not read. A
port the calling container maps itself is taken as its own and not reported.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_network
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-networkmode-bridge.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import task_network_mode
from linter.rulekit import Context, finding
from linter.values import V, integer, text

META = RuleMeta(
    id="FG097",
    name="localhost-in-bridge-mode",
    severity="warning",
    summary="A container reaches a sibling over localhost in bridge network mode",
)

_LOOPBACK = re.compile(r"(?<![\w.-])(localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})(?!\d)")
# The AWS agents' endpoint variables, and the images that serve them.
_AGENT_VARS = {"AWS_XRAY_DAEMON_ADDRESS", "AWS_EMF_AGENT_ENDPOINT"}
_AGENT_IMAGES = re.compile(
    r"xray-daemon|aws-xray|cloudwatch-agent|aws-otel-collector|aws-for-fluent-bit"
)


def check(ctx: Context) -> Iterator[Finding]:
    for td in ctx.tpl.of(m.TaskDefinition):
        mode, assumed = task_network_mode(td)
        if mode not in ("bridge", "default") or not td.containers:
            continue
        ports = {id(c): _ports(c) for c in td.containers}
        if any(p is None for p in ports.values()):
            continue  # a port mapping we cannot read may be anyone's
        agents = [c for c in td.containers if _AGENT_IMAGES.search(text(c.image) or "")]
        for c in td.containers:
            linked = _links(c)
            if linked is None:
                continue
            for var, v, host, port in _loopback_uses(c):
                if port in ports[id(c)]:
                    continue  # its own port
                owners = [o for o in td.containers if o is not c and port in ports[id(o)]]
                why = "maps containerPort"
                if not owners and var in _AGENT_VARS:
                    owners = [o for o in agents if o is not c]
                    why = "is the agent for"
                owners = [o for o in owners if text(o.name) not in linked]
                if not owners:
                    continue
                other = owners[0]
                shown = "the network mode is " + (
                    "bridge (the default)" if td.network_mode is None else mode
                )
                yield finding(
                    META,
                    f"container '{text(c.name) or '?'}' of {td.id} reaches {host}:{port}, "
                    f"but '{text(other.name) or '?'}' listens there and in {mode} mode each "
                    "container has its own localhost: the connection is refused",
                    v.loc,
                    td.id,
                    path=(
                        Step(shown, (td.network_mode or td).loc),
                        Step(f"'{text(other.name) or '?'}' {why} {port}", other.loc),
                    ),
                    assumed=assumed + v.assumed,
                    fix=f"Use network mode awsvpc, or link '{text(other.name) or '?'}' and "
                    "address it by that name.",
                )


def _ports(c: m.Container) -> set[int] | None:
    """The container ports a container maps; None when one cannot be read."""
    if not c.ports_known:
        return None
    out = set()
    for mapping in c.port_mappings:
        port = integer(mapping.container_port)
        if port is None:
            if mapping.container_port is not None:
                return None
            continue
        out.add(port)
    return out


def _links(c: m.Container) -> set[str] | None:
    """The container names a container links to; None when they cannot be read."""
    if c.links is None or c.links.value is None:
        return set()
    if not c.links.known:
        return None
    out = set()
    for x in c.links.items():
        name = text(x)
        if name is None:
            return None
        out.add(name.split(":", 1)[0])
    return out


def _loopback_uses(c: m.Container) -> Iterator[tuple[str, V, str, int]]:
    """(variable or "command", the value, the host written, the port) for every loopback
    address:port in the container's environment values, command and entry point."""
    env = c.environment
    for item in env.items() if env is not None and env.known else ():
        value = item.get("value") or item.get("Value")
        name = text(item.get("name") or item.get("Name")) or ""
        yield from _scan(name, value)
    for field in (c.command, c.entry_point):
        for part in field.items() if field is not None and field.known else ():
            yield from _scan("command", part)


def _scan(name: str, v: V | None) -> Iterator[tuple[str, V, str, int]]:
    s = text(v)
    if not s:
        return
    for mt in _LOOPBACK.finditer(s):
        port = int(mt.group(2))
        if 0 < port < 65536:
            yield name, v, mt.group(1), port
