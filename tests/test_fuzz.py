"""Fuzzing: generated Python (hypothesmith), generated model code and mutated real files.

Properties, for every input:
* the analysis never raises and never has to contain a crash (`internal_errors` stays empty): it
  gives diagnostics with valid codes and positions, or exactly one IL000;
* it is deterministic, and the runner's path (prefilter included) agrees with the engine;
* `--fix --unsafe-fixes` (`fix_text`, `writeback.fix_source`) gives code that parses, in the
  file's encoding and line endings, and fixing again changes nothing;
* the output of whole runs is the same for any number of worker processes.

Bounded: every test has a fixed `max_examples` and is derandomized (no example database), so
the suite is deterministic and takes well under a minute for this file (the slow set adds a
longer run of the generated models and the whole-tree runs of the installed command). `INITLINT_FUZZ_SCALE=20`
multiplies the example counts for a longer hunt. A failing example becomes a regular test in
test_robustness.py.
"""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initlint import runner
from initlint.diagnostics import SEVERITIES
from initlint.engine import lint_source
from initlint.edits import parses
from initlint.fixing import fix_text
from initlint.rules import RULES_BY_CODE
from initlint.sources import split_lines
from initlint.writeback import encode, fix_source

from . import fuzzing
from .conftest import codes_by_file

ALL = frozenset(RULES_BY_CODE)  # every rule, the ones off by default too
SCALE = max(1, int(os.environ.get("INITLINT_FUZZ_SCALE", "1") or 1))
CORPUS = fuzzing.corpus()
HEADERS = (
    "",
    "import torch\nimport torch.nn as nn\nfrom torch.nn import init\n",
    "import tensorflow as tf\nfrom tensorflow.keras import layers, initializers\n",
    "import keras\nfrom keras import layers\n",
)
# IL000 that only the full analysis gives, for files CPython accepts: the runner may skip those files
# (the prefilter shows that nothing in them can initialize a kernel).
ANALYSIS_ONLY = ("could not analyze the file: the analysis parser (libcst) cannot read it",
                 "could not analyze the file: too deeply nested to analyze")


def fuzz(examples: int):
    return settings(max_examples=examples * SCALE, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck), print_blob=True)


# --------------------------------------------------------------------------------------------
# The properties


def check_analysis(source, name: str = "fuzz.py"):
    """lint_source never raises; diagnostics are well formed; deterministic; the runner agrees."""
    result = lint_source(source, name, ALL)
    assert result.internal_errors == []
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    rows = max(len(split_lines(text)), 1)
    for diagnostic in result.diagnostics:
        assert diagnostic.code in RULES_BY_CODE
        assert diagnostic.severity in SEVERITIES
        assert diagnostic.filename == name
        assert isinstance(diagnostic.message, str) and diagnostic.message
        span = diagnostic.span
        assert 1 <= span.row <= span.end_row <= rows + 1, (span, rows)
        assert span.column >= 1 and span.end_column >= 1
        assert span.end_row > span.row or span.end_column >= span.column
    if any(d.code == "IL000" for d in result.diagnostics):
        (diagnostic,) = result.diagnostics  # a file that cannot be analyzed gives IL000 alone
        assert diagnostic.message.startswith("could not analyze the file: ")
    assert lint_source(source, name, ALL).diagnostics == result.diagnostics  # deterministic

    try:
        data = source if isinstance(source, bytes) else source.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: text no file can hold
        return result
    through_runner = runner.analyze(data, name, ALL)
    if through_runner.skipped:  # the prefilter: nothing in it can initialize a kernel
        assert all(d.code == "IL000" and d.message.startswith(ANALYSIS_ONLY) for d in result.diagnostics)
    else:
        assert through_runner.diagnostics == result.diagnostics
    return result


def check_fix(text: str, name: str = "fuzz.py") -> None:
    """Fixing parses, applies everything it can in one go, and a second run changes nothing.
    (After check_analysis on the same text and name.)"""
    if not parses(text):
        assert fix_text(text, name, ALL, unsafe=True) == (text, 0)  # never touched
        return
    for unsafe in (False, True):
        fixed, applied = fix_text(text, name, ALL, unsafe=unsafe)
        assert parses(fixed)
        assert (applied == 0) == (fixed == text)
        if fixed == text:
            # Nothing applied (most texts, without unsafe fixes): fixing `fixed` again is the call
            # just made, and check_analysis has linted this text; only a changed text needs both.
            continue
        assert fix_text(fixed, name, ALL, unsafe=unsafe) == (fixed, 0)
        assert lint_source(fixed, name, ALL).internal_errors == []


def check_write_back(text: str, encoding_style: int, ending_style: int) -> None:
    """fix_source on the file's bytes: same encoding and line endings, idempotent."""
    data = fuzzing.encoded(text, encoding_style, ending_style)
    outcome = fix_source(data, "fuzz.py", ALL, unsafe=True)
    if outcome is None:  # only files that do not parse are left alone
        return
    assert parses(outcome.fixed)
    written = encode(outcome.fixed, outcome.encoding)
    assert written.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    if ending_style == 1:  # CRLF only: no bare LF or CR appears
        assert written.count(b"\n") == written.count(b"\r\n") == written.count(b"\r")
    if ending_style == 2:  # CR only
        assert b"\n" not in written
    again = fix_source(written, "fuzz.py", ALL, unsafe=True)
    assert again is not None and not again.changed and again.applied == 0


# --------------------------------------------------------------------------------------------
# Generated Python (hypothesmith): any valid program, with framework imports in front


@fuzz(40)
@given(st.sampled_from(HEADERS), hypothesmith.from_grammar())
def test_generated_python_from_the_grammar(header, source):
    check_analysis(header + source)
    check_fix(header + source)


@fuzz(12)
@given(st.sampled_from(HEADERS), hypothesmith.from_node())
def test_generated_python_from_libcst_nodes(header, source):
    check_analysis(header + source)
    check_fix(header + source)


# --------------------------------------------------------------------------------------------
# Generated model code: every spelling of layers, initializers and activations the knowledge
# tables know, with degenerate sizes and scales, in any line-ending style


def check_generated_model(source: str, endings: int) -> None:
    source = fuzzing.with_line_endings(source, endings)
    check_analysis(source)
    check_fix(source)


# The most expensive property of the file (about 0.1 s an example): 60 examples in the default
# run, and a longer hunt of 240 in the slow set (CI runs both; before, one run of 120).
@fuzz(60)
@given(fuzzing.model_code(), st.integers(0, 3))
def test_generated_models_analyze_and_fix_cleanly(source, endings):
    check_generated_model(source, endings)


@pytest.mark.slow
@fuzz(240)
@given(fuzzing.model_code(), st.integers(0, 3))
def test_generated_models_analyze_and_fix_cleanly_at_length(source, endings):
    check_generated_model(source, endings)


@fuzz(40)
@given(fuzzing.model_code(), st.integers(0, len(fuzzing.ENCODINGS) - 1), st.integers(0, 3))
def test_generated_models_write_back_in_their_encoding_and_line_endings(source, encoding, endings):
    check_write_back(source, encoding, endings)


# --------------------------------------------------------------------------------------------
# Mutations of the real files: truncations, byte flips, token deletions and substitutions


@fuzz(150)
@given(st.sampled_from(CORPUS), st.integers(1, 4), st.data())
def test_mutated_files_analyze_and_fix_cleanly(named, count, data):
    name, text = named
    mutated = fuzzing.mutate(text, fuzzing.hypothesis_draw(data), count)
    check_analysis(mutated, name)
    check_fix(mutated, name)


@fuzz(80)
@given(st.sampled_from(CORPUS), st.data())
def test_byte_flips_and_cut_characters_analyze_cleanly(named, data):
    name, text = named
    draw = fuzzing.hypothesis_draw(data)
    raw = fuzzing.encoded(text, draw(len(fuzzing.ENCODINGS)))
    mutated = (fuzzing.flip_bytes if draw(2) else fuzzing.truncate_bytes)(raw, draw)
    check_analysis(mutated, name)
    outcome = fix_source(mutated, name, ALL, unsafe=True)
    assert outcome is None or parses(outcome.fixed)


@fuzz(30)
@given(fuzzing.model_code(), st.data())
def test_mutated_generated_models_analyze_and_fix_cleanly(source, data):
    mutated = fuzzing.mutate(source, fuzzing.hypothesis_draw(data), data.draw(st.integers(1, 3)))
    check_analysis(mutated)
    check_fix(mutated)


# --------------------------------------------------------------------------------------------
# Whole runs: the same output for any number of jobs, run after run


def _fuzz_tree(root, files: int = 48, seed: int = 20240611):
    """Mutated and generated files (a fixed seed: the same tree every time)."""
    rnd = random.Random(seed)
    draw = fuzzing.random_draw(rnd)
    tree = {}
    for index in range(files):
        name, text = CORPUS[rnd.randrange(len(CORPUS))]
        if index % 3:
            text = fuzzing.mutate(text, draw, 1 + rnd.randrange(3))
        tree[f"pkg{index % 4}/{index:02d}_{name}"] = fuzzing.with_line_endings(text, rnd.randrange(4))
    for path, text in tree.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8", "surrogatepass"))
    return sorted(str(root / path) for path in tree)


def _summary(outcomes):
    return [(o.shown, o.diagnostics, o.read_error, o.internal_error, o.engine_errors) for o in outcomes]


def test_runs_are_identical_for_any_number_of_jobs(tmp_path):
    paths = _fuzz_tree(tmp_path)
    enabled = lambda path: ALL  # noqa: E731
    one = runner.lint_files(paths, enabled_for=enabled, cwd=str(tmp_path), jobs=1)
    assert all(o.internal_error is None and not o.engine_errors for o in one)
    assert any(o.diagnostics for o in one) and any(not o.diagnostics for o in one)
    for jobs in (2, 3):
        many = runner.lint_files(paths, enabled_for=enabled, cwd=str(tmp_path), jobs=jobs, parallel_min_bytes=0)
        assert _summary(many) == _summary(one)
    assert _summary(runner.lint_files(paths, enabled_for=enabled, cwd=str(tmp_path), jobs=1)) == _summary(one)


@pytest.mark.slow  # 7 cold runs of the installed command; test_runs_are_identical_for_any_number_of_jobs
# is the same property in process, in the default run
def test_cli_output_is_identical_for_any_number_of_jobs(run, tmp_path):
    _fuzz_tree(tmp_path / "tree", files=36, seed=7)
    for output_format in ("json", "full", "sarif"):
        outputs = [run("--no-cache", "--select", "ALL", "--output-format", output_format, "-j", str(jobs), "tree")
                   for jobs in (1, 3)]
        results = {(r.returncode, r.stdout, r.stderr) for r in outputs}
        assert len(results) == 1, output_format
        ((status, stdout, stderr),) = results
        assert status == 1 and "Traceback" not in stderr and "internal error" not in stderr
    assert codes_by_file(run("--no-cache", "--output-format", "json", "-j", "2", "tree"))


@pytest.mark.slow  # the installed command over 40 fuzzed files, twice; the fix properties above are
# the same checks in process, in the default run
def test_cli_fix_never_breaks_a_file_and_a_second_fix_changes_nothing(run, tmp_path):
    """`--fix --unsafe-fixes` over mutated and generated files in every encoding and line ending:
    files that do not parse keep their bytes, the others still parse, and fixing again is a no-op."""
    paths = [Path(p) for p in _fuzz_tree(tmp_path / "tree", files=40, seed=99)]
    rnd = random.Random(5)
    for index, path in enumerate(paths):  # the same files in the other encodings
        if index % 4 == 1:
            text = path.read_bytes().decode("utf-8", "surrogatepass")
            try:
                path.write_bytes(fuzzing.encoded(text, rnd.randrange(1, len(fuzzing.ENCODINGS))))
            except UnicodeEncodeError:
                pass
    before = {path: path.read_bytes() for path in paths}
    first = run("--no-cache", "--select", "ALL", "--fix", "--unsafe-fixes", "tree")
    assert first.returncode in (0, 1) and "Traceback" not in first.stderr and "internal error" not in first.stderr
    assert re.search(r"^Fixed [1-9][0-9]* diagnostics?\.$", first.stdout, re.M)  # something was fixed
    after = {path: path.read_bytes() for path in paths}
    for path in paths:
        old, new = before[path], after[path]
        outcome = fix_source(old, path.name, ALL, unsafe=True)
        if outcome is None:
            assert new == old, path.name  # cannot be decoded or does not parse: never touched
        else:
            assert new == encode(outcome.fixed, outcome.encoding), path.name  # what the API gives
            assert parses(outcome.fixed)
    second = run("--no-cache", "--select", "ALL", "--fix", "--unsafe-fixes", "tree")
    assert second.returncode in (0, 1)
    assert {path: path.read_bytes() for path in paths} == after
