"""Readers: intrinsics, references, instances and unknowns, with locations."""

from __future__ import annotations

import textwrap

from linter import model as m
from linter.sources import cloudformation, taskdef, terraform
from linter.values import Ref, Unknown, plain, shape


def cfn(tmp_path, body: str) -> m.Template:
    p = tmp_path / "t.yaml"
    p.write_text(textwrap.dedent(body))
    loaded = cloudformation.load(str(p))
    assert not loaded.problems, loaded.problems
    return loaded.template


def tf(tmp_path, files: dict[str, str]) -> m.Template:
    for name, body in files.items():
        (tmp_path / name).write_text(textwrap.dedent(body))
    loaded = terraform.load(str(tmp_path))
    assert not loaded.problems, loaded.problems
    return loaded.template


def test_cfn_intrinsics(tmp_path) -> None:
    tpl = cfn(
        tmp_path,
        """\
        Parameters:
          Cidr: {Type: String, Default: 10.0.0.0/16}
          NoDefault: {Type: String}
          Subnets: {Type: CommaDelimitedList, Default: "a, b"}
        Mappings:
          Env: {prod: {Mode: awsvpc}}
        Resources:
          Vpc:
            Type: AWS::EC2::VPC
            Properties:
              CidrBlock: !Ref Cidr
              EnableDnsSupport: !If [Cond, true, true]
              EnableDnsHostnames: !If [Cond, true, false]
          Subnet:
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref Vpc
              CidrBlock: !Join ["", ["10.0.", "1", ".0/24"]]
              Ipv6CidrBlock: !ImportValue v6
          Endpoint:
            Type: AWS::EC2::VPCEndpoint
            Properties:
              ServiceName: !Sub "com.amazonaws.${AWS::Region}.ecr.dkr"
              VpcId: !GetAtt Vpc.VpcId
              SubnetIds: !Ref Subnets
              RouteTableIds: [!Ref NoDefault, !Ref AWS::NoValue]
          TaskDef:
            Type: AWS::ECS::TaskDefinition
            Properties:
              NetworkMode: !FindInMap [Env, prod, Mode]
              ContainerDefinitions:
                - Name: app
                  Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app"
        """,
    )
    vpc = tpl.get("Vpc", m.Vpc)
    assert vpc.cidr.value == "10.0.0.0/16" and vpc.cidr.assumed == ("parameter Cidr default",)
    assert vpc.cidr.loc.line == 11  # the use site, not the parameter
    assert vpc.dns_support.value is True
    assert isinstance(vpc.dns_hostnames.value, Unknown)
    subnet = tpl.get("Subnet", m.Subnet)
    assert subnet.vpc.value == Ref("Vpc") and subnet.cidr.value == "10.0.1.0/24"
    assert "ImportValue" in subnet.ipv6_cidr.value.reason
    ep = tpl.get("Endpoint", m.VpcEndpoint)
    assert shape(ep.service) == "com.amazonaws.*.ecr.dkr" and not ep.service.known
    assert ep.vpc.value == Ref("Vpc", "VpcId")
    assert plain(ep.subnets) == ["a", "b"]
    assert len(ep.route_tables.value) == 1 and not ep.route_tables.value[0].known
    td = tpl.get("TaskDef", m.TaskDefinition)
    assert td.network_mode.value == "awsvpc"
    assert shape(td.containers[0].image) == "*.dkr.ecr.*.amazonaws.com/app"


def test_cfn_standalone_sg_rules_fold_into_group(tmp_path) -> None:
    tpl = cfn(
        tmp_path,
        """\
        Resources:
          Sg:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: x
              SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]
          In:
            Type: AWS::EC2::SecurityGroupIngress
            Properties: {GroupId: !GetAtt Sg.GroupId, IpProtocol: "-1", CidrIp: 10.0.0.0/8}
          Elsewhere:
            Type: AWS::EC2::SecurityGroupIngress
            Properties: {GroupId: !ImportValue other, IpProtocol: "-1", CidrIp: 10.0.0.0/8}
        """,
    )
    sg = tpl.get("Sg", m.SecurityGroup)
    assert [r.loc.line for r in sg.ingress] == [9]
    assert sg.default_egress_removed and len(sg.egress) == 1


def test_tf_count_for_each_locals_splat_and_for(tmp_path) -> None:
    tpl = tf(
        tmp_path,
        {
            "main.tf": """\
            variable "azs" { default = ["a", "b", "c"] }
            variable "enabled" {}
            locals {
              cidr = "10.${var.octet}.0.0/16"
              by_name = { web = "10.1.1.0/24", api = "10.1.2.0/24" }
            }
            resource "aws_vpc" "main" { cidr_block = local.cidr }
            resource "aws_subnet" "a" {
              count      = length(var.azs)
              vpc_id     = aws_vpc.main.id
              cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
            }
            resource "aws_subnet" "b" {
              for_each   = local.by_name
              vpc_id     = aws_vpc.main.id
              cidr_block = each.value
            }
            resource "aws_nat_gateway" "maybe" {
              count     = var.enabled ? 1 : 0
              subnet_id = aws_subnet.a[0].id
            }
            resource "aws_ecs_service" "s" {
              network_configuration {
                subnets = concat(aws_subnet.a[*].id, [for k, s in aws_subnet.b : s.id if k != "api"])
                assign_public_ip = var.enabled == true ? true : true
              }
            }
            """,
            "terraform.tfvars": "octet = 7\n",
            "vars.tf": 'variable "octet" {}\n',
        },
    )
    assert tpl.get("aws_vpc.main", m.Vpc).cidr.value == "10.7.0.0/16"
    assert tpl.get("aws_vpc.main", m.Vpc).cidr.assumed == ("terraform.tfvars",)
    assert tpl.get("aws_subnet.a[2]", m.Subnet).cidr.value == "10.7.2.0/24"
    assert tpl.get('aws_subnet.b["api"]', m.Subnet).cidr.value == "10.1.2.0/24"
    assert "aws_nat_gateway" in tpl.uncertain and not tpl.of(m.NatGateway)
    svc = tpl.get("aws_ecs_service.s", m.Service)
    assert [v.value.id for v in svc.subnets.value] == [
        "aws_subnet.a[0]",
        "aws_subnet.a[1]",
        "aws_subnet.a[2]",
        'aws_subnet.b["web"]',
    ]
    assert svc.assign_public_ip.value is True
    assert svc.subnets.loc.line == 24


def test_tf_unknowns(tmp_path) -> None:
    tpl = tf(
        tmp_path,
        {
            "main.tf": """\
        data "aws_region" "current" {}
        variable "subnets" { type = list(string) }
        module "vpc" { source = "./vpc" }
        resource "aws_vpc_endpoint" "e" {
          vpc_id       = module.vpc.vpc_id
          service_name = "com.amazonaws.${data.aws_region.current.name}.logs"
          subnet_ids   = var.subnets
          route_table_ids = [for x in var.subnets : x]
        }
        """
        },
    )
    ep = tpl.get("aws_vpc_endpoint.e", m.VpcEndpoint)
    assert "module.vpc" in ep.vpc.value.reason
    assert shape(ep.service) == "com.amazonaws.*.logs"
    assert "no value" in ep.subnets.value.reason
    assert not ep.route_tables.known


def test_tf_security_group_and_rule_resources(tmp_path) -> None:
    tpl = tf(
        tmp_path,
        {
            "main.tf": """\
        resource "aws_security_group" "a" {
          ingress {
            from_port   = 443
            to_port     = 443
            protocol    = "tcp"
            cidr_blocks = ["10.0.0.0/8"]
          }
        }
        resource "aws_security_group_rule" "r" {
          type              = "egress"
          security_group_id = aws_security_group.a.id
          protocol          = "-1"
          from_port         = 0
          to_port           = 0
          cidr_blocks       = ["0.0.0.0/0"]
        }
        resource "aws_security_group" "dyn" {
          dynamic "ingress" {
            for_each = var.rules
            content {}
          }
        }
        """
        },
    )
    sg = tpl.get("aws_security_group.a", m.SecurityGroup)
    assert [r.loc.line for r in sg.ingress] == [2]
    assert [r.loc.line for r in sg.egress] == [9]
    assert sg.default_egress_removed
    assert not tpl.get("aws_security_group.dyn", m.SecurityGroup).rules_known


def test_tf_syntax_error_is_located(tmp_path) -> None:
    (tmp_path / "main.tf").write_text('resource "x" "y" {\n  a = [1,,]\n}\n')
    (problem,) = terraform.load(str(tmp_path)).problems
    assert problem.loc.line == 2 and problem.message.startswith("HCL syntax error")


def test_taskdef_placeholders_and_describe_shape(tmp_path) -> None:
    p = tmp_path / "td.json"
    p.write_text(
        '{"taskDefinition": {"family": "f", "networkMode": "awsvpc",\n'
        '"containerDefinitions": [{"name": "${NAME}", "image": "<IMG>"}]}}'
    )
    loaded = taskdef.load(str(p))
    (td,) = loaded.template.of(m.TaskDefinition)
    assert td.id == "f" and td.network_mode.value == "awsvpc"
    (c,) = td.containers
    assert not c.name.known and not c.image.known and c.image.loc.line == 2


def test_tf_function_results_keep_assumptions_inside(tmp_path) -> None:
    tpl = tf(
        tmp_path,
        {
            "main.tf": """\
        variable "subnets" { default = "subnet-a,subnet-b" }
        resource "aws_ecs_service" "s" {
          network_configuration {
            subnets = split(",", var.subnets)
          }
        }
        """
        },
    )
    (first, _) = tpl.get("aws_ecs_service.s", m.Service).subnets.value
    assert first.value == "subnet-a" and first.assumed == ("variable subnets default",)


def test_tf_newlines_inside_brackets_are_ignored_as_terraform_ignores_them(tmp_path) -> None:
    # python-hcl2 8.1.4 rejects each of these; Terraform reads them as written here.
    tpl = tf(
        tmp_path,
        {
            "main.tf": """\
        variable "lbs" {
          type = map(object
            ({ port = number }))
        }
        locals {
          n = [1
            -1, "2"]
        }
        resource "aws_vpc" "v" {
          cidr_block = (cidrsubnet
            ("10.0.0.0/8", 8, local.n[0]
            + 3)
          )
          enable_dns_support = local.n[1]
        }
        """
        },
    )
    vpc = tpl.get("aws_vpc.v", m.Vpc)
    assert vpc.cidr.value == "10.3.0.0/16" and vpc.cidr.loc.line == 10
    assert vpc.dns_support.value == "2"


def test_tf_newline_still_ends_an_attribute(tmp_path) -> None:
    # Outside brackets a newline ends the attribute: `f` then `(...)` is invalid HCL.
    (tmp_path / "main.tf").write_text("locals {\n  a = f\n  (1)\n}\n")
    (problem,) = terraform.load(str(tmp_path)).problems
    assert problem.loc.line == 3
