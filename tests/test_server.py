"""`initlint server` driven over stdio by a real (small) LSP client: tests/lsp_client.py."""
from __future__ import annotations

import pathlib
import subprocess

import pytest

from .lsp_client import INITLINT, Client, apply_text_edits

PREFIX = '        note = "héllo 😀"; self.w = nn.Parameter('
MODEL = (
    "import torch\n"
    "import torch.nn as nn\n"
    "\n"
    "\n"
    "class Net(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    + PREFIX + "torch.randn(32, 16))\n"
    "\n"
    "    def forward(self, x):\n"
    "        return x @ self.w\n"
)
CLEAN_MODEL = MODEL.replace("torch.randn(32, 16))", "torch.randn(32, 16) * 32 ** -0.5)")
BROKEN = "import torch\ndef f(:\n    pass\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.initlint]\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def client(project):
    client = Client(str(project))
    client.initialize(project.as_uri())
    yield client
    client.kill()


def uri_of(project: pathlib.Path, name: str) -> str:
    return (project / name).as_uri()


def test_initialize_says_what_the_server_does(project):
    client = Client(str(project))
    try:
        result = client.initialize(project.as_uri())
        capabilities = result["capabilities"]
        assert result["serverInfo"]["name"] == "initlint"
        assert capabilities["diagnosticProvider"]["identifier"] == "initlint"
        assert "source.fixAll.initlint" in capabilities["codeActionProvider"]["codeActionKinds"]
        assert client.stop() == 0
    finally:
        client.kill()


def test_diagnostics_on_open_have_0_based_utf16_positions(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    (diagnostic,) = client.diagnostics(uri)
    assert diagnostic["code"] == "IL301"
    assert diagnostic["source"] == "initlint"
    assert diagnostic["severity"] in (1, 2, 3)
    assert diagnostic["codeDescription"]["href"] == "https://github.com/OWNER/initlint/blob/main/docs/rules/IL301.md"
    assert "\nhint: " in diagnostic["message"]
    start = len(PREFIX.encode("utf-16-le")) // 2
    assert start == len(PREFIX) + 1  # the emoji is two UTF-16 units: code points would be off by one
    assert diagnostic["range"] == {"start": {"line": 7, "character": start},
                                   "end": {"line": 7, "character": start + len("torch.randn(32, 16)")}}


def test_quick_fix_is_what_fix_unsafe_fixes_writes(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    (diagnostic,) = client.diagnostics(uri)
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}})
    (fix,) = [a for a in actions if "Disable" not in a["title"]]
    assert "unsafe: changes training numerics" in fix["title"]
    assert fix["kind"] == "quickfix"
    edited = apply_text_edits(MODEL, fix["edit"]["changes"][uri])

    on_disk = project / "on_disk.py"
    on_disk.write_bytes(MODEL.encode("utf-8"))
    subprocess.run([INITLINT, "--fix", "--unsafe-fixes", "--no-cache", str(on_disk)],
                   cwd=str(project), capture_output=True, check=False)
    assert edited == on_disk.read_bytes().decode("utf-8")
    assert edited != MODEL

    client.change(uri, edited, 2)  # the fixed buffer: the diagnostic clears
    assert client.diagnostics(uri) == []


def test_disable_for_this_line_adds_noqa(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    (diagnostic,) = client.diagnostics(uri)
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
    (noqa,) = [a for a in actions if a["title"] == "Disable IL301 for this line"]
    edited = apply_text_edits(MODEL, noqa["edit"]["changes"][uri])
    assert edited == MODEL.replace("torch.randn(32, 16))\n", "torch.randn(32, 16))  # noqa: IL301\n")
    client.change(uri, edited, 2)
    assert client.diagnostics(uri) == []


def test_diagnostics_clear_on_change_and_come_back(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    assert len(client.diagnostics(uri)) == 1
    client.change(uri, CLEAN_MODEL, 2)
    assert client.diagnostics(uri) == []
    client.change(uri, MODEL, 3)
    assert [d["code"] for d in client.diagnostics(uri)] == ["IL301"]


def test_pull_diagnostics(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    client.diagnostics(uri)
    report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert report["kind"] == "full"
    assert [d["code"] for d in report["items"]] == ["IL301"]
    client.change(uri, CLEAN_MODEL, 2)
    report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert report["items"] == []


def test_unparsable_document_gives_one_il000_and_the_server_keeps_serving(client, project):
    broken, good = uri_of(project, "broken.py"), uri_of(project, "model.py")
    client.open(broken, BROKEN)
    assert [d["code"] for d in client.diagnostics(broken)] == ["IL000"]
    client.open(good, MODEL)
    assert [d["code"] for d in client.diagnostics(good)] == ["IL301"]


def test_the_buffer_is_analyzed_not_the_file_on_disk(client, project):
    (project / "model.py").write_text(CLEAN_MODEL, encoding="utf-8")
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    assert [d["code"] for d in client.diagnostics(uri)] == ["IL301"]


def test_excluded_files_and_configuration_reload(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    assert len(client.diagnostics(uri)) == 1
    (project / "pyproject.toml").write_text('[tool.initlint]\nextend-exclude = ["model.py"]\n', encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles",
                  {"changes": [{"uri": uri_of(project, "pyproject.toml"), "type": 2}]})
    assert client.diagnostics(uri) == []
    (project / "pyproject.toml").write_text('[tool.initlint]\nignore = ["IL301"]\n', encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles",
                  {"changes": [{"uri": uri_of(project, "pyproject.toml"), "type": 2}]})
    assert client.diagnostics(uri) == []
    (project / "pyproject.toml").write_text("[tool.initlint]\n", encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles",
                  {"changes": [{"uri": uri_of(project, "pyproject.toml"), "type": 2}]})
    assert [d["code"] for d in client.diagnostics(uri)] == ["IL301"]


def test_fix_all_is_not_offered_for_unsafe_fixes_only(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    client.diagnostics(uri)
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": [], "only": ["source.fixAll"]}})
    assert actions == []


def test_shutdown_and_exit_with_status_0(client):
    assert client.stop() == 0


def test_incremental_change_in_utf16_units_and_did_save(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    (diagnostic,) = client.diagnostics(uri)
    end = diagnostic["range"]["end"]  # right after `torch.randn(32, 16)`, past the emoji
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"range": {"start": end, "end": end}, "text": " * 32 ** -0.5"}]})
    assert client.diagnostics(uri) == []  # the edit landed where the UTF-16 position says
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []
    report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert report["items"] == []


def test_server_arguments(project):
    done = subprocess.run([INITLINT, "server", "--bogus"], cwd=str(project), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "unknown argument '--bogus'" in done.stderr and "Traceback" not in done.stderr
    client = Client(str(project), [INITLINT, "server", "--stdio"])
    try:
        client.initialize(project.as_uri())
        uri = uri_of(project, "model.py")
        client.open(uri, MODEL, version=7)
        assert len(client.diagnostics(uri)) == 1
        assert client.stop() == 0
    finally:
        client.kill()


NOTEBOOK_CELLS = [
    (2, "import torch\nimport torch.nn as nn\n"),
    (1, "# The model\n"),
    (2, "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n" + PREFIX
     + "torch.randn(32, 16))\n\n    def forward(self, x):\n        return x @ self.w\n"),
]


def open_notebook(client, project):
    notebook = uri_of(project, "model.ipynb")
    cells = [f"vscode-notebook-cell:{(project / 'model.ipynb').as_posix()}#cell{n}" for n in range(3)]
    client.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": notebook, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": kind, "document": cell}
                                       for (kind, _), cell in zip(NOTEBOOK_CELLS, cells)]},
        "cellTextDocuments": [{"uri": cell, "languageId": "python" if kind == 2 else "markdown", "version": 1,
                               "text": text} for (kind, text), cell in zip(NOTEBOOK_CELLS, cells)]})
    return notebook, cells


def test_notebook_cells_are_one_module_with_diagnostics_per_cell(client, project):
    notebook, cells = open_notebook(client, project)
    published = {}
    while len(published) < 3:
        message = client.notifications.get(timeout=60)
        if message["method"] == "textDocument/publishDiagnostics":
            published[message["params"]["uri"]] = message["params"]["diagnostics"]
    assert published[cells[0]] == [] and published[cells[1]] == []
    (diagnostic,) = published[cells[2]]  # `torch` and `nn` come from the first cell
    assert diagnostic["code"] == "IL301"
    start = len(PREFIX.encode("utf-16-le")) // 2
    assert diagnostic["range"]["start"] == {"line": 3, "character": start}  # rows counted inside the cell

    report = client.request("textDocument/diagnostic", {"textDocument": {"uri": cells[2]}})
    assert [d["code"] for d in report["items"]] == ["IL301"]

    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": cells[2]}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
    # in a cell only the noqa action: the fix edits are placed in the joined module, not the cell
    assert [a["title"] for a in actions] == ["Disable IL301 for this line"]
    assert apply_text_edits(NOTEBOOK_CELLS[2][1], actions[0]["edit"]["changes"][cells[2]]) == \
        NOTEBOOK_CELLS[2][1].replace("torch.randn(32, 16))\n", "torch.randn(32, 16))  # noqa: IL301\n")

    fixed = NOTEBOOK_CELLS[2][1].replace("torch.randn(32, 16))", "torch.randn(32, 16) * 32 ** -0.5)")
    client.notify("notebookDocument/didChange", {
        "notebookDocument": {"uri": notebook, "version": 2},
        "change": {"cells": {"textContent": [{"document": {"uri": cells[2], "version": 2},
                                              "changes": [{"text": fixed}]}]}}})
    assert client.diagnostics(cells[2]) == []
    assert client.stop() == 0
