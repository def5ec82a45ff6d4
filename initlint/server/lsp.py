"""The protocol: document sync, push and pull diagnostics, code actions, configuration reload.

The analysis runs on one worker thread, never on the event loop: the loop takes a snapshot of the
texts, the worker analyzes it (`analysis`), the loop publishes the result unless the document
changed meanwhile. A run made stale by an edit is cancelled: one still waiting never starts, one
running stops at its next checkpoint (`syntax.cancellable`: between the engine's steps and at each
walk of the frontends), so the run of the newest text never waits long behind a stale one.
One worker: analyses of a document never overlap, memory stays that of one analysis; no fork.

When to analyze (`schedule`): an edit after a quiet period (no edit of the document for DEBOUNCE
seconds) at once; an edit that follows another within DEBOUNCE seconds (fast typing, a burst of
changes) DEBOUNCE seconds after the last edit of the burst. Typing (a keystroke every ~150 ms) so
runs each keystroke at once, and the next one cancels it after its parse, the one step without a
checkpoint; debouncing every keystroke of such a burst was measured slower (the last keystroke's
diagnostics ~40 ms later: the debounce, then the rest of the cancelled run's parse).
"""
from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Set

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..positions import Remembered
from ..syntax import Cancel, Cancelled, cancellable
from .actions import FIX_ALL, code_actions
from .analysis import Cell, Linted, LintedNotebook, lint_file, lint_notebook
from .convert import SOURCE
from .workspace import Workspace

DEBOUNCE = float(os.environ.get("INITLINT_SERVER_DEBOUNCE", "0.05"))
STALE = object()  # what a cancelled run gives
CONFIG_GLOBS = ("**/pyproject.toml", "**/initlint.toml", "**/.initlint.toml")
log = logging.getLogger("initlint.server")


def fs_path(uri: str) -> Optional[str]:
    return to_fs_path(uri) if uri.startswith("file:") else None


class InitlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("initlint", __version__, notebook_document_sync=types.NotebookDocumentSyncOptions(
            notebook_selector=[types.NotebookDocumentFilterWithCells(
                notebook="*", cells=[types.NotebookCellLanguage(language="python")])]))
        self.config = Workspace()
        self.linted: Dict[str, Linted] = {}  # text document (file or cell) URI -> its last analysis
        self.notebooks: Dict[str, LintedNotebook] = {}  # notebook URI -> its last analysis
        self.edits: Dict[str, int] = {}  # document URI -> edits seen: a run started before the last one is stale
        self.pending: Dict[str, asyncio.TimerHandle] = {}  # debounced runs not started yet
        self.running: Dict[str, "asyncio.Future[Any]"] = {}
        self.running_text: Dict[str, Optional[str]] = {}  # file URI -> the text its running run analyzes
        self.tokens: Dict[str, Set[Cancel]] = {}  # document URI -> the runs of it not finished yet
        self.last_edit: Dict[str, float] = {}  # document URI -> loop time of its last change
        self.memories: Dict[str, Remembered] = {}  # file URI -> the positions of its last analysis
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="initlint-analysis")

    # snapshots (on the event loop) and analyses (on the worker)
    def _file_job(self, uri: str) -> Callable[[], Linted]:
        text = self.workspace.get_text_document(uri).source
        memory = self.memories.setdefault(uri, Remembered())

        def job() -> Linted:
            return lint_file(self.config, uri, fs_path(uri), text, memory)

        job.text = text  # type: ignore[attr-defined]  # what a pull of this text may wait for
        return job

    def _notebook_job(self, uri: str) -> Optional[Callable[[], LintedNotebook]]:
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return None
        cells = [Cell(cell.document, "code" if cell.kind == types.NotebookCellKind.Code else "markdown",
                      self.workspace.get_text_document(cell.document).source) for cell in notebook.cells]
        return lambda: lint_notebook(self.config, uri, fs_path(uri), cells)

    async def in_worker(self, job: Callable[[], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pool, job)

    async def cancellable_in_worker(self, uri: str, job: Callable[[], Any]) -> Any:
        """`job` on the worker under a token that `touch(uri)` cancels; STALE when it was."""
        token = Cancel()
        self.tokens.setdefault(uri, set()).add(token)

        def run() -> Any:
            if token.cancelled:
                return STALE
            with cancellable(token):
                try:
                    return job()
                except Cancelled:
                    return STALE

        try:
            return await self.in_worker(run)
        finally:
            tokens = self.tokens.get(uri)
            if tokens is not None:
                tokens.discard(token)
                if not tokens:
                    self.tokens.pop(uri, None)

    def _store(self, uri: str, result: Any) -> None:
        if isinstance(result, LintedNotebook):
            for cell_uri in getattr(self.notebooks.get(uri), "by_cell", {}):
                self.linted.pop(cell_uri, None)
            self.notebooks[uri] = result
            self.linted.update(result.by_cell)
        else:
            self.linted[uri] = result

    def _publish(self, uri: str, result: Any) -> None:
        if isinstance(result, LintedNotebook):
            for cell_uri, linted in result.by_cell.items():
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                    uri=cell_uri, diagnostics=linted.items))
            return
        version = getattr(self.workspace.text_documents.get(uri), "version", None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=result.items, version=version))

    async def refresh(self, uri: str, publish: bool = True) -> Any:
        """Analyze the document (a file or a notebook) as it is now on the worker; store and
        publish the result unless the document changed meanwhile. The result, or None (stale)."""
        seen = self.edits.get(uri, 0)
        job = self._notebook_job(uri) if uri in self.notebooks or self._is_notebook(uri) else self._file_job(uri)
        if job is None:
            return None
        future = asyncio.ensure_future(self.cancellable_in_worker(uri, job))
        if publish:
            self.running[uri] = future
            self.running_text[uri] = getattr(job, "text", None)
        try:
            result = await future
        except asyncio.CancelledError:
            return None
        finally:
            if self.running.get(uri) is future:
                self.running.pop(uri, None)
                self.running_text.pop(uri, None)
        if result is STALE or self.edits.get(uri, 0) != seen:
            return None  # stale: the run of the newer text publishes
        self._store(uri, result)
        if publish:
            self._publish(uri, result)
        return result

    def _is_notebook(self, uri: str) -> bool:
        return self.workspace.get_notebook_document(notebook_uri=uri) is not None

    def touch(self, uri: str) -> None:
        """The document changed: waiting and running analyses of it are stale."""
        self.edits[uri] = self.edits.get(uri, 0) + 1
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        running = self.running.pop(uri, None)
        self.running_text.pop(uri, None)
        if running is not None:
            running.cancel()  # not started: never runs; started: its result is dropped
        for token in self.tokens.get(uri, ()):
            token.cancelled = True  # started: it stops at its next checkpoint

    def schedule(self, uri: str, delay: Optional[float] = None) -> None:
        """An analysis of the document as it is now, after `delay` seconds; None: an edit, at once
        after a quiet period, else DEBOUNCE seconds after the last edit of a burst."""
        loop = asyncio.get_event_loop()
        now = loop.time()
        if delay is None:
            last = self.last_edit.get(uri)
            delay = DEBOUNCE if last is not None and now - last < DEBOUNCE else 0
            self.last_edit[uri] = now
        self.touch(uri)
        if delay <= 0:
            self._start(uri)
        else:
            self.pending[uri] = loop.call_later(delay, self._start, uri)

    def _start(self, uri: str) -> None:
        self.pending.pop(uri, None)
        asyncio.ensure_future(self.refresh(uri))

    def saved(self, uri: str) -> None:
        """A save: the text is the one the editor last sent. When that text was analyzed, publish the
        stored result again (no new analysis); when its analysis is waiting or running, that one
        publishes; else analyze it now."""
        if uri in self.pending or uri in self.running:
            return
        stored = self._stored_for_current_text(uri)
        if stored is not None:
            self._publish(uri, stored)
        else:
            self.schedule(uri, 0)

    def _stored_for_current_text(self, uri: str) -> Any:
        """The stored analysis of a document (a file, or a notebook) when it is of the document's
        text (a notebook: its cells) as it is now, else None."""
        try:
            if uri in self.notebooks:
                stored = self.notebooks[uri]
                notebook = self.workspace.get_notebook_document(notebook_uri=uri)
                if notebook is None:
                    return None
                before = [(cell.uri, cell.kind, cell.text) for cell in stored.cells]
                now = [(cell.document, "code" if cell.kind == types.NotebookCellKind.Code else "markdown",
                        self.workspace.get_text_document(cell.document).source) for cell in notebook.cells]
                return stored if before == now else None
            stored = self.linted.get(uri)
            if stored is None or stored.notebook is not None:
                return None
            return stored if stored.text == self.workspace.get_text_document(uri).source else None
        except Exception:  # a document the workspace does not hold
            return None

    async def current(self, uri: str) -> Optional[Linted]:
        """The analysis of a text document (file or cell) for its text as it is now."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        key = notebook.uri if notebook is not None else uri
        try:
            text = self.workspace.get_text_document(uri).source
        except Exception:
            return None
        linted = self.linted.get(uri)
        if linted is None or linted.text != text or (notebook is not None and linted.notebook is None):
            if notebook is None:
                joined = await self._join(uri, text)
                if joined is not None:
                    return joined
            for _ in range(3):  # an edit during the run makes it stale: take the newer text's
                if await self.refresh(key, publish=False) is not None:
                    break
            linted = self.linted.get(uri)
        return linted

    async def _join(self, uri: str, text: str) -> Optional[Linted]:
        """The result of the publishing run of this file's `text` when one is waiting (started now)
        or running, else None: a pull right after an edit (VS Code pulls on every change) waits
        for that run instead of queueing a second analysis of the same text behind it."""
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
            self._start(uri)
        if uri not in self.running:
            await asyncio.sleep(0)  # a run just started registers itself in `running` on its first step
        running = self.running.get(uri)
        if running is None or self.running_text.get(uri) != text:
            return None
        try:
            result = await asyncio.shield(running)
        except asyncio.CancelledError:  # made stale by an edit meanwhile
            return None
        return result if isinstance(result, Linted) and result.text == text else None

    def forget(self, uri: str) -> None:
        self.touch(uri)
        self.edits.pop(uri, None)
        self.last_edit.pop(uri, None)
        self.memories.pop(uri, None)
        self.linted.pop(uri, None)
        notebook = self.notebooks.pop(uri, None)
        for cell_uri in getattr(notebook, "by_cell", {}):
            self.linted.pop(cell_uri, None)

    # code actions
    async def actions(self, uri: str, wanted: types.Range, only: Optional[List[str]]) -> List[types.CodeAction]:
        linted = await self.current(uri)
        if linted is None:
            return []
        notebook = self.notebooks.get(linted.notebook) if linted.notebook is not None else None
        path = fs_path(notebook.uri if notebook is not None else uri)
        return await self.in_worker(lambda: code_actions(self.config, uri, path, linted, wanted, only, notebook))

    def shutdown_worker(self) -> None:
        for uri in list(self.pending) + list(self.running):
            self.touch(uri)
        self.pool.shutdown(wait=False)


def build_server() -> InitlintServer:
    server = InitlintServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: InitlintServer, params: types.InitializedParams) -> None:
        try:
            ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
                id="initlint-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in CONFIG_GLOBS]))]))
        except Exception:  # a client without dynamic registration: it may still send the notification
            log.info("initlint: the client did not take the file watcher registration")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: InitlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: InitlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: InitlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.saved(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: InitlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False,
                                            workspace_diagnostics=False))
    async def pull(ls: InitlintServer, params: types.DocumentDiagnosticParams) -> Any:
        linted = await ls.current(params.text_document.uri)
        return types.RelatedFullDocumentDiagnosticReport(items=linted.items if linted is not None else [])

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
    async def code_action(ls: InitlintServer, params: types.CodeActionParams) -> List[types.CodeAction]:
        try:
            return await ls.actions(params.text_document.uri, params.range, params.context.only)
        except Exception as error:
            log.exception("initlint: code actions failed for %s: %s", params.text_document.uri, error)
            return []

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls: InitlintServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls: InitlintServer, params: types.DidChangeNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(ls: InitlintServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.saved(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: InitlintServer, params: types.DidCloseNotebookDocumentParams) -> None:
        ls.forget(params.notebook_document.uri)
        for cell in params.cell_text_documents:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: InitlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.config.reload()
        files = [uri for uri, linted in ls.linted.items() if linted.notebook is None]
        for uri in files + list(ls.notebooks):
            ls.schedule(uri, 0)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: InitlintServer, params: Any) -> None:
        ls.shutdown_worker()

    return server


__all__ = ["FIX_ALL", "InitlintServer", "build_server"]
