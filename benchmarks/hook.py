"""Time what a commit hook pays: fargate-lint on one changed file of a repository
holding 200 templates, interpreter start included (target: under 1 s), and the
whole repository for comparison.

The repository is generated: 180 CloudFormation stacks and 20 Terraform
directories, each a VPC with subnets, routes, NACLs, security groups, endpoints
and Fargate services (about 60 resources apiece), plus a [tool.fargate-lint]
table so the configuration is found, read and validated as in real use.

    python benchmarks/hook.py [--runs 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

from common import EXE, timed
from generated import cloudformation, count_resources, terraform

CFN_STACKS, TF_DIRS = 180, 20


def build(base: pathlib.Path) -> int:
    """Write the repository; the number of resources in it."""
    (base / "stacks").mkdir(parents=True, exist_ok=True)
    cfn, tf = cloudformation(vpcs=1, per_vpc=3), terraform(vpcs=1, per_vpc=3)
    for n in range(CFN_STACKS):
        (base / "stacks" / f"stack-{n:03}.yaml").write_text(cfn)
    for n in range(TF_DIRS):
        (base / "modules" / f"mod-{n:02}").mkdir(parents=True, exist_ok=True)
        (base / "modules" / f"mod-{n:02}" / "main.tf").write_text(tf)
    (base / "pyproject.toml").write_text(
        '[tool.fargate-lint]\nexclude = ["legacy/"]\nfail-on = "error"\n'
    )
    return CFN_STACKS * count_resources(cfn) + TF_DIRS * count_resources(tf)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--keep", help="write the repository here instead of a temporary directory")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = pathlib.Path(args.keep or tmp)
        resources = build(base)
        print(f"repository: {CFN_STACKS + TF_DIRS} templates, {resources} resources")
        cases = [
            ("one changed CloudFormation file", ["stacks/stack-042.yaml"], args.runs),
            ("one changed Terraform file", ["modules/mod-07/main.tf"], args.runs),
            ("the whole repository", ["."], max(1, args.runs // 3)),
        ]
        for label, paths, runs in cases:
            median, fastest, output = timed([EXE, "check", *paths], runs, cwd=str(base))
            summary = output.strip().splitlines()[-1] if output.strip() else ""
            print(f"{label:32} median {median:.2f} s  fastest {fastest:.2f} s  ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
