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
    "    def forward(self, x):\n"  # a known activation: the fix is written only when the gain is known
    "        return nn.functional.relu(self.fc(x))\n"
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


# cp932 maps both b"\xee\xf9" and b"\x81\xca" to U+FFE2; encoding the text again writes the latter.
CP932 = ("# -*- coding: cp932 -*-\n# \u7d42\u4e86 ".encode("cp932") + b"\xee\xf9" + b"\n"
         + BUGGY.encode("ascii"))


def test_a_file_whose_encoding_does_not_round_trip_is_refused(run, tmp_path):
    """Before: the whole text was encoded again, so the untouched comment line changed too."""
    path = tmp_path / "m.py"
    path.write_bytes(CP932)
    result = run("--fix", "--unsafe-fixes", "m.py")
    assert path.read_bytes() == CP932
    assert "encoding (cp932) does not round-trip" in result.stderr, result.stderr
    assert "Fixed 1" not in result.stdout + result.stderr
    diff = run("--diff", "--unsafe-fixes", "m.py")
    assert diff.stdout == "" and "does not round-trip" in diff.stderr
    from initlint import api, documents
    from initlint.options import AnalysisOptions

    fixed = api.fix_document(documents.from_bytes(CP932, "m.py"), AnalysisOptions.default(), True)
    assert fixed.document.to_bytes() == CP932 and fixed.applied == 0  # `--fix -`, the editor: the same


def test_a_file_in_a_round_tripping_legacy_encoding_is_fixed(run, tmp_path):
    path = tmp_path / "m.py"
    data = "# -*- coding: cp932 -*-\n# \u7d42\u4e86\n".encode("cp932") + BUGGY.encode("ascii")
    path.write_bytes(data)
    run("--fix", "--unsafe-fixes", "m.py")
    fixed = path.read_bytes()
    assert fixed.startswith("# -*- coding: cp932 -*-\n# \u7d42\u4e86\n".encode("cp932"))
    assert b"std=1.0" not in fixed


def test_a_directory_link_out_of_the_project_is_not_written(run, tmp_path):
    """Before: the walk followed `vendor -> ../elsewhere` and --fix rewrote the file out there."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "initlint.toml").write_text("")
    (project / "own.py").write_text(BUGGY)
    (elsewhere / "theirs.py").write_text(BUGGY)
    os.symlink(elsewhere, project / "vendor")
    result = run("--fix", "--unsafe-fixes", ".", cwd=project)
    assert (elsewhere / "theirs.py").read_text() == BUGGY
    assert "std=1.0" not in (project / "own.py").read_text()
    assert "vendor/theirs.py" in result.stderr and "outside the project" in result.stderr, result.stderr
    assert result.returncode == 1  # the file outside is still reported by the lint pass
    named = run("--fix", "--unsafe-fixes", "vendor/theirs.py", cwd=project)  # named: the user asked for it
    assert "std=1.0" not in (elsewhere / "theirs.py").read_text(), named.stderr


def test_a_named_directory_outside_the_project_root_is_fixed(run, tmp_path):
    (tmp_path / "cwd").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "m.py").write_text(BUGGY)
    run("--fix", "--unsafe-fixes", str(tmp_path / "other"), cwd=tmp_path / "cwd")
    assert "std=1.0" not in (tmp_path / "other" / "m.py").read_text()


def test_breaking_a_hard_link_is_said(run, tmp_path):
    """Before: the atomic replace silently gave the name a new file; the other link kept the bug."""
    (tmp_path / "m.py").write_text(BUGGY)
    os.link(tmp_path / "m.py", tmp_path / "copy.txt")
    result = run("--fix", "--unsafe-fixes", "m.py")
    assert "std=1.0" not in (tmp_path / "m.py").read_text()
    assert (tmp_path / "copy.txt").read_text() == BUGGY
    assert "m.py" in result.stderr and "1 other hard link" in result.stderr, result.stderr
    assert "Fixed 1 diagnostic" in result.stdout + result.stderr
    again = run("--fix", "--unsafe-fixes", "m.py")
    assert "hard link" not in again.stderr
