"""Code actions from an analysis (pure: no pygls): a quick fix per diagnostic that has one (the
edit `initlint --fix --unsafe-fixes` makes), "Disable ILxxx for this line", and
`source.fixAll.initlint` (the safe fixes, as `initlint --fix`). In a notebook cell the fix is
applied to the notebook's module and the cells it changes get the edits."""
from __future__ import annotations

from typing import Dict, List, Optional

from lsprotocol import types

from ..diagnostics import Diagnostic, Edit
from ..edits import apply_edits, parses
from ..facts import Span
from .analysis import Linted, LintedNotebook, fix_all
from .convert import lines_of, overlaps, replace_edit, span_range
from .workspace import Workspace

FIX_ALL = "source.fixAll.initlint"
UNSAFE_LABEL = " (unsafe: changes training numerics)"
Changes = Dict[str, List[types.TextEdit]]


def code_actions(config: Workspace, uri: str, path: Optional[str], linted: Linted, wanted: types.Range,
                 only: Optional[List[str]], notebook: Optional[LintedNotebook] = None) -> List[types.CodeAction]:
    """The actions for the range `wanted` of the document `uri` (a cell when `notebook` is given)."""
    lines = lines_of(linted.text)
    out: List[types.CodeAction] = []
    quickfix = not only or any(kind.startswith(types.CodeActionKind.QuickFix) for kind in only)
    for diagnostic, item in linted.found:
        if not quickfix or not overlaps(item.range, wanted):
            continue
        fix = diagnostic.fix
        if fix is not None and fix.edits and fix.applicability in ("safe", "unsafe"):
            changes = (_notebook_fix(notebook, diagnostic) if notebook is not None
                       else {uri: [types.TextEdit(range=span_range(lines, edit.span), new_text=edit.content)
                                   for edit in fix.edits]})
            if changes:
                title = f"initlint: {fix.message or 'fix ' + diagnostic.code}"
                if fix.applicability == "unsafe":
                    title += UNSAFE_LABEL
                out.append(_action(title, types.CodeActionKind.QuickFix, changes, [item],
                                   preferred=fix.applicability == "safe"))
        noqa = noqa_edit(lines, diagnostic)
        if noqa is not None:
            out.append(_action(f"Disable {diagnostic.code} for this line", types.CodeActionKind.QuickFix,
                               {uri: [noqa]}, [item]))
    if not only or any(FIX_ALL.startswith(kind) for kind in only):
        action = _fix_all(config, uri, path, linted, notebook)
        if action is not None:
            out.append(action)
    return out


def _action(title: str, kind: str, changes: Changes, diagnostics, preferred: bool = False) -> types.CodeAction:
    return types.CodeAction(title=title, kind=kind, diagnostics=diagnostics or None, is_preferred=preferred or None,
                            edit=types.WorkspaceEdit(changes=changes))


def noqa_edit(lines: List[str], diagnostic: Diagnostic) -> Optional[types.TextEdit]:
    """The edit adding `# noqa: ILxxx` to the diagnostic's line (extending a code list there)."""
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


def _notebook_fix(notebook: LintedNotebook, diagnostic: Diagnostic) -> Optional[Changes]:
    """One diagnostic's fix in a notebook: its edits placed back in the module (they were moved
    into the diagnostic's cell), applied there, and the changed cells' new sources as edits."""
    document = notebook.document
    if document is None or document.text is None or diagnostic.fix is None:
        return None
    source_map = document.source_map
    edits = []
    for edit in diagnostic.fix.edits:
        row, end_row = source_map.text_row(diagnostic.cell, edit.span.row), source_map.text_row(
            diagnostic.cell, edit.span.end_row)
        if row is None or end_row is None:
            return None
        edits.append(Edit(edit.content, Span(row, edit.span.column, end_row, edit.span.end_column)))
    text, _ = apply_edits(document.text, edits)
    if text == document.text or not parses(text):
        return None
    return _cell_changes(notebook, document, document.with_text(text))


def _cell_changes(notebook: LintedNotebook, document, fixed) -> Optional[Changes]:
    changes: Changes = {}
    for number, source in sorted(document.changed_cells(fixed).items()):
        cell_uri = notebook.cell_uri(number)
        if cell_uri is None:
            return None
        changes[cell_uri] = [replace_edit(notebook.cells[number - 1].text, source)]
    return changes or None


def _fix_all(config: Workspace, uri: str, path: Optional[str], linted: Linted,
             notebook: Optional[LintedNotebook]) -> Optional[types.CodeAction]:
    if notebook is not None:
        found = [d for cell in notebook.by_cell.values() for d, _ in cell.found]
    else:
        found = [d for d, _ in linted.found]
    if not any(d.fix is not None and d.fix.applicability == "safe" and d.fix.edits for d in found):
        return None
    if notebook is not None:
        if notebook.document is None:
            return None
        fixed = fix_all(config, notebook.uri, path, notebook.document)
        changes = _cell_changes(notebook, notebook.document, fixed) if fixed is not None else None
    else:
        from .. import documents

        fixed = fix_all(config, uri, path, documents.from_text(linted.text, path or uri))
        changes = {uri: [replace_edit(linted.text, fixed.text)]} if fixed is not None else None
    if not changes:
        return None
    return _action("initlint: fix all safe fixes", FIX_ALL, changes, [])


__all__ = ["FIX_ALL", "UNSAFE_LABEL", "code_actions", "noqa_edit"]
