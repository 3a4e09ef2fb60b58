"""Every rule documents itself in ruff's sections, in both template languages."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from linter.rules import RULES

from linter import ruledoc
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


def test_rules_md_is_generated_from_the_docstrings() -> None:
    page = ROOT / "docs" / "rules.md"
    assert page.read_text(encoding="utf-8") == ruledoc.markdown(RULES), (
        "docs/rules.md is stale: run `python -m linter.ruledoc > docs/rules.md`"
    )


def test_every_doc_anchor_is_the_help_url() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule_id, module in RULES.items():
        anchor = module.META.help_url.rsplit("#", 1)[1]
        assert f'<a id="{anchor}"></a>' in page, rule_id


def test_readme_lists_every_rule() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule_id, module in RULES.items():
        row = f"| {rule_id} | {module.META.severity} | {module.META.name} |"
        assert row in readme, f"README's rule table lacks {row}"


def test_sections_feed_sarif() -> None:
    parts = ruledoc.sections(RULES["FG010"])
    assert list(parts)[:2] == ["What it does", "Why is this bad?"]
    assert parts["Use instead"].startswith("Give the private route table a default route")
    assert "```" not in ruledoc.plain(parts["Use instead"])
