"""FG044 — Resource silently left on the VPC default security group

## What it does
Finds resources that name no security group and so get the VPC's default group,
which admits inbound traffic only from its own members:

- an awsvpc service with no `SecurityGroups` / `security_groups` behind a load
  balancer that is not itself in the default group (warning);
- an internet-facing Application Load Balancer with no `SecurityGroups`: its
  clients are not members of the default group (warning);
- tasks on the default group while a Terraform `aws_default_security_group` in the
  files leaves it with no egress at all (error: the tasks cannot pull their image);
- an EFS mount target with no `security_groups` (Terraform) that tasks with groups
  of their own mount (warning).

Interface endpoints without security groups are FG041's.

## Why is this bad?
The load balancer never reaches the tasks (targets unhealthy, 502/503), clients
never reach the load balancer (timeouts), or the tasks cannot reach anything.
Nothing in the template says so: the group is chosen by omission.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    LoadBalancers:
      - {ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref TargetGroup}
    NetworkConfiguration:
      AwsvpcConfiguration:
        Subnets: [!Ref PrivateSubnet]     # no SecurityGroups: the default group
```
```hcl
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id                # no egress: the provider removes it
}
```

## Use instead
Give every load balancer, service and endpoint a purpose-built security group, and
chain them (the tasks' group admits the load balancer's).

## Known problems
The default group can be changed outside the templates: the rule speaks only of
VPCs defined in the files, and stays silent when a rule in the files attaches to
the default group. A deliberately all-default-group design is reported.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html#sd-networkconfiguration
- https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import efs
from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, Placement, finding, placements
from linter.values import Ref, V, assumptions, ref_id, ref_ids, truth
from linter.vpcs import single_vpc

META = RuleMeta(
    id="FG044",
    name="default-sg-in-use",
    severity="warning",
    summary="a service or load balancer left on the VPC default security group, which admits "
    "only its own members",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        if p.mode != "awsvpc" or p.svc.network is None or p.svc.security_groups is not None:
            continue
        vpc = _vpc(ctx, p)
        if vpc is None:
            continue
        managed = _managed_default(ctx, vpc)
        if managed is not None:
            yield from _no_egress(ctx, p, managed)
        elif not _default_touched(ctx, vpc):
            yield from _behind_lb(ctx, p, vpc)
    yield from _open_alb(ctx)
    yield from _mount_targets(ctx)


def _mount_targets(ctx: Context) -> Iterator[Finding]:
    """A Terraform mount target with no security groups gets the default group; tasks
    with groups of their own are not its members, so NFS from them is dropped."""
    for p in placements(ctx):
        if p.td is None or p.mode != "awsvpc" or p.svc.security_groups is None:
            continue
        groups = ctx.net.security_groups(p.svc.security_groups)
        if groups is None or _names_default(p.svc.security_groups):
            continue  # unknown, or the tasks are members of the default group too
        vpc = _vpc(ctx, p)
        if vpc is None or _default_touched(ctx, vpc):
            continue
        for vol in efs.volumes(ctx.tpl, p.td):
            for mt in efs.in_vpc(ctx.tpl, vol.targets or [], vpc.id):
                if mt.security_groups is not None:
                    continue
                yield finding(
                    META,
                    f"EFS mount target {mt.id} names no security groups, so it gets the default "
                    f"group of {vpc.id}, which admits only its own members: the tasks of "
                    f"{p.svc.id}, on groups of their own, cannot mount {vol.fs.id}",
                    mt.loc,
                    p.svc.id,
                    path=(
                        efs.volume_step(p.td, vol),
                        Step(f"{mt.id} names no security groups", mt.loc),
                        Step(f"the tasks use {', '.join(g.id for g in groups)}", p.svc.network.loc),
                    ),
                    assumed=p.assumed,
                    fix="Give the mount target a security group that admits TCP 2049 from the "
                    "tasks' group.",
                )


def _vpc(ctx: Context, p: Placement) -> m.Vpc | None:
    return single_vpc(ctx.tpl, [s for _, s in ctx.net.placement_subnets(p.svc)])


def _managed_default(ctx: Context, vpc: m.Vpc) -> m.SecurityGroup | None:
    """The Terraform aws_default_security_group of the VPC, when the files manage it."""
    return next(
        (g for g in ctx.tpl.of(m.SecurityGroup) if g.vpc_default and ref_id(g.vpc) == vpc.id),
        None,
    )


def _default_touched(ctx: Context, vpc: m.Vpc) -> bool:
    """A rule in the files attaches to the VPC's default group (`!GetAtt Vpc.DefaultSecurityGroup`),
    or rules may attach from resources we cannot place."""
    if ctx.net.sg_rules_open or any(g.vpc_default for g in ctx.tpl.of(m.SecurityGroup)):
        return True
    for r in ctx.tpl.of(m.StandaloneSgRule):
        g = r.rule.group if r.rule is not None else None
        if g is not None and (ref_id(g) == vpc.id or not g.known):
            return True
    return bool(ctx.net.exported(vpc)) or vpc.id in ctx.tpl.handed


def _behind_lb(ctx: Context, p: Placement, vpc: m.Vpc) -> Iterator[Finding]:
    for b in p.svc.load_balancers:
        tg = ctx.lb.target_group(b)
        for lb, lst in ctx.lb.balancers(tg) if tg is not None else ():
            uses = ctx.lb.uses_groups(lb)
            named = lb.security_groups
            if uses is None or (named is not None and not named.known):
                continue  # a group passed in may be the default one
            if uses and (named is None or named.value == [] or _names_default(named)):
                continue  # the load balancer on the default group too: members of one group
            yield finding(
                META,
                f"{p.svc.id} names no security groups, so its tasks get the default group of "
                f"{vpc.id}, which admits only its own members: load balancer {lb.id} cannot "
                "reach them and the targets never become healthy",
                p.svc.network.loc,
                p.svc.id,
                path=(
                    Step(f"{p.svc.id} registers its tasks in {tg.id}", b.loc),
                    Step(f"{lst.id} of {lb.id} forwards to {tg.id}", lst.loc),
                    Step(
                        f"{lb.id} uses "
                        + (
                            f"its own groups ({', '.join(ref_ids(named)) or 'passed in'})"
                            if named
                            else "no security groups"
                        ),
                        (named or lb).loc,
                    ),
                    _no_groups(p),
                ),
                assumed=p.assumed,
                fix="Give the service a security group that admits the load balancer on the "
                "container port.",
            )
            return


def _no_egress(ctx: Context, p: Placement, default: m.SecurityGroup) -> Iterator[Finding]:
    if not default.rules_known or default.egress or ctx.net.sg_rules_open:
        return
    yield finding(
        META,
        f"{p.svc.id} names no security groups, so its tasks get the VPC default group, and "
        f"{default.id} leaves that group with no egress rule: the tasks cannot pull their "
        "image or reach anything",
        p.svc.network.loc,
        p.svc.id,
        path=(
            _no_groups(p),
            Step(
                f"{default.id} declares no egress, so Terraform removes the default one",
                default.loc,
            ),
        ),
        assumed=p.assumed,
        severity="error",
        fix="Give the service its own security group, or declare egress in the default group.",
    )


_DEFAULT_ATTRS = ("defaultsecuritygroup", "default_security_group_id")


def _names_default(groups: V) -> bool:
    """The list names the VPC's default group (`!GetAtt Vpc.DefaultSecurityGroup`,
    `aws_vpc.main.default_security_group_id`)."""
    return any(
        isinstance(g.value, Ref) and g.value.attr.lower() in _DEFAULT_ATTRS for g in groups.items()
    )


def _no_groups(p: Placement) -> Step:
    return Step(f"{p.svc.id}'s network configuration names no security groups", p.svc.network.loc)


def _open_alb(ctx: Context) -> Iterator[Finding]:
    for lb in ctx.tpl.of(m.LoadBalancer):
        if ctx.lb.kind(lb) != "application" or lb.security_groups is not None:
            continue
        if lb.internal is not None and truth(lb.internal) is not False:
            continue
        subnets = ctx.lb.subnets(lb)
        vpc = single_vpc(ctx.tpl, subnets or [])
        if vpc is None or _default_touched(ctx, vpc):
            continue
        yield finding(
            META,
            f"internet-facing load balancer {lb.id} names no security groups, so it gets the "
            f"default group of {vpc.id}, which admits only its own members: clients on the "
            "internet cannot connect",
            lb.loc,
            lb.id,
            path=(Step(f"{lb.id} is internet-facing and names no security groups", lb.loc),),
            assumed=assumptions(lb.internal),
            fix="Give the load balancer a security group that admits its listeners' ports.",
        )
