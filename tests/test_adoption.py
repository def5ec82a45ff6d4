"""No silent passes (issue 15 item 1), through the installed command."""
from __future__ import annotations

from .conftest import BROKEN, assert_one_line_error, write

BUGGY = (
    "import torch.nn as nn\n\n\n"
    "class Net(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.fc = nn.Linear(10, 10)\n"
    "        nn.init.normal_(self.fc.weight, std=1.0)\n"
)


def test_il000_cannot_be_deselected_by_select(run, tmp_path):
    write(tmp_path, {"bad.py": BROKEN})
    result = run("--select", "IL1", "--output-format", "json", "bad.py")
    assert result.returncode == 1
    assert [d["code"] for d in result.json()] == ["IL000"]


def test_il000_cannot_be_ignored_in_config_or_per_file(run, tmp_path):
    write(tmp_path, {
        "bad.py": BROKEN,
        "pyproject.toml": '[tool.initlint]\nselect = ["IL1", "IL3"]\nignore = ["IL000"]\n'
                          '[tool.initlint.per-file-ignores]\n"bad.py" = ["IL0"]\n',
    })
    result = run("--ignore", "IL000", "--output-format", "json", ".")
    assert result.returncode == 1
    assert [d["code"] for d in result.json()] == ["IL000"]


def test_a_select_that_still_finds_other_codes(run, tmp_path):
    """Negative case: the always-on code does not turn other rules on."""
    write(tmp_path, {"net.py": BUGGY})
    result = run("--select", "IL2", "--output-format", "json", "net.py")
    assert result.returncode == 0, result.stdout
    assert result.json() == []


def test_a_nonexistent_path_fails(run, tmp_path):
    write(tmp_path, {"src/ok.py": "x = 1\n"})
    result = run("scr/")
    assert result.returncode == 1
    assert "scr" in result.stderr and "no such file" in result.stderr
    assert "All checks passed" not in result.stdout


def test_empty_select_is_a_usage_error(run, tmp_path):
    write(tmp_path, {"ok.py": "x = 1\n"})
    assert_one_line_error(run("--select", "", "."), "--select", "at least one rule code")
    assert_one_line_error(run("--select", " , ", "."), "--select")


def test_summary_counts_analyzed_and_prefilter_skipped(run, tmp_path):
    write(tmp_path, {"ok.py": "x = 1\n", "net.py": BUGGY})
    result = run(".")
    assert "Analyzed 2 files (1 skipped by the prefilter: nothing in it initializes a kernel)." in result.stderr
    quiet = run("-q", ".")
    assert "Analyzed" not in quiet.stderr


def test_summary_without_skips(run, tmp_path):
    write(tmp_path, {"net.py": BUGGY})
    result = run("net.py")
    assert "Analyzed 1 file." in result.stderr.splitlines()


def test_summary_says_what_came_from_the_cache(run, tmp_path):
    write(tmp_path, {"ok.py": "x = 1\n"})
    cold = run(".")
    assert cold.stderr.splitlines()[-1] == "Analyzed 1 file (1 skipped by the prefilter: nothing in it initializes a kernel)."
    warm = run(".")
    assert warm.stderr.splitlines()[-1] == "Analyzed 1 file (1 answered from the cache)."
