from ..diagnostics import ERROR
from ..fixgoal import CALL, DISPLAY_ONLY, SAFE, TEXT, UNCALL, FixGoal
from .base import Finding, Rule


class InitializerCallMisuse(Rule):
    """
    ## What it does
    Finds a JAX or Haiku initializer factory passed without its call, or an initializer called.

    A factory passed uncalled: `kernel_init=nn.initializers.normal`, `glorot_uniform`,
    `w_init=hk.initializers.RandomNormal`. An initializer called where the initializer itself is
    expected: `kernel_init=nn.initializers.zeros()`. Two bounds given to a JAX factory that takes one
    scale: `nn.initializers.uniform(-r, r)` (also `normal`, `truncated_normal`).

    ## Why is this bad
    In JAX, `jax.nn.initializers.normal(stddev)` returns the initializer `init(key, shape, dtype)`,
    and the layer calls what it is given with `(key, shape, dtype)`. Given the factory itself, the
    layer calls `normal(key, shape, dtype)`: the key becomes the std, and the model crashes at
    `init` time with a confusing type error deep inside JAX (Haiku classes are instantiated with
    the shape instead). `zeros` and `ones` are the exception: they *are* initializers, so `zeros()`
    is a call with missing arguments (the factory is `zeros_init()`). JAX's `uniform(scale, dtype)`
    draws from [0, scale): written as Keras' `RandomUniform(-r, r)`, its second argument becomes the
    dtype, and init fails.

    Error: the code cannot run.

    ## Example
    ```python
    nn.Dense(256, kernel_init=nn.initializers.he_normal)
    ```

    ## Use instead
    ```python
    nn.Dense(256, kernel_init=nn.initializers.he_normal())
    ```

    ## Fix safety
    Safe where the spelling is unambiguous: adding `()` to a factory whose arguments all have
    defaults, removing the empty `()` of `zeros()` or `ones()`. A factory with a required argument
    (`constant`, `variance_scaling`, `hk.initializers.Constant`) gets the advice only, and so do two
    bounds: JAX has no symmetric uniform factory, so the replacement is a choice.

    ## Options
    No options of its own. Turn the rule off with `ignore = ["IL403"]` (or per file with
    `per-file-ignores`), or one line with `# noqa: IL403`.

    ## References
    - [JAX `jax.nn.initializers`](https://docs.jax.dev/en/latest/jax.nn.initializers.html) (factories and the initializers they return)
    - [Haiku `hk.initializers`](https://dm-haiku.readthedocs.io/en/latest/api.html#initializers) (initializer classes)
    """

    code = "IL403"
    name = "initializer-call-misuse"
    severity = ERROR
    fix_availability = "safe"

    VALID = (
        """
import flax.linen as nn
x = nn.Dense(256, kernel_init=nn.initializers.he_normal())(x)
y = nn.Dense(256, kernel_init=nn.initializers.zeros_init())(x)
""",
        """
import haiku as hk
x = hk.Linear(10, w_init=hk.initializers.TruncatedNormal(0.02))(x)
""",
        """
import jax.numpy as jnp
import flax.linen as nn
y = nn.Dense(1, kernel_init=nn.initializers.uniform(3e-3, jnp.float32))(x)
""",
    )
    INVALID = (
        """
import flax.linen as nn
x = nn.Dense(256, kernel_init=nn.initializers.he_normal)(x)  # expect: IL403
x = nn.relu(x)
y = nn.Dense(10, kernel_init=nn.initializers.zeros())(x)  # expect: IL403
""",
        """
import haiku as hk
x = hk.Linear(10, w_init=hk.initializers.RandomNormal)(x)  # expect: IL403
""",
        """
import flax.linen as nn
y = nn.Dense(1, kernel_init=nn.initializers.uniform(-3e-3, 3e-3))(x)  # expect: IL403
""",
    )

    def check(self, site):
        misuse = site.init.call_misuse
        if not misuse:
            return
        text = site.init.display
        if misuse == "bounds":
            message = (f"`{text}` gives two bounds, but the factory takes one scale and a dtype: the "
                       "second argument becomes the dtype and init fails (JAX's uniform draws from [0, scale))")
            hint = ("use a symmetric initializer (`variance_scaling(scale, 'fan_in', 'uniform')`), or "
                    "`lambda key, shape, dtype=jnp.float32: jax.random.uniform(key, shape, dtype, -r, r)`")
            yield Finding(ERROR, message, hint, FixGoal(TEXT, applicability=DISPLAY_ONLY, message=hint))
            return
        if misuse.startswith("uncalled"):
            needs = misuse.endswith("_arguments")
            message = (f"initializer factory `{text}` passed without calling it: the layer would call the "
                       "factory with the key and shape, and fail at init")
            hint = "call the factory with its arguments" if needs else "call the factory (add `()`)"
            goal = FixGoal(CALL, applicability=DISPLAY_ONLY if needs else SAFE)
        else:
            message = (f"`{text}` calls an initializer: the layer expects the initializer itself "
                       f"(`zeros`, `ones`), or a factory such as `zeros_init()`")
            needs = misuse.endswith("_arguments")
            hint = "pass the initializer uncalled" if not needs else "pass the initializer uncalled, or its factory's result"
            goal = FixGoal(UNCALL, applicability=DISPLAY_ONLY if needs else SAFE)
        yield Finding(ERROR, message, hint, goal)
