"""Configuration: finding, reading and validating the configuration file, and merging it with the
command line.

The file is `.initlint.toml` or `initlint.toml` (keys at the top level) or `pyproject.toml` (keys
under `[tool.initlint]`), searched from the current directory upward; the closest directory wins
and, within one directory, the first of those three names that applies. A `pyproject.toml` without
`[tool.initlint]` is skipped. Every problem is a ConfigError whose message is one line naming the
file.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from .config_checks import (
    ConfigError,
    chain_thresholds_value,
    check_fail_on,
    docs_url_value,
    max_file_size_value,
    severity_table,
    tf_version_value,
    toml_type,
)
from .diagnostics import WARNING
from .discovery import DEFAULT_EXCLUDES, GlobError, PathPattern, display_path
from .options import DEFAULT_CHAIN_THRESHOLDS, AnalysisOptions
from .selection import ALWAYS_ON, RuleSelection, SelectionError, check_selectors, codes_for, registry_codes, resolve

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11
    import tomli as tomllib

DEFAULT_FAIL_ON = WARNING  # info findings annotate, never fail a build
CONFIG_FILENAMES = (".initlint.toml", "initlint.toml", "pyproject.toml")
LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude", "include", "extend-include")
KEYS = (
    "select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude", "respect-gitignore",
    "force-exclude", "tf-version", "docs-url", "max-file-size", "extend", "include", "extend-include",
    "severity", "fail-on", "chain-info", "chain-warning", "chain-error", "default-per-file-ignores",
)
# Built in, on unless `default-per-file-ignores = false`: constant kernels in test files make results
# deterministic (issue 12). Patterns match at any depth: a `tests` directory, `test_*.py`, `*_test.py`.
DEFAULT_PER_FILE_IGNORES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("tests", ("IL101", "IL102")),
    ("test_*.py", ("IL101", "IL102")),
    ("*_test.py", ("IL101", "IL102")),
)
# What a directory walk lints when `include` is not set (`extend-include` adds to it).
DEFAULT_INCLUDE = ("*.py", "*.pyi", "*.ipynb")
RULE_KEYS = ("select", "ignore", "extend-select")


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
        raise ConfigError(f"{display_path(path)}: `tool` must be a table, not {toml_type(tool)}")
    section = tool.get("initlint")
    if section is None:
        return None
    if not isinstance(section, dict):
        raise ConfigError(f"{display_path(path)}: `tool.initlint` must be a table, not {toml_type(section)}")
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
    docs_url: Optional[str] = None  # where the rule pages live (report.rule_url)
    max_file_size: Optional[int] = None  # bytes of source beyond which a file is IL000 (None: $INITLINT_MAX_FILE_SIZE)
    # The rule selections of the configurations this one extends (`extend = "../pyproject.toml"`),
    # outermost first: applied before this file's own.
    rule_layers: Tuple[RuleSelection, ...] = ()
    include: Optional[Tuple[str, ...]] = None  # None: DEFAULT_INCLUDE
    extend_include: Tuple[str, ...] = ()
    severity: Tuple[Tuple[str, str], ...] = ()  # `[tool.initlint.severity]`: (code, severity), sorted
    fail_on: Optional[str] = None  # the least severity that makes the exit status 1
    chain_thresholds: Optional[Tuple[float, float, float]] = None  # chain-info/-warning/-error (None: defaults)
    default_per_file_ignores: Optional[bool] = None  # None: on (DEFAULT_PER_FILE_IGNORES)


def _string_list(shown: str, what: str, value: Any) -> Tuple[str, ...]:
    """`what` names the value, e.g. "`select`"."""
    if not isinstance(value, list):
        raise ConfigError(f"{shown}: {what} must be an array of strings, not {toml_type(value)}")
    for item in value:
        if not isinstance(item, str):
            raise ConfigError(f"{shown}: {what} must be an array of strings, but it contains {toml_type(item)}")
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
    for key in ("exclude", "extend-exclude", "include", "extend-include"):
        for pattern in values.get(key, ()):
            _check_glob(shown, key, pattern)
    per_file: List[Tuple[str, Tuple[str, ...]]] = []
    if "per-file-ignores" in section:
        table = section["per-file-ignores"]
        if not isinstance(table, dict):
            raise ConfigError(
                f"{shown}: `per-file-ignores` must be a table of glob = [codes], not {toml_type(table)}"
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
        raise ConfigError(f"{shown}: `respect-gitignore` must be true or false, not {toml_type(respect)}")
    force = section.get("force-exclude")
    if force is not None and not isinstance(force, bool):
        raise ConfigError(f"{shown}: `force-exclude` must be true or false, not {toml_type(force)}")
    tf_version = tf_version_value(shown, section.get("tf-version"))
    docs_url = docs_url_value(shown, section.get("docs-url"))
    max_size = max_file_size_value(shown, section.get("max-file-size"))
    extend = section.get("extend")
    if extend is not None and (not isinstance(extend, str) or not extend.strip()):
        raise ConfigError(f"{shown}: `extend` must be the path of a configuration file, not {toml_type(extend)}")
    severity = severity_table(shown, section["severity"], codes) if "severity" in section else ()
    fail_on = check_fail_on(shown, section.get("fail-on"))
    chain_thresholds = chain_thresholds_value(shown, section)
    defaults = section.get("default-per-file-ignores")
    if defaults is not None and not isinstance(defaults, bool):
        raise ConfigError(f"{shown}: `default-per-file-ignores` must be true or false, not {toml_type(defaults)}")
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
        docs_url=docs_url,
        max_file_size=max_size,
        include=values.get("include"),
        extend_include=values.get("extend-include", ()),
        severity=severity,
        fail_on=fail_on,
        chain_thresholds=chain_thresholds,
        default_per_file_ignores=defaults,
    )


def load_config(path: str, codes: Optional[Sequence[str]] = None, _chain: Tuple[str, ...] = ()) -> FileConfig:
    """Read and validate a configuration file (a pyproject.toml without [tool.initlint] is empty),
    with the configuration it extends (`extend`) merged under it."""
    path = os.path.abspath(path)
    section = _section(path, read_toml(path))
    if section is None:
        return FileConfig(path=path, root=os.path.dirname(path))
    config = parse_config(path, section, codes)
    extend = section.get("extend")
    if extend is None:
        return config
    parent_path = _extended_path(path, extend, _chain)
    parent = load_config(parent_path, codes, _chain + (path,))
    return _merge(config, section, parent)


def _extended_path(path: str, extend: str, chain: Tuple[str, ...]) -> str:
    """The file `extend` names, relative to the configuration that says it (~ and $VARS expanded)."""
    target = os.path.abspath(os.path.join(os.path.dirname(path), os.path.expandvars(os.path.expanduser(extend))))
    if target == path or target in chain:
        raise ConfigError(f"{display_path(path)}: `extend` makes a cycle: {display_path(target)} extends it again")
    if not os.path.isfile(target):
        raise ConfigError(f"{display_path(path)}: `extend`: {extend}: configuration file not found")
    return target


def _anchored(pattern: str, root: str) -> str:
    """A pattern of a configuration in `root`, written so that it means the same from elsewhere:
    a pattern with a slash becomes absolute; a bare name matches at any depth, so it stays."""
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    text = body.replace(os.sep, "/")
    if "/" in text.rstrip("/") and not os.path.isabs(body):
        while text.startswith("./"):
            text = text[2:]
        body = root.replace(os.sep, "/").rstrip("/") + "/" + text
    return ("!" if negated else "") + body


def _merge(child: FileConfig, section: Dict[str, Any], parent: FileConfig) -> FileConfig:
    """`child` over the configuration it extends: what the child says wins; the parent's rule
    selection applies first (a layer), its `extend-exclude` is kept and its patterns keep meaning
    what they meant in the parent's directory."""
    def anchored(patterns):
        return tuple(_anchored(pattern, parent.root) for pattern in patterns)

    def pick(key: str, mine, theirs):
        return mine if key in section else theirs

    return FileConfig(
        path=child.path,
        root=child.root,
        select=child.select,
        extend_select=child.extend_select,
        ignore=child.ignore,
        per_file_ignores=pick("per-file-ignores", child.per_file_ignores,
                              tuple((_anchored(p, parent.root), codes) for p, codes in parent.per_file_ignores)),
        exclude=pick("exclude", child.exclude, anchored(parent.exclude) if parent.exclude is not None else None),
        extend_exclude=anchored(parent.extend_exclude) + child.extend_exclude,
        respect_gitignore=pick("respect-gitignore", child.respect_gitignore, parent.respect_gitignore),
        force_exclude=pick("force-exclude", child.force_exclude, parent.force_exclude),
        tf_version=pick("tf-version", child.tf_version, parent.tf_version),
        docs_url=pick("docs-url", child.docs_url, parent.docs_url),
        max_file_size=pick("max-file-size", child.max_file_size, parent.max_file_size),
        severity=tuple(sorted(dict(parent.severity + child.severity).items())),  # the child's entries win
        fail_on=pick("fail-on", child.fail_on, parent.fail_on),
        chain_thresholds=child.chain_thresholds if child.chain_thresholds is not None else parent.chain_thresholds,
        default_per_file_ignores=pick("default-per-file-ignores", child.default_per_file_ignores,
                                      parent.default_per_file_ignores),
        rule_layers=parent.rule_layers + (RuleSelection(parent.select, parent.extend_select, parent.ignore),),
        include=pick("include", child.include, anchored(parent.include) if parent.include is not None else None),
        extend_include=anchored(parent.extend_include) + child.extend_include,
    )


def parse_inline(value: str) -> Dict[str, Any]:
    """`--config 'KEY = VALUE'` as a table (ConfigError when it is not TOML of known keys)."""
    try:
        table = tomllib.loads(value)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"--config {value!r} is neither a configuration file nor a TOML `key = value` "
                          f"override ({_one_line(str(error))})") from None
    return table


def _apply_inline(config: FileConfig, tables: Sequence[Dict[str, Any]], cwd: str,
                  codes: Sequence[str]) -> FileConfig:
    """The `--config KEY=VALUE` overrides over a file's configuration, each a layer on top."""
    for table in tables:
        section = dict(table)
        if "extend" in section:
            raise ConfigError("--config cannot override `extend`")
        inline = parse_config(os.path.join(cwd, "--config"), section, codes)
        on_top = _merge(dataclasses.replace(inline, path=config.path, root=config.root), section, config)
        config = dataclasses.replace(on_top, root=config.root)
    return config


# --------------------------------------------------------------------------------------------
# Per-file ignores


@dataclass(frozen=True)
class PerFileIgnore:
    pattern: PathPattern
    negated: bool  # '!glob': applies to the files the glob does not match
    codes: FrozenSet[str]
    built_in: bool = False  # DEFAULT_PER_FILE_IGNORES (`default-per-file-ignores = false` removes it)

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
            entries.append(PerFileIgnore(PathPattern(pattern, os.sep), False, codes_for(selectors, codes), True))
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
    # --per-file-ignores GLOB:CODES (globs relative to the current directory), added to the file's
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    # --config 'KEY = VALUE': TOML tables applied over every configuration file, in order
    inline: Tuple[Any, ...] = ()
    fail_on: Optional[str] = None


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
    docs_url: Optional[str] = None  # where the rule pages live (None: report.DOCS_URL)
    max_file_size: Optional[int] = None  # None: $INITLINT_MAX_FILE_SIZE, else the default
    include: Tuple[PathPattern, ...] = ()  # () : the Python suffixes (discovery's default)
    severity: Tuple[Tuple[str, str], ...] = ()  # per-rule severity overrides
    fail_on: str = DEFAULT_FAIL_ON  # diagnostics at or above it make the exit status 1
    chain_thresholds: Tuple[float, float, float] = DEFAULT_CHAIN_THRESHOLDS

    def __post_init__(self) -> None:
        # The options of a file without per-file-ignores, made once (options_for is called per file).
        object.__setattr__(self, "_options", AnalysisOptions(
            self.enabled, self.tf_version, max_file_size=self.max_file_size, severity=self.severity,
            chain_thresholds=self.chain_thresholds))

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
    if overrides.inline:
        config = _apply_inline(config, overrides.inline, cwd, codes)
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
            *config.rule_layers,
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
        per_file_ignores=PerFileIgnores(
            PerFileIgnores.build(config.per_file_ignores, root, codes,
                                 DEFAULT_PER_FILE_IGNORES if config.default_per_file_ignores is not False else ()).entries
            + PerFileIgnores.build(overrides.per_file_ignores, cwd, codes).entries),
        excludes=tuple(excludes),
        respect_gitignore=respect,
        force_exclude=force,
        tf_version=config.tf_version,
        docs_url=config.docs_url,
        max_file_size=config.max_file_size,
        include=_include_patterns(config, root),
        severity=config.severity,
        fail_on=check_fail_on("--fail-on", overrides.fail_on) or config.fail_on or DEFAULT_FAIL_ON,
        chain_thresholds=config.chain_thresholds or DEFAULT_CHAIN_THRESHOLDS,
    )


def _include_patterns(config: FileConfig, root: str) -> Tuple[PathPattern, ...]:
    """() when neither `include` nor `extend-include` is set (discovery tests the suffixes)."""
    if config.include is None and not config.extend_include:
        return ()
    listed = (DEFAULT_INCLUDE if config.include is None else config.include) + config.extend_include
    return tuple(PathPattern(pattern, root) for pattern in listed)


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
