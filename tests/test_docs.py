"""Every rule documents itself in ruff's sections, in both template languages."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT
from linter.rules import RULES

from linter import config, ruledoc
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
    if {"terraform", "cloudformation"} <= set(meta.formats) and rule_id != "FG000":
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


def _blocks(language: str) -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", readme, flags=re.DOTALL)


def test_readme_configuration_example_is_valid(tmp_path) -> None:
    (toml,) = _blocks("toml")
    (tmp_path / "pyproject.toml").write_text(toml)
    cfg = config.load(cwd=str(tmp_path))
    assert cfg.severity == {"FG031": "error", "FG011": "warning"} and cfg.fail_on == "error"


def test_readme_yaml_snippets_parse_and_name_the_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    snippets = [yaml.safe_load(b) for b in _blocks("yaml") if "repos:" in b or "jobs:" in b]
    (pre_commit,) = [s for s in snippets if "repos" in s]
    assert pre_commit["repos"][0]["hooks"][0]["id"] in {h["id"] for h in hooks}
    (workflow,) = [s for s in snippets if "jobs" in s]
    steps = workflow["jobs"]["fargate-lint"]["steps"]
    assert any("upload-sarif" in s.get("uses", "") for s in steps)
