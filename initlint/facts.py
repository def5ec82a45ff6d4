"""Framework-neutral facts that frontends extract and rules judge.

A frontend describes *what the code does* (this kernel is initialized with N(0, 1), its output
feeds a ReLU, it is the model's output); it never decides whether that is a bug. Rules read only
these objects.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

# Initializer kinds.
CONSTANT = "constant"  # every entry the same value (zeros are value 0.0)
NORMAL = "normal"
TRUNCATED_NORMAL = "truncated_normal"  # not variance-corrected: actual std ~0.88 x stddev
UNIFORM = "uniform"
VARIANCE_SCALING = "variance_scaling"  # glorot / lecun / he / kaiming / xavier
ORTHOGONAL = "orthogonal"
IDENTITY = "identity"  # identity, eye, dirac
UNINITIALIZED = "uninitialized"
OTHER = "other"

TRUNC_STD_FACTOR = 0.87962566  # std of N(0,1) truncated at +-2 sigma

# Activation families.
RELU = "relu"
LEAKY = "leaky"
RELU_LIKE = "relu_like"  # elu, gelu, silu, mish, softplus...
SELU = "selu"
TANH = "tanh"
SIGMOID = "sigmoid"
LINEAR = "linear"
SOFTMAX = "softmax"

# Roles of a kernel layer in the model.
HIDDEN = "hidden"
OUTPUT = "output"
RESIDUAL = "residual"  # end of a residual branch (G3)
PARTNER = "partner"  # multiplied with another trainable factor (G4)
UNKNOWN = "unknown"

# How sure a fact is (init-knowledge 5.5.6); the engine lowers a finding's severity by it.
CERTAIN = "certain"  # literal values, resolved names, resolved activation
LIKELY = "likely"  # one level of indirection (an init method nothing is seen to call)
HEURISTIC = "heuristic"  # a name alone (an attribute judged a layer because of its name)
CONFIDENCES = (CERTAIN, LIKELY, HEURISTIC)


@dataclass(frozen=True)
class Span:
    """1-based rows and columns; the end is exclusive, as in ruff's JSON."""

    row: int
    column: int
    end_row: int
    end_column: int


@dataclass(frozen=True)
class Initializer:
    """A weight initializer with its parameters made explicit (defaults filled in).

    Numbers are None when they are not statically known.
    """

    kind: str
    display: str  # how the user wrote it, shortened: "RandomNormal(stddev=1.0)"
    family: str = ""  # "glorot", "lecun", "he", "kaiming", "xavier" for variance scaling
    value: Optional[float] = None  # constant
    mean: Optional[float] = None  # normal / truncated normal
    stddev: Optional[float] = None
    minval: Optional[float] = None  # uniform
    maxval: Optional[float] = None
    scale: Optional[float] = None  # variance scaling: Var(W) = scale / n_mode
    mode: str = "fan_in"  # fan_in / fan_out / fan_avg
    distribution: str = ""  # normal / truncated_normal / uniform
    gain: Optional[float] = None  # orthogonal / identity
    nonlinearity: Optional[str] = None  # torch kaiming: the declared activation
    alternative_stddev: Optional[float] = None  # TF1 vs TF2 default, when the version is unknown
    unscaled_factory: bool = False  # a bare torch.randn / tf.random_normal tensor factory
    # Where a value comes from when the init call only names a parameter: "constant_weight=0 from
    # Net(constant_weight=0)" (the display says it too); messages that omit the display show it.
    origin: str = ""
    # uniform: `maxval` is not known but is positive by its form (JAX `uniform(scale=1 / math.sqrt(n))`)
    positive_maxval: bool = False
    # constant: `value` is not known, but the API takes one scalar (`w.fill_(np.random.randn() * 10)`),
    # so every entry is still equal
    unknown_scalar: bool = False
    # IL403: "uncalled" (a factory passed uncalled: `normal` for `normal()`), "called" (an initializer
    # called: `zeros()`); "_arguments" appended when adding or removing the call needs arguments too.
    call_misuse: str = ""


@dataclass(frozen=True)
class Activation:
    family: str
    display: str  # "ReLU", "torch.sigmoid", "'tanh'"
    slope: Optional[float] = None  # leaky


@dataclass(frozen=True)
class LayerContext:
    """One kernel layer covered by an init site, with what surrounds it in the model."""

    name: str  # "fc1", "Dense", "body[2]"
    kind: str  # "Dense", "Linear", "Conv2d", "Parameter"
    activation: Optional[Activation] = None  # None: not known
    norm_after: bool = False  # G8: a normalization layer sits between it and the activation
    role: str = UNKNOWN
    fan_in: Optional[int] = None
    fan_out: Optional[int] = None
    embedding: bool = False  # G10: lookup table, effective fan-in 1
    frozen: bool = False  # G6
    bias: str = "unknown"  # zero / positive / negative / random / none / unknown
    constant_neighbour: bool = False  # an adjacent kernel layer is zero or constant too
    partner_constant: bool = False  # its multiplicative partner is zero as the product sees it (deadlock)
    first_layer: bool = False
    fan_in_axis: Optional[int] = None  # raw parameters: which dimension of the shape is the fan-in
    rescaled: bool = False  # G7: weight normalization / runtime scale: the init's scale does not matter
    repeat: int = 1  # how many identical layers it stands for (built in a loop of known length)
    chain: Optional["Chain"] = None  # the longest norm-free, residual-free chain of kernel layers through it
    chain_position: Optional[int] = None  # its index in `chain.links`
    # Product decision 7: its output feeds another kernel (through an activation): a hidden layer for sure.
    proven_hidden: bool = False
    deliberate_name: bool = False  # G5: its name says a zero/constant start may be deliberate


# How one kernel layer's output reaches the next kernel layer (an edge of the model).
THROUGH_ACTIVATION = "activation"
THROUGH_NORM = "norm"  # breaks a chain: the norm's output does not depend on the weights' scale
DIRECT = "direct"  # no operation in between (a factored kernel, a linear stack)
# A residual join (x + f(x)) and a gate (g * x) also end a chain; no edge leaves them.


@dataclass(frozen=True)
class ChainLink:
    """One kernel layer of a chain, with what decides its variance ratio.

    `init` is the initializer in effect: the one the code gives, or the framework's default when it
    gives none (`implicit`); None when some init code may reach the layer but where is not known.
    """

    name: str
    kind: str
    init: Optional[Initializer]
    implicit: bool = False
    activation: Optional[Activation] = None
    fan_in: Optional[int] = None
    fan_out: Optional[int] = None
    repeat: int = 1
    output: bool = False  # the model's output layer (the chain's end, judged by nobody)


@dataclass(frozen=True)
class Chain:
    """A maximal sequence of kernel layers with no normalization and no residual join between them
    (each fed by the previous one, through an activation or directly)."""

    links: Tuple[ChainLink, ...]

    @property
    def length(self) -> int:
        """Kernel layers in the chain, a layer built in a loop counted once per iteration."""
        return sum(link.repeat for link in self.links)


@dataclass(frozen=True)
class KernelSite:
    """One initializer expression that sets one or several kernels."""

    framework: str  # "keras", "torch"
    init: Initializer
    anchor: object  # the syntax node the diagnostic points at: the initializer expression
    layers: Tuple[LayerContext, ...] = ()
    shared: bool = False  # one call covers every layer of a type (apply / modules loop)
    ndim: Optional[int] = None  # of the tensor, when known (raw parameters)
    confidence: str = CERTAIN
    # The init is the framework's default for a layer that the code gives none (the anchor is the
    # layer's constructor call). Only rules that judge defaults (`Rule.judges_implicit`) see it.
    implicit: bool = False
    deliberate_name: bool = False  # G5: the init call's target is named like a deliberate zero (layers unknown)


# ApiUse kinds: one use of a framework API that rules judge by itself, without a layer.
DEPRECATED_ALIAS = "deprecated_alias"  # nn.init.normal(w): `replacement` is the current name
NONLINEARITY_ARGUMENT = "nonlinearity_argument"  # a gain/kaiming nonlinearity: `value` as written
VECTOR_INIT = "vector_init"  # a fan-based initializer applied to a rank <= 1 tensor (a bias)
UNAPPLIED_INIT = "unapplied_init"  # an init method nothing in the file calls or applies
UNINITIALIZED_VECTOR = "uninitialized_vector"  # a rank-1 parameter from uninitialized memory


@dataclass(frozen=True)
class ApiUse:
    """One use of an API that is judged on its own (a name, an argument, a method)."""

    framework: str
    kind: str
    anchor: object  # the syntax node the diagnostic points at
    display: str  # how the user wrote it, shortened
    value: Optional[str] = None  # NONLINEARITY_ARGUMENT: the string, None when not a string literal
    replacement: Optional[str] = None  # DEPRECATED_ALIAS: the current name
    target: str = ""  # what it applies to: "self.fc.bias", the class of a method
    valid_values: Tuple[str, ...] = ()  # NONLINEARITY_ARGUMENT: what the API accepts
    confidence: str = CERTAIN


@dataclass(frozen=True)
class SuppressionComment:
    """A `# noqa` / `# initlint: ignore` comment and the codes that suppressed something on its row.

    Made by the engine after the other rules ran; `span` covers the comment (and the blank space
    before it) so that removing it leaves the code as it was.
    """

    row: int
    span: Span
    text: str
    codes: Tuple[str, ...]  # listed codes; () for a bare comment
    used: Tuple[str, ...]  # codes of diagnostics it suppressed
    known: Tuple[str, ...] = ()  # the rule codes initlint has
    enabled: Tuple[str, ...] = ()  # the codes that ran
    framework: str = ""
    anchor: object = None
    confidence: str = CERTAIN

