"""The JAX framework (Flax linen, Flax nnx, Haiku): the prefilter reads its files, rules fire on its
layers, and fixes are written in its own API."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from initlint import prefilter
from initlint.engine import lint_source
from initlint.fixing import fix_text


def codes(text: str):
    return sorted((d.span.row, d.code) for d in lint_source(textwrap.dedent(text).encode(), "m.py").diagnostics)


def fixed(text: str) -> str:
    return fix_text(textwrap.dedent(text), "m.py", None, unsafe=True)[0]


LINEN = """\
import flax.linen as nn


class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(256, kernel_init=nn.initializers.glorot_uniform())(x)
        x = nn.relu(x)
        return nn.Dense(10)(x)
"""


def test_the_prefilter_reads_flax_and_haiku_files():
    assert prefilter.may_initialize(LINEN.encode())
    haiku = b"import haiku as hk\nx = hk.Linear(10, w_init=hk.initializers.RandomNormal())(x)\n"
    assert prefilter.may_initialize(haiku)
    assert not prefilter.may_initialize(b"import jax\nprint(jax.devices())\n")


def test_linen_fix_keeps_the_initializers_prefix():
    assert fixed(LINEN) == LINEN.replace("glorot_uniform()", "he_uniform()")


def test_haiku_fix_is_a_haiku_variance_scaling():
    source = """\
    import haiku as hk
    import jax


    def f(x):
        x = hk.Linear(300, w_init=hk.initializers.TruncatedNormal(stddev=1.0))(x)
        x = jax.nn.relu(x)
        return hk.Linear(10)(x)
    """
    expected = textwrap.dedent(source).replace(
        "hk.initializers.TruncatedNormal(stddev=1.0)", 'hk.initializers.VarianceScaling(2.0, "fan_in", "truncated_normal")')
    assert fixed(source) == expected


def test_zeros_is_an_initializer_and_normal_a_factory():
    # nn.initializers.zeros (uncalled) is the zero initializer itself; normal() with its default std 0.01 is fine.
    assert codes("""\
    import flax.linen as nn


    class M(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.Dense(64, kernel_init=nn.initializers.zeros)(x)
            x = nn.relu(x)
            x = nn.Dense(64, kernel_init=nn.initializers.normal())(x)
            x = nn.tanh(x)
            return nn.Dense(10)(x)
    """) == [(7, "IL101")]


def test_haiku_random_normal_default_std_is_one():
    assert codes("""\
    import haiku as hk


    def f(x):
        return hk.nets.MLP([64, 64, 1], w_init=hk.initializers.RandomNormal())(x)
    """) == [(5, "IL301")]


def test_nnx_fan_in_comes_from_in_features():
    assert codes("""\
    from flax import nnx


    class M(nnx.Module):
        def __init__(self, rngs):
            self.a = nnx.Linear(4, 8, kernel_init=nnx.initializers.normal(stddev=0.5), rngs=rngs)
            self.b = nnx.Linear(8, 1, rngs=rngs)

        def __call__(self, x):
            return self.b(nnx.relu(self.a(x)))
    """) == []


def test_the_cli_reports_jax_files(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(LINEN)
    run = subprocess.run([sys.executable, "-m", "initlint", "--no-cache", "--fail-on", "info", str(path)], capture_output=True, text=True)
    assert run.returncode == 1 and "IL201" in run.stdout


MISUSE = """\
import flax.linen as nn


class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(64, kernel_init=nn.initializers.he_normal)(x)
        x = nn.relu(x)
        x = nn.Dense(64, kernel_init=nn.initializers.constant)(x)
        x = nn.relu(x)
        return nn.Dense(10, kernel_init=nn.initializers.zeros())(x)
"""


def test_il403_reports_uncalled_factories_and_called_initializers():
    assert codes(MISUSE) == [(7, "IL403"), (9, "IL403"), (11, "IL403")]


def test_il403_fix_adds_or_removes_the_call_only_where_unambiguous():
    # `constant` needs its value: no fix; the others are fixed exactly.
    expected = MISUSE.replace("he_normal)", "he_normal())").replace("zeros()", "zeros")
    assert fix_text(MISUSE, "m.py", None, unsafe=False)[0] == expected


def test_il403_is_silent_on_correct_calls():
    assert codes(MISUSE.replace("he_normal)", "he_normal())").replace("constant)", "constant(0.0))")
                 .replace("zeros()", "zeros")) == [(9, "IL101")]  # constant(0.0) is a zero kernel


def test_haiku_forward_functions_nested_in_a_builder_are_read():
    assert codes("""\
    import haiku as hk
    import jax


    def build(n):
        def forward(x):
            net = hk.Sequential([hk.Linear(16, w_init=hk.initializers.RandomUniform()), jax.nn.relu, hk.Linear(n)])
            return net(x)
        return hk.transform(forward)
    """) == [(7, "IL303")]


def test_il403_also_reads_parameters_and_bias_initializers():
    source = """\
    import flax.linen as nn
    import haiku as hk


    class M(nn.Module):
        @nn.compact
        def __call__(self, x):
            w = self.param("w", nn.initializers.lecun_normal, (3, 4))
            x = nn.Dense(4, bias_init=nn.initializers.zeros())(x)
            return x @ w


    def f(x):
        return x + hk.get_parameter("b", [3], init=hk.initializers.Constant)
    """
    assert codes(source) == [(8, "IL403"), (9, "IL403"), (14, "IL403")]
    expected = textwrap.dedent(source).replace("lecun_normal,", "lecun_normal(),").replace("zeros()", "zeros")
    assert fix_text(textwrap.dedent(source), "m.py", None, unsafe=False)[0] == expected
