"""Command line: `fargate-lint check|rules|explain`."""

from __future__ import annotations

import argparse
import os
import sys

from linter import __version__
from linter.findings import SEVERITIES, severity_rank

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _ids(value: str) -> list[str]:
    return [x.strip().upper() for x in value.split(",") if x.strip()]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fargate-lint",
        description="Find ECS/Fargate connectivity faults in CloudFormation, Terraform "
        "and task-definition files before deploy.",
    )
    p.add_argument("--version", action="version", version=f"fargate-lint {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="lint files and directories")
    check.add_argument("paths", nargs="*", default=["."], help="files or directories (default .)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--fail-on",
        choices=(*SEVERITIES, "never"),
        default="warning",
        help="exit 1 when a finding is at or above this severity (default warning)",
    )
    check.add_argument("--select", type=_ids, help="only these rule ids or prefixes, e.g. FG01")
    check.add_argument("--ignore", type=_ids, help="skip these rule ids or prefixes")
    sub.add_parser("rules", help="list every rule")
    explain = sub.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule")
    return p


def selected(select: list[str] | None, ignore: list[str] | None) -> dict:
    from linter.rules import RULES

    return {
        rid: mod
        for rid, mod in RULES.items()
        if (not select or any(rid.startswith(s) for s in select))
        and not any(rid.startswith(i) for i in ignore or ())
    }


def cmd_check(args: argparse.Namespace) -> int:
    from linter.engine import run

    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        print(f"fargate-lint: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    result = run(args.paths, selected(args.select, args.ignore))
    if args.format == "json":
        from linter.report import json as reporter
    else:
        from linter.report import text as reporter
    reporter.render(result, sys.stdout, colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    if result.internal_errors:
        return EXIT_ERROR
    if args.fail_on != "never" and any(
        severity_rank(f.severity) >= severity_rank(args.fail_on) for f in result.findings
    ):
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_rules() -> int:
    from linter.rules import RULES

    for rid, mod in RULES.items():
        meta = mod.META
        print(f"{rid}  {meta.severity:<7}  {meta.name:<34}  {meta.summary}")
    return EXIT_OK


def cmd_explain(rule: str) -> int:
    from linter.rules import RULES

    mod = RULES.get(rule.upper())
    if mod is None:
        print(f"fargate-lint: unknown rule {rule}", file=sys.stderr)
        return EXIT_ERROR
    print(mod.__doc__.strip())
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "rules":
            return cmd_rules()
        return cmd_explain(args.rule)
    except BrokenPipeError:
        # `fargate-lint check . | head`: the reader left; stop quietly, like other tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
