from ..diagnostics import ERROR
from ..facts import UNIFORM
from ..fixgoal import FixGoal, Say
from ..physics import HE, SCALED
from ._mean import nonzero_mean
from ._variance import describe_layers, vector_like
from .base import Finding, Rule


def applies(site) -> bool:
    if vector_like(site):
        return False
    return not site.layers or any(not (layer.frozen or layer.embedding) for layer in site.layers)


class NonzeroMeanInit(Rule):
    """
    ## What it does
    Finds kernels drawn from a distribution whose mean is not zero: an all-positive uniform
    `U[0, b)` (the defaults of `nn.init.uniform_`, `Tensor.uniform_()`, `torch.rand`,
    TF1 `random_uniform_initializer()` and `tf.random.uniform`), `RandomUniform(minval=0, ...)`,
    or a normal with `mean` far from 0.

    ## Why is this bad
    With non-negative inputs (images, anything after ReLU or sigmoid) every unit receives the same
    large common-mode term `mean·n_in·E[x]`. At fan-in 784 after a ReLU it is about 27 times the
    random part: every unit sees nearly the same input, the layer is effectively rank one, and with
    `b = 1` the pre-activations are around 156.

    Severity: error for `U[0, b)` with `b ≥ 0.1` or `|mean| ≥ std`; warning for small positive
    ranges and `0.1·std ≤ |mean| < std`. Biases, embeddings, frozen and rank-1 parameters are not
    judged.

    ## Example
    ```python
    nn.init.uniform_(self.fc.weight)
    ```

    ## Use instead
    ```python
    nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")
    ```

    ## Fix safety
    Unsafe: changing the initializer changes training numerics.

    ## References
    - init-knowledge §2.9 (common-mode computation)
    """

    code = "IL303"
    name = "nonzero-mean-init"
    severity = ERROR
    fix_availability = "unsafe"

    VALID = (
        """
from tensorflow.keras import initializers, layers
a = layers.Dense(8, kernel_initializer=initializers.RandomUniform(minval=-0.05, maxval=0.05))
b = layers.Dense(8, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.05))
""",
        """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        nn.init.uniform_(self.fc.weight, -0.1, 0.1)
        nn.init.uniform_(self.fc.bias)
""",
    )
    INVALID = (
        """
from tensorflow.keras import initializers, layers
a = layers.Dense(8, kernel_initializer=initializers.RandomUniform(minval=0.0, maxval=1.0))  # expect: IL303
b = layers.Dense(8, kernel_initializer=initializers.RandomNormal(mean=1.0, stddev=0.05))  # expect: IL303
""",
        """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.fc.weight.data.uniform_()  # expect: IL303
""",
    )

    def check(self, site):
        found = nonzero_mean(site.init)
        if found is None or not applies(site):
            return
        severity, description = found
        single = site.layers[0] if len(site.layers) == 1 else None
        goal = FixGoal(SCALED, single.activation if single else None, single.fan_in if single else None,
                       single.fan_in_axis if single else None)
        yield Finding(severity, f"non-centred kernel init ({site.init.display}) on {describe_layers(site)}: "
                      f"{description}, so every unit gets the same common-mode input and the layer starts "
                      "nearly rank one", ("draw the weights from a zero-mean distribution scaled by the fan-in: He uniform",
                                           Say(HE, None, UNIFORM, bare=True), " for ReLU, Glorot uniform otherwise"), goal)
