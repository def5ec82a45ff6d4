"""Running the analysis over many files: prefilter, cache, worker processes, progress.

Per file (`analyze_document`): the document (`documents/`: decoded; IL000 for binary or
undecodable bytes), the byte prefilter (`prefilter.py`), and only for files that pass it the full
analysis (`engine.lint_text`), its diagnostics placed in the document (cells). A file
that fails the prefilter is still checked for syntax errors with CPython's own compiler, which is
several times cheaper than libcst; only when that fails does the file go through the engine, which
then reports IL000 exactly as for any other file.

Over files (`lint_files`): with a cache, the main process reads and hashes every file and answers
what it can from the cache without importing the analysis core at all; the misses are analyzed in
`--jobs` worker processes, in chunks (the biggest files first, so that the last chunk is small),
or in this process when one worker would do (a single file, little work, `--jobs 1`). Outcomes
come back in the order of the paths given, so the report is the same for any number of jobs.
"""
from __future__ import annotations

import gc
import os
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

from . import documents
from .discovery import display_path, read_source
from .options import AnalysisOptions

PARSE_ERROR = "IL000"
# Below this much source to analyze, worker processes cost more than they save.
PARALLEL_MIN_BYTES = 128 * 1024
# Chunks: about this many per worker (the first ones hold the biggest files), at most this many files.
CHUNKS_PER_WORKER = 8
MAX_CHUNK_FILES = 32
# A progress bar is shown from this many files on (on a terminal, outside CI, without -q).
PROGRESS_MIN_FILES = 300
# Garbage-collector thresholds while analyzing: libcst builds large, long-lived trees, and the
# default thresholds make the collector rescan them over and over (~15% of the analysis time).
ANALYSIS_GC_THRESHOLDS = (50000, 20, 1000)


@dataclass
class Outcome:
    """What happened to one file."""

    path: str  # absolute
    shown: str  # as displayed (the diagnostics' filename)
    diagnostics: List[object] = field(default_factory=list)  # only the enabled codes
    source: Optional[bytes] = None  # the file's bytes, kept only when it has diagnostics
    read_error: Optional[str] = None  # the file could not be read: why
    internal_error: Optional[str] = None  # the analysis crashed: "TypeName: message"
    engine_errors: List[str] = field(default_factory=list)  # crashes the engine contained
    skipped: bool = False  # the prefilter showed that nothing in it can initialize a kernel
    cached: bool = False  # answered from the cache


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------------------------
# One file


def _compiles(text: str) -> bool:
    """Whether CPython accepts the file (warnings about its content are not ours to print)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<initlint>", "exec", dont_inherit=True)
    except Exception:  # SyntaxError, RecursionError, MemoryError, ValueError...
        return False
    return True


def analyze(data: bytes, filename: str, options):
    """The diagnostics of one file's bytes (a FileResult); `options`: AnalysisOptions (or a set of codes)."""
    return analyze_document(documents.from_bytes(data, filename), AnalysisOptions.of(options))


def analyze_document(document, options: AnalysisOptions):
    """The diagnostics of one document (a FileResult, all codes the engine gave: filter them by
    `options.enabled`), skipping the analysis when it cannot matter."""
    from .diagnostics import FileResult

    filename = document.filename
    skip_reason = getattr(document, "skip_reason", None)  # a notebook of another language
    if skip_reason:
        sys.stderr.write(f"initlint: {filename}: {skip_reason}\n")
        return FileResult(filename, skipped=True)
    if document.error is not None:
        return document.map_result(_engine().source_error(filename, document.error, options))  # IL000
    from . import prefilter

    enabled = options.enabled
    text = document.text
    rules = set(enabled) - {PARSE_ERROR}
    if prefilter.applies_to(filename) and (not rules or (not rules & _unfiltered_codes()
                                                         and not prefilter.may_initialize(document.searchable(), text))):
        if PARSE_ERROR in enabled and not _compiles(text):
            return document.map_result(_engine().lint_text(text, filename, options))  # the engine words the IL000
        return FileResult(filename, skipped=True)
    return document.map_result(_engine().lint_text(text, filename, options))


def _unfiltered_codes():
    """Rules that need files without any initializer (framework defaults, unused suppressions)."""
    from .rules import unfiltered_codes

    return unfiltered_codes()


def _engine():
    from . import engine  # looked up at each call: tests replace engine.lint_text

    return engine


def _read_error(error: OSError) -> str:
    reason = error.strerror or str(error)
    return reason[:1].lower() + reason[1:]


def _internal_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


def _lint_one(path: str, shown: str, options: AnalysisOptions, cache) -> Tuple:
    """(diagnostics, source, read_error, internal_error, engine_errors, skipped) for one file."""
    try:
        data = read_source(path)
    except OSError as error:
        return [], None, _read_error(error), None, [], False
    enabled = options.enabled
    try:
        result = analyze_document(documents.from_bytes(data, shown), options)
    except Exception as error:  # a bug in the core: say so, go on with the other files
        if os.environ.get("INITLINT_DEBUG"):
            import traceback

            traceback.print_exc()
        return [], None, None, _internal_error(error), [], False
    found = [diagnostic for diagnostic in result.diagnostics if diagnostic.code in enabled]
    engine_errors = list(getattr(result, "internal_errors", None) or ())
    if cache is not None and not engine_errors:
        cache.put(cache.key(data, options, path), found)
    return found, data if found else None, None, None, engine_errors, bool(result.skipped)


@contextmanager
def analysis_gc() -> Iterator[None]:
    """Raise the garbage collector's thresholds for the duration (restored afterwards)."""
    saved = gc.get_threshold()
    gc.set_threshold(*ANALYSIS_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


# --------------------------------------------------------------------------------------------
# Worker processes

_WORKER_CACHE = None


def _worker_start(cache) -> None:
    global _WORKER_CACHE
    import signal

    _WORKER_CACHE = cache
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles ^C
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # and stops the workers with SIGTERM
    except (ValueError, OSError):
        pass
    gc.freeze()  # what was imported before the fork stays out of every collection
    gc.set_threshold(*ANALYSIS_GC_THRESHOLDS)


def _worker_chunk(chunk: List[Tuple[int, str, str, AnalysisOptions]]) -> List[Tuple[int, Tuple]]:
    return [(index, _lint_one(path, shown, options, _WORKER_CACHE)) for index, path, shown, options in chunk]


def _context():
    """`fork` on Linux while this process has one thread (cheap: the workers inherit the loaded
    core); in a threaded host (a language server, an editor plugin, a test runner with threads),
    where forking can deadlock and Python warns about it, `forkserver` (else `spawn`)."""
    import multiprocessing
    import threading

    if sys.platform.startswith("linux"):
        if threading.active_count() == 1:
            return multiprocessing.get_context("fork")
        methods = multiprocessing.get_all_start_methods()
        return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return multiprocessing.get_context()


def _chunks(tasks: List[Tuple[int, str, str, AnalysisOptions, int]], workers: int) -> List[list]:
    """Tasks (index, path, shown, options, size) in chunks: biggest files first, chunks of similar work."""
    ordered = sorted(tasks, key=lambda task: (-task[4], task[0]))
    total = sum(task[4] for task in ordered) or 1
    target = max(1, total // (workers * CHUNKS_PER_WORKER))
    chunks: List[list] = []
    current: list = []
    weight = 0
    for index, path, shown, options, size in ordered:
        current.append((index, path, shown, options))
        weight += size
        if weight >= target or len(current) >= MAX_CHUNK_FILES:
            chunks.append(current)
            current, weight = [], 0
    if current:
        chunks.append(current)
    return chunks


def _run_parallel(tasks, workers: int, cache, advance: Callable[[int], None]) -> Dict[int, Tuple]:
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    _engine()  # load the core once, before the fork: every worker shares it
    from . import prefilter

    prefilter.filters()
    results: Dict[int, Tuple] = {}
    chunks = _chunks(tasks, workers)
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_worker_start,
                                   initargs=(cache,))
    try:
        futures = {executor.submit(_worker_chunk, chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            chunk = futures[future]
            try:
                for index, result in future.result():
                    results[index] = result
            except BrokenProcessPool as error:
                message = f"worker process died ({_internal_error(error)})"
                for index, _path, _shown, _options in chunk:
                    results.setdefault(index, ([], None, None, message, [], False))
            advance(len(chunk))
    except BaseException:
        processes = list((getattr(executor, "_processes", None) or {}).values())  # before shutdown clears it
        executor.shutdown(wait=False, cancel_futures=True)
        _terminate(processes)
        raise
    executor.shutdown(wait=True)
    return results


def _terminate(processes) -> None:
    """Stop every worker (^C, SIGTERM): none is left re-parented, holding the output pipe open."""
    for process in processes:
        try:
            process.terminate()
        except Exception:
            pass
    for process in processes:
        try:
            process.join(2)
            if process.is_alive():
                process.kill()
                process.join(1)
        except Exception:
            pass


class Stopped(BaseException):
    """A signal that ends the run, raised where the run is so it unwinds (workers stopped, temporary
    files removed); not a KeyboardInterrupt, so nothing on the way turns it into something else."""

    exit_status = 130
    word = "interrupted"


class Interrupted(Stopped):
    """^C (SIGINT): exit status 130."""


class Terminated(Stopped):
    """SIGTERM: exit status 143 (128 + 15)."""

    exit_status = 143
    word = "terminated"


def _raise_stopped(signum, frame) -> None:
    import signal

    raise Terminated() if signum == signal.SIGTERM else Interrupted()


@contextmanager
def signals_stop_the_run() -> Iterator[None]:
    """For the duration, SIGINT and SIGTERM raise `Interrupted` / `Terminated` in the main thread
    (in other threads, or where signals cannot be set: unchanged)."""
    import signal
    import threading

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, getattr(signal, "SIGTERM", None)):
            if signum is None:
                continue
            try:
                previous[signum] = signal.signal(signum, _raise_stopped)
            except (ValueError, OSError):
                pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            try:
                signal.signal(signum, handler)
            except (ValueError, OSError, TypeError):
                pass


# --------------------------------------------------------------------------------------------
# Many files


def lint_files(
    paths: Sequence[str],
    *,
    options_for: Optional[Callable[[str], AnalysisOptions]] = None,
    enabled_for: Optional[Callable[[str], FrozenSet[str]]] = None,
    cwd: Optional[str] = None,
    jobs: Optional[int] = None,
    cache=None,
    progress: Optional[Callable[[int], None]] = None,
    parallel_min_bytes: Optional[int] = None,
) -> List[Outcome]:
    """Lint `paths` (absolute file paths); outcomes in the order of `paths`.

    `options_for(path)` gives the analysis options of a file (`Settings.options_for`: its codes
    after per-file-ignores); `enabled_for(path)`, the codes only, is the older spelling of it.
    `cache` is a `cache.Cache` or None; `progress(n)` is called as n more files are done.
    """
    if options_for is None:
        if enabled_for is None:
            raise TypeError("lint_files() needs options_for (or enabled_for)")
        options_for = _codes_only(enabled_for)
    cwd = cwd or os.getcwd()
    jobs = default_jobs() if not jobs or jobs < 1 else jobs
    threshold = PARALLEL_MIN_BYTES if parallel_min_bytes is None else parallel_min_bytes
    advance = progress or (lambda count: None)
    outcomes: List[Outcome] = []
    tasks: List[Tuple[int, str, str, AnalysisOptions, int]] = []
    for index, path in enumerate(paths):
        shown = display_path(path, cwd)
        options = options_for(path)
        outcome = Outcome(path, shown)
        outcomes.append(outcome)
        if cache is not None:
            try:
                data = read_source(path)
            except OSError as error:
                outcome.read_error = _read_error(error)
                advance(1)
                continue
            found = cache.get(cache.key(data, options, path), shown)
            if found is not None:
                outcome.diagnostics = [d for d in found if d.code in options.enabled]
                outcome.source = data if outcome.diagnostics else None
                outcome.cached = True
                advance(1)
                continue
            size = len(data)
        else:
            try:
                size = os.stat(path).st_size
            except OSError:
                size = 0  # the read in the analysis will say why
        tasks.append((index, path, shown, options, size))

    workers = min(jobs, len(tasks))
    if workers > 1 and sum(task[4] for task in tasks) < threshold:
        workers = 1
    if workers > 1:
        results = _run_parallel(tasks, workers, cache, advance)
    else:
        results = {}
        with analysis_gc():
            for index, path, shown, options, _size in tasks:
                results[index] = _lint_one(path, shown, options, cache)
                advance(1)
    for index, (found, source, read_error, internal_error, engine_errors, skipped) in sorted(results.items()):
        outcome = outcomes[index]
        outcome.diagnostics = found
        outcome.source = source
        outcome.read_error = read_error
        outcome.internal_error = internal_error
        outcome.engine_errors = engine_errors
        outcome.skipped = skipped
    return outcomes


def _codes_only(enabled_for: Callable[[str], FrozenSet[str]]) -> Callable[[str], AnalysisOptions]:
    made: Dict[FrozenSet[str], AnalysisOptions] = {}

    def options_for(path: str) -> AnalysisOptions:
        enabled = frozenset(enabled_for(path))
        options = made.get(enabled)
        if options is None:
            options = made[enabled] = AnalysisOptions(enabled)
        return options

    return options_for


# --------------------------------------------------------------------------------------------
# Progress


def show_progress(count: int, quiet: bool = False, stream=None) -> bool:
    """A bar only for many files, on a terminal, outside CI, and without -q."""
    stream = stream or sys.stderr
    if quiet or count < PROGRESS_MIN_FILES or os.environ.get("CI"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(count: int, enabled: bool, label: str = "Linting") -> Iterator[Optional[Callable[[int], None]]]:
    """An `advance(n)` function drawing a click progress bar on stderr (None when not shown)."""
    if not enabled:
        yield None
        return
    import click

    with click.progressbar(length=count, label=label, file=sys.stderr, show_pos=True, show_eta=True,
                           show_percent=False, width=30) as bar:
        yield bar.update


__all__ = ["Outcome", "analyze", "analyze_document", "analysis_gc", "default_jobs", "lint_files", "progress_bar", "show_progress"]
