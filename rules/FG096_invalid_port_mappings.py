"""FG096 — Invalid portMappings values or shape

## What it does
Finds port mappings ECS cannot accept or cannot honour:

- (warning) a `protocol` other than `tcp` or `udp` (`http` belongs in
  `appProtocol`); an `appProtocol` other than `http`, `http2` or `grpc`, and
  (warning) an `appProtocol` on a mapping without a `name`;
- port mappings in a task whose network mode is `none`;
- `portMappings` that is not a list, and mapping keys that are misspelt or written in
  the wrong case (`Protcol`; `ContainerPort` in task-definition JSON, `containerPort`
  in CloudFormation);
- `containerPort: 3150` in a Windows task on Fargate (the port is reserved);
- (warning) two containers of one `awsvpc` or `host` task mapping the same container
  port and protocol.

## Why is this bad?
ECS documents only `tcp` and `udp` as protocols: an invalid one is refused where it is
validated (the console says `Valid values for portMapping protocol are tcp and udp`)
and has been seen stored as `tcp` elsewhere — either way not what the author meant.
The wrong shapes and keys are rejected when the task definition is registered or the
stack is validated, so the deploy fails. `appProtocol` only works with Service
Connect, which finds a port by its `name`. In awsvpc and host mode the containers of
a task share one network namespace: the second container to bind the port fails with
`address already in use`.

## Example
```yaml
      ContainerDefinitions:
        - Name: web
          PortMappings:
            - ContainerPort: 3000
              Protocol: http
```
```hcl
  container_definitions = jsonencode([{
    name = "web", image = "nginx"
    portMappings = { containerPort = 80 }
  }])
```

## Use instead
```yaml
          PortMappings:
            - ContainerPort: 3000
              Protocol: tcp
              Name: web
              AppProtocol: http
```
```hcl
    portMappings = [{ containerPort = 80 }]
```

## Known problems
Key spelling is checked in CloudFormation and task-definition JSON only: the
Terraform provider reads `container_definitions` without regard to case and drops
unknown keys. Port ranges (`containerPortRange`) are not compared. A protocol is
compared without regard to case.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_portmappings
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-taskdefinition-portmapping.html
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import task_network_mode
from linter.rulekit import Context, finding, placements
from linter.taskfacts import fargate_reason, windows_family
from linter.values import V, assumptions, integer, text

META = RuleMeta(
    id="FG096",
    name="invalid-port-mappings",
    severity="error",
    summary="A port mapping with an invalid value or shape",
)

_PROTOCOLS = {"tcp", "udp"}
_APP_PROTOCOLS = {"http", "http2", "grpc"}
_KEYS = ("containerPort", "hostPort", "protocol", "name", "appProtocol", "containerPortRange")
# hostPortRange is read-only (FG091 reports it), not a misspelling
_ALSO = ("hostPortRange",)


def check(ctx: Context) -> Iterator[Finding]:
    on_fargate = {p.td.id: p for p in placements(ctx) if p.td and p.launch == "FARGATE"}
    for td in ctx.tpl.of(m.TaskDefinition):
        if td.containers is None:
            continue
        mode, mode_assumed = task_network_mode(td)
        for c in td.containers:
            yield from _shape(ctx.tpl.kind, td, c)
            yield from _values(td, c)
            if mode == "none":
                yield from _with_none_mode(td, c, mode_assumed)
        yield from _windows_fargate(td, on_fargate)
        if mode in ("awsvpc", "host"):
            yield from _shared_port(td, mode, mode_assumed)


def _name(c: m.Container) -> str:
    return text(c.name) or "?"


def _shape(kind: str, td: m.TaskDefinition, c: m.Container) -> Iterator[Finding]:
    pm = c.port_mappings_value
    if pm is None or not pm.known or pm.value is None:
        return
    if not isinstance(pm.value, list):
        yield finding(
            META,
            f"portMappings of container '{_name(c)}' in {td.id} is not a list; the task "
            "definition is rejected",
            pm.loc,
            td.id,
            assumed=pm.assumed,
            fix="Write portMappings as a list of mappings: [{containerPort: ...}].",
        )
    if kind == m.TERRAFORM:
        return  # the provider reads container_definitions without regard to case
    pascal = kind == m.CFN
    want = "PortMappings" if pascal else "portMappings"
    if c.port_mappings_key and c.port_mappings_key != want:
        yield finding(
            META,
            f"container '{_name(c)}' in {td.id} writes {c.port_mappings_key}; the key is "
            f"{want}, and the task definition is rejected",
            pm.loc,
            td.id,
            fix=f"Rename {c.port_mappings_key} to {want}.",
        )
    valid = [_cased(k, pascal) for k in _KEYS]
    for mapping in pm.items():
        if not isinstance(mapping.value, dict):
            continue
        wrong = [(k, v) for k, v in mapping.value.items() if k not in valid and k not in _ALSO]
        if not wrong:
            continue
        hints = []
        for k, _ in wrong:
            close = difflib.get_close_matches(k.lower(), [x.lower() for x in valid], n=1)
            right = next((x for x in valid if close and x.lower() == close[0]), None)
            hints.append(f"{k} (did you mean {right}?)" if right else k)
        yield finding(
            META,
            f"port mapping of container '{_name(c)}' in {td.id} has unknown key(s) "
            f"{', '.join(hints)}; the task definition is rejected",
            wrong[0][1].loc,
            td.id,
            fix=f"Use the keys {', '.join(valid)}.",
        )


def _cased(k: str, pascal: bool) -> str:
    return k[0].upper() + k[1:] if pascal else k


def _values(td: m.TaskDefinition, c: m.Container) -> Iterator[Finding]:
    for pm in c.port_mappings:
        proto = text(pm.protocol)
        if proto is not None and proto.lower() not in _PROTOCOLS:
            hint = " (it belongs in appProtocol)" if proto.lower() in _APP_PROTOCOLS else ""
            yield finding(
                META,
                f"container '{_name(c)}' in {td.id} maps port "
                f"{text(pm.container_port) or '?'} with protocol '{proto}'{hint}; valid "
                "values are tcp and udp",
                pm.protocol.loc,
                td.id,
                assumed=pm.protocol.assumed,
                # Reports differ on whether the API rejects it or stores tcp
                # (terraform-provider-aws#3645): a warning, not a deploy failure.
                severity="warning",
                fix="Set protocol to tcp or udp; put http, http2 or grpc in appProtocol "
                "with a name.",
            )
        app = text(pm.app_protocol)
        if app is None or not app:
            continue
        if app.lower() not in _APP_PROTOCOLS:
            yield finding(
                META,
                f"container '{_name(c)}' in {td.id} sets appProtocol '{app}'; valid values "
                "are http, http2 and grpc",
                pm.app_protocol.loc,
                td.id,
                assumed=pm.app_protocol.assumed,
                fix="Set appProtocol to http, http2 or grpc.",
            )
        elif pm.name is None or pm.name.value is None:
            yield finding(
                META,
                f"container '{_name(c)}' in {td.id} sets appProtocol on a port mapping "
                "without a name; only Service Connect reads appProtocol, and it finds "
                "ports by name",
                pm.app_protocol.loc,
                td.id,
                severity="warning",
                fix="Give the port mapping a name, or remove appProtocol.",
            )


def _with_none_mode(td: m.TaskDefinition, c: m.Container, assumed) -> Iterator[Finding]:
    pm = c.port_mappings_value
    if pm is None or not pm.known or not any(True for _ in pm.items()):
        return
    yield finding(
        META,
        f"container '{_name(c)}' in {td.id} maps ports, but the network mode is none: "
        "port mappings cannot be specified there",
        pm.loc,
        td.id,
        path=(Step("the network mode is none", td.network_mode.loc),),
        assumed=assumed,
        fix="Remove portMappings, or use a network mode with networking.",
    )


def _windows_fargate(td: m.TaskDefinition, on_fargate: dict) -> Iterator[Finding]:
    family = windows_family(td)
    fargate = fargate_reason(td, on_fargate) if family else None
    if fargate is None:
        return
    why, assumed = fargate
    for c in td.containers or ():
        for pm in c.port_mappings:
            if integer(pm.container_port) == 3150:
                yield finding(
                    META,
                    f"container '{_name(c)}' in {td.id} maps containerPort 3150, which is "
                    "reserved for Windows containers on Fargate",
                    pm.container_port.loc,
                    td.id,
                    path=(why, Step(f"the operating system family is {family}", td.os_family.loc)),
                    assumed=assumed + td.os_family.assumed + pm.container_port.assumed,
                    fix="Listen on another port.",
                )


def _shared_port(td: m.TaskDefinition, mode: str, mode_assumed) -> Iterator[Finding]:
    """Two containers of one network namespace mapping the same port and protocol."""
    first: dict[tuple[int, str], tuple[m.Container, V]] = {}
    for c in td.containers or ():
        mine: set[tuple[int, str]] = set()
        for pm in c.port_mappings:
            port = integer(pm.container_port)
            proto = "tcp" if pm.protocol is None else (text(pm.protocol) or "").lower()
            if port is None or proto not in _PROTOCOLS:
                continue
            k = (port, proto)
            if k in mine:
                continue
            mine.add(k)
            if k in first and first[k][0] is not c:
                other, where = first[k]
                yield finding(
                    META,
                    f"containers '{_name(other)}' and '{_name(c)}' of {td.id} both map "
                    f"{proto} port {port}; in {mode} mode they share one network namespace, "
                    "so the second to bind it fails with 'address already in use'",
                    pm.container_port.loc,
                    td.id,
                    path=(Step(f"'{_name(other)}' maps {proto} port {port}", where.loc),),
                    assumed=mode_assumed + assumptions(pm.container_port, where),
                    severity="warning",
                    fix="Give each container its own port.",
                )
            else:
                first.setdefault(k, (c, pm.container_port))
