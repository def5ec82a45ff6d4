"""The variance arithmetic the rules share (init-knowledge §0, §2.6, §2.7, §2.9). Pure functions."""
from __future__ import annotations

import math
from typing import Iterable, List, Optional, Tuple

from ..facts import (
    CONSTANT,
    LEAKY,
    LINEAR,
    NORMAL,
    ORTHOGONAL,
    OUTPUT,
    PARTNER,
    RELU,
    RELU_LIKE,
    RESIDUAL,
    SELU,
    SIGMOID,
    SOFTMAX,
    TANH,
    TRUNC_STD_FACTOR,
    TRUNCATED_NORMAL,
    UNIFORM,
    VARIANCE_SCALING,
    Activation,
    Initializer,
    KernelSite,
    LayerContext,
)
from ..knowledge.activations import DISPLAY

SATURATING = (TANH, SIGMOID)
RELU_FAMILY = (RELU, LEAKY)


def recommended_gain2(activation: Optional[Activation]) -> float:
    """g²_rec: the n_in·Var(W) that keeps the activation's second moment (§2.6)."""
    if activation is None:
        return 2.0  # unknown: the most permissive choice
    if activation.family == RELU:
        return 2.0
    if activation.family == LEAKY:
        slope = activation.slope or 0.0
        return 2.0 / (1 + slope * slope)
    if activation.family == RELU_LIKE:
        return 2.0
    return 1.0


def recommended_name(activation: Optional[Activation]) -> str:
    family = activation.family if activation else None
    if family in (RELU, LEAKY, RELU_LIKE, None):
        return "He"
    if family == SELU:
        return "LeCun"
    return "LeCun/Glorot"


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
    """g²_eff of a variance-scaling initializer on a square layer (fans unknown)."""
    if init.kind == VARIANCE_SCALING:
        return init.scale
    if init.kind == ORTHOGONAL and init.gain is not None:
        return init.gain * init.gain
    return None


def gain2(init: Initializer, fan_in: Optional[int], fan_out: Optional[int]) -> Optional[float]:
    """g²_eff = n_in·Var(W), with the fans when they are known."""
    if init.kind == VARIANCE_SCALING:
        if init.scale is None:
            return None
        if fan_in and fan_out:
            mode = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}.get(init.mode, fan_in)
            return init.scale * fan_in / mode
        return init.scale
    return None


def is_variance_scaling(init: Initializer) -> bool:
    return init.kind == VARIANCE_SCALING and init.scale is not None


def judged_layers(site: KernelSite, *, skip_roles=(OUTPUT,)) -> List[LayerContext]:
    """Layers a mismatch rule judges: known activation, learned, not exempt by role."""
    return [
        layer for layer in site.layers
        if layer.activation is not None and not layer.frozen and not layer.embedding and layer.role not in skip_roles
    ]


def describe_layers(site: KernelSite, layers: Iterable[LayerContext] = ()) -> str:
    layers = list(layers) or list(site.layers)
    if not layers:
        return "this kernel"
    if site.shared or len(layers) > 1:
        kinds = sorted({layer.kind for layer in layers})
        names = ", ".join(f"'{layer.name}'" for layer in layers[:4])
        more = f" and {len(layers) - 4} more" if len(layers) > 4 else ""
        return f"every {'/'.join(kinds)} it covers ({names}{more})"
    layer = layers[0]
    if layer.name and layer.name != layer.kind:
        return f"{layer.kind} '{layer.name}'" if not layer.name.startswith(layer.kind) else layer.name
    return layer.kind


def activation_text(activation: Optional[Activation]) -> str:
    if activation is None:
        return "an unknown activation"
    return DISPLAY.get(activation.family, activation.display)


def common_activation(layers: List[LayerContext]) -> Optional[Activation]:
    families = {layer.activation.family for layer in layers if layer.activation is not None}
    if len(families) == 1:
        return next(layer.activation for layer in layers if layer.activation is not None)
    return None


def exempt_constant(layer: LayerContext) -> bool:
    """G2-G4, G6, G10: a zero/constant kernel that is deliberate where it sits."""
    if layer.frozen or layer.embedding:
        return True
    if layer.role in (OUTPUT, RESIDUAL):
        return True
    if layer.activation is not None and layer.activation.family == SOFTMAX:
        return True  # G2: fed to a softmax, it is a head (or the uniform start of attention/mixture weights)
    if layer.role == PARTNER and not layer.partner_constant:
        return True
    return False


def vector_like(site: KernelSite) -> bool:
    """G12: a parameter of rank <= 1 is never a kernel."""
    return site.ndim is not None and site.ndim <= 1


def fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.3g}"
    return f"{value:.3g}"


def ratio_text(ratio: float) -> str:
    return f"{ratio:.1f}x" if ratio < 10 else f"{ratio:.0f}x"


def family_label(init: Initializer) -> str:
    return {"glorot": "Glorot", "xavier": "Xavier", "lecun": "LeCun", "he": "He", "kaiming": "Kaiming",
            "variance_scaling": "VarianceScaling"}.get(init.family, init.family or init.kind)


def is_saturating(activation: Optional[Activation]) -> bool:
    return activation is not None and activation.family in SATURATING


def is_relu_family(activation: Optional[Activation]) -> bool:
    return activation is not None and activation.family in RELU_FAMILY


def linear_or_output(activation: Optional[Activation]) -> bool:
    return activation is not None and activation.family in (LINEAR, SOFTMAX)


def fan_in_for_scale(layer: Optional[LayerContext], site: KernelSite, shape_hint: Optional[Tuple] = None) -> Optional[int]:
    if layer is None:
        return None
    if layer.embedding:
        return 1
    return layer.fan_in
