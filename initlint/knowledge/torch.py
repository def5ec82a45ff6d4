"""PyTorch tables: torch.nn.init, tensor idioms and factories, modules and activations (§1.6, §1.7)."""
from __future__ import annotations

import math
from typing import Optional

from ..facts import (
    CONSTANT,
    IDENTITY,
    LEAKY,
    LINEAR,
    NORMAL,
    ORTHOGONAL,
    RELU,
    RELU_LIKE,
    SELU,
    SIGMOID,
    SOFTMAX,
    TANH,
    TRUNCATED_NORMAL,
    UNIFORM,
    UNINITIALIZED,
    VARIANCE_SCALING,
)
from .spec import FactoryTable, InitSpec, build

PREFIXES = ("torch.",)  # what the torch frontend claims (frameworks.py)
VALID_NONLINEARITIES = {
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "sigmoid", "tanh", "relu", "leaky_relu", "selu",
}


def calculate_gain(nonlinearity: str, param: Optional[float] = None) -> Optional[float]:
    """torch.nn.init.calculate_gain; None for strings torch rejects."""
    if nonlinearity in ("linear", "sigmoid") or nonlinearity.startswith(("conv1d", "conv2d", "conv3d", "conv_transpose")):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    return None


def _kaiming(fields):
    nonlinearity = fields.get("nonlinearity")
    slope = fields.pop("a", 0.0)
    gain = None
    if isinstance(nonlinearity, str):
        gain = calculate_gain(nonlinearity, slope if nonlinearity == "leaky_relu" else None)
    fields["scale"] = gain * gain if gain is not None and slope is not None else None
    return fields


def _gain_squared(fields):
    gain = fields.get("gain")
    fields["scale"] = gain * gain if gain is not None else None
    return fields


def _vs(family, mode, distribution, adjust, params, defaults):
    return InitSpec(
        VARIANCE_SCALING,
        params,
        defaults,
        fixed={"family": family, "distribution": distribution, **({"mode": mode} if mode else {})},
        adjust=adjust,
    )


_KAIMING_PARAMS = ("a", "mode", "nonlinearity", "generator")
_KAIMING_DEFAULTS = {"a": 0.0, "mode": "fan_in", "nonlinearity": "leaky_relu"}

# torch.nn.init functions (the tensor argument excluded). The deprecated aliases without the
# trailing underscore behave the same (they warn, then call these).
INIT_FUNCTIONS = {
    "uniform_": InitSpec(UNIFORM, ("a", "b", "generator"), {"a": 0.0, "b": 1.0}, rename={"a": "minval", "b": "maxval"}),
    "normal_": InitSpec(NORMAL, ("mean", "std", "generator"), {"mean": 0.0, "std": 1.0}, rename={"std": "stddev"}),
    "trunc_normal_": InitSpec(
        TRUNCATED_NORMAL, ("mean", "std", "a", "b", "generator"), {"mean": 0.0, "std": 1.0}, rename={"std": "stddev", "a": "_lo", "b": "_hi"}
    ),
    "constant_": InitSpec(CONSTANT, ("val",), rename={"val": "value"}),
    "ones_": InitSpec(CONSTANT, fixed={"value": 1.0}),
    "zeros_": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "eye_": InitSpec(IDENTITY, fixed={"gain": 1.0}),
    "dirac_": InitSpec(IDENTITY, ("groups",), fixed={"gain": 1.0}),
    "xavier_uniform_": _vs("xavier", "fan_avg", "uniform", _gain_squared, ("gain", "generator"), {"gain": 1.0}),
    "xavier_normal_": _vs("xavier", "fan_avg", "normal", _gain_squared, ("gain", "generator"), {"gain": 1.0}),
    "kaiming_uniform_": _vs("kaiming", None, "uniform", _kaiming, _KAIMING_PARAMS, _KAIMING_DEFAULTS),
    "kaiming_normal_": _vs("kaiming", None, "normal", _kaiming, _KAIMING_PARAMS, _KAIMING_DEFAULTS),
    "orthogonal_": InitSpec(ORTHOGONAL, ("gain", "generator"), {"gain": 1.0}),
    "sparse_": InitSpec(NORMAL, ("sparsity", "std", "generator"), {"std": 0.01}, rename={"std": "stddev"}, fixed={"mean": 0.0}),
}
DEPRECATED_ALIASES = {
    name[:-1]: name
    for name in (
        "uniform_", "normal_", "constant_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_",
        "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_",
    )
}

# Wrappers that turn an array into a tensor unchanged: `w.data = torch.from_numpy(np.random.normal(...))`.
TENSOR_CONVERSIONS = frozenset({"from_numpy", "tensor", "Tensor", "as_tensor", "FloatTensor", "DoubleTensor"})
CONVERSION_METHODS = frozenset({"float", "double", "half", "to", "type", "cuda", "cpu", "t", "T", "contiguous"})
# The legacy autograd wrapper (before torch 0.4): `Variable(torch.randn(i, o), requires_grad=True)` is
# the tensor it wraps, trained only when asked (`requires_grad` defaults to False, unlike nn.Parameter).
AUTOGRAD_WRAPPERS = frozenset({"torch.autograd.Variable", "torch.autograd.variable.Variable"})
# An optimizer given the parameters (`torch.optim.SGD([W1, b1, W2, b2], lr)`) updates them; it is no
# use of their values in the model, so it says nothing about what follows a weight.
OPTIMIZER_MODULE = "torch.optim."
# numpy draws people assign to weights: qualified name -> what it draws.
NUMPY_FACTORIES = {
    "numpy.random.normal": InitSpec(NORMAL, ("loc", "scale", "size"), {"loc": 0.0, "scale": 1.0},
                                    rename={"loc": "mean", "scale": "stddev"}),
    "numpy.random.randn": InitSpec(NORMAL, fixed={"mean": 0.0, "stddev": 1.0}),
    "numpy.random.standard_normal": InitSpec(NORMAL, fixed={"mean": 0.0, "stddev": 1.0}),
    "numpy.random.uniform": InitSpec(UNIFORM, ("low", "high", "size"), {"low": 0.0, "high": 1.0},
                                     rename={"low": "minval", "high": "maxval"}),
    "numpy.random.rand": InitSpec(UNIFORM, fixed={"minval": 0.0, "maxval": 1.0}),
    "numpy.random.random": InitSpec(UNIFORM, fixed={"minval": 0.0, "maxval": 1.0}),
    "numpy.zeros": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "numpy.ones": InitSpec(CONSTANT, fixed={"value": 1.0}),
}

# torch.nn.functional convolutions: F.conv2d(x, weight), the weight (out, in/groups, *kernel).
FUNCTIONAL_CONVS = frozenset({"conv1d", "conv2d", "conv3d"})

# In-place tensor methods that set every entry (on `w` or `w.data`).
TENSOR_METHODS = {
    "fill_": InitSpec(CONSTANT, ("value",)),
    "zero_": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "normal_": InitSpec(NORMAL, ("mean", "std"), {"mean": 0.0, "std": 1.0}, rename={"std": "stddev"}),
    "uniform_": InitSpec(UNIFORM, ("from", "to"), {"from": 0.0, "to": 1.0}, rename={"from": "minval", "to": "maxval"}),
}

# Tensor factories: name -> (spec, how the shape is given). "sizes": positional ints or one tuple.
FACTORIES = {
    "zeros": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "zeros_like": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "ones": InitSpec(CONSTANT, fixed={"value": 1.0}),
    "ones_like": InitSpec(CONSTANT, fixed={"value": 1.0}),
    "full": InitSpec(CONSTANT, ("size", "fill_value"), rename={"fill_value": "value"}),
    "randn": InitSpec(NORMAL, fixed={"mean": 0.0, "stddev": 1.0, "unscaled_factory": True}),
    "randn_like": InitSpec(NORMAL, fixed={"mean": 0.0, "stddev": 1.0, "unscaled_factory": True}),
    "rand": InitSpec(UNIFORM, fixed={"minval": 0.0, "maxval": 1.0, "unscaled_factory": True}),
    "rand_like": InitSpec(UNIFORM, fixed={"minval": 0.0, "maxval": 1.0, "unscaled_factory": True}),
    "empty": InitSpec(UNINITIALIZED),
}
SHAPE_FROM_FIRST_ARG = {"full"}
LIKE_FACTORIES = {"zeros_like", "ones_like", "randn_like", "rand_like"}
FACTORY_TABLE = FactoryTable(FACTORIES, frozenset(SHAPE_FROM_FIRST_ARG), frozenset(LIKE_FACTORIES),
                             {"full": ("fill_value", 1)})

# Kernel modules: name -> (in-features argument, out-features argument, kernel-size argument, layout).
# layout "conv_transpose" swaps the fan roles as torch's _calculate_fan_in_and_fan_out does.
KERNEL_MODULES = {
    "Linear": ("in_features", 0, "out_features", 1, None, None),
    "LazyLinear": (None, None, "out_features", 0, None, None),
    "Bilinear": ("in1_features", 0, "out_features", 2, None, None),
    "Conv1d": ("in_channels", 0, "out_channels", 1, "kernel_size", 2),
    "Conv2d": ("in_channels", 0, "out_channels", 1, "kernel_size", 2),
    "Conv3d": ("in_channels", 0, "out_channels", 1, "kernel_size", 2),
    "ConvTranspose1d": ("in_channels", 0, "out_channels", 1, "kernel_size", 2),
    "ConvTranspose2d": ("in_channels", 0, "out_channels", 1, "kernel_size", 2),
    "ConvTranspose3d": ("in_channels", 0, "out_channels", 1, "kernel_size", 2),
    "LazyConv1d": (None, None, "out_channels", 0, "kernel_size", 1),
    "LazyConv2d": (None, None, "out_channels", 0, "kernel_size", 1),
    "LazyConv3d": (None, None, "out_channels", 0, "kernel_size", 1),
}
# nn.Linear / nn.ConvNd / nn.ConvTransposeNd reset_parameters(): kaiming_uniform_(weight, a=sqrt(5)),
# i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), Var = 1/(3 fan_in): g² = 1/3. (Bilinear and RNNs differ.)
DEFAULT_INIT_MODULES = {name for name in KERNEL_MODULES if name != "Bilinear"}
# Words that say the weights come from elsewhere than the layers' defaults: a loaded checkpoint, or
# an init method run by a base class (Hugging Face's post_init -> _init_weights from another file).
REINITIALIZED_BY = ("post_init", "from_pretrained", "load_state_dict", "_init_weights", "init_weights",
                    "reset_parameters", "load_checkpoint")
DEFAULT_KERNEL_INIT = build(INIT_FUNCTIONS["kaiming_uniform_"], "the default kaiming_uniform_(a=sqrt(5))",
                            {"a": 5 ** 0.5})
CONV_DIMS = {"Conv1d": 1, "Conv2d": 2, "Conv3d": 3, "ConvTranspose1d": 1, "ConvTranspose2d": 2, "ConvTranspose3d": 3,
             "LazyConv1d": 1, "LazyConv2d": 2, "LazyConv3d": 3}
TRANSPOSED = {"ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"}
EMBEDDING_MODULES = {"Embedding", "EmbeddingBag"}

ACTIVATION_MODULES = {
    "ReLU": (RELU, None),
    "ReLU6": (RELU, None),
    "LeakyReLU": (LEAKY, 0.01),
    "PReLU": (LEAKY, 0.25),
    "RReLU": (LEAKY, 0.23),
    "ELU": (RELU_LIKE, None),
    "CELU": (RELU_LIKE, None),
    "GELU": (RELU_LIKE, None),
    "SiLU": (RELU_LIKE, None),
    "Mish": (RELU_LIKE, None),
    "Hardswish": (RELU_LIKE, None),
    "Softplus": (RELU_LIKE, None),
    "SELU": (SELU, None),
    "Tanh": (TANH, None),
    "Hardtanh": (TANH, None),
    "Softsign": (TANH, None),
    "Tanhshrink": (TANH, None),
    "Sigmoid": (SIGMOID, None),
    "Hardsigmoid": (SIGMOID, None),
    "LogSigmoid": (SIGMOID, None),
    "Identity": (LINEAR, None),
    "Softmax": (SOFTMAX, None),
    "LogSoftmax": (SOFTMAX, None),
}
# Slope argument of the leaky modules: (keyword, position).
SLOPE_ARGUMENT = {"LeakyReLU": ("negative_slope", 0), "PReLU": ("init", 1)}
NORM_MODULES = {
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "LazyBatchNorm1d", "LazyBatchNorm2d",
    "LazyBatchNorm3d", "LayerNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm",
    "LocalResponseNorm",
}
PASSTHROUGH_MODULES = {
    "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Flatten", "Unflatten",
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
    "Upsample", "PixelShuffle", "ZeroPad2d",
}
SEQUENTIAL_MODULES = {"Sequential"}  # applies its children in order
COLLECTION_MODULES = {"ModuleList", "ModuleDict"}  # holds its children; code decides how they are applied

# Functions applied to a tensor: the activation they are (torch.*, torch.nn.functional.*, Tensor methods).
FUNCTIONAL_ACTIVATIONS = {
    "relu": (RELU, None), "relu_": (RELU, None), "relu6": (RELU, None),
    "leaky_relu": (LEAKY, 0.01), "prelu": (LEAKY, 0.25), "rrelu": (LEAKY, 0.23),
    "elu": (RELU_LIKE, None), "celu": (RELU_LIKE, None), "gelu": (RELU_LIKE, None), "silu": (RELU_LIKE, None),
    "mish": (RELU_LIKE, None), "hardswish": (RELU_LIKE, None), "softplus": (RELU_LIKE, None),
    "selu": (SELU, None),
    "tanh": (TANH, None), "hardtanh": (TANH, None), "softsign": (TANH, None), "tanhshrink": (TANH, None),
    "sigmoid": (SIGMOID, None), "hardsigmoid": (SIGMOID, None), "logsigmoid": (SIGMOID, None),
    "softmax": (SOFTMAX, None), "log_softmax": (SOFTMAX, None), "gumbel_softmax": (SOFTMAX, None),
    "argmax": (SOFTMAX, None),
}
FUNCTIONAL_NORMS = {"layer_norm", "batch_norm", "group_norm", "instance_norm", "rms_norm", "normalize"}
# sin / cos of a projection: Fourier features, whose random scale is the chosen bandwidth.
PERIODIC_FUNCTIONS = frozenset({"sin", "cos"})

FUNCTIONAL_PASSTHROUGH = {
    "dropout", "dropout1d", "dropout2d", "dropout3d", "flatten", "reshape", "max_pool1d", "max_pool2d", "max_pool3d",
    "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
    "squeeze", "unsqueeze", "transpose", "permute", "interpolate", "pad", "chunk", "split", "index_select",
}
# Calls that read only a tensor's metadata (shape, dtype, device), never its values.
METADATA_METHODS = {"new_zeros", "new_ones", "new_empty", "new_full", "new_tensor", "size", "dim", "numel",
                    "zeros_like", "ones_like", "empty_like", "full_like", "get_device", "is_contiguous"}
TENSOR_PASSTHROUGH_METHODS = {
    "view", "reshape", "flatten", "mean", "sum", "transpose", "permute", "contiguous", "squeeze", "unsqueeze",
    "float", "half", "to", "type_as", "clone", "detach", "max", "amax", "view_as", "reshape_as", "t", "chunk", "split",
    "unbind",
}

# The prefilter (prefilter.py): the words without which the torch frontend finds nothing. A tuple
# of clauses; a clause is a tuple of word groups (any word of a group) that must all be present.
INIT_MODULE = "init"
PREFILTER_CLAUSES = (
    (("Parameter",),),  # nn.Parameter(torch.randn(...)): a raw weight and its factory
    (tuple(sorted(TENSOR_METHODS)),),  # w.data.normal_(), fill_, zero_, uniform_
    (tuple(sorted(INIT_FUNCTIONS)),),  # nn.init.kaiming_normal_(w) and friends, however imported
    ((INIT_MODULE,), tuple(sorted(DEPRECATED_ALIASES))),  # nn.init.normal(w) (deprecated)
    (("calculate_gain",),),  # nn.init.calculate_gain("ReLU"): a nonlinearity PyTorch rejects (IL401)
    (tuple(sorted(FACTORIES)), ("requires_grad",)),  # w1 = torch.randn(D_in, H, requires_grad=True)
    (tuple(sorted(FACTORIES)), ("mm", "matmul")),  # w1 = torch.randn(D_in, H); x.mm(w1); w1 -= lr * grad_w1
    # fc.weight.data = torch.from_numpy(np.random.normal(...)) / torch.zeros(o, i)
    (tuple(sorted(set(FACTORIES) | {name.rsplit(".", 1)[1] for name in NUMPY_FACTORIES})), ("weight", "data")),
)

# ----- API uses judged on their own (frontends/torch_uses.py) -----
# nn.init functions that compute fans: they raise on a tensor of rank < 2 (a bias).
FAN_BASED_INITS = {"xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
                   "sparse_", "eye_", "dirac_"}
# Where a function takes its `nonlinearity` (keyword, position among the arguments).
NONLINEARITY_ARGUMENTS = {"kaiming_uniform_": ("nonlinearity", 3), "kaiming_normal_": ("nonlinearity", 3),
                          "calculate_gain": ("nonlinearity", 0)}
# An unsupported nonlinearity -> the supported string closest to what was meant.
NONLINEARITY_FIXES = {
    "gelu": "relu", "silu": "relu", "swish": "relu", "mish": "relu", "elu": "relu", "celu": "relu",
    "softplus": "relu", "relu6": "relu", "hardswish": "relu", "hard_swish": "relu",
    "prelu": "leaky_relu", "rrelu": "leaky_relu", "leakyrelu": "leaky_relu", "leaky": "leaky_relu",
    "softsign": "tanh", "hardtanh": "tanh",
    "hardsigmoid": "sigmoid", "logsigmoid": "sigmoid",
    "identity": "linear", "none": "linear",
}
# Tensor dtypes of weights that are loaded, not trained (fp8 / integer quantized kernels): `torch.<dtype>`.
STORAGE_DTYPES = r"^(float8_\w+|u?int\d+|q(u)?int\w*|bool|long|short)$"
# Parameter names that are vectors in torch modules (biases of Linear/Conv/RNN/attention).
VECTOR_PARAMETER = r"^(bias|\w+_bias|bias_\w+)$"
# Methods that initialize a module's weights by convention; a model's own method of this name that
# nothing calls does nothing. (`reset_parameters` is left out: parents and users call it by name.)
INIT_METHOD_NAMES = {"_init_weights", "init_weights", "weights_init", "_weights_init", "_initialize_weights",
                     "initialize_weights", "_reset_parameters", "init_params", "_init_params", "init_parameters",
                     "_init_parameters", "weight_init", "_weight_init"}
# Iterators over every parameter of a module (biases included).
PARAMETER_ITERATORS = {"parameters", "named_parameters"}
MODULE_BASE = "torch.nn.Module"
