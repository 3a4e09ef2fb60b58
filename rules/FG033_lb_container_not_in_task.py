"""FG033 — Load-balancer container name or port not in the task definition

## What it does
Checks each load-balancer binding and service-registry entry of a service
(`ContainerName`, `ContainerPort`) against the task definition: the container
must exist under that name, and it must map that `containerPort`.

## Why is this bad?
ECS rejects the service: `InvalidParameterException: The container <name> does
not exist in the task definition.` or `The container <name> did not have a
container port <port> defined.` Renaming a container or changing its port in
the task definition without updating the service is the usual cause.

## Example
```yaml
    ContainerDefinitions:
      - Name: app
        PortMappings:
          - ContainerPort: 8080
Service:
  Properties:
    LoadBalancers:
      - ContainerName: web          # no container named web
        ContainerPort: 80
        TargetGroupArn: !Ref TargetGroup
```
```hcl
  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = 80           # app maps 8080
  }
```

## Use instead
```yaml
      - ContainerName: app
        ContainerPort: 8080
```
```hcl
    container_name   = "app"
    container_port   = 8080
```

## Known problems
Silent when the container definitions, or the names in them, cannot be read (a
parameter, a `file()` out of reach; a `templatefile()` whose unknown values leave
the names readable is checked). A `containerPortRange` counts for every port in it.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html#sd-loadbalancers
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding, placements
from linter.values import V, assumptions, integer, text

META = RuleMeta(
    id="FG033",
    name="lb-container-not-in-task",
    severity="error",
    summary="load-balancer or service-registry container name/port not in the task definition",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        td = p.td
        if td is None or td.containers is None:
            continue
        by_name: dict[str, m.Container] = {}
        for c in td.containers:
            name = text(c.name)
            if name is None:
                break
            by_name[name] = c
        else:
            for what, loc, name, port in _targets(p.svc):
                yield from _check(p, td, by_name, what, loc, name, port)


def _targets(svc: m.Service) -> Iterator[tuple[str, object, V | None, V | None]]:
    for b in svc.load_balancers:
        yield "load balancer", b.loc, b.container_name, b.container_port
    regs = svc.service_registries
    for r in regs.items() if regs is not None and regs.known else ():
        name = r.get("ContainerName") or r.get("container_name")
        port = r.get("ContainerPort") or r.get("container_port")
        yield "service registry", r.loc, name, port


def _check(p, td, by_name, what, loc, name_v, port_v) -> Iterator[Finding]:
    name = text(name_v)
    if name is None:
        return
    listed = ", ".join(sorted(by_name)) or "none"
    c = by_name.get(name)
    if c is None:
        yield finding(
            META,
            f"{p.svc.id} sends {what} traffic to container '{name}', which does not exist "
            f"in {td.id} (containers: {listed}); ECS rejects the service",
            name_v.loc,
            p.svc.id,
            path=(Step(f"{td.id} defines containers {listed}", td.containers_loc or td.loc),),
            assumed=p.assumed + assumptions(name_v),
            fix="Set ContainerName to the name of a container in the task definition.",
        )
        return
    port = integer(port_v)
    if port is None or not c.ports_known:
        return
    ranges = [_range(pm) for pm in c.port_mappings if pm.container_port is None]
    mapped = [integer(pm.container_port) for pm in c.port_mappings if pm.container_port]
    if None in mapped or None in ranges or port in mapped:
        return
    if any(lo <= port <= hi for lo, hi in ranges):  # type: ignore[misc]
        return
    have = ", ".join([*(str(x) for x in mapped), *(f"{lo}-{hi}" for lo, hi in ranges)]) or "none"
    yield finding(
        META,
        f"{p.svc.id} sends {what} traffic to port {port} of container '{name}', which maps "
        f"no such containerPort (it maps: {have}); ECS rejects the service",
        port_v.loc,
        p.svc.id,
        path=(Step(f"container '{name}' maps container ports {have}", c.loc),),
        assumed=p.assumed + assumptions(name_v, port_v),
        fix=f"Add a port mapping for {port} to '{name}', or bind the container port it maps.",
    )


def _range(pm: m.PortMapping) -> tuple[int, int] | None:
    """A mapping's containerPortRange ("8000-8010"); None when it cannot be read (or a
    mapping gives neither a port nor a range)."""
    t = text(pm.port_range)
    lo, sep, hi = (t or "").partition("-")
    if not t or not lo.strip().isdigit() or (sep and not hi.strip().isdigit()):
        return None
    return int(lo), int(hi or lo)
