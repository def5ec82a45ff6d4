"""Jupyter notebooks: one module per notebook, cells numbered among all cells, magics neutralized,
a bad cell reported alone, fixes that change only the affected cell's source."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from initlint import documents
from initlint.documents.notebook import NotebookDocument, from_cells, neutralize

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "cross_cell.ipynb"


def test_cells_are_one_module_numbered_among_all_cells():
    document = from_cells([("code", "ACT = 'relu'\n"), ("markdown", "# hi\n"), ("code", "x = 1\ny = 2\n")], "nb.ipynb")
    assert document.text == "ACT = 'relu'\nx = 1\ny = 2\n"
    assert document.source_map.locate(1) == (1, 1)
    assert document.source_map.locate(3) == (3, 2)
    assert document.cell_errors == []


def test_magics_are_neutralized_without_moving_lines():
    lines, error = neutralize("%matplotlib inline\n!pip install x\nfiles = !ls\nnp.zeros?\nif True:\n    %time f()\nz = 1\n")
    assert error is None
    assert lines == ["pass", "pass", "files = None", "pass", "if True:", "    pass", "z = 1"]
    assert neutralize("%%time\nx = 1\n") == (["", "x = 1"], None)
    assert neutralize("%%bash\nls -l | wc\n") == (["", ""], None)
    assert neutralize("x = 10 % 3\n") == (["x = 10 % 3"], None)  # valid Python is left alone


def test_a_bad_cell_is_reported_at_that_cell_and_the_others_are_analyzed(run):
    result = run("--output-format", "json", str(FIXTURE))
    found = sorted((item["cell"], item["location"]["row"], item["code"]) for item in result.json())
    assert found == [(3, 4, "IL201"), (4, 1, "IL000")]  # cell 5's finding is suppressed by its noqa


def test_text_output_names_the_cell(run):
    result = run(str(FIXTURE))
    assert f"{FIXTURE}:cell 3:4:61: IL201" in result.stdout or "cross_cell.ipynb:cell 3:4:61: IL201" in result.stdout


def test_fix_changes_only_the_cell_source_and_a_second_run_is_a_no_op(run, tmp_path):
    target = tmp_path / "nb.ipynb"
    shutil.copy(FIXTURE, target)
    before = FIXTURE.read_bytes()
    run("--fix", "--unsafe-fixes", str(target))
    after = target.read_bytes()
    expected = before.replace(b"kernel_initializer='glorot_uniform')  # expect: IL201",
                              b"kernel_initializer='he_uniform')  # expect: IL201")
    assert after == expected
    run("--fix", "--unsafe-fixes", str(target))
    assert target.read_bytes() == expected
    json.loads(after)


def test_diff_shows_the_cell(run, tmp_path):
    target = tmp_path / "nb.ipynb"
    shutil.copy(FIXTURE, target)
    result = run("--diff", "--unsafe-fixes", "nb.ipynb")
    assert "--- nb.ipynb:cell 3\n+++ nb.ipynb:cell 3\n" in result.stdout
    assert "+hidden = layers.Dense(8, activation=ACT, kernel_initializer='he_uniform')" in result.stdout
    assert target.read_bytes() == FIXTURE.read_bytes()


def test_the_document_type_is_chosen_by_suffix():
    assert documents.document_type("x.ipynb") is NotebookDocument


def _raw_line(row):
    return FIXTURE.read_text(encoding="utf-8").splitlines()[row - 1]


def test_github_annotations_land_on_the_raw_notebook_line(run):
    result = run("--output-format", "github", str(FIXTURE))
    lines = [line for line in result.stdout.splitlines() if "IL201" in line]
    assert len(lines) == 1
    row = int(lines[0].split(",line=")[1].split(",")[0])
    assert "kernel_initializer='glorot_uniform')  # expect: IL201" in _raw_line(row)
    assert "::cell 3, line 4: Glorot" in lines[0]


def test_sarif_regions_land_on_the_raw_notebook_line(run):
    result = run("--output-format", "sarif", str(FIXTURE))
    results = result.json()["runs"][0]["results"]
    by_code = {item["ruleId"]: item for item in results}
    region = by_code["IL201"]["locations"][0]["physicalLocation"]["region"]
    assert "kernel_initializer='glorot_uniform')" in _raw_line(region["startLine"])
    assert by_code["IL201"]["message"]["text"].startswith("cell 3, line 4: ")
    assert "def broken(:" in _raw_line(by_code["IL000"]["locations"][0]["physicalLocation"]["region"]["startLine"])


def test_a_string_source_maps_to_its_one_line(tmp_path, run):
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": "import torch.nn as nn\nimport torch.nn.functional as F\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc1 = nn.Linear(10, 32)\n        self.fc2 = nn.Linear(32, 2)\n        nn.init.zeros_(self.fc1.weight)\n    def forward(self, x):\n        return self.fc2(F.relu(self.fc1(x)))\n"}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 2}
    (tmp_path / "s.ipynb").write_text(json.dumps(notebook, indent=2), encoding="utf-8")
    result = run("--output-format", "github", "s.ipynb")
    assert "IL101" in result.stdout
    for line in result.stdout.splitlines():
        row = int(line.split(",line=")[1].split(",")[0])
        assert '"source": "import torch.nn' in (tmp_path / "s.ipynb").read_text().splitlines()[row - 1]


BAD = {
    "not-json.ipynb": ("{not json", "not valid JSON"),
    "list.ipynb": ("[1, 2]", "JSON but not a notebook"),
    "no-cells.ipynb": ('{"metadata": {}}', "no \\\"cells\\\""),
    "bad-source.ipynb": ('{"cells": [{"cell_type": "code", "source": 5}], "metadata": {}}', "neither a string"),
    "bad-cell.ipynb": ('{"cells": [3], "metadata": {}}', "not a notebook cell"),
}


def test_bad_notebooks_are_one_il000_line_and_fix_never_writes(run, tmp_path):
    for name, (content, reason) in BAD.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        result = run("--output-format", "json", name)
        assert result.returncode == 1, (name, result.stderr)
        assert "Traceback" not in result.stderr
        items = result.json()
        assert [item["code"] for item in items] == ["IL000"], name
        assert reason.replace('\\"', '"') in items[0]["message"], (name, items[0]["message"])
        run("--fix", "--unsafe-fixes", name)
        assert (tmp_path / name).read_text(encoding="utf-8") == content


def test_a_huge_notebook_is_il000(monkeypatch):
    from initlint.documents import notebook

    monkeypatch.setattr(notebook, "MAX_BYTES", 10)
    document = notebook.NotebookDocument.from_bytes(b'{"cells": [], "metadata": {}}', "big.ipynb")
    assert "too large" in str(document.error)


def test_a_notebook_of_another_language_is_skipped_with_one_line(run, tmp_path):
    (tmp_path / "r.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": "x <- 1"}],
                                                  "metadata": {"kernelspec": {"language": "R"}}}), encoding="utf-8")
    result = run("r.ipynb")
    assert result.returncode == 0
    assert result.stderr.splitlines()[0].endswith("r.ipynb: a notebook in R, not Python: skipped")


def test_nbformat_3_worksheets_and_input(run, tmp_path):
    notebook = {"metadata": {"language": "python"}, "nbformat": 3, "worksheets": [{"cells": [
        {"cell_type": "heading", "level": 1, "source": ["Title"]},
        {"cell_type": "code", "language": "python", "outputs": [], "input": [
            "import torch.nn as nn\n", "import torch.nn.functional as F\n", "class Net(nn.Module):\n",
            "    def __init__(self):\n", "        super().__init__()\n", "        self.fc1 = nn.Linear(10, 32)\n",
            "        self.fc2 = nn.Linear(32, 2)\n", "        nn.init.zeros_(self.fc1.weight)\n",
            "    def forward(self, x):\n", "        return self.fc2(F.relu(self.fc1(x)))\n"]}]}]}
    (tmp_path / "v3.ipynb").write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    result = run("--output-format", "json", "v3.ipynb")
    assert [(item["cell"], item["location"]["row"], item["code"]) for item in result.json()] == [(2, 8, "IL101")]


def test_stdin_filename_reads_a_notebook(run):
    result = run("--stdin-filename", "x.ipynb", "-", stdin=FIXTURE.read_text(encoding="utf-8"))
    assert "x.ipynb:cell 3:4:61: IL201" in result.stdout


def test_noqa_inside_a_cell_is_honoured(run):
    items = run("--output-format", "json", str(FIXTURE)).json()
    assert all(item["cell"] != 5 for item in items)
    stripped = FIXTURE.read_text(encoding="utf-8").replace("  # noqa: IL201", "")
    items = run("--output-format", "json", "--stdin-filename", "y.ipynb", "-", stdin=stripped).json()
    assert (5, 1, "IL201") in [(item["cell"], item["location"]["row"], item["code"]) for item in items]


def test_a_fixed_text_goes_back_to_its_cells_with_their_magics():
    document = from_cells([("code", "%matplotlib inline\nimport torch\n"), ("markdown", "text"),
                           ("code", "%%time\nx = 1\ny = 2")], "nb.ipynb")
    assert document.text == "pass\nimport torch\n\nx = 1\ny = 2\n"
    fixed = document.with_text("import math\npass\nimport torch\n\nx = 10\ny = 2\n")
    assert document.changed_cells(fixed) == {1: "import math\n%matplotlib inline\nimport torch\n",
                                             3: "%%time\nx = 10\ny = 2"}
    assert document.with_text(document.text) is document
