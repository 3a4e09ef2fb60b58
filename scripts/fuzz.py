"""Fuzz fargate-lint in-process for a while and keep every case that shows a problem.

    .venv/bin/python scripts/fuzz.py --seconds 600 --seed 1 --out /tmp/fuzz

Cases come from tests/mutator.py (fixtures, examples and ../shared/corpus mutated with a
seeded Random, one per index), and tests/fuzz_target.py checks each: an exception, an
INTERNAL finding, a timeout, MemoryError under --memory-mb, invalid output in any
format, text from outside the case in a report, a read outside the case. Each problem
case is written to OUT/<signature>/<seed>-<index>/ (case/ with its files, and why.txt
with the mutations, the replay command and the problems); only the first few cases of
each distinct signature are kept.

Replay one case (with the run's --no-corpus and --kind, so the seed list is the same;
why.txt spells the command):

    .venv/bin/python scripts/fuzz.py --replay 1:4711 --out /tmp/fuzz

To turn a problem into a regression input: shrink the saved case (`--shrink
OUT/<sig>/<case>/case --keep <part of the signature>` deletes files and lines while
the problem persists and writes case-min/; `--replay S:I --minimize` does the same
for a generated case), finish by hand, and copy the result to
tests/hostile/<what_it_does>/ with a one-line comment saying what it exercises
(a `#` comment where the format has them, placed where it moves no line that matters);
tests/test_fuzz.py then runs it on every test run.
"""

from __future__ import annotations

import argparse
import collections
import os
import pathlib
import re
import resource
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))

import mutator
from fuzz_target import check_case, warm_up

KEEP_PER_SIGNATURE = 5


def signature(problem: str) -> str:
    """What makes two problems the same bug: the kind, the exception type and where it
    was raised; not the values, paths or counts in the message."""
    kind, _, detail = problem.partition(": ")
    if kind in ("internal", "memory"):
        exc = re.search(r"internal error in (?:rule \w+|the reader for .*?): (\w+): ", detail)
        at = detail.rsplit(" @ ", 1)[-1] if " @ " in detail else ""
        return f"{kind} {exc.group(1) if exc else ''} {at}".replace("  ", " ")
    if kind in ("exception", "timeout"):
        at = detail.rsplit(" @ ", 1)[-1]
        exc = re.match(r"(?:run|render \w+): (\w+)", detail)
        if kind == "timeout":  # a hang is interrupted anywhere in its loop: keep the function
            at = re.sub(r":\d+ in ", ":", at.split(" (then ")[0])
        return f"{kind} {exc.group(1) if exc else ''} {at}".replace("  ", " ")
    if kind == "invalid-output":
        fmt, _, why = detail.partition(": ")
        return f"{kind} {fmt} {re.sub(r'[0-9]+|[^a-zA-Z ].*', '', why).strip()}"
    if kind == "leak":
        return f"{kind} {detail.partition(': ')[2].split(' in the output')[0]}"
    if kind == "outside-read":
        path = detail.split(" (")[0]
        return f"{kind} {re.sub(r'/proc/[0-9]+', '/proc/self', path)}"
    return kind


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:100].strip("_")


def save(
    out: pathlib.Path, sig: str, case: mutator.Case, problems: list[str], flags: str = ""
) -> pathlib.Path:
    where = out / slug(sig) / f"{case.run_seed}-{case.index}"
    for name, data in case.files.items():
        path = where / "case" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(os.fsencode(path), "wb") as fh:
            fh.write(data)
    why = [case.describe(), f"replay: scripts/fuzz.py{flags} --replay {case.id}", "", *problems]
    (where / "why.txt").write_text("\n".join(why) + "\n", encoding="utf-8", errors="replace")
    return where


def minimize(files: mutator.Files, sig: str, limit: float, memory: int | None) -> mutator.Files:
    """Delete chunks of lines (halves, then quarters, down to single lines) of each file
    while the problem keeps its signature: ddmin on lines, one file at a time."""

    def still(candidate: mutator.Files) -> bool:
        return any(signature(p) == sig for p in check_case(candidate, limit, memory))

    files = dict(files)
    for name in sorted(files, key=lambda n: -len(files[n])):
        if len(files) > 1 and still({n: v for n, v in files.items() if n != name}):
            del files[name]
            continue
        lines = files[name].split(b"\n")
        chunk = max(len(lines) // 2, 1)
        while chunk >= 1:
            i, changed = 0, False
            while i < len(lines):
                trial = lines[:i] + lines[i + chunk :]
                if trial and still({**files, name: b"\n".join(trial)}):
                    lines, changed = trial, True
                else:
                    i += chunk
            files[name] = b"\n".join(lines)
            if not changed:
                chunk //= 2
    return files


def _rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def fuzz(args: argparse.Namespace, seeds: list[mutator.Seed]) -> int:
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    by_kind: collections.Counter[str] = collections.Counter()
    by_sig: collections.Counter[str] = collections.Counter()
    example: dict[str, str] = {}
    slowest: list[tuple[float, str, str]] = []
    biggest = (0, "")  # (rise of peak RSS in MB, case id)
    warm_up()  # the first case should not pay for imports and grammar tables
    start = time.monotonic()
    last_report = start
    index = args.start
    while time.monotonic() - start < args.seconds and (args.cases is None or index < args.cases):
        case = mutator.make_case(seeds, args.seed, index)
        (out / "current.txt").write_text(f"{case.id}\n")  # survives a crash of the process
        before = _rss_mb()
        t0 = time.monotonic()
        problems = check_case(case.files, args.time_limit, None)
        took = time.monotonic() - t0
        rise = _rss_mb() - before
        if rise > biggest[0]:
            biggest = (rise, case.id)
        slowest = sorted([*slowest, (took, case.id, case.describe()[:200])], reverse=True)[:5]
        sigs = {signature(p): p for p in problems}
        for sig, p in sigs.items():
            by_kind[sig.split(" ")[0]] += 1
            by_sig[sig] += 1
            if by_sig[sig] <= KEEP_PER_SIGNATURE:
                where = save(out, sig, case, problems, args.flags)
                if by_sig[sig] == 1:
                    example[sig] = str(where)
                    print(f"NEW {sig}\n    {p[:300]}\n    {case.describe()[:300]}\n    -> {where}")
        index += 1
        now = time.monotonic()
        if now - last_report >= args.report_every:
            last_report = now
            n = index - args.start
            print(
                f"[{now - start:6.0f} s] {n} cases ({n / (now - start):.1f}/s), "
                f"{sum(by_sig.values())} problems, {len(by_sig)} distinct, peak {_rss_mb()} MB",
                flush=True,
            )
    elapsed = time.monotonic() - start
    n = index - args.start
    print(f"\n{n} cases in {elapsed:.0f} s ({n / max(elapsed, 1e-9):.1f}/s), seed {args.seed}")
    print(f"problems by kind: {dict(by_kind) or 'none'}")
    for sig, count in by_sig.most_common():
        print(f"  {count:5d}  {sig}\n         e.g. {example.get(sig, '')}")
    print("slowest cases:")
    for took, cid, what in slowest:
        print(f"  {took:6.2f} s  {cid}  {what}")
    print(f"largest rise of peak memory: {biggest[0]} MB in case {biggest[1] or '-'}")
    print(f"peak memory (max RSS): {_rss_mb()} MB")
    return 1 if by_sig else 0


def replay(args: argparse.Namespace, seeds: list[mutator.Seed]) -> int:
    run_seed, index = (int(x) for x in args.replay.split(":"))
    case = mutator.make_case(seeds, run_seed, index)
    print(case.describe())
    warm_up()  # imports and grammar tables are no part of the case's time
    t0 = time.monotonic()
    problems = check_case(case.files, args.time_limit, None)
    print(f"{time.monotonic() - t0:.2f} s, peak {_rss_mb()} MB")
    for p in problems:
        print(f"  {p}")
    out = pathlib.Path(args.out)
    if problems:
        sig = signature(problems[0])
        if args.minimize:
            case.files = minimize(case.files, sig, args.time_limit, None)
            case.steps.append("minimized")
        print(f"saved to {save(out, sig, case, problems, args.flags)}")
    return 1 if problems else 0


def _read_dir(directory: pathlib.Path) -> mutator.Files:
    return {
        os.fsdecode(os.path.relpath(os.fsencode(p), os.fsencode(directory))): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def shrink(args: argparse.Namespace) -> int:
    """Minimize a saved case directory (OUT/<signature>/<case>/case, or any case) into
    DIR-min, keeping the problem whose signature contains --keep (the first one)."""
    directory = pathlib.Path(args.shrink)
    files = _read_dir(directory)
    problems = check_case(files, args.time_limit, None)
    sigs = [signature(p) for p in problems if args.keep in signature(p)]
    if not sigs:
        print("no such problem in this case:", *problems, sep="\n  ")
        return 2
    print(f"keeping: {sigs[0]}")
    small = minimize(files, sigs[0], args.time_limit, None)
    target = directory.with_name(directory.name + "-min")
    for name, data in small.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(os.fsencode(path), "wb") as fh:
            fh.write(data)
    size = sum(map(len, small.values()))
    print(f"{sum(map(len, files.values()))} bytes -> {size} bytes in {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600, help="how long to fuzz")
    parser.add_argument("--cases", type=int, help="stop after this many cases instead")
    parser.add_argument("--seed", type=int, default=1, help="the run's seed")
    parser.add_argument("--start", type=int, default=0, help="the first case index")
    parser.add_argument(
        "--out",
        default=os.path.join(tempfile.gettempdir(), "fargate-lint-fuzz"),
        help="where problem cases go",
    )
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds per case")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space limit")
    parser.add_argument("--no-corpus", action="store_true", help="fixtures and examples only")
    parser.add_argument("--kind", choices=mutator.KINDS, help="only seeds of this kind")
    parser.add_argument("--replay", metavar="SEED:INDEX", help="run one case and save it")
    parser.add_argument("--minimize", action="store_true", help="with --replay: shrink it")
    parser.add_argument("--shrink", metavar="DIR", help="minimize a saved case directory")
    parser.add_argument("--keep", default="", help="with --shrink: the problem to keep")
    parser.add_argument("--report-every", type=float, default=30, help="progress interval (s)")
    args = parser.parse_args(argv)
    # The whole run under one address-space limit: a case that allocates gigabytes
    # gets MemoryError (reported) instead of taking the machine down.
    limit = args.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    if args.shrink:
        return shrink(args)
    # A case is replayed from its numbers and the same seed list: these flags make it.
    args.flags = (" --no-corpus" if args.no_corpus else "") + (
        f" --kind {args.kind}" if args.kind else ""
    )
    seeds = mutator.load_seeds(corpus=not args.no_corpus)
    seeds = [s for s in seeds if args.kind in (None, s.kind)]
    kinds = collections.Counter(s.kind for s in seeds)
    print(f"{len(seeds)} seeds ({dict(kinds)}); corpus {'off' if args.no_corpus else 'on'}")
    return replay(args, seeds) if args.replay else fuzz(args, seeds)


if __name__ == "__main__":
    sys.exit(main())
