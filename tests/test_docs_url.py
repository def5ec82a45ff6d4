"""Where a diagnostic's `url` points: the rule's page in the repository (docs/rules/ILxxx.md), from a
base URL that `docs-url` in the configuration replaces; the same address in JSON, SARIF, --explain,
--list-rules and the language server."""
from __future__ import annotations

from pathlib import Path

import pytest

from initlint.config import ConfigError, load_config
from initlint.report import DOCS_URL, rule_url
from initlint.rules import ALL_RULES
from initlint.server import analysis, convert
from initlint.server.workspace import Workspace

from .conftest import ZERO_KERNEL

DEFAULT = "https://github.com/OWNER/initlint/blob/main/docs/rules/IL101.md"
MIRROR = "https://git.example.org/ml/initlint/src/branch/main/docs/rules"


def test_the_default_points_at_the_page_the_generator_writes():
    assert DOCS_URL.startswith("https://github.com/OWNER/initlint/")  # pyproject.toml's placeholder
    for rule in ALL_RULES:
        url = rule_url(rule.code)
        assert url == f"https://github.com/OWNER/initlint/blob/main/docs/rules/{rule.code}.md"
        assert (Path(__file__).resolve().parent.parent / "docs" / "rules" / f"{rule.code}.md").is_file(), url


def test_a_base_url_and_a_template():
    assert rule_url("IL101", MIRROR) == f"{MIRROR}/IL101.md"
    assert rule_url("IL101", MIRROR + "/") == f"{MIRROR}/IL101.md"
    assert rule_url("IL101", "https://docs.example.org/rules/{code}/") == "https://docs.example.org/rules/IL101/"


def _project(tmp_path: Path, url: str = MIRROR) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[tool.initlint]\ndocs-url = "{url}"\n', encoding="utf-8")
    (tmp_path / "m.py").write_text(ZERO_KERNEL, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("value, words", [("1", "must be a string, not an integer"),
                                          ('""', "without spaces"), ('"a b"', "without spaces")])
def test_a_bad_docs_url_is_a_clear_configuration_error(tmp_path, value, words):
    (tmp_path / "pyproject.toml").write_text(f"[tool.initlint]\ndocs-url = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_config(str(tmp_path / "pyproject.toml"))


def test_json_uses_the_configured_base(run, tmp_path):
    _project(tmp_path)
    items = run("--output-format", "json", "m.py").json()
    assert [(item["code"], item["url"]) for item in items] == [("IL101", f"{MIRROR}/IL101.md")]
    assert run("--output-format", "json", "--isolated", "m.py").json()[0]["url"] == DEFAULT


def test_sarif_help_uri_uses_the_configured_base(run, tmp_path):
    _project(tmp_path)
    driver = run("--output-format", "sarif", "m.py").json()["runs"][0]["tool"]["driver"]
    descriptors = {rule["id"]: rule for rule in driver["rules"]}
    assert descriptors["IL101"]["helpUri"] == f"{MIRROR}/IL101.md"
    assert f"[Documentation]({MIRROR}/IL101.md)" in descriptors["IL101"]["help"]["markdown"]
    assert {rule["helpUri"] for rule in driver["rules"]} == {f"{MIRROR}/{code}.md" for code in descriptors}


def test_explain_and_list_rules_use_the_configured_base(run, tmp_path):
    _project(tmp_path)
    assert f"Documentation: {MIRROR}/IL301.md" in run("--explain", "IL301").stdout
    assert run("--explain", "IL301", "--output-format", "json").json()["url"] == f"{MIRROR}/IL301.md"
    listed = run("--list-rules", "--output-format", "json").json()
    assert {row["url"] for row in listed} == {f"{MIRROR}/{row['code']}.md" for row in listed}
    assert f"Documentation: {DEFAULT.replace('IL101', 'IL301')}" in run("--explain", "IL301", "--isolated").stdout


def test_a_broken_configuration_fails_explain_clearly(run, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.initlint]\ndocs-url = 3\n", encoding="utf-8")
    result = run("--explain", "IL101")
    assert result.returncode == 2 and "docs-url" in result.stderr and "Traceback" not in result.stderr


def test_the_server_conversion_carries_the_page(tmp_path):
    from initlint.diagnostics import Diagnostic
    from initlint.facts import Span

    diagnostic = Diagnostic(filename="m.py", span=Span(3, 1, 3, 5), code="IL101", severity="error",
                            message="zero kernel")
    lines = convert.lines_of(ZERO_KERNEL)
    assert convert.to_lsp(diagnostic, lines).code_description.href == DEFAULT
    assert convert.to_lsp(diagnostic, lines, MIRROR).code_description.href == f"{MIRROR}/IL101.md"


def test_the_server_reads_docs_url_from_the_documents_configuration(tmp_path):
    project = _project(tmp_path)
    path = project / "m.py"
    found = analysis.lint_file(Workspace(), path.as_uri(), str(path), ZERO_KERNEL).items
    assert [(item.code, item.code_description.href) for item in found] == [("IL101", f"{MIRROR}/IL101.md")]
