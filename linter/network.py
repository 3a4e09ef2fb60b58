"""Derived network facts, computed once per template (catalogue §0).

Every answer is YES, NO or UNKNOWN with the chain of steps that decided it.
An answer is NO only when every resource that could change it is defined in
the analysed files; anything reaching outside (parameters, imports, data
sources, modules, resources whose count is unknown) makes it UNKNOWN. Facts that
hold only under an assumption (a parameter default, an exported resource that
another stack may extend) carry that assumption, and findings say so.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from linter import model as m
from linter.findings import Step
from linter.values import Loc, V, assumptions, integer, is_unknown, ref_id, shape, text, truth

YES, NO, UNKNOWN = "yes", "no", "unknown"

# Classes of a subnet's default route (§0.4).
IGW, NAT, EXTERNAL, NONE = "igw", "nat", "external", "none"

ECR_IMAGE = re.compile(r"^(\d{12}|\*)\.dkr\.ecr(-fips)?\.[^./]+\.amazonaws\.com(\.cn)?/")
ENDPOINT_SERVICE = re.compile(r"^(?:cn\.)?com\.amazonaws\.[^.]+\.(.+)$")


@dataclass(frozen=True)
class Fact:
    answer: str
    steps: tuple[Step, ...] = ()
    assumed: tuple[str, ...] = ()
    why: str = ""  # a short reason, for messages


@dataclass(frozen=True)
class DefaultRoute:
    kind: str  # IGW, NAT, EXTERNAL, NONE or UNKNOWN
    steps: tuple[Step, ...]
    assumed: tuple[str, ...] = ()
    route: m.Route | None = None
    target: m.Resource | None = None
    route_table: m.RouteTable | None = None


def _is_cidr(v: V | None, cidr: str) -> bool:
    return text(v) == cidr


class Network:
    """Indexes a template once; answers questions about placements and subnets."""

    def __init__(self, tpl: m.Template):
        self.tpl = tpl
        self.assoc_by_subnet: dict[str, list[m.RouteTableAssociation]] = defaultdict(list)
        for a in tpl.of(m.RouteTableAssociation):
            sid = ref_id(a.subnet)
            if sid:
                self.assoc_by_subnet[sid].append(a)
        self.routes_by_table: dict[str, list[m.Route]] = defaultdict(list)
        self.routes_unplaced = False  # a route whose table we cannot tell
        for r in tpl.of(m.Route):
            rid = ref_id(r.route_table)
            if rid:
                self.routes_by_table[rid].append(r)
            elif is_unknown(r.route_table) and tpl.kind == m.TERRAFORM:
                # In CFN an unknown table is another stack's; in TF it may be one of ours.
                self.routes_unplaced = True
        self.endpoints_by_vpc: dict[str, list[m.VpcEndpoint]] = defaultdict(list)
        self.endpoints_unplaced = False
        for e in tpl.of(m.VpcEndpoint):
            vid = ref_id(e.vpc)
            if vid:
                self.endpoints_by_vpc[vid].append(e)
            else:
                self.endpoints_unplaced = True
        self.attached_igws: dict[str, set[str]] = defaultdict(set)
        for igw in tpl.of(m.InternetGateway):
            if ref_id(igw.vpc):
                self.attached_igws[igw.id].add(ref_id(igw.vpc))
        for att in tpl.of(m.GatewayAttachment):
            gid, vid = ref_id(att.gateway), ref_id(att.vpc)
            if gid and vid:
                self.attached_igws[gid].add(vid)
        self.main_tables: dict[str, m.RouteTable] = {}
        for rt in tpl.of(m.RouteTable):
            if rt.main and ref_id(rt.vpc):
                self.main_tables[ref_id(rt.vpc)] = rt
        # Per-subnet answers every rule asks for: computed once.
        self._tables: dict[str, tuple[m.RouteTable | None, str, tuple[Step, ...]]] = {}
        self._defaults: dict[str, DefaultRoute] = {}
        for a in tpl.of(m.MainRouteTableAssociation):
            vid, rt = ref_id(a.vpc), self.tpl.deref(a.route_table, m.RouteTable)
            if vid and rt:
                self.main_tables[vid] = rt

    # -- small lookups ----------------------------------------------------------------------

    def dropped(self, *types: str) -> tuple[str, ...]:
        """Assumptions under which resources of these types were left out (count = 0)."""
        return tuple(a for t in types for a in self.tpl.dropped.get(t, ()))

    def exported(self, res: m.Resource) -> tuple[str, ...]:
        if res.id in self.tpl.exported:
            return (
                f"{res.id} is shared as an output or with a nested stack, so another stack "
                "or module may extend it",
            )
        return ()

    def vpc_of(self, subnet: m.Subnet) -> m.Vpc | None:
        return self.tpl.deref(subnet.vpc, m.Vpc)

    def task_definition(self, svc: m.Service) -> m.TaskDefinition | None:
        return self.tpl.deref(svc.task_definition, m.TaskDefinition)

    @cached_property
    def cluster_strategies(self) -> dict[str, V]:
        out: dict[str, V] = {}
        for c in self.tpl.of(m.Cluster):
            if c.default_strategy is not None:
                out[c.id] = c.default_strategy
        for a in self.tpl.of(m.ClusterCapacityProviders):
            cid = ref_id(a.cluster)
            if cid and a.default_strategy is not None:
                out[cid] = a.default_strategy
        return out

    # -- placement facts (§0.3) -------------------------------------------------------------

    def launch_type(self, svc: m.Service) -> tuple[str | None, tuple[str, ...]]:
        """FARGATE, EC2 or None (unknown), with the assumptions behind it."""
        if svc.launch_type is not None:
            lt = text(svc.launch_type)
            return (lt.upper() if lt else None), svc.launch_type.assumed
        if svc.strategy is not None:
            return self._strategy_type(svc.strategy), svc.strategy.assumed
        cluster = self.tpl.deref(svc.cluster, m.Cluster)
        if cluster is None:
            return None, ()
        if "aws_ecs_cluster_capacity_providers" in self.tpl.uncertain:
            return None, ()
        strategy = self.cluster_strategies.get(cluster.id)
        if strategy is not None:
            return self._strategy_type(strategy), strategy.assumed
        # The API default for a cluster without a default strategy.
        return "EC2", self.exported(cluster)

    def _strategy_type(self, strategy: V) -> str | None:
        if not strategy.known or not isinstance(strategy.value, list) or not strategy.value:
            return None
        kinds = set()
        for item in strategy.value:
            cp = item.get("CapacityProvider") or item.get("capacity_provider")
            name = text(cp)
            if name in ("FARGATE", "FARGATE_SPOT"):
                kinds.add("FARGATE")
            elif self.tpl.deref(cp, m.CapacityProvider):
                kinds.add("EC2")
            else:
                return None
        return kinds.pop() if len(kinds) == 1 else None

    def network_mode(self, svc: m.Service) -> tuple[str | None, tuple[str, ...]]:
        td = self.task_definition(svc)
        if td is None:
            return None, ()
        return task_network_mode(td)

    def public_ip(self, svc: m.Service) -> bool | None:
        if svc.assign_public_ip is None:
            return False  # DISABLED is the API default
        return truth(svc.assign_public_ip)

    def placement_subnets(self, svc: m.Service) -> list[tuple[V, m.Subnet]]:
        """The service's subnets that are defined in scope (the others are unknown)."""
        if svc.subnets is None or not svc.subnets.known:
            return []
        out = []
        for v in svc.subnets.items():
            s = self.tpl.deref(v, m.Subnet)
            if s is not None:
                out.append((v, s))
        return out

    # -- routing facts (§0.4) -----------------------------------------------------------------

    def route_table(self, subnet: m.Subnet) -> tuple[m.RouteTable | None, str, tuple[Step, ...]]:
        """(table, status, steps): status is 'explicit', 'main' (CFN: local route only) or
        UNKNOWN."""
        if subnet.id not in self._tables:
            self._tables[subnet.id] = self._route_table(subnet)
        return self._tables[subnet.id]

    def _route_table(self, subnet: m.Subnet) -> tuple[m.RouteTable | None, str, tuple[Step, ...]]:
        assocs = self.assoc_by_subnet.get(subnet.id, [])
        if len(assocs) == 1:
            a = assocs[0]
            rt = self.tpl.deref(a.route_table, m.RouteTable)
            if rt is None:
                return None, UNKNOWN, ()
            return (
                rt,
                "explicit",
                (Step(f"{subnet.id} is associated with route table {rt.id}", a.loc),),
            )
        if assocs or "aws_route_table_association" in self.tpl.uncertain:
            return None, UNKNOWN, ()
        vpc = self.vpc_of(subnet)
        if vpc is None:
            return None, UNKNOWN, ()
        if (
            self.tpl.kind == m.TERRAFORM
            and "aws_main_route_table_association" in self.tpl.uncertain
        ):
            return None, UNKNOWN, ()
        main = self.main_tables.get(vpc.id)
        if main is not None:
            step = Step(
                f"{subnet.id} has no route table association: it uses the main table {main.id}",
                subnet.loc,
            )
            return main, "explicit", (step,)
        step = Step(
            f"{subnet.id} has no route table association: it uses the main route table of "
            f"{vpc.id}, which has only the local route",
            subnet.loc,
        )
        return None, "main", (step,)

    def default_route(self, subnet: m.Subnet) -> DefaultRoute:
        if subnet.id not in self._defaults:
            self._defaults[subnet.id] = self._default_route(subnet)
        return self._defaults[subnet.id]

    def _default_route(self, subnet: m.Subnet) -> DefaultRoute:
        rt, status, steps = self.route_table(subnet)
        assumed = self.exported(subnet) + self.dropped(*_ROUTING_TYPES)
        if status == UNKNOWN:
            return DefaultRoute(UNKNOWN, steps)
        if rt is None:  # CFN main table: only the local route
            return DefaultRoute(NONE, steps, assumed)
        assumed += self.exported(rt)
        if not rt.routes_known or self.routes_unplaced or "aws_route" in self.tpl.uncertain:
            return DefaultRoute(UNKNOWN, steps, route_table=rt)
        routes = self.routes_by_table.get(rt.id, [])
        if any(r.destination is not None and not r.destination.known for r in routes):
            return DefaultRoute(UNKNOWN, steps, route_table=rt)
        default = [r for r in routes if _is_cidr(r.destination, "0.0.0.0/0")]
        if not default:
            step = Step(f"route table {rt.id} has no 0.0.0.0/0 route", rt.loc)
            return DefaultRoute(NONE, (*steps, step), assumed, route_table=rt)
        if len(default) > 1:
            return DefaultRoute(UNKNOWN, steps, route_table=rt)
        route = default[0]
        assumed += assumptions(route.destination, route.target)
        tid = ref_id(route.target)
        target = self.tpl.resources.get(tid) if tid else None
        if isinstance(target, m.InternetGateway):
            vid = ref_id(rt.vpc)
            if vid not in self.attached_igws.get(target.id, set()):
                return DefaultRoute(UNKNOWN, steps, route=route, route_table=rt)
            step = Step(
                f"route table {rt.id} sends 0.0.0.0/0 to internet gateway {target.id}", route.loc
            )
            return DefaultRoute(IGW, (*steps, step), assumed, route, target, rt)
        if isinstance(target, m.NatGateway):
            step = Step(
                f"route table {rt.id} sends 0.0.0.0/0 to NAT gateway {target.id}", route.loc
            )
            return DefaultRoute(NAT, (*steps, step), assumed, route, target, rt)
        # Transit gateway, peering, firewall, instance... or something we cannot see.
        return DefaultRoute(
            EXTERNAL if target is not None else UNKNOWN, steps, route=route, route_table=rt
        )

    def ipv6_path(self, subnet: m.Subnet) -> bool | None:
        """Whether the subnet may have an IPv6 way out (a ::/0 route and IPv6 addresses)."""
        if subnet.ipv6_cidr is None:
            return False
        rt, status, _ = self.route_table(subnet)
        if status == UNKNOWN:
            return None
        if rt is None:
            return False
        return any(
            text(r.destination_v6) == "::/0" or is_unknown(r.destination_v6)
            for r in self.routes_by_table.get(rt.id, [])
        )

    def isolated(self, subnet: m.Subnet) -> m.Vpc | None:
        """The subnet's VPC when nothing else leads out of it: no IPv6 way out, and a
        VPC defined in scope with no endpoints at all. None when that is not certain."""
        if self.ipv6_path(subnet) is not False:
            return None
        vpc = self.vpc_of(subnet)
        if vpc is None or self.endpoints(vpc) != []:
            return None
        return vpc

    def isolation_assumed(self, vpc: m.Vpc) -> tuple[str, ...]:
        return self.exported(vpc) + self.dropped("aws_vpc_endpoint")

    def endpoints(self, vpc: m.Vpc) -> list[m.VpcEndpoint] | None:
        """The VPC's endpoints, or None when others may exist that we cannot place."""
        if self.endpoints_unplaced or "aws_vpc_endpoint" in self.tpl.uncertain:
            return None
        return self.endpoints_by_vpc.get(vpc.id, [])

    def internet_egress(
        self, svc: m.Service, subnet: m.Subnet, launch: str, mode: str | None
    ) -> tuple[Fact, DefaultRoute]:
        """InternetEgress4(P, s) of §0.4."""
        d = self.default_route(subnet)
        if d.kind == NONE:
            return Fact(NO, d.steps, d.assumed, "no default route"), d
        if d.kind == IGW:
            public = self.public_ip(svc)
            if launch == "FARGATE" and public is True:
                return Fact(YES, d.steps, d.assumed), d
            if launch == "FARGATE" and public is False:
                where = svc.assign_public_ip.loc if svc.assign_public_ip else svc.loc
                step = Step(
                    "the tasks get no public IP (AssignPublicIp is DISABLED or omitted)", where
                )
                return Fact(
                    NO,
                    (*d.steps, step),
                    d.assumed + assumptions(svc.assign_public_ip),
                    "no public IP",
                ), d
            if launch == "EC2" and mode == "awsvpc":
                step = Step(
                    "awsvpc task ENIs on the EC2 launch type never get a public IP", svc.loc
                )
                return Fact(NO, (*d.steps, step), d.assumed, "no public IP on EC2"), d
            return Fact(UNKNOWN, d.steps), d
        if d.kind == NAT:
            nat = d.target
            conn = text(nat.connectivity) if nat.connectivity is not None else "public"
            if conn == "private":
                step = Step(
                    f"NAT gateway {nat.id} is private: it cannot reach the internet", nat.loc
                )
                return Fact(NO, (*d.steps, step), d.assumed, "private NAT"), d
            nat_subnet = self.tpl.deref(nat.subnet, m.Subnet)
            if nat_subnet is not None and self.default_route(nat_subnet).kind == IGW:
                return Fact(YES, d.steps, d.assumed), d
            return Fact(UNKNOWN, d.steps), d
        return Fact(UNKNOWN, d.steps), d

    # -- security groups ------------------------------------------------------------------------

    def security_group(self, v: V) -> m.SecurityGroup | None:
        return self.tpl.deref(v, m.SecurityGroup)

    def sg_admits(
        self,
        groups: list[m.SecurityGroup],
        port: int,
        sources: set[str],
        source_cidrs: list[str | None],
    ) -> tuple[str, m.SgRule | None]:
        """Whether the union of the groups' ingress admits TCP `port` from a task whose
        SGs are `sources` and whose subnet CIDRs are `source_cidrs` (None: unknown)."""
        answer = NO
        for sg in groups:
            if not sg.rules_known:
                return UNKNOWN, None
            for rule in sg.ingress:
                verdict = _rule_admits(rule, sg.id, port, sources, source_cidrs)
                if verdict == YES:
                    return YES, rule
                if verdict == UNKNOWN:
                    answer = UNKNOWN
        if any(t in self.tpl.uncertain for t in _SG_RULE_TYPES):
            return UNKNOWN, None
        return answer, None


_ROUTING_TYPES = (
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_default_route_table",
    "aws_nat_gateway",
    "aws_internet_gateway",
)
_SG_RULE_TYPES = (
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_security_group",
)


def _rule_admits(
    rule: m.SgRule, owner: str, port: int, sources: set[str], cidrs: list[str | None]
) -> str:
    proto = text(rule.protocol)
    if proto is None:
        return UNKNOWN
    proto = proto.lower()
    if proto not in ("-1", "all", "tcp", "6"):
        return NO
    if proto not in ("-1", "all"):
        lo, hi = integer(rule.from_port), integer(rule.to_port)
        if lo is None or hi is None:
            return UNKNOWN
        if not lo <= port <= hi:
            return NO
    if rule.self_ref:
        return YES if owner in sources else NO
    answer = NO
    if rule.peer_group is not None:
        for g in rule.peer_group.items():
            rid = ref_id(g)
            if rid in sources:
                return YES
            if rid is None:
                answer = UNKNOWN
        if not rule.peer_group.known:
            answer = UNKNOWN
    if rule.cidr is not None:
        if not rule.cidr.known:
            return UNKNOWN
        for c in rule.cidr.items():
            verdict = _cidr_covers(shape(c) if c.known else None, cidrs)
            if verdict == YES:
                return YES
            if verdict == UNKNOWN:
                answer = UNKNOWN
    if rule.prefix_list is not None:
        answer = UNKNOWN if answer == NO else answer
    return answer


def _cidr_covers(rule_cidr: str | None, cidrs: list[str | None]) -> str:
    if rule_cidr is None:
        return UNKNOWN
    try:
        net = ipaddress.ip_network(rule_cidr, strict=False)
    except ValueError:
        return UNKNOWN
    if net.prefixlen == 0 and net.version == 4:
        return YES
    if not cidrs or any(c is None for c in cidrs):
        return UNKNOWN
    try:
        return (
            YES if all(ipaddress.ip_network(c, strict=False).subnet_of(net) for c in cidrs) else NO
        )
    except (ValueError, TypeError):
        return UNKNOWN


# -- task-definition facts --------------------------------------------------------------------


def task_network_mode(td: m.TaskDefinition) -> tuple[str | None, tuple[str, ...]]:
    """The effective network mode: omitted means bridge (Linux)."""
    if td.network_mode is None:
        return "bridge", ()
    mode = text(td.network_mode)
    return (mode.lower() if mode else None), td.network_mode.assumed


def needs(td: m.TaskDefinition, exec_on: bool) -> dict[str, Loc]:
    """Interface-endpoint services the tasks call, each with the line that needs it."""
    out: dict[str, Loc] = {}
    for c in td.containers or ():
        img = shape(c.image)
        if img and ECR_IMAGE.match(img):
            out.setdefault("ecr.api", c.image.loc)
            out.setdefault("ecr.dkr", c.image.loc)
        if text(c.log_driver) == "awslogs":
            out.setdefault("logs", c.log_driver.loc)
        for s in (*c.secrets, *([c.credentials] if c.credentials else [])):
            ref = shape(s) or ""
            if ref.startswith("arn:") and ":secretsmanager:" in ref:
                out.setdefault("secretsmanager", s.loc)
            elif ":ssm:" in ref or (s.known and not ref.startswith("arn:")):
                out.setdefault("ssm", s.loc)
    if exec_on:
        out.setdefault("ssmmessages", td.loc)
    return out


def endpoint_service(ep: m.VpcEndpoint) -> str | None:
    """`ecr.dkr` for com.amazonaws.<region>.ecr.dkr (region may be unknown)."""
    name = shape(ep.service)
    if not name:
        return None
    match = ENDPOINT_SERVICE.match(name)
    return match.group(1) if match else None


def subnet_cidrs(subnets: list[m.Subnet]) -> list[str | None]:
    return [text(s.cidr) for s in subnets]
