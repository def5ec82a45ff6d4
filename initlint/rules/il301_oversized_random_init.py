import math

from ..diagnostics import ERROR, WARNING, lower
from ..facts import NORMAL, ORTHOGONAL, OUTPUT, RELU, SOFTMAX, TRUNCATED_NORMAL, UNIFORM, VARIANCE_SCALING, Activation
from ..fixgoal import TENSOR, FixGoal, Say
from ..physics import HE, LECUN_NORMAL, SCALED, recommended_gain2, recommended_std, scheme_for, weight_std
from ._mean import nonzero_mean
from ._variance import describe_layers, fmt, needed_by, ratio_text, recommended_name, vector_like
from .base import Finding, Rule

RELU_ACTIVATION = Activation(RELU, "ReLU")
UNKNOWN_FAN_IN_STD = 0.5  # s >= 0.5 is >= 2x the He std for any fan-in >= 32


def severity_for(ratio: float, role: str) -> str:
    """r = g²_eff / g²_rec: error from 16 on a hidden layer, warning from 4 (§5.2 IL301)."""
    if ratio >= 16:
        return WARNING if role == OUTPUT else ERROR
    if ratio >= 4:
        return WARNING
    return None


class OversizedRandomInit(Rule):
    """
    ## What it does
    Finds a kernel drawn with a fixed standard deviation (or uniform limit) too large for its fan-in.

    The usual causes are defaults of 1.0: `nn.init.normal_(w)` and `Tensor.normal_()`,
    `nn.Parameter(torch.randn(o, i))` with no scaling, `trunc_normal_(w)`, TensorFlow 1's
    `tf.compat.v1.random_normal_initializer()`, Haiku's `RandomNormal()`; and explicit values such as
    `RandomNormal(stddev=1.0)`, `RandomUniform(-a, a)` with a large `a`, or a variance-scaling or
    orthogonal initializer with a huge scale.

    ## Why is this bad
    A layer multiplies the second moment of its input by `n_in·std²`. The activation needs a
    certain factor (2 for ReLU, 1 for tanh, sigmoid, linear and SELU), so the ratio
    `r = n_in·std² / needed` is the factor by which the activations grow at each layer. With std 1.0
    on 784 inputs and a ReLU, `r = 392`: the weight std is 19.8 times the He value, the
    pre-activations are about 28 times the input scale, tanh and sigmoid units saturate and stacks
    of ReLU layers explode.

    When the fan-in is known (literal layer sizes, `input_shape`, the width of the previous layer):
    error for `r ≥ 16` on a hidden layer, warning for `4 ≤ r < 16`, or for `r ≥ 16` on an output
    layer. When it is not known: warning for a std of 0.5 or more (for any fan-in of 32 or more
    that is at least twice the He std). Embeddings (a lookup has an effective fan-in of 1, so
    N(0, 1) is right), frozen parameters and vectors are not judged; a normalization layer after
    the kernel lowers the severity one level. GPT-style `std=0.02` and Keras' default 0.05 stay
    silent.

    ## Example
    ```python
    nn.init.normal_(self.fc.weight)  # std 1.0 on nn.Linear(784, 256)
    ```

    ## Use instead
    ```python
    nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")  # std sqrt(2/784) = 0.0505
    ```

    ## Fix safety
    Unsafe: changing the initializer changes training numerics. `--fix --unsafe-fixes` applies it.

    ## Options
    `tf-version = 1` or `2` in `[tool.initlint]` says how TensorFlow code is read when its imports
    do not tell: `tf.random_normal_initializer()` has std 1.0 in TensorFlow 1 and 0.05 in
    TensorFlow 2. Turn the rule off with `ignore = ["IL301"]`, or one line with `# noqa: IL301`.

    ## References
    - LeCun, Bottou, Orr, Müller. *Efficient BackProp*, 1998 (`Var(W) = 1/n_in`)
    - Glorot, Bengio. *Understanding the difficulty of training deep feedforward neural networks*, AISTATS 2010
    - He, Zhang, Ren, Sun. *Delving Deep into Rectifiers*, ICCV 2015 (arXiv:1502.01852)
    - Mishkin, Matas. *All you need is a good init*, ICLR 2016 (scaling each layer to unit output variance)
    - [TensorFlow `tf.compat.v1.random_normal_initializer`](https://www.tensorflow.org/api_docs/python/tf/compat/v1/random_normal_initializer) (the std 1.0 default)
    """

    code = "IL301"
    name = "oversized-random-init"
    severity = ERROR
    fix_availability = "unsafe"

    VALID = (
        """
import torch.nn as nn
class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_fc = nn.Linear(768, 3072)
        self.tok = nn.Embedding(50257, 768)
        nn.init.normal_(self.c_fc.weight, mean=0.0, std=0.02)
        nn.init.normal_(self.tok.weight, mean=0.0, std=1.0)
""",
        """
import torch
import torch.nn as nn
class Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(256, 256) / 256 ** 0.5)
        self.frozen = nn.Parameter(torch.randn(256, 256), requires_grad=False)
    def forward(self, x):
        return (x @ self.w) @ self.frozen
""",
        """
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
class EqualLinear(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_dim, in_dim))
        self.scale = 1 / math.sqrt(in_dim)
    def forward(self, x):
        return F.linear(x, self.weight * self.scale)
class CosineClassifier(nn.Module):
    def __init__(self, d, n):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(d, n))
    def forward(self, x):
        return torch.mm(F.normalize(x, dim=1), F.normalize(self.weight, dim=0))
""",
    )
    INVALID = (
        """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 256)
        self.out = nn.Linear(256, 10)
        nn.init.normal_(self.fc.weight)  # expect: IL301
    def forward(self, x):
        return self.out(F.relu(self.fc(x)))
""",
        """
from tensorflow.keras import initializers, layers
layer = layers.Dense(3, kernel_initializer=initializers.RandomNormal(stddev=1.0))  # expect: IL301
""",
        """
import torch
import torch.nn as nn
class FlexibleLinear(nn.Module):
    def __init__(self, n_in, n_out, layers):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(layers, n_out, n_in))  # expect: IL301
    def forward(self, x, idx=None):
        selected = torch.index_select(self.weight, 0, idx) if idx is not None else self.weight
        return torch.matmul(x[:, :, None, :], selected.transpose(1, 2)[None]).squeeze(2)
""",
    )

    def check(self, site):
        init = site.init
        if vector_like(site) or nonzero_mean(init) is not None:
            return
        # G4: the random factor of a zero one (LoRA's A, or B of the embedding variant) is the partner that
        # breaks the symmetry, drawn N(0, 1) on purpose: the product starts at 0 whatever its scale.
        layers = [layer for layer in site.layers if not (layer.frozen or layer.embedding or layer.rescaled
                                                         or layer.partner_constant)]
        if site.layers and not layers:
            return
        if init.kind in (NORMAL, TRUNCATED_NORMAL, UNIFORM):
            std = weight_std(init)
            if std is None or std == 0:
                return
            yield from self._fixed(site, layers, std)
        elif init.kind in (VARIANCE_SCALING, ORTHOGONAL):
            yield from self._scaled(site, layers)

    def _fixed(self, site, layers, std):
        init = site.init
        worst = None  # (ratio, severity, layer)
        for layer in layers:
            fan_in = layer.fan_in
            if fan_in is None:
                continue
            g2_rec = recommended_gain2(layer.activation)
            ratio = fan_in * std * std / g2_rec
            severity = severity_for(ratio, layer.role)
            if severity and layer.norm_after:
                severity = lower(severity)
            if severity and (worst is None or ratio > worst[0]):
                worst = (ratio, severity, layer)
        if worst is not None:
            ratio, severity, layer = worst
            recommended = recommended_std(layer.activation, layer.fan_in)
            name = recommended_name(layer.activation)
            reading = self._reading(init)
            if reading and self._alternative_fine(init, layer):
                severity = lower(severity) or severity
            message = (f"{init.display} on {describe_layers(site, [layer])} with fan-in {layer.fan_in}{reading}: "
                       f"weight std {fmt(std)} is {ratio_text(std / recommended)} the {name} std "
                       f"{fmt(recommended)} for {needed_by(layer.activation)} (variance x{fmt(ratio)}); "
                       f"pre-activations are ~{fmt(std * math.sqrt(layer.fan_in))}x the input scale")
            goal = FixGoal(SCALED, layer.activation, layer.fan_in, layer.fan_in_axis)
            yield Finding(severity, message, self._hint(site, layer, recommended), goal)
            return
        if any(layer.fan_in is not None for layer in layers):
            return  # known fan-ins and none too large
        if layers and all(layer.activation is not None and layer.activation.family == SOFTMAX for layer in layers):
            return  # logits of a categorical head: their scale is a temperature that needs the fan-in to judge
        if std >= UNKNOWN_FAN_IN_STD:
            reading = self._reading(init)
            severity = WARNING
            if reading and init.alternative_stddev is not None and init.alternative_stddev < UNKNOWN_FAN_IN_STD:
                severity = lower(WARNING)
            if layers and all(layer.norm_after for layer in layers):
                severity = lower(severity)
            he_std = recommended_std(None, 32)
            message = (f"{init.display} on {describe_layers(site, layers)}{reading}: weight std {fmt(std)} with an unknown "
                       f"fan-in; for any fan-in of 32 or more that is at least {ratio_text(std / he_std)} the He std "
                       f"(at least {ratio_text((std / he_std) ** 2)} its variance)")
            single = layers[0] if len(layers) == 1 else None
            goal = FixGoal(SCALED, single.activation if single else None, None, single.fan_in_axis if single else None)
            yield Finding(severity, message, self._hint(site, single, None), goal)

    def _scaled(self, site, layers):
        init = site.init
        g2 = init.scale if init.kind == VARIANCE_SCALING else (init.gain * init.gain if init.gain is not None else None)
        if g2 is None:
            return
        for layer in layers or [None]:
            activation = layer.activation if layer else None
            ratio = g2 / recommended_gain2(activation)
            severity = severity_for(ratio, layer.role if layer else "unknown")
            if severity and layer is not None and layer.norm_after:
                severity = lower(severity)
            if severity:
                yield Finding(severity, f"{init.display} on {describe_layers(site, layers)}: gain² {fmt(g2)} is "
                              f"{ratio_text(ratio)} what {needed_by(activation)} needs; activations grow "
                              f"x{fmt(ratio)} in variance per layer",
                              "use the standard scale: 2.0 (He) for ReLU, 1.0 (LeCun/Glorot) otherwise")
                return

    @staticmethod
    def _reading(init) -> str:
        if init.alternative_stddev is None:
            return ""
        return f" (stddev is {fmt(init.stddev)} under TF1, {fmt(init.alternative_stddev)} under TF2)"

    @staticmethod
    def _alternative_fine(init, layer) -> bool:
        std = init.alternative_stddev
        return std is not None and layer.fan_in * std * std / recommended_gain2(layer.activation) < 4

    @staticmethod
    def _hint(site, layer, recommended):
        activation = layer.activation if layer else None
        name = recommended_name(activation)
        if recommended is not None:
            return (f"use std {fmt(recommended)} (= sqrt({fmt(recommended_gain2(activation))}/{layer.fan_in}), {name}), "
                    "or a fan-in-scaled initializer", Say(HE if scheme_for(activation) == HE else LECUN_NORMAL, activation, NORMAL, bare=True))
        if site.init.unscaled_factory:
            return ("scale the tensor by the fan-in, by sqrt(2/fan_in) for ReLU", Say(TENSOR, RELU_ACTIVATION))
        return ("use a fan-in-scaled initializer: He", Say(HE, None, NORMAL, bare=True),
                " for ReLU, LeCun/Glorot otherwise")
