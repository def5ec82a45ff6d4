"""Source positions of libcst nodes, the same as libcst's `PositionProvider`, about 4x cheaper.

libcst's provider updates a line and a column on every token (a regular expression split per
token) and builds a `CodeRange` for each of the file's ~30 nodes per line; the engine needs the
positions of a few anchors. Here the code generation only adds up character offsets, and offsets
become (line, column) through the line starts only for the nodes asked for. On a 1,000-line model
file that is ~50 ms instead of ~200 ms, the largest part of the analysis after the parse.

Same answers as libcst: the same code generation (start and end hoisting of
`record_syntactic_position` included), lines counted on the generated code the way libcst counts
them; code with a carriage return goes to libcst's provider (libcst counts line ends per token,
and a `\\r` ending one token before a `\\n` starting the next would count twice there).
"""
from __future__ import annotations

import bisect
from typing import Dict, List, Mapping, Optional, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider


class _Recording:
    """`record_syntactic_position` as a plain context manager (contextlib's costs a generator)."""

    __slots__ = ("state", "key", "start_node", "end_node", "start")

    def __init__(self, state: "_OffsetState", node: cst.CSTNode, start_node, end_node) -> None:
        self.state, self.key, self.start_node, self.end_node = state, id(node), start_node, end_node

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc) -> None:
        found = self.state.found
        start = found[id(self.start_node)][0] if self.start_node is not None else self.start
        end = found[id(self.end_node)][1] if self.end_node is not None else self.state.offset
        found[self.key] = (start, end)


class _OffsetState(CodegenState):
    """A code generation that records each node's (start, end) character offsets, by id(node)
    (libcst nodes hash in Python: ids are cheaper, and the module keeps the nodes alive)."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.offset = 0
        self.stack: List[int] = []
        self.found: Dict[int, Tuple[int, int]] = {}

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.offset += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.stack.pop()
        key = id(node)
        if key not in self.found:  # a syntactic position recorded inside wins, as in libcst
            self.found[key] = (start, self.offset)

    def pop_trailing_newline(self) -> None:
        # libcst drops the file's missing last newline from the code, not from the positions:
        # keep it, so the offsets are counted on the code the positions were counted on
        pass

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None,
                                  end_node: Optional[cst.CSTNode] = None) -> _Recording:
        return _Recording(self, node, start_node, end_node)


class Positions(Mapping):
    """node -> CodeRange (1-based lines, 0-based columns), computed on demand."""

    def __init__(self, module: cst.Module, found: Dict[int, Tuple[int, int]], code: str) -> None:
        self._module = module  # keeps the nodes (and so their ids) alive
        self._found = found
        starts = [0]
        index = code.find("\n")
        while index >= 0:
            starts.append(index + 1)
            index = code.find("\n", index + 1)
        self._starts = starts

    def _position(self, offset: int) -> CodePosition:
        line = bisect.bisect_right(self._starts, offset)
        return CodePosition(line, offset - self._starts[line - 1])

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        start, end = self._found[id(node)]
        return CodeRange(self._position(start), self._position(end))

    def __iter__(self):
        from .syntax import walk

        return (node for node in walk(self._module) if id(node) in self._found)

    def __len__(self) -> int:
        return len(self._found)


def positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """The position of every node of `module`, as `MetadataWrapper(...).resolve(PositionProvider)`."""
    state = _OffsetState(module)
    module._codegen(state)
    code = "".join(state.tokens)
    if "\r" in code:
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return Positions(module, state.found, code)


__all__ = ["positions"]
