"""JAX frontend: Flax linen (`@nn.compact` and `setup()` modules), Flax nnx and Haiku layers, their
kernel initializers (`jax.nn.initializers`, `hk.initializers`) and what consumes their outputs."""
from __future__ import annotations

import dataclasses
from typing import List, Optional, Tuple

import libcst as cst

from ..facts import LINEAR, ORTHOGONAL, OTHER, TANH, VARIANCE_SCALING, VECTOR_INIT, Activation, ApiUse, Initializer, KernelSite
from ..knowledge import activations as act_table
from ..knowledge import jax as J
from ..knowledge.spec import build
from ..physics import weight_std
from ..resolve import Resolver, arg, keyword, positional
from .base import FrontendAdapter, display
from .classes import CONSTRUCTOR, collect_class, constructed_attribute, entry_method
from .dataflow import SCRIPT_WEIGHT, Interpreter
from .graph import (ActivationItem, ChainItem, Flow, InitRecord, KernelItem, Node, NormItem, OpaqueItem,
                    ParamProduct, ParamRef, PassItem, Tap, input_flow)
from .layers import layer_node
from .sites import build_sites
from .values import CONST, params_of
from ..syntax import calls

FRAMEWORK = "jax"
ENTRY_METHODS = ("__call__",)
SETUP = "setup"  # linen: where a setup()-style module builds its sub-modules
NNX_PARAM = "nnx.Param"  # the name of an nnx parameter until the attribute holding it names it
DEFAULT_LAYOUT = "OI..."  # lax convolutions without dimension_numbers: the kernel is (out, in, *spatial)


def split(qualified: Optional[str], prefixes) -> Optional[str]:
    """The leaf of a qualified name under one of `prefixes` ('Dense' for flax.linen.Dense), else None."""
    if not qualified:
        return None
    for prefix in prefixes:
        if qualified.startswith(prefix):
            rest = qualified[len(prefix):]
            return rest if "." not in rest else None
    return None


def init_name(qualified: Optional[str]) -> Optional[Tuple[str, str]]:
    """('jax', 'normal') / ('haiku', 'RandomNormal') / ('numpy', 'zeros') for an initializer name."""
    leaf = split(qualified, J.INIT_MODULES)
    if leaf is not None:
        return "jax", leaf
    if qualified in J.TOP_LEVEL_INITIALIZERS:
        return "jax", J.TOP_LEVEL_INITIALIZERS[qualified]
    leaf = split(qualified, J.HAIKU_INIT_MODULES)
    if leaf is not None:
        return "haiku", leaf
    if qualified in J.NUMPY_INITIALIZERS:
        return "numpy", qualified
    return None


class JaxAdapter(FrontendAdapter):
    def __init__(self, resolver: Resolver, options=None) -> None:
        super().__init__(resolver, options)
        self.raw_arrays = set()  # ids of the nodes of raw random matrices (`jax.random.normal(key, shape)`)
        self.discarded = set()  # layers whose output a `_ = layer(x)` throws away (JaxInterpreter.bind)
        self._factories = None  # this file's initializer factories (factories())
        self.fields = {}  # the fields of the module class being read, with their defaults (_run_class)
        self._factory_depth = 0

    # ----- constructors -----
    def construct(self, call: cst.Call):
        func = call.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "param" and isinstance(func.value, cst.Name)
                and func.value.value == "self"):
            return self._parameter(call, J.LINEN_PARAM)
        if isinstance(call.func, cst.Name) and call.func.value in self.factories() and not self._factory_depth:
            # `linear(size, name)` where `def linear(size, name): return hk.Linear(size, ...)`: the layer it
            # returns, one per call (the interpreter caches items by the call that builds them)
            self._factory_depth += 1
            try:
                return self.construct(_returned(self.factories()[call.func.value]))
            finally:
                self._factory_depth -= 1
        qualified = self.resolver.qualified(call.func)
        if not qualified:
            return None
        if qualified in J.PARAMETER_CALLS:
            return self._parameter(call, J.PARAMETER_CALLS[qualified])
        if qualified == "flax.nnx.Param":
            return self._nnx_parameter(call)
        if qualified in J.RANDOM_SAMPLERS:
            return self._raw_array(call, qualified)
        flax = split(qualified, J.FLAX_MODULES)
        haiku = split(qualified, J.HAIKU_MODULES)
        if flax is not None and flax in J.FLAX_LAYERS:
            return KernelItem(self._kernel_node(call, flax, *J.FLAX_LAYERS[flax], nnx=".nnx." in qualified))
        if flax is not None and flax in J.LINEN_CELLS and ".nnx." not in qualified:
            node = self._kernel_node(call, flax, *J.LINEN_CELLS[flax])
            node.builtin_activation = Activation(TANH, f"the {flax}'s tanh")  # its candidate state
            return KernelItem(node)
        if haiku is not None and haiku in J.HAIKU_LAYERS:
            return KernelItem(self._kernel_node(call, haiku, *J.HAIKU_LAYERS[haiku]))
        if qualified == "haiku.nets.MLP":
            return self._mlp(call)
        leaf = flax if flax is not None else haiku
        if leaf is None:
            return None
        if leaf in J.NORM_LAYERS:
            return NormItem()
        if leaf in J.PASSTHROUGH_LAYERS:
            return PassItem()
        if leaf in J.SEQUENTIAL:
            return self._sequential(call)
        if leaf[:1].isupper() and leaf not in ("Module", "Rngs", "Param", "Variable"):
            return OpaqueItem()
        return None

    # ----- raw parameters: a kernel when the dataflow sees them in a matmul (`x @ w`) -----
    def _parameter(self, call: cst.Call, where) -> ParamRef:
        """`self.param(name, init_fn, shape)` (linen), `hk.get_parameter(name, shape, init=init)`."""
        (init_keyword, init_position), (shape_keyword, shape_position) = where
        expression = arg(call, init_position, init_keyword)
        if shape_keyword is None:
            values = positional(call)
            shape_expression = values[shape_position] if len(values) > shape_position else None
        else:
            shape_expression = arg(call, shape_position, shape_keyword)
        return self._parameter_node(call, expression, shape_expression)

    def _nnx_parameter(self, call: cst.Call) -> Optional[ParamRef]:
        """`nnx.Param(init(key, shape))`: the initializer applied to a key and a shape."""
        value = self.resolver.deref(arg(call, 0, "value")) if arg(call, 0, "value") is not None else None
        if not isinstance(value, cst.Call):
            return None
        if self.resolver.qualified(value.func) in J.NUMPY_INITIALIZERS:
            # `nnx.Param(jnp.zeros((d,)))`: an array, its shape first; a vector is a bias or a scale (G1, G12)
            shape = self.resolver.shape(arg(value, 0, "shape"))
            if shape is None or len(shape) < 2:
                return CONST
            node = self._parameter_node(call, value.func, arg(value, 0, "shape"), NNX_PARAM)
            return node
        return self._parameter_node(call, value.func, arg(value, 1, "shape"), NNX_PARAM)

    def _raw_array(self, call: cst.Call, qualified: str) -> Optional[ParamRef]:
        """`w = jax.random.normal(key, (784, 10))`: a raw matrix of a script, a kernel once a matmul uses
        it as its weight (`x @ w`); on the left of a matmul it is data (JaxInterpreter.matmul)."""
        shape_expression = arg(call, 1, "shape")
        shape = self.resolver.shape(shape_expression) if shape_expression is not None else None
        if shape is None or len(shape) != 2:
            return None
        node = Node(SCRIPT_WEIGHT, "Parameter", shape=shape, bias="none")
        init = build(J.RANDOM_SAMPLERS[qualified], display(call), {})
        node.inits.append(InitRecord(init, call.func, (0, self.tick()), ndim=2))  # the fix replaces the sampler
        self.nodes.append(node)
        self.raw_arrays.add(id(node))
        return ParamRef(node)

    def _parameter_node(self, call: cst.Call, expression, shape_expression, name=None) -> ParamRef:
        if name is None:
            name = self.resolver.string(arg(call, 0, "name")) if arg(call, 0, "name") is not None else None
        shape = self.resolver.shape(shape_expression) if shape_expression is not None else None
        node = Node(name or "param", "Parameter", shape=shape, bias="none")
        init = self.initializer(expression) if expression is not None else None
        if init is not None and not init.call_misuse:  # a misuse is IL403's, read on its own
            node.inits.append(InitRecord(init, self.unwrap_initializer(expression), (0, self.tick()),
                                         ndim=len(shape) if shape else None))
        self.nodes.append(node)
        return ParamRef(node)

    def unwrap_initializer(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        if (isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name)
                and expression.value.value == "self" and expression.attr.value in self.fields):
            # `kernel_init=self.output_init`: the module field's default, `output_init: Callable = uniform(1e-4)`
            # (a linen dataclass field; a caller may pass another, the default is what the class declares)
            expression = self.fields[expression.attr.value]
        for _ in range(3):
            target = self.resolver.deref(expression)
            if not (isinstance(target, cst.Call) and self.resolver.qualified(target.func) in J.PARTITIONING_WRAPPERS):
                return expression
            inner = arg(target, 0, "fn")
            if inner is None:
                return expression
            expression = inner
        return expression

    def _kernel_node(self, call, name, arguments, init_keywords, embedding, nnx=False):
        if nnx and name in J.NNX_LAYERS:
            arguments = J.NNX_LAYERS[name]  # nnx: (in_features, out_features, ...), linen: (features, ...)
        node = layer_node(self, call, name, arguments, init_keywords)
        node.embedding = embedding
        bias = keyword(call, arguments.bias_initializer)
        if bias is not None and _random_function_bias(self.initializer(bias)):
            node.rescaled = True  # a random function or random features by design, not a trained start
        if nnx and name in J.NNX_FAN_IN_LAYERS:
            node.fan_in = self._nnx_fan_in(call, name)
        return node

    def _nnx_fan_in(self, call: cst.Call, name: str) -> Optional[int]:
        """nnx.Linear: in_features; nnx.Conv: in_features / feature_group_count times the kernel size (an int
        kernel_size is one spatial axis, as nnx reads it)."""
        fan_in = self.resolver.number(arg(call, 0, "in_features"))
        if fan_in is None:
            return None
        if name == "Conv":
            groups = self.resolver.number(keyword(call, "feature_group_count"))
            if keyword(call, "feature_group_count") is not None:
                if groups is None:
                    return None
                fan_in = fan_in // groups
            size = arg(call, 2, "kernel_size")
            number = self.resolver.number(size) if size is not None else None
            shape = self.resolver.shape(size) if size is not None and number is None else None
            if number is not None:
                fan_in *= number
            elif shape and all(d is not None for d in shape):
                for d in shape:
                    fan_in *= d
            else:
                return None
        return int(fan_in)

    def _sequential(self, call: cst.Call) -> ChainItem:
        chain = ChainItem([])
        layers = arg(call, 0, "layers")
        if isinstance(layers, (cst.List, cst.Tuple)):
            for element in layers.elements:
                value = self.resolver.deref(element.value)
                item = self.constructor(value) if isinstance(value, cst.Call) else None
                if item is None:
                    activation = self.activation(value)
                    item = ActivationItem(activation) if activation is not None else OpaqueItem()
                if isinstance(item, ChainItem):
                    item.standalone = False
                chain.items.append(item)
        chain.standalone = False
        return chain

    def _mlp(self, call: cst.Call) -> ChainItem:
        """hk.nets.MLP(output_sizes, w_init=..., activation=jax.nn.relu, activate_final=False)."""
        chain = ChainItem([])
        chain.standalone = False
        sizes = arg(call, 0, "output_sizes")
        given = None
        for argument in call.args:
            if argument.keyword is not None and argument.keyword.value == "activation":
                given = argument.value
        activation = self.activation(given) if given is not None else Activation(J.HAIKU_MLP_ACTIVATION, "jax.nn.relu")
        if not isinstance(sizes, (cst.List, cst.Tuple)):
            return chain
        w_init = None
        for argument in call.args:
            if argument.keyword is not None and argument.keyword.value == "w_init":
                w_init = argument.value
        init = self.initializer(w_init) if w_init is not None else None

        previous = None
        for index, element in enumerate(sizes.elements):
            width = self.resolver.number(element.value)
            width = int(width) if width is not None else None
            node = Node(f"MLP[{index}]", "Linear", fan_in=previous, fan_out=width, bias="zero", width_out=width)
            previous = width
            if init is not None:
                node.inits.append(InitRecord(init, w_init, (0, 0), group=call))
            self.nodes.append(node)
            chain.items.append(KernelItem(node))
            if index < len(sizes.elements) - 1:
                chain.items.append(ActivationItem(activation or Activation(LINEAR, "unknown")))
        return chain

    # ----- initializers -----
    def initializer(self, expression: cst.BaseExpression) -> Optional[Initializer]:
        target = self.resolver.deref(self.unwrap_initializer(expression))
        call = target if isinstance(target, cst.Call) else None
        callee = call.func if call is not None else target
        if isinstance(callee, cst.Call):
            return None
        if isinstance(callee, cst.Name) and callee.value in self.factories():
            return self._local_factory(self.factories()[callee.value], call, callee)
        qualified = self.resolver.qualified(callee)
        if qualified in J.RANDOM_SAMPLERS:
            # `self.param("w", jax.random.normal, shape)`: the sampler's own N(0, 1) / U[0, 1)
            return build(J.RANDOM_SAMPLERS[qualified], display(callee), {}) if call is None else None
        found = init_name(qualified)
        if found is None:
            return None
        namespace, leaf = found
        text = display(call if call is not None else callee)
        if namespace == "numpy":
            return build(J.NUMPY_INITIALIZERS[leaf], text, {}) if call is None else None
        if call is None and leaf in J.FACTORIES:
            return _misuse(text, "uncalled", leaf in J.FACTORIES_WITH_REQUIRED_ARGUMENTS)
        if call is not None and namespace == "jax" and leaf in J.INITIALIZER_FUNCTIONS:
            return _misuse(text, "called", bool(call.args))
        if namespace == "haiku":
            spec = J.HAIKU_CLASSES.get(leaf)
            return self.bind(spec, call, text) if spec is not None else None
        if leaf in J.JAX_INITIALIZERS:
            return build(J.JAX_INITIALIZERS[leaf], text, {})
        if leaf in J.ONE_SCALE_FACTORIES and _two_bounds(call):
            return Initializer(OTHER, text, call_misuse="bounds")
        spec = J.JAX_FACTORIES.get(leaf)
        if spec is None:
            return None
        init = self.bind(spec, call, text, skip=("dtype", "in_axis", "out_axis", "batch_axis", "column_axis"))
        if leaf in J.POSITIVE_SCALE_FACTORIES and init.maxval is None:
            scale = arg(call, 0, "scale")
            if scale is not None and _positive_form(scale, self.resolver):
                init = dataclasses.replace(init, positive_maxval=True)  # uniform(scale=1 / math.sqrt(n))
        return init

    def factories(self) -> dict:
        """This file's top-level functions whose single `return` is a call: initializer factories
        (`def default_init(scale=1.0): return nn.initializers.variance_scaling(scale, ...)`), like JAX's
        own, or layer builders (`def linear(size): return hk.Linear(size, w_init=...)`)."""
        if self._factories is None:
            self._factories = {}
            for statement in self.resolver.module.body:
                if isinstance(statement, cst.FunctionDef):
                    returned = _returned(statement)
                    if returned is not None and isinstance(returned, cst.Call):
                        self._factories[statement.name.value] = statement  # judged on use (_local_factory)
        return self._factories

    def _local_factory(self, function: cst.FunctionDef, call: Optional[cst.Call], name: cst.Name):
        """`kernel_init=default_init` (uncalled): IL403 when the function returns a JAX initializer;
        `default_init()` with no arguments: the initializer it returns."""
        returned = _returned(function)
        if self._factory_depth or returned is None:
            return None
        self._factory_depth += 1
        try:
            init = self.initializer(returned)
        finally:
            self._factory_depth -= 1
        if init is None or init.call_misuse:
            return None
        if call is None:
            required = any(param.default is None for param in function.params.params)
            return _misuse(name.value, "uncalled", required)
        if call.args or any(param.name.value in _names(returned) for param in function.params.params):
            return None  # what it returns depends on its arguments
        return dataclasses.replace(init, display=display(call))

    # ----- activations -----
    def activation(self, expression: Optional[cst.BaseExpression]) -> Optional[Activation]:
        if expression is None:
            return None
        if isinstance(expression, cst.Name) and expression.value == "None":
            return Activation(LINEAR, "no activation")
        qualified = self.resolver.qualified(self.resolver.deref(expression))
        leaf = split(qualified, J.ACTIVATION_MODULES)
        if leaf is None or leaf not in act_table.BY_NAME:
            return None
        family, slope = act_table.BY_NAME[leaf]
        return Activation(family, _short(qualified), slope)

    # ----- tensor functions -----
    def tensor_op(self, call: cst.Call):
        qualified = self.resolver.qualified(call.func)
        leaf = split(qualified, J.ACTIVATION_MODULES)
        if leaf is None:
            return None
        if leaf in act_table.BY_NAME:
            family, slope = act_table.BY_NAME[leaf]
            return ("act", Activation(family, _short(qualified), slope))
        if leaf in ("add",):
            return ("add",)
        if leaf in ("multiply",):
            return ("mul",)
        if leaf in ("matmul", "dot", "einsum"):
            return ("matmul",)
        if leaf in J.PASSTHROUGH_OPS:
            return ("pass",)
        return None

    def method_op(self, name: str, call: cst.Call):
        return ("pass",) if name in ("reshape", "astype", "transpose") else None


class JaxInterpreter(Interpreter):
    """The dataflow with what JAX code adds: `self.w.value` (an nnx `Param` read through `.value`) is the
    parameter itself; `jnp.sqrt(1 / x.shape[-1])` of scalars is a scalar (a runtime rescaling, G7, not a
    tensor); `lax.conv_general_dilated(x, kernel, ...)` uses `kernel` as a convolution kernel."""

    def eval_attribute(self, node: cst.Attribute, env) -> object:
        if node.attr.value in J.VALUE_ATTRIBUTES and not self.is_receiver(node.value):
            base = self.eval(node.value, env)
            if isinstance(base, (ParamRef, ParamProduct)):
                return base
        return super().eval_attribute(node, env)

    def _eval_scaled(self, node, env) -> object:
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Multiply, cst.Divide)):
            # `d(x) / x.shape[-1] ** 0.5`, `conv(x) / (k * x.shape[-1] ** 0.5)`: a scale computed from the
            # fan-in is a number, whatever the names in it hold (NTK / muP parametrizations, G7)
            if self._fan_expression(node.right):
                self.eval(node.right, env)
                return self.binary(node.operator, self.eval(node.left, env), CONST)
            if isinstance(node.operator, cst.Multiply) and self._fan_expression(node.left):
                self.eval(node.left, env)
                return self.binary(node.operator, CONST, self.eval(node.right, env))
            if isinstance(node.operator, cst.Divide):
                # `conv(x) / k` with `k` an argument: no layer's output divides it, so it is a runtime scale
                left, right = self.eval(node.left, env), self.eval(node.right, env)
                if isinstance(right, Flow) and all(tap.node is None for tap in right.taps):
                    right = CONST
                return self.binary(node.operator, left, right)
        return super().eval(node, env)

    def _fan_expression(self, node) -> bool:
        """Arithmetic of numbers, names and `x.shape[...]` that reads a shape or takes a square root."""
        marked = False
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, (cst.Integer, cst.Float, cst.Name)):
                continue
            if isinstance(item, cst.BinaryOperation):
                if isinstance(item.operator, cst.Power) and _is_half(item.right):
                    marked = True
                stack.extend((item.left, item.right))
            elif isinstance(item, cst.UnaryOperation):
                stack.append(item.expression)
            elif isinstance(item, cst.Subscript) and isinstance(item.value, cst.Attribute):
                if item.value.attr.value != "shape":
                    return False
                marked = True  # x.shape[-1]
            elif isinstance(item, cst.Attribute) and item.attr.value == "shape":
                marked = True
            elif isinstance(item, cst.Call) and self.resolver.qualified(item.func) in J.SCALE_FUNCTIONS:
                marked = marked or (self.resolver.qualified(item.func) or "").endswith(("sqrt", "rsqrt"))
                stack.extend(a.value for a in item.args)
            else:
                return False
        return marked

    def eval_call(self, call: cst.Call, env) -> object:
        qualified = self.resolver.qualified(call.func)
        if qualified in J.SCALAR_FUNCTIONS:
            values = [self.eval(a.value, env) for a in call.args]
            if all(value is None or value is CONST for value in values):
                return CONST  # jnp.sqrt(d) with d = x.shape[-1]: a number
            return self.opaque(values)
        if qualified in J.LAX_CONVOLUTIONS:
            return self._lax_conv(call, J.LAX_CONVOLUTIONS[qualified], env)
        if call.args and self._one_hot(call.args[0].value):
            layer = self._callee(call.func, env)
            if isinstance(layer, KernelItem):
                layer.node.embedding = True  # a kernel applied to one-hot vectors is an embedding table (G10)
        elif call.args and call.args[0].keyword is None and self._unit_last_axis(call.args[0].value):
            for node in _first_kernels(self._callee(call.func, env)):
                if node.fan_in is None and node.kind in J.UNIT_FAN_IN_KINDS:
                    node.fan_in = 1  # a dense layer on a scalar feature: fan-in 1, std 1 is LeCun (§0)
        if qualified in J.GATHERS:
            table = self.eval(arg(call, J.GATHERS[qualified], "a"), env) if call.args else None
            for node in params_of(table):
                node.embedding = True  # jnp.take(table, ids): its rows are looked up (G10)
            for argument in call.args[1:]:
                self.eval(argument.value, env)
            return input_flow()
        if qualified in J.MATMULS and len(call.args) >= 2 and self._one_hot(call.args[0].value):
            return self._one_hot_lookup(call.args[1].value, env)
        return super().eval_call(call, env)

    def eval(self, node, env) -> object:
        if (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.MatrixMultiply)
                and self._one_hot(node.left)):
            return self._one_hot_lookup(node.right, env)
        return self._eval_scaled(node, env)

    def bind(self, target, value, env) -> None:
        """`_ = self.s(x)`: a layer applied only to create its parameters, which the module then reads
        through `self.variables` (a scale, centroids): what its output would say is thrown away."""
        if isinstance(target, cst.Name) and target.value == "_" and isinstance(value, Flow):
            self.adapter.discarded.update(tap.node for tap in value.taps if tap.node is not None and tap.act is None)
        super().bind(target, value, env)

    def matmul(self, left, right, transposed: bool = False, axes_known: bool = True) -> object:
        """A raw random matrix on the left of a matmul (`jax.random.normal(key, (n, d)) @ w`) is data."""
        if isinstance(left, ParamRef) and id(left.node) in self.adapter.raw_arrays:
            left = input_flow() if right is not None else left
        return super().matmul(left, right, transposed, axes_known)

    def _one_hot_lookup(self, table_expression, env) -> object:
        """`jax.nn.one_hot(ids, n) @ table`: the rows of `table` are looked up, an embedding (G10)."""
        table = self.eval(table_expression, env)
        nodes = params_of(table)
        for node in nodes:
            node.embedding = True
            node.applied = True
        return Flow(frozenset(Tap(node) for node in nodes)) if nodes else input_flow()

    def _unit_last_axis(self, expression) -> bool:
        """An input whose last axis is 1: `x[..., None]`, `x[:, jnp.newaxis]`, `jnp.expand_dims(x, -1)`,
        `x.reshape(-1, 1)`, `jnp.reshape(x, (n, 1))`; and `x[None]`, `jnp.expand_dims(x, 0)` given straight
        to a layer: a dense layer reads the last axis and broadcasts over the others, so a leading axis of
        1 changes nothing unless `x` is a scalar (a reward, a time step), which it turns into one feature."""
        expression = self.resolver.deref(expression)
        if isinstance(expression, cst.Subscript) and expression.slice:
            last = expression.slice[-1].slice
            return isinstance(last, cst.Index) and _is_new_axis(last.value, self.resolver)
        if not isinstance(expression, cst.Call):
            return False
        qualified = self.resolver.qualified(expression.func)
        if qualified in J.EXPAND_DIMS:
            axis = arg(expression, 1, "axis")
            return axis is not None and self.resolver.number(axis) in (-1, 0)
        if qualified in J.RESHAPES:
            shape = arg(expression, 1, "newshape") or arg(expression, 1, "shape")
            return shape is not None and _last_is_one(shape, self.resolver)
        if isinstance(expression.func, cst.Attribute) and expression.func.attr.value == "reshape":
            values = positional(expression)
            if len(values) == 1:
                return _last_is_one(values[0], self.resolver)
            return bool(values) and self.resolver.number(values[-1]) == 1
        return False

    def _one_hot(self, expression) -> bool:
        """`jax.nn.one_hot(ids, n)`, also reshaped or cast (`.reshape(-1)`, `.astype(...)`)."""
        expression = self.resolver.deref(expression)
        while (isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute)
               and expression.func.attr.value in ("reshape", "astype")):
            expression = expression.func.value
        return isinstance(expression, cst.Call) and self.resolver.qualified(expression.func) in J.ONE_HOT

    def _closure_binding(self, name: str) -> Optional[cst.Call]:
        """The call assigned to `name` when the file assigns one, and only one, to it (`emb = hk.Linear(...)`
        in a builder whose inner `def fn(x)` applies it)."""
        found = []

        class Visitor(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    if isinstance(target.target, cst.Name) and target.target.value == name:
                        found.append(node.value)

        self.resolver.module.visit(Visitor())
        return found[0] if len(found) == 1 and isinstance(found[0], cst.Call) else None

    def _callee(self, func, env):
        """The layer a call applies, without evaluating anything else: a name, `self.layer`, `Layer(...)`."""
        if isinstance(func, cst.Name):
            if func.value in env:
                return env[func.value]
            binding = self.resolver.binding_at(func)
            if not isinstance(binding, cst.Call):
                binding = self._closure_binding(func.value)  # Haiku: a layer built in the enclosing function
            return self.adapter.constructor(binding) if isinstance(binding, cst.Call) else None
        if isinstance(func, cst.Attribute) and self.is_receiver(func.value):
            return self.attrs.get(func.attr.value)
        if isinstance(func, cst.Call):
            return self.adapter.constructor(func)
        return None

    def _lax_conv(self, call: cst.Call, where, env) -> object:
        """`lax.conv_general_dilated(lhs, rhs, ..., dimension_numbers=...)`: the kernel's fan-in is its input
        channels times its spatial size, in the layout `dimension_numbers` gives (OIHW when it gives none);
        an unresolved layout leaves the fan-in unknown."""
        (lhs_keyword, lhs_position), (rhs_keyword, rhs_position), numbers = where
        lhs = arg(call, lhs_position, lhs_keyword)
        x = self.eval(lhs, env) if lhs is not None else None
        kernel_expression = arg(call, rhs_position, rhs_keyword)
        kernel = self.eval(kernel_expression, env) if kernel_expression is not None else None
        others = [a.value for a in call.args if a.value is not kernel_expression and a.value is not lhs]
        for expression in others:
            self.consume_unknown(self.eval(expression, env))
        layout = self._kernel_layout(call, numbers)
        for node in params_of(kernel):
            shape = node.shape
            axes = "OI" + "S" * (len(shape) - 2) if shape and layout == DEFAULT_LAYOUT else layout
            if node.fan_in is not None or not shape or axes is None or len(axes) != len(shape):
                continue
            sizes = [size for size, axis in zip(shape, axes) if axis != "O"]
            if all(size is not None for size in sizes):
                fan_in = 1
                for size in sizes:
                    fan_in *= size
                node.fan_in = fan_in
        return self.matmul(x, kernel, axes_known=False)

    def _kernel_layout(self, call: cst.Call, numbers) -> Optional[str]:
        """The kernel's layout ('HWIO', 'OIHW'): from `dimension_numbers=(lhs, rhs, out)` or a
        `lax.conv_dimension_numbers(lhs_shape, rhs_shape, (lhs, rhs, out))` it names; None if unknown."""
        if numbers is None:
            return DEFAULT_LAYOUT  # lax.conv: always OIHW
        keyword, position = numbers
        expression = arg(call, position, keyword)
        if expression is None:
            return DEFAULT_LAYOUT  # the default dimension_numbers: NCHW, OIHW, NCHW
        expression = self.resolver.deref(expression)
        if isinstance(expression, cst.Call) and self.resolver.qualified(expression.func) in J.CONV_DIMENSION_NUMBERS:
            expression = self.resolver.deref(arg(expression, 2, "dimension_numbers"))
        if isinstance(expression, (cst.Tuple, cst.List)) and len(expression.elements) == 3:
            layout = self.resolver.string(expression.elements[1].value)
            if layout and set(layout) >= {"O", "I"} and len(set(layout)) == len(layout):
                return layout
        return None


def _random_function_bias(init: Optional[Initializer]) -> bool:
    """A bias drawn with std >= 0.5 (`bias_init=normal(1.0)`): biases of networks meant to be trained start
    at zero or a small constant; an N(0, 1) bias beside an N(0, 1) kernel draws a random function (benchmark
    objectives, random features, NNGP/NTK priors), whose scale is the point."""
    if init is None or init.call_misuse:
        return False
    std = weight_std(init)
    return std is not None and std >= J.RANDOM_FUNCTION_BIAS_STD


def _first_kernels(item) -> list:
    """The kernels that read an item's input: a layer's own, a Sequential's or MLP's first."""
    if isinstance(item, KernelItem):
        return [item.node]
    if isinstance(item, ChainItem) and item.items:
        return _first_kernels(item.items[0])
    return []


def _is_new_axis(node, resolver) -> bool:
    """`None` or `jnp.newaxis` / `np.newaxis` in a subscript."""
    if isinstance(node, cst.Name) and node.value == "None":
        return True
    return (resolver.qualified(node) or "") in ("jax.numpy.newaxis", "numpy.newaxis")


def _last_is_one(shape, resolver) -> bool:
    """A shape literal `(-1, 1)` / `[n, 1]` (of rank 2 or more) whose last size is 1."""
    if isinstance(shape, (cst.Tuple, cst.List)) and len(shape.elements) >= 2:
        return resolver.number(shape.elements[-1].value) == 1
    return False


def _positive_form(expression, resolver) -> bool:
    """An expression positive by its form: positive numbers, names and attributes (sizes, a scale
    field), `x.shape[i]`, `sqrt`/`rsqrt` of them, and products, quotients and powers of those (`1 / math.sqrt(n)`,
    `scale * 0.5`, `d ** -0.5`). A subtraction or a negation may be negative."""
    stack = [expression]
    while stack:
        item = resolver.deref(stack.pop())
        if isinstance(item, (cst.Integer, cst.Float)):
            if float(item.value.replace("_", "")) <= 0:
                return False
        elif isinstance(item, (cst.Name, cst.Attribute)):
            if isinstance(item, cst.Name) and item.value in ("None", "True", "False"):
                return False
        elif isinstance(item, cst.BinaryOperation):
            if not isinstance(item.operator, (cst.Multiply, cst.Divide, cst.Power)):
                return False
            stack.append(item.left)
            if not isinstance(item.operator, cst.Power):
                stack.append(item.right)  # x ** -0.5 is positive whatever the exponent
        elif isinstance(item, cst.Call) and (resolver.qualified(item.func) or "").endswith((".sqrt", ".rsqrt")):
            stack.extend(a.value for a in item.args)
        elif not (isinstance(item, cst.Subscript) and isinstance(item.value, cst.Attribute)
                  and item.value.attr.value == "shape"):  # x.shape[-1], a size
            return False
    return True


def _returned(function: cst.FunctionDef) -> Optional[cst.BaseExpression]:
    """The value of a function's single top-level `return`, else None."""
    returns = [small.value for statement in function.body.body if isinstance(statement, cst.SimpleStatementLine)
               for small in statement.body if isinstance(small, cst.Return)]
    return returns[0] if len(returns) == 1 else None


def _names(expression) -> set:
    found = set()

    class Visitor(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    expression.visit(Visitor())
    return found


def _two_bounds(call: cst.Call) -> bool:
    """`uniform(-r, r)`, `uniform(0.0, 1.0)`: two bounds given to a factory whose second positional
    argument is the dtype. A negated first argument or a number second says they are bounds."""
    values = positional(call)
    if len(values) < 2:
        return False
    first, second = values[0], values[1]
    negated = isinstance(first, cst.UnaryOperation) and isinstance(first.operator, cst.Minus)
    if isinstance(second, cst.UnaryOperation) and isinstance(second.operator, cst.Minus):
        second = second.expression
    return negated or isinstance(second, (cst.Integer, cst.Float))


def _is_half(node) -> bool:
    """`0.5` or `-0.5` (an exponent that takes a square root)."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, cst.Float) and node.value in ("0.5", ".5")


def _misuse(text: str, misuse: str, arguments: bool) -> Initializer:
    """A factory passed uncalled or an initializer called (IL403): nothing else is known about it."""
    return Initializer(OTHER, text, call_misuse=misuse + ("_arguments" if arguments else ""))


def _short(qualified: str) -> str:
    for long, short in (("flax.linen.", "nn."), ("flax.nnx.", "nnx."), ("jax.numpy.", "jnp.")):
        if qualified.startswith(long):
            return short + qualified[len(long):]
    return qualified


def extract(module: cst.Module, resolver: Resolver, text: str = "", options=None) -> List[KernelSite]:
    adapter = JaxAdapter(resolver, options)
    interpreter = JaxInterpreter(adapter, resolver)
    interpreter.run_module(module)
    registry = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            interpreter.run_function(statement)
            for nested in _nested_functions(statement):  # Haiku: `def forward(x)` inside a builder
                interpreter.run_function(nested)
        elif isinstance(statement, cst.ClassDef):
            registry[statement.name.value] = _run_class(statement, adapter, resolver, interpreter, registry)
    interpreter.finish_chains()
    for node in adapter.discarded:
        if not (node.next_kernels or node.output or node.residual or node.unknown_use or node.activations):
            # applied only to make its parameters, never used as a layer: its kernel is a raw parameter
            # that no matmul reads (G1), whatever the module does with it through `self.variables`
            node.kind, node.applied = "Parameter", False
    return build_sites(FRAMEWORK, adapter.nodes, _misused_elsewhere(module, adapter)) + _vector_inits(module, adapter)


def _vector_inits(module: cst.Module, adapter: JaxAdapter) -> List[ApiUse]:
    """IL402: a fan-based initializer (variance scaling, orthogonal) for a vector: `bias_init=`,
    `scale_init=`, or `self.param(name, init, (n,))`. JAX computes fans only for rank >= 2."""
    uses = []
    for call in calls(module):
        flax_layer = (adapter.resolver.qualified(call.func) or "").startswith(J.VECTOR_INIT_LAYER_PREFIXES)
        candidates = [(a.value, a.keyword.value) for a in call.args if flax_layer
                      and a.keyword is not None and a.keyword.value in J.VECTOR_INIT_KEYWORDS]
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "param":
            shape = arg(call, 2, "shape")
            if isinstance(shape, cst.Tuple) and len(shape.elements) == 1:
                candidates.append((arg(call, 1, "init_fn"), "a rank-1 parameter"))
        for expression, where in candidates:
            init = adapter.initializer(expression) if expression is not None else None
            if init is not None and not init.call_misuse and init.kind in (VARIANCE_SCALING, ORTHOGONAL):
                uses.append(ApiUse(FRAMEWORK, VECTOR_INIT, expression, init.display, target=where))
    return uses


def _misused_elsewhere(module: cst.Module, adapter: JaxAdapter) -> List[InitRecord]:
    """IL403 outside kernel layers: `bias_init=` / `scale_init=` / `b_init=` keywords, `self.param(name,
    init, shape)` and `hk.get_parameter(name, shape, init=...)` given a misused initializer (only the
    misuse is recorded: the parameter's role is not known)."""
    seen = {id(record.anchor) for node in adapter.nodes for record in node.inits}
    records = []
    for call in calls(module):
        candidates = [a.value for a in call.args if a.keyword is not None
                      and (a.keyword.value.endswith("_init") or a.keyword.value == "init")]
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "param":
            candidates.append(arg(call, 1, "init_fn"))
        if adapter.resolver.qualified(call.func) == "haiku.get_parameter":
            candidates.append(arg(call, 3, "init"))
        for expression in candidates:
            if expression is not None:
                expression = adapter.unwrap_initializer(expression)
            if expression is None or id(expression) in seen:
                continue
            seen.add(id(expression))
            init = adapter.initializer(expression)
            if init is not None and init.call_misuse:
                records.append(InitRecord(init, expression, (0, 0)))
    return records


def _nested_functions(function: cst.FunctionDef) -> List[cst.FunctionDef]:
    found = []

    class Visitor(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            if node is not function:
                found.append(node)

    function.visit(Visitor())
    return found



def _run_class(class_def: cst.ClassDef, adapter, resolver, outer: Interpreter, registry):
    """A linen / nnx / Haiku module: its constructor (`__init__` or linen's `setup`), then `__call__`."""
    adapter.fields = _class_fields(class_def)
    info = collect_class(class_def, resolver, registry, lambda value, name: constructed_attribute(adapter, value, name))
    for name, value in info.attrs.items():
        if isinstance(value, ParamRef) and value.node.name == NNX_PARAM:
            value.node.name = name  # `self.w = nnx.Param(...)`: messages say 'w'
    interpreter = JaxInterpreter(adapter, resolver, info.attrs, info.methods)
    entry = entry_method(info, ENTRY_METHODS)
    for name in (CONSTRUCTOR, SETUP):
        constructor = info.methods.get(name)
        if constructor is not None and constructor is not entry:
            interpreter.run_function(constructor)
    if entry is not None:
        interpreter.run_function(entry)
    outer.chains.extend(c for c in interpreter.chains if c not in outer.chains)
    adapter.fields = {}
    return info


def _class_fields(class_def: cst.ClassDef) -> dict:
    """`name: T = default` (and `name = default`) in a class body: a linen module's fields."""
    fields = {}
    for statement in class_def.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
                fields[small.target.value] = small.value
            elif (isinstance(small, cst.Assign) and len(small.targets) == 1
                  and isinstance(small.targets[0].target, cst.Name)):
                fields[small.targets[0].target.value] = small.value
    return fields
