"""One JSON object: version, findings, summary."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from linter import __version__
from linter.engine import Result


def as_dict(result: Result) -> dict:
    findings = [
        {
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
        }
        for f in result.findings
    ]
    counts = Counter(f.severity for f in result.findings)
    return {
        "version": __version__,
        "findings": findings,
        "summary": {
            "units": result.units,
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
            "internal_errors": result.internal_errors,
        },
    }


def render(result: Result, out: TextIO, colour: bool = False) -> None:
    json.dump(as_dict(result), out, indent=2)
    out.write("\n")
