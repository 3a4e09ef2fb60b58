"""Fingerprints that survive line shifts, and the baseline file built from them.

A fingerprint hashes the rule, the file (relative to the repository root), the
resource and the text of the finding's line without its comment, then counts
occurrences of that hash in line order. Inserting resources above a finding, or
rewording a message in a later release, leaves it unchanged; editing the flagged
line itself makes the finding new again, as GitHub's own line hashes do.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from typing import TextIO

from linter.files import Files, Refused, lines
from linter.findings import Finding

FORMAT = 1
_COMMENT = re.compile(r"\s(#|//).*$")


class BaselineError(Exception):
    """A baseline file that cannot be read; the CLI prints it and exits 2."""


def relative(path: str) -> str:
    """A path as reports name it. The engine has made every location relative to the
    repository root already; this only writes the separators as slashes."""
    return path.replace(os.sep, "/")


def fingerprints(findings: Iterable[Finding], files: Files) -> list[str]:
    """One fingerprint per finding, in the order given (which must be sorted); each
    finding's file is named relative to the root of `files`."""
    texts: dict[str, list[str]] = {}
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        if f.loc.file not in texts:
            try:
                data = files.read_bytes(os.path.join(files.root, f.loc.file))
                texts[f.loc.file] = lines(data.decode("utf-8", errors="replace"))
            except (OSError, Refused):
                texts[f.loc.file] = []
        text = texts[f.loc.file]
        line = text[f.loc.line - 1] if 0 < f.loc.line <= len(text) else ""
        line = " ".join(_COMMENT.sub("", line).split())
        key = "\0".join((f.rule, relative(f.loc.file), f.resource, line))
        # surrogatepass: a non-UTF-8 file name or a lone surrogate in an id still hashes
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        seen[digest] += 1
        out.append(f"{digest}:{seen[digest]}")
    return out


def write(findings: list[Finding], out: TextIO) -> None:
    entries = [
        {
            "fingerprint": f.fingerprint,
            "rule": f.rule,
            "file": relative(f.loc.file),
            "resource": f.resource,
            "message": f.message,
        }
        for f in findings
        if f.rule != "INTERNAL"
    ]
    json.dump({"fargate-lint-baseline": FORMAT, "findings": entries}, out, indent=2)
    out.write("\n")


def read(path: str) -> Counter[str]:
    """The fingerprints a baseline records, with how often each occurs."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not valid JSON: {exc}") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or data.get("fargate-lint-baseline") != FORMAT:
        raise BaselineError(
            f"{path}: not a fargate-lint baseline (write one with --write-baseline)"
        )
    prints = [e.get("fingerprint") for e in entries if isinstance(e, dict)]
    if len(prints) != len(entries) or not all(isinstance(p, str) for p in prints):
        raise BaselineError(f"{path}: every finding needs a fingerprint")
    return Counter(prints)
