"""A work budget per unit, shared by the CloudFormation and Terraform evaluators.

A few lines of template can ask for unbounded work: `range(1e11)`, nested `for`
expressions, `replace(s, "", s)`, `Fn::Join` over YAML aliases. Every evaluation
step, and the size of every string or collection evaluation builds, is charged
here *before* it is built; running out ends the unit with an FG000 "too complex
to evaluate" finding instead of a hang or an exhausted machine. The limits sit
well above any real template: the generated 5,000-resource Terraform directory
(0.9 MB, near the 1 MiB a directory may hold) takes 48,000 steps, 7,000 cells and
42,000 checks, the largest corpus unit 1,100 steps. At 2-5 µs a step, a unit that
exhausts the budget ends within a second or two.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from linter.values import Loc

MAX_STEPS = 250_000  # evaluation steps per unit
# A template is at most 1 MiB: plain content takes one step per 20 bytes or so (45,000
# for a 1 MB template), so more steps can only come from YAML aliases multiplying it.
MAX_TEMPLATE_STEPS = 200_000
MAX_CELLS = 500_000  # collection elements (and characters / 16) built per unit
MAX_ITEMS = 100_000  # elements of one collection
MAX_CHARS = 2_000_000  # characters of one string
# Rule work (SG rules, NACL entries and CIDRs compared) per unit: placements x subnets x
# groups can multiply.
MAX_CHECKS = 500_000
# Template text (templatefile(), heredocs) parsed per unit; as much again as the files.
MAX_PARSE = 1024 * 1024


class TooComplex(Exception):
    """The unit needs more work than the budget allows; `loc` is set where it ran out."""

    def __init__(self, what: str, loc: Loc | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.loc = loc


@dataclass
class Budget:
    steps: int = MAX_STEPS
    cells: int = MAX_CELLS
    max_items: int = MAX_ITEMS
    max_chars: int = MAX_CHARS
    checks: int = MAX_CHECKS
    parsing: int = MAX_PARSE
    used_steps: int = 0
    used_cells: int = 0
    used_checks: int = 0
    used_parsing: int = 0

    @classmethod
    def for_kind(cls, kind: str) -> Budget:
        """The budget of a unit of this kind (see MAX_TEMPLATE_STEPS)."""
        return cls() if kind == "terraform" else cls(steps=MAX_TEMPLATE_STEPS)

    def step(self) -> None:
        self.used_steps += 1
        if self.used_steps > self.steps:
            raise TooComplex(f"it takes more than {self.steps:,} evaluation steps")

    def items(self, n: int) -> None:
        """Before building a collection of `n` elements."""
        if n > self.max_items:
            raise TooComplex(f"a collection of {n:,} elements (the limit is {self.max_items:,})")
        self._charge(n)

    def chars(self, n: int) -> None:
        """Before building a string of `n` characters."""
        if n > self.max_chars:
            raise TooComplex(f"a string of {n:,} characters (the limit is {self.max_chars:,})")
        self._charge(n // 16)

    def _charge(self, cells: int) -> None:
        self.used_cells += cells
        if self.used_cells > self.cells:
            raise TooComplex("it builds too many values")

    def parse(self, chars: int) -> None:
        """Before parsing `chars` characters of template text."""
        self.used_parsing += chars
        if self.used_parsing > self.parsing:
            raise TooComplex(f"its templates hold more than {self.parsing:,} characters")

    def check(self, n: int) -> None:
        self.used_checks += n
        if self.used_checks > self.checks:
            raise TooComplex(f"checking it takes more than {self.checks:,} comparisons")


# The unit whose rules are running. The network analysis is many small pure functions;
# they charge the unit's budget through this rather than carry it in every signature.
_ACTIVE: ContextVar[Budget | None] = ContextVar("fargate_lint_budget", default=None)


@contextmanager
def active(budget: Budget) -> Iterator[None]:
    token = _ACTIVE.set(budget)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def spend(n: int = 1) -> None:
    """Charge `n` comparisons of rule work to the unit being checked, if any."""
    budget = _ACTIVE.get()
    if budget is not None:
        budget.check(n)
