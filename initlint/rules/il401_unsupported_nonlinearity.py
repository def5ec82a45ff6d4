from ..diagnostics import ERROR
from ..facts import NONLINEARITY_ARGUMENT, ApiUse
from ..fixgoal import DISPLAY_ONLY, TEXT, UNSAFE, FixGoal
from .base import Finding, Rule


def requote(written: str, value: str) -> str:
    """`value` as a string literal with the quotes (and prefix) of `written`."""
    quote = next((q for q in ('"""', "'''", '"', "'") if written.endswith(q)), '"')
    start = written.find(quote)
    return f"{written[:start]}{quote}{value}{quote}"


class UnsupportedNonlinearity(Rule):
    """
    ## What it does
    Finds a nonlinearity name that PyTorch does not accept (in `nn.init.calculate_gain(...)` and in
    `kaiming_uniform_(..., nonlinearity=...)` / `kaiming_normal_(..., nonlinearity=...)`): a string
    outside `linear`, `conv1d/2d/3d`, `conv_transpose1d/2d/3d`, `sigmoid`, `tanh`, `relu`,
    `leaky_relu`, `selu` (for example `"gelu"`, `"silu"`, `"ReLU"`), or an activation module or
    function passed instead of its name (`nonlinearity=nn.ReLU`).

    ## Why is this bad
    `calculate_gain` compares the string exactly and raises `ValueError: Unsupported
    nonlinearity` for anything else, so the model crashes when it is built. There is no gain
    for GELU, SiLU or Mish in PyTorch; `"relu"` is the closest supported choice.

    Error: the code cannot run.

    ## Example
    ```python
    nn.init.kaiming_normal_(self.fc.weight, nonlinearity="gelu")
    ```

    ## Use instead
    ```python
    nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")
    ```

    ## Fix safety
    Unsafe: the replacement (`"relu"` for GELU/SiLU/Mish/ELU, `"leaky_relu"` for PReLU, `"tanh"`
    for Softsign/Hardtanh, `"sigmoid"` for Hardsigmoid, `"linear"` for identity, lower case for
    `"ReLU"`) picks a gain the code never ran with. An activation object passed instead of a
    string gets the advice only.

    ## Options
    None.

    ## References
    - PyTorch documentation, [`torch.nn.init.calculate_gain`](https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.calculate_gain) (the list of supported nonlinearities)
    """

    code = "IL401"
    name = "unsupported-nonlinearity-string"
    severity = ERROR
    fix_availability = "unsafe"
    precision = "very-high"
    facts = (ApiUse,)

    VALID = (
        """
import torch.nn as nn
w = nn.Linear(64, 64).weight
nn.init.kaiming_normal_(w, nonlinearity="relu")
gain = nn.init.calculate_gain("leaky_relu", 0.2)
""",
    )
    INVALID = (
        """
import torch.nn as nn
w = nn.Linear(64, 64).weight
nn.init.kaiming_normal_(w, nonlinearity="gelu")  # expect: IL401
gain = nn.init.calculate_gain("ReLU")  # expect: IL401
nn.init.kaiming_uniform_(w, nonlinearity=nn.ReLU)  # expect: IL401
""",
    )

    def check(self, use):
        if use.kind != NONLINEARITY_ARGUMENT or (use.value is not None and use.value in use.valid_values):
            return
        fixed = use.replacement
        if use.value is None:
            message = (f"nonlinearity={use.display} is not a string: torch compares the name and raises "
                       "`ValueError: Unsupported nonlinearity` when the model is built")
            hint = f"pass the activation's name, `'{fixed}'`" if fixed else "pass the activation's name as a string"
            goal = FixGoal(TEXT, applicability=DISPLAY_ONLY, message=f"Use '{fixed}'") if fixed else None
            yield Finding(ERROR, message, hint, goal)
            return
        message = (f"unsupported nonlinearity {use.display}: torch raises `ValueError: Unsupported nonlinearity` "
                   "when the model is built")
        if fixed is None:
            yield Finding(ERROR, message, "use one of " + ", ".join(f"'{v}'" for v in use.valid_values))
            return
        replacement = requote(use.display, fixed)
        yield Finding(ERROR, message, f"use {replacement}, the closest supported nonlinearity",
                      FixGoal(TEXT, applicability=UNSAFE, replacement=replacement,
                              message=f"Use {replacement}"))
