"""What the rules share besides the numbers (those are in `initlint.physics`): which layers a rule
judges, predicates on activations, and how layers, activations and numbers read in a message."""
from __future__ import annotations

from typing import Iterable, List, Optional

from ..facts import (
    LEAKY,
    LINEAR,
    OUTPUT,
    PARTNER,
    RELU,
    RELU_LIKE,
    RESIDUAL,
    SELU,
    SIGMOID,
    SOFTMAX,
    TANH,
    Activation,
    Initializer,
    KernelSite,
    LayerContext,
)
from ..knowledge.activations import DISPLAY

SATURATING = (TANH, SIGMOID)
RELU_FAMILY = (RELU, LEAKY)


def recommended_name(activation: Optional[Activation]) -> str:
    family = activation.family if activation else None
    if family in (RELU, LEAKY, RELU_LIKE, None):
        return "He"
    if family == SELU:
        return "LeCun"
    return "LeCun/Glorot"


def judged_layers(site: KernelSite, *, skip_roles=(OUTPUT,)) -> List[LayerContext]:
    """Layers a mismatch rule judges: known activation, learned, not exempt by role."""
    return [
        layer for layer in site.layers
        if layer.activation is not None and not layer.frozen and not layer.embedding and layer.role not in skip_roles
    ]


def describe_layers(site: KernelSite, layers: Iterable[LayerContext] = ()) -> str:
    layers = list(layers) or list(site.layers)
    if not layers:
        # The layers are not visible here (a model from elsewhere, an attribute of unknown type).
        return "every layer it covers (defined elsewhere)" if site.shared else "the layer it sets (not visible to the analysis)"
    covered = list(site.layers)
    if (site.shared or len(covered) > 1) and len(layers) < len(covered):
        # one init call over several layers, judged on some of them: name those, and all it covers
        return f"{_names(layers)} of the {len(covered)} layers it covers ({_names(covered)})"
    if site.shared or len(layers) > 1:
        kinds = sorted({layer.kind for layer in layers})
        return f"every {'/'.join(kinds)} it covers ({_names(layers)})"
    layer = layers[0]
    if layer.name and layer.name != layer.kind:
        return f"{layer.kind} '{layer.name}'" if not layer.name.startswith(layer.kind) else layer.name
    return layer.kind


def _names(layers) -> str:
    names = ", ".join(f"'{layer.name}'" for layer in layers[:4])
    more = f" and {len(layers) - 4} more" if len(layers) > 4 else ""
    return names + more


def activation_text(activation: Optional[Activation]) -> str:
    if activation is None:
        return "an unknown activation"
    return DISPLAY.get(activation.family, activation.display)


def needed_by(activation: Optional[Activation]) -> str:
    """What a scale is right *for*: "ReLU", "tanh", and "a layer with no activation" (never "for no activation")."""
    if activation is not None and activation.family == LINEAR:
        return "a layer with no activation"
    return activation_text(activation)


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


# Kaiming nonlinearities with gain 1: before a ReLU, glorot-lecun-with-relu (IL201) judges them.
UNIT_GAIN_NONLINEARITIES = ("linear", "sigmoid", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                            "conv_transpose2d", "conv_transpose3d")
