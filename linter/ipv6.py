"""IPv6-only task subnets (catalogue FG046, FG063): their IPv6 way out, and whether the
tasks' security groups let IPv6 out at all.

An IPv6-only subnet (`Ipv6Native`) gives the tasks no IPv4 address: they reach the
internet only through a `::/0` route to an internet gateway or an egress-only
internet gateway, and only over IPv6 rules of their security groups. A
CloudFormation group's default egress rule is IPv4 only (0.0.0.0/0).
"""

from __future__ import annotations

from linter import model as m
from linter.addresses import NO, UNKNOWN, YES, everywhere6, network
from linter.budget import spend
from linter.findings import Step
from linter.network import Network
from linter.secgroups import SgVerdict, port_matches
from linter.values import ref_id, shape, text, truth

GATEWAY_TYPES = (
    "AWS::EC2::InternetGateway",
    "AWS::EC2::EgressOnlyInternetGateway",
    "aws_internet_gateway",
    "aws_egress_only_internet_gateway",
)


def ipv6_only(subnet: m.Subnet) -> bool:
    return subnet.ipv6_only is not None and truth(subnet.ipv6_only) is True


def default_route6(net: Network, subnet: m.Subnet) -> tuple[str, tuple[Step, ...]]:
    """Whether the subnet's route table sends ::/0 to an internet gateway or an
    egress-only one: YES, NO (the table and its routes are known and none does) or
    UNKNOWN, with the steps that decided."""
    rt, status, steps = net.route_table(subnet)
    if status == UNKNOWN or rt is None:
        return (UNKNOWN if status == UNKNOWN else NO), steps
    if not rt.routes_known or net.routes_unplaced or net.tpl.uncertain_why("aws_route"):
        return UNKNOWN, steps
    routes = net.routes_by_table.get(rt.id, [])
    for r in routes:
        dest = r.destination_v6
        if dest is None:
            continue
        if not dest.known or not r.target or not r.target.known:
            return UNKNOWN, steps
        if everywhere6(text(dest)):
            kind = net.tpl.types.get(ref_id(r.target) or "")
            if kind in GATEWAY_TYPES:
                return YES, (
                    *steps,
                    Step(f"route table {rt.id} sends ::/0 to {ref_id(r.target)}", r.loc),
                )
            return UNKNOWN, steps  # another target: not followed
    return NO, (*steps, Step(f"route table {rt.id} has no ::/0 route", rt.loc))


def egress6(groups: list[m.SecurityGroup], port: int) -> SgVerdict:
    """Whether the union of the groups lets TCP `port` out to any IPv6 address."""
    answer = NO
    for sg in groups:
        if not sg.rules_known:
            return SgVerdict(UNKNOWN)
        # AWS's default egress rule, where kept, is IPv4 only: it adds nothing here.
        for rule in sg.egress:
            verdict = _rule6(rule, port)
            if verdict == YES:
                return SgVerdict(YES, rule)
            if verdict == UNKNOWN:
                answer = UNKNOWN
    return SgVerdict(answer)


def _rule6(rule: m.SgRule, port: int) -> str:
    spend()
    taken = port_matches(rule, port)
    if taken != YES:
        return taken
    if rule.peer_group is not None or rule.prefix_list is not None or rule.self_ref:
        return UNKNOWN  # a group or list may stand for IPv6 addresses
    if rule.cidr_v6 is None:
        return NO
    if not rule.cidr_v6.known:
        return UNKNOWN
    for c in rule.cidr_v6.items():
        net = network(shape(c) if c.known else None)
        if net is None:
            return UNKNOWN
        if net.version == 6:
            return YES  # some IPv6 range: whether it holds the service is not judged
    return NO
