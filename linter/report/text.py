"""`path:line:col: FG010 [error] message`, the explanation indented below."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from linter.engine import Result

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET, _DIM, _BOLD = "\033[0m", "\033[2m", "\033[1m"


def render(result: Result, out: TextIO, colour: bool) -> None:
    def c(code: str, s: str) -> str:
        return f"{code}{s}{_RESET}" if colour else s

    for f in result.findings:
        sev = c(_COLOURS.get(f.severity, ""), f"[{f.severity}]")
        print(f"{c(_BOLD, str(f.loc))}: {f.rule} {sev} {f.message}", file=out)
        for step in f.path:
            print(c(_DIM, f"    {step.loc.file}:{step.loc.line}: {step.message}"), file=out)
        if f.fix:
            print(c(_DIM, f"    fix: {f.fix}"), file=out)
    counts = Counter(f.severity for f in result.findings)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info")
    ]
    noun = "unit" if result.units == 1 else "units"
    print(f"{', '.join(parts)} in {result.units} {noun} checked", file=out)
