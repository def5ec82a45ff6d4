"""The flake8 door (issue 15 item 10): the real `flake8` command, with initlint installed,
reports initlint's diagnostics as IL codes, with initlint's configuration applied."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from .conftest import CLEAN, ZERO_KERNEL, _environment, write

pytest.importorskip("flake8", reason="flake8 is in the test extra")

# IL101 on line 3 (col 36), and nothing else flake8 itself would say with --select IL
BUGGY = ZERO_KERNEL


def _flake8(cwd: Path, *args: str, stdin: str = None) -> subprocess.CompletedProcess:
    found = shutil.which("flake8", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    command: List[str] = [found] if found else [sys.executable, "-m", "flake8"]
    return subprocess.run(command + list(args), cwd=str(cwd), env=_environment(None), input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)


def test_flake8_lists_the_plugin():
    result = _flake8(Path.cwd(), "--version")
    assert "initlint: " in result.stdout, result.stdout


def test_flake8_reports_initlint_diagnostics(tmp_path):
    write(tmp_path, {"m.py": BUGGY, "ok.py": CLEAN})
    result = _flake8(tmp_path, "--select", "IL", "m.py", "ok.py")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "m.py:3:36: IL101 zero-initialized kernel of Dense(3): every unit starts identical and the layer "
        "starts rank-deficient",
    ]
    assert "Traceback" not in result.stderr


def test_flake8_default_selection_includes_il_and_its_own_codes(tmp_path):
    write(tmp_path, {"m.py": BUGGY})
    codes = [line.split(" ")[1] for line in _flake8(tmp_path, "m.py").stdout.splitlines()]
    assert "IL101" in codes and "F401" in codes  # `import tensorflow as tf` is unused in the fixture


def test_flake8_noqa_and_extend_ignore(tmp_path):
    write(tmp_path, {"m.py": BUGGY.replace("initializers.Zeros())\n", "initializers.Zeros())  # noqa: IL101\n")})
    assert _flake8(tmp_path, "--select", "IL", "m.py").stdout == ""
    write(tmp_path, {"m.py": BUGGY})
    result = _flake8(tmp_path, "--select", "IL", "--extend-ignore", "IL1", "m.py")
    assert (result.returncode, result.stdout) == (0, "")


def test_flake8_applies_the_closest_initlint_configuration(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.initlint]\nextend-exclude = ["generated/"]\n',
        "pkg_a/pyproject.toml": '[tool.initlint]\nignore = ["IL101"]\n',
        "pkg_a/m.py": BUGGY,
        "pkg_b/m.py": BUGGY,
        "generated/m.py": BUGGY,
    })
    result = _flake8(tmp_path, "--select", "IL", ".")
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["./pkg_b/m.py"], result.stdout


def test_flake8_stdin(tmp_path):
    result = _flake8(tmp_path, "--select", "IL", "-", stdin=BUGGY)
    assert result.stdout.startswith("stdin:3:36: IL101 "), (result.stdout, result.stderr)


def test_flake8_configuration_error_is_one_il000_line(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\nselect = "IL1"\n', "m.py": BUGGY})
    result = _flake8(tmp_path, "--select", "IL", "m.py")
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith("m.py:1:1: IL000 initlint configuration error: "), line
    assert "Traceback" not in result.stderr


def test_flake8_syntax_error_is_flake8s(tmp_path):
    write(tmp_path, {"bad.py": "def f(:\n"})
    result = _flake8(tmp_path, "bad.py")
    assert " E999 " in result.stdout and "IL" not in result.stdout
    assert "Traceback" not in result.stderr
