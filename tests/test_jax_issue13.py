"""Issue 13 (JAX): nnx parameters read through `.value`, nnx.Conv fan-in, lax convolution kernels,
scalar math as a runtime rescaling (G7), and the wording for a layer with no activation."""
from __future__ import annotations

import textwrap

from initlint.engine import lint_source


def diagnostics(text: str):
    return lint_source(textwrap.dedent(text).encode(), "m.py").diagnostics


def found(text: str):
    return sorted((d.span.row, d.code) for d in diagnostics(text))


NNX_VALUE = """\
from flax import nnx


class M(nnx.Module):
    def __init__(self, rngs):
        self.w = nnx.Param(nnx.initializers.normal(1.0)(rngs.params(), (256, 256)))
        self.b = nnx.Param(nnx.initializers.zeros(rngs.params(), (256,)))
        self.out = nnx.Linear(256, 10, rngs=rngs)

    def __call__(self, x):
        return self.out(nnx.relu(x @ self.w.value + self.b.value))
"""


def test_nnx_param_read_through_value_is_the_kernel():
    found_ = diagnostics(NNX_VALUE)
    assert [(d.span.row, d.code) for d in found_] == [(6, "IL301")]
    assert "Parameter 'w' with fan-in 256" in found_[0].message  # named after its attribute


def test_nnx_param_read_through_value_with_a_scaled_initializer_is_silent():
    assert found(NNX_VALUE.replace("normal(1.0)", "he_normal()")) == []


def test_value_of_something_else_is_not_a_parameter():
    # `.value` of an input or a layer output is not a weight: nothing to judge
    assert found("""\
    from flax import nnx


    class M(nnx.Module):
        def __init__(self, rngs):
            self.out = nnx.Linear(256, 10, rngs=rngs)

        def __call__(self, x):
            return self.out(nnx.relu(x.value))
    """) == []


NNX_CONV = """\
from flax import nnx


class CNN(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(64, 64, kernel_size=(3, 3), kernel_init=nnx.initializers.normal(stddev=1.0), rngs=rngs)
        self.head = nnx.Linear(64, 10, rngs=rngs)

    def __call__(self, x):
        return self.head(nnx.relu(self.conv1(x)).mean(axis=(1, 2)))
"""


def test_nnx_conv_fan_in_is_in_features_times_the_kernel_size():
    found_ = diagnostics(NNX_CONV)
    assert [(d.span.row, d.code) for d in found_] == [(6, "IL301")]
    assert "Conv 'conv1' with fan-in 576" in found_[0].message


def test_nnx_conv_with_an_unresolved_kernel_size_has_an_unknown_fan_in():
    found_ = diagnostics(NNX_CONV.replace("kernel_size=(3, 3)", "kernel_size=k"))
    assert [(d.span.row, d.code) for d in found_] == [(6, "IL301")]
    assert "unknown fan-in" in found_[0].message


def test_nnx_conv_with_he_is_silent():
    assert found(NNX_CONV.replace("normal(stddev=1.0)", "he_normal()")) == []


def test_nnx_linear_fan_in_comes_from_in_features():
    source = """\
    from flax import nnx


    class M(nnx.Module):
        def __init__(self, rngs):
            self.fc = nnx.Linear(784, 512, kernel_init=nnx.initializers.normal(stddev=1.0), rngs=rngs)
            self.out = nnx.Linear(512, 10, rngs=rngs)

        def __call__(self, x):
            return self.out(nnx.relu(self.fc(x)))
    """
    assert "with fan-in 784" in diagnostics(source)[0].message
    assert found(source.replace("normal(stddev=1.0)", "he_normal()")) == []


LAX_CONV = """\
import flax.linen as nn
import jax


class Conv(nn.Module):
    @nn.compact
    def __call__(self, x):
        kernel = self.param("kernel", nn.initializers.normal(stddev=1.0), (3, 3, 64, 128))
        y = jax.lax.conv_general_dilated(x, kernel, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return nn.Dense(10)(nn.relu(y))
"""


def test_lax_conv_kernel_fan_in_from_the_hwio_layout():
    found_ = diagnostics(LAX_CONV)
    assert [(d.span.row, d.code) for d in found_] == [(8, "IL301")]
    assert "with fan-in 576" in found_[0].message  # 3 * 3 * 64, not 128


def test_lax_conv_kernel_with_he_is_silent():
    assert found(LAX_CONV.replace("normal(stddev=1.0)", "he_normal()")) == []


def test_lax_conv_kernel_default_layout_is_oihw():
    source = """\
    import haiku as hk
    import jax
    from jax import lax


    def forward(x):
        w = hk.get_parameter("w", [128, 64, 3, 3], init=hk.initializers.RandomNormal())
        return hk.Linear(10)(jax.nn.relu(lax.conv(x, w, (1, 1), "SAME")))
    """
    found_ = diagnostics(source)
    assert [(d.span.row, d.code) for d in found_] == [(7, "IL301")]
    assert "with fan-in 576" in found_[0].message


def test_lax_conv_layout_through_conv_dimension_numbers():
    source = """\
    import haiku as hk
    import jax
    from jax import lax


    def forward(x):
        dn = lax.conv_dimension_numbers(x.shape, (3, 3, 64, 128), ("NHWC", "HWIO", "NHWC"))
        w = hk.get_parameter("w", [3, 3, 64, 128], init=hk.initializers.VarianceScaling(2.0))
        return hk.Linear(10)(jax.nn.relu(lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=dn)))
    """
    assert found(source) == []  # He with the fan-in 576 of HWIO
    assert "with fan-in 576" in diagnostics(source.replace("VarianceScaling(2.0)", "RandomNormal()"))[0].message


def test_lax_conv_with_an_unknown_layout_says_the_fan_in_is_unknown():
    found_ = diagnostics(LAX_CONV.replace('dimension_numbers=("NHWC", "HWIO", "NHWC")', "dimension_numbers=dn"))
    assert [(d.span.row, d.code) for d in found_] == [(8, "IL301")]
    assert "unknown fan-in" in found_[0].message


NTK_LINEN = """\
import flax.linen as nn
import jax.numpy as jnp


class MLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        for h in (256, 256):
            alpha = 1 / x.shape[-1]
            d = nn.Dense(h, kernel_init=nn.initializers.normal(stddev=1.0))
            x = nn.relu(jnp.sqrt(alpha) * d(x))
        return nn.Dense(10)(x)
"""


def test_ntk_rescaling_by_the_sqrt_of_a_scalar_is_g7():
    # NTK parametrization: N(0, 1) weights, the output multiplied by 1/sqrt(fan_in) at run time
    assert found(NTK_LINEN) == []


def test_a_product_with_a_tensor_is_no_rescaling():
    # jnp.sqrt of a tensor (a gate) is not a scalar factor: the std-1 kernel is still reported
    assert found(NTK_LINEN.replace("jnp.sqrt(alpha) * d(x)", "jnp.sqrt(nn.Dense(h)(x)) * d(x)")) == [(10, "IL301")]


def test_haiku_division_by_the_sqrt_of_the_input_width_is_g7():
    source = """\
    import haiku as hk
    import jax
    import jax.numpy as jnp


    def forward(x):
        n, d = x.shape
        h = hk.Linear(512, w_init=hk.initializers.RandomNormal())(x)
        h = jax.nn.relu(h / jnp.sqrt(d))
        return hk.Linear(1)(h)
    """
    assert found(source) == []
    assert found(source.replace("h / jnp.sqrt(d)", "h")) == [(8, "IL301")]


def test_no_activation_wording():
    message = diagnostics("""\
    import flax.linen as nn


    class M(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.Dense(512)(x)
            x = nn.Dense(512, kernel_init=nn.initializers.normal(stddev=1.0))(x)
            x = nn.Dense(512)(x)
            return nn.Dense(10)(x)
    """)[0].message
    assert "for a layer with no activation" in message
    assert "for no activation" not in message


def test_nnx_bias_of_jnp_zeros_is_no_kernel_and_keeps_the_activation():
    # `x @ w + b` with `b = nnx.Param(jnp.zeros((d,)))`: b is a bias (G1), not a residual branch that
    # would hide the ReLU after it
    message = diagnostics(NNX_VALUE.replace("nnx.initializers.zeros(rngs.params(), (256,))", "jnp.zeros((256,))")
                          .replace("from flax import nnx", "import jax.numpy as jnp\nfrom flax import nnx"))[0].message
    assert "He std" in message and "for ReLU" in message


def test_nnx_param_of_a_2d_jnp_zeros_in_a_matmul_is_a_zero_kernel():
    source = """\
    import jax.numpy as jnp
    from flax import nnx


    class M(nnx.Module):
        def __init__(self, rngs):
            self.w = nnx.Param(jnp.zeros((256, 256)))
            self.out = nnx.Linear(256, 10, rngs=rngs)

        def __call__(self, x):
            return self.out(nnx.relu(x @ self.w.value))
    """
    assert found(source) == [(7, "IL101")]
    assert found(source.replace("jnp.zeros((256, 256))", "jnp.zeros((256,))")) == []


HAIKU_NTK = """\
import haiku as hk
import jax


def mlp(features, x):
    for feat in features:
        d = hk.Linear(feat, with_bias=False, w_init=hk.initializers.RandomNormal())
        x = jax.nn.relu(d(x) / x.shape[-1]**0.5)
    return hk.Linear(1)(x)


def conv(c, k, x):
    return hk.Conv2D(c, kernel_shape=k, w_init=hk.initializers.RandomNormal())(x) / (k * x.shape[-1]**0.5)


def depthwise(k, x):
    return hk.Conv2D(x.shape[-1], kernel_shape=k, feature_group_count=x.shape[-1],
                     w_init=hk.initializers.RandomNormal())(x) / k
"""


def test_ntk_division_by_a_fan_expression_or_an_argument_is_g7():
    # NTK parametrization in Haiku: N(0, 1) kernels, the outputs divided by sqrt(fan-in) (or by an argument)
    assert found(HAIKU_NTK) == []


def test_without_the_division_the_std_one_kernels_are_reported():
    source = (HAIKU_NTK.replace("d(x) / x.shape[-1]**0.5", "d(x)")
              .replace(")(x) / (k * x.shape[-1]**0.5)", ")(x)").replace(")(x) / k", ")(x)"))
    assert [code for _, code in found(source)] == ["IL301"] * 3


def test_division_by_another_layer_output_is_no_rescaling():
    source = """\
    import haiku as hk
    import jax


    def forward(x):
        h = hk.Linear(256, w_init=hk.initializers.RandomNormal())(x)
        g = hk.Linear(256)(x)
        return hk.Linear(1)(jax.nn.relu(h / g))
    """
    assert found(source) == [(6, "IL301")]


RANDOM_FUNCTION = """\
import flax.linen as nn


class RandomObjective(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.relu(nn.Dense(50, kernel_init=nn.initializers.normal(1.0), bias_init=nn.initializers.normal(1.0))(x))
        x = nn.relu(nn.Dense(50, kernel_init=nn.initializers.normal(1.0), bias_init=nn.initializers.normal(1.0))(x))
        return nn.Dense(1)(x)
"""


def test_std_one_kernel_with_a_std_one_random_bias_is_a_random_function():
    # a benchmark objective drawn as a random network: N(0, 1) weights and biases are the point
    assert found(RANDOM_FUNCTION) == []


def test_std_one_kernel_with_a_zero_or_small_bias_is_still_reported():
    assert [code for _, code in found(RANDOM_FUNCTION.replace("normal(1.0))(x)", "zeros)(x)"))] == ["IL301"] * 2
    assert [code for _, code in found(RANDOM_FUNCTION.replace("bias_init=nn.initializers.normal(1.0)",
                                                              "bias_init=nn.initializers.normal(1e-6)"))] == [
        "IL301"] * 2


ONE_HOT = """\
import haiku as hk
import jax


def forward(ids):
    emb = hk.Linear(64, w_init=hk.initializers.RandomNormal())
    h = jax.nn.relu(emb(jax.nn.one_hot(ids, 1000).astype(jax.numpy.float32)))
    return hk.Linear(10)(h)
"""


def test_a_kernel_applied_to_one_hot_vectors_is_an_embedding():
    assert found(ONE_HOT) == []  # N(0, 1) rows looked up by a one-hot: G10


def test_the_same_kernel_applied_to_dense_inputs_is_reported():
    assert found(ONE_HOT.replace("jax.nn.one_hot(ids, 1000).astype(jax.numpy.float32)", "ids")) == [(6, "IL301")]


def test_one_hot_through_a_haiku_closure():
    source = """\
    import haiku as hk
    import jax


    def encoder(inputs, num_actions):
        action_embed = hk.Linear(16, w_init=hk.initializers.TruncatedNormal())
        mlp = hk.nets.MLP([256, 256])

        def fn(x):
            return mlp(jax.nn.relu(action_embed(jax.nn.one_hot(x.action, num_actions))))
        return fn(inputs)
    """
    assert found(source) == []
    assert found(source.replace("jax.nn.one_hot(x.action, num_actions)", "x.action")) == [(6, "IL301")]
