"""The `github` format: GitHub Actions workflow commands, which become annotations on the lines.

One line per diagnostic:

    ::error file=models/mlp.py,line=14,endLine=14,col=9,endColumn=33,title=initlint (IL301)::message

`file` is relative to the repository root. `col`/`endColumn` are left out when the range spans
several lines (GitHub rejects column ranges across lines). Severity maps to error / warning /
notice. Data is escaped as the Actions toolkit does (`%`, CR, LF); property values also escape `:`
and `,`, so no file name or message can end the command early or inject another one. Other
control characters (an ESC sequence in a file name) are written as visible escapes (`\x1b`), so
nothing reaches the log as a terminal control sequence.

The Actions runner reads stderr for workflow commands too (a line that starts, after blanks, with
`::` or the older `##[`). `stderr_line` makes sure no line initlint writes on stderr does: a file
named `::stop-commands::x.py` is shown as `./::stop-commands::x.py`, the same file.
"""
from __future__ import annotations

from typing import Any, List, Tuple

from . import Report, printable
from .paths import RepoPaths
from .cells import placed

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    text = printable(text, keep="\r\n\t")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


_COMMAND_STARTS = ("::", "##[")


def stderr_line(text: str) -> str:
    """`text` (one line, already printable) so that the Actions runner cannot read it as a command."""
    stripped = text.lstrip()
    if stripped.startswith(_COMMAND_STARTS):
        return "./" + stripped
    return text


def message(diagnostic: Any) -> str:
    """The annotation's text: the message, then the fix in words."""
    text = diagnostic.message
    hint = (diagnostic.hint or "").strip()
    if hint:
        text += "\nhelp: " + hint
    return text


def command(diagnostic: Any, path: str) -> str:
    span = diagnostic.span
    properties: List[Tuple[str, str]] = [
        ("file", path),
        ("line", str(span.row)),
        ("endLine", str(span.end_row)),
    ]
    if span.end_row == span.row:
        properties += [("col", str(span.column)), ("endColumn", str(span.end_column))]
    properties.append(("title", f"initlint ({diagnostic.code})"))
    level = LEVELS.get(diagnostic.severity, "warning")
    joined = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{level} {joined}::{escape_data(message(diagnostic))}"


def render(report: Report) -> str:
    paths = RepoPaths.of(report)
    return "".join(command(d, paths.relative(d.filename)) + "\n" for d in placed(report))
