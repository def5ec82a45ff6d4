"""The command line, run through the installed entry point in temporary directories."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from .conftest import BROKEN, CLEAN, REPO, ZERO_KERNEL, _environment, assert_one_line_error, codes_by_file, \
    initlint_command, write

import initlint
from initlint.rules import ALL_RULES, RULES_BY_CODE

ANSI = re.compile(r"\x1b\[[0-9;]*m")
JSON_KEYS = {
    "cell", "code", "confidence", "end_location", "filename", "fix", "hint", "location", "message", "noqa_row", "severity", "url",
}


def text_lines(items):
    """What the text format must print for these json items (without the summary)."""
    lines = []
    for item in items:
        location = item["location"]
        lines.append(f"{item['filename']}:{location['row']}:{location['column']}: "
                     f"{item['code']} [{item['severity']}] {item['message']}")
        if item["hint"]:
            lines.append(f"  help: {item['hint']}")
    return lines


def summary(items):
    counts = {}
    for item in items:
        counts[item["severity"]] = counts.get(item["severity"], 0) + 1
    words = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("info", "info")}
    parts = [f"{counts[s]} {words[s][counts[s] != 1]}" for s in ("error", "warning", "info") if s in counts]
    noun = "diagnostic" if len(items) == 1 else "diagnostics"
    return f"Found {len(items)} {noun} ({', '.join(parts)})."


# ---------------------------------------------------------------------------------------------
# exit status, text, json, full


def test_clean_directory_passes(run, tmp_path):
    write(tmp_path, {"ok.py": CLEAN, "pkg/other.py": CLEAN})
    result = run()
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")
    assert result.stderr == "Analyzed 2 files (2 skipped by the prefilter: nothing in them initializes a kernel).\n"


def test_exit_status_one_and_exit_zero(run, tmp_path):
    write(tmp_path, {"bad.py": BROKEN})
    result = run()
    assert result.returncode == 1
    assert result.lines()[-1] == "Found 1 diagnostic (1 error)."
    assert re.match(r"bad\.py:1:\d+: IL000 \[error\] could not analyze the file: ", result.lines()[0])
    zero = run("--exit-zero")
    assert zero.returncode == 0
    assert zero.stdout == result.stdout


def test_usage_error_exits_two(run):
    result = run("--output-format", "nope")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--output-format" in result.stderr
    assert run("--no-such-option").returncode == 2


def test_json_fields(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL, "bad.py": BROKEN, "ok.py": CLEAN, "sub/m2.py": ZERO_KERNEL})
    result = run("--output-format", "json")
    assert result.returncode == 1
    assert result.stderr == ""
    items = result.json()
    assert isinstance(items, list)
    assert [(item["filename"], item["code"]) for item in items] == [
        ("bad.py", "IL000"), ("m.py", "IL101"), ("sub/m2.py", "IL101"),
    ]
    for item in items:
        assert set(item) == JSON_KEYS
        assert (tmp_path / item["filename"]).is_file()
        assert item["url"] == f"https://github.com/OWNER/initlint/blob/main/docs/rules/{item['code']}.md"
        if item["code"] == "IL000":
            assert item["fix"] is None
        else:  # a zero kernel's replacement is shown, never applied
            assert item["fix"]["applicability"] == "display-only" and item["fix"]["edits"] == []
            assert item["fix"]["message"].startswith("Use `")
        assert item["cell"] is None  # a Python file: no cell (Diagnostic.cell; see the test below)
        assert item["severity"] in ("error", "warning", "info")
        assert isinstance(item["message"], str) and item["message"]
        assert isinstance(item["hint"], str) and item["hint"]
        assert set(item["location"]) == set(item["end_location"]) == {"row", "column"}
        start = (item["location"]["row"], item["location"]["column"])
        end = (item["end_location"]["row"], item["end_location"]["column"])
        assert min(start) >= 1 and start <= end
        assert item["noqa_row"] == item["location"]["row"]
    broken, zero, nested = items
    assert broken["location"]["row"] == 1 and broken["severity"] == "error"
    assert broken["message"].startswith("could not analyze the file")
    assert zero["location"]["row"] == 3 and zero["end_location"]["row"] == 3
    assert zero["location"]["column"] < zero["end_location"]["column"]
    assert {key: nested[key] for key in ("location", "end_location", "message")} == \
        {key: zero[key] for key in ("location", "end_location", "message")}


def test_text_format_matches_json(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL, "bad.py": BROKEN, "ok.py": CLEAN})
    items = run("--output-format", "json").json()
    text = run()
    assert text.returncode == 1
    assert text.lines() == text_lines(items) + [summary(items)]
    concise = run("--output-format", "concise")
    assert concise.lines() == [f"{item['filename']}:{item['location']['row']}:{item['location']['column']}: "
                               f"{item['code']} {item['message']}" for item in items] + [summary(items)]
    quiet = run("-q")
    assert quiet.lines() == text_lines(items)


def test_full_format_shows_source_and_carets(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL, "bad.py": BROKEN})
    items = run("--output-format", "json").json()
    result = run("--output-format", "full")
    assert result.returncode == 1
    expected = []
    for item in items:
        row, column = item["location"]["row"], item["location"]["column"]
        end = item["end_location"]["column"]
        source = (tmp_path / item["filename"]).read_text().splitlines()[row - 1]
        expected += text_lines([item])[:1]
        expected += [
            "  |",
            f"{row} | {source}",
            "  | " + " " * (column - 1) + "^" * max(end - column, 1),
            "  |",
            f"  help: {item['hint']}",
            "",
        ]
    assert result.lines() == expected + [summary(items)]
    zero_caret = result.lines()[result.lines().index("3 | " + ZERO_KERNEL.splitlines()[2]) + 1]
    assert zero_caret.strip(" |").startswith("^")


def test_paths_relative_to_cwd_or_absolute(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL, "sub/x.py": CLEAN})
    inside = run("--output-format", "json", str(tmp_path / "m.py"))
    assert [item["filename"] for item in inside.json()] == ["m.py"]
    outside = run("--output-format", "json", "../m.py", cwd=tmp_path / "sub")
    assert [item["filename"] for item in outside.json()] == [str(tmp_path / "m.py")]


# ---------------------------------------------------------------------------------------------
# rule selection


@pytest.mark.parametrize(
    "args, expected",
    [
        ((), {"bad.py": ["IL000"], "m.py": ["IL101"]}),
        (("--select", "IL000"), {"bad.py": ["IL000"]}),
        (("--select", "IL1"), {"bad.py": ["IL000"], "m.py": ["IL101"]}),  # IL000 is always on
        (("--select", "ALL", "--ignore", "IL0"), {"bad.py": ["IL000"], "m.py": ["IL101"]}),
        (("--ignore", "IL101"), {"bad.py": ["IL000"]}),
        (("--select", "IL1", "--ignore", "IL101"), {"bad.py": ["IL000"]}),
        (("--select", "IL101", "--ignore", "IL1"), {"bad.py": ["IL000"], "m.py": ["IL101"]}),  # the more specific wins
        (("--select", "IL000", "--extend-select", "IL101"), {"bad.py": ["IL000"], "m.py": ["IL101"]}),
        (("--select", "IL000,IL101"), {"bad.py": ["IL000"], "m.py": ["IL101"]}),
        (("--select", "IL000", "--select", "il101"), {"bad.py": ["IL000"], "m.py": ["IL101"]}),
        (("--ignore", "ALL"), {"bad.py": ["IL000"]}),
    ],
)
def test_select_ignore(main, tmp_path, args, expected):
    write(tmp_path, {"m.py": ZERO_KERNEL, "bad.py": BROKEN})
    result = main("--output-format", "json", *args)
    assert codes_by_file(result) == expected
    assert result.returncode == (1 if expected else 0)


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_code_is_a_usage_error(run, tmp_path, option):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    result = run(option, "IL999")
    assert_one_line_error(result, "IL999", option, *sorted(RULES_BY_CODE))


# ---------------------------------------------------------------------------------------------
# stdin, output file, statistics


def test_stdin_with_filename(run, tmp_path):
    result = run("-", "--stdin-filename", "pkg/model.py", "--output-format", "json", stdin=ZERO_KERNEL)
    assert result.returncode == 1
    assert [(item["filename"], item["code"], item["location"]["row"]) for item in result.json()] == [
        ("pkg/model.py", "IL101", 3)
    ]
    # --stdin-filename alone reads stdin too
    alone = run("--stdin-filename", "pkg/model.py", "--output-format", "json", stdin=ZERO_KERNEL)
    assert alone.json() == result.json()


def test_stdin_without_filename(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})  # not read: only stdin is
    result = run("-", stdin=BROKEN)
    assert result.returncode == 1
    assert re.match(r"-:1:\d+: IL000 \[error\] could not analyze the file: ", result.lines()[0])
    assert result.lines()[-1] == "Found 1 diagnostic (1 error)."
    assert run("-", stdin=CLEAN).stdout == "All checks passed!\n"


def test_output_file(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    expected = run("--output-format", "json").stdout
    result = run("--output-format", "json", "--output-file", "out/report.json")
    assert (result.returncode, result.stdout) == (1, "")
    assert (tmp_path / "out" / "report.json").read_text() == expected
    clean = tmp_path / "clean"
    write(clean, {"ok.py": CLEAN})
    passed = run("-o", str(tmp_path / "report.txt"), cwd=clean)
    assert (passed.returncode, passed.stdout) == (0, "")
    assert (tmp_path / "report.txt").read_text() == "All checks passed!\n"


def test_output_file_that_cannot_be_written(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL, "blocker": "a file, not a directory"})
    assert_one_line_error(run("--output-file", "blocker/report.txt"), "blocker/report.txt")


def test_statistics(run, tmp_path):
    write(tmp_path, {"a.py": ZERO_KERNEL, "b.py": ZERO_KERNEL, "bad.py": BROKEN})
    items = run("--output-format", "json").json()
    result = run("--statistics")
    assert result.returncode == 1
    assert result.lines() == [
        f"2\tIL101\t{RULES_BY_CODE['IL101'].name}",
        f"1\tIL000\t{RULES_BY_CODE['IL000'].name}",
        summary(items),
    ]
    stats = run("--statistics", "--output-format", "json").json()
    assert [(row["code"], row["name"], row["count"]) for row in stats] == [
        ("IL101", RULES_BY_CODE["IL101"].name, 2),
        ("IL000", RULES_BY_CODE["IL000"].name, 1),
    ]


# ---------------------------------------------------------------------------------------------
# --list-rules, --explain, --version


def test_list_rules(run):
    result = run("--list-rules")
    assert result.returncode == 0
    lines = result.lines()
    assert lines[0].split() == ["CODE", "NAME", "DEFAULT", "SEVERITY", "FIX", "SUMMARY"]
    rules = sorted(ALL_RULES, key=lambda rule: rule.code)
    assert len(lines) == len(rules) + 1
    for line, rule in zip(lines[1:], rules):
        cells = line.split()
        assert cells[:5] == [rule.code, rule.name, "on" if rule.default_enabled else "off", rule.severity,
                             rule.fix_availability]
        from initlint.show import one_line_summary

        short = one_line_summary(rule.summary())
        assert line.endswith(short) and rule.summary().startswith(short.split(" ")[0])
        assert "(" not in short and "`" not in short and len(short) < 160, short
    as_json = run("--list-rules", "--output-format", "json").json()
    assert [(row["code"], row["name"], row["default_enabled"], row["severity"], row["fix_availability"])
            for row in as_json] == [
        (rule.code, rule.name, rule.default_enabled, rule.severity, rule.fix_availability) for rule in rules
    ]


def test_explain(run):
    rule = RULES_BY_CODE["IL101"]
    result = run("--explain", "IL101")
    assert result.returncode == 0
    assert result.lines()[0] == f"# {rule.name} (IL101)"
    assert rule.documentation().strip() in result.stdout
    assert "https://github.com/OWNER/initlint/blob/main/docs/rules/IL101.md" in result.stdout
    assert run("--explain", rule.name).stdout == result.stdout
    assert_one_line_error(run("--explain", "IL999"), "IL999", "IL101")


def test_version(run):
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"initlint {initlint.__version__}\n")
    assert initlint.__version__ == "0.1.0"


def test_python_dash_m(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "initlint", "--version"], cwd=str(tmp_path), env=_environment(None),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
    )
    assert (completed.returncode, completed.stdout) == (0, b"initlint 0.1.0\n")


# ---------------------------------------------------------------------------------------------
# colour


def _run_on_tty(tmp_path, *args, env=None):
    """Run with stdout on a pseudo-terminal; returns (returncode, output)."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    process = subprocess.Popen(initlint_command() + list(args), cwd=str(tmp_path), stdout=slave,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=_environment(env))
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    process.communicate(timeout=60)
    return process.returncode, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_color_options(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    plain = run()
    assert "\x1b[" not in plain.stdout  # auto, stdout is a pipe
    always = run("--color", "always")
    assert "\x1b[" in always.stdout
    assert ANSI.sub("", always.stdout) == plain.stdout
    assert run("--color", "always", env={"NO_COLOR": "1"}).stdout == always.stdout  # explicit wins
    assert run("--color", "never").stdout == plain.stdout
    as_json = run("--color", "always", "--output-format", "json")
    assert "\x1b[" not in as_json.stdout and as_json.json()


def test_color_auto_on_a_terminal_and_no_color(tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    status, output = _run_on_tty(tmp_path)
    assert status == 1 and "\x1b[" in output
    status, output = _run_on_tty(tmp_path, env={"NO_COLOR": "1"})
    assert status == 1 and "\x1b[" not in output and "IL101" in output


# ---------------------------------------------------------------------------------------------
# read problems and internal errors


def test_missing_path_is_reported_and_the_run_goes_on(run, tmp_path):
    write(tmp_path, {"ok.py": CLEAN, "m.py": ZERO_KERNEL})
    result = run("missing.py", "ok.py")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "missing.py:1:1: IL000 [error] could not read the file: no such file or directory")
    assert result.stdout == "No diagnostics, but 1 file could not be read.\n"
    both = run("--output-format", "json", "missing.py", "m.py")
    assert codes_by_file(both) == {"m.py": ["IL101"]}
    ignored = run("--ignore", "IL000", "missing.py", "ok.py")  # IL000 cannot be turned off
    assert ignored.returncode == 1
    assert ignored.stderr.splitlines()[0] == result.stderr.splitlines()[0]
    assert ignored.stderr.splitlines()[1] == "Analyzed 1 file (1 answered from the cache)."


def test_no_python_files(run, tmp_path):
    write(tmp_path, {"notes.txt": "hello"})
    result = run()
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")
    assert result.stderr == "initlint: warning: no Python files found under the given paths\n"


def test_internal_error_in_one_file_is_one_line_and_exit_two(tmp_path, monkeypatch, capsys):
    import initlint.cli
    import initlint.engine

    # a.py must reach the engine: a file without any initialization is skipped by the prefilter.
    write(tmp_path, {"a.py": ZERO_KERNEL, "b.py": ZERO_KERNEL})
    real = initlint.engine.lint_text

    def flaky(text, filename, options):
        if filename == "a.py":
            raise RuntimeError("boom\nsecond line")
        return real(text, filename, options)

    monkeypatch.setattr(initlint.engine, "lint_text", flaky)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INITLINT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        initlint.cli.main(["--color", "never"])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.err == "initlint: internal error: a.py: RuntimeError: boom second line\nAnalyzed 2 files.\n"
    assert captured.out.startswith("b.py:3:")  # the other file was still linted


def test_unexpected_exception_is_one_line_and_exit_two(tmp_path, monkeypatch, capsys):
    import initlint.cli

    def broken(*args, **kwargs):
        raise ValueError("unexpected")

    monkeypatch.setattr(initlint.cli, "resolve_settings", broken)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INITLINT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        initlint.cli.main([])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == "initlint: internal error: ValueError: unexpected\n"


def test_use_color_rules(monkeypatch):
    from initlint.cli import use_color

    class Terminal:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert use_color("auto", stream=Terminal()) is True
    assert use_color("auto", to_file=True, stream=Terminal()) is False
    assert use_color("never", stream=Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", stream=Terminal()) is False
    assert use_color("always") is True
    monkeypatch.setenv("NO_COLOR", "")  # empty: not set (no-color.org)
    assert use_color("auto", stream=Terminal()) is True


def test_import_stays_light():
    code = "import sys, initlint, initlint.report; print('libcst' in sys.modules, 'click' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], cwd=str(REPO), stdout=subprocess.PIPE, timeout=60)
    assert completed.stdout == b"False False\n"


def test_explain_json(run):
    rule = RULES_BY_CODE["IL000"]
    info = run("--explain", "IL000", "--output-format", "json").json()
    assert info == {
        "code": "IL000", "name": rule.name, "summary": rule.summary(), "severity": rule.severity,
        "default_enabled": rule.default_enabled, "fix_availability": rule.fix_availability,
        "url": "https://github.com/OWNER/initlint/blob/main/docs/rules/IL000.md", "explanation": rule.documentation(),
    }


# ---------------------------------------------------------------------------------------------
# renderers, in process (fixes and notebook cells are not produced by the rules yet)


def _diagnostic(**changes):
    from initlint.diagnostics import Diagnostic, Edit, Fix
    from initlint.facts import Span

    values = dict(
        code="IL201", message="Glorot kernel feeding a ReLU", severity="info", filename="pkg/m.py",
        span=Span(4, 5, 4, 12), hint="use He initialization",
        fix=Fix("unsafe", "Use `HeNormal()`", (Edit("HeNormal()", Span(4, 5, 4, 12)),)), noqa_row=4,
    )
    values.update(changes)
    return Diagnostic(**values)


def test_json_renderer_with_a_fix():
    from initlint.report import Report, render

    report = Report([_diagnostic(), _diagnostic(code="IL000", span=_diagnostic().span.__class__(1, 1, 1, 1),
                                                severity="error", fix=None, hint="", noqa_row=1)])
    items = json.loads(render(report, "json"))
    assert [item["code"] for item in items] == ["IL000", "IL201"]  # sorted by row
    assert items[0]["hint"] == "" and items[0]["fix"] is None
    assert items[1] == {
        "cell": None, "code": "IL201", "confidence": "certain", "end_location": {"row": 4, "column": 12}, "filename": "pkg/m.py",
        "fix": {"applicability": "unsafe", "message": "Use `HeNormal()`", "edits": [
            {"content": "HeNormal()", "location": {"row": 4, "column": 5}, "end_location": {"row": 4, "column": 12}},
        ]},
        "hint": "use He initialization", "location": {"row": 4, "column": 5},
        "message": "Glorot kernel feeding a ReLU", "noqa_row": 4, "severity": "info",
        "url": "https://github.com/OWNER/initlint/blob/main/docs/rules/IL201.md",
    }


def test_a_diagnostic_has_a_cell_that_every_reporter_shows():
    """`Diagnostic.cell` exists (None for Python files, as the JSON of a .py file says above) and
    the reporters print it when set: text `path:cell 3:4:5:`, JSON `"cell": 3`, SARIF properties."""
    import dataclasses

    from initlint.diagnostics import Diagnostic
    from initlint.report import Report, render

    assert "cell" in {f.name for f in dataclasses.fields(Diagnostic)}
    assert _diagnostic().cell is None
    in_cell = _diagnostic(cell=3)
    assert render(Report([in_cell]), "concise").splitlines()[0].startswith("pkg/m.py:cell 3:4:5: IL201 ")
    assert render(Report([_diagnostic()]), "concise").splitlines()[0].startswith("pkg/m.py:4:5: IL201 ")
    assert [item["cell"] for item in json.loads(render(Report([in_cell, _diagnostic()]), "json"))] == [None, 3]
    results = json.loads(render(Report([in_cell]), "sarif"))["runs"][0]["results"]
    assert [result.get("properties") for result in results] == [{"confidence": "certain", "cell": 3}]


def test_text_renderers_in_process():
    from initlint.report import FORMATS, Report, get_renderer, render

    from initlint.facts import Span

    diagnostic = _diagnostic(span=Span(4, 7, 4, 15))  # `Glorot()`
    report = Report([diagnostic], sources={"pkg/m.py": b"a\nb\nc\nx = \xe5\xb1\x82(Glorot())\n"})
    assert render(report, "text") == (
        "pkg/m.py:4:7: IL201 [info] Glorot kernel feeding a ReLU\n"
        "  help: use He initialization\n"
        "Found 1 diagnostic (1 info).\n"
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )
    # the double-width character before the span takes two columns on a terminal
    assert render(report, "full") == (
        "pkg/m.py:4:7: IL201 [info] Glorot kernel feeding a ReLU\n"
        "  |\n"
        "4 | x = \u5c42(Glorot())\n"
        "  |        ^^^^^^^^\n"
        "  |\n"
        "  help: use He initialization\n"
        "\n"
        "Found 1 diagnostic (1 info).\n"
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )
    assert set(FORMATS) >= {"text", "concise", "full", "json"}
    assert get_renderer("concise") is not get_renderer("text")
    with pytest.raises(KeyError):
        get_renderer("sarif-not-yet")
