"""Weights assigned whole: `m.weight.data = torch.from_numpy(np.random.normal(scale=..., size=...))`,
`fc.weight = nn.Parameter(torch.zeros(o, i))`. The assigned values are the kernel's init: a torch
factory or a numpy draw, through the conversions and constant scalings around it. Also the two small
readers of loop and branch shapes the script-level init code needs (`for p in m.parameters()`,
`type(m) == nn.Linear`)."""
from __future__ import annotations

import dataclasses
from typing import Optional

import libcst as cst

from ..facts import Initializer
from ..knowledge import torch as T
from ..knowledge.spec import build
from ..resolve import positional
from ..syntax import walk
from .base import display
from .params import factory_init


def assigned_init(adapter, value):
    """(initializer, the factory call) of a value assigned to a weight, else (None, None)."""
    scale = 1.0
    while True:
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, (cst.Multiply, cst.Divide)):
            right = adapter.resolver.number(value.right)
            if right is not None and right != 0:
                scale *= 1.0 / right if isinstance(value.operator, cst.Divide) else right
                value = value.left
                continue
            left = adapter.resolver.number(value.left)
            if left is not None and left != 0 and isinstance(value.operator, cst.Multiply):
                scale *= left
                value = value.right
                continue
            return None, None
        if not isinstance(value, cst.Call):
            return None, None
        func = value.func
        values = positional(value)
        leaf = adapter.factory_leaf(value)
        if (leaf in T.TENSOR_CONVERSIONS or adapter.torch_leaf(func) == "Parameter") and values:
            value = values[0]
            continue
        if isinstance(func, cst.Attribute) and func.attr.value in T.CONVERSION_METHODS and func.attr.value not in ("t", "T"):
            value = func.value
            continue
        break
    if adapter.factory_leaf(value) in T.FACTORIES:
        init, _, anchor = factory_init(adapter, value, T.FACTORY_TABLE, adapter.factory_leaf)
    else:
        spec = T.NUMPY_FACTORIES.get(adapter.resolver.qualified(value.func) or "")
        if spec is None:
            return None, None
        init, anchor = build(spec, display(value), _given(adapter, spec, value)), value
    if init is None:
        return None, None
    return _scaled(init, scale), anchor


def _given(adapter, spec, call: cst.Call) -> dict:
    given = {}
    values = positional(call)
    for index, name in enumerate(spec.params):
        if index < len(values):
            given[name] = adapter.value(values[index])
    for argument in call.args:
        if argument.keyword is not None:
            given[argument.keyword.value] = adapter.value(argument.value)
    return given


def is_weight(target) -> bool:
    """`m.weight.data`, `self.fc.weight`, `self.w.data`: an assignment that replaces a parameter's values."""
    if not isinstance(target, cst.Attribute):
        return False
    if target.attr.value == "data":
        return isinstance(target.value, cst.Attribute)
    return target.attr.value == "weight" and isinstance(target.value, (cst.Attribute, cst.Name, cst.Subscript)) \
        and not (isinstance(target.value, cst.Name) and target.value.value in ("self", "cls"))


def _scaled(init: Initializer, scale: float) -> Initializer:
    """An init multiplied by a constant (`np.random.randn(i, o) * 0.01`)."""
    if scale == 1.0:
        return init
    changes = {}
    for name in ("stddev", "value", "maxval", "minval", "mean"):
        value = getattr(init, name, None)
        if value is not None:
            changes[name] = abs(value * scale) if name == "stddev" else value * scale
    return dataclasses.replace(init, **changes)


def type_tests(test):
    """(name, classes) for `type(m) == nn.Linear`, `type(m) is nn.Conv2d`, `type(m) in (A, B)`."""
    for node in walk(test):
        if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
            continue
        target = node.comparisons[0]
        if not isinstance(target.operator, (cst.Equal, cst.Is, cst.In)):
            continue
        for left, right in ((node.left, target.comparator), (target.comparator, node.left)):
            if (isinstance(left, cst.Call) and isinstance(left.func, cst.Name) and left.func.value == "type"
                    and len(left.args) == 1 and isinstance(left.args[0].value, cst.Name)):
                yield left.args[0].value.value, right
                break


def without_data(tensor):
    """`w` for `w`, `w.data`, `w.detach()`: the tensor an in-place init writes to."""
    node = tensor
    while True:
        if isinstance(node, cst.Attribute) and node.attr.value == "data":
            node = node.value
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "detach":
            node = node.func.value
        else:
            return node


def bare_name(tensor) -> Optional[str]:
    """`p` for `p`, `p.data`, `p.detach()`: a loop variable written whole."""
    node = without_data(tensor)
    return node.value if isinstance(node, cst.Name) else None
