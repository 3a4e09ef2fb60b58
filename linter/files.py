"""Every read of an input goes through here: discovery, readers, `file()` and
`templatefile()`, the suppression scan and fingerprints.

A pull request controls the files a CI gate lints, so a read is refused unless the
file is a regular file (no FIFO, device, socket, `/proc` entry), no larger than the
cap, inside the root once symlinks are resolved, and not inside `.git`. The root is
the repository that holds the scanned paths (the nearest directory above them with
a `.git`), else their common directory; reports name files relative to it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

MAX_BYTES = 10 * 1024 * 1024  # CloudFormation itself accepts at most 1 MB
_SYSTEM = ("/proc", "/sys", "/dev")
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the run on open
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class Refused(Exception):
    """A read the file-access rules do not allow; the message says why, never what."""


class TooLarge(Refused):
    """A file over the size cap."""


def find_root(paths: list[str]) -> str:
    """The repository holding `paths`, else their common directory (absolute)."""
    dirs = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths]
    common = os.path.commonpath(dirs) if dirs else os.path.abspath(".")
    here = common
    while True:
        if os.path.lexists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return common
        here = parent


@dataclass
class Files:
    """Confined reads below `root`."""

    root: str
    max_bytes: int = MAX_BYTES
    _real_root: str = field(init=False, repr=False)
    _cache: dict[str, bytes] = field(default_factory=dict, init=False, repr=False)
    _names: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _dirs: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.root = os.path.abspath(self.root)
        self._real_root = os.path.realpath(self.root)

    @classmethod
    def for_paths(cls, paths: list[str]) -> Files:
        return cls(find_root(paths))

    def refusal(self, path: str) -> str | None:
        """Why `path` may not be read (without opening it), or None."""
        return self._checked(path)[0]

    def _real(self, path: str) -> str:
        """os.path.realpath, its directories resolved once per run: a walk reads
        thousands of files from a few hundred directories."""
        head, tail = os.path.split(os.path.abspath(path))
        if tail in ("", os.curdir, os.pardir):
            return os.path.realpath(path)
        real_head = self._dirs.get(head)
        if real_head is None:
            real_head = self._dirs[head] = os.path.realpath(head)
        full = os.path.join(real_head, tail)
        return os.path.realpath(full) if os.path.islink(full) else full

    def _checked(self, path: str) -> tuple[str | None, str]:
        """(why `path` may not be read or None, its real path)."""
        try:
            real = self._real(path)
            rel = os.path.relpath(real, self._real_root)
        except ValueError:  # a NUL byte, or another drive on Windows
            return "it is not a path in the repository", ""
        if any(real == s or real.startswith(s + "/") for s in _SYSTEM):
            return "it is a system path", real
        if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
            return "it is outside the repository", real
        if ".git" in rel.split(os.sep):
            return "it is inside .git", real
        return None, real

    def read_bytes(self, path: str, keep: bool = True) -> bytes:
        """The content of a file that may be read; `Refused` or `OSError` otherwise.
        Kept (unless `keep` is false) until `forget`: the reader, the suppression scan
        and the fingerprints of one unit read the same files."""
        real = self._allowed(path)
        if real in self._cache:
            return self._cache[real]
        data = self._read(real, self.max_bytes, whole=True)
        if keep:
            self._cache[real] = data
        return data

    def forget(self) -> None:
        """Drop what was kept: a run holds one unit's files at a time."""
        self._cache.clear()

    def head(self, path: str) -> bytes:
        """Up to the cap's worth of a file's first bytes, even when it is larger (to tell
        whether a file too large to read was meant to be a template)."""
        return self._read(self._allowed(path), self.max_bytes, whole=False)

    def _allowed(self, path: str) -> str:
        """The real path of a file that may be read; `Refused` otherwise."""
        why, real = self._checked(path)
        if why:
            raise Refused(why)
        return real

    def _read(self, real: str, limit: int, whole: bool) -> bytes:
        fd = os.open(real, _OPEN_FLAGS)
        try:
            info = os.fstat(fd)  # of what was opened: no swap after the check
            if not stat.S_ISREG(info.st_mode):
                raise Refused("it is not a regular file")
            if whole and info.st_size > limit:
                raise self._too_large(info.st_size)
            chunks, size = [], 0
            while size <= limit:  # a file may grow while we read it
                chunk = os.read(fd, limit + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
        if whole and size > limit:
            raise self._too_large(size)
        return b"".join(chunks)[:limit]

    def _too_large(self, size: int) -> TooLarge:
        return TooLarge(
            f"it is too large ({size // 1024} KiB; the limit is {self.max_bytes // 1024} KiB)"
        )

    def rel(self, path: str) -> str:
        """A path as reports name it: relative to the root, with slashes."""
        if path not in self._names:  # every step of every finding names a file
            rel = os.path.relpath(os.path.abspath(path), self.root) if path else path
            if rel.startswith(os.pardir):
                rel = os.path.relpath(os.path.realpath(path), self._real_root)
            self._names[path] = rel.replace(os.sep, "/")
        return self._names[path]


def lines(text: str) -> list[str]:
    """The lines of a text as editors and the parsers number them: only `\\n` ends a
    line (`\\r\\n` too); a form feed or U+2028 inside a comment shifts nothing."""
    return [line.removesuffix("\r") for line in text.split("\n")]
