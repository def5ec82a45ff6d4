"""Init functions chosen by an option (`if kind == "normal": init_fn = nn.init.normal_ elif ...`, then
`init_fn(self.fc1.weight)`): each binding that reaches the call is judged as if it were the call, and
reported once at the binding, naming the layers its calls reach."""
from __future__ import annotations

import textwrap

import libcst as cst

from initlint.engine import lint_source
from initlint.resolve import Resolver
from initlint.syntax import walk

CHOSEN = """
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, scheme="he", bias=False):
        super().__init__()
        self.fc1 = nn.Linear(1024, 512, bias=bias)
        self.fc2 = nn.Linear(512, 256, bias=bias)
        self.fc3 = nn.Linear(256, 10, bias=bias)
        if scheme == "he":
            init_fn = nn.init.kaiming_normal_
        elif scheme == "orth":
            init_fn = nn.init.orthogonal_
        elif scheme == "gauss":
            init_fn = nn.init.normal_
        elif scheme == "positive":
            init_fn = nn.init.uniform_
        elif scheme == "ones":
            init_fn = nn.init.ones_
        elif scheme == "glorot":
            init_fn = nn.init.xavier_uniform_
        else:
            init_fn = None
        if init_fn is not None:
            init_fn(self.fc1.weight.data)
            init_fn(self.fc2.weight.data)
            init_fn(self.fc3.weight.data)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
"""


def lint(source: str):
    return lint_source(textwrap.dedent(source).lstrip("\n"), "m.py").diagnostics


def found(source: str):
    return [(d.code, d.span.row, d.severity) for d in lint(source)]


def test_each_wrong_entry_is_reported_once_at_its_binding():
    # normal_ (std 1 on fan-in 1024), uniform_ (U[0, 1)), ones_ (two adjacent constant hidden layers),
    # xavier_uniform_ into ReLU (info); kaiming, orthogonal and the None entry are fine.
    assert found(CHOSEN) == [("IL301", 16, "error"), ("IL303", 18, "error"), ("IL102", 20, "error"),
                             ("IL201", 22, "info")]


def test_the_finding_names_every_layer_the_entry_reaches():
    messages = {d.code: d.message for d in lint(CHOSEN)}
    assert "nn.init.normal_ on 'fc1' of the 3 layers it covers ('fc1', 'fc2', 'fc3')" in messages["IL301"]
    assert "every Linear it covers ('fc1', 'fc2', 'fc3')" in messages["IL303"]


def test_an_entry_that_never_reaches_the_call_is_not_judged():
    # the first `if` is not part of the chain that follows: its `else` re-binds the name on every path
    source = CHOSEN.replace('        if scheme == "he":', '        if scheme == "zero":\n'
                            '            init_fn = nn.init.zeros_\n        if scheme == "he":')
    assert found(source) == [(code, row + 2, severity) for code, row, severity in found(CHOSEN)]


def test_only_fine_entries_stay_silent():
    source = """
    import torch.nn as nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self, scheme):
            super().__init__()
            self.fc1 = nn.Linear(1024, 512)
            self.fc2 = nn.Linear(512, 10)
            if scheme == "he":
                init_fn = nn.init.kaiming_uniform_
            elif scheme == "orth":
                init_fn = nn.init.orthogonal_
            elif scheme == "custom":
                init_fn = lambda w: nn.init.normal_(w, std=0.01)
            else:
                init_fn = None
            if init_fn is not None:
                init_fn(self.fc1.weight)
                init_fn(self.fc2.weight)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)))
    """
    assert found(source) == []


def test_tests_on_different_names_are_not_a_choice():
    source = CHOSEN.replace('elif scheme == "gauss"', 'elif mode == "gauss"')
    assert found(source) == []
    conditions = CHOSEN.replace('if scheme == "he"', 'if use_he').replace('elif scheme == "orth"', 'elif deep')
    assert found(conditions) == []


def test_a_later_binding_overrides_the_choice():
    source = CHOSEN.replace("        if init_fn is not None:", "        init_fn = nn.init.kaiming_normal_\n"
                            "        if init_fn is not None:")
    assert found(source) == []


def test_a_zero_entry_on_the_output_layer_alone_is_deliberate():
    source = """
    import torch.nn as nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self, head_init):
            super().__init__()
            self.fc = nn.Linear(256, 256)
            self.head = nn.Linear(256, 10)
            if head_init == "zero":
                init_fn = nn.init.zeros_
            elif head_init == "he":
                init_fn = nn.init.kaiming_normal_
            init_fn(self.head.weight)

        def forward(self, x):
            return self.head(F.relu(self.fc(x)))
    """
    assert found(source) == []
    # the same entry on the hidden layer is a zero hidden layer (a random default bias: a warning), at the entry
    assert found(source.replace("init_fn(self.head.weight)", "init_fn(self.fc.weight)")) == [("IL101", 10, "warning")]


def test_a_fan_based_entry_on_biases_is_il402_at_the_entry():
    source = CHOSEN.replace("            init_fn(self.fc3.weight.data)\n",
                            "            init_fn(self.fc3.weight.data)\n            if bias:\n"
                            "                init_fn(self.fc1.bias.data)\n"
                            "                init_fn(self.fc2.bias.data)\n")
    diagnostics = [d for d in lint(source) if d.code == "IL402"]
    # kaiming_normal_, orthogonal_ and xavier_uniform_ (uniform_, normal_ and ones_ take vectors)
    assert [(d.span.row, d.severity) for d in diagnostics] == [(12, "error"), (14, "error"), (22, "error")]
    assert "(self.fc1.bias, self.fc2.bias, through init_fn)" in diagnostics[0].message
    assert diagnostics[0].message.startswith("nn.init.kaiming_normal_ computes fans")
    # the weights' verdicts are unchanged by the bias calls
    assert [f for f in found(source) if f[0] != "IL402"] == found(CHOSEN)


def test_keras_initializer_chosen_by_an_option():
    source = """
    from tensorflow import keras
    from tensorflow.keras import layers

    def build(kind):
        if kind == "zeros":
            init = keras.initializers.Zeros()
        elif kind == "wide":
            init = keras.initializers.RandomNormal(stddev=1.0)
        else:
            init = "he_normal"
        return keras.Sequential([
            layers.Dense(512, activation="relu", kernel_initializer=init, input_shape=(784,)),
            layers.Dense(512, activation="relu", kernel_initializer=init),
            layers.Dense(10, activation="softmax"),
        ])
    """
    assert found(source) == [("IL101", 6, "error"), ("IL301", 8, "error")]


# ----- the reaching definitions behind it -----
def choices(source: str):
    """The entries each `use(f)` may see (None: no choice), in source order."""
    module = cst.parse_module(source)
    resolver = Resolver(module)
    result = []
    for node in walk(module):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "use":
            argument = node.args[0].value
            assert resolver.binding_at(argument) is None or resolver.alternatives(argument) is None
            entries = resolver.alternatives(argument)
            result.append(None if entries is None else [module.code_for_node(e) for e in entries])
    return result


def test_an_option_chain_leaves_each_binding():
    assert choices("if k == 'a':\n    f = A\nelif k == 'b':\n    f = B\nelse:\n    f = None\nuse(f)\n") == [
        ["A", "B", "None"]]
    # without an else the binding before the chain stays possible; `in` tests and dotted subjects count
    assert choices("f = C\nif self.k in ('a', 'b'):\n    f = A\nelif 'c' == self.k:\n    f = B\nuse(f)\n") == [
        ["A", "B", "C"]]
    # nested chains flatten; a loop reads its body twice and keeps the same choice
    nested = "for i in r:\n    if k == 1:\n        f = A\n    elif k == 2:\n        if j == 'x':\n" \
             "            f = B\n        else:\n            f = A\n    use(f)\n"
    assert choices(nested) == [["A", "B"]]


def test_not_an_option_chain():
    assert choices("if k == 'a':\n    f = A\nelif j == 'b':\n    f = B\nuse(f)\n") == [None]  # two subjects
    assert choices("if k == 'a':\n    f = A\nelif k == 'a':\n    f = B\nuse(f)\n") == [None]  # repeated option
    assert choices("if c:\n    f = A\nelse:\n    f = B\nuse(f)\n") == [None]  # a condition, not an option
    assert choices("if k == x:\n    f = A\nelse:\n    f = B\nuse(f)\n") == [None]  # not a constant
    assert choices("if k == 'a':\n    f = A\nelse:\n    f = A\nuse(f)\n") == [None]  # one value: a binding


LOOKED_UP = """
import torch.nn as nn
import torch.nn.functional as F

INITS = {"he": nn.init.kaiming_normal_, "gauss": nn.init.normal_, "ones": nn.init.ones_}


class Net(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.fc1 = nn.Linear(1024, 512)
        self.fc2 = nn.Linear(512, 512)
        self.fc3 = nn.Linear(512, 10)
        init_fn = INITS[kind]
        init_fn(self.fc1.weight)
        INITS[kind](self.fc2.weight)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
"""


def test_a_table_looked_up_by_a_variable_key_is_a_choice_of_its_values():
    diagnostics = lint(LOOKED_UP)
    assert [(d.code, d.span.row, d.span.column) for d in diagnostics] == [("IL301", 4, 50), ("IL102", 4, 75)]
    assert "('fc1', 'fc2')" in diagnostics[0].message


def test_a_table_looked_up_by_a_constant_key_is_one_entry():
    assert found(LOOKED_UP.replace("INITS[kind]", 'INITS["he"]')) == []


def test_keras_initializer_looked_up_by_a_variable_key():
    source = """
    from tensorflow import keras
    from tensorflow.keras import layers

    INITS = {"zeros": "zeros", "he": "he_normal"}

    def build(kind):
        return keras.Sequential([
            layers.Dense(512, activation="relu", kernel_initializer=INITS[kind], input_shape=(784,)),
            layers.Dense(512, activation="relu", kernel_initializer=INITS[kind]),
            layers.Dense(10, activation="softmax"),
        ])
    """
    assert found(source) == [("IL101", 4, "error")]
    # a table with entries we cannot see (`**more`) is not judged
    assert found(source.replace('"he": "he_normal"}', '"he": "he_normal", **more}')) == []


DEEP = """
import torch.nn as nn
import torch.nn.functional as F


class Deep(nn.Module):
    def __init__(self, scheme):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(256, 256) for _ in range(16)])
        self.out = nn.Linear(256, 10)
        if scheme == "he":
            init_fn = nn.init.kaiming_normal_
        elif scheme == "glorot":
            init_fn = nn.init.xavier_normal_
        for layer in self.layers:
            init_fn(layer.weight)

    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return self.out(x)
"""


def test_an_entry_is_judged_in_the_run_that_picks_it():
    # 16 Xavier+ReLU layers in a row: the chain is that entry's (a warning, as for the direct call),
    # not the He entry the other branch leaves on the same layers
    direct = DEEP.replace("init_fn(layer.weight)", "nn.init.xavier_normal_(layer.weight)")
    assert found(direct) == [("IL201", 15, "warning")]
    assert found(DEEP) == [("IL201", 13, "warning")]
    assert "16 Xavier+ReLU layers in a row" in lint(DEEP)[0].message
