"""Load-balancer paths (linter.lb) and the severities fixtures cannot assert: what the
files say about a target group, its listeners and the VPCs decides error, warning or
info."""

from __future__ import annotations

import pathlib
import shutil

from linter.rules import RULES

from linter import model as m
from linter.engine import run
from linter.lb import Balancing, ports
from linter.network import Network
from linter.sources import cloudformation

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures"

TWO_VPCS = """\
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Other:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  Group:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {VpcId: !Ref Other, Port: 80, Protocol: HTTP, TargetType: ip,
                 HealthCheckPort: "8081"}
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions: [{Name: web, Image: nginx, PortMappings: [{ContainerPort: 80}]}]
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref TaskDef
      LoadBalancers: [{ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref Group}]
      NetworkConfiguration: {AwsvpcConfiguration: {Subnets: [!Ref Subnet]}}
"""

PEERING = """\
  Peering:
    Type: AWS::EC2::VPCPeeringConnection
    Properties: {VpcId: !Ref Vpc, PeerVpcId: !Ref Other}
"""


def severities(path: pathlib.Path, rule: str) -> list[tuple[int, str]]:
    result = run([str(path)], {rule: RULES[rule]})
    return [(f.loc.line, f.severity) for f in result.findings if f.rule == rule]


def test_target_group_in_another_vpc_is_an_error_unless_a_peering_may_join_them(
    tmp_path,
) -> None:
    t = tmp_path / "t.yaml"
    t.write_text(TWO_VPCS)
    assert severities(t, "FG035") == [(26, "error")]
    t.write_text(TWO_VPCS + PEERING)
    assert severities(t, "FG035") == [(26, "warning")]


def test_the_health_check_port_is_a_port_of_its_own(tmp_path) -> None:
    t = tmp_path / "t.yaml"
    t.write_text(TWO_VPCS)
    tpl = cloudformation.load(str(t)).template
    svc = tpl.get("Service", m.Service)
    tg = Balancing(tpl, Network(tpl)).target_group(svc.load_balancers[0])
    assert [(p.number, p.what) for p in ports(svc.load_balancers[0], tg)] == [
        (80, "container port 80"),
        (8081, "health-check port 8081"),
    ]


def test_no_listener_means_the_group_has_no_load_balancer(tmp_path) -> None:
    t = tmp_path / "t.yaml"
    t.write_text(TWO_VPCS)
    assert severities(t, "FG034") == [(26, "error")]
    # Shared with other stacks, the group may get its listener there: silence.
    t.write_text(TWO_VPCS + "Outputs:\n  G: {Value: !Ref Group, Export: {Name: g}}\n")
    assert severities(t, "FG034") == []


def test_a_terraform_service_racing_its_listener_is_an_info(tmp_path) -> None:
    case = FIXTURES / "FG034"
    found = [d for d in sorted(case.iterdir()) if d.is_dir()]
    assert found, "FG034 has Terraform fixtures"
    for d in found:
        shutil.copytree(d, tmp_path / d.name)
        sev = {s for _, s in severities(tmp_path / d.name, "FG034")}
        assert sev <= {"error", "info"}, (d.name, sev)  # never a warning in Terraform
