"""Configuration: `[tool.fargate-lint]` in pyproject.toml, or a `.fargate-lint.toml`,
found from the working directory upwards (or named with --config), validated against
a JSON schema. Flags on the command line override the file.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from typing import Any

from linter.findings import SEVERITIES

DEDICATED = ".fargate-lint.toml"  # keys at the top level
PYPROJECT = "pyproject.toml"  # keys under [tool.fargate-lint]
FAIL_ON = (*SEVERITIES, "never")

_SELECTORS = {"type": "array", "items": {"type": "string", "pattern": "^[Ff][Gg][0-9]{0,3}$"}}
_GLOBS = {"type": "array", "items": {"type": "string", "minLength": 1}}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "select": _SELECTORS,
        "ignore": _SELECTORS,
        "severity": {
            "type": "object",
            "propertyNames": {"pattern": "^FG[0-9]{3}$"},
            "additionalProperties": {"enum": list(SEVERITIES)},
        },
        "fail-on": {"enum": list(FAIL_ON)},
        "exclude": _GLOBS,
        "include": _GLOBS,
    },
}


class ConfigError(Exception):
    """A configuration that cannot be used; the CLI prints it and exits 2."""


@dataclass
class Config:
    select: list[str] | None = None  # None: every rule
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "warning"
    exclude: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    root: str = "."  # the directory exclude and include patterns are relative to
    source: str | None = None  # the file it was read from


def find(start: str) -> tuple[str, dict[str, Any]] | None:
    """The nearest .fargate-lint.toml, or pyproject.toml with a [tool.fargate-lint]
    table, in `start` or a directory above it, with the table it holds."""
    here = os.path.abspath(start)
    while True:
        dedicated = os.path.join(here, DEDICATED)
        if os.path.isfile(dedicated):
            return dedicated, _parse(dedicated, _bytes(dedicated))
        pyproject = os.path.join(here, PYPROJECT)
        if os.path.isfile(pyproject):
            raw = _bytes(pyproject)
            # Most pyprojects are not ours: parse only those that mention us.
            table = _table(pyproject, _parse(pyproject, raw)) if b"fargate-lint" in raw else None
            if table is not None:
                return pyproject, table
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _parse(path: str, raw: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _table(path: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """A pyproject's [tool.fargate-lint] table (None without one); a dedicated file whole."""
    if os.path.basename(path) == PYPROJECT:
        return data.get("tool", {}).get("fargate-lint")
    return data


def load(explicit: str | None = None, cwd: str = ".") -> Config:
    """The configuration in force: the file named, the one found, or the defaults."""
    if explicit:
        table = _table(explicit, _parse(explicit, _bytes(explicit)))
        if table is None:
            raise ConfigError(f"{explicit}: no [tool.fargate-lint] table")
        found: tuple[str, dict[str, Any]] | None = (explicit, table)
    else:
        found = find(cwd)
    if found is None:
        return Config()
    path, data = found
    validate(data, path)
    return Config(
        select=_upper(data["select"]) if "select" in data else None,
        ignore=_upper(data.get("ignore", [])),
        severity=dict(data.get("severity", {})),
        fail_on=data.get("fail-on", "warning"),
        exclude=list(data.get("exclude", [])),
        include=list(data.get("include", [])),
        root=os.path.dirname(os.path.abspath(path)),
        source=path,
    )


def _upper(ids: list[str]) -> list[str]:
    return [i.upper() for i in ids]


def validate(data: dict[str, Any], path: str) -> None:
    """Schema errors, then rule ids that name no rule; the first problem is raised."""
    from jsonschema import Draft202012Validator

    errors = sorted(
        Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path)
    )
    if errors:
        e = errors[0]
        where = ".".join(str(p) for p in e.absolute_path)
        message = e.message
        if e.validator == "additionalProperties" and not e.absolute_path:
            unknown = sorted(set(data) - set(SCHEMA["properties"]))
            close = difflib.get_close_matches(unknown[0], SCHEMA["properties"], n=1)
            message = f"unknown key {unknown[0]!r}" + (
                f" (did you mean {close[0]!r}?)" if close else ""
            )
        raise ConfigError(f"{path}: {where + ': ' if where else ''}{message}")
    from linter.rules import RULES

    for key in ("select", "ignore"):
        check_selectors(data.get(key, []), f"{path}: {key}")
    for rule in data.get("severity", {}):
        if rule not in RULES:
            raise ConfigError(f"{path}: severity: {rule!r} is not a rule")


def check_selectors(selectors: list[str], where: str) -> None:
    """Every rule id or prefix must select some rule: a typo would silently select none."""
    from linter.rules import RULES

    for selector in selectors:
        if not any(rid.startswith(selector.upper()) for rid in RULES):
            raise ConfigError(f"{where}: {selector!r} matches no rule")


def selected(select: list[str] | None, ignore: list[str]) -> dict:
    """The rule table narrowed by select and ignore (ids or prefixes such as FG05)."""
    from linter.rules import RULES

    return {
        rid: mod
        for rid, mod in RULES.items()
        if (not select or any(rid.startswith(s) for s in select))
        and not any(rid.startswith(i) for i in ignore)
    }


class PathFilter:
    """`exclude` and `include` as gitignore-style patterns, relative to the
    configuration's directory. Paths outside it match only name patterns."""

    def __init__(self, config: Config):
        self.root = config.root
        self.exclude = _spec(config.exclude)
        self.include = _spec(config.include)

    def _rel(self, path: str, is_dir: bool) -> str:
        rel = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        if rel.startswith("../") or rel == "..":
            rel = os.path.basename(os.path.abspath(path))
        return rel + "/" if is_dir and rel != "." else rel

    def excluded(self, path: str, is_dir: bool = False) -> bool:
        return self.exclude is not None and self.exclude.match_file(self._rel(path, is_dir))

    def included(self, path: str) -> bool:
        return self.include is None or self.include.match_file(self._rel(path, False))

    def wanted(self, path: str) -> bool:
        """Whether to read a file."""
        return self.included(path) and not self.excluded(path)

    def wanted_finding(self, path: str) -> bool:
        """Whether to report a finding in a file: `include` only chooses what is read,
        and a Terraform directory counts whole even when one of its files matched."""
        return not self.excluded(path)


def _spec(patterns: list[str]) -> Any:
    if not patterns:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)
