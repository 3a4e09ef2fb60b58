"""Readers: one per format, each turning a unit of files into a `Template`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linter.files import Files, Refused
from linter.model import Template
from linter.values import Loc

# CloudFormation takes a template of at most 1 MB (from S3), ECS a task definition of at
# most 64 KiB: a larger file cannot deploy, and would take cfn-lint's decoder minutes.
MAX_TEMPLATE_CHARS = 1024 * 1024


@dataclass(frozen=True)
class ParseProblem:
    """Input a reader could not make sense of; reported as FG000."""

    message: str
    loc: Loc
    syntax: bool = True  # False: the file could not be read at all (bytes, emptiness)
    severity: str = "error"  # "info" for a file not read because it may not be


@dataclass(frozen=True)
class Given:
    """Values from the command line: Terraform's for every root in the run, `--var-file`
    (path, text) and `--var NAME=VALUE` in the order given; CloudFormation parameters."""

    var_files: tuple[tuple[str, str], ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    # CloudFormation parameter values (--parameter, --parameter-file), for every template
    # that declares the parameter and is not nested in another of the run
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass
class Loaded:
    template: Template | None
    problems: list[ParseProblem] = field(default_factory=list)
    # one template per way undecided CloudFormation conditions may go (cfn_conditions)
    variants: list[tuple[Any, Template]] = field(default_factory=list)


def read_text(path: str, files: Files) -> tuple[str | None, ParseProblem | None]:
    """Read a file as UTF-8 (BOM allowed); a clear problem instead of an exception."""
    try:
        data = files.read_bytes(path)
    except Refused as why:
        return None, ParseProblem(f"not read: {why}", Loc(path), syntax=False, severity="info")
    except OSError as exc:
        return None, ParseProblem(f"cannot read file: {exc.strerror}", Loc(path), syntax=False)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, ParseProblem(
            f"file is not valid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
            Loc(path, line, column),
            syntax=False,
        )
    return text, None


def read_tree(path: str, files: Files) -> tuple[Any, list[ParseProblem]]:
    """A YAML or JSON file decoded with cfn-lint (marks kept), or the problems."""
    text, problem = read_text(path, files)
    if problem:
        return None, [problem]
    if not text.strip():
        return None, [ParseProblem("file is empty", Loc(path), syntax=False)]
    if len(text) > MAX_TEMPLATE_CHARS:
        kib = len(text.encode("utf-8", "surrogatepass")) // 1024
        why = f"file is too large to deploy ({kib:,} KiB; CloudFormation takes at most 1 MB)"
        return None, [ParseProblem(why, Loc(path), syntax=False)]
    from linter.sources.cloudformation import decode

    return decode(path, text)
