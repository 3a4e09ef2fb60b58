"""Command line: `fargate-lint check|rules|explain`."""

from __future__ import annotations

import argparse
import os
import sys

from linter import __version__, baseline, config
from linter.config import FAIL_ON
from linter.engine import Settings
from linter.report import FORMATS, Options, fails, render
from linter.sources import Given

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _ids(value: str) -> list[str]:
    return [x.strip().upper() for x in value.split(",") if x.strip()]


def _var(value: str) -> tuple[str, str]:
    name, sep, text = value.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name.strip(), text


def _given(args: argparse.Namespace) -> Given:
    """--var-file texts (the user's own files, read as given) and --var values;
    CloudFormation parameter files, then --parameter values (the later wins)."""
    from linter.sources.stacks import parameter_file

    files = []
    for path in args.var_file:
        with open(path, encoding="utf-8-sig") as fh:
            files.append((path, fh.read()))
    params: list[tuple[str, str]] = []
    for path in args.parameter_file:
        with open(path, encoding="utf-8-sig") as fh:
            try:
                params += parameter_file(fh.read())
            except ValueError as exc:
                raise ParameterFileError(f"{path}: not a parameter file: {exc}") from None
    for name, _ in args.parameter:
        if name.startswith("AWS::"):
            raise ParameterFileError(f"--parameter {name}: pseudo parameters are not given")
    params += args.parameter
    return Given(tuple(files), tuple(args.var), tuple(params))


class ParameterFileError(Exception):
    pass


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
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    check.add_argument("-o", "--output", metavar="FILE", help="write the report here, not stdout")
    check.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="exit 1 when a finding is at or above this severity (default warning)",
    )
    check.add_argument("--select", type=_ids, help="only these rule ids or prefixes, e.g. FG01")
    check.add_argument("--ignore", type=_ids, help="skip these rule ids or prefixes")
    trusted = check.add_mutually_exclusive_group()
    trusted.add_argument(
        "--config",
        metavar="FILE",
        help="a .fargate-lint.toml or pyproject.toml to use instead of finding one",
    )
    trusted.add_argument(
        "--isolated",
        action="store_true",
        help="ignore configuration files: in CI, a pull request cannot reconfigure its own gate",
    )
    check.add_argument(
        "--show-suppressed", action="store_true", help="also list suppressed findings and why"
    )
    check.add_argument(
        "--var-file",
        metavar="FILE",
        action="append",
        default=[],
        help="Terraform variable values (.tfvars or .tfvars.json) for every root, after "
        "terraform.tfvars and *.auto.tfvars; repeatable",
    )
    check.add_argument(
        "--var",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        type=_var,
        help="a Terraform variable's value, as terraform -var takes it; repeatable",
    )
    check.add_argument(
        "--parameter-file",
        metavar="FILE",
        action="append",
        default=[],
        help="CloudFormation parameter values (the CLI's JSON, or a CodePipeline template "
        "configuration) for every template that declares them; repeatable",
    )
    check.add_argument(
        "--parameter",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        type=_var,
        help="a CloudFormation parameter's value (a list: comma-separated); repeatable",
    )
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every service, task set and scheduled task that was not fully checked, "
        "and what hid it",
    )
    check.add_argument(
        "--fail-on-undecided",
        action="store_true",
        help="exit 1 when a launcher could not be fully checked or a unit not seen",
    )
    known = check.add_mutually_exclusive_group()
    known.add_argument("--baseline", metavar="FILE", help="report only findings not in FILE")
    known.add_argument(
        "--write-baseline", metavar="FILE", help="record today's findings in FILE and exit 0"
    )
    sub.add_parser("rules", help="list every rule")
    explain = sub.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule")
    return p


def _settings(args: argparse.Namespace) -> tuple[dict, str, Settings]:
    """The rules to run, the fail-on level and the engine settings: the configuration
    file, overridden by flags. Raises ConfigError or BaselineError."""
    cfg = config.Config() if args.isolated else config.load(args.config, os.getcwd())
    select = args.select if args.select is not None else cfg.select
    ignore = args.ignore if args.ignore is not None else cfg.ignore
    config.check_selectors(args.select or [], "--select")
    config.check_selectors(args.ignore or [], "--ignore")
    settings = Settings(
        paths=config.PathFilter(cfg) if cfg.exclude or cfg.include else None,
        severity=cfg.severity,
        baseline=baseline.read(args.baseline) if args.baseline else None,
        given=_given(args),
    )
    return config.selected(select, ignore), args.fail_on or cfg.fail_on, settings


def _cannot_write(path: str, exc: OSError) -> int:
    print(f"fargate-lint: cannot write {path}: {exc.strerror}", file=sys.stderr)
    return EXIT_ERROR


def cmd_check(args: argparse.Namespace) -> int:
    from linter.engine import run

    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        print(f"fargate-lint: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    try:
        rules, fail_on, settings = _settings(args)
    except (config.ConfigError, baseline.BaselineError, ParameterFileError) as exc:
        print(f"fargate-lint: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (OSError, UnicodeDecodeError) as exc:
        print(f"fargate-lint: cannot read a --var-file or --parameter-file: {exc}", file=sys.stderr)
        return EXIT_ERROR
    result = run(args.paths, rules, settings)
    if args.write_baseline:
        if result.internal_errors:
            print("fargate-lint: internal errors; no baseline written", file=sys.stderr)
            return EXIT_ERROR
        try:
            with open(args.write_baseline, "w", encoding="utf-8") as fh:
                baseline.write(result.findings, fh)
        except OSError as exc:
            return _cannot_write(args.write_baseline, exc)
        print(
            f"fargate-lint: recorded {len(result.findings)} findings in {args.write_baseline}",
            file=sys.stderr,
        )
        return EXIT_OK
    try:
        out = (
            open(args.output, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
            if args.output
            else sys.stdout
        )
    except OSError as exc:
        return _cannot_write(args.output, exc)
    options = Options(
        colour=out.isatty() and "NO_COLOR" not in os.environ,
        show_suppressed=args.show_suppressed,
        fail_on=fail_on,
        baseline=settings.baseline is not None,
        verbose=args.verbose,
    )
    try:
        render(args.format, result, out, options)
    finally:
        if out is not sys.stdout:
            out.close()
    if result.internal_errors:
        return EXIT_ERROR
    if any(fails(f.severity, fail_on) for f in result.findings):
        return EXIT_FINDINGS
    if args.fail_on_undecided and (result.undecided or result.unseen):
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
