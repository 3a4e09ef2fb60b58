"""Terraform variables as terraform takes them: tfvars files (HCL and JSON), then
--var-file and --var, converted to the variable's type."""

from __future__ import annotations

import pathlib

import pytest
from linter.rules import RULES

from linter.cli import main
from linter.engine import Settings, run
from linter.sources import Given

FIXTURE = pathlib.Path(__file__).parent.parent / "fixtures" / "FG010" / "tf_private_no_nat"
SERVICE_LINE = 39  # the service's subnets line in the fixture


def _tree(tmp_path: pathlib.Path) -> pathlib.Path:
    """The FG010 fixture with its subnet count taken from `var.n` (type number)."""
    text = (FIXTURE / "main.tf").read_text()
    text = text.replace("count      = 2", "count      = var.n")
    text = text.replace("count          = 2", "count          = var.n")
    (tmp_path / "main.tf").write_text(text + 'variable "n" {\n  type = number\n}\n')
    return tmp_path


def _fg010(result) -> list[tuple[str, int]]:
    return [(f.rule, f.loc.line) for f in result.findings if f.rule == "FG010"]


def test_without_a_value_the_service_is_undecided_and_says_why(tmp_path) -> None:
    result = run([str(_tree(tmp_path))], RULES)
    assert _fg010(result) == []
    (cov,) = result.coverage
    assert not cov.decided
    assert [b.what for b in cov.blinds] == [
        "the subnets: the count of aws_subnet.private (variable n has no value)"
    ]


def test_tfvars_files_in_terraform_order(tmp_path) -> None:
    root = _tree(tmp_path)
    (root / "terraform.tfvars").write_text('n = "1"\n')  # a string: type number converts it
    assert _fg010(run([str(root)], RULES)) == [("FG010", SERVICE_LINE)]
    (root / "b.auto.tfvars.json").write_text('{"n": 3}\n')  # auto files come later and win
    assert _fg010(run([str(root)], RULES)) == [("FG010", SERVICE_LINE)] * 3


def test_var_file_and_var_override_the_directory(tmp_path) -> None:
    root = _tree(tmp_path)
    (root / "terraform.tfvars").write_text("n = 3\n")
    given = Given(var_files=(("prod.tfvars", "n = 2\n"),))
    assert _fg010(run([str(root)], RULES, Settings(given=given))) == [("FG010", SERVICE_LINE)] * 2
    given = Given(var_files=given.var_files, values=(("n", "1"),))  # --var comes last
    assert _fg010(run([str(root)], RULES, Settings(given=given))) == [("FG010", SERVICE_LINE)]


def test_cli_flags(tmp_path, capsys, monkeypatch) -> None:
    root = _tree(tmp_path)
    monkeypatch.chdir(root)
    (root / "one.tfvars.json").write_text('{"n": 1}')
    assert main(["check", "--var-file", "one.tfvars.json", "."]) == 1
    assert "main.tf:39:" in capsys.readouterr().out
    assert main(["check", "--var", "n=0", "."]) == 0
    with pytest.raises(SystemExit) as exc:  # argparse's usage error
        main(["check", "--var", "novalue", "."])
    assert exc.value.code == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err
    assert main(["check", "--var-file", "missing.tfvars", "."]) == 2
    assert "cannot read a --var-file" in capsys.readouterr().err


def test_bad_var_file_is_fg000(tmp_path) -> None:
    root = _tree(tmp_path)
    given = Settings(given=Given(var_files=((str(root / "bad.tfvars"), "n = [\n"),)))
    found = [(f.rule, f.loc.file) for f in run([str(root)], RULES, given).findings]
    assert found == [("FG000", "bad.tfvars")]
