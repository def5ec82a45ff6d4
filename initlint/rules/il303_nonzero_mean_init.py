from ..diagnostics import ERROR
from ..facts import OUTPUT, RESIDUAL, UNIFORM
from ..fixgoal import FixGoal, Say
from ..physics import HE, SCALED
from ._mean import nonzero_mean
from ._variance import describe_layers, vector_like
from .base import Finding, Rule


# An output layer or the end of a residual branch drawn from U[0, b) with b at most this starts near
# zero: its weights are within 1e-3 of the zero init that G2 / G3 make correct there, so the common-mode
# term is as small as the weights.
NEAR_ZERO_HEAD = 1e-3


def applies(site) -> bool:
    if vector_like(site):
        return False
    if _near_zero_head(site):
        return False
    return not site.layers or any(not (layer.frozen or layer.embedding) for layer in site.layers)


def _near_zero_head(site) -> bool:
    init = site.init
    return (init.kind == UNIFORM and init.minval == 0 and init.maxval is not None and 0 < init.maxval <= NEAR_ZERO_HEAD
            and bool(site.layers) and all(layer.role in (OUTPUT, RESIDUAL) for layer in site.layers))


class NonzeroMeanInit(Rule):
    """
    ## What it does
    Finds a kernel drawn from a distribution whose mean is not zero.

    The usual cause is an all-positive uniform `U[0, b)`: the defaults of `nn.init.uniform_`,
    `Tensor.uniform_()`, `torch.rand`, TensorFlow 1's `random_uniform_initializer()`,
    `tf.random.uniform`, JAX's `uniform()` and Haiku's `RandomUniform()`, or
    `RandomUniform(minval=0, ...)`. A normal distribution with a `mean` far from 0 counts too.

    ## Why is this bad
    With non-negative inputs (images, anything after a ReLU or a sigmoid) every unit receives the
    same large common term, `mean·n_in·E[x]`. At fan-in 784 after a ReLU it is about 27 times the
    random part: every unit sees nearly the same input, the layer acts as if it had a single unit,
    and with `b = 1` the pre-activations are around 156.

    Severity: error for `U[0, b)` with `b ≥ 0.1`, or `|mean| ≥ std`; warning for small positive
    ranges and `0.1·std ≤ |mean| < std`, and for JAX's `uniform(scale)` with a computed scale
    (`uniform(1 / math.sqrt(n))`, a port of PyTorch's `uniform_(w, -b, b)`): all positive, of a size
    not known. Biases, embeddings, frozen parameters and vectors are not judged, nor an output layer
    or the end of a residual branch drawn from `U[0, b)` with `b ≤ 0.001`: a near-zero head
    (nerfies' `uniform(1e-4)` warp output), as close to the zero init that is correct there
    as its weights are to zero.

    ## Example
    ```python
    nn.init.uniform_(self.fc.weight)
    ```

    ## Use instead
    ```python
    nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")
    ```

    ## Fix safety
    Unsafe: changing the initializer changes training numerics. `--fix --unsafe-fixes` applies it.

    ## Options
    `tf-version = 1` or `2` in `[tool.initlint]` says how TensorFlow code is read when its imports
    do not tell. Turn the rule off with `ignore = ["IL303"]`, or one line with `# noqa: IL303`.

    ## References
    - LeCun, Bottou, Orr, Müller. *Efficient BackProp*, 1998 (why the inputs of a layer should have a mean close to zero)
    - [PyTorch `torch.nn.init.uniform_`](https://docs.pytorch.org/docs/stable/nn.init.html) (the `a=0.0, b=1.0` default)
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
        """
import flax.linen as nn
class Head(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.relu(nn.Dense(256)(x))
        return nn.Dense(3, kernel_init=nn.initializers.uniform(scale=1e-4))(x)
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
        """
import math
import flax.linen as nn
class MLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        b = 1 / math.sqrt(x.shape[-1])
        x = nn.relu(nn.Dense(256, kernel_init=nn.initializers.uniform(scale=b))(x))  # expect: IL303
        return nn.Dense(1)(x)
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
