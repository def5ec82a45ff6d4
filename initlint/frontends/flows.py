"""What the dataflow interpreter records on the layer graph when a value meets an item (a layer,
an activation, a norm, a container) or an operator (`+` joins branches, `*` gates or scales,
`@` applies a raw weight): the consumers of every kernel's output, which become the facts.
"""
from __future__ import annotations

from typing import List

import libcst as cst

from ..facts import CONSTANT, DIRECT, THROUGH_ACTIVATION, THROUGH_NORM, Activation
from .graph import (
    INPUT_TAP,
    ActivationItem,
    AddItem,
    ChainItem,
    Flow,
    GroupItem,
    KernelItem,
    Node,
    NormItem,
    ParamProduct,
    ParamRef,
    PassItem,
    Tap,
    input_flow,
)
from .values import CONST, as_flow, merge, params_of


class FlowRecorder:
    """The graph-recording half of the interpreter (`dataflow.Interpreter` walks the code)."""

    chains: List[ChainItem]

    # ----- applying items -----
    def apply(self, item, flow: Flow) -> Flow:
        if isinstance(item, KernelItem):
            node = item.node
            node.applied = True
            for tap in flow.taps:
                self._feed(tap, node)
            if flow.width is not None and node.fan_in is None and node.kind == "Dense":
                node.fan_in = flow.width
            out = Flow(frozenset({Tap(node)}), node.width_out)
            if node.builtin_activation is not None and node.builtin_activation.family != "linear":
                node.activations.add(node.builtin_activation)
                out = Flow(frozenset({Tap(node, False, node.builtin_activation)}), node.width_out)
            return out
        if isinstance(item, ActivationItem):
            taps = set()
            for tap in flow.taps:
                if tap.node is not None and tap.act is None:
                    tap.node.activations.add(item.activation)
                    if tap.normed:
                        tap.node.norm_after = True
                    taps.add(Tap(tap.node, tap.normed, item.activation, tap.shifted))
                else:
                    taps.add(tap)
            return Flow(frozenset(taps), flow.width)
        if isinstance(item, NormItem):
            taps = set()
            for tap in flow.taps:
                if tap.node is not None and tap.act is None:
                    tap.node.norm_after = True
                taps.add(Tap(tap.node, True, tap.act, tap.shifted))
            return Flow(frozenset(taps), flow.width)
        if isinstance(item, PassItem):
            return flow
        if isinstance(item, ChainItem):
            item.applied = True
            for child in item.items:
                flow = self.apply(child, flow)
            return flow
        if isinstance(item, GroupItem):
            result = None
            for child in item.items:
                out = self.apply(child, flow)
                result = out if result is None else result.union(out)
            return result if result is not None else flow
        if isinstance(item, AddItem):
            return self.join([flow])
        self.consume_unknown(flow)
        return input_flow()

    def _feed(self, tap: Tap, node: Node) -> None:
        source = tap.node
        if source is None:
            return
        through = THROUGH_NORM if tap.normed else THROUGH_ACTIVATION if tap.act is not None else DIRECT
        if source.links.get(node) not in (DIRECT, THROUGH_ACTIVATION):
            source.links[node] = through  # one norm-free path is enough for the chain to go on
        if source is node:
            return  # a loop feeding a layer's output back into it: its iterations form a chain (facts.Chain)
        source.next_kernels.add(node)
        if not tap.shifted:
            source.proven_next.add(node)  # through known operations only: a hidden layer for sure
        if tap.act is None and not tap.normed:
            source.activations.add(Activation("linear", "no activation"))
            node.fed_directly_by.add(source)

    def opaque(self, values: list) -> Flow:
        """The result of an unknown call: its tensor arguments, used in an unknown way."""
        result = None
        for value in values:
            self.consume_unknown(value)
            flow = as_flow(value) if not isinstance(value, (ParamRef, ParamProduct)) else None
            if flow is not None:
                result = flow if result is None else result.union(flow)
        if result is None:
            return input_flow()
        shifted = frozenset(Tap(t.node, t.normed, t.act, True) if t.node is not None else t for t in result.taps)
        return Flow(shifted | {INPUT_TAP}, None)

    def consume_unknown(self, value) -> None:  # noqa: C901
        if isinstance(value, Flow):
            for tap in value.taps:
                if tap.node is not None and tap.act is None:
                    tap.node.unknown_use = True
        elif isinstance(value, list):
            for element in value:
                self.consume_unknown(element)
        elif isinstance(value, ParamRef):
            value.node.unknown_use = True

    def mark_return(self, value) -> None:
        if isinstance(value, Flow):
            for tap in value.taps:
                if tap.node is not None:
                    tap.node.output = True
        elif isinstance(value, list):
            for element in value:
                self.mark_return(element)
        elif isinstance(value, ChainItem) and value in self.chains:
            pass  # a returned Sequential is finished with the others

    def join(self, values: list) -> Flow:
        """x + h: every direct kernel output that meets another tensor ends a residual branch."""
        flows = [as_flow(v) for v in values if not is_bias(v)]
        flows = [f for f in flows if f is not None]
        if len(flows) < 2:
            return flows[0] if flows else input_flow()
        for index, flow in enumerate(flows):
            for tap in flow.taps:
                # A norm between the branch end and the sum keeps the branch at 0 (bn3(conv3(x)) + x).
                if tap.node is not None and tap.act is None:
                    tap.node.residual = True
        return Flow(frozenset({INPUT_TAP}), flows[0].width)

    def binary(self, operator, left, right) -> object:
        if isinstance(operator, (cst.Add, cst.Subtract)):
            left_flow, right_flow = as_flow(left), as_flow(right)
            if is_bias(right) or is_bias(left):  # x @ W1 + b1: still W1's pre-activation
                flow, bias = (left_flow, right) if is_bias(right) else (right_flow, left)
                _record_bias(flow, bias.node)
                return flow or CONST
            if left_flow is not None and right_flow is not None:
                return self.join([left_flow, right_flow])
            return left_flow or right_flow or CONST
        if isinstance(operator, cst.MatrixMultiply):
            return self.matmul(left, right)
        if isinstance(operator, (cst.Multiply, cst.Divide)):
            left_flow, right_flow = as_flow(left), as_flow(right)
            if left_flow is not None and right_flow is not None:
                left_nodes = {t.node for t in left_flow.taps if t.node is not None}
                right_nodes = {t.node for t in right_flow.taps if t.node is not None}
                if left_nodes and right_nodes and isinstance(operator, cst.Multiply):
                    left_shifted = {t.node for t in left_flow.taps if t.node is not None and t.shifted}
                    right_shifted = {t.node for t in right_flow.taps if t.node is not None and t.shifted}
                    for a in left_nodes:
                        for b in right_nodes:
                            if a is not b:
                                a.partners.add(b)
                                b.partners.add(a)
                                if b in right_shifted:
                                    a.shifted_partners.add(b)
                                if a in left_shifted:
                                    b.shifted_partners.add(a)
                for node in left_nodes ^ right_nodes:
                    node.gated = True  # gate * x: each unit meets a different channel
                return left_flow.union(right_flow)
            flow = left_flow if left_flow is not None else right_flow
            if flow is not None:
                for tap in flow.taps:
                    if tap.node is not None and tap.act is None:
                        tap.node.rescaled = True  # G7: a runtime scale (weight_gain, 1/sqrt(fan_in))
                return flow
            return CONST
        left_flow = as_flow(left)
        if left_flow is not None:
            return left_flow  # x / c, x ** 2...
        right_flow = as_flow(right)
        return right_flow if right_flow is not None else CONST

    def conv(self, x, weight) -> object:
        """F.conv2d(x, W): W is (out, in/groups, *kernel); its fan-in is the product of all but the first."""
        for node in params_of(weight):
            shape = node.shape
            if node.fan_in is None and shape and len(shape) >= 3 and all(d is not None for d in shape[1:]):
                fan_in = 1
                for size in shape[1:]:
                    fan_in *= size
                node.fan_in = fan_in
        return self.matmul(x, weight, axes_known=False)

    def matmul(self, left, right, transposed: bool = False, axes_known: bool = True) -> object:
        """x @ W (W is (in, out)), F.linear(x, W) (W is (out, in)); A @ B between parameters."""
        left_params = params_of(left)
        right_params = params_of(right)
        if left_params and right_params:
            for a in left_params:
                for b in right_params:
                    if a is not b:
                        a.partners.add(b)
                        b.partners.add(a)
        if left_params and right_params:
            for node in left_params + right_params:
                node.applied = True
            return ParamProduct(left_params + right_params)  # B @ A: used as one kernel later
        weights = right_params or left_params
        for node in left_params + right_params:
            node.applied = True
        for node in weights if axes_known else ():
            if node.shape and len(node.shape) == 2 and node.fan_in_axis is None:
                # F.linear(x, W) and W @ x take the fan-in from axis 1, x @ W from axis 0; W.t() swaps.
                if transposed:
                    node.fan_in_axis = 0 if getattr(right, "transposed", False) else 1
                elif right_params and isinstance(right, ParamRef):
                    node.fan_in_axis = 1 if right.transposed else 0
                elif left_params and isinstance(left, ParamRef) and not right_params:
                    node.fan_in_axis = 0 if left.transposed else 1
                if node.fan_in_axis is not None:
                    node.fan_in = node.shape[node.fan_in_axis]
        data = as_flow(left) if right_params else as_flow(right)
        if data is not None:
            for tap in data.taps:
                for node in weights:
                    self._feed(tap, node)
                    if tap.node is not None and tap.node is not node and tap.act is None and not tap.normed:
                        tap.node.feeds_directly.add(node)  # F.embedding(x, A.T) @ B.T: a factored kernel (G4)
        if weights:
            return Flow(frozenset(Tap(n) for n in weights))
        return merge(as_flow(left), as_flow(right)) or input_flow()


def is_bias(value) -> bool:
    """A raw vector parameter (`b1 = nn.Parameter(torch.zeros(256))`, shape (1, C)): added to a kernel's
    output it is that kernel's bias, not a second branch (G12: never a kernel, so never a shortcut)."""
    if not isinstance(value, ParamRef) or value.node.shape is None:
        return False
    return sum(1 for size in value.node.shape if size != 1) <= 1


def _record_bias(flow, bias: Node) -> None:
    """The kind of bias a raw weight gets from `x @ W + b` (raw weights start as "none")."""
    record = bias.effective_init()
    if record is None:
        kind = "unknown"
    elif record.init.kind == CONSTANT and record.init.value is not None:
        value = record.init.value
        kind = "zero" if value == 0 else "positive" if value > 0 else "negative"
    elif record.init.kind == CONSTANT:
        kind = "constant"
    else:
        kind = "random"
    for tap in (flow.taps if flow is not None else ()):
        node = tap.node
        if node is not None and node is not bias and tap.act is None and node.kind == "Parameter" and node.bias == "none":
            node.bias = kind
