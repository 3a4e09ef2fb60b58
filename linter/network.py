"""Derived network facts, computed once per template (catalogue §0).

Every answer is YES, NO or UNKNOWN with the chain of steps that decided it.
An answer is NO only when every resource that could change it is defined in
the analysed files; anything reaching outside (parameters, imports, data
sources, modules, resources whose count is unknown) makes it UNKNOWN. Facts that
hold only under an assumption (a parameter default, an exported resource that
another stack may extend) carry that assumption, and findings say so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from linter import model as m
from linter.addresses import NO, UNKNOWN, YES, Peer, everywhere6
from linter.budget import spend
from linter.findings import Step
from linter.secgroups import SgVerdict, admits
from linter.values import V, assumptions, is_unknown, ref_id, shape, text, truth, unset

__all__ = ["NO", "UNKNOWN", "YES", "Network", "Peer"]

# Classes of a subnet's default route (§0.4).
IGW, NAT, EXTERNAL, NONE = "igw", "nat", "external", "none"
DETACHED = "detached"  # an internet gateway not attached to the table's VPC
# How a subnet gets its route table.
ASSOCIATED, MAIN = "associated", "main"

ENDPOINT_SERVICE = re.compile(r"^(?:cn\.)?com\.amazonaws\.[^.]+\.(.+)$")


@dataclass(frozen=True)
class Fact:
    answer: str
    steps: tuple[Step, ...] = ()
    assumed: tuple[str, ...] = ()
    why: str = ""  # a short reason, for messages
    blind: Step | None = None  # UNKNOWN: what could not be seen, and where (coverage)


@dataclass(frozen=True)
class DefaultRoute:
    kind: str  # IGW, NAT, EXTERNAL, NONE or UNKNOWN
    steps: tuple[Step, ...]
    assumed: tuple[str, ...] = ()
    route: m.Route | None = None
    target: m.Resource | None = None
    route_table: m.RouteTable | None = None
    blind: Step | None = None  # UNKNOWN: what could not be seen, and where (coverage)


def _is_cidr(v: V | None, cidr: str) -> bool:
    return text(v) == cidr


class Network:
    """Indexes a template once; answers questions about placements and subnets."""

    def __init__(self, tpl: m.Template):
        self.tpl = tpl
        # reach.endpoint_peer by (endpoint, service): asked for every placement and subnet
        self.peers: dict[tuple[str, str], Peer] = {}
        self.assoc_by_subnet: dict[str, list[m.RouteTableAssociation]] = defaultdict(list)
        # TF: an association whose subnet we cannot tell may be any of ours.
        self.assoc_unplaced: m.RouteTableAssociation | None = None
        for a in tpl.of(m.RouteTableAssociation):
            sid = ref_id(a.subnet)
            if sid:
                self.assoc_by_subnet[sid].append(a)
            elif is_unknown(a.subnet) and tpl.kind == m.TERRAFORM:  # a literal id is not ours
                self.assoc_unplaced = self.assoc_unplaced or a
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
        self._by_service: dict[str, dict[str, list[m.VpcEndpoint]] | None] = {}
        # VPCs whose main table an association replaces with one we cannot follow
        self.main_unknown: dict[str, m.MainRouteTableAssociation] = {}
        for a in tpl.of(m.MainRouteTableAssociation):
            vid, rt = ref_id(a.vpc), self.tpl.deref(a.route_table, m.RouteTable)
            if vid and rt:
                self.main_tables[vid] = rt
            elif vid:
                self.main_unknown[vid] = a
        self._index_nacls()

    def _index_nacls(self) -> None:
        tpl = self.tpl
        self.nacl_by_subnet: dict[str, list[tuple[m.NetworkAcl | None, V]]] = defaultdict(list)
        self.default_nacls: dict[str, m.NetworkAcl] = {}
        self.nacl_entries: dict[str, list[m.NaclEntry]] = defaultdict(list)
        # TF entries or associations whose NACL or subnet we cannot tell may belong to ours.
        self.nacls_unplaced = any(t in tpl.uncertain for t in _NACL_TYPES)
        for acl in tpl.of(m.NetworkAcl):
            self.nacl_entries[acl.id].extend(acl.entries)
            if acl.default and ref_id(acl.vpc):
                self.default_nacls[ref_id(acl.vpc)] = acl
            elif acl.subnets is not None:
                if not acl.subnets.known:
                    self.nacls_unplaced = True
                for v in acl.subnets.items():
                    if ref_id(v):
                        self.nacl_by_subnet[ref_id(v)].append((acl, v))
                    else:
                        self.nacls_unplaced = True
        for e in tpl.of(m.StandaloneNaclEntry):
            if ref_id(e.nacl) and e.entry is not None:
                self.nacl_entries[ref_id(e.nacl)].append(e.entry)
            elif tpl.kind == m.TERRAFORM:
                self.nacls_unplaced = True
        for a in tpl.of(m.NaclAssociation):
            sid = ref_id(a.subnet)
            if sid:
                self.nacl_by_subnet[sid].append((tpl.deref(a.nacl, m.NetworkAcl), V(None, a.loc)))
            elif tpl.kind == m.TERRAFORM:
                self.nacls_unplaced = True

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
        if not unset(svc.launch_type):
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
        """(table, status, steps): status is ASSOCIATED, MAIN (no association: the VPC's main
        table; None in CFN, where it holds only the local route) or UNKNOWN, whose one step
        says what could not be seen."""
        if subnet.id not in self._tables:
            self._tables[subnet.id] = self._route_table(subnet)
        return self._tables[subnet.id]

    def _route_table(self, subnet: m.Subnet) -> tuple[m.RouteTable | None, str, tuple[Step, ...]]:
        assocs = self.assoc_by_subnet.get(subnet.id, [])
        if len(assocs) == 1:
            a = assocs[0]
            rt = self.tpl.deref(a.route_table, m.RouteTable)
            if rt is None:
                why = self.tpl.why_unknown(a.route_table, f"the route table of {subnet.id}")
                return None, UNKNOWN, (Step(why, a.loc),)
            return (
                rt,
                ASSOCIATED,
                (Step(f"{subnet.id} is associated with route table {rt.id}", a.loc),),
            )
        if assocs:
            why = f"{subnet.id} has {len(assocs)} route table associations"
            return None, UNKNOWN, (Step(why, subnet.loc),)
        unsure = self.tpl.uncertain_why("aws_route_table_association")
        if unsure:
            return None, UNKNOWN, (Step(f"route table associations: {unsure}", subnet.loc),)
        if self.assoc_unplaced is not None:
            a = self.assoc_unplaced
            why = self.tpl.why_unknown(a.subnet, f"the subnet of {a.id}")
            return None, UNKNOWN, (Step(why, a.loc),)
        vpc = self.vpc_of(subnet)
        if vpc is None:
            why = self.tpl.why_unknown(subnet.vpc, f"the VPC of {subnet.id}")
            return None, UNKNOWN, (Step(why, subnet.loc),)
        unsure = self.tpl.uncertain_why("aws_main_route_table_association")
        if self.tpl.kind == m.TERRAFORM and unsure:
            return None, UNKNOWN, (Step(f"main route table: {unsure}", subnet.loc),)
        if vpc.id in self.main_unknown:
            a = self.main_unknown[vpc.id]
            why = self.tpl.why_unknown(a.route_table, f"the main route table of {vpc.id}")
            return None, UNKNOWN, (Step(why or f"the main route table of {vpc.id}", a.loc),)
        main = self.main_tables.get(vpc.id)
        if main is not None:
            step = Step(
                f"{subnet.id} has no route table association: it uses the main table {main.id}",
                subnet.loc,
            )
            return main, MAIN, (step,)
        step = Step(
            f"{subnet.id} has no route table association: it uses the main route table of "
            f"{vpc.id}, which has only the local route",
            subnet.loc,
        )
        return None, MAIN, (step,)

    def default_route(self, subnet: m.Subnet) -> DefaultRoute:
        if subnet.id not in self._defaults:
            self._defaults[subnet.id] = self._default_route(subnet)
        return self._defaults[subnet.id]

    def _default_route(self, subnet: m.Subnet) -> DefaultRoute:
        rt, status, steps = self.route_table(subnet)
        # An exported subnet is doubt only while it has no association here: another
        # stack can associate it, but cannot replace the association this one makes.
        assumed = self.dropped(*ROUTING_TYPES)
        if status == MAIN:
            assoc = m.dropped_key("AWS::EC2::SubnetRouteTableAssociation", subnet.id)
            assumed = self.exported(subnet) + assumed + self.dropped(assoc)
        if status == UNKNOWN:
            return DefaultRoute(UNKNOWN, (), blind=steps[0] if steps else None)
        if rt is None:  # CFN main table: only the local route
            return DefaultRoute(NONE, steps, assumed)
        left_out = self.dropped(m.dropped_key("AWS::EC2::Route", rt.id))
        assumed += self.exported(rt) + left_out
        blind = self._routes_blind(rt)
        if blind is not None:
            return DefaultRoute(UNKNOWN, steps, route_table=rt, blind=blind)
        routes = self.routes_by_table.get(rt.id, [])
        default = [r for r in routes if _is_cidr(r.destination, "0.0.0.0/0")]
        if not default:
            # Say so when a route of the table was left out by a condition's default.
            why = f" (a route of it is left out: {', '.join(left_out)})" if left_out else ""
            step = Step(f"route table {rt.id} has no 0.0.0.0/0 route{why}", rt.loc)
            return DefaultRoute(NONE, (*steps, step), assumed, route_table=rt)
        if len(default) > 1:
            why = Step(f"route table {rt.id} has {len(default)} routes to 0.0.0.0/0", rt.loc)
            return DefaultRoute(UNKNOWN, steps, route_table=rt, blind=why)
        route = default[0]
        assumed += assumptions(route.destination, route.target)
        tid = ref_id(route.target)
        target = self.tpl.resources.get(tid) if tid else None
        if isinstance(target, m.InternetGateway):
            attached = self.igw_attached(target, ref_id(rt.vpc))
            if attached == NO:
                step = Step(
                    f"route table {rt.id} sends 0.0.0.0/0 to internet gateway {target.id}, "
                    f"which is not attached to {ref_id(rt.vpc)}",
                    route.loc,
                )
                return DefaultRoute(
                    DETACHED,
                    (*steps, step),
                    assumed
                    + self.exported(target)
                    + self.dropped(m.dropped_key("AWS::EC2::VPCGatewayAttachment", ref_id(rt.vpc))),
                    route,
                    target,
                    rt,
                )
            if attached == UNKNOWN:
                why = Step(f"whether {target.id} is attached to the VPC is not known", route.loc)
                return DefaultRoute(UNKNOWN, steps, route=route, route_table=rt, blind=why)
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
        if target is not None:
            why = Step(
                f"route table {rt.id} sends 0.0.0.0/0 to {target.id}, beyond which the way "
                "out is not modelled",
                route.loc,
            )
            return DefaultRoute(EXTERNAL, steps, route=route, route_table=rt, blind=why)
        why = self.tpl.why_unknown(route.target, f"the target of {route.id}")
        return DefaultRoute(UNKNOWN, steps, route=route, route_table=rt, blind=Step(why, route.loc))

    def _routes_blind(self, rt: m.RouteTable) -> Step | None:
        """What keeps the routes of a table from being known, or None."""
        if not rt.routes_known:
            return Step(f"the routes of {rt.id} are dynamic blocks", rt.loc)
        if self.routes_unplaced:
            r = next(r for r in self.tpl.of(m.Route) if is_unknown(r.route_table))
            return Step(self.tpl.why_unknown(r.route_table, f"the table of {r.id}"), r.loc)
        unsure = self.tpl.uncertain_why("aws_route")
        if unsure:
            return Step(f"routes: {unsure}", rt.loc)
        for r in self.routes_by_table.get(rt.id, []):
            if r.destination is not None and not r.destination.known:
                why = self.tpl.why_unknown(r.destination, f"the destination of {r.id}")
                return Step(why, r.destination.loc)
        return None

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
            everywhere6(text(r.destination_v6)) or is_unknown(r.destination_v6)
            for r in self.routes_by_table.get(rt.id, [])
        )

    def isolated(self, subnet: m.Subnet) -> m.Vpc | None:
        """The subnet's VPC when nothing else leads out of it: no IPv6 way out, and a
        VPC defined in scope with no interface endpoints. Gateway endpoints (S3,
        DynamoDB) do not count: they serve neither ECR's API nor logs nor secrets, so a
        VPC with only those was meant to go out through a NAT, and its broken route is
        the root cause to report. None when that is not certain."""
        if self.ipv6_path(subnet) is not False:
            return None
        vpc = self.vpc_of(subnet)
        if vpc is None or self.has_interface_endpoints(vpc) is not False:
            return None
        return vpc

    def has_interface_endpoints(self, vpc: m.Vpc) -> bool | None:
        """Whether the VPC has an interface endpoint; None when that is not known."""
        eps = self.endpoints(vpc)
        if eps is None:
            return None
        kinds = {is_interface(e) for e in eps}
        return True if True in kinds else None if None in kinds else False

    def gateway_endpoints_only(self, vpc: m.Vpc) -> tuple[str, ...]:
        """The services of the VPC's endpoints, when all are gateway endpoints."""
        eps = self.endpoints(vpc) or ()
        return tuple(sorted({endpoint_service(e) or "?" for e in eps}))

    def isolation_assumed(self, vpc: m.Vpc) -> tuple[str, ...]:
        """Why "no interface endpoints" may not hold: endpoints dropped by a default, or
        a module or nested stack we could not read that is handed the VPC. An export by
        itself is not: the missing piece of a subnet with no way out is its route, which
        only an exported route table lets another stack add, and a CI gate must not lose
        that error to a mere export. (Endpoint gaps, FG012-FG016, keep the doubt.)"""
        handed = self.exported(vpc) if vpc.id in self.tpl.handed else ()
        return handed + self.dropped(*ENDPOINT_TYPES)

    def endpoints(self, vpc: m.Vpc) -> list[m.VpcEndpoint] | None:
        """The VPC's endpoints, or None when others may exist that we cannot place."""
        if self.endpoints_unplaced or "aws_vpc_endpoint" in self.tpl.uncertain:
            return None
        return self.endpoints_by_vpc.get(vpc.id, [])

    def endpoints_for(self, vpc: m.Vpc, service: str) -> list[m.VpcEndpoint] | None:
        """The VPC's endpoints for one service (`ecr.dkr`); None when the set is open:
        endpoints we cannot place, or one whose service name we cannot read."""
        if vpc.id not in self._by_service:
            self._by_service[vpc.id] = self._index_services(vpc)
        index = self._by_service[vpc.id]
        return None if index is None else index.get(service, [])

    def _index_services(self, vpc: m.Vpc) -> dict[str, list[m.VpcEndpoint]] | None:
        index: dict[str, list[m.VpcEndpoint]] = defaultdict(list)
        for e in self.endpoints(vpc) or ():
            service = endpoint_service(e)
            if service is None:
                return None
            index[service].append(e)
        return None if self.endpoints(vpc) is None else index

    def internet_egress(
        self, svc: m.Service, subnet: m.Subnet, launch: str, mode: str | None
    ) -> tuple[Fact, DefaultRoute]:
        """InternetEgress4(P, s) of §0.4."""
        spend(2)
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
            if launch == "FARGATE":
                why = self.tpl.why_unknown(svc.assign_public_ip, "AssignPublicIp")
            else:
                why = f"the launch type of {svc.id} is not known"
            return Fact(UNKNOWN, d.steps, blind=Step(why, svc.loc)), d
        if d.kind == NAT:
            nat = self.nat_egress(d.target, d.route_table)
            steps, assumed = (*d.steps, *nat.steps), d.assumed + nat.assumed
            return Fact(nat.answer, steps, assumed, nat.why, nat.blind), d
        if d.kind == DETACHED:
            return Fact(NO, d.steps, d.assumed, "internet gateway not attached"), d
        return Fact(UNKNOWN, d.steps, blind=d.blind), d

    def igw_attached(self, igw: m.InternetGateway, vpc_id: str | None) -> str:
        """Whether the gateway is attached to that VPC (closed world over attachments)."""
        vpcs = self.attached_igws.get(igw.id, set())
        if vpc_id and vpc_id in vpcs:
            return YES
        if vpc_id is None or self.igw_attachments_open:
            return UNKNOWN
        return NO

    @cached_property
    def igw_attachments_open(self) -> bool:
        """Attachments we cannot place: an unknown gateway or VPC, or unknown counts."""
        if "aws_internet_gateway_attachment" in self.tpl.uncertain:
            return True
        if any(
            not ref_id(a.gateway) or not ref_id(a.vpc) for a in self.tpl.of(m.GatewayAttachment)
        ):
            return True
        return any(
            igw.vpc is not None and not ref_id(igw.vpc) for igw in self.tpl.of(m.InternetGateway)
        )

    def nat_egress(self, nat: m.NatGateway, via: m.RouteTable | None) -> Fact:
        """Whether a NAT gateway reaches the internet (§0.4, FG061); `why` names the fault:
        'private NAT', 'NAT without an Elastic IP', 'NAT in a subnet without an internet
        route' or 'NAT routes back to itself'."""
        conn = (text(nat.connectivity) or "").lower() if nat.connectivity is not None else "public"
        assumed = assumptions(nat.connectivity)
        if conn == "private":
            step = Step(f"NAT gateway {nat.id} is private: it cannot reach the internet", nat.loc)
            return Fact(NO, (step,), assumed, "private NAT")
        if conn != "public":
            why = self.tpl.why_unknown(nat.connectivity, f"the connectivity of {nat.id}")
            return Fact(UNKNOWN, blind=Step(why, nat.loc))
        nat_subnet = self.tpl.deref(nat.subnet, m.Subnet)
        if nat_subnet is None:
            why = self.tpl.why_unknown(nat.subnet, f"the subnet of {nat.id}")
            return Fact(UNKNOWN, blind=Step(why, nat.loc))
        d = self.default_route(nat_subnet)
        into = Step(f"NAT gateway {nat.id} is in subnet {nat_subnet.id}", nat.loc)
        if d.kind == IGW:
            return Fact(YES, (into, *d.steps), assumed + d.assumed)
        if d.kind == NAT and d.target is not None and d.target.id == nat.id:
            step = Step(f"{nat_subnet.id} routes 0.0.0.0/0 back to {nat.id}", d.route.loc)
            return Fact(
                NO, (into, *d.steps, step), assumed + d.assumed, "NAT routes back to itself"
            )
        if via is not None and d.route_table is not None and d.route_table.id == via.id:
            return Fact(NO, (into, *d.steps), assumed + d.assumed, "NAT routes back to itself")
        if d.kind in (NONE, NAT, DETACHED):
            return Fact(
                NO,
                (into, *d.steps),
                assumed + d.assumed,
                "NAT in a subnet without an internet route",
            )
        return Fact(UNKNOWN, blind=d.blind)

    # -- network ACLs (catalogue group E) -------------------------------------------------

    def nacl(
        self, subnet: m.Subnet
    ) -> tuple[list[m.NaclEntry] | None, m.NetworkAcl | None, tuple[Step, ...], tuple[str, ...]]:
        """(entries, acl, steps, assumptions) of the subnet's NACL. Entries are None when
        unknown; [] with acl None means the VPC's default NACL, which allows everything."""
        spend()
        if self.nacls_unplaced:
            return None, None, (), ()
        found = self.nacl_by_subnet.get(subnet.id, [])
        if len(found) > 1:
            return None, None, (), ()
        if found:
            acl, via = found[0]
            if acl is None or not acl.entries_known:
                return None, None, (), ()
            step = Step(f"subnet {subnet.id} uses network ACL {acl.id}", via.loc)
            return self.nacl_entries.get(acl.id, []), acl, (step,), self.exported(acl)
        vpc = self.vpc_of(subnet)
        if vpc is None:
            return None, None, (), ()
        acl = self.default_nacls.get(vpc.id)
        if acl is None:
            return [], None, (), ()  # AWS's default NACL allows all traffic
        if not acl.entries_known:
            return None, None, (), ()
        step = Step(
            f"subnet {subnet.id} has no NACL association: it uses {vpc.id}'s default NACL, "
            f"whose rules {acl.id} replaces",
            acl.loc,
        )
        return self.nacl_entries.get(acl.id, []), acl, (step,), self.exported(acl)

    # -- security groups ------------------------------------------------------------------------

    def security_group(self, v: V) -> m.SecurityGroup | None:
        return self.tpl.deref(v, m.SecurityGroup)

    def security_groups(self, v: V | None) -> list[m.SecurityGroup] | None:
        """The groups a list names, when all of them are defined here."""
        if v is None or not v.known:
            return None
        groups = [self.security_group(g) for g in v.items()]
        if not groups or any(g is None for g in groups):
            return None
        return groups

    def sg_admits(
        self, groups: list[m.SecurityGroup], direction: str, port: int, peer: Peer
    ) -> SgVerdict:
        """Whether the union of the groups' rules in `direction` admits TCP `port` to or
        from the peer."""
        return admits(groups, direction, port, peer, self.sg_rules_open)

    @cached_property
    def sg_rules_open(self) -> bool:
        """Rules may attach to our groups from resources we cannot place."""
        if any(t in self.tpl.uncertain for t in _SG_RULE_TYPES):
            return True
        return self.tpl.kind == m.TERRAFORM and any(
            r.rule is not None and not ref_id(r.rule.group) for r in self.tpl.of(m.StandaloneSgRule)
        )


# Source types, of both formats (a CloudFormation resource left out by a Condition
# that is false by a parameter default is dropped too).
ENDPOINT_TYPES = ("aws_vpc_endpoint", "AWS::EC2::VPCEndpoint")
ROUTING_TYPES = (
    "AWS::EC2::Route",
    "AWS::EC2::RouteTable",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::NatGateway",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_default_route_table",
    "aws_nat_gateway",
    "aws_internet_gateway",
    "aws_internet_gateway_attachment",
)
_SG_RULE_TYPES = (
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_security_group",
)
_NACL_TYPES = (
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
)


# -- task-definition facts --------------------------------------------------------------------


def task_network_mode(td: m.TaskDefinition) -> tuple[str | None, tuple[str, ...]]:
    """The effective network mode: omitted means bridge (Linux)."""
    if td.network_mode is None:
        return "bridge", ()
    mode = text(td.network_mode)
    return (mode.lower() if mode else None), td.network_mode.assumed


def is_interface(ep: m.VpcEndpoint) -> bool | None:
    """Endpoint type; CloudFormation and Terraform both default to Gateway."""
    if ep.endpoint_type is None:
        return False
    t = text(ep.endpoint_type)
    return None if t is None else t.lower() == "interface"


def endpoint_service(ep: m.VpcEndpoint) -> str | None:
    """`ecr.dkr` for com.amazonaws.<region>.ecr.dkr (region may be unknown)."""
    name = shape(ep.service)
    if not name:
        return None
    match = ENDPOINT_SERVICE.match(name)
    service = match.group(1) if match else name  # some other service, e.g. a partner's
    return None if "*" in service else service
