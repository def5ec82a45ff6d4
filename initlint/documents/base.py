"""What every document type shares: the source map, and the Document interface.

A document is one file (or one editor buffer) as the engine sees it: `text`, the code it
analyzes; `source_map`, from rows of that text back to where they are in the document; and the
way to write a fixed `text` back in the document's own format (`with_text(...).to_bytes()`).
"""
from __future__ import annotations

import bisect
import dataclasses
from typing import ClassVar, List, Optional, Sequence, Tuple

from ..sources import SourceError


class SourceMap:
    """Rows of the analyzed text -> (cell, row in that cell).

    `cells` holds (first row in the text, cell number) pairs, in ascending order of rows; without
    cells (a Python file) the map is the identity: (None, row).
    """

    __slots__ = ("_starts", "_cells")

    def __init__(self, cells: Sequence[Tuple[int, int]] = ()) -> None:
        self._starts = [start for start, _cell in cells]
        self._cells = [cell for _start, cell in cells]

    @property
    def identity(self) -> bool:
        return not self._starts

    def locate(self, row: int) -> Tuple[Optional[int], int]:
        """(cell, row inside the cell) of a 1-based row of the text; (None, row) for the identity."""
        if not self._starts:
            return None, row
        index = max(bisect.bisect_right(self._starts, row) - 1, 0)
        return self._cells[index], row - self._starts[index] + 1

    def text_row(self, cell: Optional[int], row: int) -> Optional[int]:
        """The 1-based row of the text where a cell's row is (the inverse of `locate`); None for
        a cell without rows in the text (markdown)."""
        if not self._starts or cell is None:
            return row
        try:
            return self._starts[self._cells.index(cell)] + row - 1
        except ValueError:
            return None

    def map_diagnostic(self, diagnostic):
        """The diagnostic with its rows (span, noqa row, fix edits) counted inside its cell."""
        if not self._starts:
            return diagnostic
        cell, row = self.locate(diagnostic.span.row)
        shift = diagnostic.span.row - row

        def moved(span):
            return dataclasses.replace(span, row=span.row - shift, end_row=span.end_row - shift)

        fix = diagnostic.fix
        if fix is not None and fix.edits:
            fix = dataclasses.replace(fix, edits=tuple(dataclasses.replace(edit, span=moved(edit.span))
                                                       for edit in fix.edits))
        noqa_row = diagnostic.noqa_row - shift if diagnostic.noqa_row is not None else None
        return dataclasses.replace(diagnostic, span=moved(diagnostic.span), noqa_row=noqa_row, fix=fix, cell=cell)


IDENTITY = SourceMap()


class Document:
    """One document. Subclasses (one per file type, see documents/__init__.py) set `kind` and
    implement `from_bytes`, `from_text`, `with_text` and `to_bytes`.

    * `filename`: the name its diagnostics carry (as shown to the user);
    * `text`: the Python code the engine analyzes (None when the document could not be read);
    * `data`: the document's bytes as read (None for a document made from text, or a fixed one);
    * `error`: why it could not be read (a SourceError with its row), else None;
    * `source_map`: rows of `text` -> (cell, row in the cell).
    """

    # A document nothing else imports (a notebook): what it defines and never uses is dead code.
    whole_program = False

    kind: ClassVar[str] = ""

    def __init__(self, filename: str, text: Optional[str], data: Optional[bytes] = None,
                 error: Optional[SourceError] = None, source_map: SourceMap = IDENTITY) -> None:
        self.filename = filename
        self.text = text
        self.data = data
        self.error = error
        self.source_map = source_map

    # --- reading
    @classmethod
    def from_bytes(cls, data: bytes, filename: str) -> "Document":  # pragma: no cover - interface
        """The document of a file's bytes; never raises for bad content (`error` says what is wrong)."""
        raise NotImplementedError

    @classmethod
    def from_text(cls, text: str, filename: str) -> "Document":  # pragma: no cover - interface
        """The document of text already decoded (an editor's buffer)."""
        raise NotImplementedError

    def searchable(self) -> bytes:
        """The bytes the prefilter searches for its trigger words (those of `text`)."""
        if self.data is not None:
            return self.data
        return (self.text or "").encode("utf-8", "surrogatepass")

    def lines(self, cell: Optional[int] = None) -> Optional[List[str]]:  # pragma: no cover - interface
        """The lines of a cell (None: of the document's text), numbered as its diagnostics count
        rows; None when the document could not be read (or has no such cell)."""
        raise NotImplementedError

    # --- positions
    def map_diagnostics(self, diagnostics: List) -> List:
        if self.source_map.identity:
            return diagnostics
        return [self.source_map.map_diagnostic(diagnostic) for diagnostic in diagnostics]

    def map_result(self, result):
        """An engine FileResult of `text`, its diagnostics placed in the document (in place)."""
        if not self.source_map.identity:
            result.diagnostics = self.map_diagnostics(result.diagnostics)
        return result

    # --- writing
    def with_text(self, text: str) -> "Document":  # pragma: no cover - interface
        """The same document with `text` as its code (a fixed version), in the same format."""
        raise NotImplementedError

    def to_bytes(self) -> bytes:  # pragma: no cover - interface
        """The document's bytes in its own format (UnicodeEncodeError when the text cannot be)."""
        raise NotImplementedError

    def diff(self, fixed: "Document") -> str:  # pragma: no cover - interface
        """A unified diff from this document to `fixed` (empty when they are the same)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        state = "unreadable" if self.error is not None else f"{len(self.text or '')} characters"
        return f"<{type(self).__name__} {self.filename!r}: {state}>"


__all__ = ["Document", "IDENTITY", "SourceMap"]
