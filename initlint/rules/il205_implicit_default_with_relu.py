from ..diagnostics import ERROR, INFO
from ..fixgoal import Say
from ..physics import HE, effective_gain2, recommended_gain2
from ._chain import chain_text, shrink_severity, worst
from ._variance import common_activation, describe_layers, is_relu_family, judged_layers, needed_by
from .base import Finding, Rule


class ImplicitDefaultWithRelu(Rule):
    """
    ## What it does
    Finds layers left on their framework's default initializer that feed a ReLU in a deep chain. Such
    a layer is given no initializer, so it uses its framework's default, and it feeds a ReLU (or leaky
    ReLU) in a deep chain of layers with no normalization and no residual connection between them. The defaults are Glorot uniform in Keras and `tf.layers`, Xavier and a
    ReLU by default in `tf.contrib.layers`, LeCun normal in Flax, a truncated normal of standard
    deviation `1/sqrt(fan_in)` in Haiku, and `kaiming_uniform_(a=sqrt(5))` in PyTorch (variance
    `1/(3·fan_in)`). The severity follows the whole chain: how much the variance of the activations
    shrinks from its first layer to the output. A chain is reported once, at its first layer on a
    default, naming the others.

    Off by default: nearly every tutorial and shallow model relies on these defaults, and most of
    them train fine. Enable it for deep plain stacks.

    ## Why is this bad
    ReLU zeroes half of its input, so a layer keeps the variance of the activations only when
    `fan_in·Var(W) = 2` (He initialization). Glorot and LeCun give 1, so each layer halves the
    variance; PyTorch's default gives 1/3, so each layer keeps about a sixth. Over a chain the
    factors multiply: 30 Glorot+ReLU layers shrink the variance about 10^-9 times, and He et al.
    (2015) show such a network stalls while a 22-layer one still trains. The thresholds on that
    product are the same as for explicit Glorot/LeCun initializers: info below 1e-2, warning below
    1e-4, error below 1e-8. Output layers are not judged, and a normalization layer ends a chain.

    ## Example
    ```python
    model = keras.Sequential([layers.Dense(64, activation="relu") for _ in range(30)] + [layers.Dense(10)])
    ```

    ## Use instead
    ```python
    model = keras.Sequential(
        [layers.Dense(64, activation="relu", kernel_initializer="he_uniform") for _ in range(30)]
        + [layers.Dense(10)]
    )
    ```
    In PyTorch, call `nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")` on each hidden
    layer; in Flax pass `kernel_init=nn.initializers.he_normal()`.

    ## Fix safety
    No automatic fix: the hint names the He initializer to pass. Adding it changes training
    numerics.

    ## Options
    `chain-info`, `chain-warning` and `chain-error` in `[tool.initlint]` (defaults `1e-2`, `1e-4`,
    `1e-8`) are the variance products below which a chain is reported as info, warning and error.

    ## References
    - He, Zhang, Ren, Sun. *Delving Deep into Rectifiers: Surpassing Human-Level Performance on
      ImageNet Classification*, ICCV 2015
    - Glorot, Bengio. *Understanding the difficulty of training deep feedforward neural networks*,
      AISTATS 2010
    """

    code = "IL205"
    name = "implicit-default-with-relu"
    severity = ERROR
    default_enabled = False
    judges_implicit = True
    fix_availability = "none"

    VALID = (
        """
from tensorflow.keras import layers, Sequential
model = Sequential([
    layers.Dense(64, activation="relu", input_shape=(32,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
""",
        """
from tensorflow.keras import layers, Sequential
model = Sequential([layers.Input(shape=(64,))])
for _ in range(12):
    model.add(layers.Dense(64))
    model.add(layers.BatchNormalization())
    model.add(layers.ReLU())
model.add(layers.Dense(10))
""",
        """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(64, 64) for _ in range(8)])
        self.head = nn.Linear(64, 10)
        for layer in self.layers:
            nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return self.head(x)
""",
    )
    INVALID = (
        """
from tensorflow.keras import layers, Sequential
model = Sequential([layers.Input(shape=(64,))])
for _ in range(30):
    model.add(layers.Dense(64, activation="relu"))  # expect: IL205
model.add(layers.Dense(10))
""",
        """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(64, 64) for _ in range(4)])  # expect: IL205
        self.head = nn.Linear(64, 10)
    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return self.head(x)
""",
    )

    def check(self, site):
        if not site.implicit:
            return
        layers = [layer for layer in judged_layers(site) if not layer.norm_after]
        if not layers or not all(is_relu_family(layer.activation) for layer in layers):
            return
        layer = layers[0]
        scale = worst([layer.chain])
        if scale is None:
            return
        severity = shrink_severity(scale.product, self.options)
        if severity is None:
            return
        defaults = [index for index, link in enumerate(scale.chain.links)
                    if link.implicit and not link.output and is_relu_family(link.activation)]
        if not defaults or defaults[0] != layer.chain_position:
            return  # one report per chain, at its first layer on a default
        others = [scale.chain.links[index].name for index in defaults[1:]]
        activation = common_activation(layers) or layer.activation
        init = site.init
        g2 = effective_gain2(init, layer.fan_in, layer.fan_out)
        ratio = (g2 if g2 is not None else 1.0) / recommended_gain2(activation)
        also = ""
        if others:
            shown = ", ".join(f"'{name}'" for name in others[:4]) + (f" and {len(others) - 4} more" if len(others) > 4 else "")
            also = f" (and so do {shown})"
        message = (f"{describe_layers(site, layers)} has no kernel initializer, so it uses {init.display}{also} "
                   f"(x{ratio:.2f} of the variance {needed_by(activation)} needs per layer); {chain_text(scale)}")
        if severity == INFO:
            message += "; harmless in shallow nets, a stall in deep ones"
        yield Finding(severity, message, ("pass He initialization explicitly", Say(HE, activation, "uniform"),
                                          ", the variance ReLU needs"))
