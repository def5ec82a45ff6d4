"""The GitHub Action (action.yml), run step by step as a runner would: a temporary GITHUB_PATH,
GITHUB_OUTPUT and RUNNER_TEMP, `${{ }}` expressions filled in, the `uses:` steps stood in for
(setup-python: this interpreter; cache: a hit or a miss). Checks that the job's PATH gains only
the `initlint` command, that one initlint run writes both reports, and that `args` quoting holds."""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from .conftest import CLEAN, REPO, ZERO_KERNEL, _environment, initlint_command, write

ACTION = REPO / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONDITION = re.compile(r"^(\S+)\s*(==|!=)\s*'([^']*)'$")


def _yaml():
    return pytest.importorskip("yaml")


def _bash() -> str:
    found = shutil.which("bash")
    if found is None or os.name == "nt":
        if os.environ.get("CI"):
            pytest.fail("CI must run this test: bash is needed to run the action's steps")
        pytest.skip("bash is needed to run the action's steps")
    return found


def _action() -> Dict:
    return _yaml().safe_load(ACTION.read_text(encoding="utf-8"))


class Runner:
    """Just enough of a GitHub Actions runner for this composite action."""

    def __init__(self, tmp_path: Path, action_path: Path, inputs: Dict[str, str], cache_hit: bool):
        self.action = _action()
        self.action_path = action_path
        self.inputs = {name: str(spec.get("default", "")) for name, spec in self.action["inputs"].items()}
        unknown = set(inputs) - set(self.inputs)
        assert not unknown, f"not inputs of the action: {unknown}"
        self.inputs.update(inputs)
        self.cache_hit = cache_hit
        self.temp = tmp_path / "runner_temp"
        self.temp.mkdir()
        self.github_path = tmp_path / "github_path"
        self.github_path.write_text("", encoding="utf-8")
        self.github_env = tmp_path / "github_env"
        self.outputs_dir = tmp_path / "outputs"
        self.outputs_dir.mkdir()
        self.steps: Dict[str, Dict[str, str]] = {}
        self.ran: List[str] = []
        self.base_path = _environment(None)["PATH"]

    def value(self, expression: str) -> str:
        scope, _, rest = expression.partition(".")
        if scope == "inputs":
            return self.inputs[rest]
        if expression == "github.action_path":
            return str(self.action_path)
        if scope == "steps":
            step_id, outputs, name = rest.split(".", 2)
            assert outputs == "outputs", expression
            return self.steps.get(step_id, {}).get(name, "")
        raise AssertionError(f"the test runner does not know the expression {expression!r}")

    def fill(self, text: str) -> str:
        return EXPRESSION.sub(lambda match: self.value(match.group(1)), str(text))

    def condition(self, text: Optional[str]) -> bool:
        if text is None:
            return True
        match = CONDITION.match(EXPRESSION.sub(lambda m: m.group(1), str(text)).strip())
        assert match, f"the test runner does not know the condition {text!r}"
        left, operator, right = match.groups()
        return (self.value(left) == right) == (operator == "==")

    def path(self) -> str:
        added = [line for line in self.github_path.read_text(encoding="utf-8").splitlines() if line]
        return os.pathsep.join(list(reversed(added)) + [self.base_path])

    def run(self, workspace: Path) -> Dict[str, subprocess.CompletedProcess]:
        results = {}
        for step in self.action["runs"]["steps"]:
            name = step["name"]
            if not self.condition(step.get("if")):
                continue
            self.ran.append(name)
            if "uses" in step:
                self.steps[step.get("id", name)] = self.uses(step)
                continue
            assert step.get("shell") == "bash", name
            assert "${{" not in step["run"], f"{name}: inputs must reach the script through env"
            output = self.outputs_dir / f"{len(self.ran)}.txt"
            output.write_text("", encoding="utf-8")
            env = _environment(None)
            env.update({key: self.fill(value) for key, value in step.get("env", {}).items()})
            env.update({"PATH": self.path(), "GITHUB_OUTPUT": str(output), "GITHUB_PATH": str(self.github_path),
                        "GITHUB_ENV": str(self.github_env), "RUNNER_TEMP": str(self.temp),
                        "GITHUB_WORKSPACE": str(workspace), "GITHUB_ACTIONS": "true"})
            result = subprocess.run([_bash(), "-c", step["run"]], cwd=str(workspace), env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
            results[name] = result
            if "id" in step:
                self.steps[step["id"]] = dict(
                    line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
            if result.returncode != 0:
                break  # a failed step ends the job
        return results

    def uses(self, step: Dict) -> Dict[str, str]:
        action = step["uses"].split("@")[0]
        with_ = {key: self.fill(value) for key, value in step.get("with", {}).items()}
        if action == "actions/setup-python":
            # the job's PATH must not change: no python/pip of the action's on it
            assert str(step["with"]["update-environment"]).lower() == "false"
            assert with_["python-version"]
            return {"python-path": sys.executable, "python-version": "%d.%d.%d" % sys.version_info[:3]}
        if action == "actions/cache":
            assert with_["key"].startswith("initlint-") and with_["path"] == str(self.temp / "initlint-venv")
            return {"cache-hit": "true" if self.cache_hit else "false"}
        raise AssertionError(f"the test runner cannot stand in for {step['uses']}")


def _fake_restored_venv(runner: Runner, log: Path) -> None:
    """What a cache hit restores: a venv whose `initlint` is this checkout's, logging each call."""
    bin_dir = runner.temp / "initlint-venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "pip", "pytest"):  # a venv's other commands: they must not reach PATH
        (bin_dir / name).write_text("#!/bin/sh\nexit 99\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    quoted = " ".join("'" + part.replace("'", "'\\''") + "'" for part in initlint_command())
    shim = bin_dir / "initlint"
    shim.write_text(f'#!/bin/sh\necho "$*" >> \'{log}\'\nexec {quoted} "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _which_all(path: str, names: List[str]) -> Dict[str, Optional[str]]:
    return {name: shutil.which(name, path=path) for name in names}


def test_action_manifest():
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"args", "version", "annotations", "sarif-file", "python-version"}
    for name, spec in action["inputs"].items():
        assert spec["description"] and spec.get("required") is False, name
    uses = [step["uses"].split("@")[0] for step in action["runs"]["steps"] if "uses" in step]
    assert uses == ["actions/setup-python", "actions/cache"]


@pytest.fixture
def project(tmp_path) -> Path:
    workspace = tmp_path / "workspace"
    write(workspace, {"models dir/m.py": ZERO_KERNEL, "ok.py": CLEAN, "other/m.py": ZERO_KERNEL})
    (workspace / ".git").mkdir()
    return workspace


def test_only_initlint_is_added_and_one_run_writes_both_reports(tmp_path, project):
    runner = Runner(tmp_path, REPO, {"args": "'models dir' ok.py --select IL1", "sarif-file": "reports/initlint.sarif"},
                    cache_hit=True)
    log = tmp_path / "calls.log"
    _fake_restored_venv(runner, log)
    before = _which_all(runner.base_path, ["python", "python3", "pip", "pytest"])

    results = runner.run(project)

    assert "Install initlint" not in runner.ran  # the cache hit skips it
    run = results["Run initlint"]
    assert run.returncode == 1, run.stderr.decode()
    # only one directory was added to PATH, and it holds only `initlint`
    (added,) = runner.github_path.read_text(encoding="utf-8").splitlines()
    assert sorted(os.listdir(added)) == ["initlint"]
    assert _which_all(runner.path(), ["python", "python3", "pip", "pytest"]) == before
    assert shutil.which("initlint", path=runner.path()) == os.path.join(added, "initlint")
    assert not runner.github_env.exists()  # no environment variable was set for later steps
    # one analysis run (the other call is `--version`), both reports from it
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[0] == "--version"
    assert calls[1:] == ["models dir ok.py --select IL1 --output-format github --also-output sarif:reports/initlint.sarif"]
    stdout = run.stdout.decode("utf-8")
    assert stdout.startswith("::warning file=models dir/m.py,line=3,endLine=3,col=36,endColumn=56,title=initlint (IL101)::")
    assert stdout.count("\n") == 1  # other/ is not among the args
    sarif = json.loads((project / "reports" / "initlint.sarif").read_text(encoding="utf-8"))
    assert [result["ruleId"] for result in sarif["runs"][0]["results"]] == ["IL101"]
    assert runner.steps["run"] == {"sarif-file": "reports/initlint.sarif"}


def test_quoting_in_args_is_honoured_and_nothing_is_expanded(tmp_path, project):
    runner = Runner(tmp_path, REPO, {"args": "ok.py \"$(touch pwned)\" '*.py' `touch pwned2`"}, cache_hit=True)
    log = tmp_path / "calls.log"
    _fake_restored_venv(runner, log)
    results = runner.run(project)
    assert not (project / "pwned").exists() and not (project / "pwned2").exists()
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[1] == "ok.py $(touch pwned) *.py `touch pwned2` --output-format github"
    # the made-up paths do not exist: initlint says so and fails, as it must
    assert results["Run initlint"].returncode == 1
    assert runner.steps["run"] == {"sarif-file": ""}


def test_unclosed_quote_and_nothing_to_report_are_errors(tmp_path, project):
    runner = Runner(tmp_path, REPO, {"args": "'ok.py"}, cache_hit=True)
    _fake_restored_venv(runner, tmp_path / "calls.log")
    run = runner.run(project)["Run initlint"]
    assert run.returncode == 2
    assert run.stdout.decode().startswith("::error title=initlint::cannot split the args input")

    (tmp_path / "second").mkdir()
    runner = Runner(tmp_path / "second", REPO, {"annotations": "false"}, cache_hit=True)
    _fake_restored_venv(runner, tmp_path / "calls2.log")
    assert runner.run(project)["Run initlint"].returncode == 2


def test_sarif_only_and_a_clean_run(tmp_path, project):
    write(project, {"models dir/m.py": CLEAN, "other/m.py": CLEAN})
    runner = Runner(tmp_path, REPO, {"annotations": "false", "sarif-file": "initlint.sarif"}, cache_hit=True)
    _fake_restored_venv(runner, tmp_path / "calls.log")
    run = runner.run(project)["Run initlint"]
    assert run.returncode == 0, run.stderr.decode()
    assert run.stdout == b""
    assert json.loads((project / "initlint.sarif").read_text(encoding="utf-8"))["runs"][0]["results"] == []


def test_cache_key_follows_the_sources(tmp_path):
    sys.path.insert(0, str(REPO / "action"))
    try:
        import initlint_action
    finally:
        sys.path.pop(0)
    root = tmp_path / "src"
    write(root, {"pyproject.toml": "x", "initlint/a.py": "1"})
    first = initlint_action.cache_key("", root)
    assert initlint_action.cache_key("", root) == first
    write(root, {"initlint/a.py": "2"})
    assert initlint_action.cache_key("", root) != first
    assert initlint_action.cache_key("0.1.0", root).endswith("-v0.1.0")
    assert initlint_action.install_spec("0.1.0", root) == "initlint==0.1.0"
    assert initlint_action.install_spec("", root) == str(root)


def _copy_of_the_checkout(destination: Path) -> Path:
    destination.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE", "action.yml"):
        shutil.copy2(REPO / name, destination / name)
    for name in ("initlint", "action"):
        shutil.copytree(REPO / name, destination / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    return destination


@pytest.mark.slow
def test_a_cache_miss_installs_then_runs(tmp_path, project):
    """The real install: a virtual environment and `pip install` of the action's checkout."""
    action_path = _copy_of_the_checkout(tmp_path / "action")
    runner = Runner(tmp_path, action_path, {"args": ".", "sarif-file": "out.sarif"}, cache_hit=False)
    before = _which_all(runner.base_path, ["python", "python3", "pip", "pytest"])
    results = runner.run(project)
    assert "Install initlint" in runner.ran
    install = results["Install initlint"]
    assert install.returncode == 0, install.stderr.decode("utf-8", "replace")[-3000:]
    assert results["Put only initlint on PATH"].stdout.decode().startswith("initlint ")
    (added,) = runner.github_path.read_text(encoding="utf-8").splitlines()
    assert os.listdir(added) == ["initlint"]
    assert _which_all(runner.path(), ["python", "python3", "pip", "pytest"]) == before
    run = results["Run initlint"]
    assert run.returncode == 1, run.stderr.decode()
    assert run.stdout.decode("utf-8").count("::warning file=") == 2
    assert (project / "out.sarif").is_file()
