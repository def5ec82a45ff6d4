"""Every diagnostic of the shared acceptance examples appears exactly once in each CI format, at
the positions the json format gives (1-based rows and columns)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from typing import Any, Dict, List, Tuple
from xml.etree import ElementTree

import pytest

from .conftest import Result, _environment, initlint_command
from .shared import shared_path
from .test_report_formats import parse_github

ACCEPTANCE = shared_path("acceptance")

# (path, row, column, end row, end column, code); columns None where a format cannot carry them.
Key = Tuple[str, int, Any, int, Any, str]


@pytest.fixture(scope="module")
def acceptance_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("acceptance") / "acceptance"
    shutil.copytree(ACCEPTANCE, root)
    (root / ".git").mkdir()  # the repository root: paths are relative to it

    def run(*args: str) -> Result:
        completed = subprocess.run(
            initlint_command() + list(args) + ["."],
            cwd=str(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment(None), timeout=300,
        )
        return Result(completed.returncode, completed.stdout.decode("utf-8"), completed.stderr.decode("utf-8"))

    reference = run("--output-format", "json")
    assert reference.returncode == 1, reference.stderr
    items = reference.json()
    assert items, "the acceptance examples should have findings"
    return run, items


def _expected(items: List[Dict[str, Any]], columns: bool = True, multiline_columns: bool = True) -> Counter:
    out: Counter = Counter()
    for item in items:
        start, end = item["location"], item["end_location"]
        keep = columns and (multiline_columns or start["row"] == end["row"])
        out[(item["filename"], start["row"], start["column"] if keep else None, end["row"],
             end["column"] if keep else None, item["code"])] += 1
    return out


def test_json_lines(acceptance_run):
    run, items = acceptance_run
    result = run("--output-format", "json-lines")
    assert result.returncode == 1
    assert [json.loads(line) for line in result.stdout.splitlines()] == items


def test_github(acceptance_run):
    run, items = acceptance_run
    result = run("--output-format", "github")
    assert result.returncode == 1
    found: Counter = Counter()
    for command in parse_github(result.stdout):
        code = re.fullmatch(r"initlint \((IL\d+)\)", command["title"]).group(1)
        col = int(command["col"]) if "col" in command else None
        end_col = int(command["endColumn"]) if "endColumn" in command else None
        found[(command["file"], int(command["line"]), col, int(command["endLine"]), end_col, code)] += 1
    assert found == _expected(items, multiline_columns=False)
    by_key = {(i["filename"], i["location"]["row"], i["code"]): i for i in items}
    for command in parse_github(result.stdout):
        code = command["title"][len("initlint ("):-1]
        item = by_key[(command["file"], int(command["line"]), code)]
        assert command["level"] == {"error": "error", "warning": "warning", "info": "notice"}[item["severity"]]
        assert command["message"].startswith(item["message"])


def test_sarif(acceptance_run):
    run, items = acceptance_run
    result = run("--output-format", "sarif")
    assert result.returncode == 1
    found: Counter = Counter()
    for entry in result.json()["runs"][0]["results"]:
        location = entry["locations"][0]["physicalLocation"]
        region = location["region"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        found[(location["artifactLocation"]["uri"], region["startLine"], region["startColumn"], region["endLine"],
               region["endColumn"], entry["ruleId"])] += 1
    assert found == _expected(items)


def test_gitlab(acceptance_run):
    run, items = acceptance_run
    result = run("--output-format", "gitlab")
    assert result.returncode == 1
    issues = result.json()
    found = Counter((i["location"]["path"], i["location"]["lines"]["begin"], None, i["location"]["lines"]["end"], None,
                     i["check_name"]) for i in issues)
    assert found == _expected(items, columns=False)
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_junit(acceptance_run):
    run, items = acceptance_run
    result = run("--output-format", "junit")
    assert result.returncode == 1
    suites = ElementTree.fromstring(result.stdout.encode("utf-8"))
    found: Counter = Counter()
    for suite in suites.findall("testsuite"):
        for case in suite.findall("testcase"):
            failure = case.find("failure")
            match = re.match(r"(.+):(\d+):(\d+): (IL\d+) ", failure.text)
            assert match and match.group(1) == suite.get("name") == case.get("file")
            assert int(match.group(2)) == int(case.get("line"))
            found[(match.group(1), int(match.group(2)), int(match.group(3)), match.group(4))] += 1
    assert found == Counter(
        (i["filename"], i["location"]["row"], i["location"]["column"], i["code"]) for i in items
    )
