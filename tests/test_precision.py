"""The precision policy (initlint/PRECISION.md): what silences a zero/constant kernel and what does not."""
import textwrap

from initlint.engine import lint_source
from initlint.intent import IntentComments

UNKNOWN_ROLE = '''
import torch.nn as nn
class Block(Base):
    def __init__(self, dim):
        super().__init__()
        self.mixer = nn.Linear(dim, dim)
{between}
        nn.init.zeros_(self.mixer.weight)
'''


def codes(text):
    return [(d.span.row, d.code) for d in lint_source(textwrap.dedent(text), "model.py").diagnostics]


def test_documented_intent_near_an_unknown_role_silences_it():
    assert codes(UNKNOWN_ROLE.format(between="        # ReZero: start as the identity")) == []
    assert codes(UNKNOWN_ROLE.format(between='        """Fixup initialization."""')) == []


def test_intent_words_in_code_or_far_away_do_not():
    # `lora` in code is not documentation; a comment 4 lines away is too far.
    in_code = UNKNOWN_ROLE.format(between="        self.use_lora = False")
    assert codes(in_code) == [(8, "IL101")]
    far = UNKNOWN_ROLE.format(between="        # zero-init\n        a = 1\n        b = 2\n        c = 3")
    assert codes(far) == [(11, "IL101")]


def test_intent_rows_come_from_comments_and_docstrings_only():
    text = 'x = "zero init"\n"""LoRA adapter."""\ny = 1  # Fixup\nz = f(lora=1)\n'
    assert IntentComments(text).rows == {2, 3}
    assert IntentComments("def broken(:\n    # zero-init\n").rows == {2}


def test_a_deliberate_name_does_not_save_a_proven_hidden_layer():
    text = '''
    import torch.nn as nn
    import torch.nn.functional as F
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.head = nn.Linear(8, 8)
            self.out = nn.Linear(8, 1)
            nn.init.zeros_(self.head.weight)  # zero-init
        def forward(self, x):
            return self.out(F.relu(self.head(x)))
    '''
    assert codes(text) == [(9, "IL101")]


def test_a_partner_seen_through_a_function_is_not_a_zero_partner():
    template = '''
    import torch
    import torch.nn as nn
    class Glow(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(4, 4, 3, padding=1)
            nn.init.zeros_(self.conv.weight)
            self.scale = nn.Parameter(torch.zeros(1, 4, 1, 1))
        def forward(self, x):
            return self.conv(x) * {partner}
    '''
    assert codes(template.format(partner="torch.exp(self.scale * 3)")) == []
    assert codes(template.format(partner="self.scale")) == [(8, "IL101")]


def test_he_before_a_tanh_output_is_exempt_but_not_before_a_sigmoid_output():
    template = '''
    import torch
    import torch.nn as nn
    class Policy(nn.Module):
        def __init__(self):
            super().__init__()
            self.action = nn.Linear(64, 2)
            nn.init.kaiming_uniform_(self.action.weight, nonlinearity="relu")
        def forward(self, x):
            return torch.{squash}(self.action(x))
    '''
    assert codes(template.format(squash="tanh")) == []
    assert codes(template.format(squash="sigmoid")) == [(8, "IL202")]


def test_messages_name_every_listed_layer_and_never_this_kernel():
    text = '''
    import torch.nn as nn
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(8, 8)
            self.b = nn.Linear(8, 8)
            for layer in (self.a, self.b):
                nn.init.constant_(layer.weight, 0.1)
        def forward(self, x):
            return self.b(self.a(x).tanh()).tanh()
    '''
    [diagnostic] = lint_source(textwrap.dedent(text), "model.py").diagnostics
    assert "'a' of the 2 layers it covers ('a', 'b')" in diagnostic.message  # 'b' is the output
    loose = UNKNOWN_ROLE.format(between="").replace("mixer", "fc").replace("nn.Linear(dim, dim)", "make(dim)")
    messages = [d.message for d in lint_source(textwrap.dedent(loose), "model.py").diagnostics]
    assert messages and all("this kernel" not in m for m in messages)


def test_a_helper_filtered_by_a_name_prefix_the_caller_passes_is_not_judged_for_every_layer():
    # timm's init_weight_jax(module, name, classifier_name='head'): `name.startswith(classifier_name)`
    # selects the classifier head, which starts at zero on purpose; which layers it selects is unknown.
    text = '''
    import torch.nn as nn
    def init_weight_head(module, name, classifier_name="head"):
        if isinstance(module, nn.Linear):
            if name.startswith(classifier_name):
                nn.init.zeros_(module.weight)
            else:
                nn.init.xavier_uniform_(module.weight)
    '''
    assert codes(text) == []
    # with nothing selecting the layers, a helper zeroing every Linear is still a bug (decision 7)
    assert codes(text.replace("name.startswith(classifier_name)", "True")) == [(6, "IL101")]


EXPERTS = '''
import math
from functools import partial
import torch
import torch.nn as nn
def expert_initializer(initializer, num_experts, expert_shape):
    def init(weight):
        for i in range(num_experts):
            initializer(weight[i].view(expert_shape))
    return init
class ExpertLinear(nn.Module):
    def __init__(self, num_experts=4, width=64):
        super().__init__()
        self.num_experts, self.width = num_experts, width
        self.weight = nn.Parameter(torch.empty(num_experts, width * width))
        self.bias = nn.Parameter(torch.empty(num_experts, width))
        self.reset_parameters()
    def reset_parameters(self):
        init_weight = expert_initializer(partial(nn.init.kaiming_uniform_, a=math.sqrt(5)), self.num_experts,
                                         (self.width, self.width))
        init_weight(self.weight)
        init_bias = expert_initializer(partial(nn.init.uniform_, a=-0.1, b=0.1), self.num_experts, (self.width,))
        {bias_init}
    def forward(self, x, routing):
        weight = torch.matmul(routing, self.weight).view(-1, self.width, self.width)
        return torch.bmm(x.unsqueeze(1), weight).squeeze(1) + torch.matmul(routing, self.bias)
'''


def test_a_raw_bias_filled_through_an_initializer_variable_is_initialized():
    # timm's CondConv2d: the experts' bias (experts x out_channels) from torch.empty, filled by
    # `init_bias(self.bias)`; without that call it really is uninitialized memory.
    assert codes(EXPERTS.replace("{bias_init}", "init_bias(self.bias)")) == []
    assert codes(EXPERTS.replace("{bias_init}", "pass")) == [(16, "IL103")]
