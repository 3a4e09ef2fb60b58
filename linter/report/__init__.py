"""Reporters: they only format findings. Each module has `render(result, out, options)`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from linter.findings import severity_rank

FORMATS = ("text", "json", "sarif", "github", "junit")


@dataclass(frozen=True)
class Options:
    colour: bool = False
    show_suppressed: bool = False  # also list what suppressions hid, and why
    fail_on: str = "warning"  # findings at or above it fail the run (junit failures)
    baseline: bool = False  # a baseline left out known findings: the rest are new


def reporter(name: str) -> ModuleType:
    """The reporter module; imported on demand so a text run pays for no other."""
    return importlib.import_module(f"linter.report.{name}")


def fails(severity: str, fail_on: str) -> bool:
    return fail_on != "never" and severity_rank(severity) >= severity_rank(fail_on)
