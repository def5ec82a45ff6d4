"""TensorFlow 1 frontend: raw variables (`tf.Variable(tf.random_normal([784, 256]))`,
`tf.get_variable(name, shape, initializer=...)`), kept in names, dicts, lists or made by helper
functions (`weight_variable(shape)`, judged per call site), the layer functions `tf.layers.*` and
`tf.contrib.layers.*` / slim, and the dataflow through `tf.matmul`, `+ b`, `tf.nn.conv2d`,
`tf.nn.relu`, dropout and pooling into a loss (the output, G2).
"""
from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Tuple

import libcst as cst

from ..facts import LINEAR, RELU, SOFTMAX, Activation, Initializer, KernelSite
from ..knowledge import activations as act_table
from ..knowledge import keras as K
from ..knowledge import tf1 as T
from ..knowledge.spec import build
from ..resolve import Resolver, arg, dotted, keyword, positional
from ..syntax import statements, walk
from .base import FrontendAdapter, display
from .dataflow import MAX_INLINE_DEPTH, Interpreter
from .graph import Flow, InitRecord, KernelItem, Node, ParamRef, Tap, input_flow
from .layers import layer_node
from .sites import build_sites
from .tf import tf_initializer, tf_version
from .tf1_numbers import StaticNumbers
from .values import CONST, element_of, merge_env

FRAMEWORK = "tf1"
_TF = "tensorflow."
_V1 = "compat.v1."


def tf1_name(qualified: Optional[str]) -> Optional[Tuple[str, str]]:
    """(namespace, leaf) of a TensorFlow or tf_slim name, `compat.v1.` dropped: ('nn', 'relu'). Keras names: None."""
    if not qualified:
        return None
    if qualified.startswith(T.SLIM_PREFIX):
        rest = qualified[len(T.SLIM_PREFIX):]
        return "contrib.slim", rest.rsplit(".", 1)[-1]
    if not qualified.startswith(_TF):
        return None
    rest = qualified[len(_TF):]
    if rest.startswith(_V1):
        rest = rest[len(_V1):]
    namespace, _, leaf = rest.rpartition(".")
    if namespace.startswith("keras") or ".keras" in namespace:
        return None
    return namespace, leaf


def _bindings(function: cst.FunctionDef, call: cst.Call) -> dict:
    """Parameter name -> the argument expression (or default) of one call of a helper."""
    values = positional(call)
    found = {}
    for index, param in enumerate(function.params.params):
        value = values[index] if index < len(values) else keyword(call, param.name.value)
        found[param.name.value] = value if value is not None else param.default
    return found


class TF1Adapter(FrontendAdapter):
    def __init__(self, resolver: Resolver, module: cst.Module, options=None, version: Optional[int] = None) -> None:
        super().__init__(resolver, options)
        self.version = version
        # Helpers that return a variable, also those defined inside the function that uses them.
        nested = [node for node in walk(module) if isinstance(node, cst.FunctionDef) and node not in module.body]
        self.helpers = {s.name.value: s for s in nested + list(module.body)
                        if isinstance(s, cst.FunctionDef) and _returned_variable(s, self)}
        self.functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
        self._layers: Dict[int, KernelItem] = {}
        # The slim `arg_scope`s the code being read is inside, outermost first: (layer leaves, keyword defaults).
        self.arg_scopes: List[Tuple[frozenset, Dict[str, cst.BaseExpression]]] = []
        self._keras_strings = False  # tf.layers.* take Keras identifiers ('he_normal'); contrib layers do not
        self.numbers = StaticNumbers(resolver)  # static ints of the script as it runs (loop variables too)

    def qualified(self, node) -> Optional[str]:
        """The resolver's qualified name, also through a module bound to a name (`slim = tf.contrib.slim`,
        then `slim.conv2d`)."""
        found = self.resolver.qualified(node)
        if found is not None or not isinstance(node, cst.Attribute):
            return found
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        value = self.resolver.binding(head)
        if isinstance(value, cst.Attribute):
            base = self.resolver.qualified(value)
            if base is not None and tf1_name(base) is not None:
                return f"{base}.{rest}"
        return None

    def shape(self, node) -> Optional[tuple]:
        """A variable's literal shape; its entries may be names with a static value where they are read
        (`[n_in, n_out]` in `for n_in, n_out in zip(sizes[:-1], sizes[1:])`)."""
        found = self.resolver.shape(node)
        if node is None:
            return found
        target = self.resolver.deref(node)
        if isinstance(target, (cst.List, cst.Tuple)):
            values = []
            for index, element in enumerate(target.elements):
                if isinstance(element, cst.StarredElement):
                    return found
                value = self.numbers.value(element.value)
                values.append(value if isinstance(value, int) else None)
            return tuple(values)
        value = self.numbers.value(target)
        if isinstance(value, tuple):
            return value
        return (value,) if isinstance(value, int) else found

    def leaf(self, node) -> Optional[Tuple[str, str]]:
        return tf1_name(self.qualified(node))

    # ----- variables -----
    def construct(self, call: cst.Call):
        if isinstance(call.func, cst.Name) and call.func.value in self.helpers:
            return self._helper_call(call)
        found = self.leaf(call.func)
        if found is None or found[1] not in T.VARIABLES or found[0] not in ("", "contrib.framework", "contrib.slim"):
            return None
        return self.variable(call, found[1], display(call))

    def variable(self, call: cst.Call, leaf: str, name: str):
        """A ParamRef for a matrix or kernel variable; CONST for a vector (a bias) or a scalar."""
        shape_at, init_at = T.VARIABLES[leaf]
        value = arg(call, init_at[1], init_at[0])
        init, shape, anchor = self.initial_value(value) if value is not None else (None, None, None)
        if shape_at is not None:
            given = self.shape(arg(call, shape_at[1], shape_at[0]))
            shape = given if given is not None else shape
        if shape is not None and len(shape) < 2:
            return CONST
        trainable = keyword(call, "trainable")
        frozen = isinstance(trainable, cst.Name) and trainable.value == "False"
        node = Node(name, "Parameter", shape=shape, frozen=frozen, bias="none")
        node.named = False
        if init is not None:
            node.inits.append(InitRecord(init, anchor, (0, self.tick()), ndim=len(shape) if shape else None))
        self.nodes.append(node)
        return ParamRef(node)

    def initial_value(self, value) -> Tuple[Optional[Initializer], Optional[tuple], object]:
        """(initializer, shape, anchor) of a variable's initial value or initializer argument."""
        value = self.resolver.deref(value)
        scale = 1.0
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, (cst.Multiply, cst.Divide)):
            factor = self.resolver.number(value.right)
            if isinstance(value.left, cst.Call) and factor:
                scale = 1.0 / factor if isinstance(value.operator, cst.Divide) else factor
                value = value.left
            elif isinstance(value.right, cst.Call) and isinstance(value.operator, cst.Multiply):
                factor = self.resolver.number(value.left)
                if not factor:
                    return None, None, None
                scale, value = factor, value.right
            else:
                return None, None, None
        if not isinstance(value, cst.Call):
            return None, None, None
        called = self._called_initializer(value)
        if called is not None:
            return called
        factory = self.factory(value)
        if factory is None:
            init = self.initializer(value)
            return init, None, (value if init is not None else None)
        spec = T.FACTORIES[factory]
        init = self.bind(spec, value, display(value))
        if not any(keyword(value, name) is not None for name in T.SPREAD_ARGUMENTS) and len(positional(value)) <= 1:
            init = dataclasses.replace(init, unscaled_factory=init.kind != "constant")
        if scale != 1.0:
            changes = {"unscaled_factory": False}
            for field in ("stddev", "value", "maxval", "minval"):
                current = getattr(init, field)
                if current is not None:
                    changes[field] = current * (abs(scale) if field == "stddev" else scale)
            init = dataclasses.replace(init, **changes)
        where = T.FACTORY_SHAPE.get(factory, T.FACTORY_SHAPE_DEFAULT)
        shape = self.shape(arg(value, where[1], where[0]))
        return init, shape, value

    def _called_initializer(self, call: cst.Call):
        """`init([784, 256])` with `init = tf.random_normal_initializer()` (or the object called in place):
        the initializer object's values, the shape from the call's first argument."""
        maker = self.resolver.deref(call.func)
        if not isinstance(maker, cst.Call):
            return None
        init = self.initializer(maker)
        if init is None:
            return None
        return init, self.shape(arg(call, 0, "shape")), call

    def factory(self, call: cst.Call) -> Optional[str]:
        found = self.leaf(call.func)
        if found is None:
            return None
        namespace, leaf = found
        if namespace == "random" and leaf in T.RANDOM_NAMESPACE:
            return T.RANDOM_NAMESPACE[leaf]
        return leaf if namespace == "" and leaf in T.FACTORIES else None

    def _helper_call(self, call: cst.Call):
        """`weight_variable([784, 256])`: the helper's variable, read with this call's arguments."""
        function = self.helpers[call.func.value]
        self.resolver.push(function)
        self.resolver.bind(_bindings(function, call))
        try:
            inner = _returned_variable(function, self)
            found = self.leaf(inner.func)
            result = self.variable(inner, found[1], f"{function.name.value}({', '.join(display(a.value) for a in call.args)})")
            if isinstance(result, ParamRef):
                result.node.named = True  # named after its call site, which says the shape
        finally:
            self.resolver.pop()
        return result

    # ----- initializers and activations (for the layer functions) -----
    def initializer(self, expression) -> Optional[Initializer]:
        if self._keras_strings:
            text = self.resolver.string(expression)
            if text is not None:
                cls = K.INITIALIZER_NAMES.get(text)
                return build(K.INITIALIZERS[cls], repr(text), {}) if cls else None
        target = self.resolver.deref(expression)
        call = target if isinstance(target, cst.Call) else None
        callee = call.func if call is not None else target
        if isinstance(callee, cst.Call):
            return None
        qualified = self.qualified(callee)
        keras = _keras_initializer(qualified)
        if keras is not None:
            cls = K.INITIALIZER_NAMES.get(keras)
            return self.bind(K.INITIALIZERS[cls], call, display(call if call is not None else callee)) if cls else None
        return tf_initializer(self, callee, call, qualified, self.version)

    def activation(self, expression) -> Optional[Activation]:
        if isinstance(expression, cst.Name) and expression.value == "None":
            return Activation(LINEAR, "no activation")
        qualified = self.qualified(self.resolver.deref(expression))
        found = tf1_name(qualified)
        if found is None or found[0] not in ("nn", "math", ""):
            return None
        row = act_table.BY_NAME.get(found[1])
        return Activation(row[0], display(expression), row[1]) if row else None

    # ----- layer functions -----
    def layer(self, call: cst.Call) -> Optional[KernelItem]:
        cached = self._layers.get(id(call))
        if cached is not None:
            return cached
        found = self.leaf(call.func)
        if found is None:
            return None
        namespace, leaf = found
        row = None
        contrib = namespace in T.CONTRIB_NAMESPACES or namespace.startswith("contrib.slim")
        if namespace in T.LAYER_NAMESPACES:
            row = T.LAYER_FUNCTIONS.get(leaf)
        elif contrib:
            row = T.CONTRIB_FUNCTIONS.get(leaf)
        if row is None:
            return None
        arguments, init_keywords, kind = row
        defaults = self.scope_defaults(leaf, namespace)
        self._keras_strings = not contrib
        try:
            node = layer_node(self, call, kind, arguments, init_keywords, defaults)
        finally:
            self._keras_strings = False
        if contrib and keyword(call, arguments.activation) is None and arguments.activation not in defaults:
            node.builtin_activation = Activation(RELU, "activation_fn=tf.nn.relu (the default)")
        node.repeat *= self.repeat  # built in a loop of known length: one layer per iteration
        item = KernelItem(node)
        self._layers[id(call)] = item
        return item

    def method_op(self, name: str, call: cst.Call):
        """`W.get_shape()`: reads the weight's shape, not its values."""
        return ("meta",) if name in T.META_METHODS else None

    # ----- slim arg_scope -----
    def arg_scope(self, expression) -> Optional[Tuple[frozenset, Dict[str, cst.BaseExpression]]]:
        """`slim.arg_scope([slim.conv2d, slim.fully_connected], weights_initializer=..., activation_fn=...)`:
        the layer leaves it names and the keyword defaults it gives them. None for anything else (an
        arg_scope built elsewhere, `slim.arg_scope(vgg_arg_scope())`: its defaults are not literal here)."""
        if not isinstance(expression, cst.Call):
            return None
        found = self.leaf(expression.func)
        if found is None or found[1] != "arg_scope" or not expression.args or expression.args[0].keyword is not None:
            return None
        functions = self.resolver.deref(expression.args[0].value)
        if not isinstance(functions, (cst.List, cst.Tuple)):
            return None
        leaves = set()
        for element in functions.elements:
            named = self.leaf(element.value)
            if named is None:
                return None
            leaves.add(T.CONTRIB_ALIASES.get(named[1], named[1]))
        values = {a.keyword.value: a.value for a in expression.args[1:] if a.keyword is not None}
        return frozenset(leaves), values

    def scope_defaults(self, leaf: str, namespace: str) -> Dict[str, cst.BaseExpression]:
        """The keyword defaults the enclosing arg_scopes give this layer function (the innermost wins)."""
        if not self.arg_scopes or not (namespace in T.CONTRIB_NAMESPACES or namespace.startswith("contrib.slim")):
            return {}
        leaf = T.CONTRIB_ALIASES.get(leaf, leaf)
        found: Dict[str, cst.BaseExpression] = {}
        for leaves, values in self.arg_scopes:
            if leaf in leaves:
                found.update(values)
        return found

    # ----- tensor functions -----
    def tensor_op(self, call: cst.Call):
        item = self.layer(call)
        if item is not None:
            return ("item", item)
        found = self.leaf(call.func)
        if found is None:
            return None
        namespace, leaf = found
        if leaf in T.PLACEHOLDERS:
            shape = self.resolver.shape(arg(call, 1, "shape"))
            return ("input", shape[-1] if shape and len(shape) == 2 else None)
        if leaf in T.LOSS_OPS:
            return ("loss", T.LOSS_OPS[leaf])
        if leaf in T.META_OPS:
            return ("meta",)
        if leaf in T.CONV_OPS and namespace == "nn":
            return ("conv",)
        if leaf in T.MATMUL_OPS:
            return ("matmul",)
        if leaf in T.ADD_OPS:
            return ("add",)
        if leaf in T.NORM_OPS:
            return ("norm",)
        if leaf in T.PASS_OPS:
            return ("pass",)
        if namespace in ("nn", "math", "") and leaf in act_table.BY_NAME:
            family, slope = act_table.BY_NAME[leaf]
            return ("act", Activation(family, f"tf.{namespace + '.' if namespace else ''}{leaf}", slope))
        return None


def _keras_initializer(qualified: Optional[str]) -> Optional[str]:
    """The initializer name of `tf.keras.initializers.he_normal` (any Keras spelling), else None."""
    if not qualified:
        return None
    for prefix in K.KERAS_PREFIXES:
        if qualified.startswith(prefix):
            parts = qualified[len(prefix):].split(".")
            return parts[-1] if len(parts) == 2 and parts[0] == "initializers" else None
    return None


def _returned_variable(function: cst.FunctionDef, adapter: TF1Adapter) -> Optional[cst.Call]:
    """The `tf.Variable(...)` / `tf.get_variable(...)` call a helper returns (directly or through a local)."""
    assigned = {}
    for statement in statements(function.body):
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0].target, cst.Name):
            assigned[statement.targets[0].target.value] = statement.value
    for statement in statements(function.body):
        if isinstance(statement, cst.Return) and statement.value is not None:
            value = statement.value
            if isinstance(value, cst.Name):
                value = assigned.get(value.value)
            if isinstance(value, cst.Call):
                found = adapter.leaf(value.func)
                if found is not None and found[1] in T.VARIABLES:
                    return value
    return None


class TF1Interpreter(Interpreter):
    """The shared interpreter, plus what TF1 code needs: dicts of weights, module functions called
    with them, raw convolution kernels and losses."""

    def run_function(self, function, args=None, keywords=None) -> object:
        self.adapter.numbers.push()
        try:
            return super().run_function(function, args, keywords)
        finally:
            self.adapter.numbers.pop()

    def run_small(self, small, env) -> object:
        numbers = self.adapter.numbers
        if isinstance(small, cst.Assign):
            value = numbers.value(small.value)
            returned = super().run_small(small, env)
            for target in small.targets:
                numbers.assign(target.target, value)
            return returned
        if isinstance(small, (cst.AugAssign, cst.AnnAssign)):
            returned = super().run_small(small, env)
            numbers.forget(small.target)
            return returned
        return super().run_small(small, env)

    def run_statement(self, statement, env) -> object:
        numbers = self.adapter.numbers
        if isinstance(statement, cst.For):
            iterations = numbers.iterations(statement.iter)
            if iterations is not None and statement.orelse is None:
                return self._unrolled(statement, iterations, env)
            before = numbers.snapshot()
            try:
                return super().run_statement(statement, env)
            finally:
                numbers.forget_changed(before)
                numbers.forget(statement.target)
        if isinstance(statement, (cst.If, cst.While, cst.Try)):
            before = numbers.snapshot()
            try:
                return super().run_statement(statement, env)
            finally:
                numbers.forget_changed(before)
        if isinstance(statement, cst.With):
            scopes = [scope for item in statement.items for scope in [self.adapter.arg_scope(item.item)] if scope]
            self.adapter.arg_scopes.extend(scopes)
            try:
                return super().run_statement(statement, env)
            finally:
                del self.adapter.arg_scopes[len(self.adapter.arg_scopes) - len(scopes):]
        return super().run_statement(statement, env)

    def _unrolled(self, statement: cst.For, iterations: list, env) -> object:
        """A loop over static values (`range(3)`, `zip(sizes[:-1], sizes[1:])`): its body once per
        iteration with the loop variables' values, so that each weight it builds has its own shape."""
        adapter = self.adapter
        self.bind(statement.target, element_of(self.eval(statement.iter, env)), env)
        loop_env = dict(env)
        returned = None
        calls = [id(node) for node in walk(statement.body) if isinstance(node, cst.Call)]
        for index, value in enumerate(iterations):
            if index:
                for key in calls:  # a weight or layer of its own each iteration, with that iteration's shape
                    adapter._items.pop(key, None)
                    adapter._layers.pop(key, None)
            adapter.numbers.assign(statement.target, value)
            found = self.run_block(statement.body, loop_env)
            if found is not None:
                returned = found
        if len(iterations) == 1:  # once more without new weights: what the iteration produces feeds itself
            self.run_block(statement.body, loop_env)
        merge_env(env, loop_env, dict(env))
        return returned

    def eval(self, node, env):
        if isinstance(node, cst.Dict):
            found = {}
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key = self.resolver.string(element.key)
                    value = self.eval(element.value, env)
                    if key is not None:
                        found[key] = value
                        _name(value, f"[{key!r}]")
            return found
        return super().eval(node, env)

    def bind(self, target, value, env) -> None:
        if isinstance(target, cst.Name):
            _name(value, target.value)
        elif isinstance(target, cst.Attribute) and self.is_receiver(target.value):
            _name(value, f"self.{target.attr.value}")
            self.attrs[target.attr.value] = value  # `self.W = tf.Variable(...)`: read by the other methods
            return
        super().bind(target, value, env)

    def run_module(self, module: cst.Module) -> None:
        self.module_env: Dict[str, object] = {}  # read by functions as their globals (`weights['h1']`)
        self.run_statements(module.body, self.module_env)

    def eval_subscript(self, node, env):
        table = None
        if isinstance(node.value, cst.Name):
            name = node.value.value
            # a function reading a module-level dict of weights it neither receives nor binds
            table = env.get(name) if name in env else getattr(self, "module_env", {}).get(name)
        if isinstance(table, dict):
            key = self.resolver.string(node.slice[0].slice.value) if len(node.slice) == 1 and isinstance(
                node.slice[0].slice, cst.Index) else None
            return table.get(key) if key is not None else None
        return super().eval_subscript(node, env)

    def eval_call(self, call, env):
        func = call.func
        adapter = self.adapter
        if (isinstance(func, cst.Name) and func.value not in env and func.value in adapter.functions
                and func.value not in adapter.helpers and self.depth < MAX_INLINE_DEPTH):
            args = [self.eval(a.value, env) for a in call.args if a.keyword is None and not a.star]
            keywords = {a.keyword.value: self.eval(a.value, env) for a in call.args if a.keyword is not None}
            self.depth += 1
            try:
                returned = self.run_function(adapter.functions[func.value], args, keywords)
            finally:
                self.depth -= 1
            return returned if returned is not None else input_flow()
        return super().eval_call(call, env)

    def binary(self, operator, left, right):
        """`y_ * tf.log(tf.nn.softmax(logits))`: a hand-written cross-entropy. Probabilities meeting the
        labels are the model's output (G2), not a gate."""
        if isinstance(operator, cst.Multiply):
            for value in (left, right):
                taps = value.taps if isinstance(value, Flow) else ()
                heads = [tap for tap in taps if tap.node is not None]
                if heads and all(tap.act is not None and tap.act.family == SOFTMAX for tap in heads):
                    self.mark_return(value)
                    return input_flow()
        return super().binary(operator, left, right)

    def eval_op(self, op, call, env):
        if op[0] == "loss":
            name, position = op[1]
            logits = arg(call, position, name)
            for argument in call.args:
                value = self.eval(argument.value, env)
                if argument.value is logits:
                    self.mark_return(value)
                else:
                    self.consume_unknown(value)
            return input_flow()
        if op[0] == "conv":
            values = [self.eval(a.value, env) for a in call.args]
            data = values[0] if values else None
            kernel = values[1] if len(values) > 1 else None
            for value in values[2:]:
                self.consume_unknown(value)
            if not isinstance(kernel, ParamRef):
                self.consume_unknown(kernel)
                return self.opaque([data])
            node = kernel.node
            node.applied = True
            if node.shape and len(node.shape) >= 3 and node.fan_in is None:
                receptive = 1
                for size in node.shape[:-1]:
                    receptive = receptive * size if size is not None and receptive is not None else None
                node.fan_in = receptive
            flow = data if isinstance(data, Flow) else input_flow()
            for tap in flow.taps:
                self._feed(tap, node)
            return Flow(frozenset({Tap(node)}))
        return super().eval_op(op, call, env)


def _name(value, name: str) -> None:
    """Name a fresh variable after what it is assigned to (`W1`), a dict entry after its key."""
    if isinstance(value, ParamRef) and not value.node.named:
        value.node.name = name
        value.node.named = True
    elif isinstance(value, dict):
        for key, entry in value.items():
            if isinstance(entry, ParamRef) and entry.node.name == f"[{key!r}]":
                entry.node.name = f"{name}[{key!r}]"


def _dangling_outputs(nodes: List[Node]) -> None:
    """Graph-mode code: an applied kernel whose output nothing consumes is a model output (G2) when what
    it meets is a head's (nothing, softmax, sigmoid); a dangling ReLU layer stays hidden."""
    for node in nodes:
        if node.applied and not node.next_kernels and not node.unknown_use and not node.residual:
            families = {a.family for a in node.activations}
            builtin = node.builtin_activation
            if builtin is not None and builtin.family != LINEAR:
                families.add(builtin.family)
            if families <= T.HEAD_ACTIVATIONS:
                node.output = True


def _run_class(class_def: cst.ClassDef, adapter: TF1Adapter, resolver: Resolver) -> None:
    """A model written as a class: its methods in order (the constructor first), sharing `self.*`."""
    methods = {s.name.value: s for s in class_def.body.body if isinstance(s, cst.FunctionDef)}
    reader = TF1Interpreter(adapter, resolver, {}, methods)
    ordered = sorted(methods.values(), key=lambda method: method.name.value != "__init__")
    for method in ordered:
        if method.params.params:
            reader.run_function(method)


def extract(module: cst.Module, resolver: Resolver, text: str = "", options=None) -> List[KernelSite]:
    adapter = TF1Adapter(resolver, module, options, tf_version(module, resolver, text, options))
    interpreter = TF1Interpreter(adapter, resolver)
    interpreter.run_module(module)
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value not in adapter.helpers:
            interpreter.run_function(statement)
        elif isinstance(statement, cst.ClassDef):
            _run_class(statement, adapter, resolver)
    _dangling_outputs(adapter.nodes)
    return build_sites(FRAMEWORK, adapter.nodes)
