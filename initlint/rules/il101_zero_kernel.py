from ..diagnostics import ERROR
from ..facts import CONSTANT, RELU
from ._constant import constant_verdict, display_goal, suggestion
from ._variance import activation_text, describe_layers
from .base import Finding, Rule


class ZeroKernel(Rule):
    """
    ## What it does
    Finds a kernel initialized to all zeros.

    A kernel is the weight matrix of a dense, convolutional or linear layer, or a raw weight
    parameter used in a matrix product. Recognized are, among others, `kernel_initializer="zeros"`,
    `Zeros()`, `tf.zeros_initializer()`, `nn.init.zeros_(w)`, `w.data.zero_()`, `w.fill_(0)`,
    `nn.Parameter(torch.zeros(o, i))`, Flax `kernel_init=nn.initializers.zeros` and Haiku
    `w_init=hk.initializers.Constant(0)`.

    ## Why is this bad
    Every unit of a zero layer computes the same function, so every unit receives the same
    gradient and they stay copies of each other forever: the symmetry between them is never
    broken. Followed by a ReLU with a zero bias, the layer is dead: its outputs and gradients are
    exactly 0 and it never learns. Two adjacent zero or constant layers never learn at all.

    Some zero starts are deliberate and correct, and the rule stays silent on them: biases; an
    output layer (a zero-initialized classifier head); the last layer of a residual branch,
    `x + f(x)` (as in Fixup, or a `zero_module(...)` in diffusion models); a matrix multiplied with a
    randomly initialized trainable partner, such as LoRA's B matrix; frozen parameters; embeddings;
    partial writes such as `w[padding_idx]`; scalars and vectors such as ReZero gates; and a zero
    kernel under a bias the code sets to a chosen constant, which makes the layer start by
    outputting that constant (a spatial transformer's localization head starting at the identity).

    A zero kernel whose role cannot be determined (a layer built alone, a `forward` the analysis
    cannot see) is reported only when nothing in the file says it is deliberate: a name such as
    `lora_b`, `gate`, `head`, `out_proj`, `adaLN_modulation`, `conv_offset`, or a comment or
    docstring within 3 lines that mentions zero init, Fixup, ReZero, SkipInit, adaLN-Zero or LoRA,
    silences it. A proven hidden layer (its output feeds an activation and then another kernel), a
    zero factor whose partner is zero too, and a whole-model init that zeroes every layer it
    reaches are reported whatever the names and comments. Not reported in test files by default
    (`default-per-file-ignores`). See `initlint/PRECISION.md`.

    Severity: error for a dead ReLU layer, for two adjacent zero or constant layers, and for a zero
    matrix whose multiplicative partner is zero too (neither can ever receive a gradient); warning
    for a single zero hidden layer otherwise.

    ## Example
    ```python
    layers.Dense(128, activation="relu", kernel_initializer="zeros")
    ```

    ## Use instead
    ```python
    layers.Dense(128, activation="relu", kernel_initializer="he_uniform")
    ```

    ## Fix safety
    Display-only: the replacement (He for ReLU, Glorot for tanh, sigmoid and linear units, LeCun
    normal for SELU) is named in the message but never applied, because a zero kernel may be
    intended in ways the analysis cannot see. If it is, suppress the line with
    `# initlint: ignore[IL101]`.

    ## Options
    No options of its own. Turn the rule off with `ignore = ["IL101"]` (or per file with
    `per-file-ignores`), or one line with `# noqa: IL101`.

    ## References
    - Goodfellow, Bengio, Courville. *Deep Learning*, MIT Press 2016, section 8.4 (breaking the symmetry between units)
    - Zhang, Dauphin, Ma. *Fixup Initialization: Residual Learning Without Normalization*, ICLR 2019 (a deliberate zero branch end)
    - Hu et al. *LoRA: Low-Rank Adaptation of Large Language Models*, 2021 (a deliberate zero factor with a random partner)
    - Peebles, Xie. *Scalable Diffusion Models with Transformers* (DiT, adaLN-Zero), ICCV 2023 (deliberate zero output and modulation layers)
    """

    code = "IL101"
    name = "zero-kernel"
    severity = ERROR
    fix_availability = "display-only"

    VALID = (
        """
from tensorflow.keras import Sequential, layers
model = Sequential([
    layers.Dense(64, activation="relu", kernel_initializer="he_normal", input_shape=(20,)),
    layers.Dense(10, activation="softmax", kernel_initializer="zeros"),
])
""",
        """
import torch.nn as nn
import torch.nn.functional as F
class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)
        nn.init.zeros_(self.fc2.weight)
        nn.init.zeros_(self.fc1.bias)
    def forward(self, x):
        return x + self.fc2(F.relu(self.fc1(x)))
""",
        """
import torch
import torch.nn as nn
class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(1))
        self.emb = nn.Embedding(100, 16)
        nn.init.zeros_(self.emb.weight)
""",
        """
import keras
class GatedSum(keras.layers.Layer):
    def __init__(self, dim):
        super().__init__()
        self.gate = keras.layers.Dense(2 * dim, kernel_initializer="zeros")
    def call(self, a, b):
        gates = keras.ops.sigmoid(self.gate(keras.ops.concatenate([a, b], axis=-1)))
        g1, g2 = keras.ops.split(gates, 2, axis=-1)
        return g1 * a + g2 * b
""",
        """
import torch
import torch.nn as nn
from transformers import initialization as init
class Experts(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.gate_up = nn.Parameter(torch.zeros(n, d, d))
    def forward(self, x):
        return torch.bmm(x, self.gate_up)
class PreTrained(nn.Module):
    def _init_weights(self, module):
        if isinstance(module, Experts):
            init.normal_(module.gate_up, mean=0.0, std=0.02)
""",
        """
import torch.nn as nn
class BlockDiagonal(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(64, 256)
        self.out = nn.Linear(256, 1)
        self.linear.weight.data.zero_()
        for i in range(4):
            self.linear.weight.data[i * 64:(i + 1) * 64, :].normal_()
    def forward(self, x):
        return self.out(self.linear(x).relu())
""",
    )
    # Deformable attention: zero weights before a softmax start as uniform attention (G2).
    VALID = VALID + (
        """
import torch.nn as nn
import torch.nn.functional as F
class DeformableAttention(nn.Module):
    def __init__(self, d, points):
        super().__init__()
        self.attention_weights = nn.Linear(d, points)
        nn.init.constant_(self.attention_weights.weight, 0.0)
    def forward(self, query, values):
        weights = F.softmax(self.attention_weights(query), -1)
        return sample(values, weights)
""",
    )
    # Unknown role, explained in the file: a G5 name; documented intent within 3 lines (G13).
    VALID = VALID + (
        """
import torch.nn as nn
class Adapter(Base):
    def __init__(self, dim):
        super().__init__()
        self.lora_up = nn.Linear(8, dim, bias=False)
        self.mixer = nn.Linear(dim, dim)
        nn.init.zeros_(self.lora_up.weight)
        # ReZero-style start: the block begins as the identity
        nn.init.zeros_(self.mixer.weight)
""",
        """
import tensorflow as tf
from tensorflow.keras import layers
def localization_head(features, init_bias):
    hidden = layers.Dense(128, activation="relu")(features)
    # zero weights under a chosen bias: the head starts at the identity transform
    return layers.Dense(6, kernel_initializer="zeros",
                        bias_initializer=tf.keras.initializers.Constant(init_bias))(hidden)
def control_points(features, init_bias):
    return layers.Dense(40, kernel_initializer="zeros", activation="relu",
                        bias_initializer=tf.keras.initializers.constant(init_bias))(0.1 * features)
""",
    )
    INVALID = (
        """
from tensorflow.keras import initializers, layers
hidden = layers.Dense(3, kernel_initializer=initializers.Zeros())  # expect: IL101
""",
        """
import torch.nn as nn
import torch.nn.functional as F
class Named(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(16, 16)
        self.out = nn.Linear(16, 1)
        nn.init.zeros_(self.gate.weight)  # zero-init  # expect: IL101
    def forward(self, x):
        return self.out(F.relu(self.gate(x)))
""",
        """
import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 10)
        self.fc2 = nn.Linear(10, 2)
        with torch.no_grad():
            self.fc1.weight.data.zero_()  # expect: IL101
    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
""",
        """
import torch
import torch.nn as nn
class BothZero(nn.Module):
    def __init__(self):
        super().__init__()
        self.A = nn.Parameter(torch.zeros(4, 16))  # expect: IL101
        self.B = nn.Parameter(torch.zeros(16, 4))  # expect: IL101
    def forward(self, x):
        return x @ (self.B @ self.A).T
""",
        """
from collections import OrderedDict
import torch.nn as nn
class Named(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(OrderedDict([("fc1", nn.Linear(10, 10)), ("act", nn.Tanh()), ("fc2", nn.Linear(10, 1))]))
        nn.init.kaiming_normal_(self.net[0].weight)
        nn.init.zeros_(self.net.fc1.weight)  # expect: IL101
    def forward(self, x):
        return self.net(x)
""",
    )

    def check(self, site):
        init = site.init
        if init.kind != CONSTANT or init.value is None or init.value != 0:
            return
        verdict = constant_verdict(site, zero=True)
        if verdict is None:
            return
        severity, judged, unknown = verdict
        where = describe_layers(site, judged)
        if not judged:
            yield Finding(severity, f"zero-initialized kernel ({init.display}) of {where}: every unit starts "
                          "identical and receives the same gradient, so the units never become different",
                          suggestion(judged, self.code, "zero start"), display_goal(judged), unknown_role=unknown)
            return
        layer = judged[0]
        followed = activation_text(layer.activation) if layer.activation else None
        detail = f" (followed by {followed}, bias {layer.bias})" if followed else ""
        if layer.activation is not None and layer.activation.family == RELU and layer.bias in ("zero", "none", "negative"):
            consequence = "its outputs and gradients are identically 0, so the layer never learns"
        elif layer.constant_neighbour:
            consequence = "an adjacent layer is zero or constant too, so the symmetry is never broken"
        elif layer.partner_constant:
            consequence = "its multiplicative partner is zero too, so neither factor ever gets a gradient"
        else:
            consequence = "every unit starts identical and the layer starts rank-deficient"
        role = "hidden " if layer.role == "hidden" and len(judged) == 1 and not site.shared else ""
        shown = f" ({init.display})" if init.origin else ""  # the value is a constructor argument: say which
        yield Finding(severity, f"zero-initialized kernel{shown} of {role}{where}{detail}: {consequence}",
                      suggestion(judged, self.code, "zero start"), display_goal(judged), unknown_role=unknown)
