"""Fixing documents and writing them back: same format (for Python: encoding, coding cookie, BOM,
line endings, final newline), atomically. The only module that imports the fix loop."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

from . import documents
from .atomic import replace_atomically
from .documents import Document
from .documents.python import unified_diff
from .edits import parses
from .fixing import fix_text
from .options import AnalysisOptions


def fix(document: Document, options: AnalysisOptions, unsafe: bool) -> Tuple[Document, int]:
    """(the fixed document, fixes applied). A document that cannot be read or does not parse, or
    whose fixed text would not parse, comes back as it is, with 0."""
    text = document.text
    if document.error is not None or text is None or not parses(text):
        return document, 0  # files with syntax errors are never touched
    fixed, applied = fix_text(text, document.filename, options, unsafe)
    if fixed == text:
        return document, applied
    if not parses(fixed):
        return document, 0
    return document.with_text(fixed), applied


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
    document = documents.from_bytes(data, filename)
    if document.error is not None or not parses(document.text):
        return None
    fixed, applied = fix(document, AnalysisOptions.of(enabled), unsafe)
    return FixOutcome(document.text, fixed.text, applied, getattr(document, "encoding", "utf-8"))


def encode(text: str, encoding: str) -> bytes:
    # utf-8-sig writes the BOM back; a PEP 263 cookie names the codec, which round-trips the text.
    return text.encode(encoding)


def write_atomic(path: str, data: bytes) -> None:
    """Write through a temporary file in the same directory and os.replace, keeping permissions."""
    replace_atomically(path, data, stat.S_IMODE(os.stat(path).st_mode), durable=True)


@dataclass
class FixRun:
    """What `--fix` / `--diff` did over a run's files."""

    fixed: int = 0  # fixes applied (or, with --diff, that would be)
    files_changed: int = 0
    diffs: list = None  # unified diffs, with --diff

    def __post_init__(self) -> None:
        self.diffs = [] if self.diffs is None else self.diffs


def fix_files(files: List[str], options_for: Callable[[str], AnalysisOptions], unsafe: bool, diff_only: bool,
              shown_name: Callable[[str], str], read_source: Callable[[str], bytes],
              on_error: Callable[[str, str, str], None]) -> FixRun:
    """Fix every file in place (or collect the diffs), in a stable order, one file at a time."""
    run = FixRun()
    for path in files:
        try:
            data = read_source(path)
        except OSError:
            continue  # reported by the lint pass that follows
        shown = shown_name(path)
        document = documents.from_bytes(data, shown)
        fixed, applied = fix(document, options_for(path), unsafe)
        if fixed is document:
            continue
        run.fixed += applied
        run.files_changed += 1
        if diff_only:
            run.diffs.append(document.diff(fixed))
            continue
        try:
            write_atomic(path, fixed.to_bytes())
        except (OSError, UnicodeEncodeError) as error:
            on_error(path, shown, f"could not write the fixed file: {error}")
    return run


__all__ = ["FixOutcome", "FixRun", "encode", "fix", "fix_files", "fix_source", "unified_diff", "write_atomic"]
