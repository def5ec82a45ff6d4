"""Python files (`.py`, `.pyi`, and any file not of another type): the text is the file decoded as
Python decodes it (BOM, PEP 263 coding cookie), the source map is the identity, and a fixed text
is written back in the same encoding (the BOM again for utf-8-sig); line endings and the final
newline are the text's own, so they stay as they were."""
from __future__ import annotations

import difflib
from typing import List, Optional

from ..sources import SourceError, checked_text, decode, encoding_of, split_lines
from .base import Document


class PythonDocument(Document):
    kind = "python"

    def __init__(self, filename: str, text: Optional[str], data: Optional[bytes] = None,
                 error: Optional[SourceError] = None, encoding: Optional[str] = None) -> None:
        super().__init__(filename, text, data, error)
        self._encoding = encoding

    @property
    def encoding(self) -> str:
        """The encoding to write the text in: the file's (BOM: utf-8-sig, coding cookie, utf-8), or
        for a document made from text, the one its cookie names. Found only when asked for: the
        runner reads every file, and writes back hardly any."""
        if self._encoding is None:
            if self.data is not None and self.error is None:
                self._encoding = encoding_of(self.data)
            else:
                self._encoding = _cookie_encoding(self.text or "")
        return self._encoding

    @classmethod
    def from_bytes(cls, data: bytes, filename: str) -> "PythonDocument":
        try:
            text = decode(data)
        except SourceError as error:
            return cls(filename, None, data, error)
        return cls(filename, text, data)

    @classmethod
    def from_text(cls, text: str, filename: str) -> "PythonDocument":
        try:
            checked_text(text)
        except SourceError as error:
            return cls(filename, None, None, error)
        return cls(filename, text)

    def lines(self, cell: Optional[int] = None) -> Optional[List[str]]:
        if self.text is None or cell is not None:
            return None
        return split_lines(self.text)

    def searchable(self) -> bytes:
        if self.data is not None:
            return self.data  # the file's own bytes (the prefilter re-encodes a non-UTF-8 file itself)
        return super().searchable()

    def with_text(self, text: str) -> "PythonDocument":
        if self.text is None:
            raise ValueError(f"{self.filename}: a document that could not be read has no text to replace")
        if text == self.text:
            return self
        return PythonDocument(self.filename, text, None, encoding=self.encoding)

    def to_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        # utf-8-sig writes the BOM back; a PEP 263 cookie names the codec, which round-trips the text.
        return (self.text or "").encode(self.encoding)

    def diff(self, fixed: Document) -> str:
        if fixed.text == self.text:
            return ""
        return unified_diff(self.filename, self.text or "", fixed.text or "")


def _cookie_encoding(text: str) -> str:
    """The encoding a text's own coding cookie names (utf-8 without one, or with an unknown one)."""
    head = "".join(split_lines(text[:2048], keepends=True)[:2])
    try:
        encoding = encoding_of(head.lstrip("\ufeff").encode("utf-8", "surrogatepass"))
    except SourceError:
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding  # a BOM in the text is written as it is


def unified_diff(name: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(  # Python's lines: a form feed or U+2028 inside a line does not end it
        split_lines(before, keepends=True), split_lines(after, keepends=True), fromfile=f"a/{name}", tofile=f"b/{name}"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


__all__ = ["PythonDocument", "unified_diff"]
