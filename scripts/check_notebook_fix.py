#!/usr/bin/env python3
"""Check that `initlint --fix` kept a notebook intact: only code cells' sources may change.

    python scripts/check_notebook_fix.py BEFORE.ipynb AFTER.ipynb
    python scripts/check_notebook_fix.py --dirs BEFORE_DIR AFTER_DIR   # every *.ipynb, paired by path

For each pair it checks, independently of initlint's own notebook code:

* both files are valid JSON, and the fixed one is still a notebook (same cells, same types);
* the JSON with the code cells' sources taken out is identical (outputs, metadata, execution
  counts, ids, markdown and raw cells, and the order of every object's keys);
* a code cell's `source` keeps its shape (a list of lines stays a list, a string stays a string);
* byte for byte, the raw text outside the code cells' `source` values is unchanged: the
  indentation, the separators, the escaping, the line endings and the final newline.

Prints one line per notebook (`ok`, `unchanged` or `FAIL` with the reasons); exit status 1 when
one fails, 2 for a usage error.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

_WS = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()


def _skip(text: str, at: int) -> int:
    return _WS.match(text, at).end()


def _value_end(text: str, at: int) -> int:
    return _DECODER.raw_decode(text, at)[1]


def _object(text: str, at: int) -> List[Tuple[str, int, int]]:
    """(key, value start, value end) of every member of the object at `at`."""
    members = []
    at = _skip(text, at + 1)
    if text[at] == "}":
        return members
    while True:
        key, at = json.decoder.scanstring(text, at + 1)
        at = _skip(text, at)
        assert text[at] == ":", f"':' expected at offset {at}"
        start = _skip(text, at + 1)
        end = _value_end(text, start)
        members.append((key, start, end))
        at = _skip(text, end)
        if text[at] == "}":
            return members
        assert text[at] == ",", f"',' expected at offset {at}"
        at = _skip(text, at + 1)


def _array(text: str, at: int) -> List[Tuple[int, int]]:
    items = []
    at = _skip(text, at + 1)
    if text[at] == "]":
        return items
    while True:
        end = _value_end(text, at)
        items.append((at, end))
        at = _skip(text, end)
        if text[at] == "]":
            return items
        assert text[at] == ",", f"',' expected at offset {at}"
        at = _skip(text, at + 1)


def cell_lists(notebook: dict) -> List[list]:
    if isinstance(notebook.get("cells"), list):
        return [notebook["cells"]]
    return [sheet.get("cells", []) for sheet in notebook.get("worksheets", [])]


def code_key(cell: dict, v3: bool) -> str:
    return "input" if v3 and cell.get("cell_type") == "code" else "source"


def code_source_spans(text: str) -> List[Tuple[int, int]]:
    """(start, end) in the raw text of every code cell's source value, in order."""
    top = {key: (start, end) for key, start, end in _object(text, _skip(text, 0))}
    lists = []
    if "cells" in top:
        lists.append((top["cells"][0], False))
    elif "worksheets" in top:
        for sheet, _end in _array(text, top["worksheets"][0]):
            for key, start, _e in _object(text, sheet):
                if key == "cells":
                    lists.append((start, True))
    spans = []
    for start, v3 in lists:
        for cell_start, _end in _array(text, start):
            members = {key: (s, e) for key, s, e in _object(text, cell_start)}
            kind = json.loads(text[slice(*members["cell_type"])]) if "cell_type" in members else None
            key = "input" if v3 and kind == "code" else "source"
            if kind == "code" and key in members:
                spans.append(members[key])
    return spans


def without_code_sources(notebook: dict) -> str:
    v3 = "cells" not in notebook
    copy = json.loads(json.dumps(notebook))
    for cells in cell_lists(copy):
        for cell in cells:
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                cell.pop(code_key(cell, v3), None)
    return json.dumps(copy)  # key order kept: a reordered object compares different


def check(before_bytes: bytes, after_bytes: bytes) -> Tuple[List[str], List[int]]:
    """(the problems found, the 1-based numbers of the code cells whose source changed)."""
    problems: List[str] = []
    try:
        before_text = before_bytes.decode("utf-8-sig")
        before = json.loads(before_text)
    except ValueError as error:
        return [f"the original is not valid JSON: {error}"], []
    try:
        after_text = after_bytes.decode("utf-8-sig")
        after = json.loads(after_text)
    except ValueError as error:
        return [f"the fixed file is not valid JSON: {error}"], []
    if before_bytes.startswith(b"\xef\xbb\xbf") != after_bytes.startswith(b"\xef\xbb\xbf"):
        problems.append("the byte order mark changed")
    if not isinstance(after, dict) or not cell_lists(after):
        return problems + ["the fixed file is not a notebook any more"], []
    if without_code_sources(before) != without_code_sources(after):
        problems.append("something outside the code cells' sources changed")
    v3 = "cells" not in before
    changed = []
    number = 0
    for old_cells, new_cells in zip(cell_lists(before), cell_lists(after)):
        if len(old_cells) != len(new_cells):
            problems.append(f"the number of cells changed ({len(old_cells)} -> {len(new_cells)})")
            continue
        for old, new in zip(old_cells, new_cells):
            number += 1
            if old.get("cell_type") != "code":
                continue
            key = code_key(old, v3)
            old_source, new_source = old.get(key), new.get(key)
            if type(old_source) is not type(new_source):
                problems.append(f"cell {number}: its source changed from a {type(old_source).__name__} "
                                f"to a {type(new_source).__name__}")
                continue
            if isinstance(new_source, list) and not all(isinstance(line, str) for line in new_source):
                problems.append(f"cell {number}: its source list holds something that is not a string")
                continue
            if isinstance(new_source, list) and any("\n" in line[:-1] for line in new_source):
                problems.append(f"cell {number}: a source line holds a newline before its end")
            if old_source != new_source:
                changed.append(number)
    # byte for byte outside the code sources: indentation, separators, escapes, final newline
    try:
        old_spans, new_spans = code_source_spans(before_text), code_source_spans(after_text)
    except (AssertionError, ValueError, IndexError, KeyError) as error:
        return problems + [f"could not locate the sources in the raw text: {error}"], changed
    if len(old_spans) != len(new_spans):
        problems.append("the number of code sources in the raw text changed")
    else:
        old_rest = _outside(before_text, old_spans)
        new_rest = _outside(after_text, new_spans)
        old_rest[-1], new_rest[-1] = old_rest[-1].rstrip("\n"), new_rest[-1].rstrip("\n")  # said below
        if old_rest != new_rest:
            for index, (old_piece, new_piece) in enumerate(zip(old_rest, new_rest)):
                if old_piece != new_piece:
                    problems.append(f"the raw text between code sources {index} and {index + 1} changed "
                                    f"(indentation, separators or escaping): {_first_difference(old_piece, new_piece)}")
                    break
    if before_text[len(before_text.rstrip("\n")):] != after_text[len(after_text.rstrip("\n")):]:
        problems.append("the final newline changed")
    for (start, end), (new_start, new_end), number in zip(old_spans, new_spans, range(1, len(old_spans) + 1)):
        old_value, new_value = before_text[start:end], after_text[new_start:new_end]
        if old_value.startswith("[") and new_value.startswith("[") and old_value != new_value and not _same_list_layout(old_value, new_value):
            problems.append(f"code source {number}: its list is laid out differently (indentation of its lines)")
    return problems, changed


def _outside(text: str, spans: List[Tuple[int, int]]) -> List[str]:
    pieces, at = [], 0
    for start, end in spans:
        pieces.append(text[at:start])
        at = end
    pieces.append(text[at:])
    return pieces


def _first_difference(old: str, new: str) -> str:
    index = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    return f"{old[max(index - 20, 0):index + 20]!r} -> {new[max(index - 20, 0):index + 20]!r}"


def _same_list_layout(old: str, new: str) -> bool:
    """A source list keeps the whitespace before its first item, between items and before `]`."""
    def layout(value: str) -> Optional[Tuple[str, str, str]]:
        items = _array(value, 0)
        if not items:
            return None
        lead = value[1:items[0][0]]
        between = value[items[0][1]:items[1][0]] if len(items) > 1 else None
        tail = value[items[-1][1]:-1]
        return lead, between, tail

    old_layout, new_layout = layout(old), layout(new)
    if old_layout is None or new_layout is None:
        return True
    return (old_layout[0] == new_layout[0] and old_layout[2] == new_layout[2]
            and (old_layout[1] is None or new_layout[1] is None or old_layout[1] == new_layout[1]))


def pairs(before_dir: Path, after_dir: Path) -> Dict[str, Tuple[Path, Path]]:
    found = {}
    for before in sorted(before_dir.rglob("*.ipynb")):
        relative = before.relative_to(before_dir)
        found[str(relative)] = (before, after_dir / relative)
    return found


def main(argv: List[str]) -> int:
    if len(argv) == 3 and argv[0] == "--dirs":
        todo = pairs(Path(argv[1]), Path(argv[2]))
    elif len(argv) == 2 and not argv[0].startswith("-"):
        todo = {argv[1]: (Path(argv[0]), Path(argv[1]))}
    else:
        print("usage: check_notebook_fix.py BEFORE.ipynb AFTER.ipynb | --dirs BEFORE_DIR AFTER_DIR", file=sys.stderr)
        return 2
    failed = 0
    for name, (before, after) in todo.items():
        if not after.exists():
            print(f"FAIL {name}: no fixed file at {after}")
            failed += 1
            continue
        problems, changed = check(before.read_bytes(), after.read_bytes())
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        elif changed:
            print(f"ok {name}: code cells {', '.join(map(str, changed))} changed, everything else kept")
        else:
            print(f"unchanged {name}")
    print(f"{len(todo) - failed} of {len(todo)} notebooks kept intact")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
