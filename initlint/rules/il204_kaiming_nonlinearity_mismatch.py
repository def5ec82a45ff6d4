from ..diagnostics import INFO, lower
from ..fixgoal import FixGoal, Say
from ..physics import HE, recommended_gain2
from ._variance import (
    UNIT_GAIN_NONLINEARITIES,
    activation_text,
    common_activation,
    describe_layers,
    is_relu_family,
    judged_layers,
)
from .base import Finding, Rule

# Within this band the declared gain is as good as the right one (a leaky slope up to 0.5).
TOLERANCE = (0.8, 1.25)


class KaimingNonlinearityMismatch(Rule):
    """
    ## What it does
    Finds a Kaiming initializer (`kaiming_uniform_`, `kaiming_normal_`) whose declared
    nonlinearity (`nonlinearity=`, with its slope `a=`) gives a gain that does not fit the ReLU-family activation
    the layer really feeds: `nonlinearity="tanh"` or `"selu"` before a ReLU, or `a=math.sqrt(5)`
    (copied from `nn.Linear`'s reset code) before a ReLU.

    Declarations that other rules already judge are left to them: a gain-1 nonlinearity
    (`"linear"`, `"sigmoid"`) before a ReLU is reported as glorot-lecun-with-relu (IL201), a
    ReLU gain before tanh or sigmoid as he-with-saturating-activation (IL202), anything before a
    SELU as selu-without-lecun-normal (IL203). `nonlinearity="relu"` before GELU, SiLU or Mish is
    the best torch offers (those strings raise) and is not reported; nor is a leaky slope that
    changes the gain by less than 25%.

    ## Why is this bad
    The nonlinearity decides the gain: `kaiming_normal_(w, nonlinearity=X)` draws with variance
    `gain(X)² / fan_in`, and a ReLU needs 2. `"tanh"` gives 25/9 (activations grow ×1.39 per
    layer), `"selu"` 9/16 (×0.28), and `a=math.sqrt(5)` with the default `"leaky_relu"` 1/3
    (×0.17): in a deep stack of ReLU layers the signal explodes or vanishes (He et al. 2015).

    Information: harmless in shallow networks.

    ## Example
    ```python
    nn.init.kaiming_normal_(self.fc.weight, nonlinearity="tanh")  # but forward applies F.relu
    ```

    ## Use instead
    ```python
    nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")
    ```

    ## Fix safety
    Unsafe: changing the gain changes training numerics.

    ## Options
    None.

    ## References
    - He, Zhang, Ren, Sun. *Delving Deep into Rectifiers*, ICCV 2015
    - PyTorch documentation, [`torch.nn.init.calculate_gain`](https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.calculate_gain)
    """

    code = "IL204"
    name = "kaiming-nonlinearity-mismatch"
    severity = INFO
    fix_availability = "unsafe"
    precision = "high"

    VALID = (
        """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 64)
        self.act = nn.LeakyReLU(0.2)
        self.out = nn.Linear(64, 1)
        nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")
    def forward(self, x):
        return self.out(self.act(self.fc(x)))
""",
        """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 64)
        self.out = nn.Linear(64, 1)
        nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")
    def forward(self, x):
        return self.out(F.gelu(self.fc(x)))
""",
    )
    INVALID = (
        """
import math
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.fc2 = nn.Linear(64, 64)
        self.out = nn.Linear(64, 1)
        nn.init.kaiming_normal_(self.fc1.weight, nonlinearity="tanh")  # expect: IL204
        nn.init.kaiming_uniform_(self.fc2.weight, a=math.sqrt(5))  # expect: IL204
    def forward(self, x):
        return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))
""",
    )

    def check(self, site):
        init = site.init
        if init.kind != "variance_scaling" or init.family != "kaiming" or init.scale is None \
                or init.nonlinearity in UNIT_GAIN_NONLINEARITIES:
            return
        layers = judged_layers(site)
        if not layers or not all(is_relu_family(layer.activation) for layer in layers):
            return
        activation = common_activation(layers) or layers[0].activation
        ratio = init.scale / recommended_gain2(activation)
        if TOLERANCE[0] <= ratio <= TOLERANCE[1]:
            return
        severity = lower(INFO) if all(layer.norm_after for layer in layers) else INFO
        if severity is None:
            return
        change = "grow" if ratio > 1 else "shrink"
        declared = f"nonlinearity={init.nonlinearity!r}" if init.nonlinearity else "its nonlinearity"
        message = (f"Kaiming initializer ({init.display}) declares {declared} but {describe_layers(site, layers)} "
                   f"feeds {activation_text(activation)}: the gain gives {ratio:.2f} of the variance it needs, so "
                   f"activations {change} by about x{ratio:.2f} per layer")
        hint = ("declare the activation the layer feeds", Say(HE, activation, None), "")
        yield Finding(severity, message, hint, FixGoal(HE, activation, layers[0].fan_in if len(layers) == 1 else None))
