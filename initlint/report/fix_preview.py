"""`--show-fixes`: under a diagnostic, its fix: what it does, whether --fix applies it, and the
lines before and after (`-`/`+`), computed from the fix's own edits on the reported source."""
from __future__ import annotations

from typing import Any, List, Optional

from . import printable

WHEN = {
    "safe": "safe, applied by --fix",
    "unsafe": "unsafe, applied by --fix --unsafe-fixes",
    "display-only": "display-only, never applied",
}
INDENT = "  "


def _fixed_block(lines: List[str], edits: Any) -> Optional[tuple]:
    """(first row, old lines, new lines) of the rows the edits touch; None when they do not fit."""
    first = min(edit.span.row for edit in edits)
    last = max(edit.span.end_row for edit in edits)
    if first < 1 or last > len(lines):
        return None
    block = lines[first - 1:last]
    text = "\n".join(block)

    def offset(row: int, column: int) -> int:
        return sum(len(line) + 1 for line in block[:row - first]) + column - 1

    for edit in sorted(edits, key=lambda e: (e.span.row, e.span.column), reverse=True):
        start, end = offset(edit.span.row, edit.span.column), offset(edit.span.end_row, edit.span.end_column)
        if not 0 <= start <= end <= len(text):
            return None
        text = text[:start] + edit.content + text[end:]
    return first, block, text.split("\n")


def fix_lines(diagnostic: Any, lines: Optional[List[str]]) -> List[str]:
    """`  fix (unsafe, applied by --fix --unsafe-fixes): <message>` and the changed lines."""
    fix = getattr(diagnostic, "fix", None)
    if fix is None:
        return []
    when = WHEN.get(fix.applicability, fix.applicability)
    out = [f"{INDENT}fix ({when}): {printable(fix.message)}"]
    if not fix.edits or not lines:
        return out
    changed = _fixed_block(lines, fix.edits)
    if changed is None:
        return out
    first, old, new = changed
    width = len(str(first + max(len(old), len(new)) - 1))
    for number, line in enumerate(old, first):
        out.append(f"{INDENT}  {str(number).rjust(width)} - {printable(line, keep=chr(9))}")
    for number, line in enumerate(new, first):
        out.append(f"{INDENT}  {str(number).rjust(width)} + {printable(line, keep=chr(9))}")
    return out
