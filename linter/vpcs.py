"""Which VPC and which Availability Zone a value names, for the rules that compare
them (FG019, FG035-FG038, FG044).

A VPC is told by the resource a reference reaches (`!Ref Vpc`, `aws_vpc.main.id`, or
through a subnet or group's own VPC: `!GetAtt Subnet.VpcId`), or by a literal `vpc-`
id; anything else (a parameter, an import, a value resting on a default) cannot be
compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from linter import model as m
from linter.values import Ref, V, Zone, ref_id, text

_VIA = ("vpcid", "vpc_id")  # the attribute of a subnet or group that is its VPC
_ZONE_ID = re.compile(r"^[a-z]{2,5}\d+-az\d+$")  # use1-az1: a zone id, not a name


def vpc_key(tpl: m.Template, v: V | None, depth: int = 0) -> tuple[str, str] | None:
    if v is None or not v.known or v.assumed or depth > 3:
        return None
    rid = ref_id(v)
    if rid:
        res = tpl.resources.get(rid)
        if isinstance(res, m.Vpc):
            return ("ref", rid)
        attr = v.value.attr.lower() if isinstance(v.value, Ref) else ""
        if isinstance(res, (m.Subnet, m.SecurityGroup)) and attr in _VIA:
            return vpc_key(tpl, res.vpc, depth + 1)
        return None
    t = text(v)
    return ("id", t) if t and t.startswith("vpc-") else None


def same_vpc(tpl: m.Template, a: V | None, b: V | None) -> bool | None:
    """Whether two values name the same VPC; None when either cannot be told."""
    ka, kb = vpc_key(tpl, a), vpc_key(tpl, b)
    if ka is None or kb is None or ka[0] != kb[0]:
        return None
    return ka == kb


def single_vpc(tpl: m.Template, subnets: list[m.Subnet]) -> m.Vpc | None:
    """The one VPC defined in the files that all these subnets are in, or None."""
    keys = {vpc_key(tpl, s.vpc) for s in subnets}
    if len(keys) != 1:
        return None
    key = keys.pop()
    return tpl.get(key[1], m.Vpc) if key is not None and key[0] == "ref" else None


def zone(subnet: m.Subnet) -> tuple[str, str | int] | None:
    """The subnet's Availability Zone as something comparable: its name or id, or its
    index in the Region's zone list; None when unknown."""
    v = subnet.az
    if v is None or v.assumed:
        return None
    if isinstance(v.value, Zone):
        return ("index", v.value.index)
    t = text(v)
    if not t:
        return None
    return ("id" if _ZONE_ID.match(t) else "name", t)


def zone_text(z: tuple[str, str | int]) -> str:
    kind, value = z
    return f"zone #{value} of the Region" if kind == "index" else str(value)


def uncovered(
    covering: list[m.Subnet], placed: Iterable[tuple[V, m.Subnet]]
) -> Iterator[tuple[V, m.Subnet, tuple[str, str | int]]]:
    """The placed subnets in a zone none of the covering subnets is in, when the zones
    can be compared (all known, and written alike: names, ids or Fn::GetAZs indices)."""
    zones = {zone(s) for s in covering}
    kinds = {z[0] for z in zones if z is not None}
    if None in zones or len(kinds) != 1:
        return
    ids = {s.id for s in covering}
    for ref, s in placed:
        z = zone(s)
        if z is not None and z[0] in kinds and z not in zones and s.id not in ids:
            yield ref, s, z
