"""Diagnostics: what a rule found, where, and what to do about it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from .facts import Span

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


def at_least(severity: str, threshold: str) -> bool:
    """Whether `severity` is `threshold` or more serious (error > warning > info)."""
    return _ORDER[severity] <= _ORDER[threshold]


def lower(severity: str, levels: int = 1) -> Optional[str]:
    """The severity `levels` steps down; None when it falls below info (the finding is dropped)."""
    index = _ORDER[severity] + levels
    return SEVERITIES[index] if index < len(SEVERITIES) else None


@dataclass(frozen=True)
class Edit:
    content: str
    span: Span


@dataclass(frozen=True)
class Fix:
    applicability: str  # "safe", "unsafe", "display-only"
    message: str
    edits: tuple = ()


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    severity: str
    filename: str
    span: Span
    hint: str = ""  # the fix, in words
    fix: Optional[Fix] = None
    noqa_row: Optional[int] = None
    # The 1-based cell of a notebook the span is in (its rows counted inside that cell); None for
    # a Python file. Set by the document layer (documents/), never by rules.
    cell: Optional[int] = None
    confidence: str = "certain"  # certain / likely / heuristic (facts.CONFIDENCES)

    def sort_key(self):
        return (self.filename, self.cell or 0, self.span.row, self.span.column, self.code)


@dataclass
class FileResult:
    filename: str
    diagnostics: List[Diagnostic] = field(default_factory=list)
    skipped: bool = False  # not analyzed: nothing in it can initialize a kernel
    internal_errors: List[str] = field(default_factory=list)  # crashes contained in the engine (exit 2)
