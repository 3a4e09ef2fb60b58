"""FG092 — NetworkConfiguration presence does not match the network mode

## What it does
Finds services, task sets and scheduled tasks (EventBridge rules, Scheduler
schedules) whose task definition uses the `awsvpc` network mode but that give no
`NetworkConfiguration` / `network_configuration` with subnets, and those whose task
definition uses `bridge`, `host` or `none` (or the default, `bridge`) but that do
give a network configuration.

## Why is this bad?
An awsvpc task gets its own network interface, and ECS needs the subnets (and
security groups) to create it: `CreateService` fails with `Network Configuration must
be provided when networkMode 'awsvpc' is specified.`, and a scheduled task never
starts. For the other modes the configuration is rejected instead:
`InvalidParameterException: Network Configuration is not valid for the given
networkMode of this task definition.`

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    TaskDefinition: !Ref AwsvpcTaskDef   # NetworkMode: awsvpc
    LaunchType: FARGATE
    # no NetworkConfiguration
```
```hcl
resource "aws_ecs_service" "app" {
  task_definition = aws_ecs_task_definition.bridge.arn # network_mode = "bridge"
  network_configuration {
    subnets = [aws_subnet.private.id]
  }
}
```

## Use instead
```yaml
    NetworkConfiguration:
      AwsvpcConfiguration:
        Subnets: [!Ref PrivateSubnet]
        SecurityGroups: [!Ref TaskSecurityGroup]
```
```hcl
resource "aws_ecs_service" "app" {
  task_definition = aws_ecs_task_definition.bridge.arn
  # no network_configuration in bridge mode
}
```

## Known problems
Silent when the task definition is not defined in the analysed files, when its
network mode is a parameter or variable, and when the network configuration is
built by a condition or a `dynamic` block that cannot be decided.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.network import task_network_mode
from linter.rulekit import Context, finding
from linter.taskfacts import against_defaults
from linter.values import V, assumptions, is_unknown, text

META = RuleMeta(
    id="FG092",
    name="network-configuration-mismatch",
    severity="error",
    summary="NetworkConfiguration missing for awsvpc, or given for another network mode",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for svc in ctx.tpl.of(m.Service):
        td = ctx.net.task_definition(svc)
        if td is None or (text(svc.deployment_controller) or "").upper() == "EXTERNAL":
            continue  # an external controller's task sets carry the network configuration
        mode, mode_assumed = task_network_mode(td)
        if mode is None:
            continue
        assumed = mode_assumed + assumptions(svc.task_definition)
        if svc.condition:
            assumed += (f"condition {svc.condition} holds",)
        if against_defaults(svc, assumed):
            continue
        shown = mode if td.network_mode is not None else "bridge (the default)"
        why = Step(
            f"task definition {td.id} uses network mode {shown}", (td.network_mode or td).loc
        )
        if mode == "awsvpc":
            missing = _missing_subnets(svc)
            if missing is None:
                continue
            yield finding(
                META,
                f"{svc.id} launches awsvpc task definition {td.id} without {missing}; ECS "
                "requires subnets for the task's network interface ('Network Configuration "
                "must be provided when networkMode awsvpc is specified'), so no task starts",
                (svc.network or svc).loc,
                svc.id,
                path=(why,),
                assumed=assumed,
                fix="Add NetworkConfiguration.AwsvpcConfiguration (network_configuration) "
                "with the task subnets and security groups.",
            )
        elif _present(svc.network):
            yield finding(
                META,
                f"{svc.id} gives a network configuration, but its task definition {td.id} "
                f"uses network mode {shown}; ECS rejects it ('Network Configuration is not "
                "valid for the given networkMode of this task definition')",
                svc.network.loc,
                svc.id,
                path=(why,),
                assumed=assumed,
                fix="Remove the network configuration, or set the task definition's network "
                "mode to awsvpc.",
            )


def _missing_subnets(svc: m.Service) -> str | None:
    """What is missing for an awsvpc launch, or None when subnets are (or may be) given."""
    if svc.network is None:
        return "a network configuration"
    if not svc.network.known or _may_hold_subnets(svc.network):
        return None  # a condition or a dynamic block may supply them
    if svc.subnets is None:
        return "subnets in its network configuration"
    return None


def _present(net: V | None) -> bool:
    """A network configuration certainly given: a known block, not one every setting of
    which is unknown (a condition or `dynamic` block that may leave it out)."""
    if net is None or not net.known or not isinstance(net.value, dict) or not net.value:
        return False
    return not all(is_unknown(v) for v in net.value.values())


# Settings beside the subnets: an unknown one cannot hide them.
_BESIDE = {"SecurityGroups", "AssignPublicIp", "security_groups", "assign_public_ip"}


def _may_hold_subnets(v: V) -> bool:
    """An unknown part of a network configuration that may hold the subnets."""
    if is_unknown(v):
        return True
    if isinstance(v.value, dict):
        return any(_may_hold_subnets(x) for k, x in v.value.items() if k not in _BESIDE)
    return False
