"""Messages that say what went wrong: output path through a file, a full stdout, a BOM in pyproject.toml."""
from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import initlint_command


def test_output_file_below_a_file(run, tmp_path):
    (tmp_path / "m.py").write_text("x = 1\n")
    result = run("-o", "m.py/report.txt", "m.py")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("is a file, not a directory")
    assert "File exists" not in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stdout_on_a_full_device(tmp_path):
    (tmp_path / "m.py").write_text("x = 1\n")
    with open("/dev/full", "w") as full:
        result = subprocess.run([*initlint_command(), "m.py"], cwd=tmp_path, stdout=full, stderr=subprocess.PIPE,
                                text=True)
    assert result.returncode == 2
    assert result.stderr == "initlint: error: cannot write the report to standard output: No space left on device\n"


def test_pyproject_with_a_bom(run, tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b"\xef\xbb\xbf[tool.initlint]\nselect = [\"IL1\"]\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    result = run("a.py")
    assert result.returncode == 2
    assert "byte-order mark" in result.stderr and "TOML allows none" in result.stderr
