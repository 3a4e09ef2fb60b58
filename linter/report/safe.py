"""Every string a report prints may come from a pull request: template values, comment
text, file names. `clean` makes a Result safe for every format before any reporter sees
it, so no format can forget a field:

- lone surrogates (unencodable) become U+FFFD, or in file paths the byte they stand for
  (`os.fsdecode` of a non-UTF-8 name), shown as `\\xff`;
- control characters and the invisible bidi controls of Trojan-source tricks become
  visible escapes (`\\n`, `\\x1b`, `\\u202e`): nothing reaches a terminal, and no field
  holds a line break that a CI log would read as a workflow command;
- runs of more than 120 non-space characters keep 100 and an ellipsis, and a message is
  at most 1,000 characters, so one template value cannot flood a log.

The fingerprint, rule and severity are ours and kept as they are.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.coverage import Blind, Coverage
    from linter.engine import Result
    from linter.findings import Finding, Step
    from linter.model import Ignore
    from linter.suppress import Suppressed
    from linter.values import Loc

MAX_RUN, KEEP_RUN = 120, 100  # a run of non-space characters: a value, not prose
MAX_TEXT = 1000
ELLIPSIS = "…"

_SURROGATE = r"\ud800-\udfff"
# C0, DEL, C1; ALM, zero-width and directional marks, line/paragraph separators,
# embeddings and overrides, word joiner to isolates, BOM; the noncharacters XML forbids.
_CONTROL = r"\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufffe\uffff"
_UNSAFE = re.compile(rf"[{_CONTROL}{_SURROGATE}]|\S{{{MAX_RUN + 1}}}")
_CONTROLS = re.compile(f"[{_CONTROL}]")
_SURROGATES = re.compile(f"[{_SURROGATE}]")
_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")
# An escape cut short by truncation (`\x1`, `\u20`, a lone `\`): drop it, not half of it.
_PARTIAL_ESCAPE = re.compile(r"\\(?:x[0-9a-f]?|u[0-9a-f]{0,3})?$")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    if c in _NAMED:
        return _NAMED[c]
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def _cut(s: str, keep: int) -> str:
    return _PARTIAL_ESCAPE.sub("", s[:keep]) + ELLIPSIS


def text(s: str) -> str:
    """Template or comment text, printable on one line."""
    if len(s) <= MAX_TEXT and not _UNSAFE.search(s):
        return s  # the common case: one scan, no copy
    s = _CONTROLS.sub(_escape, _SURROGATES.sub("\ufffd", s))
    s = _RUN.sub(lambda m: _cut(m.group(), KEEP_RUN), s)
    return s if len(s) <= MAX_TEXT else _cut(s, MAX_TEXT - len(ELLIPSIS))


def path(p: str) -> str:
    """A file name, printable on one line; the bytes of a non-UTF-8 name as `\\xff`.
    Never shortened: a path must still name its file."""
    if not _UNSAFE.search(p):
        return p
    if _SURROGATES.search(p):
        try:
            p = os.fsencode(p).decode("utf-8", "backslashreplace")
        except UnicodeError:  # a surrogate no byte decoded to (JSON's "\ud800")
            p = _SURROGATES.sub("\ufffd", p)
    return _CONTROLS.sub(_escape, p)


def _loc(loc: Loc) -> Loc:
    file = path(loc.file)
    return loc if file is loc.file else replace(loc, file=file)


def _step(s: Step) -> Step:
    return replace(s, message=text(s.message), loc=_loc(s.loc))


def finding(f: Finding) -> Finding:
    return replace(
        f,
        message=text(f.message),
        loc=_loc(f.loc),
        resource=text(f.resource),
        fix=text(f.fix),
        path=tuple(_step(s) for s in f.path),
    )


def _ignore(i: Ignore) -> Ignore:
    return replace(i, reason=text(i.reason), loc=_loc(i.loc), problem=text(i.problem))


def suppressed(s: Suppressed) -> Suppressed:
    return replace(s, finding=finding(s.finding), by=_ignore(s.by))


def clean(result: Result) -> Result:
    """A copy of `result` whose every outside string is safe to print in any format."""
    return replace(
        result,
        findings=[finding(f) for f in result.findings],
        suppressed=[suppressed(s) for s in result.suppressed],
        files={path(file): kind for file, kind in result.files.items()},
        coverage=[coverage(c) for c in result.coverage],
        unseen=[blind(b) for b in result.unseen],
    )


def blind(b: Blind) -> Blind:
    return replace(b, what=text(b.what), loc=_loc(b.loc))


def coverage(c: Coverage) -> Coverage:
    return replace(c, id=text(c.id), loc=_loc(c.loc), blinds=tuple(map(blind, c.blinds)))
