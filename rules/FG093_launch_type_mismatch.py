"""FG093 — Launch type, compatibilities and platform version do not fit together

## What it does
Finds launchers (services, task sets, scheduled tasks) whose launch settings
contradict each other or their task definition:

- the launch type is Fargate (`LaunchType: FARGATE`, or a `FARGATE` /
  `FARGATE_SPOT` capacity-provider strategy) but the task definition's
  `RequiresCompatibilities` does not list `FARGATE`;
- (warning) no launch type and no capacity-provider strategy, on a cluster in the
  analysed files that has no default strategy — so ECS uses EC2 — while the task
  definition requires only `FARGATE` and nothing in the files provides EC2 capacity
  (no Auto Scaling group, instance, launch template or ASG capacity provider);
- a `PlatformVersion` on a launcher whose launch type is EC2 (a warning when EC2 is
  only the cluster's default; nothing more when the task definition is Fargate-only,
  which the warning above covers).

## Why is this bad?
- `InvalidParameterException: Task definition does not support launch_type FARGATE.`
  — the service or scheduled task never starts a task.
- Without a launch type ECS uses the cluster's default capacity-provider strategy,
  and without one it uses EC2: the service waits forever with `unable to place a task
  because no container instance met all of its requirements`.
- `InvalidParameterException: The platform version must be null when specifying an EC2
  launch type.` — `LATEST` included.

## Example
```yaml
TaskDef:
  Type: AWS::ECS::TaskDefinition
  Properties:
    RequiresCompatibilities: [EC2]
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: FARGATE
    TaskDefinition: !Ref TaskDef
```
```hcl
resource "aws_ecs_service" "app" {
  launch_type      = "EC2"
  platform_version = "LATEST"
}
```

## Use instead
```yaml
    RequiresCompatibilities: [FARGATE]
```
```hcl
resource "aws_ecs_service" "app" {
  launch_type = "EC2" # no platform_version
}
```
Set `LaunchType: FARGATE` (or a Fargate capacity-provider strategy) explicitly when the
task definition is meant for Fargate.

## Known problems
The first check needs `RequiresCompatibilities` written out: when it is omitted ECS
validates the task definition for EC2 only, but the rule stays silent. The second
check stays silent when the cluster is shared with other stacks or modules, and
whenever anything in the files may provide EC2 capacity; instances that join the
cluster by its name from elsewhere are not seen. A platform version on an
EC2 capacity-provider strategy is not reported.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#requires_compatibilities
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform_versions.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, Placement, finding, placements
from linter.taskfacts import against_defaults
from linter.values import assumptions, text, unset

META = RuleMeta(
    id="FG093",
    name="launch-type-mismatch",
    severity="error",
    summary="Launch type, RequiresCompatibilities and PlatformVersion contradict each other",
    formats=("cloudformation", "terraform"),
)

# Resources that can put EC2 container instances into a cluster.
_EC2_CAPACITY = {
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::AutoScaling::LaunchConfiguration",
    "AWS::EC2::LaunchTemplate",
    "AWS::EC2::Instance",
    "AWS::EC2::SpotFleet",
    "AWS::EC2::EC2Fleet",
    "AWS::ECS::CapacityProvider",
    "AWS::CloudFormation::Stack",
    "AWS::Serverless::Application",
    "aws_autoscaling_group",
    "aws_launch_configuration",
    "aws_launch_template",
    "aws_instance",
    "aws_spot_fleet_request",
    "aws_spot_instance_request",
    "aws_ec2_fleet",
    "aws_ecs_capacity_provider",
}


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        yield from _not_compatible(p)
        yield from _ec2_by_default(ctx, p)
        yield from _platform_on_ec2(ctx, p)


def _compatibilities(td: m.TaskDefinition | None) -> set[str] | None:
    """The written RequiresCompatibilities, upper-cased; None when absent or unknown."""
    if td is None or td.compatibilities is None or not td.compatibilities.known:
        return None
    out = set()
    for c in td.compatibilities.items():
        name = text(c)
        if name is None:
            return None
        out.add(name.upper())
    return out or None


def _not_compatible(p: Placement) -> Iterator[Finding]:
    compat = _compatibilities(p.td)
    if p.launch != "FARGATE" or compat is None or "FARGATE" in compat:
        return
    svc, td = p.svc, p.td
    assumed = p.assumed + assumptions(td.compatibilities)
    if against_defaults(svc, assumed):
        return
    where = svc.launch_type if not unset(svc.launch_type) else svc.strategy
    yield finding(
        META,
        f"{svc.id} launches {td.id} on Fargate, but its RequiresCompatibilities is "
        f"{', '.join(sorted(compat))}: ECS rejects the launch ('Task definition does not "
        "support launch_type FARGATE')",
        (where or svc).loc,
        svc.id,
        path=(Step(f"{td.id} requires {', '.join(sorted(compat))}", td.compatibilities.loc),),
        assumed=assumed,
        fix="Add FARGATE to RequiresCompatibilities / requires_compatibilities, or launch "
        "it on EC2.",
    )


def _ec2_how(ctx: Context, p: Placement) -> str:
    """How the launch type is EC2: "explicit" (LaunchType), "default" (no launch type, no
    strategy, a cluster in scope without a default strategy), else ""."""
    svc = p.svc
    if p.launch != "EC2":
        return ""
    if not unset(svc.launch_type):
        return "explicit"
    cluster = ctx.tpl.deref(svc.cluster, m.Cluster)
    if svc.strategy is None and cluster and cluster.id not in ctx.net.cluster_strategies:
        return "default"
    return ""  # an EC2 capacity provider


def _ec2_by_default(ctx: Context, p: Placement) -> Iterator[Finding]:
    svc, tpl = p.svc, ctx.tpl
    if _ec2_how(ctx, p) != "default" or p.td is None:
        return
    if p.assumed or _compatibilities(p.td) != {"FARGATE"}:
        return  # a cluster other stacks may extend, or a task definition that fits EC2
    cluster = tpl.deref(svc.cluster, m.Cluster)
    if cluster is None or tpl.blind:
        return  # a module we did not read may attach instances
    if any(t in _EC2_CAPACITY for t in tpl.types.values()) or tpl.uncertain & _EC2_CAPACITY:
        return
    yield finding(
        META,
        f"{svc.id} sets no launch type and no capacity-provider strategy, and cluster "
        f"{cluster.id} has no default strategy, so ECS launches its tasks on EC2; but "
        f"{p.td.id} requires FARGATE and nothing here adds EC2 instances to the cluster, "
        "so no task can be placed",
        svc.loc,
        svc.id,
        path=(
            Step(f"cluster {cluster.id} has no default capacity-provider strategy", cluster.loc),
            Step(f"{p.td.id} requires only FARGATE", p.td.compatibilities.loc),
        ),
        severity="warning",
        fix='Set LaunchType: FARGATE (launch_type = "FARGATE") or a FARGATE '
        "capacity-provider strategy on the launcher or as the cluster's default.",
    )


def _platform_on_ec2(ctx: Context, p: Placement) -> Iterator[Finding]:
    svc, pv = p.svc, p.svc.platform_version
    how = _ec2_how(ctx, p)
    version = text(pv)
    if not how or not version or against_defaults(svc, p.assumed + pv.assumed):
        return  # EC2 through a capacity provider is not reported
    if how != "explicit" and _fargate_only(p):
        return  # EC2 only by the cluster's default, for a Fargate task: (b) says so
    if how == "explicit":
        step = Step("LaunchType is EC2", svc.launch_type.loc)
    else:
        step = Step(
            "no launch type or strategy: the cluster's default, EC2", (svc.cluster or svc).loc
        )
    yield finding(
        META,
        f"{svc.id} sets PlatformVersion {version} but runs on the EC2 launch type; ECS "
        "rejects it ('The platform version must be null when specifying an EC2 launch type')",
        pv.loc,
        svc.id,
        path=(step,),
        # EC2 by default only: the launcher may have been meant for Fargate.
        severity=None if how == "explicit" else "warning",
        assumed=p.assumed + pv.assumed,
        fix="Remove PlatformVersion / platform_version, or launch on Fargate.",
    )


def _fargate_only(p: Placement) -> bool:
    """The task definition names FARGATE and not EC2 in RequiresCompatibilities."""
    td = p.td
    if td is None or td.compatibilities is None or not td.compatibilities.known:
        return False
    names = {(text(c) or "").upper() for c in td.compatibilities.items()}
    return "FARGATE" in names and "EC2" not in names
