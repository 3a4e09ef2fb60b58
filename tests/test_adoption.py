"""Adopting the gate on an existing repository: baseline, suppressions and what they
show."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURES, ROOT
from linter.rules import RULES

from linter.cli import main
from linter.engine import run

EXAMPLE = ROOT / "examples" / "private-subnet-no-nat.yaml"  # FG004 warning, FG010 error


def reported(capsys, *args: str) -> tuple[int, list[tuple[str, int]]]:
    code = main(["check", "--format", "json", *args])
    found = json.loads(capsys.readouterr().out)["findings"]
    return code, [(f["rule"], f["line"]) for f in found]


@pytest.fixture
def repo(in_tmp):
    shutil.copy(EXAMPLE, in_tmp / "app.yaml")
    return in_tmp


def test_baseline_reports_only_new_findings(repo, capsys) -> None:
    assert main(["check", "--write-baseline", "baseline.json", "."]) == 0
    assert "recorded 3 findings in baseline.json" in capsys.readouterr().err
    data = json.loads((repo / "baseline.json").read_text())
    assert [(e["rule"], e["file"]) for e in data["findings"]] == [
        ("FG004", "app.yaml"),
        ("FG001", "app.yaml"),
        ("FG010", "app.yaml"),
    ]
    assert "line" not in data["findings"][0]  # a baseline must not churn with edits
    assert reported(capsys, "--baseline", "baseline.json", ".") == (0, [])
    # Edits above move every line; nothing old resurfaces. A second service is new.
    text = (repo / "app.yaml").read_text()
    text = text.replace("Resources:\n", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n", 1)
    second = text[text.index("  Service:\n") :].replace("  Service:", "  Worker:")
    (repo / "app.yaml").write_text(text + second)
    # The worker is a new service: its FG010, FG001, and FG004 on the shared container.
    assert reported(capsys, "--baseline", "baseline.json", ".") == (
        1,
        [("FG004", 27), ("FG001", 43), ("FG010", 47)],
    )
    assert main(["check", "--baseline", "baseline.json", "."]) == 1
    assert "(3 in the baseline)" in capsys.readouterr().out.splitlines()[-1]


def test_baseline_counts_repeats(repo, capsys) -> None:
    """Two identical findings recorded once: the second is new."""
    text = (repo / "app.yaml").read_text()
    (repo / "a.yaml").write_text(text)
    main(["check", "--write-baseline", "b.json", "a.yaml"])
    capsys.readouterr()
    data = json.loads((repo / "b.json").read_text())
    data["findings"] = [e for e in data["findings"] if e["rule"] in ("FG001", "FG010")]
    (repo / "b.json").write_text(json.dumps(data))
    assert reported(capsys, "--baseline", "b.json", "a.yaml") == (1, [("FG004", 25)])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"findings": []}', "not a fargate-lint baseline"),
        ('{"fargate-lint-baseline": 1, "findings": [{"rule": "FG010"}]}', "needs a fingerprint"),
    ],
)
def test_bad_baseline_is_a_clear_error(repo, capsys, content, message) -> None:
    (repo / "b.json").write_text(content)
    assert main(["check", "--baseline", "b.json", "."]) == 2
    assert message in capsys.readouterr().err


def test_baseline_options_exclude_each_other(repo, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--baseline", "a", "--write-baseline", "b", "."])
    assert exc.value.code == 2


def test_show_suppressed_says_why(capsys) -> None:
    used = str(FIXTURES / "FG100" / "cfn_used.yaml")
    assert main(["check", "--show-suppressed", used]) == 0
    out = capsys.readouterr().out.splitlines()
    i = out.index("suppressed:")
    hidden = out[i + 1 : -2]  # then the coverage and summary lines
    assert len(hidden) == 5 and all(" FG010 " in line for line in hidden)
    assert hidden[0].endswith("[suppressed at fixtures/FG100/cfn_used.yaml:29 (egress via proxy)]")
    assert "(egress goes through the inspection VPC)]" in hidden[-1]
    assert out[-1].endswith("(5 suppressed)")
    main(["check", "--format", "json", "--show-suppressed", used])
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] == [] and data["summary"]["suppressed"] == 5
    assert data["suppressed"][1]["suppression"]["line"] == 37
    assert data["suppressed"][1]["suppression"]["reason"] == "egress via proxy"


def test_suppressions_in_sarif_are_in_source(capsys) -> None:
    used = str(FIXTURES / "FG100" / "cfn_used.yaml")
    main(["check", "--format", "sarif", used])
    assert json.loads(capsys.readouterr().out)["runs"][0]["results"] == []
    main(["check", "--format", "sarif", "--show-suppressed", used])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert {r["suppressions"][0]["kind"] for r in results} == {"inSource"}


def test_comma_separated_ids_each_count(tmp_path) -> None:
    text = EXAMPLE.read_text().replace(
        "          Subnets: [!Ref PrivateSubnet]",
        "          Subnets: [!Ref PrivateSubnet]  # fargate-lint: ignore=FG010, FG011 why",
    )
    p = tmp_path / "t.yaml"
    p.write_text(text)
    result = run([str(p)], RULES)
    assert [(f.rule, f.loc.line) for f in result.findings] == [
        ("FG004", 25),
        ("FG001", 32),
        ("FG100", 36),
    ]
    assert result.findings[2].message == "unused suppression: no FG011 finding here to suppress"
    assert result.suppressed[0].by.reason == "why"


def test_unselected_rules_are_not_judged_unused(tmp_path) -> None:
    p = tmp_path / "t.yaml"
    p.write_text(EXAMPLE.read_text().replace("  Vpc:\n", "  Vpc:  # fargate-lint: ignore=FG011\n"))
    assert [f.rule for f in run([str(p)], {"FG100": RULES["FG100"]}).findings] == []
    assert [f.rule for f in run([str(p)], RULES).findings] == ["FG100", "FG004", "FG001", "FG010"]


def test_fg100_can_be_silenced_but_not_by_itself(tmp_path) -> None:
    p = tmp_path / "t.yaml"
    p.write_text(
        EXAMPLE.read_text().replace("  Vpc:\n", "  Vpc:  # fargate-lint: ignore=FG011,FG100\n")
    )
    result = run([str(p)], RULES)
    assert [f.rule for f in result.findings] == ["FG004", "FG001", "FG010"]
    assert [s.finding.rule for s in result.suppressed] == ["FG100"]


def test_suppression_in_a_file_that_does_not_parse(tmp_path) -> None:
    """Comments are read from the text, so even a parse error can be suppressed where
    the parser reports it."""
    p = tmp_path / "t.yaml"
    p.write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Vpc: {Type: AWS::EC2::VPC}\n"
        "  Vpc: {Type: AWS::EC2::VPC}  # fargate-lint: ignore=FG000 merged by our generator\n"
    )
    result = run([str(p)], RULES)
    assert [(f.rule, f.loc.line) for f in result.findings] == [("FG000", 3)]
    assert [(s.finding.loc.line, s.by.reason) for s in result.suppressed] == [
        (4, "merged by our generator")
    ]


@pytest.mark.parametrize(
    ("comment", "rules", "reason"),
    [
        ("# fargate-lint: ignore=FG010", ["FG010"], ""),
        ("# fargate-lint: ignore=FG010,FG011 the reason", ["FG010", "FG011"], "the reason"),
        ("#fargate-lint:ignore = fg010 , FG011 -- why", ["FG010", "FG011"], "why"),
        ("// fargate-lint: ignore=FG010, and this is why", ["FG010"], "and this is why"),
        ("# fargate-lint: ignore=FG01O typo", ["FG01O"], "typo"),
        ("# fargate-lint: ignore=FG010 why  # a second comment", ["FG010"], "why"),
    ],
)
def test_comment_syntax(tmp_path, comment, rules, reason) -> None:
    from linter.files import Files
    from linter.suppress import comment_ignores

    p = tmp_path / "t.tf"
    p.write_text(f'locals {{ a = 1 }} {comment}\nlocals {{ b = "#fargate-lint: x" }}\n')
    found = comment_ignores(str(p), [], Files(str(tmp_path)))
    assert [(i.rule, i.reason, i.problem, i.first) for i in found] == [
        (r, reason, "", 1) for r in rules
    ]
