"""`initlint server` driven over stdio by a real (small) LSP client: tests/lsp_client.py."""
from __future__ import annotations

import json
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


def children_of(pid: int):
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not pathlib.Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_the_server_analyzes_without_child_processes(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    assert len(client.diagnostics(uri)) == 1
    assert children_of(client.process.pid) == []  # no fork: the analysis is a thread


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


def written_by_the_cli(project, cells):
    """The cells' sources after `initlint --fix --unsafe-fixes` on an .ipynb of these cells."""
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"language_info": {"name": "python"}},
                "cells": [{"cell_type": "code" if kind == 2 else "markdown", "metadata": {}, "source": text,
                           **({"outputs": [], "execution_count": None} if kind == 2 else {})}
                          for kind, text in cells]}
    path = project / "on_disk.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    subprocess.run([INITLINT, "--fix", "--unsafe-fixes", "--no-cache", str(path)], cwd=str(project),
                   capture_output=True, check=False)
    return ["".join(cell["source"]) for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]]


def open_notebook(client, project, cells=NOTEBOOK_CELLS, name="model.ipynb"):
    notebook = uri_of(project, name)
    uris = [f"vscode-notebook-cell:{(project / name).as_posix()}#cell{n}" for n in range(len(cells))]
    client.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": notebook, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": kind, "document": cell} for (kind, _), cell in zip(cells, uris)]},
        "cellTextDocuments": [{"uri": cell, "languageId": "python" if kind == 2 else "markdown", "version": 1,
                               "text": text} for (kind, text), cell in zip(cells, uris)]})
    return notebook, uris


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
    (fix, noqa) = actions
    assert noqa["title"] == "Disable IL301 for this line"
    assert apply_text_edits(NOTEBOOK_CELLS[2][1], noqa["edit"]["changes"][cells[2]]) == \
        NOTEBOOK_CELLS[2][1].replace("torch.randn(32, 16))\n", "torch.randn(32, 16))  # noqa: IL301\n")
    # the quick fix in a cell: the cell as `initlint --fix --unsafe-fixes model.ipynb` writes it
    assert fix["title"].endswith("(unsafe: changes training numerics)")
    assert list(fix["edit"]["changes"]) == [cells[2]]
    edited = apply_text_edits(NOTEBOOK_CELLS[2][1], fix["edit"]["changes"][cells[2]])
    assert edited == written_by_the_cli(project, NOTEBOOK_CELLS)[2]
    assert edited != NOTEBOOK_CELLS[2][1]

    fixed = NOTEBOOK_CELLS[2][1].replace("torch.randn(32, 16))", "torch.randn(32, 16) * 32 ** -0.5)")
    client.notify("notebookDocument/didChange", {
        "notebookDocument": {"uri": notebook, "version": 2},
        "change": {"cells": {"textContent": [{"document": {"uri": cells[2], "version": 2},
                                              "changes": [{"text": fixed}]}]}}})
    assert client.diagnostics(cells[2]) == []
    assert client.stop() == 0


FLAX_MODEL = (
    "import flax.linen as nn\n"
    "\n"
    "\n"
    "class M(nn.Module):\n"
    "    @nn.compact\n"
    "    def __call__(self, x):\n"
    "        x = nn.Dense(64, kernel_init=nn.initializers.he_normal)(x)\n"
    "        x = nn.relu(x)\n"
    "        return nn.Dense(10, kernel_init=nn.initializers.zeros())(x)\n"
)


def fix_all_actions(client, uri):
    return client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": [], "only": ["source.fixAll"]}})


def test_fix_all_applies_the_safe_fixes_as_fix_writes(client, project):
    uri = uri_of(project, "flax_model.py")
    client.open(uri, FLAX_MODEL)
    assert [d["code"] for d in client.diagnostics(uri)] == ["IL403", "IL403"]
    (action,) = fix_all_actions(client, uri)
    assert action["kind"] == "source.fixAll.initlint"
    edited = apply_text_edits(FLAX_MODEL, action["edit"]["changes"][uri])
    assert edited == FLAX_MODEL.replace("he_normal)", "he_normal())").replace("zeros()", "zeros")

    on_disk = project / "on_disk.py"
    on_disk.write_text(FLAX_MODEL, encoding="utf-8")
    subprocess.run([INITLINT, "--fix", "--no-cache", str(on_disk)], cwd=str(project), capture_output=True,
                   check=False)
    assert edited == on_disk.read_text(encoding="utf-8")
    client.change(uri, edited, 2)
    assert client.diagnostics(uri) == []
    assert fix_all_actions(client, uri) == []


def test_a_safe_quick_fix_is_preferred_and_not_labelled_unsafe(client, project):
    uri = uri_of(project, "flax_model.py")
    client.open(uri, FLAX_MODEL)
    first = client.diagnostics(uri)[0]
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": first["range"],
        "context": {"diagnostics": [first], "only": ["quickfix"]}})
    (fix,) = [a for a in actions if "Disable" not in a["title"]]
    assert fix.get("isPreferred") is True and "unsafe" not in fix["title"]
    assert apply_text_edits(FLAX_MODEL, fix["edit"]["changes"][uri]) == FLAX_MODEL.replace(
        "he_normal)", "he_normal())")


def test_fix_all_in_a_notebook_edits_the_cells(client, project):
    cells = [(2, "import flax.linen as nn\n"), (1, "# model\n"), (2, FLAX_MODEL.split("\n", 3)[3])]
    notebook, uris = open_notebook(client, project, cells, "flax.ipynb")
    published = {}
    while len(published) < 3:
        message = client.notifications.get(timeout=60)
        if message["method"] == "textDocument/publishDiagnostics":
            published[message["params"]["uri"]] = message["params"]["diagnostics"]
    assert [d["code"] for d in published[uris[2]]] == ["IL403", "IL403"]
    (action,) = fix_all_actions(client, uris[2])
    assert list(action["edit"]["changes"]) == [uris[2]]
    edited = apply_text_edits(cells[2][1], action["edit"]["changes"][uris[2]])
    assert edited == cells[2][1].replace("he_normal)", "he_normal())").replace("zeros()", "zeros")


def test_the_last_of_quick_edits_wins(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    assert len(client.diagnostics(uri)) == 1
    for version in range(2, 12):  # faster than the debounce and the analysis: stale runs are dropped
        client.change(uri, CLEAN_MODEL if version % 2 else MODEL, version)
    client.change(uri, CLEAN_MODEL, 12)
    while True:
        message = client.notifications.get(timeout=60)
        if message["method"] != "textDocument/publishDiagnostics":
            continue
        params = message["params"]
        if params.get("version") == 12:
            assert params["diagnostics"] == []
            break
        assert params.get("version") in range(2, 12)
    report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert report["items"] == []


def test_closing_clears_the_diagnostics(client, project):
    uri = uri_of(project, "model.py")
    client.open(uri, MODEL)
    assert len(client.diagnostics(uri)) == 1
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []
