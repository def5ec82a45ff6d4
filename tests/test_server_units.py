"""The server's pieces in process: position conversion, and a crash in one document contained."""
from __future__ import annotations

from initlint.facts import Span
from initlint.server import analysis, convert, workspace


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
    config = workspace.Workspace()

    def boom(document, options):
        if document.filename.endswith("a.py"):
            raise RuntimeError("a bug")
        return real(document, options)

    real = analysis.lint_document
    monkeypatch.setattr(analysis, "lint_document", boom)
    text = ("import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
            "        super().__init__()\n        self.w = nn.Parameter(torch.randn(64, 64))\n\n"
            "    def forward(self, x):\n        return x @ self.w\n")
    crashed = analysis.lint_file(config, "file:///tmp/a.py", None, text)
    assert crashed.text == text and crashed.found == []
    fine = analysis.lint_file(config, "file:///tmp/b.py", None, text)
    assert [d.code for d, _ in fine.found] == ["IL301"]


def test_replace_edit_is_the_changed_part_in_utf16_positions():
    edit = convert.replace_edit("a = '😀'\nb = f(1)\nc = 2\n", "a = '😀'\nb = f(1) * 2\nc = 2\n")
    assert (edit.range.start.line, edit.range.start.character) == (1, 8)
    assert (edit.range.end.line, edit.range.end.character) == (1, 8)
    assert edit.new_text == " * 2"
    edit = convert.replace_edit("x = '😀1'\r\n", "x = '😀2'\r\n")
    assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (7, 8, "2")
    edit = convert.replace_edit("a\r\n", "a\n")  # never a position between \r and \n
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.line) == (0, 1, 1)
    assert edit.new_text == "\n"


def test_shared_walks_replay_whole_walks_only_and_end_with_their_block():
    import libcst as cst

    from initlint import syntax

    module = cst.parse_module("def f(x):\n    return g(x) + h(1)\n\n\nclass C:\n    y = k()\n")
    alone = list(syntax.walk(module))
    skipping = list(syntax.walk(module, into_definitions=False))
    assert len(skipping) < len(alone)
    with syntax.shared_walks():
        with syntax.shared_walks():  # nested: the same memo
            first = next(iter(syntax.walk(module)))  # stopped early: not remembered
        assert first is module
        assert list(syntax.walk(module)) == alone
        assert syntax._local.walks[(id(module), True)][1] == alone
        assert syntax._local.walks[id(module)][1] == list(reversed(syntax.children(module)))
        assert list(syntax.walk(module)) == alone  # replayed
        assert list(syntax.walk(module, into_definitions=False)) == skipping
        assert [c.func.value for c in syntax.calls(module)] == ["g", "h", "k"]
    assert syntax._local.walks is None
    assert list(syntax.walk(module)) == alone


def test_a_save_of_an_analyzed_text_publishes_it_again_without_a_new_analysis(monkeypatch):
    import asyncio

    from lsprotocol import types
    from pygls.workspace import Workspace

    from initlint.server import lsp

    analyzed = _count_analyses(monkeypatch, lsp)
    server = lsp.build_server()
    server.protocol._workspace = Workspace(None)  # what `initialize` makes; no stdio here
    published = []
    server.text_document_publish_diagnostics = published.append
    uri = "untitled:model"
    text = ("import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
            "        super().__init__()\n        self.w = nn.Parameter(torch.randn(64, 64))\n\n"
            "    def forward(self, x):\n        return x @ self.w\n")

    async def until_published(count):
        for _ in range(6000):
            if len(published) >= count and not server.pending and not server.running:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("nothing published")

    async def edits():
        server.workspace.put_text_document(types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                                                  text=text))
        server.schedule(uri, 0)
        await until_published(1)
        server.saved(uri)  # the same text: published again, not analyzed again
        await until_published(2)
        server.workspace.put_text_document(types.TextDocumentItem(uri=uri, language_id="python", version=2,
                                                                  text=text.replace("(64, 64))", "(64, 64) * 0)")))
        server.saved(uri)  # a text not analyzed yet (no change notification went through the server)
        await until_published(3)
        server.shutdown_worker()

    asyncio.run(edits())
    assert len(analyzed) == 2 and analyzed[0] == text and analyzed[1] != text
    assert [[d.code for d in p.diagnostics] for p in published] == [["IL301"], ["IL301"], []]


MODEL_TEXT = ("import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
              "        super().__init__()\n        self.w = nn.Parameter(torch.randn(64, 64))\n\n"
              "    def forward(self, x):\n        return x @ self.w\n")


def test_a_cancelled_analysis_stops_with_cancelled_and_no_token_changes_nothing():
    import pytest

    from initlint import engine, syntax
    from initlint.options import AnalysisOptions

    options = AnalysisOptions.default()
    alone = engine.lint_text(MODEL_TEXT, "m.py", options)
    token = syntax.Cancel()
    with syntax.cancellable(token):
        syntax.checkpoint()  # not cancelled: goes on
        assert engine.lint_text(MODEL_TEXT, "m.py", options).diagnostics == alone.diagnostics
        token.cancelled = True
        with pytest.raises(syntax.Cancelled):
            syntax.checkpoint()
        with pytest.raises(syntax.Cancelled):  # not an IL000, not an internal error: it went through
            engine.lint_text(MODEL_TEXT, "m.py", options)
        with pytest.raises(syntax.Cancelled):
            list(syntax.walk(cst_module("x = 1\n")))
        assert syntax._local.walks is None  # the engine's shared walks ended with it
    syntax.checkpoint()  # outside the block: no token, never raises
    assert [d.code for d in alone.diagnostics] == ["IL301"]


def cst_module(text):
    import libcst as cst

    return cst.parse_module(text)


def test_an_edit_after_a_pause_runs_at_once_a_quick_one_after_the_debounce_and_stale_runs_stop(monkeypatch):
    import asyncio
    import threading

    from lsprotocol import types
    from pygls.workspace import Workspace

    from initlint import syntax
    from initlint.server import lsp

    started, stopped = [], []
    release = threading.Event()
    real = lsp.lint_file

    def slow(config, uri, path, text, memory=None):  # the first run waits in a walk until the test lets it go
        started.append(text)
        if len(started) == 1:
            release.wait(10)
            try:
                list(syntax.walk(cst_module("x = 1\n")))
            except syntax.Cancelled:
                stopped.append(text)
                raise
        return real(config, uri, path, text, memory)

    monkeypatch.setattr(lsp, "lint_file", slow)
    monkeypatch.setattr(lsp, "DEBOUNCE", 0.3)
    server = lsp.build_server()
    server.protocol._workspace = Workspace(None)
    published = []
    server.text_document_publish_diagnostics = published.append
    uri = "untitled:model"

    def put(version, text):
        server.workspace.put_text_document(types.TextDocumentItem(uri=uri, language_id="python",
                                                                  version=version, text=text))

    async def edits():
        put(1, MODEL_TEXT)
        server.schedule(uri)  # the first edit: no debounce
        assert not server.pending
        await asyncio.sleep(0.05)
        assert started == [MODEL_TEXT] and uri in server.tokens
        put(2, MODEL_TEXT.replace("(64, 64))", "(64, 64) * 0)"))
        server.schedule(uri)  # right after the first: waits the debounce; the running run is stale
        assert uri in server.pending and all(token.cancelled for token in server.tokens[uri])
        release.set()
        for _ in range(1000):
            if published and not server.pending and not server.running:
                break
            await asyncio.sleep(0.01)
        server.shutdown_worker()

    asyncio.run(edits())
    assert stopped == [MODEL_TEXT]  # the stale run stopped at its checkpoint, published nothing
    assert len(started) == 2 and [[d.code for d in p.diagnostics] for p in published] == [[]]
    assert not server.tokens


def test_a_pull_right_after_an_edit_waits_for_its_run_instead_of_analyzing_again(monkeypatch):
    import asyncio

    from lsprotocol import types
    from pygls.workspace import Workspace

    from initlint.server import lsp

    analyzed = _count_analyses(monkeypatch, lsp)
    monkeypatch.setattr(lsp, "DEBOUNCE", 5.0)  # the second edit's run waits: the pull starts it
    server = lsp.build_server()
    server.protocol._workspace = Workspace(None)
    published = []
    server.text_document_publish_diagnostics = published.append
    uri = "untitled:model"
    fixed = MODEL_TEXT.replace("(64, 64))", "(64, 64) * 0)")

    def put(version, text):
        server.workspace.put_text_document(types.TextDocumentItem(uri=uri, language_id="python",
                                                                  version=version, text=text))

    async def edits():
        put(1, MODEL_TEXT)
        server.schedule(uri)  # at once: running
        first = await server.current(uri)  # the pull joins the running run
        put(2, fixed)
        server.schedule(uri)  # within the debounce: waiting
        assert uri in server.pending
        second = await server.current(uri)  # the pull starts the waiting run and joins it
        for _ in range(500):
            if len(published) == 2:
                break
            await asyncio.sleep(0.01)
        server.shutdown_worker()
        return first, second

    first, second = asyncio.run(edits())
    assert analyzed == [MODEL_TEXT, fixed]  # one analysis per text, not two
    assert [d.code for d, _ in first.found] == ["IL301"] and second.found == []
    assert [[d.code for d in p.diagnostics] for p in published] == [["IL301"], []]


def test_an_edit_is_analyzed_at_once_after_a_quiet_period_and_debounced_after_a_quick_one(monkeypatch):
    import asyncio

    from lsprotocol import types
    from pygls.workspace import Workspace

    from initlint.server import analysis, lsp

    monkeypatch.setattr(lsp, "lint_file", lambda config, uri, path, text, memory=None: analysis.Linted(text))
    server = lsp.build_server()
    server.protocol._workspace = Workspace(None)
    server.text_document_publish_diagnostics = lambda params: None
    uri = "untitled:model"
    waited = []

    async def edits():
        loop = asyncio.get_running_loop()
        for version, before in enumerate([None, 0.01, 0.03, lsp.DEBOUNCE + 0.02, 0.01], start=1):
            server.workspace.put_text_document(types.TextDocumentItem(uri=uri, language_id="python",
                                                                      version=version, text=f"x = {version}\n"))
            if before is not None:
                server.last_edit[uri] = loop.time() - before  # the previous edit, that long ago
            server.schedule(uri)
            waited.append(uri in server.pending)
            await asyncio.sleep(0)
        server.shutdown_worker()

    asyncio.run(edits())
    assert waited == [False, True, True, False, True]  # first, fast, fast, after a pause, fast


def _count_analyses(monkeypatch, lsp) -> list:
    """The texts the server analyzes from now on (lsp.lint_file wrapped), in order."""
    analyzed = []
    real = lsp.lint_file

    def counting(config, uri, path, text, memory=None):
        analyzed.append(text)
        return real(config, uri, path, text, memory)

    monkeypatch.setattr(lsp, "lint_file", counting)
    return analyzed
