"""JUnit XML for CI test reports (GitLab, Jenkins, Azure): a test suite per file and a
test case per rule that ran on it. Findings at or above --fail-on are failures; the
others are listed in the case's output, so the report agrees with the exit status.
An internal error is an <error> in the suite of its location, even a file no rule ran on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TextIO
from xml.etree import ElementTree as ET

from linter.baseline import relative
from linter.engine import INTERNAL, Result
from linter.findings import Finding
from linter.report import Options, fails, steps

# What XML 1.0 forbids (most C0 controls, surrogates, U+FFFE/U+FFFF): one makes the
# whole report unreadable. Reports are cleaned before (report/safe.py); this is the backstop.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _line(f: Finding) -> str:
    head = f"{relative(f.loc.file)}:{f.loc.line}:{f.loc.column}: [{f.severity}] {f.message}"
    fix = [f"    fix: {f.fix}"] if f.fix else []
    return "\n".join([head, *steps(f, "    "), *fix])


def _rules(result: Result, file: str, by_case: dict[tuple[str, str], list[Finding]]) -> list[str]:
    """The rules that ran on `file`, and INTERNAL if one crashed there. A file no rule ran
    on (its reader crashed, a Terraform directory) has only what was found in it."""
    from linter.rules import RULES

    if file not in result.files:
        return sorted(rid for where, rid in by_case if where == file)  # FG… before INTERNAL
    kind = result.files[file]
    ran = [rid for rid in result.rules if not kind or kind in RULES[rid].META.formats]
    return ran + ([INTERNAL] if (file, INTERNAL) in by_case else [])


def render(result: Result, out: TextIO, options: Options) -> None:
    from linter.rules import RULES

    by_case: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_case[(f.loc.file, f.rule)].append(f)
    root = ET.Element("testsuites", name="fargate-lint")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for file in sorted({*result.files, *(where for where, _ in by_case)}):
        suite = ET.SubElement(root, "testsuite", name=relative(file))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for rid in _rules(result, file, by_case):
            found = by_case.get((file, rid), [])
            name = f"{rid} {RULES[rid].META.name}" if rid in RULES else rid
            case = ET.SubElement(
                suite, "testcase", classname=relative(file), name=name, file=relative(file)
            )
            counts["tests"] += 1
            failing = [f for f in found if fails(f.severity, options.fail_on)]
            if rid == INTERNAL:
                counts["errors"] += 1
                error = ET.SubElement(case, "error", message=found[0].message)
                error.text = "\n".join(_line(f) for f in found)
            elif failing:
                counts["failures"] += 1
                worst = "error" if any(f.severity == "error" for f in failing) else "warning"
                failure = ET.SubElement(case, "failure", type=worst, message=failing[0].message)
                failure.text = "\n".join(_line(f) for f in failing)
            rest = [f for f in found if f not in failing and rid != INTERNAL]
            if rest:
                ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in rest)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(_NOT_XML.sub("", ET.tostring(root, encoding="unicode")))
    out.write("\n")
