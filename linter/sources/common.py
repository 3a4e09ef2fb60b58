"""Steps every reader shares once its resources are built."""

from __future__ import annotations

import dataclasses
import re

from linter import model as m

_BRACKET = re.compile(r"[\[\](){}]")


def attach_standalone_rules(tpl: m.Template) -> None:
    """Fold standalone SG rule resources into the groups they name.

    A rule whose group is not in scope belongs to a group elsewhere and is dropped.
    """
    for rule_res in tpl.of(m.StandaloneSgRule):
        rule = rule_res.rule
        sg = tpl.deref(rule.group, m.SecurityGroup) if rule else None
        if sg is None:
            continue
        if rule.direction == "ingress":
            sg = dataclasses.replace(sg, ingress=(*sg.ingress, rule))
        else:
            sg = dataclasses.replace(sg, egress=(*sg.egress, rule))
        tpl.resources[sg.id] = sg


def bracket_depth(text: str) -> int:
    """An upper bound on nesting, counted before a parser recurses into it (brackets in
    strings count too, and a `)` closes a `[`: the bounds sit far above real files)."""
    depth = deepest = 0
    for mt in _BRACKET.finditer(text):
        if mt.group() in "[({":
            depth += 1
            deepest = max(deepest, depth)
        else:  # never below zero: closers in a comment buy no credit for openers
            depth = max(depth - 1, 0)
    return deepest
