from ..diagnostics import INFO, lower
from ..facts import OUTPUT, TANH
from ..fixgoal import FixGoal, Say
from ..physics import GLOROT
from ._variance import activation_text, describe_layers, is_saturating, judged_layers, linear_or_output
from .base import Finding, Rule


def he_type(init) -> bool:
    """g²_eff ≈ 2: he_*, kaiming relu/leaky defaults, VarianceScaling(2.0, fan_in)."""
    if init.kind != "variance_scaling" or init.scale is None:
        return False
    if init.family == "kaiming":
        return init.nonlinearity in ("relu", "leaky_relu") and 1.6 <= init.scale <= 2.2
    return init.family in ("he", "variance_scaling") and 1.6 <= init.scale <= 2.2 and init.mode == "fan_in"


class HeWithSaturatingActivation(Rule):
    """
    ## What it does
    Finds a He (Kaiming) initializer on a kernel that feeds tanh or sigmoid.

    He initializers are `he_normal`, `he_uniform`, `kaiming_*_` with the ReLU or leaky ReLU gain, and
    `VarianceScaling(2.0)`; the hard and soft variants of tanh and sigmoid count too.

    ## Why is this bad
    He initialization doubles the variance that tanh and sigmoid units are designed for (Glorot or
    LeCun, gain 1). The effect is **mild**: with tanh the network sits slightly on the chaotic side
    (the gradient grows by about 1.1 per layer) and few units saturate; with sigmoid, He
    initialization even improves the gradient flow, and Glorot's own advice for sigmoid was bounds
    four times larger than for tanh. PyTorch's recommended tanh gain, (5/3)², is larger than He's.
    The finding is information because users expect the textbook pairing to be checked; it is
    rarely the cause of a failed training run.

    Not reported when a normalization layer sits between the kernel and the activation, nor on a
    model output that goes through tanh: a bounded action or regression output, as in RL policies.
    A sigmoid output (a gate, a probability) is still judged. Orthogonal initializers are never
    judged here.

    ## Example
    ```python
    layers.Dense(128, activation="tanh", kernel_initializer="he_uniform")
    ```

    ## Use instead
    ```python
    layers.Dense(128, activation="tanh", kernel_initializer="glorot_uniform")
    ```

    ## Fix safety
    Unsafe: changing the initializer changes training numerics. `--fix --unsafe-fixes` applies it.

    ## Options
    No options of its own. Turn the rule off with `ignore = ["IL202"]` (or per file with
    `per-file-ignores`), or one line with `# noqa: IL202`.

    ## References
    - Glorot, Bengio. *Understanding the difficulty of training deep feedforward neural networks*, AISTATS 2010
    - He, Zhang, Ren, Sun. *Delving Deep into Rectifiers*, ICCV 2015 (arXiv:1502.01852)
    - Poole, Lahiri, Raghu, Sohl-Dickstein, Ganguli. *Exponential expressivity in deep neural networks through transient chaos*, NeurIPS 2016 (order and chaos in tanh networks)
    - [PyTorch `torch.nn.init.calculate_gain`](https://docs.pytorch.org/docs/stable/nn.init.html) (the 5/3 gain for tanh)
    """

    code = "IL202"
    name = "he-with-saturating-activation"
    severity = INFO
    fix_availability = "unsafe"

    VALID = (
        """
from tensorflow.keras import layers
a = layers.Dense(64, activation="relu", kernel_initializer="he_normal")
b = layers.Dense(64, activation="tanh", kernel_initializer="glorot_uniform")
""",
        """
from tensorflow.keras import Sequential, layers
model = Sequential([
    layers.Dense(64, kernel_initializer="he_uniform", input_shape=(8,)),
    layers.BatchNormalization(),
    layers.Activation("tanh"),
    layers.Dense(1),
])
""",
    )
    # An actor's tanh action output (G2): exempt; its ReLU hidden layers are He on purpose.
    VALID = VALID + (
        """
import torch
import torch.nn as nn
class Actor(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 64)
        self.mu = nn.Linear(64, 2)
        nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")
        nn.init.kaiming_uniform_(self.mu.weight, nonlinearity="relu")
    def forward(self, x):
        return torch.tanh(self.mu(torch.relu(self.fc(x))))
""",
    )
    INVALID = (
        """
from tensorflow.keras import layers
layer = layers.Dense(128, activation="sigmoid", kernel_initializer="he_normal")  # expect: IL202
""",
        """
import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(32, 32)
        self.out = nn.Linear(32, 1)
        nn.init.kaiming_uniform_(self.fc.weight)  # expect: IL202
    def forward(self, x):
        return self.out(torch.tanh(self.fc(x)))
""",
    )

    def check(self, site):
        init = site.init
        if not he_type(init):
            return
        # Output layers are judged too (a He-initialized sigmoid gate is still the textbook mismatch),
        # except a plain linear/softmax readout, which has no saturating unit, and a tanh output (G2):
        # a bounded action or regression output, as in RL policies, where the extra variance only
        # starts the outputs nearer their bounds.
        layers = [layer for layer in judged_layers(site, skip_roles=())
                  if not (layer.role == OUTPUT and (linear_or_output(layer.activation) or
                                                    (layer.activation is not None and layer.activation.family == TANH)))]
        if not layers or not all(is_saturating(layer.activation) for layer in layers):
            return
        severity = INFO if not all(layer.norm_after for layer in layers) else lower(INFO)
        if severity is None:
            return
        activation = layers[0].activation
        distribution = "uniform" if init.distribution == "uniform" else "normal"
        hint = ("use Glorot initialization", Say(GLOROT, activation, distribution),
                f", designed for {activation_text(activation)}")
        message = (f"He initializer ({init.display}) on {describe_layers(site, layers)} feeding {activation_text(activation)}: "
                   f"twice the variance {activation_text(activation)} is designed for; the effect is mild (slightly "
                   "more saturation, not a training failure)")
        yield Finding(severity, message, hint, FixGoal(GLOROT, activation))
