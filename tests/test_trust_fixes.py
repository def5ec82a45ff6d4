"""Fixes that are right for their layer (issue 17, items 11-14): the fan-in axis follows
transposes, Fourier features are left alone, kaiming_* on an (in, out) parameter takes the fan-out
mode, a shared init site gets a per-layer initializer or nothing, and a fix edits the smallest node
(comments and other arguments kept). Every fix is checked against its exact expected output."""
from __future__ import annotations

import textwrap

import pytest

from initlint.engine import lint_source
from initlint.fixing import fix_text


def fixed(source: str) -> str:
    return fix_text(textwrap.dedent(source).lstrip("\n"), "m.py", None, True)[0]


def codes(source: str):
    return [d.code for d in lint_source(textwrap.dedent(source).lstrip("\n"), "m.py").diagnostics]


def same_after_fix(source: str) -> None:
    text = textwrap.dedent(source).lstrip("\n")
    assert fix_text(text, "m.py", None, True)[0] == text


TRANSPOSED = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class M(nn.Module):
    def __init__(self, inp=512, outp=64):
        super().__init__()
        self.w = nn.Parameter(torch.randn(outp, inp))
        self.v = nn.Parameter(torch.randn(64, 512))

    def forward(self, x):
        h = F.relu(x @ self.w.t())
        return h + x @ self.v.T
"""


def test_the_fan_in_axis_follows_t_and_T():
    """Before: `x @ self.w.t()` was read as `x @ self.w`, so the fan-in was `outp` (and 64)."""
    out = fixed(TRANSPOSED)
    assert "        self.w = nn.Parameter(torch.randn(outp, inp) * (2.0 / inp) ** 0.5)\n" in out
    assert "        self.v = nn.Parameter(torch.randn(64, 512) * (1.0 / 512) ** 0.5)\n" in out
    assert fixed(out) == out


def test_a_transposed_weight_in_f_linear_takes_the_fan_in_from_axis_0():
    out = fixed("""
        import torch
        import torch.nn as nn
        import torch.nn.functional as F


        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.w = nn.Parameter(torch.randn(256, 32))

            def forward(self, x):
                return F.relu(F.linear(x, self.w.t()))
        """)
    assert "        self.w = nn.Parameter(torch.randn(256, 32) * (2.0 / 256) ** 0.5)\n" in out


FOURIER = [
    # frozen, `t @ W.T` with fan-in 1 (Gaussian Fourier features of a time step)
    """
    import math
    import torch
    import torch.nn as nn


    class TimeEmbedding(nn.Module):
        def __init__(self, d=256, scale=16.0):
            super().__init__()
            self.W = nn.Parameter(torch.randn(d // 2, 1) * scale, requires_grad=False)

        def forward(self, t):
            proj = t @ self.W.T * 2 * math.pi
            return torch.cat([torch.sin(proj), torch.cos(proj)], dim=-1)
    """,
    # trainable, fan-in 1
    """
    import torch
    import torch.nn as nn


    class TimeEmbedding(nn.Module):
        def __init__(self):
            super().__init__()
            self.W = nn.Parameter(torch.randn(128, 1))

        def forward(self, t):
            proj = t @ self.W.T
            return torch.cat([proj.sin(), proj.cos()], dim=-1)
    """,
    # trainable, fan-in 64, used in sin/cos: random Fourier features, the std is the bandwidth
    """
    import torch
    import torch.nn as nn


    class RandomFourierFeatures(nn.Module):
        def __init__(self):
            super().__init__()
            self.B = nn.Parameter(torch.randn(128, 64))

        def forward(self, x):
            proj = x @ self.B.T
            return torch.cat([torch.sin(proj), torch.cos(proj)], dim=-1)
    """,
]


@pytest.mark.parametrize("source", FOURIER)
def test_fourier_feature_projections_are_left_alone(source):
    """Before: the projection was "fixed" with a ReLU gain for a fan-in of d // 2."""
    assert codes(source) == []
    same_after_fix(source)


def test_the_same_projection_into_a_relu_is_still_reported():
    source = FOURIER[2].replace("torch.cat([torch.sin(proj), torch.cos(proj)], dim=-1)", "torch.relu(proj)")
    assert codes(source) == ["IL301"]
    assert "        self.B = nn.Parameter(torch.randn(128, 64) * (2.0 / 64) ** 0.5)\n" in fixed(source)


IN_OUT = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.empty(512, 64))
        self.u = nn.Parameter(torch.empty(64, 32))
        self.v = nn.Parameter(torch.empty(32, 16))
        nn.init.xavier_uniform_(self.w)
        nn.init.normal_(self.u)
        nn.init.xavier_normal_(self.v)

    def forward(self, x):
        x = F.relu(x @ self.w)
        x = F.relu(x @ self.u)
        return F.linear(x, self.v.t())
"""


def test_kaiming_written_onto_an_in_out_parameter_takes_fan_out():
    """Before: `kaiming_uniform_(self.w, nonlinearity="relu")`: torch takes the fan-in from size(1)
    (64, the fan-out of `x @ W`), so the weights were sqrt(8) times too large."""
    out = fixed(IN_OUT)
    assert '        nn.init.kaiming_uniform_(self.w, mode="fan_out", nonlinearity="relu")\n' in out
    assert '        nn.init.kaiming_normal_(self.u, mode="fan_out", nonlinearity="relu")\n' in out
    assert "        nn.init.xavier_normal_(self.v)\n" in out  # no activation after it: Xavier is right
    assert fixed(out) == out


def test_kaiming_on_a_linear_weight_keeps_torch_default_mode():
    out = fixed("""
        import torch.nn as nn
        import torch.nn.functional as F


        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(512, 64)
                self.head = nn.Linear(64, 10)
                nn.init.xavier_uniform_(self.fc.weight)

            def forward(self, x):
                return self.head(F.relu(self.fc(x)))
        """)
    assert '        nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")\n' in out


SHARED = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 64)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                m.weight.data.normal_(0, 1)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return torch.relu(self.fc3(x))
"""


def test_a_shared_init_site_gets_a_per_layer_initializer():
    """Before: `m.weight.data.normal_(0.0, (2.0 / 784) ** 0.5)`: fc1's fan-in for every layer."""
    out = fixed(SHARED)
    assert '                nn.init.kaiming_normal_(m.weight.data, nonlinearity="relu")\n' in out
    assert "784) ** 0.5" not in out
    assert fixed(out) == out


def test_a_shared_init_site_never_switches_the_output_layer():
    """Before: the loop became He for every Linear, the one feeding the output sigmoid too."""
    source = SHARED.replace("        self.fc3 = nn.Linear(128, 64)\n", "        self.fc3 = nn.Linear(128, 1)\n").replace(
        "return torch.relu(self.fc3(x))", "return torch.sigmoid(self.fc3(x))")
    result = lint_source(textwrap.dedent(source).lstrip("\n"), "m.py")
    [diagnostic] = result.diagnostics
    assert diagnostic.fix.applicability == "display-only" and not diagnostic.fix.edits
    assert "'fc3'" in diagnostic.fix.message
    same_after_fix(source)


def test_an_apply_function_with_a_linear_output_layer_is_not_rewritten():
    source = """
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 256)
            self.fc2 = nn.Linear(256, 128)
            self.out = nn.Linear(128, 10)
            self.apply(self._init)

        def _init(self, m):
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)

        def forward(self, x):
            x = torch.relu(self.fc1(x))
            x = torch.relu(self.fc2(x))
            return self.out(x)
    """
    assert codes(source) == ["IL201"]
    same_after_fix(source)


SMALLEST = """
import torch
import torch.nn as nn
from torch.nn.init import trunc_normal_, uniform_


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(512, 256)
        self.a = nn.Linear(256, 256)
        self.b = nn.Linear(256, 128)
        self.c = nn.Linear(128, 64)
        self.out = nn.Linear(64, 10)
        nn.init.normal_(
            self.fc.weight,  # note
            std=1.0,  # TODO
        )
        nn.init.trunc_normal_(self.a.weight, std=1.0, a=-0.5, b=0.5)
        trunc_normal_(self.b.weight, a=-2.0, b=2.0)  # keep the bounds
        uniform_(self.c.weight, -1.0, 1.0)

    def forward(self, x):
        x = torch.relu(self.fc(x))
        x = torch.relu(self.a(x))
        x = torch.relu(self.b(x))
        return self.out(torch.relu(self.c(x)))
"""

SMALLEST_FIXED = """
import torch
import torch.nn as nn
from torch.nn.init import trunc_normal_, uniform_


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(512, 256)
        self.a = nn.Linear(256, 256)
        self.b = nn.Linear(256, 128)
        self.c = nn.Linear(128, 64)
        self.out = nn.Linear(64, 10)
        nn.init.normal_(
            self.fc.weight,  # note
            std=(2.0 / 512) ** 0.5,  # TODO
        )
        nn.init.trunc_normal_(self.a.weight, std=(2.0 / 256) ** 0.5, a=-0.5, b=0.5)
        trunc_normal_(self.b.weight, a=-2.0, b=2.0, std=(2.0 / 256) ** 0.5)  # keep the bounds
        uniform_(self.c.weight, -(6.0 / 128) ** 0.5, (6.0 / 128) ** 0.5)

    def forward(self, x):
        x = torch.relu(self.fc(x))
        x = torch.relu(self.a(x))
        x = torch.relu(self.b(x))
        return self.out(torch.relu(self.c(x)))
"""


def test_a_fix_edits_only_the_scale_and_keeps_comments_and_arguments():
    """Before: the multi-line call became one line without its comments, and trunc_normal_ lost
    `a=` and `b=`."""
    out = fixed(SMALLEST)
    assert out == SMALLEST_FIXED.lstrip("\n")
    assert fixed(out) == out


def test_a_call_with_nothing_to_keep_is_still_rewritten_whole():
    out = fixed(SMALLEST.replace("""        nn.init.normal_(
            self.fc.weight,  # note
            std=1.0,  # TODO
        )""", "        nn.init.normal_(self.fc.weight)"))
    assert '        nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")\n' in out


def test_a_layer_whose_activation_is_unknown_gets_advice_not_he():
    """Before: a query projection (its output goes into attention, not a ReLU) got
    `kaiming_normal_(..., nonlinearity="relu")`, a guess 2x off in variance for it."""
    source = """
    import torch.nn as nn
    from torch.nn import init


    class Attention(nn.Module):
        def __init__(self, d=512):
            super().__init__()
            self.q_proj = nn.Linear(d, d)

        def forward(self, x, attend):
            return attend(self.q_proj(x))


    class Model(nn.Module):
        def _init_weights(self, module):
            if isinstance(module, Attention):
                init.normal_(module.q_proj.weight)
    """
    # IL405 also reports `_init_weights` (nothing here calls it); this test is about IL301's fix.
    result = lint_source(textwrap.dedent(source).lstrip("\n"), "m.py", frozenset({"IL301"}))
    assert [d.code for d in result.diagnostics] == ["IL301"]
    assert result.diagnostics[0].fix.applicability == "display-only"
    same_after_fix(source)


STACKED = """
import torch
import torch.nn as nn
from torch.nn import init


class FlexibleLinear(nn.Module):
    def __init__(self, input_size, output_size, num_layers):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(num_layers, output_size, input_size))

    def forward(self, x, layer_idx=None):
        return torch.relu(torch.matmul(x, self.weight[layer_idx].T))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = FlexibleLinear(64, 64, 8)
        self.head = nn.Linear(64, 10)
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, FlexibleLinear):
            init.normal_(module.weight)

    def forward(self, x):
        return self.head(self.proj(x))
"""


def test_a_stack_of_matrices_gets_advice_not_a_fan_based_initializer():
    """Before: `init.xavier_normal_(module.weight)` on a (num_layers, out, in) weight, whose fans torch
    computes as a convolution's (out * in and num_layers * in): a std about sqrt(out) too small."""
    result = lint_source(textwrap.dedent(STACKED).lstrip("\n"), "m.py", frozenset({"IL301"}))
    [diagnostic] = result.diagnostics
    assert diagnostic.fix.applicability == "display-only" and not diagnostic.fix.edits
    assert "stack" in diagnostic.fix.message
    same_after_fix(STACKED)
    matrix = STACKED.replace("torch.randn(num_layers, output_size, input_size)", "torch.randn(output_size, input_size)")
    matrix = matrix.replace("self.weight[layer_idx].T", "self.weight.T")
    [diagnostic] = lint_source(textwrap.dedent(matrix).lstrip("\n"), "m.py", frozenset({"IL301"})).diagnostics
    assert diagnostic.fix.edits  # a matrix's fans are right: the fix is written
