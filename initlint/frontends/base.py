"""What every frontend shares: the adapter protocol the interpreter calls, and the building blocks
that would otherwise be written once per framework (constructor caching, names through star
imports, argument binding, display text, bias kinds, `self.x = ...` assignments).
"""
from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Tuple

import libcst as cst

from ..facts import CONSTANT, Initializer
from ..knowledge.spec import InitSpec, build
from ..resolve import Resolver, keyword, positional
from ..syntax import statements
from .graph import kernel_nodes

DISPLAY_LIMIT = 80


class Adapter:
    """What a frontend tells the dataflow interpreter about its framework."""

    def constructor(self, call: cst.Call) -> Optional[object]:
        """The item a constructor call creates (a layer, a container), or None."""
        return None

    def tensor_op(self, call: cst.Call) -> Optional[tuple]:
        """("act", Activation) | ("norm",) | ("pass",) | ("add",) | ("mul",) | ("matmul",) | ("linear",) | ("lookup",) |
        ("model",) | ("input", width) | ("meta",) for a function applied to tensors, or None."""
        return None

    def method_op(self, name: str, call: cst.Call) -> Optional[tuple]:
        return None

    def on_item_call(self, item, call: cst.Call, env) -> None:
        """Hook for calls on items that are not applications (`model.add(layer)`)."""

    def unwrap_initializer(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        """The expression that draws the values, inside wrappers that only add metadata (Flax's
        `nn.with_partitioning(init, names)`): what a fix replaces."""
        return expression


class FrontendAdapter(Adapter):
    """The state and helpers of one frontend reading one file."""

    def __init__(self, resolver: Resolver, options=None) -> None:
        self.resolver = resolver
        self.options = options
        self.nodes: List[object] = []  # graph.Node, in creation order
        self._items: Dict[int, object] = {}
        self.counter = 0
        self.repeat = 1  # iterations of the loops being interpreted, when known (dataflow.loop_count)

    def tick(self) -> int:
        """A fresh number, in reading order: init calls read later override earlier ones."""
        self.counter += 1
        return self.counter

    def constructor(self, call: cst.Call):
        """The item a call constructs, built once per call node (the interpreter may meet it often)."""
        cached = self._items.get(id(call))
        if cached is not None:
            return cached
        item = self.construct(call)
        if item is not None:
            self._items[id(call)] = item
            if self.repeat > 1:
                for node in kernel_nodes(item):
                    node.repeat *= self.repeat  # built in a loop of known length: one layer per iteration
        return item

    def construct(self, call: cst.Call):
        raise NotImplementedError

    def name_in(self, node, accept: Callable[[str], bool]) -> Optional[str]:
        """The qualified name of `node` if `accept` takes it, also through `from x import *`."""
        qualified = self.resolver.qualified(node)
        if qualified is not None and accept(qualified):
            return qualified
        if qualified is None:
            for candidate in self.resolver.star_candidates(node):
                if accept(candidate):
                    return candidate
        return None

    def value(self, node):
        """A static string or number, else None."""
        text = self.resolver.string(node)
        return text if text is not None else self.resolver.number(node)

    def given(self, spec: InitSpec, call: Optional[cst.Call], values: Optional[list] = None,
              skip: Tuple[str, ...] = ()) -> dict:
        """The API parameters a call gives: positional `values` (default: the call's) in the spec's
        order, then every keyword but `skip`."""
        found = {}
        if call is None:
            return found
        values = positional(call) if values is None else values
        for index, name in enumerate(spec.params):
            if index < len(values):
                found[name] = self.value(values[index])
        for argument in call.args:
            if argument.keyword is not None and argument.keyword.value not in skip:
                found[argument.keyword.value] = self.value(argument.value)
        return found

    def bind(self, spec: InitSpec, call: Optional[cst.Call], display_text: str, overrides: Optional[dict] = None,
             values: Optional[list] = None, skip: Tuple[str, ...] = ()) -> Initializer:
        """An Initializer from a table row and the arguments of the call that names it."""
        found = dict(overrides or {})
        found.update(self.given(spec, call, values, skip))
        return build(spec, display_text, found)


def mentions_any(text: str, words) -> bool:
    """Whether one of `words` occurs in the source as a whole identifier (or string word)."""
    return any(re.search(rf"\b{re.escape(word)}\b", text) for word in words if word in text)


def loop_count(iterable, resolver: Resolver) -> Optional[int]:
    """How many times `for _ in <iterable>` runs, when it is `range(n)`, `range(a, b)` or a literal
    list/tuple; else None."""
    if isinstance(iterable, (cst.List, cst.Tuple)):
        if any(isinstance(element, cst.StarredElement) for element in iterable.elements):
            return None
        return len(iterable.elements) or None
    if not (isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "range"):
        return None
    values = [argument.value for argument in iterable.args if argument.keyword is None and not argument.star]
    if not 1 <= len(values) <= 2 or len(values) != len(iterable.args):
        return None
    numbers = [resolver.number(value) for value in values]
    if any(number is None or number != int(number) for number in numbers):
        return None
    count = int(numbers[0]) if len(numbers) == 1 else int(numbers[1]) - int(numbers[0])
    return count if count > 0 else None


def code(node: cst.CSTNode) -> str:
    return cst.Module(body=()).code_for_node(node)


def display(node: cst.CSTNode) -> str:
    """How the user wrote an expression, shortened for messages."""
    text = code(node)
    return text if len(text) <= DISPLAY_LIMIT else text[:DISPLAY_LIMIT - 3] + "..."


def bias_kind(init: Optional[Initializer]) -> str:
    """zero / positive / negative for a known constant, constant for a constant of unknown value
    (`constant(init_bias)`), random for any random init, else unknown."""
    if init is None:
        return "unknown"
    if init.kind != CONSTANT:
        return "random"
    if init.value is None:
        return "constant"
    return "zero" if init.value == 0 else "positive" if init.value > 0 else "negative"


def is_false(node) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


def receiver(function: cst.FunctionDef) -> Optional[str]:
    """The name a method calls its instance (`self` by convention, but any first parameter)."""
    params = list(function.params.posonly_params) + list(function.params.params)
    return params[0].name.value if params else None


def receiver_attribute(node, name: Optional[str]) -> Optional[str]:
    """`fc` for `self.fc` (with `name` the receiver's name), else None."""
    if name and isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == name:
        return node.attr.value
    return None


def self_assignments(function: cst.FunctionDef) -> List[Tuple[str, cst.BaseExpression]]:
    """(attribute, value) for every `self.attribute = value` in a method, nested blocks included."""
    name = receiver(function)
    found = []
    for statement in statements(function.body):
        if isinstance(statement, cst.Assign):
            for target in statement.targets:
                attribute = receiver_attribute(target.target, name)
                if attribute is not None:
                    found.append((attribute, statement.value))
    return found


def given_argument(call: Optional[cst.Call], spec: InitSpec, name: str):
    """The expression a call passes for one of the spec's parameters, by keyword or position."""
    if call is None:
        return None
    found = keyword(call, name)
    if found is not None:
        return found
    if name in spec.params:
        values = positional(call)
        index = spec.params.index(name)
        return values[index] if index < len(values) else None
    return None
