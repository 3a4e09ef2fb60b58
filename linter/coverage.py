"""What a run could decide: for every service, task set and scheduled task, whether the
facts the rules read were all known, and if not, the construct that hid them.

Rules stay silent on unknowns (ARCHITECTURE.md, three-valued logic); without this a
silent run could mean "checked" or "blind". Each blind spot names what could not be
seen and where ("the subnets: output of module vpc (registry module ... is not
downloaded: run terraform init)"), so a team can pass a value, download a module, or
require full coverage with `--fail-on-undecided`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter import grants
from linter import model as m
from linter.addresses import NO, UNKNOWN
from linter.network import _NACL_TYPES, _SG_RULE_TYPES, endpoint_service
from linter.reach import ECR_IMAGE, Reach
from linter.rulekit import Context, Placement
from linter.values import Loc, V, is_unknown, ref_id, shape, text, unset

_KINDS = {
    "AWS::ECS::Service": "service",
    "aws_ecs_service": "service",
    "AWS::ECS::TaskSet": "task set",
    "aws_ecs_task_set": "task set",
}


@dataclass(frozen=True)
class Blind:
    """Something a verdict needed and could not see, and where it is written."""

    what: str
    loc: Loc


@dataclass(frozen=True)
class Coverage:
    """One launcher: decided when nothing it rests on was unknown."""

    id: str
    kind: str  # service, task set or scheduled task
    loc: Loc
    blinds: tuple[Blind, ...] = ()

    @property
    def decided(self) -> bool:
        return not self.blinds


def assess(ctx: Context) -> list[Coverage]:
    out = []
    for p in ctx.placements:
        blinds = tuple(dict.fromkeys(_blinds(ctx, p)))  # in order, each once
        out.append(Coverage(p.svc.id, kind_of(p.svc), p.svc.loc, blinds))
    return out


def kind_of(svc: m.Service) -> str:
    return _KINDS.get(svc.type, "scheduled task")


def unseen(tpl: m.Template) -> list[Blind]:
    """What the unit could not see at all (modules not downloaded, ...)."""
    return [Blind(what, loc) for what, loc in tpl.blind]


def _at(v: V | None, fallback: Loc) -> Loc:
    return v.loc if v is not None else fallback


def _blinds(ctx: Context, p: Placement) -> Iterator[Blind]:
    tpl, net, svc, td = ctx.tpl, ctx.net, p.svc, p.td
    if td is None:
        why = tpl.why_unknown(svc.task_definition, "the task definition")
        yield Blind(why or "the task definition is not known", _at(svc.task_definition, svc.loc))
    elif td.containers is None:
        why = f"the container definitions: {td.containers_why or 'not known'}"
        yield Blind(why, td.containers_loc or td.loc)
    else:
        for c in td.containers:
            image = shape(c.image)
            open_ = image is None or "*" in image
            # A private ECR image needs the same endpoints whatever its repository or tag.
            if c.image is not None and open_ and not ECR_IMAGE.match(image or ""):
                why = c.image.value.reason if is_unknown(c.image) else "not known"
                yield Blind(f"the image of container {text(c.name)}: {why}", c.image.loc)
    yield from _roles(ctx, p)
    yield from _balancers(ctx, p)
    if p.launch is None:
        yield _launch(ctx, p)
    if td is not None and p.mode is None:
        why = tpl.why_unknown(td.network_mode, "the network mode") or "the network mode"
        yield Blind(why, _at(td.network_mode, td.loc))
    if p.mode in ("bridge", "host") and p.launch != "FARGATE":
        yield Blind(
            f"network mode {p.mode}: the tasks use the container instance's network, "
            "which fargate-lint does not model yet",
            _at(td.network_mode if td else None, svc.loc),
        )
    if p.mode != "awsvpc" and p.launch != "FARGATE":
        return
    if svc.subnets is None:
        return  # no network configuration: a deploy error other rules report
    why = tpl.why_unknown(svc.subnets, "the subnets")
    if why:
        yield Blind(why, svc.subnets.loc)
    reach = ctx.reach(p)
    for sr in reach.subnets:
        if sr.egress.answer == UNKNOWN:
            b = sr.egress.blind
            yield (
                Blind(b.message, b.loc)
                if b
                else Blind(f"the way out of {sr.subnet.id}", sr.subnet.loc)
            )
        if sr.egress.answer == NO and net.vpc_of(sr.subnet) is None:
            # No way out, and which endpoints could serve the tasks is not known.
            why = tpl.why_unknown(sr.subnet.vpc, f"the VPC of {sr.subnet.id}")
            yield Blind(why or f"the VPC of {sr.subnet.id}", _at(sr.subnet.vpc, sr.subnet.loc))
        entries, *_ = net.nacl(sr.subnet)
        if entries is None:
            yield Blind(_nacl_why(tpl, sr.subnet), sr.subnet.loc)
    if svc.security_groups is not None:
        why = tpl.why_unknown(svc.security_groups, "the security groups")
        if why:
            yield Blind(why, svc.security_groups.loc)
    if net.sg_rules_open:
        why = tpl.uncertain_why(*_SG_RULE_TYPES) or "a security group rule's group is not known"
        yield Blind(f"security group rules: {why}", svc.loc)
    yield from _handed(ctx, p, reach)
    if reach.vpc is not None and any(sr.endpoint_only for sr in reach.subnets):
        why = _endpoints_why(ctx, reach.vpc)
        if why:
            yield Blind(why, reach.vpc.loc)


def _roles(ctx: Context, p: Placement) -> Iterator[Blind]:
    """A role the tasks' calls need that is not in scope, or whose policies are not all
    known: its permissions are not checked (a role left out is FG001's or FG080's)."""
    td = p.td
    if td is None or not td.containers:
        return
    calls = grants.calls(ctx.tpl, td, p.launch == "FARGATE", [p.svc])
    for kind in dict.fromkeys(c.role for c in calls if c.identity):
        v = getattr(td, grants.ROLE_FIELD[kind])
        if unset(v):
            continue  # left out: FG001's or FG080's
        role = ctx.roles.role(v)
        if role is None:
            why = ctx.tpl.why_unknown(v, f"the {kind} role") or f"the {kind} role"
            yield Blind(f"{why} (its permissions are not checked)", v.loc)
            continue
        perms = ctx.roles.permissions(role)
        for src in perms.sources:
            if src.document is None or not src.document.known:
                yield Blind(f"the policies of {role.id}: {src.label} is not known", src.loc)
        if perms.open:
            yield Blind(f"the policies of {role.id}: {perms.open[0]}", role.loc)


def _balancers(ctx: Context, p: Placement) -> Iterator[Blind]:
    """A load-balancer binding whose target group, or the listeners forwarding to it,
    cannot be seen: its path from the load balancer is not checked."""
    if not p.svc.load_balancers_known:
        yield Blind("the load balancers of the service are not known", p.svc.loc)
    for b in p.svc.load_balancers:
        if b.target_group is None:
            continue  # a Classic Load Balancer: FG032 says what it can
        tg = ctx.lb.target_group(b)
        if tg is None:
            why = ctx.tpl.why_unknown(b.target_group, "the target group") or "the target group"
            yield Blind(f"{why} (its load-balancer path is not checked)", b.target_group.loc)
            continue
        found, why = ctx.lb.forwarders(tg)
        if found is None:
            yield Blind(f"the listeners of {tg.id}: {why}", tg.loc)


def _handed(ctx: Context, p: Placement, reach: Reach) -> Iterator[Blind]:
    """A module that was not read but was handed the tasks' VPC, subnets, route tables
    or security groups may add the route, endpoint or rule a verdict turns on."""
    tpl, net = ctx.tpl, ctx.net
    if not tpl.handed:
        return
    mine = [reach.vpc] if reach.vpc is not None else []
    for sr in reach.subnets:
        mine.append(sr.subnet)
        table, _, _ = net.route_table(sr.subnet)
        mine += [table] if table is not None else []
    mine += net.security_groups(p.svc.security_groups) or []
    for res in mine:
        if res.id in tpl.handed:
            module = tpl.handed[res.id]
            yield Blind(f"{res.id} is handed to {module}, which was not read", res.loc)


def _launch(ctx: Context, p: Placement) -> Blind:
    tpl, svc = ctx.tpl, p.svc
    if not unset(svc.launch_type):
        return Blind(tpl.why_unknown(svc.launch_type, "the launch type"), svc.launch_type.loc)
    if svc.strategy is not None:
        return Blind("the capacity provider strategy is not known", svc.strategy.loc)
    if tpl.deref(svc.cluster, m.Cluster) is None:
        why = tpl.why_unknown(svc.cluster, "the cluster (its capacity providers)")
        return Blind(why or "the cluster is not known", _at(svc.cluster, svc.loc))
    return Blind("the cluster's default capacity provider strategy is not known", svc.loc)


def _nacl_why(tpl: m.Template, subnet: m.Subnet) -> str:
    unsure = tpl.uncertain_why(*_NACL_TYPES)
    if unsure:
        return f"network ACLs: {unsure}"
    return f"the network ACL of {subnet.id} is not known"


def _endpoints_why(ctx: Context, vpc: m.Vpc) -> str:
    tpl, net = ctx.tpl, ctx.net
    unsure = tpl.uncertain_why("aws_vpc_endpoint")
    if unsure:
        return f"VPC endpoints: {unsure}"
    for e in tpl.of(m.VpcEndpoint):
        if not ref_id(e.vpc):
            return tpl.why_unknown(e.vpc, f"the VPC of endpoint {e.id}")
    for e in net.endpoints(vpc) or ():
        if endpoint_service(e) is None:
            shown = e.service.value.reason if is_unknown(e.service) else "not given"
            return f"the service of endpoint {e.id}: {shown}"
    return ""
