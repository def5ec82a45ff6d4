"""The result cache: one entry per analyzed file, keyed by everything its diagnostics depend on.

The key of a file is a SHA-256 over:

* its bytes (the content, not the path or the modification time: a checkout, a `git stash` or a
  copy of the tree hits the same entries);
* its analysis options (`AnalysisOptions.cache_token()`: the codes enabled for it after
  per-file-ignores, the TF version...) and its suffix;
* the *salt*: initlint's version, a hash of the initlint package's own source files (an edited
  checkout never serves results of the code it had before), the Python and libcst versions.

An entry holds the file's diagnostics, with or without findings. Entries are written to a
temporary file in the entry's directory and renamed into place, so concurrent runs (pre-commit and
an editor, two CI jobs on one volume) only ever see whole entries; a reader that finds a damaged,
truncated or foreign entry treats it as a miss. Nothing about the cache is ever fatal: when it
cannot be written (read-only checkout, full disk) the run goes on without it.

Entries are data, never code: JSON, signed with an HMAC-SHA256 under a per-user secret key (32
random bytes in `$XDG_CACHE_HOME/initlint/secret`, else `~/.cache/initlint/secret`, mode 0600;
`INITLINT_CACHE_SECRET` names another file). A `.initlint_cache/` committed to a repository, or
written by another user, therefore fails the signature and is a miss: it can neither run code nor
hide findings. A signed entry is still checked field by field (types, known severities, positive
positions) before it is used; anything else is a miss. Without a usable key file (no home
directory) a random key lives for the run only, so the cache is used within the run at most.

Location: `--cache-dir`, else `INITLINT_CACHE_DIR`, else `.initlint_cache/` at the project root
(the directory of the configuration file, or the current directory). The directory carries a
`CACHEDIR.TAG` and a `.gitignore` of `*`, as ruff's does, so backups and git leave it alone.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
from typing import TYPE_CHECKING, List, Optional

from . import __version__
from .atomic import replace_atomically
from .syntax import max_file_size

if TYPE_CHECKING:  # pragma: no cover
    from .options import AnalysisOptions

CACHE_DIR_NAME = ".initlint_cache"
ENV_CACHE_DIR = "INITLINT_CACHE_DIR"
FORMAT = 2  # bump when the entry layout changes (1: pickles, never read again)
_MAGIC = b"initlint-cache-json-2"
ENV_SECRET = "INITLINT_CACHE_SECRET"
_SEVERITIES = ("error", "warning", "info")
_CONFIDENCES = ("certain", "likely", "heuristic")
_APPLICABILITIES = ("safe", "unsafe", "display-only")
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by initlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


_UMASK: Optional[int] = None


def _file_mode() -> int:
    """What `open()` would give a new file (mkstemp's files are private): 0o666 less the umask."""
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return 0o666 & ~_UMASK


def _write_atomically(directory: str, path: str, payload: bytes) -> None:
    """Readers (other runs, other workers) see a whole entry or none."""
    replace_atomically(path, payload, _file_mode())


def default_directory(project_root: str, override: Optional[str] = None, cwd: Optional[str] = None) -> str:
    """`override` (--cache-dir), else $INITLINT_CACHE_DIR, else <project root>/.initlint_cache."""
    cwd = cwd or os.getcwd()
    chosen = override or os.environ.get(ENV_CACHE_DIR) or None
    if chosen:
        return os.path.normpath(os.path.join(cwd, os.path.expanduser(chosen)))
    return os.path.join(project_root, CACHE_DIR_NAME)


def package_digest() -> str:
    """A hash of the initlint package's source files (names and contents)."""
    root = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            digest.update(os.path.relpath(path, root).replace(os.sep, "/").encode("utf-8") + b"\0")
            try:
                with open(path, "rb") as handle:
                    digest.update(handle.read())
            except OSError:
                digest.update(b"<unreadable>")
            digest.update(b"\0")
    return digest.hexdigest()


def _libcst_version() -> str:
    try:
        from importlib.metadata import version

        return version("libcst")
    except Exception:  # not installed as a distribution: the package hash still guards the key
        return "?"


def salt() -> str:
    """Everything besides the file and its options that the diagnostics depend on."""
    parts = (
        f"format={FORMAT}",
        f"initlint={__version__}",
        f"source={package_digest()}",
        f"python={sys.version_info[0]}.{sys.version_info[1]}",
        f"libcst={_libcst_version()}",
        f"max-file-size={max_file_size()}",  # $INITLINT_MAX_FILE_SIZE changes what is analyzed
    )
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def entry_key(data: bytes, options_token: str, suffix: str, salt_value: str) -> str:
    """`options_token`: the file's `AnalysisOptions.cache_token()`."""
    digest = hashlib.sha256()
    digest.update(salt_value.encode("ascii"))
    digest.update(b"\0" + options_token.encode("ascii", "replace"))
    digest.update(b"\0" + suffix.encode("utf-8", "replace") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def secret_path() -> str:
    chosen = os.environ.get(ENV_SECRET)
    if chosen:
        return os.path.expanduser(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "initlint", "secret")


def _stored_secret(path: str):
    """The key kept at path, or None when there is none long enough to trust."""
    try:
        with open(path, "rb") as handle:
            key = handle.read()
    except OSError:
        return None
    return key if len(key) >= 32 else None


def load_secret() -> bytes:
    """This user's cache key, created on first use; a key for this run only when it cannot be kept."""
    path = secret_path()
    key = _stored_secret(path)
    if key is not None:
        return key
    key = secrets.token_hex(32).encode("ascii")
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
    except FileExistsError:  # another run made it first: use theirs
        stored = _stored_secret(path)
        if stored is not None:
            return stored
    except OSError:
        pass
    return key


def _span(value):
    from .facts import Span

    if not (isinstance(value, list) and len(value) == 4 and all(type(v) is int and v >= 1 for v in value)):
        raise ValueError("bad span")
    return Span(*value)


def _text(value) -> str:
    if type(value) is not str:
        raise ValueError("not a string")
    return value


def _optional_int(value):
    if value is None or (type(value) is int and value >= 1):
        return value
    raise ValueError("bad number")


def encode_diagnostics(diagnostics: List[object]) -> list:
    entries = []
    for d in diagnostics:
        fix = None
        if d.fix is not None:
            fix = [d.fix.applicability, d.fix.message,
                   [[e.content, [e.span.row, e.span.column, e.span.end_row, e.span.end_column]] for e in d.fix.edits]]
        span = [d.span.row, d.span.column, d.span.end_row, d.span.end_column]
        entries.append([d.code, d.message, d.severity, span, d.hint, fix, d.noqa_row, d.cell, d.confidence])
    return entries


def decode_diagnostics(entries, filename: str) -> List[object]:
    """The diagnostics of a stored entry; ValueError for anything not exactly of that shape."""
    from .diagnostics import Diagnostic, Edit, Fix

    if not isinstance(entries, list):
        raise ValueError("not a list")
    found = []
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 9):
            raise ValueError("bad diagnostic")
        code, message, severity, span, hint, fix, noqa_row, cell, confidence = entry
        if _text(confidence) not in _CONFIDENCES:
            raise ValueError("bad confidence")
        if _text(severity) not in _SEVERITIES:
            raise ValueError("bad severity")
        built_fix = None
        if fix is not None:
            if not (isinstance(fix, list) and len(fix) == 3 and isinstance(fix[2], list)):
                raise ValueError("bad fix")
            if _text(fix[0]) not in _APPLICABILITIES:
                raise ValueError("bad applicability")
            edits = []
            for edit in fix[2]:
                if not (isinstance(edit, list) and len(edit) == 2):
                    raise ValueError("bad edit")
                edits.append(Edit(_text(edit[0]), _span(edit[1])))
            built_fix = Fix(fix[0], _text(fix[1]), tuple(edits))
        found.append(Diagnostic(_text(code), _text(message), severity, filename, _span(span), _text(hint),
                                built_fix, _optional_int(noqa_row), _optional_int(cell), confidence))
    return found


class Cache:
    """Entries under `directory`; `salt` as returned by `salt()` (computed once per run)."""

    def __init__(self, directory: str, salt_value: Optional[str] = None, secret: Optional[bytes] = None) -> None:
        self.directory = directory
        self.salt = salt_value if salt_value is not None else salt()
        self.secret = secret if secret is not None else load_secret()
        self._prepared = False
        self.writable = True
        self.hits = 0
        self.misses = 0

    def __getstate__(self):  # sent to worker processes
        return {"directory": self.directory, "salt": self.salt, "secret": self.secret}

    def __setstate__(self, state) -> None:
        self.__init__(state["directory"], state["salt"], state["secret"])

    def _signature(self, key: str, body: bytes) -> bytes:
        return hmac.new(self.secret, key.encode("ascii") + b"\0" + body, hashlib.sha256).hexdigest().encode("ascii")

    def key(self, data: bytes, options: "AnalysisOptions", filename: str) -> str:
        return entry_key(data, options.cache_token(), os.path.splitext(filename)[1], self.salt)

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, f"v{FORMAT}", key[:2], key)

    def get(self, key: str, filename: str) -> Optional[List[object]]:
        """The diagnostics stored under `key`, renamed to `filename`; None on a miss."""
        try:
            with open(self._path(key), "rb") as handle:
                payload = handle.read()
            magic, signature, body = payload.split(b"\n", 2)
            if magic != _MAGIC or not hmac.compare_digest(signature, self._signature(key, body)):
                raise ValueError("not an entry of this key written by this user")
            found = decode_diagnostics(json.loads(body.decode("utf-8")), filename)
        except Exception:  # missing, unreadable, truncated, corrupt, from another version: a miss
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, key: str, diagnostics: List[object]) -> None:
        if not self.writable:
            return
        try:
            self._prepare()
            directory = os.path.dirname(self._path(key))
            os.makedirs(directory, exist_ok=True)
            body = json.dumps(encode_diagnostics(diagnostics), ensure_ascii=True, separators=(",", ":")).encode("ascii")
            payload = _MAGIC + b"\n" + self._signature(key, body) + b"\n" + body
            _write_atomically(directory, self._path(key), payload)
        except (OSError, TypeError, ValueError, AttributeError):
            self.writable = False  # read-only or full: go on without writing

    def _prepare(self) -> None:
        """Create the directory with its CACHEDIR.TAG and .gitignore (once per process)."""
        if self._prepared:
            return
        os.makedirs(self.directory, exist_ok=True)
        for name, content in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", "# Created by initlint.\n*\n")):
            path = os.path.join(self.directory, name)
            if not os.path.exists(path):
                try:
                    _write_atomically(self.directory, path, content.encode("utf-8"))
                except OSError:
                    pass
        self._prepared = True


__all__ = ["CACHE_DIR_NAME", "Cache", "decode_diagnostics", "encode_diagnostics", "load_secret", "ENV_CACHE_DIR", "default_directory", "entry_key", "package_digest", "salt"]
