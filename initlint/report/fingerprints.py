"""Fingerprints that survive unrelated edits: for SARIF's `primaryLocationLineHash` and GitLab.

A diagnostic is identified by its rule, the normalized content of its reported line (whitespace
runs collapsed, ends stripped) and an occurrence counter (the n-th diagnostic of that rule on a
line with that content in the file), never by its line number: inserting or deleting lines above
a finding leaves its fingerprint unchanged.
"""
from __future__ import annotations

import hashlib
import os
from typing import Any, Dict, List, Optional, Tuple


def normalize(line: str) -> str:
    return " ".join(line.split())


def _read_lines(path: str) -> Optional[List[str]]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    from ..sources import decode, split_lines

    try:
        text = decode(data)
    except Exception:
        text = data.decode("utf-8", "replace")
    return split_lines(text)  # rows as the diagnostics count them


class SourceLines:
    """The lines of the reported files: from the report's sources, else read from disk."""

    def __init__(self, report: Any, cwd: Optional[str] = None) -> None:
        self.report = report
        self.cwd = cwd or getattr(report, "cwd", None) or os.getcwd()
        self._cache: Dict[str, Optional[List[str]]] = {}

    def lines(self, filename: str) -> Optional[List[str]]:
        if filename not in self._cache:
            lines = self.report.source_lines(filename) if filename in self.report.sources else None
            if lines is None and filename != "-":
                lines = _read_lines(os.path.join(self.cwd, filename))
            self._cache[filename] = lines
        return self._cache[filename]

    def line(self, filename: str, row: int) -> str:
        lines = self.lines(filename)
        if lines and 1 <= row <= len(lines):
            return lines[row - 1]
        return ""


def occurrences(report: Any, sources: Optional[SourceLines] = None) -> List[Tuple[str, int]]:
    """For each diagnostic of the report, in order: (normalized reported line, occurrence counter
    starting at 1 among the diagnostics of the same file, rule and line content)."""
    sources = sources or SourceLines(report)
    counters: Dict[Tuple[str, str, str], int] = {}
    out = []
    for diagnostic in report.diagnostics:
        content = normalize(sources.line(diagnostic.filename, diagnostic.span.row))
        key = (diagnostic.filename, diagnostic.code, content)
        counters[key] = counters.get(key, 0) + 1
        out.append((content, counters[key]))
    return out


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def line_hash(code: str, content: str, counter: int) -> str:
    """SARIF `primaryLocationLineHash`: `<16 hex digits>:<counter>`, as GitHub writes it."""
    return f"{_digest('initlint', code, content)[:16]}:{counter}"


def issue_fingerprint(path: str, code: str, content: str, counter: int) -> str:
    """A report-wide unique, stable fingerprint (GitLab Code Quality): path, rule, line content
    and occurrence counter."""
    return _digest("initlint", path, code, content, str(counter))


__all__ = ["SourceLines", "issue_fingerprint", "line_hash", "normalize", "occurrences"]
