"""Keras 3 / tf.keras / tf_keras and TensorFlow initializer, layer and activation tables (§1.1-§1.5)."""
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
from .spec import InitSpec

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
TF_PREFIXES = ("tensorflow.compat.v1.", "tensorflow.compat.v2.", "tensorflow.")
IMPORT_ROOTS = ("keras", "tf_keras", "tensorflow")


def _vs(family, scale, mode, distribution):
    return InitSpec(
        VARIANCE_SCALING,
        ("seed",),
        fixed={"family": family, "scale": scale, "mode": mode, "distribution": distribution},
    )


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
    "GlorotUniform": _vs("glorot", 1.0, "fan_avg", "uniform"),
    "GlorotNormal": _vs("glorot", 1.0, "fan_avg", "truncated_normal"),
    "LecunNormal": _vs("lecun", 1.0, "fan_in", "truncated_normal"),
    "LecunUniform": _vs("lecun", 1.0, "fan_in", "uniform"),
    "HeNormal": _vs("he", 2.0, "fan_in", "truncated_normal"),
    "HeUniform": _vs("he", 2.0, "fan_in", "uniform"),
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

_TF1 = {"random_normal_initializer", "truncated_normal_initializer", "random_uniform_initializer"}

# TensorFlow initializer functions (tf.*, tf.compat.v1.*, tf.initializers.*): name -> (spec, TF1-only defaults).
# Where TF1 and TF2 differ, TF2_DEFAULTS gives the TF2 reading (§1.3).
TF_INITIALIZERS = {
    "zeros_initializer": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "ones_initializer": InitSpec(CONSTANT, fixed={"value": 1.0}),
    "constant_initializer": InitSpec(CONSTANT, ("value",), {"value": 0.0}),
    "random_normal_initializer": InitSpec(NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 1.0}),
    "truncated_normal_initializer": InitSpec(TRUNCATED_NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 1.0}),
    "random_uniform_initializer": InitSpec(UNIFORM, ("minval", "maxval", "seed"), {"minval": 0.0, "maxval": 1.0}),
    "glorot_uniform_initializer": _vs("glorot", 1.0, "fan_avg", "uniform"),
    "glorot_normal_initializer": _vs("glorot", 1.0, "fan_avg", "truncated_normal"),
    "variance_scaling_initializer": InitSpec(
        VARIANCE_SCALING,
        ("scale", "mode", "distribution", "seed"),
        {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"},
        fixed={"family": "variance_scaling"},
    ),
    "orthogonal_initializer": InitSpec(ORTHOGONAL, ("gain", "seed"), {"gain": 1.0}),
    "xavier_initializer": _vs("glorot", 1.0, "fan_avg", "uniform"),
    "xavier_initializer_conv2d": _vs("glorot", 1.0, "fan_avg", "uniform"),
    # tf.compat.v1.initializers.* / tf.initializers.* lower-case names
    "zeros": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "ones": InitSpec(CONSTANT, fixed={"value": 1.0}),
    "constant": InitSpec(CONSTANT, ("value",), {"value": 0.0}),
    "random_normal": InitSpec(NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 1.0}),
    "truncated_normal": InitSpec(TRUNCATED_NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 1.0}),
    "random_uniform": InitSpec(UNIFORM, ("minval", "maxval", "seed"), {"minval": 0.0, "maxval": 1.0}),
    "glorot_uniform": _vs("glorot", 1.0, "fan_avg", "uniform"),
    "glorot_normal": _vs("glorot", 1.0, "fan_avg", "truncated_normal"),
    "he_normal": _vs("he", 2.0, "fan_in", "truncated_normal"),
    "he_uniform": _vs("he", 2.0, "fan_in", "uniform"),
    "lecun_normal": _vs("lecun", 1.0, "fan_in", "truncated_normal"),
    "lecun_uniform": _vs("lecun", 1.0, "fan_in", "uniform"),
    "orthogonal": InitSpec(ORTHOGONAL, ("gain", "seed"), {"gain": 1.0}),
    "identity": InitSpec(IDENTITY, ("gain",), {"gain": 1.0}),
}
# Under TF2 (tf.random_normal_initializer is tf.keras' RandomNormal) these defaults apply instead.
TF2_DEFAULTS = {
    "random_normal_initializer": {"stddev": 0.05},
    "truncated_normal_initializer": {"stddev": 0.05},
    "random_uniform_initializer": {"minval": -0.05, "maxval": 0.05},
}
# tf.compat.v1.* names always have the TF1 defaults; plain tf.* names depend on the file's version.
VERSIONED = set(TF2_DEFAULTS)

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
