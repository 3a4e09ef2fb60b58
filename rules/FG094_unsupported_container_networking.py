"""FG094 — Container networking parameter unsupported in awsvpc, on Fargate or Windows

## What it does
Finds container definitions that set a networking parameter the task cannot use:

- in the `awsvpc` network mode: `links`, `hostname`, `extraHosts`;
- on Fargate (`RequiresCompatibilities` lists `FARGATE`, or a launcher runs it on
  Fargate): `links`, `dnsServers`, `dnsSearchDomains`, `extraHosts`,
  `disableNetworking`;
- in Windows task definitions (`RuntimePlatform.OperatingSystemFamily` WINDOWS_*):
  `links`, `dnsServers`, `dnsSearchDomains`, `extraHosts`, `disableNetworking`.

## Why is this bad?
ECS rejects the task definition (`ClientException`, for example `Links are not
supported when networkMode=awsvpc.`), or the launch fails, so the stack or `terraform
apply` fails. In awsvpc mode the containers of a task already share one network
namespace and reach each other on `localhost`; other tasks are reached through
Service Connect, Cloud Map or a load balancer.

## Example
```yaml
TaskDef:
  Type: AWS::ECS::TaskDefinition
  Properties:
    NetworkMode: awsvpc
    ContainerDefinitions:
      - Name: app
        Links: [db]
```
```hcl
resource "aws_ecs_task_definition" "app" {
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  container_definitions = jsonencode([{
    name = "app", image = "nginx", dnsServers = ["10.0.0.2"]
  }])
}
```

## Use instead
```yaml
      - Name: app
        Environment:
          - {Name: DB_HOST, Value: localhost}
```
```hcl
  container_definitions = jsonencode([{ name = "app", image = "nginx" }])
```
Use the VPC's DNS (Route 53 Resolver rules for custom zones) instead of `dnsServers`.

## Known problems
Empty lists, empty strings and `disableNetworking: false` are not reported. The
AWS documentation lists `dnsServers` and `disableNetworking` as unsupported only for
Windows and Fargate, not for awsvpc on EC2 Linux, so they are not reported there.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_network
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import task_network_mode
from linter.rulekit import Context, finding, placements
from linter.taskfacts import fargate_reason, windows_family
from linter.values import V, text, truth

META = RuleMeta(
    id="FG094",
    name="unsupported-container-networking",
    severity="error",
    summary="A container networking parameter unsupported in awsvpc, on Fargate or Windows",
)

# (field of Container, the parameter's name)
_PARAMS = (
    ("links", "links"),
    ("hostname", "hostname"),
    ("dns_servers", "dnsServers"),
    ("dns_search_domains", "dnsSearchDomains"),
    ("extra_hosts", "extraHosts"),
    ("disable_networking", "disableNetworking"),
)
_AWSVPC = {"links", "hostname", "extraHosts"}
_FARGATE = {"links", "dnsServers", "dnsSearchDomains", "extraHosts", "disableNetworking"}
_WINDOWS = _FARGATE


def check(ctx: Context) -> Iterator[Finding]:
    on_fargate = {p.td.id: p for p in placements(ctx) if p.td and p.launch == "FARGATE"}
    for td in ctx.tpl.of(m.TaskDefinition):
        contexts = list(_contexts(td, on_fargate))
        if not contexts:
            continue
        for c in td.containers or ():
            for attr, param in _PARAMS:
                v = getattr(c, attr)
                if not _given(v, param):
                    continue
                hit = next(
                    ((what, s, a) for what, allowed, s, a in contexts if param in allowed), None
                )
                if hit is None:
                    continue
                what, step, assumed = hit
                yield finding(
                    META,
                    f"container '{text(c.name) or '?'}' of {td.id} sets {param}, which is not "
                    f"supported {what}; ECS rejects the task definition or the launch",
                    v.loc,
                    td.id,
                    path=(step,),
                    assumed=assumed + v.assumed,
                    fix=f"Remove {param} from the container definition.",
                )


def _contexts(
    td: m.TaskDefinition, on_fargate: dict
) -> Iterator[tuple[str, set[str], Step, tuple[str, ...]]]:
    """Why parameters are restricted here: (where, the parameters it forbids, the step
    that shows it, the assumptions behind it)."""
    mode, mode_assumed = task_network_mode(td)
    if mode == "awsvpc":
        yield "in the awsvpc network mode", _AWSVPC, _mode_step(td), mode_assumed
    fargate = fargate_reason(td, on_fargate)
    if fargate is not None:
        yield "on Fargate", _FARGATE, *fargate
    family = windows_family(td)
    if family:
        step = Step(f"the operating system family is {family}", td.os_family.loc)
        yield "for Windows containers", _WINDOWS, step, td.os_family.assumed


def _mode_step(td: m.TaskDefinition) -> Step:
    return Step("the network mode is awsvpc", (td.network_mode or td).loc)


def _given(v: V | None, param: str) -> bool:
    """Set to something that takes effect: a non-empty known list or string, or true."""
    if v is None or not v.known or v.value is None:
        return False
    if param == "disableNetworking":
        return truth(v) is True
    if isinstance(v.value, (list, dict, str)):
        return len(v.value) > 0
    return True
