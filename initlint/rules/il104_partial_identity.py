from ..diagnostics import INFO
from ..facts import IDENTITY
from ._variance import describe_layers, is_relu_family, judged_layers
from .base import Finding, Rule


class PartialIdentity(Rule):
    """
    ## What it does
    Finds an identity initializer (`nn.init.eye_`, Keras `Identity()`, `hk.initializers.Identity()`)
    on a kernel with more outputs than inputs whose output feeds a ReLU. Off by default.

    ## Why is this bad
    An identity matrix fills only the smaller of the two dimensions: with `n_out > n_in`, the
    output units `n_in .. n_out - 1` get all-zero weights. Their pre-activation is the bias
    alone, so after a ReLU they output a constant with zero gradient at 0, and a zero-initialized
    bias keeps them dead. The layer starts with fewer working units than it has.

    Information: the effect depends on the bias and on how much of the layer is missing.

    ## Example
    ```python
    self.fc = nn.Linear(64, 256)
    nn.init.eye_(self.fc.weight)  # units 64..255 start at zero
    ```

    ## Use instead
    ```python
    self.fc = nn.Linear(64, 256)
    nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")
    ```

    ## Fix safety
    No automatic fix: the identity may be deliberate for the first `n_in` units; the hint says
    which units start dead.

    ## Options
    Off by default; enable it with `extend-select = ["IL104"]`.

    ## References
    - Le, Jaitly, Hinton. *A Simple Way to Initialize Recurrent Networks of Rectified Linear
      Units*, 2015 (identity initialization for square recurrent matrices)
    """

    code = "IL104"
    name = "partial-identity-dead-units"
    severity = INFO
    default_enabled = False
    fix_availability = "display-only"
    precision = "medium"

    VALID = (
        """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 64)
        self.out = nn.Linear(64, 10)
        nn.init.eye_(self.fc.weight)
    def forward(self, x):
        return self.out(F.relu(self.fc(x)))
""",
    )
    INVALID = (
        """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 256)
        self.out = nn.Linear(256, 10)
        nn.init.eye_(self.fc.weight)  # expect: IL104
    def forward(self, x):
        return self.out(F.relu(self.fc(x)))
""",
        """
from tensorflow import keras
model = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(256, activation="relu", kernel_initializer=keras.initializers.Identity()),  # expect: IL104
    keras.layers.Dense(10),
])
""",
    )

    def check(self, site):
        if site.init.kind != IDENTITY or site.ndim not in (None, 2):
            return
        layers = [layer for layer in judged_layers(site) if is_relu_family(layer.activation)
                  and layer.fan_in and layer.fan_out and layer.fan_out > layer.fan_in and "conv" not in layer.kind.lower()]
        if not layers:
            return
        layer = layers[0]
        dead = layer.fan_out - layer.fan_in
        yield Finding(
            INFO,
            f"identity initializer ({site.init.display}) on {describe_layers(site, layers)} with {layer.fan_in} inputs "
            f"and {layer.fan_out} outputs: the last {dead} output units start with all-zero weights and, after "
            "the ReLU, with no gradient",
            "use a random initializer (He for ReLU), or make the kernel square",
        )
