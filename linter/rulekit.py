"""What rules share: the context they read and one way to build a finding."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from linter import model as m
from linter import reach
from linter.findings import Finding, RuleMeta, Step
from linter.network import DefaultRoute, Fact, Network
from linter.reach import Reach
from linter.values import Loc, V


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
            out.append(Placement(svc, td, launch, mode if td is not None else None, a1 + a2 + cond))
        return out

    def reach(self, p: Placement) -> Reach:
        """What the placement's tasks need and how each subnet serves it (computed once)."""
        if p.svc.id not in self._reach:
            self._reach[p.svc.id] = reach.analyse(self.net, p.svc, p.td, p.launch, p.mode)
        return self._reach[p.svc.id]

    @cached_property
    def _reach(self) -> dict[str, Reach]:
        return {}


@dataclass(frozen=True)
class Placement:
    """A launcher (service, task set, scheduled task) with its resolved facts."""

    svc: m.Service
    td: m.TaskDefinition | None
    launch: str | None  # FARGATE / EC2 / None (unknown)
    mode: str | None  # network mode, None when the task definition is out of scope
    assumed: tuple[str, ...]

    @property
    def where(self) -> Loc:
        """Network findings point at the subnets line (else the network block, the service)."""
        for v in (self.svc.subnets, self.svc.network):
            if v is not None:
                return v.loc
        return self.svc.loc


def placements(ctx: Context) -> Iterator[Placement]:
    yield from ctx.placements


def subnet_egress(ctx: Context, p: Placement) -> Iterator[tuple[V, m.Subnet, Fact, DefaultRoute]]:
    """For each subnet of the placement defined in scope: its internet egress and default
    route (the scheduler spreads tasks, so every subnet counts)."""
    for ref, subnet in ctx.net.placement_subnets(p.svc):
        fact, route = ctx.net.internet_egress(p.svc, subnet, p.launch or "", p.mode)
        yield ref, subnet, fact, route


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
