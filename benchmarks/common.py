"""What the benchmark scripts share: timing a command in fresh processes."""

from __future__ import annotations

import pathlib
import statistics
import subprocess
import sys
import time

EXE = str(pathlib.Path(sys.executable).parent / "fargate-lint")


def timed(cmd: list[str], runs: int, cwd: str | None = None) -> tuple[float, float, str]:
    """(median, fastest) wall-clock seconds over `runs` fresh processes, interpreter
    start included, and the last run's output."""
    samples, output = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd)
        samples.append(time.perf_counter() - start)
        output = proc.stdout + proc.stderr
    return statistics.median(samples), min(samples), output
