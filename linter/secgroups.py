"""Security-group decisions: does the union of some groups' rules admit a TCP flow?

Security groups are stateful, so only the initiating direction needs a rule:
egress on the task's groups, ingress on the peer's. An ENI's groups are a union.
CloudFormation keeps AWS's default allow-all IPv4 egress unless the group lists
egress rules itself; the Terraform provider removes it (`default_egress_removed`).
"""

from __future__ import annotations

from dataclasses import dataclass

from linter import model as m
from linter.addresses import NO, UNKNOWN, YES, Peer, covers
from linter.budget import spend
from linter.values import integer, ref_id, shape, text


@dataclass(frozen=True)
class SgVerdict:
    answer: str
    rule: m.SgRule | None = None  # the rule that admits the flow (None: the default egress)


def port_matches(rule: m.SgRule, port: int) -> str:
    """Whether the rule's protocol and port range take TCP `port`."""
    proto = text(rule.protocol)
    if proto is None:
        return UNKNOWN
    proto = proto.lower()
    if proto not in ("-1", "all", "tcp", "6"):
        return NO
    if proto not in ("-1", "all"):
        lo, hi = integer(rule.from_port), integer(rule.to_port)
        if lo is None or hi is None:
            return UNKNOWN
        if not lo <= port <= hi:
            return NO
    return YES


def rule_matches(rule: m.SgRule, owner: str, port: int, peer: Peer) -> str:
    """Whether one rule admits TCP `port` to (egress) or from (ingress) the peer."""
    spend()
    taken = port_matches(rule, port)
    if taken != YES:
        return taken
    if rule.self_ref:
        if peer.groups is None:
            return UNKNOWN
        return YES if owner in peer.groups else NO
    answer = NO
    if rule.peer_group is not None:
        if not rule.peer_group.known or peer.groups is None:
            answer = UNKNOWN
        for g in rule.peer_group.items():
            rid = ref_id(g)
            if peer.groups is not None and rid in peer.groups:
                return YES
            if rid is None:
                answer = UNKNOWN
    if rule.cidr is not None:
        if not rule.cidr.known:
            return UNKNOWN
        for c in rule.cidr.items():
            verdict = covers(shape(c) if c.known else None, peer)
            if verdict == YES:
                return YES
            if verdict == UNKNOWN:
                answer = UNKNOWN
    if rule.prefix_list is not None and rule.prefix_list.value not in (None, []):
        # Which prefix list it is (the S3 one?) is an id we cannot read.
        answer = UNKNOWN
    return answer


def admits(
    groups: list[m.SecurityGroup], direction: str, port: int, peer: Peer, open_world: bool
) -> SgVerdict:
    """The union of the groups' rules in one direction; `open_world` when rules may be
    added by resources we cannot place (unknown counts, rules on unknown groups)."""
    answer = NO
    for sg in groups:
        if not sg.rules_known:
            return SgVerdict(UNKNOWN)
        if direction == "egress" and not sg.default_egress_removed:
            return SgVerdict(YES)
        for rule in sg.ingress if direction == "ingress" else sg.egress:
            verdict = rule_matches(rule, sg.id, port, peer)
            if verdict == YES:
                return SgVerdict(YES, rule)
            if verdict == UNKNOWN:
                answer = UNKNOWN
    if open_world:
        return SgVerdict(UNKNOWN)
    return SgVerdict(answer)


def admits_range(
    groups: list[m.SecurityGroup],
    direction: str,
    ports: tuple[int, int],
    peer: Peer,
    open_world: bool,
) -> tuple[SgVerdict, int]:
    """Whether the union admits every TCP port of the range (a dynamic host-port range):
    NO with the first port it certainly drops, else YES or UNKNOWN. Ports are judged
    once per stretch between the rules' own bounds."""
    lo, hi = ports
    cuts = {lo}
    for sg in groups:
        for rule in sg.ingress if direction == "ingress" else sg.egress:
            for edge in (integer(rule.from_port), integer(rule.to_port)):
                if edge is not None:
                    cuts.update(x for x in (edge, edge + 1) if lo < x <= hi)
    answer = YES
    for port in sorted(cuts):
        verdict = admits(groups, direction, port, peer, open_world)
        if verdict.answer == NO:
            return verdict, port
        if verdict.answer == UNKNOWN:
            answer = UNKNOWN
    return SgVerdict(answer), lo


def describe(sg: m.SecurityGroup, direction: str) -> str:
    """What a group lets through in one direction, for explanations."""
    if direction == "egress" and not sg.default_egress_removed:
        return "all outbound traffic (the default egress rule)"
    rules = sg.ingress if direction == "ingress" else sg.egress
    if not rules:
        return f"no {'inbound' if direction == 'ingress' else 'outbound'} traffic"
    parts = []
    for r in rules[:3]:
        proto = (text(r.protocol) or "?").lower()
        if proto in ("-1", "all"):
            what = "all traffic"
        else:
            lo, hi = text(r.from_port), text(r.to_port)
            what = f"{proto}/{lo if lo == hi else f'{lo}-{hi}'}"
        peer = _peer_text(r)
        parts.append(f"{what} {'from' if direction == 'ingress' else 'to'} {peer}")
    more = ", ..." if len(rules) > 3 else ""
    return ", ".join(parts) + more + " only"


def _peer_text(r: m.SgRule) -> str:
    if r.self_ref:
        return "itself"
    out = []
    for v in (r.cidr, r.peer_group, r.prefix_list, r.cidr_v6):
        if v is None:
            continue
        for item in v.items() if v.known else [v]:
            out.append(ref_id(item) or shape(item) or "?")
    return ", ".join(out) or "?"
