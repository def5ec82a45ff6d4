"""Honest distribution (issue 15 item 3): SPDX license metadata, a LICENSE, a CHANGELOG, a wheel that twine accepts."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

try:
    import tomllib
except ImportError:  # pragma: no cover - Python < 3.11
    import tomli as tomllib


def test_pyproject_uses_an_spdx_license_and_lists_the_files():
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert any(req.startswith("setuptools>=77") for req in data["build-system"]["requires"])
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # SPDX forbids both
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(project["urls"])
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "## [Unreleased]" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("build") is None or importlib.util.find_spec("twine") is None,
                    reason="needs `pip install build twine` (.ci/run installs them)")
def test_the_wheel_builds_and_passes_twine_check(tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp_path), str(REPO)], check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wheels = list(tmp_path.glob("*.whl"))
    assert len(wheels) == 1 and list(tmp_path.glob("*.tar.gz"))
    with zipfile.ZipFile(wheels[0]) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(name).decode("utf-8")
    assert "License-Expression: MIT" in metadata
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, tmp_path.iterdir())],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert checked.returncode == 0, checked.stdout.decode()


def _readme_block(after: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("```yaml\n", text.index(after)) + len("```yaml\n")
    return text[start:text.index("```", start)]


@pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None, reason="needs pre-commit (the test extra)")
def test_the_readme_local_pre_commit_hook_works(tmp_path):
    """The README's `repo: local` snippet, run by the real pre-commit: fails on a finding, passes when clean."""
    import os
    import shutil

    config = _readme_block("Until there is a release tag, use a local hook")
    assert "repo: local" in config
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "home"), GIT_CONFIG_GLOBAL=os.devnull,
               PATH=os.pathsep.join([os.path.dirname(shutil.which("initlint") or sys.executable),
                                     os.environ.get("PATH", "")]))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (repo / "bad.py").write_text("def f(:\n", encoding="utf-8")
    for args in (["init", "-q"], ["add", "."]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    hook = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    failed = subprocess.run(hook, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert failed.returncode == 1 and b"IL000" in failed.stdout, failed.stdout.decode()
    (repo / "bad.py").write_text("x = 1\n", encoding="utf-8")
    passed = subprocess.run(hook, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert passed.returncode == 0, passed.stdout.decode()
