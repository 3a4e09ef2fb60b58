"""Container instances: the Auto Scaling groups behind a cluster's EC2 capacity
providers, their subnets, and whether an instance there reaches the internet
(catalogue FG018).

An instance reaches the internet through a working NAT gateway, or through an
internet gateway when it has a public IP: from its launch template's network
interface, or else from the subnet's `MapPublicIpOnLaunch` (default false).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter import model as m
from linter.addresses import NO, UNKNOWN, YES
from linter.findings import Step
from linter.network import IGW, NAT, NONE, Fact, Network
from linter.values import V, assumptions, ref_id, ref_ids, shape, text, truth, unset


@dataclass(frozen=True)
class Fleet:
    """An Auto Scaling group that serves a cluster through a capacity provider."""

    cluster: m.Cluster
    provider: m.CapacityProvider
    asg: m.AutoScalingGroup
    launch: m.LaunchTemplate | None


def fleets(tpl: m.Template) -> Iterator[Fleet]:
    """Each (cluster, capacity provider, Auto Scaling group) the files wire together."""
    for cluster in tpl.of(m.Cluster):
        names: list[V] = []
        if _listed(cluster.capacity_providers):
            names.extend(cluster.capacity_providers.items())
        for a in tpl.of(m.ClusterCapacityProviders):
            if ref_id(a.cluster) == cluster.id and _listed(a.providers):
                names.extend(a.providers.items())
        seen: set[str] = set()
        for v in names:
            cp = tpl.deref(v, m.CapacityProvider)
            asg = tpl.deref(cp.asg, m.AutoScalingGroup) if cp is not None else None
            if cp is None or asg is None or asg.id in seen:
                continue
            seen.add(asg.id)
            yield Fleet(cluster, cp, asg, tpl.deref(asg.launch, m.LaunchTemplate))


def _listed(v: V | None) -> bool:
    return v is not None and v.known and isinstance(v.value, list)


def subnets(tpl: m.Template, asg: m.AutoScalingGroup) -> list[tuple[V, m.Subnet]]:
    """The group's subnets defined here (the others are unknown)."""
    v = asg.subnets
    if v is None or not v.known:
        return []
    return [(x, s) for x in v.items() if (s := tpl.deref(x, m.Subnet)) is not None]


def public_ip(fleet: Fleet, subnet: m.Subnet) -> tuple[bool | None, Step, tuple[str, ...]]:
    """Whether instances of the fleet get a public IP in that subnet."""
    lt = fleet.launch
    if fleet.asg.launch is not None and lt is None:
        return None, Step("the launch template is not in the files", fleet.asg.loc), ()
    if lt is not None and lt.public_ip is not None:
        on = truth(lt.public_ip)
        word = {True: "gives", False: "denies"}.get(on, "may give")
        step = Step(f"{lt.id} {word} the instances a public IP", lt.public_ip.loc)
        return on, step, assumptions(lt.public_ip)
    v = subnet.public_ip
    on = truth(v) if v is not None else False
    said = "maps" if on else "does not map"
    where = (v or subnet).loc
    return on, Step(f"{subnet.id} {said} public IPs on launch", where), assumptions(v)


def egress(net: Network, fleet: Fleet, subnet: m.Subnet) -> Fact:
    """InternetEgress4 of an instance of the fleet in the subnet."""
    d = net.default_route(subnet)
    if d.kind == NONE:
        return Fact(NO, d.steps, d.assumed, "no default route")
    if d.kind == NAT:
        nat = net.nat_egress(d.target, d.route_table)
        # A NAT that cannot reach the internet is FG061's root cause, not this rule's.
        return Fact(YES if nat.answer == YES else UNKNOWN, (*d.steps, *nat.steps))
    if d.kind == IGW:
        on, step, assumed = public_ip(fleet, subnet)
        if on is True:
            return Fact(YES, (*d.steps, step))
        if on is False:
            return Fact(NO, (*d.steps, step), d.assumed + assumed, "no public IP")
    return Fact(UNKNOWN, d.steps)


def proxied(fleet: Fleet) -> bool | None:
    """Whether the instances' user data may set an HTTP proxy (then they may reach ECS
    through it); None when the user data cannot be read."""
    lt = fleet.launch
    if lt is None or lt.user_data is None:
        return False
    seen = shape(lt.user_data) if not lt.user_data.known else text(lt.user_data)
    if seen is None:
        return None
    return "_proxy" in seen.lower()


def serving(net: Network, svc: m.Service) -> list[Fleet]:
    """The fleets a launcher's tasks may land on: those its capacity provider strategy
    names (its own, or else its cluster's default), or every fleet of its cluster when
    it launches on EC2 without one. [] when the strategy cannot be read."""
    clusters = set(ref_ids(svc.cluster))
    mine = [f for f in fleets(net.tpl) if f.cluster.id in clusters]
    strategy = svc.strategy
    if strategy is None and unset(svc.launch_type):
        strategy = next((net.cluster_strategies.get(c) for c in clusters), None)
    if strategy is None:
        return mine
    if not strategy.known or not isinstance(strategy.value, list):
        return []
    named = set()
    for item in strategy.value:
        cp = item.get("CapacityProvider") or item.get("capacity_provider")
        provider = net.tpl.deref(cp, m.CapacityProvider)
        if provider is None:
            if text(cp) in ("FARGATE", "FARGATE_SPOT"):
                continue
            return []  # a provider we cannot see may be any of them
        named.add(provider.id)
    return [f for f in mine if f.provider.id in named]


def in_use(cluster: m.Cluster, placements) -> list:
    """The EC2 placements of the cluster (what the instances are there for)."""
    return [p for p in placements if p.launch == "EC2" and cluster.id in ref_ids(p.svc.cluster)]
