"""Per-document settings for the server: the closest configuration to each document (as the CLI
finds it from the document's directory), cached per directory, dropped when a configuration file
changes. Thread-safe: the worker thread and the event loop both ask it."""
from __future__ import annotations

import os
import threading
from typing import Dict, Optional

from ..config import ConfigError, Overrides, Settings, resolve_settings
from ..discovery import is_force_excluded
from ..options import AnalysisOptions


class Workspace:
    def __init__(self) -> None:
        self._settings: Dict[str, Settings] = {}
        self.errors: Dict[str, str] = {}  # directory -> configuration error (the defaults are used)
        self._lock = threading.Lock()

    def reload(self) -> None:
        with self._lock:
            self._settings.clear()
            self.errors.clear()

    def settings_for(self, path: str) -> Optional[Settings]:
        directory = os.path.dirname(os.path.abspath(path))
        with self._lock:
            settings = self._settings.get(directory)
            if settings is None:
                try:
                    settings = resolve_settings(Overrides(), cwd=directory)
                except ConfigError as error:
                    self.errors[directory] = str(error)
                    settings = resolve_settings(Overrides(isolated=True), cwd=directory)
                self._settings[directory] = settings
        return settings

    def options_for(self, path: Optional[str]) -> Optional[AnalysisOptions]:
        """The options of the document at `path`; None when the configuration excludes it.
        A document without a file path (an untitled buffer) gets the defaults."""
        if path is None:
            return AnalysisOptions.default()
        path = os.path.abspath(path)
        settings = self.settings_for(path)
        if is_force_excluded(path, settings.excludes):
            return None
        return settings.options_for(path)

    def docs_url_for(self, path: Optional[str]) -> Optional[str]:
        """Where the rule pages live for the document at `path` (its configuration's `docs-url`)."""
        return self.settings_for(os.path.abspath(path)).docs_url if path is not None else None


__all__ = ["Workspace"]
