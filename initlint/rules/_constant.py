"""What IL101 (zero kernels) and IL102 (constant kernels) share: the verdict on a constant kernel,
the initializer to suggest instead, and the advice in words."""
from __future__ import annotations

from ..diagnostics import ERROR, WARNING
from ..facts import LEAKY, LINEAR, RELU, RELU_LIKE, SELU, SIGMOID, TANH, UNIFORM
from ..fixgoal import DISPLAY_ONLY, FixGoal, Hint, Say
from ..physics import GLOROT, HE, LECUN_NORMAL
from ._variance import exempt_constant, vector_like


def constant_verdict(site, *, zero: bool):
    """(severity, layers judged, unknown role) for a zero or constant kernel, or None when it is deliberate.

    Product decision 7 (initlint/PRECISION.md): structure decides first (an output, a residual branch
    end, a random multiplicative partner silence it; a proven hidden layer keeps it); a kernel whose
    role is not established is reported only when nothing in the file says it is deliberate: a G5
    name silences it here, and documented intent near the site (G13) silences it in the engine
    (`unknown role` True)."""
    if vector_like(site):
        return None
    if not site.layers:
        if site.shared:
            return WARNING, [], False  # a whole-model init: no layer of any real model is right with it
        if site.deliberate_name:
            return None
        return WARNING, [], True
    judged = [layer for layer in site.layers if not exempt_constant(layer)]
    judged = [layer for layer in judged if _role_known(layer) or not layer.deliberate_name]
    if zero:  # zero weights under a chosen bias: the layer starts by outputting its bias (a prior)
        judged = [layer for layer in judged if _role_known(layer) or not _starts_at_its_bias(layer)]
    if not judged:
        return None
    unknown = not any(_role_known(layer) for layer in judged)
    severity = WARNING
    for layer in judged:
        dead_relu = zero and layer.activation is not None and layer.activation.family == RELU and layer.bias in (
            "zero", "none", "negative")
        if dead_relu or layer.constant_neighbour or layer.partner_constant or (site.shared and len(judged) > 1):
            severity = ERROR
    return severity, judged, unknown


def _starts_at_its_bias(layer) -> bool:
    """A zero kernel whose bias the code sets to a chosen constant: the layer outputs that constant at
    the start, as a spatial transformer's localization head starts at the identity transform. A
    negative bias before a ReLU is no prior: the unit is dead."""
    if layer.bias == "positive" or layer.bias == "constant":
        return True
    return layer.bias == "negative" and not (layer.activation is not None and layer.activation.family == RELU)


def _role_known(layer) -> bool:
    """Structure shows the zero start fails: a proven hidden layer, a zero partner, a constant neighbour."""
    return layer.proven_hidden or layer.partner_constant or layer.constant_neighbour


def display_goal(layers) -> FixGoal:
    """The initializer to suggest in place of a zero/constant one; never applied (display-only)."""
    activation = layers[0].activation if len(layers) == 1 else None
    family = activation.family if activation else None
    goal = LECUN_NORMAL if family == SELU else GLOROT if family in (TANH, SIGMOID, LINEAR) else HE
    return FixGoal(goal, activation, applicability=DISPLAY_ONLY)


def suggestion(layers, code: str, what: str) -> Hint:
    """Advice for a zero or constant kernel (`what`: "zero start", "constant"), suppressible by `code`."""
    families = {layer.activation.family for layer in layers if layer.activation is not None}
    activation = layers[0].activation if len(layers) == 1 else None
    if families <= {RELU, LEAKY, RELU_LIKE} and families:
        choice = ("use He", Say(HE, activation, UNIFORM))
    elif families == {SELU}:
        choice = ("use LeCun normal", Say(LECUN_NORMAL, activation))
    elif families:
        choice = ("use Glorot", Say(GLOROT, activation, UNIFORM))
    else:
        choice = ("use a random initializer matched to the activation (He for ReLU, Glorot for tanh/sigmoid)",)
    return choice + (f"; if the {what} is deliberate (a head or the last layer of a residual branch), "
                     f"suppress it with `# initlint: ignore[{code}]`",)
