"""Finding files: globs, .gitignore semantics, excludes, symbolic links, and the command line."""
from __future__ import annotations

import os

import pytest

from initlint.discovery import (
    DEFAULT_EXCLUDES,
    GlobError,
    PathPattern,
    default_exclude_patterns,
    discover,
    display_path,
    is_gitignored,
    parse_gitignore,
    translate_glob,
    validate_glob,
)

from .conftest import CLEAN, ZERO_KERNEL, codes_by_file, write

BASE = "/project"


def pattern_matches(pattern, path, is_dir=False):
    return PathPattern(pattern, BASE).matches(os.path.join(BASE, path), is_dir)


# ---------------------------------------------------------------------------------------------
# configuration globs


@pytest.mark.parametrize(
    "pattern, path, expected",
    [
        ("*.py", "a/b/c.py", True),  # no '/': matches the basename
        ("*_pb2.py", "x_pb2.py", True),
        ("*_pb2.py", "x_pb2.pyi", False),
        ("tests/*", "tests/a/b.py", True),  # '*' crosses '/' (ruff's globs)
        ("tests/*.py", "other/tests/a.py", False),  # with '/': relative to the base only
        ("src/**/x.py", "src/x.py", True),
        ("src/**/x.py", "src/a/b/x.py", True),
        ("**/gen/*.py", "gen/a.py", True),
        ("**/gen/*.py", "a/b/gen/c.py", True),
        ("a/{b,c}/*.py", "a/c/m.py", True),
        ("a/{b,c}/*.py", "a/d/m.py", False),
        ("[ab].py", "b.py", True),
        ("[!ab].py", "c.py", True),
        ("[!ab].py", "a.py", False),
        ("?.py", "ab.py", False),
        ("./src/m.py", "src/m.py", True),
        ("generated", "generated", True),
        ("generated", "x/generated", True),
        ("generated/", "generated", False),  # trailing '/': directories only
        ("generated.py", "generated.py.bak", False),
    ],
)
def test_config_globs(pattern, path, expected):
    assert pattern_matches(pattern, path) is expected


def test_directory_only_glob_matches_directories():
    assert pattern_matches("generated/", "generated", is_dir=True) is True


def test_absolute_glob():
    assert PathPattern("/elsewhere/*.py", BASE).matches("/elsewhere/x.py") is True
    assert PathPattern("/elsewhere/*.py", BASE).matches("/project/elsewhere/x.py") is False


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("", "empty pattern"),
        ("   ", "empty pattern"),
        ("a**", "whole path component"),
        ("**a/b", "whole path component"),
        ("a/***/b", "'***'"),
        ("[abc", "unclosed character class"),
        ("[z-a].py", "invalid range z-a"),
        ("{a,b", "unclosed '{'"),
        ("{a,{b,c}}", "nested"),
        ("x\\", "dangling escape"),
    ],
)
def test_invalid_globs(pattern, message):
    with pytest.raises(GlobError, match=None) as error:
        validate_glob(pattern)
    assert message in str(error.value)


# ---------------------------------------------------------------------------------------------
# .gitignore


def ignored(lines, path, is_dir=False, base=BASE):
    ignore = parse_gitignore("\n".join(lines), base)
    return is_gitignored([ignore], os.path.join(BASE, path), is_dir)


@pytest.mark.parametrize(
    "lines, path, is_dir, expected",
    [
        (["*.log"], "a/b/c.log", False, True),
        (["*.log"], "c.log.py", False, False),
        (["/top.py"], "top.py", False, True),
        (["/top.py"], "sub/top.py", False, False),  # leading '/': anchored
        (["doc/*.py"], "doc/a.py", False, True),
        (["doc/*.py"], "doc/x/a.py", False, False),  # '*' stops at '/'
        (["doc/*.py"], "sub/doc/a.py", False, False),  # a middle '/' anchors too
        (["**/gen"], "gen", True, True),
        (["**/gen"], "a/b/gen", True, True),
        (["a/**/b.py"], "a/b.py", False, True),
        (["a/**/b.py"], "a/x/y/b.py", False, True),
        (["a/**"], "a/x/y.py", False, True),
        (["a/**"], "a", True, False),  # everything inside, not the directory itself
        (["build/"], "build", True, True),
        (["build/"], "build", False, False),  # trailing '/': directories only
        (["build/"], "x/build", True, True),
        (["*.py", "!keep.py"], "keep.py", False, False),
        (["*.py", "!keep.py"], "other.py", False, True),
        (["!keep.py", "*.py"], "keep.py", False, True),  # the last match wins
        (["# comment", "", "   "], "# comment", False, False),
        (["\\#hash.py"], "#hash.py", False, True),
        (["\\!bang.py"], "!bang.py", False, True),
        (["trailing.py   "], "trailing.py", False, True),
        (["space.py\\ "], "space.py ", False, True),
        (["[ab].py"], "a.py", False, True),
        (["?.py"], "x/y.py", False, True),
    ],
)
def test_gitignore_patterns(lines, path, is_dir, expected):
    assert ignored(lines, path, is_dir) is expected


def test_nested_gitignore_files_override_shallower_ones():
    top = parse_gitignore("*.py\n", BASE)
    nested = parse_gitignore("!keep.py\n", BASE + "/sub")
    assert is_gitignored([top, nested], BASE + "/sub/keep.py", False) is False
    assert is_gitignored([top, nested], BASE + "/keep.py", False) is True
    assert is_gitignored([top, nested], BASE + "/sub/other.py", False) is True
    # patterns of a nested file are relative to its own directory
    anchored = parse_gitignore("/m.py\n", BASE + "/sub")
    assert is_gitignored([anchored], BASE + "/sub/m.py", False) is True
    assert is_gitignored([anchored], BASE + "/m.py", False) is False


# ---------------------------------------------------------------------------------------------
# discover()


def relative(tmp_path, paths):
    return [os.path.relpath(path, str(tmp_path)) for path in paths]


def test_discover_tree(tmp_path):
    write(tmp_path, {
        "b.py": "", "a.pyi": "", "notes.txt": "", "pkg/z.py": "", "pkg/a.py": "",
        ".gitignore": "gen/\n*_pb2.py\n/top_only.py\nlib/*\n!lib/keep.py\n",
        "gen/x.py": "", "pkg/m_pb2.py": "", "top_only.py": "", "pkg/top_only.py": "",
        "lib/drop.py": "", "lib/keep.py": "",
        "pkg/.gitignore": "local.py\n", "pkg/local.py": "", "local.py": "",
        **{f"{name}/x.py": "" for name in DEFAULT_EXCLUDES},
        "deep/.venv/x.py": "", "deep/node_modules/y.py": "",
    })
    found = discover(["."], excludes=default_exclude_patterns(str(tmp_path)), cwd=str(tmp_path))
    assert relative(tmp_path, found.files) == [
        "a.pyi", "b.py", "lib/keep.py", "local.py", "pkg/a.py", "pkg/top_only.py", "pkg/z.py",
    ]
    assert found.problems == []
    everything = discover(["."], excludes=default_exclude_patterns(str(tmp_path)), respect_gitignore=False,
                          cwd=str(tmp_path))
    assert relative(tmp_path, everything.files) == [
        "a.pyi", "b.py", "gen/x.py", "lib/drop.py", "lib/keep.py", "local.py", "pkg/a.py", "pkg/local.py",
        "pkg/m_pb2.py", "pkg/top_only.py", "pkg/z.py", "top_only.py",
    ]


def test_gitignore_of_a_parent_directory_applies(tmp_path):
    write(tmp_path, {".gitignore": "sub/gen/\n", "sub/gen/x.py": "", "sub/m.py": ""})
    found = discover(["sub"], cwd=str(tmp_path))
    assert relative(tmp_path, found.files) == ["sub/m.py"]
    # from inside sub, with the repository top marked by .git
    (tmp_path / ".git").mkdir()
    found = discover(["."], cwd=str(tmp_path / "sub"), project_root=str(tmp_path / "sub"))
    assert relative(tmp_path, found.files) == ["sub/m.py"]


def test_explicit_files_are_always_included(tmp_path):
    write(tmp_path, {".gitignore": "*.py\n", "build/x.py": "", "ignored.py": "", "script": ""})
    found = discover(["build/x.py", "ignored.py", "script", "./ignored.py"],
                     excludes=default_exclude_patterns(str(tmp_path)), cwd=str(tmp_path))
    assert relative(tmp_path, found.files) == ["build/x.py", "ignored.py", "script"]


def test_symlink_loops_and_broken_links(tmp_path):
    write(tmp_path, {"pkg/a.py": "", "pkg/sub/b.py": ""})
    os.symlink("..", str(tmp_path / "pkg" / "sub" / "up"))  # a loop
    os.symlink(str(tmp_path / "pkg"), str(tmp_path / "alias"))  # the same directory twice
    os.symlink("missing.py", str(tmp_path / "pkg" / "dangling.py"))
    os.symlink("missing", str(tmp_path / "pkg" / "dangling_dir"))
    found = discover(["."], cwd=str(tmp_path))
    assert relative(tmp_path, found.files) in (["alias/a.py", "alias/sub/b.py"], ["pkg/a.py", "pkg/sub/b.py"])
    assert [(os.path.relpath(p.path, str(tmp_path)), p.message, p.level) for p in found.problems] in (
        [("alias/dangling.py", "broken symbolic link", "error")],
        [("pkg/dangling.py", "broken symbolic link", "error")],
    )


def test_directory_named_like_a_python_file(tmp_path):
    write(tmp_path, {"odd.py/inner.py": ""})
    found = discover(["."], cwd=str(tmp_path))
    assert relative(tmp_path, found.files) == ["odd.py/inner.py"]
    assert [(os.path.basename(p.path), p.level) for p in found.problems] == [("odd.py", "warning")]


def test_missing_paths_are_problems(tmp_path):
    found = discover(["nope.py", "nodir"], cwd=str(tmp_path))
    assert found.files == []
    assert [(os.path.basename(p.path), p.message, p.level) for p in found.problems] == [
        ("nodir", "no such file or directory", "error"), ("nope.py", "no such file or directory", "error"),
    ]


def test_display_path(tmp_path):
    cwd = str(tmp_path)
    assert display_path(str(tmp_path / "a" / "b.py"), cwd) == "a/b.py"
    assert display_path("a/../c.py", cwd) == "c.py"
    assert display_path("/elsewhere/x.py", cwd) == "/elsewhere/x.py"


# ---------------------------------------------------------------------------------------------
# through the command line


def test_cli_gitignore_and_explicit_files(run, tmp_path):
    write(tmp_path, {
        ".gitignore": "ignored/\nskip_*.py\n",
        "ignored/m.py": ZERO_KERNEL, "skip_me.py": ZERO_KERNEL, "kept.py": ZERO_KERNEL,
        "sub/.gitignore": "!skip_this.py\n", "sub/skip_this.py": ZERO_KERNEL,
        ".venv/lib/m.py": ZERO_KERNEL, "model.txt": ZERO_KERNEL,
    })
    result = run("--output-format", "json")
    assert codes_by_file(result) == {"kept.py": ["IL101"], "sub/skip_this.py": ["IL101"]}
    everything = run("--output-format", "json", "--no-respect-gitignore")
    assert codes_by_file(everything) == {
        "ignored/m.py": ["IL101"], "kept.py": ["IL101"], "skip_me.py": ["IL101"], "sub/skip_this.py": ["IL101"],
    }
    explicit = run("--output-format", "json", "ignored/m.py", ".venv/lib/m.py", "model.txt")
    assert codes_by_file(explicit) == {
        ".venv/lib/m.py": ["IL101"], "ignored/m.py": ["IL101"], "model.txt": ["IL101"],
    }
    excluded = run("--output-format", "json", "--extend-exclude", "kept.py", "kept.py")
    assert codes_by_file(excluded) == {"kept.py": ["IL101"]}


def test_cli_broken_link_and_directory_named_py(run, tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL, "odd.py/inner.py": CLEAN})
    os.symlink("missing.py", str(tmp_path / "dangling.py"))
    result = run()
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "dangling.py:1:1: IL000 [error] could not read the file: broken symbolic link",
        "initlint: warning: odd.py: is a directory, not a Python file: searching it",
        "Analyzed 2 files (1 skipped by the prefilter: nothing in it initializes a kernel).",
    ]
    assert result.lines()[-1].endswith(" 1 file could not be read.")
    assert [line.split(":")[0] for line in result.lines() if ": IL" in line] == ["m.py"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_cli_unreadable_file(run, tmp_path):
    write(tmp_path, {"secret.py": CLEAN, "m.py": CLEAN})
    os.chmod(str(tmp_path / "secret.py"), 0)
    try:
        result = run()
    finally:
        os.chmod(str(tmp_path / "secret.py"), 0o644)
    assert result.returncode == 1
    assert result.stderr == "secret.py:1:1: IL000 [error] could not read the file: permission denied\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_special_file_in_a_walk_is_a_problem_not_a_hang(tmp_path):
    write(tmp_path, {"m.py": ""})
    os.mkfifo(str(tmp_path / "pipe.py"))
    found = discover(["."], cwd=str(tmp_path))
    assert relative(tmp_path, found.files) == ["m.py"]
    assert [(os.path.basename(p.path), p.message, p.level) for p in found.problems] == [
        ("pipe.py", "not a regular file", "error"),
    ]


# ---------------------------------------------------------------------------------------------
# glob matching is linear (no catastrophic backtracking)


def test_configured_glob_matching_is_linear(run, tmp_path):
    """`re` takes minutes for this pattern on a long name; the NFA matcher a few milliseconds."""
    import time

    from initlint.discovery import PathPattern

    pattern = PathPattern("*a*a*a*a*a*a*a*a*b", str(tmp_path))
    name = str(tmp_path / ("a" * 200 + ".py"))
    start = time.perf_counter()
    assert not pattern.matches(name)
    assert pattern.matches(str(tmp_path / ("a" * 200 + "b")))
    assert time.perf_counter() - start < 2.0
    git = translate_glob("*a*a*a*a*a*a*a*a*b", gitignore=True)
    start = time.perf_counter()
    assert not git.fullmatch("a" * 300)
    assert time.perf_counter() - start < 2.0


def test_linear_glob_through_the_command(run, tmp_path):
    write(tmp_path, {"a" * 120 + ".py": ZERO_KERNEL, "pyproject.toml":
                     '[tool.initlint]\nextend-exclude = ["*a*a*a*a*a*a*a*a*b"]\n'})
    result = run("--output-format", "json", ".")
    assert codes_by_file(result) == {"a" * 120 + ".py": ["IL101"]}
    excluded = run("--output-format", "json", "--extend-exclude", "*a*a*a*a*a*a*a*a*.py", ".")
    assert codes_by_file(excluded) == {}


@pytest.mark.parametrize(
    "pattern, text, expected",
    [
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a/**/b", "a/xb", False),
        ("**/b", "b", True),
        ("a/**", "a/x/y", True),
        ("{x,y}{1,2}.py", "y2.py", True),
        ("{x,y}{1,2}.py", "y3.py", False),
        ("*.{py,pyi}", "m.pyi", True),
        ("[a-c]*", "b/c", True),
        ("[!a-c]*", "b", False),
    ],
)
def test_glob_matcher_cases(pattern, text, expected):
    assert translate_glob(pattern).fullmatch(text) is expected


def test_remembered_glob_steps_agree_with_the_plain_simulation(monkeypatch):
    """The matcher remembers its steps (and drops them when the memo is full): the same answers as
    simulating the NFA afresh for every text, for both dialects, before and after a drop."""
    from initlint import globs

    patterns = ["*.py", "tests/**", "**/test_*.py", "a/**/b", "*a*a*b", "src/[!_]*.py", "{x,y}/*.ipynb",
                "docs/?", "**/conftest.py", "a*/b*/c"]
    texts = ["a.py", "tests/a/b.py", "x/test_m.py", "a/b", "a/x/y/b", "aab", "aaxb", "src/m.py", "src/_m.py",
             "x/n.ipynb", "z/n.ipynb", "docs/a", "docs/ab", "q/conftest.py", "conftest.py", "ab/bc/c", "",
             "tests", "a/b/c/d.py"]
    monkeypatch.setattr(globs._Machine, "MAX_STEPS", 7)  # drops the memo many times below
    for gitignore in (False, True):
        for pattern in patterns:
            if gitignore and "{" in pattern:
                continue
            matcher = translate_glob(pattern, gitignore=gitignore)
            for _ in range(2):  # the second round reads remembered steps
                for text in texts:
                    plain = any(globs._run(seq, text) for seq in matcher.sequences)
                    assert bool(matcher.fullmatch(text)) == plain, (pattern, text)
    assert translate_glob("tests/**").fullmatch("tests/a/b.py")
    assert not translate_glob("src/[!_]*.py").fullmatch("src/_m.py")
