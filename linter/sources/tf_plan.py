"""Terraform plan JSON (`terraform show -json plan.out`) into the common model.

https://developer.hashicorp.com/terraform/internals/json-format. Every managed resource
instance of `planned_values` (the root module and its child modules, recursively) becomes
model resources named by its full address (`module.vpc.aws_subnet.private[0]`), made by
the HCL reader's builders: every rule reads a plan as it reads a configuration.

What the plan cannot know before apply (`resource_changes[].change.after_unknown`) is
`Unknown`, never null or a guess. An unknown id becomes a reference to the instance it
names only when the configuration's `references` for that attribute leave exactly one
candidate (see `_Plan.chain`); a known id equal to the id of a managed instance is a
reference to that instance. Data sources are read by Terraform during the plan: their
values are already in the attributes that use them, and they are not modelled (they are
not ours to judge, as in the HCL reader).

A plan may be several MB. Its skeleton is walked with positions; the values the builders
read are scanned with positions (tf_json's scanner); everything else (prior state,
configuration, attributes of resources no rule reads) is decoded by the C JSON decoder
without them. Values are read twice only when a resource lists `values` before `type`
(Terraform never does), or when `planned_values` is missing and `change.after` stands in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

from linter import model as m
from linter.budget import Budget
from linter.files import Files
from linter.sources import Loaded, ParseProblem, read_text
from linter.sources.common import attach_standalone_rules
from linter.sources.terraform import _BUILDERS, fold_associations, main_tables
from linter.sources.tf_json import J, TfJsonError, _Lines, _Scanner
from linter.sources.tf_plan_config import ConfigLocations
from linter.values import Loc, Ref, Unknown, V

MAX_MODULE_DEPTH = 32  # child modules nested deeper than this are refused
MAX_HOPS = 12  # module inputs and outputs followed from one reference
MAX_NUMBER = 100  # digits; a longer number is unknown (int() refuses 4,300+ digits)
_FORMATS = ("0", "1")  # major versions of the format we read; the spec says to refuse others

AFTER_APPLY = "known only after apply"
# Attributes that name a resource: a reference to one of them is a reference to it.
_VPC_DEFAULTS = (
    "default_route_table_id",
    "default_network_acl_id",
    "default_security_group_id",
    "main_route_table_id",
)
_IDENTITY = frozenset({"id", "arn", "name", "family", "cluster_name", *_VPC_DEFAULTS})
# What a reference without its attribute (`aws_subnet.private[count.index]`, a splat) may
# stand for, by the attribute that holds it: the types it can name, and the attribute used.
_SUBNET = (("aws_subnet",), "id")
_SG = (("aws_security_group", "aws_default_security_group"), "id")
_RT = (("aws_route_table", "aws_default_route_table"), "id")
_TARGETS: dict[str, tuple[tuple[str, ...], str]] = {
    "vpc_id": (("aws_vpc",), "id"),
    "subnet_id": _SUBNET,
    "subnet_ids": _SUBNET,
    "subnets": _SUBNET,
    "security_group_id": _SG,
    "security_group_ids": _SG,
    "security_groups": _SG,
    "source_security_group_id": _SG,
    "referenced_security_group_id": _SG,
    "route_table_id": _RT,
    "route_table_ids": _RT,
    "nat_gateway_id": (("aws_nat_gateway",), "id"),
    "internet_gateway_id": (("aws_internet_gateway",), "id"),
    "network_acl_id": (("aws_network_acl", "aws_default_network_acl"), "id"),
    "vpc_endpoint_id": (("aws_vpc_endpoint",), "id"),
    "allocation_id": (("aws_eip",), "id"),
    "cluster": (("aws_ecs_cluster",), "id"),
    "task_definition": (("aws_ecs_task_definition",), "arn"),
    "task_definition_arn": (("aws_ecs_task_definition",), "arn"),
    "target_group_arn": (("aws_lb_target_group", "aws_alb_target_group"), "arn"),
}
# Attributes that hold a list of ids: a whole unknown one may become a list of references.
_LIST_ATTRS = frozenset({"subnets", "subnet_ids", "security_groups", "security_group_ids"})
# Link resources whose parent, when it stays unknown, could be any of ours: absence of
# such a link can then not be concluded (the type network.py consults for it).
_LINKS = {
    "aws_route_table_association": ("subnet_id", "aws_route_table_association"),
    "aws_main_route_table_association": ("vpc_id", "aws_main_route_table_association"),
    "aws_vpc_endpoint_route_table_association": ("vpc_endpoint_id", "aws_vpc_endpoint"),
    "aws_vpc_endpoint_subnet_association": ("vpc_endpoint_id", "aws_vpc_endpoint"),
    "aws_vpc_endpoint_security_group_association": ("vpc_endpoint_id", "aws_vpc_endpoint"),
    "aws_ecs_cluster_capacity_providers": (
        "cluster_name",
        "aws_ecs_cluster_capacity_providers",
    ),
}
_NOT_LINKED = frozenset({"tags", "tags_all"})
# Attributes that may hold a reference; an unknown `route` or `ingress` never becomes one.
_ID_NAME = re.compile(r"(?:.*_)?(?:id|ids|arn|name)")
_AWS_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[0-9a-f]{8,17}|arn:aws[a-z-]*:\S+")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INDEX = re.compile(r'\[(?:(\d{1,18})|"((?:[^"\\]|\\.)*)")\]')
_INT = re.compile(r"-?[0-9]+")

Step = str | tuple  # a name, or an index as a 1-tuple: (0,) or ("key",)
Target = tuple[str, str]  # (instance address, attribute)


class _Bad(Exception):
    """A plan this reader refuses as a whole (an errored plan, an unknown format)."""

    def __init__(self, message: str, loc: Loc) -> None:
        super().__init__(message)
        self.loc = loc


# -- addresses and references ---------------------------------------------------------------


def _steps(text: str) -> tuple[Step, ...] | None:
    """`module.a["k"].aws_subnet.b[0].id` as names and 1-tuple indexes; None if malformed."""
    out: list[Step] = []
    i = 0
    while i < len(text):
        if text[i] == "[":
            found = _INDEX.match(text, i)
            if not found or not out:
                return None
            key = found[2]
            out.append((int(found[1]),) if found[1] is not None else (_unquote(key),))
        else:
            if out:
                if text[i] != ".":
                    return None
                i += 1
            found = _NAME.match(text, i)
            if not found:
                return None
            out.append(found[0])
        i = found.end()
    return tuple(out) or None


def _unquote(s: str) -> str:
    try:
        return json.loads(f'"{s}"')
    except ValueError:
        return s


def _fmt(steps: tuple[Step, ...]) -> str:
    out = ""
    for s in steps:
        if isinstance(s, tuple):
            key = s[0]
            out += (
                f"[{key}]" if isinstance(key, int) else f"[{json.dumps(key, ensure_ascii=False)}]"
            )
        else:
            out += f".{s}" if out else s
    return out


def _join(module: str, local: str) -> str:
    return f"{module}.{local}" if module else local


def _keyed(base: str, key: Any) -> str:
    """An instance address: `aws_subnet.a` and 0 make `aws_subnet.a[0]`."""
    return base if key is None else base + _fmt(("x", (key,)))[1:]


def _last_call(module: str) -> tuple[str, Any] | None:
    """(the caller's instance path, the instance key) of a module instance path."""
    steps = _steps(module) if module else None
    if not steps:
        return None
    keyed = isinstance(steps[-1], tuple)
    cut = len(steps) - (3 if keyed else 2)
    if cut < 0 or steps[cut] != "module":
        return None
    return _fmt(steps[:cut]), steps[-1][0] if keyed else None


def _split(address: str) -> tuple[str, str, Any] | None:
    """(module instance path, resource address in it without its key, key) of an
    instance address; None when it is not one."""
    steps = _steps(address)
    if steps is None:
        return None
    i = 0
    while i + 1 < len(steps) and steps[i] == "module" and isinstance(steps[i + 1], str):
        i += 3 if i + 2 < len(steps) and isinstance(steps[i + 2], tuple) else 2
    rest = list(steps[i:])
    key = rest.pop()[0] if rest and isinstance(rest[-1], tuple) else None
    if rest[:1] == ["data"]:
        rest = rest[1:]
        prefix = ("data",)
    else:
        prefix = ()
    if len(rest) != 2 or not all(isinstance(s, str) for s in rest):
        return None
    return _fmt(steps[:i]), _fmt((*prefix, *rest)), key


def _config_path(module: str) -> str:
    """A module instance's configuration path: `module.a[0].module.b` is `module.a.module.b`."""
    steps = _steps(module) if module else ()
    return _fmt(tuple(s for s in steps or () if not isinstance(s, tuple)))


def _chains(refs: list[Any]) -> list[tuple[Step, ...]] | None:
    """One traversal per reference in an expression's `references`.

    Terraform lists each reference in full and then each shorter prefix of it, down to
    the referenced object (and a resource or module call without its key): a reference
    no longer than the one before it starts the next chain."""
    out: list[tuple[Step, ...]] = []
    last: tuple[Step, ...] | None = None
    for ref in refs:
        steps = _steps(ref) if isinstance(ref, str) else None
        if steps is None:
            return None
        if last is not None and len(steps) < len(last) and _prefix(steps, last):
            last = steps
            continue
        out.append(steps)
        last = steps
    return out


def _prefix(short: tuple[Step, ...], long: tuple[Step, ...]) -> bool:
    """`short` is `long` cut, or `long` without its index (a resource after its instance)."""
    if long[: len(short)] == short:
        return True
    plain = tuple(s for s in long if not isinstance(s, tuple))
    return plain[: len(short)] == short


def _names_ids(name: str) -> bool:
    return name in _TARGETS or _ID_NAME.fullmatch(name) is not None


def _is_expr(node: Any) -> bool:
    return isinstance(node, dict) and set(node) <= {"references", "constant_value"}


def _dict(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


# -- the document ---------------------------------------------------------------------------


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


class _Doc:
    """The plan text with a cursor: objects walked with positions, values decoded on demand
    with positions (tf_json's scanner) or without (the C decoder)."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.lines = _Lines(text)
        self.sc = _Scanner(text, self.lines)
        self._scan = json.scanner.make_scanner(json.JSONDecoder(parse_constant=_no_constant))

    def loc(self, start: int, end: int = 0) -> Loc:
        line, column = self.lines.pos(start)
        end_line, end_column = self.lines.pos(end) if end else (0, 0)
        return Loc(self.path, line, column, end_line, end_column)

    def fail(self, message: str, at: int) -> NoReturn:
        raise TfJsonError(f"Terraform plan: {message}", *self.lines.pos(at))

    def plain(self) -> Any:
        """The value at the cursor, without positions; the cursor moves past it."""
        sc = self.sc
        sc.skip()
        start = sc.i
        try:
            value, sc.i = self._scan(self.text, start)
        except StopIteration:
            sc.fail("expected a value" if sc.skip() else "expected a value, found the end")
        except json.JSONDecodeError as exc:
            raise TfJsonError(f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
        except RecursionError:
            sc.fail("nested too deeply", start)
        except ValueError as exc:  # a number beyond int()'s digit limit, NaN
            sc.fail(str(exc).split(";")[0], start)
        return value

    def located(self) -> J:
        """The value at the cursor with positions (depth bounded by the scanner)."""
        self.sc.skip()
        return self.sc.value(0)

    def located_at(self, start: int) -> J:
        """The value at `start`, read again with positions; the cursor stays where it is."""
        saved = self.sc.i
        self.sc.i = start
        try:
            return self.located()
        finally:
            self.sc.i = saved

    def members(self, what: str) -> Iterator[tuple[str, int]]:
        """An object's members: (key, where the key starts), with the cursor on the value.
        A value the caller does not read is skipped; null is an empty object."""
        sc = self.sc
        c = sc.skip()
        if c == "n":
            self.plain()
            return
        if c != "{":
            self.fail(f"{what} is not an object", sc.i)
        sc.i += 1
        if sc.skip() == "}":
            sc.i += 1
            return
        seen: set[str] = set()
        while True:
            if sc.skip() != '"':
                sc.fail("expected a property name in double quotes")
            key = sc.string()
            if key.value in seen:
                sc.fail(f'duplicate property "{key.value}" in {what}', key.start)
            seen.add(key.value)
            if sc.skip() != ":":
                sc.fail("expected ':' after the property name")
            sc.i += 1
            sc.skip()
            at = sc.i
            yield key.value, key.start
            if sc.i == at:
                self.plain()
            c = sc.skip()
            sc.i += 1
            if c == "}":
                return
            if c != ",":
                sc.fail("expected ',' or '}' after a property", sc.i - 1)

    def items(self, what: str) -> Iterator[int]:
        """An array's elements: where each starts, with the cursor on it; null is empty."""
        sc = self.sc
        c = sc.skip()
        if c == "n":
            self.plain()
            return
        if c != "[":
            self.fail(f"{what} is not an array", sc.i)
        sc.i += 1
        if sc.skip() == "]":
            sc.i += 1
            return
        while True:
            sc.skip()
            at = sc.i
            yield at
            if sc.i == at:
                self.plain()
            c = sc.skip()
            sc.i += 1
            if c == "]":
                return
            if c != ",":
                sc.fail("expected ',' or ']' after an array element", sc.i - 1)


# -- the plan -------------------------------------------------------------------------------


@dataclass
class _Inst:
    """One resource instance of the plan."""

    address: str  # canonical full address, the model id
    module: str  # module instance path, "" for the root module
    local: str  # address inside the module without the key: aws_subnet.private
    key: Any  # count index (int), for_each key (str) or None
    mode: str
    type: str
    loc: Loc  # its "address" property, ending where the resource object ends
    values: J | None = None  # with positions: resources the builders read
    ident: dict[str, str] | None = None  # what names it: id, arn, name...
    after_unknown: Any = None

    @property
    def base(self) -> str:
        return _join(self.module, self.local)


@dataclass(frozen=True)
class _Ctx:
    """Where an expression is evaluated."""

    module: str  # module instance path
    key: Any = None  # count.index / each.key there
    keys: frozenset = frozenset()  # every key of the resource or module call
    each: Any = None  # its for_each expression (for each.value)


class _Plan:
    def __init__(self, doc: _Doc, budget: Budget) -> None:
        self.doc = doc
        self.budget = budget
        self.insts: dict[str, _Inst] = {}
        self.from_changes: list[tuple[_Inst, int]] = []  # when planned_values is absent
        # (caller's module instance path, module configuration path) -> instance keys
        self.module_keys: dict[tuple[str, str], set[Any]] = {}
        self.cfg: dict | None = None  # the configuration of the resource being built
        self.ctx = _Ctx("")
        self.unknowns: dict[str, Any] = {}
        self.planned = False
        self.config: dict = {}
        self.where: ConfigLocations | None = None  # the .tf files beside the plan
        self.deferred: list[tuple[str, Loc]] = []

    # -- reading --------------------------------------------------------------------------

    def read(self) -> None:
        doc = self.doc
        doc.sc.skip()
        for key, at in doc.members("the plan"):
            if key == "format_version":
                version = doc.plain()
                if str(version).split(".")[0] not in _FORMATS:
                    why = f"format_version {version!r} is not supported (1.x is)"
                    raise _Bad(why, doc.loc(at))
            elif key == "errored":
                if doc.plain() is True:
                    why = "the plan errored: its planned values are incomplete"
                    raise _Bad(why, doc.loc(at))
            elif key == "planned_values":
                self.planned = True
                for k, _ in doc.members("planned_values"):
                    if k == "root_module":
                        self._module(0)
            elif key == "resource_changes":
                for _ in doc.items("resource_changes"):
                    self._change()
            elif key == "deferred_changes":
                for _ in doc.items("deferred_changes"):
                    change = _dict(_dict(doc.plain()).get("resource_change"))
                    if isinstance(change.get("type"), str):
                        self.deferred.append((change["type"], doc.loc(at)))
            elif key == "configuration":
                self.config = _dict(doc.plain())
        if doc.sc.skip():
            doc.sc.fail("unexpected text after the plan")
        if not self.planned:  # the result of the changes: what "after" holds
            for inst, start in self.from_changes:
                if self._modelled(inst.mode, inst.type):
                    self._take_values(inst, start)
                self.insts.setdefault(inst.address, inst)
        for address, marks in self.unknowns.items():
            if address in self.insts:
                self.insts[address].after_unknown = marks

    def _module(self, depth: int) -> None:
        doc = self.doc
        if depth > MAX_MODULE_DEPTH:
            doc.sc.skip()
            doc.fail(f"child modules nested more than {MAX_MODULE_DEPTH} deep", doc.sc.i)
        for key, _ in doc.members("a module"):
            if key == "resources":
                for start in doc.items("resources"):
                    inst, values_at = self._resource(start)
                    if inst is not None:
                        self._take_values(inst, values_at)
                        self.insts.setdefault(inst.address, inst)
            elif key == "child_modules":
                for _ in doc.items("child_modules"):
                    self._module(depth + 1)

    def _resource(self, start: int) -> tuple[_Inst | None, int | None]:
        """An instance of planned_values: its values are read with positions when a
        builder reads them (and the type came first, as Terraform writes it)."""
        doc = self.doc
        self.budget.step()
        meta: dict[str, Any] = {}
        address_at = start
        values_at = None
        for key, at in doc.members("a resource"):
            if key == "values":
                values_at = doc.sc.i
                if self._modelled(meta.get("mode"), meta.get("type")):
                    meta["values"] = doc.located()
                else:
                    meta["plain"] = doc.plain()
            elif key in ("address", "mode", "type", "index"):
                meta[key] = doc.plain()
                address_at = at if key == "address" else address_at
        inst = self._inst(meta, doc.loc(address_at, doc.sc.i))
        if inst is None:
            return None, None
        if "values" in meta:
            inst.values = meta["values"]
            return inst, None
        inst.ident = _ident_plain(meta.get("plain"))
        return inst, values_at if self._modelled(inst.mode, inst.type) else None

    def _take_values(self, inst: _Inst, start: int | None) -> None:
        """Values that turned out to be needed with positions (type after values)."""
        if start is not None and inst.values is None:
            inst.values = self.doc.located_at(start)
            inst.ident = None

    def _change(self) -> None:
        """A resource change: what it leaves unknown, and (for a plan without
        planned_values) the instance it leaves."""
        doc = self.doc
        meta: dict[str, Any] = {}
        after_at = 0
        doc.sc.skip()
        start = doc.sc.i
        for key, _ in doc.members("a resource change"):
            if key == "change":
                for k, _ in doc.members("a change"):
                    if k == "after_unknown":
                        meta["after_unknown"] = doc.plain()
                    elif k == "after":
                        after_at = doc.sc.i
                        meta["after"] = doc.plain()
            elif key in ("address", "mode", "type", "index", "deposed"):
                meta[key] = doc.plain()
        if "deposed" in meta:
            return  # a deposed object is being destroyed: not part of the result
        inst = self._inst(meta, doc.loc(start, doc.sc.i))
        if inst is None:
            return
        self.unknowns[inst.address] = meta.get("after_unknown")
        if isinstance(meta.get("after"), dict):
            inst.ident = _ident_plain(meta["after"])
            self.from_changes.append((inst, after_at))

    def _inst(self, meta: dict[str, Any], loc: Loc) -> _Inst | None:
        address, mode, rtype = meta.get("address"), meta.get("mode"), meta.get("type")
        if not isinstance(address, str) or not isinstance(rtype, str):
            return None
        parts = _split(address)
        if parts is None:
            return None
        module, local, key = parts
        canonical = _keyed(_join(module, local), key)
        return _Inst(canonical, module, local, key, str(mode or "managed"), rtype, loc)

    @staticmethod
    def _modelled(mode: Any, rtype: Any) -> bool:
        return mode in (None, "managed") and isinstance(rtype, str) and rtype in _BUILDERS

    # -- the model ------------------------------------------------------------------------

    def build(self, tpl: m.Template) -> None:
        self.groups: dict[str, list[_Inst]] = {}
        for inst in self.insts.values():
            if inst.mode == "managed":
                self.groups.setdefault(inst.base, []).append(inst)
            path = inst.module
            while (call := _last_call(path)) is not None:  # module.a[0].module.b, module.a[0]
                parent, key = call
                self.module_keys.setdefault((parent, _config_path(path)), set()).add(key)
                path = parent
        self.keys = {base: frozenset(i.key for i in group) for base, group in self.groups.items()}
        self._index_ids()
        self._index_config()
        if self.where is not None:
            self.where.calls = self.calls
        for rtype, loc in self.deferred:
            tpl.uncount(rtype, f"a change of a {rtype} is deferred", loc)
        for inst in self.insts.values():
            if inst.mode != "managed":
                continue
            tpl.types[inst.address] = tpl.types[inst.base] = inst.type
            tpl.spans.append(m.Span(inst.loc.file, inst.loc.line, inst.loc.end_line))
            if inst.values is not None:
                self._build(tpl, inst)
        # The HCL reader's steps once its resources are built, in its order.
        fold_associations(tpl)
        main_tables(tpl)
        attach_standalone_rules(tpl)
        self._exported(tpl)

    def _build(self, tpl: m.Template, inst: _Inst) -> None:
        self.budget.step()
        assert inst.values is not None
        p = self._value(inst.values, inst.after_unknown)
        if not isinstance(p.value, dict):
            tpl.uncount(inst.type, f"the values of {inst.address} are not an object", p.loc)
            return
        self.cfg = self._resource_config(inst)
        self.ctx = self._ctx_of(inst)
        p = self._link(p, inst, (), p)
        loc = inst.loc
        if self.where is not None:  # the configuration beside the plan: point at it
            p, loc = self.where.relocate(tpl, _config_path(inst.module), inst.local, p, loc)
        for res in _BUILDERS[inst.type](inst.address, loc, inst.type, p, None):
            tpl.add(res)
        link = _LINKS.get(inst.type)
        parent = p.get(link[0]) if link else None
        if link and parent is not None and not parent.known:
            tpl.uncount(link[1], f"{inst.address}: {parent.value.reason}", parent.loc)

    def _value(self, j: J, mark: Any) -> V:
        """A located value with what is known only after apply unknown. Members the
        provider leaves unset (null, "", []) are left out, as the HCL leaves them out."""
        loc = self.doc.loc(j.start, j.end)
        if mark is True:
            return V(Unknown(AFTER_APPLY), loc)
        if j.kind == "object":
            marks = _dict(mark)
            self.budget.items(len(j.value))
            out: dict[str, V] = {}
            for k, x in j.value:
                v = self._value(x, marks.get(k.value))
                if v.value not in (None, "", []):
                    out[k.value] = v
            for name, mk in marks.items():
                if name not in out and _any_true(mk):  # left out of the values: unknown
                    out[name] = V(Unknown(AFTER_APPLY), loc)
            return V(out, loc)
        if j.kind == "array":
            marks = mark if isinstance(mark, list) else []
            self.budget.items(len(j.value))
            return V(
                [
                    self._value(x, marks[i] if i < len(marks) else None)
                    for i, x in enumerate(j.value)
                ],
                loc,
            )
        if j.kind == "string":
            self.budget.chars(len(j.value))
            return V(j.value, loc)
        if j.kind == "number":
            if len(j.value) > MAX_NUMBER:
                return V(Unknown("a number of more than 100 digits"), loc)
            return V(int(j.value) if _INT.fullmatch(j.value) else float(j.value), loc)
        return V({"true": True, "false": False}.get(j.kind), loc)

    # -- ids ------------------------------------------------------------------------------

    def _index_ids(self) -> None:
        """Known ids of managed instances: a value equal to one names that instance. The
        VPC's default table, ACL and group come last: a resource's own id wins."""
        self.by_id: dict[str, list[Target]] = {}
        later: list[tuple[str, Target]] = []
        for inst in self.insts.values():
            if inst.mode != "managed":
                continue
            if inst.ident is None:
                inst.ident = _ident_located(inst.values)
            for attr, value in inst.ident.items():
                if not _AWS_ID.fullmatch(value):
                    continue
                if attr in ("id", "arn"):
                    self.by_id.setdefault(value, []).append((inst.address, attr))
                elif inst.type == "aws_vpc" and attr in _VPC_DEFAULTS:
                    later.append((value, (inst.address, attr)))
        for value, target in later:
            self.by_id.setdefault(value, []).append(target)

    def _by_id(self, value: str, inst: _Inst) -> Target | None:
        found = [t for t in self.by_id.get(value, ()) if t[0] != inst.address]
        if not found or any(t[0] != found[0][0] for t in found if t[1] in ("id", "arn")):
            return None
        return found[0]

    # -- configuration --------------------------------------------------------------------

    def _index_config(self) -> None:
        """Configuration modules by path (`module.a.module.b`) and the calls to them."""
        self.cfg_modules: dict[str, dict] = {}
        self.calls: dict[str, dict] = {}
        todo = [("", _dict(self.config.get("root_module")), 0)]
        while todo:
            path, module, depth = todo.pop()
            self.cfg_modules[path] = module
            if depth >= MAX_MODULE_DEPTH:
                continue
            for name, call in _dict(module.get("module_calls")).items():
                child = _join(path, f"module.{name}")
                self.calls[child] = _dict(call)
                todo.append((child, _dict(_dict(call).get("module")), depth + 1))
        self.cfg_resources: dict[str, dict] = {}
        for path, module in self.cfg_modules.items():
            resources = module.get("resources")
            for r in resources if isinstance(resources, list) else ():
                if isinstance(r, dict) and isinstance(r.get("address"), str):
                    self.cfg_resources[_join(path, r["address"])] = r

    def _resource_config(self, inst: _Inst) -> dict | None:
        return self.cfg_resources.get(_join(_config_path(inst.module), inst.local))

    def _ctx_of(self, inst: _Inst) -> _Ctx:
        keys = self.keys.get(inst.base, frozenset())
        each = _dict(self.cfg).get("for_each_expression")
        return _Ctx(inst.module, inst.key, keys, each)

    def _exprs(self, root: V, path: tuple) -> list[dict] | None:
        """The configuration expressions that may have set the value at `path`: None when
        the configuration does not say (no configuration, or one expression for a whole
        block list). A block list counts only when as many blocks are written as the plan
        holds (no `dynamic` block, which the JSON configuration leaves out)."""
        if self.cfg is None:
            return None
        found: list[tuple[Any, V | None]] = [(self.cfg.get("expressions"), root)]
        for step in path:
            nxt: list[tuple[Any, V | None]] = []
            for node, value in found:
                if _is_expr(node):
                    return None
                if isinstance(step, str) and isinstance(node, dict) and step in node:
                    nxt.append((node[step], value.get(step) if value is not None else None))
                elif isinstance(step, int) and isinstance(node, list):
                    if value is None or not isinstance(value.value, list):
                        return None
                    if len(node) != len(value.value):
                        return None
                    nxt += [(block, value.value[step]) for block in node]
            found = nxt
        return [node for node, _ in found if _is_expr(node)]

    def _targets(self, root: V, path: tuple) -> tuple[list[Target], bool] | str:
        """The instances the value at `path` names, and whether it is a list of them."""
        exprs = self._exprs(root, path)
        if exprs is None:
            return "the configuration in the plan does not say where it comes from"
        if not exprs:
            return "no expression in the configuration sets it"
        results = [self.resolve(e, self.ctx, _name(path), 0) for e in exprs]
        if any(isinstance(r, str) for r in results):
            return next(r for r in results if isinstance(r, str))
        if any(r != results[0] for r in results):
            return "the blocks that may set it name different resources"
        return results[0]

    def resolve(
        self, expr: dict, ctx: _Ctx, name: str, hops: int
    ) -> tuple[list[Target], bool] | str:
        """The instances an expression's value names, in order, and whether it is a list.
        A reason (str) when the references do not say exactly which."""
        self.budget.step()
        if hops > MAX_HOPS:
            return f"more than {MAX_HOPS} module inputs and outputs to follow"
        refs = expr.get("references")
        if not isinstance(refs, list) or not refs:
            return "its expression references no resource"
        chains = _chains(refs)
        if chains is None:
            return "a reference the reader cannot parse"
        helpers = {c for c in chains if c in (("count", "index"), ("each", "key"))}
        out: list[Target] = []
        listed = False
        for c in chains:
            if c in helpers:
                continue
            got = self.chain(c, ctx, name, helpers, hops)
            if isinstance(got, str):
                return got
            out += got[0]
            listed = listed or got[1]
        return out, listed or len(out) != 1

    def chain(
        self, c: tuple[Step, ...], ctx: _Ctx, name: str, helpers: set, hops: int
    ) -> tuple[list[Target], bool] | str:
        """One reference. Followed: `type.name.attr` (a single instance),
        `type.name[key].attr`, `type.name[count.index]` and `[each.key]` where both
        resources have the same keys, a splat over every instance (the attribute a list
        of ids), `each.value.attr` over `for_each = type.name`, module inputs and outputs."""
        head = c[0]
        text = _fmt(c)
        if head in ("count", "each") and c[:2] != ("each", "value"):
            return f"{text} is not a reference to a resource"
        if head == "each":
            return self._each_value(c, ctx, text)
        if head == "var":
            return self._variable(c, ctx, name, hops, text)
        if head == "module":
            return self._output(c, ctx, name, hops, text)
        if head == "local":
            return f"{text}: local values are not in the plan"
        if head == "data":
            return f"{text} is a data source"
        if head in ("path", "self", "terraform") or len(c) < 2 or not isinstance(c[1], str):
            return f"{text} is not a reference to a resource"
        base = _join(ctx.module, f"{head}.{c[1]}")
        group = self.groups.get(base)
        if not group:
            return f"{base} has no instance in the plan"
        rest = c[2:]
        if rest and isinstance(rest[0], tuple):
            address = _keyed(base, rest[0][0])
            attr = rest[1] if len(rest) > 1 and isinstance(rest[1], str) else None
            if address not in self.insts:
                return f"{address} is not in the plan"
            if attr not in _IDENTITY:
                return f"{text} is not an id"
            return [(address, attr)], False
        if rest:
            attr = rest[0]
            if attr not in _IDENTITY:
                return f"{text} is not an id"
            if len(group) != 1 or group[0].key is not None:
                return f"{base} has {len(group)} instances"
            return [(base, str(attr))], False
        # The resource without its attribute: an index the plan does not show, or a splat.
        types, attr = _TARGETS.get(name, ((), ""))
        if group[0].type not in types:
            return f"{text} without the attribute it uses"
        keys = self.keys[base]
        helper = ("count", "index") if isinstance(ctx.key, int) else ("each", "key")
        if helpers:
            if helpers != {helper} or ctx.key is None or keys != ctx.keys:
                return f"{text} is indexed by what the plan does not show"
            return [(next(i.address for i in group if i.key == ctx.key), attr)], False
        return [(i.address, attr) for i in group], True

    def _each_value(
        self, c: tuple[Step, ...], ctx: _Ctx, text: str
    ) -> tuple[list[Target], bool] | str:
        """`each.value.id` where `for_each = aws_subnet.private`: that instance's id."""
        attr = c[2] if len(c) == 3 and isinstance(c[2], str) else None
        each = _dict(ctx.each).get("references")
        chains = _chains(each) if isinstance(each, list) else None
        if attr not in _IDENTITY or not chains or len(chains) != 1 or len(chains[0]) != 2:
            return f"{text}: the for_each collection is not one resource"
        base = _join(ctx.module, _fmt(chains[0]))
        group = self.groups.get(base, [])
        if not isinstance(ctx.key, str) or not any(i.key == ctx.key for i in group):
            return f"{text}: {base} has no instance {ctx.key!r}"
        return [(next(i.address for i in group if i.key == ctx.key), str(attr))], False

    def _variable(
        self, c: tuple[Step, ...], ctx: _Ctx, name: str, hops: int, text: str
    ) -> tuple[list[Target], bool] | str:
        """A module input: the expression its caller passes, in the caller's module."""
        if len(c) != 2:
            return f"{text}: a part of a variable"
        caller = _last_call(ctx.module)
        if caller is None:
            return f"{text} is a variable of the root module"
        parent, key = caller
        call_path = _config_path(ctx.module)
        call = self.calls.get(call_path, {})
        expr = _dict(call.get("expressions")).get(str(c[1]))
        if not _is_expr(expr):
            return f"{text} is not set by the module call (its default, or a value)"
        siblings = frozenset(self.module_keys.get((parent, call_path), ()))
        outer = _Ctx(parent, key, siblings, call.get("for_each_expression"))
        return self.resolve(expr, outer, name, hops + 1)

    def _output(
        self, c: tuple[Step, ...], ctx: _Ctx, name: str, hops: int, text: str
    ) -> tuple[list[Target], bool] | str:
        """A module output: its expression, inside the module instance."""
        if len(c) < 3 or not isinstance(c[1], str):
            return f"{text} is not a module output"
        keyed = isinstance(c[2], tuple)
        rest = c[3:] if keyed else c[2:]
        if len(rest) != 1 or not isinstance(rest[0], str):
            return f"{text}: a part of a module output"
        call_path = _join(_config_path(ctx.module), f"module.{c[1]}")
        call = self.calls.get(call_path)
        if call is None:
            return f"{text}: module {c[1]} is not in the configuration"
        if not keyed and ("count_expression" in call or "for_each_expression" in call):
            return f"{text}: module {c[1]} has several instances"
        module = _keyed(_join(ctx.module, f"module.{c[1]}"), c[2][0] if keyed else None)
        output = _dict(_dict(_dict(call.get("module")).get("outputs")).get(rest[0]))
        expr = output.get("expression")
        if not _is_expr(expr):
            return f"{text}: the output is not in the configuration"
        return self.resolve(expr, _Ctx(module), name, hops + 1)

    # -- references -----------------------------------------------------------------------

    def _link(self, v: V, inst: _Inst, path: tuple, root: V) -> V:
        """Known ids of our instances and unknown ones the configuration names become
        references (`Ref`), as the HCL reader makes them."""
        inner = v.value
        if isinstance(inner, dict):
            out = {
                k: x if k in _NOT_LINKED and not path else self._link(x, inst, (*path, k), root)
                for k, x in inner.items()
            }
            return V(out, v.loc, v.assumed)
        if isinstance(inner, list):
            return self._link_list(v, inst, path, root)
        if isinstance(inner, Unknown):
            return self._link_unknown(v, path, root)
        if isinstance(inner, str) and path:
            return self._link_known(v, inst, path, root)
        return v

    def _ref(self, target: Target, loc: Loc) -> V:
        return V(Ref(*target), loc)

    def _link_known(self, v: V, inst: _Inst, path: tuple, root: V) -> V:
        target = self._by_id(v.value, inst)
        if target is None and _names_ids(_name(path)) and self._has_refs(root, path):
            # A name (cluster_name, a family): a reference when the configuration names an
            # instance whose planned value is this one.
            found = self._targets(root, path)
            if not isinstance(found, str):
                target = self._matching(v.value, found[0])
        return self._ref(target, v.loc) if target else v

    def _has_refs(self, root: V, path: tuple) -> bool:
        exprs = self._exprs(root, path)
        return bool(exprs) and any(e.get("references") for e in exprs)

    def _matching(self, value: Any, targets: list[Target]) -> Target | None:
        hits = {t for t in targets if (self.insts[t[0]].ident or {}).get(t[1]) == value}
        return hits.pop() if len(hits) == 1 else None

    def _link_unknown(self, v: V, path: tuple, root: V) -> V:
        name = _name(path)
        if not _names_ids(name):
            return V(Unknown(f"{name} is {AFTER_APPLY}"), v.loc)
        found = self._targets(root, path)
        if isinstance(found, str):
            return V(Unknown(f"{name} is {AFTER_APPLY} ({found})"), v.loc)
        targets, listed = found
        if not listed:
            return self._ref(targets[0], v.loc)
        if name in _LIST_ATTRS and len(targets) == 1:
            # One instance: the list holds it. More: a `for` with an `if` may keep only
            # some, and the references do not say which, so the list stays unknown.
            return V([self._ref(targets[0], v.loc)], v.loc)
        why = f"{name} is {AFTER_APPLY} (its configuration names {len(targets)} resources)"
        return V(Unknown(why), v.loc)

    def _link_list(self, v: V, inst: _Inst, path: tuple, root: V) -> V:
        """A list: blocks are linked one by one; ids as a whole, since the configuration
        gives one expression for the list (a set: its order is not the configuration's)."""
        items = [
            self._link(x, inst, (*path, i), root) if isinstance(x.value, (dict, list)) else x
            for i, x in enumerate(v.value)
        ]
        known: dict[int, Target] = {}
        for i, x in enumerate(items):
            if isinstance(x.value, str):
                target = self._by_id(x.value, inst)
                if target:
                    known[i] = target
        name = _name(path)
        open_ = [
            i for i, x in enumerate(items) if i not in known and isinstance(x.value, (str, Unknown))
        ]
        wanted = open_ and _names_ids(name) and self._has_refs(root, path)
        found = self._targets(root, path) if wanted else None
        if found is not None and not isinstance(found, str):
            targets = found[0]
            unknown_at = [i for i in open_ if isinstance(items[i].value, Unknown)]
            for i in open_:
                if isinstance(items[i].value, str):
                    hit = self._matching(items[i].value, targets)
                    if hit:
                        known[i] = hit
            pool = list(targets)
            for t in known.values():
                if t in pool:
                    pool.remove(t)
            if len(pool) == len(unknown_at):
                known.update(zip(unknown_at, pool, strict=True))
        out = []
        for i, x in enumerate(items):
            if i in known:
                out.append(self._ref(known[i], x.loc))
            elif isinstance(x.value, Unknown):
                why = found if isinstance(found, str) else "its configuration does not say which"
                out.append(V(Unknown(f"an element of {name} is {AFTER_APPLY} ({why})"), x.loc))
            else:
                out.append(x)
        return V(out, v.loc, v.assumed)

    # -- outputs --------------------------------------------------------------------------

    def _exported(self, tpl: m.Template) -> None:
        """Root module outputs may feed other configurations, which may extend what they
        name (a route added to our table elsewhere)."""
        outputs = _dict(self.cfg_modules.get("", {}).get("outputs"))
        todo = [(_dict(o).get("expression"), "", 0) for o in outputs.values()]
        while todo:
            expr, module, hops = todo.pop()
            refs = _dict(expr).get("references")
            for c in (_chains(refs) if isinstance(refs, list) else None) or ():
                self.budget.step()
                if c[0] == "module" and len(c) >= 3 and isinstance(c[1], str) and hops < MAX_HOPS:
                    call_path = _join(_config_path(module), f"module.{c[1]}")
                    call = self.calls.get(call_path, {})
                    outs = _dict(_dict(call.get("module")).get("outputs"))
                    name = c[3] if isinstance(c[2], tuple) and len(c) > 3 else c[2]
                    inner = _join(module, f"module.{c[1]}")
                    for key in self.module_keys.get((module, call_path), ()):
                        expr = _dict(outs.get(name)).get("expression")
                        todo.append((expr, _keyed(inner, key), hops + 1))
                elif len(c) >= 2 and isinstance(c[1], str) and c[0] not in ("var", "local", "data"):
                    base = _join(module, f"{c[0]}.{c[1]}")
                    tpl.exported.update(i.address for i in self.groups.get(base, ()))


def _any_true(mark: Any) -> bool:
    if isinstance(mark, dict):
        return any(map(_any_true, mark.values()))
    if isinstance(mark, list):
        return any(map(_any_true, mark))
    return mark is True


def _name(path: tuple) -> str:
    """The attribute a value path ends in: `subnets` for (network_configuration, 0, subnets)."""
    return next((s for s in reversed(path) if isinstance(s, str)), "")


def _ident_plain(values: Any) -> dict[str, str]:
    return {k: v for k, v in _dict(values).items() if k in _IDENTITY and isinstance(v, str)}


def _ident_located(values: J | None) -> dict[str, str]:
    if values is None or values.kind != "object":
        return {}
    return {
        k.value: v.value for k, v in values.value if k.value in _IDENTITY and v.kind == "string"
    }


# -- entry point ----------------------------------------------------------------------------


def load(path: str, files: Files | None = None, budget: Budget | None = None) -> Loaded:
    files = files or Files.for_paths([path])
    text, problem = read_text(path, files)
    if problem:
        return Loaded(None, [problem])
    if not text.strip():
        return Loaded(None, [ParseProblem("file is empty", Loc(path), syntax=False)])
    plan = _Plan(_Doc(text, path), budget or Budget())
    plan.where = ConfigLocations(path, files, {})
    try:
        plan.read()
    except TfJsonError as exc:
        return Loaded(None, [ParseProblem(str(exc), Loc(path, exc.line, exc.column))])
    except _Bad as exc:
        return Loaded(None, [ParseProblem(str(exc), exc.loc)])
    tpl = m.Template(kind=m.TERRAFORM, path=path, files=(path,))
    plan.build(tpl)
    return Loaded(tpl)
