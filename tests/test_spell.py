"""Spellers: each framework's hints name its own API, hint and fix state the same numbers (from
physics), every goal each speller writes parses, and the rules themselves stay framework-neutral."""
import itertools
import math
import re
import textwrap

import libcst as cst
import pytest

from initlint import physics
from initlint.engine import lint_source
from initlint.facts import LEAKY, LINEAR, RELU, RELU_LIKE, SELU, SIGMOID, TANH, Activation, KernelSite
from initlint.fixgoal import CALL, DISPLAY_ONLY, TENSOR, TEXT, UNCALL, FixGoal, Say, neutral_text
from initlint.fixing import fix_text
from initlint.frameworks import FRAMEWORKS, get
from initlint.frontends import run_frontends
from initlint.rules import ALL_RULES
from initlint.spell import NEUTRAL, FileContext, hint_text, speak, speller_for


def _only(source, code):
    source = textwrap.dedent(source).lstrip("\n")
    (diagnostic,) = [d for d in lint_source(source, "m.py").diagnostics if d.code == code]
    return diagnostic


TORCH_HEAD = """
import torch
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 256)
        self.out = nn.Linear(256, 10)
        {init}
    def forward(self, x):
        return self.out({act}(self.fc(x)))
"""
KERAS_HEAD = """
from tensorflow.keras import initializers, layers
layer = layers.Dense(256, input_shape=(784,), activation="{act}", kernel_initializer={init})
"""
TORCH_API = ("nn.init", "kaiming", "xavier", "torch.")
KERAS_API = ("he_uniform", "he_normal", "HeUniform", "glorot_", "lecun_normal", "tf.")

# (code, torch init, torch activation, keras init, keras activation, a torch word, a keras word)
CASES = [
    ("IL101", "nn.init.zeros_(self.fc.weight)", "F.relu", '"zeros"', "relu", "kaiming_uniform_", "he_uniform"),
    ("IL102", "nn.init.ones_(self.fc.weight)", "torch.tanh", '"ones"', "tanh", "xavier_uniform_", "glorot_uniform"),
    ("IL201", "nn.init.xavier_uniform_(self.fc.weight)", "F.relu", '"glorot_uniform"', "relu", "kaiming", "he_uniform"),
    ("IL202", "nn.init.kaiming_uniform_(self.fc.weight)", "torch.tanh", '"he_uniform"', "tanh", "xavier_uniform_",
     "glorot_uniform"),
    ("IL203", "nn.init.xavier_normal_(self.fc.weight)", "F.selu", '"he_normal"', "selu", "nonlinearity='linear'",
     "lecun_normal"),
    ("IL301", "nn.init.normal_(self.fc.weight)", "F.relu", "initializers.RandomNormal(stddev=1.0)", "relu",
     "kaiming_normal_", "he_normal"),
    ("IL303", "nn.init.uniform_(self.fc.weight)", "F.relu", "initializers.RandomUniform(0.0, 1.0)", "relu",
     "kaiming_uniform_", "he_uniform"),
]


@pytest.mark.parametrize("code, torch_init, torch_act, keras_init, keras_act, torch_word, keras_word", CASES,
                         ids=[c[0] for c in CASES])
def test_hints_name_the_sites_own_framework_api(code, torch_init, torch_act, keras_init, keras_act, torch_word,
                                                 keras_word):
    torch_hint = _only(TORCH_HEAD.format(init=torch_init, act=torch_act), code).hint
    keras_hint = _only(KERAS_HEAD.format(init=keras_init, act=keras_act), code).hint
    assert torch_word in torch_hint and "nn.init." in torch_hint
    assert not any(word in torch_hint for word in KERAS_API), torch_hint
    assert keras_word in keras_hint
    assert not any(word in keras_hint for word in TORCH_API), keras_hint


def test_il201_torch_hint_says_kaiming_and_keras_hint_says_he_uniform():
    torch_hint = _only(TORCH_HEAD.format(init="nn.init.xavier_uniform_(self.fc.weight)", act="F.relu"), "IL201").hint
    keras_hint = _only(KERAS_HEAD.format(init='"glorot_uniform"', act="relu"), "IL201").hint
    assert torch_hint == ("use He initialization (`nn.init.kaiming_uniform_(w, nonlinearity='relu')`, or pass "
                          "`gain=nn.init.calculate_gain('relu')`), the variance ReLU needs")
    assert keras_hint == "use He initialization (`he_uniform`), the variance ReLU needs"


LEAKY_TORCH = TORCH_HEAD.replace("{act}(self.fc(x))", "F.leaky_relu(self.fc(x), 0.2)")


def test_leaky_torch_fix_writes_the_std_the_message_states():
    source = textwrap.dedent(LEAKY_TORCH.format(init="self.fc.weight.data.normal_(0, 1)")).lstrip("\n")
    (diagnostic,) = [d for d in lint_source(source, "m.py").diagnostics if d.code == "IL301"]
    assert "the He std 0.0495 for LeakyReLU" in diagnostic.message
    assert diagnostic.hint.startswith("use std 0.0495 (= sqrt(1.92/784), He)")
    fixed, applied = fix_text(source, "m.py", None, unsafe=True)
    assert applied == 1
    assert "        self.fc.weight.data.normal_(0.0, (1.92 / 784) ** 0.5)\n" in fixed
    assert f"{(1.92 / 784) ** 0.5:.3g}" == "0.0495" == f"{physics.recommended_std(Activation(LEAKY, 'x', 0.2), 784):.3g}"


def test_leaky_torch_kaiming_fix_carries_the_slope():
    source = textwrap.dedent(LEAKY_TORCH.format(init="nn.init.normal_(self.fc.weight)")).lstrip("\n")
    fixed, _ = fix_text(source, "m.py", None, unsafe=True)
    assert '        nn.init.kaiming_normal_(self.fc.weight, a=0.2, nonlinearity="leaky_relu")\n' in fixed
    # kaiming_normal_ with a=0.2 draws std sqrt(2 / (1 + 0.2²) / fan_in): the std of the message.
    assert f"{math.sqrt(2 / (1 + 0.2 ** 2) / 784):.3g}" == "0.0495"


def test_leaky_keras_fix_writes_the_std_the_message_states():
    source = textwrap.dedent("""
        from tensorflow.keras import Sequential, initializers, layers
        model = Sequential([
            layers.Dense(256, input_shape=(784,), kernel_initializer=initializers.RandomNormal(stddev=1.0)),
            layers.LeakyReLU(0.2),
            layers.Dense(10, activation="softmax"),
        ])
    """).lstrip("\n")
    (diagnostic,) = lint_source(source, "k.py").diagnostics
    assert "the He std 0.0495 for LeakyReLU" in diagnostic.message
    assert diagnostic.hint == "use std 0.0495 (= sqrt(1.92/784), He), or a fan-in-scaled initializer (`he_normal`)"
    fixed, _ = fix_text(source, "k.py", None, unsafe=True)
    assert fixed == source.replace("RandomNormal(stddev=1.0)", "RandomNormal(mean=0.0, stddev=0.0495)")


def test_physics_gain2():
    assert physics.recommended_gain2(None) == 2.0
    assert physics.recommended_gain2(Activation(RELU, "relu")) == 2.0
    assert physics.recommended_gain2(Activation(RELU_LIKE, "gelu")) == 2.0
    assert physics.recommended_gain2(Activation(LEAKY, "leaky", 0.2)) == pytest.approx(2 / 1.04)
    assert physics.recommended_gain2(Activation(LEAKY, "leaky", 0.01)) == pytest.approx(2 / 1.0001)
    assert physics.recommended_gain2(Activation(LEAKY, "leaky")) == 2.0
    for family in (TANH, SIGMOID, LINEAR, SELU):
        assert physics.recommended_gain2(Activation(family, family)) == 1.0
    assert physics.truncated_stddev(physics.TRUNC_STD_FACTOR) == pytest.approx(1.0)
    assert physics.uniform_limit(2.0, 6) == pytest.approx(1.0)
    assert physics.gain2_literal(2.0) == "2.0" and physics.gain2_literal(2 / 1.04) == "1.92"


# ----- every goal, each speller, every style of site: the replacement parses -----
TORCH_STYLES = """
import torch
import torch.nn as nn
from torch.nn import init
from torch.nn.init import normal_, uniform_, xavier_uniform_
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(784, 256)
        self.b = nn.Linear(256, 256)
        self.c = nn.Linear(256, 128)
        self.d = nn.Linear(128, 128)
        self.e = nn.Linear(128, 64)
        self.f = nn.Linear(64, 64)
        self.g = nn.Linear(64, 64)
        self.h = nn.Linear(64, 64)
        self.i = nn.Linear(64, 32)
        self.w = nn.Parameter(torch.randn(32, 16))
        self.v = nn.Parameter(torch.rand(8, 2 * 8))
        gen = torch.Generator()
        nn.init.xavier_uniform_(self.a.weight, generator=gen)
        init.xavier_normal_(self.b.weight)
        torch.nn.init.kaiming_normal_(self.c.weight, mode="fan_out", nonlinearity="linear")
        nn.init.normal_(tensor=self.d.weight)
        self.e.weight.data.normal_(0, 1)
        self.f.weight.data.uniform_()
        xavier_uniform_(self.g.weight)
        normal_(self.h.weight)
        uniform_(self.i.weight)
    def forward(self, x):
        return x @ self.w
"""
KERAS_STYLES = """
import tensorflow as tf
from tensorflow.keras import initializers, layers
from tensorflow.keras.initializers import GlorotUniform
name = "glorot_uniform"
model = [
    layers.Dense(256, kernel_initializer='glorot_uniform'),
    layers.Dense(256, kernel_initializer=initializers.GlorotNormal(seed=7)),
    layers.Dense(256, kernel_initializer=initializers.GlorotNormal),
    layers.Dense(256, kernel_initializer=tf.keras.initializers.lecun_uniform()),
    layers.Dense(256, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0, seed=3)),
    layers.Dense(256, kernel_initializer=initializers.RandomUniform(minval=0.0, maxval=1.0)),
    layers.Dense(256, kernel_initializer=initializers.TruncatedNormal(stddev=1.0)),
    layers.Dense(256, kernel_initializer=tf.compat.v1.random_normal_initializer()),
    layers.Dense(256, kernel_initializer=tf.compat.v1.initializers.glorot_uniform()),
    layers.Dense(256, kernel_initializer=GlorotUniform()),
    layers.Dense(256, kernel_initializer=name),
]
"""
TF1_STYLES = """
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 784])
a = tf.Variable(tf.random_normal([784, 784]))
b = tf.Variable(tf.truncated_normal([784, 784], seed=1))
c = tf.Variable(tf.random_uniform([784, 784]))
d = tf.Variable(tf.random.normal([784, 784]))
e = tf.get_variable("e", [784, 784], initializer=tf.random_normal_initializer())
f = tf.get_variable("f", [784, 784], initializer=tf.contrib.layers.xavier_initializer())
g = tf.get_variable("g", [784, 784], initializer=tf.compat.v1.truncated_normal_initializer(seed=2))
h = tf.get_variable("h", [784, 784], initializer=tf.random_uniform_initializer())
i = tf.get_variable("i", [784, 784], initializer=tf.glorot_uniform_initializer())
out = tf.nn.relu(tf.matmul(x, a))
out = tf.nn.relu(tf.matmul(out, b))
out = tf.nn.relu(tf.matmul(out, c))
out = tf.nn.relu(tf.matmul(out, d))
out = tf.nn.relu(tf.matmul(out, e))
out = tf.nn.relu(tf.matmul(out, f))
out = tf.nn.relu(tf.matmul(out, g))
out = tf.nn.relu(tf.matmul(out, h))
out = tf.nn.relu(tf.matmul(out, i))
"""
ACTIVATIONS = [None, Activation(RELU, "relu"), Activation(LEAKY, "leaky", 0.2), Activation(LEAKY, "leaky"),
               Activation(TANH, "tanh"), Activation(SIGMOID, "sigmoid"), Activation(SELU, "selu"),
               Activation(LINEAR, "linear"), Activation(RELU_LIKE, "gelu")]
GOALS = [FixGoal(goal, activation, fan_in, axis)
         for goal, activation, (fan_in, axis) in itertools.product(
             (physics.HE, physics.GLOROT, physics.LECUN_NORMAL, physics.SCALED), ACTIVATIONS,
             ((None, None), (784, 1), (784, None)))]


JAX_STYLES = """
import flax.linen as nn
import haiku as hk
import jax
from jax.nn import initializers as init


class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(64, kernel_init=nn.initializers.normal(stddev=1.0))(x)
        x = nn.relu(x)
        x = nn.Dense(64, kernel_init=init.glorot_uniform())(x)
        x = nn.relu(x)
        x = nn.Dense(64, kernel_init=nn.initializers.zeros)(x)
        x = nn.tanh(x)
        x = nn.Dense(64, kernel_init=init.uniform(scale=1.0))(x)
        x = nn.gelu(x)
        return nn.Dense(10, kernel_init=init.he_normal())(x)


def f(x):
    x = hk.Linear(64, w_init=hk.initializers.RandomNormal())(x)
    x = jax.nn.relu(x)
    x = hk.Linear(64, w_init=hk.initializers.TruncatedNormal(1.0))(x)
    x = jax.nn.tanh(x)
    x = hk.Linear(64, w_init=hk.initializers.VarianceScaling(1.0, "fan_avg", "uniform"))(x)
    x = jax.nn.relu(x)
    return hk.Linear(1, w_init=hk.initializers.Constant(0.5))(x)
"""
STYLES = {"torch": TORCH_STYLES, "keras": KERAS_STYLES, "jax": JAX_STYLES, "tf1": TF1_STYLES}


@pytest.mark.parametrize("source, name", [(TORCH_STYLES, "torch"), (KERAS_STYLES, "keras"), (JAX_STYLES, "jax"), (TF1_STYLES, "tf1")])
def test_every_goal_each_speller_writes_parses(source, name):
    module = cst.parse_module(textwrap.dedent(source).lstrip("\n"))
    sites = [site for site in run_frontends(module, module.code) if site.framework == name and hasattr(site, "init")]
    assert len(sites) >= 9
    speller = get(name).spelling()
    context = FileContext(module, module.code)
    written = 0
    # Goals differ in ways a spelling often does not (about 1 in 20 site/goal pairs writes a new
    # text): parsing is the cost, so each distinct (site, content) and each distinct message is
    # parsed once. Every pair is still rendered and counted.
    parsed, said = set(), set()
    for (number, site), goal in itertools.product(enumerate(sites), GOALS):
        content, message = speller.render(site, goal, context)
        assert message or content is None
        if content is None:
            continue
        written += 1
        if (number, content) not in parsed:
            parsed.add((number, content))
            replacement = cst.parse_expression(content)
            assert cst.parse_module(module.deep_replace(site.anchor, replacement).code)
        if message not in said:
            said.add(message)
            for code in re.findall(r"`([^`]+)`", message):
                cst.parse_expression(code)
    assert written > len(sites) * len(GOALS) // 2


@pytest.mark.parametrize("framework", [f.name for f in FRAMEWORKS])
def test_every_hint_slot_each_speller_writes_is_code(framework):
    source = STYLES[framework]
    module = cst.parse_module(textwrap.dedent(source).lstrip("\n"))
    site = next(s for s in run_frontends(module, module.code) if s.framework == framework)
    speller = get(framework).spelling()
    for scheme, activation, distribution, bare, or_gain in itertools.product(
            (physics.HE, physics.GLOROT, physics.LECUN_NORMAL, TENSOR), ACTIVATIONS, (None, "uniform", "normal"),
            (False, True), (False, True)):
        spelled = speller.say(Say(scheme, activation, distribution, bare, or_gain), site)
        assert spelled and spelled.startswith("`")
        for code in re.findall(r"`([^`]+)`", spelled):
            cst.parse_expression(f"f({code})")  # an expression, or a keyword argument (`gain=...`)


def test_a_framework_without_a_speller_gets_neutral_words_and_no_fix():
    source = KERAS_HEAD.format(init='"glorot_uniform"', act="relu")
    module = cst.parse_module(textwrap.dedent(source).lstrip("\n"))
    (site,) = run_frontends(module, module.code)
    other = KernelSite("flax", site.init, site.anchor, site.layers)
    assert speller_for(other) is NEUTRAL
    (rule,) = [r for r in ALL_RULES if r.code == "IL201"]
    (finding,) = rule().check(other)
    hint, fix = speak(other, finding, FileContext(module, module.code), None)
    assert hint == "use He initialization, the variance ReLU needs" and fix is None
    assert hint_text(NEUTRAL, other, ("a", Say(physics.HE), "b")) == "ab"


# ----- the rules say nothing framework-specific -----
API_WORDS = re.compile(r"nn\.init|kaiming|xavier|he_(uniform|normal)|glorot_|lecun_(uniform|normal)|"
                       r"torch|tf\.|keras|calculate_gain|randn")


def _findings():
    for rule in ALL_RULES:
        for snippet in rule.INVALID:
            source = textwrap.dedent(snippet).lstrip("\n")
            module = cst.parse_module(source)
            for site in run_frontends(module, source):
                if not isinstance(site, rule.facts):
                    continue
                for finding in rule().check(site) or ():
                    yield rule.code, site, finding


def test_rule_hints_are_framework_neutral_and_their_goals_are_neutral():
    seen = set()
    for code, site, finding in _findings():
        seen.add(code)
        assert not API_WORDS.search(neutral_text(finding.hint)), (code, finding.hint)
        if finding.fix is not None:
            assert finding.fix.goal in (physics.HE, physics.GLOROT, physics.LECUN_NORMAL, physics.SCALED, CALL, UNCALL,
                                        TEXT)
            # Only IL403's call fixes and literal renames (IL404's current name, IL001's comment) are safe:
            # they restore the code the API requires, changing no numerics.
            assert finding.fix.applicability in ("unsafe", DISPLAY_ONLY) or finding.fix.goal in (CALL, UNCALL, TEXT)
    assert seen >= {"IL101", "IL102", "IL201", "IL202", "IL203", "IL301", "IL303"}
