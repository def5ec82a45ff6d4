"""A glob matcher that runs in linear time: a pattern is a list of tokens simulated as an NFA.

Regular expressions built from globs backtrack: `*a*a*a*a*a*a*a*a*b` against a long name takes
minutes with `re`. Here every step keeps the *set* of positions the pattern can be at, so a match
costs at most len(text) x len(tokens) steps, whatever the pattern. `discovery.py` turns both glob
dialects (configuration and `.gitignore`) into these tokens.

Tokens: ("lit", char), ("one", slash_ok) for `?`, ("class", predicate) for `[...]`,
("star", slash_ok) for `*`, ("dirs",) for `**/` (zero or more whole directories), and
("alt", [tokens, ...]) for `{a,b}` (expanded into separate sequences at compile time).
"""
from __future__ import annotations

from typing import Any, Callable, FrozenSet, List, Sequence, Tuple

Token = Tuple[Any, ...]
MAX_ALTERNATIVES = 1024  # `{a,b}{c,d}...` expands into a product of sequences


class TooManyAlternatives(ValueError):
    pass


def _expand(tokens: Sequence[Token]) -> List[Tuple[Token, ...]]:
    sequences: List[List[Token]] = [[]]
    for token in tokens:
        if token[0] == "alt":
            branches = [_expand(branch) for branch in token[1]]
            flat = [seq for branch in branches for seq in branch]
            sequences = [prefix + list(seq) for prefix in sequences for seq in flat]
            if len(sequences) > MAX_ALTERNATIVES:
                raise TooManyAlternatives(f"more than {MAX_ALTERNATIVES} '{{...}}' combinations")
        else:
            for prefix in sequences:
                prefix.append(token)
    return [tuple(seq) for seq in sequences]


class Glob:
    """`Glob(tokens).fullmatch(text)`: whether the whole `text` matches (truthy/falsy, like re)."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.sequences = _expand(tokens)
        self._machines = [_Machine(seq) for seq in self.sequences]

    def fullmatch(self, text: str) -> bool:
        return any(machine.fullmatch(text) for machine in self._machines)

    def __repr__(self) -> str:
        return f"Glob({self.sequences!r})"


class _Machine:
    """One token sequence's NFA, with its steps remembered: (set of positions, character) -> the
    next set. Paths share most of their characters (every file of a directory starts alike), so
    after the first few paths a match is one dict lookup per character instead of a simulation.
    Each step is still computed at most once per character of a text: linear, whatever the
    pattern; the memo is bounded (dropped when full), so memory is too."""

    MAX_STEPS = 20_000

    def __init__(self, seq: Tuple[Token, ...]) -> None:
        self.seq = seq
        self.start = _closure(seq, {0})
        self.end = 2 * len(seq)
        self.steps: dict = {}

    def fullmatch(self, text: str) -> bool:
        steps, seq = self.steps, self.seq
        states = self.start
        for char in text:
            key = (states, char)
            following = steps.get(key)
            if following is None:
                following = _step(seq, states, char)
                if len(steps) >= self.MAX_STEPS:
                    steps.clear()
                steps[key] = following
            if not following:
                return False
            states = following
        return self.end in states


def _closure(seq: Tuple[Token, ...], states: set) -> FrozenSet[int]:
    """States are 2*i (before token i) and 2*i+1 (inside the `dirs` token i). Epsilon moves:
    a `star` and a `dirs` token may match nothing."""
    todo = list(states)
    seen = set(states)
    while todo:
        state = todo.pop()
        if state % 2:
            continue
        index = state // 2
        if index < len(seq) and seq[index][0] in ("star", "dirs"):
            nxt = 2 * (index + 1)
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


def _accepts(token: Token, char: str) -> bool:
    kind = token[0]
    if kind == "lit":
        return char == token[1]
    if kind == "one":
        return token[1] or char != "/"
    if kind == "class":
        predicate: Callable[[str], bool] = token[1]
        return bool(predicate(char))
    return False  # pragma: no cover


def _step(seq: Tuple[Token, ...], states: FrozenSet[int], char: str) -> FrozenSet[int]:
    """The positions after reading `char` from `states` (empty: no match)."""
    following: set = set()
    for state in states:
        index = state // 2
        if state % 2:  # inside `dirs`: any character, and a '/' may end it
            following.add(state)
            if char == "/":
                following.add(2 * (index + 1))
            continue
        if index >= len(seq):
            continue
        token = seq[index]
        kind = token[0]
        if kind == "star":
            if token[1] or char != "/":
                following.add(state)
        elif kind == "dirs":
            following.add(state + 1)
            if char == "/":
                following.add(2 * (index + 1))
        elif _accepts(token, char):
            following.add(2 * (index + 1))
    return _closure(seq, following) if following else frozenset()


def _run(seq: Tuple[Token, ...], text: str) -> bool:
    """The plain simulation (no memo): what `_Machine.fullmatch` computes."""
    states = _closure(seq, {0})
    for char in text:
        states = _step(seq, states, char)
        if not states:
            return False
    return 2 * len(seq) in states


__all__ = ["Glob", "MAX_ALTERNATIVES", "TooManyAlternatives"]
