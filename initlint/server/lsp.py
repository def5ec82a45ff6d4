"""The protocol: document sync, push and pull diagnostics, code actions, configuration reload."""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__, documents
from ..api import fix_document, lint_document
from ..diagnostics import Diagnostic
from .convert import SOURCE, lines_of, overlaps, span_range, to_lsp
from .workspace import Workspace

FIX_ALL = "source.fixAll.initlint"
DEBOUNCE = float(os.environ.get("INITLINT_SERVER_DEBOUNCE", "0.15"))
CONFIG_GLOBS = ("**/pyproject.toml", "**/initlint.toml", "**/.initlint.toml")
log = logging.getLogger("initlint.server")


@dataclass
class Linted:
    """The last analysis of one document: its text, initlint's diagnostics and their LSP forms."""

    text: str
    found: List[Tuple[Diagnostic, types.Diagnostic]] = field(default_factory=list)
    notebook: Optional[str] = None  # a notebook cell: the notebook's URI (fixes are not offered)


class InitlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("initlint", __version__, notebook_document_sync=types.NotebookDocumentSyncOptions(
            notebook_selector=[types.NotebookDocumentFilterWithCells(
                notebook="*", cells=[types.NotebookCellLanguage(language="python")])]))
        self.config = Workspace()
        self.linted: Dict[str, Linted] = {}
        self.pending: Dict[str, asyncio.TimerHandle] = {}

    # analysis
    def analyze(self, uri: str) -> List[types.Diagnostic]:
        """Lint the document's text in memory; never raises (a crash is logged, no diagnostics)."""
        try:
            text = self.workspace.get_text_document(uri).source
            path = to_fs_path(uri) if uri.startswith("file:") else None
            options = self.config.options_for(path)
            if options is None:  # excluded by the configuration
                self.linted[uri] = Linted(text)
                return []
            document = documents.from_text(text, path or uri)
            result = lint_document(document, options)
            for error in result.internal_errors:
                log.error("initlint internal error in %s: %s", uri, error)
            lines = lines_of(text)
            docs_url = self.config.docs_url_for(path)
            found = [(d, to_lsp(d, lines, docs_url)) for d in result.diagnostics]
            self.linted[uri] = Linted(text, found)
            return [item for _, item in found]
        except Exception as error:  # one document's bug never stops the server
            log.exception("initlint: could not analyze %s: %s", uri, error)
            self.linted.pop(uri, None)
            return []

    def analyze_notebook(self, uri: str) -> Dict[str, List[types.Diagnostic]]:
        """Lint a notebook's cells as one module (documents.notebook); {cell URI: diagnostics}."""
        from ..documents.notebook import from_cells

        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return {}
        cells = [(cell.document, "code" if cell.kind == types.NotebookCellKind.Code else "markdown",
                  self.workspace.get_text_document(cell.document).source) for cell in notebook.cells]
        out: Dict[str, List[types.Diagnostic]] = {cell_uri: [] for cell_uri, _, _ in cells}
        for cell_uri, _, text in cells:
            self.linted[cell_uri] = Linted(text, notebook=uri)
        try:
            path = to_fs_path(uri) if uri.startswith("file:") else None
            options = self.config.options_for(path)
            if options is None or not cells:
                return out
            result = lint_document(from_cells([(kind, text) for _, kind, text in cells], path or uri), options)
            for error in result.internal_errors:
                log.error("initlint internal error in %s: %s", uri, error)
            for diagnostic in result.diagnostics:
                index = (diagnostic.cell or 1) - 1
                cell_uri, _, text = cells[min(max(index, 0), len(cells) - 1)]
                item = to_lsp(diagnostic, lines_of(text), self.config.docs_url_for(path))
                self.linted[cell_uri].found.append((diagnostic, item))
                out[cell_uri].append(item)
        except Exception as error:  # one document's bug never stops the server
            log.exception("initlint: could not analyze %s: %s", uri, error)
        return out

    def publish_notebook(self, uri: str) -> None:
        self.pending.pop(uri, None)
        for cell_uri, items in self.analyze_notebook(uri).items():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell_uri, diagnostics=items))

    def schedule_notebook(self, uri: str) -> None:
        self._later(uri, self.publish_notebook)

    def cancel(self, uri: str) -> None:
        """Drops the analysis waiting for the debounce of this document, if any."""
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    def _later(self, uri: str, publish) -> None:
        self.cancel(uri)  # the last edit wins: one analysis per quiet DEBOUNCE seconds
        self.pending[uri] = asyncio.get_event_loop().call_later(DEBOUNCE, publish, uri)

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        items = self.analyze(uri)
        version = None
        try:
            version = self.workspace.get_text_document(uri).version
        except Exception:
            pass
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=items,
                                                                              version=version))

    def schedule(self, uri: str) -> None:
        self._later(uri, self.publish)

    # code actions
    def actions(self, uri: str, wanted: types.Range, only: Optional[List[str]]) -> List[types.CodeAction]:
        linted = self.linted.get(uri)
        if linted is None:
            return []
        lines = lines_of(linted.text)
        out: List[types.CodeAction] = []
        quickfix = not only or any(kind.startswith("quickfix") for kind in only)
        for diagnostic, item in linted.found:
            if not quickfix or not overlaps(item.range, wanted):
                continue
            fix = diagnostic.fix
            if linted.notebook is None and fix is not None and fix.edits and fix.applicability in ("safe", "unsafe"):
                title = f"initlint: {fix.message or 'fix ' + diagnostic.code}"
                if fix.applicability == "unsafe":
                    title += " (unsafe: changes training numerics)"
                edits = [types.TextEdit(range=span_range(lines, edit.span), new_text=edit.content)
                         for edit in fix.edits]
                out.append(self._action(title, types.CodeActionKind.QuickFix, uri, edits, [item],
                                        preferred=fix.applicability == "safe"))
            noqa = self._noqa_edit(lines, diagnostic)
            if noqa is not None:
                out.append(self._action(f"Disable {diagnostic.code} for this line", types.CodeActionKind.QuickFix,
                                        uri, [noqa], [item]))
        if linted.notebook is None and (not only or any(FIX_ALL.startswith(kind) for kind in only)):
            fix_all = self._fix_all(uri, linted)
            if fix_all is not None:
                out.append(fix_all)
        return out

    @staticmethod
    def _action(title, kind, uri, edits, diagnostics, preferred=False) -> types.CodeAction:
        return types.CodeAction(title=title, kind=kind, diagnostics=diagnostics or None,
                                is_preferred=preferred or None,
                                edit=types.WorkspaceEdit(changes={uri: edits}))

    @staticmethod
    def _noqa_edit(lines: List[str], diagnostic: Diagnostic) -> Optional[types.TextEdit]:
        row = diagnostic.noqa_row or diagnostic.span.row
        if not 1 <= row <= len(lines):
            return None
        line = lines[row - 1]
        end = types.Position(line=row - 1, character=len(line.encode("utf-16-le")) // 2)
        marker = line.find("# noqa:")
        if marker >= 0:
            text = f", {diagnostic.code}"  # extend the existing code list (it ends the line)
        elif "#" in line and line.rstrip().endswith("# noqa"):
            return None  # already silenced for every code
        else:
            text = f"  # noqa: {diagnostic.code}"
        return types.TextEdit(range=types.Range(start=end, end=end), new_text=text)

    def _fix_all(self, uri: str, linted: Linted) -> Optional[types.CodeAction]:
        if not any(d.fix is not None and d.fix.applicability == "safe" and d.fix.edits for d, _ in linted.found):
            return None
        path = to_fs_path(uri) if uri.startswith("file:") else None
        options = self.config.options_for(path)
        if options is None:
            return None
        fixed = fix_document(documents.from_text(linted.text, path or uri), options, unsafe=False)
        if not fixed.changed or fixed.document.text == linted.text:
            return None
        lines = lines_of(linted.text)
        whole = types.Range(start=types.Position(line=0, character=0),
                            end=types.Position(line=len(lines) - 1,
                                               character=len(lines[-1].encode("utf-16-le")) // 2))
        return self._action("initlint: fix all safe fixes", FIX_ALL, uri,
                            [types.TextEdit(range=whole, new_text=fixed.document.text)], [])


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
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: InitlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: InitlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: InitlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.cancel(uri)
        ls.linted.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False,
                                            workspace_diagnostics=False))
    def pull(ls: InitlintServer, params: types.DocumentDiagnosticParams) -> Any:
        uri = params.text_document.uri
        linted = ls.linted.get(uri)
        if linted is not None and linted.notebook is not None:  # a cell: from its notebook's analysis
            items = ls.analyze_notebook(linted.notebook).get(uri, [])
        else:
            items = ls.analyze(uri)
        return types.RelatedFullDocumentDiagnosticReport(items=items)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
    def code_action(ls: InitlintServer, params: types.CodeActionParams) -> List[types.CodeAction]:
        try:
            return ls.actions(params.text_document.uri, params.range, params.context.only)
        except Exception as error:
            log.exception("initlint: code actions failed for %s: %s", params.text_document.uri, error)
            return []

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls: InitlintServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.publish_notebook(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls: InitlintServer, params: types.DidChangeNotebookDocumentParams) -> None:
        ls.schedule_notebook(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(ls: InitlintServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.publish_notebook(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: InitlintServer, params: types.DidCloseNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        ls.cancel(uri)
        for cell in params.cell_text_documents:
            ls.linted.pop(cell.uri, None)
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: InitlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.config.reload()
        notebooks = {linted.notebook for linted in ls.linted.values() if linted.notebook is not None}
        for uri in [uri for uri, linted in ls.linted.items() if linted.notebook is None]:
            ls.publish(uri)
        for uri in notebooks:
            ls.publish_notebook(uri)

    return server


__all__ = ["FIX_ALL", "InitlintServer", "build_server"]
