"""Untrusted input: confined reads, bounded work, types checked at the boundary.

Each test names the attack it stands for; each asserts where the report says what.
"""

from __future__ import annotations

import json
import os
import time

import pytest
from linter.rules import RULES

from linter import engine
from linter.budget import MAX_CELLS
from linter.cli import main
from linter.files import Files, Refused, find_root
from linter.sources import terraform
from linter.sources.hcl_eval import FUNCTIONS, Evaluator
from linter.values import Loc, V

TD = """resource "aws_ecs_task_definition" "web" {{
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{{ name = {name}, image = "nginx",
    portMappings = [{{ containerPort = 1, hostPort = 2 }}] }}])
}}
"""


def run(path) -> engine.Result:
    return engine.run([str(path)], RULES)


def rules_at(result: engine.Result) -> list[tuple[str, str, int]]:
    return [(f.rule, f.severity, f.loc.line) for f in result.findings]


# -- the file-access layer -------------------------------------------------------------


def test_root_is_the_repository_else_the_common_directory(tmp_path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "infra" / "app").mkdir(parents=True)
    assert find_root([str(tmp_path / "repo" / "infra" / "app")]) == str(tmp_path / "repo")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert find_root([str(tmp_path / "a"), str(tmp_path / "b" / "x.yaml")]) == str(tmp_path)


def test_reads_are_confined_to_the_root(tmp_path) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text("[remote]\n")
    (tmp_path / "secret.txt").write_text("token")
    (root / "ok.txt").write_text("fine")
    (root / "out.txt").symlink_to(tmp_path / "secret.txt")
    (root / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "fifo.yaml")
    files = Files(str(root), max_bytes=8)
    assert files.read_bytes(str(root / "ok.txt")) == b"fine"
    refused = {
        "../secret.txt": "outside the repository",
        "out.txt": "outside the repository",
        ".git/config": "inside .git",
        "zero.yaml": "a system path",
        "fifo.yaml": "not a regular file",
        "/proc/self/environ": "a system path",
    }
    for name, why in refused.items():
        with pytest.raises(Refused, match=why):
            files.read_bytes(os.path.join(root, name))
    (root / "big.txt").write_text("123456789")
    with pytest.raises(Refused, match="too large"):
        files.read_bytes(str(root / "big.txt"))
    assert files.rel(str(root / "sub" / "a.yaml")) == "sub/a.yaml"


def test_file_outside_the_repository_is_unknown_and_never_shown(in_tmp) -> None:
    (in_tmp / "secret.json").write_text('"TOKEN=hunter2"')
    repo = in_tmp / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "main.tf").write_text(
        TD.format(name='file("../secret.json")')
        + TD.format(name='file("/proc/self/environ")').replace('"web"', '"env"')
        + TD.format(name='templatefile(".git/config", {})').replace('"web"', '"git"')
    )
    os.chdir(repo)
    for fmt in ("text", "json", "sarif", "github", "junit"):
        main(["check", "--format", fmt, "-o", f"../out.{fmt}", "."])
        out = (in_tmp / f"out.{fmt}").read_text()
        assert "hunter2" not in out and "PATH=" not in out and "[remote]" not in out
    result = run(".")
    notes = [(f.rule, f.severity, f.loc.line, f.message) for f in result.findings]
    assert (
        "FG000",
        "info",
        4,
        "file() of '../secret.json' not read: it is outside the repository",
    ) in notes
    assert (
        "FG000",
        "info",
        10,
        "file() of '/proc/self/environ' not read: it is a system path",
    ) in notes
    assert (
        "FG000",
        "info",
        16,
        "templatefile() of '.git/config' not read: it is inside .git",
    ) in notes
    # The name is unknown, yet the host port is still wrong: FG091 says so without it.
    fg091 = [f for f in result.findings if f.rule == "FG091"]
    assert len(fg091) == 3 and all("container '?'" in f.message for f in fg091)


def test_a_tf_file_linked_outside_blinds_its_directory_loudly(in_tmp) -> None:
    (in_tmp / "main.tf").symlink_to("/dev/zero")
    (in_tmp / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(in_tmp / "template.yaml")
    start = time.monotonic()
    result = run(in_tmp)
    assert time.monotonic() - start < 5
    assert sorted((f.rule, f.severity, f.loc.file, f.message) for f in result.findings) == [
        ("FG000", "error", "main.tf", "not read: it is a system path"),
        ("FG000", "info", "template.yaml", "not read: it is not a regular file"),
        ("FG000", "info", "zero.yaml", "not read: it is a system path"),
    ]
    assert main(["check", "zero.yaml"]) == 0  # named, as pre-commit names it: info only


def test_paths_are_named_from_the_root_wherever_the_run_starts(in_tmp, capsys) -> None:
    repo = in_tmp / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "infra").mkdir()
    (repo / "infra" / "td.json").write_text(
        json.dumps(
            {
                "networkMode": "awsvpc",
                "containerDefinitions": [
                    {"name": "a", "portMappings": [{"containerPort": 1, "hostPort": 2}]}
                ],
            }
        )
    )
    os.chdir(repo / "infra")
    main(["check", "--format", "json", "."])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["file"] == "infra/td.json"
    os.chdir(in_tmp)
    main(["check", "--format", "json", "repo/infra/td.json"])
    assert (
        json.loads(capsys.readouterr().out)["findings"][0]["fingerprint"]
        == (finding["fingerprint"])
    )


# -- discovery -------------------------------------------------------------------------


def test_a_template_behind_comments_is_found(in_tmp) -> None:
    (in_tmp / "t.yaml").write_text(
        "# pad\n" * 60_000
        + "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        + "      NetworkMode: awsvpc\n"
        + "      ContainerDefinitions: [{Name: a, Image: b, "
        + "PortMappings: [{ContainerPort: 1, HostPort: 2}]}]\n"
    )
    assert rules_at(run(in_tmp)) == [("FG091", "error", 60_006)]


def test_a_too_large_template_is_an_error_and_other_large_files_are_not(in_tmp) -> None:
    template = "Resources:\n  A:\n    Type: AWS::EC2::VPC\n" + "# pad\n" * 2_000_000
    (in_tmp / "big.yaml").write_text(template)
    (in_tmp / "data.json").write_text("[" + "1," * 6_000_000 + "1]")
    ((f,),) = [run(in_tmp).findings]
    assert (f.rule, f.severity, f.loc.file) == ("FG000", "error", "big.yaml")
    assert "too large" in f.message


def test_form_feeds_do_not_shift_suppressions(in_tmp) -> None:
    # Python's splitlines() breaks at \x0c, \x1c and U+2028; lark and editors do not.
    (in_tmp / "main.tf").write_text(
        "# a\x0c comment \u2028 here\n"
        + TD.format(name='"web"').replace(
            "}] }])", "}] }]) # fargate-lint: ignore=FG091 on purpose"
        )
    )
    result = run(in_tmp)
    assert result.findings == [] and [s.finding.loc.line for s in result.suppressed] == [6]


# -- bounded work ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "line"),
    [
        ('[for i in range(1000) : [for j in range(1000) : "${i}-${j}"]]', 2),
        ('replace(replace(local.s, "", local.s), "", local.s)', 2),
        ('format("%999999999s", "x")', 2),
        ('join(",", [for i in range(1000) : format("%90000s", "x")])', 2),
    ],
)
def test_amplification_ends_the_unit_with_fg000_at_the_expression(in_tmp, expr, line) -> None:
    (in_tmp / "main.tf").write_text(
        f'locals {{\n  x = {expr}\n  s = "{"a" * 2000}"\n}}\n'
        'resource "aws_vpc" "v" {\n  cidr_block = local.x\n}\n'
    )
    start = time.monotonic()
    (f,) = run(in_tmp).findings
    assert time.monotonic() - start < 15
    assert (f.rule, f.severity, f.loc.line) == ("FG000", "error", line)
    assert f.message.startswith("too complex to evaluate: ")


def test_cloudformation_amplification_is_bounded(in_tmp) -> None:
    lines = ["Parameters:", "  L:", "    Type: CommaDelimitedList"]
    lines += ["    Default: " + ",".join(f"subnet-{i}" for i in range(5000)), "Resources:"]
    for i in range(400):
        lines += [f"  S{i}:", "    Type: AWS::ECS::Service", "    Properties:"]
        lines += ["      NetworkConfiguration: {AwsvpcConfiguration: {Subnets: !Ref L}}"]
    (in_tmp / "t.yaml").write_text("\n".join(lines) + "\n")
    (f,) = run(in_tmp).findings
    ran_out = MAX_CELLS // 5000 - 1  # the service whose subnets exhaust the budget
    assert (f.rule, f.loc.line) == ("FG000", 6 + 4 * ran_out + 3)  # its Subnets line
    assert "too complex" in f.message


def test_range_is_capped_as_terraform_caps_it() -> None:
    ev = Evaluator(".")
    loc = Loc("main.tf")
    assert len(FUNCTIONS["range"](ev, [V(1024, loc)], loc)) == 1024
    assert not FUNCTIONS["range"](ev, [V(1025, loc)], loc).known
    assert not FUNCTIONS["range"](ev, [V(1e11, loc)], loc).known
    assert FUNCTIONS["range"](ev, [V(3, loc), V(0, loc)], loc) == [3, 2, 1]


@pytest.mark.parametrize(
    ("prefix", "bits", "num"),
    [
        ("10.0.0.0/16", 8, 3),
        ("10.0.0.0/8", 16, 65535),
        ("fd00::/56", 8, 255),
        ("10.1.2.0/24", 0, 0),
    ],
)
def test_cidrsubnet_is_computed_not_enumerated(prefix, bits, num) -> None:
    import ipaddress

    loc = Loc("main.tf")
    got = FUNCTIONS["cidrsubnet"](Evaluator("."), [V(prefix, loc), V(bits, loc), V(num, loc)], loc)
    net = ipaddress.ip_network(prefix)
    assert got == str(list(net.subnets(prefixlen_diff=bits))[num])


# -- types at the boundary -------------------------------------------------------------


@pytest.mark.parametrize(
    "meta",
    [
        "count = -1e999",
        "count = 1e999",
        'count = jsondecode("NaN")',
        "count = -1",
        "count = 1.5",
        "count = {a = 1}",
        "for_each = 5",
        'for_each = "x"',
        "count = [1, 2] + [3]",
        "count = length([1] * 100000000)",
        "count = [1, 2][1e999]",
        "count = [1, 2][-1]",
        'count = "9" * "99999999999999999999999999999999999999999"',
    ],
)
def test_wrong_types_are_unknown_never_a_crash(in_tmp, meta) -> None:
    (in_tmp / "main.tf").write_text(f'resource "aws_subnet" "s" {{\n  {meta}\n  vpc_id = "x"\n}}\n')
    loaded = terraform.load(str(in_tmp))
    assert loaded.problems == [] and "aws_subnet" in loaded.template.uncertain


@pytest.mark.parametrize("bad", ["{a = 1}", "[1, 2]", "1e999", "null", '"maybe"'])
def test_a_map_where_a_boolean_belongs_crashes_no_rule(in_tmp, bad) -> None:
    text = (
        'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n  enable_dns_support = BAD\n}\n'
        'resource "aws_subnet" "s" {\n  vpc_id = aws_vpc.v.id\n  cidr_block = BAD\n}\n'
        'resource "aws_ecs_service" "svc" {\n  launch_type = BAD\n'
        "  enable_execute_command = BAD\n  network_configuration {\n"
        "    subnets = [aws_subnet.s.id]\n    assign_public_ip = BAD\n  }\n}\n"
    ).replace("BAD", bad)
    (in_tmp / "main.tf").write_text(text)
    result = run(in_tmp)
    assert result.internal_errors == 0, [f.message for f in result.findings]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Parameters:\n  P: {Type: String, Default: !Ref P}\nResources:\n"
         "  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: !Ref P}}\n", []),
        ("Resources:\n  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: !Select [.inf, [a]]}}\n", []),
        ("Resources: {1: {Type: AWS::EC2::VPC}, a: {Type: AWS::EC2::VPC}}\n", []),
        ("Resources:\n  [a]: {Type: AWS::EC2::VPC}\n  V:\n    Type: AWS::EC2::VPC\n"
         "    Properties: {1: 2, CidrBlock: {Ref: [x]}}\n", [("FG000", "error", 2)]),
    ],
)  # fmt: skip
def test_cloudformation_oddities_are_unknown_never_a_crash(in_tmp, body, expected) -> None:
    (in_tmp / "t.yaml").write_text(body)
    result = run(in_tmp)
    assert result.internal_errors == 0, [f.message for f in result.findings]
    assert rules_at(result) == expected


# -- internal errors are never invisible -----------------------------------------------


def test_a_crash_shows_when_a_tf_file_is_named(in_tmp, monkeypatch, capsys) -> None:
    (in_tmp / "main.tf").write_text('resource "aws_vpc" "v" {}\n')

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(terraform, "load", boom)
    assert main(["check", "main.tf"]) == 2  # what pre-commit runs
    out = capsys.readouterr().out
    assert "INTERNAL [error] internal error in the reader for ." in out
    assert out.splitlines()[-1].startswith("1 error,")


# -- trusted configuration -------------------------------------------------------------


def test_isolated_ignores_the_configuration_a_pull_request_brings(in_tmp) -> None:
    (in_tmp / ".fargate-lint.toml").write_text('fail-on = "never"\nexclude = ["*"]\n')
    (in_tmp / "td.json").write_text(
        '{"networkMode": "awsvpc", "containerDefinitions": '
        '[{"name": "a", "portMappings": [{"containerPort": 1, "hostPort": 2}]}]}'
    )
    assert main(["check", "."]) == 0
    assert main(["check", "--isolated", "."]) == 1
    trusted = in_tmp.parent / f"{in_tmp.name}-trusted.toml"
    trusted.write_text('fail-on = "error"\n')
    assert main(["check", "--config", str(trusted), "."]) == 1


def test_a_json_string_is_not_a_suppression_comment(in_tmp) -> None:
    (in_tmp / "td.json").write_text(
        '{"networkMode": "awsvpc", "containerDefinitions": [{"name": "a",\n'
        '"portMappings": [{"containerPort": 1, "hostPort": 2,'
        ' "name": "# fargate-lint: ignore=FG091 sneaky"}]}]}'
    )
    assert rules_at(run(in_tmp)) == [("FG091", "error", 2)]


def test_static_blocks_after_a_dynamic_one_stay_unknown(in_tmp) -> None:
    (in_tmp / "main.tf").write_text(
        'resource "aws_security_group" "g" {\n'
        '  dynamic "egress" {\n    for_each = var.rules\n    content {}\n  }\n'
        '  egress {\n    from_port = 443\n    to_port = 443\n    protocol = "tcp"\n  }\n}\n'
    )
    (sg,) = terraform.load(str(in_tmp)).template.resources.values()
    assert not sg.rules_known


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # Regular expressions that rescan the rest of the string at every `${` or `{{`.
        ("t.yaml", "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties:\n"
         "      CidrBlock: !Sub '" + "${" * 100_000 + "'\n"),
        ("td.json", '{"networkMode": "awsvpc", "containerDefinitions": [{"name": "'
         + "{{" * 100_000 + '", "image": "' + "${" * 100_000 + '"}]}'),
        ("main.tf", 'resource "aws_vpc" "v" {\n  cidr_block = format("%' + "0" * 100_000 + '")\n}\n'),
    ],
)  # fmt: skip
def test_no_regular_expression_is_quadratic(in_tmp, name, text) -> None:
    (in_tmp / name).write_text(text)
    start = time.monotonic()
    result = run(in_tmp)
    assert time.monotonic() - start < 5 and result.internal_errors == 0


def test_no_local_absolute_path_reaches_a_message(in_tmp) -> None:
    (in_tmp / "main.tf").write_text(
        TD.format(name="path.module")
        + TD.format(name="path.cwd").replace('"web"', '"cwd"')
        + TD.format(name='abspath("x")').replace('"web"', '"abs"')
    )
    result = run(in_tmp)
    assert len(result.findings) == 3
    assert not any(str(in_tmp) in f.message for f in result.findings)


WIDE = """resource "aws_vpc" "v" {
  cidr_block           = "10.0.0.0/8"
  enable_dns_support   = true
  enable_dns_hostnames = true
}
resource "aws_subnet" "s" {
  count      = N
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet("10.0.0.0/8", 16, count.index)
}
resource "aws_route_table" "r" {
  vpc_id = aws_vpc.v.id
}
resource "aws_route_table_association" "a" {
  count          = N
  subnet_id      = aws_subnet.s[count.index].id
  route_table_id = aws_route_table.r.id
}
resource "aws_security_group" "g" {
  count  = N
  vpc_id = aws_vpc.v.id
}
resource "aws_vpc_endpoint" "e" {
  count               = N
  vpc_id              = aws_vpc.v.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.s[*].id
  security_group_ids  = aws_security_group.g[*].id
  private_dns_enabled = true
}
resource "aws_ecs_task_definition" "t" {
  family                   = "t"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  container_definitions    = jsonencode([{ name = "a", image = "nginx" }])
}
resource "aws_ecs_service" "svc" { # fargate-lint: ignore=FG053 judged only if FG053 ran
  count           = N
  task_definition = aws_ecs_task_definition.t.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = aws_subnet.s[*].id
    security_groups = aws_security_group.g[*].id
  }
}
"""


def test_checking_work_is_bounded_and_earlier_findings_stand(in_tmp, monkeypatch) -> None:
    # Placements x subnets x groups x endpoints multiply; the unit's budget bounds them.
    from linter.budget import Budget

    (in_tmp / "main.tf").write_text(WIDE.replace("= N", "= 30"))
    # Within the budget, FG053 runs and finds nothing: its suppression is stale.
    found = rules_at(run(in_tmp))
    # thirty ecr.dkr endpoints with private DNS in one VPC: all but the first fail (FG075)
    assert [r for r in found if r[0] not in ("FG014", "FG035", "FG075")] == [("FG100", "info", 38)]
    # thirty subnets and thirty groups per service: over awsvpc's limits of 16 and 5
    assert {r for r in found if r[0] == "FG035"} == {("FG035", "error", 43), ("FG035", "error", 44)}
    assert [r for r in found if r[0] == "FG075"] == [("FG075", "error", 30)]
    # nginx from Docker Hub in endpoint-only subnets: a true FG014, one per service
    assert {r for r in found if r[0] == "FG014"} == {("FG014", "error", 43)}
    monkeypatch.setattr(Budget, "for_kind", classmethod(lambda cls, kind: cls(checks=2_000)))
    result = run(in_tmp)
    (f,) = result.findings  # and no FG100: FG053 never ran to judge the suppression by
    assert (f.rule, f.severity, f.loc.file, f.loc.line) == ("FG000", "error", "main.tf", 1)
    assert f.message == "too complex to check: checking it takes more than 2,000 comparisons"


def test_yaml_line_breaks_editors_do_not_show_keep_editor_lines(in_tmp) -> None:
    # PyYAML, like CloudFormation, ends a line at LS and NEL; an editor shows one line.
    (in_tmp / "t.yaml").write_text(
        "# a\u2028# b \x85# c\nResources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n"
        "    Properties:\n      NetworkMode: awsvpc\n      ContainerDefinitions:\n"
        "        - {Name: a, PortMappings: [{ContainerPort: 1, HostPort: 2}]}  # fargate-lint: ignore=FG091\n"
        "        - {Name: b, PortMappings: [{ContainerPort: 3, HostPort: 2}]}\n",
        encoding="utf-8",
    )
    result = run(in_tmp)
    assert rules_at(result) == [("FG091", "error", 9)]
    assert [s.finding.loc.line for s in result.suppressed] == [8]
    (in_tmp / "t.yaml").write_text(
        "# a\u2028b: [\nResources:\n  V: {Type: AWS::EC2::VPC}\n", encoding="utf-8"
    )
    assert rules_at(run(in_tmp)) == [("FG000", "error", 3)]  # PyYAML's line 4


def test_directories_named_like_terraform_files_are_not_files(in_tmp) -> None:
    (in_tmp / "x.tf").mkdir()
    (in_tmp / "y.auto.tfvars").mkdir()
    (in_tmp / "main.tf").write_text(TD.format(name='"web"'))
    assert rules_at(run(in_tmp)) == [("FG091", "error", 5)]


def test_closers_in_a_comment_do_not_hide_deep_nesting(in_tmp) -> None:
    # PyYAML's C parser overflows the C stack on deep flow nesting: a crash of the whole
    # process, so this runs in a child. `]` in a comment must not pay for the `[`s.
    import subprocess
    import sys

    (in_tmp / "t.yaml").write_text(
        "Resources:\n  A: {Type: AWS::EC2::VPC}\n# " + "]" * 100_000 + "\nx: " + "[" * 100_000
    )
    (in_tmp / "main.tf").write_text("# " + ")" * 100_000 + "\nlocals {\n  x = " + "(" * 100_000)
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--format", "json", "."],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    found = {(f["file"], f["rule"], f["message"]) for f in json.loads(proc.stdout)["findings"]}
    assert found == {
        ("main.tf", "FG000", "nested too deeply (more than 500 levels)"),
        ("t.yaml", "FG000", "document is nested too deeply (more than 500 levels)"),
    }


def test_wide_yaml_mappings_and_large_terraform_are_refused_quickly(in_tmp) -> None:
    (in_tmp / "t.yaml").write_text(
        "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties:\n"
        + "".join(f"      k{i}: 1\n" for i in range(20_000))
    )
    (in_tmp / "tf").mkdir()
    (in_tmp / "tf" / "main.tf").write_text("# pad\n" * 200_000)
    start = time.monotonic()
    result = run(in_tmp)
    assert time.monotonic() - start < 5
    assert sorted((f.loc.file, f.message) for f in result.findings) == [
        ("t.yaml", "a mapping has more than 1,000 keys"),
        (
            "tf/main.tf",
            "too large to evaluate: its Terraform files hold 1,171 KiB "
            "(the limit is 1,024 KiB, modules included)",
        ),
    ]


def test_templates_cloudformation_cannot_take_are_refused_before_decoding(in_tmp) -> None:
    resources = {f"R{i}": {"Type": "AWS::EC2::VPC"} for i in range(1_500)}
    (in_tmp / "wide.json").write_text(json.dumps({"Resources": resources}))
    big = {"Resources": {"V": {"Type": "AWS::EC2::VPC", "Properties": {"D": "x" * 1_100_000}}}}
    (in_tmp / "big.json").write_text(json.dumps(big))
    result = run(in_tmp)
    assert sorted((f.loc.file, f.message) for f in result.findings) == [
        ("big.json", "file is too large to deploy (1,074 KiB; CloudFormation takes at most 1 MB)"),
        ("wide.json", "an object has more than 1,000 keys"),
    ]


def test_a_template_rendered_a_thousand_times_is_parsed_once_and_bounded(in_tmp) -> None:
    (in_tmp / "t.tpl").write_text(("${a}" + "x" * 60 + "\n") * 8000)
    (in_tmp / "main.tf").write_text(
        'resource "aws_ecs_task_definition" "t" {\n  count  = 1000\n  family = "t"\n'
        '  container_definitions = jsonencode([{ name = templatefile("t.tpl", '
        '{ a = count.index }), image = "x" }])\n}\n'
    )
    start = time.monotonic()
    (f,) = run(in_tmp).findings
    assert time.monotonic() - start < 10
    assert (f.rule, f.severity) == ("FG000", "error") and "too complex" in f.message
