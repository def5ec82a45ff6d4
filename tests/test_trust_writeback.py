"""--fix writes only what it may: through links once, never over read-only or changed files; it
counts only what was written; --diff reports an unreadable file like lint."""
from __future__ import annotations

import os

import pytest

from initlint import writeback

BUGGY = (
    "import torch.nn as nn\n"
    "class M(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.fc = nn.Linear(512, 512)\n"
    "        nn.init.normal_(self.fc.weight, std=1.0)\n"
)


def test_a_symbolic_link_is_written_through_once(run, tmp_path):
    (tmp_path / "real.py").write_text(BUGGY)
    os.symlink("real.py", tmp_path / "link.py")
    result = run("--fix", "--unsafe-fixes", "real.py", "link.py")
    assert os.path.islink(tmp_path / "link.py")
    assert "std=1.0" not in (tmp_path / "real.py").read_text()
    assert "Fixed 1 diagnostic." in result.stderr + result.stdout, result.stdout + result.stderr


def test_a_read_only_file_is_refused(run, tmp_path):
    path = tmp_path / "ro.py"
    path.write_text(BUGGY)
    path.chmod(0o444)
    result = run("--fix", "--unsafe-fixes", "ro.py")
    assert path.read_text() == BUGGY
    assert "read-only" in result.stderr
    assert "Fixed 1" not in result.stdout + result.stderr
    assert result.returncode == 1


def test_a_file_changed_during_the_run_is_skipped(tmp_path, monkeypatch):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)
    edited = BUGGY + "# saved by the user while initlint ran\n"
    real_fix = writeback.fix

    def slow_fix(*args, **kwargs):
        result = real_fix(*args, **kwargs)
        path.write_text(edited)  # the editor saves meanwhile
        return result

    monkeypatch.setattr(writeback, "fix", slow_fix)
    errors = []
    run = writeback.fix_files([str(path)], lambda p: None, True, False, str, lambda p: open(p, "rb").read(),
                              lambda p, shown, message: errors.append(message))
    assert path.read_text() == edited
    assert run.fixed == 0 and run.files_changed == 0
    assert errors and "changed during the run" in errors[0]


def test_a_failed_write_is_not_counted(tmp_path, monkeypatch):
    path = tmp_path / "m.py"
    path.write_text(BUGGY)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writeback, "replace_atomically", full_disk)
    errors = []
    run = writeback.fix_files([str(path)], lambda p: None, True, False, str, lambda p: open(p, "rb").read(),
                              lambda p, shown, message: errors.append(message))
    assert run.fixed == 0 and errors and "No space left" in errors[0]
    assert path.read_text() == BUGGY


def test_diff_on_an_unreadable_file_is_reported(tmp_path):
    """No lint pass follows --diff, so the fix pass reports the file (before: "Would fix 0", exit 0)."""

    def unreadable(path):
        raise PermissionError(13, "Permission denied", path)

    errors = []
    writeback.fix_files([str(tmp_path / "m.py")], lambda p: None, True, True, str, unreadable,
                        lambda p, shown, message: errors.append(message))
    assert errors == ["could not read the file: permission denied"]


def test_the_fix_path_uses_the_prefilter(tmp_path, monkeypatch):
    from initlint import engine

    calls = []
    real = engine.lint_text

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "lint_text", counting)
    plain = tmp_path / "plain.py"
    plain.write_text("def add(a, b):\n    return a + b\n" * 50)
    buggy = tmp_path / "m.py"
    buggy.write_text(BUGGY)
    read = lambda p: open(p, "rb").read()  # noqa: E731
    writeback.fix_files([str(plain), str(buggy)], lambda p: None, True, True, str, read, lambda *a: None)
    assert str(plain) not in calls  # skipped by the prefilter, as lint skips it
    assert calls.count(str(buggy)) == 2  # edited: analyzed, fixed, analyzed again
