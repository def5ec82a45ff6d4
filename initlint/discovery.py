"""Finding the files to lint: directory walks, default and configured excludes, `.gitignore` files.

Two glob dialects live here:

* configuration globs (`exclude`, `extend-exclude`, `per-file-ignores`), as ruff reads them:
  relative to a base directory (the configuration file's, or the current directory for
  command-line values), `*` and `?` also match `/`, `**` is a whole path component, `{a,b}`
  alternatives, `[...]` classes; a pattern without `/` also matches the basename;
* `.gitignore` patterns, as git reads them: `*` stops at `/`, `**/`, `/**` and `/**/`, a leading or
  middle `/` anchors the pattern to the `.gitignore` file's directory, a trailing `/` matches only
  directories, `!` re-includes, and deeper files override shallower ones.

A file named on the command line is always linted. Problems (unreadable directories, broken
symbolic links...) are collected, never raised: the run goes on.
"""
from __future__ import annotations

import functools
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .globs import Glob, Token, TooManyAlternatives

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")  # the suffixes of documents/__init__.py TYPES

# Directory and file names never walked into (any path component below a walked root).
DEFAULT_EXCLUDES: Tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".initlint_cache",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)


class GlobError(ValueError):
    """An invalid glob pattern; the message says what is wrong with it."""


# --------------------------------------------------------------------------------------------
# Glob translation


def _translate_class(pattern: str, start: int, strict: bool) -> Tuple[Optional[str], int]:
    """Translate the `[...]` class opening at `start`. Returns (regex, index after it);
    regex None when the class is not closed (and not strict)."""
    i = start + 1
    negate = False
    if i < len(pattern) and pattern[i] in "!^":
        negate = True
        i += 1
    items: List[str] = []
    first = True
    while i < len(pattern) and (pattern[i] != "]" or first):
        first = False
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            i += 1
            char = pattern[i]
        if i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            end = pattern[i + 2]
            if end == "\\" and i + 3 < len(pattern):
                end = pattern[i + 3]
                i += 1
            if end < char:
                if strict:
                    raise GlobError(f"invalid range {char}-{end} in a character class")
                return "(?!)", i + 3  # git: an empty range matches nothing
            items.append(f"{re.escape(char)}-{re.escape(end)}")
            i += 3
        else:
            items.append(re.escape(char))
            i += 1
    if i >= len(pattern):
        if strict:
            raise GlobError("unclosed character class '['")
        return None, start + 1
    body = "".join(items)
    if negate:
        return f"[^/{body}]", i + 1
    return f"[{body}]", i + 1


def translate_glob(pattern: str, *, gitignore: bool = False) -> Glob:
    """The linear-time matcher (`.fullmatch(text)`) of a glob pattern (see `globs.py`).

    `gitignore=False`: the configuration dialect (strict: invalid patterns raise GlobError).
    `gitignore=True`: git's dialect (lenient, like git: odd patterns still mean something).
    """
    slash_ok = not gitignore
    strict = not gitignore
    top: List[Token] = []
    out = top
    branches: List[List[Token]] = []
    i = 0
    n = len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            if i + 1 >= n:
                if strict:
                    raise GlobError("dangling escape '\\' at the end of the pattern")
                break  # git: a trailing backslash makes the pattern match nothing useful
            out.append(("lit", pattern[i + 1]))
            i += 2
        elif char == "*":
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            stars = j - i
            at_start = i == 0 or pattern[i - 1] == "/"
            at_end = j == n or pattern[j] == "/"
            if stars >= 2 and at_start and at_end:
                if stars > 2 and strict:
                    raise GlobError("'***' is not a valid wildcard; use '**'")
                if j == n:
                    out.append(("star", True))  # 'a/**' (everything inside) or '**' alone
                    i = j
                else:
                    out.append(("dirs",))  # '**/' : zero or more directories
                    i = j + 1
            else:
                if stars >= 2 and strict:
                    raise GlobError("'**' must be a whole path component (like 'a/**/b')")
                out.append(("star", slash_ok))
                i = j
        elif char == "?":
            out.append(("one", slash_ok))
            i += 1
        elif char == "[":
            regex, i = _translate_class(pattern, i, strict)
            if regex is None:
                out.append(("lit", "["))
            else:
                out.append(("class", re.compile(regex, re.DOTALL).fullmatch))  # one character: no backtracking
        elif char == "{" and not gitignore:
            if branches:
                raise GlobError("nested '{' alternatives are not supported")
            branches = [[]]
            out = branches[0]
            i += 1
        elif char == "}" and branches:
            top.append(("alt", branches))
            branches = []
            out = top
            i += 1
        elif char == "," and branches:
            branches.append([])
            out = branches[-1]
            i += 1
        else:
            out.append(("lit", char))
            i += 1
    if branches:
        raise GlobError("unclosed '{' alternative")
    try:
        return Glob(top)
    except TooManyAlternatives as error:
        raise GlobError(str(error)) from None


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def relative_to(path: str, base: str) -> Optional[str]:
    """`path` relative to `base` with `/` separators, or None when it is not inside `base`.
    Both are absolute and normalized. A path equal to `base` gives ''."""
    if path == base:
        return ""
    prefix = base if base.endswith(os.sep) else base + os.sep
    if path.startswith(prefix):
        return _posix(path[len(prefix):])
    return None


class PathPattern:
    """A configuration glob, matched against paths relative to `base` (and basenames)."""

    def __init__(self, pattern: str, base: str) -> None:
        if not isinstance(pattern, str) or not pattern.strip():
            raise GlobError("empty pattern")
        self.pattern = pattern
        self.base = os.path.normpath(os.path.abspath(base))
        text = _posix(pattern.strip())
        self.dir_only = text.endswith("/") and text.rstrip("/") != ""
        text = text.rstrip("/") or "/"
        while text.startswith("./"):
            text = text[2:]
        self.absolute = text.startswith("/")
        if self.absolute:
            text = _posix(os.path.normpath(text))
        elif text.startswith("../") or text == "..":
            text = _posix(os.path.normpath(os.path.join(self.base, text)))
            self.absolute = True
        self.basename = "/" not in text
        self._regex = translate_glob(text)
        self._directories: Dict[str, bool] = {}  # parent directories repeat from file to file

    def __repr__(self) -> str:
        return f"PathPattern({self.pattern!r}, {self.base!r})"

    def matches(self, path: str, is_dir: bool = False) -> bool:
        """Whether the absolute, normalized `path` matches."""
        if self.dir_only and not is_dir:
            return False
        if self.absolute:
            return self._regex.fullmatch(_posix(path))
        relative = relative_to(path, self.base)
        if relative and self._regex.fullmatch(relative):
            return True
        return bool(self.basename and self._regex.fullmatch(os.path.basename(path)))

    def matches_path_or_parent(self, path: str, stop: Optional[str] = None) -> bool:
        """Whether `path` or one of its parent directories strictly inside `stop` matches."""
        if self.matches(path):
            return True
        if stop is None:
            return False
        parent = os.path.dirname(path)
        while relative_to(parent, stop):  # '' (stop itself) and None (outside) end the climb
            hit = self._directories.get(parent)
            if hit is None:
                hit = self._directories[parent] = self.matches(parent, is_dir=True)
            if hit:
                return True
            parent = os.path.dirname(parent)
        return False


def validate_glob(pattern: str) -> None:
    """Raise GlobError when `pattern` is not a valid configuration glob."""
    PathPattern(pattern, os.sep)


# --------------------------------------------------------------------------------------------
# .gitignore


@dataclass(frozen=True)
class IgnoreRule:
    regex: Glob
    negate: bool
    dir_only: bool
    anchored: bool  # always True: pathspec's regex places the pattern itself (kept for readers of the rule)


@dataclass
class IgnoreFile:
    base: str  # the directory the patterns are relative to
    rules: List[IgnoreRule] = field(default_factory=list)


def _gitignore_pattern(line: str):
    """pathspec's reading of one gitignore line (git's own wildmatch rules): (regex, include) or
    None for a blank line or a comment. pathspec >= 1.1 names the class GitIgnoreBasicPattern;
    older releases GitWildMatchPattern."""
    try:
        from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern as Pattern
    except ImportError:  # pragma: no cover - pathspec < 1.1
        from pathspec.patterns.gitwildmatch import GitWildMatchPattern as Pattern
    try:
        pattern = Pattern(line)
    except Exception:  # an invalid pattern: git ignores the line
        return None
    if pattern.include is None or pattern.regex is None:
        return None
    return pattern.regex, pattern.include


def parse_gitignore_line(line: str) -> Optional[IgnoreRule]:
    line = line.rstrip("\r\n")
    if not line or line.startswith("#"):
        return None
    parsed = _gitignore_pattern(line)
    if parsed is None:
        return None
    regex, include = parsed
    body = line[1:] if line.startswith("!") else line
    return IgnoreRule(regex, not include, body.rstrip(" ").endswith("/"), True)
def parse_gitignore(text: str, base: str) -> IgnoreFile:
    rules = [rule for rule in map(parse_gitignore_line, text.splitlines()) if rule is not None]
    return IgnoreFile(os.path.normpath(os.path.abspath(base)), rules)


def read_gitignore(path: str, base: str) -> Optional[IgnoreFile]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    ignore = parse_gitignore(data.decode("utf-8", "replace"), base)
    return ignore if ignore.rules else None


def is_gitignored(ignores: Sequence[IgnoreFile], path: str, is_dir: bool) -> bool:
    """git's verdict for `path` (its parents are taken as not ignored): the last matching
    pattern wins, deeper files after shallower ones."""
    ignored = False
    for ignore in ignores:
        relative = relative_to(path, ignore.base)
        if not relative:
            continue
        # pathspec's regexes match a path relative to the file's directory; a `dir/` pattern
        # matches a directory written with its slash ("a/**" matches inside a, not a itself)
        for rule in ignore.rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.match(relative + "/" if rule.dir_only else relative):
                ignored = not rule.negate
    return ignored


@functools.lru_cache(maxsize=None)
def global_excludes_file(repository: str) -> Optional[str]:
    """git's `core.excludesFile` for this repository (as `git config` reads it: global, system and
    the repository's own configuration), else git's default `$XDG_CONFIG_HOME/git/ignore`."""
    import subprocess

    try:
        done = subprocess.run(["git", "config", "--path", "--get", "core.excludesFile"], cwd=repository,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=10)
        configured = done.stdout.decode("utf-8", "surrogateescape").strip() if done.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        configured = ""
    if configured:
        return os.path.join(repository, os.path.expanduser(configured))
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(config_home, "git", "ignore")


def _ancestor_ignores(root: str, project_root: str) -> List[IgnoreFile]:
    """The ignore files above `root` that apply to it: up to the enclosing git repository's top
    (where `.git` is), or to the project root when there is no repository."""
    chain = []
    directory = root
    top = None
    while True:
        chain.append(directory)
        if os.path.exists(os.path.join(directory, ".git")):
            top = directory
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    if top is None:
        if relative_to(root, project_root) is None:
            return []
        top = project_root
        chain = chain[: chain.index(project_root) + 1] if project_root in chain else [root]
    ignores: List[IgnoreFile] = []
    if os.path.exists(os.path.join(top, ".git")):  # git's global excludes: the lowest precedence
        global_file = global_excludes_file(top)
        if global_file:
            ignored_globally = read_gitignore(global_file, top)
            if ignored_globally is not None:
                ignores.append(ignored_globally)
    exclude = read_gitignore(os.path.join(top, ".git", "info", "exclude"), top)
    if exclude is not None:
        ignores.append(exclude)
    for directory in reversed(chain[1:]):  # root's own .gitignore is read when it is walked
        ignore = read_gitignore(os.path.join(directory, ".gitignore"), directory)
        if ignore is not None:
            ignores.append(ignore)
    return ignores


# --------------------------------------------------------------------------------------------
# The walk


@dataclass(frozen=True)
class Problem:
    path: str  # absolute
    message: str
    level: str  # "error": a Python file that could not be read; "warning": a note


@dataclass
class Discovery:
    files: List[str] = field(default_factory=list)  # absolute paths, sorted, no duplicates
    problems: List[Problem] = field(default_factory=list)


def is_python_file(name: str) -> bool:
    return name.endswith(PYTHON_SUFFIXES)


def is_included(path: str, name: str, include: Sequence[PathPattern] = ()) -> bool:
    """Is a file found in a directory walk one to lint? `include` (the configuration's `include` /
    `extend-include` globs) replaces the default test, the Python suffixes."""
    if not include:
        return is_python_file(name)
    return any(pattern.matches(path) for pattern in include)


def is_excluded(path: str, is_dir: bool, excludes: Iterable[PathPattern]) -> bool:
    return any(pattern.matches(path, is_dir) for pattern in excludes)


def is_force_excluded(path: str, excludes: Sequence[PathPattern], is_dir: bool = False) -> bool:
    """Whether an explicitly named `path` (absolute, normalized) is excluded: it matches an exclude,
    or one of its parent directories inside the pattern's base does (as ruff's --force-exclude)."""
    for pattern in excludes:
        if pattern.matches(path, is_dir) or pattern.matches_path_or_parent(path, stop=pattern.base):
            return True
    return False


def default_exclude_patterns(base: str) -> List[PathPattern]:
    return [PathPattern(name, base) for name in DEFAULT_EXCLUDES]


def discover(
    paths: Sequence[str],
    *,
    excludes: Sequence[PathPattern] = (),
    respect_gitignore: bool = True,
    project_root: Optional[str] = None,
    cwd: Optional[str] = None,
    force_exclude: bool = False,
    include: Sequence[PathPattern] = (),
) -> Discovery:
    """The Python files under `paths`. Files named there are always included, unless
    `force_exclude` is set: then the excludes apply to them too (pre-commit passes every changed
    file explicitly)."""
    cwd = os.path.normpath(cwd or os.getcwd())
    project_root = os.path.normpath(os.path.abspath(project_root or cwd))
    found = Discovery()
    collected: List[str] = []
    for given in paths:
        path = os.path.normpath(os.path.join(cwd, os.path.expanduser(given)))
        if force_exclude and is_force_excluded(path, excludes, os.path.isdir(path)):
            continue
        if os.path.isdir(path):
            if is_python_file(path):
                found.problems.append(Problem(path, "is a directory, not a Python file: searching it", "warning"))
            _walk(path, found, collected, excludes, respect_gitignore, project_root, include)
        elif os.path.lexists(path) and not os.path.exists(path):
            found.problems.append(Problem(path, "broken symbolic link", "error"))
        elif not os.path.lexists(path):
            found.problems.append(Problem(path, "no such file or directory", "error"))
        else:
            collected.append(path)  # named explicitly: always linted
    seen: Set[str] = set()
    for path in sorted(collected):
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            found.files.append(path)
    found.problems.sort(key=lambda problem: problem.path)
    return found


def _walk(
    root: str,
    found: Discovery,
    collected: List[str],
    excludes: Sequence[PathPattern],
    respect_gitignore: bool,
    project_root: str,
    include: Sequence[PathPattern] = (),
) -> None:
    ignores = _ancestor_ignores(root, project_root) if respect_gitignore else []
    stack: List[Tuple[str, List[IgnoreFile]]] = [(root, ignores)]
    visited: Set[Tuple[int, int]] = set()
    while stack:
        directory, ignores = stack.pop()
        try:
            info = os.stat(directory)
        except OSError as error:
            found.problems.append(Problem(directory, _reason(error), "error"))
            continue
        key = (info.st_dev, info.st_ino)
        if key in visited:
            continue  # a symbolic link back into the walk: never twice
        visited.add(key)
        if respect_gitignore:
            own = read_gitignore(os.path.join(directory, ".gitignore"), directory)
            if own is not None:
                ignores = ignores + [own]
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            found.problems.append(Problem(directory, f"could not read the directory: {_reason(error)}", "error"))
            continue
        subdirectories = []
        for entry in entries:
            path = os.path.join(directory, entry.name)
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError:
                is_dir = is_file = False
            if is_excluded(path, is_dir, excludes):
                continue
            if respect_gitignore and is_gitignored(ignores, path, is_dir):
                continue
            if is_dir:
                if is_python_file(entry.name):
                    found.problems.append(Problem(path, "is a directory, not a Python file: searching it", "warning"))
                subdirectories.append(path)
            elif is_included(path, entry.name, include):
                if is_file:
                    collected.append(path)
                elif os.path.islink(path) and not os.path.exists(path):
                    found.problems.append(Problem(path, "broken symbolic link", "error"))
                else:
                    found.problems.append(Problem(path, "not a regular file", "error"))
        for subdirectory in reversed(subdirectories):
            stack.append((subdirectory, ignores))


def _reason(error: OSError) -> str:
    if error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    return str(error)


def read_source(path: str) -> bytes:
    """The bytes of a file to lint (OSError when it cannot be read)."""
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "Is a directory", path)
    with open(path, "rb") as handle:
        return handle.read()


def display_path(path: str, cwd: Optional[str] = None) -> str:
    """`path` as shown to the user: relative to the current directory when inside it."""
    cwd = os.path.normpath(cwd or os.getcwd())
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = relative_to(absolute, cwd)
    if relative:
        return relative
    return absolute if relative is None else "."


__all__ = [
    "DEFAULT_EXCLUDES",
    "Discovery",
    "GlobError",
    "IgnoreFile",
    "PathPattern",
    "Problem",
    "default_exclude_patterns",
    "discover",
    "display_path",
    "is_force_excluded",
    "is_gitignored",
    "parse_gitignore",
    "read_source",
    "relative_to",
    "translate_glob",
    "validate_glob",
]
