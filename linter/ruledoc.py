"""Rule documentation from the rule docstrings: sections for SARIF, and docs/rules.md.

Regenerate the page with `python -m linter.ruledoc > docs/rules.md`; a test fails
when it is stale.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType

SECTION = re.compile(r"^## (.+)$", re.MULTILINE)
FORMATS = {
    "cloudformation": "CloudFormation",
    "terraform": "Terraform",
    "taskdef": "task definitions",
}


CATEGORIES = {
    "FG00": "ecs-exec",
    "FG01": "egress",
    "FG03": "inbound",
    "FG04": "security-groups",
    "FG05": "network-acls",
    "FG06": "routing",
    "FG07": "vpc-endpoints",
    "FG08": "iam",
    "FG09": "task-definition",
    "FG10": "suppressions",
}


def category(rule_id: str) -> str:
    """The catalogue group a rule belongs to (FG000 stands alone: input)."""
    return "input" if rule_id == "FG000" else CATEGORIES.get(rule_id[:4], "user")


def sections(module: ModuleType) -> dict[str, str]:
    """`{"What it does": "...", "Why is this bad?": "...", ...}` from a rule's docstring."""
    doc = (module.__doc__ or "").strip()
    heads = list(SECTION.finditer(doc))
    out = {}
    for n, head in enumerate(heads):
        end = heads[n + 1].start() if n + 1 < len(heads) else len(doc)
        out[head.group(1).strip()] = doc[head.end() : end].strip()
    return out


def title(module: ModuleType) -> str:
    """The docstring's first line: `FG010 — Fargate task has no egress path at all`."""
    return (module.__doc__ or "").strip().split("\n", 1)[0].strip()


def body(module: ModuleType) -> str:
    """The docstring without its title line."""
    doc = (module.__doc__ or "").strip()
    return doc.split("\n", 1)[1].strip() if "\n" in doc else ""


def plain(markdown: str) -> str:
    """Markdown as plain text: code fences and backquotes removed, code kept."""
    text = re.sub(r"^```\w*[ \t]*$", "", markdown, flags=re.MULTILINE)
    return re.sub(r"\n{3,}", "\n\n", text.replace("`", "")).strip()


def markdown(rules: dict[str, ModuleType]) -> str:
    lines = [
        "# Rules",
        "",
        "<!-- Generated from the rule docstrings by `python -m linter.ruledoc > docs/rules.md`."
        " Do not edit by hand: tests/test_docs.py fails when this page is stale. -->",
        "",
        "| id | severity | name | summary |",
        "|---|---|---|---|",
    ]
    for rid, mod in rules.items():
        meta = mod.META
        lines.append(
            f"| [{rid}](#{rid.lower()}) | {meta.severity} | {meta.name} | {meta.summary} |"
        )
    for rid, mod in rules.items():
        meta = mod.META
        formats = ", ".join(FORMATS[f] for f in meta.formats)
        lines += [
            "",
            f'<a id="{rid.lower()}"></a>',
            "",
            f"## {title(mod)}",
            "",
            f"`{meta.name}` · default severity **{meta.severity}** · reads {formats}",
            "",
            # The docstring's own sections become sub-headings of the rule's.
            SECTION.sub(r"### \1", body(mod)),
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    from linter.rules import RULES

    sys.stdout.write(markdown(RULES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
