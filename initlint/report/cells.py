"""Notebook positions for the formats that know only file lines (github, gitlab, sarif, junit).

A diagnostic in a notebook cell (`cell` set, rows counted inside the cell) is placed on the line of
the raw `.ipynb` file where that source line sits, the whole line, and its message starts with
`cell 3, line 4: ` so the cell position is not lost. Diagnostics of Python files pass unchanged.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Any, Dict, List, Optional


class FileLines:
    """Maps the diagnostics of a report onto raw file lines (notebooks read once each)."""

    def __init__(self, report: Any) -> None:
        self.report = report
        self._documents: Dict[str, Any] = {}

    def _document(self, filename: str):
        if filename not in self._documents:
            data = self.report.sources.get(filename)
            if data is None and filename != "-":
                try:
                    with open(os.path.join(self.report.cwd or os.getcwd(), filename), "rb") as handle:
                        data = handle.read()
                except OSError:
                    data = None
            document = None
            if data is not None:
                from ..documents.notebook import NotebookDocument

                document = NotebookDocument.from_bytes(data, filename)
            self._documents[filename] = document
        return self._documents[filename]

    def place(self, diagnostic: Any) -> Any:
        """The diagnostic as a file-line one (unchanged when it is not in a cell)."""
        cell = getattr(diagnostic, "cell", None)
        if not cell:
            return diagnostic
        where = f"cell {cell}, line {diagnostic.span.row}: "
        document = self._document(diagnostic.filename)
        row = document.file_row(cell, diagnostic.span.row) if document is not None else None
        if row is None:
            return dataclasses.replace(diagnostic, message=where + diagnostic.message)
        lines = document._json_text.splitlines()
        width = len(lines[row - 1]) if row <= len(lines) else 0
        span = dataclasses.replace(diagnostic.span, row=row, end_row=row, column=1, end_column=width + 1)
        return dataclasses.replace(diagnostic, span=span, message=where + diagnostic.message, fix=None)

    def all(self, diagnostics: List[Any]) -> List[Any]:
        return [self.place(diagnostic) for diagnostic in diagnostics]


def placed(report: Any, diagnostics: Optional[List[Any]] = None) -> List[Any]:
    """The report's diagnostics (or these), notebook ones placed on raw file lines."""
    return FileLines(report).all(report.diagnostics if diagnostics is None else diagnostics)


__all__ = ["FileLines", "placed"]
