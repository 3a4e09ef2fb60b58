"""The CLI contract other tools rely on: formats, exit codes, commands."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, ROOT

from linter import __version__
from linter.cli import main

EXAMPLE = str(ROOT / "examples" / "private-subnet-no-nat.yaml")
SHOWN = "examples/private-subnet-no-nat.yaml"  # reports name files from the repository root


def test_text_format_and_exit_1(capsys) -> None:
    assert main(["check", EXAMPLE]) == 1
    out = capsys.readouterr().out.splitlines()
    first = next(line for line in out if " FG010 " in line)
    assert first.startswith(f"{SHOWN}:36:21: FG010 [error] ")
    # the explanation steps follow, each with its own line
    assert any("PrivateRouteTable has no 0.0.0.0/0 route" in line for line in out)
    assert out[-1].startswith("2 errors, 1 warning, 0 infos in 1 unit")


def test_json_format(capsys) -> None:
    assert main(["check", "--format", "json", EXAMPLE]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == __version__
    f = next(f for f in data["findings"] if f["rule"] == "FG010")
    assert (f["file"], f["line"], f["column"], f["severity"]) == (SHOWN, 36, 21, "error")
    assert f["resource"] == "Service"
    hops = [(s["message"], s["line"]) for s in f["path"]]
    assert hops[0] == ("Service places tasks in subnet PrivateSubnet", 36)
    assert ("PrivateSubnet is associated with route table PrivateRouteTable", 14) in hops
    assert data["summary"]["errors"] == 2 and data["summary"]["warnings"] == 1


def test_fail_on_threshold(capsys) -> None:
    path = str(FIXTURES / "FG004" / "cfn_exec_without_init.yaml")  # warnings only
    assert main(["check", "--fail-on", "error", path]) == 0
    assert main(["check", path]) == 1
    assert main(["check", "--fail-on", "never", EXAMPLE]) == 0


def test_select_and_ignore(capsys) -> None:
    assert main(["check", "--select", "FG004", "--format", "json", EXAMPLE]) == 1
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert rules == {"FG004"}
    assert main(["check", "--ignore", "FG0", EXAMPLE]) == 0


def test_clean_file_exits_0(capsys) -> None:
    assert main(["check", str(FIXTURES / "FG000" / "cfn_valid.yaml")]) == 0
    assert "0 errors, 0 warnings, 0 infos in 1 unit checked" in capsys.readouterr().out


def test_missing_path_is_a_usage_error(capsys) -> None:
    assert main(["check", "does/not/exist.yaml"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_rules_and_explain(capsys) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "FG010  error    no-egress-path" in listing
    assert main(["explain", "fg010"]) == 0
    assert "## Why is this bad?" in capsys.readouterr().out
    assert main(["explain", "FG999"]) == 2


def test_console_script_and_version() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "linter", "--version"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0 and run.stdout.strip() == f"fargate-lint {__version__}"


def test_default_path_is_cwd(in_tmp, capsys) -> None:
    (in_tmp / "t.json").write_text(
        '{"family": "x", "networkMode": "awsvpc", '
        '"containerDefinitions": [{"name": "a", "portMappings": '
        '[{"containerPort": 80, "hostPort": 81}]}]}'
    )
    assert main(["check"]) == 1
    assert capsys.readouterr().out.startswith("t.json:1:")


def test_closed_pipe_is_not_a_traceback(in_tmp) -> None:
    import json
    import subprocess
    import sys

    # Far more output than a pipe holds (a finding per container), from one small file.
    containers = [
        {"name": f"c{i}", "portMappings": [{"containerPort": 80, "hostPort": 81}]}
        for i in range(3000)
    ]
    td = {"networkMode": "awsvpc", "containerDefinitions": containers}
    (in_tmp / "taskdef.json").write_text(json.dumps(td, indent=1))
    proc = subprocess.run(
        f"'{sys.executable}' -m linter check --fail-on never taskdef.json | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in proc.stderr


def test_unwritable_output_is_a_usage_error(tmp_path, capsys) -> None:
    nowhere = str(tmp_path / "missing" / "out")
    assert main(["check", "--output", nowhere, EXAMPLE]) == 2
    assert main(["check", "--write-baseline", nowhere, EXAMPLE]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"fargate-lint: cannot write {nowhere}: No such file or directory"] * 2
