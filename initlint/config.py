"""Configuration: finding, reading and validating the configuration file, and merging it with the
command line.

The file is `.initlint.toml` or `initlint.toml` (keys at the top level) or `pyproject.toml` (keys
under `[tool.initlint]`), searched from the current directory upward; the closest directory wins
and, within one directory, the first of those three names that applies. A `pyproject.toml` without
`[tool.initlint]` is skipped. Every problem is a ConfigError whose message is one line naming the
file.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from .discovery import DEFAULT_EXCLUDES, GlobError, PathPattern, display_path
from .options import TF_VERSIONS, AnalysisOptions
from .selection import ALWAYS_ON, RuleSelection, SelectionError, check_selectors, codes_for, registry_codes, resolve

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11
    import tomli as tomllib

CONFIG_FILENAMES = (".initlint.toml", "initlint.toml", "pyproject.toml")
LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
KEYS = (
    "select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude", "respect-gitignore",
    "force-exclude", "tf-version", "default-per-file-ignores",
)
# Built in, on unless `default-per-file-ignores = false`: constant kernels in test files make results
# deterministic (issue 12). Patterns match at any depth: a `tests` directory, `test_*.py`, `*_test.py`.
DEFAULT_PER_FILE_IGNORES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("tests", ("IL101", "IL102")),
    ("test_*.py", ("IL101", "IL102")),
    ("*_test.py", ("IL101", "IL102")),
)
RULE_KEYS = ("select", "ignore", "extend-select")


class ConfigError(Exception):
    """A problem with the configuration or the options: one line, shown without a traceback."""


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _starts_with_bom(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(3) == b"\xef\xbb\xbf"
    except OSError:
        return False


def read_toml(path: str) -> Dict[str, Any]:
    shown = display_path(path)
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        if _starts_with_bom(path):
            raise ConfigError(f"{shown}: invalid TOML: the file starts with a UTF-8 byte-order mark "
                              "(TOML allows none); save it as UTF-8 without BOM") from None
        raise ConfigError(f"{shown}: invalid TOML: {_one_line(str(error))}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML: not valid UTF-8 ({_one_line(str(error))})") from None
    except RecursionError:  # tomllib's parser recurses into nested arrays and inline tables
        raise ConfigError(f"{shown}: invalid TOML: arrays or tables nested too deeply") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: is a directory, not a configuration file") from None
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read the configuration file: {error.strerror or error}") from None


def _section(path: str, data: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The initlint table of a parsed file: None for a pyproject.toml without one."""
    if os.path.basename(path) != "pyproject.toml":
        return data
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{display_path(path)}: `tool` must be a table, not {_toml_type(tool)}")
    section = tool.get("initlint")
    if section is None:
        return None
    if not isinstance(section, dict):
        raise ConfigError(f"{display_path(path)}: `tool.initlint` must be a table, not {_toml_type(section)}")
    return section


def find_config(start: Optional[str] = None) -> Optional[str]:
    """The configuration file that applies in `start` (default: the current directory)."""
    directory = os.path.abspath(start or os.getcwd())
    while True:
        for name in CONFIG_FILENAMES:
            path = os.path.join(directory, name)
            if not os.path.isfile(path):
                continue
            if name != "pyproject.toml" or _section(path, read_toml(path)) is not None:
                return path
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


@dataclass(frozen=True)
class FileConfig:
    """What one configuration file says; None or () where it says nothing."""

    path: Optional[str] = None
    root: str = "."  # the directory its relative patterns start from
    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    exclude: Optional[Tuple[str, ...]] = None
    extend_exclude: Tuple[str, ...] = ()
    respect_gitignore: Optional[bool] = None
    force_exclude: Optional[bool] = None
    tf_version: Optional[int] = None  # 1 or 2: how TensorFlow code is read (None: from each file's imports)
    default_per_file_ignores: Optional[bool] = None  # None: on (DEFAULT_PER_FILE_IGNORES)


def _string_list(shown: str, what: str, value: Any) -> Tuple[str, ...]:
    """`what` names the value, e.g. "`select`"."""
    if not isinstance(value, list):
        raise ConfigError(f"{shown}: {what} must be an array of strings, not {_toml_type(value)}")
    for item in value:
        if not isinstance(item, str):
            raise ConfigError(f"{shown}: {what} must be an array of strings, but it contains {_toml_type(item)}")
    return tuple(value)


def _check_glob(shown: str, key: str, pattern: str) -> None:
    try:
        PathPattern(pattern[1:] if key == "per-file-ignores" and pattern.startswith("!") else pattern, os.sep)
    except GlobError as error:
        raise ConfigError(f"{shown}: invalid glob {pattern!r} in `{key}`: {error}") from None


def parse_config(path: str, section: Dict[str, Any], codes: Optional[Sequence[str]] = None) -> FileConfig:
    """Validate the initlint table of the file at `path`."""
    shown = display_path(path)
    unknown = [key for key in section if key not in KEYS]
    if unknown:
        raise ConfigError(f"{shown}: unknown key `{unknown[0]}`; valid keys: {', '.join(KEYS)}")
    codes = tuple(codes) if codes is not None else registry_codes()
    values: Dict[str, Any] = {}
    for key in LIST_KEYS:
        if key in section:
            values[key] = _string_list(shown, f"`{key}`", section[key])
    for key in RULE_KEYS:
        if key in values:
            values[key] = tuple(item.strip().upper() for item in values[key] if item.strip())
            try:
                check_selectors(values[key], codes, f"`{key}`")
            except SelectionError as error:
                raise ConfigError(f"{shown}: {error}") from None
    for key in ("exclude", "extend-exclude"):
        for pattern in values.get(key, ()):
            _check_glob(shown, key, pattern)
    per_file: List[Tuple[str, Tuple[str, ...]]] = []
    if "per-file-ignores" in section:
        table = section["per-file-ignores"]
        if not isinstance(table, dict):
            raise ConfigError(
                f"{shown}: `per-file-ignores` must be a table of glob = [codes], not {_toml_type(table)}"
            )
        for pattern, listed in table.items():
            _check_glob(shown, "per-file-ignores", pattern)
            selectors = _string_list(shown, f"`per-file-ignores` value for {pattern!r}", listed)
            selectors = tuple(item.strip().upper() for item in selectors if item.strip())
            try:
                check_selectors(selectors, codes, f"`per-file-ignores` for {pattern!r}")
            except SelectionError as error:
                raise ConfigError(f"{shown}: {error}") from None
            per_file.append((pattern, selectors))
    respect = section.get("respect-gitignore")
    if respect is not None and not isinstance(respect, bool):
        raise ConfigError(f"{shown}: `respect-gitignore` must be true or false, not {_toml_type(respect)}")
    force = section.get("force-exclude")
    if force is not None and not isinstance(force, bool):
        raise ConfigError(f"{shown}: `force-exclude` must be true or false, not {_toml_type(force)}")
    tf_version = _tf_version(shown, section.get("tf-version"))
    defaults = section.get("default-per-file-ignores")
    if defaults is not None and not isinstance(defaults, bool):
        raise ConfigError(f"{shown}: `default-per-file-ignores` must be true or false, not {_toml_type(defaults)}")
    return FileConfig(
        path=os.path.abspath(path),
        root=os.path.dirname(os.path.abspath(path)),
        select=values.get("select"),
        extend_select=values.get("extend-select", ()),
        ignore=values.get("ignore", ()),
        per_file_ignores=tuple(per_file),
        exclude=values.get("exclude"),
        extend_exclude=values.get("extend-exclude", ()),
        respect_gitignore=respect,
        force_exclude=force,
        tf_version=tf_version,
        default_per_file_ignores=defaults,
    )


def _tf_version(shown: str, value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{shown}: `tf-version` must be the integer 1 or 2, not {_toml_type(value)}")
    if value not in TF_VERSIONS:
        raise ConfigError(f"{shown}: `tf-version` must be 1 or 2, not {value}")
    return value


def load_config(path: str, codes: Optional[Sequence[str]] = None) -> FileConfig:
    """Read and validate a configuration file (a pyproject.toml without [tool.initlint] is empty)."""
    section = _section(path, read_toml(path))
    if section is None:
        return FileConfig(path=os.path.abspath(path), root=os.path.dirname(os.path.abspath(path)))
    return parse_config(path, section, codes)


# --------------------------------------------------------------------------------------------
# Per-file ignores


@dataclass(frozen=True)
class PerFileIgnore:
    pattern: PathPattern
    negated: bool  # '!glob': applies to the files the glob does not match
    codes: FrozenSet[str]

    def applies_to(self, path: str) -> bool:
        hit = self.pattern.matches_path_or_parent(path, stop=self.pattern.base)
        return hit != self.negated


@dataclass(frozen=True)
class PerFileIgnores:
    entries: Tuple[PerFileIgnore, ...] = ()

    @classmethod
    def build(cls, table: Sequence[Tuple[str, Sequence[str]]], root: str, codes: Sequence[str],
              defaults: Sequence[Tuple[str, Sequence[str]]] = ()) -> "PerFileIgnores":
        """`defaults` (the built-in table) match at any depth of any path, inside the project or not."""
        entries = []
        for pattern, selectors in defaults:
            entries.append(PerFileIgnore(PathPattern(pattern, os.sep), False, codes_for(selectors, codes)))
        for pattern, selectors in table:
            negated = pattern.startswith("!")
            glob = PathPattern(pattern[1:] if negated else pattern, root)
            entries.append(PerFileIgnore(glob, negated, codes_for(selectors, codes)))
        return cls(tuple(entries))

    def ignored(self, path: str) -> FrozenSet[str]:
        """The codes ignored for the absolute `path` (patterns only ever add to this set)."""
        path = os.path.normpath(os.path.abspath(path))
        out: set = set()
        for entry in self.entries:
            if entry.applies_to(path):
                out |= entry.codes
        return frozenset(out)


# --------------------------------------------------------------------------------------------
# Command line + file -> settings


@dataclass(frozen=True)
class Overrides:
    """What the command line says; None where it says nothing."""

    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    exclude: Optional[Tuple[str, ...]] = None
    extend_exclude: Tuple[str, ...] = ()
    respect_gitignore: Optional[bool] = None
    force_exclude: Optional[bool] = None
    config: Optional[str] = None
    isolated: bool = False


@dataclass(frozen=True)
class Settings:
    config: FileConfig
    project_root: str
    enabled: FrozenSet[str]
    per_file_ignores: PerFileIgnores = field(default_factory=PerFileIgnores)
    excludes: Tuple[PathPattern, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False  # apply the excludes to the files named on the command line too
    tf_version: Optional[int] = None

    def __post_init__(self) -> None:
        # The options of a file without per-file-ignores, made once (options_for is called per file).
        object.__setattr__(self, "_options", AnalysisOptions(self.enabled, self.tf_version))

    @property
    def config_path(self) -> Optional[str]:
        return self.config.path

    def enabled_for(self, path: str) -> FrozenSet[str]:
        """The codes to run on the file at `path`, after per-file-ignores."""
        return (self.enabled - self.per_file_ignores.ignored(path)) | ALWAYS_ON

    @property
    def options(self) -> AnalysisOptions:
        """The analysis options of a file no per-file-ignore applies to."""
        return self._options  # type: ignore[attr-defined]

    def options_for(self, path: str) -> AnalysisOptions:
        """The analysis options of the file at `path`: its enabled codes (per-file-ignores applied)."""
        if not self.per_file_ignores.entries:
            return self._options  # type: ignore[attr-defined]
        return self._options.with_enabled(self.enabled_for(path))  # type: ignore[attr-defined]


def _option_globs(option: str, patterns: Sequence[str], base: str) -> List[PathPattern]:
    out = []
    for pattern in patterns:
        try:
            out.append(PathPattern(pattern, base))
        except GlobError as error:
            raise ConfigError(f"invalid glob {pattern!r} in {option}: {error}") from None
    return out


def resolve_settings(overrides: Overrides, cwd: Optional[str] = None) -> Settings:
    """Find and read the configuration file (unless isolated) and apply the command line."""
    cwd = os.path.abspath(cwd or os.getcwd())
    codes = registry_codes()
    if overrides.config is not None and overrides.isolated:
        raise ConfigError("--config cannot be used together with --isolated")
    if overrides.config is not None:
        path = os.path.join(cwd, os.path.expanduser(overrides.config))
        if not os.path.exists(path):
            raise ConfigError(f"{overrides.config}: configuration file not found")
        config = load_config(path, codes)
    elif overrides.isolated:
        config = FileConfig(root=cwd)
    else:
        found = find_config(cwd)
        config = load_config(found, codes) if found else FileConfig(root=cwd)
    root = config.root

    for option, selectors in (
        ("--select", overrides.select or ()),
        ("--extend-select", overrides.extend_select),
        ("--ignore", overrides.ignore),
    ):
        try:
            check_selectors(selectors, codes, option)
        except SelectionError as error:
            raise ConfigError(str(error)) from None
    enabled = resolve(
        [
            RuleSelection(config.select, config.extend_select, config.ignore),
            RuleSelection(overrides.select, overrides.extend_select, overrides.ignore),
        ],
        codes,
    ) | ALWAYS_ON

    if overrides.exclude is not None:
        excludes = _option_globs("--exclude", overrides.exclude, cwd)
    elif config.exclude is not None:
        excludes = [PathPattern(pattern, root) for pattern in config.exclude]
    else:
        excludes = [PathPattern(name, root) for name in DEFAULT_EXCLUDES]
    excludes += [PathPattern(pattern, root) for pattern in config.extend_exclude]
    excludes += _option_globs("--extend-exclude", overrides.extend_exclude, cwd)

    respect = overrides.respect_gitignore
    if respect is None:
        respect = config.respect_gitignore if config.respect_gitignore is not None else True
    force = overrides.force_exclude
    if force is None:
        force = bool(config.force_exclude)
    return Settings(
        config=config,
        project_root=root,
        enabled=enabled,
        per_file_ignores=PerFileIgnores.build(
            config.per_file_ignores, root, codes,
            DEFAULT_PER_FILE_IGNORES if config.default_per_file_ignores is not False else ()),
        excludes=tuple(excludes),
        respect_gitignore=respect,
        force_exclude=force,
        tf_version=config.tf_version,
    )


__all__ = [
    "CONFIG_FILENAMES",
    "ConfigError",
    "DEFAULT_PER_FILE_IGNORES",
    "FileConfig",
    "Overrides",
    "PerFileIgnores",
    "Settings",
    "find_config",
    "load_config",
    "parse_config",
    "read_toml",
    "resolve_settings",
]
