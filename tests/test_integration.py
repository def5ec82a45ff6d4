"""pre-commit integration: --force-exclude, the hook manifest, and end-to-end runs of the real
`pre-commit` tool (marked slow: it installs packages from the registry; CI runs it). The GitHub
Action is tested in test_action.py."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
import pytest

from .conftest import CLEAN, REPO, ZERO_KERNEL, _environment, codes_by_file, write

HOOKS = REPO / ".pre-commit-hooks.yaml"
NOTEBOOK = REPO / "fixtures" / "notebooks" / "zero_kernel.ipynb"
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
# The hook manifest


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
