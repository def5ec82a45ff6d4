from ..diagnostics import WARNING
from ..facts import UNAPPLIED_INIT, ApiUse
from .base import Finding, Rule

EARLY_APPLY = "early_apply"  # ApiUse.target of an `apply` call made before the layers exist


class InitNeverApplied(Rule):
    """
    ## What it does
    Finds weight-initialization code that never runs:

    - a method of a model class with an init-like name (`_init_weights`, `init_weights`,
      `weights_init`, `_initialize_weights`, `_reset_parameters`, `init_params`, ...) that
      initializes weights, and that nothing in the file calls, passes to `apply`, or names;
    - `self.apply(self._init_weights)` in `__init__` placed before the assignments that create
      the layers it should reach: a function of this file that initializes weights, and that
      filters on no class or on a class one of those later modules is or holds (a function that
      initializes only `nn.Linear` misses nothing when a `Conv2d` neck comes after it).

    Only classes whose bases are `nn.Module` (or such classes of the same file) are judged: a
    library base class (Hugging Face's `PreTrainedModel.post_init`, for example) calls
    `_init_weights` by convention. `reset_parameters` is never reported: parents and users call
    it by name.

    ## Why is this bad
    The author wrote an initialization scheme and the model trains with the framework defaults
    instead, silently. `Module.apply(fn)` visits the modules that exist when it is called, so an
    `apply` before `self.fc = nn.Linear(...)` never reaches `fc`.

    Warning. When the class is not built in the same file, some other file may call the method,
    so the finding is information (confidence "likely").

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(784, 10)

        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
    ```

    ## Use instead
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(784, 10)
            self.apply(self._init_weights)

        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
    ```

    ## Fix safety
    No automatic fix: where the call belongs (end of `__init__`, after loading, in a training
    script) is the author's decision.

    ## Options
    None.

    ## References
    - PyTorch documentation, [`torch.nn.Module.apply`](https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.apply) ("applies fn recursively to every submodule
      as returned by .children()")
    """

    code = "IL405"
    name = "init-never-applied"
    severity = WARNING
    fix_availability = "display-only"
    precision = "medium"
    facts = (ApiUse,)

    VALID = (
        """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)
        self.apply(self._init_weights)
    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
""",
        """
import torch.nn as nn
from transformers import PreTrainedModel
class Net(PreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.fc = nn.Linear(784, 10)
    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
""",
        """
import torch.nn as nn
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(64, 10)
        self.apply(self._init_weights)
        # made after the apply, but the function initializes only Linear layers
        self.neck = nn.Sequential(nn.Conv2d(64, 64, 1), nn.GroupNorm(8, 64))
    @staticmethod
    def _init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
""",
    )
    INVALID = (
        """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)
    def _init_weights(self, module):  # expect: IL405
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
net = Net()
""",
        """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.apply(self.init_weights)  # expect: IL405
        self.fc = nn.Linear(784, 10)
    def init_weights(self, module):
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
""",
    )

    def check(self, use):
        if use.kind != UNAPPLIED_INIT:
            return
        if use.target == EARLY_APPLY:
            yield Finding(
                WARNING,
                f"`{use.display}` runs in `__init__` before the layers are created: `apply` visits only the "
                "modules that exist when it is called, so the layers assigned after it keep their default init",
                "move the `apply` call to the end of `__init__`",
            )
            return
        yield Finding(
            WARNING,
            f"`{use.target}.{use.display}` initializes weights, but nothing in this file calls it or passes it to "
            "`apply`: the model keeps the framework's default initialization",
            f"call it, e.g. `self.apply(self.{use.display})` at the end of `__init__`",
        )
