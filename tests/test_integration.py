"""pre-commit and GitHub Action integration: --force-exclude, the hook manifest, the action, and
end-to-end runs of the real `pre-commit` tool and of the action's steps (marked slow: they install
packages from the registry; CI runs them)."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from .conftest import CLEAN, REPO, ZERO_KERNEL, _environment, codes_by_file, initlint_command, write

HOOKS = REPO / ".pre-commit-hooks.yaml"
NOTEBOOK = REPO / "fixtures" / "notebooks" / "zero_kernel.ipynb"
ACTION = REPO / "action.yml"
# What a hook repository needs to install initlint (pip builds it from these).
PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml", "action.yml")


def _yaml():
    return pytest.importorskip("yaml")


def _require(condition: bool, reason: str) -> None:
    """Skip when a tool is missing on a developer's machine; fail in CI, which must run the test."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this test: {reason}")
        pytest.skip(reason)


# ---------------------------------------------------------------------------------------------
# --force-exclude


def test_force_exclude_applies_excludes_to_named_files(run, tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.initlint]\nextend-exclude = ["generated/", "legacy_*.py"]\n',
        "generated/deep/m.py": ZERO_KERNEL,
        "legacy_model.py": ZERO_KERNEL,
        "build/m.py": ZERO_KERNEL,  # a default exclude
        "model.py": ZERO_KERNEL,
    })
    named = ["generated/deep/m.py", "legacy_model.py", "build/m.py", "model.py"]
    assert sorted(codes_by_file(run("--output-format", "json", *named))) == sorted(named)
    forced = run("--output-format", "json", "--force-exclude", *named)
    assert forced.returncode == 1
    assert sorted(codes_by_file(forced)) == ["model.py"]
    # an excluded directory named explicitly is skipped too
    alone = run("--force-exclude", "generated", "legacy_model.py")
    assert alone.returncode == 0, alone.stdout
    # the configuration can turn it on; the command line can turn it off again
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\nextend-exclude = ["generated/"]\nforce-exclude = true\n'})
    assert run("generated/deep/m.py").returncode == 0
    assert run("--no-force-exclude", "generated/deep/m.py").returncode == 1


def test_force_exclude_and_stdin_filename(run, tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\nextend-exclude = ["generated/"]\n'})
    assert run("-", "--stdin-filename", "generated/m.py", stdin=ZERO_KERNEL).returncode == 1
    excluded = run("-", "--stdin-filename", "generated/m.py", "--force-exclude", stdin=ZERO_KERNEL)
    assert excluded.returncode == 0
    assert "IL101" not in excluded.stdout
    kept = run("-", "--stdin-filename", "src/m.py", "--force-exclude", stdin=ZERO_KERNEL)
    assert kept.returncode == 1


def test_force_exclude_must_be_a_boolean(run, tmp_path):
    write(tmp_path, {"initlint.toml": 'force-exclude = "yes"\n', "m.py": CLEAN})
    result = run()
    assert result.returncode == 2
    assert "`force-exclude` must be true or false, not a string" in result.stderr


# ---------------------------------------------------------------------------------------------
# The hook manifest and the action


def test_pre_commit_hooks_manifest():
    hooks = {hook["id"]: hook for hook in _yaml().safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert sorted(hooks) == ["initlint", "initlint-fix"]
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi", "jupyter"]
        assert hook["require_serial"] is True
        assert "--force-exclude" in hook["entry"].split()
        assert hook["entry"].split()[0] == "initlint"
    assert "--fix" not in hooks["initlint"]["entry"].split()
    assert "--fix" in hooks["initlint-fix"]["entry"].split()
    if importlib.util.find_spec("pre_commit") is not None:
        from pre_commit.clientlib import load_manifest

        assert [hook["id"] for hook in load_manifest(str(HOOKS))] == ["initlint", "initlint-fix"]


def _action() -> Dict:
    return _yaml().safe_load(ACTION.read_text(encoding="utf-8"))


def test_action_manifest():
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"args", "version", "sarif-file"}
    for name, spec in action["inputs"].items():
        assert spec["description"] and spec.get("required") is False, name
    steps = action["runs"]["steps"]
    assert all(step.get("shell") == "bash" for step in steps if "run" in step)
    script = "\n".join(step["run"] for step in steps)
    assert "--output-format github" in script and "--output-format sarif" in script
    # inputs reach the scripts through the environment, never pasted into the script text
    assert "${{" not in script


def _step(name: str) -> str:
    return next(step["run"] for step in _action()["runs"]["steps"] if step["name"] == name)


def _bash() -> str:
    found = shutil.which("bash")
    _require(found is not None and os.name != "nt", "bash is needed to run the action's steps")
    return found


def _shim(directory: Path, command: List[str]) -> Path:
    """An `initlint` executable on PATH that runs `command` (the installed one, or python -m)."""
    directory.mkdir(parents=True, exist_ok=True)
    shim = directory / "initlint"
    quoted = " ".join("'" + part.replace("'", "'\\''") + "'" for part in command)
    shim.write_text(f'#!/bin/sh\nexec {quoted} "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return directory


def _run_step(script: str, cwd: Path, env: Dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([_bash(), "-c", script], cwd=str(cwd), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=900)


def _action_env(tmp_path: Path, bin_dir: Path, **extra: str) -> Dict[str, str]:
    env = _environment(None)
    env["PATH"] = str(bin_dir) + os.pathsep + env.get("PATH", "")
    env["GITHUB_OUTPUT"] = str(tmp_path / "github_output")
    env["GITHUB_PATH"] = str(tmp_path / "github_path")
    env["RUNNER_TEMP"] = str(tmp_path / "runner_temp")
    (tmp_path / "runner_temp").mkdir(exist_ok=True)
    env.update(extra)
    return env


@pytest.mark.parametrize("sarif", [True, False])
def test_action_run_step(tmp_path, sarif):
    project = tmp_path / "project"
    write(project, {"models/m.py": ZERO_KERNEL, "ok.py": CLEAN, "other/m.py": ZERO_KERNEL})
    (project / ".git").mkdir()
    bin_dir = _shim(tmp_path / "bin", initlint_command())
    env = _action_env(tmp_path, bin_dir, INITLINT_ARGS="  models   ok.py ",
                      INITLINT_SARIF_FILE="reports/initlint.sarif" if sarif else "")
    result = _run_step(_step("Run initlint"), project, env)
    stdout = result.stdout.decode("utf-8")
    assert result.returncode == 1, result.stderr
    assert stdout.startswith("::warning file=models/m.py,line=3,endLine=3,col=36,endColumn=56,title=initlint (IL101)::")
    assert stdout.count("\n") == 1  # only the paths given in args
    outputs = (tmp_path / "github_output").read_text(encoding="utf-8")
    if sarif:
        log = json.loads((project / "reports" / "initlint.sarif").read_text(encoding="utf-8"))
        assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["IL101"]
        assert "sarif-file=reports/initlint.sarif" in outputs.splitlines()
    else:
        assert not (project / "reports").exists()
        assert "sarif-file=" in outputs.splitlines()
    # a clean run passes
    write(project, {"models/m.py": CLEAN})
    assert _run_step(_step("Run initlint"), project, env).returncode == 0


def _hook_repository(destination: Path) -> Path:
    """A copy of this working tree, committed in a fresh git repository (pre-commit clones hook
    repositories at a commit; uncommitted or untracked files would be missed)."""
    destination.mkdir(parents=True)
    for name in PACKAGE_FILES:
        if (REPO / name).exists():
            shutil.copy2(REPO / name, destination / name)
    shutil.copytree(REPO / "initlint", destination / "initlint",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    _git(destination, "init", "-q")
    _git(destination, "add", "-A")
    _git(destination, "commit", "-q", "-m", "initlint under test")
    return destination


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=initlint tests", "-c", "user.email=tests@initlint.invalid",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", "-c", "core.hooksPath=/dev/null", *args],
        cwd=str(cwd), check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
    )


@pytest.mark.slow
def test_action_install_step_then_run(tmp_path):
    """The action's own install step (a virtual environment, `pip install` of the action's
    checkout), then its run step with what it put on GITHUB_PATH."""
    bash = _bash()
    action_path = tmp_path / "action"
    _hook_repository(action_path)
    env = _action_env(tmp_path, tmp_path / "nothing", INITLINT_VERSION="", INITLINT_ACTION_PATH=str(action_path))
    install = subprocess.run([bash, "-c", _step("Install initlint")], cwd=str(tmp_path), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
    assert install.returncode == 0, install.stderr.decode("utf-8", "replace")[-3000:]
    assert install.stdout.decode("utf-8").strip().startswith("initlint ")
    (bin_dir,) = (tmp_path / "github_path").read_text(encoding="utf-8").splitlines()
    project = tmp_path / "project"
    write(project, {"m.py": ZERO_KERNEL})
    (project / ".git").mkdir()
    run_env = _action_env(tmp_path, Path(bin_dir), INITLINT_ARGS=".", INITLINT_SARIF_FILE="out.sarif")
    result = _run_step(_step("Run initlint"), project, run_env)
    assert result.returncode == 1, result.stderr
    assert result.stdout.decode("utf-8").startswith("::warning file=m.py,line=3,")
    assert (project / "out.sarif").is_file()


# ---------------------------------------------------------------------------------------------
# The real pre-commit


def _pre_commit(project: Path, hook_repo: Path) -> subprocess.CompletedProcess:
    env = _environment(None)
    env.pop("PRE_COMMIT", None)
    env["PRE_COMMIT_COLOR"] = "never"
    env["PRE_COMMIT_HOME"] = str(project.parent / "pre-commit-home")
    env.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@initlint.invalid",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@initlint.invalid"})
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "initlint", "--all-files"],
        cwd=str(project), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1200,
    )


@pytest.mark.slow
def test_pre_commit_try_repo(tmp_path):
    _require(importlib.util.find_spec("pre_commit") is not None, "pre-commit is not installed (the test extra)")
    _require(shutil.which("git") is not None, "git is not installed")
    hook_repo = _hook_repository(tmp_path / "hooks")

    project = tmp_path / "project"
    write(project, {
        "pyproject.toml": '[tool.initlint]\nextend-exclude = ["generated/"]\n',
        "model.py": ZERO_KERNEL,
        "generated/model.py": ZERO_KERNEL,  # excluded: pre-commit names it, --force-exclude skips it
        "notes.txt": "not python\n",
        "nb.ipynb": NOTEBOOK.read_text(encoding="utf-8"),
    })
    _git(project, "init", "-q")
    _git(project, "add", "-A")

    failed = _pre_commit(project, hook_repo)
    output = failed.stdout.decode("utf-8", "replace")
    assert failed.returncode == 1, output
    assert "model.py:3:36: IL101 [warning] zero-initialized kernel" in output, output
    assert "generated/model.py" not in output, output
    assert "nb.ipynb:cell 3:6:9: IL101" in output, output  # notebooks are hooked too (types_or: jupyter)
    assert "Failed" in output

    write(project, {"model.py": ZERO_KERNEL.replace("initializers.Zeros()", "initializers.HeNormal()"),
                    "nb.ipynb": NOTEBOOK.read_text(encoding="utf-8").replace("nn.init.zeros_(self.fc1.weight)", "pass")})
    _git(project, "add", "-A")
    passed = _pre_commit(project, hook_repo)
    output = passed.stdout.decode("utf-8", "replace")
    assert passed.returncode == 0, output
    assert "Passed" in output and "IL101" not in output
