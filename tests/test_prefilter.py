"""The prefilter never misses: proofs on every example the project has.

* every fixture and acceptance file passes it;
* a file with any finding (fixtures, acceptance examples, the rule examples, the fix examples)
  passes it;
* deleting the words it looks for (each minimal set that makes it fail, and random sets) leaves a
  file whose full analysis reports nothing;
* `runner.analyze` (prefilter, then the engine) and `engine.lint_source` give the same diagnostics.
"""
from __future__ import annotations

import itertools
import re
import textwrap
import types
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initlint import prefilter
from initlint.engine import lint_source
from initlint.knowledge import keras as K
from initlint.knowledge import torch as T
from initlint.rules import ALL_RULES, RULES_BY_CODE, unfiltered_codes
from initlint.runner import analyze

from .expectations import expected
from .shared import shared_path

REPO = Path(__file__).resolve().parent.parent
# Rules that judge framework defaults (IL205) find layers without any initializer, and IL001 judges
# comments any file may hold: the prefilter cannot see either by design, so the runner does not
# prefilter when one of them is enabled. The prefilter's promise is about the others.
ALL_CODES = frozenset(RULES_BY_CODE) - unfiltered_codes()


def _files(root: Path) -> List[Tuple[str, bytes]]:
    return [(str(path.relative_to(root.parent)), path.read_bytes()) for path in sorted(root.rglob("*.py"))]


FIXTURES = _files(REPO / "fixtures")
ACCEPTANCE = _files(shared_path("acceptance"))
FRAMEWORKS = _files(shared_path("acceptance-frameworks"))
FIX_EXAMPLES = _files(REPO / "tests" / "fixes")
RULE_EXAMPLES = [
    (f"{rule.code}-{kind}-{index}.py", textwrap.dedent(code).lstrip("\n").encode("utf-8"))
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, code in enumerate(examples)
]
SOURCES = FIXTURES + ACCEPTANCE + FRAMEWORKS + FIX_EXAMPLES + RULE_EXAMPLES


def findings(data: bytes, name: str = "example.py") -> List[Tuple[str, int, int]]:
    """The full analysis' findings (IL000 aside), every rule enabled."""
    result = lint_source(data, name, ALL_CODES)
    assert not result.internal_errors, result.internal_errors
    return [(d.code, d.span.row, d.span.column) for d in result.diagnostics if d.code != "IL000"]


def _ids(sources):
    return [name for name, _ in sources]


# --------------------------------------------------------------------------------------------
# The examples pass


@pytest.mark.parametrize("name, data", FIXTURES + ACCEPTANCE, ids=_ids(FIXTURES + ACCEPTANCE))
def test_every_fixture_and_acceptance_file_passes(name, data):
    assert prefilter.may_initialize(data), f"{name}: the prefilter would skip it"


def test_the_examples_are_there():
    assert len(FIXTURES) >= 5 and len(RULE_EXAMPLES) >= 14
    assert len(ACCEPTANCE) >= 5 and len(FRAMEWORKS) >= 1


WITH_FINDINGS = [(name, data) for name, data in SOURCES if findings(data, name)]


@pytest.mark.parametrize("name, data", WITH_FINDINGS, ids=_ids(WITH_FINDINGS))
def test_a_file_with_findings_passes(name, data):
    assert prefilter.may_initialize(data), (
        f"{name} has findings but the prefilter would skip it: a frontend recognises a spelling the "
        "prefilter does not know; add its words to the PREFILTER_CLAUSES of its knowledge table")


def test_the_expected_findings_are_the_files_with_findings():
    """Sanity: the invalid examples do have findings (else the tests above prove nothing)."""
    with_findings = [name for name, _data in WITH_FINDINGS]
    marked = [name for name, data in SOURCES if {c for _, c in expected(data.decode("utf-8"))} & ALL_CODES - {"IL000"}
              and "frameworks" not in name]
    assert set(marked) <= set(with_findings)
    assert len(with_findings) >= 20


# --------------------------------------------------------------------------------------------
# Deleting the trigger words silences the analysis


def replace_words(data: bytes, words) -> bytes:
    """Every whole-identifier occurrence of `words` replaced by a neutral identifier of the same length."""
    if not words:
        return data
    pattern = re.compile(rb"(?<![A-Za-z0-9_])(?:" + b"|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                         + rb")(?![A-Za-z0-9_])")
    return pattern.sub(lambda match: b"q" * len(match.group(0)), data)


def failing_deletions() -> List[frozenset]:
    """Every minimal choice of words whose deletion makes every frontend's test fail:
    per frontend, its import roots, or one word group out of each of its clauses."""
    per_frontend = []
    for item in prefilter.filters():
        options = [frozenset(item.roots)]
        if item.clauses is not None:
            for choice in itertools.product(*item.clauses):
                options.append(frozenset(word for group in choice for word in group))
        per_frontend.append(options)
    return [frozenset().union(*combination) for combination in itertools.product(*per_frontend)]


@pytest.mark.parametrize("name, data", WITH_FINDINGS, ids=_ids(WITH_FINDINGS))
def test_deleting_the_trigger_words_leaves_no_findings(name, data):
    deletions = failing_deletions()
    assert len(deletions) >= 4
    # Most of the ~200 deletions touch words a file does not hold, so they give the same bytes
    # (about 11 distinct mutants per file): each distinct mutant is analyzed once. Every deletion
    # is still checked against the prefilter, and every distinct mutant against the analysis.
    analyzed = set()
    for words in deletions:
        mutated = replace_words(data, words)
        assert not prefilter.may_initialize(mutated), (name, sorted(words))
        if mutated in analyzed:
            continue
        analyzed.add(mutated)
        assert findings(mutated, name) == [], (
            f"{name}: without {sorted(w.decode() for w in words)} the prefilter skips the file, but the "
            "analysis still finds something: the prefilter's words miss a spelling the frontends recognise")


ALL_WORDS = sorted(prefilter.trigger_words())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(WITH_FINDINGS or SOURCES), words=st.sets(st.sampled_from(ALL_WORDS)))
def test_property_a_file_that_fails_the_filter_has_no_findings(source, words):
    name, data = source
    mutated = replace_words(data, words)
    if not prefilter.may_initialize(mutated):
        assert findings(mutated, name) == [], (name, sorted(words))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(SOURCES), words=st.sets(st.sampled_from(ALL_WORDS), max_size=4))
def test_property_analyze_equals_the_engine(source, words):
    name, data = source
    mutated = replace_words(data, words)
    assert _diagnostics(analyze(mutated, name, ALL_CODES)) == _diagnostics(lint_source(mutated, name, ALL_CODES))


# --------------------------------------------------------------------------------------------
# runner.analyze == engine.lint_source, IL000 included

TRICKY: Dict[str, bytes] = {
    "syntax_error.py": b"def f(:\n    pass\n",
    "syntax_error_torch.py": b"import torch\nnn.init.zeros_(w\n",
    "null_bytes.py": b"x = 1\n\x00\x01\x02",
    "invalid_utf8.py": b"x = '\xff\xfe'\n",
    "unknown_cookie.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
    "latin1.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"),
    "return_outside.py": b"return 1\n",  # the compiler rejects it, the parsers do not
    "await_outside.py": b"await x\n",
    "nested.py": b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",
    "empty.py": b"",
    "bom.py": b"\xef\xbb\xbfimport os\n",
    "tabs.py": b"if True:\n\tx = 1\n        y = 2\n",
    "deprecated_escape.py": b"x = '\\d'\n",
    "plain_torch.py": b"import torch\nx = torch.ones(3)\n",
}


def _diagnostics(result):
    return [(d.code, d.message, d.span, d.severity) for d in result.diagnostics]


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_analyze_equals_the_engine_on_tricky_files(name):
    data = TRICKY[name]
    assert _diagnostics(analyze(data, name, ALL_CODES)) == _diagnostics(lint_source(data, name, ALL_CODES))


@pytest.mark.parametrize("name, data", SOURCES, ids=_ids(SOURCES))
def test_analyze_equals_the_engine_on_the_examples(name, data):
    assert _diagnostics(analyze(data, name, ALL_CODES)) == _diagnostics(lint_source(data, name, ALL_CODES))


def test_skipped_files_still_report_il000():
    for name in ("syntax_error.py", "null_bytes.py", "invalid_utf8.py", "unknown_cookie.py"):
        result = analyze(TRICKY[name], name, ALL_CODES)
        assert [d.code for d in result.diagnostics] == ["IL000"], name
    clean = analyze(b"import os\nprint(os.sep)\n", "clean.py", ALL_CODES)
    assert clean.skipped and clean.diagnostics == []
    assert analyze(TRICKY["syntax_error.py"], "x.py", ALL_CODES - {"IL000"}).diagnostics == []


def test_only_il000_enabled_skips_the_analysis():
    data = dict(FIXTURES)["fixtures/torch/mlp.py"]
    assert analyze(data, "mlp.py", frozenset({"IL000"})).skipped
    assert analyze(data, "mlp.py", frozenset()).diagnostics == []


# --------------------------------------------------------------------------------------------
# The byte test itself


def test_words_are_whole_identifiers():
    assert prefilter.has_word(b"import torch\n", b"torch")
    assert prefilter.has_word(b"torch", b"torch")
    assert prefilter.has_word(b"x=torch.nn", b"torch")
    assert not prefilter.has_word(b"import torchvision\n", b"torch")
    assert not prefilter.has_word(b"def __init__(self):", b"init")
    assert prefilter.has_word(b"nn.init.normal_(w)", b"init")
    assert not prefilter.has_word(b"my_torch = 1", b"torch")
    assert prefilter.has_word("caf\xe9torch".encode("utf-8"), b"torch")  # non-ASCII: a separator, never a miss


def test_a_torchvision_import_alone_is_skipped():
    assert not prefilter.may_initialize(b"import torchvision\nm = torchvision.models.resnet18()\n")
    assert not prefilter.may_initialize(b"import torch\nx = torch.ones(3)\n")  # no initialization
    assert prefilter.may_initialize(b"import torch\nm.weight.data.normal_(0, 1)\n")
    assert prefilter.may_initialize(b"from torch import nn\np = nn.Parameter(w)\n")
    assert prefilter.may_initialize(b"import torch.nn as nn\nnn.init.kaiming_normal_(w)\n")
    assert prefilter.may_initialize(b"from torch.nn import init\ninit.normal(w)\n")  # deprecated alias
    assert not prefilter.may_initialize(b"import torch\nfrom scipy.stats import normal\n")
    assert prefilter.may_initialize(b"from tensorflow import keras\nkeras.layers.Dense(3, kernel_initializer='zeros')\n")
    assert not prefilter.may_initialize(b"import keras\nkeras.layers.Dense(3)\n")


def test_other_encodings_are_searched_after_decoding():
    torch_source = dict(FIXTURES)["fixtures/torch/mlp.py"]
    # UTF-7 may spell the letters of `torch` as base64: only the decoded text shows the word.
    hidden = b"# -*- coding: utf-7 -*-\n" + torch_source.replace(b"torch", b"+AHQ-orch")
    assert b"torch" not in hidden.replace(b"+AHQ-orch", b"")
    assert findings(hidden), "the engine reads UTF-7"
    assert prefilter.may_initialize(hidden)
    crlf = b"#!/usr/bin/env python\r\n# coding: utf-7\r\n" + torch_source.replace(b"torch", b"+AHQ-orch")
    assert prefilter.may_initialize(crlf)


def test_other_suffixes_are_always_analyzed():
    assert prefilter.applies_to("model.py") and prefilter.applies_to("stubs.pyi")
    assert not prefilter.applies_to("training.ipynb")


def test_the_words_come_from_the_frontends_and_tables():
    from initlint.frameworks import FRAMEWORKS

    words = prefilter.trigger_words()
    for framework in FRAMEWORKS:
        assert {root.encode() for root in framework.import_roots} <= words
    assert {argument.encode() for arguments in K.KERNEL_LAYERS.values() for argument in arguments} <= words
    assert {name.encode() for name in list(T.INIT_FUNCTIONS) + list(T.TENSOR_METHODS)} <= words
    assert {b"Parameter", b"init"} <= words


def test_a_frontend_without_clauses_is_filtered_on_its_roots_alone():
    jax = types.SimpleNamespace(name="jax", import_roots=("jax", "flax"), prefilter_clauses=lambda: None)
    declared = types.SimpleNamespace(name="mine", import_roots=("mine",), prefilter_clauses=lambda: ((("magic",),),))
    filters = prefilter.build_filters([jax, declared])
    memo = {}
    assert filters[0].clauses is None
    assert filters[0].passes(b"import flax.linen as nn\n", memo)
    assert not filters[1].passes(b"import mine\n", {})
    assert filters[1].passes(b"import mine\nmine.magic()\n", {})


def test_a_run_with_il001_reads_files_the_prefilter_would_skip():
    data = b"import os\nx = os.sep  # noqa: IL999\n"
    assert not prefilter.may_initialize(data)
    assert analyze(data, "a.py", frozenset({"IL101", "IL301"})).skipped
    assert [d.code for d in analyze(data, "a.py", frozenset({"IL001"})).diagnostics] == ["IL001"]
