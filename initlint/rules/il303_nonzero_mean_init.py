from ..diagnostics import ERROR, WARNING
from ..facts import NORMAL, TRUNCATED_NORMAL, UNIFORM
from ._variance import describe_layers, fmt, vector_like, weight_std
from ..fixgoal import FixGoal
from .base import Finding, Rule


def nonzero_mean(init):
    """(severity, description) when the initializer's mean is far from zero, else None (§2.9)."""
    if init.kind == UNIFORM:
        low, high = init.minval, init.maxval
        if low is None or high is None or high <= low:
            return None
        if low >= 0 or high <= 0:
            width = high - low
            severity = ERROR if max(abs(low), abs(high)) >= 0.1 else WARNING
            return severity, f"U[{fmt(low)}, {fmt(high)}) is all {'positive' if low >= 0 else 'negative'} (mean {fmt((low + high) / 2)})"
        return None
    if init.kind in (NORMAL, TRUNCATED_NORMAL):
        mean, std = init.mean, weight_std(init)
        if mean is None or std is None or mean == 0:
            return None
        if abs(mean) >= std:
            return ERROR, f"mean {fmt(mean)} is at least its std {fmt(std)}"
        if abs(mean) >= 0.1 * std:
            return WARNING, f"mean {fmt(mean)} is {abs(mean) / std:.0%} of its std {fmt(std)}"
    return None


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
        goal = FixGoal("scaled", single.activation if single else None, single.fan_in if single else None,
                       single.fan_in_axis if single else None)
        yield Finding(severity, f"non-centred kernel init ({site.init.display}) on {describe_layers(site)}: "
                      f"{description}, so every unit gets the same common-mode input and the layer starts "
                      "nearly rank one", "draw the weights from a zero-mean distribution scaled by the fan-in: "
                      "He uniform (`he_uniform` / `nn.init.kaiming_uniform_`) for ReLU, Glorot uniform otherwise", goal)
