"""An abstract interpreter for forward()/call() bodies and model-building code.

It follows tensors through assignments, calls and operators, and records for every kernel node
what consumes its output: an activation, a normalization, another kernel, a residual addition, a
multiplication with another trainable factor, or the model's output. It is deliberately small:
unknown constructs make the consumer unknown (so rules stay silent), never a guess.
"""
from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst

from ..syntax import children
from .base import Adapter, loop_count
from .flows import FlowRecorder
from .values import (
    CONST,
    as_flow,
    element_of,
    flatten,
    merge,
    merge_all,
    merge_env,
    split_flow,
)
from .graph import (
    ActivationItem,
    AddItem,
    ChainItem,
    Flow,
    GroupItem,
    KernelItem,
    NormItem,
    OpaqueItem,
    ParamProduct,
    ParamRef,
    PassItem,
    Tap,
    input_flow,
)

MAX_INLINE_DEPTH = 3
SCRIPT_WEIGHT = "tensor"  # the name of a raw weight made by a factory call, until it is bound to a name


class Interpreter(FlowRecorder):
    def __init__(self, adapter: Adapter, resolver, attrs: Optional[Dict[str, object]] = None,
                 methods: Optional[Dict[str, cst.FunctionDef]] = None) -> None:
        self.adapter = adapter
        self.resolver = resolver
        self.attrs = attrs or {}
        self.methods = methods or {}
        self.depth = 0
        self.chains: List[ChainItem] = []  # Sequential models built in the code read
        self.receiver: Optional[str] = None  # what the method being read calls its instance

    # ----- entry points -----
    def run_function(self, function: cst.FunctionDef, args: Optional[list] = None,
                     keywords: Optional[dict] = None) -> object:
        env: Dict[str, object] = {}
        keywords = keywords or {}
        params = list(function.params.posonly_params) + list(function.params.params)
        outer = self.receiver
        if params and (params[0].name.value in ("self", "cls") or (self.methods and function in self.methods.values())):
            self.receiver = params[0].name.value  # a method: its first parameter is the instance
            params = params[1:]
        for index, param in enumerate(params):
            name = param.name.value
            if args is not None and index < len(args):
                env[name] = args[index]
            else:
                env[name] = keywords.get(name, input_flow())
        for param in function.params.kwonly_params:
            env[param.name.value] = keywords.get(param.name.value, input_flow())
        self.resolver.push(function)
        try:
            returned = self.run_block(function.body, env)
        finally:
            self.resolver.pop()
            self.receiver = outer
        return returned

    def is_receiver(self, node) -> bool:
        return self.receiver is not None and isinstance(node, cst.Name) and node.value == self.receiver

    def run_module(self, module: cst.Module) -> None:
        env: Dict[str, object] = {}
        self.run_statements(module.body, env)

    def finish_chains(self) -> None:
        """Standalone Sequential models: their last layer is the model output."""
        for chain in list(self.chains):
            if chain.standalone and not chain.applied:
                self.mark_return(self.apply(chain, input_flow(chain.width)))

    # ----- statements -----
    def run_block(self, block, env) -> object:
        if isinstance(block, cst.SimpleStatementSuite):
            return self.run_statements(block.body, env)
        return self.run_statements(block.body, env)

    def run_statements(self, statements, env) -> object:
        returned = None
        for statement in statements:
            value = self.run_statement(statement, env)
            if value is not None:
                returned = value if returned is None else merge(returned, value)
        return returned

    def run_statement(self, statement, env) -> object:
        if isinstance(statement, cst.SimpleStatementLine):
            returned = None
            for small in statement.body:
                value = self.run_small(small, env)
                if value is not None:
                    returned = value
            return returned
        if isinstance(statement, cst.If):
            self.eval(statement.test, env)
            branch_env = dict(env)
            returned = self.run_block(statement.body, branch_env)
            other_env = dict(env)
            if statement.orelse is not None:
                orelse = statement.orelse
                if isinstance(orelse, cst.If):
                    other = self.run_statement(orelse, other_env)
                else:
                    other = self.run_block(orelse.body, other_env)
                if other is not None:
                    returned = other if returned is None else merge(returned, other)
            merge_env(env, branch_env, other_env)
            return returned
        if isinstance(statement, cst.For):
            iterable = self.eval(statement.iter, env)
            element = element_of(iterable)
            self.bind(statement.target, element, env)
            loop_env = dict(env)
            returned = None
            previous = getattr(self.adapter, "repeat", 1)
            self.adapter.repeat = previous * (loop_count(statement.iter, self.resolver) or 1)  # layers built here
            try:
                for _ in range(2):  # twice: what one iteration produces feeds the next
                    value = self.run_block(statement.body, loop_env)
                    if value is not None:
                        returned = value
            finally:
                self.adapter.repeat = previous
            merge_env(env, loop_env, dict(env))
            return returned
        if isinstance(statement, cst.While):
            self.eval(statement.test, env)
            loop_env = dict(env)
            returned = self.run_block(statement.body, loop_env)
            merge_env(env, loop_env, dict(env))
            return returned
        if isinstance(statement, cst.With):
            for item in statement.items:
                self.eval(item.item, env)
            return self.run_block(statement.body, env)
        if isinstance(statement, cst.Try):
            returned = self.run_block(statement.body, env)
            for handler in statement.handlers:
                self.run_block(handler.body, dict(env))
            if statement.orelse is not None:
                self.run_block(statement.orelse.body, env)
            if statement.finalbody is not None:
                self.run_block(statement.finalbody.body, env)
            return returned
        return None  # nested functions and classes are read on their own

    def run_small(self, small, env) -> object:
        if isinstance(small, cst.Assign):
            value = self.eval(small.value, env)
            for target in small.targets:
                self.bind(target.target, value, env)
            return None
        if isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind(small.target, self.eval(small.value, env), env)
            return None
        if isinstance(small, cst.AugAssign):
            if isinstance(small.operator, cst.SubtractAssign) and _is_raw_weight(env.get(_name(small.target))):
                return None  # `w1 -= learning_rate * grad_w1`: a gradient step, not the forward pass
            left = self.eval(small.target, env)
            right = self.eval(small.value, env)
            self.bind(small.target, self.binary(small.operator, left, right), env)
            return None
        if isinstance(small, cst.Return):
            if small.value is None:
                return None
            if isinstance(small.value, cst.Dict):  # `return {"logits": logits, ...}`: every value is an output
                value = [self.eval(e.value, env) for e in small.value.elements if isinstance(e, cst.DictElement)]
                for element in small.value.elements:
                    if not isinstance(element, cst.DictElement):
                        self.consume_unknown(self.eval(element.value, env))
            else:
                value = self.eval(small.value, env)
            self.mark_return(value)
            return value if value is not None else CONST
        if isinstance(small, cst.Expr):
            self.eval(small.value, env)
        return None

    def bind(self, target, value, env) -> None:
        if isinstance(target, cst.Name):
            env[target.value] = value
            if isinstance(value, ParamRef) and value.node.name == SCRIPT_WEIGHT:
                value.node.name = target.value  # `w1 = torch.randn(..., requires_grad=True)`
            _name_layers(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind(element.value, split_flow(value), env)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, None, env)

    # ----- expressions -----
    def eval(self, node, env) -> object:
        if isinstance(node, cst.Name):
            if node.value in env:
                return env[node.value]
            if node.value in ("None", "True", "False"):
                return CONST
            binding = self.resolver.binding_at(node)
            if isinstance(binding, cst.Call):
                item = self.adapter.constructor(binding)
                if item is not None:
                    return item
            return input_flow()
        if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return CONST
        if isinstance(node, cst.Attribute):
            return self.eval_attribute(node, env)
        if isinstance(node, cst.Call):
            return self.eval_call(node, env)
        if isinstance(node, cst.BinaryOperation):
            left = self.eval(node.left, env)
            right = self.eval(node.right, env)
            return self.binary(node.operator, left, right)
        if isinstance(node, cst.UnaryOperation):
            value = self.eval(node.expression, env)
            return value
        if isinstance(node, cst.Subscript):
            return self.eval_subscript(node, env)
        if isinstance(node, (cst.Tuple, cst.List)):
            return [self.eval(element.value, env) for element in node.elements]
        if isinstance(node, cst.IfExp):
            self.eval(node.test, env)
            return merge(self.eval(node.body, env), self.eval(node.orelse, env))
        if isinstance(node, cst.Await):
            return self.eval(node.expression, env)
        # Anything else: evaluate the calls inside for their effects, and know nothing of the result.
        for child in children(node):
            if isinstance(child, cst.BaseExpression):
                self.consume_unknown(self.eval(child, env))
        return None

    def eval_attribute(self, node: cst.Attribute, env) -> object:
        receiver = node.value
        if self.is_receiver(receiver):
            value = self.attrs.get(node.attr.value)
            if value is not None:
                return value
            return None
        base = self.eval(receiver, env)
        if isinstance(base, Flow):
            if node.attr.value in ("T", "mT", "data"):
                return base
            return None  # x.shape, x.dtype...
        if isinstance(base, ParamRef) and node.attr.value in ("T", "mT"):
            return transposed(base)
        if isinstance(base, (ParamRef, ParamProduct)) and node.attr.value in ("T", "mT", "data"):
            return base
        if isinstance(base, list) and len(base) == 1:
            return base[0]
        return None

    def eval_subscript(self, node: cst.Subscript, env) -> object:
        base = self.eval(node.value, env)
        if isinstance(base, (ChainItem, GroupItem)):
            index = None
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                index = self.resolver.number(node.slice[0].slice.value)
            if index is not None and index == int(index):
                try:
                    return base.items[int(index)]
                except IndexError:
                    return OpaqueItem()
            return GroupItem(list(base.items))
        if isinstance(base, Flow):
            return base
        if isinstance(base, list):
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                index = self.resolver.number(node.slice[0].slice.value)
                if index is not None and index == int(index) and -len(base) <= int(index) < len(base):
                    return base[int(index)]
            return merge_all(base)
        return base if isinstance(base, ParamRef) else None

    def eval_call(self, call: cst.Call, env) -> object:
        func = call.func
        # Constructors of layers and containers.
        item = self.adapter.constructor(call)
        if item is not None:
            if isinstance(item, ChainItem) and item not in self.chains:
                self.chains.append(item)
            return item
        op = self.adapter.tensor_op(call)
        if op is not None:
            return self.eval_op(op, call, env)
        # self.method(...) of the class being read: inline it.
        if (isinstance(func, cst.Attribute) and self.is_receiver(func.value)
                and func.attr.value in self.methods and func.attr.value not in self.attrs):
            args = [self.eval(a.value, env) for a in call.args if a.keyword is None and not a.star]
            keywords = {a.keyword.value: self.eval(a.value, env) for a in call.args if a.keyword is not None}
            if self.depth >= MAX_INLINE_DEPTH:
                return self.opaque(args + list(keywords.values()))
            self.depth += 1
            try:
                returned = self.run_function(self.methods[func.attr.value], args, keywords)
            finally:
                self.depth -= 1
            return returned if returned is not None else input_flow()
        if isinstance(func, cst.Attribute) and self.is_receiver(func.value) and func.attr.value in self.attrs:
            callee = self.attrs[func.attr.value]
            if isinstance(callee, ParamRef):
                return input_flow()
            if isinstance(callee, AddItem):
                return self.join(flatten([self.eval(a.value, env) for a in call.args]))
            return self.apply(callee, self._first_flow(call, env))
        # tensor.method(...)
        if isinstance(func, cst.Attribute):
            receiver = self.eval(func.value, env)
            if isinstance(receiver, (ChainItem, GroupItem, KernelItem, OpaqueItem)) and func.attr.value != "forward":
                self.adapter.on_item_call(receiver, call, env)
                for argument in call.args:
                    self.eval(argument.value, env)
                return None
            if isinstance(receiver, ParamRef) and _transposes(func.attr.value, call):
                return transposed(receiver)
            if isinstance(receiver, (ParamRef, ParamProduct)):
                op = self.adapter.method_op(func.attr.value, call)
                args = [self.eval(a.value, env) for a in call.args]
                if op is not None and op[0] in ("pass", "norm"):
                    return self.apply_op(op, [receiver] + args)  # w.t(), w.view(...): still the weight
                if op is not None and op[0] == "meta":
                    return input_flow()
                receiver = as_flow(receiver)
                return self.apply_op(op, [receiver] + args) if op is not None else self.opaque([receiver] + args)
            if isinstance(receiver, Flow):
                op = self.adapter.method_op(func.attr.value, call)
                args = [self.eval(a.value, env) for a in call.args]
                if op is not None:
                    return self.apply_op(op, [receiver] + args)
                return self.opaque([receiver] + args)
            if isinstance(receiver, (KernelItem, ChainItem, GroupItem)) and func.attr.value == "forward":
                return self.apply(receiver, self._first_flow(call, env))
        callee = self.eval(func, env) if not isinstance(func, cst.Name) or func.value in env else None
        if isinstance(callee, (KernelItem, ActivationItem, NormItem, PassItem, ChainItem, GroupItem, OpaqueItem, AddItem)):
            if isinstance(callee, AddItem):
                values = [self.eval(a.value, env) for a in call.args]
                return self.join(flatten(values))
            return self.apply(callee, self._first_flow(call, env))
        # An unknown function: whatever it receives is used in an unknown way, and may come out again
        # (a cache update, a helper): later joins and gates still count, activations do not.
        values = [self.eval(argument.value, env) for argument in call.args]
        return self.opaque(values)

    def _first_flow(self, call: cst.Call, env) -> Flow:
        values = [self.eval(a.value, env) for a in call.args]
        first = values[0] if values else None
        for value in values[1:]:
            self.consume_unknown(value)
        if isinstance(first, list):
            first = merge_all(first)
        if isinstance(first, ParamRef):
            return Flow(frozenset({Tap(first.node)}))
        return first if isinstance(first, Flow) else input_flow()

    def eval_op(self, op: tuple, call: cst.Call, env) -> object:
        kind = op[0]
        if kind == "item":
            return self.apply(op[1], self._first_flow(call, env))
        if kind == "input":
            for argument in call.args:
                self.eval(argument.value, env)
            return input_flow(op[1])
        if kind == "model":
            outputs = None
            positional = [a for a in call.args if a.keyword is None]
            for argument in call.args:
                if argument.keyword is not None and argument.keyword.value == "outputs":
                    outputs = argument.value
            if outputs is None and len(positional) > 1:
                outputs = positional[1].value
            if outputs is not None:
                self.mark_return(self.eval(outputs, env))
            return OpaqueItem()
        values = [self.eval(a.value, env) for a in call.args if not a.star or True]
        return self.apply_op(op, values)

    def apply_op(self, op: tuple, values: list) -> object:
        kind = op[0]
        if kind == "meta":
            return input_flow()
        flows = [v for v in values if isinstance(v, (Flow, ParamRef, list))]
        if kind == "periodic":  # sin/cos of x @ W: W is a Fourier-feature projection
            for tap in (as_flow(values[0]).taps if values and as_flow(values[0]) is not None else ()):
                if tap.node is not None:
                    tap.node.fourier = True
            return input_flow()
        if kind in ("act", "norm", "pass"):
            first = values[0] if values else None
            if isinstance(first, list):
                first = merge_all(first)
            if isinstance(first, (ParamRef, ParamProduct)):
                if kind == "norm" and isinstance(first, ParamRef):
                    first.node.rescaled = True  # F.normalize(self.weight): weight normalization (G7)
                    return first
                if kind == "pass":
                    return first
            if not isinstance(first, Flow):
                return input_flow()
            for value in values[1:]:
                if kind != "pass":
                    self.consume_unknown(value)
            item = ActivationItem(op[1]) if kind == "act" else NormItem() if kind == "norm" else PassItem()
            return self.apply(item, first)
        if kind == "add":
            return self.join(flatten(values))
        if kind == "mul":
            return self.binary(cst.Multiply(), values[0] if values else None, values[1] if len(values) > 1 else None)
        if kind == "matmul":
            return self.matmul(values[0] if values else None, values[1] if len(values) > 1 else None)
        if kind == "lookup":
            table = values[1] if len(values) > 1 else None
            if isinstance(table, ParamRef):
                table.node.applied = True
                table.node.embedding = True
                return Flow(frozenset({Tap(table.node)}))
            return input_flow()
        if kind == "linear":
            x = values[0] if values else None
            weight = values[1] if len(values) > 1 else None
            return self.matmul(x, weight, transposed=True)
        if kind == "conv":
            return self.conv(values[0] if values else None, values[1] if len(values) > 1 else None)
        if kind == "contract":  # einsum("bi,ij->bj", x, w): which axis is the fan-in, the equation says
            operands = [v for v in values[1:] if v is not None and v is not CONST]
            if len(operands) == 2:
                return self.matmul(operands[0], operands[1], axes_known=False)
        for value in flows:
            self.consume_unknown(value)
        return input_flow()


def _name(node) -> Optional[str]:
    return node.value if isinstance(node, cst.Name) else None


def _is_raw_weight(value) -> bool:
    """A raw weight, also once scaled (`w2 = torch.randn(h, o) / math.sqrt(h)`)."""
    if isinstance(value, ParamRef):
        return True
    if not isinstance(value, Flow):
        return False
    nodes = [tap for tap in value.taps if tap.node is not None]  # `math.sqrt(h)` reads as an unknown input
    return bool(nodes) and all(tap.node.kind == "Parameter" and tap.act is None for tap in nodes)


def _name_layers(name: str, value) -> None:
    """Messages say `linear1`, `model[0]` for layers a script binds to names, not only their kind."""
    if isinstance(value, KernelItem) and value.node.name == value.node.kind:
        value.node.name = name
    elif isinstance(value, (ChainItem, GroupItem)):
        for index, child in enumerate(value.items):
            if isinstance(child, KernelItem) and child.node.name == child.node.kind:
                child.node.name = f"{name}[{index}]"
def transposed(ref: ParamRef) -> ParamRef:
    """`w.T` / `w.t()`: the same parameter with its axes swapped (for the fan-in axis)."""
    return ParamRef(ref.node, not ref.transposed)


def _transposes(method: str, call: cst.Call) -> bool:
    """`w.t()`, `w.transpose(0, 1)` / `(-1, -2)`: a 2-D transpose."""
    if method == "t":
        return not call.args
    if method in ("transpose", "swapaxes"):
        return len(call.args) == 2
    return False

