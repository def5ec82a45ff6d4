"""Writing fixed sources back: same encoding (coding cookie, BOM), same line endings, atomically."""
from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass
from typing import Optional

from .atomic import replace_atomically
from .edits import parses
from .fixing import fix_text
from .sources import SourceError, decode, encoding_of, split_lines


@dataclass
class FixOutcome:
    original: str
    fixed: str
    applied: int
    encoding: str

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def fix_source(data: bytes, filename: str, enabled, unsafe: bool) -> Optional[FixOutcome]:
    """The fixed text of a file's bytes; None when the file cannot be decoded or does not parse."""
    try:
        text = decode(data)
        encoding = encoding_of(data)
    except SourceError:
        return None
    if not parses(text):
        return None  # files with syntax errors are never touched
    fixed, applied = fix_text(text, filename, enabled, unsafe)
    if fixed != text and not parses(fixed):
        return FixOutcome(text, text, 0, encoding)
    return FixOutcome(text, fixed, applied, encoding)


def encode(text: str, encoding: str) -> bytes:
    # utf-8-sig writes the BOM back; a PEP 263 cookie names the codec, which round-trips the text.
    return text.encode(encoding)


def write_atomic(path: str, data: bytes) -> None:
    """Write through a temporary file in the same directory and os.replace, keeping permissions."""
    replace_atomically(path, data, stat.S_IMODE(os.stat(path).st_mode), durable=True)


def unified_diff(name: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(  # Python's lines: a form feed or U+2028 inside a line does not end it
        split_lines(before, keepends=True), split_lines(after, keepends=True), fromfile=f"a/{name}", tofile=f"b/{name}"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


@dataclass
class FixRun:
    """What `--fix` / `--diff` did over a run's files."""

    fixed: int = 0  # fixes applied (or, with --diff, that would be)
    files_changed: int = 0
    diffs: list = None  # unified diffs, with --diff

    def __post_init__(self) -> None:
        self.diffs = [] if self.diffs is None else self.diffs


def fix_files(files, enabled_for, unsafe: bool, diff_only: bool, shown_name, read_source, on_error) -> FixRun:
    """Fix every file in place (or collect the diffs), in a stable order, one file at a time."""
    run = FixRun()
    for path in files:
        try:
            data = read_source(path)
        except OSError:
            continue  # reported by the lint pass that follows
        shown = shown_name(path)
        outcome = fix_source(data, shown, enabled_for(path), unsafe)
        if outcome is None or not outcome.changed:
            continue
        run.fixed += outcome.applied
        run.files_changed += 1
        if diff_only:
            run.diffs.append(unified_diff(shown, outcome.original, outcome.fixed))
            continue
        try:
            write_atomic(path, encode(outcome.fixed, outcome.encoding))
        except (OSError, UnicodeEncodeError) as error:
            on_error(path, shown, f"could not write the fixed file: {error}")
    return run
