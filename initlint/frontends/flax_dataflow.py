"""The JAX frontend's dataflow: what Flax and Haiku code adds to the shared interpreter (nnx `.value`,
runtime fan-in scales, `lax.conv_general_dilated` kernels, one-hot and `jnp.take` lookups, dense layers
on a scalar feature, raw random matrices, layers applied only to make their parameters)."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..knowledge import jax as J
from ..resolve import arg, positional
from .dataflow import Interpreter
from .graph import ChainItem, Flow, KernelItem, ParamProduct, ParamRef, Tap, input_flow
from .values import CONST, params_of

DEFAULT_LAYOUT = "OI..."  # lax convolutions without dimension_numbers: the kernel is (out, in, *spatial)


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


def _is_half(node) -> bool:
    """`0.5` or `-0.5` (an exponent that takes a square root)."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, cst.Float) and node.value in ("0.5", ".5")
