"""Service Connect as the rules read it (FG039, FG042): whether a launcher has it on,
the namespace it joins, and the ports it serves under their port names."""

from __future__ import annotations

from dataclasses import dataclass

from linter import model as m
from linter.values import V, integer, prop, ref_id, text, truth


@dataclass(frozen=True)
class Served:
    """One `Services[]` entry: the port name and the port clients reach it on."""

    entry: V
    port_name: V | None
    port: int | None  # ingressPortOverride, else the named mapping's containerPort


def enabled(svc: m.Service) -> V | None:
    """The Service Connect configuration when it is known and switched on."""
    sc = svc.service_connect
    if sc is None or not sc.known or truth(prop(sc, "enabled")) is not True:
        return None
    return sc


def namespace_key(sc: V) -> str | None:
    """The namespace as something comparable: the resource it references, or its literal
    name or ARN; None when unknown."""
    ns = prop(sc, "namespace")
    if ns is None or not ns.known:
        return None
    return ref_id(ns) or text(ns)


def entries(sc: V) -> list[V] | None:
    """The `Services` entries; None when they cannot be read."""
    v = prop(sc, "services")
    if v is None:
        return []
    return list(v.items()) if v.known else None


def served(sc: V, td: m.TaskDefinition | None) -> list[Served]:
    """The ports the service serves; a port is None when it cannot be told."""
    mappings = {}
    for c in (td.containers or ()) if td is not None else ():
        for pm in c.port_mappings:
            if text(pm.name):
                mappings[text(pm.name)] = integer(pm.container_port)
    out = []
    for e in entries(sc) or ():
        override = prop(e, "ingressPortOverride")
        name = prop(e, "portName")
        port = integer(override) if override is not None else mappings.get(text(name) or "")
        out.append(Served(e, name, port))
    return out
