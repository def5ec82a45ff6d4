from ..diagnostics import INFO
from ..facts import DEPRECATED_ALIAS, ApiUse
from ..fixgoal import DISPLAY_ONLY, SAFE, TEXT, FixGoal
from .base import Finding, Rule


class DeprecatedInitAlias(Rule):
    """
    ## What it does
    Finds a deprecated torch.nn.init function without the trailing underscore: `uniform`,
    `normal`, `constant`, `eye`, `dirac`, `xavier_uniform`, `xavier_normal`, `kaiming_uniform`,
    `kaiming_normal`, `orthogonal`, `sparse` (however `torch.nn.init` is imported).

    ## Why is this bad
    These names were deprecated in PyTorch 0.4 in favour of the in-place spellings with a
    trailing underscore. Each one prints a deprecation warning and then calls the new function,
    so the code works today but is noisy and may stop working when the aliases are removed.

    Information: nothing is wrong with the numbers.

    ## Example
    ```python
    nn.init.xavier_uniform(self.fc.weight)
    ```

    ## Use instead
    ```python
    nn.init.xavier_uniform_(self.fc.weight)
    ```

    ## Fix safety
    Safe: the alias only warns and calls the underscore function with the same arguments. A name
    imported on its own (`from torch.nn.init import normal`) gets the advice only, because its
    import has to change too.

    ## Options
    None.

    ## References
    - PyTorch documentation, [`torch.nn.init`](https://pytorch.org/docs/stable/nn.init.html); [PyTorch 0.4.0 release notes](https://github.com/pytorch/pytorch/releases/tag/v0.4.0) (the in-place
      initializers)
    """

    code = "IL404"
    name = "deprecated-torch-init-alias"
    severity = INFO
    fix_availability = "safe"
    precision = "very-high"
    facts = (ApiUse,)

    VALID = (
        """
import torch.nn as nn
fc = nn.Linear(64, 64)
nn.init.xavier_uniform_(fc.weight)
nn.init.normal_(fc.bias, std=0.01)
""",
    )
    INVALID = (
        """
import torch.nn as nn
from torch.nn import init
fc = nn.Linear(64, 64)
nn.init.xavier_uniform(fc.weight)  # expect: IL404
init.constant(fc.bias, 0.0)  # expect: IL404
""",
    )

    def check(self, use):
        if use.kind != DEPRECATED_ALIAS:
            return
        old = use.replacement[:-1]
        message = f"`{old}` is a deprecated alias of `{use.replacement}`: it warns at every call"
        if use.target:  # an attribute (`nn.init.normal`): renaming it is the whole change
            spelled = f"{use.target}.{use.replacement}"
            yield Finding(INFO, message, "use the current name, with the trailing underscore",
                          FixGoal(TEXT, applicability=SAFE, replacement=use.replacement,
                                  message=f"Use `{spelled}`"))
            return
        yield Finding(INFO, message, "import and use the current name, with the trailing underscore",
                      FixGoal(TEXT, applicability=DISPLAY_ONLY, message=f"Import and use `{use.replacement}`"))
