"""The rules of issue 14 per frontend, their exact fixes, confidence, severity overrides and fail-on.

Rule-by-rule VALID/INVALID snippets live in the rules (tests/test_rule_examples.py); here are the
cases that need several rules, several frontends, a fix written to disk, or the configuration.
"""
from __future__ import annotations

import json
import textwrap

import pytest

from initlint.engine import lint_source
from initlint.options import AnalysisOptions
from initlint.rules import RULES_BY_CODE, default_codes

from .conftest import write
from .expectations import expected


def _codes(source: str, codes, **options):
    source = textwrap.dedent(source).lstrip("\n")
    result = lint_source(source, "m.py", options=AnalysisOptions(frozenset(codes), **options))
    return {(d.span.row, d.code) for d in result.diagnostics}, result, source


def _check(source: str, codes) -> None:
    """Every `# expect:` of the codes is reported, and nothing else of them."""
    reported, _, text = _codes(source, codes)
    assert reported == {(row, code) for row, code in expected(text) if code in codes}


# ----- defaults -----

def test_which_new_rules_are_on_by_default():
    on = default_codes()
    assert {"IL103", "IL204", "IL401", "IL402", "IL404", "IL405"} <= on
    assert not {"IL001", "IL104"} & on


# ----- IL402 per frontend -----

@pytest.mark.parametrize("source", [
    # torch: a bias attribute, a rank-1 raw parameter, `.data`, and an unfiltered parameters() loop
    """
    import torch
    import torch.nn as nn
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(8, 8)
            self.scale = nn.Parameter(torch.empty(8))
            self.w = nn.Parameter(torch.empty(8, 8))
            nn.init.xavier_normal_(self.fc.bias.data)  # expect: IL402
            nn.init.kaiming_uniform_(self.scale)  # expect: IL402
            nn.init.kaiming_uniform_(self.w)
            nn.init.orthogonal_(self.fc.weight)
            for name, p in self.named_parameters():
                nn.init.xavier_uniform_(p)  # expect: IL402
            for p in self.parameters():
                if p.dim() > 1:
                    nn.init.xavier_uniform_(p)
    """,
    # flax: bias_init and scale_init with fan-based factories, self.param with a 1-D shape
    """
    import flax.linen as nn
    class M(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.Dense(8, bias_init=nn.initializers.he_normal())(x)  # expect: IL402
            x = nn.Dense(8, bias_init=nn.initializers.zeros_init(), kernel_init=nn.initializers.he_normal())(x)
            x = nn.LayerNorm(scale_init=nn.initializers.ones_init())(x)
            v = self.param("v", nn.initializers.orthogonal(), (8,))  # expect: IL402
            k = self.param("k", nn.initializers.orthogonal(), (8, 8))
            return x
    """,
    # haiku computes fans for rank 1: never reported
    """
    import haiku as hk
    def forward(x):
        return hk.Linear(8, b_init=hk.initializers.VarianceScaling(1.0))(x)
    """,
], ids=["torch", "flax", "haiku"])
def test_il402_per_frontend(source):
    _check(source, {"IL402"})


def test_il402_unfiltered_loop_is_likely_so_a_warning():
    _, result, _ = _codes("""
    import torch.nn as nn
    net = nn.Linear(8, 8)
    nn.init.zeros_(net.bias)
    for p in net.parameters():
        nn.init.xavier_uniform_(p)
    nn.init.kaiming_normal_(net.bias)
    """, {"IL402"})
    assert [(d.span.row, d.severity, d.confidence) for d in result.diagnostics] == [
        (5, "warning", "likely"), (6, "error", "certain")]


# ----- IL104 per frontend -----

def test_il104_torch_keras_haiku():
    _check("""
    import torch.nn as nn
    import torch.nn.functional as F
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.up = nn.Linear(16, 32)
            self.down = nn.Linear(32, 16)
            self.out = nn.Linear(16, 1)
            nn.init.eye_(self.up.weight)  # expect: IL104
            nn.init.eye_(self.down.weight)
        def forward(self, x):
            return self.out(F.relu(self.down(F.relu(self.up(x)))))
    """, {"IL104"})
    _check("""
    from tensorflow import keras
    model = keras.Sequential([
        keras.Input(shape=(16,)),
        keras.layers.Dense(16, activation="relu", kernel_initializer="identity"),
        keras.layers.Dense(64, activation="tanh", kernel_initializer="identity"),
        keras.layers.Dense(1),
    ])
    """, {"IL104"})  # square, and a non-ReLU wide layer: nothing dies


# ----- IL204 -----

def test_il204_reports_only_what_il201_to_il203_do_not():
    source = """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(64, 64)
            self.b = nn.Linear(64, 64)
            self.c = nn.Linear(64, 64)
            self.d = nn.Linear(64, 64)
            self.out = nn.Linear(64, 1)
            nn.init.kaiming_normal_(self.a.weight, nonlinearity="linear")  # expect: IL201
            nn.init.kaiming_normal_(self.b.weight, nonlinearity="selu")  # expect: IL204
            nn.init.kaiming_normal_(self.c.weight, a=0.1, nonlinearity="leaky_relu")
            nn.init.kaiming_normal_(self.d.weight)  # expect: IL202
        def forward(self, x):
            x = F.relu(self.a(x))
            x = F.relu(self.b(x))
            x = F.relu(self.c(x))
            x = torch.tanh(self.d(x))
            return self.out(x)
    """
    _check(source, {"IL201", "IL202", "IL203", "IL204"})


def test_il204_fix_declares_the_real_activation(run, tmp_path):
    write(tmp_path, {"m.py": textwrap.dedent("""\
        import torch.nn as nn
        import torch.nn.functional as F
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(64, 64)
                self.out = nn.Linear(64, 1)
                nn.init.kaiming_normal_(self.fc.weight, nonlinearity="tanh")
            def forward(self, x):
                return self.out(F.relu(self.fc(x)))
        """)})
    result = run("--no-cache", "--select", "IL204", "--fix", "--unsafe-fixes", "m.py")
    assert result.returncode == 0, result.stdout
    assert 'nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")' in (tmp_path / "m.py").read_text()


# ----- IL401 -----

def test_il401_strings_objects_and_the_unsafe_fix(run, tmp_path):
    source = textwrap.dedent("""\
        import torch.nn as nn
        import torch.nn.functional as F
        w = nn.Linear(8, 8).weight
        nn.init.kaiming_normal_(w, nonlinearity="gelu")
        nn.init.kaiming_uniform_(w, 0, "fan_in", 'Leaky_ReLU')
        g = nn.init.calculate_gain(nonlinearity="swish")
        h = nn.init.calculate_gain(F.relu)
        k = nn.init.calculate_gain("conv_transpose2d")
        nn.init.kaiming_normal_(w, nonlinearity="not_a_thing")
        """)
    write(tmp_path, {"m.py": source})
    items = run("--no-cache", "--select", "IL401", "--output-format", "json", "m.py").json()
    assert [(d["location"]["row"], d["severity"], (d["fix"] or {}).get("applicability")) for d in items] == [
        (4, "error", "unsafe"), (5, "error", "unsafe"), (6, "error", "unsafe"), (7, "error", "display-only"),
        (9, "error", None)]
    result = run("--no-cache", "--select", "IL401", "--fix", "--unsafe-fixes", "m.py")
    assert result.returncode == 1  # the object and the unknown string remain
    assert (tmp_path / "m.py").read_text() == source.replace('"gelu"', '"relu"').replace(
        "'Leaky_ReLU'", "'leaky_relu'").replace('"swish"', '"relu"')


# ----- IL404: the safe fix --fix applies -----

IL404_SOURCE = """\
import torch
import torch.nn as nn
from torch.nn import init
from torch.nn.init import normal
fc = nn.Linear(64, 64)
nn.init.xavier_uniform(fc.weight)
init.constant(fc.bias, 0.0)
torch.nn.init.kaiming_normal(fc.weight, mode="fan_out")
normal(fc.weight)
"""
IL404_FIXED = """\
import torch
import torch.nn as nn
from torch.nn import init
from torch.nn.init import normal
fc = nn.Linear(64, 64)
nn.init.xavier_uniform_(fc.weight)
init.constant_(fc.bias, 0.0)
torch.nn.init.kaiming_normal_(fc.weight, mode="fan_out")
normal(fc.weight)
"""


def test_il404_fix_is_safe_and_exact(run, tmp_path):
    write(tmp_path, {"m.py": IL404_SOURCE})
    items = run("--no-cache", "--select", "IL404", "--output-format", "json", "m.py").json()
    assert [(d["location"]["row"], d["fix"]["applicability"]) for d in items] == [
        (6, "safe"), (7, "safe"), (8, "safe"), (9, "display-only")]
    result = run("--no-cache", "--select", "IL404", "--fix", "m.py")
    assert (tmp_path / "m.py").read_text() == IL404_FIXED
    assert result.returncode == 0  # what remains is info
    again = run("--no-cache", "--select", "IL404", "--fix", "m.py")
    assert (tmp_path / "m.py").read_text() == IL404_FIXED and "Fixed" not in again.stdout


def test_il404_aliases_are_init_calls_for_the_other_rules():
    reported, _, _ = _codes("""
    import torch.nn as nn
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(784, 256)
            self.out = nn.Linear(256, 10)
            nn.init.normal(self.fc.weight, 0.0, 1.0)
        def forward(self, x):
            return self.out(self.fc(x).relu())
    """, {"IL301", "IL404"})
    assert reported == {(7, "IL301"), (7, "IL404")}


# ----- IL103 -----

def test_il103_raw_parameters():
    _check("""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Parameter(torch.empty(32, 16))  # expect: IL103
            self.b = nn.Parameter(torch.empty(32, 16))
            self.c = nn.Parameter(torch.empty(32, 16))
            self.reset_parameters()
        def reset_parameters(self):
            nn.init.xavier_uniform_(self.b)
            with torch.no_grad():
                self.c.uniform_(-0.1, 0.1)
        def forward(self, x):
            return F.linear(x, self.a) + F.linear(x, self.b) + F.linear(x, self.c)
    """, {"IL103"})


# ----- IL405 -----

def test_il405_confidence_follows_whether_the_model_is_built_here():
    source = textwrap.dedent("""
    import torch.nn as nn
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(8, 8)
        def init_weights(self):
            nn.init.zeros_(self.fc.bias)
    class Child(Net):
        def _initialize_weights(self):
            for m in self.modules():
                nn.init.zeros_(m.bias)
    """)
    _, result, _ = _codes(source, {"IL405"})
    assert [(d.span.row, d.severity, d.confidence) for d in result.diagnostics] == [
        (6, "info", "likely"), (9, "info", "likely")]
    _, result, _ = _codes(source + "net = Net()\nnet.init_weights()\n", {"IL405"})
    assert [(d.span.row, d.severity) for d in result.diagnostics] == [(9, "info")]
    _, result, _ = _codes(source + "model = Child()\n", {"IL405"})
    assert [(d.span.row, d.severity) for d in result.diagnostics] == [(6, "info"), (9, "warning")]


# ----- IL001: the safe fix -----

IL001_SOURCE = """\
from tensorflow.keras import layers
a = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')  # noqa: IL201
b = layers.Dense(8, activation='relu', kernel_initializer='he_uniform')  # noqa: IL201
c = layers.Dense(8, activation='relu', kernel_initializer='he_uniform')  # noqa: IL201, E501
d = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')  # noqa: IL201, IL101
e = 1  # keep this  # initlint: ignore[IL1]
f = 2  # initlint: ignore
g = 3  # noqa
h = 4  # noqa: IL104
i = 5  # noqa: IL001, IL201
"""
IL001_FIXED = """\
from tensorflow.keras import layers
a = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')  # noqa: IL201
b = layers.Dense(8, activation='relu', kernel_initializer='he_uniform')
c = layers.Dense(8, activation='relu', kernel_initializer='he_uniform')  # noqa: E501
d = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')  # noqa: IL201
e = 1  # keep this
f = 2
g = 3  # noqa
h = 4  # noqa: IL104
i = 5  # noqa: IL001, IL201
"""


def test_il001_reports_only_what_ran_and_fixes_exactly(run, tmp_path):
    write(tmp_path, {"m.py": IL001_SOURCE})
    items = run("--no-cache", "--extend-select", "IL001", "--output-format", "json", "m.py").json()
    assert [(d["location"]["row"], d["code"]) for d in items if d["code"] == "IL001"] == [
        (3, "IL001"), (4, "IL001"), (5, "IL001"), (6, "IL001"), (7, "IL001")]  # IL104 is off: not judged
    result = run("--no-cache", "--extend-select", "IL001", "--fix", "m.py")
    assert (tmp_path / "m.py").read_text() == IL001_FIXED, result.stdout
    again = run("--no-cache", "--extend-select", "IL001", "--fix", "m.py")
    assert (tmp_path / "m.py").read_text() == IL001_FIXED and "Fixed" not in again.stdout


# ----- confidence -----

def test_a_kernel_known_only_by_its_name_is_heuristic_and_info(run, tmp_path):
    write(tmp_path, {"m.py": textwrap.dedent("""\
        import torch.nn as nn
        from somewhere import build
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = build(64, 64)
                nn.init.normal_(self.fc.weight, std=1.0)
        """)})
    (item,) = run("--no-cache", "--output-format", "json", "m.py").json()
    assert (item["code"], item["severity"], item["confidence"]) == ("IL301", "info", "heuristic")
    log = run("--no-cache", "--output-format", "sarif", "m.py").json()
    (result,) = log["runs"][0]["results"]
    assert result["properties"] == {"confidence": "heuristic"} and result["level"] == "note"
    precisions = {rule["id"]: rule["properties"]["precision"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert precisions["IL401"] == "very-high" and precisions["IL405"] == "medium"
    assert set(precisions.values()) <= {"very-high", "high", "medium", "low"}


def test_an_init_method_nothing_applies_is_likely_one_level_lower(run, tmp_path):
    write(tmp_path, {"m.py": textwrap.dedent("""\
        import torch.nn as nn
        from transformers import PreTrainedModel
        class Net(PreTrainedModel):
            def __init__(self, config):
                super().__init__(config)
                self.fc = nn.Linear(64, 10)
            def forward(self, x):
                return self.fc(x)
            def _init_weights(self, module):
                if isinstance(module, nn.Linear):
                    module.weight.data.normal_(mean=0.0, std=1.0)
        """)})
    (item,) = run("--no-cache", "--output-format", "json", "m.py").json()
    assert (item["code"], item["severity"], item["confidence"]) == ("IL301", "info", "likely")


# ----- severity overrides and fail-on -----

GLOROT = "from tensorflow.keras import layers\nlayer = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')\n"


def test_severity_override_and_fail_on_from_the_configuration(run, tmp_path):
    write(tmp_path, {"m.py": GLOROT})
    assert run("--no-cache", "m.py").returncode == 0  # info never fails by default
    assert run("--no-cache", "--fail-on", "info", "m.py").returncode == 1
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\nfail-on = "info"\n'})
    assert run("--no-cache", "m.py").returncode == 1
    assert run("--no-cache", "--fail-on", "error", "m.py").returncode == 0  # the command line wins
    write(tmp_path, {"pyproject.toml": '[tool.initlint.severity]\nIL201 = "error"\n'})
    result = run("--no-cache", "--output-format", "json", "m.py")
    assert result.returncode == 1 and [d["severity"] for d in result.json()] == ["error"]
    assert run("--no-cache", "--fail-on", "error", "m.py").returncode == 1


@pytest.mark.parametrize("config, message", [
    ('[tool.initlint]\nfail-on = "never"\n', "`fail-on` must be one of error, warning, info"),
    ('[tool.initlint.severity]\nIL999 = "error"\n', "unknown rule `IL999`"),
    ('[tool.initlint.severity]\nIL201 = "fatal"\n', "`severity` of IL201 must be one of"),
    ('[tool.initlint]\nseverity = "error"\n', "`severity` must be a table"),
])
def test_bad_severity_settings_are_one_line_errors(main, tmp_path, config, message):
    write(tmp_path, {"m.py": GLOROT, "pyproject.toml": config})
    result = main("--no-cache", "m.py")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_override_applies_in_the_engine():
    source = "from tensorflow.keras import layers\nlayers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')\n"
    options = AnalysisOptions(frozenset({"IL201"}), severity={"IL201": "warning"})
    (diagnostic,) = lint_source(source, "m.py", options=options).diagnostics
    assert diagnostic.severity == "warning"


def test_every_new_rule_documents_its_options_section():
    for code in ("IL001", "IL103", "IL104", "IL204", "IL401", "IL402", "IL404", "IL405"):
        doc = RULES_BY_CODE[code].documentation()
        assert "## Options" in doc and "§" not in doc, code


def test_il103_an_isinstance_tuple_reaches_the_parameter_of_every_class_in_it():
    _check("""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from transformers import PreTrainedModel
    class RouterA(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.empty(8, 16))
        def forward(self, x):
            return F.linear(x, self.weight)
    class RouterB(RouterA):
        pass
    class RouterC(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.empty(8, 16))  # expect: IL103
        def forward(self, x):
            return F.linear(x, self.weight)
    class Pre(PreTrainedModel):
        def _init_weights(self, module):
            if isinstance(module, (RouterA, RouterB)):
                nn.init.normal_(module.weight, std=0.02)
    """, {"IL103"})
