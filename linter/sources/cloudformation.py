"""CloudFormation (YAML and JSON) into the common model.

Decoding is cfn-lint's (short-form intrinsics, duplicate keys, marks, bounded
aliases and nesting). Every `cfnlint` import stays in this module, and lazily:
importing it costs about half a second that a Terraform-only run should not pay.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Collection
from typing import Any, Protocol

from linter import model as m
from linter.budget import Budget, TooComplex
from linter.files import Files
from linter.sources import Loaded, ParseProblem, read_tree
from linter.sources.common import attach_standalone_rules, bracket_depth
from linter.sources.containers import containers, efs_volumes, unknown_why
from linter.sources.json_text import policy_document
from linter.values import (
    Loc,
    Ref,
    Unknown,
    V,
    Zone,
    pluck,
    rebuild,
    ref_id,
    ref_ids,
    same,
    shape,
    text,
    truth,
    type_shape,
    unknown,
    whole,
)

# Parameter types whose value comes from outside the template whatever the default.
_EXTERNAL_PARAM = re.compile(r"^(AWS::SSM::Parameter::|List<AWS::EC2::|AWS::EC2::)")
# A name holds no `$`, `{` or `}`: each `${` is scanned once ("${${${..." stays linear).
_SUB_VAR = re.compile(r"\$\{([^${}!]+)\}")
MAX_NESTING = 500  # PyYAML's C parser overflows the C stack long before Python notices
MAX_DEPTH = 200  # values resolved inside values (intrinsics through parameters and maps)
MAX_INDENT = 2000
MAX_KEYS = 1_000  # in one mapping: CloudFormation allows 500 resources, 200 parameters
WIDE_CHECK_BYTES = 64 * 1024
_DYNAMIC_REF = re.compile(r"\{\{resolve:")
# YAML 1.1 (PyYAML, and CloudFormation's parser) also ends a line at NEL, LS, PS and a
# lone CR; editors do not. In a file that has one, locations are recounted from the
# marks' character offsets so they name the line an editor shows.
_YAML_ONLY_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_YAML_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_RECOUNT: dict[str, tuple[list[int], list[int]]] = {}  # path -> (\n offsets, YAML -> editor)


def decode(path: str, text: str) -> tuple[Any, list[ParseProblem]]:
    """cfn-lint's decoder: (node tree or None, problems with 1-based locations).

    JSON-looking input goes to the strict JSON decoder: the YAML one would accept
    invalid JSON such as a bare `<PLACEHOLDER>` as a plain scalar.
    """
    if text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        return _decode_json(path, text)
    too_deep = _too_deep(text)
    if too_deep:
        return None, [ParseProblem(too_deep, Loc(path))]
    from cfnlint.decode import decode_str

    _RECOUNT.pop(path, None)
    if _YAML_ONLY_BREAK.search(text):
        _RECOUNT[path] = _line_tables(text)
    try:
        tree, matches = decode_str(text)
    except RecursionError:
        return None, [ParseProblem("document is nested too deeply", Loc(path))]
    editor = _RECOUNT[path][1] if path in _RECOUNT else None
    problems = [
        # PyYAML's messages span lines ("...\n  in <unicode string>"): one line each
        ParseProblem(
            " ".join(str(x.message).split()),
            Loc(
                path,
                max(editor[min(x.linenumber, len(editor)) - 1] if editor else x.linenumber, 1),
                max(x.columnnumber, 1),
            ),
        )
        for x in matches
    ]
    return (tree if not problems else None), problems


def _line_tables(text: str) -> tuple[list[int], list[int]]:
    """Offsets of the `\n`s, and for each YAML line (0-based) the editor's line (1-based)."""
    newlines = [mt.start() for mt in re.finditer("\n", text)]
    editor, line = [1], 1
    for mt in _YAML_BREAK.finditer(text):
        line += mt.group() in ("\n", "\r\n")
        editor.append(line)
    return newlines, editor


def _editor_position(path: str, index: int) -> tuple[int, int]:
    """(line, column), 1-based, of a character offset as an editor counts them."""
    newlines = _RECOUNT[path][0]
    before = bisect.bisect_left(newlines, index)
    start = newlines[before - 1] + 1 if before else 0
    return before + 1, index - start + 1


def _too_deep(text: str) -> str | None:
    """A cheap upper bound on YAML nesting (brackets in strings count too: the bound
    is far above any real template)."""
    if bracket_depth(text) > MAX_NESTING:
        return f"document is nested too deeply (more than {MAX_NESTING} levels)"
    indent = max((len(x) - len(x.lstrip(" ")) for x in text.splitlines()), default=0)
    if indent > MAX_INDENT:
        return f"document is indented too deeply ({indent} columns)"
    return _too_wide(text) if len(text) > WIDE_CHECK_BYTES else None


def _too_wide(text: str) -> str | None:
    """cfn-lint compares every key of a mapping with every earlier one (duplicates), so
    a mapping of 50,000 keys takes minutes: count keys from PyYAML's C parser events
    first. Only for large files: a small one cannot hold such a mapping."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    keys: list[int] = []  # per open collection: items so far (-1: a sequence)
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if keys and keys[-1] >= 0:
                    keys[-1] += 1
                keys.append(0 if isinstance(event, yaml.MappingStartEvent) else -1)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                n = keys.pop()
                if n > 2 * MAX_KEYS:  # a key and a value each
                    return f"a mapping has more than {MAX_KEYS:,} keys"
            elif keys and keys[-1] >= 0:
                keys[-1] += 1
    except yaml.YAMLError:
        return None  # cfn-lint reports it, with its own message
    return None


class _Wide(Exception):
    pass


def _wide_object(pairs: list) -> None:
    if len(pairs) > MAX_KEYS:
        raise _Wide
    # nothing is built: this pass only counts


def _decode_json(path: str, text: str) -> tuple[Any, list[ParseProblem]]:
    import json

    from cfnlint.decode import cfn_json

    try:  # the C scanner counts keys first: cfn-lint's duplicate check is quadratic
        json.loads(text, object_pairs_hook=_wide_object)
    except _Wide:
        return None, [ParseProblem(f"an object has more than {MAX_KEYS:,} keys", Loc(path))]
    except (ValueError, RecursionError):
        pass  # invalid: cfn-lint's decoder says where
    try:
        return cfn_json.loads(text), []
    except cfn_json.JSONDecodeError as exc:  # cfn-lint's own: duplicate keys
        return None, [
            ParseProblem(str(x.message), Loc(path, max(x.linenumber, 1), max(x.columnnumber, 1)))
            for x in exc.matches
        ]
    except RecursionError:
        return None, [ParseProblem("document is nested too deeply", Loc(path))]
    except Exception:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            return None, [
                ParseProblem(f"invalid JSON: {exc.msg}", Loc(path, exc.lineno, exc.colno))
            ]
        except RecursionError:
            return None, [ParseProblem("document is nested too deeply", Loc(path))]
        except ValueError:  # Python refuses integers of more than 4,300 digits
            return None, [ParseProblem("invalid JSON: a number has too many digits", Loc(path))]
        return None, [ParseProblem("invalid JSON", Loc(path))]


def mark(node: Any, path: str, fallback: Loc | None = None) -> Loc:
    sm = getattr(node, "start_mark", None)
    if sm is None:
        return fallback or Loc(path)
    # The JSON decoder's marks point just past a key's opening quote, 0-based:
    # that is the quote's 1-based column. YAML marks are 0-based on the token.
    json_mark = type(sm).__module__ == "cfnlint.decode.mark"
    if json_mark:  # its end marks are not positions in the file
        return Loc(path, sm.line + 1, max(sm.column, 1))
    em = getattr(node, "end_mark", None)
    if path in _RECOUNT and isinstance(getattr(sm, "index", None), int):
        end = _editor_position(path, em.index) if em is not None else (0, 0)
        return Loc(path, *_editor_position(path, sm.index), *end)
    end = (em.line + 1, em.column + 1) if em is not None else (0, 0)
    return Loc(path, sm.line + 1, sm.column + 1, *end)


@dataclasses.dataclass(frozen=True, slots=True)
class Joined(Unknown):
    """`Fn::Join` of references with a separator (`!Join [",", [!Ref A, !Ref B]]`): not a
    string we can write, but `Fn::Split` on the same separator, or a list parameter it
    is passed to, gets the references back."""

    sep: str = ""
    parts: tuple[V, ...] = ()


class Link(Protocol):
    """What a template needs from the other stacks of its unit (`linter.sources.stacks`)."""

    def import_value(self, rs: Resolver, name: V, loc: Loc) -> V: ...

    def output(self, rs: Resolver, stack: str, name: str, loc: Loc) -> V: ...


class Resolver:
    """Turns decoded nodes into `V` trees, resolving intrinsics where possible.

    YAML aliases share nodes, so a small file can name a huge tree: every node
    visited and every string built is charged to the unit's budget.

    In a unit of several stacks, `prefix` keeps one stack's resource ids apart from
    another's, `given` holds parameter values passed in (by a parent stack, a
    parameter file or the command line: facts, unlike defaults) and `link` answers
    `Fn::ImportValue` and a nested stack's outputs."""

    def __init__(
        self,
        path: str,
        tpl: dict,
        budget: Budget | None = None,
        prefix: str = "",
        given: dict[str, Callable[[], V | None]] | None = None,
        link: Link | None = None,
    ) -> None:
        self.path = path
        self.budget = budget or Budget()
        self.resolving: list[Any] = []  # parameters and map entries being resolved (cycles)
        self.depth = 0
        self.defaults: dict[str, V | None] = {}
        self.params = tpl.get("Parameters") if isinstance(tpl.get("Parameters"), dict) else {}
        self.mappings = tpl.get("Mappings") if isinstance(tpl.get("Mappings"), dict) else {}
        conditions = tpl.get("Conditions")
        self.conditions = conditions if isinstance(conditions, dict) else {}
        self.decided: dict[str, V] = {}
        res = tpl.get("Resources")
        self.resources = res if isinstance(res, dict) else {}
        self.prefix = prefix
        self.given = given or {}
        self.link = link
        # parameters that, in this variant, equal none of the literals compared with them
        self.others: frozenset[str] = frozenset()
        self.nested = False  # a nested stack's: its parameters come from its parent

    def rid(self, lid: str) -> str:
        """The unit-wide id of one of this template's resources."""
        return self.prefix + lid

    def is_stack(self, lid: str) -> bool:
        body = self.resources.get(lid)
        return isinstance(body, dict) and body.get("Type") == "AWS::CloudFormation::Stack"

    def value(self, node: Any, loc: Loc) -> V | None:
        """None means the property is absent (`AWS::NoValue`)."""
        here = mark(node, self.path, loc)
        if self.depth > MAX_DEPTH:
            return unknown("nested too deeply", here)
        self.depth += 1
        try:
            self.budget.step()
            return self._value(node, here)
        except TooComplex as exc:
            exc.loc = exc.loc or here  # the innermost node is where it ran out
            raise
        finally:
            self.depth -= 1

    def _value(self, node: Any, here: Loc) -> V | None:
        if isinstance(node, dict):
            if len(node) == 1:
                ((k, arg),) = node.items()
                if isinstance(k, str) and (k in ("Ref", "Condition") or k.startswith("Fn::")):
                    return self.intrinsic(str(k), arg, here)
            out = {}
            for k, v in node.items():
                r = self.value(v, mark(k, self.path, here))
                if r is not None:
                    out[str(k)] = r
            return V(out, here)
        if isinstance(node, list):
            items = [self.value(x, here) for x in node]
            return V([x for x in items if x is not None], here)
        if isinstance(node, str):
            if _DYNAMIC_REF.search(node):
                return unknown("dynamic reference", here)
            return V(str(node), here)
        return V(node, here)

    def intrinsic(self, fn: str, arg: Any, loc: Loc) -> V | None:
        if fn == "Ref":
            return self.ref(arg, loc) if isinstance(arg, str) else unknown("Ref", loc)
        if fn == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            if isinstance(parts, list) and len(parts) == 2 and str(parts[0]) in self.resources:
                return self.get_att(str(parts[0]), str(parts[1]), loc)
            return unknown("Fn::GetAtt", loc)
        if fn == "Fn::ImportValue":
            name = self.value(arg, loc)
            if self.link is not None and name is not None:
                return self.link.import_value(self, name, loc)
            which = f" {shape(name)}" if shape(name) else ""
            return unknown(f"Fn::ImportValue{which}, which has no Export in this run", loc)
        if fn == "Fn::If":
            return self.if_(arg, loc)
        if fn == "Fn::Split":
            return self.split(arg, loc)
        if fn == "Fn::Join":
            return self.join(arg, loc)
        if fn == "Fn::Sub":
            return self.sub(arg, loc)
        if fn == "Fn::Base64":  # the text is what a rule reads (user data, FG018)
            return self.value(arg, loc)
        if fn == "Fn::Select":
            if isinstance(arg, list) and len(arg) == 2:
                idx, lst = self.value(arg[0], loc), self.value(arg[1], loc)
                i = _index(idx)
                if i is not None and _region_zones(arg[1]):
                    return V(Zone(f"Availability Zone {i} of the Region", index=i), loc)
                items = lst.value if lst is not None and isinstance(lst.value, list) else []
                if i is not None and 0 <= i < len(items):
                    return items[i]
            return unknown("Fn::Select", loc)
        if fn == "Fn::FindInMap":
            return self.find_in_map(arg, loc)
        return unknown(fn, loc)

    def get_att(self, lid: str, attr: str, loc: Loc) -> V:
        if attr.startswith("Outputs.") and self.is_stack(lid) and self.link is not None:
            return self.link.output(self, lid, attr.removeprefix("Outputs."), loc)
        return V(Ref(self.rid(lid), attr), loc)

    def if_(self, arg: Any, loc: Loc) -> V | None:
        if not (isinstance(arg, list) and len(arg) == 3):
            return unknown("Fn::If", loc)
        cond = self.condition(str(arg[0]), loc) if isinstance(arg[0], str) else None
        if cond is not None and cond.known and isinstance(cond.value, bool):
            chosen = self.value(arg[1] if cond.value else arg[2], loc)
            return assume(chosen, cond.assumed) if chosen is not None else None
        a, b = self.value(arg[1], loc), self.value(arg[2], loc)
        # Both branches alike: the condition does not matter.
        if a is not None and b is not None and same(a, b):
            return a
        return unknown(f"Fn::If on condition {_first(arg)}", loc)

    def condition(self, name: str, loc: Loc) -> V:
        """A condition's truth, over known parameters: V(bool) (with the assumptions of
        the defaults it rests on) or unknown."""
        if name not in self.decided:
            if name in self.resolving or name not in self.conditions:
                return unknown(f"condition {name}", loc)
            self.resolving.append(name)
            try:
                v = self.truth_of(self.conditions[name], loc)
            finally:
                self.resolving.pop()
            self.decided[name] = v if v.known else unknown(f"condition {name}", loc)
        return self.decided[name]

    def truth_of(self, node: Any, loc: Loc) -> V:
        self.budget.step()
        if not (isinstance(node, dict) and len(node) == 1):
            return unknown("a condition", loc)
        ((fn, arg),) = node.items()
        if fn == "Condition" and isinstance(arg, str):
            return self.condition(arg, loc)
        if fn == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            a, b = self.value(arg[0], loc), self.value(arg[1], loc)
            x, y = (_scalar(v) for v in (a, b))
            if (x is None) != (y is None) and {self.compared(n) for n in arg} & self.others:
                return V(False, loc)  # a variant where the parameter is something else
            if x is None or y is None:
                return unknown("Fn::Equals", loc)
            return V(x == y, loc, tuple(dict.fromkeys(a.assumed + b.assumed)))
        if fn in ("Fn::And", "Fn::Or", "Fn::Not") and isinstance(arg, list) and arg:
            parts = [self.truth_of(x, loc) for x in arg]
            if fn == "Fn::Not":
                p = parts[0]
                return V(not p.value, loc, p.assumed) if p.known else p
            decisive = fn == "Fn::Or"  # a true part decides Or, a false one And
            for p in parts:
                if p.known and p.value is decisive:
                    return V(decisive, loc, p.assumed)
            if all(p.known for p in parts):
                assumed = tuple(dict.fromkeys(a for p in parts for a in p.assumed))
                return V(not decisive, loc, assumed)
        return unknown(fn, loc)

    def compared(self, node: Any) -> str | None:
        """The parameter a node refers to, when it has no value (a condition on it is
        undecided), else None."""
        if not (isinstance(node, dict) and len(node) == 1 and isinstance(node.get("Ref"), str)):
            return None
        name = str(node["Ref"])
        param = self.params.get(name)
        if not isinstance(param, dict) or name in self.given:
            return None
        return name if self.default(name, param, Loc(self.path)) is None else None

    def split(self, arg: Any, loc: Loc) -> V:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and arg[0]:
            v = self.value(arg[1], loc)
            if v is not None and isinstance(v.value, str):
                self.budget.items(v.value.count(arg[0]) + 1)
                return V([V(x, loc, v.assumed) for x in v.value.split(arg[0])], loc, v.assumed)
            if v is not None and isinstance(v.value, Joined) and v.value.sep == arg[0]:
                return V(list(v.value.parts), loc, v.assumed)
            if v is not None and isinstance(v.value, list):  # a list parameter, passed on
                return v
            if v is not None and isinstance(v.value, Ref):  # one id: no separator in it
                return V([v], loc, v.assumed)
            if v is not None and isinstance(v.value, Unknown):
                return unknown(f"Fn::Split of {v.value.reason}", loc)
        return unknown("Fn::Split", loc)

    def ref(self, name: str, loc: Loc) -> V | None:
        if name == "AWS::NoValue":
            return None
        if name.startswith("AWS::"):
            return unknown(f"pseudo parameter {name}", loc)
        if name in self.resources:
            return V(Ref(self.rid(name)), loc)
        param = self.params.get(name)
        if not isinstance(param, dict):
            return unknown(f"undefined name {name}", loc)
        if name in self.given:
            return self.passed(name, param, loc)
        default = self.default(name, param, loc)
        if default is None and self.nested and "Default" not in param:
            return unknown(f"parameter {name}, which the parent stack does not pass", loc)
        if default is None:
            return unknown(f"parameter {name}, which has no default", loc)
        if isinstance(default.value, (list, dict)):
            self.budget.items(len(default.value))
        # Keep the use site's location: that is where a reader looks.
        return relocate(default, loc, (f"parameter {name} default",))

    def passed(self, name: str, param: dict, loc: Loc) -> V | None:
        """A value given to the parameter (a fact), at the use site; list parameters
        split as CloudFormation splits them."""
        key = "given:" + name
        if key not in self.defaults:
            if key in self.resolving:
                return unknown(f"parameter {name} is given a value that refers to itself", loc)
            self.resolving.append(key)
            try:
                v = self.given[name]()
            finally:
                self.resolving.pop()
            ptype = str(param.get("Type", ""))
            if v is not None and (ptype.startswith("List<") or ptype == "CommaDelimitedList"):
                if isinstance(v.value, str):
                    self.budget.items(v.value.count(",") + 1)
                    v = V([V(p.strip(), v.loc, v.assumed) for p in v.value.split(",")], v.loc)
                elif isinstance(v.value, Joined) and v.value.sep == ",":
                    v = V(list(v.value.parts), v.loc, v.assumed)
            self.defaults[key] = v
        v = self.defaults[key]
        return None if v is None else relocate(v, loc, ())

    def default(self, name: str, param: dict, loc: Loc) -> V | None:
        """A parameter's known default (lists split), resolved once; None if unknown."""
        if name in self.defaults:
            return self.defaults[name]
        ptype = str(param.get("Type", ""))
        if _EXTERNAL_PARAM.match(ptype) or "Default" not in param or name in self.resolving:
            return None
        self.resolving.append(name)
        try:
            default = self.value(param["Default"], loc)
        finally:
            self.resolving.pop()
        if default is not None and not default.known:
            default = None
        if (
            default is not None
            and isinstance(default.value, str)
            and (ptype.startswith("List<") or ptype == "CommaDelimitedList")
        ):
            self.budget.items(default.value.count(",") + 1)
            default = V([V(p.strip(), loc) for p in default.value.split(",")], loc)
        self.defaults[name] = default
        return default

    def join(self, arg: Any, loc: Loc) -> V:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            parts = self.value(arg[1], loc)
            if parts is not None and isinstance(parts.value, Joined):
                parts = V(list(parts.value.parts), parts.loc, parts.assumed)
            if parts is not None and isinstance(parts.value, list):
                strs, assumed, known, refs = [], [], True, True
                for p in parts.value:
                    if not p.known or isinstance(p.value, (Ref, list, dict)):
                        known = False
                        refs = refs and isinstance(p.value, Ref)
                        strs.append(self.shape(p))
                        continue
                    strs.append(str(p.value))
                    assumed.extend(p.assumed)
                self.budget.chars(sum(map(len, strs)) + len(arg[0]) * len(strs))
                joined = str(arg[0]).join(strs)
                if not known and refs and arg[0]:
                    why = "Fn::Join of references"
                    return V(Joined(why, joined, str(arg[0]), tuple(parts.value)), loc)
                if not known:
                    return V(Unknown("Fn::Join of unknown parts", joined), loc)
                return V(joined, loc, tuple(dict.fromkeys(assumed)))
        return unknown("Fn::Join", loc)

    def sub(self, arg: Any, loc: Loc) -> V:
        template, local = arg, {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            template, local = arg[0], arg[1]
        if not isinstance(template, str):
            return unknown("Fn::Sub", loc)
        assumed: list[str] = []
        failed: list[str] = []

        def repl(mt: re.Match) -> str:
            name = mt.group(1).strip()
            lid, dot, attr = name.partition(".")
            if name in local:
                v = self.value(local[name], loc)
            elif dot and lid in self.resources:  # ${Resource.Attribute}
                v = self.get_att(lid, attr, loc)
            else:
                v = self.ref(name, loc)
            if v is None or not v.known or isinstance(v.value, (Ref, list, dict)):
                failed.append(name)
                return self.shape(v)
            assumed.extend(v.assumed)
            return str(v.value)

        self.budget.chars(len(template))
        out = _SUB_VAR.sub(repl, template)
        self.budget.chars(len(out))
        if failed:
            return V(Unknown(f"Fn::Sub of {', '.join(failed)}", out), loc)
        return V(out, loc, tuple(dict.fromkeys(assumed)))

    def find_in_map(self, arg: Any, loc: Loc) -> V:
        if isinstance(arg, list) and len(arg) >= 3:
            keys = [self.value(a, loc) for a in arg[:3]]
            if all(k is not None and isinstance(k.value, str) for k in keys):
                node: Any = self.mappings
                for k in keys:
                    node = node.get(k.value) if isinstance(node, dict) else None
                entry = tuple(k.value for k in keys)
                if node is not None and entry not in self.resolving:  # an entry may name itself
                    self.resolving.append(entry)
                    try:
                        return self.value(node, loc) or unknown("Fn::FindInMap", loc)
                    finally:
                        self.resolving.pop()
        return unknown("Fn::FindInMap", loc)

    def shape(self, v: V | None) -> str:
        """A part of a string that is not known, as a pattern: what a reference to a
        resource of a known type looks like (a secret's ARN, a repository's URI), else *."""
        if v is not None and isinstance(v.value, Ref):
            lid = v.value.id.removeprefix(self.prefix)
            body = self.resources.get(lid)
            rtype = body.get("Type") if isinstance(body, dict) else None
            return type_shape(str(rtype), v.value.attr) or "*"
        return (shape(v) if v is not None and not v.known else None) or "*"


def _scalar(v: V | None) -> str | None:
    """A known scalar as CloudFormation compares it (as a string)."""
    if v is None or not v.known or isinstance(v.value, (Ref, list, dict)):
        return None
    x = v.value
    return ("true" if x else "false") if isinstance(x, bool) else str(x)


def assume(v: V, assumed: tuple[str, ...]) -> V:
    """The same value, resting on more assumptions (at every level, where rules read)."""
    if not assumed:
        return v
    return rebuild(v, lambda n: V(n.value, n.loc, tuple(dict.fromkeys(n.assumed + assumed))))


def _index(v: V | None) -> int | None:
    """A whole-number index (CloudFormation writes it as a number or a string)."""
    x = v.value if v is not None else None
    if isinstance(x, str) and x.strip().isdigit() and len(x) <= 18:
        return int(x)
    return whole(x)


def _region_zones(node: Any) -> bool:
    """`Fn::GetAZs` of the stack's own Region ("" or `Ref: AWS::Region`)."""
    if not isinstance(node, dict) or len(node) != 1 or "Fn::GetAZs" not in node:
        return False
    region = node["Fn::GetAZs"]
    return region == "" or region == {"Ref": "AWS::Region"}


def _first(arg: Any) -> str:
    return arg[0] if isinstance(arg, list) and arg and isinstance(arg[0], str) else "?"


def relocate(v: V, loc: Loc, assumed: tuple[str, ...]) -> V:
    """A value taken from elsewhere (a parameter, another stack), located where it is
    used, resting on more assumptions."""

    def move(n: V) -> V:
        inner = n.value
        if isinstance(inner, Joined):  # the references inside move too
            parts = tuple(relocate(x, loc, assumed) for x in inner.parts)
            inner = dataclasses.replace(inner, parts=parts)
        return V(inner, loc, tuple(dict.fromkeys(assumed + n.assumed)))

    return rebuild(v, move)


# A resource left out by a condition that is false only by a default: its absence is
# an assumption where a rule concludes absence. Routes and associations count for
# their own table or subnet only; resources whose absence no rule concludes (a NAT
# gateway: a route to it would be left out too) do not count.
_DROPPED_FOR = {
    "AWS::EC2::Route": "RouteTableId",
    "AWS::EC2::SubnetRouteTableAssociation": "SubnetId",
    "AWS::EC2::VPCGatewayAttachment": "VpcId",
}
# A launcher left out only by a default is checked all the same, on the assumption
# that its condition holds: a default is not a decision.
_LAUNCHERS = {
    "AWS::ECS::Service",
    "AWS::ECS::TaskSet",
    "AWS::Events::Rule",
    "AWS::Scheduler::Schedule",
}
_DROPPED_TYPES = {
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::NetworkAclEntry",
    "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::ECS::ClusterCapacityProviderAssociations",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::RolePolicy",
}


def _dropped(
    tpl: m.Template, rs: Resolver, rtype: str, body: dict, loc: Loc, assumed: tuple[str, ...]
) -> None:
    key = _DROPPED_FOR.get(rtype)
    if key is not None:
        props = body.get("Properties")
        v = rs.value(props.get(key), loc) if isinstance(props, dict) and key in props else None
        owner = ref_id(v)
        tpl.drop(m.dropped_key(rtype, owner) if owner else rtype, assumed)
    elif rtype in _DROPPED_TYPES:
        tpl.drop(rtype, assumed)


def is_template(tree: Any) -> bool:
    res = tree.get("Resources") if isinstance(tree, dict) else None
    if not isinstance(res, dict) or not res:
        return False
    return any(isinstance(r, dict) and isinstance(r.get("Type"), str) for r in res.values())


def load(path: str, files: Files | None = None) -> Loaded:
    tree, problems = read_tree(path, files or Files.for_paths([path]))
    if problems:
        return Loaded(None, problems)
    return from_tree(path, tree)


def from_tree(
    path: str, tree: Any, budget: Budget | None = None, given: dict[str, str] | None = None
) -> Loaded:
    if not is_template(tree):
        if isinstance(tree, dict) and isinstance(tree.get("Resources"), list):
            # A CodeDeploy AppSpec (`Resources:` is a list): not a template, not broken.
            why = "a list of Resources, as in a CodeDeploy AppSpec: not a CloudFormation template"
            return Loaded(None, [ParseProblem(why, Loc(path), severity="info")])
        return Loaded(None, [ParseProblem("no Resources section with typed resources", Loc(path))])
    from linter.sources.cfn_conditions import build_variants

    given = given or {}
    built = build_variants(
        [(path, tree)], given, lambda values, others, b: build(path, tree, b, values, others)
    )
    # The template as written (undecided conditions unknown) is what the unit is; the
    # variants are what the rules judge.
    return Loaded(build(path, tree, budget, given), variants=built)


def given_facts(path: str, given: dict[str, str]) -> dict[str, Callable[[], V | None]]:
    """Parameter values from the command line or a parameter file: facts."""
    return {name: (lambda value=value: V(value, Loc(path))) for name, value in given.items()}


def build(
    path: str,
    tree: dict,
    budget: Budget | None = None,
    given: dict[str, str] | None = None,
    others: frozenset[str] = frozenset(),
) -> m.Template:
    rs = Resolver(path, tree, budget, given=given_facts(path, given or {}))
    rs.others = others
    tpl = m.Template(kind=m.CFN, path=path, files=(path,))
    add_resources(tpl, rs)
    collect_exports(tpl, rs, tree)
    collect_suppressions(tpl, tree, rs.path)
    attach_standalone_rules(tpl)
    return tpl


def add_resources(tpl: m.Template, rs: Resolver) -> None:
    """The template's resources, under `rs.prefix`; a resource whose Condition is false
    is not created (on the assumptions the condition rests on)."""
    path = rs.path
    for lid, body in rs.resources.items():
        if not isinstance(body, dict):
            continue
        rtype, loc = str(body.get("Type")), mark(lid, path)
        cond = body.get("Condition")
        holds = rs.condition(cond, loc) if isinstance(cond, str) else V(True, loc)
        if holds.value is False and not (holds.assumed and rtype in _LAUNCHERS):
            if holds.assumed:
                _dropped(tpl, rs, rtype, body, loc, holds.assumed)
            continue
        rid = rs.rid(str(lid))
        tpl.types[rid] = rtype
        meta = body.get("Metadata")
        construct = meta.get("aws:cdk:path") if isinstance(meta, dict) else None
        if isinstance(construct, str):
            tpl.constructs[rid] = construct
        builder = _BUILDERS.get(rtype)
        props = body.get("Properties")
        pv = rs.value(props, loc) if isinstance(props, dict) else V({}, loc)
        # What it waits for: DependsOn, and what it references (which orders creation
        # as DependsOn does).
        deps = _depends_on(body, rs.prefix) + tuple(ref_ids(pv))
        if deps:
            tpl.depends[rid] = tuple(dict.fromkeys(deps))
        if builder is None:
            continue
        for res in builder(rid, loc, rtype, pv or V({}, loc)):
            tpl.add(_with_attributes(res, body, holds, rs.prefix))


EVERYWHERE = 1 << 30  # the last line of a span that runs to the end of the file


def collect_suppressions(tpl: m.Template, tree: dict, path: str) -> None:
    """Resource spans (from one logical id to the next; the last one ends where the
    next top-level section starts) and `Metadata: {fargate-lint: {ignore: [...]}}`
    of the template and of each resource."""
    top = sorted((mark(k, path).line, str(k)) for k in tree)  # keys may be ints: str()
    res_line = next((line for line, k in top if k == "Resources"), 0)
    section_end = next((line - 1 for line, _ in top if line > res_line), EVERYWHERE)
    resources = tree["Resources"]
    starts = sorted(((mark(lid, path).line, lid) for lid in resources), key=lambda x: x[0])
    ends = [line - 1 for line, _ in starts[1:]] + [section_end]
    for (first, lid), last in zip(starts, ends, strict=True):
        tpl.spans.append(m.Span(path, first, last))
        body = resources[lid]
        if isinstance(body, dict):
            tpl.ignores += _metadata_ignores(body.get("Metadata"), path, first, last)
    tpl.ignores += _metadata_ignores(tree.get("Metadata"), path, 1, EVERYWHERE)


def _metadata_ignores(meta: Any, path: str, first: int, last: int) -> list[m.Ignore]:
    key = next((k for k in meta if k == "fargate-lint"), None) if isinstance(meta, dict) else None
    if key is None:
        return []
    here = mark(key, path)
    node = meta[key]
    items = node.get("ignore") if isinstance(node, dict) and set(node) == {"ignore"} else None
    if not isinstance(items, list):
        problem = "expected `fargate-lint: {ignore: [FG010, ...]}`"
        return [m.Ignore("", "", here, first, last, problem)]
    out = []
    for item in items:
        loc = mark(item, path, here)
        if isinstance(item, str):  # "FG010" or "FG010 the reason"
            rule, _, reason = item.strip().partition(" ")
            out.append(m.Ignore(rule.upper(), reason.strip(), loc, first, last))
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            reason = item.get("reason")
            reason = reason.strip() if isinstance(reason, str) else ""
            out.append(m.Ignore(item["id"].strip().upper(), reason, loc, first, last))
        else:
            problem = "expected a rule id, or {id: FG010, reason: ...}"
            out.append(m.Ignore("", "", loc, first, last, problem))
    return out


def _with_attributes(res: m.Resource, body: dict, holds: V, prefix: str) -> m.Resource:
    """Resource attributes some rules read: DependsOn on routes, Condition on launchers
    (a condition that holds only by assumption is one; one that is unknown, too)."""
    if isinstance(res, m.Route):
        return dataclasses.replace(res, depends_on=_depends_on(body, prefix))
    cond = body.get("Condition")
    if isinstance(res, m.Service) and isinstance(cond, str) and (holds.assumed or not holds.known):
        return dataclasses.replace(res, condition=str(cond))
    return res


def _depends_on(body: dict, prefix: str) -> tuple[str, ...]:
    deps = body.get("DependsOn")
    deps = [deps] if isinstance(deps, str) else deps if isinstance(deps, list) else []
    return tuple(prefix + str(d) for d in deps)


def collect_exports(
    tpl: m.Template,
    rs: Resolver,
    tree: dict,
    outputs: bool = True,
    read: Collection[str] = frozenset(),
) -> None:
    """Resources another stack may extend: those in Outputs (exported, or read by a
    parent we have not seen through a nested stack's outputs) and those passed to nested
    stacks not read (`read`: the nested stacks the unit holds)."""
    outs = tree.get("Outputs") if outputs else None
    for out in outs.values() if isinstance(outs, dict) else ():
        if isinstance(out, dict) and out.get("Value") is not None:
            tpl.exported.update(ref_ids(rs.value(out["Value"], Loc(rs.path))))
    for lid, body in rs.resources.items():
        if lid in read:
            continue
        if isinstance(body, dict) and body.get("Type") == "AWS::CloudFormation::Stack":
            props = body.get("Properties")
            node = props.get("Parameters") if isinstance(props, dict) else None
            url = props.get("TemplateURL") if isinstance(props, dict) else None
            where = shape(rs.value(url, mark(lid, rs.path))) if url is not None else None
            what = f"its template {where}" if where else "its TemplateURL"
            tpl.blind.append(
                (f"nested stack {rs.rid(lid)}: {what} is not in the run", mark(lid, rs.path))
            )
            handed = set(ref_ids(rs.value(node, Loc(tpl.path)))) if node is not None else set()
            tpl.exported.update(handed)
            for rid in handed:  # a stack we did not read may add to what it is given
                tpl.handed.setdefault(rid, f"nested stack {rs.rid(lid)}")


# -- resource builders ---------------------------------------------------------------


def _vpc(lid, loc, t, p):
    yield m.Vpc(
        lid, loc, t, p.get("CidrBlock"), p.get("EnableDnsSupport"), p.get("EnableDnsHostnames")
    )


def _subnet(lid, loc, t, p):
    yield m.Subnet(
        lid,
        loc,
        t,
        p.get("VpcId"),
        p.get("CidrBlock"),
        p.get("Ipv6CidrBlock"),
        p.get("AvailabilityZone") or p.get("AvailabilityZoneId"),
        p.get("MapPublicIpOnLaunch"),
        p.get("Ipv6Native"),
    )


def _route_table(lid, loc, t, p):
    yield m.RouteTable(lid, loc, t, p.get("VpcId"))


_ROUTE_TARGETS = (
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "InstanceId",
    "NetworkInterfaceId",
    "VpcEndpointId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
)


def _route(lid, loc, t, p):
    attr = next((a for a in _ROUTE_TARGETS if p.get(a) is not None), "")
    yield m.Route(
        lid,
        loc,
        t,
        route_table=p.get("RouteTableId"),
        destination=p.get("DestinationCidrBlock"),
        destination_v6=p.get("DestinationIpv6CidrBlock"),
        destination_prefix_list=p.get("DestinationPrefixListId"),
        target_attr=attr,
        target=p.get(attr) if attr else None,
    )


def _rt_assoc(lid, loc, t, p):
    yield m.RouteTableAssociation(
        lid, loc, t, p.get("RouteTableId"), p.get("SubnetId"), p.get("GatewayId")
    )


def _igw(lid, loc, t, p):
    yield m.InternetGateway(lid, loc, t)


def _attachment(lid, loc, t, p):
    if p.get("InternetGatewayId") is not None:
        yield m.GatewayAttachment(lid, loc, t, p.get("VpcId"), p.get("InternetGatewayId"))


def _nat(lid, loc, t, p):
    yield m.NatGateway(
        lid, loc, t, p.get("SubnetId"), p.get("ConnectivityType"), p.get("AllocationId")
    )


def _nacl(lid, loc, t, p):
    yield m.NetworkAcl(lid, loc, t, p.get("VpcId"))


def _nacl_entry(lid, loc, t, p):
    ports = p.get("PortRange")
    entry = m.NaclEntry(
        loc=loc,
        egress=truth(p.get("Egress")) is True,  # Egress defaults to false
        number=p.get("RuleNumber"),
        protocol=p.get("Protocol"),
        action=p.get("RuleAction"),
        cidr=p.get("CidrBlock"),
        cidr_v6=p.get("Ipv6CidrBlock"),
        from_port=ports.get("From") if ports else None,
        to_port=ports.get("To") if ports else None,
    )
    if p.get("Egress") is not None and truth(p.get("Egress")) is None:
        entry = dataclasses.replace(entry, action=unknown("Egress is not known", loc))
    yield m.StandaloneNaclEntry(lid, loc, t, p.get("NetworkAclId"), entry)


def _nacl_assoc(lid, loc, t, p):
    yield m.NaclAssociation(lid, loc, t, p.get("SubnetId"), p.get("NetworkAclId"))


def _endpoint(lid, loc, t, p):
    yield m.VpcEndpoint(
        lid,
        loc,
        t,
        vpc=p.get("VpcId"),
        service=p.get("ServiceName"),
        endpoint_type=p.get("VpcEndpointType"),
        subnets=p.get("SubnetIds"),
        security_groups=p.get("SecurityGroupIds"),
        route_tables=p.get("RouteTableIds"),
        private_dns=p.get("PrivateDnsEnabled"),
        policy=policy_document(p.get("PolicyDocument")),
    )


def sg_rule(v: V, direction: str, group: V | None = None) -> m.SgRule:
    peer = "SourceSecurityGroupId" if direction == "ingress" else "DestinationSecurityGroupId"
    plist = "SourcePrefixListId" if direction == "ingress" else "DestinationPrefixListId"
    return m.SgRule(
        loc=v.loc,
        direction=direction,
        protocol=v.get("IpProtocol"),
        from_port=v.get("FromPort"),
        to_port=v.get("ToPort"),
        cidr=v.get("CidrIp"),
        cidr_v6=v.get("CidrIpv6"),
        peer_group=v.get(peer) or v.get("SourceSecurityGroupName"),
        prefix_list=v.get(plist),
        group=group,
    )


def _sg(lid, loc, t, p):
    ingress, egress = p.get("SecurityGroupIngress"), p.get("SecurityGroupEgress")
    if (ingress is not None and not ingress.known) or (egress is not None and not egress.known):
        # Rules behind an Fn::If: the group's rules cannot be known.
        yield m.SecurityGroup(lid, loc, t, p.get("VpcId"), rules_known=False)
        return
    yield m.SecurityGroup(
        lid,
        loc,
        t,
        p.get("VpcId"),
        ingress=tuple(sg_rule(r, "ingress") for r in (ingress.items() if ingress else ())),
        egress=tuple(sg_rule(r, "egress") for r in (egress.items() if egress else ())),
        # AWS keeps the default allow-all egress unless egress rules are declared.
        default_egress_removed=egress is not None and bool(egress.value),
    )


def _sg_ingress(lid, loc, t, p):
    yield m.StandaloneSgRule(lid, loc, t, sg_rule(p, "ingress", p.get("GroupId")))


def _sg_egress(lid, loc, t, p):
    yield m.StandaloneSgRule(lid, loc, t, sg_rule(p, "egress", p.get("GroupId")))


def _cluster(lid, loc, t, p):
    exec_config = p.get("Configuration", "ExecuteCommandConfiguration")
    yield m.Cluster(
        lid,
        loc,
        t,
        p.get("DefaultCapacityProviderStrategy"),
        p.get("CapacityProviders"),
        exec_config.get("KmsKeyId") if exec_config else None,
        _exec_logging(exec_config) if exec_config else None,
    )


def _exec_logging(conf: V) -> m.ExecLogging:
    logs = conf.get("LogConfiguration")
    return m.ExecLogging(
        conf.loc,
        conf.get("Logging"),
        logs,
        logs.get("CloudWatchLogGroupName") if logs else None,
        logs.get("CloudWatchEncryptionEnabled") if logs else None,
        logs.get("S3BucketName") if logs else None,
        logs.get("S3EncryptionEnabled") if logs else None,
        logs.get("S3KeyPrefix") if logs else None,
    )


def _cluster_cps(lid, loc, t, p):
    yield m.ClusterCapacityProviders(
        lid,
        loc,
        t,
        p.get("Cluster"),
        p.get("DefaultCapacityProviderStrategy"),
        p.get("CapacityProviders"),
    )


def _capacity_provider(lid, loc, t, p):
    yield m.CapacityProvider(lid, loc, t, p.get("AutoScalingGroupProvider", "AutoScalingGroupArn"))


def _asg(lid, loc, t, p):
    lt = p.get("LaunchTemplate")
    mixed = p.get("MixedInstancesPolicy", "LaunchTemplate", "LaunchTemplateSpecification")
    launch = None
    for spec in (lt, mixed):
        if launch is None and spec is not None:
            launch = spec.get("LaunchTemplateId") or spec.get("LaunchTemplateName")
    launch = launch or p.get("LaunchConfigurationName")
    yield m.AutoScalingGroup(lid, loc, t, p.get("VPCZoneIdentifier"), launch)


def _launch_template(lid, loc, t, p):
    if t == "AWS::AutoScaling::LaunchConfiguration":
        yield m.LaunchTemplate(
            lid,
            loc,
            t,
            p.get("AssociatePublicIpAddress"),
            p.get("UserData"),
            p.get("SecurityGroups"),
        )
        return
    data = p.get("LaunchTemplateData")
    nics = data.get("NetworkInterfaces") if data is not None else None
    first = next(iter(nics.items()), None) if nics is not None and nics.known else None
    public = first.get("AssociatePublicIpAddress") if first is not None else None
    groups = (
        data.get("SecurityGroupIds") or data.get("SecurityGroups") if data is not None else None
    )
    if first is not None and first.get("Groups") is not None:
        groups = first.get("Groups")
    if nics is not None and not nics.known:
        public = groups = nics  # unknown interfaces: unknown public IP and groups
    yield m.LaunchTemplate(lid, loc, t, public, data.get("UserData") if data else None, groups)


def _lb_bindings(v: V | None) -> tuple[m.LoadBalancerBinding, ...]:
    if v is None:
        return ()
    return tuple(
        m.LoadBalancerBinding(
            b.loc,
            b.get("TargetGroupArn"),
            b.get("ContainerName"),
            b.get("ContainerPort"),
            b.get("LoadBalancerName"),
        )
        for b in v.items()
    )


def _launcher(lid, loc, t, p, network, **kw):
    awsvpc = None
    if network is not None:
        awsvpc = network.get("AwsvpcConfiguration") or network.get("AwsVpcConfiguration")
    return m.Service(
        lid,
        loc,
        t,
        launch_type=p.get("LaunchType"),
        strategy=p.get("CapacityProviderStrategy"),
        network=network,
        subnets=awsvpc.get("Subnets") if awsvpc else None,
        security_groups=awsvpc.get("SecurityGroups") if awsvpc else None,
        assign_public_ip=awsvpc.get("AssignPublicIp") if awsvpc else None,
        exec_enabled=p.get("EnableExecuteCommand"),
        platform_version=p.get("PlatformVersion"),
        role=p.get("Role"),
        **kw,
    )


def _service(lid, loc, t, p):
    yield _launcher(
        lid,
        loc,
        t,
        p,
        p.get("NetworkConfiguration"),
        cluster=p.get("Cluster"),
        task_definition=p.get("TaskDefinition"),
        load_balancers=_lb_bindings(p.get("LoadBalancers")),
        load_balancers_known=p.get("LoadBalancers") is None or p.get("LoadBalancers").known,
        service_registries=p.get("ServiceRegistries"),
        service_connect=p.get("ServiceConnectConfiguration"),
        deployment_controller=p.get("DeploymentController", "Type"),
    )


def _ecs_target(lid: str, t: str, target: V | None) -> m.Service | None:
    """A scheduled-task target (EventBridge rule or Scheduler schedule)."""
    ecs = target.get("EcsParameters") if target is not None else None
    if ecs is None:
        return None
    return _launcher(
        lid,
        ecs.loc,
        t,
        ecs,
        ecs.get("NetworkConfiguration"),
        cluster=target.get("Arn"),
        task_definition=ecs.get("TaskDefinitionArn"),
    )


def _events_rule(lid, loc, t, p):
    targets = p.get("Targets")
    for i, target in enumerate(targets.items() if targets else ()):
        svc = _ecs_target(f"{lid}.Targets[{i}]", t, target)
        if svc is not None:
            yield svc


def _schedule(lid, loc, t, p):
    svc = _ecs_target(f"{lid}.Target", t, p.get("Target"))
    if svc is not None:
        yield svc


def _task_definition(lid, loc, t, p):
    defs = p.get("ContainerDefinitions")
    yield m.TaskDefinition(
        lid,
        loc,
        t,
        network_mode=p.get("NetworkMode"),
        compatibilities=p.get("RequiresCompatibilities"),
        containers=containers(defs) if defs is not None else (),
        containers_loc=defs.loc if defs is not None else None,
        containers_why=unknown_why(defs),
        os_family=p.get("RuntimePlatform", "OperatingSystemFamily"),
        task_role=p.get("TaskRoleArn"),
        execution_role=p.get("ExecutionRoleArn"),
        efs_volumes=efs_volumes(p.get("Volumes")),
        ephemeral_storage=p.get("EphemeralStorage"),
        memory=p.get("Memory"),
    )


def _role(lid, loc, t, p):
    inline = p.get("Policies")
    yield m.Role(
        lid,
        loc,
        t,
        name=p.get("RoleName"),
        trust=policy_document(p.get("AssumeRolePolicyDocument")),
        inline=tuple(policy_document(x.get("PolicyDocument")) or x for x in inline.items())
        if inline
        else (),
        inline_known=inline is None or isinstance(inline.value, list),
        managed=p.get("ManagedPolicyArns"),
        boundary=p.get("PermissionsBoundary"),
    )


def _policy(lid, loc, t, p):
    yield m.Policy(
        lid,
        loc,
        t,
        document=policy_document(p.get("PolicyDocument")),
        roles=p.get("RoleName") if t == "AWS::IAM::RolePolicy" else p.get("Roles"),
        managed=t == "AWS::IAM::ManagedPolicy",
    )


def _kms_key(lid, loc, t, p):
    yield m.KmsKey(lid, loc, t, policy_document(p.get("KeyPolicy")))


def _log_group(lid, loc, t, p):
    yield m.LogGroup(lid, loc, t, p.get("LogGroupName"), p.get("KmsKeyId"))


def _load_balancer(lid, loc, t, p):
    subnets, mappings = p.get("Subnets"), p.get("SubnetMappings")
    if subnets is None and mappings is not None:
        subnets = pluck(mappings, "SubnetId")
    internal = p.get("Scheme")
    yield m.LoadBalancer(
        lid,
        loc,
        t,
        lb_type=p.get("Type"),
        internal=_scheme(internal),
        subnets=subnets,
        security_groups=p.get("SecurityGroups"),
    )


_NAMESPACE_KINDS = {
    "AWS::ServiceDiscovery::PrivateDnsNamespace": "private",
    "AWS::ServiceDiscovery::PublicDnsNamespace": "public",
    "AWS::ServiceDiscovery::HttpNamespace": "http",
}


def _namespace(lid, loc, t, p):
    yield m.Namespace(lid, loc, t, _NAMESPACE_KINDS[t], p.get("Vpc"))


def _discovery_service(lid, loc, t, p):
    dns = p.get("DnsConfig")
    records = dns.get("DnsRecords") if dns is not None else None
    yield m.DiscoveryService(
        lid,
        loc,
        t,
        p.get("NamespaceId") or (dns.get("NamespaceId") if dns is not None else None),
        pluck(records, "Type") if records is not None else None,
    )


def _file_system(lid, loc, t, p):
    yield m.FileSystem(lid, loc, t, p.get("AvailabilityZoneName"))


def _mount_target(lid, loc, t, p):
    yield m.MountTarget(
        lid, loc, t, p.get("FileSystemId"), p.get("SubnetId"), p.get("SecurityGroups")
    )


def _scheme(v: V | None) -> V | None:
    """`Scheme` as the `internal` flag Terraform writes (default internet-facing)."""
    if v is None or not v.known:
        return v
    return V(text(v) == "internal", v.loc, v.assumed)


def _target_group(lid, loc, t, p):
    attrs = p.get("TargetGroupAttributes")
    preserve = None
    for a in attrs.items() if attrs is not None and attrs.known else ():
        if text(a.get("Key")) == "preserve_client_ip.enabled":
            preserve = a.get("Value")
    yield m.TargetGroup(
        lid,
        loc,
        t,
        target_type=p.get("TargetType"),
        protocol=p.get("Protocol"),
        vpc=p.get("VpcId"),
        health_check_port=p.get("HealthCheckPort"),
        preserve_client_ip=preserve,
        ip_address_type=p.get("IpAddressType"),
    )


def _forwarded(actions: V | None) -> tuple[tuple[V, ...], bool]:
    """The target groups a listener's (or rule's) actions forward to, and whether the
    actions could be read."""
    if actions is None:
        return (), True
    if not actions.known:
        return (), False
    out: list[V] = []
    for a in actions.items():
        if not a.known or not isinstance(a.value, dict):
            return (), False
        if a.get("TargetGroupArn") is not None:
            out.append(a.get("TargetGroupArn"))
        fwd = a.get("ForwardConfig")
        groups = fwd.get("TargetGroups") if fwd is not None else None
        if (fwd is not None and not fwd.known) or (groups is not None and not groups.known):
            return (), False
        out.extend(g.get("TargetGroupArn") for g in (groups.items() if groups else ()))
    return tuple(x for x in out if x is not None), True


def _listener(lid, loc, t, p):
    rule = t == "AWS::ElasticLoadBalancingV2::ListenerRule"
    groups, known = _forwarded(p.get("Actions" if rule else "DefaultActions"))
    yield m.Listener(
        lid,
        loc,
        t,
        load_balancer=None if rule else p.get("LoadBalancerArn"),
        listener=p.get("ListenerArn") if rule else None,
        target_groups=groups,
        actions_known=known,
    )


_BUILDERS = {
    "AWS::EC2::VPC": _vpc,
    "AWS::EC2::Subnet": _subnet,
    "AWS::EC2::RouteTable": _route_table,
    "AWS::EC2::Route": _route,
    "AWS::EC2::SubnetRouteTableAssociation": _rt_assoc,
    "AWS::EC2::InternetGateway": _igw,
    "AWS::EC2::VPCGatewayAttachment": _attachment,
    "AWS::EC2::NatGateway": _nat,
    "AWS::EC2::VPCEndpoint": _endpoint,
    "AWS::EC2::NetworkAcl": _nacl,
    "AWS::EC2::NetworkAclEntry": _nacl_entry,
    "AWS::EC2::SubnetNetworkAclAssociation": _nacl_assoc,
    "AWS::EC2::SecurityGroup": _sg,
    "AWS::EC2::SecurityGroupIngress": _sg_ingress,
    "AWS::EC2::SecurityGroupEgress": _sg_egress,
    "AWS::ECS::Cluster": _cluster,
    "AWS::ECS::ClusterCapacityProviderAssociations": _cluster_cps,
    "AWS::ECS::CapacityProvider": _capacity_provider,
    "AWS::ECS::Service": _service,
    "AWS::ECS::TaskSet": _service,
    "AWS::Events::Rule": _events_rule,
    "AWS::Scheduler::Schedule": _schedule,
    "AWS::ECS::TaskDefinition": _task_definition,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _load_balancer,
    "AWS::EFS::FileSystem": _file_system,
    "AWS::AutoScaling::AutoScalingGroup": _asg,
    "AWS::AutoScaling::LaunchConfiguration": _launch_template,
    "AWS::EC2::LaunchTemplate": _launch_template,
    **{t: _namespace for t in _NAMESPACE_KINDS},
    "AWS::ServiceDiscovery::Service": _discovery_service,
    "AWS::EFS::MountTarget": _mount_target,
    "AWS::ElasticLoadBalancingV2::TargetGroup": _target_group,
    "AWS::ElasticLoadBalancingV2::Listener": _listener,
    "AWS::ElasticLoadBalancingV2::ListenerRule": _listener,
    "AWS::KMS::Key": _kms_key,
    "AWS::IAM::Role": _role,
    "AWS::IAM::Policy": _policy,
    "AWS::IAM::ManagedPolicy": _policy,
    "AWS::IAM::RolePolicy": _policy,
}
