"""The text formats.

`text`: one line per diagnostic, `path:row:col: CODE [severity] message`, then an indented `help:`
line with the fix in words, then the summary line.
`concise`: only `path:row:col: CODE message` per diagnostic (for editors' error-format parsers).
`full`: the same, plus the source line with carets under the reported columns.

File names, messages and source lines are written through `printable`: a control character in
them (a file named with an ESC sequence, a string literal holding one) is shown as `\x1b`, never
sent to the terminal.
"""
from __future__ import annotations

import unicodedata
from typing import Any, List, Optional

from . import Report, fix_applicable, fix_summary, printable, summary_line

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
BLUE = "\x1b[34m"
CYAN = "\x1b[36m"
SEVERITY_COLORS = {"error": RED, "warning": YELLOW, "info": BLUE}
HELP_INDENT = "  "


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{RESET}" if color and text else text


def header(diagnostic: Any, color: bool = False, unsafe: bool = False) -> str:
    """`path:row:col: CODE [severity] message` (`CODE [*]` when --fix would fix it)."""
    span = diagnostic.span
    cell = diagnostic.cell  # notebooks: `path:cell 3:row:col:` as ruff prints it
    where = f"cell {cell}:" if cell else ""
    location = f"{_paint(printable(diagnostic.filename), BOLD, color)}:{where}{span.row}:{span.column}:"
    severity_color = SEVERITY_COLORS.get(diagnostic.severity, "")
    code = _paint(printable(diagnostic.code), BOLD + severity_color, color)
    severity = _paint(f"[{printable(diagnostic.severity)}]", severity_color, color)
    marker = " [*]" if fix_applicable(diagnostic, unsafe) else ""
    return f"{location} {code}{marker} {severity} {printable(diagnostic.message)}"


def help_lines(diagnostic: Any, color: bool = False) -> List[str]:
    hint = (diagnostic.hint or "").strip()
    if not hint:
        return []
    lines = [printable(line) for line in hint.splitlines()]
    label = _paint("help:", BOLD + CYAN, color)
    out = [f"{HELP_INDENT}{label} {lines[0]}"]
    out.extend(f"{HELP_INDENT}      {line}" for line in lines[1:])
    return out


def _width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _pad_like(text: str) -> str:
    """Blanks as wide as `text` on a terminal (tabs kept, so tab stops line up)."""
    return "".join("\t" if char == "\t" else " " * _width(char) for char in text)


def snippet(diagnostic: Any, lines: Optional[List[str]], color: bool = False) -> List[str]:
    """The reported source line with carets under the reported columns."""
    span = diagnostic.span
    if not lines or not 1 <= span.row <= len(lines):
        return []
    raw = lines[span.row - 1].rstrip("\r\n")
    start = max(span.column - 1, 0)
    start = min(start, len(raw))
    if span.end_row == span.row:
        end = max(min(span.end_column - 1, len(raw)), start)
    else:
        end = len(raw)
    # Escaped piece by piece, so that the carets stay under the (escaped) reported text.
    before, marked, after = (printable(part, keep="\t") for part in (raw[:start], raw[start:end], raw[end:]))
    source = before + marked + after
    start = len(before)
    carets = "^" * max(sum(_width(char) if char != "\t" else 1 for char in marked), 1)
    number = str(span.row)
    gutter = " " * len(number)
    bar = _paint("|", BLUE + BOLD, color)
    severity_color = SEVERITY_COLORS.get(diagnostic.severity, "")
    return [
        f"{gutter} {bar}",
        f"{_paint(number, BLUE + BOLD, color)} {bar} {source}",
        f"{gutter} {bar} {_pad_like(source[:start])}{_paint(carets, BOLD + severity_color, color)}",
        f"{gutter} {bar}",
    ]


def _summary(report: Report) -> List[str]:
    if report.quiet:
        return []
    line = summary_line(report)
    if report.color:
        line = _paint(line, GREEN if not report.diagnostics and not report.unreadable else BOLD, True)
    lines = [line]
    if report.fixed:
        lines.insert(0, f"Fixed {report.fixed} {'diagnostic' if report.fixed == 1 else 'diagnostics'}.")
    fixable = fix_summary(report)
    if fixable:
        lines.append(fixable)
    return lines


def _shown_fixes(report: Report, diagnostic: Any) -> List[str]:
    if not report.show_fixes:
        return []
    from .fix_preview import fix_lines

    return fix_lines(diagnostic, report.source_lines(diagnostic.filename, diagnostic.cell))


def render(report: Report) -> str:
    lines: List[str] = []
    for diagnostic in report.diagnostics:
        lines.append(header(diagnostic, report.color, report.unsafe_fixes))
        lines.extend(help_lines(diagnostic, report.color))
        lines.extend(_shown_fixes(report, diagnostic))
    lines.extend(_summary(report))
    return "".join(line + "\n" for line in lines)


def concise_line(diagnostic: Any, color: bool = False, unsafe: bool = False) -> str:
    """`path:row:col: CODE [*] message`: one line, as editors' error-format parsers read it."""
    span = diagnostic.span
    where = f"cell {diagnostic.cell}:" if diagnostic.cell else ""
    location = f"{_paint(printable(diagnostic.filename), BOLD, color)}:{where}{span.row}:{span.column}:"
    code = _paint(printable(diagnostic.code), BOLD + SEVERITY_COLORS.get(diagnostic.severity, ""), color)
    marker = " [*]" if fix_applicable(diagnostic, unsafe) else ""
    return f"{location} {code}{marker} {printable(' '.join(diagnostic.message.split()))}"


def render_concise(report: Report) -> str:
    """One line per diagnostic (no help, no source), then the summary lines (as ruff's concise)."""
    lines = [concise_line(diagnostic, report.color, report.unsafe_fixes) for diagnostic in report.diagnostics]
    lines.extend(_summary(report))
    return "".join(line + "\n" for line in lines)


def render_full(report: Report) -> str:
    lines: List[str] = []
    cache = {}
    for diagnostic in report.diagnostics:
        where = (diagnostic.filename, diagnostic.cell)
        if where not in cache:
            cache[where] = report.source_lines(*where)
        lines.append(header(diagnostic, report.color, report.unsafe_fixes))
        lines.extend(snippet(diagnostic, cache[where], report.color))
        lines.extend(help_lines(diagnostic, report.color))
        lines.extend(_shown_fixes(report, diagnostic))
        lines.append("")
    lines.extend(_summary(report))
    return "".join(line + "\n" for line in lines)
