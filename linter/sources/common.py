"""Steps every reader shares once its resources are built."""

from __future__ import annotations

import dataclasses

from linter import model as m


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
