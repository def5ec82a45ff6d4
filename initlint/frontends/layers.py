"""Kernel-layer nodes built from a row of a framework's knowledge table (`knowledge.spec.LayerArguments`):
the width, the fan-in when the constructor says it, the activation, the bias, trainability and the
kernel initializers, whatever the framework calls those arguments."""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

import libcst as cst

from ..knowledge.spec import LayerArguments
from ..resolve import arg
from ..resolve import keyword as _keyword
from .base import bias_kind, is_false
from .graph import InitRecord, Node


def layer_node(adapter, call: cst.Call, kind: str, arguments: LayerArguments, init_keywords: Sequence[str],
               defaults: Optional[Mapping[str, cst.BaseExpression]] = None) -> Node:
    """The node of one layer constructor call. `adapter` gives `resolver`, `nodes`, and
    `initializer(expression)` / `activation(expression)` in its framework's terms. `defaults` are
    keyword arguments the call does not give but its context does (a slim `arg_scope`)."""
    resolver = adapter.resolver

    def keyword(call, name):
        given = _keyword(call, name)
        return given if given is not None or not defaults or name is None else defaults.get(name)

    width = resolver.number(arg(call, arguments.width_position, arguments.width))
    fan_in = None
    if arguments.input_shape:
        shape = resolver.shape(keyword(call, arguments.input_shape))
        if shape and len(shape) == 1:
            fan_in = shape[0]
    if arguments.input_dim:
        dim = resolver.number(keyword(call, arguments.input_dim))
        if dim is not None:
            fan_in = int(dim)
    given = keyword(call, arguments.activation)
    activation = adapter.activation(given) if given is not None else None  # None: decided by what follows
    bias = "zero"
    if is_false(keyword(call, arguments.use_bias)):
        bias = "none"
    elif keyword(call, arguments.bias_initializer) is not None:
        bias = bias_kind(adapter.initializer(keyword(call, arguments.bias_initializer)))
    fan_out = int(width) if width is not None and arguments.width_is_fan_out else None
    label = f"{kind}({int(width)})" if width is not None else kind
    node = Node(label, kind, fan_in=fan_in, fan_out=fan_out, activation=activation, bias=bias, width_out=fan_out,
                frozen=is_false(keyword(call, arguments.trainable)))
    for index, name in enumerate(init_keywords):
        expression = keyword(call, name)
        if expression is None:
            continue
        init = adapter.initializer(expression)
        if init is not None:
            # SeparableConv2D: the depthwise and the pointwise kernel are both judged
            node.inits.append(InitRecord(init, adapter.unwrap_initializer(expression), (0, 0),
                                         slot=name if index else ""))
            continue
        entries = resolver.alternatives(expression)
        if entries:
            # `for name, init in table.items(): Dense(..., kernel_initializer=init)`: one site per entry, at it
            found = [InitRecord(init, entry, (0, 0), group=entry, slot=name if index else "") for entry in entries
                     for init in [adapter.initializer(entry)] if init is not None]
            if found:
                node.inits.append(InitRecord(found[0].init, expression, (0, 0), alternatives=tuple(found),
                                             slot=name if index else ""))
    node.constructor = call
    if not node.inits and not any(keyword(call, name) is not None for name in init_keywords):
        node.default_init = arguments.default_init  # the code gives none: the framework's default
    adapter.nodes.append(node)
    return node
