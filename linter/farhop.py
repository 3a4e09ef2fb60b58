"""Network ACLs on the other hop of a flow (catalogue FG052).

NACLs are stateless and are met where traffic enters or leaves a subnet, so a flow
between two subnets crosses four of their rules: the opener's egress, the other
side's ingress, and the reverse pair for the response on the opener's ephemeral
ports. FG050/FG051 judge the task subnet's NACL for what the tasks open; this
module walks the other hops:

- load balancer -> task: the LB subnet opens on the container / health-check port
  (the LB's own ports are 1024-65535), the task subnet answers;
- task -> interface endpoint and task -> NAT gateway: the far subnet must let
  TCP 443 in and the answer out (a NAT also opens 443 to the internet and hears
  back on 1024-65535);
- task -> EFS mount target in its zone: TCP 2049 out of the task subnet and into the
  mount target's, the answers back on the task's ephemeral ports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter import efs
from linter import model as m
from linter.addresses import NO, Peer
from linter.findings import Step
from linter.nacl import EPHEMERAL, NaclVerdict, allows_anything, decide
from linter.network import NAT
from linter.reach import ENDPOINT, INTERNET_PEER, VIA_INTERNET
from linter.values import Loc, ref_ids, text
from linter.vpcs import zone

ELB_PORTS = (1024, 65535)  # "Requests originating from Elastic Load Balancing use 1024-65535"
NAT_PORTS = (1024, 65535)  # "A NAT gateway uses ports 1024-65535"


@dataclass(frozen=True)
class HopBlock:
    """One direction of one hop's NACL that drops a flow the tasks depend on."""

    placement: object  # rulekit.Placement
    hop: str  # "load balancer Alb", "endpoint Ecr", "NAT gateway Nat"
    subnet: m.Subnet  # the subnet whose NACL drops it
    acl: m.NetworkAcl
    egress: bool
    ports: tuple[int, int]
    peer: Peer
    verdict: NaclVerdict
    steps: tuple[Step, ...]  # how the flow gets there, then how the subnet gets its NACL
    assumed: tuple[str, ...]
    loc: Loc  # where the hop is written (the LB's subnets, the endpoint, the NAT)


@dataclass(frozen=True)
class _Leg:
    subnet: m.Subnet
    egress: bool
    ports: tuple[int, int]
    peer: Peer


def blocks(ctx) -> Iterator[HopBlock]:
    """Every far-hop NACL direction that certainly drops a flow of a placement."""
    cache: dict[tuple, NaclVerdict] = {}
    for p, hop, legs, steps, loc in _hops(ctx):
        for leg in legs:
            entries, acl, acl_steps, assumed = ctx.net.nacl(leg.subnet)
            if entries is None or acl is None:
                continue  # unknown, or AWS's default NACL (allows everything)
            if not allows_anything(entries, leg.egress):
                continue  # FG053's: a NACL that allows nothing that way
            key = (acl.id, leg.egress, leg.ports, leg.peer.label)
            if key not in cache:
                cache[key] = decide(entries, leg.egress, leg.ports, leg.peer)
            verdict = cache[key]
            if verdict.answer == NO:
                yield HopBlock(
                    p,
                    hop,
                    leg.subnet,
                    acl,
                    leg.egress,
                    leg.ports,
                    leg.peer,
                    verdict,
                    (*steps, *acl_steps),
                    assumed,
                    loc,
                )


def _subnet_peer(s: m.Subnet) -> Peer | None:
    cidr = text(s.cidr)
    return Peer(f"subnet {s.id} ({cidr})", cidrs=(cidr,)) if cidr else None


def _hops(ctx) -> Iterator[tuple[object, str, list[_Leg], tuple[Step, ...], Loc]]:
    yield from _lb_hops(ctx)
    yield from _efs_hops(ctx)
    for p in ctx.placements:
        for sr in ctx.reach(p).subnets:
            task = _subnet_peer(sr.subnet)
            if task is None:
                continue
            placed = Step(f"{p.svc.id} places tasks in subnet {sr.subnet.id}", sr.ref.loc)
            seen: set[str] = set()
            for flow in sr.flows:
                ep = flow.endpoint
                if flow.via != ENDPOINT or ep is None or ep.id in seen:
                    continue
                seen.add(ep.id)
                for sid in ref_ids(ep.subnets):
                    s = ctx.tpl.get(sid, m.Subnet)
                    if s is None or s.id == sr.subnet.id:
                        continue
                    legs = [_Leg(s, False, (443, 443), task), _Leg(s, True, EPHEMERAL, task)]
                    step = Step(f"{flow.need.service} goes through {ep.id} in {s.id}", ep.loc)
                    yield p, f"endpoint {ep.id}", legs, (placed, step), ep.loc
            if not any(f.via == VIA_INTERNET for f in sr.flows):
                continue
            route = ctx.net.default_route(sr.subnet)
            nat = route.target if route.kind == NAT else None
            s = ctx.tpl.deref(nat.subnet, m.Subnet) if isinstance(nat, m.NatGateway) else None
            if s is None or s.id == sr.subnet.id:
                continue
            legs = [
                _Leg(s, False, (443, 443), task),
                _Leg(s, True, (443, 443), INTERNET_PEER),
                _Leg(s, False, NAT_PORTS, INTERNET_PEER),
                _Leg(s, True, EPHEMERAL, task),
            ]
            step = Step(f"NAT gateway {nat.id} is in {s.id}", nat.loc)
            yield p, f"NAT gateway {nat.id}", legs, (placed, *route.steps, step), nat.loc


def _efs_hops(ctx) -> Iterator[tuple[object, str, list[_Leg], tuple[Step, ...], Loc]]:
    """Task -> EFS mount target on TCP 2049, both subnets' NACLs, each way. A task mounts
    through the mount target in its own zone: only pairs in one known zone are judged."""
    for p in ctx.placements:
        if p.td is None or p.mode != "awsvpc":
            continue
        for vol in efs.volumes(ctx.tpl, p.td):
            for mt in vol.targets or ():
                ms = ctx.tpl.deref(mt.subnet, m.Subnet)
                target = _subnet_peer(ms) if ms is not None else None
                for ref, ts in ctx.net.placement_subnets(p.svc):
                    task = _subnet_peer(ts)
                    if target is None or task is None or ts.id == ms.id:
                        continue
                    if zone(ts) is None or zone(ts) != zone(ms):
                        continue
                    legs = [
                        _Leg(ms, False, (efs.NFS, efs.NFS), task),
                        _Leg(ms, True, EPHEMERAL, task),
                        _Leg(ts, True, (efs.NFS, efs.NFS), target),
                        _Leg(ts, False, EPHEMERAL, target),
                    ]
                    steps = (
                        efs.volume_step(p.td, vol),
                        Step(f"{p.svc.id} places tasks in subnet {ts.id}", ref.loc),
                        Step(f"they mount through {mt.id} in {ms.id}, in their zone", mt.loc),
                    )
                    yield p, f"EFS mount target {mt.id}", legs, steps, mt.loc


def _lb_hops(ctx) -> Iterator[tuple[object, str, list[_Leg], tuple[Step, ...], Loc]]:
    for p, flow in ctx.lb_flows:
        lb_subnets = ctx.lb.subnets(flow.lb) or []
        port = (flow.port.number, flow.port.number)
        for _ref, ts in ctx.net.placement_subnets(p.svc):
            task = _subnet_peer(ts)
            for ls in lb_subnets:
                lb = _subnet_peer(ls)
                if task is None or lb is None or ls.id == ts.id:
                    continue
                legs = [
                    _Leg(ls, True, port, task),
                    _Leg(ls, False, ELB_PORTS, task),
                    _Leg(ts, False, port, lb),
                    _Leg(ts, True, ELB_PORTS, lb),
                ]
                steps = (
                    *flow.steps,
                    Step(f"{flow.lb.id} has a node in {ls.id}", (flow.lb.subnets or flow.lb).loc),
                    Step(f"the tasks in {ts.id} receive on {flow.port.what}", flow.port.loc),
                )
                where = (flow.lb.subnets or flow.lb).loc
                yield p, f"load balancer {flow.lb.id}", legs, steps, where
