"""Paths as CI systems want them: relative to the repository root, with `/` separators.

The repository root is the nearest directory, from the run's working directory upward, that holds
`.git` (a directory, or a file for worktrees and submodules); without one it is the working
directory itself. GitHub annotations, GitLab Code Quality, SARIF and JUnit all resolve paths
against the checkout root, which is this directory in CI.

A file outside the root keeps its absolute path (it cannot be annotated, but stays findable).
"""
from __future__ import annotations

import os
from typing import Any, Dict, Optional


def repository_root(start: Optional[str] = None) -> str:
    """The nearest directory from `start` (default: the current directory) upward with `.git`;
    `start` itself when there is none."""
    start = os.path.normpath(os.path.abspath(start or os.getcwd()))
    directory = start
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return start
        directory = parent


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


class RepoPaths:
    """Maps the filenames of a report (as shown to the user, relative to the working directory
    or absolute) to repository-relative `/` paths, and to absolute paths on disk."""

    def __init__(self, cwd: Optional[str] = None, root: Optional[str] = None) -> None:
        self.cwd = os.path.normpath(os.path.abspath(cwd or os.getcwd()))
        self.root = os.path.normpath(os.path.abspath(root)) if root else repository_root(self.cwd)
        self._cache: Dict[str, str] = {}

    @classmethod
    def of(cls, report: Any) -> "RepoPaths":
        return cls(getattr(report, "cwd", None))

    def absolute(self, filename: str) -> str:
        return os.path.normpath(os.path.join(self.cwd, filename))

    def inside(self, filename: str) -> bool:
        absolute = self.absolute(filename)
        prefix = self.root if self.root.endswith(os.sep) else self.root + os.sep
        return absolute.startswith(prefix)

    def relative(self, filename: str) -> str:
        """`filename` relative to the repository root (`/` separators); absolute when outside."""
        cached = self._cache.get(filename)
        if cached is None:
            absolute = self.absolute(filename)
            if self.inside(filename):
                cached = _posix(os.path.relpath(absolute, self.root))
            else:
                cached = _posix(absolute)
            self._cache[filename] = cached
        return cached


__all__ = ["RepoPaths", "repository_root"]
