"""One JSON object: version, findings, summary."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from linter import __version__
from linter.engine import Result
from linter.findings import Finding
from linter.report import Options
from linter.values import Loc


def finding(f: Finding) -> dict:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "file": f.loc.file,
        "line": f.loc.line,
        "column": f.loc.column,
        "resource": f.resource,
        "fix": f.fix,
        "path": [
            {
                "message": s.message,
                "file": s.loc.file,
                "line": s.loc.line,
                "column": s.loc.column,
            }
            for s in f.path
        ],
        "fingerprint": f.fingerprint,
    }


def place(loc: Loc) -> dict:
    return {"file": loc.file, "line": loc.line, "column": loc.column}


def as_dict(result: Result, options: Options | None = None) -> dict:
    counts = Counter(f.severity for f in result.findings)
    out = {
        "version": __version__,
        "findings": [finding(f) for f in result.findings],
        "summary": {
            "units": result.units,
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
            "internal_errors": result.internal_errors,
            "suppressed": len(result.suppressed),
            "baselined": result.baselined,
            "decided": len(result.coverage) - len(result.undecided),
            "undecided": len(result.undecided),
        },
        "coverage": [
            {
                "id": c.id,
                "kind": c.kind,
                **place(c.loc),
                "decided": c.decided,
                "blind": [{"what": b.what, **place(b.loc)} for b in c.blinds],
            }
            for c in result.coverage
        ],
        "unseen": [{"what": b.what, **place(b.loc)} for b in result.unseen],
    }
    if options is not None and options.show_suppressed:
        out["suppressed"] = [
            {
                **finding(s.finding),
                "suppression": {
                    "file": s.by.loc.file,
                    "line": s.by.loc.line,
                    "column": s.by.loc.column,
                    "reason": s.by.reason,
                },
            }
            for s in result.suppressed
        ]
    return out


def render(result: Result, out: TextIO, options: Options) -> None:
    json.dump(as_dict(result, options), out, indent=2)
    out.write("\n")
