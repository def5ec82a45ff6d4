"""Source edits: building a Fix, applying edits to text, and checking the result still parses.

Nothing here runs the analysis (the fix loop that does is `initlint.fixing`), so the engine and
the spellers can import it without a cycle.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from .diagnostics import Edit, Fix
from .facts import Span
from .fixgoal import DISPLAY_ONLY

_NEWLINE = re.compile(r"\r\n|\r|\n")


def offsets(text: str) -> List[int]:
    """Offset of the start of each 1-based row (index 0 unused)."""
    starts = [0, 0]
    # Only \r\n, \r and \n end lines for Python and libcst (str.splitlines also splits on \f, \x1c...).
    for match in _NEWLINE.finditer(text):
        starts.append(match.end())
    return starts


def apply_edits(text: str, edits: List[Edit]) -> Tuple[str, List[Edit]]:
    """Apply non-overlapping edits (later ones that overlap an earlier one are skipped)."""
    starts = offsets(text)

    def offset(row: int, column: int) -> int:
        return starts[min(row, len(starts) - 1)] + column - 1

    chosen: List[Tuple[int, int, Edit]] = []
    for edit in sorted(edits, key=lambda e: (e.span.row, e.span.column, e.span.end_row, e.span.end_column)):
        begin, end = offset(edit.span.row, edit.span.column), offset(edit.span.end_row, edit.span.end_column)
        if chosen and begin < chosen[-1][1]:
            continue
        chosen.append((begin, end, edit))
    for begin, end, edit in reversed(chosen):
        text = text[:begin] + edit.content + text[end:]
    return text, [edit for _, _, edit in chosen]


def parses(text: str, limit=None) -> bool:
    """Whether libcst reads `text`; never hands it text the shared pre-check refuses (too large,
    too deeply nested: a native stack overflow), so every path into libcst goes through it."""
    import libcst as cst

    from .syntax import safe_for_libcst

    if not safe_for_libcst(text, limit):
        return False
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError, MemoryError):
        return False
    return True


def make_fix(applicability: str, message: str, content: Optional[str], span: Span) -> Fix:
    edits = (Edit(content, span),) if content is not None and applicability != DISPLAY_ONLY else ()
    return Fix(applicability if edits or applicability == DISPLAY_ONLY else DISPLAY_ONLY, message, edits)


__all__ = ["offsets", "apply_edits", "parses", "make_fix"]
