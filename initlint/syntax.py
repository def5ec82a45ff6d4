"""Fast walks over libcst trees.

libcst's visitor protocol rebuilds every node it visits (`_visit_and_replace_children`), which made
it ~10x slower than parsing in a profile of real model code. These walks only read fields.
"""
from __future__ import annotations

import dataclasses
import threading
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

import libcst as cst

_SKIP_PREFIXES = ("whitespace", "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after", "header",
                  "footer", "trailing", "colon", "equal", "star", "operator", "dot", "lbrace", "rbrace", "lbracket",
                  "rbracket", "prefix", "quote", "default_comma", "first_line", "newline", "empty_lines",
                  "lines_after_decorators")
_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _fields(cls) -> Tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls)
                      if not f.name.startswith(_SKIP_PREFIXES) or f.name in ("star_arg", "star_kwarg", "operator"))
        _FIELDS[cls] = names
    return names


# How a field's value is read: 1 a node, 2 a sequence (of nodes and other values), 0 anything else.
# Cached per type: `isinstance(value, cst.CSTNode)` goes through ABCMeta.__instancecheck__, and
# children() is the innermost loop of every walk (~90,000 calls per analysis of a 1,000-line file).
_KINDS: Dict[type, int] = {}


def _kind(cls) -> int:
    kind = 1 if issubclass(cls, cst.CSTNode) else 2 if issubclass(cls, (list, tuple)) else 0
    _KINDS[cls] = kind
    return kind


def children(node: cst.CSTNode) -> List[cst.CSTNode]:
    found = []
    kinds = _KINDS
    cls = type(node)
    names = _FIELDS.get(cls)  # inlined: children() runs for every node of every walk
    if names is None:
        names = _fields(cls)
    for name in names:
        value = getattr(node, name)
        kind = kinds.get(type(value))
        if kind is None:
            kind = _kind(type(value))
        if kind == 1:
            found.append(value)
        elif kind == 2:
            for item in value:
                kind = kinds.get(type(item))
                if kind is None:
                    kind = _kind(type(item))
                if kind == 1:
                    found.append(item)
    return found


_DEFINITIONS = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_local = threading.local()  # .walks: the memo of the analysis running on this thread (None: none)


class shared_walks:
    """`with shared_walks():` the walks in the block that run to their end are remembered, and a
    walk of the same node again (the frontends walk the whole module about ten times, and each
    function several times) replays the remembered nodes, and each node's children are computed
    once. libcst trees are immutable, and the memo holds the nodes it is keyed by (their ids
    cannot be reused meanwhile); it is dropped at the end of the block. Per thread; nested blocks share the outermost memo."""

    __slots__ = ("outer",)

    def __enter__(self) -> "shared_walks":
        self.outer: Optional[dict] = getattr(_local, "walks", None)
        if self.outer is None:
            _local.walks = {}
        return self

    def __exit__(self, *exc) -> None:
        if self.outer is None:
            _local.walks = None


class Cancelled(BaseException):
    """The analysis on this thread was cancelled (`cancellable`). A BaseException: the crash
    containment (`except Exception`) must let it through, it is not a bug in the analysis."""


class Cancel:
    """A token: `cancelled = True` (from any thread) stops the analysis running under it at its
    next `checkpoint()`."""

    __slots__ = ("cancelled",)

    def __init__(self) -> None:
        self.cancelled = False


class cancellable:
    """`with cancellable(token):` a `checkpoint()` in the block (on this thread) raises Cancelled
    once the token is cancelled. The language server runs each analysis so, and cancels the run
    of a text the editor has changed since; without a token a checkpoint never raises."""

    __slots__ = ("token", "outer")

    def __init__(self, token: Cancel) -> None:
        self.token = token

    def __enter__(self) -> Cancel:
        self.outer = getattr(_local, "cancel", None)
        _local.cancel = self.token
        return self.token

    def __exit__(self, *exc) -> None:
        _local.cancel = self.outer


def checkpoint() -> None:
    """Raise Cancelled when the analysis on this thread was cancelled (see `cancellable`). Called
    between the engine's steps and at each walk (the frontends' unit of work): cheap."""
    token = getattr(_local, "cancel", None)
    if token is not None and token.cancelled:
        raise Cancelled()


def children_in_reverse(node: cst.CSTNode) -> List[cst.CSTNode]:
    """`children(node)` reversed (the order a stack pops them in), shared with the walks of a
    `shared_walks` block: a node's children are computed once per analysis. Do not modify it."""
    memo = getattr(_local, "walks", None)
    if memo is None:
        found = children(node)
        found.reverse()
        return found
    kids = memo.get(id(node))
    if kids is None:
        found = children(node)
        found.reverse()
        memo[id(node)] = (node, found)
        return found
    return kids[1]


def walk(node: cst.CSTNode, into_definitions: bool = True) -> Iterable[cst.CSTNode]:
    """Every node under `node` (itself included), depth first. In a `shared_walks` block, a list
    (built at once and remembered: a walk of the same node again returns it); otherwise lazily.
    A cancelled analysis (`cancellable`) stops here: a walk is the frontends' unit of work."""
    token = getattr(_local, "cancel", None)
    if token is not None and token.cancelled:
        raise Cancelled()
    memo = getattr(_local, "walks", None)
    if memo is None:
        return _walk(node, into_definitions)
    key = (id(node), into_definitions)
    known = memo.get(key)
    if known is None:
        known = memo[key] = (node, _remembered_walk(memo, node, into_definitions))
    return known[1]


def _walk(node: cst.CSTNode, into_definitions: bool) -> Iterator[cst.CSTNode]:
    stack = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        current = pop()
        yield current
        if not into_definitions and current is not node and isinstance(current, _DEFINITIONS):
            continue
        found = children(current)
        if found:
            found.reverse()
            extend(found)


def _remembered_walk(memo: dict, node: cst.CSTNode, into_definitions: bool) -> List[cst.CSTNode]:
    """The nodes of `walk` in a `shared_walks` block, as a list. The memo maps (id(node),
    into_definitions) to (node, that list), and id(node) to (node, its children in reverse): a walk
    of a function after the module's walk reads its nodes' children from there. Built as a whole,
    not yielded one by one: a generator's resumption per node cost more than the walk itself."""
    seen: List[cst.CSTNode] = []
    remember = seen.append
    stack = [node]
    pop, extend = stack.pop, stack.extend
    get = memo.get
    definitions = _DEFINITIONS
    while stack:
        current = pop()
        remember(current)
        if not into_definitions and current is not node and isinstance(current, definitions):
            continue
        kids = get(id(current))
        if kids is None:
            found = children(current)
            found.reverse()
            memo[id(current)] = (current, found)
        else:
            found = kids[1]
        extend(found)
    return seen


def statements(body, into_definitions: bool = False, compound: bool = False) -> Iterator[cst.CSTNode]:
    """Every small statement (assignment, expression, import...) in a block, nested blocks included.

    With `compound`, the compound statements (if, for, with...) are yielded too, before their bodies.
    """
    stack = list(reversed(list(_block(body))))
    while stack:
        statement = stack.pop()
        kind = type(statement)  # exact types: isinstance on libcst's ABCs is slow, these are final
        if kind is cst.SimpleStatementLine:
            yield from statement.body
            continue
        if compound:
            yield statement
        if (kind is cst.FunctionDef or kind is cst.ClassDef) and not into_definitions:
            continue
        nested = []
        for name in ("body", "orelse", "handlers", "finalbody"):
            part = getattr(statement, name, None)
            if part is None:
                continue
            if isinstance(part, (list, tuple)):
                for handler in part:
                    nested.extend(_block(handler.body))
            elif isinstance(part, cst.If):
                nested.append(part)
            else:
                nested.extend(_block(part.body if hasattr(part, "body") and not isinstance(part, cst.BaseSuite) else part))
        stack.extend(reversed(nested))


def _block(body) -> list:
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    if isinstance(body, (list, tuple)):
        return list(body)
    if isinstance(body, cst.BaseSuite):
        return list(body.body)
    return [body]


_CALLS: Dict[type, bool] = {}  # type -> is a cst.Call (isinstance on libcst's ABCs is slow)


def nodes_by_type(nodes: Iterable[cst.CSTNode]) -> Dict[type, List[cst.CSTNode]]:
    """Every node under each of `nodes` (themselves included), by exact type, each list in walk order:
    one walk for many questions (which assignments, loops, calls a module holds)."""
    found: Dict[type, List[cst.CSTNode]] = {}
    for root in nodes:
        for node in walk(root):
            kind = type(node)
            bucket = found.get(kind)
            if bucket is None:
                bucket = found[kind] = []
            bucket.append(node)
    return found


def calls(node: cst.CSTNode) -> List[cst.Call]:
    found = []
    known = _CALLS
    for current in walk(node):
        cls = type(current)
        is_call = known.get(cls)
        if is_call is None:
            is_call = known[cls] = issubclass(cls, cst.Call)
        if is_call:
            found.append(current)
    return found


# --------------------------------------------------------------------------------------------
# The one pre-check in front of every path into libcst (analysis, --fix, --diff, --fix -).
#
# libcst's native parser overflows its stack on deep nesting (a segfault, not an error) and
# needs about 2 KB of memory per source byte (a 10 MB file reached 17 GB). CPython's parser is
# cheap and refuses deep nesting cleanly, so it goes first; a size guard goes before both.

NESTED = "too deeply nested to analyze"
MAX_DEPTH = 600  # syntax-tree depth beyond which libcst and the analysis would recurse too deep
DEFAULT_MAX_FILE_SIZE = 10_000_000  # bytes of source text (`max-file-size`, $INITLINT_MAX_FILE_SIZE)
CONFIG_MAX_FILE_SIZE = "max-file-size"
ENV_MAX_FILE_SIZE = "INITLINT_MAX_FILE_SIZE"
TOO_LARGE = "too large to analyze"


def max_file_size(configured=None) -> int:
    """`configured` (the `max-file-size` setting), else $INITLINT_MAX_FILE_SIZE (bytes), else the
    default; 0 means no limit."""
    if configured is not None:
        return int(configured)
    import os

    value = os.environ.get(ENV_MAX_FILE_SIZE, "").strip()
    if value.isdigit():
        return int(value)
    return DEFAULT_MAX_FILE_SIZE


def too_large(text: str, limit=None):
    """The IL000 message for text over the size limit, else None."""
    limit = max_file_size(limit)
    size = len(text) if not limit or len(text) <= limit // 4 else len(text.encode("utf-8", "surrogatepass"))
    if limit and size > limit:
        return (f"{TOO_LARGE}: {size / 1e6:.1f} MB; raise `{CONFIG_MAX_FILE_SIZE}` (bytes, now {limit}; "
                f"or {ENV_MAX_FILE_SIZE}) to analyze it")
    return None


def python_syntax_error(text: str):
    """CPython's (message, row, column) for a file it cannot parse (NESTED for nesting too deep), else None."""
    return _python_tree(text)[0]


def _python_tree(text: str):
    """(CPython's error as `python_syntax_error` gives it, or None; the `ast` module, or None)."""
    import ast
    import sys
    import warnings

    try:
        with warnings.catch_warnings():
            # SyntaxWarnings about the linted code are not ours to print, and `-W error` must not
            # turn them into syntax errors.
            warnings.simplefilter("ignore")
            tree = compile(text, "<initlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        if sys.version_info < (3, 11) and _ast_depth(tree) > MAX_DEPTH:
            return (NESTED, 1, 1), None  # Python 3.11+ refuses such trees itself
    except SyntaxError as error:
        if "too many nested" in (error.msg or ""):
            return (NESTED, error.lineno or 1, error.offset or 1), None
        return (error.msg, error.lineno or 1, error.offset or 1), None
    except (RecursionError, MemoryError):
        return (NESTED, 1, 1), None
    except ValueError:
        return None, None
    return None, tree


def _ast_depth(tree) -> int:
    import ast

    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                break
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def precheck(text: str, limit=None):
    """Why libcst must not be given `text`, as (message, row, column, python_error), else
    (None, 1, 1, python_error): python_error is CPython's own verdict (or None), so callers do not
    compile twice."""
    return precheck_tree(text, limit)[:4]


def precheck_tree(text: str, limit=None):
    """`precheck`, and CPython's `ast` module of the text as a fifth item (None when it has none):
    the engine places the top-level statements with it (`positions`)."""
    large = too_large(text, limit)
    if large is not None:
        return large, 1, 1, None, None
    python_error, tree = _python_tree(text)
    if python_error is not None and python_error[0] == NESTED:
        return NESTED, python_error[1], python_error[2], python_error, None
    return None, 1, 1, python_error, tree


def safe_for_libcst(text: str, limit=None) -> bool:
    """Whether `text` may be handed to libcst (not too large, not too deeply nested)."""
    return precheck(text, limit)[0] is None
