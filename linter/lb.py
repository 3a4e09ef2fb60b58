"""Load-balancer paths: from a service's load-balancer binding to its target group, the
listeners and listener rules that forward to it, their load balancers, and the subnets
and security groups those stand in (catalogue C and D).

Three-valued like the rest: a target group, listener or load balancer that is not
defined in the unit is unknown, and so is the answer to "which listeners forward to
this group" when a listener may exist that we cannot read (an unknown count, dynamic
actions, a group shared with other stacks or modules).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter import instances
from linter import model as m
from linter.addresses import Peer
from linter.findings import Step
from linter.network import Network
from linter.values import Loc, integer, ref_id, text, truth

LISTENER_TYPES = (
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_listener_rule",
    "aws_alb_listener_rule",
)


@dataclass(frozen=True)
class Port:
    """A TCP port the load balancer opens to the targets, and why."""

    number: int
    what: str  # "container port 80", "health-check port 8081"
    loc: Loc


@dataclass(frozen=True)
class LbFlow:
    """Traffic from a load balancer to an awsvpc service's tasks on one TCP port."""

    svc: m.Service
    group: m.TargetGroup
    lb: m.LoadBalancer
    port: Port
    steps: tuple[Step, ...]  # binding -> target group -> listener -> load balancer


# The ephemeral range ECS-optimized Linux AMIs give dynamic host ports (bridge mode).
DYNAMIC_PORTS = (32768, 61000)


@dataclass(frozen=True)
class InstanceFlow:
    """Traffic from a load balancer to the container instances of a bridge or host
    service, on a host port or the dynamic host-port range."""

    svc: m.Service
    group: m.TargetGroup
    lb: m.LoadBalancer
    fleet: str  # the Auto Scaling group whose instances run the tasks
    instance_groups: list[m.SecurityGroup]
    ports: tuple[int, int]
    what: str  # "host port 8080", "the dynamic host ports 32768-61000"
    loc: Loc
    steps: tuple[Step, ...]


class Balancing:
    """Indexes a template's load balancers, listeners and target groups once."""

    def __init__(self, tpl: m.Template, net: Network):
        self.tpl, self.net = tpl, net
        # target group id -> the listeners and rules that forward to it
        self.forwarding: dict[str, list[m.Listener]] = {}
        # a forward we cannot place (an unknown group) may be to any of ours
        self.unplaced: m.Listener | None = None
        for lst in tpl.of(m.Listener):
            if not lst.actions_known:
                self.unplaced = self.unplaced or lst
            for g in lst.target_groups:
                gid = ref_id(g)
                if gid and lst not in self.forwarding.get(gid, ()):
                    self.forwarding.setdefault(gid, []).append(lst)
                elif tpl.kind == m.TERRAFORM or not g.known:
                    self.unplaced = self.unplaced or lst

    def target_group(self, b: m.LoadBalancerBinding) -> m.TargetGroup | None:
        return self.tpl.deref(b.target_group, m.TargetGroup)

    def forwarders(self, tg: m.TargetGroup) -> tuple[list[m.Listener] | None, str]:
        """The listeners and rules in scope that forward to the group, or None with why
        others may exist that we cannot see."""
        found = self.forwarding.get(tg.id, [])
        if found:
            return found, ""
        if self.unplaced is not None:
            return None, f"the actions of {self.unplaced.id} cannot be read"
        unsure = self.tpl.uncertain_why(*LISTENER_TYPES)
        if unsure:
            return None, f"listeners: {unsure}"
        if self.net.exported(tg) or tg.id in self.tpl.handed:
            return None, f"{tg.id} is shared with other stacks or modules"
        return [], ""

    def dropped(self) -> tuple[str, ...]:
        """Assumptions under which listeners were left out (a count = 0 on a default)."""
        return self.net.dropped(*LISTENER_TYPES)

    def balancer_of(self, lst: m.Listener) -> m.LoadBalancer | None:
        """The load balancer of a listener, or of the listener a rule belongs to (rules
        naming rules, even in a cycle, lead nowhere)."""
        seen: set[str] = set()
        while lst.listener is not None:
            parent = self.tpl.deref(lst.listener, m.Listener)
            if parent is None or parent.id in seen:
                return None
            seen.add(parent.id)
            lst = parent
        return self.tpl.deref(lst.load_balancer, m.LoadBalancer)

    def balancers(self, tg: m.TargetGroup) -> list[tuple[m.LoadBalancer, m.Listener]]:
        """The load balancers in scope that send traffic to the group, each with the first
        listener or rule that does."""
        found, _ = self.forwarders(tg)
        out: dict[str, tuple[m.LoadBalancer, m.Listener]] = {}
        for lst in found or ():
            lb = self.balancer_of(lst)
            if lb is not None:
                out.setdefault(lb.id, (lb, lst))
        return list(out.values())

    def subnets(self, lb: m.LoadBalancer) -> list[m.Subnet] | None:
        """The load balancer's subnets, when all of them are defined here."""
        v = lb.subnets
        if v is None or not v.known:
            return None
        out = [self.tpl.deref(s, m.Subnet) for s in v.items()]
        if not out or any(s is None for s in out):
            return None
        return out

    def security_groups(self, lb: m.LoadBalancer) -> list[m.SecurityGroup] | None:
        """The load balancer's own groups when all are defined here; None when unknown or
        when it has none (an ALB then uses the VPC default group)."""
        if lb.security_groups is None or lb.security_groups.value == []:
            return None
        return self.net.security_groups(lb.security_groups)

    def peer(self, lb: m.LoadBalancer) -> Peer:
        """The load balancer as the source of traffic to its targets: its nodes' addresses
        in its subnets, and its security groups."""
        subnets = self.subnets(lb)
        cidrs = None
        if subnets is not None and all(text(s.cidr) for s in subnets):
            cidrs = tuple(text(s.cidr) or "" for s in subnets)
        groups = self.security_groups(lb)
        ids = frozenset(g.id for g in groups) if groups is not None else None
        return Peer(f"load balancer {lb.id}", cidrs=cidrs, groups=ids)

    def source(self, lb: m.LoadBalancer, tg: m.TargetGroup) -> Peer | None:
        """Who the targets hear the load balancer's traffic from; None when unknown. An
        NLB without security groups, on ip targets over TCP or TLS, sends from its nodes'
        private addresses unless client-IP preservation is on (then from the clients)."""
        uses = self.uses_groups(lb)
        if uses is None:
            return None
        peer = self.peer(lb)
        if uses:
            return peer
        preserve = tg.preserve_client_ip
        if preserve is not None and truth(preserve) is not False:
            return None
        if target_type(tg) != "ip":
            return None  # instance targets always see the clients' addresses
        return Peer(peer.label, cidrs=peer.cidrs, groups=frozenset())

    def uses_groups(self, lb: m.LoadBalancer) -> bool | None:
        """Whether the load balancer filters with security groups: ALBs always do (the
        VPC default group when none is named); NLBs only when they name some."""
        kind = self.kind(lb)
        if kind == "application":
            return True
        if kind != "network":
            return None
        if lb.security_groups is None:
            return False
        if not lb.security_groups.known:
            return None
        return bool(lb.security_groups.value)

    def flows(self, placements) -> Iterator[tuple[object, LbFlow]]:
        """Each TCP flow from a load balancer in scope to an awsvpc placement's tasks:
        the container port and the health-check port of each binding (bridge and host
        tasks are reached on the instances, which are not modelled). Each (launcher,
        load balancer, port) once."""
        seen: set[tuple[str, str, int]] = set()
        for p in placements:
            if p.mode != "awsvpc":
                continue
            for b in p.svc.load_balancers:
                tg = self.target_group(b)
                if tg is None or tcp(tg) is not True or not ipv4(tg):
                    continue
                for lb, lst in self.balancers(tg):
                    steps = (
                        Step(f"{p.svc.id} registers its tasks in target group {tg.id}", b.loc),
                        Step(f"{lst.id} of load balancer {lb.id} forwards to {tg.id}", lst.loc),
                    )
                    for port in ports(b, tg) or ():
                        if (p.svc.id, lb.id, port.number) not in seen:
                            seen.add((p.svc.id, lb.id, port.number))
                            yield p, LbFlow(p.svc, tg, lb, port, steps)

    def instance_flows(self, placements) -> Iterator[tuple[object, InstanceFlow]]:
        """Each flow from a load balancer in scope to the instances of a bridge or host
        service on EC2, when the instances' Auto Scaling group and groups are in scope."""
        for p in placements:
            if p.mode not in ("bridge", "host") or p.launch != "EC2" or p.td is None:
                continue
            fleets = instances.serving(self.net, p.svc)
            for b in p.svc.load_balancers:
                tg = self.target_group(b)
                if tg is None or tcp(tg) is not True or not ipv4(tg):
                    continue
                if target_type(tg) != "instance":
                    continue  # FG032's
                for lo, hi, what, loc in _host_ports(p, b, tg):
                    for lb, lst in self.balancers(tg):
                        steps = (
                            Step(
                                f"{p.svc.id} registers its instances in target group {tg.id}", b.loc
                            ),
                            Step(f"{lst.id} of load balancer {lb.id} forwards to {tg.id}", lst.loc),
                        )
                        for fleet in fleets:
                            lt = fleet.launch
                            groups = self.net.security_groups(lt.security_groups) if lt else None
                            if groups:
                                flow = InstanceFlow(
                                    p.svc, tg, lb, fleet.asg.id, groups, (lo, hi), what, loc, steps
                                )
                                yield p, flow

    @staticmethod
    def kind(lb: m.LoadBalancer) -> str | None:
        if lb.lb_type is None:
            return "application"
        t = text(lb.lb_type)
        return t.lower() if t else None


def _host_ports(p, b: m.LoadBalancerBinding, tg: m.TargetGroup) -> list[tuple]:
    """The instance ports a bridge or host binding receives on: the mapping's host port
    (the container port in host mode), or the dynamic range when bridge mode leaves it
    out or sets 0; the health-check port when it is another number. [] when unknown."""
    name, port = text(b.container_name), integer(b.container_port)
    container = next((c for c in p.td.containers or () if text(c.name) == name), None)
    if name is None or port is None or container is None or not container.ports_known:
        return []
    mapping = next(
        (m_ for m_ in container.port_mappings if integer(m_.container_port) == port), None
    )
    if mapping is None:
        return []  # FG033's
    host = integer(mapping.host_port) if mapping.host_port is not None else 0
    if host is None:
        return []
    if p.mode == "host":
        host = port
    out = []
    if host:
        out.append((host, host, f"host port {host}", (mapping.host_port or mapping).loc))
    else:
        lo, hi = DYNAMIC_PORTS
        out.append((lo, hi, f"the dynamic host ports {lo}-{hi}", mapping.loc))
    hc = tg.health_check_port
    if hc is not None and text(hc) != "traffic-port":
        n = integer(hc)
        if n is None:
            return []
        if not out[0][0] <= n <= out[0][1]:
            out.append((n, n, f"health-check port {n}", hc.loc))
    return out


def target_type(tg: m.TargetGroup) -> str | None:
    """instance (the default in both formats), ip, lambda or alb; None when unknown."""
    if tg.target_type is None:
        return "instance"
    t = text(tg.target_type)
    return t.lower() if t else None


def ports(b: m.LoadBalancerBinding, tg: m.TargetGroup) -> list[Port] | None:
    """The TCP ports an awsvpc task must admit from the load balancer for this binding:
    the container port, and the health-check port when it is another number. None when
    they are not known."""
    port = integer(b.container_port)
    if port is None:
        return None
    out = [Port(port, f"container port {port}", b.container_port.loc)]
    hc = tg.health_check_port
    if hc is not None:
        t = text(hc)
        if t is None:
            return None
        if t != "traffic-port":
            n = integer(hc)
            if n is None:
                return None
            if n != port:
                out.append(Port(n, f"health-check port {n}", hc.loc))
    return out


def ipv4(tg: m.TargetGroup) -> bool:
    """The group registers IPv4 addresses (the default): the flows to its targets are
    IPv4, which the security-group and NACL evaluators judge."""
    return tg.ip_address_type is None or (text(tg.ip_address_type) or "").lower() == "ipv4"


def tcp(tg: m.TargetGroup) -> bool | None:
    """Whether the target group carries TCP (HTTP, HTTPS, TCP, TLS); None when unknown."""
    if tg.protocol is None:
        return None
    p = text(tg.protocol)
    if p is None:
        return None
    return p.upper() in ("HTTP", "HTTPS", "TCP", "TLS")
