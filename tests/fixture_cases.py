"""Fixture discovery: every file, Terraform directory or directory of CloudFormation
stacks (checked together) under fixtures/ is a case.

YAML and HCL fixtures carry `# expect: FG010` on the line where a finding must be
reported and `# ok: FG010` where it must not. Files that cannot hold a comment
(JSON, empty or binary files) carry a sidecar `NAME.expected.yaml` with
`expect: [{rule, line}]` and `ok: [rule ids]`; a Terraform directory may add an
`expected.yaml` for lines inside heredocs or JSON files. For every rule a case
names (and the rule of its folder), the lines it reports must equal the
expected lines exactly.
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass

import yaml

# In a comment, one or more markers: `# expect: FG010`, `# ok: FG052 ok: FG053`.
MARKER = re.compile(r"(?:#|\s)(expect|ok):\s*(FG\d{3})")


@dataclass(frozen=True)
class Case:
    rule: str  # the folder's rule
    path: pathlib.Path  # a file, or a Terraform directory
    expected: frozenset[tuple[str, int]]
    checked: frozenset[str]

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.path.name}"


def _markers(files: list[pathlib.Path]) -> tuple[set[tuple[str, str, int]], set[str]]:
    expected, checked = set(), set()
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            comment = line[line.index("#") :] if "#" in line else ""
            for kind, rule in MARKER.findall(comment):
                checked.add(rule)
                if kind == "expect":
                    expected.add((rule, str(f), n))
    return expected, checked


def cases(root: pathlib.Path) -> list[Case]:
    out = []
    for rule_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        rule = rule_dir.name
        for entry in sorted(rule_dir.iterdir()):
            if entry.is_dir():
                # A Terraform directory, or CloudFormation stacks checked together.
                stacks = [*entry.rglob("*.yaml"), *entry.rglob("*.yml")]
                files = sorted(entry.glob("*.tf")) + sorted(
                    p for p in stacks if p.name != "expected.yaml"
                )
                exp, checked = _markers(files)
                lines = {(r, n) for r, _, n in exp}
                # Lines no comment can sit on (inside a heredoc) go in expected.yaml.
                side = entry / "expected.yaml"
                if side.exists():
                    data = yaml.safe_load(side.read_text()) or {}
                    lines |= {(e["rule"], int(e["line"])) for e in data.get("expect", [])}
                    checked |= {r for r, _ in lines} | set(data.get("ok", []))
                out.append(Case(rule, entry, frozenset(lines), frozenset(checked | {rule})))
            elif entry.name.endswith(".expected.yaml"):
                continue
            elif (side := entry.with_name(entry.stem + ".expected.yaml")).exists():
                data = yaml.safe_load(side.read_text()) or {}
                exp = {(e["rule"], int(e["line"])) for e in data.get("expect", [])}
                checked = {r for r, _ in exp} | set(data.get("ok", [])) | {rule}
                out.append(Case(rule, entry, frozenset(exp), frozenset(checked)))
            elif entry.suffix in (".yaml", ".yml", ".template", ".tf"):
                exp, checked = _markers([entry])
                out.append(
                    Case(
                        rule,
                        entry,
                        frozenset((r, n) for r, _, n in exp),
                        frozenset(checked | {rule}),
                    )
                )
    return out
