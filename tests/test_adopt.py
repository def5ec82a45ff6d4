"""Adoption tools from issue 15, through the installed command: several reports from one run
(`--also-output`), ..."""
from __future__ import annotations

import json

from .conftest import ZERO_KERNEL, assert_one_line_error, write


def test_also_output_writes_more_reports_from_the_same_run(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    alone = {fmt: run("--output-format", fmt, ".").stdout for fmt in ("github", "sarif", "json")}
    result = run("--output-format", "github", "--also-output", "sarif:reports/out.sarif",
                 "--also-output", "json:out.json", ".")
    assert result.returncode == 1
    assert result.stdout == alone["github"]
    assert (tmp_path / "reports" / "out.sarif").read_text(encoding="utf-8") == alone["sarif"]
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == json.loads(alone["json"])


def test_also_output_never_colours_a_file(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    run("--color", "always", "--also-output", "text:out.txt", ".")
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "IL101" in text and "\x1b[" not in text


def test_also_output_needs_a_known_format_and_a_path(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    assert_one_line_error(run("--also-output", "sarif", "."), "--also-output needs FORMAT:PATH")
    assert_one_line_error(run("--also-output", "xml:out.xml", "."), "--also-output needs FORMAT:PATH")
    assert_one_line_error(run("--also-output", "sarif:", "."), "--also-output needs FORMAT:PATH")
    assert not list(tmp_path.glob("out*"))
