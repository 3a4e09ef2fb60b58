"""The far end of a flow, and whether a rule's CIDR covers it (three-valued).

Security-group and NACL rules both name address ranges; whether one matches a
flow is YES when it covers every address the flow may use, NO when it covers
none of them, and UNKNOWN otherwise (a partial overlap, or a range we cannot
read). Rules may conclude "blocked" only from NO.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass

from linter.budget import spend

YES, NO, UNKNOWN = "yes", "no", "unknown"

# Addresses that are never on the internet: a rule limited to them cannot carry
# traffic to public AWS endpoints (ECR, S3, Logs...).
_PRIVATE = tuple(
    ipaddress.ip_network(c)
    for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8")
)


@dataclass(frozen=True)
class Peer:
    """Who a task talks to (or hears from): public AWS endpoints, or ENIs in the VPC."""

    label: str  # for messages: "the internet", "endpoint Ecr (ecr.dkr)"
    internet: bool = False  # any public address (NAT/IGW egress, S3 through the gateway)
    cidrs: tuple[str, ...] | None = ()  # the peer's subnet CIDRs; None when unknown
    # security groups on the peer's ENIs; None when unknown
    groups: frozenset[str] | None = frozenset()


@functools.lru_cache(maxsize=4096)  # the same few CIDRs are compared over and over
def network(cidr: str | None) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not cidr:
        return None
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


def everywhere6(cidr: str | None) -> bool:
    """`::/0` however it is written (`0::/0`, `::0/0`)."""
    net = network(cidr)
    return net is not None and net.version == 6 and net.prefixlen == 0


def covers(cidr: str | None, peer: Peer) -> str:
    """Whether the IPv4 range `cidr` (None: unknown) covers all of the peer's addresses."""
    spend(1 + len(peer.cidrs or ()))
    net = network(cidr)
    if net is None:
        return UNKNOWN
    if net.version != 4:
        return NO
    if peer.internet:
        if net.prefixlen == 0:
            return YES
        if any(net.subnet_of(p) for p in _PRIVATE):
            return NO
        return UNKNOWN  # some public range: may or may not hold the service's addresses
    if peer.cidrs is None:
        return UNKNOWN
    nets = [network(c) for c in peer.cidrs]
    if not nets or any(n is None or n.version != 4 for n in nets):
        return UNKNOWN
    if all(n.subnet_of(net) for n in nets):
        return YES
    if not any(n.overlaps(net) for n in nets):
        return NO
    return UNKNOWN
