"""Time fargate-lint on the whole corpus against cfn-lint on its CloudFormation part.

Both run as fresh processes (interpreter start included), on the same machine in
the same run; the median of several runs is reported.

    python benchmarks/corpus.py [--corpus ../shared/corpus] [--runs 5]
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import sys

from common import EXE, timed

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    corpus = pathlib.Path(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    cfn_files = sorted(
        str(p)
        for p in (corpus / "cloudformation").rglob("*")
        if p.suffix in (".yaml", ".yml", ".json")
    )
    bindir = pathlib.Path(sys.executable).parent
    ours = [EXE, "check", "--fail-on", "never", str(corpus)]
    cfn_lint = shutil.which("cfn-lint", path=str(bindir)) or "cfn-lint"
    theirs = [cfn_lint, "--", *cfn_files]
    t_ours = timed(ours, args.runs)[0]
    t_theirs = timed(theirs, args.runs)[0]
    print(f"fargate-lint, whole corpus ({len(list(corpus.rglob('*')))} paths): {t_ours:.2f} s")
    print(f"cfn-lint, CloudFormation part ({len(cfn_files)} files):  {t_theirs:.2f} s")
    print(f"ratio: {t_ours / t_theirs:.2%} of cfn-lint's time (target: under 25%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
