"""FG034 — Target group not attached to a listener when the service is created

## What it does
Follows each load-balancer binding of a service to its target group and looks for
a listener or listener rule that forwards to it. With none in the files, the
group belongs to no load balancer. It also checks that the service waits for one
of those listeners (`DependsOn`, `depends_on`), since nothing else orders the
service after them: a warning in CloudFormation, an info in Terraform.

## Why is this bad?
ECS rejects the service: `InvalidParameterException: The target group with
targetGroupArn <arn> does not have an associated load balancer.` Without
`DependsOn`, CloudFormation may create the service before the listener, and the
same error appears intermittently.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:                   # no DependsOn: Listener
    LoadBalancers:
      - TargetGroupArn: !Ref TargetGroup
        ContainerName: web
        ContainerPort: 80
```
```hcl
resource "aws_lb_target_group" "app" { ... }   # no aws_lb_listener forwards to it
```

## Use instead
```yaml
Service:
  Type: AWS::ECS::Service
  DependsOn: Listener
```
```hcl
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
```

## Known problems
Silent when listeners may live in another stack or module (the target group is
exported, or listeners cannot be counted). An update that adds a load balancer to
an existing service can fail even with `DependsOn`; that is not reported.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-service-load-balancers.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html
- https://github.com/aws/aws-cdk/issues/1160
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, bound, finding

META = RuleMeta(
    id="FG034",
    name="target-group-without-listener",
    severity="error",
    summary="a service's target group has no listener forwarding to it (or the service does "
    "not wait for it)",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for p, b, tg in bound(ctx):
        if (p.svc.id, tg.id) in seen:
            continue
        seen.add((p.svc.id, tg.id))
        found, _why = ctx.lb.forwarders(tg)
        if found is None:
            continue
        if not found:
            yield finding(
                META,
                f"no listener or listener rule forwards to target group {tg.id}, which "
                f"{p.svc.id} registers its tasks in; ECS rejects the service ('does not have "
                "an associated load balancer')",
                b.target_group.loc,
                p.svc.id,
                path=(
                    Step(f"{p.svc.id} registers its tasks in {tg.id}", b.loc),
                    Step(f"no listener in the files forwards to {tg.id}", tg.loc),
                ),
                assumed=p.assumed + ctx.lb.dropped(),
                fix="Add a listener (or listener rule) whose action forwards to the target group.",
            )
            continue
        if p.svc.type in ("AWS::ECS::Service", "aws_ecs_service"):
            yield from _race(ctx, p, b, tg, found)


def _race(ctx, p, b, tg, found: list[m.Listener]) -> Iterator[Finding]:
    waits = {_bare(w) for w in _waits_for(ctx.tpl, p.svc.id)}
    for x in map(_bare, (lst.id for lst in found)):
        if x in waits or any(x.startswith(w + ".") for w in waits):
            return  # named, or inside a module the service waits for
    cfn = ctx.tpl.kind == m.CFN
    if cfn and any(lst.loc.file != p.svc.loc.file for lst in found):
        return  # another stack: its order follows the stacks' own dependencies
    if not cfn and any(_module(lst.id) != _module(p.svc.id) for lst in found):
        return  # another module: its order follows the module's dependencies
    names = ", ".join(lst.id for lst in found)
    tool = "CloudFormation" if cfn else "Terraform"
    yield finding(
        META,
        f"{p.svc.id} does not depend on {names}, which attaches target group {tg.id} to its "
        f"load balancer; {tool} may create the service first, and ECS then rejects it "
        "('does not have an associated load balancer')",
        b.target_group.loc,
        p.svc.id,
        path=(
            Step(f"{p.svc.id} registers its tasks in {tg.id}", b.loc),
            *(Step(f"{lst.id} forwards to {tg.id}", lst.loc) for lst in found),
        ),
        assumed=p.assumed,
        # Terraform often orders them by chance (the listener is quick to create).
        severity="warning" if cfn else "info",
        fix=f"Add DependsOn: {_written(found[0].id)} to the service."
        if cfn
        else f"Add depends_on = [{_written(found[0].id)}] to the service.",
    )


def _written(rid: str) -> str:
    """How the service's own file names a resource: a nested stack's logical id without
    the stack's prefix, a Terraform address without its instance key and module path."""
    rid = rid.rsplit("/", 1)[-1]
    if "." in rid:
        rid = ".".join(rid.split(".")[-2:])
    return re.sub(r"\[[^\]]*\]$", "", rid)


def _bare(rid: str) -> str:
    """A Terraform address without instance keys: `depends_on` names `x.y`, the
    instances are `x.y[0]`."""
    return re.sub(r"\[[^\]]*\]", "", rid)


def _module(rid: str) -> str:
    """The module instance a Terraform address belongs to ("" for the root)."""
    parts = rid.split(".")
    return ".".join(parts[:-2])


def _waits_for(tpl: m.Template, start: str) -> set[str]:
    """Everything a resource waits for, through DependsOn, depends_on and references,
    transitively (bounded: templates are small, but their input is not trusted)."""
    seen: set[str] = set()
    todo = [*tpl.depends.get(start, ()), *tpl.depends.get(_bare(start), ())]
    while todo and len(seen) < 10_000:
        rid = todo.pop()
        if rid not in seen:
            seen.add(rid)
            todo.extend(tpl.depends.get(rid, ()))
            todo.extend(tpl.depends.get(_bare(rid), ()))  # Terraform: by address
    return seen
