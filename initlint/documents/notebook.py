"""Jupyter notebooks (`.ipynb`, nbformat 4 and 3), read as JSON with the standard library.

The text the engine analyzes is every code cell's source, in order, one after the other (a name
bound in one cell is seen by the next). IPython syntax is neutralized without moving a line: a line
magic, shell escape or `?` help line becomes `pass` (at its indentation), `x = !cmd` / `x = %magic`
become `x = None`, a `%%time` / `%%capture` cell keeps its body and loses its first line, and a cell
of another language (`%%bash`, `%%html`, `%%writefile`, ...) becomes blank lines. A cell that still
is not Python becomes blank lines too, and is reported (IL000 at that cell); the other cells are
analyzed. Cells are numbered as ruff numbers them: 1-based among ALL cells (markdown included),
rows counted inside the cell.

Writing a fix back changes only the `source` of the cells whose code changed, byte for byte
everything else (outputs, metadata, key order, indentation, list-or-string `source`, final
newline): the raw JSON text is edited where that value sits.

`from_cells([("code", "x = 1\\n"), ("markdown", "# Title")], "nb.ipynb")` builds a notebook from
cells an editor holds (the language server); `changed_cells(fixed)` gives the new sources back.
"""
from __future__ import annotations

import ast
import dataclasses
import difflib
import json
import re
from typing import Dict, List, Optional, Sequence, Tuple

from ..sources import SourceError, split_lines
from .base import Document, SourceMap

MAX_BYTES = 50 * 1024 * 1024
# Cell magics whose body is Python (the magic line alone is neutralized).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy",
                                "memit", "mprun", "ipython", "skip"})
_ASSIGN_MAGIC = re.compile(r"^(\s*)([A-Za-z_][\w.,\[\] ()]*?)\s*=\s*[!%]")
_LINE_MAGIC = re.compile(r"^(\s*)(?:[!%]|\?{1,2}[A-Za-z_])")
_HELP = re.compile(r"^(\s*)[A-Za-z_][\w.]*\?{1,2}\s*$")


@dataclasses.dataclass
class Cell:
    """One cell: its 1-based number among all cells, type, source text, and how `source` was
    written in the JSON (a list of lines, or one string)."""

    number: int
    kind: str  # "code", "markdown", "raw", "heading"
    source: str
    as_list: bool = True
    key: str = "source"  # nbformat 3 code cells: "input"


@dataclasses.dataclass(frozen=True)
class CellError:
    cell: int
    row: int
    column: int
    message: str


def neutralize(source: str) -> Tuple[List[str], Optional[Tuple[int, int, str]]]:
    """(the lines of a code cell as Python, same count; the syntax error (row, column, message)
    left after neutralizing, or None)."""
    lines = split_lines(source)
    if _parse_error("\n".join(lines)) is None:
        return lines, None
    out = list(lines)
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(None, 1)[0] if lines[0].lstrip()[2:].strip() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return [""] * len(lines), None  # another language: nothing to analyze
        out[0] = ""
    continued = False
    for index, line in enumerate(out):
        if continued or _is_magic(line):
            assign = _ASSIGN_MAGIC.match(line)
            if assign and not continued:
                out[index] = f"{assign.group(1)}{assign.group(2)} = None"
            else:
                indent = re.match(r"\s*", line).group(0)
                out[index] = f"{indent}pass" if not continued else ""
            continued = line.rstrip().endswith("\\")
    error = _parse_error("\n".join(out))
    return out, error


def _is_magic(line: str) -> bool:
    return bool(_LINE_MAGIC.match(line) or _HELP.match(line) or _ASSIGN_MAGIC.match(line))


def _parse_error(text: str) -> Optional[Tuple[int, int, str]]:
    try:
        ast.parse(text, "<cell>")  # parsing only; top-level await parses (the compiler rejects it, not the parser)
    except SyntaxError as error:
        return error.lineno or 1, error.offset or 1, error.msg or "invalid syntax"
    except (ValueError, RecursionError, MemoryError) as error:
        return 1, 1, str(error) or type(error).__name__
    return None


class NotebookDocument(Document):
    kind = "notebook"
    whole_program = True

    def __init__(self, filename: str, text: Optional[str], data: Optional[bytes] = None,
                 error: Optional[SourceError] = None, source_map: SourceMap = SourceMap(),
                 cells: Sequence[Cell] = (), rows: Sequence[Tuple[int, int, int]] = (),
                 raw: Sequence[str] = (), cell_errors: Sequence[CellError] = (),
                 skip_reason: Optional[str] = None, json_text: Optional[str] = None) -> None:
        super().__init__(filename, text, data, error, source_map)
        self.cells = list(cells)
        self._rows = list(rows)  # per code cell: (cell number, first row in text, row count)
        self._raw = list(raw)  # per row of text: the cell's own line
        self.cell_errors = list(cell_errors)
        self.skip_reason = skip_reason  # not a Python notebook: nothing analyzed (said on stderr)
        self._json_text = json_text

    # --- reading
    @classmethod
    def from_bytes(cls, data: bytes, filename: str) -> "NotebookDocument":
        try:
            if len(data) > MAX_BYTES:
                raise SourceError(f"the notebook is too large ({len(data)} bytes, at most {MAX_BYTES})")
            try:
                json_text = data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
            except UnicodeDecodeError as error:
                raise SourceError(f"the notebook is not valid UTF-8 (offset {error.start})") from None
            document = cls._from_json(json_text, filename)
        except SourceError as error:
            return cls(filename, None, data, error)
        document.data = data
        return document

    @classmethod
    def from_text(cls, text: str, filename: str) -> "NotebookDocument":
        try:
            return cls._from_json(text, filename)
        except SourceError as error:
            return cls(filename, None, None, error)

    @classmethod
    def _from_json(cls, json_text: str, filename: str) -> "NotebookDocument":
        try:
            notebook = json.loads(json_text)
        except (ValueError, RecursionError) as error:
            row = getattr(error, "lineno", 1)
            raise SourceError(f"the notebook is not valid JSON: {getattr(error, 'msg', error)}", row) from None
        cells, language = read_cells(notebook)
        if language and language.lower() not in ("python", "python2", "python3", "ipython"):
            document = cls(filename, "", cells=cells, skip_reason=f"a notebook in {language}, not Python: skipped")
        else:
            document = from_cells(cells, filename)
        document._json_text = json_text
        return document

    def lines(self, cell: Optional[int] = None) -> Optional[List[str]]:
        if self.text is None:
            return None
        if cell is None:
            return split_lines(self.text)
        for each in self.cells:
            if each.number == cell:
                return split_lines(each.source)
        return None

    def searchable(self) -> bytes:
        return (self.text or "").encode("utf-8", "surrogatepass")

    # --- positions
    def map_result(self, result):
        result = super().map_result(result)
        from ..diagnostics import Diagnostic
        from ..facts import Span

        for error in self.cell_errors:
            span = Span(error.row, error.column, error.row, error.column)
            result.diagnostics.append(Diagnostic(
                "IL000", f"could not analyze the cell: syntax error: {error.message}", "error", self.filename,
                span, "fix the cell so that Python can parse it (its other cells were analyzed)",
                noqa_row=error.row, cell=error.cell))
        return result

    def file_row(self, cell: int, row: int) -> Optional[int]:
        """The 1-based line of the raw `.ipynb` file where a cell's row sits (None if unknown)."""
        if self._json_text is None:
            return None
        span = self._source_spans().get(cell)
        if span is None:
            return None
        start, end = span
        if self._json_text[start] == "[":
            items = list(_elements(self._json_text, start))
            if items:
                start = items[_row_item([json.loads(self._json_text[s:e]) for s, e in items], row)][0]
        return self._json_text.count("\n", 0, start) + 1

    def _source_spans(self) -> Dict[int, Tuple[int, int]]:
        """source_spans of the raw JSON, computed once (every placed diagnostic asks)."""
        cached = getattr(self, "_spans_cache", None)
        if cached is None or cached[0] is not self._json_text:
            cached = (self._json_text, source_spans(self._json_text))
            self._spans_cache = cached
        return cached[1]

    # --- writing
    def with_text(self, text: str) -> "NotebookDocument":
        if self.text is None:
            raise ValueError(f"{self.filename}: a document that could not be read has no text to replace")
        if text == self.text:
            return self
        sources = self._split(text)
        cells = [dataclasses.replace(cell, source=sources.get(cell.number, cell.source)) for cell in self.cells]
        fixed = from_cells(cells, self.filename)
        fixed._json_text = self._json_text
        fixed._original = self  # type: ignore[attr-defined]
        return fixed

    def _split(self, text: str) -> Dict[int, str]:
        """The new source of every code cell, from a fixed text: rows that the fix kept are the
        cell's own lines again (magics come back), new rows are the fix's."""
        old = split_lines(self.text or "")
        new = split_lines(text)
        owner: List[int] = []  # per old row: its cell number
        for number, _first, count in self._rows:
            owner.extend([number] * count)
        lines: Dict[int, List[str]] = {number: [] for number, _f, _c in self._rows}
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1):
                    lines[owner[i1 + k]].append(self._raw[i1 + k])
                continue
            # replaced or inserted rows belong to the cell of the first old row they replace (an
            # insertion between two cells: the later one; at the end: the last one)
            target = owner[i1] if i1 < len(owner) else (owner[-1] if owner else None)
            if target is None:
                continue
            lines[target].extend(new[j1:j2])
        out = {}
        for cell in self.cells:
            if cell.number in lines:
                body = "\n".join(lines[cell.number])
                if body and (cell.source.endswith("\n") or not cell.source):
                    body += "\n"
                out[cell.number] = body if body != "" or cell.source == "" else ""
        return out

    def changed_cells(self, fixed: "NotebookDocument") -> Dict[int, str]:
        """{cell number: new source} of the cells `fixed` changed."""
        before = {cell.number: cell.source for cell in self.cells}
        return {cell.number: cell.source for cell in fixed.cells if before.get(cell.number) != cell.source}

    def to_bytes(self) -> bytes:
        original = getattr(self, "_original", None)
        if original is None:
            if self.data is not None:
                return self.data
            if self._json_text is not None:
                return self._json_text.encode("utf-8")
            raise ValueError(f"{self.filename}: a notebook built from cells has no JSON to write")
        json_text = self._json_text
        changed = original.changed_cells(self)
        if json_text is None or not changed:
            return original.to_bytes()
        spans = source_spans(json_text)
        ensure_ascii = not any(ord(ch) > 127 for ch in json_text) and "\\u" in json_text
        pieces = []
        at = 0
        for cell in self.cells:
            if cell.number not in changed or cell.number not in spans:
                continue
            start, end = spans[cell.number]
            pieces.append(json_text[at:start])
            pieces.append(_serialize(json_text, start, end, cell.source, cell.as_list, ensure_ascii))
            at = end
        pieces.append(json_text[at:])
        prefix = b"\xef\xbb\xbf" if original.data is not None and original.data.startswith(b"\xef\xbb\xbf") else b""
        return prefix + "".join(pieces).encode("utf-8")

    def diff(self, fixed: Document) -> str:
        if not isinstance(fixed, NotebookDocument) or fixed.text == self.text:
            return ""
        from .python import unified_diff

        out = []
        for number, source in sorted(self.changed_cells(fixed).items()):
            before = next(cell.source for cell in self.cells if cell.number == number)
            text = unified_diff(f"{self.filename}:cell {number}", before, source)
            out.append(text.replace(f"--- a/{self.filename}", f"--- {self.filename}", 1)
                       .replace(f"+++ b/{self.filename}", f"+++ {self.filename}", 1))
        return "".join(out)


def from_cells(cells: Sequence, filename: str) -> NotebookDocument:
    """A notebook document of cells: Cell objects, or (kind, source) pairs numbered from 1 (kind
    "code" is Python; every other kind counts for the numbering only)."""
    cells = [cell if isinstance(cell, Cell) else Cell(number, cell[0], cell[1])
             for number, cell in enumerate(cells, start=1)]
    text_lines: List[str] = []
    raw: List[str] = []
    rows = []
    starts = []
    errors = []
    for cell in cells:
        if cell.kind != "code":
            continue
        own = split_lines(cell.source)
        python, error = neutralize(cell.source)
        if error is not None:
            errors.append(CellError(cell.number, error[0], error[1], error[2]))
            python = [""] * len(own)
        first = len(text_lines) + 1
        rows.append((cell.number, first, len(own)))
        if own:
            starts.append((first, cell.number))
        text_lines.extend(python)
        raw.extend(own)
    text = "".join(line + "\n" for line in text_lines)
    return NotebookDocument(filename, text, None, None, SourceMap(starts), cells, rows, raw, errors)


def read_cells(notebook) -> Tuple[List[Cell], Optional[str]]:
    """(the cells, the notebook's language or None) of a parsed notebook; SourceError if it is not one."""
    if not isinstance(notebook, dict):
        raise SourceError("the file is JSON but not a notebook (not an object)")
    metadata = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
    if "cells" in notebook:
        raw_cells = notebook["cells"]
        v3 = False
    elif isinstance(notebook.get("worksheets"), list):
        raw_cells = []
        for sheet in notebook["worksheets"]:
            if not isinstance(sheet, dict) or not isinstance(sheet.get("cells", []), list):
                raise SourceError("the file is JSON but not a notebook (a worksheet without a cell list)")
            raw_cells.extend(sheet.get("cells", []))
        v3 = True
    else:
        raise SourceError("the file is JSON but not a notebook (no \"cells\")")
    if not isinstance(raw_cells, list):
        raise SourceError("the file is JSON but not a notebook (\"cells\" is not a list)")
    cells = []
    for number, raw in enumerate(raw_cells, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("cell_type"), str):
            raise SourceError(f"cell {number} is not a notebook cell (no \"cell_type\")")
        kind = raw["cell_type"]
        key = "input" if v3 and kind == "code" else "source"
        value = raw.get(key, "")
        if isinstance(value, str):
            source, as_list = value, False
        elif isinstance(value, list) and all(isinstance(line, str) for line in value):
            source, as_list = "".join(value), True
        else:
            raise SourceError(f"cell {number}: its \"{key}\" is neither a string nor a list of strings")
        if "\x00" in source and kind == "code":
            raise SourceError(f"cell {number} contains null bytes")
        cells.append(Cell(number, kind, source, as_list, key))
    return cells, _language(metadata, raw_cells if v3 else ())


def _language(metadata: dict, v3_cells) -> Optional[str]:
    for holder, key in (("kernelspec", "language"), ("language_info", "name")):
        value = metadata.get(holder)
        if isinstance(value, dict) and isinstance(value.get(key), str):
            return value[key]
    if isinstance(metadata.get("language"), str):
        return metadata["language"]
    for cell in v3_cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and isinstance(cell.get("language"), str):
            return cell["language"]
    return None


# --- where values sit in the raw JSON text
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, at: int) -> int:
    return _WS.match(text, at).end()


def _members(text: str, at: int):
    """(key, value start, value end) of the object starting at `at`."""
    at = _skip(text, at + 1)
    if text[at] == "}":
        return
    while True:
        key, at = json.decoder.scanstring(text, at + 1)
        at = _skip(text, _skip(text, at) + 1)  # past ':'
        _value, end = _DECODER.raw_decode(text, at)
        yield key, at, end
        at = _skip(text, end)
        if text[at] == "}":
            return
        at = _skip(text, at + 1)


def _elements(text: str, at: int):
    """(start, end) of the elements of the array starting at `at`."""
    at = _skip(text, at + 1)
    if text[at] == "]":
        return
    while True:
        _value, end = _DECODER.raw_decode(text, at)
        yield at, end
        at = _skip(text, end)
        if text[at] == "]":
            return
        at = _skip(text, at + 1)


def _row_item(items: Sequence[str], row: int) -> int:
    """The index of the `source` list item where row `row` (1-based) of the joined source starts.
    Jupyter writes one line per item, but an item may lack its newline (the next item then goes on
    the same row) or hold several lines: count the newlines rather than the items."""
    starts = [0]  # starts[r - 1]: the item where row r starts
    for index, item in enumerate(items):
        at = item.find("\n")
        while at != -1:
            starts.append(index if at < len(item) - 1 else index + 1)
            at = item.find("\n", at + 1)
    index = starts[min(max(row, 1), len(starts)) - 1]
    return min(index, len(items) - 1)


def _item_starts(text: str, start: int, end: int) -> List[int]:
    return [item for item, _end in _elements(text, start)]


def source_spans(json_text: str) -> Dict[int, Tuple[int, int]]:
    """{cell number: (start, end) of its source value in the JSON text}."""
    at = _skip(json_text, 0)
    top = {key: (start, end) for key, start, end in _members(json_text, at)}
    cell_lists = []
    if "cells" in top:
        cell_lists.append((top["cells"][0], "source"))
    elif "worksheets" in top:
        for sheet, _end in _elements(json_text, top["worksheets"][0]):
            for key, start, _e in _members(json_text, sheet):
                if key == "cells":
                    cell_lists.append((start, None))
    spans = {}
    number = 0
    for list_start, key in cell_lists:
        for cell_start, _end in _elements(json_text, list_start):
            number += 1
            members = {name: (start, end) for name, start, end in _members(json_text, cell_start)}
            wanted = key or ("input" if json_text[slice(*members.get("cell_type", (0, 0)))] == '"code"' else "source")
            if wanted in members:
                spans[number] = members[wanted]
    return spans


def _serialize(text: str, start: int, end: int, source: str, as_list: bool, ensure_ascii: bool) -> str:
    if not as_list:
        return json.dumps(source, ensure_ascii=ensure_ascii)
    old = list(_elements(text, start)) if text[start] == "[" else []
    raw_items = [text[s:e] for s, e in old]
    old_items = [json.loads(item) for item in raw_items]
    items = [raw_items[index] if index is not None and piece == old_items[index]
             else json.dumps(piece, ensure_ascii=ensure_ascii)
             for index, piece in _kept_items(old_items, source)]
    starts = [s for s, _e in old]
    if starts:
        lead = text[start + 1:starts[0]]
        last_end = list(_elements(text, start))[-1][1]
        tail = text[last_end:end - 1]
    else:
        line_start = text.rfind("\n", 0, start) + 1
        indent = re.match(r"[ \t]*", text[line_start:]).group(0)
        unit = _indent_unit(text)
        lead, tail = "\n" + indent + unit, "\n" + indent
        if not unit:
            lead, tail = "", ""
    if not items:
        return "[]"
    return "[" + lead + ("," + lead).join(items) + tail + "]"


def _kept_items(old_items: Sequence[str], source: str) -> List[Tuple[Optional[int], str]]:
    """(old item index or None, text) of every item of a fixed `source` list. The rows the fix kept
    keep the items they were written in (an item without its newline, an item of several lines stay
    as they were); the rows it changed or added are one item each, Jupyter's layout."""
    rows: List[Tuple[str, List[Tuple[int, str]]]] = []  # (row text, [(item index, piece)])
    text, pieces = "", []
    for index, item in enumerate(old_items):
        for piece in split_lines(item, keepends=True):
            text += piece
            pieces.append((index, piece))
            if piece.endswith(("\n", "\r")):
                rows.append((text, pieces))
                text, pieces = "", []
    if pieces:
        rows.append((text, pieces))
    new_rows = split_lines(source, keepends=True)
    out: List[Tuple[Optional[int], str]] = []
    matcher = difflib.SequenceMatcher(None, [row for row, _pieces in rows], new_rows, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.extend((None, line) for line in new_rows[j1:j2])
            continue
        for _row, row_pieces in rows[i1:i2]:
            for index, piece in row_pieces:
                if out and out[-1][0] == index:
                    out[-1] = (index, out[-1][1] + piece)
                else:
                    out.append((index, piece))
    return out


def _indent_unit(text: str) -> str:
    match = re.search(r"\n([ \t]+)\S", text)
    return match.group(1) if match else ""


__all__ = ["Cell", "CellError", "NotebookDocument", "from_cells", "neutralize", "read_cells", "source_spans"]
