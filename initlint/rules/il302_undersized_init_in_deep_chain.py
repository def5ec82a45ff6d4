from ..diagnostics import ERROR
from ..facts import NORMAL, TRUNCATED_NORMAL, UNIFORM
from ..fixgoal import FixGoal, Say
from ..physics import HE, LECUN_NORMAL, SCALED, recommended_gain2, recommended_std, scheme_for, weight_mean, weight_std
from ._chain import chain_text, shrink_severity, worst
from ._variance import describe_layers, fmt, judged_layers, needed_by, recommended_name
from .base import Finding, Rule

# A detection or classification tower of a few N(0, 0.01) convolutions is deliberate (RetinaNet's
# heads): only chains at least this long are judged.
MIN_CHAIN_LAYERS = 8


class UndersizedInitInDeepChain(Rule):
    """
    ## What it does
    Finds fixed-scale random initializers too small for their layer in a deep chain. Such an
    initializer (a normal or uniform distribution with a given standard deviation or limit, such as
    `normal_(w, 0, 0.01)`, `RandomNormal(stddev=0.05)` or `TruncatedNormal(stddev=0.02)`) is too
    small for the layer's fan-in and activation, on a layer inside a deep chain of kernel layers with no normalization and no residual connection
    between them. The severity follows the chain's product of per-layer variance ratios, from its
    first layer to the output.

    Off by default: small fixed scales are common and usually harmless, because a normalization
    layer or a residual connection follows (BERT and GPT-2 use `std=0.02` under LayerNorm).

    ## Why is this bad
    A layer multiplies the variance of its activations by `fan_in·std²` over what its activation
    needs (2 for ReLU, 1 otherwise). With `std=0.01` and a fan-in of 256 that is about 0.013 per
    ReLU layer, and over a chain the factors multiply: the signal, and the gradient flowing back,
    vanish long before the output. Only chains of at least 8 layers are judged, and only the
    layers whose fan-in is known. Output layers are never judged (a small output layer is good
    practice), nor layers followed by a normalization.

    ## Example
    ```python
    for layer in self.layers:  # 10 Linear(256, 256) + ReLU
        nn.init.normal_(layer.weight, std=0.01)
    ```

    ## Use instead
    ```python
    for layer in self.layers:
        nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    ```

    ## Fix safety
    Unsafe: the fix scales the standard deviation to the fan-in (He for ReLU, LeCun otherwise),
    which changes training numerics.

    ## Options
    `chain-info`, `chain-warning` and `chain-error` in `[tool.initlint]` (defaults `1e-2`, `1e-4`,
    `1e-8`) are the variance products below which a chain is reported as info, warning and error.

    ## References
    - He, Zhang, Ren, Sun. *Delving Deep into Rectifiers*, ICCV 2015
    - Glorot, Bengio. *Understanding the difficulty of training deep feedforward neural networks*,
      AISTATS 2010
    - Lin, Goyal, Girshick, He, Dollár. *Focal Loss for Dense Object Detection*, ICCV 2017 (the
      deliberate `std=0.01` heads)
    """

    code = "IL302"
    name = "undersized-init-in-deep-chain"
    severity = ERROR
    default_enabled = False
    fix_availability = "unsafe"

    VALID = (
        """
import torch.nn as nn
import torch.nn.functional as F
class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.tower = nn.ModuleList([nn.Conv2d(256, 256, 3, padding=1) for _ in range(4)])
        self.cls = nn.Conv2d(256, 9, 3, padding=1)
        for conv in self.tower:
            nn.init.normal_(conv.weight, std=0.01)
    def forward(self, x):
        for conv in self.tower:
            x = F.relu(conv(x))
        return self.cls(x)
""",
        """
from tensorflow.keras import layers, initializers, Sequential
model = Sequential([layers.Input(shape=(256,))])
for _ in range(10):
    model.add(layers.Dense(256, kernel_initializer=initializers.RandomNormal(stddev=0.01)))
    model.add(layers.LayerNormalization())
    model.add(layers.ReLU())
model.add(layers.Dense(10))
""",
    )
    INVALID = (
        """
import torch.nn as nn
import torch.nn.functional as F
class Deep(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(256, 256) for _ in range(10)])
        self.out = nn.Linear(256, 10)
        for layer in self.layers:
            nn.init.normal_(layer.weight, std=0.01)  # expect: IL302
    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return self.out(x)
""",
        """
from tensorflow.keras import layers, initializers, Sequential
model = Sequential([layers.Input(shape=(256,))])
for _ in range(10):
    model.add(layers.Dense(256, activation="relu", kernel_initializer=initializers.RandomNormal(stddev=0.01)))  # expect: IL302
model.add(layers.Dense(10))
""",
    )

    def check(self, site):
        init = site.init
        if site.implicit or init.kind not in (NORMAL, TRUNCATED_NORMAL, UNIFORM):
            return
        std = weight_std(init)
        mean = weight_mean(init)
        if not std or (mean is not None and abs(mean) >= 0.1 * std):
            return  # degenerate, or not centred: the constant and non-zero-mean rules judge it
        small = []
        for layer in judged_layers(site):
            if layer.norm_after or not layer.fan_in:
                continue
            ratio = layer.fan_in * std * std / recommended_gain2(layer.activation)
            if ratio < 1:
                small.append((ratio, layer))
        if not small:
            return
        scale = worst(layer.chain for _, layer in small)
        if scale is None or scale.chain.length < MIN_CHAIN_LAYERS:
            return
        severity = shrink_severity(scale.product, self.options)
        if severity is None:
            return
        ratio, layer = min(small, key=lambda pair: pair[0])
        recommended = recommended_std(layer.activation, layer.fan_in)
        name = recommended_name(layer.activation)
        message = (f"{init.display} on {describe_layers(site, [pair[1] for pair in small])} with fan-in {layer.fan_in}: "
                   f"weight std {fmt(std)} keeps x{fmt(ratio)} of the variance {needed_by(layer.activation)} "
                   f"needs per layer ({name} std {fmt(recommended)}); {chain_text(scale)}")
        scheme = HE if scheme_for(layer.activation) == HE else LECUN_NORMAL
        hint = (f"use std {fmt(recommended)} (= sqrt({fmt(recommended_gain2(layer.activation))}/{layer.fan_in}), "
                f"{name}), or a fan-in-scaled initializer", Say(scheme, layer.activation, NORMAL, bare=True))
        goal = FixGoal(SCALED, layer.activation, layer.fan_in, layer.fan_in_axis) if len(small) == 1 else None
        yield Finding(severity, message, hint, goal)
