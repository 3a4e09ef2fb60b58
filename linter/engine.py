"""Runs readers and rules over units; a failure in one never aborts the run."""

from __future__ import annotations

import os
import sys
import traceback
from collections import Counter
from dataclasses import dataclass, field, replace

from linter import baseline, budget, suppress
from linter import model as m
from linter.budget import Budget, TooComplex
from linter.config import PathFilter
from linter.coverage import Blind, Coverage
from linter.discover import REFUSED, Unit, discover
from linter.files import Files
from linter.findings import Finding, Step
from linter.rulekit import Context
from linter.sources import Given, Loaded, ParseProblem, read_tree
from linter.suppress import Suppressed
from linter.values import Loc

INTERNAL = "INTERNAL"  # a bug of ours, reported as a finding; the run exits 2


@dataclass
class Settings:
    """What the configuration and the command line add to a run."""

    paths: PathFilter | None = None
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> level
    baseline: Counter[str] | None = None  # fingerprints of findings to leave out
    files: Files | None = None  # where reads are confined; default: the scanned repository
    given: Given = field(default_factory=Given)  # --var-file and --var, for Terraform roots


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    units: int = 0
    internal_errors: int = 0
    suppressed: list[Suppressed] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # file reported on -> its format
    rules: list[str] = field(default_factory=list)  # the rule ids that ran
    baselined: int = 0  # findings left out because the baseline records them
    coverage: list[Coverage] = field(default_factory=list)  # every launcher, decided or not
    unseen: list[Blind] = field(default_factory=list)  # what no unit could see at all

    @property
    def undecided(self) -> list[Coverage]:
        return [c for c in self.coverage if not c.decided]


def load_unit(
    unit: Unit, files: Files, budget: Budget | None = None, given: Given | None = None
) -> Loaded:
    """The unit's model, or the problems that stop it; a unit that needs more work than
    its budget allows ends with one FG000 at the expression where it ran out."""
    try:
        return _load(unit, files, budget or Budget(), given or Given())
    except TooComplex as exc:
        return Loaded(
            None, [ParseProblem(f"too complex to evaluate: {exc.what}", exc.loc or Loc(unit.path))]
        )


def _load(unit: Unit, files: Files, budget: Budget, given: Given) -> Loaded:
    # Only the reader a unit needs: a CloudFormation run does not pay for HCL's imports.
    if unit.kind == m.TERRAFORM:
        from linter.sources import terraform

        return terraform.load(unit.path, files, budget, given)
    if unit.kind == m.TFPLAN:
        from linter.sources import tf_plan

        return tf_plan.load(unit.path, files, budget)
    from linter.sources import cloudformation, taskdef

    parameters = dict(given.parameters)
    if unit.members:
        from linter.sources import stacks

        return stacks.load(unit, files, budget, parameters)
    if unit.kind == REFUSED:
        return Loaded(None, [ParseProblem(unit.why, Loc(unit.path), False, unit.severity)])
    tree, problems = read_tree(unit.path, files)
    if unit.kind == "":
        # A named file that did not look like ours: lint it only if it turns out to be.
        # Helm charts and such do not parse, and that is not ours to judge.
        if problems and all(p.syntax for p in problems):
            return Loaded(None)
        if not problems and not (cloudformation.is_template(tree) or taskdef.is_taskdef(tree)):
            return Loaded(None)
    if problems:
        return Loaded(None, problems)
    if unit.kind == m.TASKDEF and not taskdef.is_taskdef(tree) and not taskdef.meant(tree):
        return Loaded(None)  # CDK's tree.json holds containerDefinitions deep inside
    if unit.kind == m.TASKDEF or (unit.kind == "" and taskdef.is_taskdef(tree)):
        return taskdef.from_tree(unit.path, tree)
    return cloudformation.from_tree(unit.path, tree, budget, parameters)


def _internal(where: str, loc: Loc, exc: BaseException) -> Finding:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {os.path.basename(frame.filename)}:{frame.lineno}" if frame else ""
    return Finding(
        INTERNAL,
        "error",
        f"internal error in {where}: {type(exc).__name__}: {exc}{at}; please report it",
        loc,
    )


def unit_files(unit: Unit, tpl: m.Template | None) -> list[str]:
    if tpl is not None:
        return list(tpl.files)
    if unit.kind == m.TERRAFORM:
        from linter.sources.tf_files import tf_files

        return tf_files(unit.path)
    return [unit.path]


def lint_unit(
    unit: Unit, rules: dict, result: Result, files: Files, given: Given | None = None
) -> list[Finding]:
    from linter.rules import RULES, FG000_unparseable_input

    out: list[Finding] = []
    work = Budget.for_kind(unit.kind)  # one per unit: evaluating it, then checking it
    try:
        loaded = load_unit(unit, files, work, given)
    except Exception as exc:  # a reader bug must not lose the other files
        result.internal_errors += 1
        return [_internal(f"the reader for {unit.path}", Loc(unit.path), exc)]
    problems = list(loaded.problems)
    tpl = loaded.template
    ran = {"FG000", "FG100"} & set(rules)  # what suppressions can be judged against
    merged = _variants(unit, loaded, rules, result, ran) if loaded.variants else None
    if merged is not None:
        out = merged
    elif tpl is not None:
        out, ctx = _check(unit, tpl, rules, work, result, problems, ran)
        result.coverage += _cover(unit, ctx, work, result)
    else:
        result.unseen += [
            Blind(f"not checked: {p.message}", p.loc) for p in problems if p.severity == "error"
        ][:1]
    if "FG000" in rules:
        out.extend(FG000_unparseable_input.from_problem(p) for p in problems)
    # A named file that turned out not to be ours (package.json) is no report's business.
    reported = unit_files(unit, tpl) if tpl is not None or loaded.problems else []
    spans = tpl.spans if tpl is not None else []
    ignores = list(tpl.ignores) if tpl is not None else []
    for path in reported:
        if not path.endswith(".json"):  # JSON has no comments: a string is not one
            ignores += suppress.comment_ignores(path, spans, files)
    # A suppression of a rule that did not run to the end (a file no rule could read, a
    # crash, a unit too complex) cannot be judged unused.
    out, hidden, stale = suppress.apply(out, ignores, ran, set(RULES))
    out += stale
    if unit.only is not None:
        # A changed file's findings, and those whose explanation passes through it:
        # deleting a NAT route in network.tf strands the service declared in ecs.tf.
        # (`check main.tf` names "main.tf"; the reader's files are "./main.tf".)
        # Internal errors always show: a crash must never read as "0 errors".
        def named(path: str) -> bool:
            return os.path.normpath(path) in unit.only

        def touches(f: Finding) -> bool:
            return f.rule == INTERNAL or named(f.loc.file) or any(named(s.loc.file) for s in f.path)

        out = [f for f in out if touches(f)]
        hidden = [s for s in hidden if touches(s.finding)]
        reported = [f for f in reported if named(f)]
    result.suppressed += hidden
    kind = tpl.kind if tpl is not None else unit.kind
    kind = m.TERRAFORM if kind == m.TFPLAN else kind  # a plan is Terraform to the rules
    result.files.update((f, kind) for f in reported)
    result.files.update((f.loc.file, kind) for f in out if f.loc.file not in result.files)
    return out


def _called(f: Finding, calls: dict[str, Loc]) -> Finding:
    """A finding on a module's resource, with the module calls that made it a first step:
    the module's file says what is wrong, the call says which instance."""
    said = [f.resource, f.message, *(s.message for s in f.path)]
    hops = tuple(
        Step(_call_text(prefix), loc)
        for prefix, loc in calls.items()
        if any(prefix in text for text in said)
    )
    if not hops:
        return f
    hops = tuple(sorted(hops, key=lambda s: len(s.message)))  # the outermost call first
    return replace(f, path=hops + f.path)


def _construct(f: Finding, tpl: m.Template) -> Finding:
    """A finding on a resource the CDK made, with its construct path as the first step:
    the logical id is the CDK's, the path is the one in the app's code."""
    res = tpl.resources.get(f.resource)
    path = tpl.constructs.get(f.resource)
    if res is None or path is None:
        return f
    return replace(f, path=(Step(f"{f.resource} is the CDK construct {path}", res.loc), *f.path))


def _variants(
    unit: Unit, loaded: Loaded, rules: dict, result: Result, ran: set[str]
) -> list[Finding] | None:
    """Undecided conditions: every variant checked (together within a unit's budget) and
    the findings merged; None when one ran out, and the unit is judged as written:
    merging what a variant did not finish would read as "the fault is absent"."""
    from linter.sources.cfn_conditions import merge

    runs, covered, spent = [], [], []
    mine = Budget.for_kind(unit.kind)  # all variants together: as much as the unit
    for variant, one in loaded.variants:
        found, ctx = _check(unit, one, rules, mine, result, spent, ran)
        if spent:
            return None
        runs.append((variant, found))
        covered.append(_cover(unit, ctx, mine, result))
    result.coverage += _merge_coverage(covered)
    return merge(runs)


def _check(
    unit: Unit,
    tpl: m.Template,
    rules: dict,
    work: Budget,
    result: Result,
    problems: list[ParseProblem],
    ran: set[str],
) -> tuple[list[Finding], Context]:
    """Every rule over one template; a rule's crash is an internal error, not the end."""
    ctx, out = Context(tpl), []
    for rule_id, module in rules.items():
        try:
            with budget.active(work):
                out.extend(module.check(ctx))
            ran.add(rule_id)
        except TooComplex as exc:
            # The findings so far stand; the rules left would run out as well.
            where = Loc(tpl.files[0]) if tpl.files else Loc(unit.path)
            problems.append(ParseProblem(f"too complex to check: {exc.what}", where))
            break
        except Exception as exc:
            result.internal_errors += 1
            out.append(_internal(f"rule {rule_id}", Loc(unit.path), exc))
    if tpl.calls:
        out = [_called(f, tpl.calls) for f in out]
    if tpl.constructs:
        out = [_construct(f, tpl) for f in out]
    return out, ctx


def _merge_coverage(covered: list[list[Coverage]]) -> list[Coverage]:
    """A launcher of several variants is decided when every variant decided it."""
    merged: dict[tuple, Coverage] = {}
    for found in covered:
        for c in found:
            key = (c.id, c.loc)
            if key in merged:
                blinds = tuple(dict.fromkeys(merged[key].blinds + c.blinds))
                merged[key] = replace(merged[key], blinds=blinds)
            else:
                merged[key] = c
    return list(merged.values())


def _call_text(prefix: str) -> str:
    """`module.vpc.` is a Terraform module call; `Web/` a nested CloudFormation stack."""
    if prefix.endswith("/"):
        return f"nested stack {prefix[:-1]} is created here, with the parameters it passes"
    return f"{prefix[:-1]} is called here"


def _cover(unit: Unit, ctx: Context, work: Budget, result: Result) -> list[Coverage]:
    """The unit's coverage (and what it could not see, in the result); an internal error
    if assessing it failed."""
    from linter import coverage

    try:
        with budget.active(work):
            found = coverage.assess(ctx)
    except TooComplex as exc:
        found = [
            Coverage(p.svc.id, coverage.kind_of(p.svc), p.svc.loc, (Blind(exc.what, p.svc.loc),))
            for p in ctx.placements
        ]
    except Exception as exc:
        result.internal_errors += 1
        result.findings.append(_internal("the coverage report", Loc(unit.path), exc))
        return []
    if unit.only is not None:  # a pre-commit run: the launchers of the files it names
        found = [c for c in found if os.path.normpath(c.loc.file) in unit.only]
    result.unseen += [b for b in coverage.unseen(ctx.tpl) if b not in result.unseen]
    return found


def run(paths: list[str], rules: dict, settings: Settings | None = None) -> Result:
    settings = settings or Settings()
    files = settings.files or Files.for_paths(paths)
    result = Result(rules=list(rules))
    units = discover(paths, settings.paths, files)
    try:
        _lint_units(units, rules, result, files, settings)
    finally:  # what pairing kept of this run must not meet the next one
        if "linter.sources.stacks" in sys.modules:
            sys.modules["linter.sources.stacks"].forget()
    if settings.paths is not None:  # a Terraform unit may hold excluded files
        wanted = settings.paths.wanted_finding
        result.findings = [f for f in result.findings if wanted(f.loc.file) or f.rule == INTERNAL]
        result.suppressed = [s for s in result.suppressed if wanted(s.finding.loc.file)]
        result.files = {f: k for f, k in result.files.items() if wanted(f)}
        result.coverage = [c for c in result.coverage if wanted(c.loc.file)]
    result.findings = [
        replace(f, severity=settings.severity.get(f.rule, f.severity)) for f in result.findings
    ]
    _relative(result, files)
    result.findings.sort(key=Finding.sort_key)
    result.suppressed.sort(key=lambda s: s.finding.sort_key())
    _fingerprint(result, files)
    if settings.baseline is not None:
        _leave_out(result, Counter(settings.baseline))
    return result


def _lint_units(
    units: list[Unit], rules: dict, result: Result, files: Files, settings: Settings
) -> None:
    if any(u.kind == m.CFN for u in units):
        from linter.sources import stacks

        try:
            units = stacks.pair(units, files, dict(settings.given.parameters), settings.paths)
        except Exception as exc:  # each template is still checked on its own
            result.internal_errors += 1
            result.findings.append(_internal("pairing CloudFormation stacks", Loc("."), exc))
    seen: set[tuple] = set()
    for unit in units:
        result.units += 1
        for f in lint_unit(unit, rules, result, files, settings.given):
            # Once per rule, line and message: two columns of one line (a list of
            # subnets written inline) are one fault to the reader.
            key = (f.rule, f.loc.file, f.loc.line, f.message)
            if key not in seen:
                seen.add(key)
                result.findings.append(f)
        files.forget()


def _relative(result: Result, files: Files) -> None:
    """Every location relative to the root: reports, fingerprints and the baseline name
    files as the repository does, whatever directory the run started in."""

    def loc(x: Loc) -> Loc:
        return replace(x, file=files.rel(x.file))

    def finding(f: Finding) -> Finding:
        steps = tuple(Step(s.message, loc(s.loc)) for s in f.path)
        return replace(f, loc=loc(f.loc), path=steps)

    result.findings = [finding(f) for f in result.findings]
    result.suppressed = [
        Suppressed(finding(s.finding), replace(s.by, loc=loc(s.by.loc))) for s in result.suppressed
    ]
    result.files = {files.rel(f): k for f, k in result.files.items()}
    result.coverage = [
        replace(c, loc=loc(c.loc), blinds=tuple(replace(b, loc=loc(b.loc)) for b in c.blinds))
        for c in result.coverage
    ]
    result.unseen = [replace(b, loc=loc(b.loc)) for b in result.unseen]


def _fingerprint(result: Result, files: Files) -> None:
    # Counted over suppressed findings too: adding a suppression renumbers nothing.
    every = sorted(
        [*result.findings, *(s.finding for s in result.suppressed)], key=Finding.sort_key
    )
    prints = dict(zip(map(id, every), baseline.fingerprints(every, files), strict=True))
    result.findings = [replace(f, fingerprint=prints[id(f)]) for f in result.findings]
    result.suppressed = [
        Suppressed(replace(s.finding, fingerprint=prints[id(s.finding)]), s.by)
        for s in result.suppressed
    ]


def _leave_out(result: Result, known: Counter[str]) -> None:
    """Drop the findings the baseline records, as many times as it records each."""
    kept = []
    for f in result.findings:
        if known[f.fingerprint] > 0 and f.rule != INTERNAL:
            known[f.fingerprint] -= 1
            result.baselined += 1
        else:
            kept.append(f)
    result.findings = kept
