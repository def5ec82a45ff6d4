"""The steps of the GitHub Action (action.yml), in Python so that they work on every runner.

Run by the interpreter actions/setup-python installed, which the action does NOT put on PATH: the
user's job keeps its own `python`, `pip` and `pytest`. Only one directory is added to GITHUB_PATH,
and it holds only the `initlint` command (a link to the one in initlint's own virtual environment).

    python initlint_action.py key       cache key and venv path -> GITHUB_OUTPUT
    python initlint_action.py install   create the venv and pip install initlint into it
    python initlint_action.py expose    a directory with only `initlint` -> GITHUB_PATH
    python initlint_action.py run       one analysis run: annotations and/or a SARIF report

Inputs come from the environment (INITLINT_*), never pasted into a script's text.
Standard library only; Python 3.9+.
"""
from __future__ import annotations

import datetime
import hashlib
import os
import platform
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List

WINDOWS = os.name == "nt"
COMMAND = "initlint.exe" if WINDOWS else "initlint"
# What the action's own revision is built from: the cache key changes when any of it does.
SOURCE_PARTS = ("pyproject.toml", "initlint")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _runner_temp() -> Path:
    return Path(_env("RUNNER_TEMP") or _env("TMPDIR") or "/tmp")


def venv_dir() -> Path:
    return _runner_temp() / "initlint-venv"


def bin_dir() -> Path:
    return _runner_temp() / "initlint-bin"


def venv_command(venv: Path) -> Path:
    return venv / ("Scripts" if WINDOWS else "bin") / COMMAND


def _append(variable: str, line: str) -> None:
    """One line to a GitHub file command ($GITHUB_OUTPUT, $GITHUB_PATH)."""
    target = _env(variable)
    if not target:
        raise SystemExit(f"initlint action: {variable} is not set (not running in GitHub Actions?)")
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def _source_files(root: Path) -> Iterable[Path]:
    for part in SOURCE_PARTS:
        path = root / part
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                              and p.suffix != ".pyc")


def cache_key(version: str, action_path: Path) -> str:
    """Changes with the runner's OS and architecture, the exact Python, and what is installed."""
    if version == "latest":
        what = "latest-" + datetime.date.today().isoformat()  # PyPI's latest, looked up once a day
    elif version:
        what = "v" + version
    else:
        digest = hashlib.sha256()
        for path in _source_files(action_path):
            digest.update(path.relative_to(action_path).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
        what = "src-" + digest.hexdigest()[:16]
    python = "py" + platform.python_version() + platform.python_implementation().lower()
    return f"initlint-{sys.platform}-{platform.machine().lower()}-{python}-{what}"


def install_spec(version: str, action_path: Path) -> str:
    if version == "latest":
        return "initlint"
    if version:
        return f"initlint=={version}"
    return str(action_path)


def step_key() -> int:
    _append("GITHUB_OUTPUT", f"key={cache_key(_env('INITLINT_VERSION'), Path(_env('INITLINT_ACTION_PATH', '.')))}")
    _append("GITHUB_OUTPUT", f"venv={venv_dir()}")
    return 0


def _pip(python: Path, *args: str) -> None:
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args],
                   check=True)


def step_install() -> int:
    venv = venv_dir()
    if venv_command(venv).is_file():  # restored from the cache
        return 0
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts" if WINDOWS else "bin") / ("python.exe" if WINDOWS else "python")
    _pip(python, "--upgrade", "pip")
    _pip(python, install_spec(_env("INITLINT_VERSION"), Path(_env("INITLINT_ACTION_PATH", "."))))
    return 0


def step_expose() -> int:
    """A directory with only `initlint` in it, on GITHUB_PATH for the later steps."""
    target = venv_command(venv_dir())
    if not target.is_file():
        raise SystemExit(f"initlint action: {target} is missing; the install step did not run")
    directory = bin_dir()
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    link = directory / COMMAND
    if WINDOWS:  # pip's launcher finds the venv's python by the absolute path it holds: a copy runs
        shutil.copy2(target, link)
    else:
        link.symlink_to(target)
    _append("GITHUB_PATH", str(directory))
    _append("GITHUB_OUTPUT", f"bin={directory}")
    subprocess.run([str(link), "--version"], check=True)
    return 0


def run_command(args: str, annotations: bool, sarif_file: str) -> List[str]:
    """The one initlint run: `args` split as a POSIX shell would (quotes honoured, no globbing,
    no expansion), then the reports asked for."""
    command = [str(bin_dir() / COMMAND), *shlex.split(args)]
    if annotations:
        command += ["--output-format", "github"]
        if sarif_file:
            command += ["--also-output", f"sarif:{sarif_file}"]
    elif sarif_file:
        command += ["--output-format", "sarif", "--output-file", sarif_file]
    return command


def _true(value: str) -> bool:
    return value.strip().lower() not in ("false", "0", "no", "off", "")


def step_run() -> int:
    sarif_file = _env("INITLINT_SARIF_FILE").strip()
    annotations = _true(_env("INITLINT_ANNOTATIONS", "true"))
    if not annotations and not sarif_file:
        print("::error title=initlint::nothing to report: annotations is false and sarif-file is empty")
        return 2
    try:
        command = run_command(_env("INITLINT_ARGS", "."), annotations, sarif_file)
    except ValueError as error:  # an unclosed quote
        print(f"::error title=initlint::cannot split the args input: {error}")
        return 2
    status = subprocess.run(command).returncode
    written = bool(sarif_file) and Path(sarif_file).is_file()
    _append("GITHUB_OUTPUT", f"sarif-file={sarif_file if written else ''}")
    if sarif_file and not written:
        print(f"::error title=initlint::no SARIF report was written (exit status {status})")
    return status


STEPS = {"key": step_key, "install": step_install, "expose": step_expose, "run": step_run}


def main(argv: List[str]) -> int:
    if len(argv) != 1 or argv[0] not in STEPS:
        print(f"usage: initlint_action.py {{{','.join(STEPS)}}}", file=sys.stderr)
        return 2
    return STEPS[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
