"""What the task-definition validity rules (FG092-FG097) share: whether a task definition
runs on Fargate or Windows, and when a launcher's assumptions contradict each other."""

from __future__ import annotations

import re

from linter import model as m
from linter.findings import Step
from linter.values import V, text

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def platform_version(v: V | None) -> tuple[int, int, int] | None:
    """A literal Fargate platform version (`1.3.0`) as numbers; None for LATEST, an
    omitted one, or one that cannot be read."""
    mt = _VERSION.match(text(v) or "")
    return tuple(int(x) for x in mt.groups()) if mt else None  # type: ignore[return-value]


def fargate_reason(
    td: m.TaskDefinition, launchers: dict[str, object]
) -> tuple[Step, tuple[str, ...]] | None:
    """Why the task definition runs on Fargate (RequiresCompatibilities, else a launcher
    in `launchers` by task-definition id that launches it there), with the assumptions
    behind it; None when it need not."""
    if m.fargate_compatible(td):
        return Step("RequiresCompatibilities includes FARGATE", td.compatibilities.loc), (
            td.compatibilities.assumed
        )
    p = launchers.get(td.id)
    if p is None or against_defaults(p.svc, p.assumed):
        return None
    return Step(f"{p.svc.id} launches it on Fargate", p.svc.loc), p.assumed


def windows_family(td: m.TaskDefinition) -> str:
    """The WINDOWS_* operating system family the task definition names, or ""."""
    family = text(td.os_family) or ""
    return family if family.upper().startswith("WINDOWS") else ""


def against_defaults(svc: m.Service, assumed: tuple[str, ...]) -> bool:
    """A CloudFormation launcher kept on the assumption that its Condition holds, judged
    with values that rest on parameter defaults: the two may contradict each other (a
    service for the non-default launch type, checked with the default's task settings)."""
    holds = f"condition {svc.condition} holds"
    return bool(svc.condition) and any(a != holds for a in assumed)
