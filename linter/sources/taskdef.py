"""Raw ECS task-definition JSON: the register-task-definition input and the
describe-task-definition output (`{"taskDefinition": {...}}`)."""

from __future__ import annotations

import os
import re

from linter import model as m
from linter.files import Files
from linter.sources import Loaded, ParseProblem, read_tree
from linter.sources.cloudformation import decode, mark
from linter.sources.containers import containers, efs_volumes, key, unknown_why
from linter.values import Loc, Placeholder, V, rebuild

# Placeholders that deploy tooling fills in: <X>, {{X}}, ${X}, #{X}.
# No brace inside a placeholder: "{{{{..." is scanned once, not once per brace.
_PLACEHOLDER = re.compile(r"<[A-Za-z0-9_.\- ]+>|\{\{[^{}]*\}\}|\$\{[^{}]*\}|#\{[^{}]*\}")


def to_value(node, path: str, fallback: Loc) -> V:
    here = mark(node, path, fallback)
    if isinstance(node, dict):
        return V({str(k): to_value(v, path, mark(k, path, here)) for k, v in node.items()}, here)
    if isinstance(node, list):
        return V([to_value(x, path, here) for x in node], here)
    if isinstance(node, str) and _PLACEHOLDER.search(node):
        return V(Placeholder(f"placeholder {node}", text=node), here)
    return V(node if not isinstance(node, str) else str(node), here)


def json_value(text: str, path: str, first_line: int = 1, indent: int = 0) -> V | None:
    """JSON embedded in another file (a heredoc, a file() body) as located values.

    `first_line` is the file line of the text's first line; `indent` the columns
    stripped from each line (a `<<-` heredoc). None when the text is not JSON.
    """
    tree, problems = decode(path, text)
    if problems or tree is None:
        return None
    return _shift(to_value(tree, path, Loc(path, 1, 1)), first_line - 1, indent)


def _shift(v: V, lines: int, cols: int) -> V:
    def move(n: V) -> V:
        return V(n.value, Loc(n.loc.file, n.loc.line + lines, n.loc.column + cols), n.assumed)

    return rebuild(v, move)


def is_taskdef(tree) -> bool:
    if not isinstance(tree, dict):
        return False
    inner = tree.get("taskDefinition")
    if isinstance(inner, dict):
        tree = inner
    return isinstance(tree.get("containerDefinitions"), list)


def meant(tree) -> bool:
    """Whether a file that is no task definition was meant to be one: it says
    `containerDefinitions` (or wraps a `taskDefinition`) at the top."""
    return isinstance(tree, dict) and ("containerDefinitions" in tree or "taskDefinition" in tree)


def load(path: str, files: Files | None = None) -> Loaded:
    tree, problems = read_tree(path, files or Files.for_paths([path]))
    if problems:
        return Loaded(None, problems)
    return from_tree(path, tree)


def from_tree(path: str, tree) -> Loaded:
    if not is_taskdef(tree):
        return Loaded(None, [ParseProblem("no containerDefinitions list", Loc(path))])
    root = to_value(tree, path, Loc(path))
    if isinstance(root.get("taskDefinition"), V) and isinstance(
        root.get("taskDefinition").value, dict
    ):
        root = root.get("taskDefinition")
    family = root.get("family")
    # Without a family, the file names it (its base name: the same from any directory).
    name = family.value if family is not None and isinstance(family.value, str) else None
    name = name or os.path.basename(path)
    defs = key(root, "containerDefinitions")
    tpl = m.Template(kind=m.TASKDEF, path=path, files=(path,))
    tpl.add(
        m.TaskDefinition(
            name,
            Loc(path, 1, 1),  # the whole file is the task definition
            "taskDefinition",
            network_mode=root.get("networkMode"),
            compatibilities=root.get("requiresCompatibilities"),
            containers=containers(defs),
            containers_loc=defs.loc,
            containers_why=unknown_why(defs),
            os_family=root.get("runtimePlatform", "operatingSystemFamily"),
            task_role=root.get("taskRoleArn"),
            execution_role=root.get("executionRoleArn"),
            efs_volumes=efs_volumes(root.get("volumes")),
            ephemeral_storage=root.get("ephemeralStorage"),
            memory=root.get("memory"),
        )
    )
    return Loaded(tpl)
