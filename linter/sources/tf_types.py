"""Terraform's type conversions: a variable's `type` applied to its value, and the
string-to-number and string-to-bool conversions Terraform makes where one is needed.

Without them `variable "az_count" { default = "2" }` used as `count` would be a string
where a number belongs, and every counted resource unknown; with `type = number` the
value is the number 2, as Terraform sees it. A value that does not convert stays as
it is (Terraform would reject the configuration; judging it is not our job).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from lark import Tree

from linter.values import V, rebuild

# A type: "string", "number", "bool", "any"; ("list" | "set" | "map", T);
# ("tuple", [T, ...]); ("object", {name: (T, default node or None)}).
Type = Any
_NUMERIC = set("0123456789+-.eE")
MAX_TYPE_DEPTH = 20  # list(list(list(...))) deeper than this is `any`


def to_number(x: Any) -> int | float | None:
    """A number as Terraform converts one: a number, or a string holding one."""
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return x
    if not isinstance(x, str) or not x or len(x) > 40 or not set(x) <= _NUMERIC:
        return None  # Python would also take " 2", "1_000" and "inf"; Terraform does not
    try:
        n = float(x) if any(c in x for c in ".eE") else int(x, 10)
    except ValueError:
        return None
    return n if math.isfinite(n) else None


def to_bool(x: Any) -> bool | None:
    """A bool as Terraform converts one: a bool, or the string "true" or "false"."""
    if isinstance(x, bool):
        return x
    return {"true": True, "false": False}.get(x) if isinstance(x, str) else None


def type_of(node: Any, depth: int = 0) -> Type:
    """The type a variable's `type` expression names ("any" for what we do not read)."""
    from linter.sources.hcl_eval import children, name_of, unwrap

    node = unwrap(node)
    if not isinstance(node, Tree) or depth > MAX_TYPE_DEPTH:
        return "any"
    if node.data == "identifier":
        name = name_of(node)
        return name if name in ("string", "number", "bool") else "any"
    name, args = _call(node)
    if not args:
        return "any"
    inner = unwrap(args[0])
    if name in ("list", "set", "map"):
        return (name, type_of(args[0], depth + 1))
    if name == "tuple" and isinstance(inner, Tree) and inner.data == "tuple":
        return ("tuple", [type_of(x, depth + 1) for x in children(inner)])
    if name == "object" and isinstance(inner, Tree) and inner.data == "object":
        fields: dict[str, tuple[Type, Any]] = {}
        for elem in children(inner):
            key_node, val_node = children(elem)[0], unwrap(children(elem)[-1])
            key = name_of(unwrap(children(key_node)[0]))
            what, opt = _call(val_node)
            if what == "optional" and opt:  # optional(T) or optional(T, default)
                fields[key] = (type_of(opt[0], depth + 1), opt[1] if len(opt) > 1 else None)
            else:
                fields[key] = (type_of(val_node, depth + 1), None)
        return ("object", fields)
    return "any"


def _call(node: Any) -> tuple[str, list[Any]]:
    """(function name, argument expressions) of a call such as `list(number)`; ("", [])
    for anything else."""
    from linter.sources.hcl_eval import call_arguments, children, name_of

    if not isinstance(node, Tree) or node.data != "function_call":
        return "", []
    args = call_arguments(node)
    return name_of(children(node)[0]), children(args) if args is not None else []


def convert(v: V, t: Type, default: Callable[[Any], V] | None = None) -> V:
    """`v` converted to type `t` where Terraform would convert it; `default` evaluates
    an `optional(T, default)` expression for an object attribute left out."""
    if not v.known or t == "any":
        return v
    x = v.value
    if t == "number":
        n = to_number(x)
        return V(n, v.loc, v.assumed) if n is not None and not isinstance(x, (int, float)) else v
    if t == "bool":
        b = to_bool(x)
        return V(b, v.loc, v.assumed) if b is not None and not isinstance(x, bool) else v
    if t == "string":
        if isinstance(x, bool):
            return V("true" if x else "false", v.loc, v.assumed)
        if isinstance(x, (int, float)):
            return V(str(int(x)) if float(x).is_integer() else str(x), v.loc, v.assumed)
        return v
    if not isinstance(t, tuple):
        return v
    kind, inner = t
    if kind in ("list", "set") and isinstance(x, list):
        return V([convert(i, inner, default) for i in x], v.loc, v.assumed)
    if kind == "map" and isinstance(x, dict):
        return V({k: convert(i, inner, default) for k, i in x.items()}, v.loc, v.assumed)
    if kind == "tuple" and isinstance(x, list) and len(x) == len(inner):
        items = [convert(i, ti, default) for i, ti in zip(x, inner, strict=True)]
        return V(items, v.loc, v.assumed)
    if kind == "object" and isinstance(x, dict):
        out = dict(x)
        for key, (ft, dflt) in inner.items():
            if key in out:
                out[key] = convert(out[key], ft, default)
            elif dflt is not None and default is not None:
                # Filled in because the value left it out: it rests on what the value does.
                filled = rebuild(default(dflt), lambda n: V(n.value, n.loc, n.assumed + v.assumed))
                out[key] = convert(filled, ft, default)
            else:
                out[key] = V(None, v.loc, v.assumed)  # an optional attribute left out is null
        return V(out, v.loc, v.assumed)
    return v
