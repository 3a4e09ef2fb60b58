"""Our HCL parse differs from python-hcl2's only where Terraform ignores newlines."""

from __future__ import annotations

import pathlib

import pytest
from conftest import FIXTURES
from lark import Token, Tree

from linter.sources.hcl_parse import parse_hcl


def _shape(t):
    """A parse tree without newline/comment nodes, tokens with their positions."""
    if isinstance(t, Token):
        if t.type == "NL_OR_COMMENT":
            return None
        # python-hcl2 folds a newline before `?` or `+` into the operator token.
        return (t.type, str(t).lstrip("\n \t"), t.line, t.column)
    if t.data == "new_line_or_comment":
        return None
    kids = tuple(s for s in map(_shape, t.children) if s is not None)
    return (t.data, getattr(t.meta, "line", None), getattr(t.meta, "column", None), kids)


def _compare(files: list[pathlib.Path]) -> tuple[int, list[str]]:
    """How many files python-hcl2 parses, and those of them we parse differently."""
    from hcl2.api import parses_to_tree

    compared, differ = 0, []
    for f in files:
        text = f.read_text(encoding="utf-8-sig", errors="replace")
        try:
            theirs = _shape(parses_to_tree(text))
        except Exception:  # lark raises several kinds; such files are covered elsewhere
            continue
        compared += 1
        if _shape(parse_hcl(text)) != theirs:
            differ.append(str(f))
    return compared, differ


def test_fixture_trees_match_python_hcl2() -> None:
    compared, differ = _compare(sorted(FIXTURES.rglob("*.tf")))
    assert compared > 30 and differ == []


def test_corpus_trees_match_python_hcl2(corpus) -> None:
    compared, differ = _compare(sorted(corpus.rglob("*.tf")))
    assert compared > 100 and differ == []


@pytest.mark.parametrize(
    "text",
    [
        "x = map(object\n  ({ a = string }))",
        "x = [1\n  -1]",
        "x = f(\n  # a comment\n  1,\n  2\n)",
        "x = (a\n  ? b\n  : c)",
    ],
)
def test_newlines_inside_brackets_parse(text: str) -> None:
    assert isinstance(parse_hcl(text), Tree)
