"""Keras 3 / tf.keras / tf_keras initializer, layer and activation tables (§1.1, §1.2, §1.4, §1.5).

TensorFlow's own (non-Keras) initializers are in `tf.py`."""
from __future__ import annotations

import re

from ..facts import (
    CONSTANT,
    IDENTITY,
    LEAKY,
    NORMAL,
    ORTHOGONAL,
    OTHER,
    RELU,
    RELU_LIKE,
    SOFTMAX,
    TRUNCATED_NORMAL,
    UNIFORM,
    VARIANCE_SCALING,
)
from .spec import InitSpec, LayerArguments, build, fixed_variance_scaling

# Qualified-name prefixes that all mean the Keras namespace.
KERAS_PREFIXES = (
    "tensorflow.compat.v1.keras.",
    "tensorflow.compat.v2.keras.",
    "tensorflow.python.keras.",
    "tensorflow.keras.",
    "tf_keras.src.",
    "tf_keras.",
    "keras.src.",
    "keras.",
)
PREFIXES = KERAS_PREFIXES  # what the Keras frontend claims (frameworks.py)


def _keras_vs_fields(fields):
    # Keras maps distribution="normal" to truncated_normal (with the variance correction).
    if fields.get("distribution") == "normal":
        fields["distribution"] = "truncated_normal"
    return fields


# Class name -> spec. String identifiers are the class names, their snake_case forms and ALIASES.
INITIALIZERS = {
    "Zeros": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "Ones": InitSpec(CONSTANT, fixed={"value": 1.0}),
    "Constant": InitSpec(CONSTANT, ("value",), {"value": 0.0}),
    "RandomNormal": InitSpec(NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 0.05}),
    "RandomUniform": InitSpec(UNIFORM, ("minval", "maxval", "seed"), {"minval": -0.05, "maxval": 0.05}),
    "TruncatedNormal": InitSpec(TRUNCATED_NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 0.05}),
    "VarianceScaling": InitSpec(
        VARIANCE_SCALING,
        ("scale", "mode", "distribution", "seed"),
        {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"},
        fixed={"family": "variance_scaling"},
        adjust=_keras_vs_fields,
    ),
    "GlorotUniform": fixed_variance_scaling("glorot", 1.0, "fan_avg", "uniform"),
    "GlorotNormal": fixed_variance_scaling("glorot", 1.0, "fan_avg", "truncated_normal"),
    "LecunNormal": fixed_variance_scaling("lecun", 1.0, "fan_in", "truncated_normal"),
    "LecunUniform": fixed_variance_scaling("lecun", 1.0, "fan_in", "uniform"),
    "HeNormal": fixed_variance_scaling("he", 2.0, "fan_in", "truncated_normal"),
    "HeUniform": fixed_variance_scaling("he", 2.0, "fan_in", "uniform"),
    "Orthogonal": InitSpec(ORTHOGONAL, ("gain", "seed"), {"gain": 1.0}),
    "Identity": InitSpec(IDENTITY, ("gain",), {"gain": 1.0}),
    "STFT": InitSpec(OTHER),
}

ALIASES = {
    "normal": "RandomNormal",
    "uniform": "RandomUniform",
    "one": "Ones",
    "zero": "Zeros",
    "IdentityInitializer": "Identity",
    "OrthogonalInitializer": "Orthogonal",
    "STFTInitializer": "STFT",
    # Keras 1 function names.
    "glorot_uniform": "GlorotUniform",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


INITIALIZER_NAMES = {}
for _class in INITIALIZERS:
    INITIALIZER_NAMES[_class] = _class
    INITIALIZER_NAMES[_snake(_class)] = _class
INITIALIZER_NAMES.update(ALIASES)
INITIALIZER_NAMES.update({name + "V2": cls for name, cls in list(INITIALIZER_NAMES.items()) if name[0].isupper()})

# Layers: name -> kernel-type initializer arguments (the first one is the main kernel).
KERNEL_LAYERS = {
    "Dense": ("kernel_initializer",),
    "EinsumDense": ("kernel_initializer",),
    "Conv1D": ("kernel_initializer",),
    "Conv2D": ("kernel_initializer",),
    "Conv3D": ("kernel_initializer",),
    "Convolution1D": ("kernel_initializer",),
    "Convolution2D": ("kernel_initializer",),
    "Convolution3D": ("kernel_initializer",),
    "Deconvolution2D": ("kernel_initializer",),
    "AtrousConvolution2D": ("kernel_initializer",),
    "Conv1DTranspose": ("kernel_initializer",),
    "Conv2DTranspose": ("kernel_initializer",),
    "Conv3DTranspose": ("kernel_initializer",),
    "Convolution2DTranspose": ("kernel_initializer",),
    "Convolution3DTranspose": ("kernel_initializer",),
    "SeparableConv1D": ("depthwise_initializer", "pointwise_initializer"),
    "SeparableConv2D": ("depthwise_initializer", "pointwise_initializer"),
    "SeparableConvolution1D": ("depthwise_initializer", "pointwise_initializer"),
    "SeparableConvolution2D": ("depthwise_initializer", "pointwise_initializer"),
    "DepthwiseConv1D": ("depthwise_initializer",),
    "DepthwiseConv2D": ("depthwise_initializer",),
}
DENSE_LAYERS = {"Dense"}
# Every Keras kernel layer (Keras 1, 2 and 3) defaults to Glorot uniform.
DEFAULT_KERNEL_INIT = build(INITIALIZERS["GlorotUniform"], "the default glorot_uniform", {})
# Words that say the weights come from elsewhere than the layers' defaults (a loaded checkpoint).
REINITIALIZED_BY = ("load_weights", "set_weights", "load_model", "imagenet", "from_preset", "restore")
# What the frontend reads from each kernel layer's constructor (frontends/layers.py).
_DENSE_ARGUMENTS = LayerArguments("units", width_is_fan_out=True, input_shape="input_shape", input_dim="input_dim",
                                  default_init=DEFAULT_KERNEL_INIT)
_FILTER_ARGUMENTS = LayerArguments("filters", default_init=DEFAULT_KERNEL_INIT)
LAYER_ARGUMENTS = {name: _DENSE_ARGUMENTS if name in DENSE_LAYERS else _FILTER_ARGUMENTS for name in KERNEL_LAYERS}

# Keras 1 spellings (`Dense(output_dim=64, init="uniform")`, `Convolution2D(nb_filter, nb_row, nb_col,
# init=...)`): the kernel initializer is `init=`, the width `output_dim=` / `nb_filter=`. A call uses
# this row when it names one of the Keras 1 keywords.
KERAS1_INIT = "init"
KERAS1_KEYWORDS = ("init", "output_dim", "nb_filter", "nb_row", "nb_col", "filter_length")
KERAS1_LAYERS = {"Dense", "Convolution1D", "Convolution2D", "Convolution3D", "Deconvolution2D", "AtrousConvolution2D"}
KERAS1_LAYER_ARGUMENTS = {
    name: LayerArguments("output_dim", width_is_fan_out=True, input_shape="input_shape", input_dim="input_dim",
                         use_bias="bias", default_init=DEFAULT_KERNEL_INIT)
    if name in DENSE_LAYERS else LayerArguments("nb_filter", use_bias="bias", default_init=DEFAULT_KERNEL_INIT)
    for name in KERAS1_LAYERS
}

# Activation layers: name -> (family, slope); "Activation" takes its activation as the first argument.
ACTIVATION_LAYERS = {
    "ReLU": (RELU, None),
    "ThresholdedReLU": (RELU, None),
    "LeakyReLU": (LEAKY, 0.3),
    "PReLU": (LEAKY, 0.0),
    "ELU": (RELU_LIKE, None),
    "Softmax": (SOFTMAX, None),
}
NORM_LAYERS = {
    "BatchNormalization",
    "LayerNormalization",
    "GroupNormalization",
    "UnitNormalization",
    "SyncBatchNormalization",
    "RMSNormalization",
}
# Layers that neither learn nor change which activation a kernel feeds.
PASSTHROUGH_LAYERS = {
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "AlphaDropout",
    "GaussianDropout",
    "GaussianNoise",
    "Flatten",
    "Reshape",
    "Permute",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "Cropping1D",
    "Cropping2D",
    "ActivityRegularization",
}
# Joins of a branch with a bypass (G3).
ADD_LAYERS = {"Add", "add"}
SEQUENTIAL = {"Sequential"}
MODEL = {"Model", "Functional"}
INPUT = {"Input", "InputLayer"}

# The prefilter (prefilter.py): Keras sites come only from the kernel-initializer keywords of the
# kernel layers. A tuple of clauses; a clause is a tuple of word groups that must all be present.
PREFILTER_CLAUSES = ((tuple(sorted({argument for arguments in KERNEL_LAYERS.values() for argument in arguments}
                                   | {KERAS1_INIT})),),)
