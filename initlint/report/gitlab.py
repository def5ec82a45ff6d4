"""The `gitlab` format: a GitLab Code Quality report (a JSON array of issues).

Each issue has `description`, `check_name` (the rule code), a `fingerprint` that is unique in the
report and stable when unrelated lines move (see fingerprints.py), `severity` (error -> critical,
warning -> major, info -> info), and `location.path` relative to the repository root with
`location.lines.begin` (1-based). Use it as `artifacts:reports:codequality`.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List

from . import Report, json_safe, rule_name
from .fingerprints import SourceLines, issue_fingerprint, occurrences
from .paths import RepoPaths
from .cells import placed

SEVERITIES = {"error": "critical", "warning": "major", "info": "info"}


def render(report: Report) -> str:
    paths = RepoPaths.of(report)
    sources = SourceLines(report, paths.cwd)
    issues: List[Dict[str, Any]] = []
    for diagnostic, (content, counter) in zip(placed(report), occurrences(report, sources)):
        path = paths.relative(diagnostic.filename)
        description = f"{diagnostic.code} {diagnostic.message}"
        name = rule_name(diagnostic.code)
        issues.append(
            {
                "type": "issue",
                "description": description,
                "check_name": diagnostic.code,
                "content": {"body": (diagnostic.hint or "").strip() or name or diagnostic.code},
                "categories": ["Bug Risk"],
                "fingerprint": issue_fingerprint(path, diagnostic.code, content, counter),
                "severity": SEVERITIES.get(diagnostic.severity, "minor"),
                "location": {
                    "path": path,
                    "lines": {"begin": diagnostic.span.row, "end": diagnostic.span.end_row},
                },
            }
        )
    return json_safe(json.dumps(issues, indent=2, ensure_ascii=False)) + "\n"
