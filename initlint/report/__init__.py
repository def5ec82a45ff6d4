"""Reports: what a run found, and the registry of output formats.

Adding a format is one module with a `render(report) -> str` function and one line in FORMATS
(`"name": "module"` or `"name": "module:function"`); modules are imported only when used, so this
package stays cheap to import.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

# Format name -> "module[:function]" (the function defaults to `render`).
FORMATS: Dict[str, str] = {
    "text": "initlint.report.text:render",
    "concise": "initlint.report.text:render_concise",
    "full": "initlint.report.text:render_full",
    "json": "initlint.report.json:render",
    "json-lines": "initlint.report.json:render_lines",
    "github": "initlint.report.github:render",
    "gitlab": "initlint.report.gitlab:render",
    "sarif": "initlint.report.sarif:render",
    "junit": "initlint.report.junit:render",
}
DEFAULT_FORMAT = "text"

# Where the rule pages live (docs/rules/ILxxx.md in the repository); the single place that knows
# the address. OWNER is the same placeholder as in pyproject.toml's URLs. `docs-url` in the
# configuration replaces it (for a fork, a mirror or a documentation site).
DOCS_URL = "https://github.com/OWNER/initlint/blob/main/docs/rules/"

# What a terminal (or a log viewer) could act on, in file names, messages and source lines: C0
# controls (ESC starts a control sequence, CR rewrites the line), DEL, C1 controls (U+009B is a
# one-character CSI), lone surrogates (file names that are not valid UTF-8, as Python reads them)
# and the bidirectional overrides that reorder how a line reads ("Trojan Source").
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

SEVERITY_ORDER = ("error", "warning", "info")


def rule_url(code: str, base: Optional[str] = None) -> str:
    """The address of a rule's page: `{code}` in `base` replaced by the code (for sites whose pages
    are not named ILxxx.md), else `base` + ILxxx.md; `base` defaults to DOCS_URL."""
    base = base or DOCS_URL
    if "{code}" in base:
        return base.replace("{code}", code)
    return f"{base.rstrip('/')}/{code}.md"


def _escape(match: "re.Match[str]") -> str:
    char = match.group()
    point = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= point <= 0xDCFF:  # a byte that is not UTF-8, as surrogateescape keeps it
        return f"\\x{point - 0xDC00:02x}"
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def printable(text: str, keep: str = "") -> str:
    """`text` safe to write to a terminal: every control character (but those in `keep`), lone
    surrogate and bidirectional override written as a visible escape (`\\x1b`, `\\n`, `\\u202e`)."""
    text = str(text)
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


def json_safe(text: str) -> str:
    """A JSON document (from json.dumps(..., ensure_ascii=False)) that is valid UTF-8 and writes
    no control sequence to a terminal: DEL, C1 controls and bidirectional overrides (raw in
    json.dumps' output, and only ever inside strings) become `\\uXXXX` escapes, which decode to the
    same characters; lone surrogates, which no UTF-8 document can hold, become U+FFFD."""
    text = _SURROGATE.sub("\ufffd", text)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def valid_unicode(text: str) -> str:
    """`text` without lone surrogates (U+FFFD instead): encodable as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


@dataclass
class Report:
    """Everything a renderer needs. Diagnostics carry the filename as shown to the user."""

    diagnostics: List[Any] = field(default_factory=list)  # initlint.diagnostics.Diagnostic
    files_checked: int = 0
    unreadable: int = 0  # Python files that could not be read (reported on stderr)
    sources: Dict[str, bytes] = field(default_factory=dict)  # filename -> bytes, for `full`
    color: bool = False
    quiet: bool = False
    # The directory the run started in: display filenames are relative to it. CI formats report
    # paths relative to the repository root found from it (None: the current directory).
    cwd: Optional[str] = None
    unsafe_fixes: bool = False  # --unsafe-fixes: unsafe fixes count as available
    fixed: int = 0  # fixes applied by --fix in this run
    docs_url: Optional[str] = None  # where the rule pages live (`docs-url`; None: DOCS_URL)
    show_fixes: bool = False  # --show-fixes: the text formats show each diagnostic's fix

    def __post_init__(self) -> None:
        self.diagnostics = sorted(self.diagnostics, key=sort_key)

    def source_lines(self, filename: str, cell: Optional[int] = None) -> Optional[List[str]]:
        """The lines of a reported file (of one of its cells), rows as its diagnostics count them."""
        data = self.sources.get(filename)
        if data is None:
            return None
        from .. import documents
        from ..sources import split_lines

        lines = documents.from_bytes(data, filename).lines(cell)
        if lines is None and cell is None:  # undecodable: show what can be shown
            lines = split_lines(data.decode("utf-8", "replace"))
        return lines


def sort_key(diagnostic: Any) -> Tuple[str, int, int, int, str]:
    span = diagnostic.span
    return (diagnostic.filename, diagnostic.cell or 0, span.row, span.column, diagnostic.code)


def get_renderer(name: str) -> Callable[[Report], str]:
    """The render function of the format `name` (KeyError for an unknown format)."""
    target = FORMATS[name]
    module_name, _, function = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, function or "render")


def render(report: Report, name: str = DEFAULT_FORMAT) -> str:
    # Every format escapes what it must; this only guarantees text that can be written as UTF-8.
    return valid_unicode(get_renderer(name)(report))


def severity_counts(diagnostics: Sequence[Any]) -> Dict[str, int]:
    counts = {severity: 0 for severity in SEVERITY_ORDER}
    for diagnostic in diagnostics:
        counts[diagnostic.severity] = counts.get(diagnostic.severity, 0) + 1
    return counts


def _plural(count: int, word: str) -> str:
    if count == 1 or word == "info":
        return f"{count} {word}"
    return f"{count} {word}s"


def summary_line(report: Report) -> str:
    """'All checks passed!' or 'Found 3 diagnostics (1 error, 2 warnings).'"""
    count = len(report.diagnostics)
    unreadable = ""
    if report.unreadable:
        unreadable = f"{_plural(report.unreadable, 'file')} could not be read."
    if not count:
        return f"No diagnostics, but {unreadable}" if unreadable else "All checks passed!"
    counts = severity_counts(report.diagnostics)
    parts = ", ".join(_plural(n, severity) for severity, n in counts.items() if n)
    line = f"Found {_plural(count, 'diagnostic')} ({parts})."
    return f"{line} {unreadable}" if unreadable else line


def fix_applicable(diagnostic: Any, unsafe: bool) -> bool:
    """Would `--fix` (with `unsafe`: `--fix --unsafe-fixes`) apply this diagnostic's fix?"""
    fix = getattr(diagnostic, "fix", None)
    if fix is None or not fix.edits:
        return False
    return fix.applicability == "safe" or (unsafe and fix.applicability == "unsafe")


def fix_summary(report: Report) -> Optional[str]:
    """What --fix would do, in ruff's words: '[*] 2 fixable with the `--fix` option (3 hidden fixes
    can be enabled with the `--unsafe-fixes` option).', 'No fixes available (1 hidden fix can be
    enabled with the `--unsafe-fixes` option).', or None when no diagnostic has a fix to apply."""
    fixable = sum(1 for d in report.diagnostics if fix_applicable(d, report.unsafe_fixes))
    hidden = 0 if report.unsafe_fixes else sum(
        1 for d in report.diagnostics if fix_applicable(d, True) and not fix_applicable(d, False))
    if not fixable and not hidden:
        return None
    more = (f"{hidden} hidden {'fix' if hidden == 1 else 'fixes'} can be enabled with the `--unsafe-fixes` option"
            if hidden else "")
    if not fixable:
        return f"No fixes available ({more})."
    return f"[*] {fixable} fixable with the `--fix` option{f' ({more})' if more else ''}."


def rule_name(code: str) -> str:
    try:
        from ..rules import RULES_BY_CODE

        rule = RULES_BY_CODE.get(code)
    except Exception:
        rule = None
    return rule.name if rule is not None else ""


def statistics(report: Report) -> List[Dict[str, Any]]:
    """Diagnostics counted per code, most frequent first (as ruff's --statistics)."""
    counts: Dict[str, int] = {}
    severities: Dict[str, str] = {}
    fixable: Dict[str, bool] = {}
    for diagnostic in report.diagnostics:
        counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
        current = severities.get(diagnostic.code)
        if current is None or SEVERITY_ORDER.index(diagnostic.severity) < SEVERITY_ORDER.index(current):
            severities[diagnostic.code] = diagnostic.severity
        fixable[diagnostic.code] = fixable.get(diagnostic.code, False) or diagnostic.fix is not None
    rows = [
        {
            "code": code,
            "name": rule_name(code),
            "count": count,
            "severity": severities[code],
            "fixable": fixable[code],
        }
        for code, count in counts.items()
    ]
    rows.sort(key=lambda row: (-row["count"], row["code"]))
    return rows


def render_statistics(report: Report, name: str = DEFAULT_FORMAT) -> str:
    """--statistics: JSON for the json format, a table otherwise."""
    rows = statistics(report)
    if name == "json":
        import json

        return json.dumps(rows, indent=2) + "\n"
    lines = []
    if rows:
        count_width = max(len(str(row["count"])) for row in rows)
        code_width = max(len(row["code"]) for row in rows)
        for row in rows:
            lines.append(f"{row['count']:>{count_width}}\t{row['code']:<{code_width}}\t{row['name']}")
    if not report.quiet:
        lines.append(summary_line(report))
    return valid_unicode("".join(line + "\n" for line in lines))


__all__ = [
    "DEFAULT_FORMAT",
    "FORMATS",
    "DOCS_URL",
    "Report",
    "get_renderer",
    "json_safe",
    "printable",
    "render",
    "render_statistics",
    "rule_url",
    "severity_counts",
    "sort_key",
    "statistics",
    "summary_line",
    "valid_unicode",
]
