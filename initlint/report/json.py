"""The `json` format: ruff's JSON output (an array of diagnostics), plus `severity` and `hint`.

Rows and columns are 1-based and the end is exclusive; `filename` is the path as shown in the
text output (relative to the current directory when inside it).

`json-lines` writes the same objects, one per line, without the enclosing array.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

from . import Report, json_safe, rule_url


def _location(row: int, column: int) -> Dict[str, int]:
    return {"row": row, "column": column}


def _fix(fix: Optional[Any]) -> Optional[Dict[str, Any]]:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [
            {
                "content": edit.content,
                "location": _location(edit.span.row, edit.span.column),
                "end_location": _location(edit.span.end_row, edit.span.end_column),
            }
            for edit in fix.edits
        ],
    }


def diagnostic_to_dict(diagnostic: Any, docs_url: Optional[str] = None) -> Dict[str, Any]:
    span = diagnostic.span
    return {
        "cell": diagnostic.cell,  # notebooks: the 1-based cell
        "code": diagnostic.code,
        "confidence": getattr(diagnostic, "confidence", "certain"),  # certain / likely / heuristic
        "end_location": _location(span.end_row, span.end_column),
        "filename": diagnostic.filename,
        "fix": _fix(diagnostic.fix),
        "hint": diagnostic.hint or "",
        "location": _location(span.row, span.column),
        "message": diagnostic.message,
        "noqa_row": diagnostic.noqa_row,
        "severity": diagnostic.severity,
        "url": rule_url(diagnostic.code, docs_url),
    }


def render(report: Report) -> str:
    items = [diagnostic_to_dict(diagnostic, report.docs_url) for diagnostic in report.diagnostics]
    return json_safe(json.dumps(items, indent=2, ensure_ascii=False)) + "\n"


def render_lines(report: Report) -> str:
    """The `json-lines` format: one diagnostic object (as in `json`) per line."""
    return "".join(
        json_safe(json.dumps(diagnostic_to_dict(diagnostic, report.docs_url), ensure_ascii=False)) + "\n"
        for diagnostic in report.diagnostics
    )
