"""Which paths are CloudFormation, Terraform or task definitions: by content, not name."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from linter.config import PathFilter
from linter.files import Files, Refused, TooLarge
from linter.model import CFN, TASKDEF, TERRAFORM, TFPLAN
from linter.sources.tf_files import tf_files

SKIP_DIRS = {".git", ".terraform", "node_modules", "__pycache__"}
DATA_SUFFIXES = (".json", ".yaml", ".yml", ".template", ".cfn")
TF_SUFFIXES = (".tf", ".tf.json")  # Terraform's native and JSON syntax
REFUSED = "refused"  # a unit that is only a file we may not read, and why

_CFN_TYPE = re.compile(r"""["']?Type["']?\s*:\s*["']?(AWS|Custom|Alexa)::""")
_CFN_YAML = re.compile(r"^(Resources|AWSTemplateFormatVersion)\s*:", re.MULTILINE)
_CFN_JSON = re.compile(r'"(Resources|AWSTemplateFormatVersion)"\s*:')
_TASKDEF = re.compile(r'"containerDefinitions"\s*:')
_PLAN_FORMAT = re.compile(r'"format_version"\s*:')
_PLAN = re.compile(r'"(planned_values|resource_changes)"\s*:')


# A local module call's source (`source = "./modules/vpc"`); a light scan, not a parse.
_LOCAL_SOURCE = re.compile(r'(?m)^\s*source\s*=\s*"(\.\.?/[^"\n]*)"')


@dataclass(frozen=True)
class Unit:
    kind: str  # cloudformation / terraform / taskdef / refused, or "" for a named file to try
    path: str  # a file, or a Terraform directory
    only: frozenset[str] | None = None  # report findings only for these files
    why: str = ""  # for a refused file: what was not read and why
    severity: str = "info"  # of a refused file's finding
    members: tuple[str, ...] = ()  # CloudFormation templates checked together (stacks)


def walk(top: str, filt: PathFilter | None = None) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk in a stable order, past what is never ours: `.git`, `.terraform`, hidden
    directories, a CDK assembly's staged assets (copies of the app's own files) and
    what the configuration excludes."""
    for root, dirs, names in os.walk(top):
        assembly = "manifest.json" in names and "cdk.out" in names
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and not d.startswith(".")
            and not (assembly and d.startswith("asset."))
            and not (filt and filt.excluded(os.path.join(root, d), is_dir=True))
        )
        yield root, dirs, sorted(names)


def kind_of(text: str) -> str:
    """The kind a file's content looks like, or ""."""
    json_like = text.lstrip("\ufeff \t\r\n").startswith(("{", "["))
    # A plan first: its values may hold task definitions and templates of their own.
    if json_like and _PLAN_FORMAT.search(text) and _PLAN.search(text):
        return TFPLAN
    if json_like and _TASKDEF.search(text) and not _CFN_JSON.search(text):
        return TASKDEF
    if _CFN_TYPE.search(text) and (_CFN_YAML.search(text) or _CFN_JSON.search(text)):
        return CFN
    return ""


def classify(path: str, files: Files) -> Unit | None:
    """A data file's unit, judged on its whole content (a template may sit behind any
    amount of comments); a file we may not read is a refused unit; None: not ours."""
    try:
        # Not kept: most data files in a repository are not ours, and some are large.
        text = files.read_bytes(path, keep=False).decode("utf-8", errors="replace")
        return Unit(kind_of(text), path)
    except TooLarge as why:
        # Too large to check, but was it meant to be a template? Then say so, as an error.
        try:
            looks = kind_of(files.head(path).decode("utf-8", errors="replace"))
        except (OSError, Refused):
            looks = ""
        return Unit(REFUSED, path, why=f"not read: {why}", severity="error") if looks else None
    except Refused as why:
        return Unit(REFUSED, path, why=f"not read: {why}")
    except OSError:  # a dangling link, no permission: named, the reader will say so
        return Unit("", path)


def discover(
    paths: list[str], filt: PathFilter | None = None, files: Files | None = None
) -> list[Unit]:
    """Units to lint, in a stable order. Named files are always tried; walked ones
    only when they look like one of ours. `filt` (the configuration's exclude and
    include) applies to named and walked paths alike, so a pre-commit run honours it.
    Every file is read through `files`, so nothing outside the repository is."""
    files = files or Files.for_paths(paths)
    wanted = filt.wanted if filt is not None else lambda _path: True
    units: dict[tuple[str, str], Unit] = {}
    tf_only: dict[str, set[str] | None] = {}

    def add_tf(directory: str, file: str | None) -> None:
        if directory in tf_only and tf_only[directory] is None:
            return
        if file is None:
            tf_only[directory] = None
        else:
            tf_only.setdefault(directory, set()).add(file)

    for given in paths:
        path = os.path.normpath(given)
        if os.path.isdir(path):
            if filt is not None and filt.excluded(path, is_dir=True):
                continue
            for root, _, names in walk(path, filt):
                if any(f.endswith(TF_SUFFIXES) and wanted(os.path.join(root, f)) for f in names):
                    add_tf(os.path.normpath(root), None)
                for f in names:
                    if f.endswith(DATA_SUFFIXES) and not f.endswith(TF_SUFFIXES):
                        full = os.path.normpath(os.path.join(root, f))
                        unit = classify(full, files) if wanted(full) else None
                        if unit is not None and unit.kind:
                            units[(unit.kind, full)] = unit
        elif not wanted(path):
            continue
        elif path.endswith(TF_SUFFIXES):
            add_tf(os.path.dirname(path) or ".", path)
        elif path.endswith((".tfvars", ".tfvars.json")):  # values change findings anywhere
            add_tf(os.path.dirname(path) or ".", None)
        elif os.path.lexists(path):
            unit = classify(path, files) if path.endswith(DATA_SUFFIXES) else Unit("", path)
            if unit is not None and unit.kind == CFN:  # may pair with stacks not named
                unit = replace(unit, only=frozenset({path}))
            if unit is not None and (unit.kind or path.endswith(DATA_SUFFIXES)):
                units[(unit.kind, path)] = unit
        else:
            units[("missing", path)] = Unit("missing", path)
    for directory in _called_modules([d for d, only in tf_only.items() if only is None], files):
        del tf_only[directory]  # read as a module of its caller, with the caller's inputs
    named = [d for d, only in tf_only.items() if only is not None and not _is_root(d, files)]
    graphs: dict[bool, dict[str, set[str]]] = {}  # by whether paths are relative
    for directory in named:
        only, relative = tf_only[directory], not os.path.isabs(directory)
        if relative not in graphs:
            graphs[relative] = _repository_roots(files, relative)
        callers = graphs[relative].get(os.path.normpath(directory), set())
        for caller in sorted(callers):  # a module's file: checked with its callers' values
            for file in only or ():
                add_tf(caller, file)
        if callers:
            del tf_only[directory]
    for directory, only in tf_only.items():
        units[(TERRAFORM, directory)] = Unit(
            TERRAFORM, directory, frozenset(only) if only is not None else None
        )
    return sorted(units.values(), key=lambda u: (u.path, u.kind))


def _calls(directories: list[str], files: Files) -> dict[str, set[str]]:
    """Which of these Terraform directories each one calls as a local module."""
    known = set(directories)
    calls: dict[str, set[str]] = {}
    for directory in directories:
        found = set()
        for path in tf_files(directory):
            try:
                text = files.read_bytes(path, keep=False).decode("utf-8", errors="replace")
            except (OSError, Refused):
                continue
            for source in _LOCAL_SOURCE.findall(text):
                target = os.path.normpath(os.path.join(directory, source))
                if target in known and target != directory:
                    found.add(target)
        calls[directory] = found
    return calls


def _roots_of(calls: dict[str, set[str]]) -> dict[str, set[str]]:
    """For each directory some root reaches (a root: a directory nobody calls), those
    roots. A cycle that no root enters stays out: its directories are linted alone."""
    called = set().union(*calls.values()) if calls else set()
    reached: dict[str, set[str]] = {}
    for root in (d for d in calls if d not in called):
        todo, seen = [root], {root}
        while todo:
            for target in calls.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
                    reached.setdefault(target, set()).add(root)
    return reached


def _called_modules(directories: list[str], files: Files) -> set[str]:
    """The walked Terraform directories that another one calls as a local module (and
    that a directory nobody calls reaches): the caller evaluates them with its inputs."""
    if len(directories) < 2:
        return set()
    return set(_roots_of(_calls(directories, files)))


_BACKEND = re.compile(r'(?m)^\s*backend\s+"')  # only a root module has one


def _is_root(directory: str, files: Files) -> bool:
    """A directory with a backend block is a root module, nobody's module."""
    for path in tf_files(directory):
        try:
            if _BACKEND.search(files.read_bytes(path).decode("utf-8", errors="replace")):
                return True
        except (OSError, Refused):
            return True
    return False


def _repository_roots(files: Files, relative: bool) -> dict[str, set[str]]:
    """For every Terraform directory of the repository some root calls as a local module:
    those roots (pre-commit names a module's file, not its caller's). The repository is
    walked and read once, however many directories were named."""
    found = []
    for root, _, names in walk(files.root):
        if any(n.endswith(TF_SUFFIXES) for n in names):
            found.append(os.path.normpath(os.path.relpath(root) if relative else root))
    return _roots_of(_calls(found, files))
