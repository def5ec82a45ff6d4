"""The `sarif` format: SARIF 2.1.0, for GitHub code scanning (`github/codeql-action/upload-sarif`)
and other SARIF viewers.

`tool.driver` lists every rule (not only the reported ones) with its documentation. Results carry
repository-relative URIs under the `%SRCROOT%` base, 1-based regions (the end column is exclusive,
as SARIF's `endColumn` is), `partialFingerprints.primaryLocationLineHash` (rule + normalized line
content + occurrence counter: stable when unrelated lines move), and `fixes` when a fix exists.
"""
from __future__ import annotations

import json
import os
import re
from typing import Any, Dict, List, Optional
from urllib.parse import quote

from . import Report, json_safe, rule_url
from .fingerprints import SourceLines, line_hash, occurrences
from .paths import RepoPaths
from .cells import placed

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/initlint/initlint"
SRCROOT = "%SRCROOT%"
MAX_DESCRIPTION = 1024  # GitHub code scanning's limit for fullDescription

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
PROBLEM_SEVERITIES = {"error": "error", "warning": "warning", "info": "recommendation"}
# Rule families by code prefix (used as tags).
FAMILIES = {
    "IL0": "analysis",
    "IL1": "constant-initialization",
    "IL2": "activation-mismatch",
    "IL3": "weight-scale",
    "IL4": "api-misuse",
}


def family(code: str) -> str:
    return FAMILIES.get(code[:3], "initialization")


def section(documentation: str, title: str) -> str:
    """The text of the `## title` section of a rule's documentation ('' when absent)."""
    match = re.search(rf"^##\s+{re.escape(title)}\s*$(.*?)(?=^##\s|\Z)", documentation, re.M | re.S)
    return match.group(1).strip() if match else ""


def _paragraphs(text: str) -> str:
    """Lines of a paragraph joined with spaces, paragraphs separated by a blank line."""
    return "\n\n".join(" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip())


def truncate(text: str, limit: int = MAX_DESCRIPTION) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "\u2026"


def rule_descriptor(rule: Any, docs_url: Optional[str] = None) -> Dict[str, Any]:
    documentation = rule.documentation()
    url = rule_url(rule.code, docs_url)
    summary = rule.summary()
    why = _paragraphs(section(documentation, "Why is this bad")) or summary
    severity = rule.severity
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": truncate(why)},
        "helpUri": url,
        "help": {
            "text": f"{documentation}\n\nDocumentation: {url}",
            "markdown": f"{documentation}\n\n[Documentation]({url})",
        },
        "defaultConfiguration": {
            "enabled": bool(rule.default_enabled),
            "level": LEVELS.get(severity, "warning"),
        },
        "properties": {
            "tags": ["initialization", family(rule.code)],
            "precision": getattr(rule, "precision", "high"),
            "problem.severity": PROBLEM_SEVERITIES.get(severity, "warning"),
        },
    }


def _region(span: Any) -> Dict[str, int]:
    start_column = max(span.column, 1)
    end_row = max(span.end_row, span.row)
    end_column = max(span.end_column, 1)
    if end_row == span.row:
        end_column = max(end_column, start_column)
    return {"startLine": max(span.row, 1), "startColumn": start_column, "endLine": end_row, "endColumn": end_column}


def artifact_location(filename: str, paths: RepoPaths) -> Dict[str, str]:
    relative = paths.relative(filename)
    if paths.inside(filename):
        return {"uri": quote(relative, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}
    return {"uri": _file_uri(paths.absolute(filename))}


def _file_uri(path: str, directory: bool = False) -> str:
    posix = path.replace(os.sep, "/")
    if not posix.startswith("/"):
        posix = "/" + posix  # Windows drive letters: file:///C:/...
    if directory and not posix.endswith("/"):
        posix += "/"
    return "file://" + quote(posix, safe="/:", errors="surrogateescape")


def _fixes(diagnostic: Any, location: Dict[str, str]) -> Optional[List[Dict[str, Any]]]:
    fix = getattr(diagnostic, "fix", None)
    if fix is None or not fix.edits:
        return None
    return [
        {
            "description": {"text": fix.message or f"Fix {diagnostic.code}"},
            "artifactChanges": [
                {
                    "artifactLocation": dict(location),
                    "replacements": [
                        {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.content}}
                        for edit in fix.edits
                    ],
                }
            ],
        }
    ]


def result(diagnostic: Any, paths: RepoPaths, rule_index: Dict[str, int], fingerprint: str) -> Dict[str, Any]:
    location = artifact_location(diagnostic.filename, paths)
    text = diagnostic.message
    hint = (diagnostic.hint or "").strip()
    if hint:
        text += f"\nhelp: {hint}"
    out: Dict[str, Any] = {
        "ruleId": diagnostic.code,
        "level": LEVELS.get(diagnostic.severity, "warning"),
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": _region(diagnostic.span)}}],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
    }
    if diagnostic.code in rule_index:
        out["ruleIndex"] = rule_index[diagnostic.code]
    out["properties"] = {"confidence": getattr(diagnostic, "confidence", "certain")}
    cell = diagnostic.cell
    if cell:
        out["properties"]["cell"] = cell
    fixes = _fixes(diagnostic, location)
    if fixes:
        out["fixes"] = fixes
    return out


def sarif_log(report: Report) -> Dict[str, Any]:
    from .. import __version__
    from ..rules import ALL_RULES

    rules = sorted(ALL_RULES, key=lambda rule: rule.code)
    descriptors = [rule_descriptor(rule, report.docs_url) for rule in rules]
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    paths = RepoPaths.of(report)
    sources = SourceLines(report, paths.cwd)
    results = [
        result(diagnostic, paths, rule_index, line_hash(diagnostic.code, content, counter))
        for diagnostic, (content, counter) in zip(placed(report), occurrences(report, sources))
    ]
    return {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "initlint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": _file_uri(paths.root, directory=True)}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(report: Report) -> str:
    return json_safe(json.dumps(sarif_log(report), indent=2, ensure_ascii=False)) + "\n"
