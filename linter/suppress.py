"""Suppressions: inline `# fargate-lint: ignore=FG010,FG011 reason` comments in YAML
and HCL, and the `Ignore` records a reader found (CloudFormation Metadata).

A comment covers the line it ends, or, alone on its line, the next line that is not a
comment. When that line opens a resource, it covers the whole resource. Every rule id
of a suppression that matches no finding is reported as FG100, so stale ones surface.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from linter import model as m
from linter.files import Files, lines
from linter.findings import Finding
from linter.sources import read_text
from linter.values import Loc

DIRECTIVE = re.compile(r"(?:^|\s)(?P<mark>#|//)\s*fargate-lint\s*:\s*(?P<body>.*)$")
# A rule id is letters then a digit (FG010, or a misspelt FG01O that FG100 will name).
_ID = r"[A-Za-z]+[0-9][A-Za-z0-9]*"
IGNORE = re.compile(rf"ignore\s*=\s*({_ID}(?:\s*,\s*{_ID})*)(.*)$")
USAGE = "expected `# fargate-lint: ignore=FG010[,FG011] [reason]`"
COMMENT_ONLY = re.compile(r"^\s*(#|//)")


@dataclass(frozen=True)
class Suppressed:
    finding: Finding
    by: m.Ignore


def comment_ignores(path: str, spans: Iterable[m.Span], files: Files) -> list[m.Ignore]:
    """The inline suppressions of one YAML or HCL file."""
    text, problem = read_text(path, files)
    if problem or text is None or "fargate-lint" not in text:
        return []
    openers = {s.first: s for s in spans if s.file == path}
    numbered = lines(text)
    out: list[m.Ignore] = []
    for n, line in enumerate(numbered, 1):
        found = DIRECTIVE.search(line) if "fargate-lint" in line else None
        if not found:
            continue
        loc = Loc(path, n, found.start("mark") + 1)
        target = n
        if COMMENT_ONLY.match(line):  # covers the next line that is not a comment
            while target < len(numbered) and COMMENT_ONLY.match(numbered[target]):
                target += 1
            target += 1
        span = openers.get(target)
        first, last = (span.first, span.last) if span else (target, target)
        parsed = IGNORE.match(found.group("body").strip())
        if not parsed:
            out.append(m.Ignore("", "", loc, first, last, USAGE))
            continue
        # The reason runs to the end of the line, or to a further comment on it.
        reason = re.split(r"\s(?:#|//)", parsed.group(2))[0].strip().lstrip("-—:;,").strip()
        for rule in parsed.group(1).split(","):
            out.append(m.Ignore(rule.strip().upper(), reason, loc, first, last))
    return out


def covers(ignore: m.Ignore, f: Finding) -> bool:
    return (
        ignore.rule == f.rule
        and ignore.loc.file == f.loc.file
        and ignore.first <= f.loc.line <= ignore.last
    )


def apply(
    findings: list[Finding], ignores: list[m.Ignore], ran: set[str], known: set[str]
) -> tuple[list[Finding], list[Suppressed], list[Finding]]:
    """(findings kept, findings suppressed, FG100 findings for unused suppressions).

    A suppression of a rule that did not run (not selected) cannot be judged unused.
    """
    from linter.rules import FG100_unused_suppression as fg100

    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    used: set[m.Ignore] = set()
    for f in findings:
        by = next((i for i in ignores if not i.problem and covers(i, f)), None)
        if by is None or f.rule == "INTERNAL":
            kept.append(f)
        else:
            used.add(by)
            suppressed.append(Suppressed(f, by))
    if fg100.META.id not in ran:
        return kept, suppressed, []
    unused: dict[Loc, list[m.Ignore]] = {}
    for i in ignores:
        stale = i not in used and (i.rule in ran or i.rule not in known)
        if i.problem or (stale and i.rule != fg100.META.id):
            unused.setdefault(i.loc, []).append(i)
    reported = []
    for group in unused.values():
        f = fg100.from_unused(group, known)
        # FG100 itself can be suppressed; a stale "ignore=FG100" is never reported
        by = next((i for i in ignores if not i.problem and covers(i, f)), None)
        if by is None:
            reported.append(f)
        else:
            suppressed.append(Suppressed(f, by))
    return kept, suppressed, reported
