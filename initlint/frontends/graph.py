"""The layer graph a frontend builds: kernel nodes, the callables that transform tensors, and flows.

A *node* is one kernel layer instance (a Keras `Dense`, a torch `nn.Linear`, a raw weight
`nn.Parameter`). An *item* is what a callable denotes (a kernel layer, an activation, a norm, a
container). A *flow* is the set of kernel outputs a tensor value still carries directly, so that
the next operation applied to it can be recorded as that kernel's consumer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from ..facts import (
    HIDDEN,
    LINEAR,
    OUTPUT,
    PARTNER,
    RESIDUAL,
    UNKNOWN,
    Activation,
    Initializer,
)


@dataclass
class InitRecord:
    init: Initializer
    anchor: object
    order: Tuple[int, int]  # source position of the statement that applies it; later wins
    shared: bool = False  # one call that covers every layer of a type
    group: object = None  # identity of the init call, for shared sites
    ndim: Optional[int] = None
    alternatives: tuple = ()  # a loop over a table of initializers: one record per entry, each its own site
    confidence: str = "certain"  # facts.CERTAIN / LIKELY / HEURISTIC: how the frontend knows it applies
    slot: str = ""  # which of a layer's kernels it sets ("pointwise_initializer"): each slot has its own effective init


class ChoiceEntry:
    """The group of the records one entry of a choice makes (`init_fn = nn.init.normal_` picked by an
    option, then `init_fn(self.fc1.weight)`, `init_fn(self.fc2.weight)`): one site at the entry."""


class Node:
    """One kernel layer instance."""

    def __init__(self, name: str, kind: str, fan_in=None, fan_out=None, activation: Optional[Activation] = None,
                 embedding: bool = False, frozen: bool = False, bias: str = "unknown", width_out=None, shape=None) -> None:
        self.name = name
        self.kind = kind
        self.fan_in = fan_in
        self.fan_out = fan_out
        self.builtin_activation = activation
        self.embedding = embedding
        self.frozen = frozen
        self.bias = bias
        self.width_out = width_out
        self.shape = shape  # raw parameters: the tensor's shape
        self.fan_in_axis = None  # raw parameters: the shape index of the fan-in, from how it is used
        self.inits: List[InitRecord] = []
        self.activations: set = set()
        self.norm_after = False
        self.next_kernels: set = set()
        self.fed_directly_by: set = set()
        self.partners: set = set()
        # Partners met only through a function of their value (`out * torch.exp(self.scale * 3)`): a
        # zero partner there is not a zero factor (exp(0) = 1), so it never makes a deadlock.
        self.shifted_partners: set = set()
        # Kernels its raw output feeds with nothing in between (`x @ A.T @ B.T`): a linear composition,
        # where a zero factor still gets a gradient through the random one (G4).
        self.feeds_directly: set = set()
        self.proven_next: set = set()  # next kernels reached through known operations only
        self.output = False
        self.residual = False
        self.unknown_use = False
        self.applied = False
        self.gated = False  # its output multiplies another tensor (a gate): the product breaks symmetry
        self.rescaled = False  # G7: the weight or its output is normalized or rescaled at run time
        self.fourier = False  # its output feeds sin/cos: Fourier features, the scale is a chosen bandwidth
        # Chains (facts.Chain): how its output reaches each next kernel (facts.THROUGH_*), the
        # framework's default initializer when the code gives none, the constructor call a
        # default is reported at, and how many layers the node stands for (built in a loop).
        self.links: dict = {}
        self.default_init: Optional[Initializer] = None
        self.constructor = None
        self.repeat = 1

    def __repr__(self) -> str:
        return f"Node({self.name!r}, {self.kind})"

    # What the frontend learned, as facts.
    def activation(self) -> Optional[Activation]:
        if self.builtin_activation is not None:
            return self.builtin_activation
        if self.unknown_use or not self.applied:
            return None
        families = {a.family for a in self.activations}
        if len(families) == 1:
            # the same whatever PYTHONHASHSEED: the set's order is not
            return min(self.activations, key=lambda a: (a.display, repr(a.slope)))
        if not self.activations and (self.next_kernels or self.residual or self.partners or self.output):
            return Activation(LINEAR, "no activation")
        return None

    def role(self) -> str:
        if self.residual:
            return RESIDUAL
        if self.partners or self.fed_directly_by or self.feeds_directly or self.gated:
            return PARTNER
        if self.output and not self.next_kernels:
            return OUTPUT
        if self.next_kernels or (self.activations and not self.unknown_use):
            return HIDDEN
        return UNKNOWN

    def effective_init(self) -> Optional[InitRecord]:
        return max(self.inits, key=lambda record: record.order) if self.inits else None

    def effective_inits(self) -> List[InitRecord]:
        """The inits in effect for each kernel of the layer (a separable conv has two): the latest in
        reading order, all of them when branches of an `if` left several at the same point."""
        latest: dict = {}
        for record in self.inits:
            if record.slot not in latest or record.order > latest[record.slot][0].order:
                latest[record.slot] = [record]
            elif record.order == latest[record.slot][0].order and record not in latest[record.slot]:
                latest[record.slot].append(record)
        return [record for records in latest.values() for record in records]


# Items: what a callable denotes.
@dataclass(eq=False)
class Item:
    pass


@dataclass(eq=False)
class KernelItem(Item):
    node: Node


@dataclass(eq=False)
class ActivationItem(Item):
    activation: Activation


@dataclass(eq=False)
class NormItem(Item):
    pass


@dataclass(eq=False)
class PassItem(Item):
    pass


@dataclass(eq=False)
class ChainItem(Item):
    """Applies its items in order (Sequential)."""

    items: list = field(default_factory=list)
    standalone: bool = True  # not a sub-module: its last layer is a model output
    width: Optional[int] = None  # input width, from an Input(shape=...) or input_shape=
    applied: bool = False


@dataclass(eq=False)
class GroupItem(Item):
    """Any one of its items (a ModuleList iterated in a loop)."""

    items: list = field(default_factory=list)


@dataclass(eq=False)
class AddItem(Item):
    """Keras Add()/add([...]): joins branches."""


@dataclass(eq=False)
class OpaqueItem(Item):
    """A module we know nothing about."""


@dataclass(eq=False)
class ParamRef:
    """A raw weight parameter used directly in a matmul; `transposed` after `.t()` / `.T`, which
    swaps the axis a matmul takes the fan-in from."""

    node: Node
    transposed: bool = False


@dataclass(eq=False)
class ParamProduct:
    """A product of raw weight parameters (`self.B @ self.A`): a factored kernel."""

    nodes: list


@dataclass(frozen=True)
class Tap:
    node: Optional[Node]  # None: a tensor from elsewhere (an input)
    normed: bool = False
    act: Optional[Activation] = None
    shifted: bool = False  # passed through a function we do not know: a zero may no longer be 0


INPUT_TAP = Tap(None)


@dataclass(frozen=True)
class Flow:
    taps: frozenset
    width: Optional[int] = None  # last-dimension size, when known

    def union(self, other: "Flow") -> "Flow":
        return Flow(self.taps | other.taps, self.width if self.width == other.width else None)


def input_flow(width: Optional[int] = None) -> Flow:
    return Flow(frozenset({INPUT_TAP}), width)


def kernel_nodes(item, seen=None) -> List[Node]:
    """Every kernel node inside an item, in order."""
    seen = set() if seen is None else seen
    if id(item) in seen:
        return []
    seen.add(id(item))
    if isinstance(item, KernelItem):
        return [item.node]
    if isinstance(item, (ChainItem, GroupItem)):
        nodes = []
        for child in item.items:
            nodes.extend(kernel_nodes(child, seen))
        return nodes
    return []


__all__ = [
    "InitRecord", "Node", "Item", "KernelItem", "ActivationItem", "NormItem", "PassItem", "ChainItem", "GroupItem",
    "AddItem", "OpaqueItem", "ParamRef", "ParamProduct", "Tap", "Flow", "INPUT_TAP", "input_flow", "kernel_nodes",
    "HIDDEN", "OUTPUT", "PARTNER", "RESIDUAL", "UNKNOWN", "ChoiceEntry",
]
