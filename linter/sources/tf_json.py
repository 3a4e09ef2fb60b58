"""Terraform's JSON syntax (`*.tf.json`) into the parse tree python-hcl2 gives the same
configuration written in HCL, so `terraform.load` and the evaluator read both alike.

https://developer.hashicorp.com/terraform/language/syntax/json: top-level properties
are block types, one nested object per label, arrays where several blocks share a
level; `"//"` properties of a block body are comments. A JSON string is a string
template (one lone `${...}` is its expression, not a string), except where Terraform
takes it literally (variable defaults, module sources, the terraform block).

Without the provider schema a nested object cannot be told from a nested block: it
becomes an object expression (an array, a tuple), which the resource builders read
either way. Every node keeps its position in the JSON text (1-based lines and
columns, as lark gives them), so findings point at the property that holds a value.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lark import Token, Tree
from lark.tree import Meta

MAX_NESTING = 200  # deeper JSON is refused rather than overflowing the stack
MAX_NUMBER = 100  # digits; longer numbers are unknown (int() refuses 4,300+ digits)
MAX_TEMPLATE = 100_000  # characters; a longer template (not a literal string) is unknown

# Labels per top-level block type read here; others (moved, import, check) nothing reads.
_LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
}
# Arguments Terraform takes as literal JSON, never as templates, per block type.
_LITERAL = {
    "variable": {"default", "description"},
    "output": {"description", "sensitive"},
    "module": {"source", "version", "providers"},
    "provider": {"alias", "version"},
}
# Meta-arguments whose strings are references (`"aws_vpc.main"`), not templates.
_REFERENCES = {
    "resource": {"depends_on", "provider"},
    "data": {"depends_on", "provider"},
    "module": {"depends_on"},
    "output": {"depends_on"},
}
# Block kinds whose nested objects may be nested blocks, where "//" is a comment.
_NESTED_BLOCKS = {"resource", "data", "provider"}

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_INT = re.compile(r"-?[0-9]+")
_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HCL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class TfJsonError(ValueError):
    """Invalid JSON, or JSON that is not a Terraform configuration; 1-based position."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass
class J:
    """A JSON value and its span [start, end) in the text.

    `value`: an object's (key, value) pairs in order, an array's items, a string's
    decoded text, a number's text. `offsets`: for a string with escapes, the text
    offset of each decoded character and then of the closing quote.
    """

    kind: str  # object, array, string, number, true, false, null
    start: int
    end: int
    value: Any = None
    offsets: array | None = None

    def at(self, i: int) -> int:
        """The text offset of decoded character i of a string (i == len: its closing quote)."""
        return self.offsets[i] if self.offsets is not None else self.start + 1 + i


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def parse_tf_json(text: str, path: str) -> Tree:
    """The HCL parse tree of a `.tf.json` document; TfJsonError when it is not one."""
    lines = _Lines(text)
    root = _Scanner(text, lines).document()
    return _Builder(lines).start(root)


# -- JSON with positions -------------------------------------------------------------------


class _Scanner:
    """A strict JSON (RFC 8259) reader that keeps spans and refuses duplicate keys."""

    def __init__(self, text: str, lines: _Lines) -> None:
        self.text = text
        self.lines = lines
        self.i = 0

    def fail(self, message: str, at: int | None = None) -> None:
        line, column = self.lines.pos(self.i if at is None else at)
        raise TfJsonError(f"JSON syntax error: {message}", line, column)

    def skip(self) -> str:
        """Skip whitespace; the next character, or "" at the end."""
        self.i = _WS.match(self.text, self.i).end()
        return self.text[self.i : self.i + 1]

    def document(self) -> J:
        value = self.value(0)
        if self.skip():
            self.fail("unexpected text after the top-level value")
        return value

    def value(self, depth: int) -> J:
        c = self.skip()
        if depth > MAX_NESTING:
            self.fail("nested too deeply")
        if c == "{":
            return self.object(depth)
        if c == "[":
            return self.array(depth)
        if c == '"':
            return self.string()
        start = self.i
        for word in ("true", "false", "null"):
            if self.text.startswith(word, start):
                self.i = start + len(word)
                return J(word, start, self.i)
        number = _NUMBER.match(self.text, start)
        if number and number.end() > start:
            self.i = number.end()
            return J("number", start, self.i, number.group())
        self.fail(f"unexpected {c!r}, expected a value" if c else "expected a value, found the end")
        raise AssertionError  # fail() raised

    def object(self, depth: int) -> J:
        start = self.i
        self.i += 1
        pairs: list[tuple[J, J]] = []
        seen: dict[str, int] = {}
        if self.skip() == "}":
            self.i += 1
            return J("object", start, self.i, pairs)
        while True:
            if self.skip() != '"':
                self.fail("expected a property name in double quotes")
            key = self.string()
            if key.value in seen and key.value != "//":
                first = self.lines.pos(seen[key.value])[0]
                self.fail(f'duplicate property "{key.value}" (first on line {first})', key.start)
            seen[key.value] = key.start
            if self.skip() != ":":
                self.fail("expected ':' after the property name")
            self.i += 1
            pairs.append((key, self.value(depth + 1)))
            c = self.skip()
            self.i += 1
            if c == "}":
                return J("object", start, self.i, pairs)
            if c != ",":
                self.fail("expected ',' or '}' after a property", self.i - 1)

    def array(self, depth: int) -> J:
        start = self.i
        self.i += 1
        items: list[J] = []
        if self.skip() == "]":
            self.i += 1
            return J("array", start, self.i, items)
        while True:
            items.append(self.value(depth + 1))
            c = self.skip()
            self.i += 1
            if c == "]":
                return J("array", start, self.i, items)
            if c != ",":
                self.fail("expected ',' or ']' after an array element", self.i - 1)

    def string(self) -> J:
        text, start = self.text, self.i
        i = _PLAIN.match(text, start + 1).end()
        if text[i : i + 1] == '"':  # no escapes: the usual case
            self.i = i + 1
            return J("string", start, self.i, text[start + 1 : i])
        chars: list[str] = []
        offsets = array("q")  # 8 bytes an entry: a hostile file may be one 10 MB string
        i = start + 1
        while True:
            j = _PLAIN.match(text, i).end()
            chars.append(text[i:j])
            offsets.extend(range(i, j))
            i = j
            c = text[i : i + 1]
            if c == '"':
                break
            if c == "":
                self.fail("unterminated string", start)
            if c != "\\":
                self.fail("control character in a string (escape it)", i)
            char, after = self.escape(i)
            chars.append(char)
            offsets.append(i)
            i = after
        offsets.append(i)
        self.i = i + 1
        return J("string", start, self.i, "".join(chars), offsets)

    def escape(self, i: int) -> tuple[str, int]:
        """The character a backslash escape at i stands for, and where the next begins."""
        mark = self.text[i + 1 : i + 2]
        if mark in _ESCAPES:
            return _ESCAPES[mark], i + 2
        if mark != "u":
            self.fail(f"invalid escape \\{mark}", i)
        code = self.hex4(i)
        if 0xD800 <= code < 0xDC00 and self.text.startswith("\\u", i + 6):
            low = self.hex4(i + 6)
            if 0xDC00 <= low < 0xE000:
                return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), i + 12
        if 0xD800 <= code < 0xE000:
            return "\ufffd", i + 6  # a lone surrogate: what Terraform's decoder makes of it
        return chr(code), i + 6

    def hex4(self, i: int) -> int:
        digits = self.text[i + 2 : i + 6]
        if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
            self.fail("invalid \\u escape", i)
        return int(digits, 16)


# -- the HCL tree ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, lines: _Lines) -> None:
        self.lines = lines

    # positions

    def place(self, meta: Meta, start: int, end: int) -> Meta:
        meta.empty = False
        meta.line, meta.column = self.lines.pos(start)
        meta.end_line, meta.end_column = self.lines.pos(end)
        meta.start_pos, meta.end_pos = start, end
        return meta

    def tree(self, data: str, kids: list[Any], start: int, end: int) -> Tree:
        return Tree(data, kids, self.place(Meta(), start, end))

    def token(self, kind: str, value: str, start: int, end: int) -> Token:
        line, column = self.lines.pos(start)
        end_line, end_column = self.lines.pos(end)
        return Token(kind, value, start, line, column, end_line, end_column, end)

    def fail(self, message: str, at: J) -> None:
        raise TfJsonError(f"Terraform JSON: {message}", *self.lines.pos(at.start))

    # blocks

    def start(self, root: J) -> Tree:
        if root.kind != "object":
            self.fail("the top level must be an object of block types", root)
        blocks = []
        for key, value in root.value:
            labels = _LABELS.get(key.value)
            if labels is not None:
                blocks += self.blocks(key, value, labels, key.value)
        body = self.tree("body", blocks, root.start, root.end)
        return self.tree("start", [body], root.start, root.end)

    def blocks(self, kind: J, value: J, labels: int, mode: str) -> list[Tree]:
        """The blocks a block-type property holds: a block per body found below its labels."""
        out = []
        for label_keys, head, body in self.bodies(kind, value, labels, [], kind.start):
            kids = [self.identifier(kind), *(self.label(k) for k in label_keys)]
            kids.append(self.body(body, mode))
            out.append(self.tree("block", kids, head, body.end))
        return out

    def bodies(
        self, kind: J, value: J, labels: int, keys: list[J], head: int
    ) -> Iterator[tuple[list[J], int, J]]:
        """(label keys, where the block starts, body) for each block; an array at any
        level holds several."""
        if value.kind == "array":
            for item in value.value:
                yield from self.bodies(kind, item, labels, keys, item.start)
            return
        if value.kind != "object":
            what = "a label" if labels else "a block body"
            self.fail(f'"{kind.value}" needs an object (or an array of them) for {what}', value)
        if not labels:
            yield keys, head, value
            return
        for key, inner in value.value:
            if key.value != "//":
                yield from self.bodies(kind, inner, labels - 1, [*keys, key], key.start)

    def body(self, obj: J, mode: str) -> Tree:
        items, dynamic = [], []
        for key, value in obj.value:
            name = key.value
            if name == "//":
                continue
            if name == "dynamic" and mode in _NESTED_BLOCKS:
                # Known to be blocks; after the attributes, so they win over a static block.
                dynamic += self.blocks(key, value, 1, "dynamic")
                continue
            expr = self.argument(mode, name, value)
            attr = self.tree("attribute", [self.identifier(key), expr], key.start, value.end)
            items.append(attr)
        return self.tree("body", items + dynamic, obj.start, obj.end)

    def argument(self, mode: str, name: str, value: J) -> Tree:
        if mode == "terraform" or name in _LITERAL.get(mode, ()):
            return self.literal(value)
        if mode == "variable" and name == "type" and value.kind == "string":
            return self.code(value)
        if name in _REFERENCES.get(mode, ()):
            if value.kind == "string":
                return self.code(value)
            if value.kind == "array":
                items = [self.code(x) if x.kind == "string" else self.expr(x) for x in value.value]
                return self.wrap("tuple", items, value)
        return self.expr(value, comments=mode in _NESTED_BLOCKS)

    def identifier(self, key: J) -> Tree:
        name = self.token("NAME", key.value, key.start, key.end)
        return self.tree("identifier", [name], key.start, key.end)

    def label(self, key: J) -> Tree:
        # Block labels are read by name_of(), which takes the characters as they are.
        chars = self.token("STRING_CHARS", key.value, key.start + 1, key.end - 1)
        part = self.tree("string_part", [chars], key.start + 1, key.end - 1)
        return self.tree("string", [part] if key.value else [], key.start, key.end)

    # expressions

    def wrap(self, data: str, kids: list[Any], at: J) -> Tree:
        return self.tree("expr_term", [self.tree(data, kids, at.start, at.end)], at.start, at.end)

    def expr(self, value: J, comments: bool = False) -> Tree:
        """A JSON value as an expression; `comments`: "//" keys are comments, not keys."""
        kind = value.kind
        if kind == "string":
            return self.template(value)
        if kind == "array":
            return self.wrap("tuple", [self.expr(x, comments) for x in value.value], value)
        if kind == "object":
            elems, dynamic = [], []
            for k, v in value.value:
                if comments and k.value == "//":
                    continue
                if comments and k.value == "dynamic":
                    found = self.dynamic(k, v)
                    if found is not None:
                        dynamic += found
                        continue
                key = self.template(k, lone=False)
                elems.append(self.element(key, self.expr(v, comments), k, v))
            return self.wrap("object", elems + dynamic, value)
        return self.scalar(value)

    def dynamic(self, key: J, value: J) -> list[Tree] | None:
        """`dynamic` blocks inside what may be a nested block: each block type they make
        is unknown (placed last, so it wins over a static block of the same type)."""
        try:
            found = list(self.bodies(key, value, 1, [], key.start))
        except TfJsonError:  # not shaped like dynamic blocks: an ordinary key
            return None
        out = []
        for labels, _, body in found:
            unknown = self.unparsed(body, "dynamic_block")
            out.append(self.element(self.string(labels[0]), unknown, labels[0], body))
        return out

    def literal(self, value: J) -> Tree:
        """A JSON value taken literally: strings are not templates."""
        if value.kind == "string":
            return self.string(value)
        if value.kind == "array":
            return self.wrap("tuple", [self.literal(x) for x in value.value], value)
        if value.kind == "object":
            elems = [self.element(self.string(k), self.literal(v), k, v) for k, v in value.value]
            return self.wrap("object", elems, value)
        return self.scalar(value)

    def element(self, key: Tree, value: Tree, k: J, v: J) -> Tree:
        key_node = self.tree("object_elem_key", [key], k.start, k.end)
        return self.tree("object_elem", [key_node, value], k.start, v.end)

    def scalar(self, value: J) -> Tree:
        if value.kind == "number":
            if len(value.value) > MAX_NUMBER:
                return self.unparsed(value)
            data, kind = ("int_lit", "INT_LITERAL")
            if not _INT.fullmatch(value.value):
                data, kind = ("float_lit", "FLOAT_LITERAL")
            tok = self.token(kind, value.value, value.start, value.end)
            return self.wrap(data, [tok], value)
        tok = self.token(value.kind.upper(), value.kind, value.start, value.end)
        return self.wrap("literal_value", [tok], value)

    def string(self, value: J) -> Tree:
        """A literal string: one STRING_CHARS part, escaped as the evaluator unescapes it."""
        s = value.value
        parts = []
        if s:
            escaped = "".join(_HCL_ESCAPES.get(c) or _control(c) for c in s)
            tok = self.token("STRING_CHARS", escaped, value.start + 1, value.end - 1)
            parts.append(self.tree("string_part", [tok], value.start + 1, value.end - 1))
        return self.wrap("string", parts, value)

    def unparsed(self, value: J, what: str = "unparsed_template") -> Tree:
        # The evaluator has no handler for it: the value is unknown, never a guess.
        return self.wrap(what, [], value)

    def template(self, value: J, lone: bool = True) -> Tree:
        """A JSON string as a string template; with `lone`, a template that is one
        interpolation is that expression (Terraform does not convert it to a string)."""
        s = value.value
        if "${" not in s and "%{" not in s:
            return self.string(value)
        if len(s) > MAX_TEMPLATE:
            return self.unparsed(value)
        src = _Source(value)
        src.add('x = "', value.start, value.start + 1)
        i = 0
        while i < len(s):
            if s.startswith(("$${", "%%{"), i):  # escaped: a literal ${ or %{
                src.add("\\u0024" if s[i] == "$" else "\\u0025", value.at(i), value.at(i + 2))
                src.char("{", i + 2)
                i += 3
            elif s.startswith(("${", "%{"), i):
                end = _closing(s, i + 2)
                for j in range(i, end):
                    src.char(s[j], j)
                i = end
            else:
                src.char(_HCL_ESCAPES.get(s[i]) or _control(s[i]), i)
                i += 1
        src.add('"', value.end - 1, value.end)
        node = self.parsed(src, value)
        if node is None:
            return self.unparsed(value)
        string = node.children[0] if node.data == "expr_term" else None
        if lone and isinstance(string, Tree) and string.data == "string":
            parts = [c for c in string.children if isinstance(c, Tree)]
            if len(parts) == 1 and isinstance(parts[0].children[0], Tree):
                inner = parts[0].children[0]
                if inner.data == "interpolation":
                    return next(c for c in inner.children if isinstance(c, Tree))
        return node

    def code(self, value: J) -> Tree:
        """A JSON string holding an expression (a reference, a type): parsed as HCL."""
        if len(value.value) > MAX_TEMPLATE:
            return self.unparsed(value)
        src = _Source(value)
        src.add("x = ", value.start, value.start + 1)
        for j, c in enumerate(value.value):
            src.char(c, j)
        node = self.parsed(src, value)
        return node if node is not None else self.unparsed(value)

    def parsed(self, src: _Source, value: J) -> Tree | None:
        """The expression of `x = ...` in `src`, moved to where its text is in the file."""
        from linter.sources.hcl_parse import parse_hcl

        try:
            tree = parse_hcl("".join(src.text))
        except Exception:  # lark raises errors of several kinds; the value is unknown
            return None
        attrs = [c for c in tree.children[0].children if getattr(c, "data", "") == "attribute"]
        if len(attrs) != 1:
            return None
        node = attrs[0].children[-1]
        for sub in node.iter_subtrees():
            meta = sub.meta
            if meta.empty:
                self.place(meta, value.start, value.end)
            else:
                self.place(meta, *src.span(meta.start_pos, meta.end_pos))
            for tok in sub.children:
                if isinstance(tok, Token):
                    self.move_token(tok, src, value)
        return node

    def move_token(self, tok: Token, src: _Source, value: J) -> None:
        if tok.start_pos is None or tok.end_pos is None:
            start, end = value.start, value.end
        else:
            start, end = src.span(tok.start_pos, tok.end_pos)
        tok.start_pos, tok.end_pos = start, end
        tok.line, tok.column = self.lines.pos(start)
        tok.end_line, tok.end_column = self.lines.pos(end)


class _Source:
    """HCL text being built from a JSON string, with the file span of each character."""

    def __init__(self, value: J) -> None:
        self.value = value
        self.text: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, text: str, start: int, end: int) -> None:
        self.text.append(text)
        self.starts += [start] * len(text)
        self.ends += [end] * len(text)

    def char(self, text: str, i: int) -> None:
        """`text` stands for decoded character i of the JSON string."""
        self.add(text, self.value.at(i), self.value.at(i + 1))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The file span of HCL text [start, end)."""
        last = len(self.starts) - 1
        first = self.starts[min(start, last)]
        return first, max(first, self.ends[min(max(end - 1, start), last)])


def _closing(s: str, i: int) -> int:
    """Just past the `}` that closes the `${`/`%{` whose contents start at i. Braces and
    quoted strings inside it (with their own templates) are skipped; the end of `s`
    when it is not closed (the parse then fails and the value is unknown)."""
    inside = ["{"]  # "{": code (an interpolation, an object); '"': a quoted string
    while i < len(s) and inside:
        c = s[i]
        if inside[-1] == '"':
            if c == "\\":
                i += 2
                continue
            if s.startswith(("$${", "%%{"), i):
                i += 3
                continue
            if s.startswith(("${", "%{"), i):
                inside.append("{")
                i += 2
                continue
            if c == '"':
                inside.pop()
        elif c in '"{':
            inside.append(c)
        elif c == "}":
            inside.pop()
        i += 1
    return min(i, len(s))


def _control(c: str) -> str:
    return f"\\u{ord(c):04x}" if c < " " or c == "\x7f" else c
