"""Positions and diagnostics, initlint -> LSP (pure functions, no pygls).

initlint: 1-based rows, 1-based columns counted in code points, end exclusive.
LSP: 0-based lines, 0-based characters counted in UTF-16 code units, end exclusive.
"""
from __future__ import annotations

import bisect
from typing import List, Optional, Tuple

from lsprotocol import types

from ..diagnostics import Diagnostic
from ..edits import offsets
from ..report import rule_url
SOURCE = "initlint"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def lines_of(text: str) -> List[str]:
    """The text's lines (without their line ends), split as Python splits them; index 0 is row 1."""
    starts = offsets(text)[1:] + [len(text)]
    return [text[starts[i]:starts[i + 1]].rstrip("\r\n") for i in range(len(starts) - 1)] or [""]


def utf16_column(line: str, column: int) -> int:
    """The 0-based UTF-16 column of a 1-based code-point column in `line`."""
    prefix = line[:max(column - 1, 0)]
    return len(prefix.encode("utf-16-le")) // 2


def position(lines: List[str], row: int, column: int) -> types.Position:
    row = max(row, 1)
    if row > len(lines):
        return types.Position(line=len(lines), character=0)
    return types.Position(line=row - 1, character=utf16_column(lines[row - 1], column))


def span_range(lines: List[str], span) -> types.Range:
    return types.Range(start=position(lines, span.row, span.column),
                       end=position(lines, span.end_row, span.end_column))


def to_lsp(diagnostic: Diagnostic, lines: List[str], docs_url: Optional[str] = None) -> types.Diagnostic:
    """`docs_url`: where the rule pages live (the document's `docs-url`; None: the default)."""
    message = diagnostic.message
    if diagnostic.hint:
        message = f"{message}\nhint: {diagnostic.hint}"
    return types.Diagnostic(
        range=span_range(lines, diagnostic.span),
        message=message,
        severity=SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Warning),
        code=diagnostic.code,
        code_description=types.CodeDescription(href=rule_url(diagnostic.code, docs_url)),
        source=SOURCE,
        data={"hint": diagnostic.hint},
    )


def offset_position(text: str, starts: List[int], offset: int) -> types.Position:
    """The LSP position of a character offset; `starts`: `edits.offsets(text)`."""
    row = max(bisect.bisect_right(starts, offset, 1) - 1, 1)
    line_start = starts[row]
    return types.Position(line=row - 1, character=len(text[line_start:offset].encode("utf-16-le")) // 2)


def replace_edit(old: str, new: str) -> types.TextEdit:
    """One TextEdit turning `old` into `new`: the part between their common beginning and end."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    if head and old[head - 1] == "\r" and head < len(old) and old[head] == "\n":
        head -= 1  # never split a \r\n: an editor cannot place a position inside a line end
    end = len(old) - tail
    if tail and 0 < end < len(old) and old[end - 1] == "\r" and old[end] == "\n":
        tail -= 1
    starts = offsets(old)
    return types.TextEdit(range=types.Range(start=offset_position(old, starts, head),
                                            end=offset_position(old, starts, len(old) - tail)),
                          new_text=new[head:len(new) - tail])


def overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> Tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


__all__ = ["SOURCE", "lines_of", "offset_position", "overlaps", "position", "replace_edit", "span_range",
           "to_lsp", "utf16_column"]
