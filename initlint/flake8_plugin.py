"""The flake8 door: `flake8` (and every editor or pipeline that runs it) reports initlint's
diagnostics as `ILxxx` codes.

Registered as the `flake8.extension` entry point `IL` (pyproject.toml). flake8 hands over each
file's lines; the analysis is `api.lint_document` with the settings of the closest initlint
configuration to the file (as the command line finds them), so `[tool.initlint]` select, ignore,
per-file-ignores and excludes apply, and flake8's own `--select` / `--extend-ignore` / `# noqa`
filter on top. flake8 reports syntax errors itself (E999), so this plugin never sees them.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import __version__

Error = Tuple[int, int, str, type]
STDIN_NAMES = ("stdin", "-", None)


class _Settings:
    """The settings of each directory's closest configuration, read once per flake8 process."""

    def __init__(self) -> None:
        self._by_directory: Dict[str, Any] = {}

    def options_for(self, path: str) -> Tuple[Optional[Any], Optional[str]]:
        """(the analysis options, None) for `path`; (None, None) when the configuration excludes
        it; (None, message) when the configuration cannot be read."""
        from .config import ConfigError, Overrides, resolve_settings
        from .discovery import is_force_excluded

        directory = os.path.dirname(path)
        settings = self._by_directory.get(directory)
        if settings is None:
            try:
                settings = resolve_settings(Overrides(), cwd=directory)
            except ConfigError as error:
                return None, str(error)
            self._by_directory[directory] = settings
        if is_force_excluded(path, settings.excludes):
            return None, None
        return settings.options_for(path), None


_SETTINGS = _Settings()


class Plugin:
    name = "initlint"
    version = __version__

    def __init__(self, tree: Any, filename: str, lines: List[str]) -> None:
        # `tree` is asked for so that flake8 runs this plugin only on files that parse.
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[Error]:
        from . import api, documents
        from .options import AnalysisOptions

        if self.filename in STDIN_NAMES:
            path = os.path.join(os.getcwd(), "stdin.py")
            options: Optional[Any] = AnalysisOptions.default()
            problem = None
        else:
            path = os.path.abspath(self.filename)
            options, problem = _SETTINGS.options_for(path)
        if problem is not None:
            yield 1, 0, f"IL000 initlint configuration error: {' '.join(problem.split())}", type(self)
            return
        if options is None:
            return
        document = documents.from_text("".join(self.lines), str(self.filename))
        result = api.lint_document(document, options)
        for message in result.internal_errors:
            yield 1, 0, f"IL000 initlint internal error: {message}", type(self)
        for diagnostic in result.diagnostics:
            text = " ".join(diagnostic.message.split())
            yield diagnostic.span.row, max(diagnostic.span.column - 1, 0), f"{diagnostic.code} {text}", type(self)


__all__ = ["Plugin"]
