"""scripts/check_notebook_fix.py: a notebook fixed by initlint passes; every way of breaking a
notebook that a fix must not (outside the code sources, the shape of a source, the layout of the
raw JSON, the final newline) fails, with its reason."""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "check_notebook_fix.py"
FIXTURE = REPO / "fixtures" / "notebooks" / "cross_cell.ipynb"

_spec = importlib.util.spec_from_file_location("check_notebook_fix", SCRIPT)
checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checker)

BEFORE = FIXTURE.read_text(encoding="utf-8")
FIXED_LINE = ("kernel_initializer='glorot_uniform')  # expect: IL201",
              "kernel_initializer='he_uniform')  # expect: IL201")


def _check(after: str, before: str = BEFORE):
    return checker.check(before.encode("utf-8"), after.encode("utf-8"))


def test_a_fix_by_initlint_passes_and_names_the_changed_cell(run, tmp_path):
    target = tmp_path / "nb.ipynb"
    shutil.copy(FIXTURE, target)
    run("--fix", "--unsafe-fixes", "nb.ipynb")
    assert target.read_text(encoding="utf-8") == BEFORE.replace(*FIXED_LINE)
    assert checker.check(FIXTURE.read_bytes(), target.read_bytes()) == ([], [3])
    result = subprocess.run([sys.executable, str(SCRIPT), str(FIXTURE), str(target)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert result.stdout == (f"ok {target}: code cells 3 changed, everything else kept\n"
                             "1 of 1 notebooks kept intact\n")


def test_an_unchanged_notebook_passes():
    assert _check(BEFORE) == ([], [])


def _edited(function):
    notebook = json.loads(BEFORE)
    function(notebook)
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def test_the_helper_reproduces_the_fixture_layout():
    # the mutations below are made with json.dumps(indent=1): it writes the fixture's own layout
    assert _edited(lambda notebook: None) == BEFORE


@pytest.mark.parametrize("edit, reason", [
    (lambda nb: nb["metadata"].update(kernelspec={}), "something outside the code cells' sources changed"),
    (lambda nb: nb["cells"][1]["source"].append("more"), "something outside the code cells' sources changed"),
    (lambda nb: nb["cells"][2]["outputs"].clear(), "something outside the code cells' sources changed"),
    (lambda nb: nb["cells"][2].update(execution_count=7), "something outside the code cells' sources changed"),
    (lambda nb: nb["cells"].pop(), "the number of cells changed (5 -> 4)"),
    (lambda nb: nb["cells"][2].update(source="".join(nb["cells"][2]["source"])),
     "cell 3: its source changed from a list to a str"),
    (lambda nb: nb["cells"][3].update(source=["def broken(:\n", "    pass\n"]),
     "cell 4: its source changed from a str to a list"),
    (lambda nb: nb["cells"][0]["source"].__setitem__(0, "%matplotlib inline\nimport os\n"),
     "cell 1: a source line holds a newline before its end"),
])
def test_a_broken_notebook_fails_with_its_reason(edit, reason):
    problems, _changed = _check(_edited(edit))
    assert reason in problems


def test_key_order_counts():
    def reorder(notebook):
        cell = notebook["cells"][2]
        notebook["cells"][2] = dict(reversed(list(cell.items())))
    problems, _ = _check(_edited(reorder))
    assert "something outside the code cells' sources changed" in problems


def test_the_raw_layout_outside_the_sources_counts():
    reindented = json.dumps(json.loads(BEFORE), indent=2, ensure_ascii=False) + "\n"
    problems, _ = _check(reindented)
    assert any(problem.startswith("the raw text between code sources 0 and 1 changed") for problem in problems)
    escaped = json.dumps(json.loads(BEFORE), indent=1, ensure_ascii=True) + "\n"
    problems, _ = _check(escaped)
    assert any("changed (indentation, separators or escaping)" in problem for problem in problems)
    assert "the final newline changed" in _check(BEFORE.rstrip("\n"))[0]


def test_a_source_list_relaid_out_fails():
    after = BEFORE.replace('   "source": [\n    "%%time\\n",\n    "files',
                           '   "source": [\n      "%%time\\n",\n    "files')
    assert after != BEFORE
    problems, changed = _check(after)
    assert problems == ["code source 2: its list is laid out differently (indentation of its lines)"]


def test_invalid_json_fails():
    assert _check(BEFORE[:-10])[0][0].startswith("the fixed file is not valid JSON")


def test_dirs_mode_pairs_notebooks_and_fails_on_one_bad_file(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    (before / "sub").mkdir(parents=True)
    (after / "sub").mkdir(parents=True)
    (before / "sub" / "a.ipynb").write_text(BEFORE, encoding="utf-8")
    (after / "sub" / "a.ipynb").write_text(BEFORE.replace(*FIXED_LINE), encoding="utf-8")
    (before / "b.ipynb").write_text(BEFORE, encoding="utf-8")
    (after / "b.ipynb").write_text(BEFORE.rstrip("\n"), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), "--dirs", str(before), str(after)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == ("FAIL b.ipynb: the final newline changed\n"
                             "ok sub/a.ipynb: code cells 3 changed, everything else kept\n"
                             "1 of 2 notebooks kept intact\n")
