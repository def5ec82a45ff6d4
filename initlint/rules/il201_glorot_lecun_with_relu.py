from ..diagnostics import ERROR, INFO, SEVERITIES, lower
from ..fixgoal import FixGoal, Say
from ..physics import HE, effective_gain2, nominal_gain2, recommended_gain2
from ._variance import activation_text, common_activation, describe_layers, family_label, is_relu_family, judged_layers
from ._chain import chain_text, shrink_severity, worst
from .base import Finding, Rule

UNIT_GAIN_FAMILIES = ("glorot", "xavier", "lecun", "variance_scaling")
UNIT_GAIN_NONLINEARITIES = ("linear", "sigmoid", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                            "conv_transpose2d", "conv_transpose3d")


def unit_gain(init) -> bool:
    """An explicit initializer designed for g²_eff = 1 (Glorot, LeCun, kaiming with a gain-1 nonlinearity)."""
    if init.kind != "variance_scaling" or init.scale is None:
        return False
    if init.family == "kaiming":
        return init.nonlinearity in UNIT_GAIN_NONLINEARITIES
    return init.family in UNIT_GAIN_FAMILIES and init.scale <= 1.2 and init.mode in ("fan_in", "fan_avg")


def relu_fix(init, activation):
    """Use He: the speller names it, and how to keep the user's initializer with the ReLU gain."""
    uniform = "uniform" if init.distribution == "uniform" else "normal"
    return ("use He initialization", Say(HE, activation, uniform, or_gain=True), ", the variance ReLU needs")


class GlorotLecunWithRelu(Rule):
    """
    ## What it does
    Finds a Glorot (Xavier) or LeCun initializer on a kernel that feeds a ReLU.

    Any variance-scaling initializer with gain 1 counts, in every framework: Keras `glorot_*` and
    `lecun_*`, PyTorch `xavier_*_(w)` and `kaiming_*_(w, nonlinearity="linear")`, Flax and Haiku
    variance scaling with scale 1. The activation is read from `activation=`, from the next layer of
    a `Sequential`, from functional chains and from the dataflow of `forward()` or `call()`.

    ## Why is this bad
    Glorot and LeCun keep the variance of a *linear* (or tanh) unit: `n_in·Var(W) = 1`. ReLU sets
    half of its inputs to zero, so each such layer halves the second moment of the activations (and
    of the gradients): ×0.5 per layer, about 10⁻³ after 10 layers. He et al. (2015) report that a
    30-layer ReLU network initialized this way stalls completely, while the same network with He
    initialization (`Var(W) = 2/n_in`) trains. Shallow networks cope, which is why a single finding
    is information, not an error.

    GELU, SiLU and other smooth ReLU-like units have no agreed gain, so they are not judged. Not
    reported for an output layer, nor when a normalization layer follows the kernel (normalization
    removes the scale problem). Orthogonal initializers are never judged here.

    ## Example
    ```python
    layers.Dense(256, activation="relu", kernel_initializer="glorot_uniform")
    ```

    ## Use instead
    ```python
    layers.Dense(256, activation="relu", kernel_initializer="he_uniform")
    ```

    ## Fix safety
    Unsafe: changing the initializer changes training numerics. `--fix --unsafe-fixes` applies it.

    ## Options
    In a deep chain of kernel layers with no normalization and no residual connection between them,
    the factors multiply: the finding is a warning when the chain's variance product falls below
    `chain-warning` (default `1e-4`, about 14 Glorot+ReLU layers) and an error below `chain-error`
    (default `1e-8`, about 27 layers), both in `[tool.initlint]`. Turn the rule off with `ignore = ["IL201"]` (or per file with
    `per-file-ignores`), or one line with `# noqa: IL201`.

    ## References
    - He, Zhang, Ren, Sun. *Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification*, ICCV 2015 (arXiv:1502.01852)
    - Glorot, Bengio. *Understanding the difficulty of training deep feedforward neural networks*, AISTATS 2010
    - LeCun, Bottou, Orr, Müller. *Efficient BackProp*, 1998
    - Hanin, Rolnick. *How to Start Training: The Effect of Initialization and Architecture*, NeurIPS 2018
    """

    code = "IL201"
    name = "glorot-lecun-with-relu"
    severity = ERROR
    fix_availability = "unsafe"

    VALID = (
        """
from tensorflow.keras import layers, Sequential
model = Sequential([
    layers.Dense(64, kernel_initializer="glorot_uniform", input_shape=(32,)),
    layers.BatchNormalization(),
    layers.ReLU(),
    layers.Dense(64, activation="tanh", kernel_initializer="glorot_uniform"),
    layers.Dense(10, activation="softmax", kernel_initializer="glorot_uniform"),
])
""",
        """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 64)
        self.out = nn.Linear(64, 1)
        nn.init.xavier_uniform_(self.fc.weight, gain=nn.init.calculate_gain("relu"))
        nn.init.xavier_uniform_(self.out.weight)
    def forward(self, x):
        return self.out(F.relu(self.fc(x)))
""",
    )
    INVALID = (
        """
from tensorflow.keras import layers
conv = layers.Conv2D(32, 3, activation="relu", kernel_initializer="glorot_uniform")  # expect: IL201
""",
        """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight)  # expect: IL201
    def forward(self, x):
        return self.body(x)
""",
        """
import torch.nn as nn
import torch.nn.functional as F
class Deep(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(64, 64) for _ in range(8)])
        self.head = nn.Linear(64, 1)
        for layer in self.layers:
            nn.init.xavier_uniform_(layer.weight)  # expect: IL201
    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return self.head(x)
""",
    )

    def check(self, site):
        init = site.init
        if not unit_gain(init):
            return
        layers = judged_layers(site)
        if not layers or not all(is_relu_family(layer.activation) for layer in layers):
            return
        severity = INFO
        if all(layer.norm_after for layer in layers):
            severity = lower(severity)
        if severity is None:
            return
        layer = layers[0]
        activation = common_activation(layers) or layer.activation
        g2 = effective_gain2(init, layer.fan_in, layer.fan_out) if len(layers) == 1 else nominal_gain2(init)
        ratio = (g2 or 1.0) / recommended_gain2(activation)
        fans = f" (fan-in {layer.fan_in}, fan-out {layer.fan_out})" if len(layers) == 1 and layer.fan_in and layer.fan_out else ""
        message = (f"{family_label(init)} initializer ({init.display}) on {describe_layers(site, layers)}{fans} feeding "
                   f"{activation_text(activation)}: it keeps {ratio:.2f} of the variance ReLU needs, so activations "
                   f"shrink by about x{ratio:.2f} per layer; harmless in shallow nets, a stall in deep ones")
        if severity == INFO:  # a deep chain without normalization makes the shrinking compound
            scale = worst(layer.chain for layer in layers if not layer.norm_after)
            chained = shrink_severity(scale.product, self.options) if scale is not None else None
            if chained is not None and SEVERITIES.index(chained) < SEVERITIES.index(INFO):
                severity = chained
                message = (f"{family_label(init)} initializer ({init.display}) on {describe_layers(site, layers)} "
                           f"feeding {activation_text(activation)}, x{ratio:.2f} of the variance ReLU needs per "
                           f"layer; {chain_text(scale)}")
        yield Finding(severity, message, relu_fix(init, activation),
                      FixGoal("he", activation, layer.fan_in if len(layers) == 1 else None))
