"""Which policies reach a role (linter.iam), read from every way the formats write them,
and when the answer must stay open."""

from __future__ import annotations

import pathlib

from linter import model as m
from linter.addresses import NO, UNKNOWN, YES
from linter.iam import Roles
from linter.policy import Request
from linter.sources import cloudformation, terraform

TRUST = """
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "r" {
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
"""


def tf_roles(tmp_path: pathlib.Path, body: str) -> tuple[Roles, m.Role]:
    (tmp_path / "main.tf").write_text(TRUST + body)
    tpl = terraform.load(str(tmp_path)).template
    return Roles(tpl), tpl.get("aws_iam_role.r", m.Role)


def cfn_roles(tmp_path: pathlib.Path, text: str) -> tuple[Roles, m.Role]:
    (tmp_path / "t.yaml").write_text(text)
    tpl = cloudformation.load(str(tmp_path / "t.yaml")).template
    return Roles(tpl), tpl.get("Role", m.Role)


def answer(roles: Roles, role: m.Role, action: str, resource: str = "*") -> str:
    return roles.allows(role, Request(action, resource)).answer


def test_terraform_attachments_by_reference_by_name_and_by_data_source(tmp_path) -> None:
    roles, role = tf_roles(
        tmp_path,
        """
data "aws_iam_policy" "exec" {
  name = "AmazonECSTaskExecutionRolePolicy"
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = data.aws_iam_policy.exec.arn
}
resource "aws_iam_policy" "ssm" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ssm:GetParameters", Resource = "*" }] })
}
resource "aws_iam_policy_attachment" "b" {
  name       = "b"
  roles      = ["app"]
  policy_arn = aws_iam_policy.ssm.arn
}
resource "aws_iam_role_policy" "other" {
  role   = "someone-else"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }] })
}
""",
    )
    assert answer(roles, role, "ecr:GetAuthorizationToken") == YES  # the managed policy
    assert answer(roles, role, "ssm:GetParameters") == YES  # attached by the role's name
    assert answer(roles, role, "kms:Decrypt") == NO  # written on another role
    v = roles.allows(role, Request("ecr:BatchGetImage"))
    assert v.deciding is not None and "AmazonECSTaskExecutionRolePolicy" in v.deciding.label


def test_an_attachment_to_a_role_not_known_leaves_every_answer_open(tmp_path) -> None:
    roles, role = tf_roles(
        tmp_path,
        """
variable "role_name" {}
resource "aws_iam_role_policy_attachment" "a" {
  role       = var.role_name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
""",
    )
    assert answer(roles, role, "kms:Decrypt") == UNKNOWN
    assert "may attach policies" in roles.permissions(role).open[0]


def test_source_and_override_documents_merge_by_sid(tmp_path) -> None:
    roles, role = tf_roles(
        tmp_path,
        """
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Channels"
    actions   = ["ssmmessages:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "final" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [jsonencode({ Statement = [{ Sid = "Channels", Effect = "Allow", Action = "logs:*", Resource = "*" }] })]
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = data.aws_iam_policy_document.final.json
}
""",
    )
    assert answer(roles, role, "logs:PutLogEvents") == YES
    assert answer(roles, role, "ssmmessages:OpenDataChannel") == NO  # replaced by its Sid


def test_cloudformation_policies_written_every_way(tmp_path) -> None:
    roles, role = cfn_roles(
        tmp_path,
        """
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore
        - !Ref Custom
      Policies:
        - PolicyName: inline
          PolicyDocument: '{"Statement": [{"Effect": "Deny", "Action": "ssmmessages:OpenDataChannel", "Resource": "*"}]}'
  Custom:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: "logs:*", Resource: "*"}
  Attached:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: attached
      Roles: [!Ref Role]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: "kms:Decrypt", Resource: "*"}
""",
    )
    assert answer(roles, role, "ssmmessages:CreateControlChannel") == YES  # any partition
    assert answer(roles, role, "ssmmessages:OpenDataChannel") == NO  # the JSON-string Deny
    assert answer(roles, role, "logs:CreateLogGroup") == YES
    assert answer(roles, role, "kms:Decrypt") == YES
    assert answer(roles, role, "s3:GetObject") == NO


def test_an_exported_role_is_judged_on_an_assumption(tmp_path) -> None:
    roles, role = cfn_roles(
        tmp_path,
        """
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns: [arn:aws:iam::123456789012:policy/team-boundary]
Outputs:
  RoleName:
    Value: !Ref Role
    Export: {Name: app-role}
""",
    )
    v = roles.allows(role, Request("kms:Decrypt"))
    assert v.answer == UNKNOWN  # a customer managed policy from elsewhere may allow it
    roles, role = cfn_roles(
        tmp_path,
        """
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
Outputs:
  RoleName:
    Value: !Ref Role
    Export: {Name: app-role}
""",
    )
    v = roles.allows(role, Request("kms:Decrypt"))
    assert v.answer == NO and "other stacks or modules" in v.assumed[0]


def rules_of(path: pathlib.Path) -> list[tuple[str, int]]:
    from linter.rules import RULES

    from linter.engine import run

    result = run([str(path)], RULES)
    assert not result.internal_errors, [f.message for f in result.findings]
    return sorted((f.rule, f.loc.line) for f in result.findings)


EXEC_ROLE = """
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/a:b/*"}
              - {Effect: Allow, Action: "s3:GetBucketLocation", Resource: "arn:aws:s3:::bucket"}
              - {Effect: Allow, Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:eu-west-1:1:secret:app-secret-??????"}
"""


def test_what_may_be_allowed_is_not_reported(tmp_path) -> None:
    """Found by review: an S3 key built at deploy time may hold `:`; a secret named like
    a suffixed one (`app-secret`) may be a partial ARN; a task definition that may run on
    Fargate but whose only service runs on EC2 logs with the instance role."""
    (tmp_path / "t.yaml").write_text(
        "Parameters:\n  EnvKey: {Type: String}\nResources:"
        + EXEC_ROLE
        + """
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [EC2, FARGATE]
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: nginx
          LogConfiguration: {LogDriver: awslogs, Options: {awslogs-group: /ecs/app}}
          EnvironmentFiles: [{Type: s3, Value: !Sub "arn:aws:s3:::bucket/${EnvKey}"}]
          Secrets:
            - {Name: S, ValueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:app-secret"}
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: EC2
      TaskDefinition: !Ref TaskDef
"""
    )
    assert [r for r in rules_of(tmp_path / "t.yaml") if r[0] in ("FG083", "FG084")] == []


def test_a_null_endpoint_policy_is_full_access_and_deep_json_text_is_not_a_crash(
    tmp_path,
) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "p" {\n  default = null\n}\n'
        'resource "aws_vpc_endpoint" "e" {\n  vpc_id = "vpc-1"\n'
        '  service_name = "com.amazonaws.eu-west-1.s3"\n  policy = var.p\n}\n'
        'resource "aws_iam_role" "r" {\n  assume_role_policy = "'
        + "\\u005b" * 600
        + "\\u005d" * 600
        + '"\n}\n'
    )
    tpl = terraform.load(str(tmp_path)).template
    assert tpl.get("aws_vpc_endpoint.e", m.VpcEndpoint).policy is None
    trust = tpl.get("aws_iam_role.r", m.Role).trust
    assert trust is not None and not trust.known  # too deep to read: unknown
