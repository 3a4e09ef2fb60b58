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
import math
import os
import re
from collections.abc import Callable
from typing import Any

from hcl2.utils import process_escape_sequences
from lark import Token, Tree

from linter.budget import Budget, TooComplex
from linter.files import Files, Refused
from linter.sources.common import bracket_depth
from linter.sources.tf_types import to_bool, to_number
from linter.values import (
    Failed,
    Loc,
    Ref,
    Unknown,
    V,
    failed,
    is_failed,
    plain,
    rebuild,
    ref_shape,
    ref_type,
    same,
    unknown,
    whole,
    wrap,
)

_SKIP = {"new_line_or_comment"}
_PUNCT = {
    "LPAR", "RPAR", "LSQB", "RSQB", "LBRACE", "RBRACE", "COMMA", "DOT", "EQ", "COLON",
    "QMARK", "DBLQUOTE", "INTERP_START", "ELLIPSIS", "FOR", "IN", "IF", "FOR_OBJECT_ARROW",
    "COLONS",
}  # fmt: skip
MAX_DEPTH = 200  # evaluation depth; deeper input is unknown rather than a crash


def children(t: Tree) -> list[Any]:
    """Meaningful children: no comments/newlines, no punctuation tokens.

    Kept on the node: `for` bodies and counted resources walk the same nodes often."""
    try:
        return t._fl_children
    except AttributeError:
        pass
    out = []
    for c in t.children:
        if isinstance(c, Tree):
            if c.data not in _SKIP:
                out.append(c)
        elif isinstance(c, Token) and c.type not in _PUNCT:
            out.append(c)
    t._fl_children = out
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
    """Evaluates expressions of one Terraform unit (a module directory).

    Reads go through `files` (confined to the repository), work is charged to
    `budget`, and reads that were refused are noted for the report.
    """

    def __init__(
        self,
        directory: str,
        file: str = "",
        files: Files | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.directory = directory
        self.file = file
        self.files = files or Files.for_paths([directory])
        self.budget = budget or Budget()
        # name -> thunk giving its value; filled by the Terraform reader.
        self.variables: dict[str, Callable[[], V]] = {}
        self.locals: dict[str, Callable[[], V]] = {}
        # "type.name" -> callable(attr_path) -> V, filled by the reader
        self.resources: dict[str, Callable[[Loc], V]] = {}
        # module call name -> callable(loc) -> its outputs (or instances of them)
        self.modules: dict[str, Callable[[Loc], V]] = {}
        # "type.name" of the data sources we can evaluate (template_file) -> callable(loc)
        self.data: dict[str, Callable[[Loc], V]] = {}
        self.depth = 0
        self.notes: list[tuple[str, Loc]] = []  # (what was not read and why, where)
        self.rendering: list[str] = []  # templatefile() paths being rendered (cycles)
        self.templates: dict[str, Any] = {}  # template text -> its parse (count x templatefile)
        # module values located at a use site, by (value, site); the value is kept alive
        self.relocated: dict[tuple[int, Loc], tuple[V, V]] = {}

    def loc(self, t: Any, file: str | None = None) -> Loc:
        file = file or self.file
        cached = getattr(t, "_fl_loc", None)
        if cached is not None and cached.file == file:
            return cached
        at = getattr(t, "meta", None) or t  # a tree's meta, or a token itself
        loc = Loc(
            file,
            getattr(at, "line", None) or 1,
            getattr(at, "column", None) or 1,
            getattr(at, "end_line", None) or 0,
            getattr(at, "end_column", None) or 0,
        )
        if isinstance(t, Tree):  # tokens are str subclasses with slots
            t._fl_loc = loc
        return loc

    # -- entry point -----------------------------------------------------------------

    def eval(self, t: Any, scope: Scope) -> V:
        # One frame per node, not two: deep expressions are evaluated recursively.
        self.depth += 1
        try:
            self.budget.step()
            loc = self.loc(t)
            if self.depth > MAX_DEPTH:
                return unknown("expression nested too deeply", loc)
            if isinstance(t, Token):
                return V(str(t), loc)
            handler = getattr(self, "_" + t.data, None)
            if handler is None:
                return unknown(f"unsupported expression {t.data}", loc)
            return handler(t, scope, loc)
        except RecursionError:
            return unknown("expression nested too deeply", self.loc(t))
        except TooComplex as exc:
            if exc.loc is None:  # the innermost expression is where it ran out
                exc.loc = self.loc(t)
            raise
        finally:
            self.depth -= 1

    # -- literals -----------------------------------------------------------------------

    def _expr_term(self, t, scope, loc):
        kids = children(t)
        if len(kids) != 1:
            return unknown("expression", loc)
        return self.eval(kids[0], scope)

    def _int_lit(self, t, scope, loc):
        digits = str(t.children[0])
        # Terraform numbers are big floats; a huge literal must not become a huge int.
        return V(int(digits) if len(digits) <= 18 else float(digits), loc)

    def _float_lit(self, t, scope, loc):
        return V(float(str(t.children[0])), loc)

    def _literal_value(self, t, scope, loc):
        word = str(t.children[0])
        return V({"true": True, "false": False, "null": None}[word], loc)

    def _string(self, t, scope, loc):
        kids = children(t)
        if len(kids) == 1 and isinstance(kids[0].children[0], Tree):
            inner = kids[0].children[0]
            if inner.data == "interpolation":  # "${x}" alone is x itself, as terraform has it
                return self.eval(children(inner)[0], scope)
        parts: list[str] = []
        assumed: list[str] = []
        missing: list[str] = []
        refs: list[Ref] = []
        for part in kids:
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
            if isinstance(v.value, Ref):  # known only after apply; its form may be known
                missing.append(f"{v.value.id}.{v.value.attr or 'id'}, known after apply")
                parts.append(ref_shape(v.value) or "*")
                refs.append(v.value)
                continue
            if not v.known or isinstance(v.value, (list, dict)):
                missing.append(v.value.reason if not v.known else "a non-string value")
                parts.append(v.value.shape or "*" if not v.known else "*")
                continue
            assumed.extend(v.assumed)
            parts.append(_to_str(v.value))
        self.budget.chars(sum(map(len, parts)))
        text = "".join(parts)
        if refs and ref_type(refs[0]) == "aws_ecs_task_definition" and text.startswith("*:"):
            # "${td.family}:${td.revision}" names that task definition, whatever revision;
            # a revision from elsewhere (a data source: one CI registered) may differ.
            other = len(missing) > len(refs)
            why = ("the revision deployed is the one configured here",) if other else ()
            return V(refs[0], loc, why)
        if missing:
            why = (
                missing[0]
                if missing[0].startswith("interpolation of")
                else (f"interpolation of {missing[0]}")
            )
            return V(Unknown(why, text), loc)
        return V(text, loc, tuple(dict.fromkeys(assumed)))

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
        node = self.templates.get(body)
        if node is None:
            from linter.sources.hcl_parse import parse_hcl

            self.budget.parse(len(body))  # parsing costs far more than evaluating
            if bracket_depth(body) > MAX_DEPTH:
                return unknown("template nested too deeply", loc)
            quoted = body.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            try:
                tree = parse_hcl(f'x = "{quoted}"')
            except Exception:  # python-hcl2 raises lark errors of several kinds
                return unknown("template with unsupported syntax", loc)
            attr = next(c for c in children(children(tree)[0]) if c.data == "attribute")
            node = self.templates[body] = children(attr)[-1]
        v = self.eval(node, scope)
        return V(v.value, loc, v.assumed)

    def _template_string(self, t, scope, loc):
        return unknown("template string", loc)

    # -- collections ----------------------------------------------------------------------

    def _tuple(self, t, scope, loc):
        kids = children(t)
        self.budget.items(len(kids))
        return V([self.eval(c, scope) for c in kids], loc)

    def _object(self, t, scope, loc):
        out: dict[str, V] = {}
        elems = children(t)
        self.budget.items(len(elems))
        for elem in elems:
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
        if c.known and to_bool(c.value) is not None:  # "true" converts, as Terraform does
            chosen = self.eval(a if to_bool(c.value) else b, scope)
            return V(chosen.value, chosen.loc, tuple(dict.fromkeys(c.assumed + chosen.assumed)))
        if is_failed(c):
            return V(c.value, loc)
        va, vb = self.eval(a, scope), self.eval(b, scope)
        if same(va, vb):
            return va
        return unknown(f"a condition on {_why(c)}", loc)

    def _binary_op(self, t, scope, loc):
        left_node, term = children(t)[:2]
        op_node, right_node = children(term)
        op = str(children(op_node)[0]) if isinstance(op_node, Tree) else str(op_node)
        left = self.eval(left_node, scope)
        if op in ("&&", "||") and left.known and to_bool(left.value) is not None:
            if op == "&&" and to_bool(left.value) is False:
                return V(False, loc, left.assumed)
            if op == "||" and to_bool(left.value) is True:
                return V(True, loc, left.assumed)
        right = self.eval(right_node, scope)
        if not (left.known and right.known):
            bad = left if not left.known else right
            return V(bad.value, loc) if is_failed(bad) else unknown(_why(bad), loc)
        a, b = plain(left), plain(right)
        assumed = tuple(dict.fromkeys(left.assumed + right.assumed))
        try:
            result = _BINOPS[op](a, b)
        except (TypeError, ValueError, ZeroDivisionError, KeyError, OverflowError):
            if _has_ref(left) or _has_ref(right):
                return unknown(f"operator {op} on a value known only after apply", loc)
            return V(Failed(f"operator {op} on values it cannot take"), loc, assumed)
        if isinstance(result, int) and not isinstance(result, bool) and abs(result) > 2**53:
            result = float(result)  # keep products of products from growing without end
        return V(result, loc, assumed)

    def _unary_op(self, t, scope, loc):
        op, operand = t.children[0], children(t)[-1]
        v = self.eval(operand, scope)
        if not v.known:
            return v
        if str(op) == "!" and to_bool(v.value) is not None:
            return V(not to_bool(v.value), loc, v.assumed)
        if str(op) == "-" and to_number(v.value) is not None:
            return V(-to_number(v.value), loc, v.assumed)
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
            if op.data == "attr_splat":
                # `a.*.id[0]`: the legacy splat takes only the attributes; what follows
                # applies to the list it makes (HCL's attribute-only splat).
                n = next((i for i, (kind, _) in enumerate(rest) if kind != "attr"), len(rest))
                return [("splat", rest[:n]), *rest[n:]]
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
            second = steps[1][1] if len(steps) > 1 and steps[1][0] == "attr" else "?"
            resolver = self.data.get(f"{first}.{second}")
            if resolver is not None:
                return self.apply(resolver(loc), steps[2:], loc)
            return unknown(f"data source data.{first}.{second}", loc)
        if root == "module" and first is not None:
            call = self.modules.get(first)
            if call is None:
                return unknown(f"undeclared module {first}", loc)
            # Located where it is used, all through: a subnet id out of a module is named
            # on the service's line, not on the module's `output`.
            v = self.apply(call(loc), steps[1:], loc)
            key = (id(v), loc)
            if key not in self.relocated:  # a `for` asks again and again: once each
                self.budget.items(_size(plain(v)) + 1)
                self.relocated[key] = (v, rebuild(v, lambda n: V(n.value, loc, n.assumed)))
            return self.relocated[key][1]
        if root == "path" and first in ("module", "root"):
            # As terraform sees it from the module's directory: file() resolves it from
            # there, and no local absolute path can reach a message.
            return V(".", loc)
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
                    v = V([], loc)
                    continue
                items = v.value if isinstance(v.value, list) else [v]
                self.budget.items(len(items))
                v = V([self.apply(x, arg, loc) for x in items], loc, v.assumed)
                continue
            before = v
            if kind == "attr":
                v = _attr(v, arg, loc)
            elif kind == "index":
                if not arg.known:
                    return unknown("index is unknown", loc)
                v = _index(v, arg.value, loc)
            else:
                return unknown(str(arg), loc)
            if is_failed(v):  # an error rests on what the value that failed rests on
                return V(v.value, v.loc, before.assumed)
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
            if isinstance(inner, V):  # the collection or a condition is unknown
                return V(inner.value, loc) if is_failed(inner) else unknown(_why(inner), loc)
            out.append(self.eval(body, inner))
        self.budget.items(len(out))
        return V(out, loc)

    def _for_object_expr(self, t, scope, loc):
        kids = children(t)
        intro, key_node, val_node = kids[0], kids[1], kids[2]
        cond = next((k for k in kids[3:] if isinstance(k, Tree) and k.data == "for_cond"), None)
        out: dict[str, V] = {}
        for inner in self._for_scopes(intro, cond, scope):
            if isinstance(inner, V):  # the collection or a condition is unknown
                return V(inner.value, loc) if is_failed(inner) else unknown(_why(inner), loc)
            k = self.eval(key_node, inner)
            if not k.known or isinstance(k.value, (list, dict, Ref)):
                return unknown("for expression with an unknown key", loc)
            out[_to_str(k.value)] = self.eval(val_node, inner)
        self.budget.items(len(out))
        return V(out, loc)

    def _for_scopes(self, intro, cond, scope):
        """A scope per element that passes the `if`; the unknown value instead when the
        collection or a condition is unknown (the caller then gives up, saying why)."""
        names = [str(c.children[0]) for c in children(intro) if isinstance(c, Tree)][:-1]
        coll_node = [c for c in children(intro) if isinstance(c, Tree)][-1]
        coll = self.eval(coll_node, scope)
        if not coll.known or not isinstance(coll.value, (dict, list)):
            if not coll.known or _has_ref(coll):
                yield coll if not coll.known else unknown("a value known after apply", coll.loc)
            else:
                yield failed("for expression over a single value", coll.loc)
            return
        self.budget.items(len(coll.value))
        if isinstance(coll.value, dict):
            pairs = [(V(k, coll.loc), v) for k, v in coll.value.items()]
        else:
            pairs = [(V(i, coll.loc), v) for i, v in enumerate(coll.value)]
        for k, v in pairs:
            inner = scope.child({names[0]: v} if len(names) == 1 else {names[0]: k, names[1]: v})
            if cond is not None:
                c = self.eval(children(cond)[-1], inner)
                if not c.known:
                    yield c
                    return
                if not c.value:
                    continue
            yield inner

    # -- functions --------------------------------------------------------------------------

    def _function_call(self, t, scope, loc):
        kids = children(t)
        name = name_of(kids[0])
        args_node = call_arguments(t)
        arg_nodes = children(args_node) if args_node is not None else []
        expand = args_node is not None and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in args_node.children
        )
        if name == "try":  # the first argument that is not an error, known or not
            skipped: tuple[str, ...] = ()
            for a in arg_nodes:
                v = self.eval(a, scope)
                if not is_failed(v):
                    return V(v.value, v.loc, tuple(dict.fromkeys(skipped + v.assumed)))
                skipped += v.assumed  # the fallback is chosen on what made these fail
            return V(Failed("try(): every argument failed"), loc, skipped)
        args = [self.eval(a, scope) for a in arg_nodes]
        if expand and args:
            last = args.pop()
            if not last.known or not isinstance(last.value, list):
                return unknown(f"{name}(...)", loc)
            self.budget.items(len(last.value))
            args.extend(last.value)
        fn = FUNCTIONS.get(name)
        if fn is None:
            return unknown(f"function {name}()", loc)
        if name == "can":
            if any(is_failed(a) for a in args):
                return V(False, loc)
            bad = next((a for a in args if not a.known), None)
            return V(True, loc) if bad is None else unknown(f"can() of {_why(bad)}", loc)
        if any(not a.known for a in args) and name not in _TOLERANT:
            bad = next(a for a in args if not a.known)
            return V(bad.value, loc, bad.assumed)
        assumed = tuple(dict.fromkeys(a for x in args for a in x.assumed))
        try:
            result = fn(self, args, loc)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError):
            if any(_has_ref(a) for a in args):  # a value known only after apply, not an error
                return unknown(f"{name}() of values known only after apply", loc)
            return V(Failed(f"{name}() on values it cannot take"), loc, assumed)
        except RecursionError:
            return unknown(f"{name}() nested too deeply", loc)
        if isinstance(result, V):
            return V(result.value, result.loc, tuple(dict.fromkeys(result.assumed + assumed)))
        self.budget.items(_size(result))
        return wrap(result, loc, assumed)

    def read_file(self, path_v: V, loc: Loc, fn: str) -> tuple[str | None, str, str]:
        """(content, full path, why not) of a file() or templatefile() argument.

        Only files in the repository are read; a refused read is noted, never shown."""
        if not isinstance(path_v.value, str):
            return None, "", "its path is not a string"
        full = os.path.normpath(os.path.join(self.directory, path_v.value))
        try:
            data = self.files.read_bytes(full)
        except Refused as why:
            self.notes.append((f"{fn}() of {path_v.value!r} not read: {why}", loc))
            return None, full, f"it was not read ({why})"
        except OSError:
            return None, full, "it is not in scope"
        if len(data) > self.budget.max_chars:
            return None, full, "it is too large to evaluate"
        try:
            return data.decode("utf-8-sig"), full, ""
        except UnicodeDecodeError:
            return None, full, "it is not UTF-8 text"


# -- helpers -------------------------------------------------------------------------------


class BlockBody(dict):
    """A nested block's arguments: one it does not write has its default (unknown here),
    where a missing attribute of an object is an error."""


def _has_ref(v: V) -> bool:
    """Whether a value holds a reference (something known only after apply)."""
    x = v.value
    if isinstance(x, Ref):
        return True
    if isinstance(x, list):
        return any(_has_ref(i) for i in x)
    if isinstance(x, dict):
        return any(_has_ref(i) for i in x.values())
    return False


def _why(v: V) -> str:
    """The reason an unknown value is unknown (the root cause, passed on as it is)."""
    return v.value.reason if isinstance(v.value, Unknown) else "a value of the wrong type"


def unwrap(node: Any) -> Any:
    """An expression without the `expr_term` wrappers python-hcl2 puts around it."""
    while isinstance(node, Tree) and node.data == "expr_term" and len(children(node)) == 1:
        node = children(node)[0]
    return node


def call_arguments(t: Tree) -> Tree | None:
    """The `arguments` node of a function call, None for `f()`."""
    return next((k for k in children(t)[1:] if isinstance(k, Tree) and k.data == "arguments"), None)


def _bare_identifier(node) -> str | None:
    node = unwrap(node)
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
        if got is not None:
            return got
        if isinstance(v.value, BlockBody):  # an argument the block leaves to its default
            return unknown(f"attribute {name}, not written", loc)
        return failed(f"no attribute {name}", loc)
    if isinstance(v.value, Ref):
        return unknown(f"{v.value.id}.{v.value.attr or 'id'}.{name}, known after apply", loc)
    return failed(f"attribute {name} of a value that has none", loc)


def _size(x: Any) -> int:
    """How many elements a plain function result holds (what `wrap` will build)."""
    if isinstance(x, list):
        return len(x) + sum(_size(i) for i in x if isinstance(i, (list, dict)))
    if isinstance(x, dict):
        return len(x) + sum(_size(i) for i in x.values() if isinstance(i, (list, dict)))
    return 0


def _index(v: V, key: Any, loc: Loc) -> V:
    if isinstance(v.value, list):
        if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18:
            key = int(key)  # Terraform converts "0" to the number a list index needs
        i = whole(key)
        if i is None or not 0 <= i < len(v.value):
            return failed(f"index {key!r} of a list of {len(v.value)}", loc)
        return v.value[i]
    if isinstance(v.value, dict):
        got = v.value.get(_to_str(key))
        return got if got is not None else failed(f"no key {key}", loc)
    if isinstance(v.value, Ref):
        return unknown(f"{v.value.id}.{v.value.attr or 'id'}[{key}], known after apply", loc)
    return failed("an index into a value that has none", loc)


def _to_str(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: _num(a) < _num(b),
    ">": lambda a, b: _num(a) > _num(b),
    "<=": lambda a, b: _num(a) <= _num(b),
    ">=": lambda a, b: _num(a) >= _num(b),
    "+": lambda a, b: _num(a) + _num(b),
    "-": lambda a, b: _num(a) - _num(b),
    "*": lambda a, b: _num(a) * _num(b),
    "/": lambda a, b: _num(a) / _num(b),
    "%": lambda a, b: _num(a) % _num(b),
    "&&": lambda a, b: _bool(a) and _bool(b),
    "||": lambda a, b: _bool(a) or _bool(b),
}


def _num(x: Any) -> int | float:
    """A number as Terraform's arithmetic takes it: numbers and numeric strings only
    (lists, maps and booleans raise TypeError, so `[1] * 10**8` is unknown, not built)."""
    n = to_number(x)
    if n is None:
        raise TypeError
    return n


def _bool(x: Any) -> bool:
    """A boolean as Terraform converts one: a bool, or the string "true" or "false"."""
    b = to_bool(x)
    if b is None:
        raise TypeError
    return b


def _tostring(x: Any) -> str:
    if isinstance(x, (list, dict)):
        raise TypeError  # Terraform's tostring() takes no collection
    return _to_str(x)


def _list_of(v: V) -> list[V]:
    if isinstance(v.value, list):
        return v.value
    if isinstance(v.value, dict):
        return list(v.value.values())
    raise TypeError


# Functions that must see unknown arguments themselves.
_TOLERANT = {"concat", "flatten", "merge", "coalesce", "compact", "length", "jsonencode", "tolist",
             "toset", "can", "lookup", "element", "slice", "coalescelist"}  # fmt: skip


def _not_taken(name: str, args: list[V], loc: Loc) -> V:
    """Why a function that takes unknown arguments itself gave up: the first unknown
    argument's reason (the root cause), else the arguments are of the wrong kind."""
    bad = next((a for a in args if not a.known), None)
    if bad is None and any(_has_ref(a) for a in args):
        return unknown(f"{name}() of values known only after apply", loc)
    if bad is None or is_failed(bad):
        return V(bad.value, loc) if bad else failed(f"{name}() on values it cannot take", loc)
    return unknown(f"{name}() of {_why(bad)}", loc)


def _concat(ev, args, loc):
    if not all(a.known and isinstance(a.value, list) for a in args):
        return _not_taken("concat", args, loc)
    ev.budget.items(sum(len(a.value) for a in args))
    return V([x for a in args for x in a.value], loc)


def _flatten(ev, args, loc):
    out: list[V] = []

    def walk(v: V) -> bool:
        if not v.known:
            return False
        if isinstance(v.value, list):
            ev.budget.items(len(v.value))
            return all(walk(x) for x in v.value)
        out.append(v)
        return True

    if not walk(args[0]):
        return unknown("flatten() of an unknown list", loc)
    return V(out, loc)


def _merge(ev, args, loc):
    if not all(a.known and isinstance(a.value, dict) for a in args):
        return _not_taken("merge", args, loc)
    ev.budget.items(sum(len(a.value) for a in args))
    out: dict[str, V] = {}
    for a in args:
        out.update(a.value)
    return V(out, loc)


def _lookup(ev, args, loc):
    m, k = args[0], args[1]
    if not m.known or not k.known or not isinstance(m.value, dict):
        return _not_taken("lookup", [m, k], loc)
    got = m.value.get(_to_str(k.value))
    if got is not None:
        return got
    return args[2] if len(args) > 2 else unknown("lookup() of a missing key", loc)


def _element(ev, args, loc):
    lst, i = args
    index = whole(i.value) if i.known else None
    if not lst.known or not isinstance(lst.value, list) or not lst.value or index is None:
        return _not_taken("element", [lst, i], loc)
    return lst.value[index % len(lst.value)]


def _length(ev, args, loc):
    a = args[0]
    if not a.known or isinstance(a.value, (Ref, int, float, bool)) or a.value is None:
        return _not_taken("length", [a], loc)
    return V(len(a.value), loc)


def _coalesce(ev, args, loc):
    for a in args:
        if not a.known:
            return _not_taken("coalesce", [a], loc)
        if a.value not in (None, ""):
            return a
    return unknown("coalesce() of nothing", loc)


def _compact(ev, args, loc):
    a = args[0]
    if not a.known or not isinstance(a.value, list):
        return _not_taken("compact", [a], loc)
    if any(not x.known for x in a.value):
        return unknown("compact() of unknown values", loc)
    return V([x for x in a.value if x.value not in (None, "")], loc)


def _identity(ev, args, loc):
    return args[0]


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Terraform's jsondecode rejects NaN and Infinity


def _jsondecode(ev, args, loc):
    data = json.loads(args[0].value, parse_constant=_no_constants)
    ev.budget.items(_size(data))
    return wrap(data, loc)


def _file(ev, args, loc):
    content, full, why = ev.read_file(args[0], loc, "file")
    if content is None:
        return unknown(f"file {args[0].value}: {why}", loc)
    ev.budget.chars(len(content))
    if content.lstrip().startswith(("[", "{")) and full.endswith(".json"):
        from linter.sources.taskdef import json_value

        located = json_value(content, full)
        if located is not None:
            return located
    return V(content, loc)


def _templatefile(ev, args, loc):
    content, full, why = ev.read_file(args[0], loc, "templatefile")
    if content is None:
        return unknown(f"template {args[0].value}: {why}", loc)
    if full in ev.rendering:  # Terraform rejects a template that renders itself
        return unknown(f"template {args[0].value} renders itself", loc)
    variables = args[1] if len(args) > 1 else V({}, loc)
    if not variables.known or not isinstance(variables.value, dict):
        return unknown("templatefile() with unknown variables", loc)
    ev.budget.chars(len(content))
    ev.rendering.append(full)
    try:
        return ev.template(content, Scope(dict(variables.value)), loc)
    finally:
        ev.rendering.pop()


# One verb of Go's fmt as Terraform's format() takes it: flags, width, precision, verb.
# A width starts with 1-9, so a run of zeros is only ever flags (no backtracking).
_VERB = re.compile(r"%(?:\[\d+\])?([-+# 0]*)([1-9]\d*|\*)?(?:\.(\d*|\*))?([a-zA-Z%])")


def _format(ev, args, loc):
    """%s, %d, %v, %q and %% with flags and widths; other verbs are unknown."""
    fmt = args[0].value
    values = [plain(a) for a in args[1:]]
    if not isinstance(fmt, str) or any(isinstance(x, (list, dict)) for x in values):
        raise TypeError
    if not all(_is_pure(x) for x in values):
        return unknown("format() of values known only after apply", loc)
    pending = list(values)
    out: list[str] = []
    pos = size = 0
    for mt in _VERB.finditer(fmt):
        out.append(fmt[pos : mt.start()])
        pos = mt.end()
        flags, width, _, verb = mt.groups()
        if verb == "%":
            out.append("%")
            continue
        if verb not in "sdvq" or width == "*" or not pending or len(width or "") > 9:
            raise ValueError
        text = json.dumps(_to_str(pending.pop(0))) if verb == "q" else _to_str(pending.pop(0))
        pad = int(width) - len(text) if width else 0
        size += len(text) + max(pad, 0)
        if size > ev.budget.max_chars:  # checked before the padding is built
            ev.budget.chars(size)
        if pad > 0:
            fill = "0" if "0" in flags and "-" not in flags and verb == "d" else " "
            text = text + " " * pad if "-" in flags else fill * pad + text
        out.append(text)
    out.append(fmt[pos:])
    ev.budget.chars(sum(map(len, out)))
    return "".join(out)


def _cidrsubnet(ev, args, loc):
    """Computed, not enumerated: the netnum-th subnet `newbits` longer than the prefix."""
    net = ipaddress.ip_network(str(args[0].value), strict=False)
    bits, num = whole(args[1].value), whole(args[2].value)
    if bits is None or num is None or bits < 0 or num < 0:
        raise ValueError
    prefix = net.prefixlen + bits
    if prefix > net.max_prefixlen or num >= 2**bits:
        raise ValueError  # Terraform rejects both
    first = int(net.network_address) + (num << (net.max_prefixlen - prefix))
    return str(ipaddress.ip_network((first, prefix)))


def _range(ev, args, loc):
    """As go-cty's range: the step defaults to -1 when the end is below the start."""
    nums = [_num(plain(a)) for a in args]
    if not 1 <= len(nums) <= 3 or not all(math.isfinite(x) for x in nums):
        raise ValueError
    start, end = (0, nums[0]) if len(nums) == 1 else (nums[0], nums[1])
    step = nums[2] if len(nums) == 3 else (-1 if end < start else 1)
    if step == 0 or (step < 0 and end > start) or (step > 0 and end < start):
        raise ValueError  # Terraform rejects these
    count = max(0, math.ceil((end - start) / step))
    if count > RANGE_LIMIT:  # Terraform's own limit
        return unknown(f"range() of more than {RANGE_LIMIT} values, which Terraform rejects", loc)
    values = [start + i * step for i in range(count)]
    return [int(x) if isinstance(x, float) and x.is_integer() else x for x in values]


RANGE_LIMIT = 1024


def _join(ev, args, loc):
    sep, items = plain(args[0]), plain(args[1])
    if not isinstance(sep, str) or not isinstance(items, list):
        raise TypeError
    if not all(_is_pure(x) and not isinstance(x, (list, dict)) for x in items):
        return unknown("join() of unknown values", loc)
    parts = [_to_str(x) for x in items]
    ev.budget.chars(sum(map(len, parts)) + len(sep) * max(len(parts) - 1, 0))
    return sep.join(parts)


def _split(ev, args, loc):
    sep, text = plain(args[0]), plain(args[1])
    if not isinstance(sep, str) or not isinstance(text, str):
        raise TypeError
    if sep == "":
        ev.budget.items(len(text))
        return list(text)
    ev.budget.items(text.count(sep) + 1)
    return text.split(sep)


def _replace(ev, args, loc):
    text, old, new = (plain(a) for a in args)
    if not all(isinstance(x, str) for x in (text, old, new)):
        raise TypeError
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return unknown("replace() with a regular expression", loc)
    hits = len(text) + 1 if old == "" else text.count(old)
    ev.budget.chars(len(text) + hits * max(len(new) - len(old), 0))
    return text.replace(old, new)


def _canonical(x: Any) -> str:
    return json.dumps(x, sort_keys=True, default=str)


def _distinct(ev, args, loc):
    """References are values too: two to the same attribute of a resource are one."""
    lst = args[0]
    if not isinstance(lst.value, list):
        raise TypeError
    seen: set[str] = set()
    out = []
    for x in lst.value:  # hashing a canonical form keeps it linear
        if not x.known:
            return _not_taken("distinct", [x], loc)
        p = plain(x)
        if not _is_pure(p, refs=True):  # an unknown inside an item: not comparable yet
            return unknown("distinct() of unknown items", loc)
        key = _canonical(p)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return V(out, loc, lst.assumed)


def _slice(ev, args, loc):
    if any(not x.known for x in args[1:]):
        return _not_taken("slice", args[1:], loc)
    first, last = whole(args[1].value), whole(args[2].value)
    if not args[0].known and not is_failed(args[0]) and first is not None and last is not None:
        # slice(data.aws_availability_zones.x.names, 0, 3): terraform plans only when the
        # list is that long, so it holds last - first values, each unknown.
        if not 0 <= first <= last <= RANGE_LIMIT:
            raise IndexError
        return V([unknown(_why(args[0]), loc) for _ in range(last - first)], loc)
    items = plain(args[0])
    if not isinstance(items, list) or first is None or last is None:
        raise TypeError
    if not 0 <= first <= last <= len(items):
        raise IndexError  # Terraform rejects indices outside the list
    return items[first:last]


def _is_pure(x: Any, refs: bool = False) -> bool:
    """Plain data only: no unknowns anywhere inside, and no references unless `refs`."""
    if isinstance(x, list):
        return all(_is_pure(i, refs) for i in x)
    if isinstance(x, dict):
        return all(_is_pure(i, refs) for i in x.values())
    return not isinstance(x, Unknown) and (refs or not isinstance(x, Ref))


def _text(x: Any) -> str:
    if not isinstance(x, str):
        raise TypeError
    return x


def _items(x: Any) -> list:
    if not isinstance(x, list):
        raise TypeError
    return x


def _coalescelist(ev, args, loc):
    """The first non-empty list; an unknown one before it leaves the answer unknown.
    What it holds was chosen on the lists before it being empty: so it rests on them."""
    skipped: tuple[str, ...] = ()
    for a in args:
        if not a.known:
            return _not_taken("coalescelist", [a], loc)
        if not isinstance(a.value, list):
            raise TypeError
        if a.value:
            rest = [V(x.value, x.loc, tuple(dict.fromkeys(x.assumed + skipped))) for x in a.value]
            return V(rest, a.loc, a.assumed)
        skipped += a.assumed
    return V([], loc)


def _plain_args(fn):
    def run(ev, args, loc):
        values = [plain(a) for a in args]
        if not all(_is_pure(x) for x in values):
            return unknown("function of unknown values", loc)
        return fn(*values)

    return run


def _str_fn(fn: Callable[[str], str]):
    """A string function of one string: its result is charged before it is kept."""

    def run(ev, args, loc):
        text = plain(args[0])
        if not isinstance(text, str):
            raise TypeError
        ev.budget.chars(len(text))
        return fn(text)

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
    "base64encode": _identity,  # keep the text: user data is read for a proxy (FG018)
    "jsondecode": _jsondecode,
    "file": _file,
    "templatefile": _templatefile,
    "format": _format,
    "cidrsubnet": _cidrsubnet,
    "tostring": _plain_args(_tostring),
    "tonumber": _plain_args(_num),
    "tobool": _plain_args(_bool),
    "lower": _str_fn(str.lower),
    "upper": _str_fn(str.upper),
    "join": _join,
    "split": _split,
    "replace": _replace,
    "trimspace": _str_fn(str.strip),
    "range": _range,
    "keys": _plain_args(lambda m: sorted(m)),
    "values": _plain_args(lambda m: [m[k] for k in sorted(m)]),
    "contains": _plain_args(lambda xs, x: x in xs),
    "distinct": _distinct,
    "min": _plain_args(lambda *xs: min(_num(x) for x in xs)),
    "max": _plain_args(lambda *xs: max(_num(x) for x in xs)),
    "slice": _slice,
    "zipmap": _plain_args(lambda ks, vs: dict(zip(map(_to_str, ks), vs, strict=True))),
    "index": _plain_args(lambda xs, x: xs.index(x)),
    "one": _plain_args(lambda xs: xs[0] if len(xs) == 1 else None),
    "abs": _plain_args(lambda x: abs(_num(x))),
    # Conditions and names the registry modules build counts from.
    "anytrue": _plain_args(lambda xs: any(_bool(x) for x in xs)),
    "alltrue": _plain_args(lambda xs: all(_bool(x) for x in xs)),
    "startswith": _plain_args(lambda a, b: _text(a).startswith(_text(b))),
    "endswith": _plain_args(lambda a, b: _text(a).endswith(_text(b))),
    "trimprefix": _plain_args(lambda a, b: _text(a).removeprefix(_text(b))),
    "trimsuffix": _plain_args(lambda a, b: _text(a).removesuffix(_text(b))),
    "coalescelist": _coalescelist,
    "reverse": _plain_args(lambda xs: list(reversed(_items(xs)))),
    "sort": _plain_args(lambda xs: sorted(_text(x) for x in _items(xs))),
}
