"""Fixing documents and writing them back: same format (for Python: encoding, coding cookie, BOM,
line endings, final newline), atomically. The only module that imports the fix loop."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

from . import documents
from .atomic import replace_atomically
from .documents import Document
from .documents.python import unified_diff
from .edits import parses
from .fixing import fix_text
from .options import AnalysisOptions


def fix(document: Document, options: AnalysisOptions, unsafe: bool,
        keep_bytes: bool = True) -> Tuple[Document, int]:
    """(the fixed document, fixes applied). A document that cannot be read or does not parse, or
    whose fixed text would not parse, comes back as it is, with 0; so does (with `keep_bytes`) one
    whose encoding does not round-trip (`encoding_loses_bytes`)."""
    text = document.text
    if document.error is not None or text is None:
        return document, 0
    if keep_bytes and encoding_loses_bytes(document) is not None:
        return document, 0
    if not may_need_fixes(document, text):
        return document, 0  # the prefilter, as lint uses it: nothing in it can initialize a kernel
    # Files with syntax errors are never touched: the fix loop's analysis gives them no edits.
    options = AnalysisOptions.of(options)
    fixed, applied = fix_text(text, document.filename, options, unsafe)
    if fixed == text:
        return document, applied
    if not parses(fixed, options.max_file_size):
        return document, 0
    return document.with_text(fixed), applied


def may_need_fixes(document: Document, text: str) -> bool:
    """The lint prefilter: False when nothing in the file can initialize a kernel (no analysis needed)."""
    from . import prefilter

    filename = document.filename
    if not prefilter.applies_to(filename):
        return True
    searchable = document.searchable() if hasattr(document, "searchable") else text
    return prefilter.may_initialize(searchable, text)


@dataclass
class FixOutcome:
    original: str
    fixed: str
    applied: int
    encoding: str

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def fix_source(data: bytes, filename: str, enabled, unsafe: bool) -> Optional[FixOutcome]:
    """The fixed text of a file's bytes; None when the file cannot be decoded or does not parse."""
    document = documents.from_bytes(data, filename)
    if document.error is not None or not parses(document.text):
        return None
    fixed, applied = fix(document, AnalysisOptions.of(enabled), unsafe)
    return FixOutcome(document.text, fixed.text, applied, getattr(document, "encoding", "utf-8"))


def encode(text: str, encoding: str) -> bytes:
    # utf-8-sig writes the BOM back; a PEP 263 cookie names the codec, which round-trips the text.
    return text.encode(encoding)


def write_atomic(path: str, data: bytes) -> None:
    """Write through a temporary file in the same directory and os.replace, keeping permissions
    and, where the OS allows, owner and group."""
    info = os.stat(path)
    replace_atomically(path, data, stat.S_IMODE(info.st_mode), durable=True)
    try:
        after = os.stat(path)
        if (after.st_uid, after.st_gid) != (info.st_uid, info.st_gid):
            os.chown(path, info.st_uid, info.st_gid)
    except (OSError, AttributeError):
        pass


@dataclass(frozen=True)
class ReadState:
    """What a file was when it was read for fixing: checked again just before the replace."""

    size: int
    mtime_ns: int
    digest: str


def read_state(path: str, data: bytes) -> Optional[ReadState]:
    import hashlib

    try:
        info = os.stat(path)
    except OSError:
        return None
    return ReadState(info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest())


def why_not_writable(path: str, state: Optional[ReadState]) -> Optional[str]:
    """Why the fixed file must not replace `path` (read-only, changed since it was read), else None."""
    import hashlib

    try:
        info = os.stat(path)
    except OSError as error:
        return f"could not write the fixed file: {error.strerror or error}"
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        return "could not fix the file: it is read-only (make it writable to fix it)"
    if state is None or (info.st_size, info.st_mtime_ns) != (state.size, state.mtime_ns):
        return "could not fix the file: it changed during the run (run again)"
    try:
        with open(path, "rb") as handle:
            current = hashlib.sha256(handle.read()).hexdigest()
    except OSError as error:
        return f"could not write the fixed file: {error.strerror or error}"
    if current != state.digest:
        return "could not fix the file: it changed during the run (run again)"
    return None


def encoding_loses_bytes(document: Document) -> Optional[str]:
    """Why writing a fixed `document` back would change bytes initlint did not edit, else None: its
    encoding maps several byte sequences to one character (cp932 / Shift-JIS duplicates), so
    encoding the decoded text again does not give the file back. Such a file is not fixed."""
    data, text = document.data, document.text
    encoding = getattr(document, "encoding", None)
    if data is None or text is None or not isinstance(encoding, str):
        return None  # not a file's bytes decoded as Python text (a notebook is JSON in UTF-8)
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig"):
        return None  # UTF-8 always round-trips: no need to encode every file again
    try:
        same = text.encode(encoding) == data
    except (UnicodeError, LookupError):
        same = False
    if same:
        return None
    return (f"could not fix the file: its encoding ({encoding}) does not round-trip (decoding and encoding "
            f"it again changes bytes), so writing it would change lines no fix touches; fix it by hand")


@dataclass(frozen=True)
class WriteScope:
    """Where --fix may write: inside the project root or a directory named on the command line
    (their real paths), or a file named there itself. A directory link found in the walk can lead
    anywhere (another checkout, the system's site-packages): a file reached that way is not fixed."""

    roots: Tuple[str, ...] = ()
    named: Tuple[str, ...] = ()  # real paths of the files named on the command line

    @classmethod
    def of(cls, paths, project_root: str, cwd: str) -> "WriteScope":
        roots, named = [os.path.realpath(project_root)], []
        for given in paths:
            path = os.path.realpath(os.path.join(cwd, os.path.expanduser(given)))
            (roots if os.path.isdir(path) else named).append(path)
        return cls(tuple(roots), tuple(named))

    def refusal(self, target: str) -> Optional[str]:
        """Why the fixed file must not be written to `target`, else None."""
        real = os.path.realpath(target)
        if real in self.named or any(_inside(real, root) for root in self.roots):
            return None
        return (f"could not fix the file: it is outside the project ({real}, reached through a symbolic link); "
                f"name it on the command line to fix it")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def hard_link_note(target: str) -> Optional[str]:
    """The warning for a file with other hard links: the atomic replace gives this name a new file,
    and the other names keep the old content."""
    try:
        links = os.stat(target).st_nlink
    except OSError:
        return None
    if links <= 1:
        return None
    others = links - 1
    return (f"the file had {others} other hard {'link' if others == 1 else 'links'}; the fixed file replaces "
            f"only this name, {'that link keeps' if others == 1 else 'those keep'} the old content")


def write_target(path: str) -> str:
    """The file a fix of `path` is written to: through a symbolic link to its target (so the link
    stays a link and the real file is fixed)."""
    return os.path.realpath(path) if os.path.islink(path) else path


@dataclass
class FixRun:
    """What `--fix` / `--diff` did over a run's files."""

    fixed: int = 0  # fixes applied (or, with --diff, that would be)
    files_changed: int = 0
    diffs: list = None  # unified diffs, with --diff

    def __post_init__(self) -> None:
        self.diffs = [] if self.diffs is None else self.diffs


def fix_files(files: List[str], options_for: Callable[[str], AnalysisOptions], unsafe: bool, diff_only: bool,
              shown_name: Callable[[str], str], read_source: Callable[[str], bytes],
              on_error: Callable[[str, str, str], None], scope: Optional[WriteScope] = None,
              on_warning: Optional[Callable[[str, str, str], None]] = None) -> FixRun:
    """Fix every file in place (or collect the diffs), in a stable order, one file at a time.
    `scope`: where files may be written (None: anywhere); `on_warning(path, shown, message)`:
    hears what was written but deserves a word (a hard link broken)."""
    run = FixRun()
    written = set()  # real paths: a file reached through a link and by its own name is fixed once
    for path in files:
        shown = shown_name(path)
        target = write_target(path)
        if not diff_only and os.path.realpath(target) in written:
            continue
        try:
            data = read_source(path)
        except OSError as error:
            if diff_only:  # no lint pass follows --diff: say it here, as lint does
                reason = error.strerror or str(error)
                on_error(path, shown, f"could not read the file: {reason[:1].lower() + reason[1:]}")
            continue  # else reported by the lint pass that follows
        state = read_state(target, data)
        document = documents.from_bytes(data, shown)
        fixed, applied = fix(document, options_for(path), unsafe, keep_bytes=False)
        if fixed is document:
            continue
        refusal = encoding_loses_bytes(document)
        if refusal is not None:  # --diff too: its diff would not show the untouched lines that change
            on_error(path, shown, refusal)
            continue
        if diff_only:
            run.fixed += applied
            run.files_changed += 1
            run.diffs.append(document.diff(fixed))
            continue
        refusal = (scope.refusal(target) if scope is not None else None) or why_not_writable(target, state)
        if refusal is not None:
            on_error(path, shown, refusal)
            continue
        note = hard_link_note(target)
        try:
            write_atomic(target, fixed.to_bytes())
        except (OSError, UnicodeEncodeError) as error:
            on_error(path, shown, f"could not write the fixed file: {error}")
            continue
        written.add(os.path.realpath(target))
        if note is not None and on_warning is not None:
            on_warning(path, shown, note)
        run.fixed += applied  # only what was written
        run.files_changed += 1
    return run


__all__ = ["FixOutcome", "FixRun", "WriteScope", "encode", "encoding_loses_bytes", "hard_link_note", "fix", "fix_files", "fix_source", "unified_diff", "write_atomic"]
