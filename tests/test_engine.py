"""Engine behaviour: assumptions downgrade, per-file reporting for Terraform units."""

from __future__ import annotations

import shutil

from conftest import FIXTURES
from linter.rules import RULES

from linter.engine import run


def test_parameter_default_downgrades_and_says_so() -> None:
    found = run([str(FIXTURES / "FG011" / "cfn_parameter_default.yaml")], RULES).findings
    (f,) = [f for f in found if f.rule == "FG011"]
    assert (f.rule, f.severity, f.loc.line) == ("FG011", "warning", 36)
    assert f.message.endswith("(assuming parameter PublicIp default)")


def test_exported_vpc_alone_keeps_a_route_fault_an_error(tmp_path) -> None:
    """Another stack can add endpoints to an exported VPC, but the missing piece here is
    the subnet's route table association: a CI gate must not lose the error to it."""
    src = (FIXTURES / "FG060" / "cfn_main_route_table_fallback.yaml").read_text()
    p = tmp_path / "t.yaml"
    p.write_text(src + "Outputs:\n  Vpc:\n    Value: !Ref Vpc\n    Export: {Name: shared-vpc}\n")
    (f,) = run([str(p)], RULES).findings
    assert (f.rule, f.severity) == ("FG060", "error") and "assuming" not in f.message


def test_exported_subnet_without_association_downgrades(tmp_path) -> None:
    src = (FIXTURES / "FG060" / "cfn_main_route_table_fallback.yaml").read_text()
    p = tmp_path / "t.yaml"
    p.write_text(src + "Outputs:\n  S:\n    Value: !Ref Subnet\n    Export: {Name: s}\n")
    (f,) = run([str(p)], RULES).findings
    assert f.severity == "warning" and "Subnet is shared as an output" in f.message


def test_named_tf_file_reports_what_touches_it(tmp_path) -> None:
    unit = tmp_path / "net"
    shutil.copytree(FIXTURES / "FG011" / "tf_public_ip", unit)
    # Split the fixture: the network in main.tf, the services in svc.tf.
    main = unit / "main.tf"
    text = main.read_text()
    services = text[text.index('resource "aws_ecs_service"') :]
    main.write_text(text[: text.index('resource "aws_ecs_service"')])
    (unit / "svc.tf").write_text(services)
    (unit / "other.tf").write_text('resource "aws_s3_bucket" "logs" {}\n')
    everything = run([str(unit)], RULES).findings
    # Outside a repository, the root is the directory named: files are named from it.
    assert {f.loc.file for f in everything} == {"svc.tf"}
    assert len(everything) == 2
    # The findings sit in svc.tf; their explanation walks the network in main.tf, so a
    # commit that changes only main.tf still hears about the services it strands.
    assert run([str(unit / "svc.tf")], RULES).findings == everything
    assert run([str(main)], RULES).findings == everything
    assert run([str(unit / "other.tf")], RULES).findings == []


def test_named_tf_file_in_the_working_directory(tmp_path, monkeypatch) -> None:
    """pre-commit runs at the repository root and names root-level files bare."""
    shutil.copytree(FIXTURES / "FG010" / "tf_private_no_nat", tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    assert [(f.rule, f.loc.line) for f in run(["main.tf"], RULES).findings] == [("FG010", 39)] * 2


def test_tfvars_pull_in_their_directory(tmp_path) -> None:
    unit = tmp_path / "mod"
    shutil.copytree(FIXTURES / "FG010" / "tf_private_no_nat", unit)
    (unit / "terraform.tfvars").write_text("unused = 1\n")
    assert [f.rule for f in run([str(unit / "terraform.tfvars")], RULES).findings] == ["FG010"] * 2


def test_vpc_passed_to_nested_stack_downgrades(tmp_path) -> None:
    src = (FIXTURES / "FG060" / "cfn_main_route_table_fallback.yaml").read_text()
    p = tmp_path / "t.yaml"
    p.write_text(
        src.replace(
            "Resources:\n",
            "Resources:\n  Endpoints:\n    Type: AWS::CloudFormation::Stack\n"
            "    Properties:\n      TemplateURL: endpoints.yaml\n"
            "      Parameters: {VpcId: !Ref Vpc}\n",
            1,
        )
    )
    (f,) = run([str(p)], RULES).findings
    assert f.severity == "warning" and "Vpc is shared as an output" in f.message


def test_resource_dropped_by_default_count_is_an_assumption() -> None:
    (f,) = run([str(FIXTURES / "FG010" / "tf_nat_disabled_by_default")], RULES).findings
    assert f.severity == "warning" and "variable enable_nat default" in f.message
