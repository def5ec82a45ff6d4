"""Reading source bytes as Python does: BOM, PEP 263 coding cookie, and clear errors for the rest."""
from __future__ import annotations

import codecs
import re

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


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


def decode(data: bytes) -> str:
    if b"\x00" in data:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError("the file contains null bytes (binary content?)", row)
    encoding = encoding_of(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise SourceError(f"bytes that are not valid {encoding} at offset {error.start}", row) from None
