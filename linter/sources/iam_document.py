"""`data "aws_iam_policy_document"` built as the AWS provider builds its `json`.

The document is a located tree, not text: each statement points at its
`statement` block, so a decision names the block's line. What the
configuration leaves unknown (a `dynamic` block over a variable, a source
document read from elsewhere) stays unknown in the tree, where the policy
evaluator treats it as a statement that may say anything.

https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
"""

from __future__ import annotations

from collections.abc import Callable

from linter.values import Unknown, V, text

_LISTS = (
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)


def build(inst: V, decode: Callable[[V | None], V | None]) -> V:
    """The policy document of one data-source instance; `decode` reads the JSON of
    `source_policy_documents` and `override_policy_documents`."""
    loc = inst.loc
    statements: list[V] = []
    # Source documents first; this document's statements replace theirs by Sid, and the
    # override documents' replace the result's (statements without a Sid are added).
    for name in ("source_policy_documents", "source_json"):
        for doc in _documents(inst.get(name), decode):
            _merge(statements, _statements_of(doc))
    own = inst.get("statement")
    if own is not None and not own.known:
        _merge(statements, [own])
    else:
        _merge(statements, [_statement(b) for b in (own.items() if own else ())])
    for name in ("override_policy_documents", "override_json"):
        for doc in _documents(inst.get(name), decode):
            _merge(statements, _statements_of(doc))
    out = {
        "Version": inst.get("version") or V("2012-10-17", loc),
        "Statement": V(statements, loc),
    }
    if inst.get("policy_id") is not None:
        out["Id"] = inst.get("policy_id")
    return V(out, loc, inst.assumed)


def _documents(v: V | None, decode: Callable[[V | None], V | None]) -> list[V]:
    if v is None or v.value is None:
        return []
    if not v.known:
        return [v]
    return [d for x in v.items() if (d := decode(x)) is not None]


def _statements_of(doc: V) -> list[V]:
    """A source document's statements; one that cannot be read is one open statement."""
    st = doc.get("Statement") if doc.known and isinstance(doc.value, dict) else None
    if st is None or not st.known:
        return [V(Unknown("a policy document that cannot be read"), doc.loc)]
    return list(st.items())


def _merge(into: list[V], statements: list[V]) -> None:
    for st in statements:
        sid = text(st.get("Sid")) if isinstance(st.value, dict) else None
        at = next((i for i, x in enumerate(into) if sid and text(x.get("Sid")) == sid), None)
        if at is None:
            into.append(st)
        else:
            into[at] = st


def _statement(b: V) -> V:
    if not isinstance(b.value, dict):
        return b
    out: dict[str, V] = {"Effect": b.get("effect") or V("Allow", b.loc)}
    if b.get("sid") is not None:
        out["Sid"] = b.get("sid")
    for hcl, key in _LISTS:
        if b.get(hcl) is not None:
            out[key] = b.get(hcl)
    for hcl, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if b.get(hcl) is not None:
            out[key] = _principals(b.get(hcl))
    if b.get("condition") is not None:
        out["Condition"] = _conditions(b.get("condition"))
    return V(out, b.loc, b.assumed)


def _principals(blocks: V) -> V:
    """`principals { type, identifiers }` blocks as a Principal: `{"Service": [...]}`,
    or `"*"` for type "*"."""
    if not blocks.known:
        return blocks
    out: dict[str, V] = {}
    for b in blocks.items():
        kind, ids = text(b.get("type")), b.get("identifiers")
        if kind is None or ids is None:
            return V(Unknown("a principal whose type is not known"), b.loc)
        if kind == "*":
            return V("*", b.loc)
        prev = out.get(kind)
        items = [*(prev.items() if prev else ()), *(ids.items() if ids.known else [ids])]
        out[kind] = V(items, b.loc)
    return V(out, blocks.loc)


def _conditions(blocks: V) -> V:
    if not blocks.known:
        return blocks
    out: dict[str, V] = {}
    for b in blocks.items():
        test, variable = text(b.get("test")), text(b.get("variable"))
        if test is None or variable is None:
            return V(Unknown("a condition that is not known"), b.loc)
        tests = out.setdefault(test, V({}, b.loc))
        tests.value[variable] = b.get("values") or V([], b.loc)
    return V(out, blocks.loc)
