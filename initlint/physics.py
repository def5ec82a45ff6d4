"""The numbers of weight initialization, in one place (init-knowledge §0, §2.6, §2.7, §2.9).

Rules use them to judge and to state the advice ("std 0.0505 (= sqrt(2/784))"), spellers use
them to write the replacement (`std=(2.0 / 784) ** 0.5`): both read the same functions, so the
number in a message and the number written by `--fix` cannot disagree. Pure functions of the
framework-neutral facts; no libcst, no framework names.
"""
from __future__ import annotations

import math
from typing import Optional

from .facts import (
    CONSTANT,
    LEAKY,
    NORMAL,
    ORTHOGONAL,
    RELU,
    RELU_LIKE,
    SELU,
    TRUNC_STD_FACTOR,
    TRUNCATED_NORMAL,
    UNIFORM,
    VARIANCE_SCALING,
    Activation,
    Initializer,
)

# Framework-neutral initialization schemes (the `goal` of a fixgoal.FixGoal).
HE = "he"  # Var(W) = g²_rec / fan_in for a ReLU-family unit (2, or 2/(1+a²) for a leaky one)
GLOROT = "glorot"  # Var(W) = 2 / (fan_in + fan_out): tanh, sigmoid, linear
LECUN_NORMAL = "lecun_normal"  # N(0, 1/fan_in): what SELU's fixed point needs
SCALED = "scaled"  # keep the user's distribution, with the std for the fan-in and activation

RELU_GAIN2 = 2.0
# Chain severity (init-knowledge §2.6, §5.2): the product of the per-layer variance ratios along a
# chain of kernel layers below which a finding is info, warning, error. Calibrated on He et al. 2015:
# a 30-layer Glorot+ReLU net (0.5^30 ~ 1e-9) stalled, a 22-layer one (~2e-7) trained.
DEFAULT_CHAIN_THRESHOLDS = (1e-2, 1e-4, 1e-8)

__all__ = [
    "HE", "GLOROT", "LECUN_NORMAL", "SCALED", "RELU_GAIN2", "TRUNC_STD_FACTOR", "DEFAULT_CHAIN_THRESHOLDS",
    "recommended_gain2", "scheme_for", "std_for", "uniform_limit", "truncated_stddev", "recommended_std",
    "weight_std", "weight_mean", "nominal_gain2", "effective_gain2", "gain2_literal", "number_literal",
]


def recommended_gain2(activation: Optional[Activation]) -> float:
    """g²_rec: the fan_in·Var(W) that keeps the activation's second moment (§2.6).

    2/(1+a²) for a leaky ReLU of slope a, 2 for ReLU, ReLU-like units and an unknown activation
    (the most permissive choice), 1 otherwise (tanh, sigmoid, linear, SELU, softmax).
    """
    if activation is None:
        return RELU_GAIN2
    if activation.family == LEAKY:
        slope = activation.slope or 0.0
        return RELU_GAIN2 / (1 + slope * slope)
    if activation.family in (RELU, RELU_LIKE):
        return RELU_GAIN2
    return 1.0


def scheme_for(activation: Optional[Activation]) -> str:
    """The standard scheme for an activation: He for the ReLU family (and unknown), LeCun normal
    for SELU, Glorot otherwise."""
    family = activation.family if activation is not None else RELU
    if family in (RELU, LEAKY, RELU_LIKE):
        return HE
    if family == SELU:
        return LECUN_NORMAL
    return GLOROT


def std_for(gain2: float, fan_in: float) -> float:
    """The weight std that gives fan_in·Var(W) = g²."""
    return math.sqrt(gain2 / fan_in)


def uniform_limit(gain2: float, fan_in: float) -> float:
    """The limit `b` of U(-b, b) with fan_in·Var(W) = g² (Var U(-b, b) = b²/3)."""
    return math.sqrt(3 * gain2 / fan_in)


def truncated_stddev(std: float) -> float:
    """The `stddev` argument of a ±2σ truncated normal whose weights have standard deviation `std`."""
    return std / TRUNC_STD_FACTOR


def recommended_std(activation: Optional[Activation], fan_in: float) -> float:
    return std_for(recommended_gain2(activation), fan_in)


def weight_std(init: Initializer) -> Optional[float]:
    """The actual standard deviation of the weights drawn by a fixed-scale initializer."""
    if init.kind == NORMAL:
        return abs(init.stddev) if init.stddev is not None else None
    if init.kind == TRUNCATED_NORMAL:
        return abs(init.stddev) * TRUNC_STD_FACTOR if init.stddev is not None else None
    if init.kind == UNIFORM:
        if init.minval is None or init.maxval is None:
            return None
        return abs(init.maxval - init.minval) / math.sqrt(12)
    return None


def weight_mean(init: Initializer) -> Optional[float]:
    if init.kind in (NORMAL, TRUNCATED_NORMAL):
        return init.mean
    if init.kind == UNIFORM:
        if init.minval is None or init.maxval is None:
            return None
        return (init.minval + init.maxval) / 2
    if init.kind == CONSTANT:
        return init.value
    return None


def nominal_gain2(init: Initializer) -> Optional[float]:
    """g²_eff of a variance-scaling or orthogonal initializer on a square layer (fans unknown)."""
    if init.kind == VARIANCE_SCALING:
        return init.scale
    if init.kind == ORTHOGONAL and init.gain is not None:
        return init.gain * init.gain
    return None


def effective_gain2(init: Initializer, fan_in: Optional[int], fan_out: Optional[int]) -> Optional[float]:
    """g²_eff = fan_in·Var(W) of a variance-scaling initializer, with the fans when they are known."""
    if init.kind == VARIANCE_SCALING:
        if init.scale is None:
            return None
        if fan_in and fan_out:
            mode = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}.get(init.mode, fan_in)
            return init.scale * fan_in / mode
        return init.scale
    return None


def number_literal(value: float) -> str:
    """A float as Python source, 3 significant digits (`0.0505`, `2.0`, `-0.306`)."""
    text = f"{value:.3g}"
    return text if any(c in text for c in ".e") else text + ".0"


def gain2_literal(gain2: float) -> str:
    """g² as it is written in a computed std (`(2.0 / 784) ** 0.5`, `(1.92 / 784) ** 0.5`)."""
    if gain2 == RELU_GAIN2:
        return "2.0"
    if gain2 == 1.0:
        return "1.0"
    return number_literal(gain2)
