"""Every rule's VALID and INVALID snippets (they live beside the rule) run through the whole engine."""
import textwrap

import pytest

from initlint.engine import lint_source
from initlint.rules import ALL_RULES

from .expectations import expected

CASES = []
for rule in ALL_RULES:
    for index, code in enumerate(rule.VALID):
        CASES.append(pytest.param(rule, code, False, id=f"{rule.code}-valid-{index}"))
    for index, code in enumerate(rule.INVALID):
        CASES.append(pytest.param(rule, code, True, id=f"{rule.code}-invalid-{index}"))


@pytest.mark.parametrize("rule, code, invalid", CASES)
def test_rule_example(rule, code, invalid):
    source = textwrap.dedent(code).lstrip("\n")
    result = lint_source(source, "example.py", frozenset({rule.code}))
    reported = {(d.span.row, d.code) for d in result.diagnostics}
    if invalid:
        wanted = {(row, c) for row, c in expected(source) if c == rule.code}
        assert wanted, "an INVALID example must mark at least one line with `# expect:`"
        assert reported == wanted
    else:
        assert reported == set()


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if r.code != "IL000"], ids=lambda r: r.code)
def test_every_rule_has_positive_and_negative_examples(rule):
    assert rule.VALID and rule.INVALID


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_documentation_sections(rule):
    doc = rule.documentation()
    for section in ("## What it does", "## Why is this bad", "## Example", "## Use instead", "## Fix safety",
                    "## Options", "## References"):
        assert section in doc, f"{rule.code} documentation lacks {section}"
