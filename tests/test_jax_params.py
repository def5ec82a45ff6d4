"""JAX raw parameters as kernels: linen `self.param`, Haiku `hk.get_parameter`, `nnx.Param(init(key,
shape))` used in a matmul; and initializers wrapped in `nn.with_partitioning(init, names)`."""
from __future__ import annotations

import textwrap

from initlint.engine import lint_source
from initlint.fixing import fix_text


def found(text: str):
    return sorted((d.span.row, d.code) for d in lint_source(textwrap.dedent(text).encode(), "m.py").diagnostics)


LINEN = """\
import flax.linen as nn
import jax.numpy as jnp


class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        w = self.param("w", nn.initializers.normal(stddev=1.0), (256, 256))
        h = nn.relu(x @ w)
        w2 = self.param("w2", nn.initializers.zeros, (256, 256))
        h = nn.relu(jnp.dot(h, w2))
        return nn.Dense(10)(h)
"""


def test_linen_param_in_a_matmul_is_a_kernel():
    assert found(LINEN) == [(8, "IL301"), (10, "IL101")]


def test_linen_param_with_a_scaled_initializer_is_silent():
    assert found(LINEN.replace("normal(stddev=1.0)", "he_normal()").replace("zeros,", "he_normal(),")) == []


def test_lecun_param_feeding_relu_is_il201():
    assert found(LINEN.replace("normal(stddev=1.0)", "lecun_normal()").replace("zeros,", "he_normal(),")) == [
        (8, "IL201")]


def test_a_param_never_multiplied_is_no_kernel():
    # a bias, a scale, a positional embedding added to x: G1, not kernels
    assert found("""\
    import flax.linen as nn


    class M(nn.Module):
        @nn.compact
        def __call__(self, x):
            b = self.param("b", nn.initializers.zeros, (256,))
            pos = self.param("pos", nn.initializers.normal(stddev=1.0), (1, 197, 256))
            return nn.Dense(10)(x + b + pos)
    """) == []


def test_setup_param_and_with_partitioning():
    source = """\
    import flax.linen as nn


    class M(nn.Module):
        def setup(self):
            self.dense = nn.Dense(128, kernel_init=nn.with_partitioning(nn.initializers.he_normal, ("a", "b")))
            self.w = self.param("w", nn.with_partitioning(nn.initializers.normal(1.0), (None, "m")), (128, 128))

        def __call__(self, x):
            return nn.Dense(4)(nn.relu(self.dense(x) @ self.w))
    """
    assert found(source) == [(6, "IL403"), (7, "IL301")]  # one IL403: the wrapper is not a second site
    # the fix calls the factory inside the wrapper, which keeps its names
    assert fix_text(textwrap.dedent(source), "m.py", None, unsafe=False)[0] == textwrap.dedent(source).replace(
        "nn.initializers.he_normal,", "nn.initializers.he_normal(),")


def test_with_partitioning_of_a_good_initializer_is_silent():
    assert found("""\
    import flax.linen as nn


    class M(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.Dense(64, kernel_init=nn.with_partitioning(nn.initializers.lecun_normal(), ("e", "m")))(x)
            return nn.Dense(4, kernel_init=nn.with_partitioning(nn.initializers.zeros_init(), ("m", "v")))(x)
    """) == []


def test_haiku_get_parameter_in_a_matmul():
    source = """\
    import haiku as hk
    import jax


    def forward(x):
        w = hk.get_parameter("w", [512, 512], init=hk.initializers.RandomNormal())
        h = jax.nn.relu(x @ w)
        return hk.Linear(10)(h)
    """
    assert found(source) == [(6, "IL301")]
    assert found(source.replace("RandomNormal()", "VarianceScaling(2.0)")) == []


def test_nnx_param_of_an_applied_initializer():
    source = """\
    from flax import nnx


    class M(nnx.Module):
        def __init__(self, rngs):
            self.w = nnx.Param(nnx.initializers.normal(1.0)(rngs.params(), (256, 256)))
            self.out = nnx.Linear(256, 10, rngs=rngs)

        def __call__(self, x):
            return self.out(nnx.relu(x @ self.w))
    """
    assert found(source) == [(6, "IL301")]
    assert found(source.replace("normal(1.0)", "he_normal()")) == []


def test_flax_linen_top_level_initializers():
    # nn.zeros_init() is nn.initializers.zeros_init(): a zero hidden kernel; nn.zeros() is IL403
    assert found("""\
    import flax.linen as nn


    class M(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.relu(nn.Dense(64, kernel_init=nn.zeros_init())(x))
            x = nn.relu(nn.Dense(64, kernel_init=nn.zeros())(x))
            return nn.Dense(4)(x)
    """) == [(7, "IL101"), (8, "IL403")]
