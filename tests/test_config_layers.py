"""Configuration like ruff's (issue 15 item 4), through the installed command: the closest
configuration to each file, `extend`, `--config KEY=VALUE`, `--extend-ignore`, `--per-file-ignores`
on the command line, and the cache at the project root of the linted files."""
from __future__ import annotations

from .conftest import assert_one_line_error, codes_by_file, write

BOTH_RULES = (
    "from tensorflow.keras import layers, initializers\n"
    "layers.Dense(3, kernel_initializer=initializers.Zeros())\n"
    "layers.Dense(3, activation='relu', kernel_initializer='glorot_uniform')\n"
)  # IL101 on line 2, IL201 on line 3

MONOREPO = {
    "pyproject.toml": '[tool.initlint]\nignore = ["IL2"]\n',
    "pkg_a/pyproject.toml": '[tool.initlint]\nignore = ["IL101"]\nextend-exclude = ["gen/"]\n',
    "pkg_a/m.py": BOTH_RULES,
    "pkg_a/gen/g.py": BOTH_RULES,
    "pkg_b/m.py": BOTH_RULES,
}


def codes(run, *args, cwd=None):
    result = run("--output-format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return codes_by_file(result)


def test_the_closest_configuration_governs_each_file_from_the_root(run, tmp_path):
    write(tmp_path, MONOREPO)
    # pkg_a: its own file (IL101 ignored; the root's `ignore = ["IL2"]` does not reach it); pkg_b: the root's
    expected = {"pkg_a/m.py": ["IL201"], "pkg_b/m.py": ["IL101"]}
    assert codes(run, ".") == expected
    # as pre-commit runs it: files named from the root
    assert codes(run, "pkg_a/m.py", "pkg_b/m.py") == expected
    # from inside the package: the same for its files
    assert codes(run, ".", cwd=tmp_path / "pkg_a") == {"m.py": ["IL201"]}
    # pkg_a's exclude holds for a file named explicitly with --force-exclude (as pre-commit passes it)
    assert codes(run, "--force-exclude", "pkg_a/gen/g.py") == {}
    assert codes(run, "pkg_a/gen/g.py") == {"pkg_a/gen/g.py": ["IL201"]}


def test_a_package_configuration_excludes_only_in_its_package(run, tmp_path):
    write(tmp_path, {**MONOREPO, "pkg_b/gen/g.py": BOTH_RULES})
    # (--select replaces the configured selections: IL101 is on in pkg_a too)
    assert sorted(codes(run, "--select", "IL1", ".")) == ["pkg_a/m.py", "pkg_b/gen/g.py", "pkg_b/m.py"]


def test_config_file_or_isolated_is_one_configuration_for_all(run, tmp_path):
    write(tmp_path, MONOREPO)
    assert codes(run, "--config", "pyproject.toml", ".") == {
        "pkg_a/gen/g.py": ["IL101"], "pkg_a/m.py": ["IL101"], "pkg_b/m.py": ["IL101"]}
    assert codes(run, "--isolated", ".") == {
        "pkg_a/gen/g.py": ["IL101", "IL201"], "pkg_a/m.py": ["IL101", "IL201"], "pkg_b/m.py": ["IL101", "IL201"]}


def test_extend_inherits_and_overrides(run, tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.initlint]\nignore = ["IL2"]\nextend-exclude = ["pkg_a/legacy/", "old.py"]\n'
                          '[tool.initlint.per-file-ignores]\n"pkg_a/tests/*" = ["IL101"]\n',
        "pkg_a/pyproject.toml": '[tool.initlint]\nextend = "../pyproject.toml"\nextend-select = ["IL201"]\n',
        "pkg_a/m.py": BOTH_RULES,
        "pkg_a/old.py": BOTH_RULES,  # the root's bare-name exclude: excluded at any depth
        "pkg_a/legacy/l.py": BOTH_RULES,  # the root's path exclude keeps meaning pkg_a/legacy/
        "pkg_a/tests/t.py": BOTH_RULES,  # the root's per-file-ignores keep meaning pkg_a/tests/*
    })
    # the root ignores IL2, pkg_a turns IL201 back on over it (its layer comes after the root's)
    expected = {"m.py": ["IL101", "IL201"], "tests/t.py": ["IL201"]}
    assert codes(run, ".", cwd=tmp_path / "pkg_a") == expected
    assert codes(run, "pkg_a") == {f"pkg_a/{name}": found for name, found in expected.items()}
    # without extend, nothing of the root's applies in pkg_a
    write(tmp_path, {"pkg_a/pyproject.toml": '[tool.initlint]\nextend-select = ["IL201"]\n'})
    assert sorted(codes(run, ".", cwd=tmp_path / "pkg_a")) == ["legacy/l.py", "m.py", "old.py", "tests/t.py"]


def test_extend_problems_are_one_line_errors(run, tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\nextend = "missing.toml"\n', "m.py": BOTH_RULES})
    assert_one_line_error(run("."), "pyproject.toml", "`extend`", "missing.toml", "not found")
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\nextend = "sub/initlint.toml"\n',
                     "sub/initlint.toml": 'extend = "../pyproject.toml"\n'})
    assert_one_line_error(run("."), "`extend` makes a cycle")
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\nextend = 3\n'})
    assert_one_line_error(run("."), "`extend` must be the path of a configuration file")


def test_config_key_value_overrides(run, tmp_path):
    write(tmp_path, MONOREPO)
    assert codes(run, "--config", 'ignore = ["IL101"]', ".") == {"pkg_a/m.py": ["IL201"]}
    assert codes(run, "--config", "select = ['IL2']", "--config", "extend-select = ['IL101']", "pkg_b") == {
        "pkg_b/m.py": ["IL101", "IL201"]}
    # with a configuration file too
    assert codes(run, "--config", "pyproject.toml", "--config", 'extend-select = ["IL201"]', "pkg_b") == {
        "pkg_b/m.py": ["IL101", "IL201"]}
    assert_one_line_error(run("--config", "select = [", "."), "--config", "neither a configuration file nor")
    assert_one_line_error(run("--config", "colour = 1", "."), "unknown key `colour`")
    assert_one_line_error(run("--config", "nope.toml", "."), "nope.toml: configuration file not found")
    assert_one_line_error(run("--config", "pyproject.toml", "--config", "pkg_a/pyproject.toml", "."),
                          "two configuration files")


def test_extend_ignore_and_per_file_ignores_on_the_command_line(run, tmp_path):
    write(tmp_path, MONOREPO)
    assert codes(run, "--extend-ignore", "IL201", "pkg_a") == {}
    assert codes(run, "--per-file-ignores", "pkg_b/*:IL101,IL201", ".") == {"pkg_a/m.py": ["IL201"]}
    assert codes(run, "--per-file-ignores", "other/*:IL101", "pkg_b") == {"pkg_b/m.py": ["IL101"]}
    assert_one_line_error(run("--per-file-ignores", "pkg_b/*", "."), "--per-file-ignores needs GLOB:CODES")
    assert_one_line_error(run("--per-file-ignores", "pkg_b/*:XX1", "."), "XX1")


def test_the_cache_lives_at_the_project_root_of_the_linted_files(run, tmp_path):
    write(tmp_path / "project", {"pyproject.toml": "[tool.initlint]\n", "m.py": BOTH_RULES})
    (tmp_path / "elsewhere").mkdir()
    result = run("project", cwd=tmp_path, env={"INITLINT_CACHE_DIR": ""})
    assert result.returncode == 1
    assert (tmp_path / "project" / ".initlint_cache").is_dir()
    assert not (tmp_path / ".initlint_cache").exists()
    run(str(tmp_path / "project"), cwd=tmp_path / "elsewhere", env={"INITLINT_CACHE_DIR": ""})
    assert not (tmp_path / "elsewhere" / ".initlint_cache").exists()


def test_include_and_extend_include(run, tmp_path):
    write(tmp_path, {"a.py": BOTH_RULES, "scripts/train": BOTH_RULES, "tools/x.pyw": BOTH_RULES,
                     "pkg/b.py": BOTH_RULES, "nb/n.ipynb": "{}"})
    root = str(tmp_path.resolve())

    def files(*args):
        return [line[len(root) + 1:] for line in run("--show-files", *args).lines()]

    assert files() == ["a.py", "nb/n.ipynb", "pkg/b.py"]
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\nextend-include = ["*.pyw", "scripts/*"]\n'})
    assert files() == ["a.py", "nb/n.ipynb", "pkg/b.py", "scripts/train", "tools/x.pyw"]
    # a file without a suffix is linted as Python
    assert codes(run, "scripts/train") == {"scripts/train": ["IL101", "IL201"]}
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\ninclude = ["pkg/*.py"]\n'})
    assert files() == ["pkg/b.py"]
    assert files("a.py") == ["a.py"]  # a file named on the command line is always linted
    assert files("--config", "extend-include = ['tools/*']") == ["pkg/b.py", "tools/x.pyw"]
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\ninclude = "*.py"\n'})
    assert_one_line_error(run("."), "`include` must be an array of strings")
