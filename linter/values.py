"""Located, three-valued values: what every reader produces and every rule reads.

A template value is either known (a Python scalar, a list or dict of further
values, or a reference to a resource) or `Unknown` with the reason it cannot be
known before deploy. Every value remembers where it was written, and which
assumptions (such as a parameter default) it rests on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

_INDEX = re.compile(r"\[[^\]]*\]$")  # an instance key at the end of an address


@dataclass(frozen=True, slots=True, order=True)
class Loc:
    """A place in a source file; line and column are 1-based."""

    file: str
    line: int = 1
    column: int = 1
    # Where the located text ends (line, and the column just past it), 0 when unknown.
    # Not part of identity: the same place decoded twice is the same place.
    end_line: int = field(default=0, compare=False)
    end_column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that depends on something outside the analysed files."""

    reason: str
    # For strings built from known and unknown parts (`com.amazonaws.${AWS::Region}.s3`):
    # the known parts with `*` for each unknown one. Only pattern matching may use it.
    shape: str | None = None

    def __str__(self) -> str:
        return f"unknown ({self.reason})"


@dataclass(frozen=True, slots=True)
class Failed(Unknown):
    """An expression terraform would reject (a missing attribute, an index past the end,
    an operator on the wrong types): as unknown as any to the rules, but try() moves on
    past it and can() is false, where an unknown leaves both unknown."""


@dataclass(frozen=True, slots=True)
class Placeholder(Unknown):
    """Text that deploy tooling fills in (`${IMAGE}`, `<X>`): unknown, with the text
    kept, so a template that holds it can still be rendered."""

    text: str = ""


@dataclass(frozen=True, slots=True)
class Zone(Unknown):
    """The n-th Availability Zone of the deploy Region (`Fn::Select [n, Fn::GetAZs ""]`):
    its name is unknown, but two of them with the same index are the same zone."""

    index: int = 0


def failed(reason: str, loc: Loc) -> V:
    return V(Failed(reason), loc)


def is_failed(v: V) -> bool:
    return isinstance(v.value, Failed)


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a resource defined in the same unit (logical id or TF address)."""

    id: str
    attr: str = ""


@dataclass(frozen=True, slots=True)
class V:
    """A value with its location and the assumptions it rests on.

    `value` is a str/int/float/bool/None, a `Ref`, an `Unknown`, a list of `V`
    or a dict of str to `V`.
    """

    value: Any
    loc: Loc
    assumed: tuple[str, ...] = field(default=(), compare=False)

    def __hash__(self) -> int:
        # Equal values share a location; hashing the value would fail for a list or
        # dict written where a scalar belongs (and take resources holding it down).
        return hash(self.loc)

    @property
    def known(self) -> bool:
        return not isinstance(self.value, Unknown)

    def get(self, *keys: str | int) -> V | None:
        """Walk into dicts and lists; None where a key is absent or the shape differs."""
        node: V | None = self
        for key in keys:
            if node is None:
                return None
            inner = node.value
            if isinstance(key, int):
                if not isinstance(inner, list) or not -len(inner) <= key < len(inner):
                    return None
                node = inner[key]
            else:
                if not isinstance(inner, dict):
                    return None
                node = inner.get(key)
        return node

    def items(self) -> Iterator[V]:
        """The elements of a known list (a lone value counts as a list of one)."""
        if isinstance(self.value, list):
            yield from self.value
        elif self.known and self.value is not None:
            yield self


def unknown(reason: str, loc: Loc) -> V:
    return V(Unknown(reason), loc)


def is_unknown(v: V | None) -> bool:
    return v is not None and isinstance(v.value, Unknown)


def scalar(v: V | None) -> Any:
    """The plain value of a known scalar, else None (absent, unknown, or a container)."""
    if v is None or isinstance(v.value, (Unknown, list, dict)):
        return None
    return v.value


def text(v: V | None) -> str | None:
    """A known scalar as a string (CloudFormation writes numbers and bools either way)."""
    s = scalar(v)
    if s is None or isinstance(s, Ref):
        return None
    if isinstance(s, bool):
        return "true" if s else "false"
    return str(s)


def unset(v: V | None) -> bool:
    """Left out: absent, Terraform's `null`, or an empty string (what a module passes
    for "none"). An unknown value is not unset."""
    return v is None or v.value is None or v.value == ""


def truth(v: V | None) -> bool | None:
    """A known boolean (also "true"/"false" strings); None when absent or unknown."""
    s = text(v)
    if s is None:
        return None
    s = s.lower()
    if s in ("true", "enabled"):
        return True
    if s in ("false", "disabled"):
        return False
    return None


def shape(v: V | None) -> str | None:
    """A string value, or the shape of a partly unknown one (`*` for unknown parts)."""
    if v is None:
        return None
    if isinstance(v.value, Unknown):
        return v.value.shape
    if isinstance(v.value, Ref):
        return ref_shape(v.value)
    return text(v)


# The form of attributes known only after apply, where it tells what a value is for
# (a CloudFormation `Ref` is attribute "").
_REF_SHAPES = {
    ("aws_ecr_repository", "repository_url"): "*.dkr.ecr.*.amazonaws.com/*",
    ("aws_secretsmanager_secret", "arn"): "arn:aws:secretsmanager:*",
    ("aws_secretsmanager_secret", "id"): "arn:aws:secretsmanager:*",
    ("aws_ssm_parameter", "arn"): "arn:aws:ssm:*",
    ("AWS::SecretsManager::Secret", ""): "arn:aws:secretsmanager:*",
    ("AWS::SecretsManager::Secret", "Id"): "arn:aws:secretsmanager:*",
    ("AWS::ECR::Repository", "RepositoryUri"): "*.dkr.ecr.*.amazonaws.com/*",
    ("AWS::ECR::Repository", "Arn"): "arn:aws:ecr:*",
}


def type_shape(rtype: str, attr: str) -> str | None:
    """The form of a resource type's attribute, where it tells what a value is for."""
    return _REF_SHAPES.get((rtype, attr))


def ref_type(ref: Ref) -> str:
    """The resource type a Terraform address names (`module.a.aws_vpc.b[0]`), or ""."""
    parts = _INDEX.sub("", ref.id).split(".")
    return parts[-2] if len(parts) > 1 else ""


def ref_shape(ref: Ref) -> str | None:
    """A reference's value as a pattern: `*.dkr.ecr.*.amazonaws.com/*` for an ECR
    repository's URL (a Terraform address tells the type), else None."""
    return type_shape(ref_type(ref), ref.attr or "id")


def whole(x: Any) -> int | None:
    """A finite whole number (2.0 is 2; a bool, .inf or NaN is not a number)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    if isinstance(x, float) and not (math.isfinite(x) and x.is_integer()):
        return None
    return int(x)


def integer(v: V | None) -> int | None:
    s = text(v)
    if s is None:
        return None
    try:
        return int(s)
    except ValueError:
        return None


def refs(v: V | None) -> list[V]:
    """Elements of a value that is one reference or a list of references/strings."""
    if v is None:
        return []
    return list(v.items())


def plain(v: V | None) -> Any:
    """Strip locations: a nested Python structure, Unknown kept as-is."""
    if v is None:
        return None
    if isinstance(v.value, list):
        return [plain(x) for x in v.value]
    if isinstance(v.value, dict):
        return {k: plain(x) for k, x in v.value.items()}
    return v.value


def same(a: V, b: V) -> bool:
    """Two known values that are equal once locations are stripped (both branches of a
    condition alike, so the condition does not matter)."""
    return a.known and b.known and plain(a) == plain(b)


def assumptions(*vs: V | None) -> tuple[str, ...]:
    out: list[str] = []
    for v in vs:
        if v is not None:
            out.extend(a for a in v.assumed if a not in out)
    return tuple(out)


def wrap(x: Any, loc: Loc, assumed: tuple[str, ...] = ()) -> V:
    """Plain data as values at one location; every level rests on `assumed`."""
    if isinstance(x, V):
        return x
    if isinstance(x, list):
        return V([wrap(i, loc, assumed) for i in x], loc, assumed)
    if isinstance(x, dict):
        return V({str(k): wrap(i, loc, assumed) for k, i in x.items()}, loc, assumed)
    if isinstance(x, Unknown):
        return V(x, loc)
    return V(x, loc, assumed)


def prop(v: V | None, camel: str, snake: bool = True) -> V | None:
    """A property however the format spells it: camelCase (task-definition JSON),
    PascalCase (CloudFormation) or, unless `snake` is off (inside JSON that Terraform
    passes through as written), snake_case (Terraform blocks)."""
    if v is None or not isinstance(v.value, dict):
        return None
    names = [camel, camel[0].upper() + camel[1:]]
    if snake:
        names.append(re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower())
    for k in names:
        got = v.value.get(k)
        if got is not None:
            return got
    return None


def pluck(v: V, key: str) -> V:
    """One key of every element of a list (`SubnetMappings[].SubnetId`); unknown when the
    list or an element is, or an element lacks the key."""
    if not v.known or not isinstance(v.value, list):
        return v if not v.known else unknown(f"{key} of a value that is not a list", v.loc)
    out = []
    for x in v.value:
        got = x.get(key)
        if got is None:
            return unknown(f"an element without {key}", x.loc)
        out.append(got)
    return V(out, v.loc, v.assumed)


def rebuild(v: V, node: Callable[[V], V]) -> V:
    """Apply `node` to a value and to everything inside it, children first."""
    inner = v.value
    if isinstance(inner, list):
        inner = [rebuild(x, node) for x in inner]
    elif isinstance(inner, dict):
        inner = {k: rebuild(x, node) for k, x in inner.items()}
    return node(V(inner, v.loc, v.assumed))


def ref_id(v: V | None) -> str | None:
    """The resource id a value refers to, if it is a reference."""
    return v.value.id if v is not None and isinstance(v.value, Ref) else None


def ref_ids(v: V | None) -> Iterator[str]:
    """Every resource id referenced anywhere inside a value."""
    if v is None:
        return
    if isinstance(v.value, Ref):
        yield v.value.id
    elif isinstance(v.value, list):
        for x in v.value:
            yield from ref_ids(x)
    elif isinstance(v.value, dict):
        for x in v.value.values():
            yield from ref_ids(x)
