"""Configuration files: discovery, validation, merging with the command line, per-file-ignores."""
from __future__ import annotations

import pytest

from initlint.config import ConfigError, Overrides, find_config, load_config, resolve_settings
from initlint.rules import RULES_BY_CODE

from .conftest import BROKEN, CLEAN, ZERO_KERNEL, assert_one_line_error, codes_by_file, write

BOTH = {"m.py": ZERO_KERNEL, "bad.py": BROKEN}


def json_codes(run, *args, cwd=None, stdin=None):
    result = run("--output-format", "json", *args, cwd=cwd, stdin=stdin)
    assert result.returncode in (0, 1), result.stderr
    return codes_by_file(result)


# ---------------------------------------------------------------------------------------------
# discovery


def test_pyproject_in_a_parent_directory(run, tmp_path):
    write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.initlint]\nselect = ["IL000"]\n'})
    write(tmp_path / "sub", BOTH)
    assert json_codes(run, cwd=tmp_path / "sub") == {"bad.py": ["IL000"]}


def test_closest_configuration_wins(run, tmp_path):
    write(tmp_path, {".initlint.toml": 'select = ["IL000"]\n', "sub/initlint.toml": 'select = ["IL101"]\n'})
    write(tmp_path / "sub", BOTH)
    assert json_codes(run, cwd=tmp_path / "sub") == {"bad.py": ["IL000"], "m.py": ["IL101"]}  # IL000 always on
    # from the top too: the closest file to each linted file governs it (as ruff)
    assert json_codes(run, "sub") == {"sub/bad.py": ["IL000"], "sub/m.py": ["IL101"]}


def test_same_directory_preference(run, tmp_path):
    pyproject = '[tool.initlint]\nselect = ["IL1"]\nignore = ["IL000"]\n'
    write(tmp_path / "a", {".initlint.toml": 'select = ["IL000"]\n', "initlint.toml": 'select = ["IL101"]\n',
                           "pyproject.toml": pyproject, **BOTH})
    write(tmp_path / "b", {"initlint.toml": 'select = ["IL000"]\n', "pyproject.toml": pyproject, **BOTH})
    assert json_codes(run, cwd=tmp_path / "a") == {"bad.py": ["IL000"]}
    assert json_codes(run, cwd=tmp_path / "b") == {"bad.py": ["IL000"]}
    assert find_config(str(tmp_path / "a")) == str(tmp_path / "a" / ".initlint.toml")
    assert find_config(str(tmp_path / "b")) == str(tmp_path / "b" / "initlint.toml")


def test_pyproject_without_a_table_is_skipped(run, tmp_path):
    write(tmp_path, {".initlint.toml": 'select = ["IL000"]\n',
                     "sub/pyproject.toml": '[project]\nname = "x"\n\n[tool.black]\nline-length = 100\n'})
    write(tmp_path / "sub", BOTH)
    assert json_codes(run, cwd=tmp_path / "sub") == {"bad.py": ["IL000"]}
    assert find_config(str(tmp_path / "sub")) == str(tmp_path / ".initlint.toml")


def test_no_configuration_anywhere_uses_the_defaults(tmp_path):
    settings = resolve_settings(Overrides(isolated=True), str(tmp_path))
    from initlint.rules import default_codes

    assert settings.enabled == frozenset(default_codes())
    assert settings.config_path is None and settings.project_root == str(tmp_path)
    assert settings.respect_gitignore is True


def test_explicit_config_and_isolated(run, tmp_path):
    write(tmp_path, {".initlint.toml": 'select = ["IL000"]\n', "conf/other.toml": 'select = ["IL101"]\n',
                     "conf/pyproject.toml": '[tool.initlint]\nignore = ["IL000"]\n', **BOTH})
    assert json_codes(run) == {"bad.py": ["IL000"]}
    assert json_codes(run, "--config", "conf/other.toml") == {"bad.py": ["IL000"], "m.py": ["IL101"]}
    assert json_codes(run, "--config", "conf/pyproject.toml") == {"bad.py": ["IL000"], "m.py": ["IL101"]}
    assert json_codes(run, "--isolated") == {"bad.py": ["IL000"], "m.py": ["IL101"]}
    assert_one_line_error(run("--config", "conf/other.toml", "--isolated"), "--isolated")
    assert_one_line_error(run("--config", "missing.toml"), "missing.toml", "not found")


# ---------------------------------------------------------------------------------------------
# errors: each one line on stderr, exit 2


@pytest.mark.parametrize(
    "name, text, fragments",
    [
        (".initlint.toml", 'colour = "red"\n', ["unknown key `colour`", "valid keys: select"]),
        ("initlint.toml", 'select = "IL101"\n', ["`select` must be an array of strings, not a string"]),
        (".initlint.toml", "select = [1]\n", ["`select` must be an array of strings, but it contains an integer"]),
        (".initlint.toml", "respect-gitignore = 1\n", ["`respect-gitignore` must be true or false"]),
        (".initlint.toml", "exclude = {}\n", ["`exclude` must be an array of strings, not a table"]),
        (".initlint.toml", "select = [\n", ["invalid TOML"]),
        ("pyproject.toml", "[tool.initlint\n", ["invalid TOML"]),
        ("pyproject.toml", '[tool.initlint]\nselect = ["IL999"]\n',
         ["'IL999'", "`select`", "valid codes: " + ", ".join(sorted(RULES_BY_CODE))]),
        (".initlint.toml", 'ignore = ["XX"]\n', ["'XX'", "`ignore`"]),
        (".initlint.toml", 'extend-select = ["IL9"]\n', ["'IL9'", "`extend-select`"]),
        (".initlint.toml", '[per-file-ignores]\n"tests/**" = ["IL998"]\n', ["'IL998'", "per-file-ignores"]),
        (".initlint.toml", '[per-file-ignores]\n"tests/[a" = ["IL101"]\n',
         ["invalid glob 'tests/[a' in `per-file-ignores`", "unclosed character class"]),
        (".initlint.toml", '[per-file-ignores]\n"a**" = ["IL101"]\n', ["invalid glob 'a**'"]),
        (".initlint.toml", '[per-file-ignores]\n"x.py" = "IL101"\n', ["for 'x.py' must be an array of strings"]),
        (".initlint.toml", 'per-file-ignores = ["x.py"]\n', ["`per-file-ignores` must be a table"]),
        (".initlint.toml", 'extend-exclude = ["{a,b"]\n', ["invalid glob '{a,b' in `extend-exclude`"]),
        ("pyproject.toml", "[tool]\ninitlint = 3\n", ["`tool.initlint` must be a table"]),
    ],
)
def test_configuration_errors(main, tmp_path, name, text, fragments):
    write(tmp_path, {name: text, **BOTH})
    result = main()
    assert_one_line_error(result, name, *fragments)
    assert result.stdout == ""


def test_configuration_error_names_the_file_from_a_subdirectory(run, tmp_path):
    write(tmp_path, {".initlint.toml": "nope = 1\n", "sub/m.py": ZERO_KERNEL})
    assert_one_line_error(run(cwd=tmp_path / "sub"), f"{tmp_path / '.initlint.toml'}: unknown key `nope`")


def test_invalid_exclude_on_the_command_line(run, tmp_path):
    write(tmp_path, BOTH)
    assert_one_line_error(run("--extend-exclude", "[x"), "--extend-exclude", "'[x'")


# ---------------------------------------------------------------------------------------------
# the command line over the file (ruff's layering)


@pytest.mark.parametrize(
    "config, args, expected",
    [
        ('select = ["IL000"]\n', ("--select", "IL101"), {"bad.py": ["IL000"], "m.py": ["IL101"]}),
        ('select = ["IL000"]\n', ("--extend-select", "IL101"), {"bad.py": ["IL000"], "m.py": ["IL101"]}),
        ('ignore = ["IL101"]\n', ("--extend-select", "IL000"), {"bad.py": ["IL000"]}),
        ('ignore = ["IL101"]\n', ("--select", "ALL"), {"bad.py": ["IL000"], "m.py": ["IL101"]}),
        ('select = ["IL1"]\nignore = ["IL101"]\n', (), {"bad.py": ["IL000"]}),  # IL000 is always on
        ('select = ["IL101"]\nignore = ["IL1"]\n', (), {"bad.py": ["IL000"], "m.py": ["IL101"]}),
        ('extend-select = ["IL1"]\nignore = ["IL000"]\n', ("--ignore", "IL1"), {"bad.py": ["IL000"]}),
    ],
)
def test_command_line_overrides_the_file(main, tmp_path, config, args, expected):
    write(tmp_path, {".initlint.toml": config, **BOTH})
    assert json_codes(main, *args) == expected


# ---------------------------------------------------------------------------------------------
# per-file-ignores


PER_FILE = """
[tool.initlint]
default-per-file-ignores = false

[tool.initlint.per-file-ignores]
"tests/**" = ["IL1"]
"conftest.py" = ["IL101"]
"legacy" = ["IL101"]
"scripts/*.py" = ["IL101", "IL000"]
"""


def test_per_file_ignores(run, tmp_path):
    files = {
        "pyproject.toml": PER_FILE,
        "src/model.py": ZERO_KERNEL,
        "tests/unit/test_model.py": ZERO_KERNEL,
        "tests/bad.py": BROKEN,
        "pkg/conftest.py": ZERO_KERNEL,
        "legacy/old/model.py": ZERO_KERNEL,
        "scripts/deep/run.py": BROKEN,
        "other/tests/model.py": ZERO_KERNEL,
    }
    write(tmp_path, files)
    expected = {"src/model.py": ["IL101"], "tests/bad.py": ["IL000"], "other/tests/model.py": ["IL101"],
                "scripts/deep/run.py": ["IL000"]}  # a per-file-ignore cannot turn IL000 off
    assert json_codes(run) == expected
    # From a subdirectory the patterns still start at the configuration file's directory.
    assert json_codes(run, cwd=tmp_path / "tests") == {"bad.py": ["IL000"]}
    # Named explicitly, an ignored file stays ignored.
    assert json_codes(run, "tests/unit/test_model.py") == {}


def test_constant_kernels_in_test_files_are_not_reported_by_default(run, tmp_path):
    files = {
        "src/model.py": ZERO_KERNEL,
        "src/tests/model.py": ZERO_KERNEL,
        "src/test_model.py": ZERO_KERNEL,
        "src/model_test.py": ZERO_KERNEL,
        "tests/bad.py": BROKEN,
    }
    write(tmp_path, files)
    assert json_codes(run) == {"src/model.py": ["IL101"], "tests/bad.py": ["IL000"]}
    # Outside the project directory too (the built-in patterns match at any depth).
    assert json_codes(run, str(tmp_path / "src" / "tests"), cwd=tmp_path / "src") == {}
    # Users can turn the built-in ignores off.
    write(tmp_path, {"pyproject.toml": "[tool.initlint]\ndefault-per-file-ignores = false\n"})
    assert json_codes(run) == {"src/model.py": ["IL101"], "src/tests/model.py": ["IL101"],
                               "src/test_model.py": ["IL101"], "src/model_test.py": ["IL101"],
                               "tests/bad.py": ["IL000"]}


def test_default_per_file_ignores_must_be_a_boolean(tmp_path):
    path = tmp_path / ".initlint.toml"
    path.write_text('default-per-file-ignores = "no"\n')
    with pytest.raises(ConfigError, match="default-per-file-ignores"):
        load_config(str(path))


def test_negated_per_file_ignores(run, tmp_path):
    write(tmp_path, {".initlint.toml": '[per-file-ignores]\n"!src/**" = ["IL101"]\n',
                     "src/m.py": ZERO_KERNEL, "tools/m.py": ZERO_KERNEL})
    assert json_codes(run) == {"src/m.py": ["IL101"]}


def test_per_file_ignores_with_stdin_filename(run, tmp_path):
    write(tmp_path, {".initlint.toml": '[per-file-ignores]\n"generated/*" = ["IL101"]\n'})
    assert json_codes(run, "-", "--stdin-filename", "generated/model.py", stdin=ZERO_KERNEL) == {}
    assert json_codes(run, "-", "--stdin-filename", "src/model.py", stdin=ZERO_KERNEL) == {
        "src/model.py": ["IL101"]
    }


def test_per_file_ignores_unit(tmp_path):
    write(tmp_path, {".initlint.toml": '[per-file-ignores]\n"*_pb2.py" = ["IL"]\n"a/{b,c}/*.py" = ["IL2"]\n'})
    settings = resolve_settings(Overrides(), str(tmp_path))
    ignored = settings.per_file_ignores.ignored
    assert ignored(str(tmp_path / "x" / "y_pb2.py")) == frozenset(RULES_BY_CODE)
    assert ignored(str(tmp_path / "a" / "c" / "m.py")) == {c for c in RULES_BY_CODE if c.startswith("IL2")}
    assert ignored(str(tmp_path / "a" / "d" / "m.py")) == frozenset()
    assert settings.enabled_for(str(tmp_path / "a" / "b" / "m.py")) == settings.enabled - ignored(
        str(tmp_path / "a" / "b" / "m.py"))


# ---------------------------------------------------------------------------------------------
# exclude, extend-exclude, respect-gitignore


def test_exclude_and_extend_exclude(run, tmp_path):
    files = {"src/m.py": ZERO_KERNEL, "generated/m.py": ZERO_KERNEL, "build/m.py": ZERO_KERNEL,
             "src/proto_pb2.py": ZERO_KERNEL}
    write(tmp_path, files)
    # build/ is a default exclude
    assert json_codes(run) == {"generated/m.py": ["IL101"], "src/m.py": ["IL101"], "src/proto_pb2.py": ["IL101"]}
    (tmp_path / ".initlint.toml").write_text('extend-exclude = ["generated", "*_pb2.py"]\n')
    assert json_codes(run) == {"src/m.py": ["IL101"]}
    # `exclude` replaces the defaults (as in ruff): build/ is linted again
    (tmp_path / ".initlint.toml").write_text('exclude = ["generated"]\n')
    assert json_codes(run) == {"build/m.py": ["IL101"], "src/m.py": ["IL101"], "src/proto_pb2.py": ["IL101"]}
    # the command line replaces the file's exclude; --extend-exclude adds
    assert json_codes(run, "--exclude", "src") == {"build/m.py": ["IL101"], "generated/m.py": ["IL101"]}
    assert json_codes(run, "--extend-exclude", "build,src/proto_pb2.py") == {"src/m.py": ["IL101"]}


def test_exclude_patterns_are_relative_to_the_configuration_file(run, tmp_path):
    write(tmp_path, {".initlint.toml": 'extend-exclude = ["pkg/gen/*.py"]\n',
                     "pkg/gen/m.py": ZERO_KERNEL, "pkg/m.py": ZERO_KERNEL, "other/pkg/gen/m.py": ZERO_KERNEL})
    assert json_codes(run, cwd=tmp_path / "pkg") == {"m.py": ["IL101"]}
    assert json_codes(run) == {"other/pkg/gen/m.py": ["IL101"], "pkg/m.py": ["IL101"]}


def test_respect_gitignore_setting(run, tmp_path):
    write(tmp_path, {".gitignore": "ignored/\n", "ignored/m.py": ZERO_KERNEL, "kept.py": CLEAN})
    assert json_codes(run) == {}
    (tmp_path / "initlint.toml").write_text("respect-gitignore = false\n")
    assert json_codes(run) == {"ignored/m.py": ["IL101"]}
    assert json_codes(run, "--respect-gitignore") == {}


def test_load_config_values(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.initlint]\nselect = ["il1", "IL000"]\nextend-exclude = ["gen"]\nrespect-gitignore = false\n'
        '[tool.initlint.per-file-ignores]\n"tests/*" = ["IL101"]\n'
    )
    config = load_config(str(path))
    assert config.select == ("IL1", "IL000")
    assert config.extend_exclude == ("gen",)
    assert config.exclude is None
    assert config.respect_gitignore is False
    assert config.per_file_ignores == (("tests/*", ("IL101",)),)
    assert config.root == str(tmp_path)
    with pytest.raises(ConfigError, match=r"^pyproject\.toml: unknown key|pyproject\.toml: unknown key"):
        path.write_text("[tool.initlint]\nfoo = 1\n")
        load_config(str(path))
