"""CloudFormation stacks seen together: cross-stack exports, nested stacks, parameter values.

A network stack that exports its subnets and a service stack that imports them are
one unit, as are a parent stack and the templates its `AWS::CloudFormation::Stack`
resources name (a local `TemplateURL`, or a URL ending with the path of a template in
the run). `pair()` forms the units from what every template exports, imports and
nests; `load()` reads one into a single `Template`, each stack with its own
`Resolver` joined by a `Link` that answers `Fn::ImportValue` and a nested stack's
`Outputs`. A template nested by another one of the run is checked through its parent,
with the parameters the parent passes (facts), as a Terraform module is through its
caller.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from linter import model as m
from linter.budget import Budget, TooComplex
from linter.config import PathFilter
from linter.discover import Unit
from linter.files import Files, Refused
from linter.sources import Loaded, ParseProblem, read_tree
from linter.sources.cfn_conditions import build_variants
from linter.sources.cloudformation import (
    Resolver,
    add_resources,
    assume,
    collect_exports,
    collect_suppressions,
    given_facts,
    is_template,
    mark,
    relocate,
)
from linter.sources.common import attach_standalone_rules
from linter.values import Loc, V, shape, unknown

MAX_STACKS = 50  # stacks in one unit, nested instances included
MAX_NESTING = 5  # AWS allows deeper, no real template needs it
_CANDIDATE = re.compile(r"ImportValue|Export|AWS::CloudFormation::Stack")
STACK = "AWS::CloudFormation::Stack"
# Trees `pair` decoded, for `load` to use again, and what every template of the run
# exports (an import that several may answer names them all); forgotten after the run.
TREES: dict[str, Any] = {}
SCANS: dict[str, Scan] = {}


@dataclass
class Scan:
    """What one template offers and asks of others, as far as it can be resolved alone."""

    path: str
    tree: Any
    # (name or shape, output, the assumptions the name rests on: parameter defaults)
    exports: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)  # names or shapes
    nested: dict[str, str] = field(default_factory=dict)  # stack logical id -> URL or shape
    # stack logical id -> (the template of the run it names, what that rests on)
    children: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


# What the repository walk learnt of each file, kept across the runs of one process
# (a test suite, an editor) and keyed on the file's content: decoding and scanning
# again is what costs, reading is cheap. Bounded; cleared when full.
_SEEN: dict[tuple, Any] = {}
_SEEN_MAX = 5_000


def _stamp(path: str, data: bytes, *extra: Any) -> tuple:
    return (os.path.abspath(path), hashlib.blake2b(data, digest_size=16).digest(), *extra)


def _remember(key: tuple, value: Any) -> Any:
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    _SEEN[key] = value
    return value


def _scan(
    path: str, files: Files, cache: dict[str, Any], given: dict[str, str] | None = None
) -> Scan | None:
    if path in SCANS:
        return SCANS[path]
    try:
        data = files.read_bytes(path, keep=False)
    except OSError:
        return None
    key = _stamp(path, data, "scan", tuple(sorted((given or {}).items())))
    if key in _SEEN:
        scan = _SEEN[key]
        if scan is None:
            return None
        cache[path] = scan.tree
        # The name a run gives the file, and what pair() learns of the run (the children
        # it resolves), are the run's own.
        return dataclasses.replace(scan, path=path, children={})
    scan = _remember(key, _scan_text(path, data, files, cache, given))
    return dataclasses.replace(scan, children={}) if scan is not None else None


def _scan_text(
    path: str, data: bytes, files: Files, cache: dict[str, Any], given: dict[str, str] | None
) -> Scan | None:
    text = data.decode("utf-8", errors="replace")
    if not _CANDIDATE.search(text):
        return None
    tree, problems = read_tree(path, files)
    if problems or not is_template(tree):
        return None
    cache[path] = tree
    try:
        return _offers(path, tree, given or {})
    except TooComplex:
        return None  # checked alone, where the budget says where it ran out


def _offers(path: str, tree: dict, given: dict[str, str]) -> Scan:
    rs = Resolver(path, tree, Budget(), given=given_facts(path, given))
    out = Scan(path, tree)
    outputs = tree.get("Outputs")
    for name, body in outputs.items() if isinstance(outputs, dict) else ():
        export = body.get("Export") if isinstance(body, dict) else None
        if isinstance(export, dict) and "Name" in export:
            v = rs.value(export["Name"], Loc(path))
            if shape(v):
                out.exports.append((shape(v), str(name), v.assumed))
    for node in _imports(tree):
        v = rs.value(node, Loc(path))
        if shape(v):
            out.imports.append(shape(v))
    for lid, body in rs.resources.items():
        if isinstance(body, dict) and body.get("Type") == STACK:
            # The CDK uploads a nested template under its hash; the asset path names
            # the file beside the parent in the assembly.
            meta = body.get("Metadata")
            asset = meta.get("aws:asset:path") if isinstance(meta, dict) else None
            props = body.get("Properties")
            url = props.get("TemplateURL") if isinstance(props, dict) else None
            v = rs.value(url, Loc(path)) if url is not None else None
            if isinstance(asset, str) and asset.endswith(".json") and "/" not in asset:
                out.nested[str(lid)] = f"./{asset}"
            elif shape(v):
                out.nested[str(lid)] = shape(v)
    return out


def _imports(node: Any) -> Iterator[Any]:
    """The name nodes of every `Fn::ImportValue` in a tree (bounded: decoding did)."""
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, dict):
            for k, v in n.items():
                if k == "Fn::ImportValue":
                    yield v
                else:
                    todo.append(v)
        elif isinstance(n, list):
            todo.extend(n)


@functools.lru_cache(maxsize=1 << 16)  # pure: each (export, import) pair is asked often
def compatible(a: str, b: str) -> bool:
    """Whether two names, with `*` for unknown parts (each at least one character),
    may be the same name. A name that is all unknown pairs with nothing: it would pair
    with everything."""
    if "*" not in a and "*" not in b:
        return a == b
    if not a.replace("*", "") or not b.replace("*", ""):
        return False
    if "*" not in b:
        return _pattern(a).fullmatch(b) is not None
    if "*" not in a:
        return _pattern(b).fullmatch(a) is not None
    # Both partly unknown: their known ends must agree.
    ha, hb = a.split("*", 1)[0], b.split("*", 1)[0]
    ta, tb = a.rsplit("*", 1)[-1], b.rsplit("*", 1)[-1]
    heads = ha.startswith(hb) or hb.startswith(ha)
    tails = ta.endswith(tb) or tb.endswith(ta)
    return heads and tails


@functools.lru_cache(maxsize=1 << 12)
def _pattern(shape_: str) -> re.Pattern:
    return re.compile(".+".join(re.escape(p) for p in shape_.split("*")), re.DOTALL)


def find_export(name: str, scans: list[Scan]) -> tuple[tuple[Scan, str, bool] | None, list[str]]:
    """The one export a name matches, (template, output, exactly), or None; and the
    templates whose exports may match (several: the import cannot be decided)."""
    exact = [(s, out) for s in scans for n, out, a in s.exports if n == name and "*" not in n]
    loose = exact or [(s, out) for s in scans for n, out, _ in s.exports if compatible(n, name)]
    paths = list(dict.fromkeys(s.path for s, _ in loose))
    if len(loose) != 1:
        return None, paths
    return (*loose[0], bool(exact) and "*" not in name), paths


def find_template(url: str, parent: str, paths: list[str]) -> tuple[str, bool] | None:
    """The template a `TemplateURL` names, and whether exactly: a local path beside the
    parent (what `aws cloudformation package` takes), or the template of the run whose
    path the URL ends with (the most trailing parts matched, then the nearest to the
    parent), which is an assumption."""
    if "://" not in url:
        if "*" in url:
            return None
        local = os.path.normpath(os.path.join(os.path.dirname(parent), url))
        return (local, True) if local in paths and local != parent else None
    parts = [p for p in url.split("?", 1)[0].split("/") if p]
    if not parts or "*" in parts[-1]:
        return None
    best: list[tuple[int, int, str]] = []
    for path in paths:
        if path == parent:
            continue
        mine = os.path.normpath(path).split(os.sep)
        n = 0
        while n < min(len(parts), len(mine)) and parts[-1 - n] == mine[-1 - n]:
            n += 1
        if n:
            near = len(os.path.commonpath([os.path.abspath(path), os.path.abspath(parent)]))
            best.append((n, near, path))
    best.sort(reverse=True)
    if not best or (len(best) > 1 and best[0][:2] == best[1][:2]):
        return None
    return best[0][2], False


def pair(
    units: list[Unit],
    files: Files,
    given: dict[str, str] | None = None,
    filt: PathFilter | None = None,
    cache: dict[str, Any] = TREES,
) -> list[Unit]:
    """The run's units with CloudFormation templates that import, export or nest one
    another joined into one (its `members`); a template nested by another is not a unit
    of its own. A template that imports, exports or nests is a unit of stacks even alone:
    its imports say which templates may answer them. Decoded trees are left in `cache`
    for `load`."""
    cfn = [u for u in units if u.kind == m.CFN]
    if any(u.only is not None for u in cfn):  # named files (pre-commit): their partners
        cfn += [Unit(m.CFN, p, frozenset()) for p in _repository_templates(cfn, files, filt)]
    scans = [s for u in cfn if (s := _scan(u.path, files, cache, given)) is not None]
    # A local TemplateURL may name a file discovery skipped (`./node_modules/...`, as
    # cfn-modules lays stacks out): it is read as what `aws cloudformation package`
    # would upload, through `files` (never outside the repository).
    named = frozenset() if any(u.only is not None for u in cfn) else None
    todo = list(scans)
    while todo and len(cfn) < 10 * MAX_STACKS:
        for local in _local_children(todo.pop(), {u.path for u in cfn}, files):
            cfn.append(Unit(m.CFN, local, named))
            if (s := _scan(local, files, cache, given)) is not None:
                scans.append(s)
                todo.append(s)
    SCANS.update((s.path, s) for s in scans)
    if not scans:
        return units
    paths = [u.path for u in cfn]
    edges: dict[str, set[str]] = {u.path: set() for u in cfn}
    nested: set[str] = set()
    for s in scans:
        for name in s.imports:
            found, _ = find_export(name, scans)
            if found is not None and found[0].path != s.path:
                edges[s.path].add(found[0].path)
                edges[found[0].path].add(s.path)
        for lid, url in s.nested.items():
            found = find_template(url, s.path, paths)
            if found is None:
                continue
            child, exact = found
            why = () if exact else (f"TemplateURL {url} is {os.path.basename(child)}",)
            s.children[lid] = (child, why)
            edges[s.path].add(child)
            edges[child].add(s.path)
            nested.add(child)
    by_path = {u.path: u for u in cfn}
    out = [u for u in units if u.kind != m.CFN]
    done: set[str] = set()
    for u in cfn:
        if u.path in done:
            continue
        group, todo = {u.path}, [u.path]
        while todo:
            for other in edges[todo.pop()]:
                if other not in group:
                    group.add(other)
                    todo.append(other)
        done |= group
        only = _only([by_path[p] for p in group])
        if only is not None and not only:
            continue  # only templates pre-commit did not name: not this run's business
        if len(group) == 1 and u.path not in SCANS:
            out.append(u)
            continue
        members = tuple(sorted(group))
        tops = [p for p in members if p not in nested] or list(members)
        out.append(Unit(m.CFN, tops[0], only, members=members))
    return sorted(out, key=lambda u: (u.path, u.kind))


def _local_children(scan: Scan, known: set[str], files: Files) -> list[str]:
    """Templates a scan's local TemplateURLs name that the run does not hold yet."""
    from linter.discover import kind_of

    out = []
    for url in scan.nested.values():
        if "://" in url or "*" in url:
            continue
        local = os.path.normpath(os.path.join(os.path.dirname(scan.path), url))
        if local in known or local in out:
            continue
        try:
            text = files.read_bytes(local, keep=False).decode("utf-8", errors="replace")
        except (OSError, Refused):
            continue
        if kind_of(text) == m.CFN:
            out.append(local)
    return out


def _repository_templates(named: list[Unit], files: Files, filt: PathFilter | None) -> list[str]:
    """The repository's other CloudFormation templates (what a named template may pair
    with, or nest), named as the named ones are (relative or not), and walked as
    discovery walks (the configuration's exclude applies)."""
    from linter.discover import DATA_SUFFIXES, kind_of, walk

    relative = not any(os.path.isabs(u.path) for u in named)
    known = {os.path.normpath(u.path) for u in named}
    wanted = filt.wanted if filt is not None else lambda _path: True
    found = []
    for root, _, names in walk(files.root, filt):
        for name in names:
            full = os.path.join(root, name)
            path = os.path.normpath(os.path.relpath(full) if relative else full)
            if not name.endswith(DATA_SUFFIXES) or path in known or not wanted(path):
                continue
            try:
                raw = files.read_bytes(path, keep=False)
            except (OSError, Refused):
                continue
            key = _stamp(path, raw, "candidate")
            if key in _SEEN:
                wanted_here = _SEEN[key]
            else:
                text = raw.decode("utf-8", errors="replace")
                # One that neither exports, imports nor nests can pair with nothing.
                found_here = bool(_CANDIDATE.search(text)) and kind_of(text) == m.CFN
                wanted_here = _remember(key, found_here)
            if wanted_here:
                found.append(path)
    return found


def forget() -> None:
    TREES.clear()
    SCANS.clear()


def _only(units: list[Unit]) -> frozenset[str] | None:
    if any(u.only is None for u in units):
        return None
    return frozenset().union(*(u.only for u in units))


def parameter_file(text: str) -> list[tuple[str, str]]:
    """Parameter values from a file, in the forms AWS tools write them: the CLI's
    `[{"ParameterKey": k, "ParameterValue": v}]`, CodePipeline's template configuration
    `{"Parameters": {k: v}}`, and `aws cloudformation deploy`'s `["k=v", ...]`.
    ValueError says what is wrong."""
    import json

    data = json.loads(text)
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        return [(str(k), _text(v)) for k, v in data["Parameters"].items()]
    if isinstance(data, list):
        out = []
        for item in data:
            if isinstance(item, dict) and "ParameterKey" in item:
                if "ParameterValue" in item:  # UsePreviousValue: not known here
                    out.append((str(item["ParameterKey"]), _text(item["ParameterValue"])))
            elif isinstance(item, str) and "=" in item:
                key, _, value = item.partition("=")
                out.append((key.strip(), value))
            else:
                raise ValueError(f"unexpected entry {str(item)[:40]!r}")
        return out
    raise ValueError(
        'expected [{"ParameterKey": ..., "ParameterValue": ...}] or {"Parameters": {...}}'
    )


def _text(v: Any) -> str:
    if isinstance(v, list):  # a list parameter, as CloudFormation takes it
        return ",".join(map(str, v))
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


# -- one unit of stacks -------------------------------------------------------------------


@dataclass
class Stack:
    """One template instance in the unit: a top-level stack or a nested one."""

    path: str
    tree: dict
    rs: Resolver
    parent: Stack | None = None
    # its nested stacks, by the logical id of their AWS::CloudFormation::Stack here
    children: dict[str, Stack] = field(default_factory=dict)
    assumed: tuple[str, ...] = ()  # that its TemplateURL names this template


class Stacks:
    """The `Link` between a unit's stacks."""

    def __init__(self, budget: Budget, given: dict[str, str]) -> None:
        self.budget = budget
        self.given = given  # --parameter and parameter files: for top-level stacks
        self.stacks: list[Stack] = []
        self.scans: list[Scan] = []  # the unit's templates: their exports answer first
        self.others: list[Scan] = []  # the run's other templates
        self.resolving: set[tuple[int, str]] = set()
        self.blind: list[tuple[str, Loc]] = []
        self.calls: dict[str, Loc] = {}  # nested stack prefix -> its resource in the parent

    def add(
        self,
        path: str,
        tree: dict,
        parent: Stack | None = None,
        lid: str = "",
        prefix: str = "",
        assumed: tuple[str, ...] = (),
    ) -> Stack:
        prefix = f"{parent.rs.prefix}{lid}/" if parent is not None else prefix
        given: dict[str, Callable[[], V | None]] = {}
        if parent is not None:
            props = parent.rs.resources[lid].get("Properties")
            params = props.get("Parameters") if isinstance(props, dict) else None
            for name, node in params.items() if isinstance(params, dict) else ():
                given[str(name)] = _thunk(parent.rs, node, mark(name, parent.path), assumed)
        else:
            given = given_facts(path, self.given)
        rs = Resolver(path, tree, self.budget, prefix, given, self)
        rs.nested = parent is not None
        if parent is not None:
            self.calls[prefix] = _declared(parent.rs, lid)
        stack = Stack(path, tree, rs, parent, assumed=assumed)
        self.stacks.append(stack)
        if parent is not None:
            parent.children[lid] = stack
        return stack

    def import_value(self, rs: Resolver, name: V, loc: Loc) -> V:
        wanted = shape(name) or "*"
        found, paths = find_export(wanted, self.scans)
        if found is None and not paths:
            found, paths = find_export(wanted, self.scans + self.others)
        if found is None and paths:
            bases = [os.path.basename(p) for p in paths]
            unique = len(set(bases)) == len(bases)
            names = ", ".join((bases if unique else paths)[:3])
            more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
            why = f"Fn::ImportValue {wanted} may be the export of {names}{more}: lint the stacks "
            return unknown(why + "that are deployed together on their own", loc)
        if found is None:
            return unknown(f"Fn::ImportValue {wanted}, which has no Export in this run", loc)
        scan, output, exact = found
        named = next((a for n, o, a in scan.exports if o == output), ())
        tops = [s for s in self.stacks if s.path == scan.path]
        if not tops:
            return unknown(f"Fn::ImportValue {wanted}: {scan.path} is checked apart", loc)
        assumed = name.assumed + named  # the export's name may rest on defaults too
        if not exact:
            assumed += (f"Fn::ImportValue {wanted} is the export of {os.path.basename(scan.path)}",)
        v = self._output(tops[0], output, loc)
        return relocate(v, loc, assumed)

    def output(self, rs: Resolver, stack: str, name: str, loc: Loc) -> V:
        me = next((s for s in self.stacks if s.rs is rs), None)
        child = me.children.get(stack) if me is not None else None
        if child is None:
            return unknown(
                f"Fn::GetAtt {stack}.Outputs.{name}: the nested template is not read", loc
            )
        return relocate(self._output(child, name, loc), loc, child.assumed)

    def _output(self, stack: Stack, name: str, loc: Loc) -> V:
        outputs = stack.tree.get("Outputs")
        body = outputs.get(name) if isinstance(outputs, dict) else None
        if not isinstance(body, dict) or "Value" not in body:
            return unknown(f"output {name} of {stack.path} is not defined", loc)
        key = (id(stack), name)
        if key in self.resolving:
            return unknown(f"output {name} of {stack.path} refers to itself", loc)
        self.resolving.add(key)
        try:
            v = stack.rs.value(body["Value"], mark(name, stack.path))
        finally:
            self.resolving.discard(key)
        return v if v is not None else unknown(f"output {name} is AWS::NoValue", loc)


def _thunk(rs: Resolver, node: Any, loc: Loc, assumed: tuple[str, ...]) -> Callable[[], V | None]:
    def passed() -> V | None:
        v = rs.value(node, loc)
        return assume(v, assumed) if v is not None else None

    return passed


def _declared(rs: Resolver, lid: str) -> Loc:
    """Where a template declares a resource: its key, which keeps the decoder's marks."""
    return mark(next((k for k in rs.resources if k == lid), lid), rs.path)


def load(
    unit: Unit, files: Files, budget: Budget, given: dict[str, str], cache: dict[str, Any] = TREES
) -> Loaded:
    """One unit of stacks as one Template; a member that cannot be read is FG000, and
    the others are still checked."""
    problems: list[ParseProblem] = []
    trees: dict[str, dict] = {}
    for path in unit.members:
        tree = cache.get(path)
        if tree is None:
            tree, found = read_tree(path, files)
            problems += found
        if is_template(tree):
            trees[path] = tree
    if not trees:
        return Loaded(None, problems)
    scans = [s for p in trees if (s := _scan(p, files, cache)) is not None]  # known: pair
    nested = {child for s in scans for child, _ in s.children.values()}
    tops = [p for p in trees if p not in nested] or list(trees)
    built = build_variants(
        [(p, trees[p]) for p in tops],
        given,
        lambda values, others, b: _assemble(trees, tops, scans, b, values, others),
    )
    return Loaded(_assemble(trees, tops, scans, budget, given, frozenset()), problems, built)


def _assemble(
    trees: dict[str, dict],
    tops: list[str],
    scans: list[Scan],
    budget: Budget,
    given: dict[str, str],
    others: frozenset[str],
) -> m.Template:
    link = Stacks(budget, given)
    link.scans = scans
    link.others = [s for p, s in SCANS.items() if p not in trees]
    todo = [link.add(p, trees[p], prefix=x) for p, x in _prefixes(tops, trees).items()]
    for stack in todo:
        stack.rs.others = others
    while todo:
        stack = todo.pop(0)
        scan = next((s for s in scans if s.path == stack.path), None)
        depth = stack.rs.prefix.count("/")
        for lid, (child, why) in scan.children.items() if scan else ():
            loc = _declared(stack.rs, lid)
            if child not in trees:
                continue
            if depth >= MAX_NESTING:
                link.blind.append((f"nested stack {stack.rs.rid(lid)} is nested too deeply", loc))
                continue
            if len(link.stacks) >= MAX_STACKS:
                what = f"nested stack {stack.rs.rid(lid)}: more than {MAX_STACKS} stacks in a unit"
                link.blind.append((what, loc))
                continue
            todo.append(link.add(child, trees[child], stack, lid, assumed=why))
    tpl = m.Template(kind=m.CFN, path=tops[0], files=tuple(trees))
    for stack in link.stacks:
        add_resources(tpl, stack.rs)
    spanned: set[str] = set()
    for stack in link.stacks:
        # A nested stack's outputs are read by its parent, here; a top-level stack's
        # may be imported by stacks outside the run.
        collect_exports(tpl, stack.rs, stack.tree, stack.parent is None, set(stack.children))
        if stack.path not in spanned:
            spanned.add(stack.path)
            collect_suppressions(tpl, stack.tree, stack.path)
    tpl.blind += link.blind
    tpl.calls.update(link.calls)
    attach_standalone_rules(tpl)
    return tpl


def _prefixes(tops: list[str], trees: dict[str, dict]) -> dict[str, str]:
    """Top-level stacks keep their logical ids unless one is taken by an earlier stack:
    then all of that stack's ids are named `file/Id` (nested ones `Parent/Id`)."""
    taken: set[str] = set()
    out = {}
    for path in tops:
        res = trees[path].get("Resources")
        mine = {str(k) for k in res} if isinstance(res, dict) else set()
        prefix, stem, n = "", os.path.basename(path).split(".")[0], 1
        while {prefix + k for k in mine} & taken:  # NetworkStack.template.json: NetworkStack
            prefix = f"{stem}/" if n == 1 else f"{stem}~{n}/"
            n += 1
        taken |= {prefix + k for k in mine}
        out[path] = prefix
    return out
