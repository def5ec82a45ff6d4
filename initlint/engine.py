"""One file through the pipeline: (decode) -> parse -> frontends -> rules -> diagnostics.

Entry points: `lint_text(text, filename, options)` for decoded text (the document layer decodes,
and maps the diagnostics back into the document); `lint_source(source, filename, enabled=None,
options=None)` for bytes or text, decoding bytes as Python does.
"""
from __future__ import annotations

import re
from typing import FrozenSet, Iterable, List, Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from . import syntax
from .diagnostics import Diagnostic, FileResult, INFO
from .facts import Span
from .intent import IntentComments
from .spell import FileContext, speak
from .frontends import run_frontends
from .rules import RULES_BY_CODE, default_codes
from .sources import SourceError, checked_text, decode, split_lines
from .options import AnalysisOptions

PARSE_ERROR = "IL000"
NESTED = syntax.NESTED
MAX_DEPTH = syntax.MAX_DEPTH
_OUT_OF_MEMORY = "out of memory while analyzing it ({:.1f} MB of source); lower INITLINT_MAX_FILE_SIZE to skip such files"
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*initlint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")


def lint_source(source, filename: str, enabled: Optional[FrozenSet[str]] = None,
                options: Optional[AnalysisOptions] = None) -> FileResult:
    """Analyze one file's bytes or text. `options` says what to run; without options, `enabled` is
    the set of rule codes to run (None: the defaults)."""
    if options is None:
        options = AnalysisOptions(frozenset(default_codes() if enabled is None else enabled))
    try:
        text = decode(source) if isinstance(source, bytes) else checked_text(source)
    except SourceError as error:
        return source_error(filename, error, options)
    return lint_text(text, filename, options)


def source_error(filename: str, error: SourceError, options: AnalysisOptions) -> FileResult:
    """The result of a file that could not be read as text: IL000 (when enabled) at the error."""
    result = FileResult(filename)
    result.diagnostics.append(_file_error(filename, str(error), error.row, error.column))
    return _keep_enabled(result, options.enabled)


def lint_text(text: str, filename: str, options: AnalysisOptions) -> FileResult:
    """Analyze one file's decoded text with these options."""
    enabled = options.enabled
    result = FileResult(filename)
    # CPython's parser first: it is much cheaper than libcst's, gives the messages users know, and
    # rejects nesting that would overflow the native libcst parser's stack (a crash, not an error).
    # The size guard goes first: libcst needs about 2 KB of memory per source byte.
    blocked, row, column, python_error = syntax.precheck(text, getattr(options, "max_file_size", None))
    if blocked is not None:
        result.diagnostics.append(_file_error(filename, blocked, row, column))
        return _keep_enabled(result, enabled)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        if python_error is not None:
            message, row, column = python_error
            message = f"syntax error: {message}"
        else:  # valid Python that libcst cannot read (e.g. thousands of implicitly joined strings)
            message = f"the analysis parser (libcst) cannot read it: {' '.join(error.message.split())}"
            row, column = _clamp(text, error.raw_line or 1, (error.raw_column or 0) + 1)
        result.diagnostics.append(_file_error(filename, message, row, column))
        return _keep_enabled(result, enabled)
    except RecursionError:
        result.diagnostics.append(_file_error(filename, NESTED, 1, 1))
        return _keep_enabled(result, enabled)
    except MemoryError:
        result.diagnostics.append(_file_error(filename, _OUT_OF_MEMORY.format(len(text) / 1e6), 1, 1))
        return _keep_enabled(result, enabled)

    try:
        sites = run_frontends(module, text, options)
    except RecursionError:
        result.diagnostics.append(_file_error(filename, NESTED, 1, 1))
        return _keep_enabled(result, enabled)
    except MemoryError:
        result.diagnostics.append(_file_error(filename, _OUT_OF_MEMORY.format(len(text) / 1e6), 1, 1))
        return _keep_enabled(result, enabled)
    except Exception as error:  # crash containment: report, never lose the rest of the run
        result.internal_errors.append(f"frontend: {type(error).__name__}: {error}")
        result.diagnostics.append(_file_error(filename, f"internal error in the analysis ({type(error).__name__})", 1, 1))
        return _keep_enabled(result, enabled)
    rules = [RULES_BY_CODE[code]() for code in sorted(enabled) if code in RULES_BY_CODE and code != PARSE_ERROR]
    pending = []  # (site, rule, finding)
    failed = set()
    for site in sites:
        for rule in rules:
            if rule.code in failed:
                continue
            try:
                found = next((f for f in rule.check(site) or () if f is not None), None)
            except Exception as error:  # crash containment: the other rules and files go on
                failed.add(rule.code)
                result.internal_errors.append(f"{rule.code}: {type(error).__name__}: {error}")
                result.diagnostics.append(_file_error(
                    filename, f"internal error in rule {rule.code} ({type(error).__name__})", 1, 1))
                continue
            if found is not None:
                pending.append((site, rule, found))
    if not pending:
        return result
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    lines = split_lines(text)  # rows as libcst counts them (not str.splitlines: \f, \u2028...)
    context = None
    intent = None
    for site, rule, found in pending:
        position = positions[site.anchor]
        span = Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1)
        if _suppressed(lines, span.row, rule.code):
            continue
        if found.unknown_role:
            intent = intent or IntentComments(text)
            if intent.near(span.row):
                continue  # G13: documented intent explains a layer whose role is not known (decision 7)
        context = context or FileContext(module, text)
        hint, fix = speak(site, found, context, span)
        result.diagnostics.append(
            Diagnostic(rule.code, found.message, found.severity, filename, span, hint, fix, noqa_row=span.row)
        )
    result.diagnostics = _dedupe(result.diagnostics)
    return result


def _python_syntax_error(text: str):
    return syntax.python_syntax_error(text)


def _clamp(text: str, row: int, column: int):
    """A position inside the file (parsers may point one line past its end)."""
    lines = split_lines(text) or [""]
    row = min(max(row, 1), len(lines))
    return row, min(max(column, 1), len(lines[row - 1]) + 1)


def _dedupe(diagnostics: List[Diagnostic]) -> List[Diagnostic]:
    seen = set()
    unique = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        key = (diagnostic.code, diagnostic.span)
        if key not in seen:
            seen.add(key)
            unique.append(diagnostic)
    return unique


def _file_error(filename: str, message: str, row: int, column: int) -> Diagnostic:
    span = Span(row, max(column, 1), row, max(column, 1))
    hint = "fix the file so that Python can parse it"
    if message.startswith((syntax.TOO_LARGE, "out of memory")):
        hint = "analyze it with a higher limit, or exclude it"
    return Diagnostic(PARSE_ERROR, f"could not analyze the file: {message}", "error", filename, span,
                      hint, noqa_row=row)


def _keep_enabled(result: FileResult, enabled: Iterable[str]) -> FileResult:
    result.diagnostics = [d for d in result.diagnostics if d.code in enabled]
    return result


def suppressed_codes(line: str) -> Optional[FrozenSet[str]]:
    """Codes suppressed on a line: None for none, an empty set for all (bare noqa / ignore)."""
    codes = set()
    found = False
    for pattern in (_NOQA, _IGNORE):
        for match in pattern.finditer(line):
            found = True
            listed = match.group("codes")
            if not listed:
                return frozenset()
            codes.update(c.upper() for c in re.split(r"[\s,]+", listed.strip()) if c)
    return frozenset(codes) if found else None


def _suppressed(lines: List[str], row: int, code: str) -> bool:
    if not 1 <= row <= len(lines):
        return False
    codes = suppressed_codes(lines[row - 1])
    if codes is None:
        return False
    return not codes or code in codes or any(code.startswith(c) for c in codes)


__all__ = ["lint_source", "lint_text", "source_error", "suppressed_codes", "PARSE_ERROR", "INFO"]
