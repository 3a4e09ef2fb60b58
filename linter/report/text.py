"""`path:line:col: FG010 [error] message`, the explanation indented below.

The only escape sequences are our colours: report/safe.py has made template text visible.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from linter.engine import Result
from linter.report import Options
from linter.suppress import Suppressed

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET, _DIM, _BOLD = "\033[0m", "\033[2m", "\033[1m"


def suppressed_line(s: Suppressed) -> str:
    f, by = s.finding, s.by
    reason = f" ({by.reason})" if by.reason else ""
    return f"{f.loc}: {f.rule} {f.message} [suppressed at {by.loc.file}:{by.loc.line}{reason}]"


def summary(result: Result) -> str:
    counts = Counter(f.severity for f in result.findings)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info")
    ]
    noun = "unit" if result.units == 1 else "units"
    line = f"{', '.join(parts)} in {result.units} {noun} checked"
    extra = []
    if result.suppressed:
        extra.append(f"{len(result.suppressed)} suppressed")
    if result.baselined:
        extra.append(f"{result.baselined} in the baseline")
    return f"{line} ({', '.join(extra)})" if extra else line


def coverage_line(result: Result, verbose: bool) -> str | None:
    """How many launchers every fact was known for; None when there were none."""
    if not result.coverage and not result.unseen:
        return None
    total, open_ = len(result.coverage), len(result.undecided)
    line = f"coverage: {total - open_} of {total} services, task sets and scheduled tasks decided"
    blind = f"{len(result.unseen)} not read (modules or files)"
    if result.unseen:
        line += f"; {blind}"
    if (open_ or result.unseen) and not verbose:
        line += " (--verbose says what hid them)"
    return line


def blind_spots(result: Result) -> list[str]:
    """Each undecided launcher and what hid it; each unit that could not be seen."""
    out = []
    for c in result.undecided:
        out.append(f"{c.loc}: {c.kind} {c.id} was not fully checked:")
        out += [f"    {b.loc.file}:{b.loc.line}: {b.what}" for b in c.blinds]
    out += [f"{b.loc}: {b.what}" for b in result.unseen]
    return out


def render(result: Result, out: TextIO, options: Options) -> None:
    def c(code: str, s: str) -> str:
        return f"{code}{s}{_RESET}" if options.colour else s

    for f in result.findings:
        sev = c(_COLOURS.get(f.severity, ""), f"[{f.severity}]")
        print(f"{c(_BOLD, str(f.loc))}: {f.rule} {sev} {f.message}", file=out)
        for step in f.path:
            print(c(_DIM, f"    {step.loc.file}:{step.loc.line}: {step.message}"), file=out)
        if f.fix:
            print(c(_DIM, f"    fix: {f.fix}"), file=out)
    if options.show_suppressed and result.suppressed:
        print("suppressed:", file=out)
        for s in result.suppressed:
            print(c(_DIM, f"    {suppressed_line(s)}"), file=out)
    if options.verbose:
        for line in blind_spots(result):
            print(c(_DIM, line) if line.startswith(" ") else line, file=out)
    covered = coverage_line(result, options.verbose)
    if covered:
        print(covered, file=out)
    print(summary(result), file=out)
