"""Shared helpers: run the installed `initlint` command in a temporary directory."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parent.parent

# A kernel initialized to zeros: IL101 on line 3.
ZERO_KERNEL = (
    "import tensorflow as tf\n"
    "from tensorflow.keras import layers, initializers\n"
    "layers.Dense(3, kernel_initializer=initializers.Zeros())\n"
)
CLEAN = "x = 1\n"
BROKEN = "def f(:\n"  # IL000


@pytest.fixture(scope="session", autouse=True)
def _session_cache_outside_the_repository(tmp_path_factory):
    """The same for module- and session-scoped fixtures, which run before the per-test one."""
    patch = pytest.MonkeyPatch()
    patch.setenv("INITLINT_CACHE_DIR", str(tmp_path_factory.mktemp("initlint-cache-session")))
    patch.setenv("INITLINT_CACHE_SECRET", str(tmp_path_factory.mktemp("initlint-secret") / "secret"))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _cache_outside_the_repository(tmp_path_factory, monkeypatch):
    """initlint caches results at the project root by default: every test gets its own cache
    directory in a temporary place instead (subprocesses inherit the variable)."""
    monkeypatch.setenv("INITLINT_CACHE_DIR", str(tmp_path_factory.mktemp("initlint-cache")))
    monkeypatch.delenv("INITLINT_NO_CACHE", raising=False)


def initlint_command() -> List[str]:
    """The installed command of the environment running the tests (its `bin` first, so a venv's
    pytest run without activating the venv still finds it; `python -m initlint` would put the
    linted directory on sys.path, where a project's own `click.py` could shadow the real one)."""
    here = os.path.dirname(sys.executable)
    found = shutil.which("initlint", path=os.pathsep.join(filter(None, [here, os.environ.get("PATH")])))
    return [found] if found else [sys.executable, "-m", "initlint"]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)

    def lines(self) -> List[str]:
        return self.stdout.splitlines()


def _environment(extra: Optional[Dict[str, str]]) -> Dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "INITLINT_OUTPUT_FORMAT", "INITLINT_DEBUG")
    }
    # Only matters for the `python -m initlint` fallback when the package is not installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra or {})
    return env


def run_initlint(*args: str, cwd: Path, stdin: Optional[str] = None,
                 env: Optional[Dict[str, str]] = None) -> Result:
    """The installed command, once, in `cwd` (for module-scoped fixtures, which cannot use `run`)."""
    completed = subprocess.run(
        initlint_command() + [str(arg) for arg in args],
        cwd=str(cwd),
        input=(stdin or "").encode("utf-8"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(env),
        timeout=120,
    )
    return Result(completed.returncode, completed.stdout.decode("utf-8"), completed.stderr.decode("utf-8"))


@pytest.fixture
def run(tmp_path):
    """run(*args, cwd=tmp_path, stdin=None, env=None) -> Result."""

    def _run(*args: str, cwd: Optional[Path] = None, stdin: Optional[str] = None,
             env: Optional[Dict[str, str]] = None) -> Result:
        return run_initlint(*args, cwd=cwd or tmp_path, stdin=stdin, env=env)

    return _run


@pytest.fixture
def main(tmp_path, monkeypatch, capsys):
    """main(*args, cwd=tmp_path, stdin=None) -> Result: `initlint.cli.main` in this process, for the many
    parametrized cases of what the configuration and the options decide (a run of the installed
    command costs ~0.3 s of start-up; each of those tests' files keeps tests that run it)."""
    import initlint.cli

    def _main(*args: str, cwd: Optional[Path] = None, stdin: Optional[str] = None) -> Result:
        monkeypatch.chdir(cwd or tmp_path)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((stdin or "").encode("utf-8")), encoding="utf-8"))
        for key in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "INITLINT_OUTPUT_FORMAT", "INITLINT_DEBUG"):
            monkeypatch.delenv(key, raising=False)
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_:
            initlint.cli.main([str(arg) for arg in args])
        captured = capsys.readouterr()
        code = exit_.value.code
        return Result(code if isinstance(code, int) else int(code is not None), captured.out, captured.err)

    return _main


def write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def codes_by_file(result: Result) -> Dict[str, List[str]]:
    """{filename: [codes]} from a json run."""
    out: Dict[str, List[str]] = {}
    for item in result.json():
        out.setdefault(item["filename"], []).append(item["code"])
    return out


def assert_one_line_error(result: Result, *fragments: str) -> None:
    """Exit 2, nothing on stdout, exactly one line on stderr containing `fragments`, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("initlint: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
