"""Time fargate-lint on generated large inputs: one CloudFormation template with
500 resources and one Terraform directory with 5,000.

The inputs are realistic networks (VPCs, subnets, route tables, NACLs, security
groups with rules, endpoints) with Fargate services spread over them, so every
network rule has work to do. Each run is a fresh process, interpreter start
included; the median of several runs is reported.

    python benchmarks/generated.py [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

from common import EXE, timed

SERVICES = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages")


def cloudformation(vpcs: int, per_vpc: int) -> str:
    """About 25 resources per VPC plus `per_vpc` subnets with routes and services."""
    out = ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:"]
    add = out.append
    for v in range(vpcs):
        add(f"  Vpc{v}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.{v}.0.0/16")
        add("      EnableDnsSupport: true\n      EnableDnsHostnames: true")
        add(f"  Igw{v}:\n    Type: AWS::EC2::InternetGateway")
        add(f"  Att{v}:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:")
        add(f"      VpcId: !Ref Vpc{v}\n      InternetGatewayId: !Ref Igw{v}")
        add(
            f"  Nacl{v}:\n    Type: AWS::EC2::NetworkAcl\n    Properties:\n      VpcId: !Ref Vpc{v}"
        )
        for n, (egress, port) in enumerate([("true", 443), ("false", None)]):
            add(f"  Nacl{v}E{n}:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:")
            add(f"      NetworkAclId: !Ref Nacl{v}\n      RuleNumber: 100\n      Egress: {egress}")
            add("      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0")
            lo, hi = (port, port) if port else (1024, 65535)
            add(f"      PortRange: {{From: {lo}, To: {hi}}}")
        add(f"  TaskSg{v}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:")
        add(f"      GroupDescription: tasks\n      VpcId: !Ref Vpc{v}")
        add(f"  EpSg{v}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:")
        add(f"      GroupDescription: endpoints\n      VpcId: !Ref Vpc{v}")
        add("      SecurityGroupIngress:")
        add(f"        - {{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.{v}.0.0/16}}")
        for s in SERVICES:
            name = s.replace(".", "")
            add(f"  Ep{v}{name}:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:")
            add(f"      VpcId: !Ref Vpc{v}\n      VpcEndpointType: Interface")
            add(f"      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.{s}")
            add(f"      PrivateDnsEnabled: true\n      SecurityGroupIds: [!Ref EpSg{v}]")
            add(f"      SubnetIds: [!Ref Subnet{v}x0]")
        add(f"  S3Ep{v}:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:")
        add(f"      VpcId: !Ref Vpc{v}\n      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.s3")
        add(f"      RouteTableIds: [{', '.join(f'!Ref Rt{v}x{i}' for i in range(per_vpc))}]")
        add(f"  Cluster{v}:\n    Type: AWS::ECS::Cluster")
        add(f"  Task{v}:\n    Type: AWS::ECS::TaskDefinition\n    Properties:")
        add("      NetworkMode: awsvpc\n      RequiresCompatibilities: [FARGATE]")
        add("      ContainerDefinitions:\n        - Name: app")
        add("          Image: !Sub ${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app")
        add("          LogConfiguration: {LogDriver: awslogs}")
        for i in range(per_vpc):
            sub = f"Subnet{v}x{i}"
            add(f"  {sub}:\n    Type: AWS::EC2::Subnet\n    Properties:")
            add(f"      VpcId: !Ref Vpc{v}\n      CidrBlock: 10.{v}.{i}.0/24")
            add(f"  Rt{v}x{i}:\n    Type: AWS::EC2::RouteTable\n    Properties:")
            add(f"      VpcId: !Ref Vpc{v}")
            add(
                f"  Assoc{v}x{i}:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:"
            )
            add(f"      SubnetId: !Ref {sub}\n      RouteTableId: !Ref Rt{v}x{i}")
            add(f"  NaclAssoc{v}x{i}:\n    Type: AWS::EC2::SubnetNetworkAclAssociation")
            add(f"    Properties:\n      SubnetId: !Ref {sub}\n      NetworkAclId: !Ref Nacl{v}")
            add(f"  Svc{v}x{i}:\n    Type: AWS::ECS::Service\n    Properties:")
            add(f"      Cluster: !Ref Cluster{v}\n      TaskDefinition: !Ref Task{v}")
            add("      LaunchType: FARGATE\n      EnableExecuteCommand: true")
            add("      NetworkConfiguration:\n        AwsvpcConfiguration:")
            add(f"          Subnets: [!Ref {sub}]\n          SecurityGroups: [!Ref TaskSg{v}]")
    return "\n".join(out) + "\n"


def terraform(vpcs: int, per_vpc: int) -> str:
    """About 30 resources per VPC plus six per subnet (route, NACL rule, service...)."""
    out = []
    add = out.append
    for v in range(vpcs):
        add(f'resource "aws_vpc" "v{v}" {{\n  cidr_block = "10.{v % 250}.0.0/16"')
        add("  enable_dns_support   = true\n  enable_dns_hostnames = true\n}")
        add(f'resource "aws_internet_gateway" "v{v}" {{ vpc_id = aws_vpc.v{v}.id }}')
        add(f'resource "aws_network_acl" "v{v}" {{\n  vpc_id = aws_vpc.v{v}.id')
        add(f"  subnet_ids = [{', '.join(f'aws_subnet.v{v}_{i}.id' for i in range(per_vpc))}]")
        add('  egress {\n    rule_no = 100\n    protocol = "tcp"\n    action = "allow"')
        add('    cidr_block = "0.0.0.0/0"\n    from_port = 443\n    to_port = 443\n  }')
        add('  ingress {\n    rule_no = 100\n    protocol = "tcp"\n    action = "allow"')
        add('    cidr_block = "0.0.0.0/0"\n    from_port = 1024\n    to_port = 65535\n  }\n}')
        add(f'resource "aws_security_group" "tasks{v}" {{ vpc_id = aws_vpc.v{v}.id }}')
        add(f'resource "aws_security_group" "ep{v}" {{ vpc_id = aws_vpc.v{v}.id }}')
        add(f'resource "aws_vpc_security_group_egress_rule" "tasks{v}" {{')
        add(f"  security_group_id = aws_security_group.tasks{v}.id")
        add(
            '  ip_protocol = "tcp"\n  from_port = 443\n  to_port = 443\n  cidr_ipv4 = "0.0.0.0/0"\n}'
        )
        add(f'resource "aws_vpc_security_group_ingress_rule" "ep{v}" {{')
        add(f"  security_group_id = aws_security_group.ep{v}.id")
        add(f"  referenced_security_group_id = aws_security_group.tasks{v}.id")
        add('  ip_protocol = "tcp"\n  from_port = 443\n  to_port = 443\n}')
        for s in SERVICES:
            add(f'resource "aws_vpc_endpoint" "v{v}_{s.replace(".", "_")}" {{')
            add(f'  vpc_id = aws_vpc.v{v}.id\n  service_name = "com.amazonaws.eu-west-1.{s}"')
            add('  vpc_endpoint_type = "Interface"\n  private_dns_enabled = true')
            add(f"  security_group_ids = [aws_security_group.ep{v}.id]")
            add(f"  subnet_ids = [aws_subnet.v{v}_0.id]\n}}")
        add(f'resource "aws_vpc_endpoint" "v{v}_s3" {{\n  vpc_id = aws_vpc.v{v}.id')
        add('  service_name = "com.amazonaws.eu-west-1.s3"')
        add(
            f"  route_table_ids = [{', '.join(f'aws_route_table.v{v}_{i}.id' for i in range(per_vpc))}]\n}}"
        )
        add(f'resource "aws_ecs_cluster" "v{v}" {{ name = "c{v}" }}')
        add(f'resource "aws_ecs_task_definition" "v{v}" {{\n  family = "t{v}"')
        add('  network_mode = "awsvpc"\n  requires_compatibilities = ["FARGATE"]')
        add('  container_definitions = jsonencode([{\n    name = "app"')
        add('    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"')
        add('    logConfiguration = { logDriver = "awslogs" }\n  }])\n}')
        for i in range(per_vpc):
            sub = f"v{v}_{i}"
            add(f'resource "aws_subnet" "{sub}" {{\n  vpc_id = aws_vpc.v{v}.id')
            add(f'  cidr_block = "10.{v % 250}.{i}.0/24"\n}}')
            add(f'resource "aws_route_table" "{sub}" {{ vpc_id = aws_vpc.v{v}.id }}')
            add(f'resource "aws_route_table_association" "{sub}" {{')
            add(
                f"  subnet_id = aws_subnet.{sub}.id\n  route_table_id = aws_route_table.{sub}.id\n}}"
            )
            add(f'resource "aws_ecs_service" "{sub}" {{\n  name = "s{sub}"')
            add(f"  cluster = aws_ecs_cluster.v{v}.id")
            add(f"  task_definition = aws_ecs_task_definition.v{v}.arn")
            add('  launch_type = "FARGATE"\n  enable_execute_command = true')
            add("  network_configuration {")
            add(f"    subnets = [aws_subnet.{sub}.id]")
            add(f"    security_groups = [aws_security_group.tasks{v}.id]\n  }}\n}}")
    return "\n".join(out) + "\n"


def count_resources(text: str) -> int:
    return sum(
        1
        for line in text.splitlines()
        if line.startswith("resource ") or line.startswith("    Type: ")
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", help="write the inputs here instead of a temporary directory")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = pathlib.Path(args.keep or tmp)
        (base / "tf").mkdir(parents=True, exist_ok=True)
        cfn = cloudformation(vpcs=4, per_vpc=23)
        tf = terraform(vpcs=139, per_vpc=5)
        (base / "big.yaml").write_text(cfn)
        (base / "tf" / "main.tf").write_text(tf)
        for label, path, text in (
            ("CloudFormation", base / "big.yaml", cfn),
            ("Terraform", base / "tf", tf),
        ):
            cmd = [EXE, "check", "--fail-on", "never", str(path)]
            secs, _, output = timed(cmd, args.runs)
            findings = output.strip().splitlines()[-1] if output.strip() else ""
            print(f"{label:15} {count_resources(text):5} resources  {secs:.2f} s  ({findings})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
