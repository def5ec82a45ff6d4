"""Static integers and integer lists of TF1 script code, as it runs: `sizes = [784, 256, 10]`,
`in_dim = sizes[0]`, and the values a loop of literal length gives its variables
(`for n_in, n_out in zip(sizes[:-1], sizes[1:])`, `for i in range(1, len(sizes))`), so that a weight
built in such a loop is judged with each iteration's fan-in.

Only what is certain is kept: a name rebound in a branch, by an augmented assignment or by any
assignment whose value is not a static integer (list) is forgotten.
"""
from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst

from ..resolve import binary_number

MAX_ITERATIONS = 64  # a loop longer than this is read the ordinary way (twice, values unknown)
MAX_LENGTH = 4096  # lists longer than this are not tracked


class StaticNumbers:
    def __init__(self, resolver) -> None:
        self.resolver = resolver
        self.frames: List[Dict[str, object]] = [{}]  # the module's, then one per function being read

    # ----- frames -----
    def push(self) -> None:
        self.frames.append({})

    def pop(self) -> None:
        self.frames.pop()

    def snapshot(self) -> Dict[str, object]:
        return dict(self.frames[-1])

    def forget_changed(self, before: Dict[str, object]) -> None:
        """After a branch or a loop read once: what it may have changed is no longer certain."""
        frame = self.frames[-1]
        for name in [name for name, value in frame.items() if before.get(name, _MISSING) != value]:
            del frame[name]

    def assign(self, target, value) -> None:
        frame = self.frames[-1]
        if isinstance(target, cst.Name):
            if value is None:
                frame.pop(target.value, None)
            else:
                frame[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = value if isinstance(value, (list, tuple)) and len(value) == len(target.elements) else None
            for index, element in enumerate(target.elements):
                self.assign(element.value, values[index] if values is not None else None)
        # attributes and subscripts: nothing tracked

    def forget(self, target) -> None:
        self.assign(target, None)

    # ----- values -----
    def value(self, node, depth: int = 8):
        """An int, a tuple of ints (a static list) or None."""
        if node is None or depth <= 0:
            return None
        if isinstance(node, cst.Name):
            frame = self.frames[-1]
            if node.value in frame and not self.resolver.is_parameter(node):
                return frame[node.value]
            target = self.resolver.deref(node)
            if target is not node:
                return self.value(target, depth - 1)
            return None
        if isinstance(node, (cst.List, cst.Tuple)):
            values = [self.value(e.value, depth - 1) if not isinstance(e, cst.StarredElement) else None
                      for e in node.elements]
            if len(values) > MAX_LENGTH or any(not isinstance(v, int) for v in values):
                return None
            return tuple(values)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, depth)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "len":
            inner = self.value(node.args[0].value, depth - 1) if len(node.args) == 1 else None
            return len(inner) if isinstance(inner, tuple) else None
        if isinstance(node, cst.BinaryOperation):
            left, right = self.value(node.left, depth - 1), self.value(node.right, depth - 1)
            if isinstance(left, tuple) and isinstance(right, tuple) and isinstance(node.operator, cst.Add):
                return left + right if len(left) + len(right) <= MAX_LENGTH else None
            if isinstance(left, int) and isinstance(right, int):
                return _integer(node.operator, left, right)
            if (isinstance(left, int) or isinstance(right, int)) and not (left is None or right is None):
                return None
        if isinstance(node, (cst.Name, cst.BinaryOperation)) and _mentions_tracked(node, self.frames[-1]):
            return None
        number = self.resolver.number(node)
        return int(number) if number is not None and number == int(number) else None

    def _subscript(self, node: cst.Subscript, depth: int):
        base = self.value(node.value, depth - 1)
        if not isinstance(base, tuple) or len(node.slice) != 1:
            return None
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            position = self.value(index.value, depth - 1)
            if isinstance(position, int) and -len(base) <= position < len(base):
                return base[position]
            return None
        if isinstance(index, cst.Slice):
            bounds = []
            for part in (index.lower, index.upper, index.step):
                bound = self.value(part, depth - 1) if part is not None else None
                if part is not None and not isinstance(bound, int):
                    return None
                bounds.append(bound)
            if bounds[2] == 0:
                return None
            return tuple(base[slice(*bounds)])
        return None

    def iterations(self, iterable) -> Optional[list]:
        """The values a `for` loop's target takes, when all are static and there are few."""
        values = self._iterable(iterable)
        if values is None or not 0 < len(values) <= MAX_ITERATIONS:
            return None
        return values

    def _iterable(self, node):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            name = node.func.value
            args = [a.value for a in node.args if a.keyword is None and not a.star]
            if len(args) != len(node.args):
                return None
            if name == "range" and 1 <= len(args) <= 3:
                bounds = [self.value(a) for a in args]
                if any(not isinstance(b, int) for b in bounds) or (len(bounds) == 3 and bounds[2] == 0):
                    return None
                values = range(*bounds)
                return list(values) if len(values) <= MAX_ITERATIONS else None
            if name == "zip" and args:
                columns = [self._iterable(a) for a in args]
                if any(c is None for c in columns):
                    return None
                return [tuple(row) for row in zip(*columns)]
            if name == "enumerate" and len(args) == 1:
                column = self._iterable(args[0])
                return list(enumerate(column)) if column is not None else None
            return None
        found = self.value(node)
        return list(found) if isinstance(found, tuple) else None


_MISSING = object()


_INTEGER_OPERATORS = (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide)


def _integer(operator, left: int, right: int) -> Optional[int]:
    """Sizes stay integers: + - * and // (not by zero); anything else is not a static size."""
    if not isinstance(operator, _INTEGER_OPERATORS) or (isinstance(operator, cst.FloorDivide) and not right):
        return None
    return int(binary_number(operator, left, right))


def _mentions_tracked(node, frame) -> bool:
    """Whether an expression reads a name this frame has a value for (then the resolver, which does
    not know that value, must not guess from another assignment)."""
    if isinstance(node, cst.Name):
        return node.value in frame
    if isinstance(node, cst.BinaryOperation):
        return _mentions_tracked(node.left, frame) or _mentions_tracked(node.right, frame)
    return False
