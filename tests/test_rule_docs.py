"""The rule documentation: every docstring in the seven sections, in words a user can read; the
pages in docs/rules/ and the README's rule table as scripts/generate_rule_docs.py writes them;
the depth plot on the IL201 and IL301 pages; --explain printing every section of every rule."""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from initlint.rules import ALL_RULES

from .conftest import REPO

SECTIONS = ("What it does", "Why is this bad", "Example", "Use instead", "Fix safety", "Options", "References")
# Our internal notes, which users cannot see: section signs, guard ids (G2), the knowledge file.
INTERNAL = re.compile(r"§|\bG\d{1,2}\b|init-knowledge|knowledge base")
REGENERATE = "python scripts/generate_rule_docs.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_rule_docs", REPO / "scripts" / "generate_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = _generator()


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_the_docstring_has_the_seven_sections_in_order(rule):
    titles = [title for title, _ in generator.sections(rule.documentation())]
    assert titles == list(SECTIONS), f"{rule.code}: sections {titles}"
    for title, body in generator.sections(rule.documentation()):
        assert body.strip(), f"{rule.code}: the section {title!r} is empty"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_the_docstring_cites_nothing_users_cannot_see(rule):
    found = INTERNAL.findall(rule.documentation())
    assert not found, f"{rule.code} documentation mentions internal notes: {found}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_references_are_a_list_with_a_year_or_a_link(rule):
    references = dict(generator.sections(rule.documentation()))["References"]
    items = []  # one item per "- " line, with its indented continuation lines
    for line in references.splitlines():
        if line.startswith("- "):
            items.append(line)
        elif items and line.startswith(" "):
            items[-1] += " " + line.strip()
    assert items, f"{rule.code}: References is not a list"
    for item in items:
        assert re.search(r"\b(19|20)\d\d\b", item) or "](http" in item, f"{rule.code}: {item!r} has no year or link"


def test_the_checked_in_pages_and_readme_table_are_what_the_generator_writes():
    stale = generator.differences()
    assert not stale, f"stale rule documentation: {', '.join(stale)}; run `{REGENERATE}` and commit the result"


def test_the_generator_covers_every_registered_rule():
    written = generator.expected()
    readme = written.pop(generator.README)
    assert sorted(path.name for path in written) == sorted(f"{rule.code}.md" for rule in ALL_RULES)
    table = readme.split(generator.TABLE_BEGIN, 1)[1].split(generator.TABLE_END, 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| [IL")]
    assert [row.split("]")[0][3:] for row in rows] == sorted(rule.code for rule in ALL_RULES)
    for rule in ALL_RULES:
        text = written[generator.PAGES / f"{rule.code}.md"]
        assert text.splitlines()[1] == f"# {rule.code}: {rule.name}"
        assert f"Highest severity: {rule.severity}" in text
        for title, body in generator.sections(rule.documentation()):
            assert f"## {title}\n\n{body}\n" in text, f"{rule.code}: {title} is not on the page"
        row = next(row for row in rows if row.startswith(f"| [{rule.code}]"))
        assert f"| {rule.name} |" in row and f"| {rule.severity} |" in row and f"| {rule.fix_availability} |" in row


def test_a_new_rule_gets_a_page_and_a_row():
    class Invented(ALL_RULES[1]):
        """
        ## What it does
        Finds an invented problem.

        ## Why is this bad
        It is not.

        ## Example
        ```python
        x = 1
        ```

        ## Use instead
        ```python
        x = 2
        ```

        ## Fix safety
        There is no automatic fix.

        ## Options
        None.

        ## References
        - Nobody, 2026
        """

        code, name, severity, default_enabled, fix_availability = "IL999", "invented", "info", False, "none"

    text = generator.page(Invented)
    assert "# IL999: invented" in text and "- Default: off (turn it on with `extend-select`)" in text
    assert "## Options\n\nNone.\n" in text
    assert "| [IL999](docs/rules/IL999.md) | invented | off | info | none | Finds an invented problem. |" in \
        generator.table([Invented])


def test_check_names_the_stale_file_and_the_command(tmp_path, monkeypatch, capsys):
    pages = tmp_path / "docs" / "rules"
    shutil.copytree(generator.PAGES, pages)
    shutil.copy(generator.README, tmp_path / "README.md")
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    monkeypatch.setattr(generator, "PAGES", pages)
    monkeypatch.setattr(generator, "README", tmp_path / "README.md")
    assert generator.main(["--check"]) == 0
    (pages / "IL101.md").write_text("edited by hand\n", encoding="utf-8")
    (pages / "IL998.md").write_text("a rule that is gone\n", encoding="utf-8")
    capsys.readouterr()
    assert generator.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert "stale: docs/rules/IL101.md" in out and "IL998.md (no such rule)" in out and REGENERATE in out
    assert generator.main(["--no-plot"]) == 0
    assert (pages / "IL101.md").read_text(encoding="utf-8") == generator.page(next(r for r in generator.rules() if r.code == "IL101"))
    assert not (pages / "IL998.md").exists() and generator.main(["--check"]) == 0
    (tmp_path / "README.md").write_text("no markers\n", encoding="utf-8")
    assert generator.main(["--check"]) == 2
    assert "markers" in capsys.readouterr().err


def test_the_script_runs_from_the_checkout():
    completed = subprocess.run([sys.executable, str(REPO / "scripts" / "generate_rule_docs.py"), "--check"],
                               cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    assert (completed.returncode, completed.stderr) == (0, b""), completed.stdout.decode()


@pytest.mark.parametrize("code", generator.PLOT_RULES)
def test_the_plot_is_committed_and_shown_on_its_pages(code):
    tree = ElementTree.parse(str(generator.PLOT))
    assert tree.getroot().tag == "{http://www.w3.org/2000/svg}svg"
    page = (generator.PAGES / f"{code}.md").read_text(encoding="utf-8")
    assert f"]({generator.PLOT.name})" in page
    assert page.index(f"]({generator.PLOT.name})") > page.index("## Why is this bad") > 0
    assert page.index(f"]({generator.PLOT.name})") < page.index("## Example")


def test_the_plot_shows_what_the_pages_say():
    """The numbers behind the picture (needs numpy, a development dependency: `pip install -e ".[docs]"`)."""
    pytest.importorskip("numpy", reason="numpy is not installed, so the plot's numbers cannot be recomputed "
                                        "(pip install -e \".[docs]\")")
    profile = generator.depth_profile()
    normal, glorot, he = (profile[label] for label, _, _ in generator.PLOT_INITS)
    assert len(normal) == len(glorot) == len(he) == generator.PLOT_DEPTH
    assert normal[0] == pytest.approx(28, rel=0.05)  # sqrt(784): "28x the input scale"
    assert normal[2] / normal[1] == pytest.approx(11.3, rel=0.1)  # sqrt(256 / 2) per layer
    per_layer = (glorot[-1] / glorot[1]) ** (1 / (generator.PLOT_DEPTH - 2))
    assert per_layer == pytest.approx(0.5 ** 0.5, abs=0.03)  # variance x0.5 per layer
    assert glorot[-1] < 1e-3 and all(0.7 < value < 2 for value in he)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_explain_prints_every_section(main, rule):
    result = main("--explain", rule.code)
    assert result.returncode == 0
    for title, body in generator.sections(rule.documentation()):
        assert f"## {title}" in result.stdout and body in result.stdout, f"{rule.code}: --explain lacks {title}"
    assert f"Documentation: https://github.com/OWNER/initlint/blob/main/docs/rules/{rule.code}.md" in result.stdout
