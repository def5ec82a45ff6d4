"""The bundled fixtures declare their diagnostics with `# expect: CODE`; codes and rows must match exactly."""
from pathlib import Path

import pytest

from initlint.engine import lint_source
from initlint.rules import default_codes

from .expectations import expected

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(path):
    """The default rules; markers of rules that are off by default are checked by their own tests
    (tests/test_chains.py)."""
    result = lint_source(path.read_bytes(), str(path))
    reported = {(d.span.row, d.code) for d in result.diagnostics}
    assert reported == {(row, code) for row, code in expected(path.read_text()) if code in default_codes()}


def test_fixtures_have_buggy_and_clean_files():
    with_findings = [p for p in FILES if expected(p.read_text())]
    clean = [p for p in FILES if not expected(p.read_text())]
    assert len(with_findings) >= 3 and len(clean) >= 2


def test_columns_point_at_the_initializer():
    path = FIXTURES / "torch" / "mlp.py"
    lines = path.read_text().splitlines()
    for diagnostic in lint_source(path.read_bytes(), str(path)).diagnostics:
        line = lines[diagnostic.span.row - 1]
        pointed = line[diagnostic.span.column - 1:]
        assert pointed.startswith("nn.init."), (diagnostic.code, pointed)
