"""The document layer: what kind of file a source came from, the text the engine analyzes, where
each row of that text is in the file, and how a fixed text is written back in the file's format.

One module per document type; TYPES maps a file suffix to its type, and anything else is read as
Python (stdin without a name, `--stdin-filename model.txt`). Adding a type (a notebook, say) is a
module `documents/<kind>.py` with a Document subclass, and its suffix here:

* `from_bytes` / `from_text`: the code to analyze as one text (for a notebook: the code cells
  joined in order) and a `SourceMap([(first row in the text, cell number), ...])`; content that
  cannot be read is a document with `error` set (a SourceError: one IL000, never a traceback);
* `lines(cell)`: a cell's lines (the `full` report format shows them);
* `with_text(fixed)` + `to_bytes()`: the fixed text split back by the source map into the file's
  own format (for a notebook: only the changed cells' `source`, everything else byte for byte);
* `diff(fixed)`: what `--diff` prints; `searchable()`: the bytes the prefilter searches (the text's).

The runner, the cache, `--fix`, the api and every reporter then handle the type as they handle
`.py` (tests/test_api.py registers a toy cell format to show it); discovery's suffixes
(`discovery.PYTHON_SUFFIXES`) decide which files a directory walk finds.

    document = documents.from_bytes(data, "model.py")   # or from_text(text, name), for an editor
    result = engine.lint_text(document.text, document.filename, options)
    diagnostics = document.map_diagnostics(result.diagnostics)   # rows -> (cell, row in the cell)
    fixed_bytes = document.with_text(fixed_text).to_bytes()     # same encoding, BOM, newlines

Importing this package must stay cheap (no libcst): the runner uses it for every file.
"""
from __future__ import annotations

import os
from typing import Dict, Tuple, Type

from .base import IDENTITY, Document, SourceMap
from .notebook import NotebookDocument
from .python import PythonDocument

# File suffix -> document type. Files of other suffixes are Python documents.
TYPES: Dict[str, Type[Document]] = {
    ".py": PythonDocument,
    ".pyi": PythonDocument,
    ".ipynb": NotebookDocument,
}
DEFAULT_TYPE: Type[Document] = PythonDocument
SUFFIXES: Tuple[str, ...] = tuple(TYPES)


def document_type(filename: str) -> Type[Document]:
    """The document type of a file name (by its suffix)."""
    return TYPES.get(os.path.splitext(filename)[1], DEFAULT_TYPE)


def from_bytes(data: bytes, filename: str) -> Document:
    """The document of a file's bytes, named `filename` (the name its diagnostics carry)."""
    return document_type(filename).from_bytes(data, filename)


def from_text(text: str, filename: str) -> Document:
    """The document of a decoded text (an editor's buffer), named `filename`."""
    return document_type(filename).from_text(text, filename)


__all__ = ["DEFAULT_TYPE", "Document", "IDENTITY", "NotebookDocument", "PythonDocument", "SUFFIXES", "SourceMap", "TYPES",
           "document_type", "from_bytes", "from_text"]
