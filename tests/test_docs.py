"""Every rule documents itself in ruff's sections, in both template languages."""

from __future__ import annotations

import re

import pytest
from linter.rules import RULES

from linter.findings import SEVERITIES

SECTIONS = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
]


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_doc(rule_id: str) -> None:
    module = RULES[rule_id]
    meta, doc = module.META, module.__doc__ or ""
    assert meta.id == rule_id and meta.severity in SEVERITIES
    assert re.fullmatch(r"[a-z0-9-]+", meta.name), "names are kebab-case"
    assert doc.splitlines()[0].startswith(f"{rule_id} — ")
    positions = [doc.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), (
        f"missing {[s for s, p in zip(SECTIONS, positions, strict=True) if p < 0]}"
    )
    assert positions == sorted(positions), "sections out of order"
    assert "https://" in doc.split("## References")[1]
    if "terraform" in meta.formats and rule_id != "FG000":
        assert "```yaml" in doc and "```hcl" in doc, (
            "show the fault in CloudFormation and Terraform"
        )
