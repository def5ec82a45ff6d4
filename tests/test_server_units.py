"""The server's pieces in process: position conversion, and a crash in one document contained."""
from __future__ import annotations

import types as pytypes

from initlint.facts import Span
from initlint.server import convert, lsp


def test_utf16_columns_count_surrogate_pairs_and_accents():
    line = 'x = "é😀"; y = 1'
    assert convert.utf16_column(line, 1) == 0
    assert convert.utf16_column(line, line.index("y") + 1) == line.index("y") + 1  # the emoji: 2 units
    assert convert.utf16_column("abc", 3) == 2


def test_span_range_is_0_based_and_past_the_end_is_clamped():
    lines = convert.lines_of("a = 1\r\nbb = 2\n")
    assert lines == ["a = 1", "bb = 2", ""]  # LSP has a last, empty line after the final newline
    rng = convert.span_range(lines, Span(2, 1, 2, 3))
    assert (rng.start.line, rng.start.character, rng.end.line, rng.end.character) == (1, 0, 1, 2)
    assert convert.position(lines, 9, 1).line == 3


def test_a_crash_in_one_document_is_contained(monkeypatch):
    server = lsp.InitlintServer()
    texts = {"file:///tmp/a.py": "import torch\n", "file:///tmp/b.py": "import torch\n"}
    fake = pytypes.SimpleNamespace(get_text_document=lambda uri: pytypes.SimpleNamespace(source=texts[uri]))
    monkeypatch.setattr(lsp.InitlintServer, "workspace", property(lambda self: fake))

    def boom(document, options):
        if document.filename.endswith("a.py"):
            raise RuntimeError("a bug")
        return real(document, options)

    real = lsp.lint_document
    monkeypatch.setattr(lsp, "lint_document", boom)
    assert server.analyze("file:///tmp/a.py") == []
    assert server.analyze("file:///tmp/b.py") == []
    assert "file:///tmp/b.py" in server.linted and "file:///tmp/a.py" not in server.linted
