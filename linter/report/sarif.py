"""SARIF 2.1.0 for GitHub code scanning and editors.

Locations are relative to `%SRCROOT%` (the root of the repository that holds the linted
files), so the log names no local path. Each network explanation is carried twice:
as `relatedLocations` and as a one-thread `codeFlows` that editors can step through.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any, TextIO
from urllib.parse import quote

from linter import __version__, ruledoc
from linter.baseline import relative
from linter.engine import INTERNAL, Result
from linter.findings import Finding, Step
from linter.model import Ignore
from linter.report import Options, end_of
from linter.values import Loc

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/fargate-lint/fargate-lint"
ROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
MAX_DESCRIPTION = 1024  # GitHub's limit for shortDescription and fullDescription


def region(loc: Loc) -> dict[str, int]:
    out = {"startLine": max(loc.line, 1), "startColumn": max(loc.column, 1)}
    end = end_of(loc)
    if end:
        out["endLine"] = end[0]
        if end[1] >= 1:
            out["endColumn"] = end[1]
    return out


def physical(loc: Loc) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": quote(relative(loc.file)), "uriBaseId": ROOT},
        "region": region(loc),
    }


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def descriptor(module: ModuleType) -> dict[str, Any]:
    meta, parts = module.META, ruledoc.sections(module)
    fix = parts.get("Use instead", "")
    # The help is how to fix it, and why, with AWS's references.
    help_md = "\n\n".join(
        f"## {name}\n{parts[name]}"
        for name in ("Use instead", "Why is this bad?", "Known problems", "References")
        if name in parts
    )
    return {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": _clip(meta.summary)},
        "fullDescription": {
            "text": _clip(ruledoc.plain(parts.get("What it does", meta.summary))),
            "markdown": parts.get("What it does", meta.summary),
        },
        "help": {"text": ruledoc.plain(fix) or meta.summary, "markdown": help_md},
        "helpUri": meta.help_url,
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": {
            "tags": [ruledoc.category(meta.id), *meta.tags],
            "precision": "high",
            "problem.severity": PROBLEM_SEVERITY[meta.severity],
        },
    }


def _step(n: int, step: Step) -> dict[str, Any]:
    return {"id": n, "physicalLocation": physical(step.loc), "message": {"text": step.message}}


def result(f: Finding, index: int, options: Options, by: Ignore | None = None) -> dict[str, Any]:
    text = f"{f.message.rstrip('.')}. Fix: {f.fix}" if f.fix else f.message
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical(f.loc)}],
        "partialFingerprints": {"primaryLocationLineHash": f.fingerprint},
    }
    if f.path:
        out["relatedLocations"] = [_step(n, s) for n, s in enumerate(f.path, 1)]
        out["codeFlows"] = [
            {
                "message": {"text": "the resources that decided it"},
                "threadFlows": [
                    {
                        "locations": [
                            {"location": _step(n, s), "executionOrder": n}
                            for n, s in enumerate(f.path, 1)
                        ]
                    }
                ],
            }
        ]
    if by is not None:
        out["suppressions"] = [
            {
                "kind": "inSource",
                "justification": by.reason or "no reason given",
                "location": {"physicalLocation": physical(by.loc)},
            }
        ]
    elif options.baseline:
        out["baselineState"] = "new"
    return out


def coverage_notes(res: Result) -> list[dict[str, Any]]:
    """What could not be decided, as notes: a silent log must not read as all clear."""
    notes = []
    for c in res.undecided:
        why = "; ".join(b.what for b in c.blinds)
        places = dict.fromkeys([c.loc, *(b.loc for b in c.blinds)])
        notes.append(_note(f"{c.kind} {c.id} was not fully checked: {why}", places))
    notes += [_note(b.what, [b.loc]) for b in res.unseen]
    return notes


def _note(text: str, places) -> dict[str, Any]:
    return {
        "level": "note",
        "descriptor": {"id": "coverage"},
        "message": {"text": text},
        "locations": [{"physicalLocation": physical(loc)} for loc in places],
    }


def as_dict(res: Result, options: Options) -> dict[str, Any]:
    from linter.rules import RULES

    shown = [(f, None) for f in res.findings if f.rule != INTERNAL]
    if options.show_suppressed:
        shown += [(s.finding, s.by) for s in res.suppressed]
    fired = sorted({f.rule for f, _ in shown})
    index = {rid: n for n, rid in enumerate(fired)}
    internal = [f for f in res.findings if f.rule == INTERNAL]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fargate-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [descriptor(RULES[rid]) for rid in fired],
                    }
                },
                "originalUriBaseIds": {
                    ROOT: {
                        "description": {
                            "text": "The root of the repository that holds the linted files."
                        }
                    }
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": not internal,
                        "toolExecutionNotifications": [
                            {
                                "level": "error",
                                "message": {"text": f.message},
                                "locations": [{"physicalLocation": physical(f.loc)}],
                            }
                            for f in internal
                        ]
                        + coverage_notes(res),
                    }
                ],
                "results": [result(f, index[f.rule], options, by) for f, by in shown],
            }
        ],
    }


def render(res: Result, out: TextIO, options: Options) -> None:
    json.dump(as_dict(res, options), out, indent=2, ensure_ascii=False)
    out.write("\n")
