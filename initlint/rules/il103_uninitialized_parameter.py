from ..diagnostics import ERROR
from ..facts import UNIFORM, UNINITIALIZED
from ..fixgoal import Say
from ..physics import HE
from ._variance import describe_layers
from .base import Finding, Rule


class UninitializedParameter(Rule):
    """
    ## What it does
    Finds a weight made from uninitialized memory (`nn.Parameter(torch.empty(out, in))`) that no
    later code in the class fills: no `nn.init.*_` call on it, no in-place `.normal_()` /
    `.uniform_()` / `.fill_()`, no `reset_parameters` or `apply` function that reaches it.

    A weight handed to a function the file does not show (`glorot(self.weight)` from another
    module) counts as filled by it, and a quantized or integer tensor (`dtype=torch.float8_e4m3fn`,
    `torch.int8`) is storage for a checkpoint's weights, not a starting point for training.

    ## Why is this bad
    `torch.empty` only reserves memory: the weight holds whatever bytes were there before, which
    may be zeros, huge numbers or NaN, and differs from run to run. The model may train, diverge
    or produce NaN at the first step depending on the machine. PyTorch's own layers always call
    `reset_parameters()` after `torch.empty`; a hand-written layer must do the same.

    Error: the starting point of training is undefined. When an `apply` function exists whose
    reach cannot be followed, the finding is a warning (confidence "likely").

    ## Example
    ```python
    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.empty(256, 784))

        def forward(self, x):
            return F.relu(F.linear(x, self.weight))
    ```

    ## Use instead
    ```python
    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.empty(256, 784))
            nn.init.kaiming_uniform_(self.weight, nonlinearity="relu")

        def forward(self, x):
            return F.relu(F.linear(x, self.weight))
    ```

    ## Fix safety
    No automatic fix: the right initializer depends on what the weight is for. The hint names He
    initialization for ReLU layers; `nn.Linear`'s own default is `kaiming_uniform_(w, a=math.sqrt(5))`.

    ## Options
    None.

    ## References
    - PyTorch documentation, [`torch.empty`](https://pytorch.org/docs/stable/generated/torch.empty.html) ("returns a tensor filled with uninitialized data") and
      `torch.nn.Linear.reset_parameters`
    """

    code = "IL103"
    name = "uninitialized-parameter"
    severity = ERROR
    fix_availability = "display-only"
    precision = "high"

    VALID = (
        """
import torch
import torch.nn as nn
import torch.nn.functional as F
class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(256, 784))
        self.reset_parameters()
    def reset_parameters(self):
        nn.init.kaiming_uniform_(self.weight, nonlinearity="relu")
    def forward(self, x):
        return F.relu(F.linear(x, self.weight))
""",
        """
import torch
import torch.nn as nn
import torch.nn.functional as F
class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(256, 784))
        self.weight.data.normal_(0.0, 0.05)
    def forward(self, x):
        return F.linear(x, self.weight)
""",
        """
import torch
import torch.nn as nn
from torch_geometric.nn.inits import glorot
class Conv(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(i, o))  # filled by a helper this file does not show
        self.reset_parameters()
    def reset_parameters(self):
        glorot(self.weight)
    def forward(self, x):
        return torch.relu(x @ self.weight)
""",
        """
import torch
import torch.nn as nn
class FP8Linear(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        # storage for a quantized checkpoint's weights, never trained from this start
        self.weight = nn.Parameter(torch.empty(o, i, dtype=torch.float8_e4m3fn))
    def forward(self, x):
        return x @ self.weight.t()
""",
    )
    INVALID = (
        """
import torch
import torch.nn as nn
import torch.nn.functional as F
class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(256, 784))  # expect: IL103
    def forward(self, x):
        return F.relu(F.linear(x, self.weight))
""",
    )

    def check(self, site):
        if site.init.kind != UNINITIALIZED:
            return
        if site.layers and all(layer.frozen for layer in site.layers):
            return  # G6: a buffer-like parameter that is never learned is filled by whoever uses it
        activation = site.layers[0].activation if site.layers else None
        yield Finding(
            ERROR,
            f"{site.init.display} gives {describe_layers(site)} uninitialized memory and nothing here "
            "initializes it: its values are whatever the memory held (possibly NaN or huge)",
            ("initialize it after creating it, e.g. with He initialization", Say(HE, activation, UNIFORM),
             " for a ReLU layer, or the default of the framework's own layers"),
        )
