"""Raw weights: a tensor created by a factory call and trained as a parameter
(`nn.Parameter(torch.randn(o, i) * 0.02)`; later `tf.Variable(tf.random_normal([i, o]))`, Flax
`self.param`, Haiku `hk.get_parameter`). The factory gives the initializer, the shape and any
constant scaling; how the weight is used (a matmul, its fan-in axis) is found by the dataflow.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Optional, Tuple

import libcst as cst

from ..facts import Initializer
from ..knowledge.spec import FactoryTable, build
from ..resolve import keyword, positional
from .base import display
from .graph import InitRecord, Node, ParamRef

# `leaf(call)`: the factory name a call names in its framework (`randn` for `torch.randn(...)`), or None.
FactoryLeaf = Callable[[cst.Call], Optional[str]]
# `unwrap(node)`: the expression inside the framework's value-preserving wrappers and conversions
# (`Variable(torch.randn(i, o).type(dtype))` -> `torch.randn(i, o)`), or the node itself.
Unwrap = Callable[[cst.BaseExpression], cst.BaseExpression]


def raw_weight(adapter, name: str, data, frozen: bool, table: FactoryTable, leaf: FactoryLeaf,
               unwrap: Optional[Unwrap] = None) -> ParamRef:
    """The node of one raw weight parameter `name` whose initial value is the expression `data`."""
    init, shape, anchor = factory_init(adapter, data, table, leaf, unwrap)
    node = Node(name, "Parameter", shape=shape, frozen=frozen, bias="none")
    if init is not None:
        node.inits.append(InitRecord(init, anchor, (0, adapter.tick()), ndim=len(shape) if shape else None))
    adapter.nodes.append(node)
    return ParamRef(node)


def factory_init(adapter, data, table: FactoryTable, leaf: FactoryLeaf,
                 unwrap: Optional[Unwrap] = None) -> Tuple[Optional[Initializer], Optional[tuple], object]:
    """(initializer, shape, the factory call) of `factory(a, b)` with any constant scaling applied
    (`* 0.02`, `/ math.sqrt(n)`); (None, None, None) when it is not a known factory."""
    if data is None:
        return None, None, None
    resolver = adapter.resolver
    unwrap = unwrap or (lambda node: node)
    data = unwrap(resolver.deref(data))
    scale = 1.0
    factory = data
    if isinstance(data, cst.BinaryOperation):
        left, right = unwrap(data.left), unwrap(data.right)
        left_call = _leaf(left, table, leaf)
        right_call = _leaf(right, table, leaf)
        if left_call and isinstance(data.operator, (cst.Multiply, cst.Divide)):
            factor = resolver.number(data.right)
            factory = left
        elif right_call and isinstance(data.operator, cst.Multiply):
            factor = resolver.number(data.left)
            factory = right
        else:
            return None, None, None
        if factor is None or factor == 0:
            return None, shape_of(adapter, factory, table, leaf), None
        scale = 1.0 / factor if isinstance(data.operator, cst.Divide) and factory is left else factor
    name = _leaf(factory, table, leaf)
    if name is None:
        return None, None, None
    shape = shape_of(adapter, factory, table, leaf)
    given = {}
    if name in table.value_arguments:
        argument, position = table.value_arguments[name]
        values = positional(factory)
        if len(values) > position:
            given[argument] = resolver.number(values[position])
        elif keyword(factory, argument) is not None:
            given[argument] = resolver.number(keyword(factory, argument))
    init = build(table.specs[name], display(factory), given)
    if scale != 1.0:
        changes = {"unscaled_factory": False}
        if init.stddev is not None:
            changes["stddev"] = init.stddev * abs(scale)
        if init.value is not None:
            changes["value"] = init.value * scale
        if init.maxval is not None:
            changes["maxval"] = init.maxval * scale
            changes["minval"] = init.minval * scale
        init = dataclasses.replace(init, **changes)
    return init, shape, factory


def _leaf(node, table: FactoryTable, leaf: FactoryLeaf) -> Optional[str]:
    if not isinstance(node, cst.Call):
        return None
    name = leaf(node)
    return name if name in table.specs else None


def shape_of(adapter, call: cst.Call, table: FactoryTable, leaf: FactoryLeaf) -> Optional[tuple]:
    """The shape a factory call is given: sizes as arguments, one tuple, or `size=`."""
    resolver = adapter.resolver
    name = _leaf(call, table, leaf)
    if name in table.like:
        return None
    values = positional(call)
    if name in table.shape_from_first_arg:
        values = values[:1]
    if not values:
        size = keyword(call, "size")
        return resolver.shape(size) if size is not None else None
    if len(values) == 1:
        shape = resolver.shape(values[0])
        if shape is None and isinstance(resolver.deref(values[0]), (cst.BinaryOperation, cst.Integer)):
            return (None,)  # torch.empty(n + 1): one integer, a vector
        return shape
    dims = []
    for value in values:
        number = resolver.number(value)
        dims.append(int(number) if number is not None else None)
    return tuple(dims)
