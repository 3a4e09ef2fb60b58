"""Terraform (HCL) into the common model. A directory of .tf files is one unit.

python-hcl2's grammar parses each file (`hcl_parse`; the tree keeps positions); `hcl_eval`
evaluates the expressions. Variables take their value as terraform does: `terraform.tfvars`,
`*.auto.tfvars` (and their `.json` forms), then `--var-file` and `--var` from the
command line (`Given`), then their default; anything else is unknown.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Callable
from typing import Any

from lark import Tree

from linter import iam
from linter import model as m
from linter.budget import Budget
from linter.files import Files, Refused
from linter.sources import Given, Loaded, ParseProblem, iam_document, modules, read_text
from linter.sources.common import attach_standalone_rules, bracket_depth
from linter.sources.containers import containers, unknown_why
from linter.sources.hcl_eval import (
    RESOURCE_KEY,
    BlockBody,
    Evaluator,
    Scope,
    children,
    name_of,
)
from linter.sources.json_text import decode_json_string, policy_document
from linter.sources.tf_files import tf_files, tfvars_files
from linter.sources.tf_types import convert, to_number, type_of
from linter.values import (
    Loc,
    Placeholder,
    Ref,
    Unknown,
    V,
    plain,
    pluck,
    rebuild,
    ref_id,
    ref_ids,
    text,
    unknown,
    whole,
    wrap,
)

MAX_INSTANCES = 1000  # count/for_each larger than this is treated as unknown
MAX_NESTING = 500  # brackets deep: lark's tree would take seconds per 100 KB beyond it
# A directory's Terraform text is parsed at about 100 KB/s by python-hcl2's grammar, so
# more than this is an FG000 rather than a run of minutes. The generated 5,000-resource
# benchmark directory is 0.9 MB; the largest corpus directory 48 KB.
MAX_BYTES = 1024 * 1024


def _size(path: str, files: Files) -> int:
    try:
        return len(files.read_bytes(path))
    except (OSError, Refused):
        return 0  # parse() says why


def parse(path: str, files: Files) -> tuple[Any, ParseProblem | None]:
    text, problem = read_text(path, files)
    if problem:
        # A file we may not read could hold what a verdict needs: the directory is blind.
        return None, dataclasses.replace(problem, severity="error")
    return parse_text(path, text)


def parse_text(path: str, text: str) -> tuple[Any, ParseProblem | None]:
    """A configuration or variable file's tree: HCL, JSON syntax (`.tf.json`), or for
    a JSON variable file (`.tfvars.json`) its located value."""
    from lark.exceptions import LarkError, UnexpectedInput

    from linter.sources.hcl_parse import parse_hcl
    from linter.sources.tf_json import TfJsonError, parse_tf_json

    if bracket_depth(text) > MAX_NESTING:
        why = f"nested too deeply (more than {MAX_NESTING} levels)"
        return None, ParseProblem(why, Loc(path), syntax=False)  # refused, not misread
    if path.endswith(".json") and not path.endswith(".tf.json"):
        from linter.sources.taskdef import json_value

        v = json_value(text, path)
        if v is None or not isinstance(v.value, dict):
            return None, ParseProblem("not a JSON object of variable values", Loc(path))
        return v, None
    try:
        if path.endswith(".tf.json"):
            return parse_tf_json(text, path), None
        return parse_hcl(text), None
    except TfJsonError as exc:
        return None, ParseProblem(str(exc), Loc(path, exc.line, exc.column))
    except UnexpectedInput as exc:
        first = str(exc).strip().splitlines()[0]
        return None, ParseProblem(
            f"HCL syntax error: {first}", Loc(path, max(exc.line, 1), max(exc.column, 1))
        )
    except (LarkError, RecursionError, ValueError) as exc:
        return None, ParseProblem(f"HCL syntax error: {exc}", Loc(path))


class Block:
    """A top-level block: its kind, labels, body tree, file and location."""

    def __init__(self, tree: Any, file: str, ev: Evaluator):
        kids = children(tree)
        self.kind = name_of(kids[0])
        self.labels = [name_of(k) for k in kids[1:] if k.data in ("string", "identifier")]
        self.body = next(k for k in kids if k.data == "body")
        self.file = file
        self.loc = ev.loc(tree, file)


def body_items(body: Any) -> list[Any]:
    return [c for c in children(body) if c.data in ("attribute", "block")]


class Unit:
    """The evaluation state of one Terraform module instance: the root directory, or a
    module called from it (`prefix` "module.vpc." names its resources as Terraform does)."""

    def __init__(
        self,
        directory: str,
        blocks: list[Block],
        ev: Evaluator,
        tfvars: list,
        session: modules.Session,
        prefix: str = "",
        key: str = "",
        inputs: dict[str, Callable[[], V]] | None = None,
        chain: tuple[str, ...] = (),
    ):
        self.directory = directory
        self.ev = ev
        self.blocks = blocks
        self.session = session
        self.prefix, self.key = prefix, key
        self.inputs = inputs or {}  # a module's variables, as its caller sets them
        self.chain = (*chain, directory)  # the module directories above, for cycles
        self.children: list[Unit] = []
        self.memo: dict[str, V] = {}
        self.busy: set[str] = set()
        self.tfvars = self._tfvars(tfvars)
        for b in blocks:
            if b.kind == "variable" and b.labels:
                self.ev.variables[b.labels[0]] = self._var_thunk(b)
            elif b.kind == "locals":
                for attr in body_items(b.body):
                    if attr.data == "attribute":
                        name = name_of(children(attr)[0])
                        self.ev.locals[name] = self._attr_thunk(f"local.{name}", attr, b.file)
            elif b.kind == "resource" and len(b.labels) == 2:
                addr = ".".join(b.labels)
                self.ev.resources[addr] = self._resource_thunk(addr, b)
            elif b.kind == "module" and b.labels:
                self.ev.modules[b.labels[0]] = self._module_thunk(b)
            elif b.kind == "data" and len(b.labels) == 2 and b.labels[0] in _DATA:
                self.ev.data[".".join(b.labels)] = self._data_thunk(b)

    def child(self, directory: str, trees: list, prefix: str, key: str, inputs: dict) -> Unit:
        """A module instance called from this unit."""
        ev = Evaluator(directory, files=self.session.files, budget=self.ev.budget)
        ev.notes = self.ev.notes  # one list for the whole root
        blocks = [
            Block(t, path, ev)
            for path, tree in trees
            for t in children(children(tree)[0])
            if t.data == "block"
        ]
        unit = Unit(directory, blocks, ev, [], self.session, prefix, key, inputs, self.chain)
        self.children.append(unit)
        return unit

    def outputs_value(self, loc: Loc) -> V:
        """`module.NAME` as the caller sees it: an object of the module's outputs."""
        out: dict[str, V] = {}
        for b in self.blocks:
            if b.kind == "output" and b.labels:
                node = self.meta_arg(b, "value")
                name = b.labels[0]
                key = f"output.{name}"
                v = (
                    self._memo(key, lambda n=node, b=b: self.eval_in(n, b.file, Scope()), b.loc)
                    if node is not None
                    else V(None, b.loc)
                )
                out[name] = v
        return V(out, loc)

    def _data_thunk(self, b: Block) -> Callable[[Loc], V]:
        """A data source whose answer the configuration decides (`_DATA`): its instances,
        with the attributes it computes added."""
        addr = "data." + ".".join(b.labels)
        computes = _DATA[b.labels[0]]

        def compute() -> V:
            v = self.instances(addr, b)
            for inst in _instances_of(v):
                inst.value.update(computes(self, addr, inst))
            return v

        return lambda loc: self._memo(addr, compute, b.loc)

    def _module_thunk(self, b: Block) -> Callable[[Loc], V]:
        key = f"module.{b.labels[0]}"
        return lambda loc: self._memo(key, lambda: modules.call(self, b), b.loc)

    def _tfvars(self, parsed: list[tuple[str, Any, bool]]) -> dict[str, V]:
        """Values from variable files, later ones winning: (path, tree, fact) where a
        tree is HCL or already a located JSON value, and `fact` says the user passed
        it (a file terraform finds by itself may be meant for another workspace)."""
        out: dict[str, V] = {}
        for path, tree, fact in parsed:
            if isinstance(tree, V):
                pairs = list(tree.value.items()) if isinstance(tree.value, dict) else []
            else:
                pairs = []
                for attr in body_items(children(tree)[0]):
                    if attr.data == "attribute":
                        node = children(attr)[-1]
                        pairs.append(
                            (name_of(children(attr)[0]), self.eval_in(node, path, Scope()))
                        )
            for name, v in pairs:
                out[name] = v if fact else _assume(v, os.path.basename(path))
        return out

    def _memo(self, key: str, compute: Callable[[], V], loc: Loc) -> V:
        if key in self.memo:
            return self.memo[key]
        if key in self.busy:
            return unknown(f"cycle through {self.prefix}{key}", loc)
        self.busy.add(key)
        try:
            v = compute()
        finally:
            self.busy.discard(key)
        self.memo[key] = v
        return v

    def eval_in(self, node: Any, file: str, scope: Scope) -> V:
        saved = self.ev.file
        self.ev.file = file
        try:
            return self.ev.eval(node, scope)
        finally:
            self.ev.file = saved

    def _var_thunk(self, b: Block) -> Callable[[], V]:
        name = b.labels[0]
        type_node = self.meta_arg(b, "type")
        vtype = type_of(type_node) if type_node is not None else "any"

        def default(node: Any) -> V:  # optional(T, default) in an object type
            return self.eval_in(node, b.file, Scope())

        def given() -> V | None:
            v = self.inputs[name]() if name in self.inputs else self.tfvars.get(name)
            if v is not None and v.known and v.value is None and not_nullable():
                return None  # `nullable = false`: a null argument takes the default
            return v

        def not_nullable() -> bool:
            node = self.meta_arg(b, "nullable")
            return node is not None and self.eval_in(node, b.file, Scope()).value is False

        def value() -> V:
            v = given()
            if v is not None:
                return v
            node = self.meta_arg(b, "default")
            if node is not None:
                v = self.eval_in(node, b.file, Scope())
                if self.prefix:  # fixed by the module's code: nobody's assumption
                    return v
                return _assume(v, f"variable {name} default")
            if self.prefix:
                return unknown(f"variable {name} of {self.prefix[:-1]} is not set", b.loc)
            return unknown(f"variable {name} has no value", b.loc)

        def compute() -> V:
            v = value()
            return convert(v, vtype, default) if v.value is not None else v

        return lambda: self._memo(f"var.{name}", compute, b.loc)

    def _attr_thunk(self, key: str, attr: Any, file: str) -> Callable[[], V]:
        node = children(attr)[-1]
        loc = self.ev.loc(attr, file)
        return lambda: self._memo(key, lambda: self.eval_in(node, file, Scope()), loc)

    def body_value(self, body: Any, file: str, scope: Scope, loc: Loc) -> V:
        out: dict[str, V] = {}
        for item in body_items(body):
            kids = children(item)
            if item.data == "attribute":
                out[name_of(kids[0])] = self.eval_in(kids[-1], file, scope)
                continue
            kind = name_of(kids[0])
            inner = next(k for k in kids if k.data == "body")
            iloc = self.ev.loc(item, file)
            if kind == "dynamic":
                labels = [name_of(k) for k in kids[1:] if k.data in ("string", "identifier")]
                if labels:
                    kind = labels[0]
                    blocks = self.dynamic(kind, inner, file, scope, iloc)
                    prev = out.get(kind)
                    if not blocks.known or (prev is not None and not prev.known):
                        out[kind] = blocks if not blocks.known else prev
                    else:  # the blocks rest on what their for_each rests on
                        items = prev.value if prev is not None else []
                        assumed = (*(prev.assumed if prev else ()), *blocks.assumed)
                        out[kind] = V(items + blocks.value, prev.loc if prev else iloc, assumed)
                continue
            block = self.body_value(inner, file, scope, iloc)
            prev = out.get(kind)
            if prev is not None and isinstance(prev.value, list):
                prev.value.append(block)
            elif prev is None:
                out[kind] = V([block], iloc)
            # else: a `dynamic` block of this kind is unknown; so is the whole set
        return V(BlockBody(out), loc)

    def dynamic(self, label: str, body: Any, file: str, scope: Scope, loc: Loc) -> V:
        """A `dynamic` block expanded as terraform does: one `content` per element of its
        `for_each`, the iterator (`iterator`, else the label) holding `key` and `value`."""
        attrs, content = {}, None
        for item in body_items(body):
            kids = children(item)
            if item.data == "attribute":
                attrs[name_of(kids[0])] = kids[-1]
            elif name_of(kids[0]) == "content":
                content = next(k for k in kids if k.data == "body")
        if "for_each" not in attrs or content is None:
            return unknown(f"dynamic {label} blocks", loc)
        coll = self.eval_in(attrs["for_each"], file, scope)
        if not coll.known or not isinstance(coll.value, (list, dict)):
            why = coll.value.reason if not coll.known else "not a collection"
            return unknown(f"dynamic {label} blocks (their for_each: {why})", loc)
        if len(coll.value) > MAX_INSTANCES:
            return unknown(f"dynamic {label} blocks (more than {MAX_INSTANCES})", loc)
        self.ev.budget.items(len(coll.value))  # nested dynamic blocks multiply
        iterator = name_of(attrs["iterator"]) if "iterator" in attrs else label
        if isinstance(coll.value, dict):
            pairs = [(V(k, coll.loc), v) for k, v in coll.value.items()]
        else:
            pairs = [(V(i, coll.loc), v) for i, v in enumerate(coll.value)]
        blocks = []
        for k, v in pairs:
            self.ev.budget.step()
            inner = scope.child({iterator: V({"key": k, "value": v}, loc)})
            blocks.append(self.body_value(content, file, inner, loc))
        return V(blocks, loc, coll.assumed)

    def _resource_thunk(self, addr: str, b: Block) -> Callable[[Loc], V]:
        def compute() -> V:
            return self.instances(addr, b)

        return lambda loc: self._memo(addr, compute, b.loc)

    def meta_arg(self, b: Block, name: str) -> Any:
        for item in body_items(b.body):
            if item.data == "attribute" and name_of(children(item)[0]) == name:
                return children(item)[-1]
        return None

    @staticmethod
    def whole_count(n: V) -> int | None:
        """A `count` as Terraform takes it ("2" counts as 2), or None when unknown."""
        count = whole(to_number(n.value)) if n.known else None
        return count if count is not None and 0 <= count <= MAX_INSTANCES else None

    @staticmethod
    def each_pairs(coll: V) -> list[tuple[str, V]] | None:
        """A `for_each` as (key, value) pairs, or None when it cannot be enumerated."""
        if (
            not coll.known
            or not isinstance(coll.value, (dict, list))
            or len(coll.value) > MAX_INSTANCES
            or RESOURCE_KEY in coll.value  # a resource object, not a map of instances
        ):
            return None
        if isinstance(coll.value, dict):
            return list(coll.value.items())
        if not all(x.known and isinstance(x.value, str) for x in coll.value):
            return None
        return [(x.value, x) for x in coll.value]

    def instances(self, addr: str, b: Block) -> V:
        """The resource's value: one instance, a list (count) or a map (for_each)."""
        count_node, each_node = self.meta_arg(b, "count"), self.meta_arg(b, "for_each")
        full = self.prefix + addr
        if count_node is not None:
            n = self.eval_in(count_node, b.file, Scope())
            count = self.whole_count(n)
            if count is None:
                return unknown(meta_why("count", full, n), b.loc)
            items = []
            for i in range(count):
                scope = count_scope(i, b.loc)
                items.append(self.instance(f"{full}[{i}]", b, scope, n.assumed))
            return V(items, b.loc, n.assumed)
        if each_node is not None:
            coll = self.eval_in(each_node, b.file, Scope())
            pairs = self.each_pairs(coll)
            if pairs is None:
                return unknown(meta_why("for_each", full, coll), b.loc)
            out = {}
            for k, v in pairs:
                scope = each_scope(k, v, b.loc)
                out[k] = self.instance(f'{full}["{k}"]', b, scope, coll.assumed)
            return V(out, b.loc, coll.assumed)
        return self.instance(full, b, Scope(), ())

    def instance(self, rid: str, b: Block, scope: Scope, assumed: tuple[str, ...]) -> V:
        v = self.body_value(b.body, b.file, scope, b.loc)
        v.value[RESOURCE_KEY] = V(rid, b.loc)
        return V(v.value, b.loc, assumed)


def policy_json(unit: Unit, addr: str, inst: V) -> dict[str, V]:
    """`data "aws_iam_policy_document"`: its `json` as the provider builds it, a tree
    whose statements keep the lines of their blocks."""
    doc = iam_document.build(inst, policy_document)
    return {"json": doc, "minified_json": doc}


def _managed_policy(unit: Unit, addr: str, inst: V) -> dict[str, V]:
    """`data "aws_iam_policy"` looking up an AWS managed policy by ARN or name: its
    ARN is the configuration's to give; the policy itself is read where it is attached."""
    given, name = inst.get("arn"), text(inst.get("name"))
    known = iam.managed_policies()
    if given is not None and given.value is not None:
        found = known.get(text(given) or "")
    else:
        found = next((p for p in known.values() if p.name == name), None)
    if found is None:
        return {}
    # What it reads is what AWS publishes: not a reference to something planned.
    inst.value.pop(RESOURCE_KEY, None)
    return {
        "arn": V(found.arn, inst.loc, inst.assumed),
        "policy": wrap(found.document, inst.loc, inst.assumed),
    }


def _rendered(unit: Unit, addr: str, inst: V) -> dict[str, V]:
    """`data "template_file"`: `rendered` is the template with `vars`, as templatefile()
    renders one; what is unknown leaves unknown parts in it."""
    template, variables = inst.get("template"), inst.get("vars") or V({}, inst.loc)
    if isinstance(variables.value, list) and len(variables.value) == 1:
        variables = variables.value[0]  # Terraform 0.11 wrote `vars { ... }` as a block
    if template is not None and isinstance(template.value, (list, dict)):
        # file("x.json") reads JSON as a value (to keep its positions): as text again.
        text = json.dumps(plain(template), default=_placeholder_text)
        template = V(text, template.loc, template.assumed)
    if template is None or not template.known or not isinstance(template.value, str):
        why = template.value.reason if template is not None and not template.known else ""
        return {"rendered": unknown(f"the template of {addr} is not known {why}".strip(), inst.loc)}
    if not variables.known or not isinstance(variables.value, dict):
        return {"rendered": unknown(f"the vars of {addr} are not known", inst.loc)}
    scope = Scope(dict(variables.value))
    return {"rendered": unit.ev.template(template.value, scope, template.loc)}


def _endpoint_service(unit: Unit, addr: str, inst: V) -> dict[str, V]:
    """`data "aws_vpc_endpoint_service"` by `service`: its name is the AWS service's in
    some Region (how the registry vpc-endpoints module names every endpoint)."""
    given, service = inst.get("service_name"), inst.get("service")
    if (given is not None and given.value is not None) or service is None:
        return {}
    if not isinstance(service.value, str):
        return {}
    why = f"{addr}.service_name, read when planned"
    return {"service_name": V(Unknown(why, f"com.amazonaws.*.{service.value}"), service.loc)}


_DATA: dict[str, Callable[[Unit, str, V], dict[str, V]]] = {
    "template_file": _rendered,
    "aws_vpc_endpoint_service": _endpoint_service,
    "aws_iam_policy_document": policy_json,
    "aws_iam_policy": _managed_policy,
}


def _flat(v: V | None) -> V | None:
    """A list of ids as Terraform 0.11 wrote it, `["${var.subnet_ids}"]` (and callers
    passing such lists on), is one flat list."""
    if v is None or not isinstance(v.value, list):
        return v
    if not any(isinstance(x.value, list) for x in v.value):
        return v
    out: list[V] = []
    todo = list(reversed(v.value))
    while todo and len(out) <= MAX_INSTANCES:  # no recursion: the nesting is the input's
        x = todo.pop()
        if isinstance(x.value, list):
            todo.extend(reversed(x.value))
        else:
            out.append(x)
    return V(out, v.loc, v.assumed)


def _placeholder_text(x: Any) -> str:
    return x.text if isinstance(x, Placeholder) else str(x)


def count_scope(index: int, loc: Loc) -> Scope:
    """What `count.index` is in one instance of a counted resource or module call."""
    return Scope({"count": V({"index": V(index, loc)}, loc)})


def each_scope(key: str, value: V, loc: Loc) -> Scope:
    """What `each.key` and `each.value` are in one instance of a for_each."""
    return Scope({"each": V({"key": V(key, loc), "value": value}, loc)})


def _instances_of(v: V) -> list[V]:
    """The instances in a block's value: itself, or the items of a count / for_each."""
    if not v.known:
        return []
    if isinstance(v.value, list):
        return v.value
    if RESOURCE_KEY in v.value:
        return [v]
    return list(v.value.values())


def meta_why(arg: str, addr: str, v: V) -> str:
    """Why a resource's instances cannot be counted: its `count` or `for_each`, and why."""
    if not v.known:
        why = v.value.reason
    elif arg == "count":
        why = f"not a whole number from 0 to {MAX_INSTANCES}"
    else:
        why = f"not a map or set of at most {MAX_INSTANCES} known keys"
    return f"the {arg} of {addr} ({why})"


def _assume(v: V, why: str) -> V:
    """Tag a value, and everything inside it, as resting on an assumption."""
    return rebuild(v, lambda n: V(n.value, n.loc, (*n.assumed, why)))


def parse_dir(directory: str, files: Files, budget: list[int]) -> tuple[list, list]:
    """A directory's configuration files parsed: ([(path, tree)], problems). `budget`
    holds the bytes of HCL left for the whole root, modules included."""
    sources = tf_files(directory)
    size = sum(_size(path, files) for path in sources)
    if size > budget[0]:
        where = Loc(sources[0]) if sources else Loc(directory)
        limit = f"{MAX_BYTES // 1024:,} KiB"
        why = (
            f"too large to evaluate: its Terraform files hold {size // 1024:,} KiB "
            f"(the limit is {limit}, modules included)"
        )
        return [], [ParseProblem(why, where, syntax=False)]
    budget[0] -= size
    problems: list[ParseProblem] = []
    trees = []
    for path in sources:
        tree, problem = parse(path, files)
        if problem:
            problems.append(problem)
        else:
            trees.append((path, tree))
    return trees, problems


def load(
    directory: str,
    files: Files | None = None,
    budget: Budget | None = None,
    given: Given | None = None,
) -> Loaded:
    files = files or Files.for_paths([directory])
    left = [MAX_BYTES]
    trees, problems = parse_dir(directory, files, left)
    tfvars, more = variable_files(directory, files, given or Given())
    if any(not p.syntax for p in problems) or more:
        # A file we may not read could hide the NAT or rule a verdict needs: analyse nothing.
        return Loaded(None, problems + more)
    tpl = m.Template(kind=m.TERRAFORM, path=directory, files=tuple(p for p, _ in trees))
    problems = [_without(p, tpl, files) for p in problems]
    session = modules.Session(directory, files, lambda d: parse_dir(d, files, left), tpl)
    ev = Evaluator(directory, files=files, budget=budget)
    blocks = [
        Block(t, path, ev)
        for path, tree in trees
        for t in children(children(tree)[0])
        if t.data == "block"
    ]
    unit = Unit(directory, blocks, ev, tfvars, session)
    build(unit, tpl)
    fold_associations(tpl)
    main_tables(tpl)
    attach_standalone_rules(tpl)
    notes = [ParseProblem(what, loc, syntax=False, severity="info") for what, loc in ev.notes]
    return Loaded(tpl, problems + notes + session.problems)


_RESOURCE_HEADER = re.compile(r'(?m)^\s*resource\s+"?([A-Za-z][\w-]*)"?\s')
_ANY_HEADER = re.compile(r"(?m)^\s*(resource|module)\b")


def _without(problem: ParseProblem, tpl: m.Template, files: Files) -> ParseProblem:
    """A file that does not parse: python-hcl2's grammar rejects some valid Terraform,
    so it is an info note and the directory is checked without it, its resources'
    types left uncertain (read from its block headers; a module call there could
    create anything, so then every type is)."""
    path = problem.loc.file
    why = f"{os.path.basename(path)} could not be parsed"
    tpl.blind.append((f"{files.rel(path)} was not read: {problem.message}", problem.loc))
    try:
        text = files.read_bytes(path).decode("utf-8", errors="replace")
    except (OSError, Refused):
        text = ""
    named = _RESOURCE_HEADER.findall(text)
    types = set(named) | set(re.findall(r'"(aws_\w+)"\s*:', text))
    if len(_ANY_HEADER.findall(text)) > len(named):  # a module call, or a header we misread
        types |= set(_BUILDERS)
    for t in types:
        tpl.uncount(t, why, problem.loc)
    return dataclasses.replace(
        problem,
        severity="info",
        message=f"{problem.message.rstrip('.')}; if terraform accepts this file, "
        "fargate-lint cannot read it yet: the rest of the directory is checked without it",
    )


def variable_files(
    directory: str, files: Files, given: Given
) -> tuple[list[tuple[str, Any, bool]], list[ParseProblem]]:
    """The variable files of a root, parsed in terraform's order, then the command
    line's; `--var` values become one more file."""
    out: list[tuple[str, Any, bool]] = []
    problems: list[ParseProblem] = []
    parsed = [(path, *parse(path, files), False) for path in tfvars_files(directory)]
    parsed += [(path, *parse_text(path, text), True) for path, text in given.var_files]
    for path, tree, problem, fact in parsed:
        if problem:
            problems.append(problem)
        else:
            out.append((path, tree, fact))
    for name, value in given.values:
        # As terraform takes -var: a list or map is HCL, anything else a literal string.
        text = f"{name} = {value}" if value.lstrip().startswith(("[", "{")) else None
        tree, problem = parse_text("--var", text) if text else (None, None)
        if tree is None:
            tree = V({name: V(value, Loc("--var"))}, Loc("--var"))
        out.append(("--var", tree, True))
    return out, problems


def build(unit: Unit, tpl: m.Template) -> None:
    """The model of a unit's resources, then of the modules it calls, recursively."""
    for path in dict.fromkeys(b.file for b in unit.blocks):
        if path not in tpl.files:
            tpl.files += (path,)
    for b in unit.blocks:
        if b.kind in ("resource", "data", "module"):
            tpl.spans.append(m.Span(b.file, b.loc.line, b.loc.end_line or b.loc.line))
        moved = b.kind in ("resource", "module") and not unit.prefix
        if moved and unit.meta_arg(b, "provider" if b.kind == "resource" else "providers"):
            # Some resources run on another provider, maybe in another Region.
            tpl.region = unknown(f"{'.'.join(b.labels)} names its provider", b.loc)
        if b.kind == "resource" and len(b.labels) == 2:
            build_resource(unit, tpl, b)
        elif b.kind == "output" and not unit.prefix:
            _collect_output(unit, tpl, b)
        elif b.kind == "provider" and b.labels == ["aws"]:
            if unit.prefix:  # a module deploying with its own provider
                tpl.region = unknown(f"{unit.prefix}provider.aws sets its own Region", b.loc)
            else:
                _provider_region(unit, tpl, b)
        elif b.kind == "module" and b.labels:
            unit.ev.modules[b.labels[0]](b.loc)  # its instances become children
    for child in unit.children:
        build(child, tpl)


def _provider_region(unit: Unit, tpl: m.Template, b: Block) -> None:
    """The default aws provider's region (an aliased one serves only what names it); two
    default providers, or none, leave it unknown."""
    if unit.meta_arg(b, "alias") is not None:
        return
    node = unit.meta_arg(b, "region")
    region = unit.eval_in(node, b.file, Scope()) if node is not None else None
    if tpl.region is not None or region is None or not isinstance(region.value, str):
        # Another provider, or a resource naming one, came first: the Region is open.
        other = unknown("resources may use another aws provider", b.loc)
        tpl.region = other if tpl.region else None
        return
    tpl.region = region


def _collect_output(unit: Unit, tpl: m.Template, b: Block) -> None:
    """A module's outputs feed its caller, which may extend what they name."""
    node = unit.meta_arg(b, "value")
    if node is not None:
        tpl.exported.update(ref_ids(unit.eval_in(node, b.file, Scope())))


def build_resource(unit: Unit, tpl: m.Template, b: Block) -> None:
    rtype, _ = b.labels
    addr = ".".join(b.labels)
    tpl.types[unit.prefix + addr] = rtype
    deps = _depends_on(unit, b)
    if deps:  # by address: every instance waits for them
        tpl.depends[unit.prefix + addr] = deps
    builder = _BUILDERS.get(rtype)
    if builder is None:
        return
    v = unit.ev.resources[addr](b.loc)
    if not v.known:
        tpl.uncount(rtype, v.value.reason, b.loc)
        if rtype in _LAUNCHERS:  # a service that may exist: coverage must name it
            tpl.blind.append((f"{unit.prefix}{addr} could not be counted: {v.value.reason}", b.loc))
        return
    instances = _instances_of(v)
    if not instances:
        tpl.drop(rtype, v.assumed)
    for inst in instances:
        for part in inst.value.values() if isinstance(inst.value, dict) else ():
            if isinstance(part.value, list):  # blocks a dynamic left out on a default
                tpl.drop(rtype, part.assumed)
        rid = inst.value[RESOURCE_KEY].value
        if not isinstance(rid, str):  # a map that happens to hold our key: not an instance
            tpl.uncertain.add(rtype)
            continue
        refs = tuple(ref_ids(inst))  # what orders its creation (FG034)
        if refs:
            tpl.depends[rid] = tuple(dict.fromkeys(tpl.depends.get(rid, ()) + refs))
        for res in builder(rid, b.loc, rtype, inst, unit):
            tpl.add(res)


def _depends_on(unit: Unit, b: Block) -> tuple[str, ...]:
    """The resources a block's `depends_on` names (the listener race, FG034): read as
    written, since evaluating `aws_lb_listener.http` gives the listener's attributes."""
    node = unit.meta_arg(b, "depends_on")
    out: list[str] = []
    stack = [node] if node is not None else []
    while stack and len(out) < 100:
        t = stack.pop()
        if not isinstance(t, Tree):
            continue
        kids = children(t)
        if t.data == "get_attr_expr_term" and len(kids) == 2 and kids[1].data == "get_attr":
            base = name_of(kids[0])
            if base not in ("data", "var", "local"):  # a module: all its resources
                out.append(f"{unit.prefix}{base}.{name_of(kids[1])}")
                continue
        stack.extend(reversed(kids))
    return tuple(dict.fromkeys(out))


# -- resource builders ----------------------------------------------------------------------


def _blocks(p: V, name: str) -> list[V]:
    v = p.get(name)
    return list(v.items()) if v is not None and v.known else []


def _vpc(rid, loc, t, p, u):
    yield m.Vpc(
        rid,
        loc,
        t,
        p.get("cidr_block"),
        p.get("enable_dns_support"),
        p.get("enable_dns_hostnames"),
    )


def _subnet(rid, loc, t, p, u):
    yield m.Subnet(
        rid,
        loc,
        t,
        p.get("vpc_id"),
        p.get("cidr_block"),
        p.get("ipv6_cidr_block"),
        p.get("availability_zone") or p.get("availability_zone_id"),
        p.get("map_public_ip_on_launch"),
        p.get("ipv6_native"),
    )


_ROUTE_TARGETS = (
    "gateway_id",
    "nat_gateway_id",
    "transit_gateway_id",
    "vpc_peering_connection_id",
    "instance_id",
    "network_interface_id",
    "vpc_endpoint_id",
    "egress_only_gateway_id",
    "carrier_gateway_id",
    "local_gateway_id",
    "core_network_arn",
)


def _route_from(rid, loc, t, p, table):
    attr = next((a for a in _ROUTE_TARGETS if p.get(a) not in (None,) and p.get(a).value), "")
    dest = p.get("destination_cidr_block") or p.get("cidr_block")
    dest6 = p.get("destination_ipv6_cidr_block") or p.get("ipv6_cidr_block")
    return m.Route(
        rid,
        loc,
        t,
        route_table=table,
        destination=dest,
        destination_v6=dest6,
        destination_prefix_list=p.get("destination_prefix_list_id"),
        target_attr=attr,
        target=p.get(attr) if attr else None,
    )


def _route_table(rid, loc, t, p, u, main=False):
    vpc = p.get("vpc_id")
    if main:
        # aws_default_route_table names the VPC's default table: aws_vpc.x.default_route_table_id
        drt = p.get("default_route_table_id")
        vpc = V(Ref(drt.value.id), drt.loc) if drt and isinstance(drt.value, Ref) else drt
    routes = p.get("route")
    if routes is not None and not routes.known:
        yield m.RouteTable(rid, loc, t, vpc, main=main, routes_known=False)
        return
    yield m.RouteTable(rid, loc, t, vpc, main=main)
    for i, r in enumerate(_blocks(p, "route")):
        yield _route_from(f"{rid}.route[{i}]", r.loc, t, r, V(Ref(rid), r.loc))


def _default_route_table(rid, loc, t, p, u):
    yield from _route_table(rid, loc, t, p, u, main=True)


def _route(rid, loc, t, p, u):
    yield _route_from(rid, loc, t, p, p.get("route_table_id"))


def _rt_assoc(rid, loc, t, p, u):
    yield m.RouteTableAssociation(
        rid, loc, t, p.get("route_table_id"), p.get("subnet_id"), p.get("gateway_id")
    )


def _main_rt_assoc(rid, loc, t, p, u):
    yield m.MainRouteTableAssociation(rid, loc, t, p.get("vpc_id"), p.get("route_table_id"))


def _igw(rid, loc, t, p, u):
    yield m.InternetGateway(rid, loc, t, p.get("vpc_id"))


def _igw_attachment(rid, loc, t, p, u):
    yield m.GatewayAttachment(rid, loc, t, p.get("vpc_id"), p.get("internet_gateway_id"))


def _nat(rid, loc, t, p, u):
    yield m.NatGateway(
        rid, loc, t, p.get("subnet_id"), p.get("connectivity_type"), p.get("allocation_id")
    )


def _nacl_entries(blocks: list[V], egress: bool) -> tuple[m.NaclEntry, ...]:
    return tuple(
        m.NaclEntry(
            loc=b.loc,
            egress=egress,
            number=b.get("rule_no"),
            protocol=b.get("protocol"),
            action=b.get("action"),
            cidr=b.get("cidr_block"),
            cidr_v6=b.get("ipv6_cidr_block"),
            from_port=b.get("from_port"),
            to_port=b.get("to_port"),
        )
        for b in blocks
    )


def _nacl(rid, loc, t, p, u, default=False):
    vpc = p.get("vpc_id")
    if default:
        # aws_default_network_acl names the VPC's default NACL: aws_vpc.x.default_network_acl_id
        dn = p.get("default_network_acl_id")
        vpc = V(Ref(dn.value.id), dn.loc) if dn and isinstance(dn.value, Ref) else dn
    ingress, egress = p.get("ingress"), p.get("egress")
    yield m.NetworkAcl(
        rid,
        loc,
        t,
        vpc,
        entries=_nacl_entries(_blocks(p, "ingress"), False)
        + _nacl_entries(_blocks(p, "egress"), True),
        subnets=p.get("subnet_ids"),
        default=default,
        entries_known=all(x is None or x.known for x in (ingress, egress)),
    )


def _default_nacl(rid, loc, t, p, u):
    yield from _nacl(rid, loc, t, p, u, default=True)


def _nacl_rule(rid, loc, t, p, u):
    egress = p.get("egress")
    entry = m.NaclEntry(
        loc=loc,
        egress=egress is not None and egress.value is True,
        number=p.get("rule_number"),
        protocol=p.get("protocol"),
        action=p.get("rule_action"),
        cidr=p.get("cidr_block"),
        cidr_v6=p.get("ipv6_cidr_block"),
        from_port=p.get("from_port"),
        to_port=p.get("to_port"),
    )
    if egress is not None and not egress.known:
        entry = dataclasses.replace(entry, action=unknown("egress is not known", loc))
    yield m.StandaloneNaclEntry(rid, loc, t, p.get("network_acl_id"), entry)


def _nacl_assoc(rid, loc, t, p, u):
    yield m.NaclAssociation(rid, loc, t, p.get("subnet_id"), p.get("network_acl_id"))


def _endpoint(rid, loc, t, p, u):
    yield m.VpcEndpoint(
        rid,
        loc,
        t,
        vpc=p.get("vpc_id"),
        service=p.get("service_name"),
        endpoint_type=p.get("vpc_endpoint_type"),
        subnets=p.get("subnet_ids"),
        security_groups=p.get("security_group_ids"),
        route_tables=p.get("route_table_ids"),
        private_dns=p.get("private_dns_enabled"),
        policy=policy_document(p.get("policy")),
    )


def _endpoint_assoc(rid, loc, t, p, u):
    yield m.EndpointAssociation(
        rid,
        loc,
        t,
        endpoint=p.get("vpc_endpoint_id"),
        route_table=p.get("route_table_id"),
        subnet=p.get("subnet_id"),
        security_group=p.get("security_group_id"),
        policy=policy_document(p.get("policy")) if t == "aws_vpc_endpoint_policy" else None,
    )


def _sg_rules(blocks: list[V], direction: str) -> tuple[m.SgRule, ...]:
    out = []
    for r in blocks:
        out.append(
            m.SgRule(
                loc=r.loc,
                direction=direction,
                protocol=r.get("protocol"),
                from_port=r.get("from_port"),
                to_port=r.get("to_port"),
                cidr=r.get("cidr_blocks"),
                cidr_v6=r.get("ipv6_cidr_blocks"),
                peer_group=r.get("security_groups"),
                prefix_list=r.get("prefix_list_ids"),
                self_ref=r.get("self") is not None and r.get("self").value is True,
            )
        )
    return tuple(out)


def _sg(rid, loc, t, p, u):
    ingress, egress = p.get("ingress"), p.get("egress")
    known = all(x is None or x.known for x in (ingress, egress))
    yield m.SecurityGroup(
        rid,
        loc,
        t,
        p.get("vpc_id"),
        vpc_default=t == "aws_default_security_group",
        ingress=_sg_rules(_blocks(p, "ingress"), "ingress"),
        egress=_sg_rules(_blocks(p, "egress"), "egress"),
        # The provider deletes AWS's default allow-all egress rule.
        default_egress_removed=True,
        rules_known=known,
    )


def _sg_rule(rid, loc, t, p, u):
    direction = p.get("type")
    d = direction.value if direction is not None and direction.known else None
    if d not in ("ingress", "egress"):
        return
    rule = m.SgRule(
        loc=loc,
        direction=d,
        protocol=p.get("protocol"),
        from_port=p.get("from_port"),
        to_port=p.get("to_port"),
        cidr=p.get("cidr_blocks"),
        cidr_v6=p.get("ipv6_cidr_blocks"),
        peer_group=p.get("source_security_group_id"),
        prefix_list=p.get("prefix_list_ids"),
        self_ref=p.get("self") is not None and p.get("self").value is True,
        group=p.get("security_group_id"),
    )
    yield m.StandaloneSgRule(rid, loc, t, rule)


def _vpc_sg_rule(rid, loc, t, p, u):
    d = "ingress" if t.endswith("ingress_rule") else "egress"
    rule = m.SgRule(
        loc=loc,
        direction=d,
        protocol=p.get("ip_protocol"),
        from_port=p.get("from_port"),
        to_port=p.get("to_port"),
        cidr=p.get("cidr_ipv4"),
        cidr_v6=p.get("cidr_ipv6"),
        peer_group=p.get("referenced_security_group_id"),
        prefix_list=p.get("prefix_list_id"),
        group=p.get("security_group_id"),
    )
    yield m.StandaloneSgRule(rid, loc, t, rule)


def _strategy(blocks: list[V]) -> V | None:
    if not blocks:
        return None
    return V(
        [
            V({"CapacityProvider": b.get("capacity_provider") or V(None, b.loc)}, b.loc)
            for b in blocks
        ],
        blocks[0].loc,
    )


_EXEC_LOG_KEYS = (
    "cloud_watch_log_group_name",
    "cloud_watch_encryption_enabled",
    "s3_bucket_name",
    "s3_bucket_encryption_enabled",
    "s3_key_prefix",
)


def _cluster(rid, loc, t, p, u):
    kms, logging = None, None
    for conf in _blocks(p, "configuration"):
        for exe in _blocks(conf, "execute_command_configuration"):
            kms = exe.get("kms_key_id")
            logs = next(iter(_blocks(exe, "log_configuration")), None)
            dyn = exe.get("log_configuration")
            if dyn is not None and not dyn.known:  # a dynamic block over unknown values
                logs = V({k: dyn for k in _EXEC_LOG_KEYS}, dyn.loc)  # all as unknown
            logging = m.ExecLogging(
                exe.loc,
                exe.get("logging"),
                logs,
                *(logs.get(k) if logs else None for k in _EXEC_LOG_KEYS),
            )
    yield m.Cluster(
        rid,
        loc,
        t,
        _strategy(_blocks(p, "default_capacity_provider_strategy")),
        exec_kms_key=kms,
        exec_logging=logging,
    )


def _cluster_cps(rid, loc, t, p, u):
    yield m.ClusterCapacityProviders(
        rid,
        loc,
        t,
        p.get("cluster_name"),
        _strategy(_blocks(p, "default_capacity_provider_strategy")),
        p.get("capacity_providers"),
    )


def _capacity_provider(rid, loc, t, p, u):
    asg = next(iter(_blocks(p, "auto_scaling_group_provider")), None)
    yield m.CapacityProvider(rid, loc, t, asg.get("auto_scaling_group_arn") if asg else None)


def _asg(rid, loc, t, p, u):
    lt = next(iter(_blocks(p, "launch_template")), None)
    launch = (lt.get("id") or lt.get("name")) if lt is not None else None
    if launch is None:
        for policy in _blocks(p, "mixed_instances_policy"):
            for spec in _blocks(policy, "launch_template"):
                for s in _blocks(spec, "launch_template_specification"):
                    launch = s.get("launch_template_id") or s.get("launch_template_name")
    launch = launch or p.get("launch_configuration")
    yield m.AutoScalingGroup(rid, loc, t, _flat(p.get("vpc_zone_identifier")), launch)


def _launch_template(rid, loc, t, p, u):
    if t == "aws_launch_configuration":
        yield m.LaunchTemplate(
            rid,
            loc,
            t,
            p.get("associate_public_ip_address"),
            p.get("user_data"),
            _flat(p.get("security_groups")),
        )
        return
    nics = p.get("network_interfaces")
    first = next(iter(_blocks(p, "network_interfaces")), None)
    public = first.get("associate_public_ip_address") if first is not None else None
    groups = p.get("vpc_security_group_ids") or p.get("security_group_names")
    if first is not None and first.get("security_groups") is not None:
        groups = first.get("security_groups")
    if nics is not None and not nics.known:
        public = groups = nics  # a dynamic block over unknown values
    yield m.LaunchTemplate(rid, loc, t, public, p.get("user_data"), _flat(groups))


def _launcher(rid, loc, t, p, **kw):
    nets = _blocks(p, "network_configuration")
    net = nets[0] if nets else None
    dyn = p.get("network_configuration")
    if dyn is not None and not dyn.known:
        # A `dynamic` block over unknown values: every network setting is as unknown.
        net = V({k: dyn for k in ("subnets", "security_groups", "assign_public_ip")}, dyn.loc)
    return m.Service(
        rid,
        loc,
        t,
        launch_type=p.get("launch_type"),
        strategy=_strategy(_blocks(p, "capacity_provider_strategy")),
        network=net,
        subnets=_flat(net.get("subnets")) if net else None,
        security_groups=_flat(net.get("security_groups")) if net else None,
        assign_public_ip=net.get("assign_public_ip") if net else None,
        exec_enabled=p.get("enable_execute_command"),
        platform_version=p.get("platform_version"),
        role=p.get("iam_role"),
        **kw,
    )


def _service(rid, loc, t, p, u):
    lbs = tuple(
        m.LoadBalancerBinding(
            b.loc,
            b.get("target_group_arn"),
            b.get("container_name"),
            b.get("container_port"),
            b.get("elb_name"),
        )
        for b in _blocks(p, "load_balancer")
    )
    yield _launcher(
        rid,
        loc,
        t,
        p,
        cluster=p.get("cluster"),
        task_definition=p.get("task_definition"),
        load_balancers=lbs,
        load_balancers_known=p.get("load_balancer") is None or p.get("load_balancer").known,
        service_registries=p.get("service_registries"),
        service_connect=_service_connect(p.get("service_connect_configuration")),
        deployment_controller=next(
            (b.get("type") for b in _blocks(p, "deployment_controller")), None
        ),
    )


def _service_connect(v: V | None) -> V | None:
    """The first (only) service_connect_configuration block, its `service` blocks under
    `Services` as CloudFormation names them (a dynamic block stays unknown)."""
    if v is None or not v.known:
        return v
    block = next(iter(v.items()), None)
    if block is None or not isinstance(block.value, dict):
        return None
    services = block.get("service")
    return V(
        {**block.value, "Services": services} if services is not None else block.value, block.loc
    )


def _event_target(rid, loc, t, p, u):
    for ecs in _blocks(p, "ecs_target"):
        yield _launcher(
            rid,
            ecs.loc,
            t,
            ecs,
            cluster=p.get("arn"),
            task_definition=ecs.get("task_definition_arn"),
        )


def _task_definition(rid, loc, t, p, u):
    defs = p.get("container_definitions")
    decoded = decode_json_string(defs) if defs is not None else None
    yield m.TaskDefinition(
        rid,
        loc,
        t,
        network_mode=p.get("network_mode"),
        compatibilities=p.get("requires_compatibilities"),
        containers=containers(decoded) if decoded is not None else (),
        containers_loc=defs.loc if defs is not None else None,
        containers_why=unknown_why(decoded),
        os_family=next(
            (b.get("operating_system_family") for b in _blocks(p, "runtime_platform")), None
        ),
        task_role=p.get("task_role_arn"),
        execution_role=p.get("execution_role_arn"),
        efs_volumes=tuple(
            e for vol in _blocks(p, "volume") for e in _blocks(vol, "efs_volume_configuration")
        ),
        ephemeral_storage=next(iter(_blocks(p, "ephemeral_storage")), None),
        memory=p.get("memory"),
    )


_NAMESPACE_KINDS = {
    "aws_service_discovery_private_dns_namespace": "private",
    "aws_service_discovery_public_dns_namespace": "public",
    "aws_service_discovery_http_namespace": "http",
}


def _namespace(rid, loc, t, p, u):
    yield m.Namespace(rid, loc, t, _NAMESPACE_KINDS[t], p.get("vpc"))


def _discovery_service(rid, loc, t, p, u):
    dns = next(iter(_blocks(p, "dns_config")), None)
    records = dns.get("dns_records") if dns is not None else None
    yield m.DiscoveryService(
        rid,
        loc,
        t,
        (dns.get("namespace_id") if dns is not None else None) or p.get("namespace_id"),
        pluck(records, "type") if records is not None else None,
    )


def _file_system(rid, loc, t, p, u):
    yield m.FileSystem(rid, loc, t, p.get("availability_zone_name"))


def _mount_target(rid, loc, t, p, u):
    yield m.MountTarget(
        rid, loc, t, p.get("file_system_id"), p.get("subnet_id"), _flat(p.get("security_groups"))
    )


def _load_balancer(rid, loc, t, p, u):
    subnets, mappings = p.get("subnets"), p.get("subnet_mapping")
    if (subnets is None or subnets.value == []) and mappings is not None:
        subnets = pluck(mappings, "subnet_id")
    yield m.LoadBalancer(
        rid,
        loc,
        t,
        lb_type=p.get("load_balancer_type"),
        internal=p.get("internal"),
        subnets=_flat(subnets),
        security_groups=_flat(p.get("security_groups")),
    )


def _target_group(rid, loc, t, p, u):
    check = next(iter(_blocks(p, "health_check")), None)
    yield m.TargetGroup(
        rid,
        loc,
        t,
        target_type=p.get("target_type"),
        protocol=p.get("protocol"),
        vpc=p.get("vpc_id"),
        health_check_port=check.get("port") if check is not None else None,
        preserve_client_ip=p.get("preserve_client_ip"),
        ip_address_type=p.get("ip_address_type"),
    )


def _forwarded(p: V, name: str) -> tuple[tuple[V, ...], bool]:
    """The target groups a listener's (or rule's) action blocks forward to, and whether
    the blocks could be read (a `dynamic` block over unknown values cannot)."""
    blocks = p.get(name)
    if blocks is not None and not blocks.known:
        return (), False
    out: list[V | None] = []
    for a in _blocks(p, name):
        out.append(a.get("target_group_arn"))
        dyn = a.get("forward")
        if dyn is not None and not dyn.known:
            return (), False  # a dynamic forward block over unknown values
        for fwd in _blocks(a, "forward"):
            groups = fwd.get("target_group")
            if groups is not None and not groups.known:
                return (), False
            out.extend(g.get("arn") for g in _blocks(fwd, "target_group"))
    return tuple(x for x in out if x is not None), True


def _listener(rid, loc, t, p, u):
    rule = t.endswith("_rule")
    groups, known = _forwarded(p, "action" if rule else "default_action")
    yield m.Listener(
        rid,
        loc,
        t,
        load_balancer=None if rule else p.get("load_balancer_arn"),
        listener=p.get("listener_arn") if rule else None,
        target_groups=groups,
        actions_known=known,
    )


def _kms_key(rid, loc, t, p, u):
    if t == "aws_kms_key_policy":
        yield m.KeyPolicy(rid, loc, t, p.get("key_id"), policy_document(p.get("policy")))
    else:
        yield m.KmsKey(rid, loc, t, policy_document(p.get("policy")))


def _log_group(rid, loc, t, p, u):
    yield m.LogGroup(rid, loc, t, p.get("name"), p.get("kms_key_id"))


def _role(rid, loc, t, p, u):
    inline = p.get("inline_policy")
    yield m.Role(
        rid,
        loc,
        t,
        name=p.get("name"),
        trust=policy_document(p.get("assume_role_policy")),
        inline=tuple(
            policy_document(b.get("policy")) or b for b in (inline.items() if inline else ())
        ),
        inline_known=inline is None or inline.known,
        managed=p.get("managed_policy_arns"),
        boundary=p.get("permissions_boundary"),
    )


def _role_policy(rid, loc, t, p, u):
    yield m.Policy(rid, loc, t, policy_document(p.get("policy")), roles=p.get("role"))


def _policy(rid, loc, t, p, u):
    yield m.Policy(rid, loc, t, policy_document(p.get("policy")), managed=True)


def _policy_attachment(rid, loc, t, p, u):
    if t == "aws_iam_role_policy_attachments_exclusive":
        roles, arns = p.get("role_name"), p.get("policy_arns")
    else:  # aws_iam_role_policy_attachment (role) and aws_iam_policy_attachment (roles)
        roles, arns = p.get("role") or p.get("roles"), p.get("policy_arn")
    if t == "aws_iam_policy_attachment" and roles is None:
        return  # attaches to users or groups only
    yield m.PolicyAttachment(rid, loc, t, roles=_flat(roles), policies=_flat(arns))


_LAUNCHERS = ("aws_ecs_service", "aws_ecs_task_set", "aws_cloudwatch_event_target")

_BUILDERS = {
    "aws_vpc": _vpc,
    "aws_subnet": _subnet,
    "aws_route_table": _route_table,
    "aws_default_route_table": _default_route_table,
    "aws_route": _route,
    "aws_route_table_association": _rt_assoc,
    "aws_main_route_table_association": _main_rt_assoc,
    "aws_internet_gateway": _igw,
    "aws_internet_gateway_attachment": _igw_attachment,
    "aws_nat_gateway": _nat,
    "aws_vpc_endpoint": _endpoint,
    "aws_network_acl": _nacl,
    "aws_default_network_acl": _default_nacl,
    "aws_network_acl_rule": _nacl_rule,
    "aws_network_acl_association": _nacl_assoc,
    "aws_vpc_endpoint_route_table_association": _endpoint_assoc,
    "aws_vpc_endpoint_subnet_association": _endpoint_assoc,
    "aws_vpc_endpoint_security_group_association": _endpoint_assoc,
    "aws_vpc_endpoint_policy": _endpoint_assoc,
    "aws_security_group": _sg,
    "aws_default_security_group": _sg,
    "aws_security_group_rule": _sg_rule,
    "aws_vpc_security_group_ingress_rule": _vpc_sg_rule,
    "aws_vpc_security_group_egress_rule": _vpc_sg_rule,
    "aws_ecs_cluster": _cluster,
    "aws_ecs_cluster_capacity_providers": _cluster_cps,
    "aws_ecs_capacity_provider": _capacity_provider,
    "aws_ecs_service": _service,
    "aws_ecs_task_set": _service,
    "aws_cloudwatch_event_target": _event_target,
    "aws_ecs_task_definition": _task_definition,
    "aws_cloudwatch_log_group": _log_group,
    "aws_lb": _load_balancer,
    "aws_efs_file_system": _file_system,
    "aws_autoscaling_group": _asg,
    "aws_launch_template": _launch_template,
    "aws_launch_configuration": _launch_template,
    **{t: _namespace for t in _NAMESPACE_KINDS},
    "aws_service_discovery_service": _discovery_service,
    "aws_efs_mount_target": _mount_target,
    "aws_alb": _load_balancer,
    "aws_lb_target_group": _target_group,
    "aws_alb_target_group": _target_group,
    "aws_lb_listener": _listener,
    "aws_alb_listener": _listener,
    "aws_lb_listener_rule": _listener,
    "aws_alb_listener_rule": _listener,
    "aws_kms_key": _kms_key,
    "aws_kms_key_policy": _kms_key,
    "aws_iam_role": _role,
    "aws_iam_role_policy": _role_policy,
    "aws_iam_policy": _policy,
    "aws_iam_role_policy_attachment": _policy_attachment,
    "aws_iam_policy_attachment": _policy_attachment,
    "aws_iam_role_policy_attachments_exclusive": _policy_attachment,
}


def fold_associations(tpl: m.Template) -> None:
    """Fold endpoint association resources into their endpoints."""
    for a in tpl.of(m.EndpointAssociation):
        ep = tpl.deref(a.endpoint, m.VpcEndpoint)
        if ep is None:
            continue
        for field, extra in (
            ("route_tables", a.route_table),
            ("subnets", a.subnet),
            ("security_groups", a.security_group),
        ):
            if extra is None:
                continue
            cur = getattr(ep, field)
            items = list(cur.items()) if cur is not None and cur.known else []
            if cur is not None and not cur.known:
                continue
            ep = dataclasses.replace(ep, **{field: V([*items, extra], extra.loc)})
        if a.policy is not None:
            ep = dataclasses.replace(ep, policy=a.policy)
        tpl.resources[ep.id] = ep
    for kp in tpl.of(m.KeyPolicy):
        key = tpl.deref(kp.key, m.KmsKey)
        if key is not None:
            tpl.resources[key.id] = dataclasses.replace(key, policy=kp.policy)


_TABLE_ATTRS = ("default_route_table_id", "main_route_table_id")


def main_tables(tpl: m.Template) -> None:
    """Routes and associations written against `aws_vpc.X.main_route_table_id` or
    `default_route_table_id` belong to the VPC's main table: the `aws_default_route_table`
    that adopts it, or the table AWS creates with the VPC. `main_route_table_id` is that
    table only while no `aws_main_route_table_association` replaces it."""
    vpcs = {v.id: v for v in tpl.of(m.Vpc)}
    adopted = {ref_id(rt.vpc): rt.id for rt in tpl.of(m.RouteTable) if rt.main}
    replaced = "aws_main_route_table_association" in tpl.uncertain or any(
        not ref_id(a.vpc) for a in tpl.of(m.MainRouteTableAssociation)
    )
    moved = {ref_id(a.vpc) for a in tpl.of(m.MainRouteTableAssociation)}

    def table(v: V | None) -> V | None:
        if v is None or not isinstance(v.value, Ref) or v.value.attr not in _TABLE_ATTRS:
            return v
        vpc = vpcs.get(v.value.id)
        if vpc is None:
            return v
        if v.value.attr == "main_route_table_id" and (replaced or vpc.id in moved):
            why = f"{vpc.id}.main_route_table_id, which an aws_main_route_table_association changes"
            return unknown(why, v.loc)
        if vpc.id not in adopted:
            rid = adopted[vpc.id] = f"{vpc.id}.default_route_table"
            tpl.add(m.RouteTable(rid, vpc.loc, vpc.type, V(Ref(vpc.id), vpc.loc), main=True))
        return V(Ref(adopted[vpc.id]), v.loc, v.assumed)

    for r in list(tpl.resources.values()):
        if isinstance(r, (m.Route, m.RouteTableAssociation)):
            new = table(r.route_table)
            if new is not r.route_table:
                tpl.resources[r.id] = dataclasses.replace(r, route_table=new)
        elif isinstance(r, m.VpcEndpoint) and r.route_tables is not None and r.route_tables.known:
            items = [table(x) for x in r.route_tables.items()]
            if any(a is not b for a, b in zip(items, r.route_tables.items(), strict=True)):
                routes = V(items, r.route_tables.loc, r.route_tables.assumed)
                tpl.resources[r.id] = dataclasses.replace(r, route_tables=routes)
