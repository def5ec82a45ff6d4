"""The CI formats: github, sarif, gitlab, junit, json-lines (in process and through the command)."""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Dict, List, Tuple
from xml.etree import ElementTree

import pytest

from initlint.diagnostics import Diagnostic, Edit, Fix
from initlint.facts import Span
from initlint.report import FORMATS, Report, render
from initlint.report.fingerprints import normalize
from initlint.report.github import escape_data, escape_property
from initlint.report.paths import RepoPaths, repository_root
from initlint.rules import ALL_RULES

from .conftest import BROKEN, CLEAN, REPO, ZERO_KERNEL, write
from .shared import shared_path

SCHEMA_PATH = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
CI_FORMATS = ("github", "sarif", "gitlab", "junit", "json-lines")

# A multi-line initializer call: the reported range spans lines 5-6.
MULTILINE = (
    "import tensorflow as tf\n"
    "from tensorflow.keras import layers, initializers\n"
    "layers.Dense(\n"
    "    3,\n"
    "    kernel_initializer=initializers.Constant(\n"
    "        0.0),\n"
    ")\n"
)
# Two identical lines with the same finding: fingerprints must still differ (occurrence counter).
TWICE = (
    "import tensorflow as tf\n"
    "from tensorflow.keras import layers, initializers\n"
    "layers.Dense(3, kernel_initializer=initializers.Zeros())\n"
    "layers.Dense(3, kernel_initializer=initializers.Zeros())\n"
)


def _repo(root: Path) -> Path:
    """Make `root` a repository root (what matters is the `.git` entry)."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    return root


def _diagnostic(code="IL101", message="zero kernel", severity="error", filename="pkg/m.py",
                span=Span(3, 5, 3, 20), hint="use He", fix=None) -> Diagnostic:
    return Diagnostic(code, message, severity, filename, span, hint, fix=fix, noqa_row=span.row)


def _sha(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Registry


def test_formats_are_registered():
    assert set(FORMATS) >= {"text", "concise", "full", "json", *CI_FORMATS}
    for name in CI_FORMATS:
        assert callable(__import__("initlint.report", fromlist=["get_renderer"]).get_renderer(name))


def test_empty_report_in_every_format(tmp_path):
    report = Report([], cwd=str(tmp_path))
    assert render(report, "github") == ""
    assert render(report, "json-lines") == ""
    assert json.loads(render(report, "gitlab")) == []
    assert json.loads(render(report, "sarif"))["runs"][0]["results"] == []
    suites = ElementTree.fromstring(render(report, "junit"))
    assert suites.get("failures") == "0"
    assert [case.get("name") for case in suites.iter("testcase")] == ["No diagnostics found"]


# ---------------------------------------------------------------------------------------------
# Repository-relative paths


def test_repository_root(tmp_path):
    root = _repo(tmp_path / "repo")
    (root / "a" / "b").mkdir(parents=True)
    assert repository_root(str(root / "a" / "b")) == str(root)
    assert repository_root(str(root)) == str(root)
    # a `.git` file (worktree, submodule) counts too
    (root / "a" / ".git").write_text("gitdir: elsewhere\n")
    assert repository_root(str(root / "a" / "b")) == str(root / "a")
    # no repository anywhere above: the start directory itself
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    if not _has_git_above(lonely):
        assert repository_root(str(lonely)) == str(lonely)


def _has_git_above(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in [path, *path.parents])


def test_repo_paths(tmp_path):
    root = _repo(tmp_path / "repo")
    sub = root / "sub"
    sub.mkdir()
    paths = RepoPaths(str(sub))
    assert paths.root == str(root)
    assert paths.relative("m.py") == "sub/m.py"
    assert paths.relative("deep/er/m.py") == "sub/deep/er/m.py"
    assert paths.relative("../top.py") == "top.py"
    outside = str(tmp_path / "elsewhere" / "x.py")
    assert paths.relative(outside) == outside.replace(os.sep, "/")
    assert not paths.inside(outside)


# ---------------------------------------------------------------------------------------------
# github


def test_github_exact_content(tmp_path):
    _repo(tmp_path)
    report = Report(
        [
            _diagnostic(),
            _diagnostic(code="IL301", severity="warning", message="std 1 is 20x\nthe He std", span=Span(5, 9, 7, 2),
                        hint="use 0.05 (50%)"),
            _diagnostic(code="IL201", severity="info", message="Glorot feeding ReLU", span=Span(9, 1, 9, 9), hint=""),
        ],
        cwd=str(tmp_path / "src"),
    )
    assert render(report, "github") == (
        "::error file=src/pkg/m.py,line=3,endLine=3,col=5,endColumn=20,title=initlint (IL101)"
        "::zero kernel%0Ahelp: use He\n"
        # a range over several lines: no columns
        "::warning file=src/pkg/m.py,line=5,endLine=7,title=initlint (IL301)"
        "::std 1 is 20x%0Athe He std%0Ahelp: use 0.05 (50%25)\n"
        "::notice file=src/pkg/m.py,line=9,endLine=9,col=1,endColumn=9,title=initlint (IL201)::Glorot feeding ReLU\n"
    )


def test_github_escaping():
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    # `%` first: an already escaped-looking sequence stays literal
    assert escape_property("%0A") == "%250A"


COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def parse_github(output: str) -> List[Dict[str, str]]:
    """Each line as GitHub's runner reads it; fails when a line is not exactly one command."""
    out = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        assert match, line
        properties = {}
        for item in match.group(2).split(","):
            name, _, value = item.partition("=")
            assert name not in properties, line
            properties[name] = _unescape(value)
        properties["level"] = match.group(1)
        properties["message"] = _unescape(match.group(3))
        out.append(properties)
    return out


def _unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def test_github_file_name_cannot_inject_a_command(run, tmp_path):
    _repo(tmp_path)
    name = "a::b,c.py"
    try:
        write(tmp_path, {name: ZERO_KERNEL})
    except OSError:  # pragma: no cover - file systems that refuse ':'
        pytest.skip("this file system cannot hold the name")
    result = run("--output-format", "github", name)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::warning file=a%3A%3Ab%2Cc.py,line=3,endLine=3,col=36,endColumn=56,")
    assert lines[0].count("::") == 2  # the command's own two
    (parsed,) = parse_github(result.stdout)
    assert set(parsed) == {"file", "line", "endLine", "col", "endColumn", "title", "level", "message"}
    assert parsed["file"] == name
    assert parsed["title"] == "initlint (IL101)"


def test_github_message_cannot_inject_a_command(tmp_path):
    _repo(tmp_path)
    evil = _diagnostic(message="x\n::error file=evil.py::owned\r\n%0A", filename="p,q:r.py", hint="")
    output = render(Report([evil], cwd=str(tmp_path)), "github")
    assert output.count("\n") == 1
    (parsed,) = parse_github(output)
    assert parsed["file"] == "p,q:r.py"
    assert parsed["message"] == "x\n::error file=evil.py::owned\r\n%0A"


def test_github_paths_are_relative_to_the_repository_root(run, tmp_path):
    _repo(tmp_path)
    write(tmp_path, {"pkg/sub/m.py": ZERO_KERNEL, "pkg/multi.py": MULTILINE})
    result = run("--output-format", "github", ".", cwd=tmp_path / "pkg")
    assert result.returncode == 1
    parsed = parse_github(result.stdout)
    assert [(item["file"], item["line"], item["endLine"]) for item in parsed] == [
        ("pkg/multi.py", "5", "6"),
        ("pkg/sub/m.py", "3", "3"),
    ]
    assert "col" not in parsed[0] and "endColumn" not in parsed[0]
    assert parsed[1]["col"] == "36" and parsed[1]["endColumn"] == "56"
    assert [item["level"] for item in parsed] == ["warning", "warning"]


# ---------------------------------------------------------------------------------------------
# gitlab


def test_gitlab_exact_content(tmp_path):
    _repo(tmp_path)
    source = b"import x\n\nlayer = Dense(3,   kernel_initializer='zeros')  \n"
    diagnostics = [
        _diagnostic(),
        _diagnostic(code="IL201", severity="info", message="Glorot", span=Span(3, 9, 4, 2), hint=""),
        _diagnostic(code="IL301", severity="warning", message="big", span=Span(1, 1, 1, 9), filename="other.py"),
    ]
    report = Report(diagnostics, cwd=str(tmp_path), sources={"pkg/m.py": source})
    write(tmp_path, {"other.py": "import torch\n"})  # read from disk: not among the sources
    line3 = "layer = Dense(3, kernel_initializer='zeros')"
    assert json.loads(render(report, "gitlab")) == [
        {
            "type": "issue",
            "description": "IL301 big",
            "check_name": "IL301",
            "content": {"body": "use He"},
            "categories": ["Bug Risk"],
            "fingerprint": _sha("initlint", "other.py", "IL301", "import torch", "1"),
            "severity": "major",
            "location": {"path": "other.py", "lines": {"begin": 1, "end": 1}},
        },
        {
            "type": "issue",
            "description": "IL101 zero kernel",
            "check_name": "IL101",
            "content": {"body": "use He"},
            "categories": ["Bug Risk"],
            "fingerprint": _sha("initlint", "pkg/m.py", "IL101", line3, "1"),
            "severity": "critical",
            "location": {"path": "pkg/m.py", "lines": {"begin": 3, "end": 3}},
        },
        {
            "type": "issue",
            "description": "IL201 Glorot",
            "check_name": "IL201",
            "content": {"body": "glorot-lecun-with-relu"},
            "categories": ["Bug Risk"],
            "fingerprint": _sha("initlint", "pkg/m.py", "IL201", line3, "1"),
            "severity": "info",
            "location": {"path": "pkg/m.py", "lines": {"begin": 3, "end": 4}},
        },
    ]


def test_gitlab_fingerprints_are_unique_on_identical_lines(run, tmp_path):
    _repo(tmp_path)
    write(tmp_path, {"m.py": TWICE, "n.py": TWICE})
    issues = run("--output-format", "gitlab").json()
    assert len(issues) == 4
    assert len({issue["fingerprint"] for issue in issues}) == 4
    assert {issue["severity"] for issue in issues} <= {"info", "minor", "major", "critical", "blocker"}


# ---------------------------------------------------------------------------------------------
# Fingerprints stay when a line is inserted above


def _fingerprints(run, tmp_path) -> Tuple[List[str], List[str], List[int]]:
    sarif = run("--output-format", "sarif").json()
    results = sarif["runs"][0]["results"]
    hashes = [result["partialFingerprints"]["primaryLocationLineHash"] for result in results]
    rows = [result["locations"][0]["physicalLocation"]["region"]["startLine"] for result in results]
    gitlab = [issue["fingerprint"] for issue in run("--output-format", "gitlab").json()]
    return hashes, gitlab, rows


def test_fingerprints_are_stable_when_a_line_is_inserted_above(run, tmp_path):
    _repo(tmp_path)
    write(tmp_path, {"m.py": TWICE + MULTILINE.split("\n", 2)[2]})
    before = _fingerprints(run, tmp_path)
    assert len(before[0]) == 3
    assert len(set(before[0])) == 3 and len(set(before[1])) == 3
    assert all(re.fullmatch(r"[0-9a-f]{16}:\d+", value) for value in before[0])
    text = (tmp_path / "m.py").read_text()
    write(tmp_path, {"m.py": "# a new comment\n\nimport os  # and an import\n" + text.replace("\n", "\n\n", 1)})
    after = _fingerprints(run, tmp_path)
    assert after[2] == [row + 4 for row in before[2]]  # the findings moved...
    assert after[:2] == before[:2]  # ...their fingerprints did not
    # changing the reported line itself changes the fingerprint
    write(tmp_path, {"m.py": text.replace("Dense(3, kernel", "Dense(4, kernel", 1)})
    changed = _fingerprints(run, tmp_path)
    assert changed[0][0] not in before[0]
    assert changed[0][1] == before[0][0]  # the other identical line is now the first occurrence
    assert changed[0][2] == before[0][2]


# ---------------------------------------------------------------------------------------------
# sarif


@pytest.fixture(scope="module")
def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=jsonschema.FormatChecker())


def _assert_valid(validator, log) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors[:10])


def test_sarif_schema_copy_is_the_official_one():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    shared = shared_path("schemas", "sarif-schema-2.1.0.json")
    assert json.loads(shared.read_text(encoding="utf-8")) == schema


def test_sarif_validates_and_describes_every_rule(run, tmp_path, sarif_validator):
    _repo(tmp_path)
    for path in (REPO / "fixtures").rglob("*.py"):
        write(tmp_path, {str(path.relative_to(REPO)): path.read_text(encoding="utf-8")})
    write(tmp_path, {"broken.py": BROKEN, "multi.py": MULTILINE, "ok.py": CLEAN, "dir with space/m%1.py": ZERO_KERNEL})
    result = run("--output-format", "sarif")
    assert result.returncode == 1, result.stderr
    log = result.json()
    _assert_valid(sarif_validator, log)
    assert log["version"] == "2.1.0"
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "initlint"
    assert driver["version"] == __import__("initlint").__version__
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == sorted(rule.code for rule in ALL_RULES)
    for descriptor in driver["rules"]:
        assert descriptor["name"]
        assert descriptor["shortDescription"]["text"]
        assert 0 < len(descriptor["fullDescription"]["text"]) <= 1024
        assert "## Why is this bad" in descriptor["help"]["markdown"]
        assert descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert descriptor["properties"]["tags"][0] == "initialization" and len(descriptor["properties"]["tags"]) >= 2
    # the root, and results relative to it
    root_uri = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root_uri.startswith("file:///") and root_uri.endswith("/")
    results = sarif_run["results"]
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results}
    assert {"broken.py", "multi.py", "fixtures/torch/mlp.py", "dir%20with%20space/m%251.py"} <= uris
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert result["level"] in ("error", "warning", "note")
        assert "primaryLocationLineHash" in result["partialFingerprints"]
    multi = next(r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "multi.py")
    assert multi["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5, "startColumn": 24, "endLine": 6, "endColumn": 13,
    }


def test_sarif_renders_fixes(tmp_path, sarif_validator):
    _repo(tmp_path)
    fix = Fix("unsafe", "Use `HeNormal()`", (Edit("HeNormal()", Span(3, 30, 3, 37)), Edit("", Span(1, 1, 2, 1))))
    with_fix = _diagnostic(code="IL201", severity="info", span=Span(3, 30, 3, 37), fix=fix)
    without = _diagnostic(span=Span(4, 1, 4, 5))
    report = Report([with_fix, without], cwd=str(tmp_path), sources={"pkg/m.py": b"a\nb\nc\nd\n"})
    log = json.loads(render(report, "sarif"))
    _assert_valid(sarif_validator, log)
    first, second = log["runs"][0]["results"]
    assert "fixes" not in second
    assert first["fixes"] == [
        {
            "description": {"text": "Use `HeNormal()`"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "pkg/m.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": 3, "startColumn": 30, "endLine": 3, "endColumn": 37},
                            "insertedContent": {"text": "HeNormal()"},
                        },
                        {
                            "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 2, "endColumn": 1},
                            "insertedContent": {"text": ""},
                        },
                    ],
                }
            ],
        }
    ]
    assert first["level"] == "note" and second["level"] == "error"
    assert first["message"]["text"] == "zero kernel\nhelp: use He"
    # the json format carries the fix too
    (item, _) = json.loads(render(report, "json"))
    assert item["fix"]["edits"][0] == {
        "content": "HeNormal()", "location": {"row": 3, "column": 30}, "end_location": {"row": 3, "column": 37},
    }
    lines = [json.loads(line) for line in render(report, "json-lines").splitlines()]
    assert lines[0]["fix"] == item["fix"]


def test_sarif_full_description_is_truncated():
    from initlint.report.sarif import rule_descriptor, truncate

    class Long(ALL_RULES[1]):
        __doc__ = (
            "## What it does\nSomething.\n\n## Why is this bad\n" + "Because it is bad.\n" * 200
            + "\n## Example\n```python\nx = 1\n```\n"
        )

    descriptor = rule_descriptor(Long)
    text = descriptor["fullDescription"]["text"]
    assert len(text) <= 1024 and text.endswith("\u2026") and text.startswith("Because it is bad.")
    assert "## Example" in descriptor["help"]["markdown"]
    assert truncate("short") == "short"
    assert len(truncate("x" * 5000)) == 1024


def test_sarif_file_outside_the_repository(tmp_path, sarif_validator):
    _repo(tmp_path / "repo")
    outside = tmp_path / "elsewhere" / "m.py"
    report = Report([_diagnostic(filename=str(outside))], cwd=str(tmp_path / "repo"))
    log = json.loads(render(report, "sarif"))
    _assert_valid(sarif_validator, log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": outside.as_uri()}


# ---------------------------------------------------------------------------------------------
# junit


def test_junit_is_xml_with_one_suite_per_file(run, tmp_path):
    _repo(tmp_path)
    write(tmp_path, {"m.py": TWICE, "sub/n.py": ZERO_KERNEL, "ok.py": CLEAN, "broken.py": BROKEN})
    items = run("--output-format", "json").json()
    result = run("--output-format", "junit")
    assert result.returncode == 1
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    suites = ElementTree.fromstring(result.stdout.encode("utf-8"))
    assert suites.tag == "testsuites"
    assert suites.get("tests") == suites.get("failures") == str(len(items))
    by_suite = {suite.get("name"): suite for suite in suites.findall("testsuite")}
    assert sorted(by_suite) == ["broken.py", "m.py", "sub/n.py"]
    for name, suite in by_suite.items():
        expected = [item for item in items if item["filename"] == name]
        cases = suite.findall("testcase")
        assert suite.get("tests") == suite.get("failures") == str(len(expected)) == str(len(cases))
        for case, item in zip(cases, expected):
            failure = case.find("failure")
            assert failure is not None
            assert failure.get("type") == item["code"]
            assert failure.get("message") == item["message"]
            assert case.get("line") == str(item["location"]["row"])
            assert case.get("file") == name
            assert failure.text.startswith(
                f"{name}:{item['location']['row']}:{item['location']['column']}: {item['code']} [{item['severity']}] "
            )


def test_junit_replaces_characters_xml_cannot_carry(tmp_path):
    report = Report([_diagnostic(message="bad \x00 byte \x1b[31m & <tag>", filename="a\x01.py")], cwd=str(tmp_path))
    suites = ElementTree.fromstring(render(report, "junit").encode("utf-8"))
    failure = next(suites.iter("failure"))
    assert failure.get("message") == "bad \ufffd byte \ufffd[31m & <tag>"
    assert next(suites.iter("testsuite")).get("name") == "a\ufffd.py"


# ---------------------------------------------------------------------------------------------
# json-lines, --output-file


def test_json_lines_matches_json(run, tmp_path):
    write(tmp_path, {"m.py": TWICE, "broken.py": BROKEN, "ok.py": CLEAN})
    items = run("--output-format", "json").json()
    result = run("--output-format", "json-lines")
    assert result.returncode == 1
    assert result.stdout.endswith("\n")
    assert [json.loads(line) for line in result.stdout.splitlines()] == items


@pytest.mark.parametrize("name", CI_FORMATS)
def test_output_file_keeps_the_exit_status(main, tmp_path, name):
    _repo(tmp_path)
    write(tmp_path, {"m.py": ZERO_KERNEL})
    printed = main("--output-format", name)
    written = main("--output-format", name, "--output-file", "reports/out")
    assert printed.returncode == written.returncode == 1
    assert written.stdout == ""
    assert (tmp_path / "reports" / "out").read_text(encoding="utf-8") == printed.stdout
    write(tmp_path, {"m.py": CLEAN})
    assert main("--output-format", name, "--output-file", "reports/out").returncode == 0
    assert main("--output-format", name, "--exit-zero").returncode == 0


def test_output_format_from_the_environment(run, tmp_path):
    _repo(tmp_path)
    write(tmp_path, {"m.py": ZERO_KERNEL})
    result = run(env={"INITLINT_OUTPUT_FORMAT": "github"})
    assert result.stdout.startswith("::warning file=m.py,line=3,")


# ---------------------------------------------------------------------------------------------
# Normalization used by fingerprints


@pytest.mark.parametrize("line, expected", [
    ("  x = f( a,  b )  # c\t", "x = f( a, b ) # c"),
    ("", ""),
    ("\tx\r", "x"),
])
def test_normalize(line, expected):
    assert normalize(line) == expected
