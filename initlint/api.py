"""The one door into initlint: what the command line uses, and what an editor (a language server)
or any other frontend should use.

* `lint_paths(paths, settings, ...)`: files and directories: discovery, `--fix` / `--diff`, then
  the runner (prefilter, cache, worker processes); returns everything a report needs.
* `lint_document(document, options)`: one document in memory (stdin, an editor's buffer), through
  the same per-file analysis as the files of `lint_paths`.
* `fix_document(document, options, unsafe)`: one document fixed in memory: the fixed document
  (`.text`, and `.to_bytes()` in its own format), the fixes applied, what remains.

Nothing here prints: problems are `Notice`s, handed to `notify` as they happen (and collected).
Documents come from `initlint.documents` (`from_bytes(data, name)`, `from_text(text, name)`);
options from the settings (`settings.options_for(path)`) or `AnalysisOptions(...)`.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager, Dict, List, Optional, Sequence

from .config import Settings
from .diagnostics import Diagnostic, FileResult
from .discovery import Problem, discover, display_path, read_source
from .documents import Document
from .options import AnalysisOptions

FILE_ERROR_CODE = "IL000"

# notice levels
UNREADABLE = "unreadable"  # a file or directory that could not be read (an IL000 line; may fail the run)
WARNING = "warning"  # worth saying, changes nothing (quiet runs drop them)
INTERNAL = "internal"  # a bug in initlint, contained: exit status 2


@dataclass(frozen=True)
class Notice:
    """Something to tell the user besides the diagnostics. `shown`: the path as displayed."""

    level: str
    shown: str
    message: str


@dataclass
class LintRun:
    """What a run found, over files and documents, for the report and the exit status."""

    files: List[str] = field(default_factory=list)  # the files discovery found (absolute)
    problems: List[Problem] = field(default_factory=list)  # discovery's
    outcomes: List[Any] = field(default_factory=list)  # runner.Outcome per file (cached, skipped...)
    diagnostics: List[Diagnostic] = field(default_factory=list)
    sources: Dict[str, bytes] = field(default_factory=dict)  # shown name -> bytes, files with diagnostics
    notices: List[Notice] = field(default_factory=list)
    files_checked: int = 0
    unreadable: int = 0
    failed_reads: int = 0  # unreadable files whose IL000 is enabled: they fail the run
    internal_errors: int = 0
    fixing: Any = None  # writeback.FixRun of --fix / --diff, else None
    notify: Optional[Callable[[Notice], None]] = field(default=None, repr=False, compare=False)

    @property
    def fixed(self) -> int:
        return self.fixing.fixed if self.fixing is not None else 0

    def tell(self, level: str, shown: str, message: str) -> None:
        notice = Notice(level, shown, message)
        self.notices.append(notice)
        if self.notify is not None:
            self.notify(notice)

    def file_error(self, shown: str, message: str, enabled) -> None:
        """A file that could not be read (or written back)."""
        what = message if message.startswith("could not") else f"could not read the file: {message}"
        self.tell(UNREADABLE, shown, what)
        self.unreadable += 1
        if FILE_ERROR_CODE in enabled:
            self.failed_reads += 1

    def internal(self, shown: str, messages: Sequence[str]) -> None:
        for message in messages:
            self.tell(INTERNAL, shown, " ".join(str(message).split()))
            self.internal_errors += 1

    def add_outcome(self, outcome: Any, enabled) -> None:
        """The outcome of one file linted by `runner.lint_files`."""
        if outcome.read_error is not None:
            self.file_error(outcome.shown, outcome.read_error, enabled)
            return
        self.files_checked += 1
        if outcome.internal_error is not None:
            self.internal(outcome.shown, [outcome.internal_error])
            return
        self.internal(outcome.shown, outcome.engine_errors)
        if outcome.diagnostics:
            self.sources[outcome.shown] = outcome.source
            self.diagnostics.extend(outcome.diagnostics)

    def add_document(self, document: Document, result: FileResult) -> None:
        """The result of `lint_document` on a document linted besides the files (stdin)."""
        self.files_checked += 1
        self.internal(document.filename, result.internal_errors)
        if result.diagnostics:
            self.sources[document.filename] = document.to_bytes()
            self.diagnostics.extend(result.diagnostics)


def _no_progress(count: int) -> ContextManager[Optional[Callable[[int], None]]]:
    return contextlib.nullcontext(None)


def lint_paths(
    paths: Sequence[str],
    settings: Settings,
    *,
    cwd: Optional[str] = None,
    jobs: Optional[int] = None,
    cache_dir: Optional[str] = None,
    use_cache: bool = True,
    fix: bool = False,
    unsafe: bool = False,
    diff: bool = False,
    lint: bool = True,
    progress: Optional[Callable[[int], ContextManager[Optional[Callable[[int], None]]]]] = None,
    notify: Optional[Callable[[Notice], None]] = None,
) -> LintRun:
    """Lint the files under `paths` (files or directories; relative to `cwd`).

    With `fix` (or `diff`: only the diffs, nothing written) the files are fixed first, safe fixes
    (and with `unsafe`, unsafe ones too); `diff` or `lint=False` stop there, else the files are
    linted (after the fixes). `progress(count)` gives a context yielding `advance(n)` (or None);
    `notify(notice)` hears each Notice as it happens.
    """
    cwd = os.path.abspath(cwd or os.getcwd())
    run = LintRun(notify=notify)
    found = discover(
        list(paths),
        excludes=settings.excludes,
        respect_gitignore=settings.respect_gitignore,
        project_root=settings.project_root,
        cwd=cwd,
        force_exclude=settings.force_exclude,
        include=getattr(settings, "include", ()),
    )
    run.files, run.problems = list(found.files), list(found.problems)
    for problem in found.problems:
        shown = display_path(problem.path, cwd)
        if problem.level == "error":
            run.file_error(shown, problem.message, settings.enabled_for(problem.path))
        else:
            run.tell(WARNING, shown, problem.message)

    def shown_name(path: str) -> str:
        return display_path(path, cwd)

    if (fix or diff) and found.files:
        from .writeback import WriteScope, fix_files

        run.fixing = fix_files(found.files, settings.options_for, unsafe, diff, shown_name, read_source,
                               lambda path, shown, message: run.file_error(shown, message, settings.enabled_for(path)),
                               scope=WriteScope.of(paths, settings.project_root, cwd),
                               on_warning=lambda path, shown, message: run.tell(WARNING, shown, message))
    if diff or not lint:
        return run

    from .runner import lint_files

    cache = None
    if use_cache and found.files:
        from .cache import Cache, default_directory

        cache = Cache(default_directory(settings.project_root, cache_dir, cwd))
    with (progress or _no_progress)(len(found.files)) as advance:
        outcomes = lint_files(found.files, options_for=settings.options_for, cwd=cwd, jobs=jobs, cache=cache,
                              progress=advance)
    run.outcomes = outcomes
    for outcome in outcomes:
        run.add_outcome(outcome, settings.enabled_for(outcome.path) if outcome.read_error is not None else ())
    return run


def _crash(error: BaseException) -> str:
    if os.environ.get("INITLINT_DEBUG"):
        import traceback

        traceback.print_exc()
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


def lint_document(document: Document, options: AnalysisOptions) -> FileResult:
    """The diagnostics of one document (only `options.enabled` codes), placed in the document (cells).

    The same analysis as each file of `lint_paths` (prefilter included). A bug in the analysis
    never raises: it is in `internal_errors` (and the diagnostics are empty).
    """
    from .runner import analyze_document

    try:
        result = analyze_document(document, options)
    except Exception as error:  # a bug in the core: say so, let the caller go on
        return FileResult(document.filename, internal_errors=[_crash(error)])
    result.diagnostics = [d for d in result.diagnostics if d.code in options.enabled]
    return result


@dataclass
class FixedDocument:
    """What `fix_document` gives: the fixed document (the same object when nothing changed), the
    fixes applied, and what `lint_document` finds in the fixed document."""

    document: Document
    applied: int
    diagnostics: List[Diagnostic]
    internal_errors: List[str] = field(default_factory=list)
    original: Optional[Document] = None

    @property
    def changed(self) -> bool:
        return self.original is not None and self.document is not self.original

    def diff(self) -> str:
        """The unified diff from the original document to the fixed one ('' when unchanged)."""
        return self.original.diff(self.document) if self.changed else ""


def fix_document(document: Document, options: AnalysisOptions, unsafe: bool = False) -> FixedDocument:
    """Apply the safe (with `unsafe`, also the unsafe) fixes to a document in memory.

    A document that cannot be read or does not parse is returned unchanged (applied 0), with its
    diagnostics (IL000). Write the result with `fixed.document.to_bytes()` (same format as the
    original: encoding, BOM, line endings, final newline).
    """
    from .writeback import fix

    fixed, applied = fix(document, options, unsafe)
    result = lint_document(fixed, options)
    return FixedDocument(fixed, applied, result.diagnostics, list(result.internal_errors), document)


__all__ = ["FixedDocument", "INTERNAL", "LintRun", "Notice", "UNREADABLE", "WARNING", "fix_document",
           "lint_document", "lint_paths"]
