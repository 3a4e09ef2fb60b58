"""Every rule fires exactly where its fixtures say, and nowhere else they check."""

from __future__ import annotations

import os

import pytest
from conftest import FIXTURES, ROOT
from fixture_cases import Case, cases
from linter.rules import RULES
from test_report import valid_sarif

from linter.engine import run

CASES = cases(FIXTURES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # as CI runs it: SARIF's paths are relative to the root
    result = run([os.path.relpath(case.path, ROOT)], RULES)
    assert not result.internal_errors, [f.message for f in result.findings if f.rule == "INTERNAL"]
    got = {(f.rule, f.loc.line) for f in result.findings if f.rule in case.checked}
    assert got == set(case.expected), "\n".join(
        f"{f.loc}: {f.rule} {f.message}" for f in result.findings
    )
    valid_sarif(result)  # and what it reports validates as SARIF, one run for both


def test_every_rule_has_firing_and_quiet_fixtures() -> None:
    for rule_id, module in RULES.items():
        mine = [c for c in CASES if c.rule == rule_id]
        assert any(c.expected for c in mine), f"{rule_id} has no fixture that fires"
        quiet = [
            c
            for c in CASES
            if rule_id in c.checked and not any(r == rule_id for r, _ in c.expected)
        ]
        assert quiet, f"{rule_id} has no fixture that must stay quiet"
        formats = set(module.META.formats)
        kinds = set()
        for c in mine:
            tf_dir = c.path.is_dir() and any(c.path.glob("*.tf"))
            if tf_dir or c.path.suffix == ".tf" or c.path.name.startswith("tfplan"):
                kinds.add("terraform")  # a plan JSON file is Terraform too
            elif "taskdef" in c.path.name:
                kinds.add("taskdef")
            else:
                kinds.add("cloudformation")
        assert formats <= kinds, f"{rule_id} lacks fixtures for {formats - kinds}"
