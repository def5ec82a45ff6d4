"""Fast walks over libcst trees.

libcst's visitor protocol rebuilds every node it visits (`_visit_and_replace_children`), which made
it ~10x slower than parsing in a profile of real model code. These walks only read fields.
"""
from __future__ import annotations

import dataclasses
from typing import Dict, Iterator, List, Tuple

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


def children(node: cst.CSTNode) -> List[cst.CSTNode]:
    found = []
    for name in _fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found.extend(v for v in value if isinstance(v, cst.CSTNode))
    return found


def walk(node: cst.CSTNode, into_definitions: bool = True) -> Iterator[cst.CSTNode]:
    """Every node under `node` (itself included), depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if not into_definitions and current is not node and isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(reversed(children(current)))


def statements(body, into_definitions: bool = False, compound: bool = False) -> Iterator[cst.CSTNode]:
    """Every small statement (assignment, expression, import...) in a block, nested blocks included.

    With `compound`, the compound statements (if, for, with...) are yielded too, before their bodies.
    """
    stack = list(reversed(list(_block(body))))
    while stack:
        statement = stack.pop()
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
            continue
        if compound:
            yield statement
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and not into_definitions:
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


def calls(node: cst.CSTNode) -> List[cst.Call]:
    return [n for n in walk(node) if isinstance(n, cst.Call)]
