"""One pre-check (size, then CPython's nesting check) in front of every path into libcst."""
from __future__ import annotations

import pytest

from initlint.edits import parses
from initlint.engine import lint_source
from initlint.syntax import NESTED, precheck

DEEP = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
BUGGY = (
    "import torch.nn as nn\n"
    "class M(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.fc = nn.Linear(512, 512)\n"
    "        nn.init.normal_(self.fc.weight, std=1.0)\n"
    "    def forward(self, x):\n"  # a known activation: the fix is written only when the gain is known
    "        return nn.functional.relu(self.fc(x))\n"
)


def test_parses_never_hands_deep_nesting_to_libcst():
    assert precheck(DEEP)[0] == NESTED
    assert parses(DEEP) is False  # before: libcst's native parser overflowed its stack


@pytest.mark.parametrize("args", [("--fix", "--unsafe-fixes"), ("--diff",), ("--fix",)])
def test_fix_and_diff_report_deep_nesting_and_go_on(run, tmp_path, args):
    (tmp_path / "a_deep.py").write_text(DEEP)
    (tmp_path / "b.py").write_text(BUGGY)
    result = run(*args, ".")
    assert result.returncode in (0, 1), result.stderr  # never -11 (segfault)
    assert "Traceback" not in result.stderr
    assert (tmp_path / "a_deep.py").read_text() == DEEP
    if args == ("--fix", "--unsafe-fixes"):
        assert "too deeply nested" in result.stdout
        assert "std=1.0" not in (tmp_path / "b.py").read_text()  # the later file was fixed


def test_fix_stdin_reports_deep_nesting(run):
    result = run("--fix", "-", stdin=DEEP)
    assert result.returncode == 1, result.stderr
    assert result.stdout == DEEP
    assert "too deeply nested" in result.stderr


def test_a_file_over_the_size_limit_is_a_clean_il000(run, tmp_path):
    (tmp_path / "m.py").write_text(BUGGY)
    result = run("m.py", env={"INITLINT_MAX_FILE_SIZE": "100"})
    assert result.returncode == 1
    assert "IL000" in result.stdout and "too large to analyze: 0.0 MB" in result.stdout
    assert "INITLINT_MAX_FILE_SIZE" in result.stdout
    fixed = run("--fix", "--unsafe-fixes", "m.py", env={"INITLINT_MAX_FILE_SIZE": "100"})
    assert fixed.returncode == 1 and (tmp_path / "m.py").read_text() == BUGGY
    assert "IL301" not in run("m.py", env={"INITLINT_MAX_FILE_SIZE": "100"}).stdout  # the cache knows the limit
    assert "IL301" in run("m.py").stdout


def test_memory_error_is_reported_as_such(monkeypatch):
    import libcst

    def out_of_memory(text, *args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(libcst, "parse_module", out_of_memory)
    result = lint_source(BUGGY, "m.py")
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "IL000" and "out of memory" in diagnostic.message


def test_the_size_limit_is_a_configuration_key_named_in_the_message(run, tmp_path):
    """Before: only $INITLINT_MAX_FILE_SIZE existed, `max-file-size` was an unknown key."""
    (tmp_path / "m.py").write_text(BUGGY)
    (tmp_path / "initlint.toml").write_text("max-file-size = 100\n")
    result = run("m.py")
    assert result.returncode == 1, result.stderr
    assert "IL000" in result.stdout and "too large to analyze: 0.0 MB; raise `max-file-size`" in result.stdout
    assert "IL301" not in result.stdout
    fixed = run("--fix", "--unsafe-fixes", "m.py")
    assert (tmp_path / "m.py").read_text() == BUGGY and fixed.returncode == 1
    (tmp_path / "initlint.toml").write_text("max-file-size = 0\n")  # 0: no limit; the cache knows the key
    assert "IL301" in run("m.py", env={"INITLINT_MAX_FILE_SIZE": "100"}).stdout  # the setting wins


@pytest.mark.parametrize("value, said", [('"10MB"', "must be an integer"), ("-1", "must be 0 (no limit) or more")])
def test_a_bad_max_file_size_is_a_clear_configuration_error(main, tmp_path, value, said):
    (tmp_path / "m.py").write_text(BUGGY)
    (tmp_path / "initlint.toml").write_text(f"max-file-size = {value}\n")
    result = main("m.py")
    assert result.returncode == 2 and said in result.stderr and "Traceback" not in result.stderr
