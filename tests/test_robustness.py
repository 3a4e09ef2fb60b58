"""Bad input gets FG000, never a traceback; one failing rule never loses the run."""

from __future__ import annotations

import json

import pytest
from linter.rules import RULES

from linter import engine
from linter.cli import main


def lint(path) -> list:
    return engine.run([str(path)], RULES).findings


def test_deeply_nested_json(in_tmp) -> None:
    p = in_tmp / "deep.json"
    p.write_text('{"containerDefinitions": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (f,) = lint(p)
    assert f.rule == "FG000" and f.loc.line == 1


def test_deeply_nested_yaml(in_tmp) -> None:
    p = in_tmp / "deep.yaml"
    p.write_text("Resources:\n  A:\n    Type: AWS::ECS::Service\n    Properties: " + "[" * 50_000)
    (f,) = lint(p)
    assert f.rule == "FG000"


def test_deeply_nested_hcl(in_tmp) -> None:
    (in_tmp / "main.tf").write_text("locals {\n  x = " + "[" * 5_000 + "]" * 5_000 + "\n}\n")
    findings = lint(in_tmp)
    assert all(f.rule == "FG000" for f in findings)


def test_huge_file(in_tmp) -> None:
    p = in_tmp / "huge.yaml"
    p.write_text("Resources:\n  A:\n    Type: AWS::ECS::Cluster\n" + "# pad\n" * 2_000_000)
    (f,) = lint(p)
    assert f.rule == "FG000" and "too large" in f.message


def test_binary_and_empty_named_files(in_tmp) -> None:
    (in_tmp / "a.json").write_bytes(b"\xff\xfe\x00{")
    (in_tmp / "b.yaml").write_text("")
    assert [f.rule for f in lint(in_tmp / "a.json")] == ["FG000"]
    assert [(f.rule, f.message) for f in lint(in_tmp / "b.yaml")] == [("FG000", "file is empty")]


def test_unrelated_files_are_ignored(in_tmp) -> None:
    (in_tmp / "chart.yaml").write_text("name: {{ .Values.name }}\n")
    (in_tmp / "package.json").write_text('{"name": "x"}')
    (in_tmp / "notes.yaml").write_text("a: 1\n")
    assert lint(in_tmp) == []
    assert lint(in_tmp / "chart.yaml") == []


def test_other_files_still_linted_after_a_bad_one(in_tmp) -> None:
    (in_tmp / "bad.json").write_text('{"containerDefinitions": [')
    (in_tmp / "td.json").write_text(
        json.dumps(
            {
                "networkMode": "awsvpc",
                "containerDefinitions": [
                    {"name": "a", "portMappings": [{"containerPort": 1, "hostPort": 2}]}
                ],
            }
        )
    )
    assert sorted(f.rule for f in lint(in_tmp)) == ["FG000", "FG091"]


def test_rule_crash_becomes_internal_finding(in_tmp, monkeypatch, capsys) -> None:
    (in_tmp / "td.json").write_text('{"networkMode": "host", "containerDefinitions": []}')

    def boom(ctx):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(RULES["FG091"], "check", boom)
    assert main(["check", str(in_tmp)]) == 2
    out = capsys.readouterr().out
    assert "INTERNAL [error] internal error in rule FG091: RuntimeError: kaboom" in out


def test_corpus_lints_without_traceback(corpus) -> None:
    result = engine.run([str(corpus)], RULES)
    assert result.internal_errors == 0, [f.message for f in result.findings if f.rule == "INTERNAL"]
    assert result.units > 90
    fg000 = [f for f in result.findings if f.rule == "FG000"]
    assert [(f.loc.file, f.loc.line) for f in fg000] == [
        (
            "taskdef/aws-samples__amazon-ecs-fullstack-app-terraform/Infrastructure/Templates/taskdef.json",
            19,
        )
    ]


@pytest.mark.parametrize(
    "needle",
    ["kibana/kibana_ec2.json", "tomcat/tomcat_ec2.json"],
)
def test_corpus_hostport_positives(corpus, needle) -> None:
    findings = [
        f for f in engine.run([str(corpus / "taskdef")], RULES).findings if f.rule == "FG091"
    ]
    assert any(f.loc.file.endswith(needle) for f in findings)
