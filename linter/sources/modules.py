"""Terraform module calls: where a module's code is, and its instances as nested units.

A call's arguments become the module's variables (evaluated in the caller, keeping
their locations and unknowns) and its `output`s flow back as `module.NAME.OUTPUT`.
Local sources (`./modules/vpc`) are read from the repository; registry and git
sources from where `terraform init` put them (`.terraform/modules/modules.json`).
A module we cannot read, or whose own `count` / `for_each` is unknown, is `Unknown`
with the reason, and the coverage report names it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from linter import model as m
from linter.files import Files, Refused
from linter.sources.hcl_eval import Scope, children, name_of
from linter.sources.tf_files import tf_files
from linter.values import V, ref_ids, unknown

if TYPE_CHECKING:
    from linter.sources.terraform import Block, Unit

MAX_DEPTH = 10  # modules within modules
MAX_INSTANCES = 200  # module instances in one root unit, all calls together
MANIFEST = os.path.join(".terraform", "modules", "modules.json")
# What a module block holds besides the module's variables.
META_ARGS = {"source", "version", "count", "for_each", "providers", "depends_on"}
_LOCAL = re.compile(r"^\.\.?(/|\\|$)")


@dataclass
class Session:
    """What the units of one root share: the reads, the downloaded modules, the limits,
    and the template they all build (calls, blind spots and uncertain types go there)."""

    root: str  # the root module's directory
    files: Files
    # parse a module directory: (trees by file, problems) — terraform.parse_dir
    parse_dir: Callable[[str], tuple[list[tuple[str, Any]], list]]
    tpl: m.Template
    instances: int = 0
    parsed: dict[str, tuple[list[tuple[str, Any]], list]] = field(default_factory=dict)
    problems: list = field(default_factory=list)  # local modules that do not parse: FG000
    _manifest: dict[str, str] | None = None

    def manifest(self) -> dict[str, str]:
        """Module key ("vpc", "ecs.service") -> its directory, from `terraform init`."""
        if self._manifest is None:
            self._manifest = {}
            path = os.path.join(self.root, MANIFEST)
            try:
                data = json.loads(self.files.read_bytes(path, keep=False))
            except (OSError, Refused, ValueError):
                return self._manifest
            entries = data.get("Modules") if isinstance(data, dict) else None
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                key, where = entry.get("Key"), entry.get("Dir")
                if isinstance(key, str) and isinstance(where, str) and key:
                    self._manifest[key] = os.path.normpath(os.path.join(self.root, where))
        return self._manifest

    def locate(self, source: str, caller: str, key: str) -> tuple[str | None, str]:
        """(directory, "") or (None, why it cannot be read)."""
        if _LOCAL.match(source):
            directory = os.path.normpath(os.path.join(caller, source))
            refused = self.files.refusal(directory)
            if refused:  # nothing outside the repository is even looked at
                return None, f"local module {source} is not read: {refused}"
            if not os.path.isdir(directory):
                return None, f"local module {source} is not in the repository"
            if not tf_files(directory):
                return None, f"local module {source} has no Terraform files"
            return directory, ""
        directory = self.manifest().get(key)
        refused = self.files.refusal(directory) if directory is not None else None
        if refused:
            return None, f"module {source} is not read where terraform init put it: {refused}"
        if directory is not None and os.path.isdir(directory):
            if not tf_files(directory):
                return None, f"{source} has no Terraform files where terraform init put it"
            return directory, ""
        kind = "registry module" if _registry(source) else "module"
        return None, f"{kind} {source} is not downloaded: run terraform init"

    def parse(self, directory: str) -> tuple[list[tuple[str, Any]], list]:
        if directory not in self.parsed:
            self.parsed[directory] = self.parse_dir(directory)
        return self.parsed[directory]


def _registry(source: str) -> bool:
    """`namespace/name/provider` (optionally behind a registry host), not git or a URL."""
    bare = source.split("//", 1)[0]
    return "::" not in bare and "://" not in bare and len(bare.split("/")) in (3, 4)


def call(unit: Unit, b: Block) -> V:
    """The value of `module.NAME`: an object of outputs, or a list / map of them for a
    call with count / for_each; its instances become child units of `unit`."""
    from linter.sources.terraform import count_scope, each_scope, meta_why

    name = b.labels[0]
    address = f"{unit.prefix}module.{name}"
    key = f"{unit.key}.{name}" if unit.key else name
    node = unit.meta_arg(b, "source")
    source = unit.eval_in(node, b.file, Scope()) if node is not None else None
    if source is None or not source.known or not isinstance(source.value, str):
        return _blind(unit, b, address, "its source is not known")
    if len(unit.chain) > MAX_DEPTH:  # the chain holds the root too
        return _blind(unit, b, address, f"modules nested more than {MAX_DEPTH} deep")
    directory, why = unit.session.locate(source.value, unit.directory, key)
    if directory is None:
        return _blind(unit, b, address, why)
    if directory in unit.chain:
        return _blind(unit, b, address, "the module calls itself")
    count_node, each_node = unit.meta_arg(b, "count"), unit.meta_arg(b, "for_each")
    if count_node is not None:
        n = unit.eval_in(count_node, b.file, Scope())
        count = unit.whole_count(n)
        if count is None:
            return _uncounted(unit, b, directory, address, meta_why("count", address, n))
        if count == 0:
            _dropped(unit, directory, n.assumed)
        items = [
            _instance(unit, b, directory, f"{address}[{i}]", key, count_scope(i, b.loc))
            for i in range(count)
        ]
        return V(items, b.loc, n.assumed)
    if each_node is not None:
        coll = unit.eval_in(each_node, b.file, Scope())
        pairs = unit.each_pairs(coll)
        if pairs is None:
            why = meta_why("for_each", address, coll)
            return _uncounted(unit, b, directory, address, why)
        if not pairs:
            _dropped(unit, directory, coll.assumed)
        out = {
            k: _instance(unit, b, directory, f'{address}["{k}"]', key, each_scope(k, v, b.loc))
            for k, v in pairs
        }
        return V(out, b.loc, coll.assumed)
    return _instance(unit, b, directory, address, key, Scope())


def _instance(unit: Unit, b: Block, directory: str, address: str, key: str, scope: Scope) -> V:
    """One instance: a child unit whose variables are the call's arguments."""
    session = unit.session
    session.instances += 1
    if session.instances > MAX_INSTANCES:
        return _blind(unit, b, address, f"more than {MAX_INSTANCES} module instances")
    trees, problems = session.parse(directory)
    if problems:
        if not _downloaded(directory):  # the repository's own code: its FG000 is ours
            found = [dataclasses.replace(p, severity="info") for p in problems]
            session.problems.extend(p for p in found if p not in session.problems)
        first = problems[0]
        # Named from the root, as reports name files: no local path reaches a message.
        where = f"{os.path.relpath(first.loc.file, unit.session.root)}:{first.loc.line}"
        where += f":{first.loc.column}"
        return _blind(unit, b, address, f"{first.message.removeprefix('not read: ')} ({where})")
    inputs: dict[str, Callable[[], V]] = {
        arg: lambda node=node: unit.eval_in(node, b.file, scope) for arg, node in _arguments(b)
    }
    session.tpl.calls[f"{address}."] = b.loc
    child = unit.child(directory, trees, f"{address}.", key, inputs)
    return child.outputs_value(b.loc)


def _types(unit: Unit, directory: str) -> set[str]:
    """The resource types a module directory may create (any, if it calls a module)."""
    from linter.sources.terraform import _BUILDERS

    trees, _ = unit.session.parse(directory)
    out = set()
    for _, tree in trees:
        for t in children(children(tree)[0]):
            kids = children(t) if t.data == "block" else []
            if len(kids) > 2 and name_of(kids[0]) == "resource":
                out.add(name_of(kids[1]))
            elif kids and name_of(kids[0]) == "module":  # its own modules: anything
                out.update(_BUILDERS)
    return out


def _uncounted(unit: Unit, b: Block, directory: str, address: str, why: str) -> V:
    """A module whose instances cannot be counted: absence of what it creates is unknown."""
    for t in _types(unit, directory):
        unit.session.tpl.uncount(t, why, b.loc)
    return _blind(unit, b, address, why)


def _dropped(unit: Unit, directory: str, assumed: tuple[str, ...]) -> None:
    """A module left out by count = 0 or an empty for_each: what it would have created
    is absent only as surely as the values that left it out (Template.dropped)."""
    for t in _types(unit, directory) if assumed else ():
        unit.session.tpl.drop(t, assumed)


def _arguments(b: Block) -> list[tuple[str, Any]]:
    """A module call's arguments (the module's variables): name and expression."""
    out = []
    for item in children(b.body):
        if item.data == "attribute" and name_of(children(item)[0]) not in META_ARGS:
            out.append((name_of(children(item)[0]), children(item)[-1]))
    return out


def _downloaded(directory: str) -> bool:
    return ".terraform" in directory.split(os.sep)


def _blind(unit: Unit, b: Block, address: str, why: str) -> V:
    """A module we cannot see into: the coverage report says why, and whatever the call
    hands it (a VPC id, route tables) may be extended by it."""
    tpl = unit.session.tpl
    tpl.blind.append((f"{address} was not read: {why}", b.loc))
    for _, node in _arguments(b):
        for rid in ref_ids(unit.eval_in(node, b.file, Scope())):
            tpl.exported.add(rid)
            tpl.handed.setdefault(rid, address)
    return unknown(f"output of {address}, which was not read ({why})", b.loc)
