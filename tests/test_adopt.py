"""Adoption tools from issue 15, through the installed command: several reports from one run
(`--also-output`), the fix workflow (ruff's "No fixes available", `--show-fixes`, the real
pre-commit running the `initlint-fix` hook)."""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys

import pytest

from .conftest import CLEAN as CLEAN_TEXT, ZERO_KERNEL, assert_one_line_error, write


def test_also_output_writes_more_reports_from_the_same_run(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    alone = {fmt: run("--output-format", fmt, ".").stdout for fmt in ("github", "sarif", "json")}
    result = run("--output-format", "github", "--also-output", "sarif:reports/out.sarif",
                 "--also-output", "json:out.json", ".")
    assert result.returncode == 1
    assert result.stdout == alone["github"]
    assert (tmp_path / "reports" / "out.sarif").read_text(encoding="utf-8") == alone["sarif"]
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == json.loads(alone["json"])


def test_also_output_never_colours_a_file(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    run("--color", "always", "--also-output", "text:out.txt", ".")
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "IL101" in text and "\x1b[" not in text


def test_also_output_needs_a_known_format_and_a_path(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    assert_one_line_error(run("--also-output", "sarif", "."), "--also-output needs FORMAT:PATH")
    assert_one_line_error(run("--also-output", "xml:out.xml", "."), "--also-output needs FORMAT:PATH")
    assert_one_line_error(run("--also-output", "sarif:", "."), "--also-output needs FORMAT:PATH")
    assert not list(tmp_path.glob("out*"))


# ---------------------------------------------------------------------------------------------
# The fix workflow (item 6)

GLOROT = (
    "from tensorflow.keras import layers\n"
    "layer = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')\n"
)
FACTORY = "import flax.linen as nn\nx = nn.Dense(256, kernel_init=nn.initializers.he_normal)(x)\n"


def test_no_fixes_available_says_how_many_are_hidden(run, tmp_path):
    write(tmp_path, {"a.py": GLOROT, "b.py": GLOROT})
    result = run(".")
    assert result.lines()[-1] == "No fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option)."
    write(tmp_path, {"b.py": "x = 1\n"})
    assert run(".").lines()[-1] == "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option)."


def test_fixable_with_fix_and_hidden_ones(run, tmp_path):
    write(tmp_path, {"a.py": GLOROT, "f.py": FACTORY})
    result = run(".")
    assert result.lines()[-1] == ("[*] 1 fixable with the `--fix` option "
                                  "(1 hidden fix can be enabled with the `--unsafe-fixes` option).")
    assert run("--unsafe-fixes", ".").lines()[-1] == "[*] 2 fixable with the `--fix` option."
    write(tmp_path, {"a.py": "x = 1\n"})
    assert run(".").lines()[-1] == "[*] 1 fixable with the `--fix` option."


def test_show_fixes_lists_each_fix_with_its_lines(run, tmp_path):
    write(tmp_path, {"m.py": GLOROT})
    result = run("--show-fixes", "m.py")
    assert result.returncode == 0  # an info finding: below the default fail-on (warning)
    assert result.lines()[2:5] == [
        "  fix (unsafe, applied by --fix --unsafe-fixes): Use `he_uniform`",
        "    2 - layer = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')",
        "    2 + layer = layers.Dense(8, activation='relu', kernel_initializer='he_uniform')",
    ]
    assert (tmp_path / "m.py").read_text() == GLOROT  # showing changes nothing
    full = run("--show-fixes", "--output-format", "full", "m.py").lines()
    assert "    2 + layer = layers.Dense(8, activation='relu', kernel_initializer='he_uniform')" in full
    assert not any(line.lstrip().startswith("fix (") for line in run("m.py").lines())  # only when asked


def test_show_fixes_safe_and_display_only(run, tmp_path):
    write(tmp_path, {"f.py": FACTORY, "z.py": "from tensorflow.keras import layers\n"
                     "z = layers.Dense(8, activation='relu', kernel_initializer='zeros')\n"})
    lines = run("--show-fixes", ".").lines()
    assert "    2 + x = nn.Dense(256, kernel_init=nn.initializers.he_normal())(x)" in lines
    assert any(line.startswith("  fix (safe, applied by --fix): ") for line in lines)
    assert any(line.startswith("  fix (display-only, never applied): ") for line in lines)


@pytest.mark.slow
def test_pre_commit_fix_hook_applies_safe_fixes_only(tmp_path):
    """The real pre-commit runs the `initlint-fix` hook: the safe fix is written and the hook
    fails (files were modified); the unsafe one is left, and reported; a second run passes once
    what remains is fixed by hand."""
    from .test_integration import _environment, _git, _hook_repository, _require

    _require(importlib.util.find_spec("pre_commit") is not None, "pre-commit is not installed (the test extra)")
    _require(shutil.which("git") is not None, "git is not installed")
    hook_repo = _hook_repository(tmp_path / "hooks")
    project = tmp_path / "project"
    write(project, {"f.py": FACTORY, "a.py": GLOROT})
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    env = _environment(None)
    env.pop("PRE_COMMIT", None)
    env.update({"PRE_COMMIT_COLOR": "never", "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")})

    def pre_commit():
        done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "initlint-fix",
                               "--all-files"], cwd=str(project), env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=1200)
        return done.returncode, done.stdout.decode("utf-8", "replace")

    status, output = pre_commit()
    assert status == 1, output
    assert "files were modified by this hook" in output, output
    assert (project / "f.py").read_text() == FACTORY.replace("he_normal)", "he_normal())")
    assert (project / "a.py").read_text() == GLOROT  # unsafe: never applied by the hook
    assert "a.py:2:63: IL201" in output, output
    write(project, {"a.py": GLOROT.replace("glorot_uniform", "he_uniform")})
    _git(project, "add", "-A")
    status, output = pre_commit()
    assert status == 0, output


# ---------------------------------------------------------------------------------------------
# --add-noqa and the file-level exemption (item 5)

NOQA_BEFORE = (
    "from tensorflow.keras import layers, initializers\n"
    "a = layers.Dense(3, kernel_initializer=initializers.Zeros())  # keep me\n"
    "b = layers.Dense(3, kernel_initializer='zeros')  # noqa: E501\n"
    "c = layers.Dense(3, activation='relu', kernel_initializer='glorot_uniform')\r\n"
    "d = layers.Dense(3, kernel_initializer=initializers.Zeros()) \\\n"
    "    ; e = 1\n"
    "f = layers.Dense(3, kernel_initializer='zeros'); g = layers.Dense(3, activation='relu', kernel_initializer='glorot_uniform')\n"
    "h = layers.Dense(3, kernel_initializer='zeros', name='''x\n"
    "''')\n"
)
NOQA_AFTER = (
    "from tensorflow.keras import layers, initializers\n"
    "a = layers.Dense(3, kernel_initializer=initializers.Zeros())  # keep me  # noqa: IL101\n"
    "b = layers.Dense(3, kernel_initializer='zeros')  # noqa: E501, IL101\n"
    "c = layers.Dense(3, activation='relu', kernel_initializer='glorot_uniform')  # noqa: IL201\r\n"
    "d = layers.Dense(3, kernel_initializer=initializers.Zeros()) \\\n"
    "    ; e = 1\n"
    "f = layers.Dense(3, kernel_initializer='zeros'); g = layers.Dense(3, activation='relu', kernel_initializer='glorot_uniform')"
    "  # noqa: IL101, IL201\n"
    "h = layers.Dense(3, kernel_initializer='zeros', name='''x\n"
    "''')\n"
)


def _write_bytes(path, text):
    path.write_bytes(text.encode("utf-8"))


def test_add_noqa_writes_merges_and_keeps_comments(run, tmp_path):
    _write_bytes(tmp_path / "m.py", NOQA_BEFORE)
    result = run("--add-noqa", "m.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "initlint: warning: 2 reported lines could not take a comment (a backslash continuation or inside a "
        "string): left unchanged",
        "Added 4 noqa directives.",
    ]
    assert (tmp_path / "m.py").read_bytes().decode("utf-8") == NOQA_AFTER
    # the rest is what is still reported; a second run adds nothing
    assert sorted(d["location"]["row"] for d in run("--output-format", "json", "m.py").json()) == [5, 8]
    again = run("--add-noqa", "m.py")
    assert again.stderr.splitlines()[-1] == "Added 0 noqa directives."
    assert (tmp_path / "m.py").read_bytes().decode("utf-8") == NOQA_AFTER


def test_add_noqa_in_a_notebook_cell(run, tmp_path):
    from .conftest import REPO

    notebook = (REPO / "fixtures" / "notebooks" / "zero_kernel.ipynb").read_text(encoding="utf-8")
    write(tmp_path, {"nb.ipynb": notebook})
    result = run("--add-noqa", ".")
    assert result.stderr.splitlines()[-1] == "Added 1 noqa directive."
    expected = notebook.replace('self.fc1.weight)  # expect: IL101\\n"', 'self.fc1.weight)  # expect: IL101  # noqa: IL101\\n"')
    assert expected != notebook
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == expected
    assert run(".").returncode == 0


def test_add_noqa_leaves_clean_and_broken_files_alone(run, tmp_path):
    from .conftest import BROKEN, CLEAN

    write(tmp_path, {"ok.py": CLEAN, "bad.py": BROKEN})
    result = run("--add-noqa", ".")
    assert result.stderr.splitlines()[-1] == "Added 0 noqa directives."
    assert (tmp_path / "bad.py").read_text() == BROKEN and (tmp_path / "ok.py").read_text() == CLEAN
    assert_one_line_error(run("--add-noqa", "-", stdin=CLEAN), "--add-noqa", "stdin")


ZEROS_AND_GLOROT = (
    "from tensorflow.keras import layers\n"
    "z = layers.Dense(8, activation='relu', kernel_initializer='zeros')\n"
    "g = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')\n"
)


def _codes(run, *paths):
    return sorted(d["code"] for d in run("--output-format", "json", *paths).json())


def test_file_level_noqa(run, tmp_path):
    write(tmp_path, {"m.py": ZEROS_AND_GLOROT})
    assert _codes(run, "m.py") == ["IL101", "IL201"]
    write(tmp_path, {"m.py": "# initlint: noqa\n" + ZEROS_AND_GLOROT})
    assert _codes(run, "m.py") == []
    write(tmp_path, {"m.py": ZEROS_AND_GLOROT + "   #  initlint:noqa: IL101\n"})
    assert _codes(run, "m.py") == ["IL201"]
    write(tmp_path, {"m.py": "# initlint: noqa: IL1, IL201\n" + ZEROS_AND_GLOROT})
    assert _codes(run, "m.py") == []


def test_file_level_noqa_must_be_its_own_line_and_never_hides_il000(run, tmp_path):
    write(tmp_path, {"m.py": "s = '# initlint: noqa'\n" + ZEROS_AND_GLOROT,
                     "n.py": "x = 1  # initlint: noqa\n" + ZEROS_AND_GLOROT,
                     "bad.py": "# initlint: noqa\ndef f(:\n"})
    assert _codes(run, "m.py", "n.py", "bad.py") == ["IL000", "IL101", "IL101", "IL201", "IL201"]


# ---------------------------------------------------------------------------------------------
# --show-files, --show-settings, -v (item 5)


def test_show_files_lists_what_would_be_analyzed(run, tmp_path):
    write(tmp_path, {"a.py": CLEAN_TEXT, "pkg/b.py": CLEAN_TEXT, "build/c.py": CLEAN_TEXT, "notes.txt": "x",
                     ".gitignore": "ignored.py\n", "ignored.py": CLEAN_TEXT})
    (tmp_path / ".git").mkdir()
    result = run("--show-files")
    assert result.returncode == 0, result.stderr
    root = str(tmp_path.resolve())
    assert result.lines() == [f"{root}/a.py", f"{root}/pkg/b.py"]
    assert run("--show-files", "--extend-exclude", "pkg/").lines() == [f"{root}/a.py"]
    missing = run("--show-files", "nope/")
    assert missing.returncode == 1 and "nope" in missing.stderr


def test_show_settings_says_where_they_come_from(run, tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.initlint]\nignore = ["IL2"]\ntf-version = 1\n'
                          '[tool.initlint.per-file-ignores]\n"tests/*" = ["IL101"]\n',
        "tests/t.py": CLEAN_TEXT,
    })
    result = run("--show-settings", "--no-cache", "tests/t.py")
    assert result.returncode == 0, result.stderr
    root = str(tmp_path.resolve())
    lines = result.lines()
    assert lines[:3] == [f"Resolved settings for: {root}/tests/t.py", f"Settings path: {root}/pyproject.toml",
                         f"project-root = {root}"]
    assert "IL101" not in lines[3] and "IL000" in lines[3] and "IL201" not in lines[3]
    assert lines[4].startswith("enabled-by-configuration = [IL000, IL101")
    assert "  tests/* = [IL101]  (applies)" in lines
    assert "tf-version = 1" in lines and "cache-dir = (no cache)" in lines
    isolated = run("--show-settings", "--isolated", "tests/t.py").lines()
    assert isolated[1] == "Settings path: (none: the defaults)"
    assert "  tests/* = [IL101]  (applies)" not in isolated  # the file's table is not read
    assert "  tests = [IL101, IL102]  (applies, built in: default-per-file-ignores)" in isolated
    off = run("--show-settings", "--isolated", "--config", "default-per-file-ignores = false", "tests/t.py").lines()
    assert "per-file-ignores = (none)" in off


def test_verbose_says_why_the_prefilter_skipped_a_file(run, tmp_path):
    write(tmp_path, {"plain.py": CLEAN_TEXT, "t.py": "import torch\nx = torch.zeros(3)\n", "m.py": GLOROT})
    result = run("-v", ".")
    skipped = [line for line in result.stderr.splitlines() if "skipped by the prefilter: " in line and line.startswith("initlint: ")]
    assert skipped[0].startswith("initlint: skipped by the prefilter: plain.py: it names none of the analyzed "
                                 "frameworks' packages (")
    assert skipped[1].startswith("initlint: skipped by the prefilter: t.py: torch: it names torch but none of "
                                 "Parameter, ")
    assert len(skipped) == 2
    assert not [line for line in run(".").stderr.splitlines() if "skipped by the prefilter: " in line and line.startswith("initlint: ")]
    assert not [line for line in run("-v", "-q", ".").stderr.splitlines() if "skipped by the prefilter: " in line and line.startswith("initlint: ")]


# ---------------------------------------------------------------------------------------------
# Messages and help (item 7)


def test_one_line_summary():
    from initlint.show import one_line_summary

    assert one_line_summary("Finds kernels (Dense/Conv weights, `w`) that are zero: `zeros`, `Zeros()`.") == \
        "Finds kernels that are zero"
    assert one_line_summary("Finds a thing. More words follow.") == "Finds a thing"
    assert one_line_summary("Uses `a: b` (x), then stops.") == "Uses `a: b`, then stops"


def test_concise_is_one_line_per_diagnostic(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL, "g.py": GLOROT})
    lines = run("--output-format", "concise", ".").lines()
    assert lines[:2] == [
        "g.py:2:63: IL201 Glorot initializer (\"glorot_uniform\") on Dense(8) feeding ReLU: it keeps 0.50 of the "
        "variance ReLU needs, so activations shrink by about x0.50 per layer; harmless in shallow nets, a stall "
        "in deep ones",
        "m.py:3:36: IL101 zero-initialized kernel of Dense(3): every unit starts identical and the layer starts "
        "rank-deficient",
    ]
    assert lines[2].startswith("Found 2 diagnostics")
    assert run("--output-format", "concise", "--unsafe-fixes", "g.py").lines()[0].startswith("g.py:2:63: IL201 [*] ")


def test_readme_sample_output_is_what_the_tool_prints(run):
    """The README's "Sample output" block, run from the repository root."""
    import shlex

    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Sample output", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    command, *expected = block.splitlines()
    assert command.startswith("$ initlint ")
    result = run(*shlex.split(command[len("$ initlint "):]), cwd=REPO)
    assert result.lines() == expected


def test_readme_documents_every_environment_variable():
    import re

    from .conftest import REPO

    used = set()
    for path in (REPO / "initlint").rglob("*.py"):
        used.update(re.findall(r"INITLINT_[A-Z_]+", path.read_text(encoding="utf-8")))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Environment variables", 1)[1].split("\n## ", 1)[0]
    assert used and all(f"`{name}`" in table for name in used), sorted(used)


# ---------------------------------------------------------------------------------------------
# Discovery with git's ignore semantics (item 8)


def _git_repository(path):
    subprocess.run(["git", "init", "-q", str(path)], check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_git_global_excludes_file_is_respected(run, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = tmp_path / "project"
    write(project, {"keep.py": ZERO_KERNEL, "scratch_notes.py": ZERO_KERNEL, "sub/scratch_x.py": ZERO_KERNEL,
                    "local/m.py": ZERO_KERNEL})
    _git_repository(project)
    write(tmp_path, {"global-ignore": "scratch_*.py\n", "gitconfig": f"[core]\n\texcludesFile = {tmp_path}/global-ignore\n"})
    env = {"GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"), "HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    found = run("--show-files", ".", cwd=project, env=env).lines()
    root = str(project.resolve())
    assert found == [f"{root}/keep.py", f"{root}/local/m.py"]
    # without the setting, git's default file ($XDG_CONFIG_HOME/git/ignore) applies
    write(tmp_path, {"gitconfig": "", "xdg/git/ignore": "local/\n"})
    found = run("--show-files", ".", cwd=project, env=env).lines()
    assert found == [f"{root}/keep.py", f"{root}/scratch_notes.py", f"{root}/sub/scratch_x.py"]
    # --no-respect-gitignore: everything
    assert len(run("--show-files", "--no-respect-gitignore", ".", cwd=project, env=env).lines()) == 4


def test_gitignore_double_star_and_directory_patterns(run, tmp_path):
    write(tmp_path, {".gitignore": "gen/**\n!gen/keep/\nlogs/\n/top.py\n**/cache/*.py\n",
                     "gen/a.py": "", "gen/keep/k.py": "", "logs/l.py": "", "sub/logs": "",
                     "top.py": "", "sub/top.py": "", "x/cache/c.py": "", "m.py": ""})
    (tmp_path / ".git").mkdir()
    root = str(tmp_path.resolve())
    found = run("--show-files", ".", env={"XDG_CONFIG_HOME": str(tmp_path / "none")}).lines()
    assert found == [f"{root}/m.py", f"{root}/sub/top.py"]
