"""The analysis of one editor document (a file's buffer or a notebook's cells), as the server's
worker thread runs it: plain data in (the texts as the editor holds them), plain data out; no
pygls, no protocol. Never raises: a bug in the analysis is logged and gives no diagnostics.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from lsprotocol import types

from .. import documents
from ..api import fix_document, lint_document
from ..diagnostics import Diagnostic
from ..positions import Remembered, reusing
from .convert import lines_of, to_lsp
from .workspace import Workspace

log = logging.getLogger("initlint.server")


@dataclass
class Linted:
    """The last analysis of one text document (a file, or one cell of a notebook): its text,
    initlint's diagnostics and their LSP forms."""

    text: str
    found: List[Tuple[Diagnostic, types.Diagnostic]] = field(default_factory=list)
    notebook: Optional[str] = None  # a cell: its notebook's URI

    @property
    def items(self) -> List[types.Diagnostic]:
        return [item for _, item in self.found]


@dataclass
class Cell:
    uri: str
    kind: str  # "code" or "markdown"
    text: str


@dataclass
class LintedNotebook:
    """The last analysis of a notebook: its cells, the document the engine read (None when the
    configuration excludes it or the analysis failed), and each cell's Linted."""

    uri: str
    cells: List[Cell]
    document: Optional[documents.Document] = None
    by_cell: Dict[str, Linted] = field(default_factory=dict)

    def cell_uri(self, number: int) -> Optional[str]:
        """The URI of the 1-based cell `number` (cells are numbered among all cells, markdown too)."""
        return self.cells[number - 1].uri if 1 <= number <= len(self.cells) else None


def _log_internal(uri: str, errors: Sequence[str]) -> None:
    for error in errors:
        log.error("initlint internal error in %s: %s", uri, error)


def lint_file(config: Workspace, uri: str, path: Optional[str], text: str,
              memory: Optional[Remembered] = None) -> Linted:
    """The diagnostics of a buffer (`path`: its file, None for an untitled buffer). `memory`: the
    positions of the buffer's last analysis, reused where the edit since cannot have moved them
    (and updated), as the server keeps them per document."""
    try:
        options = config.options_for(path)
        if options is None:  # excluded by the configuration
            return Linted(text)
        document = documents.from_text(text, path or uri)
        if memory is not None:
            with reusing(memory):
                result = lint_document(document, options)
        else:
            result = lint_document(document, options)
        _log_internal(uri, result.internal_errors)
        lines = lines_of(text)
        return Linted(text, [(d, to_lsp(d, lines, config.docs_url_for(path))) for d in result.diagnostics])
    except Exception as error:  # one document's bug never stops the server
        log.exception("initlint: could not analyze %s: %s", uri, error)
        return Linted(text)


def lint_notebook(config: Workspace, uri: str, path: Optional[str], cells: List[Cell]) -> LintedNotebook:
    """A notebook's cells analyzed as one module (documents.notebook), diagnostics per cell."""
    from ..documents.notebook import from_cells

    linted = LintedNotebook(uri, cells, by_cell={cell.uri: Linted(cell.text, notebook=uri) for cell in cells})
    try:
        options = config.options_for(path)
        if options is None or not cells:
            return linted
        document = from_cells([(cell.kind, cell.text) for cell in cells], path or uri)
        result = lint_document(document, options)
        _log_internal(uri, result.internal_errors)
        lines = {cell.uri: lines_of(cell.text) for cell in cells}
        docs_url = config.docs_url_for(path)
        for diagnostic in result.diagnostics:
            number = min(max(diagnostic.cell or 1, 1), len(cells))
            cell_uri = cells[number - 1].uri
            linted.by_cell[cell_uri].found.append((diagnostic, to_lsp(diagnostic, lines[cell_uri], docs_url)))
        linted.document = document
    except Exception as error:  # one document's bug never stops the server
        log.exception("initlint: could not analyze %s: %s", uri, error)
    return linted


def fix_all(config: Workspace, uri: str, path: Optional[str], document: documents.Document):
    """The document with every safe fix applied (`api.fix_document`, as `initlint --fix`), or None
    when nothing changes (or it cannot be done)."""
    try:
        options = config.options_for(path)
        if options is None:
            return None
        fixed = fix_document(document, options, unsafe=False)
        if not fixed.changed or fixed.document.text == document.text:
            return None
        return fixed.document
    except Exception as error:
        log.exception("initlint: could not fix %s: %s", uri, error)
        return None


__all__ = ["Cell", "Linted", "LintedNotebook", "fix_all", "lint_file", "lint_notebook"]
