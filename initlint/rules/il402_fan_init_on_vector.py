from ..diagnostics import ERROR
from ..facts import VECTOR_INIT, ApiUse
from .base import Finding, Rule


class FanInitOnVector(Rule):
    """
    ## What it does
    Finds an initializer that needs the fan-in and fan-out of a matrix (Xavier/Glorot,
    Kaiming/He, LeCun, variance scaling, orthogonal, `sparse_`, `eye_`, `dirac_`) applied to a
    vector: PyTorch `nn.init.xavier_uniform_(m.bias)`, a rank-1 `nn.Parameter`, an unfiltered
    `for p in model.parameters(): nn.init.xavier_uniform_(p)` (every bias is one of them); Flax
    `bias_init=nn.initializers.lecun_normal()`, `scale_init=`, or `self.param(name, init, (n,))`.

    ## Why is this bad
    Fans are computed from the last two dimensions of a weight, and a vector has one: PyTorch
    raises `ValueError: Fan in and fan out can not be computed for tensor with fewer than 2
    dimensions`, JAX raises in `_compute_fans` when the model is initialized.

    Error: the code cannot run. An unfiltered loop over `parameters()` is a warning (confidence
    "likely"): it crashes only if some parameter is a vector, which a model without biases and
    norms avoids.

    ## Example
    ```python
    for p in model.parameters():
        nn.init.xavier_uniform_(p)
    ```

    ## Use instead
    ```python
    for p in model.parameters():
        if p.dim() > 1:
            nn.init.xavier_uniform_(p)
    ```

    ## Fix safety
    No automatic fix: biases are usually zero (`nn.init.zeros_`, `nn.initializers.zeros_init()`),
    but a deliberate bias value cannot be guessed.

    ## Options
    None.

    ## References
    - Glorot, Bengio. *Understanding the difficulty of training deep feedforward neural networks*,
      AISTATS 2010 (fans are a property of weight matrices)
    - PyTorch documentation, [`torch.nn.init`](https://pytorch.org/docs/stable/nn.init.html); JAX documentation, `jax.nn.initializers`
    """

    code = "IL402"
    name = "fan-based-init-on-vector"
    severity = ERROR
    fix_availability = "display-only"
    precision = "very-high"
    facts = (ApiUse,)

    VALID = (
        """
import torch.nn as nn
fc = nn.Linear(64, 64)
nn.init.xavier_uniform_(fc.weight)
nn.init.zeros_(fc.bias)
for p in fc.parameters():
    if p.dim() > 1:
        nn.init.xavier_uniform_(p)
""",
        """
import flax.linen as nn
class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.Dense(64, kernel_init=nn.initializers.lecun_normal(), bias_init=nn.initializers.zeros_init())(x)
""",
    )
    INVALID = (
        """
import torch.nn as nn
fc = nn.Linear(64, 64)
nn.init.kaiming_uniform_(fc.bias)  # expect: IL402
for p in fc.parameters():
    nn.init.xavier_uniform_(p)  # expect: IL402
""",
        """
import flax.linen as nn
class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.Dense(64, bias_init=nn.initializers.lecun_normal())(x)  # expect: IL402
""",
    )

    def check(self, use):
        if use.kind != VECTOR_INIT:
            return
        where = f" ({use.target})" if use.target else ""
        yield Finding(
            ERROR,
            f"{use.display} computes fans, but the tensor it initializes{where} is a vector: fans exist only "
            "for tensors of rank 2 or more, so this raises when the model is initialized",
            "initialize biases and other vectors with zeros or a constant; keep fan-based initializers for "
            "the kernels (in a loop over parameters, test `p.dim() > 1`)",
        )
