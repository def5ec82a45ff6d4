"""The `junit` format: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One `<testsuite>` per file with diagnostics (its name is the path relative to the repository
root) and one failing `<testcase>` per diagnostic; a run without diagnostics gives one passing
test case, so the report is never empty. Text that XML 1.0 cannot carry (control characters) is
replaced.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List
from xml.etree import ElementTree

from . import Report, rule_name
from .cells import placed

# Characters XML 1.0 forbids (everything below 0x20 except tab, LF, CR; surrogates; U+FFFE/FFFF),
# and those a terminal or a viewer would act on (CR, which XML parsers turn into LF anyway; DEL; the
# C1 controls; bidirectional overrides).
_INVALID_XML = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", str(text))


def _element(tag: str, attributes: Dict[str, Any], parent: Any = None) -> Any:
    cleaned = {name: clean(value) for name, value in attributes.items()}
    if parent is None:
        return ElementTree.Element(tag, cleaned)
    return ElementTree.SubElement(parent, tag, cleaned)


def failure_text(diagnostic: Any, path: str) -> str:
    span = diagnostic.span
    lines = [f"{path}:{span.row}:{span.column}: {diagnostic.code} [{diagnostic.severity}] {diagnostic.message}"]
    hint = (diagnostic.hint or "").strip()
    if hint:
        lines.append(f"help: {hint}")
    return "\n".join(lines)


def render(report: Report) -> str:
    from .paths import RepoPaths

    paths = RepoPaths.of(report)
    by_file: Dict[str, List[Any]] = {}
    for diagnostic in placed(report):
        by_file.setdefault(diagnostic.filename, []).append(diagnostic)
    total = len(report.diagnostics)
    root = _element(
        "testsuites",
        {"name": "initlint", "tests": max(total, 1), "failures": total, "errors": 0},
    )
    if not by_file:
        suite = _element("testsuite", {"name": "initlint", "tests": 1, "failures": 0, "errors": 0, "skipped": 0}, root)
        _element("testcase", {"name": "No diagnostics found", "classname": "initlint"}, suite)
    for filename, diagnostics in by_file.items():
        path = paths.relative(filename)
        suite = _element(
            "testsuite",
            {"name": path, "tests": len(diagnostics), "failures": len(diagnostics), "errors": 0, "skipped": 0},
            root,
        )
        for diagnostic in diagnostics:
            span = diagnostic.span
            name = rule_name(diagnostic.code)
            case = _element(
                "testcase",
                {
                    "name": f"{diagnostic.code} {name} ({span.row}:{span.column})".replace("  ", " "),
                    "classname": path,
                    "file": path,
                    "line": span.row,
                },
                suite,
            )
            failure = _element(
                "failure",
                {"message": diagnostic.message, "type": diagnostic.code},
                case,
            )
            failure.text = clean(failure_text(diagnostic, path))
    ElementTree.indent(root)  # Python 3.9+
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
