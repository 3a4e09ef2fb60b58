"""Both branches of a CloudFormation condition nobody can decide before deploy.

A condition over a parameter with no value (`IsFargate: !Equals [!Ref LaunchType,
FARGATE]`) is unknown, and so is every `Fn::If` on it. Rather than go blind there,
the unit is judged once per way the parameters can decide its conditions: each
parameter compared with literals takes each literal in turn, and once "something
else". A fault found in every variant is reported as found; one found in some only
is a warning naming the conditions under which it holds (catalogue §0.1). Parameters
that do not meet such a comparison stay unknown, as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from linter.budget import Budget, TooComplex
from linter.findings import Finding
from linter.values import Loc

MAX_VARIANTS = 8  # each variant is checked in full: bounded like every evaluation
T = TypeVar("T")


@dataclass(frozen=True)
class Variant:
    """Values for the undecided parameters, and what they make of each condition."""

    values: tuple[tuple[str, str], ...]  # parameter -> a literal it is compared with
    others: frozenset[str]  # parameters that equal none of their literals
    conditions: tuple[tuple[str, bool], ...]  # the undecided conditions, decided here


def variants(
    trees: list[tuple[str, dict]], given: dict[str, str], budget: Budget | None = None
) -> list[Variant]:
    """The variants of a unit's top-level templates, or [] when every condition is
    decided (or there would be more than MAX_VARIANTS). Every evaluation is charged to
    `budget`; running out ends in TooComplex, as anywhere."""
    from linter.sources.cloudformation import Resolver, given_facts

    budget = budget or Budget()
    literals: dict[str, set[str]] = {}
    other: set[str] = set()  # parameters that may take a value none compares with
    undecided: list[tuple[str, str, dict]] = []  # (path, condition, tree)
    for path, tree in trees:
        rs = Resolver(path, tree, budget, given=given_facts(path, given))
        seen: dict[str, list[tuple[str, str]]] = {}
        for name in rs.conditions:
            if rs.condition(str(name), Loc(path)).known:
                continue
            undecided.append((path, str(name), tree))
            for param, literal in _comparisons(rs, str(name), path, seen):
                literals.setdefault(param, set()).add(literal)
                values = rs.params[param].get("AllowedValues")
                allowed = {str(v) for v in values} if isinstance(values, list) else None
                if allowed is None or allowed - literals[param]:
                    other.add(param)
    if not literals:
        return []
    choices = []
    for param in sorted(literals):
        options: list[str | None] = sorted(literals[param])
        if param in other:
            options.append(None)  # some other value
        choices.append([(param, v) for v in options])
    combos = list(itertools.islice(itertools.product(*choices), MAX_VARIANTS + 1))
    if len(combos) > MAX_VARIANTS:
        return []
    out = []
    for combo in combos:
        values = tuple((p, v) for p, v in combo if v is not None)
        others = frozenset(p for p, v in combo if v is None)
        decided = []
        resolvers: dict[str, Resolver] = {}
        for path, name, tree in undecided:
            if path not in resolvers:  # one per template and variant: conditions memoised
                facts = given_facts(path, {**given, **dict(values)})
                resolvers[path] = Resolver(path, tree, budget, given=facts)
                resolvers[path].others = others
            v = resolvers[path].condition(name, Loc(path))
            if v.known and isinstance(v.value, bool):
                decided.append((name, v.value))
        out.append(Variant(values, others, tuple(dict.fromkeys(decided))))
    return out


def _comparisons(
    rs: Any, name: str, path: str, seen: dict[str, list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    """(parameter, literal) for every `Fn::Equals` of a parameter without a value with
    something known, inside a condition and the conditions it names (each once)."""
    if name not in seen:
        seen[name] = []  # a cycle ends here
        seen[name] = _compared(rs, rs.conditions.get(name), path, seen, 0)
    return seen[name]


def _compared(
    rs: Any, node: Any, path: str, seen: dict[str, list[tuple[str, str]]], depth: int
) -> list[tuple[str, str]]:
    rs.budget.step()
    if depth > 50 or not isinstance(node, dict) or len(node) != 1:
        return []
    ((fn, arg),) = node.items()
    if fn == "Condition" and isinstance(arg, str) and arg in rs.conditions:
        return _comparisons(rs, arg, path, seen)
    if fn in ("Fn::And", "Fn::Or", "Fn::Not") and isinstance(arg, list):
        # each pair once: a condition that names another twice must not double its list
        return list(dict.fromkeys(c for x in arg for c in _compared(rs, x, path, seen, depth + 1)))
    if fn == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
        for a, b in (arg, arg[::-1]):
            param = rs.compared(a)
            v = rs.value(b, Loc(path))
            if param and v is not None and v.known and isinstance(v.value, (str, int, float)):
                return [(param, str(v.value))]
    return []


def build_variants(
    trees: list[tuple[str, dict]],
    given: dict[str, str],
    build: Callable[[dict[str, str], frozenset[str], Budget], T],
) -> list[tuple[Variant, T]]:
    """One template per variant. All of them share one budget the size of a unit's, apart
    from the unit's own: variants that need more leave the unit judged as written
    (conditions unknown), and judging them costs at most what the unit itself may."""
    work = Budget.for_kind("cloudformation")
    try:
        found = variants(trees, given, work)
        return [(v, build({**given, **dict(v.values)}, v.others, work)) for v in found]
    except TooComplex:
        return []


def label(v: Variant) -> str:
    return ", ".join(f"{name} is {str(value).lower()}" for name, value in v.conditions)


def merge(runs: list[tuple[Variant, list[Finding]]]) -> list[Finding]:
    """One list of findings from the variants': a finding in every variant as found;
    in some, a warning (at most) that names the conditions under which it holds."""
    from dataclasses import replace

    # The same fault of the same resource, whatever subnet or value each variant names:
    # a service stranded in both branches of an Fn::If is stranded.
    def key(f: Finding) -> tuple:
        return (f.rule, f.loc.file, f.loc.line, f.resource)

    # per fault: the weakest of its findings, and the variants it was found in
    seen: dict[tuple, tuple[Finding, list[Variant]]] = {}
    for variant, found in runs:
        count: dict[tuple, int] = {}
        for f in found:  # the n-th such finding of a variant matches the n-th of another
            k = key(f)
            count[k] = count.get(k, 0) + 1
            kept, where = seen.setdefault((*k, count[k]), (f, []))
            if _RANK.get(f.severity, 0) < _RANK.get(kept.severity, 0):
                seen[(*k, count[k])] = (f, where)  # one that rests on a default
            where.append(variant)
    out = []
    for f, where in seen.values():
        if len(where) == len(runs):
            out.append(f)
            continue
        held = _held(where, [v for v, _ in runs])
        severity = "warning" if f.severity == "error" else f.severity
        out.append(replace(f, severity=severity, message=f"{f.message} (only when {held})"))
    return out


_RANK = {"info": 0, "warning": 1, "error": 2}


def _held(where: list[Variant], every: list[Variant]) -> str:
    """The conditions that hold in all of `where`: what the finding rests on."""
    common = set(where[0].conditions)
    for v in where[1:]:
        common &= set(v.conditions)
    # Only those that tell these variants from the others.
    told = [(n, b) for n, b in where[0].conditions if (n, b) in common]
    told = [(n, b) for n, b in told if any((n, b) not in set(v.conditions) for v in every)]
    if told:
        return " and ".join(f"condition {n} is {str(b).lower()}" for n, b in told)
    return " or ".join(f"({label(v)})" for v in where) or "some values of its parameters"
