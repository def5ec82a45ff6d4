"""Notebook positions in the formats that know only file lines (github, sarif, gitlab, junit): the
line they name is read back from the raw `.ipynb` file and must hold the flagged source text, and
the message must say `cell N, line M` (N counted among all cells, M inside the cell), whatever the
layout of the JSON: Jupyter's one-space indent, two spaces, a `source` item without its newline (as
in real course notebooks), an item of several lines, a `source` string, CRLF line endings."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree

import pytest

from .conftest import run_initlint

FLAGGED = "nn.init.zeros_(self.fc1.weight)"
MODEL = (
    "class Net(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.fc1 = nn.Linear(784, 256)\n"
    "        self.fc2 = nn.Linear(256, 10)\n"
    "        " + FLAGGED + "\n"
    "    def forward(self, x):\n"
    "        return self.fc2(F.relu(self.fc1(x)))\n"
)


def _items(source: str, layout: str):
    lines = source.splitlines(keepends=True)
    if layout == "string":
        return source
    if layout == "no-newline":  # one item without its newline: the next item continues its row
        return lines[:2] + ["        x = 1", "  # same row as x = 1\n"] + lines[2:]
    if layout == "multi-line":  # items of two lines each
        return [lines[i] + (lines[i + 1] if i + 1 < len(lines) else "") for i in range(0, len(lines), 2)]
    return lines


def _notebook(layout: str, indent: int, newline: str) -> str:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# MNIST MLP\n", "A model."]},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
         "source": ["import torch.nn as nn\n", "import torch.nn.functional as F"]},
        {"cell_type": "markdown", "metadata": {}, "source": "## The model"},
        {"cell_type": "code", "execution_count": 2, "metadata": {"tags": []},
         "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}],
         "source": _items(MODEL, layout)},
    ]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
                "nbformat": 4, "nbformat_minor": 5}
    return (json.dumps(notebook, indent=indent) + "\n").replace("\n", newline)


def _expected_row(layout: str) -> int:
    source = "".join(_items(MODEL, layout))
    return next(number for number, line in enumerate(source.splitlines(), start=1) if FLAGGED in line)


def _github(stdout, name):
    for line in stdout.splitlines():
        if "IL101" in line and f"file={name}," in line:
            return int(re.search(r",line=(\d+),", line).group(1)), line.split("::", 2)[2]
    raise AssertionError(stdout)


def _sarif(stdout, name):
    result = next(item for item in json.loads(stdout)["runs"][0]["results"] if item["ruleId"] == "IL101"
                  and item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == name)
    return result["locations"][0]["physicalLocation"]["region"]["startLine"], result["message"]["text"]


def _gitlab(stdout, name):
    issue = next(item for item in json.loads(stdout) if item["check_name"] == "IL101" and item["location"]["path"] == name)
    return issue["location"]["lines"]["begin"], issue["description"]


def _junit(stdout, name):
    case = next(case for case in ElementTree.fromstring(stdout).iter("testcase")
                if case.get("name").startswith("IL101") and case.get("file") == name)
    return int(case.get("line")), case.find("failure").get("message")


READERS = {"github": _github, "sarif": _sarif, "gitlab": _gitlab, "junit": _junit}
LAYOUTS = [("lines", 1, "\n"), ("lines", 2, "\n"), ("no-newline", 1, "\n"), ("multi-line", 1, "\n"),
           ("string", 2, "\n"), ("lines", 1, "\r\n")]
LAYOUT_IDS = [f"{layout}-indent{indent}-{'crlf' if newline != chr(10) else 'lf'}" for layout, indent, newline in LAYOUTS]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """One notebook per layout in one directory, and one run of the installed command per format
    (json and the four line formats) over all of them: each test reads its own file's entry."""
    root = tmp_path_factory.mktemp("notebook-positions")
    for name, (layout, indent, newline) in zip(LAYOUT_IDS, LAYOUTS):
        (root / f"{name}.ipynb").write_bytes(_notebook(layout, indent, newline).encode("utf-8"))
    return root, {output_format: run_initlint("--output-format", output_format, ".", cwd=root)
                  for output_format in ["json"] + sorted(READERS)}


@pytest.mark.parametrize("layout, indent, newline", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize("output_format", sorted(READERS))
def test_the_named_line_of_the_ipynb_holds_the_flagged_text(reports, layout, indent, newline, output_format):
    root, results = reports
    name = f"{LAYOUT_IDS[LAYOUTS.index((layout, indent, newline))]}.ipynb"
    row = _expected_row(layout)
    # the cell position first (text and json): cell 4 of 4, markdown counted
    assert {result.returncode for result in results.values()} == {1}
    found = [(item["cell"], item["location"]["row"], item["code"]) for item in results["json"].json()
             if item["filename"] == name]
    assert found == [(4, row, "IL101")]
    line, message = READERS[output_format](results[output_format].stdout, name)
    raw = (root / name).read_bytes().decode("utf-8").splitlines()
    assert FLAGGED in raw[line - 1], (line, raw[line - 1])
    assert message.startswith(f"cell 4, line {row}: ") or message.startswith(f"IL101 cell 4, line {row}: "), message


def test_the_row_after_an_item_without_its_newline_is_the_next_item():
    from initlint.documents.notebook import _row_item

    items = ["a\n", "b", " still b\n", "c\nd\n", "e"]
    assert [_row_item(items, row) for row in range(1, 6)] == [0, 1, 3, 3, 4]
    assert _row_item(items, 99) == 4 and _row_item(["x\n"], 2) == 0


def test_a_fix_keeps_the_items_of_the_rows_it_did_not_change(run, tmp_path):
    # an item without its newline, an item of two rows and an escaped character, all on rows the fix
    # does not touch, are written back exactly as they were; the changed row is one new item
    raw = ('{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": null,\n   "metadata": {},\n'
           '   "outputs": [],\n   "source": [\n'
           '    "import torch.nn as nn\\n",\n'
           '    "import torch.nn.functional as F\\n",\n'
           '    "label = \'caf\\u00e9\'",\n'
           '    "  # same row as label\\n",\n'
           '    "class Net(nn.Module):\\n    def __init__(self):\\n",\n'
           '    "        super().__init__()\\n",\n'
           '    "        self.fc1 = nn.Linear(784, 256)\\n",\n'
           '    "        self.fc2 = nn.Linear(256, 10)\\n",\n'
           '    "        nn.init.xavier_uniform_(self.fc1.weight)\\n",\n'
           '    "    def forward(self, x):\\n",\n'
           '    "        return self.fc2(F.relu(self.fc1(x)))"\n'
           '   ]\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 2\n}\n')
    (tmp_path / "nb.ipynb").write_text(raw, encoding="utf-8")
    run("--fix", "--unsafe-fixes", "nb.ipynb")
    expected = raw.replace('"        nn.init.xavier_uniform_(self.fc1.weight)\\n"',
                           "\"        nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity='relu')\\n\"")
    assert expected != raw
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == expected
    run("--fix", "--unsafe-fixes", "nb.ipynb")
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == expected
