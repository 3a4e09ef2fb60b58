"""Configuration files: discovery, validation, every key, and flags overriding them."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURES, ROOT

from linter.cli import main

EXAMPLE = ROOT / "examples" / "private-subnet-no-nat.yaml"  # FG004 warning, FG010 error


def rules_reported(capsys, *args: str) -> tuple[int, list[tuple[str, str, int]]]:
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    found = json.loads(out)["findings"] if out else []
    return code, [(f["rule"], f["severity"], f["line"]) for f in found]


@pytest.fixture
def repo(in_tmp):
    (in_tmp / "infra").mkdir()
    shutil.copy(EXAMPLE, in_tmp / "infra" / "app.yaml")
    return in_tmp


def test_pyproject_table_found_from_a_subdirectory(repo, capsys, monkeypatch) -> None:
    (repo / "pyproject.toml").write_text('[tool.fargate-lint]\nignore = ["FG004"]\n')
    monkeypatch.chdir(repo / "infra")
    assert rules_reported(capsys, "app.yaml") == (
        1,
        [("FG001", "error", 32), ("FG010", "error", 36)],
    )


def test_pyproject_without_the_table_is_passed_over(repo, capsys, monkeypatch) -> None:
    (repo / ".fargate-lint.toml").write_text('select = ["FG004"]\n')
    (repo / "infra" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.chdir(repo / "infra")
    assert rules_reported(capsys, "app.yaml") == (1, [("FG004", "warning", 25)])


def test_dedicated_file_wins_in_the_same_directory(repo, capsys) -> None:
    (repo / "pyproject.toml").write_text('[tool.fargate-lint]\nselect = ["FG010"]\n')
    (repo / ".fargate-lint.toml").write_text('select = ["FG004"]\n')
    assert rules_reported(capsys, "infra")[1] == [("FG004", "warning", 25)]


def test_severity_override_and_fail_on(repo, capsys) -> None:
    (repo / ".fargate-lint.toml").write_text('fail-on = "error"\n[severity]\nFG010 = "warning"\n')
    assert rules_reported(capsys, "infra") == (
        1,
        [("FG004", "warning", 25), ("FG001", "error", 32), ("FG010", "warning", 36)],
    )


def test_flags_override_the_file(repo, capsys) -> None:
    (repo / ".fargate-lint.toml").write_text('select = ["FG004"]\nfail-on = "never"\n')
    assert rules_reported(capsys, "--select", "FG010", "--fail-on", "error", "infra") == (
        1,
        [("FG010", "error", 36)],
    )


def test_prefixes_select_and_ignore(repo, capsys) -> None:
    (repo / ".fargate-lint.toml").write_text('select = ["fg0"]\nignore = ["FG00"]\n')
    assert rules_reported(capsys, "infra")[1] == [("FG010", "error", 36)]


def test_exclude_applies_to_walked_and_named_paths(repo, capsys) -> None:
    (repo / "legacy").mkdir()
    shutil.copy(EXAMPLE, repo / "legacy" / "old.yaml")
    shutil.copy(EXAMPLE, repo / "infra" / "generated.yaml")
    (repo / ".fargate-lint.toml").write_text('exclude = ["legacy/", "generated.*"]\n')
    code = main(["check", "--format", "json", "."])
    files = {f["file"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert (code, files) == (1, {"infra/app.yaml"})
    # pre-commit names changed files; excluded ones stay excluded
    assert rules_reported(capsys, "legacy/old.yaml", "infra/generated.yaml") == (0, [])


def test_exclude_drops_findings_in_one_file_of_a_terraform_unit(in_tmp, capsys) -> None:
    unit = in_tmp / "net"
    shutil.copytree(FIXTURES / "FG011" / "tf_public_ip", unit)
    text = (unit / "main.tf").read_text()
    cut = text.index('resource "aws_ecs_service"')
    (unit / "main.tf").write_text(text[:cut])
    (unit / "svc.tf").write_text(text[cut:])
    assert len(rules_reported(capsys, "net")[1]) == 2
    (in_tmp / ".fargate-lint.toml").write_text('exclude = ["svc.tf"]\n')
    assert rules_reported(capsys, "net") == (0, [])


def test_include_narrows_what_is_read(repo, capsys) -> None:
    (repo / "other").mkdir()
    shutil.copy(EXAMPLE, repo / "other" / "app.yaml")
    (repo / ".fargate-lint.toml").write_text('include = ["infra/**"]\n')
    main(["check", "--format", "json", "."])
    files = {f["file"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert files == {"infra/app.yaml"}


def test_explicit_config_file(repo, capsys) -> None:
    (repo / "ci.toml").write_text('select = ["FG004"]\n')
    (repo / ".fargate-lint.toml").write_text('select = ["FG010"]\n')
    assert rules_reported(capsys, "--config", "ci.toml", "infra")[1] == [("FG004", "warning", 25)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('selct = ["FG010"]\n', "unknown key 'selct' (did you mean 'select'?)"),
        ('fail-on = "sometimes"\n', "fail-on: 'sometimes' is not one of"),
        ('select = "FG010"\n', "select: 'FG010' is not of type 'array'"),
        ('select = ["FG01x"]\n', "select.0: 'FG01x' does not match"),
        ('ignore = ["FG2"]\n', "ignore: 'FG2' matches no rule"),
        ('[severity]\nFG010 = "fatal"\n', "severity.FG010: 'fatal' is not one of"),
        ('[severity]\nFG999 = "error"\n', "severity: 'FG999' is not a rule"),
        ("exclude = [\n", "not valid TOML"),
    ],
)
def test_bad_configuration_is_a_clear_error(repo, capsys, text, message) -> None:
    (repo / ".fargate-lint.toml").write_text(text)
    assert main(["check", "infra"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fargate-lint: ") and ".fargate-lint.toml: " in err
    assert message in err


def test_unknown_rule_on_the_command_line(repo, capsys) -> None:
    assert main(["check", "--select", "FG8", "infra"]) == 2
    assert "--select: 'FG8' matches no rule" in capsys.readouterr().err


def test_explicit_pyproject_needs_the_table(repo, capsys) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert main(["check", "--config", "pyproject.toml", "infra"]) == 2
    assert "no [tool.fargate-lint] table" in capsys.readouterr().err
