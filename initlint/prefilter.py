"""Skip a file without parsing it when its bytes cannot contain a kernel initialization.

Every diagnostic except IL000 comes from a rule judging a `KernelSite`, and a frontend makes
sites only (a) when the file imports a package its framework claims and (b) from a few spellings it
recognises: for Keras the `kernel_initializer=` family of keyword arguments, for PyTorch
`nn.Parameter(...)`, the in-place tensor methods (`w.data.normal_()`, `fill_`, `zero_`,
`uniform_`) and the `torch.nn.init` functions. The leaf names of those spellings always appear
in the source as whole identifiers (the resolver builds qualified names only from import
statements and attribute chains, never from strings), so a byte search for them can only
over-approximate: a file that fails it gives no diagnostics when analyzed fully.
`tests/test_prefilter.py` proves it on the fixtures, the acceptance examples and the rule
examples (and by deleting the trigger words from them).

The words are derived from the framework registry (`frameworks.py`), not listed twice: each
framework's import roots (the top-level packages of the name prefixes its frontend claims) and
the `PREFILTER_CLAUSES` of its knowledge table (a tuple of clauses, each a tuple of word groups).
A framework whose table declares no clauses is filtered on its import roots alone (any file
importing it is analyzed), so a new frontend never misses.

A word matches only as a whole ASCII identifier (`torch` does not match `torchvision`, `init`
does not match `__init__`). Non-ASCII bytes count as separators, which can only add matches.
Files whose coding cookie names an encoding other than UTF-8 are searched after transcoding.
"""
from __future__ import annotations

from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

# The suffixes the filter understands; anything else (notebooks...) is always analyzed.
FILTERED_SUFFIXES = (".py", ".pyi")

_WORD = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")

Group = Tuple[bytes, ...]  # any one word of the group suffices
Clause = Tuple[Group, ...]  # every group of the clause must be present


def has_word(data: bytes, word: bytes) -> bool:
    """Whether `word` occurs in `data` as a whole identifier (ASCII word boundaries)."""
    size = len(word)
    end = len(data)
    index = data.find(word)
    while index >= 0:
        after = index + size
        if (index == 0 or data[index - 1] not in _WORD) and (after >= end or data[after] not in _WORD):
            return True
        index = data.find(word, index + 1)
    return False


def _words(names: Iterable[str]) -> Group:
    return tuple(sorted({name.encode("ascii") for name in names}))


# --------------------------------------------------------------------------------------------
# What each frontend recognises


class FrontendFilter:
    """The byte test for one frontend: one of its roots, and every group of one of its clauses."""

    def __init__(self, name: str, roots: Group, clauses: Optional[Tuple[Clause, ...]]) -> None:
        self.name = name
        self.roots = roots
        self.clauses = clauses  # None: the roots alone decide

    def words(self) -> FrozenSet[bytes]:
        found = set(self.roots)
        for clause in self.clauses or ():
            for group in clause:
                found.update(group)
        return frozenset(found)

    def passes(self, data: bytes, memo: Dict[bytes, bool]) -> bool:
        if not _any(data, self.roots, memo):
            return False
        if self.clauses is None:
            return True
        return any(all(_any(data, group, memo) for group in clause) for clause in self.clauses)

    def __repr__(self) -> str:
        return f"FrontendFilter({self.name!r}, roots={self.roots!r}, clauses={self.clauses!r})"


def _any(data: bytes, group: Group, memo: Dict[bytes, bool]) -> bool:
    for word in group:
        found = memo.get(word)
        if found is None:
            found = memo[word] = has_word(data, word)
        if found:
            return True
    return False


def build_filters(frameworks: Optional[Sequence[object]] = None) -> List[FrontendFilter]:
    """One filter per framework (default: `initlint.frameworks.FRAMEWORKS`): objects with a `name`,
    `import_roots` and `prefilter_clauses()`."""
    if frameworks is None:
        from .frameworks import FRAMEWORKS

        frameworks = FRAMEWORKS
    filters = []
    for framework in frameworks:
        clauses = framework.prefilter_clauses()
        if clauses is not None:
            clauses = tuple(tuple(_words(group) if _textual(group) else tuple(group) for group in clause)
                            for clause in clauses)
        filters.append(FrontendFilter(framework.name, _words(framework.import_roots), clauses))
    return filters


def _textual(group) -> bool:
    return all(isinstance(word, str) for word in group)


_FILTERS: Optional[List[FrontendFilter]] = None


def filters() -> List[FrontendFilter]:
    global _FILTERS
    if _FILTERS is None:
        _FILTERS = build_filters()
    return _FILTERS


def trigger_words() -> FrozenSet[bytes]:
    """Every word any filter looks for (roots included)."""
    found = set()
    for item in filters():
        found |= item.words()
    return frozenset(found)


# --------------------------------------------------------------------------------------------
# The test


def _head(data: bytes) -> bytes:
    """The first two lines (where a coding cookie may be), line ends as `bytes.splitlines` sees them."""
    end = 0
    for _ in range(2):
        newline = data.find(b"\n", end)
        carriage = data.find(b"\r", end)
        if newline < 0 and carriage < 0:
            return data
        if carriage >= 0 and (newline < 0 or carriage < newline):
            end = carriage + 2 if data[carriage + 1:carriage + 2] == b"\n" else carriage + 1
        else:
            end = newline + 1
    return data[:end]


def searchable(data: bytes, text: Optional[str] = None) -> bytes:
    """The bytes to search: the file's own for UTF-8 (ASCII bytes are ASCII characters there),
    else the text re-encoded as UTF-8. SourceError when the file cannot be decoded."""
    from .sources import decode, encoding_of

    head = _head(data)
    if b"coding" not in head or encoding_of(head) in ("utf-8", "utf-8-sig"):
        return data
    if text is None:
        text = decode(data)
    return text.encode("utf-8", "surrogatepass")


def may_initialize(data: bytes, text: Optional[str] = None) -> bool:
    """False when no frontend can find a kernel initialization in these bytes (skip the file).

    `text` is the decoded source when the caller has it (used only for non-UTF-8 files).
    """
    data = searchable(data, text)
    memo: Dict[bytes, bool] = {}
    return any(item.passes(data, memo) for item in filters())


def applies_to(filename: str) -> bool:
    return filename.endswith(FILTERED_SUFFIXES)


__all__ = ["FrontendFilter", "build_filters", "filters", "has_word", "may_initialize", "searchable",
           "trigger_words", "applies_to"]
