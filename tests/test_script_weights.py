"""Raw weights of scripts (issue #12, "raw tensors as weights"): behind the legacy `Variable`, as a
module-level `nn.Parameter`, read by a function of the script; and `fill_` of a value not known here."""
import textwrap

from initlint.engine import lint_source


def lint(text):
    return lint_source(textwrap.dedent(text), "script.py").diagnostics


def codes(text):
    return [(d.span.row, d.code) for d in lint(text)]


VARIABLE = '''
import torch
from torch.autograd import Variable
x = Variable(torch.randn(64, 1000))
w1 = Variable({first}, requires_grad=True)
w2 = Variable(torch.randn(100, 10), requires_grad=True)
{use}
'''


def test_a_trained_variable_is_the_tensor_it_wraps():
    chained = VARIABLE.format(first="torch.randn(1000, 100).type(torch.FloatTensor)",
                              use="y_pred = x.mm(w1).clamp(min=0).mm(w2)")
    named = VARIABLE.format(first="torch.randn(1000, 100)", use="h = x.mm(w1)\nh_relu = h.clamp(min=0)\ny = h_relu.mm(w2)")
    for text in (chained, named):
        found = lint(text)
        assert [(d.span.row, d.span.column, d.code) for d in found] == [(5, 15, "IL301"), (6, 15, "IL301")]
        assert "on Parameter 'w1' with fan-in 1000" in found[0].message and "for ReLU" in found[0].message


def test_a_scaled_or_untrained_variable_is_silent():
    scaled = VARIABLE.format(first="torch.randn(1000, 100) * (2.0 / 1000) ** 0.5",
                             use="y = x.mm(w1).clamp(min=0).mm(w2)")
    assert codes(scaled) == [(6, "IL301")]  # w2 only: w1 is scaled to He
    untrained = VARIABLE.replace(", requires_grad=True", "").format(
        first="torch.randn(1000, 100)", use="y = x.mm(w1).clamp(min=0).mm(w2)")
    assert codes(untrained) == []  # G1: a Variable nobody trains is data
    qualified = VARIABLE.replace("Variable(torch.randn(100", "torch.autograd.Variable(torch.randn(100").format(
        first="torch.randn(1000, 100) / 1000 ** 0.5", use="y = x.mm(w1).clamp(min=0).mm(w2)")
    assert codes(qualified) == [(6, "IL301")]


PARAMETERS = '''
import torch
from torch import nn
W1 = nn.Parameter(torch.randn(784, 256{scale1}, requires_grad=True){scale2})
b1 = nn.Parameter(torch.zeros(256, requires_grad=True))
W2 = nn.Parameter(torch.randn(256, 10) * 0.01)
{body}
'''
IN_FUNCTION = "def net(X):\n    X = X.reshape((-1, 784))\n    H = torch.relu(X @ W1 + b1)\n    return H @ W2"
AT_MODULE = "X = torch.rand(8, 784)\nH = torch.relu(X @ W1 + b1)\nout = H @ W2"


def test_a_module_level_parameter_is_a_weight_where_it_is_used():
    for body in (AT_MODULE, IN_FUNCTION):
        found = lint(PARAMETERS.format(scale1="", scale2="", body=body))
        assert [(d.span.row, d.span.column, d.code) for d in found] == [(4, 19, "IL301")]
        assert "with fan-in 784" in found[0].message and "for ReLU" in found[0].message


def test_a_scaled_module_level_parameter_is_silent():
    for scale in (" * 0.01", " * (2 / 784) ** 0.5", " / 28"):
        for body in (AT_MODULE, IN_FUNCTION):
            text = PARAMETERS.format(scale1="", scale2=scale, body=body)
            assert codes(text) == [], (scale, body)


def test_a_raw_tensor_read_by_a_function_is_judged_only_when_trained():
    template = '''
    import torch
    W = torch.randn(784, 256{grad})
    def project(x):
        return torch.relu(x @ W) @ V
    V = torch.randn(256, 10, requires_grad=True) / 16
    '''
    assert codes(template.format(grad="")) == []  # G1: a fixed random projection, never trained
    assert codes(template.format(grad=", requires_grad=True")) == [(3, "IL301")]
    frozen = '''
    import torch
    from torch import nn
    W = nn.Parameter(torch.randn(784, 256), requires_grad=False)
    def project(x, W=W):
        return torch.relu(x @ W)
    '''
    assert codes(frozen) == []


def test_a_function_parameter_shadows_the_module_weight():
    text = '''
    import torch
    from torch import nn
    W1 = nn.Parameter(torch.randn(784, 256))
    def net(X, W1):
        return torch.relu(X @ W1)
    '''
    assert codes(text) == []  # the global is never used as a weight here


def test_a_bias_added_to_a_raw_weight_is_no_residual_branch():
    text = '''
    import torch
    from torch import nn
    W1 = nn.Parameter(torch.zeros(784, 256))
    b1 = nn.Parameter(torch.zeros(256))
    W2 = nn.Parameter(torch.randn(256, 10) * 0.01)
    def net(X):
        return torch.relu(X @ W1 + b1) @ W2
    '''
    found = lint(text)
    assert [(d.span.row, d.code) for d in found] == [(4, "IL101")]
    assert "(followed by ReLU, bias zero)" in found[0].message
    # A real shortcut still ends a branch (G3): a zero last weight added to the input is deliberate.
    residual = text.replace("return torch.relu(X @ W1 + b1) @ W2", "return X + torch.relu(X @ W2.T) @ W1.T")
    residual = residual.replace("torch.zeros(784, 256)", "torch.zeros(256, 784)").replace("torch.randn(256, 10) * 0.01",
                                                                                          "torch.randn(256, 784) * 0.05")
    assert codes(residual) == []


FILL = '''
import numpy as np
import torch
from torch import nn
@torch.no_grad()
def init_weights(m):
    if type(m) == nn.Linear:
        m.{tensor}.fill_({value})
net = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 1), nn.Sigmoid())
net.apply(init_weights)
'''


def test_fill_of_a_value_not_known_here_is_still_a_constant_kernel():
    found = lint(FILL.format(tensor="weight", value="np.random.randn() * 10"))
    assert [(d.span.row, d.span.column, d.code) for d in found] == [(8, 9, "IL102")]
    assert found[0].message.startswith(
        "constant kernel (every weight equal, m.weight.fill_(np.random.randn() * 10)) on 'net[0]', 'net[2]' of the 3 layers")
    assert codes(FILL.format(tensor="weight", value="0.0")) == [(8, "IL101")]  # provably 0


def test_fill_of_a_value_not_known_here_on_a_bias_or_unknown_layers_is_silent():
    assert codes(FILL.format(tensor="bias", value="np.random.randn() * 10")) == []
    helper = '''
    import torch.nn as nn
    def init_weights(m, value):
        if type(m) == nn.Linear:
            m.weight.data.fill_(value)
    '''
    assert codes(helper) == []  # layers and value both elsewhere: nothing here to judge


def test_each_definition_of_a_redefined_class_is_read():
    """Notebooks redefine `class Model` once per experiment; each one applies its own init."""
    template = '''
    import torch
    from torch import nn
    def init_first(m):
        if type(m) == nn.Linear:
            {first}
    def init_second(m):
        if type(m) == nn.Linear:
            {second}
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.feature = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1))
            self.apply(init_first)
        def forward(self, x):
            return self.feature(x)
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.feature = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1))
            self.apply(init_second)
        def forward(self, x):
            return self.feature(x)
    '''
    he, zero = "nn.init.kaiming_normal_(m.weight, nonlinearity='relu')", "m.weight.fill_(0.0)"
    assert codes(template.format(first=zero, second=he)) == [(6, "IL101")]
    assert codes(template.format(first=he, second=zero)) == [(9, "IL101")]
    assert codes(template.format(first=he, second=he)) == []


def test_an_optimizer_over_the_weights_is_no_use_of_their_values():
    text = PARAMETERS.format(scale1="", scale2="", body=IN_FUNCTION).replace("torch.randn(256, 10) * 0.01", "torch.randn(256, 10)")
    text += "updater = torch.optim.SGD([W1, b1, W2], lr=0.1)\n"
    found = lint(text)
    assert [(d.span.row, d.code) for d in found] == [(4, "IL301"), (6, "IL301")]
    assert "for ReLU" in found[0].message and "for a layer with no activation" in found[1].message  # W2 is returned
    unknown = text.replace("torch.optim.SGD", "make_optimizer")
    assert "for an unknown activation" in lint(unknown)[1].message
