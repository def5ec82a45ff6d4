"""Nothing initlint writes on stderr can be read by the Actions runner as a workflow command."""
from __future__ import annotations

import pytest

from initlint.report.github import stderr_line


@pytest.mark.parametrize("name", ["::stop-commands::x.py", "::warning file=a.py::forged.py", "##[set-env name=A]x.py"])
def test_file_names_on_stderr_never_start_a_command(run, name):
    result = run("--output-format", "github", name)  # does not exist: reported on stderr
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines, "the missing file must be reported"
    for line in lines:
        assert not line.lstrip().startswith(("::", "##[")), line
    assert any(("./" + name) in line for line in lines)


def test_a_named_file_keeps_its_name(run, tmp_path):
    (tmp_path / "::x.py").write_text("x = (\n")
    result = run("--output-format", "github", "::x.py")
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=%3A%3Ax.py,")  # on stdout: escaped property


def test_stderr_line_keeps_ordinary_lines():
    assert stderr_line("initlint: warning: a::b.py: x") == "initlint: warning: a::b.py: x"
    assert stderr_line("  ::x") == "./::x"
