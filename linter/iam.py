"""Roles and what they may do: every policy that reaches a role in scope, and whether
together they allow one call (catalogue §H).

A role's permissions are its inline policies, the policies written on it from
elsewhere (AWS::IAM::Policy `Roles`, aws_iam_role_policy), the managed policies
attached to it (ManagedPolicyArns, aws_iam_role_policy_attachment, ...) and, as
a ceiling, its permissions boundary. AWS managed policies are read from
`data/managed_policies.json`; any other policy from outside the unit may allow
anything, so it leaves an answer open. Absence of a permission is concluded only
in the closed world (§0.2): the role is created in scope, nothing that may attach
policies to it is hidden (a module not read, a count not known), and an exported
role is only assumed to get nothing more from other stacks.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from linter import model as m
from linter.addresses import NO, UNKNOWN, YES
from linter.budget import spend
from linter.findings import Step
from linter.policy import IDENTITY, Request, Target, evaluate
from linter.values import Loc, Unknown, V, ref_id, shape, text, wrap

_ATTACHING = (
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::RolePolicy",
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_role_policy_attachments_exclusive",
)


@dataclass(frozen=True)
class Managed:
    name: str
    arn: str
    version: str
    updated: str
    document: object  # plain JSON


@functools.cache
def managed_policies() -> dict[str, Managed]:
    """The AWS managed policies we know, by ARN."""
    raw = resources.files("linter").joinpath("data/managed_policies.json").read_text("utf-8")
    out = {}
    for name, p in json.loads(raw)["policies"].items():
        out[p["arn"]] = Managed(name, p["arn"], p["version"], p["updated"], p["document"])
    return out


@dataclass(frozen=True)
class Source:
    """One policy document that reaches a role, and how it is described."""

    label: str  # "inline policy of TaskRole", "AmazonECSTaskExecutionRolePolicy (AWS managed…)"
    document: V | None  # None: a policy from outside the unit, which may say anything
    loc: Loc  # where it is attached


@dataclass(frozen=True)
class Permissions:
    """Everything that decides what a role may do."""

    role: m.Role
    sources: tuple[Source, ...]
    boundary: Source | None
    open: tuple[str, ...]  # why more policies may reach the role (answers stay open)
    assumed: tuple[str, ...]  # why no more are assumed to (answers are warnings)


# How a statement decides a call, as an explanation says it of the actions it decides.
ALLOWS, DENIES, ELSEWHERE, CEILING = (
    "allows",
    "a Deny statement matches",
    "allows only other resources for",
    "does not allow (permissions boundary)",
)


@dataclass(frozen=True)
class Deciding:
    """The statement that decides one call: its policy, how, and where."""

    label: str
    how: str  # ALLOWS, DENIES, ELSEWHERE or CEILING
    loc: Loc


@dataclass(frozen=True)
class Verdict:
    answer: str  # YES, NO or UNKNOWN
    why: str
    steps: tuple[Step, ...]  # the role and the policies it has (alike for every call)
    deciding: Deciding | None  # None: nothing allows it (an implicit deny)
    assumed: tuple[str, ...]


def others_of(tpl: m.Template, rid: str) -> frozenset[str]:
    """The other resources in scope of the same type: a reference to one of them does
    not name `rid`."""
    kind = tpl.types.get(rid)
    return frozenset(i for i, t in tpl.types.items() if t == kind and i != rid)


def deciding_steps(verdicts: list[tuple[str, Verdict]]) -> list[Step]:
    """One step per deciding statement, naming every action it decides."""
    grouped: dict[Deciding, list[str]] = {}
    for action, v in verdicts:
        if v.deciding is not None:
            grouped.setdefault(v.deciding, []).append(action)
    return [Step(f"{d.label}: {d.how} {', '.join(a)}", d.loc) for d, a in grouped.items()]


class Roles:
    """The roles of one unit, with the policies that reach each (computed once)."""

    def __init__(self, tpl: m.Template):
        self.tpl = tpl
        self._perms: dict[str, Permissions] = {}

    def role(self, v: V | None) -> m.Role | None:
        """The role in scope a task definition or launcher names (ARN or name)."""
        return self.tpl.deref(v, m.Role)

    def principal(self, role: m.Role | None) -> Target:
        """The role as a policy's principal sees it: its ARN as far as known (a path may
        sit before the name), and the role in scope a reference names."""
        if role is None:
            return Target(None)
        others = others_of(self.tpl, role.id)
        name = text(role.name) if role.name is not None else None
        if not name:
            return Target("arn:*:iam::*:role/**", ref=role.id, others=others)
        arns = f"arn:*:iam::*:role/{name}|arn:*:iam::*:role/**/{name}"
        return Target(arns, ref=role.id, others=others)

    def permissions(self, role: m.Role) -> Permissions:
        if role.id not in self._perms:
            self._perms[role.id] = self._collect(role)
        return self._perms[role.id]

    def allows(self, role: m.Role, req: Request) -> Verdict:
        """Whether the role's policies allow the call, with the statement that decides."""
        perms = self.permissions(role)
        docs = [s.document for s in perms.sources]
        decision = evaluate(docs, req, IDENTITY)
        answer, why = decision.answer, decision.why
        if answer == NO and decision.loc is None and perms.open:
            answer, why = UNKNOWN, perms.open[0]
        steps = [Step(f"role {role.id} has {_count(perms)}", role.loc)]
        steps += [Step(f"{src.label} is attached (here)", src.loc) for src in perms.sources]
        deciding = None
        source = _source_of(perms.sources, decision.loc or decision.near)
        label = source.label if source is not None else f"a policy of {role.id}"
        if decision.loc is not None and answer in (YES, NO):
            deciding = Deciding(label, ALLOWS if answer == YES else DENIES, decision.loc)
        elif answer == NO and decision.near is not None:
            deciding = Deciding(label, ELSEWHERE, decision.near)
        if answer == YES and perms.boundary is not None:
            ceiling = evaluate([perms.boundary.document], req, IDENTITY)
            if ceiling.answer != YES:
                answer, why = ceiling.answer, f"its permissions boundary: {ceiling.why}"
                where = ceiling.loc or perms.boundary.loc
                deciding = Deciding(perms.boundary.label, CEILING, where)
        assumed = perms.assumed if answer == NO else ()
        return Verdict(answer, why, tuple(steps), deciding, assumed)

    def _collect(self, role: m.Role) -> Permissions:
        tpl = self.tpl
        sources: list[Source] = []
        open_: list[str] = []
        for doc in role.inline:
            sources.append(Source(f"an inline policy of {role.id}", doc, doc.loc))
        if not role.inline_known:
            open_.append(f"the inline policies of {role.id} are not known")
        for arn in role.managed.items() if role.managed is not None else ():
            sources.append(self._managed(arn, role))
        if role.managed is not None and not role.managed.known:
            open_.append(f"the managed policies of {role.id}: {role.managed.value.reason}")
        policies, attachments = tpl.of(m.Policy), tpl.of(m.PolicyAttachment)
        spend(1 + len(policies) + len(attachments))  # every role reads them all
        for p in policies:
            names = self._names(p.roles, role)
            if names == YES:
                sources.append(Source(f"policy {p.id}", p.document, p.loc))
            elif names == UNKNOWN:
                open_.append(f"policy {p.id} may be attached to {role.id}")
        for a in attachments:
            names = self._names(a.roles, role)
            if names == UNKNOWN:
                open_.append(f"{a.id} may attach policies to {role.id}")
            elif names == YES:
                items = a.policies.items() if a.policies is not None else ()
                sources.extend(self._managed(arn, role) for arn in items)
                if a.policies is None or not a.policies.known:
                    open_.append(f"the policies {a.id} attaches are not known")
        if role.id in tpl.handed:
            open_.append(f"{role.id} is handed to {tpl.handed[role.id]}, which was not read")
        if why := tpl.uncertain_why(*_ATTACHING):
            open_.append(why)
        boundary = None
        if role.boundary is not None:
            boundary = self._managed(role.boundary, role, "the permissions boundary")
        assumed = [a for t in _ATTACHING for a in tpl.dropped.get(t, ())]
        if role.id in tpl.exported:
            assumed.append(f"{role.id} is shared with other stacks or modules (they may add)")
        return Permissions(
            role, tuple(sources), boundary, tuple(open_), tuple(dict.fromkeys(assumed))
        )

    def _managed(self, arn: V, role: m.Role, what: str = "managed policy") -> Source:
        """A managed policy named by ARN: one in scope, one we know, or one that may say
        anything."""
        policy = self.tpl.deref(arn, m.Policy)
        if policy is not None:
            return Source(f"{what} {policy.id}", policy.document, arn.loc)
        known = managed_policies().get(_aws_arn(arn))
        if known is not None:
            label = f"{known.name} (AWS managed, {known.version} of {known.updated})"
            return Source(label, wrap(known.document, arn.loc), arn.loc)
        name = text(arn) or (arn.value.reason if isinstance(arn.value, Unknown) else "")
        return Source(f"{what} {name or 'not known'}", None, arn.loc)

    def _names(self, v: V | None, role: m.Role) -> str:
        """Whether a policy's or attachment's role list includes the role."""
        if v is None:
            return NO
        if not v.known:
            return UNKNOWN
        answers = []
        for x in v.items():
            if ref_id(x) is not None:
                answers.append(YES if ref_id(x) == role.id else NO)
            elif not x.known:
                answers.append(UNKNOWN)
            else:  # a role name written out: this role only if its name is that
                name = text(role.name)
                if name is not None:
                    answers.append(YES if text(x) == name else NO)
                else:
                    answers.append(UNKNOWN if role.name is not None else NO)
        return YES if YES in answers else UNKNOWN if UNKNOWN in answers else NO


# `arn:${AWS::Partition}:iam::aws:policy/...`: the same AWS managed policy in any partition.
_ANY_PARTITION = re.compile(r"arn:(?:aws|aws-cn|aws-us-gov|\*):iam::aws:policy/([^*]+)")


def _aws_arn(arn: V) -> str:
    """The ARN of an AWS managed policy as the data lists it, whatever its partition."""
    mt = _ANY_PARTITION.fullmatch(shape(arn) or "")
    return f"arn:aws:iam::aws:policy/{mt.group(1)}" if mt else ""


def _count(perms: Permissions) -> str:
    n = len(perms.sources)
    return "no policies" if n == 0 else "1 policy" if n == 1 else f"{n} policies"


def _source_of(sources: tuple[Source, ...], loc: Loc | None) -> Source | None:
    """The policy a statement at `loc` belongs to."""
    if loc is None:
        return None
    for s in sources:
        if s.document is None:
            continue
        st = s.document.get("Statement")
        for x in st.items() if st is not None else ():
            if x.loc == loc:
                return s
        if s.document.loc == loc:
            return s
    return None
