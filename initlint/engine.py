"""One file through the pipeline: (decode) -> parse -> frontends -> rules -> diagnostics.

Entry points: `lint_text(text, filename, options)` for decoded text (the document layer decodes,
and maps the diagnostics back into the document); `lint_source(source, filename, enabled=None,
options=None)` for bytes or text, decoding bytes as Python does.
"""
from __future__ import annotations

import io
import re
import tokenize
from typing import FrozenSet, Iterable, List, Optional

import libcst as cst

from . import syntax
from .documents import document_type
from .diagnostics import Diagnostic, FileResult, INFO, lower
from .facts import CERTAIN, HEURISTIC, LIKELY, Span, SuppressionComment
from .intent import IntentComments
from .spell import FileContext, speak
from .frontends import run_frontends
from .rules import ONE_VERDICT_FAMILY, RULES_BY_CODE, default_codes
from .sources import SourceError, checked_text, decode, split_lines
from .options import AnalysisOptions
from .positions import positions as node_positions
from .suppression import exempted, file_exemption

PARSE_ERROR = "IL000"
UNUSED_SUPPRESSION = "IL001"  # judged after the other rules: which comments suppressed nothing
NESTED = syntax.NESTED
MAX_DEPTH = syntax.MAX_DEPTH
_OUT_OF_MEMORY = "out of memory while analyzing it ({:.1f} MB of source); lower `max-file-size` (or INITLINT_MAX_FILE_SIZE) to skip such files"
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
    with syntax.shared_walks():  # the frontends walk the same subtrees many times
        return _lint_text(text, filename, options)


def _lint_text(text: str, filename: str, options: AnalysisOptions) -> FileResult:
    enabled = options.enabled
    result = FileResult(filename)
    # CPython's parser first: it is much cheaper than libcst's, gives the messages users know, and
    # rejects nesting that would overflow the native libcst parser's stack (a crash, not an error).
    # The size guard goes first: libcst needs about 2 KB of memory per source byte.
    blocked, row, column, python_error, tree = syntax.precheck_tree(text, getattr(options, "max_file_size", None))
    if blocked is not None:
        result.diagnostics.append(_file_error(filename, blocked, row, column))
        return _keep_enabled(result, enabled)
    syntax.checkpoint()  # a cancelled run (the server's, of a text since edited) stops between steps
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

    syntax.checkpoint()
    try:
        sites = run_frontends(module, text, options, whole_program=document_type(filename).whole_program)
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
    for rule in rules:
        rule.options = options  # what the rules read from the run (chain thresholds)
    pending = _judge(sites, [rule for rule in rules if rule.code != UNUSED_SUPPRESSION], result)
    unused_rule = next((rule for rule in rules if rule.code == UNUSED_SUPPRESSION), None)
    if not pending and unused_rule is None:
        return result
    syntax.checkpoint()
    positions = node_positions(module, text, tree) if pending else None  # libcst's PositionProvider, cheaper
    syntax.checkpoint()
    lines = split_lines(text)  # rows as libcst counts them (not str.splitlines: \f, \u2028...)
    context = FileContext(module, text, positions)  # positions: edits of a part of a call
    exemption = file_exemption(text)  # `# initlint: noqa[: codes]` on a line of its own
    used = {}  # row -> codes (or "" for a bare comment) that suppressed a diagnostic there
    intent = None
    for site, rule, found in pending:
        position = positions[site.anchor]
        span = Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1)
        if _suppressed(lines, span.row, rule.code, used) or exempted(rule.code, exemption):
            continue
        if found.unknown_role:
            intent = intent or IntentComments(text)
            if intent.near(span.row):
                continue  # documented intent explains a layer whose role is not known (product decision 7)
        result.diagnostics.append(_diagnostic(site, rule, found, filename, span, context, options))
    if unused_rule is not None:
        comments = suppression_comments(text, used, enabled, frozenset(RULES_BY_CODE))
        for comment, rule, found in _judge(comments, [unused_rule], result):
            result.diagnostics.append(_diagnostic(comment, rule, found, filename, comment.span, context, options))
    result.diagnostics = _dedupe(result.diagnostics)
    return result


def _judge(facts, rules, result: FileResult):
    """(fact, rule, finding) for every fact a rule reports; a rule that crashes is reported once."""
    pending = []
    failed = set()
    for fact in facts:
        for rule in rules:
            if (rule.code in failed or not isinstance(fact, rule.facts)
                    or (getattr(fact, "implicit", False) and not rule.judges_implicit)):
                continue
            try:
                found = next((f for f in rule.check(fact) or () if f is not None), None)
            except Exception as error:  # crash containment: the other rules and files go on
                failed.add(rule.code)
                result.internal_errors.append(f"{rule.code}: {type(error).__name__}: {error}")
                result.diagnostics.append(_file_error(
                    result.filename, f"internal error in rule {rule.code} ({type(error).__name__})", 1, 1))
                continue
            if found is not None:
                pending.append((fact, rule, found))
    return pending


def graded_severity(severity: str, confidence: str) -> str:
    """A finding's severity after its confidence (init-knowledge 5.5.6): likely one level lower,
    heuristic info; never below info."""
    if confidence == HEURISTIC:
        return INFO
    if confidence == LIKELY:
        return lower(severity) or INFO
    return severity


def _diagnostic(site, rule, found, filename: str, span: Span, context: FileContext, options) -> Diagnostic:
    confidence = found.confidence or getattr(site, "confidence", CERTAIN)
    severity = options.severity_of(rule.code) if hasattr(options, "severity_of") else None
    severity = severity or graded_severity(found.severity, confidence)
    hint, fix = speak(site, found, context, span)
    return Diagnostic(rule.code, found.message, severity, filename, span, hint, fix, noqa_row=span.row,
                      confidence=confidence)


def _python_syntax_error(text: str):
    return syntax.python_syntax_error(text)


def _clamp(text: str, row: int, column: int):
    """A position inside the file (parsers may point one line past its end)."""
    lines = split_lines(text) or [""]
    row = min(max(row, 1), len(lines))
    return row, min(max(column, 1), len(lines[row - 1]) + 1)


def _dedupe(diagnostics: List[Diagnostic]) -> List[Diagnostic]:
    """One diagnostic per code and span, and one of the zero/constant/non-centred/oversized family per
    span (the first in ONE_VERDICT_FAMILY's order)."""
    rank = {code: index for index, code in enumerate(ONE_VERDICT_FAMILY)}
    first = {}
    for diagnostic in diagnostics:
        if diagnostic.code in rank:
            best = first.get(diagnostic.span)
            if best is None or rank[diagnostic.code] < rank[best]:
                first[diagnostic.span] = diagnostic.code
    seen = set()
    unique = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        key = (diagnostic.code, diagnostic.span)
        if key in seen or (diagnostic.code in rank and first[diagnostic.span] != diagnostic.code):
            continue
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


def _suppressed(lines: List[str], row: int, code: str, used: Optional[dict] = None) -> bool:
    if not 1 <= row <= len(lines):
        return False
    codes = suppressed_codes(lines[row - 1])
    if codes is None:
        return False
    matched = [c for c in codes if code.startswith(c)]
    if codes and not matched:
        return False
    if used is not None:
        used.setdefault(row, set()).update(matched or {""})
    return True


def suppression_comments(text: str, used: dict, enabled, known) -> List[SuppressionComment]:
    """Every suppression comment of the file, with the codes that suppressed something on its row."""
    if not _NOQA.search(text) and not _IGNORE.search(text):
        return []  # no comment can be one: the file's tokens are not needed (~25 ms per 1,000 lines)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    lines = split_lines(text)
    comments = []
    for token in tokens:
        if token.type != tokenize.COMMENT or suppressed_codes(token.string) is None:
            continue
        row, column = token.start
        if row > len(lines):
            continue
        listed = []
        for pattern in (_NOQA, _IGNORE):
            for match in pattern.finditer(token.string):
                codes = match.group("codes")
                if codes:
                    listed.extend(c.upper() for c in re.split(r"[\s,]+", codes.strip()) if c)
        line = lines[row - 1]
        begin = len(line[:column].rstrip())  # remove the blank space before the comment too
        end = token.end[1]
        span = Span(row, begin + 1, row, end + 1)
        comments.append(SuppressionComment(
            row=row, span=span, text=token.string, codes=tuple(listed), used=tuple(sorted(used.get(row, ()))),
            known=tuple(sorted(known)), enabled=tuple(sorted(enabled))))
    return comments


__all__ = ["lint_source", "lint_text", "source_error", "suppressed_codes", "suppression_comments", "graded_severity",
           "PARSE_ERROR", "UNUSED_SUPPRESSION", "INFO"]
