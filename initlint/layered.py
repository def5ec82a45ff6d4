"""The closest configuration to each file governs it (ruff's hierarchical configuration).

In a monorepo, `pkg_a/pyproject.toml` governs the files under `pkg_a/` also when initlint runs
from the repository root (as pre-commit and CI do): its select, ignore, per-file-ignores, excludes
and tf-version apply there, and the root configuration applies elsewhere. The command line's
options apply on top of every one of them. A file with no configuration above it gets the
settings of the current directory (its configuration, or the defaults). With `--config FILE` or
`--isolated` there is one configuration for every file, as in ruff.

`ClosestSettings` answers what the run asks a `Settings` (options_for, enabled_for, excludes,
project_root...), per file. The project root, which holds the cache, is the closest configuration's
directory to the first path linted, not the current directory.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Dict, FrozenSet, Optional, Sequence

from .config import CONFIG_FILENAMES, Overrides, Settings, _section, read_toml, resolve_settings
from .options import AnalysisOptions


class ClosestSettings:
    def __init__(self, base: Settings, overrides: Overrides, cwd: str, paths: Sequence[str] = ()) -> None:
        self.base = base
        self.overrides = overrides
        self.cwd = os.path.abspath(cwd)
        self._config_in: Dict[str, Optional[str]] = {}  # directory -> the closest configuration file
        self._settings: Dict[str, Settings] = {}  # configuration file -> its settings
        first = os.path.abspath(os.path.join(self.cwd, paths[0])) if paths else self.cwd
        top = self.settings_for_directory(first if os.path.isdir(first) else os.path.dirname(first))
        self.top = top
        # What the run needs once (discovery, the cache): from the configuration of the first path.
        self.project_root = top.project_root
        self.respect_gitignore = top.respect_gitignore
        self.force_exclude = top.force_exclude
        self.config = top.config
        self.enabled = top.enabled
        self.per_file_ignores = top.per_file_ignores
        self.tf_version = top.tf_version
        self.docs_url = top.docs_url  # one address for the run's reports
        self.max_file_size = top.max_file_size
        self.fail_on = top.fail_on  # one exit status for the run
        self.include = top.include
        self.excludes = (ClosestExcludes(self),)

    @property
    def config_path(self) -> Optional[str]:
        return self.top.config_path

    # --- which configuration
    def _closest_config(self, directory: str) -> Optional[str]:
        directory = os.path.normpath(directory)
        if directory in self._config_in:
            return self._config_in[directory]
        found = None
        for name in CONFIG_FILENAMES:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and (name != "pyproject.toml" or _section(path, read_toml(path)) is not None):
                found = path
                break
        if found is None:
            parent = os.path.dirname(directory)
            found = self._closest_config(parent) if parent != directory else None
        self._config_in[directory] = found
        return found

    def settings_for_directory(self, directory: str) -> Settings:
        path = self._closest_config(os.path.abspath(directory))
        if path is None or path == self.base.config_path:
            return self.base
        settings = self._settings.get(path)
        if settings is None:
            settings = resolve_settings(dataclasses.replace(self.overrides, config=path), self.cwd)
            self._settings[path] = settings
        return settings

    def settings_for(self, path: str) -> Settings:
        """The settings of the file at `path`."""
        return self.settings_for_directory(os.path.dirname(os.path.abspath(path)))

    # --- what Settings answers, per file
    def options_for(self, path: str) -> AnalysisOptions:
        return self.settings_for(path).options_for(path)

    def enabled_for(self, path: str) -> FrozenSet[str]:
        return self.settings_for(path).enabled_for(path)

    @property
    def options(self) -> AnalysisOptions:
        return self.top.options


class ClosestExcludes:
    """The excludes of the closest configuration to a path, as one pattern for discovery."""

    base = os.sep  # `stop` for is_force_excluded: every pattern climbs within its own base

    def __init__(self, settings: ClosestSettings) -> None:
        self.settings = settings
        self.pattern = "(the closest configuration's excludes)"

    def _patterns(self, path: str, is_dir: bool):
        # A directory is excluded (or not) by the configuration of the directory holding it.
        return self.settings.settings_for_directory(os.path.dirname(path)).excludes

    def matches(self, path: str, is_dir: bool = False) -> bool:
        return any(pattern.matches(path, is_dir) for pattern in self._patterns(path, is_dir))

    def matches_path_or_parent(self, path: str, stop: Optional[str] = None) -> bool:
        return any(pattern.matches_path_or_parent(path, stop=pattern.base)
                   for pattern in self._patterns(path, os.path.isdir(path)))


def closest_settings(base: Settings, overrides: Overrides, cwd: str, paths: Sequence[str]):
    """Per-file settings, unless one configuration was forced (--config FILE, --isolated)."""
    if overrides.config is not None or overrides.isolated:
        return base
    return ClosestSettings(base, overrides, cwd, paths)


__all__ = ["ClosestExcludes", "ClosestSettings", "closest_settings"]
