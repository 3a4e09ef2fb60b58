"""Network facts on their own: answers, and the steps that explain them."""

from __future__ import annotations

from conftest import FIXTURES

from linter import model as m
from linter.network import IGW, NAT, NO, NONE, UNKNOWN, YES, Network, Peer
from linter.sources import cloudformation, terraform


def network(path) -> Network:
    loaded = (terraform.load if path.is_dir() else cloudformation.load)(str(path))
    return Network(loaded.template)


def test_default_route_none_explained() -> None:
    net = network(FIXTURES / "FG010" / "cfn_private_subnet_no_nat.yaml")
    d = net.default_route(net.tpl.get("PrivateSubnet", m.Subnet))
    assert d.kind == NONE
    assert [(s.message, s.loc.line) for s in d.steps] == [
        ("PrivateSubnet is associated with route table PrivateRouteTable", 17),
        ("route table PrivateRouteTable has no 0.0.0.0/0 route", 14),
    ]
    public = net.default_route(net.tpl.get("PublicSubnet", m.Subnet))
    assert public.kind == IGW and public.target.id == "Igw"
    assert (
        public.steps[-1].message
        == "route table PublicRouteTable sends 0.0.0.0/0 to internet gateway Igw"
    )


def test_nat_behind_gateway_id_is_a_nat() -> None:
    net = network(FIXTURES / "FG010" / "tf_nat_behind_gateway_id")
    private = net.tpl.get('aws_subnet.private["a"]', m.Subnet)
    d = net.default_route(private)
    assert d.kind == NAT and d.target.id == "aws_nat_gateway.nat"
    svc = net.tpl.get("aws_ecs_service.app", m.Service)
    fact, _ = net.internet_egress(svc, private, "FARGATE", "awsvpc")
    assert fact.answer == YES


def test_public_subnet_without_public_ip_is_no() -> None:
    net = network(FIXTURES / "FG011" / "cfn_public_subnet_no_public_ip.yaml")
    subnet = net.tpl.get("PublicSubnet", m.Subnet)
    omitted = net.tpl.get("Omitted", m.Service)
    fact, route = net.internet_egress(omitted, subnet, "FARGATE", "awsvpc")
    assert (fact.answer, route.kind, fact.why) == (NO, IGW, "no public IP")
    enabled = net.tpl.get("Enabled", m.Service)
    assert net.internet_egress(enabled, subnet, "FARGATE", "awsvpc")[0].answer == YES


def test_transit_gateway_is_unknown() -> None:
    net = network(FIXTURES / "FG010" / "cfn_transit_gateway_and_endpoints.yaml")
    svc = net.tpl.get("ViaTgw", m.Service)
    fact, _ = net.internet_egress(svc, net.tpl.get("TgwSubnet", m.Subnet), "FARGATE", "awsvpc")
    assert fact.answer == UNKNOWN


def tasks(groups=(), cidrs=("10.0.1.0/24",)) -> Peer:
    return Peer("tasks", cidrs=cidrs, groups=frozenset(groups))


def test_security_group_decisions() -> None:
    net = network(FIXTURES / "FG041" / "cfn_endpoint_sg_separate_ingress.yaml")
    endpoint_sg = net.tpl.get("EndpointSg", m.SecurityGroup)
    admitted = net.sg_admits([endpoint_sg], "ingress", 443, tasks({"TaskSg"}, None))
    assert admitted.answer == YES and admitted.rule.loc.line == 18
    assert net.sg_admits([endpoint_sg], "ingress", 443, tasks({"Other"})).answer == NO
    assert net.sg_admits([endpoint_sg], "ingress", 80, tasks({"TaskSg"})).answer == NO
    net = network(FIXTURES / "FG041" / "cfn_endpoint_sg_port_80.yaml")
    sg = net.tpl.get("EndpointSg", m.SecurityGroup)
    assert net.sg_admits([sg], "ingress", 80, tasks()).answer == YES
    assert net.sg_admits([sg], "ingress", 80, tasks(cidrs=None)).answer == UNKNOWN
    assert net.sg_admits([sg], "ingress", 443, tasks()).answer == NO


def test_launch_type_resolution() -> None:
    net = network(FIXTURES / "FG030" / "cfn_public_ip_on_ec2.yaml")
    lt = {s.id: net.launch_type(s)[0] for s in net.tpl.of(m.Service)}
    assert lt == {
        "Explicit": "EC2",
        "ByDefault": "EC2",
        "ViaAsgProvider": "EC2",
        "Conditional": None,
        "Fargate": "FARGATE",
        "Disabled": "EC2",
    }
    net = network(FIXTURES / "FG030" / "cfn_cluster_out_of_scope.yaml")
    lt = {s.id: net.launch_type(s)[0] for s in net.tpl.of(m.Service)}
    assert lt == {"Service": None, "FargateByDefault": "FARGATE"}


def test_nacl_decision_names_the_entry_and_the_dropped_ports() -> None:
    from linter.nacl import EPHEMERAL, decide

    net = network(FIXTURES / "FG051" / "cfn_nacl_partial_ephemeral.yaml")
    entries, acl, steps, _ = net.nacl(net.tpl.get("SubnetA", m.Subnet))
    assert acl.id == "PrivateNacl" and [s.loc.line for s in steps] == [38]
    internet = Peer("the internet", internet=True)
    assert decide(entries, True, (443, 443), internet).answer == YES
    back = decide(entries, False, EPHEMERAL, internet)
    assert (back.answer, back.entry, back.ports) == (NO, None, (50001, 61000))
    # A NACL rule limited to private space never carries internet traffic; a public
    # range might: unknown, not "blocked".
    vpc_only = Peer("endpoint", cidrs=("10.0.9.0/24",))
    assert decide(entries, False, EPHEMERAL, vpc_only).answer == NO


def test_nacl_shadowing_deny_is_reported_with_the_allow() -> None:
    from linter.nacl import decide

    net = network(FIXTURES / "FG053" / "cfn_nacl_deny_before_allow.yaml")
    entries, _, _, _ = net.nacl(net.tpl.get("SubnetB", m.Subnet))
    v = decide(entries, True, (443, 443), Peer("the internet", internet=True))
    assert v.answer == NO
    assert (v.entry.loc.line, v.shadowed.loc.line) == (44, 53)


def test_sg_egress_default_and_terraform_removal() -> None:
    internet = Peer("the internet", internet=True)
    net = network(FIXTURES / "FG040" / "cfn_task_egress_vpc_cidr_only.yaml")
    sg = net.tpl.get("TaskSg", m.SecurityGroup)
    assert net.sg_admits([sg], "egress", 443, internet).answer == NO
    assert net.sg_admits([sg], "egress", 443, Peer("ep", cidrs=("10.0.9.0/24",))).answer == YES
    net = network(FIXTURES / "FG040" / "tf_task_sg_without_egress")
    sg = net.tpl.get("aws_security_group.tasks", m.SecurityGroup)
    assert net.sg_admits([sg], "egress", 443, internet).answer == NO
    net = network(FIXTURES / "FG040" / "tf_task_sg_egress_rule_resource")
    sg = net.tpl.get("aws_security_group.tasks", m.SecurityGroup)
    assert net.sg_admits([sg], "egress", 443, internet).answer == YES


def test_nat_in_private_subnet_is_no_with_its_hops() -> None:
    net = network(FIXTURES / "FG061" / "tf_nat_in_private_subnet")
    svc = net.tpl.get("aws_ecs_service.app", m.Service)
    fact, route = net.internet_egress(
        svc, net.tpl.get("aws_subnet.private", m.Subnet), "FARGATE", "awsvpc"
    )
    assert (fact.answer, route.kind, fact.why) == (
        NO,
        NAT,
        "NAT in a subnet without an internet route",
    )
    assert [s.message for s in fact.steps][-2:] == [
        "aws_subnet.nat_home is associated with route table aws_route_table.nat_home",
        "route table aws_route_table.nat_home has no 0.0.0.0/0 route",
    ]


def test_reach_serves_each_need_and_names_gaps() -> None:
    from linter import reach

    net = network(FIXTURES / "FG012" / "cfn_missing_ecr_api.yaml")
    svc = net.tpl.get("Service", m.Service)
    r = reach.analyse(net, svc, net.task_definition(svc), "FARGATE", "awsvpc")
    a = r.subnets[0]
    assert a.endpoint_only
    assert {f.need.service: f.via for f in a.flows} == {
        "ecr.dkr": reach.ENDPOINT,
        "s3": reach.GATEWAY,
        "logs": reach.ENDPOINT,
        "secretsmanager": reach.ENDPOINT,
        "ssmmessages": reach.ENDPOINT,
    }
    assert [(g.need.service, g.reason) for g in a.gaps] == [("ecr.api", reach.MISSING)]
