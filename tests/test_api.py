"""The document layer, AnalysisOptions and the api (`lint_paths`, `lint_document`, `fix_document`)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from initlint import api, documents
from initlint.cache import Cache
from initlint.config import ConfigError, Overrides, load_config, resolve_settings
from initlint.diagnostics import Diagnostic, Edit, Fix
from initlint.documents import SourceMap
from initlint.engine import lint_source, lint_text
from initlint.facts import Span
from initlint.options import AnalysisOptions
from initlint.report.json import diagnostic_to_dict
from initlint.rules import default_codes
from initlint import runner

from .conftest import BROKEN, ZERO_KERNEL, assert_one_line_error, write

REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted((REPO / "fixtures").rglob("*.py"))
GLOROT = (
    "from tensorflow.keras import layers\n"
    "layer = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')\n"
)
GLOROT_FIXED = GLOROT.replace("'glorot_uniform'", "'he_uniform'")


def _dicts(diagnostics):
    return [diagnostic_to_dict(d) for d in diagnostics]


# --------------------------------------------------------------------------------------------
# AnalysisOptions


def test_options_default_token_and_validation():
    options = AnalysisOptions.default()
    assert options.enabled == frozenset(default_codes()) and options.tf_version is None
    assert AnalysisOptions({"IL101", "IL000"}).enabled == frozenset({"IL000", "IL101"})  # any iterable
    chains = "chain_thresholds=(0.01, 0.0001, 1e-08)"
    assert AnalysisOptions(frozenset({"IL101", "IL000"})).cache_token() == (
        f"enabled=IL000,IL101;tf_version=None;max_file_size=None;severity=;{chains}")
    assert AnalysisOptions(frozenset({"IL101"}), 2).cache_token() == (
        f"enabled=IL101;tf_version=2;max_file_size=None;severity=;{chains}")
    assert AnalysisOptions(frozenset({"IL101"}), severity={"IL101": "info"}).cache_token() == (
        f"enabled=IL101;tf_version=None;max_file_size=None;severity=IL101:info;{chains}")
    tokens = {AnalysisOptions(frozenset({"IL101"}), version).cache_token() for version in (None, 1, 2)}
    assert len(tokens) == 3
    with pytest.raises(ValueError):
        AnalysisOptions(frozenset(), 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.tf_version = 1  # type: ignore[misc]
    narrowed = AnalysisOptions(frozenset({"IL101", "IL201"}), 1).with_enabled({"IL101"})
    assert narrowed == AnalysisOptions(frozenset({"IL101"}), 1)
    assert AnalysisOptions.of(None) == options and AnalysisOptions.of({"IL101"}).enabled == {"IL101"}


def test_every_field_is_in_the_cache_token():
    token = AnalysisOptions(frozenset({"IL101"}), 1).cache_token()
    for field in dataclasses.fields(AnalysisOptions):
        assert f"{field.name}=" in token


def test_the_engine_takes_options_and_enabled():
    text = ZERO_KERNEL
    by_options = lint_text(text, "m.py", AnalysisOptions(frozenset({"IL101"})))
    assert [d.code for d in by_options.diagnostics] == ["IL101"]
    assert lint_source(text, "m.py", frozenset({"IL201"})).diagnostics == []  # enabled, without options
    assert _dicts(lint_source(text.encode(), "m.py", options=AnalysisOptions(frozenset({"IL101"}))).diagnostics) \
        == _dicts(by_options.diagnostics)
    assert _dicts(lint_source(text, "m.py").diagnostics) == _dicts(lint_text(text, "m.py", AnalysisOptions.default())
                                                                  .diagnostics)


def test_the_frontends_receive_the_options(monkeypatch):
    import initlint.engine

    seen = []
    real = initlint.engine.run_frontends

    def spy(module, text, options=None, **document):  # document: whole_program for a notebook
        seen.append(options)
        return real(module, text, options, **document)

    monkeypatch.setattr(initlint.engine, "run_frontends", spy)
    options = AnalysisOptions(frozenset({"IL101"}), 2)
    lint_text(ZERO_KERNEL, "m.py", options)
    assert seen == [options]


# --------------------------------------------------------------------------------------------
# tf-version in the configuration


def test_tf_version_is_read_into_the_settings_and_options(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.initlint]\ntf-version = 1\nper-file-ignores = {'t/*' = ['IL101']}\n"})
    settings = resolve_settings(Overrides(), str(tmp_path))
    assert settings.tf_version == 1
    assert settings.options_for(str(tmp_path / "m.py")) == AnalysisOptions(settings.enabled, 1)
    assert settings.options_for(str(tmp_path / "t" / "m.py")) == AnalysisOptions(settings.enabled - {"IL101"}, 1)
    write(tmp_path, {"pyproject.toml": "[tool.initlint]\nselect = ['IL1']\n"})
    assert resolve_settings(Overrides(), str(tmp_path)).options.tf_version is None


@pytest.mark.parametrize("value, fragment", [
    ("3", "`tf-version` must be 1 or 2, not 3"),
    ("0", "`tf-version` must be 1 or 2, not 0"),
    ('"2"', "`tf-version` must be the integer 1 or 2, not a string"),
    ("2.0", "`tf-version` must be the integer 1 or 2, not a float"),
    ("true", "`tf-version` must be the integer 1 or 2, not a boolean"),
    ("[1]", "`tf-version` must be the integer 1 or 2, not an array"),
])
def test_a_bad_tf_version_is_one_line_naming_the_file(main, tmp_path, value, fragment):
    write(tmp_path, {"pyproject.toml": f"[tool.initlint]\ntf-version = {value}\n", "m.py": ZERO_KERNEL})
    assert_one_line_error(main(), "pyproject.toml: ", fragment)
    with pytest.raises(ConfigError, match="tf-version"):
        load_config(str(tmp_path / "pyproject.toml"))


def test_tf_version_in_a_top_level_config_file(run, tmp_path):
    write(tmp_path, {".initlint.toml": "tf-version = 2\n", "m.py": ZERO_KERNEL})
    assert [item["code"] for item in run("--output-format", "json").json()] == ["IL101"]
    write(tmp_path, {".initlint.toml": "tf-version = 5\n"})
    assert_one_line_error(run(), ".initlint.toml: ", "`tf-version` must be 1 or 2, not 5")


TF_INIT = """import tensorflow as tf
from tensorflow.keras import layers
layer = layers.Dense(64, activation="relu", kernel_initializer=tf.random_normal_initializer())
"""


def test_the_configured_tf_version_reaches_the_frontends_through_the_cli_and_the_cache(run, tmp_path):
    """stddev 1 under TF1, 0.05 under TF2: the same file, three answers, none served from the
    cache entry of another setting."""
    write(tmp_path, {"m.py": TF_INIT})

    def messages(config):
        write(tmp_path, {"pyproject.toml": f"[tool.initlint]\n{config}\n"})
        return [(item["code"], item["message"]) for item in run("--output-format", "json").json()]

    unknown = messages("select = ['ALL']")
    assert [code for code, _ in unknown] == ["IL301"] and "under TF1" in unknown[0][1]
    tf1 = messages("tf-version = 1")
    assert [code for code, _ in tf1] == ["IL301"] and "under TF1" not in tf1[0][1]
    assert messages("tf-version = 2") == []
    assert messages("tf-version = 1") == tf1 and messages("select = ['ALL']") == unknown  # cached, each its own


# --------------------------------------------------------------------------------------------
# The options are part of the cache key


def test_another_tf_version_is_a_cache_miss(tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    path = str(tmp_path / "m.py")
    store = str(tmp_path / "cache")
    codes = frozenset(default_codes())

    def lint(tf_version):
        cache = Cache(store)
        outcomes = runner.lint_files([path], options_for=lambda p: AnalysisOptions(codes, tf_version),
                                     cwd=str(tmp_path), cache=cache)
        return outcomes[0], cache

    first, cache = lint(1)
    assert not first.cached and cache.misses == 1 and [d.code for d in first.diagnostics] == ["IL101"]
    again, cache = lint(1)
    assert again.cached and cache.hits == 1
    other, cache = lint(2)
    assert not other.cached and cache.hits == 0 and cache.misses == 1
    unset, cache = lint(None)
    assert not unset.cached and cache.hits == 0
    assert [d.code for d in other.diagnostics] == [d.code for d in unset.diagnostics] == ["IL101"]


def test_another_tf_version_in_the_configuration_is_a_cache_miss(run, tmp_path):
    store = tmp_path / "store"

    def entries():
        return sorted(p.name for p in store.rglob("*") if p.is_file() and p.parent.parent.name == "v2")

    write(tmp_path, {"pyproject.toml": "[tool.initlint]\ntf-version = 1\n", "m.py": ZERO_KERNEL})
    env = {"INITLINT_CACHE_DIR": str(store)}
    assert run(env=env).returncode == 1
    one = entries()
    assert len(one) == 1
    assert run(env=env).returncode == 1 and entries() == one  # a hit: nothing new
    write(tmp_path, {"pyproject.toml": "[tool.initlint]\ntf-version = 2\n"})
    assert run(env=env).returncode == 1
    assert len(entries()) == 2 and set(one) < set(entries())


# --------------------------------------------------------------------------------------------
# Documents


def test_the_registry_gives_python_documents_by_suffix():
    assert documents.document_type("m.py") is documents.PythonDocument
    assert documents.document_type("stubs/m.pyi") is documents.PythonDocument
    assert documents.document_type("-") is documents.DEFAULT_TYPE is documents.PythonDocument
    assert ".py" in documents.SUFFIXES and ".pyi" in documents.SUFFIXES
    document = documents.from_bytes(b"x = 1\n", "m.py")
    assert (document.kind, document.text, document.error, document.filename) == ("python", "x = 1\n", None, "m.py")
    assert document.source_map.identity and document.source_map.locate(7) == (None, 7)


def test_unreadable_bytes_are_a_document_with_an_error():
    document = documents.from_bytes(b"x = 1\n\x00\n", "m.py")
    assert document.text is None and document.error is not None and document.error.row == 2
    assert document.to_bytes() == b"x = 1\n\x00\n"
    result = api.lint_document(document, AnalysisOptions.default())
    assert [(d.code, d.span.row) for d in result.diagnostics] == [("IL000", 2)]
    assert api.lint_document(document, AnalysisOptions(frozenset({"IL101"}))).diagnostics == []
    assert documents.from_text("a\x00", "m.py").error is not None


def test_the_source_map_places_diagnostics_in_cells():
    """What a notebook document will give: rows of the joined text -> (cell, row in the cell)."""
    source_map = SourceMap([(1, 1), (4, 3), (10, 4)])
    assert not source_map.identity
    assert [source_map.locate(row) for row in (1, 3, 4, 9, 10, 12)] == [
        (1, 1), (1, 3), (3, 1), (3, 6), (4, 1), (4, 3)]
    span = Span(11, 5, 12, 9)
    diagnostic = Diagnostic("IL201", "m", "info", "nb.ipynb", span, "h",
                            Fix("unsafe", "Use", (Edit("x", span),)), noqa_row=11)
    placed = source_map.map_diagnostic(diagnostic)
    assert (placed.cell, placed.span, placed.noqa_row) == (4, Span(2, 5, 3, 9), 2)
    assert placed.fix.edits[0].span == Span(2, 5, 3, 9)
    item = diagnostic_to_dict(placed)
    assert item["cell"] == 4 and item["location"] == {"row": 2, "column": 5}
    assert documents.IDENTITY.map_diagnostic(diagnostic) is diagnostic


def test_lint_document_in_memory_is_what_the_cli_says_of_the_file(run, tmp_path):
    for path in FIXTURES:
        write(tmp_path, {path.name: path.read_text(encoding="utf-8")})
    cli = run("--output-format", "json", "--no-cache").json()
    assert cli, "the fixtures have findings"
    in_memory = []
    for path in FIXTURES:
        document = documents.from_text(path.read_text(encoding="utf-8"), path.name)
        result = api.lint_document(document, AnalysisOptions.default())
        assert not result.internal_errors
        in_memory.extend(_dicts(result.diagnostics))
        from_bytes = api.lint_document(documents.from_bytes(path.read_bytes(), path.name), AnalysisOptions.default())
        assert _dicts(from_bytes.diagnostics) == _dicts(result.diagnostics)
    key = lambda item: (item["filename"], item["location"]["row"], item["location"]["column"], item["code"])
    assert sorted(in_memory, key=key) == sorted(cli, key=key)


def test_lint_paths_returns_what_the_report_needs(tmp_path):
    write(tmp_path, {"a.py": ZERO_KERNEL, "b.py": BROKEN, "c.py": "x = 1\n"})
    settings = resolve_settings(Overrides(isolated=True), str(tmp_path))
    heard = []
    done = api.lint_paths(["."], settings, cwd=str(tmp_path), jobs=1, use_cache=False, notify=heard.append)
    assert done.files_checked == 3 and done.unreadable == 0 and done.internal_errors == 0
    assert [outcome.shown for outcome in done.outcomes] == ["a.py", "b.py", "c.py"]
    assert [outcome.skipped for outcome in done.outcomes] == [False, False, True]
    assert sorted((d.filename, d.code) for d in done.diagnostics) == [("a.py", "IL101"), ("b.py", "IL000")]
    assert set(done.sources) == {"a.py", "b.py"} and done.fixing is None and heard == done.notices == []
    missing = api.lint_paths(["gone.py"], settings, cwd=str(tmp_path), use_cache=False, notify=heard.append)
    assert missing.unreadable == 1 and missing.failed_reads == 1
    assert [(n.level, n.shown) for n in heard] == [(api.UNREADABLE, "gone.py")] and heard == missing.notices


def test_lint_paths_fixes_then_lints(tmp_path):
    write(tmp_path, {"m.py": GLOROT})
    settings = resolve_settings(Overrides(isolated=True), str(tmp_path))
    diff = api.lint_paths(["m.py"], settings, cwd=str(tmp_path), fix=True, unsafe=True, diff=True)
    assert diff.fixed == 1 and diff.fixing.diffs and diff.diagnostics == []
    assert (tmp_path / "m.py").read_text() == GLOROT
    fixed = api.lint_paths(["m.py"], settings, cwd=str(tmp_path), fix=True, unsafe=True)
    assert fixed.fixed == 1 and fixed.diagnostics == [] and fixed.files_checked == 1
    assert (tmp_path / "m.py").read_text() == GLOROT_FIXED


# --------------------------------------------------------------------------------------------
# fix_document: the document's own format round-trips


@pytest.mark.parametrize("name, prefix, newline, final", [
    ("utf-8", b"", "\n", True),
    ("latin-1 cookie", b"# -*- coding: latin-1 -*-\n# caf\xe9 \xb5\n", "\n", True),
    ("BOM", b"\xef\xbb\xbf# caf\xc3\xa9\n", "\n", True),
    ("CRLF", b"# crlf\n", "\r\n", True),
    ("CR", b"# cr\n", "\r", True),
    ("no final newline", b"", "\n", False),
    ("latin-1, CRLF, no final newline", b"# coding: latin-1\n# \xe9\n", "\r\n", False),
])
def test_fix_document_keeps_encoding_bom_line_endings_and_final_newline(name, prefix, newline, final):
    data = (prefix + GLOROT.encode("ascii")).replace(b"\n", newline.encode("ascii"))
    if not final:
        data = data[:-len(newline)]
    document = documents.from_bytes(data, "m.py")
    assert document.error is None, document.error
    fixed = api.fix_document(document, AnalysisOptions.default(), unsafe=True)
    assert fixed.applied == 1 and fixed.changed and fixed.diagnostics == [] and not fixed.internal_errors
    expected = data.replace(b"'glorot_uniform'", b"'he_uniform'")
    assert fixed.document.to_bytes() == expected
    assert fixed.document.text == document.text.replace("'glorot_uniform'", "'he_uniform'")
    assert fixed.diff().startswith("--- a/m.py\n+++ b/m.py\n")
    again = api.fix_document(documents.from_bytes(expected, "m.py"), AnalysisOptions.default(), unsafe=True)
    assert again.applied == 0 and not again.changed and again.document.to_bytes() == expected and again.diff() == ""


def test_fix_document_in_memory_and_the_safe_only_default():
    document = documents.from_text(GLOROT, "m.py")
    safe = api.fix_document(document, AnalysisOptions.default())
    assert safe.applied == 0 and not safe.changed and [d.code for d in safe.diagnostics] == ["IL201"]
    unsafe = api.fix_document(document, AnalysisOptions.default(), unsafe=True)
    assert unsafe.document.text == GLOROT_FIXED and unsafe.document.to_bytes() == GLOROT_FIXED.encode()
    latin = documents.from_text("# coding: latin-1\n# \xe9\n" + GLOROT, "m.py")
    assert api.fix_document(latin, AnalysisOptions.default(), True).document.to_bytes() == \
        ("# coding: latin-1\n# \xe9\n" + GLOROT_FIXED).encode("latin-1")


def test_fix_document_leaves_what_it_cannot_fix_alone():
    for data in (b"import torch\ndef f(:\n", b"\xff\xfe not text", b"x = 1\x00\n"):
        document = documents.from_bytes(data, "bad.py")
        fixed = api.fix_document(document, AnalysisOptions.default(), unsafe=True)
        assert fixed.document is document and fixed.applied == 0 and not fixed.changed
        assert fixed.document.to_bytes() == data
        assert [d.code for d in fixed.diagnostics] == ["IL000"]


def test_the_stdin_fix_keeps_the_format_too(tmp_path):
    data = b"# -*- coding: latin-1 -*-\r\n# \xe9\r\n" + GLOROT.replace("\n", "\r\n").encode()
    import subprocess

    from .conftest import _environment, initlint_command

    completed = subprocess.run(initlint_command() + ["--fix", "--unsafe-fixes", "--stdin-filename", "m.py", "-"],
                               input=data, cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=_environment(None), timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == data.replace(b"'glorot_uniform'", b"'he_uniform'")
    assert completed.stderr.decode() == "Fixed 1 diagnostic, 0 remaining.\n"


def test_a_crash_in_lint_document_is_an_internal_error_not_an_exception(monkeypatch):
    import initlint.engine

    def broken(text, filename, options):
        raise RuntimeError("boom\nagain")

    monkeypatch.setattr(initlint.engine, "lint_text", broken)
    monkeypatch.delenv("INITLINT_DEBUG", raising=False)
    result = api.lint_document(documents.from_text(ZERO_KERNEL, "m.py"), AnalysisOptions.default())
    assert result.diagnostics == [] and result.internal_errors == ["RuntimeError: boom again"]


def test_the_api_and_the_document_layer_stay_light():
    import subprocess
    import sys

    code = ("import sys, initlint.api, initlint.documents, initlint.options, initlint.runner; "
            "print('libcst' in sys.modules, 'click' in sys.modules)")
    completed = subprocess.run([sys.executable, "-c", code], cwd=str(REPO), stdout=subprocess.PIPE, timeout=60,
                               env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert completed.stdout == b"False False\n"


# --------------------------------------------------------------------------------------------
# A new document type is one class and one registry line (what the notebook type will be)


class CellsDocument(documents.Document):
    """A toy cell format: `# %%` lines start cells (cells numbered from 1, the marker row is the
    cell's first row). The text is the file itself, so only the source map is new."""

    kind = "cells"

    @classmethod
    def from_bytes(cls, data, filename):
        return cls.from_text(data.decode("utf-8"), filename, data)

    @classmethod
    def from_text(cls, text, filename, data=None):
        rows = [row for row, line in enumerate(text.splitlines(), 1) if line.startswith("# %%")]
        cells = [(row, cell) for cell, row in enumerate(rows, 1)]
        return cls(filename, text, data, source_map=SourceMap(cells or [(1, 1)]))

    def lines(self, cell=None):
        lines = self.text.splitlines()
        if cell is None:
            return lines
        starts = [row for row, line in enumerate(lines, 1) if line.startswith("# %%")] + [len(lines) + 1]
        return lines[starts[cell - 1] - 1:starts[cell] - 1]

    def with_text(self, text):
        return self if text == self.text else CellsDocument.from_text(text, self.filename)

    def to_bytes(self):
        return self.data if self.data is not None else self.text.encode("utf-8")

    def diff(self, fixed):
        return "" if fixed.text == self.text else f"--- {self.filename}\n"


CELLS = "# %% imports\nfrom tensorflow.keras import layers\n# %% model\nx = 1\n" + \
    "layer = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')\n"


def test_a_registered_document_type_places_diagnostics_in_cells_everywhere(monkeypatch, tmp_path):
    monkeypatch.setitem(documents.TYPES, ".cells", CellsDocument)
    write(tmp_path, {"m.cells": CELLS})
    options = AnalysisOptions.default()
    document = documents.from_bytes(CELLS.encode(), "m.cells")
    assert isinstance(document, CellsDocument)
    (diagnostic,) = api.lint_document(document, options).diagnostics
    assert (diagnostic.code, diagnostic.cell, diagnostic.span.row, diagnostic.noqa_row) == ("IL201", 2, 3, 3)
    settings = resolve_settings(Overrides(isolated=True), str(tmp_path))
    for _ in range(2):  # analyzed, then from the cache: the cached diagnostics are in cells too
        done = api.lint_paths(["m.cells"], settings, cwd=str(tmp_path), jobs=1, cache_dir=str(tmp_path / "c"))
        assert [(d.code, d.cell, d.span.row) for d in done.diagnostics] == [("IL201", 2, 3)]
    assert done.outcomes[0].cached
    from initlint.report import Report, render

    report = Report(done.diagnostics, sources=done.sources)
    assert render(report, "concise").startswith("m.cells:cell 2:3:")
    assert "layers.Dense(8" in render(report, "full")  # the full format shows the cell's row
    fixed = api.fix_document(document, options, unsafe=True)
    assert fixed.applied == 1 and fixed.diagnostics == [] and b"'he_uniform'" in fixed.document.to_bytes()
