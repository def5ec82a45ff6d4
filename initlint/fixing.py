"""The fix loop: lint, apply the fixes that may be applied, lint again, until nothing changes.

It runs the engine, so nothing the engine imports may import this module.
"""
from __future__ import annotations

from typing import Tuple

from .edits import apply_edits, parses
from .engine import lint_source
from .fixgoal import SAFE, UNSAFE
from .options import AnalysisOptions

MAX_PASSES = 10


def fix_text(text: str, filename: str, options, unsafe: bool) -> Tuple[str, int]:
    """Apply safe (and with `unsafe`, unsafe) fixes until nothing more applies; (new text, fixes applied).

    `options`: an `AnalysisOptions`, or the rule codes to run (None: the defaults)."""
    options = AnalysisOptions.of(options)
    applied = 0
    for _ in range(MAX_PASSES):
        result = lint_source(text, filename, options=options)
        edits = []
        for diagnostic in result.diagnostics:
            fix = diagnostic.fix
            if fix is None or not fix.edits:
                continue
            if fix.applicability == SAFE or (unsafe and fix.applicability == UNSAFE):
                edits.extend(fix.edits)
        if not edits:
            break
        new_text, used = apply_edits(text, edits)
        if new_text == text:
            break
        if not parses(new_text, options.max_file_size):
            # Apply the edits one at a time and keep only those that leave the file parseable.
            for edit in used:
                candidate, _ = apply_edits(text, [edit])
                if parses(candidate, options.max_file_size):
                    text = candidate
                    applied += 1
                    break
            else:
                break
            continue
        text = new_text
        applied += len(used)
    return text, applied


__all__ = ["fix_text", "MAX_PASSES"]
