"""A static, three-valued IAM evaluator for identity, endpoint and trust policies.

`evaluate(documents, request)` answers whether the documents together allow one
API call: YES (an `Allow` matches and no `Deny` may), NO (an explicit `Deny`
matches, or nothing allows it) or UNKNOWN (a `Condition`, an unknown ARN, action
or principal, or a document that cannot be read leaves it open), with the
statement that decides. As in AWS's evaluation logic, an explicit deny wins over
any allow, and without an allow the call is implicitly denied. Nothing here knows
a rule: rules ask about the actions their needs require.

Documents are `V` trees from any reader (CloudFormation, Terraform `jsonencode`,
heredoc JSON), so every decision points at the line of its statement.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from linter.addresses import NO, UNKNOWN, YES
from linter.budget import spend
from linter.values import Loc, V, ref_id, shape, text

IDENTITY, RESOURCE = "identity", "resource"  # resource: endpoint and trust policies


@dataclass(frozen=True)
class Target:
    """What a call acts on, or who makes it, as far as the templates tell: an ARN whose
    unknown parts are `*` (any run of characters) or `?` (one character), and the
    resource in scope it is, when it is one (a policy may name it by reference)."""

    arn: str | None  # None: nothing is known of it; "a|b": it is one of these
    ref: str | None = None  # the resource id in scope
    others: frozenset[str] = frozenset()  # other resources in scope of its kind: not it
    service: bool = False  # a service principal (`ecs-tasks.amazonaws.com`), not a role


@dataclass(frozen=True)
class Request:
    """One API call: `ecr:GetAuthorizationToken` on `*`, by the task's role."""

    action: str
    resource: Target | str | None = "*"  # an ARN; None: not known before deploy
    principal: Target | str | None = None  # None: not known


@dataclass(frozen=True)
class Decision:
    answer: str  # YES, NO or UNKNOWN
    why: str
    loc: Loc | None = None  # the deciding statement (none for an implicit deny)
    # For an implicit deny: an Allow naming the action, but not this resource or principal
    near: Loc | None = None


def evaluate(documents: list[V | None], req: Request, kind: str = IDENTITY) -> Decision:
    """Whether the documents allow the request. A document that is None or not known
    may allow or deny anything: it leaves every answer but an explicit deny open."""
    allows: list[tuple[str, V]] = []
    denies: list[tuple[str, V]] = []
    near: Loc | None = None
    opaque = [d for d in documents if d is None or not d.known]
    for doc in documents:
        if doc is None or not doc.known:
            continue
        for st in _statements(doc):
            spend(1)
            effect = text(st.get("Effect"))
            match = _applies(st, req, kind)
            if match == NO:
                if near is None and effect == "Allow" and _names_action(st, req.action):
                    near = st.loc
                continue
            if effect == "Deny":
                denies.append((match, st))
            elif effect == "Allow":
                allows.append((match, st))
            else:  # a statement we cannot read may be either
                denies.append((UNKNOWN, st))
                allows.append((UNKNOWN, st))
    for match, st in denies:
        if match == YES:
            return Decision(NO, f"an explicit Deny matches {req.action}", st.loc)
    allowed = next((st for match, st in allows if match == YES), None)
    open_deny = next((st for match, st in denies if match == UNKNOWN), None)
    if allowed is not None:
        if open_deny is not None:
            return Decision(
                UNKNOWN, "a Deny may match (its condition or scope is open)", open_deny.loc
            )
        if opaque:
            return Decision(UNKNOWN, "a policy that cannot be read may deny it", allowed.loc)
        return Decision(YES, f"allowed: {req.action}", allowed.loc)
    maybe = next((st for match, st in allows if match == UNKNOWN), None)
    if maybe is not None:
        return Decision(UNKNOWN, "an Allow may match (its condition or scope is open)", maybe.loc)
    if opaque:
        return Decision(UNKNOWN, "a policy that cannot be read may allow it")
    return Decision(NO, f"no statement allows {req.action}", near=near)


def _names_action(st: V, action: str) -> bool:
    return isinstance(st.value, dict) and (
        _either(st, "Action", "NotAction", action, _action) == YES
    )


def _statements(doc: V) -> list[V]:
    """The statements; a document without any, or with something else where they belong,
    is not a policy we can read: one statement that may say anything."""
    st = doc.get("Statement")
    if st is None or not st.known or not isinstance(st.value, (list, dict)):
        return [V(None, doc.loc)]  # unreadable: see _applies
    return [x if isinstance(x.value, dict) or not x.known else V(None, x.loc) for x in st.items()]


def _applies(st: V, req: Request, kind: str) -> str:
    """Whether a statement matches the request (Condition aside): YES, NO or UNKNOWN."""
    if not isinstance(st.value, dict):
        return UNKNOWN
    parts = [
        _either(st, "Action", "NotAction", req.action, _action),
        _either(st, "Resource", "NotResource", _target(req.resource), _names, kind == RESOURCE),
    ]
    if kind == RESOURCE:
        parts.append(_principal(st, _target(req.principal)))
    answer = _all(parts)
    if answer == YES and st.get("Condition") is not None:
        return UNKNOWN  # conditions are not evaluated: the match rests on them
    return answer


def _either(st: V, key: str, not_key: str, value, match, absent: bool = False) -> str:
    """A statement's Action/NotAction (Resource/NotResource) against one value."""
    if st.get(key) is not None:
        return _any(st.get(key), value, match)
    if st.get(not_key) is not None:
        return _negate(_any(st.get(not_key), value, match))
    # An endpoint or trust policy may leave Resource out: it means every resource.
    return YES if absent else UNKNOWN


def _any(patterns: V, value, match) -> str:
    if not patterns.known:  # one entry partly known (`!Sub ...`) may still rule out
        return match(patterns, value) if shape(patterns) else UNKNOWN
    return _best(match(p, value) for p in patterns.items())


def _best(answers) -> str:
    answers = list(answers)
    return YES if YES in answers else UNKNOWN if UNKNOWN in answers else NO


def _target(x: Target | str | None) -> Target:
    return Target(x) if isinstance(x, str) or x is None else x


def _principal(st: V, who: Target) -> str:
    if st.get("Principal") is not None:
        return _principal_in(st.get("Principal"), who)
    if st.get("NotPrincipal") is not None:
        return _negate(_principal_in(st.get("NotPrincipal"), who))
    return UNKNOWN


def _principal_in(v: V, who: Target) -> str:
    if not v.known:
        return UNKNOWN
    if text(v) == "*":
        return YES
    if not isinstance(v.value, dict):
        return UNKNOWN
    answers = []
    for kind, ids in v.value.items():
        if (kind == "Service") != who.service and kind in ("AWS", "Service"):
            answers.append(NO)  # a role is not a service principal, nor the reverse
        elif kind == "AWS" and any(text(p) == "*" for p in ids.items()):
            answers.append(YES)  # every AWS principal
        elif kind == "AWS" and not who.service and any(_account(p) for p in _entries(ids)):
            # An account (its root, or its id) admits every role of it: which account
            # the role is in is not known.
            answers.append(UNKNOWN)
        elif any("*" in (shape(p) or "") or "?" in (shape(p) or "") for p in _entries(ids)):
            # IAM reads a wildcard in a principal's ARN literally (only "*" alone is
            # everyone): whether such a principal is the caller is left open.
            answers.append(UNKNOWN)
        elif kind in ("AWS", "Service"):
            answers.append(_any(ids, who, _names))
        else:  # Federated, CanonicalUser: never a task's role or service
            answers.append(NO)
    return _best(answers)


_ACCOUNT = re.compile(r"arn:[^:]*:iam::[^:]*:root|\d{12}|\*")


def _account(p: V) -> bool:
    written = shape(p)
    return written is not None and _ACCOUNT.fullmatch(written) is not None


def _entries(ids: V) -> list[V]:
    return list(ids.items()) if ids.known else [ids]


def _all(parts: list[str]) -> str:
    return NO if NO in parts else UNKNOWN if UNKNOWN in parts else YES


def _negate(answer: str) -> str:
    return {YES: NO, NO: YES}.get(answer, UNKNOWN)


def _action(pattern: V, action: str) -> str:
    """Actions match case-insensitively (`ECR:Get*` allows `ecr:GetAuthorizationToken`)."""
    s = text(pattern) if pattern.known else None
    if s is None:
        return UNKNOWN
    found = _matches(s.lower(), action.lower())
    return UNKNOWN if found is None else YES if found else NO


def _names(pattern: V, target: Target) -> str:
    """Whether a Resource (or principal) entry names the target: YES, NO or UNKNOWN.

    A reference names the resource it refers to. A written pattern names every ARN
    the target may turn out to be (YES), none of them (NO), or some (UNKNOWN). A
    pattern that is itself partly unknown can only rule a target out."""
    ref = ref_id(pattern)
    if ref is not None:
        if target.ref == ref:
            return YES
        return NO if ref in target.others else UNKNOWN
    if pattern.known and not isinstance(pattern.value, (str, int, float)):
        return UNKNOWN
    written = text(pattern) if pattern.known else shape(pattern)
    if written is None or "${" in written:
        return UNKNOWN  # a policy variable (`${aws:username}`) is filled in per request
    if target.arn is None:
        return YES if written == "*" and pattern.known else UNKNOWN
    arns = target.arn.split("|")
    if not any(_may_overlap(written, a) for a in arns):
        return NO
    if pattern.known and all(_covers(written, a) for a in arns):
        return YES
    return UNKNOWN


# In a target's ARN, `*` stands for an unknown part of a field (a Region, an account, a
# name: never the `:` between fields), `**` for an unknown run of anything and `?` for
# one unknown character. A pattern matches them only with its own wildcards.
_FIELD, _ANY_RUN, _ONE = "\x00", "\x03", "\x01"


def _encoded(arn: str) -> str:
    return arn.replace("**", _ANY_RUN).replace("*", _FIELD).replace("?", _ONE)


def _covers(pattern: str, arn: str) -> bool:
    """Every ARN the target may be matches the pattern."""
    return _matches(pattern, _encoded(arn)) is True


_OVERLAP_CELLS = 250_000  # longer pairs are left open: no template ARN comes near


@functools.lru_cache(maxsize=4096)
def _may_overlap(pattern: str, arn: str) -> bool:
    """Whether some ARN matches both: the two globs intersect (`*` any run and `?` one
    character in the pattern). Decided from the ends backwards, one row at a time."""
    target = _encoded(arn)
    n, k = len(pattern), len(target)
    if (n + 1) * (k + 1) > _OVERLAP_CELLS:
        return True
    spend(1 + n * k // 10)  # about as long as ten cells take
    # meet[j]: pattern[i:] and target[j:] can match the same string, for the row i.
    below = [False] * (k + 1)
    below[k] = True
    for j in range(k - 1, -1, -1):  # an empty pattern meets only runs that may be empty
        below[j] = target[j] in (_FIELD, _ANY_RUN) and below[j + 1]
    for i in range(n - 1, -1, -1):
        row = [False] * (k + 1)
        a = pattern[i]
        row[k] = a == "*" and below[k]
        for j in range(k - 1, -1, -1):
            b = target[j]
            if a == "*":
                row[j] = below[j] or row[j + 1]
            elif b in (_FIELD, _ANY_RUN):
                row[j] = row[j + 1] or ((b == _ANY_RUN or a != ":") and below[j])
            else:
                row[j] = (a == b or a == "?" or b == _ONE) and below[j + 1]
        below = row
    return below[0]


@functools.lru_cache(maxsize=4096)
def _matches(pattern: str, text: str) -> bool | None:
    """IAM's wildcards: `*` any run of characters, `?` any one (never an unknown run of a
    target, which only `*` may cover). A row-by-row table, not a regular expression: a
    pattern of many `*` costs its length times the text's, never more."""
    n, k = len(pattern), len(text)
    if (n + 1) * (k + 1) > _OVERLAP_CELLS:
        return None  # no real pattern is this long: left open
    spend(1 + n * k // 10)
    below = [False] * (k + 1)
    below[k] = True  # an empty pattern matches only the empty rest
    for i in range(n - 1, -1, -1):
        row = [False] * (k + 1)
        a = pattern[i]
        row[k] = a == "*" and below[k]
        for j in range(k - 1, -1, -1):
            b = text[j]
            if a == "*":
                row[j] = below[j] or row[j + 1]
            elif a == "?":
                row[j] = b not in (_FIELD, _ANY_RUN) and below[j + 1]
            else:
                row[j] = a == b and below[j + 1]
        below = row
    return below[0]
