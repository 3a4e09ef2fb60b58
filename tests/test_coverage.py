"""Coverage (linter/coverage.py): every run says which services, task sets and scheduled
tasks it could decide, and what hid the others, in every report format."""

from __future__ import annotations

import json
import pathlib

from linter.rules import RULES
from test_report import github_ready, validator

from linter.cli import main
from linter.engine import run

# A public subnet with a route to an attached internet gateway: decided, and quiet.
DECIDED = """\
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}
  Table:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  Default:
    Type: AWS::EC2::Route
    DependsOn: Attach
    Properties: {RouteTableId: !Ref Table, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Subnet, RouteTableId: !Ref Table}
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions: [{Name: app, Image: nginx}]
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref TaskDef
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: ENABLED
          Subnets: [!Ref Subnet]
"""

# Two services whose subnets this run cannot see (lines 11 and 19; subnets at 18 and 26).
BLIND = """\
Parameters:
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions: [{Name: app, Image: nginx}]
  FromParameter:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref TaskDef
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: !Ref Subnets
  FromImport:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref TaskDef
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!ImportValue shared-private-subnet]
"""

# A Terraform service on a data source's subnets (service at line 14, subnets at 19).
DATA_SOURCE = """\
data "aws_subnets" "private" {
  filter {
    name   = "tag:Tier"
    values = ["private"]
  }
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  network_mode          = "awsvpc"
  container_definitions = jsonencode([{ name = "app", image = "nginx" }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  launch_type     = "FARGATE"
  task_definition = aws_ecs_task_definition.app.arn
  network_configuration {
    subnets = data.aws_subnets.private.ids
  }
}
"""

# A task set and a scheduled task, both undecided.
LAUNCHERS = """\
variable "subnets" {}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  container_definitions    = jsonencode([{ name = "app", image = "nginx" }])
}

resource "aws_ecs_task_set" "blue" {
  service         = "app"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets = var.subnets
  }
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = "nightly"
  arn  = "arn:aws:ecs:eu-west-1:123456789012:cluster/main"
  ecs_target {
    task_definition_arn = aws_ecs_task_definition.app.arn
    launch_type         = "FARGATE"
    network_configuration {
      subnets = [data.aws_subnet.x.id]
    }
  }
}
"""

NOT_DOWNLOADED = 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
MODULE_WHY = (
    "module.vpc was not read: registry module terraform-aws-modules/vpc/aws is not "
    "downloaded: run terraform init"
)

PARAMETER = "the subnets: parameter Subnets, which has no default"
IMPORT = "the subnets: Fn::ImportValue shared-private-subnet, which has no Export in this run"
DATA = "the subnets: data source data.aws_subnets.private"


def write(root: pathlib.Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def mixed(root: pathlib.Path) -> None:
    """One decided service and three undecided ones, in three units."""
    write(root, {"decided.yaml": DECIDED, "blind.yaml": BLIND, "tf/main.tf": DATA_SOURCE})


def check(capsys, *args: str) -> tuple[int, str]:
    code = main(["check", "--isolated", *args])
    return code, capsys.readouterr().out


# -- the engine -----------------------------------------------------------------------------


def test_result_coverage_per_launcher(in_tmp) -> None:
    mixed(in_tmp)
    result = run(["."], RULES)
    assert result.findings == []
    got = [
        (
            c.id,
            c.kind,
            c.loc.file,
            c.loc.line,
            c.decided,
            [(b.loc.file, b.loc.line, b.what) for b in c.blinds],
        )
        for c in result.coverage
    ]
    assert got == [
        ("FromParameter", "service", "blind.yaml", 11, False, [("blind.yaml", 18, PARAMETER)]),
        ("FromImport", "service", "blind.yaml", 19, False, [("blind.yaml", 26, IMPORT)]),
        ("Service", "service", "decided.yaml", 29, True, []),
        ("aws_ecs_service.app", "service", "tf/main.tf", 14, False, [("tf/main.tf", 19, DATA)]),
    ]
    assert [c.id for c in result.undecided] == [
        "FromParameter",
        "FromImport",
        "aws_ecs_service.app",
    ]
    assert result.unseen == []


def test_task_sets_and_scheduled_tasks_are_counted(in_tmp) -> None:
    write(in_tmp, {"main.tf": LAUNCHERS})
    result = run(["."], RULES)
    got = [
        (c.id, c.kind, c.loc.line, [(b.loc.line, b.what) for b in c.blinds])
        for c in result.coverage
    ]
    assert got == [
        (
            "aws_ecs_task_set.blue",
            "task set",
            10,
            [(16, "the subnets: variable subnets has no value")],
        ),
        (
            "aws_cloudwatch_event_target.nightly",
            "scheduled task",
            23,
            [(27, "the subnets: data source data.aws_subnet.x")],
        ),
    ]


def test_unseen_module_is_in_the_result(in_tmp) -> None:
    write(in_tmp, {"main.tf": NOT_DOWNLOADED})
    result = run(["."], RULES)
    assert result.coverage == []
    assert [(b.loc.file, b.loc.line, b.loc.column, b.what) for b in result.unseen] == [
        ("main.tf", 1, 1, MODULE_WHY)
    ]


# -- text -----------------------------------------------------------------------------------


def test_text_says_how_many_were_decided(in_tmp, capsys) -> None:
    mixed(in_tmp)
    code, out = check(capsys, ".")
    assert code == 0
    assert out == (
        "coverage: 1 of 4 services, task sets and scheduled tasks decided "
        "(--verbose says what hid them)\n"
        "0 errors, 0 warnings, 0 infos in 3 units checked\n"
    )


def test_verbose_lists_what_hid_each_launcher(in_tmp, capsys) -> None:
    mixed(in_tmp)
    code, out = check(capsys, "--verbose", ".")
    assert code == 0
    assert out.splitlines() == [
        "blind.yaml:11:3: service FromParameter was not fully checked:",
        f"    blind.yaml:18: {PARAMETER}",
        "blind.yaml:19:3: service FromImport was not fully checked:",
        f"    blind.yaml:26: {IMPORT}",
        "tf/main.tf:14:1: service aws_ecs_service.app was not fully checked:",
        f"    tf/main.tf:19: {DATA}",
        "coverage: 1 of 4 services, task sets and scheduled tasks decided",
        "0 errors, 0 warnings, 0 infos in 3 units checked",
    ]


def test_everything_decided_needs_no_hint(in_tmp, capsys) -> None:
    write(in_tmp, {"decided.yaml": DECIDED})
    assert check(capsys, "decided.yaml") == (
        0,
        "coverage: 1 of 1 services, task sets and scheduled tasks decided\n"
        "0 errors, 0 warnings, 0 infos in 1 unit checked\n",
    )


def test_no_launchers_no_coverage_line(in_tmp, capsys) -> None:
    write(
        in_tmp,
        {
            "vpc.yaml": "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
        },
    )
    assert check(capsys, "vpc.yaml") == (0, "0 errors, 0 warnings, 0 infos in 1 unit checked\n")


def test_text_counts_what_was_not_seen(in_tmp, capsys) -> None:
    write(in_tmp, {"main.tf": NOT_DOWNLOADED})
    decided = "coverage: 0 of 0 services, task sets and scheduled tasks decided; "
    code, out = check(capsys, ".")
    assert code == 0
    (line, summary) = out.splitlines()
    assert line == decided + "1 not read (modules or files) (--verbose says what hid them)"
    assert summary == "0 errors, 0 warnings, 0 infos in 1 unit checked"
    code, out = check(capsys, "--verbose", ".")
    (listed, line, _) = out.splitlines()
    assert listed == f"main.tf:1:1: {MODULE_WHY}"
    assert line == decided + "1 not read (modules or files)"


# -- --fail-on-undecided ----------------------------------------------------------------------


def test_fail_on_undecided(in_tmp, capsys) -> None:
    mixed(in_tmp)
    assert check(capsys, "--fail-on-undecided", "decided.yaml")[0] == 0
    assert check(capsys, "--fail-on-undecided", "blind.yaml")[0] == 1
    assert check(capsys, "--fail-on-undecided", "tf")[0] == 1
    assert check(capsys, "--fail-on-undecided", ".")[0] == 1
    assert check(capsys, ".")[0] == 0  # without the flag, blind spots do not fail a run


def test_fail_on_undecided_counts_what_was_not_seen(in_tmp, capsys) -> None:
    write(in_tmp, {"main.tf": NOT_DOWNLOADED})
    assert check(capsys, ".")[0] == 0
    assert check(capsys, "--fail-on-undecided", ".")[0] == 1


# -- JSON ---------------------------------------------------------------------------------------


def test_json_coverage_and_summary(in_tmp, capsys) -> None:
    mixed(in_tmp)
    code, out = check(capsys, "--format", "json", ".")
    assert code == 0
    report = json.loads(out)
    assert (report["summary"]["decided"], report["summary"]["undecided"]) == (1, 3)
    assert report["coverage"] == [
        {
            "id": "FromParameter",
            "kind": "service",
            "file": "blind.yaml",
            "line": 11,
            "column": 3,
            "decided": False,
            "blind": [{"what": PARAMETER, "file": "blind.yaml", "line": 18, "column": 20}],
        },
        {
            "id": "FromImport",
            "kind": "service",
            "file": "blind.yaml",
            "line": 19,
            "column": 3,
            "decided": False,
            "blind": [{"what": IMPORT, "file": "blind.yaml", "line": 26, "column": 20}],
        },
        {
            "id": "Service",
            "kind": "service",
            "file": "decided.yaml",
            "line": 29,
            "column": 3,
            "decided": True,
            "blind": [],
        },
        {
            "id": "aws_ecs_service.app",
            "kind": "service",
            "file": "tf/main.tf",
            "line": 14,
            "column": 1,
            "decided": False,
            "blind": [{"what": DATA, "file": "tf/main.tf", "line": 19, "column": 15}],
        },
    ]
    assert report["unseen"] == []


def test_json_unseen(in_tmp, capsys) -> None:
    write(in_tmp, {"main.tf": NOT_DOWNLOADED})
    report = json.loads(check(capsys, "--format", "json", ".")[1])
    assert report["unseen"] == [{"what": MODULE_WHY, "file": "main.tf", "line": 1, "column": 1}]
    assert (report["summary"]["decided"], report["summary"]["undecided"]) == (0, 0)
    assert report["coverage"] == []


# -- SARIF --------------------------------------------------------------------------------------


def sarif_log(capsys, *paths: str) -> dict:
    code, out = check(capsys, "--format", "sarif", *paths)
    assert code == 0
    log = json.loads(out)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(log)]
    assert not errors, errors
    github_ready(log)
    return log


def regions(note: dict) -> list[tuple[str, int, int]]:
    return [
        (
            p["physicalLocation"]["artifactLocation"]["uri"],
            p["physicalLocation"]["region"]["startLine"],
            p["physicalLocation"]["region"]["startColumn"],
        )
        for p in note["locations"]
    ]


def test_sarif_notes_what_was_not_decided(in_tmp, capsys) -> None:
    mixed(in_tmp)
    log = sarif_log(capsys, ".")
    (inv,) = log["runs"][0]["invocations"]
    assert inv["executionSuccessful"] is True
    assert log["runs"][0]["results"] == []
    notes = inv["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"], n["message"]["text"]) for n in notes] == [
        ("note", "coverage", f"service FromParameter was not fully checked: {PARAMETER}"),
        ("note", "coverage", f"service FromImport was not fully checked: {IMPORT}"),
        ("note", "coverage", f"service aws_ecs_service.app was not fully checked: {DATA}"),
    ]
    # the launcher first, then what hid it
    assert [regions(n) for n in notes] == [
        [("blind.yaml", 11, 3), ("blind.yaml", 18, 20)],
        [("blind.yaml", 19, 3), ("blind.yaml", 26, 20)],
        [("tf/main.tf", 14, 1), ("tf/main.tf", 19, 15)],
    ]


def test_sarif_notes_what_was_not_seen(in_tmp, capsys) -> None:
    write(in_tmp, {"main.tf": NOT_DOWNLOADED})
    log = sarif_log(capsys, ".")
    (inv,) = log["runs"][0]["invocations"]
    notes = inv["toolExecutionNotifications"]
    assert [(n["level"], n["message"]["text"], regions(n)) for n in notes] == [
        ("note", MODULE_WHY, [("main.tf", 1, 1)])
    ]


def test_sarif_of_a_decided_run_has_no_notes(in_tmp, capsys) -> None:
    write(in_tmp, {"decided.yaml": DECIDED})
    log = sarif_log(capsys, "decided.yaml")
    (inv,) = log["runs"][0]["invocations"]
    assert inv == {"executionSuccessful": True, "toolExecutionNotifications": []}
