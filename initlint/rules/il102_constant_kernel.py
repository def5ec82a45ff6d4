from ..diagnostics import ERROR
from ..facts import CONSTANT
from ._constant import constant_verdict, display_goal, suggestion
from ._variance import describe_layers, fmt
from .base import Finding, Rule


class ConstantKernel(Rule):
    """
    ## What it does
    Finds a kernel initialized to one non-zero constant.

    Recognized are, among others, `"ones"`, `Ones()`, `Constant(0.1)`, `tf.constant_initializer(c)`,
    `nn.init.constant_(w, c)`, `nn.init.ones_(w)`, `w.data.fill_(c)`, and
    `nn.Parameter(torch.ones(o, i))` or `torch.full(...)`. A `fill_` whose value is not known
    statically (`w.fill_(np.random.randn() * 10)`) still sets one scalar everywhere: it is reported on
    the layers it reaches, never on layers the file does not show.

    ## Why is this bad
    All units of a constant layer compute the same function and receive the same gradient, so they
    stay identical: the layer behaves as a single unit however wide it is. The constant also adds
    up over the fan-in: `Ones` on 784 inputs gives every unit the same pre-activation,
    784 times the mean input.

    Weights of normalization layers set to 1, biases, output layers, the last layer of a residual
    branch, frozen filters (a fixed averaging kernel) and scalars are never reported. A constant
    kernel whose role cannot be determined is reported only when nothing in the file says it is
    deliberate (a name such as `gate` or `head`, or documented intent within 3 lines); a proven
    hidden layer is reported whatever its name. Not reported in test files by default
    (`default-per-file-ignores`). See `initlint/PRECISION.md`.

    Severity: error when two adjacent kernel layers are zero or constant (the symmetry is never
    broken), warning for a single constant layer.

    ## Example
    ```python
    nn.init.constant_(self.hidden.weight, 0.5)
    ```

    ## Use instead
    ```python
    nn.init.kaiming_uniform_(self.hidden.weight, nonlinearity="relu")
    ```

    ## Fix safety
    Display-only: the replacement is named in the message but never applied, because a constant may
    be deliberate (an averaging filter, a gate).

    ## Options
    No options of its own. Turn the rule off with `ignore = ["IL102"]` (or per file with
    `per-file-ignores`), or one line with `# noqa: IL102`.

    ## References
    - Goodfellow, Bengio, Courville. *Deep Learning*, MIT Press 2016, section 8.4 (breaking the symmetry between units)
    - Nikanjam, Ben Braiek, Morovati, Khomh. *Automatic Fault Detection for Deep Learning Programs Using Graph Transformations* (NeuraLint), ACM TOSEM 2021 (constant initialization as a fault)
    """

    code = "IL102"
    name = "constant-kernel"
    severity = ERROR
    fix_availability = "display-only"

    VALID = (
        """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        nn.init.constant_(self.bn.weight, 1)
        nn.init.constant_(self.conv.bias, 0.1)
""",
        """
from tensorflow.keras import layers
norm = layers.BatchNormalization(gamma_initializer="ones")
dense = layers.Dense(8, bias_initializer="ones")
""",
        """
import torch
import torch.nn as nn
class FilterWeights(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(k + 1))
        self.weight.data.fill_(0.5)
    def forward(self, x, adj):
        return (x @ adj) * self.weight[0]
""",
    )
    # Unknown roles (forward in a base class elsewhere) that the file explains: a G5 name, a comment.
    VALID = VALID + (
        """
import torch.nn as nn
class Block(Base):
    def __init__(self, dim):
        super().__init__()
        self.layer_scale = nn.Linear(dim, dim)
        self.mixer = nn.Linear(dim, dim)
        nn.init.constant_(self.layer_scale.weight, 1e-5)
        # Fixup: the mixer starts as a constant small map
        nn.init.constant_(self.mixer.weight, 1e-4)
""",
    )
    INVALID = (
        """
import torch.nn as nn
class Block(Base):
    def __init__(self, dim):
        super().__init__()
        self.mixer = nn.Linear(dim, dim)
        nn.init.constant_(self.mixer.weight, 1e-4)  # expect: IL102
""",
        """
from tensorflow.keras import initializers, layers
layer = layers.Dense(32, activation="tanh", kernel_initializer=initializers.Constant(0.1))  # expect: IL102
""",
        """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(10, 10)
        self.b = nn.Linear(10, 10)
        self.out = nn.Linear(10, 1)
        self.a.weight.data.fill_(0.5)  # expect: IL102
        nn.init.ones_(self.b.weight)  # expect: IL102
    def forward(self, x):
        return self.out(self.b(self.a(x).tanh()).tanh())
""",
        """
import random
import torch.nn as nn
def init_weights(m):
    if type(m) == nn.Linear:
        m.weight.data.fill_(random.gauss(0, 1))  # expect: IL102
net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
net.apply(init_weights)
""",
    )
    # A fill of a value not known here on a bias, a norm weight, or layers defined elsewhere.
    VALID = VALID + (
        """
import random
import torch.nn as nn
def init_weights(m):
    if type(m) == nn.Linear:
        m.bias.data.fill_(random.random())
    elif type(m) == nn.BatchNorm1d:
        m.weight.data.fill_(random.random())
net = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 1))
net.apply(init_weights)
""",
        """
import torch.nn as nn
def constant_init(module, val):
    module.weight.data.fill_(val)
""",
    )

    def check(self, site):
        init = site.init
        if init.kind != CONSTANT or init.value == 0:
            return
        if init.value is None and not (init.unknown_scalar and site.layers):
            return  # a value not known here, on layers not known here: nothing to judge
        verdict = constant_verdict(site, zero=False)
        if verdict is None:
            return
        severity, judged, unknown = verdict
        where = describe_layers(site, judged)
        reason = ("an adjacent layer is zero or constant too, so the symmetry is never broken"
                  if severity == ERROR else "every unit computes the same function and gets the same gradient, "
                  "so the layer acts as a single unit")
        value = fmt(init.value) if init.value is not None else "equal"
        yield Finding(severity, f"constant kernel (every weight {value}, {init.display}) on {where}: {reason}",
                      suggestion(judged, self.code, "constant"),
                      display_goal(judged), unknown_role=unknown)
