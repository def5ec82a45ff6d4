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
    # Product decision 7: its output feeds another kernel (through an activation): a hidden layer for sure.
    proven_hidden: bool = False
    deliberate_name: bool = False  # G5: its name says a zero/constant start may be deliberate


@dataclass(frozen=True)
class KernelSite:
    """One initializer expression that sets one or several kernels."""

    framework: str  # "keras", "torch"
    init: Initializer
    anchor: object  # the syntax node the diagnostic points at: the initializer expression
    layers: Tuple[LayerContext, ...] = ()
    shared: bool = False  # one call covers every layer of a type (apply / modules loop)
    ndim: Optional[int] = None  # of the tensor, when known (raw parameters)
    deliberate_name: bool = False  # G5: the init call's target is named like a deliberate zero (layers unknown)

