"""CloudFormation seen whole: cross-stack imports, nested stacks, parameter values,
conditions and CDK output (linter.sources.stacks)."""

from __future__ import annotations

import json

import pytest
from linter.rules import RULES

from linter.cli import main
from linter.engine import Settings, run
from linter.sources import Given
from linter.sources.stacks import compatible, find_template, parameter_file

NETWORK = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  PrivateAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PrivateSubnet, RouteTableId: !Ref PrivateRouteTable}
Outputs:
  Subnet:
    Value: !Ref PrivateSubnet
    Export: {Name: EXPORT}
"""

SERVICE = """\
AWSTemplateFormatVersion: "2010-09-09"
PARAMETERS
Resources:
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ContainerDefinitions:
        - {Name: app, Image: nginx}
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref TaskDef
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [SUBNET]
"""
SUBNETS_LINE = 17  # 19 with two lines of Parameters


def service(subnet: str, parameters: str = "") -> str:
    return SERVICE.replace("PARAMETERS\n", parameters).replace("SUBNET", subnet)


def where(result) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.loc.file, f.loc.line, f.severity) for f in result.findings]


def test_an_import_with_its_export_in_the_run_is_judged_with_it(tmp_path) -> None:
    (tmp_path / "network.yaml").write_text(NETWORK.replace("EXPORT", "net-private-subnet"))
    (tmp_path / "service.yaml").write_text(service("!ImportValue net-private-subnet"))
    result = run([str(tmp_path)], RULES)
    # An exact name is a fact: the error stays an error.
    assert where(result) == [("FG010", "service.yaml", SUBNETS_LINE, "error")]
    steps = [(s.loc.file, s.loc.line) for s in result.findings[0].path]
    assert steps[1:3] == [("network.yaml", 12), ("network.yaml", 9)]
    assert result.units == 1 and not result.undecided


def test_a_stack_name_and_a_default_pair_as_an_assumption(tmp_path) -> None:
    name = '!Sub "${AWS::StackName}-PrivateSubnet"'
    (tmp_path / "network.yaml").write_text(NETWORK.replace("EXPORT", name))
    param = "Parameters:\n  Net: {Type: String, Default: prod}\n"
    imported = '!ImportValue {"Fn::Sub": "${Net}-PrivateSubnet"}'
    (tmp_path / "service.yaml").write_text(service(imported, param))
    result = run([str(tmp_path)], RULES)
    assert where(result) == [("FG010", "service.yaml", SUBNETS_LINE + 2, "warning")]
    assert "Fn::ImportValue prod-PrivateSubnet is the export of network.yaml" in (
        result.findings[0].message
    )


def test_an_import_two_stacks_may_answer_is_named_in_the_coverage(tmp_path) -> None:
    name = '!Sub "${AWS::StackName}-PrivateSubnet"'
    (tmp_path / "a.yaml").write_text(NETWORK.replace("EXPORT", name))
    (tmp_path / "b.yaml").write_text(NETWORK.replace("EXPORT", name))
    imported = '!ImportValue {"Fn::Sub": "${Net}-PrivateSubnet"}'
    (tmp_path / "service.yaml").write_text(
        service(imported, "Parameters:\n  Net: {Type: String}\n")
    )
    result = run([str(tmp_path)], RULES)
    assert result.findings == []
    (cov,) = result.undecided
    assert "may be the export of a.yaml, b.yaml" in cov.blinds[0].what


def test_an_import_with_no_export_is_a_blind_spot(tmp_path) -> None:
    (tmp_path / "service.yaml").write_text(service("!ImportValue elsewhere"))
    result = run([str(tmp_path)], RULES)
    assert result.findings == []
    (cov,) = result.undecided
    assert cov.blinds[0].what.endswith("Fn::ImportValue elsewhere, which has no Export in this run")


PARENT = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Network:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: "@URL@"
  App:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./service.yaml
      Parameters:
        Subnets: !GetAtt Network.Outputs.Subnet
"""


@pytest.mark.parametrize(
    "url",
    [
        "./network.yaml",
        "https://s3.amazonaws.com/bucket/templates/network.yaml",
        '!Sub "https://${Bucket}.s3.amazonaws.com/templates/network.yaml"',
    ],
)
def test_nested_stacks_pass_parameters_in_and_outputs_back(tmp_path, url) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "network.yaml").write_text(NETWORK.replace("EXPORT", "x"))
    (tmp_path / "templates" / "service.yaml").write_text(
        service("!Ref Subnets", "Parameters:\n  Subnets: {Type: String}\n").replace(
            "Subnets: [!Ref Subnets]", "Subnets: !Split [',', !Ref Subnets]"
        )
    )
    (tmp_path / "templates" / "parent.yaml").write_text(PARENT.replace('"@URL@"', url))
    result = run([str(tmp_path)], RULES)
    # A URL matched by its trailing path is an assumption; a local path is not.
    severity = "error" if url.startswith("./") else "warning"
    assert [(f.rule, f.loc.file, f.severity) for f in result.findings] == [
        ("FG010", "templates/service.yaml", severity)
    ]
    assert result.findings[0].resource == "App/Service"
    first = result.findings[0].path[0]
    assert (first.loc.file, first.loc.line) == ("templates/parent.yaml", 7)
    assert first.message == "nested stack App is created here, with the parameters it passes"
    assert result.units == 1  # the children are checked through their parent only


def test_a_nested_stack_not_in_the_run_is_handed_what_it_is_given(tmp_path) -> None:
    src = NETWORK.replace("EXPORT", "x").replace(
        "Outputs:",
        "  Endpoints:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        "      TemplateURL: https://example.com/endpoints.yaml\n"
        "      Parameters: {VpcId: !Ref Vpc}\nOutputs:",
    )
    (tmp_path / "network.yaml").write_text(src)
    (tmp_path / "service.yaml").write_text(service("!ImportValue x"))
    result = run([str(tmp_path)], RULES)
    # The endpoints stack may create the endpoints: a warning, and a named blind spot.
    assert where(result) == [("FG010", "service.yaml", SUBNETS_LINE, "warning")]
    (cov,) = result.coverage
    assert [b.what for b in cov.blinds] == [
        "Vpc is handed to nested stack Endpoints, which was not read"
    ]


def test_parameter_values_are_facts(tmp_path) -> None:
    net = NETWORK.replace("EXPORT", "x")
    (tmp_path / "all.yaml").write_text(
        net.replace(
            "Outputs:\n  Subnet:\n    Value: !Ref PrivateSubnet\n    Export: {Name: x}\n", ""
        )
        + service("!Ref Chosen", "").split("Resources:\n", 1)[1].replace("Resources:", "")
    )
    text = (tmp_path / "all.yaml").read_text()
    text = text.replace("Resources:", "Parameters:\n  Chosen: {Type: String}\nResources:", 1)
    (tmp_path / "all.yaml").write_text(text)
    line = text.splitlines().index("          Subnets: [!Ref Chosen]") + 1
    assert run([str(tmp_path)], RULES).findings == []  # no value: unknown, silent
    given = Settings(given=Given(parameters=(("Chosen", "PrivateSubnet"),)))
    # A subnet id given by value names no resource here: still silent, never a guess.
    assert run([str(tmp_path)], RULES, given).findings == []
    cond = text.replace(
        "Subnets: [!Ref Chosen]", "Subnets: [!If [UsePrivate, !Ref PrivateSubnet, !Ref Other]]"
    )
    cond = cond.replace(
        "Resources:", "Conditions:\n  UsePrivate: !Equals [!Ref Chosen, private]\nResources:", 1
    )
    (tmp_path / "all.yaml").write_text(cond)
    # The condition is undecided: the fault holds in one branch only, a warning naming it.
    (f,) = run([str(tmp_path)], RULES).findings
    assert (f.rule, f.loc.line, f.severity) == ("FG010", line + 2, "warning")
    assert f.message.endswith("(only when condition UsePrivate is true)")
    given = Settings(given=Given(parameters=(("Chosen", "private"),)))
    assert where(run([str(tmp_path)], RULES, given)) == [("FG010", "all.yaml", line + 2, "error")]


def test_a_resource_whose_condition_is_false_is_not_created(tmp_path) -> None:
    src = NETWORK.replace("EXPORT", "x") + (
        "Conditions:\n  WithNat: !Equals [!Ref Nat, 'yes']\n"
        "Parameters:\n  Nat: {Type: String, Default: 'no'}\n"
    )
    src = src.replace(
        "Outputs:",
        "  Route:\n    Type: AWS::EC2::Route\n    Condition: WithNat\n    Properties:\n"
        "      RouteTableId: !Ref PrivateRouteTable\n      DestinationCidrBlock: 0.0.0.0/0\n"
        "      NatGatewayId: nat-0123\nOutputs:",
    )
    (tmp_path / "network.yaml").write_text(src)
    (tmp_path / "service.yaml").write_text(service("!ImportValue x"))
    (f,) = run([str(tmp_path)], RULES).findings
    assert (f.rule, f.severity) == ("FG010", "warning")  # the route is left out by a default
    assert "parameter Nat default" in f.message
    assert "route table PrivateRouteTable has no 0.0.0.0/0 route (a route of it is left out: " in (
        "\n".join(s.message for s in f.path)
    )
    settings = Settings(given=Given(parameters=(("Nat", "yes"),)))
    assert run([str(tmp_path)], RULES, settings).findings == []  # a route to a NAT elsewhere


CDK = {
    "Resources": {
        "Vpc8378EB38": {
            "Type": "AWS::EC2::VPC",
            "Properties": {
                "CidrBlock": "10.0.0.0/16",
                "EnableDnsHostnames": True,
                "EnableDnsSupport": True,
            },
        },
        "Subnet1": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc8378EB38"}, "CidrBlock": "10.0.1.0/24"},
        },
        "RT": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc8378EB38"}}},
        "Assoc": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"RouteTableId": {"Ref": "RT"}, "SubnetId": {"Ref": "Subnet1"}},
        },
        "Logs": {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcId": {"Ref": "Vpc8378EB38"},
                "ServiceName": {
                    "Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".logs"]]
                },
                "VpcEndpointType": "Interface",
                "PrivateDnsEnabled": True,
                "SubnetIds": [{"Ref": "Subnet1"}],
            },
        },
        "DbSecret": {"Type": "AWS::SecretsManager::Secret"},
        "TaskDef": {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {
                "RequiresCompatibilities": ["FARGATE"],
                "NetworkMode": "awsvpc",
                "ContainerDefinitions": [
                    {
                        "Name": "web",
                        "Image": {
                            "Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}"
                            "/cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}:ab12"
                        },
                        "Secrets": [
                            {
                                "Name": "DB_PASSWORD",
                                "ValueFrom": {
                                    "Fn::Join": ["", [{"Ref": "DbSecret"}, ":password::"]]
                                },
                            }
                        ],
                    }
                ],
            },
        },
        "ServiceD69D759B": {
            "Type": "AWS::ECS::Service",
            "Properties": {
                "LaunchType": "FARGATE",
                "TaskDefinition": {"Ref": "TaskDef"},
                "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": [{"Ref": "Subnet1"}]}},
            },
            "Metadata": {"aws:cdk:path": "AppStack/Service/Service"},
        },
    }
}


def line_of_secret(text: str) -> int:
    lines = text.splitlines()
    return next(n for n, x in enumerate(lines, 1) if x.strip().startswith('"ValueFrom"')) + 1


def test_a_cdk_assembly_is_read_as_the_cdk_writes_it(tmp_path) -> None:
    out = tmp_path / "cdk.out"
    (out / "asset.0123").mkdir(parents=True)
    text = json.dumps(CDK, indent=1)
    (out / "AppStack.template.json").write_text(text)
    (out / "asset.0123" / "copy.template.json").write_text(text)  # the app's own files
    (out / "cdk.out").write_text('{"version": "36.0.0"}')
    (out / "manifest.json").write_text('{"version": "36.0.0", "artifacts": {}}')
    tree = {
        "tree": {
            "children": {
                "TaskDef": {
                    "attributes": {
                        "aws:cdk:cloudformation:props": {"containerDefinitions": [{"image": "x"}]}
                    }
                }
            }
        }
    }
    (out / "tree.json").write_text(json.dumps(tree))
    (out / "AppStack.assets.json").write_text('{"version": "36.0.0", "dockerImages": {}}')
    result = run([str(tmp_path)], RULES)
    line = next(n for n, x in enumerate(text.splitlines(), 1) if x.strip() == '"Subnets": [')
    got = sorted((f.rule, f.loc.file, f.loc.line) for f in result.findings)
    # The CDK's ECR image (over AWS::AccountId and AWS::URLSuffix) and its secret JSON
    # field are needs; tree.json and the asset copy are not templates to check.
    at = line + 1  # the list's first item: where JSON marks it
    assert got == [
        ("FG012", "cdk.out/AppStack.template.json", at),
        ("FG013", "cdk.out/AppStack.template.json", at),
        ("FG015", "cdk.out/AppStack.template.json", at),
        # the task definition here has no execution role: its secret needs one
        ("FG080", "cdk.out/AppStack.template.json", line_of_secret(text)),
    ]
    fg012 = next(f for f in result.findings if f.rule == "FG012")
    assert fg012.path[0].message == (
        "ServiceD69D759B is the CDK construct AppStack/Service/Service"
    )


def test_one_finding_per_rule_line_and_message(tmp_path) -> None:
    (tmp_path / "network.yaml").write_text(NETWORK.replace("EXPORT", "x"))
    (tmp_path / "service.yaml").write_text(service("!ImportValue x, !ImportValue x"))
    assert where(run([str(tmp_path)], RULES)) == [("FG010", "service.yaml", SUBNETS_LINE, "error")]


def test_names_and_urls_match_as_cloudformation_would() -> None:
    assert compatible("*-Vpc", "prod-Vpc") and compatible("prod-Vpc", "prod-Vpc")
    assert not compatible("*-Vpc", "prod-Subnet") and not compatible("a", "b")
    paths = ["x/templates/vpc.yaml", "y/vpc.yaml", "x/parent.yaml"]
    url = "https://b.s3.amazonaws.com/templates/vpc.yaml"
    assert find_template(url, "x/parent.yaml", paths) == ("x/templates/vpc.yaml", False)
    assert find_template("https://b/*/other.yaml", "x/parent.yaml", paths) is None
    local = find_template("templates/vpc.yaml", "x/parent.yaml", paths)
    assert local == ("x/templates/vpc.yaml", True)
    # A local path that is not beside the parent is not looked for elsewhere.
    assert find_template("./vpc.yaml", "x/parent.yaml", paths) is None
    assert not compatible("*-PrivateSubnet", "PrivateSubnet") and not compatible("*", "x")


def test_parameter_files_in_the_forms_aws_tools_write(tmp_path) -> None:
    cli = '[{"ParameterKey": "A", "ParameterValue": "1"}, {"ParameterKey": "B", "UsePreviousValue": true}]'
    assert parameter_file(cli) == [("A", "1")]
    assert parameter_file('{"Parameters": {"A": "x", "L": ["a", "b"]}}') == [
        ("A", "x"),
        ("L", "a,b"),
    ]
    assert parameter_file('["A=1", "B=x=y"]') == [("A", "1"), ("B", "x=y")]
    with pytest.raises(ValueError):
        parameter_file('{"A": 1}')
    bad = tmp_path / "p.json"
    bad.write_text('{"A": 1}')
    (tmp_path / "t.yaml").write_text(NETWORK)
    assert main(["check", str(tmp_path / "t.yaml"), "--parameter-file", str(bad)]) == 2


def test_a_fault_in_every_branch_is_an_error(tmp_path) -> None:
    net = NETWORK.replace("EXPORT", "x").replace(
        "Outputs:",
        "  Other:\n    Type: AWS::EC2::Subnet\n"
        "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24}\n"
        "  OtherAssoc:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n"
        "    Properties: {SubnetId: !Ref Other, RouteTableId: !Ref PrivateRouteTable}\n"
        "Outputs:",
    )
    (tmp_path / "network.yaml").write_text(
        net.replace("Export: {Name: x}", "Export: {Name: a}")
        + "  OtherOut:\n    Value: !Ref Other\n    Export: {Name: b}\n"
    )
    params = "Parameters:\n  Env: {Type: String, AllowedValues: [prod, dev]}\n"
    conds = "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n"
    chosen = "!If [IsProd, !ImportValue a, !ImportValue b]"
    (tmp_path / "service.yaml").write_text(service(chosen, params + conds))
    (f,) = run([str(tmp_path)], RULES).findings
    assert (f.rule, f.severity, f.loc.line) == ("FG010", "error", SUBNETS_LINE + 4)


def test_a_named_template_pairs_with_the_repository(tmp_path, monkeypatch) -> None:
    """pre-commit names the changed file only: its partners come from the repository."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "network.yaml").write_text(NETWORK.replace("EXPORT", "net-private-subnet"))
    (tmp_path / "service.yaml").write_text(service("!ImportValue net-private-subnet"))
    (tmp_path / "other.yaml").write_text(NETWORK.replace("EXPORT", "unrelated"))
    monkeypatch.chdir(tmp_path)
    expected = [("FG010", "service.yaml", SUBNETS_LINE, "error")]
    assert where(run(["service.yaml"], RULES)) == expected
    # Deleting the route in network.yaml strands the service declared elsewhere.
    assert where(run(["network.yaml"], RULES)) == expected
    assert where(run(["other.yaml"], RULES)) == []


def test_a_list_exported_as_a_join_is_split_where_it_is_used(tmp_path) -> None:
    net = NETWORK.replace("Value: !Ref PrivateSubnet", 'Value: !Join [",", [!Ref PrivateSubnet]]')
    (tmp_path / "network.yaml").write_text(net.replace("EXPORT", "subnets"))
    src = service("X", "").replace("Subnets: [X]", "Subnets: !Split [',', !ImportValue subnets]")
    (tmp_path / "service.yaml").write_text(src)
    assert where(run([str(tmp_path)], RULES)) == [("FG010", "service.yaml", SUBNETS_LINE, "error")]


def test_a_condition_on_an_unrelated_resource_softens_nothing(tmp_path) -> None:
    net = NETWORK.replace("EXPORT", "x").replace(
        "Outputs:",
        "  ProdNat:\n    Type: AWS::EC2::NatGateway\n    Condition: IsProd\n"
        "    Properties: {SubnetId: !Ref PrivateSubnet, ConnectivityType: private}\n"
        "Parameters:\n  Env: {Type: String, Default: dev}\n"
        "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\nOutputs:",
    )
    (tmp_path / "network.yaml").write_text(net)
    (tmp_path / "service.yaml").write_text(service("!ImportValue x"))
    assert where(run([str(tmp_path)], RULES)) == [("FG010", "service.yaml", SUBNETS_LINE, "error")]


def test_a_cdk_nested_stack_is_found_by_its_asset_path(tmp_path) -> None:
    parent = {
        "Resources": {
            "NetworkNestedStackResource": {
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {
                    "TemplateURL": {
                        "Fn::Join": [
                            "",
                            [
                                "https://s3.",
                                {"Ref": "AWS::Region"},
                                ".",
                                {"Ref": "AWS::URLSuffix"},
                                "/cdk-assets/4a1b.json",
                            ],
                        ]
                    }
                },
                "Metadata": {"aws:asset:path": "AppStackNetwork1A2B3C4D.nested.template.json"},
            },
        }
    }
    child = NETWORK.replace("EXPORT", "x")
    (tmp_path / "AppStack.template.json").write_text(json.dumps(parent))
    (tmp_path / "AppStackNetwork1A2B3C4D.nested.template.json").write_text(child)
    result = run([str(tmp_path)], RULES)
    assert result.units == 1 and not result.unseen


def test_an_export_named_from_a_default_is_an_assumption(tmp_path) -> None:
    net = NETWORK.replace("EXPORT", '!Sub "${Env}-subnet"')
    net = net.replace(
        "Resources:", "Parameters:\n  Env: {Type: String, Default: prod}\nResources:", 1
    )
    (tmp_path / "network.yaml").write_text(net)
    (tmp_path / "service.yaml").write_text(service("!ImportValue prod-subnet"))
    (f,) = run([str(tmp_path)], RULES).findings
    assert (f.rule, f.severity) == ("FG010", "warning") and "parameter Env default" in f.message


def test_three_stacks_of_one_name_keep_their_resources_apart(tmp_path) -> None:
    for d, export in (("a", "a"), ("b", "b"), ("c", "c")):
        (tmp_path / d).mkdir()
        (tmp_path / d / "net.yaml").write_text(NETWORK.replace("EXPORT", export))
    routed = NETWORK.replace("EXPORT", "b").replace(
        "Outputs:",
        "  Nat:\n    Type: AWS::EC2::Route\n    Properties: {RouteTableId: !Ref PrivateRouteTable,"
        " DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: nat-0123}\nOutputs:",
    )
    (tmp_path / "b" / "net.yaml").write_text(routed)
    both = "!ImportValue a, !ImportValue b, !ImportValue c"
    (tmp_path / "svc.yaml").write_text(service(both))
    # a's and c's subnets have no route: b's route must not land on their tables.
    subnets = sorted(
        f.message.split(" in subnet ")[1].split(" ")[0]
        for f in run([str(tmp_path)], RULES).findings
        if f.rule == "FG010"  # beside a true FG035: the service spans three VPCs
    )
    assert subnets == ["PrivateSubnet", "net~2/PrivateSubnet"]


def test_a_service_left_out_by_a_default_is_checked_on_that_assumption(tmp_path) -> None:
    net = NETWORK.replace("EXPORT", "x")
    (tmp_path / "network.yaml").write_text(net)
    src = service("!ImportValue x", "Parameters:\n  Deploy: {Type: String, Default: 'no'}\n")
    src = src.replace(
        "Resources:", "Conditions:\n  Wanted: !Equals [!Ref Deploy, 'yes']\nResources:", 1
    )
    src = src.replace(
        "    Type: AWS::ECS::Service\n", "    Type: AWS::ECS::Service\n    Condition: Wanted\n"
    )
    (tmp_path / "service.yaml").write_text(src)
    (f,) = run([str(tmp_path)], RULES).findings
    assert (f.rule, f.severity) == ("FG010", "warning") and "condition Wanted holds" in f.message


def test_conditions_that_name_each_other_twice_are_judged_once(tmp_path) -> None:
    """Each condition names the one before twice: walked naively, 2**60 visits."""
    conds = ["  C0: !Equals [!Ref P, 'a']"]
    conds += [
        f"  C{k}: !And [{{Condition: C{k - 1}}}, {{Condition: C{k - 1}}}]" for k in range(1, 60)
    ]
    src = service("!Ref S", "Parameters:\n  P: {Type: String}\n  S: {Type: String}\n")
    src = src.replace("Resources:", "Conditions:\n" + "\n".join(conds) + "\nResources:", 1)
    src = src.replace("Image: nginx", "Image: !If [C59, nginx, httpd]")
    (tmp_path / "t.yaml").write_text(src)
    result = run([str(tmp_path)], RULES)
    assert not result.internal_errors and result.findings == []


def test_a_named_parent_reads_its_local_children_even_where_discovery_does_not(
    tmp_path, monkeypatch
) -> None:
    """cfn-modules keeps nested templates under node_modules, which discovery skips; a
    child that exports nothing is no pairing candidate, but its parent names it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "node_modules" / "vpc").mkdir(parents=True)
    child = NETWORK.replace("EXPORT", "x").split("Outputs:")[0]
    child += "Outputs:\n  Subnet:\n    Value: !Ref PrivateSubnet\n"
    (tmp_path / "node_modules" / "vpc" / "module.yml").write_text(child)
    parent = PARENT.replace('"@URL@"', "./node_modules/vpc/module.yml").replace(
        "./service.yaml", "./service.yml"
    )
    (tmp_path / "main.yml").write_text(parent)
    src = service("!Ref Subnets", "Parameters:\n  Subnets: {Type: String}\n")
    (tmp_path / "service.yml").write_text(
        src.replace("Subnets: [!Ref Subnets]", "Subnets: [!Ref Subnets]")
    )
    monkeypatch.chdir(tmp_path)
    for named in (["main.yml"], ["."]):
        result = run(named, RULES)
        assert [(f.rule, f.loc.file) for f in result.findings] == [("FG010", "service.yml")]
