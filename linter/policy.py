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
from linter.values import Loc, V, text

IDENTITY, RESOURCE = "identity", "resource"  # resource: endpoint and trust policies


@dataclass(frozen=True)
class Request:
    """One API call: `ecr:GetAuthorizationToken` on `*`, by the task's role."""

    action: str
    resource: str | None = "*"  # an ARN; None: not known before deploy
    principal: str | None = None  # an ARN or service principal; None: not known


@dataclass(frozen=True)
class Decision:
    answer: str  # YES, NO or UNKNOWN
    why: str
    loc: Loc | None = None  # the deciding statement (none for an implicit deny)


def evaluate(documents: list[V | None], req: Request, kind: str = IDENTITY) -> Decision:
    """Whether the documents allow the request. A document that is None or not known
    may allow or deny anything: it leaves every answer but an explicit deny open."""
    allows: list[tuple[str, V]] = []
    denies: list[tuple[str, V]] = []
    opaque = [d for d in documents if d is None or not d.known]
    for doc in documents:
        if doc is None or not doc.known:
            continue
        for st in _statements(doc):
            spend(1)
            effect = text(st.get("Effect"))
            match = _applies(st, req, kind)
            if match == NO:
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
    return Decision(NO, f"no statement allows {req.action}")


def _statements(doc: V) -> list[V]:
    st = doc.get("Statement")
    if st is None or not st.known:
        return [V(None, doc.loc)] if st is not None else []  # unreadable: see _applies
    return [x for x in st.items() if isinstance(x.value, dict) or not x.known]


def _applies(st: V, req: Request, kind: str) -> str:
    """Whether a statement matches the request (Condition aside): YES, NO or UNKNOWN."""
    if not isinstance(st.value, dict):
        return UNKNOWN
    parts = [
        _either(st, "Action", "NotAction", req.action, _action),
        _either(st, "Resource", "NotResource", req.resource, _resource, absent=kind == RESOURCE),
    ]
    if kind == RESOURCE:
        parts.append(_principal(st, req.principal))
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
    if not patterns.known:
        return UNKNOWN
    answers = []
    for p in patterns.items():
        s = text(p) if p.known else None
        if s is None:
            answers.append(UNKNOWN)
        elif value is None:
            answers.append(YES if s == "*" else UNKNOWN)
        else:
            answers.append(YES if match(s, value) else NO)
    return YES if YES in answers else UNKNOWN if UNKNOWN in answers else NO


def _principal(st: V, who: str | None) -> str:
    if st.get("Principal") is not None:
        return _principal_in(st.get("Principal"), who)
    if st.get("NotPrincipal") is not None:
        return _negate(_principal_in(st.get("NotPrincipal"), who))
    return UNKNOWN


def _principal_in(v: V, who: str | None) -> str:
    if not v.known:
        return UNKNOWN
    if text(v) == "*":
        return YES
    if not isinstance(v.value, dict):
        return UNKNOWN
    answers = [_any(ids, who, _resource) for ids in v.value.values()]
    return YES if YES in answers else UNKNOWN if UNKNOWN in answers else NO


def _all(parts: list[str]) -> str:
    return NO if NO in parts else UNKNOWN if UNKNOWN in parts else YES


def _negate(answer: str) -> str:
    return {YES: NO, NO: YES}.get(answer, UNKNOWN)


def _action(pattern: str, action: str) -> bool:
    """Actions match case-insensitively (`ECR:Get*` allows `ecr:GetAuthorizationToken`)."""
    return _glob(pattern.lower()).fullmatch(action.lower()) is not None


def _resource(pattern: str, arn: str) -> bool:
    return _glob(pattern).fullmatch(arn) is not None


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern:
    """IAM's wildcards: `*` any run of characters, `?` any one."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)
