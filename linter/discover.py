"""Which paths are CloudFormation, Terraform or task definitions: by content, not name."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from linter.config import PathFilter
from linter.model import CFN, TASKDEF, TERRAFORM

SKIP_DIRS = {".git", ".terraform", "node_modules", "__pycache__"}
DATA_SUFFIXES = (".json", ".yaml", ".yml", ".template", ".cfn")
SNIFF_BYTES = 256 * 1024
MAX_BYTES = 10 * 1024 * 1024  # CloudFormation itself accepts at most 1 MB

_CFN_TYPE = re.compile(r"""["']?Type["']?\s*:\s*["']?(AWS|Custom|Alexa)::""")
_CFN_YAML = re.compile(r"^(Resources|AWSTemplateFormatVersion)\s*:", re.MULTILINE)
_CFN_JSON = re.compile(r'"(Resources|AWSTemplateFormatVersion)"\s*:')
_TASKDEF = re.compile(r'"containerDefinitions"\s*:')


@dataclass(frozen=True)
class Unit:
    kind: str  # cloudformation / terraform / taskdef, or "" for a named file to try
    path: str  # a file, or a Terraform directory
    only: frozenset[str] | None = None  # report findings only for these files


def sniff(path: str) -> str:
    """The kind a file looks like from its first bytes, or ""."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""
    json_like = head.lstrip("\ufeff \t\r\n").startswith(("{", "["))
    if json_like and _TASKDEF.search(head) and not _CFN_JSON.search(head):
        return TASKDEF
    if _CFN_TYPE.search(head) and (_CFN_YAML.search(head) or _CFN_JSON.search(head)):
        return CFN
    return ""


def discover(paths: list[str], filt: PathFilter | None = None) -> list[Unit]:
    """Units to lint, in a stable order. Named files are always tried; walked ones
    only when they look like one of ours. `filt` (the configuration's exclude and
    include) applies to named and walked paths alike, so a pre-commit run honours it."""
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
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if d not in SKIP_DIRS
                    and not d.startswith(".")
                    and not (filt and filt.excluded(os.path.join(root, d), is_dir=True))
                )
                if any(f.endswith(".tf") and wanted(os.path.join(root, f)) for f in files):
                    add_tf(os.path.normpath(root), None)
                for f in sorted(files):
                    if f.endswith(DATA_SUFFIXES) and wanted(os.path.join(root, f)):
                        full = os.path.normpath(os.path.join(root, f))
                        kind = sniff(full)
                        if kind:
                            units[(kind, full)] = Unit(kind, full)
        elif not wanted(path):
            continue
        elif path.endswith(".tf"):
            add_tf(os.path.dirname(path) or ".", path)
        elif path.endswith(".tfvars"):  # values change findings anywhere in the directory
            add_tf(os.path.dirname(path) or ".", None)
        elif os.path.exists(path):
            kind = sniff(path) if path.endswith(DATA_SUFFIXES) else ""
            if kind or path.endswith(DATA_SUFFIXES):
                units[(kind, path)] = Unit(kind, path)
        else:
            units[("missing", path)] = Unit("missing", path)
    for directory, only in tf_only.items():
        units[(TERRAFORM, directory)] = Unit(
            TERRAFORM, directory, frozenset(only) if only is not None else None
        )
    return sorted(units.values(), key=lambda u: (u.path, u.kind))
