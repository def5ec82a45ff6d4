from ..diagnostics import INFO, WARNING
from ..facts import SELU
from ..fixgoal import FixGoal, Say
from ..physics import LECUN_NORMAL
from ._variance import describe_layers, family_label, judged_layers
from .base import Finding, Rule


class SeluWithoutLecunNormal(Rule):
    """
    ## What it does
    Finds a kernel that feeds a SELU and is initialized with something other than LeCun normal.

    Only variance-scaling random initializers are judged (He, Glorot, LeCun uniform, PyTorch's
    `kaiming_*_` with any gain).

    ## Why is this bad
    SELU normalizes itself (mean 0 and variance 1 attract the activations, layer after layer) only
    when the weights have mean 0 and variance `1/n_in`, drawn from a normal distribution: LeCun
    normal (Klambauer et al. 2017). He initialization grows the variance about 30 times over 10
    layers and about 3000 times over 50, so self-normalization is lost (warning). Glorot, LeCun
    uniform and PyTorch's `nonlinearity="selu"` gain (3/4) are close but not right (info); the
    PyTorch documentation says to use `nonlinearity="linear"` for SELU.

    ## Example
    ```python
    layers.Dense(100, activation="selu", kernel_initializer="he_normal")
    ```

    ## Use instead
    ```python
    layers.Dense(100, activation="selu", kernel_initializer="lecun_normal")
    ```

    ## Fix safety
    Unsafe: changing the initializer changes training numerics. `--fix --unsafe-fixes` applies it.

    ## Options
    No options of its own. Turn the rule off with `ignore = ["IL203"]` (or per file with
    `per-file-ignores`), or one line with `# noqa: IL203`.

    ## References
    - Klambauer, Unterthiner, Mayr, Hochreiter. *Self-Normalizing Neural Networks*, NeurIPS 2017 (arXiv:1706.02515)
    - LeCun, Bottou, Orr, Müller. *Efficient BackProp*, 1998
    - [PyTorch `torch.nn.init.calculate_gain`](https://docs.pytorch.org/docs/stable/nn.init.html) (the note on SELU)
    """

    code = "IL203"
    name = "selu-without-lecun-normal"
    severity = WARNING
    fix_availability = "unsafe"

    VALID = (
        """
from tensorflow.keras import layers
a = layers.Dense(100, activation="selu", kernel_initializer="lecun_normal")
b = layers.Dense(100, activation="relu", kernel_initializer="he_normal")
""",
        """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.act = nn.SELU()
        self.out = nn.Linear(16, 1)
        nn.init.kaiming_normal_(self.fc.weight, nonlinearity="linear")
    def forward(self, x):
        return self.out(self.act(self.fc(x)))
""",
    )
    INVALID = (
        """
from tensorflow.keras import layers
a = layers.Dense(100, activation="selu", kernel_initializer="he_normal")  # expect: IL203
b = layers.Dense(100, activation="selu", kernel_initializer="glorot_uniform")  # expect: IL203
""",
    )

    def check(self, site):
        init = site.init
        if init.kind != "variance_scaling" or init.scale is None:
            return
        layers = judged_layers(site)
        if not layers or not all(layer.activation.family == SELU for layer in layers):
            return
        lecun_normal = (abs(init.scale - 1.0) < 0.05 and init.mode == "fan_in"
                        and init.distribution in ("normal", "truncated_normal"))
        if lecun_normal:
            return
        severity = WARNING if init.scale >= 1.6 or init.scale <= 0.5 else INFO
        why = ("grows the activations' variance layer after layer, so self-normalization breaks"
               if init.scale >= 1.6 else "is not the mean-0, variance-1/fan-in normal distribution SELU's fixed point needs")
        activation = layers[0].activation
        hint = ("use LeCun normal initialization", Say(LECUN_NORMAL, activation),
                ", the mean-0, variance-1/fan-in normal distribution SELU's self-normalization needs")
        yield Finding(severity, f"{family_label(init)} initializer ({init.display}) on {describe_layers(site, layers)} "
                      f"feeding SELU: it {why}", hint, FixGoal(LECUN_NORMAL, activation))
