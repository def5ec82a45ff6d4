"""TensorFlow's own initializers (not Keras'), their TF1/TF2 defaults, and the APIs only TF1 has (§1.3).

Used by every frontend that meets TensorFlow names: the Keras frontend reads a
`kernel_initializer=tf.random_normal_initializer()`, and a TF1 frontend will read
`tf.get_variable(..., initializer=...)` with the same table.
"""
from __future__ import annotations

from ..facts import CONSTANT, IDENTITY, NORMAL, ORTHOGONAL, TRUNCATED_NORMAL, UNIFORM, VARIANCE_SCALING
from .spec import InitSpec, fixed_variance_scaling

TF_PREFIX = "tensorflow."
COMPAT_V1 = "compat.v1"  # the namespace whose names always have the TF1 defaults
# tf.contrib.layers.variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False): He by default.
CONTRIB_VARIANCE_SCALING = InitSpec(
    VARIANCE_SCALING, ("factor", "mode", "uniform", "seed"), {"factor": 2.0},
    fixed={"family": "he", "mode": "fan_in", "distribution": "truncated_normal"}, rename={"factor": "scale"},
)
CONTRIB_LAYERS = "contrib.layers"

# TensorFlow initializer functions (tf.*, tf.compat.v1.*, tf.initializers.*): name -> (spec, TF1-only defaults).
# Where TF1 and TF2 differ, TF2_DEFAULTS gives the TF2 reading (§1.3).
TF_INITIALIZERS = {
    "zeros_initializer": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "ones_initializer": InitSpec(CONSTANT, fixed={"value": 1.0}),
    "constant_initializer": InitSpec(CONSTANT, ("value",), {"value": 0.0}),
    "random_normal_initializer": InitSpec(NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 1.0}),
    "truncated_normal_initializer": InitSpec(TRUNCATED_NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 1.0}),
    "random_uniform_initializer": InitSpec(UNIFORM, ("minval", "maxval", "seed"), {"minval": 0.0, "maxval": 1.0}),
    "glorot_uniform_initializer": fixed_variance_scaling("glorot", 1.0, "fan_avg", "uniform"),
    "glorot_normal_initializer": fixed_variance_scaling("glorot", 1.0, "fan_avg", "truncated_normal"),
    "variance_scaling_initializer": InitSpec(
        VARIANCE_SCALING,
        ("scale", "mode", "distribution", "seed"),
        {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"},
        fixed={"family": "variance_scaling"},
    ),
    "orthogonal_initializer": InitSpec(ORTHOGONAL, ("gain", "seed"), {"gain": 1.0}),
    "xavier_initializer": fixed_variance_scaling("glorot", 1.0, "fan_avg", "uniform"),
    "xavier_initializer_conv2d": fixed_variance_scaling("glorot", 1.0, "fan_avg", "uniform"),
    # tf.compat.v1.initializers.* / tf.initializers.* lower-case names
    "zeros": InitSpec(CONSTANT, fixed={"value": 0.0}),
    "ones": InitSpec(CONSTANT, fixed={"value": 1.0}),
    "constant": InitSpec(CONSTANT, ("value",), {"value": 0.0}),
    "random_normal": InitSpec(NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 1.0}),
    "truncated_normal": InitSpec(TRUNCATED_NORMAL, ("mean", "stddev", "seed"), {"mean": 0.0, "stddev": 1.0}),
    "random_uniform": InitSpec(UNIFORM, ("minval", "maxval", "seed"), {"minval": 0.0, "maxval": 1.0}),
    "glorot_uniform": fixed_variance_scaling("glorot", 1.0, "fan_avg", "uniform"),
    "glorot_normal": fixed_variance_scaling("glorot", 1.0, "fan_avg", "truncated_normal"),
    "he_normal": fixed_variance_scaling("he", 2.0, "fan_in", "truncated_normal"),
    "he_uniform": fixed_variance_scaling("he", 2.0, "fan_in", "uniform"),
    "lecun_normal": fixed_variance_scaling("lecun", 1.0, "fan_in", "truncated_normal"),
    "lecun_uniform": fixed_variance_scaling("lecun", 1.0, "fan_in", "uniform"),
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

# What marks a file as TF1 code (qualified names used in its code, never its comments or strings):
# TF1 alone has these APIs at the top level. A prefix ending in "." covers a whole namespace.
TF1_ONLY_APIS = (
    "tensorflow.placeholder",
    "tensorflow.Session",
    "tensorflow.get_variable",
    "tensorflow.contrib.",
    "tensorflow.disable_v2_behavior",
    "tensorflow.layers.dense",
    "tensorflow.layers.conv2d",
    "tensorflow.train.GradientDescentOptimizer",
    "tensorflow.train.AdamOptimizer",
)
# `import tensorflow.compat.v1 as tf`: the file's `tf.*` names are the TF1 API.
TF1_MODULE = "tensorflow.compat.v1"
TF1_ALIAS = "tf"
