"""Keras 3 / tf.keras / tf_keras frontend: layers, their kernel initializers and what consumes them."""
from __future__ import annotations

from typing import List, Optional, Tuple

import libcst as cst

from ..facts import LINEAR, Activation, Initializer, KernelSite
from ..knowledge import activations as act_table
from ..knowledge import keras as K
from ..knowledge.spec import InitSpec, build
from ..resolve import Resolver, arg, keyword, positional
from .dataflow import Adapter, Interpreter
from .graph import (
    ActivationItem,
    AddItem,
    ChainItem,
    InitRecord,
    KernelItem,
    Node,
    NormItem,
    OpaqueItem,
    PassItem,
)
from .sites import build_sites
from ..syntax import statements

IMPORT_ROOTS = K.IMPORT_ROOTS
# Tensor functions that neither learn nor change which activation a kernel output meets.
_PASSTHROUGH_OPS = {"reshape", "squeeze", "expand_dims", "concat", "concatenate", "identity", "dropout", "reduce_mean",
                    "split", "transpose", "mean", "flatten", "cast"}
FRAMEWORK = "keras"
_TF1_MARKERS = ("placeholder", "Session", "get_variable", "contrib", "disable_v2_behavior", "layers.dense",
                "layers.conv2d", "train.GradientDescentOptimizer", "train.AdamOptimizer")


def keras_name(qualified: Optional[str]) -> Optional[Tuple[str, str]]:
    """('layers', 'Dense') for any spelling of a Keras symbol, else None."""
    if not qualified:
        return None
    for prefix in K.KERAS_PREFIXES:
        if qualified.startswith(prefix):
            rest = qualified[len(prefix):].split(".")
            category = rest[0] if len(rest) > 1 else ""
            return category, rest[-1]
    return None


def tf_name(qualified: Optional[str]) -> Optional[Tuple[str, str]]:
    """(namespace, leaf) for tensorflow.* names that are not Keras: ('compat.v1', 'zeros_initializer')."""
    if not qualified or not qualified.startswith("tensorflow."):
        return None
    rest = qualified[len("tensorflow."):]
    namespace, _, leaf = rest.rpartition(".")
    return namespace, leaf


class KerasAdapter(Adapter):
    def __init__(self, resolver: Resolver, tf1: Optional[bool]) -> None:
        self.resolver = resolver
        self.tf1 = tf1  # True: TF1 file, False: TF2 file, None: unknown
        self.nodes: List[Node] = []
        self._items = {}

    # ----- names -----
    def symbol(self, node) -> Optional[Tuple[str, str]]:
        found = keras_name(self.resolver.qualified(node))
        if found is None:
            for candidate in self.resolver.star_candidates(node):
                found = keras_name(candidate)
                if found is not None:
                    break
        return found

    # ----- constructors -----
    def constructor(self, call: cst.Call):
        cached = self._items.get(id(call))
        if cached is not None:
            return cached
        item = self._construct(call)
        if item is not None:
            self._items[id(call)] = item
        return item

    def _construct(self, call: cst.Call):
        found = self.symbol(call.func)
        if found is None:
            return None
        category, name = found
        if category not in ("layers", "models", "") and not category.startswith("layers"):
            return None
        if name in K.KERNEL_LAYERS:
            return KernelItem(self._kernel_node(call, name))
        if name == "Activation":
            activation = self.activation(arg(call, 0, "activation"))
            return ActivationItem(activation) if activation is not None else OpaqueItem()
        if name in K.ACTIVATION_LAYERS:
            family, slope = K.ACTIVATION_LAYERS[name]
            given = self.resolver.number(arg(call, 0, "negative_slope") or keyword(call, "alpha"))
            return ActivationItem(Activation(family, name, given if given is not None else slope))
        if name in K.NORM_LAYERS:
            return NormItem()
        if name in K.PASSTHROUGH_LAYERS:
            return PassItem()
        if name in K.ADD_LAYERS and name[0].isupper():
            return AddItem()
        if name in K.SEQUENTIAL:
            return self._sequential(call)
        if name in K.INPUT or name in K.MODEL or category == "" and name[:1].islower():
            return None
        return OpaqueItem()

    def _sequential(self, call: cst.Call) -> ChainItem:
        chain = ChainItem([])
        layers = arg(call, 0, "layers")
        if isinstance(layers, (cst.List, cst.Tuple)):
            for element in layers.elements:
                self._append(chain, element.value)
        return chain

    def _append(self, chain: ChainItem, value: cst.BaseExpression) -> None:
        value = self.resolver.deref(value)
        if isinstance(value, cst.Call):
            found = self.symbol(value.func)
            if found is not None and found[1] in K.INPUT:
                chain.width = self._input_width(value)
                return
            item = self.constructor(value)
            if isinstance(item, ChainItem):
                item.standalone = False
            if item is not None:
                if not chain.items and isinstance(item, KernelItem) and item.node.fan_in is not None:
                    chain.width = item.node.fan_in
                chain.items.append(item)
                return
        chain.items.append(OpaqueItem())

    def on_item_call(self, item, call: cst.Call, env) -> None:
        if isinstance(item, ChainItem) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "add":
            layer = arg(call, 0, "layer")
            if layer is not None:
                self._append(item, layer)

    def _input_width(self, call: cst.Call) -> Optional[int]:
        shape = self.resolver.shape(arg(call, 0, "shape") or keyword(call, "input_shape"))
        if shape and len(shape) == 1:
            return shape[0]
        return None

    def _kernel_node(self, call: cst.Call, name: str) -> Node:
        resolver = self.resolver
        units = resolver.number(arg(call, 0, "units") if name in K.DENSE_LAYERS else arg(call, 0, "filters"))
        fan_in = None
        if name in K.DENSE_LAYERS:
            shape = resolver.shape(keyword(call, "input_shape"))
            if shape and len(shape) == 1:
                fan_in = shape[0]
            dim = resolver.number(keyword(call, "input_dim"))
            if dim is not None:
                fan_in = int(dim)
        activation_node = keyword(call, "activation")
        activation = self.activation(activation_node) if activation_node is not None else None
        if activation_node is None:
            activation = None  # decided by what follows
        trainable = keyword(call, "trainable")
        bias = "zero"
        if isinstance(keyword(call, "use_bias"), cst.Name) and keyword(call, "use_bias").value == "False":
            bias = "none"
        elif keyword(call, "bias_initializer") is not None:
            bias_init = self.initializer(keyword(call, "bias_initializer"))
            bias = _bias_kind(bias_init)
        width = int(units) if units is not None and name in K.DENSE_LAYERS else None
        label = f"{name}({int(units)})" if units is not None else name
        node = Node(label, name, fan_in=fan_in, fan_out=width, activation=activation, bias=bias, width_out=width,
                    frozen=isinstance(trainable, cst.Name) and trainable.value == "False")
        for argument in K.KERNEL_LAYERS[name]:
            expression = keyword(call, argument)
            if expression is None:
                continue
            init = self.initializer(expression)
            if init is not None:
                node.inits.append(InitRecord(init, expression, (0, 0)))
        self.nodes.append(node)
        return node

    # ----- initializers -----
    def initializer(self, expression: cst.BaseExpression) -> Optional[Initializer]:
        resolver = self.resolver
        text = resolver.string(expression)
        if text is not None:
            cls = K.INITIALIZER_NAMES.get(text)
            return build(K.INITIALIZERS[cls], repr(text).replace("'", '"'), {}) if cls else None
        target = resolver.deref(expression)
        call = target if isinstance(target, cst.Call) else None
        callee = call.func if call is not None else target
        if isinstance(callee, cst.Call):
            return None
        found = self.symbol(callee)
        if found is not None and found[0].startswith("initializers"):
            cls = K.INITIALIZER_NAMES.get(found[1])
            if cls is None:
                return None
            return self._bind(K.INITIALIZERS[cls], call, _display(callee, call), {})
        qualified = resolver.qualified(callee)
        tf = tf_name(qualified)
        if tf is not None:
            namespace, leaf = tf
            if namespace.startswith("keras"):
                return None
            spec = K.TF_INITIALIZERS.get(leaf)
            if spec is None:
                return None
            if namespace in ("initializers", "keras.initializers") and leaf[:1].isupper():
                return None
            overrides = {}
            alternative = None
            versioned = leaf in K.VERSIONED and not namespace.startswith("compat.v1")
            if namespace == "contrib.layers" and leaf == "variance_scaling_initializer":
                spec = InitSpec("variance_scaling", ("factor", "mode", "uniform", "seed"),
                                {"factor": 2.0}, fixed={"family": "he", "mode": "fan_in", "distribution": "truncated_normal"},
                                rename={"factor": "scale"})
            if versioned and self.tf1 is not True:
                tf2 = K.TF2_DEFAULTS[leaf]
                if self.tf1 is False:
                    overrides = dict(tf2)
                else:
                    alternative = tf2.get("stddev")
            init = self._bind(spec, call, _display(callee, call), overrides)
            if init is not None and alternative is not None and _given(call, spec, "stddev") is None:
                init = _replace(init, alternative_stddev=alternative)
            return init
        return None

    def _bind(self, spec: InitSpec, call: Optional[cst.Call], display: str, overrides: dict) -> Optional[Initializer]:
        given = dict(overrides)
        if call is not None:
            values = positional(call)
            for index, name in enumerate(spec.params):
                if index < len(values):
                    given[name] = self._value(values[index])
            for argument in call.args:
                if argument.keyword is not None:
                    given[argument.keyword.value] = self._value(argument.value)
        return build(spec, display, given)

    def _value(self, node):
        text = self.resolver.string(node)
        if text is not None:
            return text
        return self.resolver.number(node)

    # ----- activations -----
    def activation(self, expression: Optional[cst.BaseExpression]) -> Optional[Activation]:
        if expression is None:
            return None
        resolver = self.resolver
        if isinstance(expression, cst.Name) and expression.value == "None":
            return Activation(LINEAR, "no activation")
        text = resolver.string(expression)
        if text is not None:
            found = act_table.BY_NAME.get(text.lower())
            return Activation(found[0], f'"{text}"', found[1]) if found else None
        target = resolver.deref(expression)
        if isinstance(target, cst.Call):
            item = self.constructor(target)
            return item.activation if isinstance(item, ActivationItem) else None
        qualified = resolver.qualified(target)
        name = _activation_leaf(qualified)
        if name is None:
            return None
        found = act_table.BY_NAME.get(name)
        return Activation(found[0], qualified.replace("tensorflow.", "tf."), found[1]) if found else None

    # ----- tensor functions -----
    def tensor_op(self, call: cst.Call):
        qualified = self.resolver.qualified(call.func)
        found = keras_name(qualified)
        if found is not None:
            category, name = found
            if name in K.INPUT:
                return ("input", self._input_width(call))
            if name in K.MODEL:
                return ("model",)
            if category == "layers" and name in ("add", "Add"):
                return ("add",)
            if category == "layers" and name in ("concatenate", "multiply", "average", "maximum"):
                return ("pass",) if name != "multiply" else ("mul",)
            if category == "ops" and name in _PASSTHROUGH_OPS:
                return ("pass",)
            if category == "ops" and name in ("add", "multiply", "matmul"):
                return {"add": ("add",), "multiply": ("mul",), "matmul": ("matmul",)}[name]
        leaf = _activation_leaf(qualified)
        if leaf is not None and leaf in act_table.BY_NAME:
            family, slope = act_table.BY_NAME[leaf]
            return ("act", Activation(family, qualified.replace("tensorflow.", "tf."), slope))
        tf = tf_name(qualified)
        if tf is not None:
            leaf = tf[1]
            if leaf in ("add", "add_n"):
                return ("add",)
            if leaf in ("multiply",):
                return ("mul",)
            if leaf in ("matmul",):
                return ("matmul",)
            if leaf in _PASSTHROUGH_OPS:
                return ("pass",)
        return None

    def method_op(self, name: str, call: cst.Call):
        return None


def _activation_leaf(qualified: Optional[str]) -> Optional[str]:
    if not qualified:
        return None
    found = keras_name(qualified)
    if found is not None and found[0] in ("activations", "ops"):
        return found[1]
    tf = tf_name(qualified)
    if tf is not None and tf[0] in ("nn", "math", "", "keras.activations"):
        return tf[1]
    return None


def _given(call: Optional[cst.Call], spec: InitSpec, name: str):
    if call is None:
        return None
    if keyword(call, name) is not None:
        return keyword(call, name)
    if name in spec.params:
        values = positional(call)
        index = spec.params.index(name)
        return values[index] if index < len(values) else None
    return None


def _replace(init: Initializer, **changes) -> Initializer:
    import dataclasses

    return dataclasses.replace(init, **changes)


def _display(callee, call: Optional[cst.Call]) -> str:
    module = cst.Module(body=())
    text = module.code_for_node(call if call is not None else callee)
    return text if len(text) <= 80 else text[:77] + "..."


def _bias_kind(init: Optional[Initializer]) -> str:
    if init is None:
        return "unknown"
    if init.kind == "constant":
        if init.value is None:
            return "unknown"
        return "zero" if init.value == 0 else "positive" if init.value > 0 else "negative"
    return "random"


def tf1_file(text: str, resolver: Resolver) -> Optional[bool]:
    if any(name.startswith("tensorflow.compat.v1") and alias == "tf" for alias, name in resolver.aliases.items()):
        return True
    if any(f"tf.{marker}" in text for marker in _TF1_MARKERS):
        return True
    return None


def extract(module: cst.Module, resolver: Resolver, text: str = "") -> List[KernelSite]:
    adapter = KerasAdapter(resolver, tf1_file(text, resolver))
    interpreter = Interpreter(adapter, resolver)
    interpreter.run_module(module)
    for statement in module.body:
        _run_definitions(statement, adapter, resolver, interpreter)
    interpreter.finish_chains()
    return build_sites(FRAMEWORK, adapter.nodes)


def _run_definitions(statement, adapter, resolver, interpreter) -> None:
    if isinstance(statement, cst.FunctionDef):
        interpreter.run_function(statement)
    elif isinstance(statement, cst.ClassDef):
        _run_class(statement, adapter, resolver, interpreter)


def _run_class(class_def: cst.ClassDef, adapter, resolver, outer: Interpreter) -> None:
    methods = {s.name.value: s for s in class_def.body.body if isinstance(s, cst.FunctionDef)}
    attrs = {}
    for method in methods.values():
        resolver.push(method)
        try:
            for assignment in _self_assignments(method):
                target, value = assignment
                item = adapter.constructor(value) if isinstance(value, cst.Call) else None
                if item is not None:
                    if isinstance(item, KernelItem):
                        item.node.name = target
                    if isinstance(item, ChainItem):
                        item.standalone = False
                    attrs.setdefault(target, item)
        finally:
            resolver.pop()
    interpreter = Interpreter(adapter, resolver, attrs, methods)
    entry = methods.get("call") or methods.get("__call__")
    for name, method in methods.items():
        if method is entry:
            continue
        if name != "__init__":
            continue
        interpreter.run_function(method)
    if entry is not None:
        interpreter.run_function(entry)
    outer.chains.extend(c for c in interpreter.chains if c not in outer.chains)


def _self_assignments(function: cst.FunctionDef):
    found = []
    for statement in statements(function.body):
        if isinstance(statement, cst.Assign):
            for target in statement.targets:
                t = target.target
                if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self":
                    found.append((t.attr.value, statement.value))
    return found
