"""What rules share: the context they read and one way to build a finding."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from linter import endpoint_policies, grants, reach
from linter import model as m
from linter.endpoint_policies import Denial
from linter.findings import Finding, RuleMeta, Step
from linter.grants import Lack
from linter.iam import DENIES, ELSEWHERE, Roles, deciding_steps
from linter.ipv6 import ipv6_only
from linter.lb import Balancing, InstanceFlow, LbFlow
from linter.nacl import EPHEMERAL, NaclVerdict, allows_anything, decide
from linter.network import NO, DefaultRoute, Fact, Network, endpoint_service
from linter.reach import Reach
from linter.secgroups import describe
from linter.values import Loc, V, assumptions, ref_ids, text, truth


@dataclass
class Context:
    tpl: m.Template

    @cached_property
    def net(self) -> Network:
        return Network(self.tpl)

    @cached_property
    def placements(self) -> list[Placement]:
        net = self.net
        out = []
        for svc in self.tpl.of(m.Service):
            td = net.task_definition(svc)
            launch, a1 = net.launch_type(svc)
            mode, a2 = net.network_mode(svc)
            cond = (f"condition {svc.condition} holds",) if svc.condition else ()
            # Which subnets the tasks use may rest on a default (coalescelist, try); how
            # many there are (a counted subnet) changes no verdict on each.
            subs = svc.subnets
            a3 = assumptions(*(subs.items() if subs is not None and subs.known else ()))
            a4 = assumptions(svc.task_definition)  # e.g. a revision chosen elsewhere
            assumed = tuple(dict.fromkeys(a1 + a2 + cond + a3 + a4))
            out.append(Placement(svc, td, launch, mode if td is not None else None, assumed))
        return out

    def reach(self, p: Placement) -> Reach:
        """What the placement's tasks need and how each subnet serves it (computed once)."""
        if p.svc.id not in self._reach:
            self._reach[p.svc.id] = reach.analyse(self.net, p.svc, p.td, p.launch, p.mode)
        return self._reach[p.svc.id]

    @cached_property
    def _reach(self) -> dict[str, Reach]:
        return {}

    @cached_property
    def lb(self) -> Balancing:
        return Balancing(self.tpl, self.net)

    @cached_property
    def lb_flows(self) -> list[tuple[Placement, LbFlow]]:
        """Load balancer -> awsvpc task flows; four rules read them: computed once."""
        return list(self.lb.flows(self.placements))

    @cached_property
    def instance_flows(self) -> list[tuple[Placement, InstanceFlow]]:
        """Load balancer -> container instance flows (bridge, host): computed once."""
        return list(self.lb.instance_flows(self.placements))

    @cached_property
    def roles(self) -> Roles:
        return Roles(self.tpl)

    @cached_property
    def lacks(self) -> list[Lack]:
        """Calls a task's role in scope certainly does not allow (FG002, FG006,
        FG082–FG085 read them): computed once per template."""
        return list(grants.lacks(self.tpl, self.roles, self.placements))

    @cached_property
    def denials(self) -> list[Denial]:
        """Calls an endpoint policy on the tasks' way does not let through (FG073, FG074)."""
        return list(endpoint_policies.denials(self))

    @cached_property
    def nacl_blocks(self) -> list[NaclBlock]:
        """Every (placement, task subnet, direction, peer) whose NACL drops a required
        flow: TCP 443 out to the peer, and the response back in on the task's ephemeral
        ports. Three rules read them: computed once per template."""
        return list(_nacl_blocks(self))


@dataclass(frozen=True)
class Placement:
    """A launcher (service, task set, scheduled task) with its resolved facts."""

    svc: m.Service
    td: m.TaskDefinition | None
    launch: str | None  # FARGATE / EC2 / None (unknown)
    mode: str | None  # network mode, None when the task definition is out of scope
    assumed: tuple[str, ...]

    @property
    def mode_step(self) -> Step:
        """Where the task definition sets its network mode (or is, when it leaves it out)."""
        td = self.td
        return Step(f"{td.id} uses {self.mode} network mode", (td.network_mode or td).loc)

    @property
    def where(self) -> Loc:
        """Network findings point at the subnets line (else the network block, the service)."""
        for v in (self.svc.subnets, self.svc.network):
            if v is not None:
                return v.loc
        return self.svc.loc


def placements(ctx: Context) -> Iterator[Placement]:
    yield from ctx.placements


def bound(ctx: Context) -> Iterator[tuple[Placement, m.LoadBalancerBinding, m.TargetGroup]]:
    """Each load-balancer binding of a placement whose target group is defined here."""
    for p in ctx.placements:
        for b in p.svc.load_balancers:
            tg = ctx.lb.target_group(b)
            if tg is not None:
                yield p, b, tg


def with_exec(ctx: Context) -> Iterator[Placement]:
    """The placements with ECS Exec turned on (`EnableExecuteCommand: true`)."""
    return (p for p in ctx.placements if truth(p.svc.exec_enabled) is True)


def subnet_egress(ctx: Context, p: Placement) -> Iterator[tuple[V, m.Subnet, Fact, DefaultRoute]]:
    """For each subnet of the placement defined in scope: its internet egress and default
    route (the scheduler spreads tasks, so every subnet counts)."""
    for ref, subnet in ctx.net.placement_subnets(p.svc):
        fact, route = ctx.net.internet_egress(p.svc, subnet, p.launch or "", p.mode)
        yield ref, subnet, fact, route


@dataclass(frozen=True)
class Stranded:
    """A Fargate task subnet with no internet egress, in a VPC with no interface endpoints
    and no IPv6 way out: nothing at all leads out. FG010, FG011 and FG060 each name one root
    cause (no default route, an IGW without public IP, the main route table)."""

    placement: Placement
    ref: V  # where the placement names the subnet
    subnet: m.Subnet
    egress: Fact
    route: DefaultRoute
    vpc: m.Vpc
    path: tuple[Step, ...]
    assumed: tuple[str, ...]
    endpoints: str  # what the VPC has instead: "no endpoints", "only gateway endpoints..."


def stranded(ctx: Context) -> Iterator[Stranded]:
    net = ctx.net
    for p in ctx.placements:
        if p.launch != "FARGATE":
            continue
        for ref, subnet, egress, route in subnet_egress(ctx, p):
            if egress.answer != NO or ipv6_only(subnet):
                continue  # an IPv6-only subnet never had an IPv4 way out: FG063's
            vpc = net.isolated(subnet)
            if vpc is None:
                continue
            gateways = net.gateway_endpoints_only(vpc)
            has = f"only gateway endpoints ({', '.join(gateways)})" if gateways else "no endpoints"
            path = (
                Step(f"{p.svc.id} places tasks in subnet {subnet.id}", ref.loc),
                *egress.steps,
                Step(f"VPC {vpc.id} has {'no VPC endpoints' if not gateways else has}", vpc.loc),
            )
            assumed = p.assumed + egress.assumed + net.isolation_assumed(vpc)
            yield Stranded(p, ref, subnet, egress, route, vpc, path, assumed, has)


def sg_explained(
    net: Network, groups: list[m.SecurityGroup], direction: str
) -> tuple[list[Step], list[str]]:
    """What each group lets through in one direction, and the assumptions that another
    stack may add rules to it (exported groups)."""
    verb = "admits" if direction == "ingress" else "allows"
    steps = [Step(f"security group {g.id} {verb} {describe(g, direction)}", g.loc) for g in groups]
    return steps, [a for g in groups for a in net.exported(g)]


def finding(
    meta: RuleMeta,
    message: str,
    loc: Loc,
    resource: str,
    path: tuple[Step, ...] = (),
    assumed: tuple[str, ...] = (),
    severity: str | None = None,
    fix: str = "",
) -> Finding:
    """A finding; one resting on assumptions is downgraded from error and says why (§0.1)."""
    sev = severity or meta.severity
    assumed = tuple(dict.fromkeys(assumed))
    if assumed:
        if sev == "error":
            sev = "warning"
        message = f"{message} (assuming {'; '.join(assumed)})"
    return Finding(meta.id, sev, message, loc, resource, path, fix)


def lack_finding(
    meta: RuleMeta, lacks: list[Lack], consequence: str, fix: str, severity: str | None = None
) -> Finding:
    """A role that does not allow what its task needs (one need, possibly several calls):
    at the task definition's role property, explained down to the statement (or its
    absence) that decides."""
    first = lacks[0]
    call, td, role = first.call, first.td, first.role
    missing = [(a, v) for lack in lacks for a, v in lack.missing]
    actions = ", ".join(dict.fromkeys(a for a, _ in missing))
    implicit = [a for a, v in missing if v.deciding is None]
    named = getattr(td, grants.ROLE_FIELD[call.role])
    steps = [
        Step(f"{call.what} needs {actions} (here)", call.loc),
        Step(f"task definition {td.id} uses {role.id} as its {call.role} role", named.loc),
        *(s for _, v in missing for s in v.steps),
        *deciding_steps(missing),
    ]
    if implicit:
        steps.append(Step(f"no statement of them allows {', '.join(implicit)}", role.loc))
    if any(v.deciding is not None and v.deciding.how == DENIES for _, v in missing):
        fix = f"A Deny statement blocks it: narrow or remove it. {fix}"
    return finding(
        meta,
        f"the {call.role} role {role.id} of {td.id} does not allow {actions} for "
        f"{call.what}: {consequence}",
        named.loc,
        td.id,
        path=tuple(dict.fromkeys(steps)),
        assumed=tuple(a for _, v in missing for a in v.assumed),
        severity=severity,
        fix=fix,
    )


def denial_findings(
    ctx: Context, meta: RuleMeta, consequences: dict[str, str], fix: str
) -> Iterator[Finding]:
    """One finding per (launcher, endpoint) whose policy stops calls of the services
    `consequences` names: at the policy, explained from the task's subnet to the
    deciding statement."""
    groups: dict[tuple[str, str], list[Denial]] = {}
    for d in ctx.denials:
        if d.flow.need.service in consequences:
            groups.setdefault((d.placement.svc.id, d.endpoint.id), []).append(d)
    for group in groups.values():
        d = group[0]
        p, ep, sr = d.placement, d.endpoint, d.subnet
        actions = ", ".join(dict.fromkeys(x.action for x in group))
        who = {x.role.id if x.role else f"the {x.call.role} role" for x in group}
        needs: dict[tuple[str, Loc], list[str]] = {}
        decided: dict[tuple[str, Loc], list[str]] = {}
        for x in group:
            needs.setdefault((x.call.what, x.call.loc), []).append(x.action)
            if x.decision.loc is not None:
                how = (DENIES, x.decision.loc)
            elif x.decision.near is not None:
                how = (ELSEWHERE, x.decision.near)
            else:
                how = ("no statement allows", ep.policy.loc)
            decided.setdefault(how, []).append(x.action)
        steps = [
            Step(f"{p.svc.id} places tasks in subnet {sr.subnet.id}", sr.ref.loc),
            *d.flow.steps,
            *(Step(f"{what} needs {', '.join(a)} (here)", loc) for (what, loc), a in needs.items()),
        ]
        for (how, loc), acts in decided.items():
            steps.append(Step(f"the policy of {ep.id}: {how} {', '.join(acts)}", loc))
        yield finding(
            meta,
            f"the policy of endpoint {ep.id} does not let {', '.join(sorted(who))} call "
            f"{actions} for the tasks of {p.svc.id}: "
            + consequences[d.flow.need.service].format(what=d.call.what),
            ep.policy.loc,
            ep.id,
            path=tuple(dict.fromkeys(steps)),
            assumed=p.assumed + sr.egress.assumed,
            fix=fix,
        )


def lacks_by_need(ctx: Context, rule: str) -> list[list[Lack]]:
    """The lacks a role rule reports, one group per need (an image needs both the ECR
    token and the pull actions): those on the wrong role are FG085's."""
    groups: dict[tuple, list[Lack]] = {}
    for lack in ctx.lacks:
        if lack.call.rule == rule and lack.other is None:
            key = (lack.td.id, lack.call.role, lack.call.what, lack.call.loc)
            groups.setdefault(key, []).append(lack)
    return list(groups.values())


def endpoint_gaps(
    ctx: Context,
    meta: RuleMeta,
    services: tuple[str, ...],
    consequence: str,
    fix: str,
    reasons: tuple[str, ...] = (reach.MISSING,),
) -> Iterator[Finding]:
    """One finding per placement whose endpoint-only subnets leave some of `services`
    unserved for one of `reasons` (FG005, FG012, FG013, FG015, FG016, FG072)."""
    for p in ctx.placements:
        r = ctx.reach(p)
        hits = [
            (sr, g)
            for sr in r.subnets
            for g in sr.gaps
            if g.need.service in services and g.reason in reasons
        ]
        if not hits or r.vpc is None:
            continue
        sr = hits[0][0]
        wanted = list(dict.fromkeys(g.need.service for _, g in hits))
        needs = {g.need.service: g.need for _, g in hits}
        subnets = list(dict.fromkeys(s.subnet.id for s, _ in hits))
        have = sorted({svc for e in ctx.net.endpoints(r.vpc) or () if (svc := endpoint_service(e))})
        steps = [
            Step(f"{p.svc.id} places tasks in subnet {sr.subnet.id}", sr.ref.loc),
            *sr.egress.steps,
            *(Step(f"{n.why} needs {n.service} (here)", n.loc) for n in needs.values()),
        ]
        for _, g in hits:
            for e in g.endpoints:
                steps.append(Step(_gap_text(g, e), e.loc))
        steps.append(
            Step(f"VPC {r.vpc.id} has endpoints for {', '.join(have) or 'nothing'}", r.vpc.loc)
        )
        where = "subnet " + subnets[0] if len(subnets) == 1 else f"subnets {', '.join(subnets)}"
        missing = " or ".join(wanted)
        yield finding(
            meta,
            f"tasks of {p.svc.id} in {where} have no internet egress ({sr.egress.why}) and "
            f"no usable {missing} endpoint: {consequence}",
            p.where,
            p.svc.id,
            path=tuple(dict.fromkeys(steps)),
            assumed=p.assumed + sr.egress.assumed + r.assumed,
            fix=fix,
        )


def _gap_text(g: reach.Gap, e: m.VpcEndpoint) -> str:
    if g.reason == reach.UNROUTED:
        return f"gateway endpoint {e.id} is not on the subnets' route tables"
    if g.reason == reach.INTERFACE_S3:
        return f"{e.id} is an S3 interface endpoint without private DNS: ECR cannot use it"
    return f"endpoint {e.id} exists but is not usable"


@dataclass(frozen=True)
class NaclBlock:
    """A required flow one direction of a subnet's NACL drops."""

    placement: Placement
    subnet: m.Subnet
    acl: m.NetworkAcl
    egress: bool  # the request leaving (True) or the response coming back (False)
    flow: reach.Flow
    verdict: NaclVerdict
    steps: tuple[Step, ...]  # how the subnet gets its NACL
    assumed: tuple[str, ...]


def _nacl_blocks(ctx: Context) -> Iterator[NaclBlock]:
    # A verdict depends on the NACL, the direction and the peer (a peer's label names it):
    # placements that share subnets and endpoints ask the same questions.
    verdicts: dict[tuple[str, bool, str], NaclVerdict] = {}
    subnets_of: dict[str, frozenset[str]] = {}
    for p in ctx.placements:
        for sr in ctx.reach(p).subnets:
            entries, acl, steps, assumed = ctx.net.nacl(sr.subnet)
            if entries is None or acl is None:
                continue  # unknown, or AWS's default NACL (allows everything)
            seen: set[tuple[bool, str]] = set()
            for flow in sr.flows:
                if flow.via == reach.ENDPOINT and _same_subnet(
                    flow.endpoint, sr.subnet, subnets_of
                ):
                    continue  # traffic within a subnet never meets its NACL
                for egress, ports in ((True, (443, 443)), (False, EPHEMERAL)):
                    key = (egress, flow.peer.label)
                    if key in seen:
                        continue
                    seen.add(key)
                    asked = (acl.id, egress, flow.peer.label)
                    if asked not in verdicts:
                        verdicts[asked] = decide(entries, egress, ports, flow.peer)
                    verdict = verdicts[asked]
                    if verdict.answer == NO:
                        yield NaclBlock(p, sr.subnet, acl, egress, flow, verdict, steps, assumed)


def _same_subnet(
    ep: m.VpcEndpoint | None, subnet: m.Subnet, subnets_of: dict[str, frozenset[str]]
) -> bool:
    if ep is None or ep.subnets is None:
        return False
    if ep.id not in subnets_of:
        subnets_of[ep.id] = frozenset(ref_ids(ep.subnets))
    return subnet.id in subnets_of[ep.id]


def nacl_path(b: NaclBlock) -> tuple[Step, ...]:
    """The explanation of a NACL block: the need, the subnet's NACL, the deciding entry."""
    flow, v = b.flow, b.verdict
    what = "outbound tcp/443 to" if b.egress else "inbound return traffic from"
    if v.entry is not None:
        decided = Step(
            f"entry {text(v.entry.number)} ({text(v.entry.action)}) drops {what} {flow.peer.label}",
            v.entry.loc,
        )
    else:
        decided = Step(f"no entry of {b.acl.id} allows {what} {flow.peer.label}", b.acl.loc)
    return (
        Step(f"{flow.need.why} needs {flow.need.service} (here)", flow.need.loc),
        Step(f"{b.placement.svc.id} places tasks in subnet {b.subnet.id}", b.subnet.loc),
        *b.steps,
        decided,
    )


def missing_allows(ctx: Context, egress: bool) -> Iterator[list[NaclBlock]]:
    """FG050/FG051's share of the blocks, one group per (placement, NACL) for one
    direction: drops for want of an allow entry. A NACL that allows nothing in that
    direction, and drops by a deny shadowing an allow, are FG053's."""
    groups: dict[tuple[str, str], list[NaclBlock]] = {}
    for b in ctx.nacl_blocks:
        if b.egress == egress and b.verdict.shadowed is None:
            groups.setdefault((b.placement.svc.id, b.acl.id), []).append(b)
    for group in groups.values():
        if allows_anything(ctx.net.nacl_entries.get(group[0].acl.id, []), egress):
            yield group


def labels(group: list[NaclBlock]) -> tuple[str, str]:
    """(peers, services) of a group of blocks, for one message."""
    peers = ", ".join(dict.fromkeys(b.flow.peer.label for b in group))
    return peers, ", ".join(dict.fromkeys(b.flow.need.service for b in group))
