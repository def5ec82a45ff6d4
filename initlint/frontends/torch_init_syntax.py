"""Syntax helpers for reading PyTorch init code: which tensor an init call writes (`self.fc.weight.data`
-> the layer and its parameter, a partial write `w[0]`), and what a helper function does (returns a
layer, zeroes every parameter, calls an init function, binds its arguments)."""
from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from ..knowledge import torch as T
from ..resolve import dotted, keyword, positional
from ..syntax import calls, statements, walk
from .assigned import without_data
from .graph import Node


def ndim_of(node: Node) -> Optional[int]:
    return len(node.shape) if node.shape else None


# Builtins that read a tensor without writing it.
NOT_FILLING = frozenset({"print", "len", "id", "type", "repr", "str", "isinstance", "getattr", "hasattr", "setattr"})


def split_target(tensor, receiver: str) -> Tuple[Optional[cst.BaseExpression], Optional[str]]:
    """`self.fc.weight.data` -> (self.fc, "weight"); `self.w` -> (None, "w")."""
    node = without_data(tensor)
    if isinstance(node, cst.Attribute):
        if isinstance(node.value, cst.Name) and node.value.value == receiver:
            return None, node.attr.value
        return node.value, node.attr.value
    return None, None


def unsubscript(tensor):
    """`self.fc.weight.data[:k]` -> `self.fc.weight.data`."""
    node = tensor
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        if isinstance(node, cst.Subscript):
            return node.value
        node = node.value
    return tensor


def is_partial(tensor) -> bool:
    """G11: w[0], w.data[:k] write part of a tensor."""
    node = tensor
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        if isinstance(node, cst.Subscript):
            inner = node.value
            return isinstance(inner, cst.Attribute) and inner.attr.value in ("weight", "data")
        node = node.value
    return False


def is_self_or_target(node, receiver: str, targets) -> bool:
    return isinstance(node, cst.Name) and (node.value == receiver or node.value in targets)


def returns_name(function: cst.FunctionDef, name: str) -> bool:
    return any(isinstance(s, cst.Return) and isinstance(s.value, cst.Name) and s.value.value == name
               for s in statements(function.body))


def zeroes_all_parameters(function: cst.FunctionDef, name: str) -> bool:
    """zero_module(m): `for p in m.parameters(): p.detach().zero_()`."""
    loops = [s for s in statements(function.body, compound=True) if isinstance(s, cst.For)]
    for loop in loops:
        iterable = loop.iter
        if (isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute)
                and iterable.func.attr.value == "parameters" and dotted(iterable.func.value) == name):
            if any(isinstance(c.func, cst.Attribute) and c.func.attr.value in ("zero_", "zeros_") for c in calls(loop)):
                return True
    return False


def mentions_init(function: cst.FunctionDef) -> bool:
    for call in calls(function):
        func = call.func
        if isinstance(func, cst.Attribute):
            name = func.attr.value
            if name in T.TENSOR_METHODS or name in T.INIT_FUNCTIONS or name in T.DEPRECATED_ALIASES or name == "apply":
                return True
    return False


def bind_call(function: cst.FunctionDef, call: cst.Call) -> dict:
    """Parameter name -> the argument expression (or default) of a helper call, for constant folding."""
    bindings = {}
    params = list(function.params.params)
    values = positional(call)
    for index, param in enumerate(params):
        value = values[index] if index < len(values) else None
        if value is None:
            value = keyword(call, param.name.value)
        if value is None and param.default is not None:
            value = param.default
        bindings[param.name.value] = value
    return bindings


def computed_string_test(test) -> bool:
    """`name.startswith(prefix)`, `text.find(part) != -1`, `part in name` with a part that is not a
    literal string: a string filter whose selection cannot be known."""
    for node in walk(test):
        if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                and node.func.attr.value in ("find", "startswith", "endswith")):
            values = positional(node)
            if values and not isinstance(values[0], (cst.SimpleString, cst.ConcatenatedString)):
                return True
    return False


def string_filter(test):
    """('Conv', classname) from `classname.find('Conv') != -1`, `'Conv' in classname`,
    `name.startswith('head')`: a string test and the expression it is applied to."""
    for node in walk(test):
        if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                and node.func.attr.value in ("find", "startswith", "endswith", "__contains__")):
            values = positional(node)
            if values and isinstance(values[0], cst.SimpleString):
                return values[0].evaluated_value, node.func.value
        if isinstance(node, cst.Comparison) and isinstance(node.left, cst.SimpleString):
            for target in node.comparisons:
                if isinstance(target.operator, (cst.In, cst.NotIn)):
                    return node.left.evaluated_value, target.comparator
    return None, None
