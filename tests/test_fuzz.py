"""Hostile input never crashes, hangs, corrupts a report or reads outside the case.

A fixed number of seeded mutations of the fixtures and examples (tests/mutator.py,
checked by tests/fuzz_target.py), every saved regression input under tests/hostile/,
and the special files (FIFOs, devices) that cannot be committed. scripts/fuzz.py is the
long-running version; its docstring says how a crash becomes a regression input.
"""

from __future__ import annotations

import os
import pathlib
import time

import mutator
import pytest
from fuzz_target import CANARY, check_case, check_dir, prepare

HOSTILE = pathlib.Path(__file__).resolve().parent / "hostile"
FUZZ_SEED = 20_251_124
FUZZ_CASES = 400  # about 8 s on this two-core machine; scripts/fuzz.py runs more
LIMIT = 4.0  # seconds per case; inputs that exhaust the work budget take about 2 s here
MEMORY_MB = 512  # more than this for a few KB of input is a bug, not a big template
MAX_FAILURES = 10  # stop early, so a broken build fails in seconds rather than minutes


def _files(directory: pathlib.Path) -> mutator.Files:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_mutations_are_deterministic() -> None:
    seeds = mutator.load_seeds(corpus=False)
    first = [mutator.make_case(seeds, FUZZ_SEED, i) for i in range(20)]
    again = [mutator.make_case(seeds, FUZZ_SEED, i) for i in range(20)]
    assert [(c.steps, c.files) for c in first] == [(c.steps, c.files) for c in again]
    assert len({c.seed for c in first}) > 5


def test_fuzz() -> None:
    # Fixtures and examples only, so the cases are the same with or without the corpus.
    seeds = mutator.load_seeds(corpus=False)
    failures = []
    for index in range(FUZZ_CASES):
        case = mutator.make_case(seeds, FUZZ_SEED, index)
        problems = check_case(case.files, LIMIT, MEMORY_MB)
        if problems:
            failures.append(
                f"{case.describe()[:400]}\n"
                f"  replay: .venv/bin/python scripts/fuzz.py --no-corpus --replay {case.id}\n"
                + "\n".join(f"  {p}" for p in problems[:8])
            )
            if len(failures) >= MAX_FAILURES:
                failures.append(f"(stopped after {MAX_FAILURES} failing cases of {index + 1})")
                break
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(
    "case", sorted(p.name for p in HOSTILE.iterdir() if p.is_dir()) if HOSTILE.is_dir() else []
)
def test_hostile_input(case: str) -> None:
    problems = check_case(_files(HOSTILE / case), LIMIT, MEMORY_MB)
    assert not problems, "\n".join(problems)


TASKDEF = (  # a finding (FG091) names the file, so a hostile file name reaches every report
    b'{"networkMode": "awsvpc", "containerDefinitions": '
    b'[{"name": "a", "portMappings": [{"containerPort": 1, "hostPort": 2}]}]}'
)


def _fifo(case: pathlib.Path) -> None:
    os.mkfifo(case / "template.yaml")


def _link(name: str, target: str):
    def make(case: pathlib.Path) -> None:
        os.symlink(target, case / name)

    make.__name__ = f"{name}->{target}"
    return make


def _named(name: bytes):
    def make(case: pathlib.Path) -> None:
        with open(os.path.join(os.fsencode(case), name), "wb") as fh:
            fh.write(TASKDEF)

    make.__name__ = f"named {ascii(name)[2:-1]}"
    return make


def _git_config(case: pathlib.Path) -> None:
    """actions/checkout leaves the token in .git/config: file() must not read it."""
    (case / ".git").mkdir()
    (case / ".git" / "config").write_text(f"[http]\n\textraheader = AUTHORIZATION: {CANARY}\n")
    (case / "main.tf").write_text(
        'resource "aws_ecs_task_definition" "t" {\n  network_mode = "awsvpc"\n'
        '  container_definitions = jsonencode([{ name = file(".git/config"),'
        " portMappings = [{ containerPort = 1, hostPort = 2 }] }])\n}\n"
    )


@pytest.mark.parametrize(
    "make",
    [
        _fifo,
        _link("main.tf", "/dev/zero"),
        _link("zero.yaml", "/dev/zero"),
        _link("random.json", "/dev/urandom"),
        _link("passwd.yaml", "/etc/passwd"),
        _link("canary.tf", "../fuzz-canary.txt"),
        _link("loop", "."),
        _named(b"t\xff.json"),  # not UTF-8
        _named(b"t\x1b]0;pwned\x07.json"),
        _named(b"a\nb.json"),
        _named(b"\xe2\x80\xaeevil.json"),  # U+202E
        _git_config,
    ],
    ids=lambda make: make.__name__,
)
def test_special_files(tmp_path: pathlib.Path, make) -> None:
    """What a checkout can hold but this repository should not commit (devices, FIFOs,
    links out, names that are not UTF-8 or hold control characters, .git): the run ends
    within seconds, reads nothing outside the case, and its reports stay valid."""
    case = prepare(tmp_path)
    (case / "ok.yaml").write_text("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n")
    make(case)
    started = time.monotonic()
    problems = check_dir(case, LIMIT, MEMORY_MB)
    assert time.monotonic() - started < LIMIT + 1
    assert not problems, "\n".join(problems)
