"""Typed findings and rule metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.values import Loc

SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Step:
    """One hop of an explanation: what a resource contributed, and where."""

    message: str
    loc: Loc


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    loc: Loc
    resource: str = ""
    path: tuple[Step, ...] = ()
    fix: str = ""
    fingerprint: str = ""  # set by the engine once all findings are known (baseline.py)

    def sort_key(self) -> tuple:
        return (self.loc.file, self.loc.line, self.loc.column, self.rule, self.message)


@dataclass(frozen=True)
class RuleMeta:
    """What `fargate-lint rules` lists; the long documentation is the module docstring."""

    id: str
    name: str
    severity: str
    summary: str
    formats: tuple[str, ...] = ("cloudformation", "terraform", "taskdef")
    tags: tuple[str, ...] = field(default=())

    @property
    def help_url(self) -> str:
        return f"https://github.com/fargate-lint/fargate-lint/blob/main/docs/rules.md#{self.id.lower()}"
