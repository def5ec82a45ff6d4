"""`--add-noqa`, which writes `# noqa: ILxxx` on every reported line so that a code base can
adopt initlint today and fix its findings later (as `ruff check --add-noqa` does).

`--add-noqa` keeps what a line already says: a trailing comment stays, an existing
`# noqa: E501` gains the new codes (`# noqa: E501, IL101`). A line where a comment cannot go (a
backslash continuation, the inside of a string) is left alone and counted as skipped. Running it
twice adds nothing the second time: the lines it wrote are suppressed.
"""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set

from .sources import split_lines

FILE_ERROR_CODE = "IL000"  # a file that cannot be analyzed: nothing to suppress
_NOQA_CODES = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_BARE_NOQA = re.compile(r"#\s*noqa(?!:)", re.IGNORECASE)


def with_noqa(line: str, codes: Iterable[str]) -> str:
    """`line` with `# noqa:` for `codes`, merged into an existing `# noqa: ...` list."""
    codes = sorted(set(codes))
    match = _NOQA_CODES.search(line)
    if match:
        existing = [code for code in re.split(r"[\s,]+", match.group("codes").strip()) if code]
        merged = existing + [code for code in codes if code.upper() not in {c.upper() for c in existing}]
        return line[:match.start("codes")] + ", ".join(merged) + line[match.end("codes"):]
    if _BARE_NOQA.search(line):
        return line  # already silenced for every code
    return f"{line.rstrip()}  # noqa: {', '.join(codes)}"


def _comment_rows(text: str) -> Optional[Set[int]]:
    """The rows holding a `# noqa` comment token; None when the text does not tokenize."""
    rows = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT and "noqa" in token.string.lower():
                rows.add(token.start[0])
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return rows


def add_noqa_to_text(text: str, codes_by_row: Dict[int, Set[str]]) -> "NoqaEdit":
    """The text with `# noqa` on the given rows (1-based); rows where a comment cannot go are skipped."""
    lines = split_lines(text, keepends=True)
    edit = NoqaEdit(text)
    changed = dict()
    for row, codes in sorted(codes_by_row.items()):
        if not 1 <= row <= len(lines):
            edit.skipped += 1
            continue
        line = lines[row - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        if body.rstrip().endswith("\\"):
            edit.skipped += 1
            continue
        new = with_noqa(body, codes)
        if new != body:
            changed[row] = new + ending
    if not changed:
        return edit
    candidate = "".join(changed.get(row, line) for row, line in enumerate(lines, 1))
    comments = _comment_rows(candidate)
    if comments is None:
        edit.skipped += len(changed)
        return edit
    inside_strings = [row for row in changed if row not in comments]
    for row in inside_strings:  # the text went into a string literal: leave that line as it was
        del changed[row]
        edit.skipped += 1
    edit.text = "".join(changed.get(row, line) for row, line in enumerate(lines, 1))
    edit.added = len(changed)
    return edit


@dataclass
class NoqaEdit:
    text: str
    added: int = 0
    skipped: int = 0


@dataclass
class AddNoqaRun:
    added: int = 0
    skipped: int = 0
    files_changed: List[str] = field(default_factory=list)
    problems: List[tuple] = field(default_factory=list)  # (path, message)


def add_noqa_to_files(files: Sequence[str], options_for: Callable[[str], object],
                      read: Callable[[str], bytes]) -> AddNoqaRun:
    """`# noqa` on every line with a diagnostic (IL000 aside), in Python files and notebooks."""
    from . import api, documents
    from .writeback import write_atomic, write_target

    run = AddNoqaRun()
    for path in files:
        try:
            data = read(path)
        except OSError as error:
            run.problems.append((path, f"could not read the file: {error.strerror or error}"))
            continue
        document = documents.from_bytes(data, path)
        if document.text is None:
            continue  # cannot be read as text: its IL000 stays, nothing to suppress
        # Rows of the document's own text (a notebook's code cells as one module), not of cells.
        plain = documents.from_text(document.text, path + ".py") if document.kind != "python" else document
        result = api.lint_document(plain, options_for(path))
        codes_by_row: Dict[int, Set[str]] = {}
        for diagnostic in result.diagnostics:
            if diagnostic.code != FILE_ERROR_CODE:
                codes_by_row.setdefault(diagnostic.noqa_row or diagnostic.span.row, set()).add(diagnostic.code)
        if not codes_by_row:
            continue
        edit = add_noqa_to_text(document.text, codes_by_row)
        run.skipped += edit.skipped
        if not edit.added:
            continue
        try:
            payload = document.with_text(edit.text).to_bytes()
            write_atomic(write_target(path), payload)
        except (OSError, UnicodeEncodeError, ValueError) as error:
            run.problems.append((path, f"could not write the file: {getattr(error, 'strerror', None) or error}"))
            continue
        run.added += edit.added
        run.files_changed.append(path)
    return run


__all__ = ["AddNoqaRun", "add_noqa_to_files", "add_noqa_to_text", "with_noqa"]
