"""The fuzz target: lint one case in-process, render it in every format, and say what
went wrong.

`check_case(files)` writes the case into `<tmp>/case/` beside `<tmp>/fuzz-canary.txt`,
runs `engine.run(["."], RULES)` from inside it (so the case directory is the root the
file-access rules confine reads to), renders every format the way the CLI does
(`linter.report.render`, which cleans the result first), and returns one line per
problem, `kind: detail`. The kinds:

- exception: an exception escaped the run or a reporter
- internal: an INTERNAL finding (an exception the engine caught)
- timeout: the case took longer than the limit (SIGALRM; the line names where it was)
- memory: MemoryError under the address-space limit
- invalid-output: JSON/SARIF that does not parse (or holds NaN or a lone surrogate),
  JUnit that is not XML, text or GitHub output with control or bidi characters, a
  GitHub line that is not an annotation, or output that cannot be written as UTF-8
- leak: output holding text from outside the case (/etc/passwd, the environment,
  the canary file beside the case)
- outside-read: the run opened or listed a path outside the case directory (an audit
  hook sees every open, so this holds even when the content never reaches a report)
- exec: the run started a process or opened a socket
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import resource
import signal
import site
import sys
import tempfile
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from mutator import CANARY_FILE, ROOT, Files

CANARY = "FZ-CANARY-5b1e0c"  # the content of the canary file: it must reach no report
NEEDLES = ("root:x:0:0", "PATH=", CANARY)
DEFAULT_LIMIT = 5.0  # seconds per case
# Characters a terminal or a log viewer acts on: C0/C1 controls (newline aside), line
# and paragraph separators, bidi controls, and lone surrogates (not UTF-8 at all).
_BAD_CHARS = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)
_SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?, \d+ infos? in \d+ units? checked( \(.*\))?$")
_GITHUB_LINE = ("::error ", "::warning ", "::notice ", "suppressed: ")


class CaseTimeout(BaseException):
    """Raised by SIGALRM. A BaseException: the engine's `except Exception` must not
    turn a hang into an INTERNAL finding and carry on."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    armed = True

    def expire(signum: int, frame: object) -> None:
        if armed:
            raise CaseTimeout(f"exceeded {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _address_space() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def memory_limit(extra_mb: int | None) -> Iterator[None]:
    """Lower the soft RLIMIT_AS to what the process maps now plus `extra_mb`, then put
    it back: a case that allocates gigabytes gets MemoryError instead of the machine."""
    if extra_mb is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + extra_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# -- reads outside the case --------------------------------------------------------------


def _real(path: str) -> str:
    return os.path.realpath(path)


class _Watch:
    """An audit hook (installed once, armed per case) that records every path opened or
    listed outside the case, except where Python itself loads code from."""

    EVENTS = frozenset({"open", "os.listdir", "os.scandir", "glob.glob", "os.walk"})
    EXEC = frozenset({"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.fork"})
    NET = frozenset({"socket.connect", "socket.getaddrinfo"})

    def __init__(self) -> None:
        self.case: str | None = None
        self.busy = False
        self.outside: list[str] = []
        self.spawned: list[str] = []
        self.allowed: tuple[str, ...] = ()
        self.listable: frozenset[str] = frozenset()
        self.installed = False

    def arm(self, case: Path) -> None:
        if not self.installed:
            code_dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
            code_dirs |= set(site.getsitepackages()) | {site.getusersitepackages()}
            code_dirs |= {str(ROOT / "linter"), str(ROOT / "rules")}
            # Where the product was imported from (an installed copy, a work tree).
            for name in ("linter", "linter.rules"):
                module = sys.modules.get(name)
                if module is not None and module.__file__:
                    code_dirs.add(os.path.dirname(module.__file__))
            self.allowed = tuple(sorted({_real(d) + os.sep for d in code_dirs}))
            # The import system lists the directories of sys.path when a module loads.
            self.listable = frozenset(_real(p or ".") for p in sys.path)
            sys.addaudithook(self.hook)
            self.installed = True
        self.outside, self.spawned = [], []
        self.case = _real(str(case))

    def disarm(self) -> None:
        self.case = None

    def hook(self, event: str, args: tuple) -> None:
        if self.case is None or self.busy:
            return
        if event in self.EXEC or event in self.NET:
            self.spawned.append(f"{event} {str(args)[:120]}")
            return
        if event not in self.EVENTS or not args or isinstance(args[0], int) or args[0] is None:
            return
        self.busy = True
        try:
            path = os.fsdecode(args[0]) if isinstance(args[0], bytes) else str(args[0])
            real = _real(path)
            inside = real == self.case or real.startswith(self.case + os.sep)
            listing = event != "open" and real in self.listable
            if inside or listing or real.startswith(self.allowed) or len(self.outside) >= 20:
                return
            self.outside.append(path if path == real else f"{path} ({real})")
            if os.environ.get("FUZZ_DEBUG_READS"):  # where the read came from
                traceback.print_stack(limit=8)
        finally:
            self.busy = False


WATCH = _Watch()


# -- running a case ----------------------------------------------------------------------


def _clean(text: str, limit: int = 300) -> str:
    """A message fit for a terminal: escapes instead of controls, and short."""
    text = _BAD_CHARS.sub(lambda m: ascii(m.group())[1:-1], str(text))
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def _frames(exc: BaseException) -> list[traceback.FrameSummary]:
    # No source lines: reading them would open files while the watch is armed.
    return list(
        traceback.StackSummary.extract(traceback.walk_tb(exc.__traceback__), lookup_lines=False)
    )


def last_frame(exc: BaseException) -> str:
    frames = _frames(exc)
    return _where(frames[-1]) if frames else "?"


def _where(f: traceback.FrameSummary) -> str:
    name = os.path.relpath(f.filename, ROOT) if f.filename.startswith(str(ROOT)) else f.filename
    return f"{name}:{f.lineno} in {f.name}"


def _product_frame(exc: BaseException) -> str:
    """Where a timeout interrupted the run: the innermost frame in linter/ or rules/,
    and the innermost frame of all when that is elsewhere (a dataclass, the stdlib)."""
    frames = [f for f in _frames(exc) if f.filename != __file__]
    if not frames:
        return "?"
    ours = [f for f in frames if re.search(r"[/\\](linter|rules)[/\\]", f.filename)]
    if not ours or ours[-1] is frames[-1]:
        return _where(frames[-1])
    return f"{_where(ours[-1])} (then {_where(frames[-1])})"


@contextlib.contextmanager
def _caught_internals() -> Iterator[dict[str, str]]:
    """INTERNAL message -> the innermost frame in linter/ or rules/ of its exception.
    The message names only the last frame, often a dataclass's `<string>` or the stdlib;
    this wraps `engine._internal` (the harness's own patch, undone after) to see more."""
    from linter import engine

    original = getattr(engine, "_internal", None)
    seen: dict[str, str] = {}
    if original is None:
        yield seen
        return

    def record(*args, **kwargs):
        finding = original(*args, **kwargs)
        exc = next((a for a in (*args, *kwargs.values()) if isinstance(a, BaseException)), None)
        if exc is not None:
            seen[finding.message] = _product_frame(exc)
        return finding

    engine._internal = record
    try:
        yield seen
    finally:
        engine._internal = original


def write_case(files: Files, directory: Path) -> None:
    for name, data in files.items():
        path = directory / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise ValueError(f"case file {name!r} would land outside the case")
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(os.fsencode(path), "wb") as fh:
            fh.write(data)


def prepare(tmp: Path) -> Path:
    """`tmp/case/`, with the canary file beside it; the case is written into it."""
    (tmp / CANARY_FILE).write_text(CANARY + "\n")
    case = tmp / "case"
    case.mkdir()
    return case


_WARM: list[bool] = []
WARM_UP = {  # one small unit of each kind: imports, grammars and schemas load outside the limit
    "t.yaml": b"Resources:\n  V:\n    Type: AWS::EC2::VPC\n",
    "td.json": b'{"networkMode": "awsvpc", "containerDefinitions": [{"name": "a"}]}',
    "main.tf": b'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
}


def render(fmt: str, result: object, out: io.StringIO) -> None:
    """Render as the CLI does: `linter.report.render` cleans the result for output
    (escapes) before the format's reporter sees it."""
    from linter import report

    report.render(fmt, result, out, report.Options(show_suppressed=True))


def warm_up() -> None:
    """Lint and render a trivial case once per process, untimed: the first run pays
    for imports and grammar tables, which is no property of the case that follows."""
    if _WARM:
        return
    _WARM.append(True)
    from linter.rules import RULES

    from linter.engine import run
    from linter.report import FORMATS

    with tempfile.TemporaryDirectory(prefix="fz-warm-") as tmp:
        write_case(WARM_UP, Path(tmp))
        result = run([tmp], RULES)
        for fmt in FORMATS:
            render(fmt, result, io.StringIO())


def check_case(
    files: Files, limit: float = DEFAULT_LIMIT, memory_mb: int | None = None
) -> list[str]:
    """The problems linting and reporting `files` (name -> bytes) shows; [] if none."""
    with tempfile.TemporaryDirectory(prefix="fz-") as tmp:
        case = prepare(Path(tmp))
        write_case(files, case)
        own = b"\0".join([*files.values(), *(os.fsencode(n) for n in files)])
        return check_dir(case, limit, memory_mb, own)


def check_dir(
    case: Path, limit: float = DEFAULT_LIMIT, memory_mb: int | None = None, own: bytes = b""
) -> list[str]:
    """As `check_case`, for a case directory already made (by `prepare`); `own` is the
    case's text, so a needle the case itself holds is no leak."""
    from linter.rules import RULES

    from linter.engine import INTERNAL, run
    from linter.report import FORMATS

    warm_up()
    problems: list[str] = []
    outputs: dict[str, str] = {}
    result = None
    cwd = os.getcwd()
    os.chdir(case)
    # The timer is innermost: it is disarmed before anything else is put back.
    with _caught_internals() as frames, memory_limit(memory_mb):
        WATCH.arm(case)
        try:
            with time_limit(limit):
                result = run(["."], RULES)
                for fmt in FORMATS:
                    out = io.StringIO()
                    try:
                        render(fmt, result, out)
                    except Exception as exc:
                        problems.append(
                            f"exception: render {fmt}: {type(exc).__name__}: {_clean(exc)}"
                            f" @ {last_frame(exc)}"
                        )
                    else:
                        outputs[fmt] = out.getvalue()
        except CaseTimeout as exc:
            problems.append(f"timeout: {exc} @ {_product_frame(exc)}")
        except MemoryError as exc:
            problems.append(f"memory: MemoryError @ {last_frame(exc)}")
        except Exception as exc:
            problems.append(
                f"exception: run: {type(exc).__name__}: {_clean(exc)} @ {last_frame(exc)}"
            )
        finally:
            WATCH.disarm()
            os.chdir(cwd)
    problems += [f"outside-read: {_clean(p)}" for p in dict.fromkeys(WATCH.outside)]
    problems += [f"exec: {_clean(p)}" for p in WATCH.spawned]
    if result is not None:
        for f in result.findings:
            if f.rule == INTERNAL:
                kind = "memory" if "MemoryError" in f.message else "internal"
                where = frames.get(f.message, "?")
                problems.append(f"{kind}: {_clean(f.message)} @ {where}")
    for fmt, text in outputs.items():
        problems += [f"invalid-output: {fmt}: {why}" for why in validate(fmt, text)]
        problems += [f"leak: {fmt}: {why}" for why in leaks(text, own)]
    return problems


# -- output checks -----------------------------------------------------------------------


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _bad_char(text: str) -> str | None:
    found = _BAD_CHARS.search(text)
    if not found:
        return None
    line = text.count("\n", 0, found.start()) + 1
    return f"{found.group()!a} on line {line}: {_clean(text.splitlines()[line - 1], 160)}"


def validate(fmt: str, text: str) -> list[str]:
    """Why `text` is not valid output of format `fmt`."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return [f"cannot be written as UTF-8: {exc.reason} ({exc.object[exc.start]!a})"]
    if fmt in ("json", "sarif"):
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            return [f"not JSON: {_clean(exc)}"]
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return ["holds a lone surrogate (\\udXXX escape)"]
        if fmt == "sarif" and not (isinstance(data, dict) and isinstance(data.get("runs"), list)):
            return ["SARIF without runs"]
        return []
    if fmt == "junit":
        try:
            ET.fromstring(text.encode("utf-8"))
        except ET.ParseError as exc:
            return [f"not XML: {exc}"]
        return []
    problems = []
    bad = _bad_char(text)
    if bad:
        problems.append(f"control character {bad}")
    if fmt == "github":
        for n, line in enumerate(text.split("\n")[:-1], 1):
            if not (line.startswith(_GITHUB_LINE) or _SUMMARY.match(line)):
                problems.append(f"line {n} is no annotation: {_clean(line, 160)}")
                break
    return problems


def leaks(text: str, own: bytes) -> list[str]:
    """Needles from outside the case that `text` holds (and the case itself does not)."""
    return [
        f"{needle!r} in the output"
        for needle in NEEDLES
        if needle in text and needle.encode() not in own
    ]
