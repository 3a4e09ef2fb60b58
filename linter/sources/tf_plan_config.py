"""Where a plan's resources are written: the `.tf` files beside the plan.

A finding on a plan is most use on the line a person edits. When the plan file sits
in the root module's directory (`terraform show -json plan.out > plan.json`), each
resource's values are relocated to its block there: an attribute to the attribute
that sets it, a nested block to the block when it is the only one of its kind,
anything else (provider defaults, computed values, a set of blocks the plan lists
in its own order) to the block's first line. Local
modules are followed through the configuration's `module_calls`; other values keep
their place in the plan.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from linter import model as m
from linter.files import Files
from linter.sources.hcl_eval import Evaluator, children, name_of
from linter.sources.terraform import MAX_BYTES, Block, parse_dir
from linter.sources.tf_files import tf_files
from linter.values import Loc, V, rebuild

_LOCAL = re.compile(r"^\.\.?(/|\\|$)")


@dataclass
class _Written:
    loc: Loc
    body: Any
    file: str


class ConfigLocations:
    """The resource blocks of the root module beside a plan, and its local modules."""

    def __init__(self, plan_path: str, files: Files, calls: dict[str, dict]):
        self.root = os.path.dirname(plan_path) or "."
        self.files = files
        self.calls = calls  # "module.a.module.b" -> its module_calls entry
        self.dirs: dict[str, str | None] = {"": self.root if tf_files(self.root) else None}
        self.blocks: dict[str, dict[str, _Written]] = {}

    def directory(self, path: str) -> str | None:
        """The directory of a module's configuration path, when it is a local module."""
        if path not in self.dirs:
            parent, _, _ = path.rpartition(".module.")
            parent = parent if path.count("module.") > 1 else ""
            source = self.calls.get(path, {}).get("source")
            base = self.directory(parent)
            ok = base is not None and isinstance(source, str) and _LOCAL.match(source)
            self.dirs[path] = os.path.normpath(os.path.join(base, source)) if ok else None
        return self.dirs[path]

    def written(self, path: str, local: str) -> _Written | None:
        directory = self.directory(path)
        if directory is None:
            return None
        if directory not in self.blocks:
            self.blocks[directory] = self._read(directory)
        return self.blocks[directory].get(local)

    def _read(self, directory: str) -> dict[str, _Written]:
        trees, _ = parse_dir(directory, self.files, [MAX_BYTES])
        ev = self.ev = Evaluator(directory, files=self.files)
        out = {}
        for path, tree in trees:
            for t in children(children(tree)[0]):
                if t.data != "block":
                    continue
                b = Block(t, path, ev)
                if b.kind == "resource" and len(b.labels) == 2:
                    out[".".join(b.labels)] = _Written(b.loc, b.body, path)
        return out

    def relocate(self, tpl: m.Template, path: str, local: str, p: V, loc: Loc) -> tuple[V, Loc]:
        """The resource's values and location as its `.tf` block writes them."""
        w = self.written(path, local)
        if w is None:
            return p, loc
        if w.file not in tpl.files:
            tpl.files += (w.file,)
            tpl.spans.append(m.Span(w.file, w.loc.line, w.loc.end_line or w.loc.line))
        return self._into(p, w.body, w.file, w.loc), w.loc

    def _into(self, v: V, body: Any, file: str, at: Loc) -> V:
        ev = self.ev
        if not isinstance(v.value, dict):
            return _moved(v, at)
        attrs, blocks = {}, {}
        for item in children(body):
            if getattr(item, "data", None) == "attribute":
                attrs[name_of(children(item)[0])] = ev.loc(children(item)[-1], file)
            elif getattr(item, "data", None) == "block":
                kids = children(item)
                inner = next(k for k in kids if getattr(k, "data", None) == "body")
                blocks.setdefault(name_of(kids[0]), []).append((ev.loc(item, file), inner))
        out = {}
        for key, x in v.value.items():
            if key in attrs:
                out[key] = _moved(x, attrs[key])
            elif (
                key in blocks
                and isinstance(x.value, list)
                and len(x.value) == len(blocks[key]) == 1
            ):
                # Only one: a plan lists set-typed blocks (NACL entries, SG rules) in its
                # own order, so two or more cannot be paired with what is written.
                items = [
                    self._into(item, inner, file, where)
                    for item, (where, inner) in zip(x.value, blocks[key], strict=True)
                ]
                out[key] = V(items, blocks[key][0][0], x.assumed)
            else:
                out[key] = _moved(x, at)
        return V(out, at, v.assumed)


def _moved(v: V, loc: Loc) -> V:
    return rebuild(v, lambda n: V(n.value, loc, n.assumed))
