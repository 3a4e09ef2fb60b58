"""FG039 — Service Connect configuration that ECS rejects

## What it does
For each service with Service Connect enabled, checks against its task definition
and its peers:

- (a) every `Services[].PortName` is the `name` of a port mapping;
- (b) that port mapping is TCP (Service Connect carries no UDP);
- (c) the task definition sets a task-level `Memory`;
- (e) the deployment controller is `ECS` (rolling deployments only);
- (f) the task is not Windows;
- (g) no two services in the files claim the same discovery name in one namespace
  (`DiscoveryName` defaults to the `PortName`).

Fargate platform versions older than 1.4.0 are FG095's.

## Why is this bad?
CreateService or UpdateService fails with `InvalidParameterException`; for (g), the
second service's deployment fails.

## Example
```yaml
    ContainerDefinitions:
      - Name: api
        PortMappings:
          - {ContainerPort: 8080, Name: http}
Service:
  Properties:
    ServiceConnectConfiguration:
      Enabled: true
      Namespace: internal
      Services:
        - PortName: api                  # no port mapping is named api
```
```hcl
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_http_namespace.internal.arn
    service { port_name = "api" }
  }
  deployment_controller { type = "CODE_DEPLOY" }
```

## Use instead
Name the port mappings and reference those names; set the task memory; use the
ECS (rolling) deployment controller.

## Known problems
Silent when the task definition's containers cannot be read, and for (g) when a
namespace or a service is outside the files.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_portmappings
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import connect
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, Placement, finding, placements
from linter.values import V, assumptions, prop, text

META = RuleMeta(
    id="FG039",
    name="service-connect",
    severity="error",
    summary="Service Connect configuration ECS rejects (port name, UDP, task memory, "
    "deployment controller, Windows, duplicate names)",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    claimed: dict[tuple[str, str], tuple[Placement, V]] = {}
    for p in placements(ctx):
        sc = connect.enabled(p.svc)
        if sc is None:
            continue
        on = Step(f"{p.svc.id} enables Service Connect", sc.loc)
        yield from _service_level(p, sc, on)
        if p.td is not None:
            yield from _task_level(p, sc, on)
        yield from _duplicates(p, sc, claimed)


def _service_level(p: Placement, sc: V, on: Step) -> Iterator[Finding]:
    ctl = p.svc.deployment_controller
    kind = text(ctl)
    if kind is not None and kind.upper() != "ECS":
        yield finding(
            META,
            f"{p.svc.id} uses Service Connect with the {kind} deployment controller; Service "
            "Connect supports only rolling (ECS) deployments, so ECS rejects the service",
            ctl.loc,
            p.svc.id,
            path=(on,),
            assumed=p.assumed + assumptions(ctl),
            fix="Use the ECS deployment controller, or drop Service Connect.",
        )


def _task_level(p: Placement, sc: V, on: Step) -> Iterator[Finding]:
    td = p.td
    os_family = (text(td.os_family) or "").upper()
    if os_family.startswith("WINDOWS"):
        yield _simple(
            p,
            td.os_family,
            on,
            f"{td.id} is a Windows task, which Service Connect does not support",
        )
    if td.memory is None and td.containers is not None:
        yield _simple(
            p, sc, on, f"{td.id} sets no task-level memory, which Service Connect requires"
        )
    if td.containers is None or any(not c.ports_known for c in td.containers):
        return
    mappings = [pm for c in td.containers for pm in c.port_mappings]
    if any(pm.name is not None and text(pm.name) is None for pm in mappings):
        return  # a port name we cannot read may be any of them
    named = {text(pm.name): pm for pm in mappings if pm.name is not None}
    for svc in connect.entries(sc) or ():
        port_name = prop(svc, "portName")
        want = text(port_name)
        if want is None:
            continue
        pm = named.get(want)
        if pm is None:
            have = ", ".join(sorted(n for n in named if n)) or "none"
            yield _simple(
                p,
                port_name,
                on,
                f"port name '{want}' is not the name of a port mapping of {td.id} (named: {have})",
            )
        elif (text(pm.protocol) or "tcp").lower() == "udp":
            yield _simple(
                p,
                port_name,
                on,
                f"port mapping '{want}' is UDP, and Service Connect carries only TCP",
            )


def _simple(p: Placement, v: V, on: Step, problem: str) -> Finding:
    return finding(
        META,
        f"{p.svc.id} enables Service Connect, but {problem}; ECS rejects the service",
        v.loc,
        p.svc.id,
        path=(on,),
        assumed=p.assumed + assumptions(v),
        fix="Name the port mappings and reference those names, set the task memory, and keep "
        "Service Connect to Linux tasks.",
    )


def _duplicates(p: Placement, sc: V, claimed: dict) -> Iterator[Finding]:
    ns_key = connect.namespace_key(sc)
    if ns_key is None:
        return
    for svc in connect.entries(sc) or ():
        name_v = prop(svc, "discoveryName") or prop(svc, "portName")
        name = text(name_v)
        if name is None or not name_v.known:
            continue
        first = claimed.setdefault((ns_key, name), (p, name_v))
        if first[0] is p:
            continue
        yield finding(
            META,
            f"{p.svc.id} and {first[0].svc.id} both claim the Service Connect name '{name}' in "
            "one namespace; names must be unique there, so the second deployment fails",
            name_v.loc,
            p.svc.id,
            path=(Step(f"{first[0].svc.id} claims '{name}' here", first[1].loc),),
            assumed=p.assumed + first[0].assumed,
            fix="Give one of them another DiscoveryName (discovery_name).",
        )
