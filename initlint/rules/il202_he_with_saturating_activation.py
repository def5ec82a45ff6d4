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
    Finds a He/Kaiming initializer (`he_normal`, `he_uniform`, `kaiming_*_` with the ReLU or leaky
    ReLU gain, `VarianceScaling(2.0)`) on a kernel whose output feeds tanh or sigmoid (and their
    hard/soft variants).

    ## Why is this bad
    He init doubles the variance a tanh/sigmoid unit is designed for (Glorot/LeCun, `g² = 1`). The
    effect is **mild**: with tanh the network sits slightly on the chaotic side (gradient factor
    about 1.1 per layer) and saturates few units; with sigmoid, He init even improves gradient flow.
    PyTorch's own recommended tanh gain, (5/3)², is larger than He's. This is reported as
    information because users expect the textbook pairing to be checked; it is rarely the cause of
    a failed training run.

    Not reported when a normalization layer sits between the kernel and the activation (G8), nor
    on a model output that goes through tanh (G2): a bounded action or regression output, as in RL
    policies. A sigmoid output (a gate, a probability) is still judged. Orthogonal initializers are
    never judged here.

    ## Example
    ```python
    layers.Dense(128, activation="tanh", kernel_initializer="he_uniform")
    ```

    ## Use instead
    ```python
    layers.Dense(128, activation="tanh", kernel_initializer="glorot_uniform")
    ```

    ## Fix safety
    Unsafe: changing the initializer changes training numerics.

    ## References
    - Glorot, Bengio, AISTATS 2010; init-knowledge §2.6 and §6.1 (a contested point)
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
