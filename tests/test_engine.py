"""The engine: file-level errors, encodings, suppressions and positions."""
import pytest

from initlint.engine import lint_source, suppressed_codes

ZERO = "from tensorflow.keras import initializers, layers\nlayer = layers.Dense(3, kernel_initializer=initializers.Zeros())"


def codes(result):
    return [(d.span.row, d.code) for d in result.diagnostics]


def test_syntax_error_is_il000_with_the_parser_line():
    result = lint_source("import torch\n\ndef f(:\n    pass\n", "bad.py")
    assert codes(result) == [(3, "IL000")]
    assert "syntax error" in result.diagnostics[0].message


def test_python2_code_is_il000():
    result = lint_source(b'print "hello"\n', "py2.py")
    assert [c for _, c in codes(result)] == ["IL000"]


@pytest.mark.parametrize("data, fragment", [(b"x = 1\x00\n", "null bytes"), (b"x = '\xff\xfe'\n", "not valid utf-8")])
def test_binary_and_undecodable_bytes_are_il000(data, fragment):
    result = lint_source(data, "weird.py")
    assert [c for _, c in codes(result)] == ["IL000"]
    assert fragment in result.diagnostics[0].message


def test_coding_cookie_and_bom_are_decoded():
    latin = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + ZERO + "\n").encode("latin-1")
    assert [c for _, c in codes(lint_source(latin, "latin.py"))] == ["IL101"]
    bom = b"\xef\xbb\xbf" + ZERO.encode() + b"\r\n"
    assert codes(lint_source(bom, "bom.py")) == [(2, "IL101")]


def test_diagnostic_points_at_the_initializer():
    result = lint_source(ZERO, "z.py")
    (diagnostic,) = result.diagnostics
    line = ZERO.splitlines()[1]
    assert line[diagnostic.span.column - 1: diagnostic.span.end_column - 1] == "initializers.Zeros()"


@pytest.mark.parametrize("comment, reported", [
    ("# noqa", False), ("# noqa: IL101", False), ("# noqa: IL201", True), ("# initlint: ignore[IL101]", False),
    ("# initlint: ignore[IL2]", True), ("# NOQA:IL101,IL201", False), ("", True),
])
def test_inline_suppression(comment, reported):
    result = lint_source(ZERO + "  " + comment, "z.py")
    assert bool(result.diagnostics) is reported


def test_suppressed_codes_parsing():
    assert suppressed_codes("x = 1") is None
    assert suppressed_codes("x = 1  # noqa") == frozenset()
    assert suppressed_codes("x  # noqa: IL101, IL2") == frozenset({"IL101", "IL2"})


def test_disabled_rules_are_not_reported():
    assert lint_source(ZERO, "z.py", frozenset({"IL201"})).diagnostics == []


def test_shadowed_name_is_not_keras():
    source = "import keras\nclass Dense:\n    def __init__(self, n, kernel_initializer=None): pass\nd = Dense(3, kernel_initializer='zeros')\n"
    assert lint_source(source, "s.py").diagnostics == []


def test_files_without_framework_imports_give_nothing():
    assert lint_source("def zeros_(w):\n    w.fill_(0)\nx = zeros_(1)\n", "plain.py").diagnostics == []


@pytest.mark.parametrize("expression", [
    "(" * 3000 + "1" + ")" * 3000,  # the native libcst parser would overflow its stack here
    "-" * 3000 + "1",
    "1" + " + 1" * 5000,
    "a if b else " * 3000 + "c",
])
def test_deep_nesting_is_il000_not_a_crash(expression):
    result = lint_source("import torch\nx = " + expression + "\n", "deep.py")
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("IL000", "could not analyze the file: too deeply nested to analyze")]


def test_a_rule_that_raises_is_contained(monkeypatch):
    from initlint.rules.il101_zero_kernel import ZeroKernel

    def explode(self, site):
        raise KeyError("boom")
        yield

    monkeypatch.setattr(ZeroKernel, "check", explode)
    source = ZERO + "\nother = layers.Dense(3, kernel_initializer=initializers.RandomUniform(0.0, 1.0))\n"
    result = lint_source(source, "z.py")
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("IL000", "could not analyze the file: internal error in rule IL101 (KeyError)"), ("IL303", result.diagnostics[1].message)]
    assert result.internal_errors == ["IL101: KeyError: 'boom'"]


def test_one_initializer_expression_gets_one_verdict_of_the_zero_constant_family():
    # Product decision 3: zero > constant > non-centred > oversized, one per expression, even when two
    # facts meet at it (a helper judged with the values of two constructions).
    from initlint.diagnostics import Diagnostic
    from initlint.engine import _dedupe
    from initlint.facts import Span

    span, other = Span(3, 5, 3, 20), Span(4, 5, 4, 20)
    made = [Diagnostic(code, "m", "error", "a.py", where, "", None, noqa_row=where.row)
            for code, where in (("IL301", span), ("IL102", span), ("IL101", span), ("IL303", other),
                                ("IL301", other), ("IL201", span))]
    assert [(d.code, d.span.row) for d in _dedupe(made)] == [("IL101", 3), ("IL201", 3), ("IL303", 4)]
