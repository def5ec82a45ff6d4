"""Never crash, never lose code: hostile input, broken configuration, injection, crash containment.

Each guarantee of the README's "Robustness" section has its test here (the fuzz tests are in
test_fuzz.py); the examples the fuzzer found are at the end, as regular regression tests.
"""
from __future__ import annotations

import ast
import json
import os
import re
import warnings
from xml.etree import ElementTree

import pytest

from initlint import runner
from initlint.config import ConfigError, read_toml
from initlint.engine import lint_source
from initlint.edits import parses
from initlint.fixing import fix_text
from initlint.report import FORMATS, Report, json_safe, printable, render
from initlint.rules import RULES_BY_CODE
from initlint.sources import split_lines

from .conftest import BROKEN, CLEAN, REPO, ZERO_KERNEL, assert_one_line_error, codes_by_file, write
from .expectations import expected

ALL = frozenset(RULES_BY_CODE)
FIXTURE_MLP = (REPO / "fixtures" / "torch" / "mlp.py").read_text(encoding="utf-8")
SCHEMA_PATH = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
# What must never reach a terminal raw: C0 controls but tab and newline, DEL, C1, lone surrogates,
# bidirectional overrides.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def rows(result):
    return [(d.span.row, d.code) for d in result.diagnostics]


def only(result):
    (diagnostic,) = result.diagnostics
    return diagnostic


# =============================================================================================
# 1. Bad input: one clear result per file


PY2_AND_BROKEN = [
    'import torch\nprint "hello"\n',
    # (`except ValueError, error:` is not here: since Python 3.14 (PEP 758) it is valid, and libcst,
    # which reads every version's syntax whatever Python runs initlint, analyzes it.)
    "import torch\nx = `1`\n",
    "import torch\nexec 'x = 1'\n",
    "import torch\nif 1 <> 2:\n    pass\n",
    "import torch\nmode = 0777\n",
    "import torch\nraise ValueError, 'no'\n",
    "import torch\nx = ur'text'\n",
    "import torch\ndef f(:\n    pass\n",
    "import torch\nx = (1,\ny = 2\n",
    "import torch\nx = 'unterminated\n",
    'import torch\nx = """never closed\n\n\n',
    "import torch\n  x = 1\n",
    "import torch\nif True:\nx = 1\n",
    "import torch\nif True:\n        x = 1\n    y = 2\n",
    "import torch\nif True:\n\tx = 1\n        y = 2\n",  # TabError
    "import torch\nclass A:\n    def f(self):\n        return [x for x in]\n",
    "import torch\nx = 1 +\n",
    "import torch\nf(**a, *b)\n",
    "import torch\nx = 1\n)\n",
]


@pytest.mark.parametrize("source", PY2_AND_BROKEN, ids=range(len(PY2_AND_BROKEN)))
def test_syntax_errors_are_il000_with_the_parsers_line_and_message(source):
    with pytest.raises(SyntaxError) as raised:
        compile(source, "<test>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    error = raised.value
    diagnostic = only(lint_source(source.encode(), "bad.py"))
    assert diagnostic.code == "IL000" and diagnostic.severity == "error"
    assert diagnostic.message == f"could not analyze the file: syntax error: {error.msg}"
    assert diagnostic.span.row == error.lineno
    assert diagnostic.span.column == max(error.offset or 1, 1)


BINARY = {
    "null byte": (b"import torch\nx = 1\x00\n", "the file contains null bytes (binary content?)", 2),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file contains null bytes (binary content?)", 3),
    "elf": (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), "the file contains null bytes (binary content?)", 1),
    "utf-16": ("import torch\n".encode("utf-16"), "the file contains null bytes (binary content?)", 1),
    "latin-1 without cookie": ("import torch\n# caf\xe9\n".encode("latin-1"), "bytes that are not valid utf-8", 2),
    "cut utf-8 sequence": ("x = 'caf\xe9'".encode("utf-8")[:-2], "bytes that are not valid utf-8", 1),
    "undefined cp1252 byte": (b"# coding: cp1252\nx = '\x81'\n", "bytes that are not valid cp1252", 2),
    "unknown cookie": (b"# -*- coding: klingon -*-\nx = 1\n", "unknown encoding 'klingon' in the coding cookie", 1),
    "CR line ends": (b"import torch\rx = 1\r\x00\r", "the file contains null bytes", 3),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_and_undecodable_content_is_il000(name):
    data, fragment, row = BINARY[name]
    diagnostic = only(lint_source(data, "weird.py"))
    assert diagnostic.code == "IL000"
    assert diagnostic.message.startswith("could not analyze the file: ") and fragment in diagnostic.message
    assert diagnostic.span.row == row
    assert only(runner.analyze(data, "weird.py", ALL)) == diagnostic  # the runner's path says the same


def _zero_kernel_rows(result):
    return [row for row, code in rows(result) if code == "IL101"]


@pytest.mark.parametrize("data, row", [
    (("# -*- coding: latin-1 -*-\n# caf\xe9 \xff\n" + ZERO_KERNEL).encode("latin-1"), 5),
    (("# coding: cp1252\n# \u20ac \u201cquoted\u201d\n" + ZERO_KERNEL).encode("cp1252"), 5),
    (("#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\n# \xe9\n" + ZERO_KERNEL).encode("latin-1"), 6),
    (b"\xef\xbb\xbf" + ZERO_KERNEL.encode(), 3),
    (b"\xef\xbb\xbf# -*- coding: utf-8 -*-\n" + ZERO_KERNEL.encode(), 4),
    (("# caf\u00e9 \u5c42\n" + ZERO_KERNEL).encode("utf-8"), 4),
])
def test_coding_cookies_and_bom_are_decoded_and_analyzed(data, row):
    assert _zero_kernel_rows(lint_source(data, "m.py")) == [row]
    assert _zero_kernel_rows(runner.analyze(data, "m.py", ALL)) == [row]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r", "mixed"])
def test_line_endings_give_the_same_diagnostics(ending):
    if ending == "mixed":
        lines = FIXTURE_MLP.split("\n")
        source = "".join(line + ("\r\n" if index % 2 else "\n") for index, line in enumerate(lines[:-1]))
    else:
        source = FIXTURE_MLP.replace("\n", ending)
    reference = lint_source(FIXTURE_MLP, "mlp.py")
    assert [(d.code, d.span, d.message) for d in lint_source(source.encode(), "mlp.py").diagnostics] == [
        (d.code, d.span, d.message) for d in reference.diagnostics]
    assert rows(reference) == sorted(expected(FIXTURE_MLP))


def test_form_feeds_and_unicode_line_separators_do_not_shift_rows_or_noqa():
    """str.splitlines splits on \\f and U+2028; Python does not: rows and `# noqa` follow Python."""
    source = ZERO_KERNEL + "\x0c\nx = '\u2028 \u2029 \x1c \x85'  # \x0b\n" + (
        "layers.Dense(3, kernel_initializer=initializers.Zeros())  # noqa: IL101\n"
        "layers.Dense(3, kernel_initializer=initializers.Zeros())\n")
    assert rows(lint_source(source, "m.py")) == [(3, "IL101"), (7, "IL101")]
    assert split_lines(source)[6].startswith("layers.Dense")


def test_tabs_are_analyzed_and_shown_aligned():
    source = FIXTURE_MLP.replace("    ", "\t")
    result = lint_source(source, "mlp.py")
    assert rows(result) == sorted(expected(FIXTURE_MLP))
    diagnostic = result.diagnostics[0]
    line = source.splitlines()[diagnostic.span.row - 1]
    assert line[diagnostic.span.column - 1:].startswith("nn.init.normal_")
    full = render(Report([diagnostic], sources={"mlp.py": source.encode()}), "full").splitlines()
    assert full[2] == f"{diagnostic.span.row} | {line}"
    assert full[3] == "   | \t\t" + "^" * (diagnostic.span.end_column - diagnostic.span.column)


@pytest.mark.parametrize("data", [
    b"", b"\n", b"\n\n\n", b"\xef\xbb\xbf", b"# just a comment", b"   \t  \n", b"\x0c", b"\r\n\r\n",
    b'"""A docstring only."""', b"import torch", b"# -*- coding: latin-1 -*-\n", b"x = 1  # noqa",
])
def test_empty_and_trivial_files_give_nothing(data):
    assert lint_source(data, "empty.py").diagnostics == []
    result = runner.analyze(data, "empty.py", ALL)
    assert result.diagnostics == [] and result.internal_errors == []


# ----- very long files -----------------------------------------------------------------------

LONG_LINES = 200_000


@pytest.fixture(scope="module")
def long_file():
    """A 200,000-line model file (generated once): the MLP fixture, renamed, every ~200 lines,
    between comments, docstrings, data and blank lines. Returns (bytes, expected (row, code))."""
    header, _, body = FIXTURE_MLP.partition("\n\n\n")
    body = "\n\n" + body.rstrip("\n") + "\n"
    filler = (
        "\n# " + "-" * 70 + "\n"
        + "".join(f"# note {j}: padding, as generated code and long scripts have\n" for j in range(30))
        + "TABLE = {\n" + "".join(f"    'key{j}': ({j}, {j}.5, 'value {j}'),\n" for j in range(12)) + "}\n"
        + '"""\n' + "".join(f"free text line {j}\n" for j in range(120)) + '"""\n\n'
    )
    parts = [header + "\n"]
    wanted = []
    row = header.count("\n") + 2
    index = 0
    while True:
        block = body.replace("class MLP(", f"class MLP{index}(") + filler
        size = block.count("\n")
        if row - 1 + size > LONG_LINES:
            break
        wanted += [(row + offset - 1, code) for offset, code in sorted(expected(block))]
        parts.append(block)
        row += size
        index += 1
    parts.append("\n" * (LONG_LINES - (row - 1)))
    data = "".join(parts).encode("utf-8")
    assert data.count(b"\n") == LONG_LINES and index > 900
    return data, wanted


@pytest.mark.slow
def test_a_200k_line_file_is_analyzed_completely(long_file):
    data, wanted = long_file
    with runner.analysis_gc():
        result = runner.analyze(data, "long.py", ALL)
    assert result.internal_errors == []
    assert rows(result) == wanted  # every finding, at its row, none invented
    assert len(wanted) > 2700 and wanted[-1][0] > LONG_LINES - 250


# ----- deep nesting ----------------------------------------------------------------------------

DEEP = {
    "parentheses": "(" * 3000 + "1" + ")" * 3000,
    "lists": "[" * 3000 + "]" * 3000,
    "dicts": "{1: " * 3000 + "1" + "}" * 3000,
    "tuples": "(" * 3000 + "1," + ")" * 3000,
    "calls": "f" + "()" * 3000,
    "method chain": "torch.nn.Linear(3, 4)" + ".cuda()" * 3000,
    "attributes": "a" + ".b" * 3000,
    "subscripts": "a" + "[0]" * 3000,
    "powers": "2**" * 3000 + "2",
    "unary": "-" * 3000 + "1",
    "not": "not " * 3000 + "a",
    "lambdas": "lambda: " * 3000 + "1",
    "binary": "1" + " + 1" * 5000,
    "boolean": "a" + " and a" * 5000,
    "ternaries": "a if b else " * 3000 + "c",
    "generators": "(i for i in " * 1000 + "a" + ")" * 1000,
    "walrus": "(y := " * 1000 + "1" + ")" * 1000,
    "starred": "[" + "*[" * 2000 + "1" + "]" * 2000 + "]",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_il000_never_a_recursion_error(name):
    source = "import torch\nimport torch.nn as nn\nx = " + DEEP[name] + "\n"
    diagnostic = only(lint_source(source, "deep.py"))
    assert diagnostic.code == "IL000"
    assert diagnostic.message == "could not analyze the file: too deeply nested to analyze"


@pytest.mark.parametrize("source", [
    "x = a" + " < a" * 5000,  # flat in every parser
    "".join("    " * i + "if a:\n" for i in range(99)) + "    " * 99 + "pass",
    "@d\n" * 3000 + "def f():\n    pass",
])
def test_long_flat_constructs_are_analyzed(source):
    result = lint_source("import torch\n" + source + "\n", "flat.py")
    assert result.diagnostics == [] and result.internal_errors == []


def test_hostile_files_through_the_command_line(run, tmp_path):
    """One run over every kind of bad file: one IL000 each, the good file still analyzed, no traceback
    (a native stack overflow in the parser would kill the process: this runs it for real)."""
    files = {
        "deep_parens.py": ("import torch\nx = " + DEEP["parentheses"] + "\n").encode(),
        "deep_calls.py": ("import torch\nnn.init.zeros_(w)\nx = " + DEEP["method chain"] + "\n").encode(),
        "py2.py": b'import torch\nprint "hello"\n',
        "binary.py": BINARY["elf"][0],
        "latin.py": BINARY["latin-1 without cookie"][0],
        "tabs.py": b"import torch\nif True:\n\tx = 1\n        y = 2\n",
        "empty.py": b"",
        "strings.py": ("import torch.nn as nn\nnn.init.zeros_(w)\nx = " + " ".join(["'a'"] * 20000) + "\n").encode(),
        "crlf.py": ZERO_KERNEL.replace("\n", "\r\n").encode(),
        "good.py": ZERO_KERNEL.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = run("--output-format", "json", "--select", "ALL", "-j", "2")
    assert result.returncode == 1
    assert result.stderr == ""
    found = codes_by_file(result)
    assert found == {
        "binary.py": ["IL000"], "crlf.py": ["IL101"], "deep_calls.py": ["IL000"], "deep_parens.py": ["IL000"],
        "good.py": ["IL101"], "latin.py": ["IL000"], "py2.py": ["IL000"], "strings.py": ["IL000"],
        "tabs.py": ["IL000"],
    }
    messages = {item["filename"]: item["message"] for item in result.json()}
    assert messages["strings.py"].startswith("could not analyze the file: the analysis parser (libcst) cannot")
    assert messages["tabs.py"] == "could not analyze the file: syntax error: inconsistent use of tabs and spaces " \
                                  "in indentation"


# ----- files that are not files ----------------------------------------------------------------


def test_directories_named_py_broken_links_and_loops_never_stop_the_run(run, tmp_path):
    write(tmp_path, {"pkg/m.py": ZERO_KERNEL, "odd.py/inner.py": ZERO_KERNEL, "pkg/sub/ok.py": CLEAN})
    os.symlink("missing.py", str(tmp_path / "pkg" / "dangling.py"))
    os.symlink("loop.py", str(tmp_path / "pkg" / "loop.py"))  # a link to itself
    os.symlink("..", str(tmp_path / "pkg" / "sub" / "up"))  # a directory loop
    os.symlink(str(tmp_path / "pkg"), str(tmp_path / "alias"))  # the same directory twice
    result = run("--output-format", "json")
    assert result.returncode == 1
    assert sorted(codes_by_file(result).items()) in (
        [("alias/m.py", ["IL101"]), ("odd.py/inner.py", ["IL101"])],
        [("odd.py/inner.py", ["IL101"]), ("pkg/m.py", ["IL101"])],
    )  # each file once, whichever way the walk reached it first
    errors = sorted(re.sub(r"^(alias|pkg)/", "", line) for line in result.stderr.splitlines())
    assert errors == [
        "dangling.py:1:1: IL000 [error] could not read the file: broken symbolic link",
        "initlint: warning: odd.py: is a directory, not a Python file: searching it",
        "loop.py:1:1: IL000 [error] could not read the file: broken symbolic link",
    ]
    named = run("odd.py", "pkg/dangling.py", "pkg/loop.py", "pkg/m.py")
    assert named.returncode == 1 and named.stdout.count(": IL101 ") == 2
    assert named.stderr.count("broken symbolic link") == 2


def _main(monkeypatch, tmp_path, capsys, *args):
    """initlint.cli.main in this process: (status, stdout, stderr)."""
    import initlint.cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INITLINT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        initlint.cli.main(list(args))
    captured = capsys.readouterr()
    return exit_.value.code, captured.out, captured.err


def test_unreadable_files_and_directories_are_reported_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    """As root every file is readable, so the operating system's refusal is simulated."""
    import initlint.discovery

    write(tmp_path, {"secret.py": ZERO_KERNEL, "m.py": ZERO_KERNEL, "locked/inner.py": ZERO_KERNEL})
    real_read, real_scandir = runner.read_source, os.scandir

    def read(path):
        if path.endswith("secret.py"):
            raise PermissionError(13, "Permission denied", path)
        return real_read(path)

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(runner, "read_source", read)
    monkeypatch.setattr(initlint.discovery.os, "scandir", scandir)
    for cache in ((), ("--no-cache",)):
        status, out, err = _main(monkeypatch, tmp_path, capsys, "-j", "1", "--color", "never", *cache)
        assert status == 1
        assert err.splitlines()[:2] == [
            "locked:1:1: IL000 [error] could not read the directory: permission denied",
            "secret.py:1:1: IL000 [error] could not read the file: permission denied",
        ]
        assert err.splitlines()[2].startswith("Analyzed 1 file")
        assert out.startswith("m.py:3:36: IL101 ")
        assert "Found 1 diagnostic (1 warning). 2 files could not be read." in out


def _without_analyzed(stderr: str) -> str:
    """stderr without the text formats' closing "Analyzed N files" line."""
    return "".join(line for line in stderr.splitlines(True) if not line.startswith("Analyzed "))


@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_file_errors_never_break_the_output_format(main, tmp_path, output_format):
    """Unreadable paths go to stderr; stdout stays one valid document of the format."""
    (tmp_path / ".git").mkdir()
    write(tmp_path, {"m.py": ZERO_KERNEL, "bad.py": BROKEN, "odd.py/x.py": CLEAN})
    (tmp_path / "binary.py").write_bytes(BINARY["elf"][0])
    os.symlink("missing.py", str(tmp_path / "dangling.py"))
    result = main("--output-format", output_format, ".", "missing.py")
    assert result.returncode == 1
    assert sorted(_without_analyzed(result.stderr).splitlines()) == [
        "dangling.py:1:1: IL000 [error] could not read the file: broken symbolic link",
        "initlint: warning: odd.py: is a directory, not a Python file: searching it",
        "missing.py:1:1: IL000 [error] could not read the file: no such file or directory",
    ]
    _assert_well_formed(output_format, result.stdout, expected_count=3)


def _assert_well_formed(output_format, stdout, expected_count):
    if output_format in ("json", "gitlab"):
        assert len(json.loads(stdout)) == expected_count
    elif output_format == "json-lines":
        assert len([json.loads(line) for line in stdout.splitlines()]) == expected_count
    elif output_format == "sarif":
        log = json.loads(stdout)
        _validate_sarif(log)
        assert len(log["runs"][0]["results"]) == expected_count
    elif output_format == "junit":
        assert int(ElementTree.fromstring(stdout.encode("utf-8")).get("failures")) == expected_count
    elif output_format == "github":
        lines = stdout.splitlines()
        assert len(lines) == expected_count
        assert all(re.fullmatch(r"::(error|warning|notice) [^:\n]*::[^\n]*", line) for line in lines), stdout
    elif output_format == "concise":  # one line per diagnostic, no severity
        assert len(re.findall(r"^\S.*:\d+:\d+: IL\d{3} (?!\[)", stdout, re.M)) == expected_count
    else:
        assert len(re.findall(r"^\S.*:\d+:\d+: IL\d{3} \[", stdout, re.M)) == expected_count
    assert not RAW_CONTROL.search(stdout)


def _validate_sarif(log):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = list(validator.iter_errors(log))
    assert not errors, errors[0].message


# =============================================================================================
# 2. Bad configuration: exit 2 and one clear line


@pytest.mark.parametrize("name, text, fragments", [
    (".initlint.toml", "select = " + "[" * 5000 + "]" * 5000 + "\n",
     ["invalid TOML: arrays or tables nested too deeply"]),
    (".initlint.toml", "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n", ["invalid TOML"]),
    (".initlint.toml", 'select = ["IL1"] # caf\xe9\n', ["invalid TOML: not valid UTF-8"]),
    (".initlint.toml", "select = 1\nselect = 2\n", ["invalid TOML"]),
    (".initlint.toml", "\x00\x01\x02", ["invalid TOML"]),
    (".initlint.toml", 'select = ["IL1", 5]\n', ["`select` must be an array of strings, but it contains an integer"]),
    (".initlint.toml", "ignore = {a = 1}\n", ["`ignore` must be an array of strings, not a table"]),
    (".initlint.toml", "extend-select = 1.5\n", ["`extend-select` must be an array of strings, not a float"]),
    (".initlint.toml", "extend-exclude = 1979-05-27\n", ["`extend-exclude` must be an array of strings, not a date"]),
    (".initlint.toml", 'force-exclude = "yes"\n', ["`force-exclude` must be true or false, not a string"]),
    (".initlint.toml", 'per-file-ignores = {"x.py" = [1]}\n', ["for 'x.py' must be an array of strings"]),
    (".initlint.toml", 'per-file-ignores = {"" = ["IL1"]}\n', ["invalid glob '' in `per-file-ignores`: empty pattern"]),
    (".initlint.toml", 'per-file-ignores = {"a/***/b" = ["IL1"]}\n', ["invalid glob 'a/***/b'"]),
    (".initlint.toml", 'exclude = ["{a,{b}}"]\n', ["invalid glob '{a,{b}}' in `exclude`"]),
    (".initlint.toml", 'exclude = ["x\\\\"]\n', ["invalid glob", "dangling escape"]),
    (".initlint.toml", 'Select = ["IL1"]\n', ["unknown key `Select`"]),
    (".initlint.toml", "[tool.initlint]\nselect = []\n", ["unknown key `tool`"]),
    (".initlint.toml", 'select = ["IL1O1"]\n', ["unknown rule code or prefix 'IL1O1' in `select`"]),
    ("pyproject.toml", "tool = 3\n", ["`tool` must be a table, not an integer"]),
    ("pyproject.toml", '[tool.initlint]\nignore = ["E501"]\n', ["'E501'", "`ignore`"]),
    ("pyproject.toml", "[tool.initlint]\nselect = [\n", ["invalid TOML"]),
    ("pyproject.toml", "[project]\nname = 'x'\n[project]\n", ["invalid TOML"]),  # broken even without the table
])
def test_bad_configuration_is_one_line_and_exit_two(main, tmp_path, name, text, fragments):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    (tmp_path / name).write_bytes(text.encode("latin-1") if "\xe9" in text else text.encode())
    result = main()
    assert_one_line_error(result, name, *fragments)
    assert result.stdout == ""


def test_configuration_messages_cannot_write_control_sequences(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL, ".initlint.toml": '"evil\\u001b[2J\\u009b" = 1\n'})
    result = run()
    assert_one_line_error(result, "unknown key `evil\\x1b[2J\\x9b`")
    assert not RAW_CONTROL.search(result.stderr)


def test_configuration_that_is_a_directory_or_missing(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL, "conf.toml/x": ""})
    assert_one_line_error(run("--config", "conf.toml"), "conf.toml: is a directory, not a configuration file")
    assert_one_line_error(run("--config", "nope.toml"), "nope.toml: configuration file not found")
    (tmp_path / "conf.toml" / "x").unlink()
    (tmp_path / "conf.toml").rmdir()
    (tmp_path / ".initlint.toml").mkdir()  # found by the search: not a file, so not a configuration
    assert run("--output-format", "json").returncode == 1


@pytest.mark.parametrize("text", [
    "",
    "[project]\nname = 'x'\n",
    "[build-system]\nrequires = ['setuptools']\n\n[tool.black]\nline-length = 100\n[tool.ruff.lint]\nselect = ['E']\n",
    "[tool]\n",
])
def test_pyproject_without_an_initlint_table_is_not_an_error(main, tmp_path, text):
    write(tmp_path, {"m.py": ZERO_KERNEL, "bad.py": BROKEN, "pyproject.toml": text})
    result = main("--output-format", "json")
    assert (result.returncode, result.stderr) == (1, "")
    assert codes_by_file(result) == {"bad.py": ["IL000"], "m.py": ["IL101"]}
    explicit = main("--output-format", "json", "--config", "pyproject.toml")
    assert (explicit.returncode, explicit.stdout) == (1, result.stdout)


def test_read_toml_never_raises_anything_but_config_errors(tmp_path):
    path = tmp_path / "x.toml"
    for data in (b"[" * 100000, b"a = " + b"[" * 100000, b"\xff\xfe", b"a = '''", b"x = 1e999999"):
        path.write_bytes(data)
        try:
            read_toml(str(path))
        except ConfigError as error:
            assert "\n" not in str(error)


# =============================================================================================
# 3. Injection and terminals

HOSTILE_NAMES = [
    "new\nline.py",
    "cr\rreturn.py",
    "::error file=evil.py,line=1::owned.py",
    "%0A%25,comma.py",
    "esc\x1b[31mred\x1b[0m.py",
    "csi\u009b31m.py",
    "bidi\u202eyp.txt.py",
    "bell\x07tab\t.py",
    "bad\udcffbyte.py",  # not valid UTF-8 on disk
]
STDOUT_ENCODINGS = ["utf-8", "utf-8:surrogateescape"]


@pytest.fixture
def hostile_tree(tmp_path):
    (tmp_path / ".git").mkdir()
    for name in HOSTILE_NAMES:
        (tmp_path / name).write_bytes(ZERO_KERNEL.encode())
    os.symlink("missing.py", str(tmp_path / "gone\x1b]0;title\x07.py"))  # a read error on stderr
    return tmp_path


def _lossy(name):
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@pytest.mark.parametrize("output_format", sorted(FORMATS))
@pytest.mark.parametrize("encoding", STDOUT_ENCODINGS)
def test_hostile_file_names_cannot_inject_or_break_any_format(run, hostile_tree, output_format, encoding):
    result = run("--output-format", output_format, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 1, result.stderr
    _assert_well_formed(output_format, result.stdout, expected_count=len(HOSTILE_NAMES))
    assert not RAW_CONTROL.search(result.stderr)
    assert _without_analyzed(result.stderr) == ("gone\\x1b]0;title\\x07.py:1:1: IL000 [error] could not read the file: "
                                                "broken symbolic link\n")
    if output_format in ("json", "json-lines"):
        items = [json.loads(line) for line in result.stdout.splitlines()] if output_format == "json-lines" \
            else json.loads(result.stdout)
        assert sorted(item["filename"] for item in items) == sorted(_lossy(name) for name in HOSTILE_NAMES)
    if output_format == "github":
        from .test_report_formats import parse_github

        files = sorted(command["file"] for command in parse_github(result.stdout))
        assert files == sorted(printable(_lossy(name).replace("\ufffd", "\udcff"), keep="\r\n\t")
                               for name in HOSTILE_NAMES)
    if output_format == "sarif":
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(result.stdout)["runs"][0]["results"]}
        assert "bad%FFbyte.py" in uris and "new%0Aline.py" in uris and "esc%1B%5B31mred%1B%5B0m.py" in uris
    if output_format in ("text", "concise", "full"):
        assert "esc\\x1b[31mred\\x1b[0m.py:3:36: IL101 " in result.stdout
        assert "new\\nline.py:3:36: IL101 " in result.stdout
        assert "bad\\xffbyte.py:3:36: IL101 " in result.stdout


def test_colors_are_the_only_escape_sequences_in_the_text_output(run, hostile_tree):
    for output_format in ("text", "full"):
        colored = run("--output-format", output_format, "--color", "always").stdout
        plain = run("--output-format", output_format, "--color", "never").stdout
        assert "\x1b[" in colored and "\x1b" not in plain
        assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain


SEQUENTIAL_WITH_ESCAPES = '''import torch
import torch.nn as nn
from collections import OrderedDict


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(OrderedDict([("fc\\x1b[2J\\u009b\\u202e", nn.Linear(784, 256)), ("act", nn.ReLU())]))
        nn.init.normal_(self.body[0].weight)  # "\x1b]0;raw escape in the source\x07"
'''


@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_messages_and_source_lines_with_escapes_are_neutralized(main, tmp_path, output_format):
    """A message quoting a string literal, and a source line holding raw control characters."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "m.py").write_text(SEQUENTIAL_WITH_ESCAPES, encoding="utf-8")
    (diagnostic,) = lint_source(SEQUENTIAL_WITH_ESCAPES, "m.py").diagnostics
    assert "\x1b[2J" in diagnostic.message  # the analysis keeps the name as written...
    result = main("--output-format", output_format)
    assert result.returncode == 1
    _assert_well_formed(output_format, result.stdout, expected_count=1)  # ...no format writes it raw
    if output_format in ("json", "json-lines", "gitlab", "sarif"):
        text = result.stdout
        assert "\\u001b[2J\\u009b\\u202e" in text  # escaped, and decoding gives the name back
    if output_format == "json":
        assert json.loads(result.stdout)[0]["message"] == diagnostic.message
    if output_format == "full":
        assert '  # "\\x1b]0;raw escape in the source\\x07"' in result.stdout


def test_printable_and_json_safe_units():
    assert printable("a\x1b[31mb\nc\td\udcff\u202e\x9b\x7f") == "a\\x1b[31mb\\nc\\td\\xff\\u202e\\x9b\\x7f"
    assert printable("tab\tand\r\n", keep="\t\r\n") == "tab\tand\r\n"
    assert printable("plain caf\u00e9 \u5c42") == "plain caf\u00e9 \u5c42"
    document = json.dumps(["a\x9b\u202e\x1b", "\udcff"], ensure_ascii=False)
    safe = json_safe(document)
    assert not RAW_CONTROL.search(safe)
    safe.encode("utf-8")
    assert json.loads(safe) == ["a\x9b\u202e\x1b", "\ufffd"]


def test_an_unencodable_file_name_can_be_written_to_an_output_file(run, hostile_tree):
    result = run("--output-format", "json", "--output-file", "report.json")
    assert (result.returncode, result.stdout) == (1, "")
    items = json.loads((hostile_tree / "report.json").read_text(encoding="utf-8"))
    assert "bad\ufffdbyte.py" in [item["filename"] for item in items]


# ----- the linted code and the configuration are never executed ----------------------------------

PAYLOAD = "import pathlib; pathlib.Path({marker!r}).write_text('executed'); import os; os._exit(97)\n"


def test_linted_code_and_configuration_are_never_imported_or_executed(run, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()

    def payload(name):
        return PAYLOAD.format(marker=str(markers / name))

    project = tmp_path / "project"
    write(project, {
        # modules the analysis reads about: if it imported them, these would run
        "torch.py": payload("torch"), "tensorflow.py": payload("tensorflow"), "keras.py": payload("keras"),
        "libcst.py": payload("libcst"), "click.py": payload("click"), "tomllib.py": payload("tomllib"),
        "conftest.py": payload("conftest"), "setup.py": payload("setup"), "sitecustomize.py": payload("site"),
        "pkg/__init__.py": payload("init"), "pkg/__main__.py": payload("main"),
        "model.py": payload("model") + ZERO_KERNEL + "if __name__ == '__main__':\n    " + payload("dunder_main"),
        "build_backend.py": payload("backend"),
        "pyproject.toml": (
            "[build-system]\nrequires = []\nbuild-backend = 'build_backend'\nbackend-path = ['.']\n\n"
            "[tool.initlint]\nselect = ['ALL']\n"
        ),
    })
    for args in ((), ("-j", "2", "--no-cache"), ("--output-format", "sarif"), ("-", "--stdin-filename", "x.py")):
        result = run(*args, cwd=project, stdin=payload("stdin") + ZERO_KERNEL)
        assert result.returncode == 1, result.stderr
        assert "IL101" in result.stdout
    # a configuration file holding Python code is invalid TOML, never a script
    (project / "initlint.toml").write_text(payload("config"))
    assert_one_line_error(run(cwd=project), "initlint.toml: invalid TOML")
    assert sorted(os.listdir(str(markers))) == []


# =============================================================================================
# 5. Crash containment: a rule that raises is IL000, the run goes on, and the exit status is 2


def _explode(self, site):
    raise KeyError("boom")
    yield  # pragma: no cover


ZERO_AND_NONZERO_MEAN = ZERO_KERNEL + "layers.Dense(3, kernel_initializer=initializers.RandomUniform(0.0, 1.0))\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_crashing_rule_is_reported_and_exits_two(tmp_path, monkeypatch, capsys, jobs):
    from initlint.rules.il101_zero_kernel import ZeroKernel

    monkeypatch.setattr(ZeroKernel, "check", _explode)
    monkeypatch.setattr(runner, "PARALLEL_MIN_BYTES", 0)  # real workers (forked: they see the patch)
    write(tmp_path, {"a.py": ZERO_AND_NONZERO_MEAN, "b.py": ZERO_AND_NONZERO_MEAN, "bad.py": BROKEN})
    for _ in range(2):  # the second run is not answered from the cache: crashes are never cached
        status, out, err = _main(monkeypatch, tmp_path, capsys, "--output-format", "json", "-j", jobs)
        assert status == 2
        assert err.splitlines() == [
            "initlint: internal error: a.py: IL101: KeyError: 'boom'",
            "initlint: internal error: b.py: IL101: KeyError: 'boom'",
        ]
        items = [(item["filename"], item["code"], item["message"]) for item in json.loads(out)]
        internal = "could not analyze the file: internal error in rule IL101 (KeyError)"
        assert [(f, c) for f, c, _ in items] == [
            ("a.py", "IL000"), ("a.py", "IL303"), ("b.py", "IL000"), ("b.py", "IL303"), ("bad.py", "IL000")]
        assert [m for f, c, m in items if c == "IL000" and f != "bad.py"] == [internal, internal]
    status, out, err = _main(monkeypatch, tmp_path, capsys, "--select", "IL1,IL3", "--output-format", "json")
    assert status == 2 and err.count("internal error") == 2  # IL000 is always on (cannot be deselected)
    assert [item["code"] for item in json.loads(out)] == ["IL000", "IL303", "IL000", "IL303", "IL000"]


def test_a_crashing_frontend_is_contained(tmp_path, monkeypatch, capsys):
    import initlint.engine

    def broken(module, text, options=None, whole_program=False):
        raise AttributeError("frontend bug")

    monkeypatch.setattr(initlint.engine, "run_frontends", broken)
    write(tmp_path, {"a.py": ZERO_KERNEL, "bad.py": BROKEN})
    status, out, err = _main(monkeypatch, tmp_path, capsys, "-j", "1", "--color", "never")
    assert status == 2
    assert err == "initlint: internal error: a.py: frontend: AttributeError: frontend bug\nAnalyzed 2 files.\n"
    assert "a.py:1:1: IL000 [error] could not analyze the file: internal error in the analysis (AttributeError)" in out
    assert "bad.py:1:" in out


# =============================================================================================
# Regressions: examples the fuzzer found (each was a crash or a wrong result before its fix)


def _no_crash(source):
    result = lint_source(source, "found.py", ALL)
    assert result.internal_errors == []
    if parses(source):
        fixed, _ = fix_text(source, "found.py", ALL, unsafe=True)
        assert parses(fixed) and fix_text(fixed, "found.py", ALL, unsafe=True) == (fixed, 0)
    return result


TORCH_HEAD = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\n"


def test_regression_a_string_where_a_number_belongs():
    """std='he_normal' reached the variance arithmetic as a str (TypeError in abs()), and a='x'
    the kaiming gain (TypeError in **)."""
    _no_crash(TORCH_HEAD + (
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(784, 256)\n        nn.init.normal_(self.fc.weight, mean=0.0, std='he_normal')\n"
        "        nn.init.kaiming_normal_(self.fc.weight, mode=3, nonlinearity=0.5)\n"
        "        nn.init.kaiming_uniform_(self.fc.weight, a='x')\n"
        "        nn.init.kaiming_uniform_(self.fc.weight, 'x', nonlinearity='leaky_relu')\n"))


@pytest.mark.parametrize("value", ["1e308", "1e309", "-1e308", "10**300", "float('inf')"])
def test_regression_absurd_magnitudes(value):
    """A leaky slope of 1e308 made 2 / (1 + slope**2) overflow or reach 0 (OverflowError,
    ZeroDivisionError in IL301 and in the fix renderer); 1e309 is an infinite literal."""
    result = _no_crash(TORCH_HEAD + (
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(784, 256)\n        self.fc2 = nn.Linear(256, 10)\n"
        "        nn.init.kaiming_uniform_(self.fc.weight)\n"
        f"        self.fc2.weight.data.uniform_({value})\n"
        f"        nn.init.normal_(self.fc2.bias, std={value})\n\n"
        "    def forward(self, x):\n"
        f"        return F.leaky_relu(self.fc2(F.leaky_relu(self.fc(x), {value})), {value})\n"))
    assert all(d.code != "IL000" for d in result.diagnostics)


def test_regression_null_bytes_in_text_are_il000_as_in_bytes():
    """lint_source(str) with a NUL gave a different answer (or none) than lint_source(bytes)."""
    text = "import torch\n\nx = 1\x00\n"
    assert lint_source(text, "n.py").diagnostics == lint_source(text.encode(), "n.py").diagnostics
    assert rows(lint_source(text, "n.py")) == [(3, "IL000")]


def test_regression_valid_python_that_libcst_cannot_read_is_not_a_syntax_error():
    """20,000 implicitly joined strings: CPython accepts them, libcst does not. It was reported as a
    'syntax error' on a line past the end of the file."""
    source = "import torch\nx = " + " ".join(["'a'"] * 20000) + "\n"
    compile(source, "<test>", "exec")
    diagnostic = only(lint_source(source, "s.py"))
    assert diagnostic.message.startswith("could not analyze the file: the analysis parser (libcst) cannot read it")
    assert 1 <= diagnostic.span.row <= 2


def test_regression_syntax_warnings_are_neither_printed_nor_errors(run, tmp_path):
    """The engine's CPython pre-parse printed the linted file's SyntaxWarnings on stderr, and under
    `-W error` turned them into syntax errors."""
    source = FIXTURE_MLP + "x = '\\d'\ny = 1if True else 2\n"
    result = run("--output-format", "json", "-", "--stdin-filename", "w.py", stdin=source)
    assert result.stderr == ""
    assert [item["code"] for item in result.json()] == ["IL301", "IL101", "IL201"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [c for _, c in rows(lint_source(source, "w.py"))] == ["IL301", "IL101", "IL201"]


def test_regression_write_back_diff_splits_only_python_lines():
    from initlint.writeback import unified_diff

    diff = unified_diff("m.py", "a\x0cb\nc\n", "a\x0cb\nd\n")
    assert diff.split("\n")[2:] == ["@@ -1,2 +1,2 @@", " a\x0cb", "-c", "+d", ""]


def test_the_package_has_no_way_to_execute_code():
    """Backs the marker test above: no exec/eval/__import__ anywhere, compile() only to parse
    (ast.PyCF_ONLY_AST in syntax.py, a syntax check in the runner whose result is discarded), and
    dynamic imports only of the package's own modules (the report modules, and the framework modules
    the registry names)."""
    compiles = []
    for path in sorted((REPO / "initlint").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            builtin = isinstance(node.func, ast.Name)
            name = node.func.id if builtin else getattr(node.func, "attr", "")
            assert not (builtin and name in ("exec", "eval", "__import__")), f"{path.name}:{node.lineno}"
            assert name not in ("run_path", "exec_module", "spec_from_file_location", "load_module"), \
                f"{path.name}:{node.lineno}"
            if name == "import_module":
                where = path.relative_to(REPO).as_posix()
                assert where in ("initlint/report/__init__.py", "initlint/frameworks.py")
                if where == "initlint/frameworks.py":  # f"initlint.frontends.{name}": never outside the package
                    head = node.args[0].values[0]
                    assert isinstance(head, ast.Constant) and head.value.startswith("initlint."), node.lineno
            if isinstance(node.func, ast.Name) and name == "compile":
                compiles.append(path.name)
    assert sorted(compiles) == ["runner.py", "syntax.py"]
