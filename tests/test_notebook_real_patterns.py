"""Patterns of course notebooks on weight initialization (measured on real ones, issue #11), in a
notebook and in the same code as a .py: helpers defined and never applied, one class built as several
models each with its own init, and a constant passed to the constructor that its __init__ applies."""
from __future__ import annotations

from initlint.documents.notebook import from_cells
from initlint.options import AnalysisOptions
from initlint.rules import default_codes
from initlint.runner import analyze, analyze_document

NET = """import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self, hidden=256, constant_weight=None):
        super().__init__()
        self.fc1 = nn.Linear(784, hidden)
        self.fc2 = nn.Linear(hidden, 10)
        if constant_weight is not None:
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    nn.init.constant_(m.weight, constant_weight)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))
"""
UNUSED_HELPER = """
def init_normal(m):
    if isinstance(m, nn.Linear):
        m.weight.data.normal_(0, 1)
        m.bias.data.fill_(0)
"""
UNIFORM = """
def init_uniform(m):
    if type(m) == nn.Linear:
        m.weight.data.uniform_(0.0, 1.0)

def init_rule(m):
    if type(m) == nn.Linear:
        y = 1.0 / m.in_features ** 0.5
        m.weight.data.uniform_(-y, y)
"""


def _options():
    return AnalysisOptions(frozenset(default_codes()))


def _notebook(*cells):
    document = from_cells([("markdown", "# Weight initialization")] + [("code", c) for c in cells], "course.ipynb")
    return [(d.cell, d.span.row, d.code) for d in analyze_document(document, _options()).diagnostics]


def _script(*parts):
    return [(d.span.row, d.code) for d in analyze("".join(parts).encode(), "course.py", _options()).diagnostics]


def test_a_notebook_helper_nothing_applies_is_not_judged_on_its_models():
    assert _notebook(NET, UNUSED_HELPER, "model = Net()\n") == []


def test_a_notebook_helper_that_is_applied_is_judged_on_that_model():
    found = _notebook(NET, UNUSED_HELPER, "model = Net()\nmodel.apply(init_normal)\n")
    assert found == [(3, 4, "IL301")]


def test_a_py_helper_the_file_never_names_gets_only_the_verdict_that_holds_for_any_layer():
    source = NET + UNUSED_HELPER + "model = Net()\n"
    found = analyze(source.encode(), "course.py", _options()).diagnostics
    assert [(d.span.row, d.code) for d in found] == [(20, "IL301")]
    assert "defined elsewhere" in found[0].message and "fan-in 784" not in found[0].message


def test_each_model_of_one_class_keeps_its_own_applied_init():
    # the good init applied to a later model does not hide the bad one applied to an earlier model
    calls = "a = Net()\na.apply(init_uniform)\nb = Net()\nb.apply(init_rule)\n"
    assert _notebook(NET, UNIFORM, calls) == [(3, 4, "IL303")]
    assert _script(NET, UNIFORM, calls) == [(20, "IL303")]


def test_a_later_apply_to_the_same_model_still_wins():
    calls = "a = Net()\na.apply(init_uniform)\na.apply(init_rule)\n"
    assert _notebook(NET, UNIFORM, calls) == []
    assert _script(NET, UNIFORM, calls) == []


def test_a_constant_passed_to_the_constructor_reaches_its_init_call():
    found = analyze_document(from_cells([("code", NET), ("code", "model_0 = Net(constant_weight=0)\n"
                                                               "model_1 = Net(constant_weight=1)\n")], "c.ipynb"),
                             _options()).diagnostics
    # One init expression, one verdict of the zero/constant family (product decision 3): the zero.
    assert [(d.cell, d.span.row, d.code) for d in found] == [(1, 12, "IL101")]
    assert "constant_weight=0 from Net(constant_weight=0)" in found[0].message
    ones = analyze_document(from_cells([("code", NET), ("code", "model_1 = Net(constant_weight=1)\n")], "c.ipynb"),
                            _options()).diagnostics
    assert [(d.cell, d.span.row, d.code) for d in ones] == [(1, 12, "IL102")]
    assert "constant_weight=1 from Net(constant_weight=1)" in ones[0].message
    assert [(d.span.row, d.code) for d in analyze((NET + "m = Net(128, 0)\n").encode(), "c.py", _options()).diagnostics] \
        == [(12, "IL101")]


def test_a_constructor_argument_never_given_a_constant_stays_silent():
    assert _notebook(NET, "model = Net()\nother = Net(constant_weight=None)\n") == []
    assert _script(NET, "w = 0.01\nmodel = Net(hidden=128)\n") == []


TF1_WEIGHTS = """import tensorflow as tf
n_input, n_hidden, n_classes = 784, 256, 10
weights = {
    'h1': tf.Variable(tf.random_normal([n_input, n_hidden], stddev=STD)),
    'out': tf.Variable(tf.random_normal([n_hidden, n_classes], stddev=0.06)),
}
"""
TF1_MODEL = """def perceptron(x):
    layer_1 = tf.nn.relu(tf.matmul(x, weights['h1']))
    return tf.matmul(layer_1, weights['out'])
"""
TF1_USE = "x = tf.placeholder('float', [None, n_input])\npred = perceptron(x)\n"


def test_a_module_level_tf1_weights_dict_read_as_a_global_inside_the_model_function():
    bad = TF1_WEIGHTS.replace("STD", "1.0")
    assert _script(bad, TF1_MODEL, TF1_USE) == [(4, "IL301")]
    assert _notebook(TF1_MODEL, bad, TF1_USE) == [(3, 4, "IL301")]  # the function's cell comes first


def test_a_well_scaled_global_tf1_weights_dict_stays_silent():
    good = TF1_WEIGHTS.replace("STD", "0.05")
    assert _script(good, TF1_MODEL, TF1_USE) == []
    assert _notebook(TF1_MODEL, good, TF1_USE) == []


ADDED = """import torch
import torch.nn as nn

net = nn.Sequential()
net.add_module('Linear_1', nn.Linear(2, 5, bias=False))
net.add_module('Linear_2', nn.Linear(5, 5, bias=False))

def init_weight(m):
    if type(m) == nn.Linear:
        torch.nn.init.normal_(m.weight)

def ones(m):
    if type(m) == nn.Linear:
        torch.nn.init.constant_(m.weight, 1)
"""


def test_layers_added_with_add_module_are_the_models_layers():
    # judged on the layers added (fan-in 5), no longer "for any fan-in" as if defined elsewhere
    for found in (analyze((ADDED + "net.apply(init_weight)\nnet.apply(ones)\nnet.apply(init_weight)\n").encode(),
                          "p.py", _options()).diagnostics,):
        assert [(d.span.row, d.code) for d in found] == [(10, "IL301")]
        assert "with fan-in 5" in found[0].message and "defined elsewhere" not in found[0].message
    assert _notebook(ADDED, "net.apply(init_weight)\nnet.apply(ones)\n") == [(2, 14, "IL102")]
    found = analyze((ADDED + "net.apply(ones)\nnet.apply(init_weight)\nnet.apply(ones)\n").encode(), "p.py",
                    _options()).diagnostics
    assert [(d.span.row, d.code) for d in found] == [(14, "IL102")]
    assert "'Linear_1'" in found[0].message  # the hidden layer; the output layer may be constant


REDEFINED = """import torch
import torch.nn as nn

def init_zero(m):
    if type(m) == nn.Linear:
        m.weight.data.fill_(0.0)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.feature = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 1))
        self.apply(init_zero)

    def forward(self, x):
        return self.feature(x)

first = Model()

def init_he(m):
    if type(m) == nn.Linear:
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.feature = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 1))
        self.apply(init_he)

    def forward(self, x):
        return self.feature(x)

second = Model()
"""


def test_a_class_defined_twice_keeps_each_definitions_own_init():
    # A notebook redefines a class in a later cell (course notebooks do, to change its init): each
    # definition's own self.apply(...) sets its own layers; the later helper does not reach the
    # earlier class's layers, nor the earlier one the later class's.
    assert _script(REDEFINED) == [(6, "IL101")]
    assert _script(REDEFINED.replace("fill_(0.0)", "normal_(0, 0.1)")) == []
    swapped = REDEFINED.replace("self.apply(init_zero)", "self.apply(TMP)").replace(
        "self.apply(init_he)", "self.apply(init_zero)").replace("self.apply(TMP)", "self.apply(init_he)")
    assert _script(swapped) == [(6, "IL101")]


def test_a_helper_one_class_applies_to_itself_does_not_reach_another_class():
    source = REDEFINED.replace("class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                               "        self.feature = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 5), "
                               "nn.ReLU(), nn.Linear(5, 1))\n        self.apply(init_he)",
                               "class Other(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                               "        self.feature = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 5), "
                               "nn.ReLU(), nn.Linear(5, 1))\n        self.apply(init_he)")
    assert "class Other" in source
    found = analyze(source.encode(), "course.py", _options()).diagnostics
    assert [(d.span.row, d.code) for d in found] == [(6, "IL101")]
    assert "of the 3 layers it covers" in found[0].message
