"""JSON written as text inside a template: Terraform's container definitions and
policies (a heredoc, a literal, `file()`), CloudFormation's policy documents
written as a JSON string (`AssumeRolePolicyDocument: |`)."""

from __future__ import annotations

import json

from linter.sources.common import bracket_depth
from linter.values import Unknown, V, rebuild, unknown, wrap

MAX_DEPTH = 100  # JSON in a string nested deeper than any real document is not read


def policy_document(v: V | None) -> V | None:
    """A policy document as the formats take one: a tree, or JSON text (CloudFormation's
    `AssumeRolePolicyDocument: |`, Terraform's heredoc); `jsonencode(...)` and an
    `aws_iam_policy_document`'s `json` are trees already."""
    if v is None or v.value is None:  # Terraform's null: the argument is left out
        return None
    return decode_json_string(v, "policy documents")


def decode_json_string(v: V, what: str = "container definitions") -> V:
    """JSON written as a string (literal, heredoc, file()) becomes a tree; a template
    only partly known keeps its known parts (`partial_json`).

    Positions inside the string are not tracked: every value points at the attribute.
    """
    if isinstance(v.value, Unknown) and v.value.shape:
        return partial_json(v)
    if not isinstance(v.value, str):
        return v
    if bracket_depth(v.value) > MAX_DEPTH:  # escaped brackets pass the file's own check
        return unknown(f"{what} are nested too deeply to read", v.loc)
    try:
        data = json.loads(v.value)
    except ValueError:
        return unknown(f"{what} are not valid JSON", v.loc)
    return wrap(data, v.loc, v.assumed)


_HOLE = "\x00*"  # an unknown part of a JSON template, once it is a JSON value


def partial_json(v: V) -> V:
    """JSON rendered from a template with unknown parts (`"cpu": ${var.cpu}`): the
    shape has `*` for each unknown part; a bare `*` becomes an unknown value, a string
    holding one an unknown string with that shape (an ECR image pattern survives)."""
    shape, reason = v.value.shape, v.value.reason
    text, quoted, escaped = [], False, False
    for ch in shape:
        if quoted:
            escaped = ch == "\\" and not escaped
            quoted = ch != '"' or escaped
        elif ch == '"':
            quoted = True
        elif ch == "*":
            ch = json.dumps(_HOLE)
        text.append(ch)
    try:
        data = json.loads("".join(text))
    except ValueError:
        return v
    if not isinstance(data, (list, dict)):
        return v

    def hole(n: V) -> V:
        if n.value == _HOLE:
            return unknown(reason, n.loc)
        if isinstance(n.value, str) and "*" in n.value:
            return V(Unknown(reason, n.value), n.loc)
        return n

    return rebuild(wrap(data, v.loc, v.assumed), hole)
