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
from .flax_dataflow import JaxInterpreter
from .graph import ActivationItem, ChainItem, InitRecord, KernelItem, Node, NormItem, OpaqueItem, ParamRef, PassItem
from .layers import layer_node
from .sites import build_sites
from .values import CONST
from ..syntax import calls

FRAMEWORK = "jax"
ENTRY_METHODS = ("__call__",)
SETUP = "setup"  # linen: where a setup()-style module builds its sub-modules
NNX_PARAM = "nnx.Param"  # the name of an nnx parameter until the attribute holding it names it


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


def _random_function_bias(init: Optional[Initializer]) -> bool:
    """A bias drawn with std >= 0.5 (`bias_init=normal(1.0)`): biases of networks meant to be trained start
    at zero or a small constant; an N(0, 1) bias beside an N(0, 1) kernel draws a random function (benchmark
    objectives, random features, NNGP/NTK priors), whose scale is the point."""
    if init is None or init.call_misuse:
        return False
    std = weight_std(init)
    return std is not None and std >= J.RANDOM_FUNCTION_BIAS_STD


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
