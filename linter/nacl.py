"""Network ACL decisions: ordered, first match wins, implicit deny at the end.

NACLs are stateless, so a TCP exchange needs two decisions on each subnet it
crosses: the request (e.g. egress tcp/443) and the response (ingress on the
client's ephemeral port). A flow over a port range passes only if every port
of the range passes; the range is cut at the entries' bounds and each piece is
decided on its own.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from linter import model as m
from linter.addresses import NO, UNKNOWN, YES, Peer, covers
from linter.budget import spend
from linter.values import integer, shape, text

# The response to a task's outbound connection arrives on the task's own source
# port: Linux (Fargate, ECS-optimized AMIs) picks it from 32768-61000.
EPHEMERAL = (32768, 61000)


@dataclass(frozen=True)
class NaclVerdict:
    answer: str  # YES: allowed, NO: dropped, UNKNOWN
    entry: m.NaclEntry | None = None  # the entry that decided (None: the implicit deny)
    # a later entry that would have allowed what an earlier DENY drops (FG053)
    shadowed: m.NaclEntry | None = None
    ports: tuple[int, int] | None = None  # the part of the range that is dropped


def _protocol_matches(entry: m.NaclEntry) -> str:
    proto = text(entry.protocol)
    if proto is None:
        return UNKNOWN
    return YES if proto.lower() in ("-1", "all", "6", "tcp") else NO


def _ports(entry: m.NaclEntry) -> tuple[int, int] | None:
    """The entry's port range; all ports for protocol -1; None when unknown."""
    if text(entry.protocol) in ("-1", "all"):
        return (0, 65535)
    lo, hi = integer(entry.from_port), integer(entry.to_port)
    if lo is None or hi is None:
        return None
    return (lo, hi)


def _matches(entry: m.NaclEntry, port: int, peer: Peer) -> str:
    spend()
    proto = _protocol_matches(entry)
    if proto == NO:
        return NO
    ports = _ports(entry)
    if ports is not None and not ports[0] <= port <= ports[1]:
        return NO
    if entry.cidr is None:
        return NO if entry.cidr_v6 is not None else UNKNOWN
    addr = covers(shape(entry.cidr) if entry.cidr.known else None, peer)
    if proto == UNKNOWN or ports is None:
        return NO if addr == NO else UNKNOWN
    return addr


def ordered(entries: list[m.NaclEntry]) -> list[m.NaclEntry] | None:
    """Entries by rule number; None when a number is unknown."""
    numbered = []
    for e in entries:
        n = integer(e.number)
        if n is None:
            return None
        numbered.append((n, e))
    return [e for _, e in sorted(numbered, key=lambda x: x[0])]


def _decide_port(entries: list[m.NaclEntry], port: int, peer: Peer) -> NaclVerdict:
    unsure = False
    for i, e in enumerate(entries):
        verdict = _matches(e, port, peer)
        if verdict == NO:
            continue
        action = (text(e.action) or "").lower()
        if action not in ("allow", "deny"):
            return NaclVerdict(UNKNOWN)
        if verdict == UNKNOWN:
            # Maybe it applies: only an allow-after-maybe-allow is still certain.
            if action == "deny":
                return NaclVerdict(UNKNOWN)
            unsure = True
            continue
        if action == "allow":
            return NaclVerdict(YES, e)
        if unsure:
            return NaclVerdict(UNKNOWN)
        later = next(
            (
                x
                for x in entries[i + 1 :]
                if (text(x.action) or "").lower() == "allow" and _matches(x, port, peer) == YES
            ),
            None,
        )
        return NaclVerdict(NO, e, shadowed=later)
    return NaclVerdict(UNKNOWN if unsure else NO)


def decide(
    entries: list[m.NaclEntry], egress: bool, ports: tuple[int, int], peer: Peer
) -> NaclVerdict:
    """Whether TCP traffic on every port of `ports` to/from the peer passes one direction."""
    mine = ordered([e for e in entries if e.egress == egress])
    if mine is None:
        return NaclVerdict(UNKNOWN)
    lo, hi = ports
    cuts = {lo}
    for e in mine:
        r = _ports(e)
        if r is not None:
            cuts.update(p for p in (r[0], r[1] + 1) if lo < p <= hi)
    bounds = [*sorted(cuts), hi + 1]
    answer = YES
    first = None
    for start, end in itertools.pairwise(bounds):
        verdict = _decide_port(mine, start, peer)
        if verdict.answer == NO:
            return NaclVerdict(NO, verdict.entry, verdict.shadowed, (start, end - 1))
        if verdict.answer == UNKNOWN:
            answer = UNKNOWN
        first = first or verdict.entry
    return NaclVerdict(answer, first if answer == YES else None)


def allows_anything(entries: list[m.NaclEntry], egress: bool) -> bool:
    """Whether any entry in that direction could allow something."""
    spend(len(entries))
    return any(
        e.egress == egress and (text(e.action) or "allow").lower() != "deny" for e in entries
    )
