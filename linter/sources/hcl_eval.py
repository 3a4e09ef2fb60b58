"""Evaluate HCL expressions from python-hcl2's parse tree into located `V` values.

python-hcl2 parses; this module only evaluates: references, `count` and
`for_each` instances, locals, variables, `for` expressions, splats, conditionals
and the functions templates use to build networks and container definitions.
Anything that depends on a `data` source, a module output, an unset variable or
a function we do not model is `Unknown`, never a guess.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Callable
from typing import Any

from lark import Token, Tree

from linter.values import Loc, Ref, Unknown, V, plain, same, unknown

_SKIP = {"new_line_or_comment"}
_PUNCT = {
    "LPAR", "RPAR", "LSQB", "RSQB", "LBRACE", "RBRACE", "COMMA", "DOT", "EQ", "COLON",
    "QMARK", "DBLQUOTE", "INTERP_START", "ELLIPSIS", "FOR", "IN", "IF", "FOR_OBJECT_ARROW",
    "COLONS",
}  # fmt: skip
MAX_DEPTH = 200  # evaluation depth; deeper input is unknown rather than a crash


def children(t: Tree) -> list[Any]:
    """Meaningful children: no comments/newlines, no punctuation tokens."""
    out = []
    for c in t.children:
        if isinstance(c, Tree):
            if c.data not in _SKIP:
                out.append(c)
        elif isinstance(c, Token) and c.type not in _PUNCT:
            out.append(c)
    return out


def name_of(t: Any) -> str:
    """The text of an identifier-like node or a plain string label."""
    if isinstance(t, Token):
        return str(t)
    if t.data == "string":
        return "".join(str(p.children[0]) for p in children(t) if isinstance(p.children[0], Token))
    return "".join(name_of(c) for c in children(t))


class Scope:
    """Names visible to an expression: count, each, for-expression variables."""

    def __init__(self, names: dict[str, V] | None = None, parent: Scope | None = None):
        self.names = names or {}
        self.parent = parent

    def lookup(self, name: str) -> V | None:
        s: Scope | None = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None

    def child(self, names: dict[str, V]) -> Scope:
        return Scope(names, self)


class Evaluator:
    """Evaluates expressions of one Terraform unit (a module directory)."""

    def __init__(self, directory: str, file: str = "") -> None:
        self.directory = directory
        self.file = file
        # name -> thunk giving its value; filled by the Terraform reader.
        self.variables: dict[str, Callable[[], V]] = {}
        self.locals: dict[str, Callable[[], V]] = {}
        # "type.name" -> callable(attr_path) -> V, filled by the reader
        self.resources: dict[str, Callable[[Loc], V]] = {}
        self.depth = 0

    def loc(self, t: Any, file: str | None = None) -> Loc:
        at = getattr(t, "meta", None) or t  # a tree's meta, or a token itself
        return Loc(
            file or self.file,
            getattr(at, "line", None) or 1,
            getattr(at, "column", None) or 1,
            getattr(at, "end_line", None) or 0,
            getattr(at, "end_column", None) or 0,
        )

    # -- entry point -----------------------------------------------------------------

    def eval(self, t: Any, scope: Scope) -> V:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return unknown("expression nested too deeply", self.loc(t))
            return self._eval(t, scope)
        except RecursionError:
            return unknown("expression nested too deeply", self.loc(t))
        finally:
            self.depth -= 1

    def _eval(self, t: Any, scope: Scope) -> V:
        loc = self.loc(t)
        if isinstance(t, Token):
            return V(str(t), loc)
        handler = getattr(self, "_" + t.data, None)
        if handler is None:
            return unknown(f"unsupported expression {t.data}", loc)
        return handler(t, scope, loc)

    # -- literals -----------------------------------------------------------------------

    def _expr_term(self, t, scope, loc):
        kids = children(t)
        if len(kids) != 1:
            return unknown("expression", loc)
        return self.eval(kids[0], scope)

    def _int_lit(self, t, scope, loc):
        return V(int(str(t.children[0])), loc)

    def _float_lit(self, t, scope, loc):
        return V(float(str(t.children[0])), loc)

    def _literal_value(self, t, scope, loc):
        word = str(t.children[0])
        return V({"true": True, "false": False, "null": None}[word], loc)

    def _string(self, t, scope, loc):
        from hcl2.utils import process_escape_sequences

        parts: list[str] = []
        assumed: list[str] = []
        missing: list[str] = []
        for part in children(t):
            inner = part.children[0]
            if isinstance(inner, Token):
                if inner.type == "STRING_CHARS":
                    parts.append(process_escape_sequences(str(inner)))
                elif inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    parts.append(str(inner)[1:])
                continue
            if inner.data != "interpolation":
                return unknown("template directive", loc)
            v = self.eval(children(inner)[0], scope)
            if not v.known or isinstance(v.value, (list, dict, Ref)):
                missing.append(v.value.reason if not v.known else "a non-string value")
                parts.append(v.value.shape or "*" if not v.known else "*")
                continue
            assumed.extend(v.assumed)
            parts.append(_to_str(v.value))
        if missing:
            return V(Unknown(f"interpolation of {missing[0]}", "".join(parts)), loc)
        return V("".join(parts), loc, tuple(dict.fromkeys(assumed)))

    def _heredoc_template(self, t, scope, loc, trim=False):
        from hcl2.utils import HEREDOC_PATTERN, HEREDOC_TRIM_PATTERN

        raw = str(t.children[0])
        match = (HEREDOC_TRIM_PATTERN if trim else HEREDOC_PATTERN).match(raw)
        if not match:
            return unknown("heredoc", loc)
        body = match.group(2)
        if body.endswith("\n"):
            body = body[:-1]
        # The closing marker may be indented; drop the indentation left on the last line.
        body = body.rstrip(" \t")
        indent = 0
        if trim:
            lines = body.split("\n")
            indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
            body = "\n".join(x[indent:] for x in lines)
        if "${" not in body and body.lstrip().startswith(("[", "{")):
            # JSON (container definitions, policies): keep positions inside it.
            from linter.sources.taskdef import json_value

            located = json_value(body, self.file, loc.line + 1, indent)
            if located is not None:
                return located
        return self.template(body, scope, loc)

    def _heredoc_template_trim(self, t, scope, loc):
        return self._heredoc_template(t, scope, loc, trim=True)

    def template(self, body: str, scope: Scope, loc: Loc) -> V:
        """A string template (heredoc, file body) with ${...} interpolations evaluated."""
        if "${" not in body and "%{" not in body:
            return V(body, loc)
        from linter.sources.hcl_parse import parse_hcl

        quoted = body.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        try:
            tree = parse_hcl(f'x = "{quoted}"')
        except Exception:  # python-hcl2 raises lark errors of several kinds
            return unknown("template with unsupported syntax", loc)
        attr = next(c for c in children(children(tree)[0]) if c.data == "attribute")
        v = self.eval(children(attr)[-1], scope)
        return V(v.value, loc, v.assumed)

    def _template_string(self, t, scope, loc):
        return unknown("template string", loc)

    # -- collections ----------------------------------------------------------------------

    def _tuple(self, t, scope, loc):
        return V([self.eval(c, scope) for c in children(t)], loc)

    def _object(self, t, scope, loc):
        out: dict[str, V] = {}
        for elem in children(t):
            kids = children(elem)
            key_node, val_node = kids[0], kids[-1]
            key = self._object_key(key_node, scope)
            if key is None:
                return unknown("object with a computed key", loc)
            out[key] = self.eval(val_node, scope)
        return V(out, loc)

    def _object_key(self, key_node, scope) -> str | None:
        inner = children(key_node)[0]
        if isinstance(inner, Tree) and inner.data == "keyword":
            return str(inner.children[0])
        # A bare identifier key is a name, not a variable reference.
        ident = _bare_identifier(inner)
        if ident is not None:
            return ident
        v = self.eval(inner, scope)
        if v.known and isinstance(v.value, (str, int, float, bool)):
            return _to_str(v.value)
        return None

    # -- operators ------------------------------------------------------------------------

    def _conditional(self, t, scope, loc):
        cond, a, b = children(t)
        c = self.eval(cond, scope)
        if c.known and isinstance(c.value, bool):
            chosen = self.eval(a if c.value else b, scope)
            return V(chosen.value, chosen.loc, tuple(dict.fromkeys(c.assumed + chosen.assumed)))
        va, vb = self.eval(a, scope), self.eval(b, scope)
        if same(va, vb):
            return va
        return unknown("conditional on an unknown value", loc)

    def _binary_op(self, t, scope, loc):
        left_node, term = children(t)[:2]
        op_node, right_node = children(term)
        op = str(children(op_node)[0]) if isinstance(op_node, Tree) else str(op_node)
        left = self.eval(left_node, scope)
        if op in ("&&", "||") and left.known and isinstance(left.value, bool):
            if op == "&&" and left.value is False:
                return V(False, loc, left.assumed)
            if op == "||" and left.value is True:
                return V(True, loc, left.assumed)
        right = self.eval(right_node, scope)
        if not (left.known and right.known):
            return unknown("operation on an unknown value", loc)
        a, b = plain(left), plain(right)
        assumed = tuple(dict.fromkeys(left.assumed + right.assumed))
        try:
            result = _BINOPS[op](a, b)
        except (TypeError, ValueError, ZeroDivisionError, KeyError):
            return unknown(f"operator {op}", loc)
        return V(result, loc, assumed)

    def _unary_op(self, t, scope, loc):
        op, operand = t.children[0], children(t)[-1]
        v = self.eval(operand, scope)
        if not v.known:
            return v
        if str(op) == "!" and isinstance(v.value, bool):
            return V(not v.value, loc, v.assumed)
        if str(op) == "-" and isinstance(v.value, (int, float)):
            return V(-v.value, loc, v.assumed)
        return unknown("unary operator", loc)

    # -- references -----------------------------------------------------------------------

    def _identifier(self, t, scope, loc):
        name = str(t.children[0])
        local = scope.lookup(name)
        if local is not None:
            return local
        return self.traverse(name, [], scope, loc)

    def _get_attr_expr_term(self, t, scope, loc):
        return self._chain(t, scope, loc)

    def _index_expr_term(self, t, scope, loc):
        return self._chain(t, scope, loc)

    def _attr_splat_expr_term(self, t, scope, loc):
        return self._chain(t, scope, loc)

    def _full_splat_expr_term(self, t, scope, loc):
        return self._chain(t, scope, loc)

    def _chain(self, t, scope, loc):
        """Flatten `a.b[0].c` into a root and a list of steps, then traverse."""
        steps: list[tuple[str, Any]] = []
        node = t
        while isinstance(node, Tree) and node.data in (
            "get_attr_expr_term", "index_expr_term", "attr_splat_expr_term",
            "full_splat_expr_term", "expr_term",
        ):  # fmt: skip
            kids = children(node)
            if node.data == "expr_term":
                if len(kids) != 1:
                    break
                node = kids[0]
                continue
            base, op = kids[0], kids[1]
            steps[:0] = self._steps(op, scope)
            node = base
        if isinstance(node, Tree) and node.data == "identifier":
            name = str(node.children[0])
            local = scope.lookup(name)
            if local is not None:
                return self.apply(local, steps, loc)
            return self.traverse(name, steps, scope, loc)
        return self.apply(self.eval(node, scope), steps, loc)

    def _steps(self, op, scope) -> list[tuple[str, Any]]:
        if op.data == "get_attr":
            return [("attr", name_of(children(op)[0]))]
        if op.data == "braces_index":
            return [("index", self.eval(children(op)[0], scope))]
        if op.data == "short_index":
            return [("index", V(int(str(children(op)[0])), self.loc(op)))]
        if op.data in ("attr_splat", "full_splat"):
            rest: list[tuple[str, Any]] = []
            for c in children(op):
                if isinstance(c, Tree):
                    rest.extend(self._steps(c, scope))
            return [("splat", rest)]
        return [("unknown", op.data)]

    def traverse(self, root: str, steps: list, scope: Scope, loc: Loc) -> V:
        """Resolve a reference that starts at a top-level name."""
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if root == "var" and first is not None:
            thunk = self.variables.get(first)
            if thunk is None:
                return unknown(f"undeclared variable {first}", loc)
            return self.apply(_at(thunk(), loc), steps[1:], loc)
        if root == "local" and first is not None:
            thunk = self.locals.get(first)
            if thunk is None:
                return unknown(f"undeclared local {first}", loc)
            return self.apply(_at(thunk(), loc), steps[1:], loc)
        if root == "data":
            return unknown("data source", loc)
        if root == "module":
            return unknown(f"output of module {first}", loc)
        if root == "path" and first in ("module", "root", "cwd"):
            return V(self.directory, loc)
        if root in ("count", "each", "self", "terraform"):
            return unknown(f"{root}.{first}", loc)
        if first is not None:
            addr = f"{root}.{first}"
            resolver = self.resources.get(addr)
            if resolver is not None:
                return self.apply(resolver(loc), steps[1:], loc)
        return unknown(f"reference to {root}", loc)

    def apply(self, v: V, steps: list, loc: Loc) -> V:
        for i, (kind, arg) in enumerate(steps):
            if not v.known:
                return V(v.value, loc, v.assumed)
            if kind == "splat":
                if v.value is None:
                    return V([], loc)
                items = v.value if isinstance(v.value, list) else [v]
                return V([self.apply(x, arg, loc) for x in items], loc, v.assumed)
            if kind == "attr":
                v = _attr(v, arg, loc)
            elif kind == "index":
                if not arg.known:
                    return unknown("index is unknown", loc)
                v = _index(v, arg.value, loc)
            else:
                return unknown(str(arg), loc)
            if isinstance(v.value, Ref) and i + 1 < len(steps):
                # a.b.c on a resource: keep the first attribute, it is what names it.
                return v
        return v

    # -- for expressions ------------------------------------------------------------------

    def _for_tuple_expr(self, t, scope, loc):
        kids = children(t)
        intro, body = kids[0], kids[1]
        cond = kids[2] if len(kids) > 2 else None
        out = []
        for inner in self._for_scopes(intro, cond, scope):
            if inner is None:
                return unknown("for expression over unknown values", loc)
            out.append(self.eval(body, inner))
        return V(out, loc)

    def _for_object_expr(self, t, scope, loc):
        kids = children(t)
        intro, key_node, val_node = kids[0], kids[1], kids[2]
        cond = next((k for k in kids[3:] if isinstance(k, Tree) and k.data == "for_cond"), None)
        out: dict[str, V] = {}
        for inner in self._for_scopes(intro, cond, scope):
            if inner is None:
                return unknown("for expression over unknown values", loc)
            k = self.eval(key_node, inner)
            if not k.known or isinstance(k.value, (list, dict, Ref)):
                return unknown("for expression with an unknown key", loc)
            out[_to_str(k.value)] = self.eval(val_node, inner)
        return V(out, loc)

    def _for_scopes(self, intro, cond, scope):
        """A scope per element that passes the `if`; None when the collection or the
        condition is unknown (the caller then gives up)."""
        names = [str(c.children[0]) for c in children(intro) if isinstance(c, Tree)][:-1]
        coll_node = [c for c in children(intro) if isinstance(c, Tree)][-1]
        coll = self.eval(coll_node, scope)
        if not coll.known or not isinstance(coll.value, (dict, list)):
            yield None
            return
        if isinstance(coll.value, dict):
            pairs = [(V(k, coll.loc), v) for k, v in coll.value.items()]
        else:
            pairs = [(V(i, coll.loc), v) for i, v in enumerate(coll.value)]
        for k, v in pairs:
            inner = scope.child({names[0]: v} if len(names) == 1 else {names[0]: k, names[1]: v})
            if cond is not None:
                c = self.eval(children(cond)[-1], inner)
                if not c.known:
                    yield None
                    return
                if not c.value:
                    continue
            yield inner

    # -- functions --------------------------------------------------------------------------

    def _function_call(self, t, scope, loc):
        kids = children(t)
        name = name_of(kids[0])
        args_node = next(
            (k for k in kids[1:] if isinstance(k, Tree) and k.data == "arguments"), None
        )
        arg_nodes = children(args_node) if args_node is not None else []
        expand = args_node is not None and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in args_node.children
        )
        if name == "try":
            for a in arg_nodes:
                v = self.eval(a, scope)
                if v.known:
                    return v
            return unknown("try()", loc)
        args = [self.eval(a, scope) for a in arg_nodes]
        if expand and args:
            last = args.pop()
            if not last.known or not isinstance(last.value, list):
                return unknown(f"{name}(...)", loc)
            args.extend(last.value)
        fn = FUNCTIONS.get(name)
        if fn is None:
            return unknown(f"function {name}()", loc)
        if name == "can":
            return V(all(a.known for a in args), loc)
        if any(not a.known for a in args) and name not in _TOLERANT:
            bad = next(a for a in args if not a.known)
            return V(bad.value, loc, bad.assumed)
        try:
            result = fn(self, args, loc)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError):
            return unknown(f"{name}() on values it cannot take", loc)
        if isinstance(result, V):
            return result
        assumed = tuple(dict.fromkeys(a for x in args for a in x.assumed))
        return wrap(result, loc, assumed)

    def read_file(self, path_v: V, loc: Loc) -> tuple[str | None, str]:
        full = os.path.normpath(os.path.join(self.directory, str(path_v.value)))
        try:
            with open(full, encoding="utf-8") as fh:
                return fh.read(), full
        except (OSError, UnicodeDecodeError):
            return None, full


# -- helpers -------------------------------------------------------------------------------


def _bare_identifier(node) -> str | None:
    while isinstance(node, Tree) and node.data == "expr_term" and len(children(node)) == 1:
        node = children(node)[0]
    if isinstance(node, Tree) and node.data == "identifier":
        return str(node.children[0])
    return None


def _at(v: V, loc: Loc) -> V:
    """A variable or local's value, located at its use site."""
    return V(v.value, loc, v.assumed) if not isinstance(v.value, (list, dict)) else v


# Attributes that name a resource rather than describe it: a reference, not a value.
IDENTITY_ATTRS = {"id", "arn", "name", "family", "cluster_name"}
RESOURCE_KEY = "__resource__"


def _attr(v: V, name: str, loc: Loc) -> V:
    if isinstance(v.value, dict):
        rid = v.value.get(RESOURCE_KEY)
        if rid is not None and (name in IDENTITY_ATTRS or name not in v.value):
            return V(Ref(rid.value, name), loc)
        got = v.value.get(name)
        return got if got is not None else V(None, loc)
    return unknown(f"attribute {name}", loc)


def _index(v: V, key: Any, loc: Loc) -> V:
    if isinstance(v.value, list):
        try:
            return v.value[int(key)]
        except (ValueError, TypeError, IndexError):
            return unknown("index out of range", loc)
    if isinstance(v.value, dict):
        got = v.value.get(_to_str(key))
        return got if got is not None else unknown(f"key {key}", loc)
    return unknown("index", loc)


def _to_str(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def wrap(x: Any, loc: Loc, assumed: tuple[str, ...] = ()) -> V:
    """Plain data as values at one location; every level rests on `assumed`."""
    if isinstance(x, V):
        return x
    if isinstance(x, list):
        return V([wrap(i, loc, assumed) for i in x], loc, assumed)
    if isinstance(x, dict):
        return V({str(k): wrap(i, loc, assumed) for k, i in x.items()}, loc, assumed)
    if isinstance(x, Unknown):
        return V(x, loc)
    return V(x, loc, assumed)


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: _num(a) + _num(b),
    "-": lambda a, b: _num(a) - _num(b),
    "*": lambda a, b: _num(a) * _num(b),
    "/": lambda a, b: _num(a) / _num(b),
    "%": lambda a, b: _num(a) % _num(b),
    "&&": lambda a, b: bool(a) and bool(b),
    "||": lambda a, b: bool(a) or bool(b),
}


def _num(x):
    if isinstance(x, bool):
        raise TypeError
    if isinstance(x, str):
        return float(x) if "." in x else int(x)
    return x


def _list_of(v: V) -> list[V]:
    if isinstance(v.value, list):
        return v.value
    if isinstance(v.value, dict):
        return list(v.value.values())
    raise TypeError


# Functions that must see unknown arguments themselves.
_TOLERANT = {"concat", "flatten", "merge", "coalesce", "compact", "length", "jsonencode", "tolist",
             "toset", "can", "lookup", "element"}  # fmt: skip


def _concat(ev, args, loc):
    out: list[V] = []
    for a in args:
        if not a.known or not isinstance(a.value, list):
            return unknown("concat() of an unknown list", loc)
        out.extend(a.value)
    return V(out, loc)


def _flatten(ev, args, loc):
    out: list[V] = []

    def walk(v: V) -> bool:
        if not v.known:
            return False
        if isinstance(v.value, list):
            return all(walk(x) for x in v.value)
        out.append(v)
        return True

    if not walk(args[0]):
        return unknown("flatten() of an unknown list", loc)
    return V(out, loc)


def _merge(ev, args, loc):
    out: dict[str, V] = {}
    for a in args:
        if not a.known or not isinstance(a.value, dict):
            return unknown("merge() of an unknown map", loc)
        out.update(a.value)
    return V(out, loc)


def _lookup(ev, args, loc):
    m, k = args[0], args[1]
    if not m.known or not k.known or not isinstance(m.value, dict):
        return unknown("lookup()", loc)
    got = m.value.get(_to_str(k.value))
    if got is not None:
        return got
    return args[2] if len(args) > 2 else unknown("lookup() of a missing key", loc)


def _element(ev, args, loc):
    lst, i = args
    if not lst.known or not i.known or not isinstance(lst.value, list) or not lst.value:
        return unknown("element()", loc)
    return lst.value[int(i.value) % len(lst.value)]


def _length(ev, args, loc):
    a = args[0]
    if not a.known or isinstance(a.value, (Ref, int, float, bool)) or a.value is None:
        return unknown("length()", loc)
    return V(len(a.value), loc)


def _coalesce(ev, args, loc):
    for a in args:
        if not a.known:
            return unknown("coalesce()", loc)
        if a.value not in (None, ""):
            return a
    return unknown("coalesce() of nothing", loc)


def _compact(ev, args, loc):
    a = args[0]
    if not a.known or not isinstance(a.value, list):
        return unknown("compact()", loc)
    if any(not x.known for x in a.value):
        return unknown("compact() of unknown values", loc)
    return V([x for x in a.value if x.value not in (None, "")], loc)


def _identity(ev, args, loc):
    return args[0]


def _jsondecode(ev, args, loc):
    return wrap(json.loads(args[0].value), loc)


def _file(ev, args, loc):
    content, full = ev.read_file(args[0], loc)
    if content is None:
        return unknown(f"file {args[0].value} is not in scope", loc)
    if content.lstrip().startswith(("[", "{")) and full.endswith(".json"):
        from linter.sources.taskdef import json_value

        located = json_value(
            content, os.path.relpath(full) if not os.path.isabs(ev.directory) else full
        )
        if located is not None:
            return located
    return V(content, loc)


def _templatefile(ev, args, loc):
    content, _ = ev.read_file(args[0], loc)
    if content is None:
        return unknown(f"template {args[0].value} is not in scope", loc)
    variables = args[1] if len(args) > 1 else V({}, loc)
    if not variables.known or not isinstance(variables.value, dict):
        return unknown("templatefile() with unknown variables", loc)
    return ev.template(content, Scope(dict(variables.value)), loc)


def _format(ev, args, loc):
    fmt = str(args[0].value)
    values = [plain(a) for a in args[1:]]
    if not all(_is_pure(x) and not isinstance(x, (list, dict)) for x in values):
        raise TypeError
    # %s, %d and %v cover what templates use; anything else raises and is unknown.
    return fmt.replace("%d", "%s").replace("%v", "%s") % tuple(_to_str(x) for x in values)


def _cidrsubnet(ev, args, loc):
    net = ipaddress.ip_network(str(args[0].value), strict=False)
    bits, num = int(args[1].value), int(args[2].value)
    if bits > 16:  # enumerating more subnets than that is not worth it here
        raise ValueError
    return str(list(net.subnets(prefixlen_diff=bits))[num])


def _is_pure(x: Any) -> bool:
    """Plain data only: no references or unknowns anywhere inside."""
    if isinstance(x, list):
        return all(_is_pure(i) for i in x)
    if isinstance(x, dict):
        return all(_is_pure(i) for i in x.values())
    return not isinstance(x, (Ref, Unknown))


def _plain_args(fn):
    def run(ev, args, loc):
        values = [plain(a) for a in args]
        if not all(_is_pure(x) for x in values):
            return unknown("function of unknown values", loc)
        return fn(*values)

    return run


FUNCTIONS: dict[str, Callable[[Evaluator, list[V], Loc], Any]] = {
    "concat": _concat,
    "flatten": _flatten,
    "merge": _merge,
    "lookup": _lookup,
    "element": _element,
    "length": _length,
    "coalesce": _coalesce,
    "compact": _compact,
    "can": _identity,  # answered in _function_call; `try` never reaches this table
    "tolist": _identity,
    "toset": _identity,
    "tomap": _identity,
    "sensitive": _identity,
    "nonsensitive": _identity,
    "jsonencode": _identity,  # keep the structure: container definitions want it
    "jsondecode": _jsondecode,
    "file": _file,
    "templatefile": _templatefile,
    "format": _format,
    "cidrsubnet": _cidrsubnet,
    "tostring": _plain_args(lambda x: _to_str(x)),
    "tonumber": _plain_args(lambda x: _num(x)),
    "tobool": _plain_args(lambda x: {"true": True, "false": False}[_to_str(x)]),
    "lower": _plain_args(lambda s: s.lower()),
    "upper": _plain_args(lambda s: s.upper()),
    "join": _plain_args(lambda sep, xs: sep.join(_to_str(x) for x in xs)),
    "split": _plain_args(lambda sep, s: s.split(sep)),
    "replace": _plain_args(lambda s, a, b: s.replace(a, b)),
    "trimspace": _plain_args(lambda s: s.strip()),
    "range": _plain_args(lambda *a: list(range(*[int(x) for x in a]))),
    "keys": _plain_args(lambda m: sorted(m)),
    "values": _plain_args(lambda m: [m[k] for k in sorted(m)]),
    "contains": _plain_args(lambda xs, x: x in xs),
    "distinct": _plain_args(lambda xs: [x for i, x in enumerate(xs) if x not in xs[:i]]),
    "min": _plain_args(min),
    "max": _plain_args(max),
    "slice": _plain_args(lambda xs, a, b: xs[int(a) : int(b)]),
    "zipmap": _plain_args(lambda ks, vs: dict(zip(ks, vs, strict=True))),
    "index": _plain_args(lambda xs, x: xs.index(x)),
    "one": _plain_args(lambda xs: xs[0] if len(xs) == 1 else None),
    "abs": _plain_args(abs),
}
