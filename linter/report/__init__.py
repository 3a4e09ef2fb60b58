"""Reporters: they only format findings. Each module has `render(result, out, options)`;
`render(name, ...)` here is how the CLI calls one: on a cleaned Result (report/safe.py),
into a stream that escapes what its encoding cannot hold."""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, TextIO

from linter.findings import Finding, severity_rank
from linter.values import Loc

if TYPE_CHECKING:
    from linter.engine import Result

FORMATS = ("text", "json", "sarif", "github", "junit")


@dataclass(frozen=True)
class Options:
    colour: bool = False
    show_suppressed: bool = False  # also list what suppressions hid, and why
    fail_on: str = "warning"  # findings at or above it fail the run (junit failures)
    baseline: bool = False  # a baseline left out known findings: the rest are new
    verbose: bool = False  # list every launcher that was not fully decided, and why


def reporter(name: str) -> ModuleType:
    """The reporter module; imported on demand so a text run pays for no other."""
    return importlib.import_module(f"linter.report.{name}")


def render(name: str, result: Result, out: TextIO, options: Options) -> None:
    """Report `result` in format `name`. Every string from a template or the file system
    is cleaned here, once for all formats, and a character `out` cannot encode is
    written as an escape: a report is never lost to one odd character."""
    from linter.report import safe

    errors = tolerant(out)
    try:
        reporter(name).render(safe.clean(result), out, options)
    finally:
        if errors is not None:
            out.reconfigure(errors=errors)


def tolerant(out: TextIO) -> str | None:
    """Make a text file write what its encoding lacks (a cp1252 console, LANG=C) as
    `\\uXXXX` instead of raising; the error mode it had, or None if unchanged."""
    errors = getattr(out, "errors", None)
    if not hasattr(out, "reconfigure") or errors in (None, "backslashreplace"):
        return None  # StringIO holds any str
    try:
        out.reconfigure(errors="backslashreplace")
    except (ValueError, io.UnsupportedOperation):
        return None
    return errors


def end_of(loc: Loc) -> tuple[int, int] | None:
    """(end line, end column just past it; 0 if unknown) when the reader knew where the
    located text ends, and that is past its start."""
    if loc.end_line > loc.line or (loc.end_line == loc.line and loc.end_column > loc.column):
        return loc.end_line, loc.end_column
    return None


def steps(f: Finding, indent: str) -> list[str]:
    """The explanation, a `file:line: what` line per hop, paths as reports name them."""
    from linter.baseline import relative

    return [f"{indent}{relative(s.loc.file)}:{s.loc.line}: {s.message}" for s in f.path]


def fails(severity: str, fail_on: str) -> bool:
    return fail_on != "never" and severity_rank(severity) >= severity_rank(fail_on)
