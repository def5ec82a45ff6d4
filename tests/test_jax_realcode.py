"""JAX patterns met in real Flax / Haiku code (issue 13's corpus run): a dense layer on a scalar
feature (fan-in 1), parameters looked up by one-hot matmul or `jnp.take` (embeddings), two bounds given
to `uniform(scale, dtype)`, and `jax.random.normal` used as an initializer."""
from __future__ import annotations

import textwrap

from initlint.engine import lint_source
from initlint.fixing import fix_text


def found(text: str):
    return sorted((d.span.row, d.code) for d in lint_source(textwrap.dedent(text).encode(), "m.py").diagnostics)


SCALAR_INPUT = """\
import haiku as hk
import jax


class Encoder(hk.Module):
    def __call__(self, x):
        h = hk.Linear(64, w_init=hk.initializers.RandomNormal(1.0))(INPUT)
        h = jax.nn.relu(h)
        return hk.Linear(8)(h)
"""


def test_a_dense_layer_on_a_scalar_feature_has_fan_in_one():
    for spelling in ("x[..., None]", "x[:, None]", "jnp.expand_dims(x, -1)", "x.reshape(-1, 1)",
                     "jnp.reshape(x, (-1, 1))", "x[..., jnp.newaxis]",
                     # a leading new axis given straight to a dense layer: only a scalar needs it
                     "jnp.expand_dims(x, 0)", "x[None]", "jnp.expand_dims(x.reward, 0)"):
        source = "import jax.numpy as jnp\n" + SCALAR_INPUT.replace("INPUT", spelling)
        assert found(source) == [], spelling


def test_the_same_layer_on_a_feature_vector_is_reported():
    for spelling in ("x", "x[..., 0]", "x.reshape(-1, 16)", "jnp.expand_dims(x, 1)", "x[:, None, :]",
                     "x.reshape(-1)"):
        source = "import jax.numpy as jnp\n" + SCALAR_INPUT.replace("INPUT", spelling)
        assert found(source) == [(8, "IL301")], spelling


def test_a_named_scalar_input_and_flax_dense():
    assert found("""\
    import flax.linen as nn


    class Encoder(nn.Module):
        @nn.compact
        def __call__(self, t):
            t = t[..., None]
            h = nn.Dense(64, kernel_init=nn.initializers.normal(1.0))(t)
            return nn.Dense(8)(nn.relu(h))
    """) == []


ONE_HOT = """\
import flax.linen as nn
import jax


class TaskNet(nn.Module):
    num_tasks: int

    @nn.compact
    def __call__(self, x, task):
        table = self.param("task_embedding", nn.initializers.normal(1.0), (self.num_tasks, 64))
        e = USE
        return nn.Dense(4)(nn.relu(nn.Dense(64)(x) + e))
"""


def test_a_parameter_read_by_one_hot_or_take_is_an_embedding():
    for use in ("jax.nn.one_hot(task, self.num_tasks) @ table", "jnp.dot(jax.nn.one_hot(task, 8), table)",
                "jnp.take(table, task, axis=0)", "table[task]"):
        assert found("import jax.numpy as jnp\n" + ONE_HOT.replace("USE", use)) == [], use


def test_the_same_parameter_as_a_matmul_kernel_is_reported():
    assert found("import jax.numpy as jnp\n" + ONE_HOT.replace("USE", "x @ table")) == [(11, "IL301")]


def test_two_bounds_to_uniform_are_il403():
    source = """\
    import flax.linen as nn


    class Critic(nn.Module):
        init_final: float = 3e-3

        @nn.compact
        def __call__(self, x):
            h = nn.relu(nn.Dense(256)(x))
            return nn.Dense(1, kernel_init=nn.initializers.uniform(BOUNDS))(h)
    """
    for bounds in ("-self.init_final, self.init_final", "-3e-3, 3e-3", "0.0, 1.0", "-1, 1"):
        assert found(source.replace("BOUNDS", bounds)) == [(10, "IL403")], bounds
    for one_scale in ("scale=3e-3", "3e-3", "3e-3, jnp.float32", "self.init_final, self.dtype"):
        # one scale is a valid call: what stays is U[0, scale), IL303's when the scale is known
        assert "IL403" not in [code for _, code in found(source.replace("BOUNDS", one_scale))], one_scale


def test_two_bounds_message_says_why():
    diagnostics = lint_source(b"import flax.linen as nn\n"
                              b"y = nn.Dense(1, kernel_init=nn.initializers.uniform(-0.1, 0.1))(x)\n",
                              "m.py").diagnostics
    assert [d.code for d in diagnostics] == ["IL403"]
    assert "the second argument becomes the dtype" in diagnostics[0].message


def test_jax_random_normal_as_an_initializer():
    linen = """\
    import flax.linen as nn
    import jax
    import jax.numpy as jnp


    class SimpleLinear(nn.Module):
        features: int

        @nn.compact
        def __call__(self, x):
            kernel = self.param("kernel", jax.random.normal, (x.shape[-1], self.features))
            bias = self.param("bias", jax.random.normal, (self.features,))
            return jnp.dot(x, kernel) + bias
    """
    assert found(linen) == [(11, "IL301")]
    assert found(linen.replace("jax.random.normal, (x", "nn.initializers.lecun_normal(), (x")) == []
    nnx = """\
    import jax
    from flax import nnx


    class M(nnx.Module):
        def __init__(self, din, dout, *, rngs):
            self.w = nnx.Param(jax.random.normal(rngs.params(), (din, dout)))
            self.cls = nnx.Param(jax.random.normal(rngs.params(), (1, 1, dout)))

        def __call__(self, x):
            return x @ self.w.value + self.cls.value
    """
    assert found(nnx) == [(7, "IL301")]
    assert found(nnx.replace("(din, dout)))", "(din, dout)) / din ** 0.5)")) == []


RAW = """\
import jax
import jax.numpy as jnp

key = jax.random.PRNGKey(0)
w = WEIGHT
x = jax.random.normal(key, (32, 784))


def predict(x):
    return x @ w
"""


def test_a_raw_random_matrix_used_as_a_matmul_weight():
    assert found(RAW.replace("WEIGHT", "jax.random.normal(key, (784, 10))")) == [(5, "IL301")]
    assert found(RAW.replace("WEIGHT", "jax.random.uniform(key, (784, 10))")) == [(5, "IL303")]


def test_raw_random_matrices_that_are_fine_or_data():
    for weight in ("jax.random.normal(key, (784, 10)) * 0.01", "jax.random.normal(key, (784, 10)) / 28.0",
                   "jax.nn.initializers.lecun_normal()(key, (784, 10))", "jnp.zeros((784, 10)) + x[:1, :10]"):
        assert found(RAW.replace("WEIGHT", weight)) == [], weight
    # data on the left of a matmul, and a vector: not kernels
    assert found(RAW.replace("WEIGHT", "jnp.ones((784, 10)) * 0.03").replace("x @ w", "x @ w + jax.random.normal(key, (32, 10)) @ jnp.eye(10)")) == []
    assert found(RAW.replace("WEIGHT", "jax.random.normal(key, (10,))").replace("x @ w", "x[:, :10] * w")) == []


def test_the_raw_matrix_fix_keeps_the_key_and_shape():
    source = RAW.replace("WEIGHT", "jax.random.normal(key, (784, 10))")
    text, applied = fix_text(source, "m.py", None, True)
    assert applied == 1
    assert "w = jax.nn.initializers.glorot_normal()(key, (784, 10))" in text
    source = source.replace("import jax\n", "from jax import random\nimport jax\n").replace(
        "jax.random.normal(key, (784", "random.normal(key, (784")
    assert found(source) == [(6, "IL301")]
    assert fix_text(source, "m.py", None, True)[1] == 0  # `random.normal`: advice only


PARAMETER_HOLDER = """\
import jax
import flax.linen as nn


class ScaledRBF(nn.Module):
    n_units: int

    def setup(self):
        self.s = nn.Dense(self.n_units, use_bias=False, kernel_init=nn.initializers.ones)
        self.c = nn.Dense(self.n_units, kernel_init=nn.initializers.lecun_normal())

    def __call__(self, x):
        USE
        s = jax.nn.softplus(self.variables["params"]["s"]["kernel"])
        c = self.variables["params"]["c"]["kernel"]
        return jax.numpy.exp(-((x[..., None] - c) * s) ** 2)
"""


def test_a_layer_applied_only_to_make_its_parameters_is_no_kernel():
    assert found(PARAMETER_HOLDER.replace("USE", "_ = self.s(x)\n        _ = self.c(x)")) == []


def test_the_same_constant_layer_used_as_a_layer_is_reported():
    assert found(PARAMETER_HOLDER.replace("USE", "x = nn.relu(self.s(x))\n        x = self.c(x)")) == [(9, "IL102")]
    # thrown away once, used once: still a layer
    assert found(PARAMETER_HOLDER.replace("USE", "_ = self.s(x)\n        x = self.c(nn.relu(self.s(x)))")) == [
        (9, "IL102")]


COMPUTED_SCALE = """\
import math
import flax.linen as nn


class TimeMix(nn.Module):
    n_embd: int
    init_scale: float = 0.01

    def setup(self):
        scale = 1.0 / math.sqrt(self.n_embd)
        self.key = nn.Dense(self.n_embd, use_bias=False, kernel_init=nn.initializers.uniform(SCALE))

    def __call__(self, x):
        return nn.Dense(4)(nn.relu(self.key(x)))
"""


def test_uniform_with_a_computed_positive_scale_is_il303():
    for scale in ("scale * 0.5", "scale=self.init_scale", "self.n_embd ** -0.5", "1 / math.sqrt(self.n_embd)"):
        diagnostics = lint_source(COMPUTED_SCALE.replace("SCALE", scale).encode(), "m.py").diagnostics
        assert [(d.span.row, d.code) for d in diagnostics] == [(11, "IL303")], scale
        assert "U[0, scale) with a positive scale is all positive" in diagnostics[0].message


def test_uniform_with_a_scale_of_unknown_sign_or_a_negation_is_not_il303():
    for scale in ("scale - 0.5", "-scale", "max(scale, 0.1)", "None"):
        assert "IL303" not in [code for _, code in found(COMPUTED_SCALE.replace("SCALE", scale))], scale


LOCAL_FACTORIES = """\
import jax
import flax.linen as nn


def default_init(scale=1.0):
    return nn.initializers.variance_scaling(scale, "fan_avg", "uniform")


def big_init():
    return nn.initializers.normal(stddev=1.0)


def small_init(key, shape, dtype=None):
    return jax.random.normal(key, shape) * 0.01


def wrapped(key, shape, dtype=None):
    return nn.initializers.lecun_normal()(key, shape, dtype)


class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.relu(nn.Dense(64, kernel_init=USE)(x))
        return nn.Dense(1)(x)
"""


def test_a_local_factory_passed_uncalled_is_il403():
    assert found(LOCAL_FACTORIES.replace("USE", "default_init")) == [(24, "IL403")]
    text, applied = fix_text(LOCAL_FACTORIES.replace("USE", "default_init"), "m.py", None, False)
    assert applied == 1 and "kernel_init=default_init()" in text


def test_local_factories_called_and_local_initializers_passed_uncalled():
    for use in ("default_init()", "default_init(2.0)", "small_init", "wrapped"):
        assert found(LOCAL_FACTORIES.replace("USE", use)) == [], use
    # a factory called with no arguments gives its initializer
    assert found(LOCAL_FACTORIES.replace("USE", "big_init()")) == [(24, "IL301")]


LAYER_HELPER = """\
import jax
import haiku as hk


def linear(size, name):
    return hk.Linear(size, name=name, w_init=INIT)


class Field(hk.Module):
    def __call__(self, x):
        x = linear(128, name="layer1")(x)
        for i in range(3):
            x = jax.nn.relu(linear(128, name=f"layer{i}")(x))
        return linear(4, name="out")(x)
"""


def test_a_layer_built_by_a_helper_function_of_the_file():
    assert found(LAYER_HELPER.replace("INIT", 'hk.initializers.VarianceScaling(1.0, "fan_in", "uniform")')) == [
        (6, "IL201")]
    assert found(LAYER_HELPER.replace("INIT", 'hk.initializers.VarianceScaling(2.0, "fan_in", "uniform")')) == []
    assert found(LAYER_HELPER.replace("INIT", "hk.initializers.RandomNormal(1.0)")) == [(6, "IL301")]


FIELD_DEFAULTS = """\
import flax.linen as nn


class Field(nn.Module):
    width: int = 128
    hidden_init: object = nn.initializers.he_uniform()
    output_init: object = OUTPUT_INIT

    @nn.compact
    def __call__(self, x):
        for _ in range(4):
            x = nn.relu(nn.Dense(self.width, kernel_init=self.hidden_init)(x))
        return nn.Dense(3, kernel_init=self.output_init)(x)
"""


def test_a_module_field_default_is_the_initializer_and_the_diagnostic_points_at_it():
    assert found(FIELD_DEFAULTS.replace("OUTPUT_INIT", "nn.initializers.normal(stddev=1.0)")) == [(7, "IL301")]
    assert found(FIELD_DEFAULTS.replace("he_uniform()", "xavier_uniform()").replace(
        "OUTPUT_INIT", "nn.initializers.zeros")) == [(6, "IL201")]


def test_a_near_zero_all_positive_head_is_silent_and_a_larger_one_is_not():
    assert found(FIELD_DEFAULTS.replace("OUTPUT_INIT", "nn.initializers.uniform(scale=1e-4)")) == []
    assert found(FIELD_DEFAULTS.replace("OUTPUT_INIT", "nn.initializers.uniform(scale=3e-3)")) == [(7, "IL303")]
    # the same tiny range on hidden layers is reported
    assert found(FIELD_DEFAULTS.replace("he_uniform()", "uniform(scale=1e-4)").replace(
        "OUTPUT_INIT", "nn.initializers.zeros")) == [(6, "IL303")]


def test_a_near_zero_all_positive_branch_end_is_silent():
    source = """\
    import flax.linen as nn


    class Block(nn.Module):
        @nn.compact
        def __call__(self, x):
            h = nn.relu(nn.Dense(64)(x))
            return x + nn.Dense(64, kernel_init=nn.initializers.uniform(SCALE))(h)
    """
    assert found(source.replace("SCALE", "1e-4")) == []
    assert found(source.replace("SCALE", "0.05")) == [(8, "IL303")]


CELL = """\
import jax
import jax.numpy as jnp
import flax.linen as nn


class LM(nn.Module):
    vocab: int
    hidden: int

    @nn.compact
    def __call__(self, x, carry):
        cell = nn.GRUCell(features=self.hidden, KW)
        dense = nn.Dense(self.vocab)
        outputs = []
        for i in range(x.shape[1]):
            carry, y = cell(carry, x[:, i])
            outputs.append(dense(y))
        return jnp.stack(outputs, axis=1), carry
"""


def test_a_linen_recurrent_cell_is_a_kernel_layer():
    assert found(CELL.replace("KW", "kernel_init=jax.nn.initializers.uniform()")) == [(12, "IL303")]
    assert found(CELL.replace("KW", "recurrent_kernel_init=nn.initializers.zeros")) == [(12, "IL101")]
    for fine in ("dtype=jnp.float32", "kernel_init=nn.initializers.glorot_uniform()",
                 "recurrent_kernel_init=nn.initializers.orthogonal()"):
        assert found(CELL.replace("KW", fine)) == [], fine
