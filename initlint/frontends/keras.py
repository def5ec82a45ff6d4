"""Keras 3 / tf.keras / tf_keras frontend: layers, their kernel initializers and what consumes them."""
from __future__ import annotations

from typing import List, Optional, Tuple

import libcst as cst

from ..facts import LINEAR, Activation, Initializer, KernelSite
from ..knowledge import activations as act_table
from ..knowledge import keras as K
from ..knowledge.spec import build
from ..resolve import Resolver, arg, keyword
from .base import FrontendAdapter, display, loop_count, mentions_any
from .classes import CONSTRUCTOR, collect_class, constructed_attribute, entry_method
from .dataflow import Interpreter
from .graph import ActivationItem, AddItem, ChainItem, KernelItem, NormItem, OpaqueItem, PassItem, kernel_nodes
from .layers import layer_node
from .sites import build_sites
from .tf import tf_initializer, tf_name, tf_version

# Tensor functions that neither learn nor change which activation a kernel output meets.
_PASSTHROUGH_OPS = {"reshape", "squeeze", "expand_dims", "concat", "concatenate", "identity", "dropout", "reduce_mean",
                    "split", "transpose", "mean", "flatten", "cast"}
FRAMEWORK = "keras"
ENTRY_METHODS = ("call", "__call__")  # what applies a subclassed layer or model to its input


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


class KerasAdapter(FrontendAdapter):
    def __init__(self, resolver: Resolver, options=None, tf_version: Optional[int] = None) -> None:
        super().__init__(resolver, options)
        self.tf_version = tf_version  # 1, 2, or None: unknown

    # ----- names -----
    def symbol(self, node) -> Optional[Tuple[str, str]]:
        return keras_name(self.name_in(node, lambda name: keras_name(name) is not None))

    # ----- constructors -----
    def construct(self, call: cst.Call):
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
        if name in K.INPUT or name in K.MODEL or name[:1].islower():
            return None  # lower-case names are functions (`layers.add([a, b])`): tensor_op reads them
        return OpaqueItem()

    def _sequential(self, call: cst.Call) -> ChainItem:
        chain = ChainItem([])
        self._append_all(chain, arg(call, 0, "layers"))
        return chain

    def _append_all(self, chain: ChainItem, layers) -> None:
        """`[a, b]`, `[a] + [Dense(64) for _ in range(30)] + [c]`, `[*blocks, c]`: the layers in order."""
        if isinstance(layers, cst.Name):
            layers = self.resolver.deref(layers)
        if isinstance(layers, cst.BinaryOperation) and isinstance(layers.operator, cst.Add):
            self._append_all(chain, layers.left)
            self._append_all(chain, layers.right)
        elif isinstance(layers, (cst.List, cst.Tuple)):
            for element in layers.elements:
                if isinstance(element, cst.StarredElement):
                    self._append_all(chain, element.value)
                else:
                    self._append(chain, element.value)
        elif isinstance(layers, (cst.ListComp, cst.GeneratorExp)) and layers.for_in.inner_for_in is None:
            count = loop_count(layers.for_in.iter, self.resolver)
            before = len(chain.items)
            self._append(chain, layers.elt)
            if count and count > 1 and len(chain.items) == before + 1:
                item = chain.items[-1]
                for node in kernel_nodes(item):
                    node.repeat *= count  # [Dense(64, activation="relu") for _ in range(30)]: thirty layers
                chain.items.append(item)  # one more time: the layer feeds itself, so a chain counts every copy
        elif layers is not None:
            chain.items.append(OpaqueItem())

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

    def _kernel_node(self, call: cst.Call, name: str):
        if name in K.KERAS1_LAYERS and any(keyword(call, word) is not None for word in K.KERAS1_KEYWORDS):
            return layer_node(self, call, name, K.KERAS1_LAYER_ARGUMENTS[name], (K.KERAS1_INIT,))  # Keras 1
        return layer_node(self, call, name, K.LAYER_ARGUMENTS[name], K.KERNEL_LAYERS[name])

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
            return self.bind(K.INITIALIZERS[cls], call, display(call if call is not None else callee))
        return tf_initializer(self, callee, call, resolver.qualified(callee), self.tf_version)

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


def extract(module: cst.Module, resolver: Resolver, text: str = "", options=None) -> List[KernelSite]:
    adapter = KerasAdapter(resolver, options, tf_version(module, resolver, text, options))
    interpreter = Interpreter(adapter, resolver)
    interpreter.run_module(module)
    registry = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            interpreter.run_function(statement)
        elif isinstance(statement, cst.ClassDef):
            registry[statement.name.value] = _run_class(statement, adapter, resolver, interpreter, registry)
    interpreter.finish_chains()
    return build_sites(FRAMEWORK, adapter.nodes, defaults=not mentions_any(text, K.REINITIALIZED_BY))



def _run_class(class_def: cst.ClassDef, adapter, resolver, outer: Interpreter, registry):
    """A subclassed layer or model: its constructor, then the method that applies it to an input."""
    info = collect_class(class_def, resolver, registry, lambda value, name: constructed_attribute(adapter, value, name))
    interpreter = Interpreter(adapter, resolver, info.attrs, info.methods)
    entry = entry_method(info, ENTRY_METHODS)
    constructor = info.methods.get(CONSTRUCTOR)
    if constructor is not None and constructor is not entry:
        interpreter.run_function(constructor)
    if entry is not None:
        interpreter.run_function(entry)
    for method in info.methods.values():
        if method is not constructor and method is not entry:
            # builder methods of a plain class (`def create_model(self): model = Sequential()...`,
            # a functional graph built from `Input(...)`): their layers are read like a function's
            interpreter.run_function(method)
    outer.chains.extend(c for c in interpreter.chains if c not in outer.chains)
    return info
