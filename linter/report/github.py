"""GitHub Actions workflow commands: one annotation per finding, shown on the diff.

`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=FG010::message`; the
steps and the fix follow on further lines of the message. Every line printed is escaped,
so the only lines that start with `::` are these annotations.
"""

from __future__ import annotations

from typing import TextIO

from linter.baseline import relative
from linter.engine import Result
from linter.report import Options, end_of, steps, text

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def render(result: Result, out: TextIO, options: Options) -> None:
    for f in result.findings:
        loc = f.loc
        props = [f"file={_property(relative(loc.file))}", f"line={loc.line}", f"col={loc.column}"]
        end = end_of(loc)
        if end:
            props.append(f"endLine={end[0]}")
            if end[1] >= 1:
                props.append(f"endColumn={end[1]}")
        props.append(f"title={_property(f.rule)}")
        lines = [f.message, *steps(f, "  ")]
        if f.fix:
            lines.append(f"fix: {f.fix}")
        command = COMMANDS.get(f.severity, "error")
        print(f"::{command} {','.join(props)}::{_data(chr(10).join(lines))}", file=out)
    # Plain lines are escaped too: a line break in a reason would start a workflow command.
    if options.show_suppressed:
        for s in result.suppressed:
            print(f"suppressed: {_data(text.suppressed_line(s))}", file=out)
    print(_data(text.summary(result)), file=out)
