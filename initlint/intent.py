"""Documented intent (G13): comments and docstrings that say a zero or constant start is deliberate.

Like `# noqa`, this is a comment convention, read from the text after the rules have judged the
facts; it only silences a finding whose layer role the analysis could not establish
(`Finding.unknown_role`, product decision 7).
"""
from __future__ import annotations

import io
import tokenize
from typing import Dict

from .knowledge.intent import DOCUMENTED_INTENT, INTENT_DISTANCE

_STATEMENT_START = (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)


class IntentComments:
    """The rows of one file whose comments or docstrings document a deliberate zero start."""

    def __init__(self, text: str) -> None:
        self.rows = _documented_rows(text)

    def near(self, row: int) -> bool:
        return any(abs(row - documented) <= INTENT_DISTANCE for documented in self.rows)


def _documented_rows(text: str) -> set:
    prose: Dict[int, str] = {}
    previous = tokenize.NEWLINE
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                prose[token.start[0]] = prose.get(token.start[0], "") + token.string
            elif token.type == tokenize.STRING and previous in _STATEMENT_START:
                for row in range(token.start[0], token.end[0] + 1):  # a docstring, or a string statement
                    prose[row] = prose.get(row, "") + token.string
            if token.type not in (tokenize.COMMENT, tokenize.NL):
                previous = token.type
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # what was read so far still counts
    return {row for row, words in prose.items() if DOCUMENTED_INTENT.search(words)}
