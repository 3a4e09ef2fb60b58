"""HCL text into python-hcl2's lark parse tree, with newlines as Terraform treats them.

HCL ignores newlines inside parentheses, brackets and interpolations; only inside
braces (blocks, objects) do they separate items. python-hcl2 8.1.4's grammar only
allows them in some places there, so valid Terraform such as

    type = map(object
      ({ port = number }))

is a syntax error to it. Dropping the newline (and comment) tokens inside `(`, `[`
and `${` before they reach the parser makes it read what Terraform reads. The
grammar and the parse tables are python-hcl2's own (its cache file is reused: the
post-lexer is not part of lark's cache key).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

_IGNORING = {"LPAR": True, "LSQB": True, "INTERP_START": True, "DIRECTIVE_START": True}
_KEEPING = {"LBRACE": False}
_CLOSERS = {"RPAR", "RSQB", "RBRACE"}


@functools.cache
def _parser() -> Any:
    from hcl2 import parser as hcl2_parser
    from hcl2.postlexer import PostLexer
    from lark import Lark, Token

    class TerraformNewlines(PostLexer):
        def process(self, stream: Iterator[Token]) -> Iterator[Token]:
            yield from super().process(self._drop_nested_newlines(stream))

        @staticmethod
        def _drop_nested_newlines(stream: Iterator[Token]) -> Iterator[Token]:
            ignoring: list[bool] = []
            for token in stream:
                kind = token.type
                if kind == "NL_OR_COMMENT" and ignoring and ignoring[-1]:
                    continue
                if kind in _IGNORING:
                    ignoring.append(True)
                elif kind in _KEEPING:
                    ignoring.append(False)
                elif kind in _CLOSERS and ignoring:
                    ignoring.pop()
                yield token

    return Lark.open(
        "hcl2.lark",
        parser="lalr",
        cache=str(hcl2_parser.PARSER_FILE),
        rel_to=hcl2_parser.__file__,
        propagate_positions=True,
        postlex=TerraformNewlines(),
    )


def parse_hcl(text: str) -> Any:
    """The parse tree of HCL text; lark's exceptions on a syntax error."""
    # The trailing newline: python-hcl2's grammar needs one to end the last attribute.
    return _parser().parse(text + "\n")
