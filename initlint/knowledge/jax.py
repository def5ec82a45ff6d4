"""JAX initializer, layer and activation tables: `jax.nn.initializers` (with the Flax linen / nnx
aliases), `hk.initializers`, Flax linen / nnx and Haiku layers (init-knowledge §1.8, §1.9).

JAX initializers come in two shapes: most names are *factories* (`normal(stddev)` returns an
initializer), but `zeros` and `ones` *are* initializers (`zeros(key, shape, dtype)`). Haiku
initializers are classes, instantiated before use. IL403 reads `FACTORIES` / `INITIALIZER_FUNCTIONS`."""
from __future__ import annotations

from ..facts import (
    CONSTANT,
    IDENTITY,
    NORMAL,
    ORTHOGONAL,
    OTHER,
    RELU,
    TRUNC_STD_FACTOR,
    TRUNCATED_NORMAL,
    UNIFORM,
    VARIANCE_SCALING,
)
from .spec import InitSpec, LayerArguments, build, fixed_variance_scaling

# Module prefixes, each spelling of the same namespace.
INIT_MODULES = ("jax.nn.initializers.", "flax.linen.initializers.", "flax.nnx.initializers.",
                "flax.core.nn.initializers.", "jax._src.nn.initializers.")
HAIKU_INIT_MODULES = ("haiku.initializers.",)
# initializers flax.linen exports at its top level (`nn.zeros_init()`, `nn.zeros`): their jax names
TOP_LEVEL_INITIALIZERS = {"flax.linen.zeros_init": "zeros_init", "flax.linen.ones_init": "ones_init",
                          "flax.linen.zeros": "zeros", "flax.linen.ones": "ones"}
# `nn.with_partitioning(init, names)`: the initializer, with sharding metadata (its first argument draws)
PARTITIONING_WRAPPERS = frozenset({"flax.linen.with_partitioning", "flax.linen.with_logical_partitioning",
                                   "flax.nnx.with_partitioning", "flax.nnx.with_metadata",
                                   "flax.linen.spmd.with_logical_partitioning"})
# raw parameters: (the call, the position and keyword of its initializer, of its shape)
PARAMETER_CALLS = {"haiku.get_parameter": (("init", 3), ("shape", 1))}
LINEN_PARAM = (("init_fn", 1), (None, 2))  # self.param(name, init_fn, *init_args): the shape first
FLAX_MODULES = ("flax.linen.", "flax.nnx.nn.linear.", "flax.nnx.", "flax.nnx.nn.")
HAIKU_MODULES = ("haiku.nets.", "haiku.")
ACTIVATION_MODULES = ("jax.nn.", "flax.linen.activation.", "flax.linen.", "flax.nnx.", "jax.numpy.", "haiku.")
PREFIXES = ("jax.", "flax.", "haiku.")  # what the JAX frontend claims (frameworks.py)

# jax.nn.initializers: factory name -> spec (the positional order is the API's).
JAX_FACTORIES = {
    "constant": InitSpec(CONSTANT, ("value", "dtype"), {"value": 0.0}),
    "zeros_init": InitSpec(CONSTANT, (), fixed={"value": 0.0}),
    "ones_init": InitSpec(CONSTANT, (), fixed={"value": 1.0}),
    "normal": InitSpec(NORMAL, ("stddev", "dtype"), {"stddev": 1e-2}, fixed={"mean": 0.0}),
    "truncated_normal": InitSpec(TRUNCATED_NORMAL, ("stddev", "dtype"), {"stddev": 1e-2}, fixed={"mean": 0.0}),
    # uniform(scale) draws from [0, scale): a nonzero mean.
    "uniform": InitSpec(UNIFORM, ("scale", "dtype"), {"scale": 1e-2}, fixed={"minval": 0.0},
                        rename={"scale": "maxval"}),
    "variance_scaling": InitSpec(
        VARIANCE_SCALING,
        ("scale", "mode", "distribution"),
        {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"},
        fixed={"family": "variance_scaling"},
    ),
    "glorot_uniform": fixed_variance_scaling("glorot", 1.0, "fan_avg", "uniform"),
    "xavier_uniform": fixed_variance_scaling("glorot", 1.0, "fan_avg", "uniform"),
    "glorot_normal": fixed_variance_scaling("glorot", 1.0, "fan_avg", "truncated_normal"),
    "xavier_normal": fixed_variance_scaling("glorot", 1.0, "fan_avg", "truncated_normal"),
    "lecun_normal": fixed_variance_scaling("lecun", 1.0, "fan_in", "truncated_normal"),
    "lecun_uniform": fixed_variance_scaling("lecun", 1.0, "fan_in", "uniform"),
    "he_normal": fixed_variance_scaling("he", 2.0, "fan_in", "truncated_normal"),
    "kaiming_normal": fixed_variance_scaling("he", 2.0, "fan_in", "truncated_normal"),
    "he_uniform": fixed_variance_scaling("he", 2.0, "fan_in", "uniform"),
    "kaiming_uniform": fixed_variance_scaling("he", 2.0, "fan_in", "uniform"),
    "orthogonal": InitSpec(ORTHOGONAL, ("scale",), {"scale": 1.0}, rename={"scale": "gain"}),
    "delta_orthogonal": InitSpec(ORTHOGONAL, ("scale",), {"scale": 1.0}, rename={"scale": "gain"}),
}
# Names that are initializers themselves (called by the layer with (key, shape, dtype)).
JAX_INITIALIZERS = {
    "zeros": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "ones": InitSpec(CONSTANT, fixed={"value": 1.0}),
}
# jax.numpy array constructors used as initializers (`w_init=jnp.zeros`): same signature shape.
NUMPY_INITIALIZERS = {"jax.numpy.zeros": JAX_INITIALIZERS["zeros"], "jax.numpy.ones": JAX_INITIALIZERS["ones"]}

# hk.initializers: class -> spec.
HAIKU_CLASSES = {
    "Constant": InitSpec(CONSTANT, ("constant",), rename={"constant": "value"}),
    "RandomNormal": InitSpec(NORMAL, ("stddev", "mean"), {"stddev": 1.0, "mean": 0.0}),
    "TruncatedNormal": InitSpec(TRUNCATED_NORMAL, ("stddev", "mean"), {"stddev": 1.0, "mean": 0.0}),
    "RandomUniform": InitSpec(UNIFORM, ("minval", "maxval"), {"minval": 0.0, "maxval": 1.0}),
    "VarianceScaling": InitSpec(
        VARIANCE_SCALING,
        ("scale", "mode", "distribution"),
        {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"},
        fixed={"family": "variance_scaling"},
    ),
    "Orthogonal": InitSpec(ORTHOGONAL, ("scale",), {"scale": 1.0}, rename={"scale": "gain"}),
    "Identity": InitSpec(IDENTITY, ("gain",), {"gain": 1.0}),
    "UniformScaling": InitSpec(OTHER),
}

# IL403: what must be called before it is passed, and what must not be.
FACTORIES = frozenset(JAX_FACTORIES) | frozenset(HAIKU_CLASSES)
INITIALIZER_FUNCTIONS = frozenset(JAX_INITIALIZERS)
# Factories with a required argument: adding `()` alone would not do.
FACTORIES_WITH_REQUIRED_ARGUMENTS = frozenset({"constant", "variance_scaling", "Constant"})
# Factories whose second positional argument is the dtype (`uniform(scale, dtype)`): given two bounds,
# as Keras' `RandomUniform(-a, a)` takes them, the second becomes the dtype and init fails.
ONE_SCALE_FACTORIES = frozenset({"uniform", "normal", "truncated_normal"})
# Factories drawing from [0, scale): all positive whenever the scale is, known or not (IL303).
POSITIVE_SCALE_FACTORIES = frozenset({"uniform"})

# jax.random samplers passed as an initializer (`self.param("w", jax.random.normal, shape)`) or applied
# to a key and a shape (`nnx.Param(jax.random.normal(key, shape))`): their own defaults, N(0, 1), U[0, 1).
RANDOM_SAMPLERS = {
    "jax.random.normal": InitSpec(NORMAL, fixed={"stddev": 1.0, "mean": 0.0}),
    "jax.random.uniform": InitSpec(UNIFORM, fixed={"minval": 0.0, "maxval": 1.0}),
}

# Layers. Flax linen / nnx: kernel_init / embedding_init; Haiku: w_init.
# Defaults without one: Flax `default_kernel_init = lecun_normal()`; Haiku Linear/ConvND
# `TruncatedNormal(stddev=1/sqrt(fan_in))`, LeCun without the truncation correction (g² ≈ 0.77).
FLAX_DEFAULT_INIT = build(JAX_FACTORIES["lecun_normal"], "the default lecun_normal()", {})
HAIKU_DEFAULT_INIT = build(
    InitSpec(VARIANCE_SCALING, fixed={"family": "lecun", "scale": TRUNC_STD_FACTOR ** 2, "mode": "fan_in",
                                      "distribution": "truncated_normal"}),
    "the default TruncatedNormal(stddev=1/sqrt(fan_in))", {})
_LINEN_DENSE = LayerArguments("features", width_is_fan_out=True, bias_initializer="bias_init",
                              default_init=FLAX_DEFAULT_INIT)
_LINEN_CONV = LayerArguments("features", bias_initializer="bias_init", default_init=FLAX_DEFAULT_INIT)
_LINEN_EMBED = LayerArguments("features", width_position=1)
_NNX_LINEAR = LayerArguments("out_features", width_position=1, width_is_fan_out=True, bias_initializer="bias_init",
                             default_init=FLAX_DEFAULT_INIT)
_NNX_CONV = LayerArguments("out_features", width_position=1, bias_initializer="bias_init",
                           default_init=FLAX_DEFAULT_INIT)
_HK_LINEAR = LayerArguments("output_size", width_is_fan_out=True, use_bias="with_bias", bias_initializer="b_init",
                            default_init=HAIKU_DEFAULT_INIT)
_HK_CONV = LayerArguments("output_channels", use_bias="with_bias", bias_initializer="b_init",
                          default_init=HAIKU_DEFAULT_INIT)
_HK_EMBED = LayerArguments("embed_dim", width_position=1)

# name -> (arguments, init keywords, embedding?)
FLAX_LAYERS = {
    "Dense": (_LINEN_DENSE, ("kernel_init",), False),
    "DenseGeneral": (_LINEN_CONV, ("kernel_init",), False),
    "Conv": (_LINEN_CONV, ("kernel_init",), False),
    "ConvTranspose": (_LINEN_CONV, ("kernel_init",), False),
    "ConvLocal": (_LINEN_CONV, ("kernel_init",), False),
    "Embed": (_LINEN_EMBED, ("embedding_init",), True),
    "Linear": (_NNX_LINEAR, ("kernel_init",), False),
    "LinearGeneral": (_NNX_CONV, ("kernel_init",), False),
    "Einsum": (_NNX_CONV, ("kernel_init",), False),
}
# linen recurrent cells: `kernel_init` (input kernel, default lecun_normal()) and `recurrent_kernel_init`
# (default orthogonal()); their gates and candidate state go through tanh / sigmoid.
_LINEN_CELL = LayerArguments("features", bias_initializer="bias_init", default_init=FLAX_DEFAULT_INIT)
LINEN_CELLS = {name: (_LINEN_CELL, ("kernel_init", "recurrent_kernel_init"), False)
               for name in ("SimpleCell", "GRUCell", "MGUCell", "LSTMCell", "OptimizedLSTMCell")}
NNX_LAYERS = {"Linear": _NNX_LINEAR, "Conv": _NNX_CONV, "ConvTranspose": _NNX_CONV, "Embed": _LINEN_EMBED,
              "LinearGeneral": _NNX_CONV}
NNX_FAN_IN_LAYERS = frozenset({"Linear", "Conv"})  # the constructor gives the fan-in (in_features, kernel_size)
HAIKU_LAYERS = {
    "Linear": (_HK_LINEAR, ("w_init",), False),
    "Conv1D": (_HK_CONV, ("w_init",), False),
    "Conv2D": (_HK_CONV, ("w_init",), False),
    "Conv3D": (_HK_CONV, ("w_init",), False),
    "Conv1DTranspose": (_HK_CONV, ("w_init",), False),
    "Conv2DTranspose": (_HK_CONV, ("w_init",), False),
    "Conv3DTranspose": (_HK_CONV, ("w_init",), False),
    "DepthwiseConv2D": (_HK_CONV, ("w_init",), False),
    "Embed": (_HK_EMBED, ("w_init",), True),
}
HAIKU_MLP_ACTIVATION = RELU  # hk.nets.MLP(activation=jax.nn.relu) by default
NORM_LAYERS = {"LayerNorm", "BatchNorm", "GroupNorm", "RMSNorm", "InstanceNorm"}
PASSTHROUGH_LAYERS = {"Dropout", "Flatten", "Reshape"}
SEQUENTIAL = {"Sequential"}
PASSTHROUGH_OPS = {"reshape", "squeeze", "expand_dims", "concatenate", "transpose", "mean", "dropout", "max_pool",
                   "avg_pool", "flatten", "astype"}

# nnx: `self.w.value` reads the array a `Param` holds (the parameter itself, for the dataflow).
VALUE_ATTRIBUTES = ("value",)
# Scalar math: of numbers (`jnp.sqrt(1 / x.shape[-1])`) it gives a number, a runtime rescaling factor (G7).
SCALAR_FUNCTIONS = frozenset(f"{module}.{name}" for module in ("jax.numpy", "numpy", "math", "jax.lax")
                             for name in ("sqrt", "rsqrt", "power", "pow", "float_power", "reciprocal", "square",
                                          "exp", "log", "abs"))
# Builtins and reductions of numbers inside a scale expression (`float(x.shape[-1])`, `np.prod(x.shape[1:])`).
NUMBER_FUNCTIONS = frozenset({"float", "int", "len", "math.prod", "numpy.prod", "jax.numpy.prod"})
SCALE_FUNCTIONS = SCALAR_FUNCTIONS | NUMBER_FUNCTIONS
# A layer whose bias is drawn with at least this std is a random function by design (G6/G7 for scale rules).
RANDOM_FUNCTION_BIAS_STD = 0.5
# One-hot encoders: a kernel applied to their output is an embedding table (G10).
ONE_HOT = frozenset({"jax.nn.one_hot", "flax.linen.one_hot"})
# Gathers: a parameter whose rows they read is an embedding table (G10): (function, table position).
MATMULS = frozenset({"jax.numpy.dot", "jax.numpy.matmul"})
GATHERS = {"jax.numpy.take": 0, "jax.numpy.take_along_axis": 0}
# A dense layer applied to an input whose last axis is 1 (`x[..., None]`, `expand_dims(x, -1)`,
# `x.reshape(-1, 1)`) has fan-in 1 (a scalar feature); these functions add that axis.
EXPAND_DIMS = frozenset({"jax.numpy.expand_dims", "numpy.expand_dims"})
RESHAPES = frozenset({"jax.numpy.reshape", "numpy.reshape"})
UNIT_FAN_IN_KINDS = frozenset({"Dense", "Linear"})  # the kernel's fan-in is the input's last axis
# lax convolutions: (lhs keyword, position), (rhs keyword, position), dimension_numbers (keyword, position) or
# None when the kernel is always (out, in, *spatial). conv_transpose is left out: its kernel layout flips.
LAX_CONVOLUTIONS = {
    "jax.lax.conv_general_dilated": (("lhs", 0), ("rhs", 1), ("dimension_numbers", 6)),
    "jax.lax.conv": (("lhs", 0), ("rhs", 1), None),
    "jax.lax.conv_with_general_padding": (("lhs", 0), ("rhs", 1), None),
}
CONV_DIMENSION_NUMBERS = frozenset({"jax.lax.conv_dimension_numbers"})

# The prefilter: a JAX site comes from a layer's init keyword or from an initializer name.
INIT_KEYWORDS = ("kernel_init", "embedding_init", "w_init")
# `normal` / `uniform`: `jax.random.normal(key, shape)` as a script's raw weight
PREFILTER_CLAUSES = ((INIT_KEYWORDS + ("initializers", "get_parameter", "param", "Param", "normal", "uniform"),),)

# Keywords whose initializer makes a vector (IL402: fan-based initializers raise on rank < 2).
# Haiku computes fans for rank 1 (fan = the size), so `b_init=` is not listed.
VECTOR_INIT_KEYWORDS = ("bias_init", "scale_init")
VECTOR_INIT_LAYER_PREFIXES = ("flax.",)
