"""TensorFlow 1 model code (`tf.Variable`, `tf.get_variable`, `tf.layers`, `tf.contrib.layers`, slim):
the tensor factories that give a raw weight its values, the layer functions and the ops the
dataflow follows (§1.3). TensorFlow's initializer objects are in `tf.py` (shared with Keras).
"""
from __future__ import annotations

from ..facts import CONSTANT, LINEAR, NORMAL, SIGMOID, SOFTMAX, TRUNCATED_NORMAL, UNIFORM
from .spec import InitSpec, LayerArguments, build
from .tf import TF_INITIALIZERS

# What the TF1 frontend claims (frameworks.py): all of TensorFlow but Keras (the Keras frontend's).
PREFIXES = ("tensorflow.", "tf_slim.")
SLIM_PREFIX = "tf_slim."

# Tensor factories: leaf -> spec whose params are the API's positional order (the shape first or as given).
# `unscaled_factory` is set by the frontend when no spread is given.
FACTORIES = {
    "random_normal": InitSpec(NORMAL, ("shape", "mean", "stddev"), {"mean": 0.0, "stddev": 1.0}),
    "truncated_normal": InitSpec(TRUNCATED_NORMAL, ("shape", "mean", "stddev"), {"mean": 0.0, "stddev": 1.0}),
    "random_uniform": InitSpec(UNIFORM, ("shape", "minval", "maxval"), {"minval": 0.0, "maxval": 1.0}),
    "zeros": InitSpec(CONSTANT, ("shape",), fixed={"value": 0.0}),
    "ones": InitSpec(CONSTANT, ("shape",), fixed={"value": 1.0}),
    "fill": InitSpec(CONSTANT, ("dims", "value")),
    "constant": InitSpec(CONSTANT, ("value", "dtype", "shape")),
}
# The spread arguments: a factory given one of these is scaled by its author.
SPREAD_ARGUMENTS = ("stddev", "maxval", "minval")
# tf.random.normal / tf.random.uniform / tf.random.truncated_normal: the same factories.
RANDOM_NAMESPACE = {"normal": "random_normal", "uniform": "random_uniform", "truncated_normal": "truncated_normal"}
# Where the shape argument is: (keyword, position).
FACTORY_SHAPE = {"constant": ("shape", 2), "fill": ("dims", 0)}
FACTORY_SHAPE_DEFAULT = ("shape", 0)

# Variables: leaf -> ((shape keyword, position), (initial value / initializer keyword, position)).
VARIABLES = {
    "Variable": (None, ("initial_value", 0)),
    "get_variable": (("shape", 1), ("initializer", 3)),
    "model_variable": (("shape", 1), ("initializer", 3)),
}

# Layer functions applied to their input (the first argument): leaf -> (arguments, init keywords, kind, default act).
# Without kernel_initializer, tf.layers use get_variable's default, Glorot uniform; the contrib/slim
# layers default to xavier_initializer() (Glorot uniform too) and to activation_fn=tf.nn.relu.
LAYERS_DEFAULT_INIT = build(TF_INITIALIZERS["glorot_uniform_initializer"], "the default glorot_uniform_initializer()", {})
CONTRIB_DEFAULT_INIT = build(TF_INITIALIZERS["xavier_initializer"], "the default xavier_initializer()", {})
_LAYERS_DENSE = LayerArguments("units", width_position=1, width_is_fan_out=True, default_init=LAYERS_DEFAULT_INIT)
_LAYERS_CONV = LayerArguments("filters", width_position=1, default_init=LAYERS_DEFAULT_INIT)
_CONTRIB_FC = LayerArguments("num_outputs", width_position=1, width_is_fan_out=True, activation="activation_fn",
                             bias_initializer="biases_initializer", default_init=CONTRIB_DEFAULT_INIT)
_CONTRIB_CONV = LayerArguments("num_outputs", width_position=1, activation="activation_fn",
                               bias_initializer="biases_initializer", default_init=CONTRIB_DEFAULT_INIT)
LAYER_FUNCTIONS = {  # tf.layers.* / tf.compat.v1.layers.*
    "dense": (_LAYERS_DENSE, ("kernel_initializer",), "Dense"),
    "conv1d": (_LAYERS_CONV, ("kernel_initializer",), "Conv1D"),
    "conv2d": (_LAYERS_CONV, ("kernel_initializer",), "Conv2D"),
    "conv3d": (_LAYERS_CONV, ("kernel_initializer",), "Conv3D"),
    "conv2d_transpose": (_LAYERS_CONV, ("kernel_initializer",), "Conv2DTranspose"),
}
CONTRIB_FUNCTIONS = {  # tf.contrib.layers.* / slim.* (activation_fn defaults to ReLU)
    "fully_connected": (_CONTRIB_FC, ("weights_initializer",), "Dense"),
    "conv2d": (_CONTRIB_CONV, ("weights_initializer",), "Conv2D"),
    "convolution2d": (_CONTRIB_CONV, ("weights_initializer",), "Conv2D"),
    "conv2d_transpose": (_CONTRIB_CONV, ("weights_initializer",), "Conv2DTranspose"),
}
# slim / contrib spellings of one layer function (an arg_scope naming one applies to the other).
CONTRIB_ALIASES = {"convolution2d": "conv2d", "convolution": "conv2d", "conv2d_transpose": "conv2d_transpose",
                   "convolution2d_transpose": "conv2d_transpose", "fully_connected": "fully_connected"}
CONTRIB_NAMESPACES = ("contrib.layers", "contrib.slim", "contrib.framework")
LAYER_NAMESPACES = ("layers", "compat.v1.layers")

# Ops the dataflow follows (leaf names in any tf namespace).
MATMUL_OPS = {"matmul"}
ADD_OPS = {"add", "add_n"}
CONV_OPS = {"conv1d", "conv2d", "conv3d", "depthwise_conv2d", "atrous_conv2d"}  # tf.nn.* with a raw kernel
PASS_OPS = {"bias_add", "dropout", "reshape", "max_pool", "avg_pool", "max_pool2d", "avg_pool2d", "identity",
            "squeeze", "expand_dims", "concat", "transpose", "flatten", "lrn", "local_response_normalization",
            "pool", "cast", "stop_gradient"}
NORM_OPS = {"batch_normalization", "batch_norm", "layer_norm", "l2_normalize"}
# Ops that read a tensor's shape or compare predictions (evaluation, not the model): not a consumer.
META_OPS = {"argmax", "argmin", "arg_max", "arg_min", "equal", "not_equal", "shape", "size", "rank", "histogram",
            "scalar", "in_top_k"}
META_METHODS = {"get_shape", "shape", "eval"}
# Losses that take logits: what they receive is the model's output (G2): leaf -> (keyword, position).
# tf.nn.*_with_logits take keywords only in TF1 (a `_sentinel` first); given positionally, they are the
# TF 0.x API, whose first argument is the logits.
LOSS_OPS = {
    "softmax_cross_entropy_with_logits": ("logits", 0),
    "softmax_cross_entropy_with_logits_v2": ("logits", 0),
    "sparse_softmax_cross_entropy_with_logits": ("logits", 0),
    "sigmoid_cross_entropy_with_logits": ("logits", 0),
    "softmax_cross_entropy": ("logits", 1),
    "sparse_softmax_cross_entropy": ("logits", 1),
    "sigmoid_cross_entropy": ("logits", 1),
    "mean_squared_error": ("predictions", 1),
    "l2_loss": ("t", 0),
}
# What a model's last layer meets: a kernel whose output nothing consumes is a head only then.
HEAD_ACTIVATIONS = frozenset({LINEAR, SOFTMAX, SIGMOID})
PLACEHOLDERS = {"placeholder": ("shape", 1)}

# The prefilter: TF1 sites come only from a variable given a factory or an initializer (its leaf name
# or the `initializer=` keyword), and from the initializer keywords of the layer functions.
_VALUE_WORDS = tuple(sorted(set(FACTORIES) | set(RANDOM_NAMESPACE) | set(TF_INITIALIZERS) | {"initializer"}))
PREFILTER_CLAUSES = (
    (tuple(sorted(VARIABLES)), _VALUE_WORDS),
    (("kernel_initializer", "weights_initializer"),),
)
