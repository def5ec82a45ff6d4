"""Reading source bytes as Python does: BOM, PEP 263 coding cookie, and clear errors for the rest."""
from __future__ import annotations

import codecs
import re
from typing import List

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
# The line ends of Python and libcst: str.splitlines also splits on \f, \v, \x1c-\x1e, \x85, \u2028
# and \u2029, which may appear in comments and strings, and would shift every row after them.
_LINE_END = re.compile(r"\r\n|\r|\n")
_BYTE_LINE_END = re.compile(rb"\r\n|\r|\n")


class SourceError(Exception):
    def __init__(self, message: str, row: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


def encoding_of(data: bytes) -> str:
    """The encoding Python would use for these bytes (PEP 263)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for line in data.splitlines()[:2]:
        match = _COOKIE.match(line)
        if match:
            name = match.group(1).decode("ascii", "replace")
            try:
                return codecs.lookup(name).name
            except LookupError:
                raise SourceError(f"unknown encoding {name!r} in the coding cookie") from None
        if line.strip() and not line.lstrip().startswith(b"#"):
            break
    return "utf-8"


def checked_text(text: str) -> str:
    """Text given as a string gets the check that decode() gives bytes."""
    if "\x00" in text:
        row = len(_LINE_END.findall(text, 0, text.index("\x00"))) + 1
        raise SourceError("the file contains null bytes (binary content?)", row)
    return text


def decode(data: bytes) -> str:
    if b"\x00" in data:
        row = _row_of(data, data.index(b"\x00"))
        raise SourceError("the file contains null bytes (binary content?)", row)
    encoding = encoding_of(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        row = _row_of(data, error.start)
        raise SourceError(f"bytes that are not valid {encoding} at offset {error.start}", row) from None


def _row_of(data: bytes, offset: int) -> int:
    return len(_BYTE_LINE_END.findall(data, 0, offset)) + 1


def split_lines(text: str, keepends: bool = False) -> List[str]:
    """The lines of a source as Python numbers them (only \\r\\n, \\r and \\n end a line)."""
    if not text:
        return []
    lines = []
    start = 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start:match.end() if keepends else match.start()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines
