"""Chains of kernel layers (facts.Chain), implicit default initializers, chain severity (IL201) and
the two chain rules that are off by default (IL205, IL302)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

from initlint.engine import lint_source
from initlint.frontends import run_frontends
from initlint.options import AnalysisOptions
from initlint.rules import default_codes

from .conftest import assert_one_line_error, write
from .expectations import expected

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))
CHAIN_RULES = frozenset({"IL201", "IL205", "IL302"})
WITH_CHAIN_RULES = default_codes() | CHAIN_RULES


def lint(text: str, codes=WITH_CHAIN_RULES, **options):
    source = textwrap.dedent(text).lstrip("\n")
    return lint_source(source, "model.py", options=AnalysisOptions(frozenset(codes), **options)).diagnostics


def severities(text: str, code: str, **options):
    return sorted({d.severity for d in lint(text, {code}, **options) if d.code == code})


def sites(text: str):
    source = textwrap.dedent(text).lstrip("\n")
    return run_frontends(cst.parse_module(source), source)


# ----- the fixtures, with the off-by-default chain rules on -----
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_with_chain_rules(path):
    result = lint_source(path.read_bytes(), str(path), options=AnalysisOptions(WITH_CHAIN_RULES))
    reported = {(d.span.row, d.code) for d in result.diagnostics}
    assert reported == {(row, code) for row, code in expected(path.read_text()) if code in WITH_CHAIN_RULES}


def test_every_framework_has_a_chain_fixture_for_the_new_rules():
    found = {(path.parent.name, code) for path in FILES for _, code in expected(path.read_text())}
    for framework in ("keras", "torch", "tf1", "jax"):
        assert (framework, "IL205") in found, framework
    assert ("keras", "IL302") in found and ("torch", "IL302") in found


# ----- done when: 30 Glorot+ReLU layers are an error, 3 are info -----
def keras_loop(depth: int, init: str = ', kernel_initializer="glorot_uniform"') -> str:
    return f"""
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Input(shape=(64,))])
for _ in range({depth}):
    model.add(layers.Dense(64, activation="relu"{init}))
model.add(layers.Dense(10, activation="softmax"))
"""


def keras_written(depth: int, init: str = ', kernel_initializer="glorot_uniform"') -> str:
    rows = "".join(f'    layers.Dense(64, activation="relu"{init}),\n' for _ in range(depth))
    return ("from tensorflow import keras\nfrom tensorflow.keras import layers\n"
            "model = keras.Sequential([\n    layers.Input(shape=(64,)),\n" + rows
            + '    layers.Dense(10, activation="softmax"),\n])\n')


def torch_loop(depth: int, init: str = "nn.init.xavier_uniform_(layer.weight)") -> str:
    return f"""
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(64, 64) for _ in range({depth})])
        self.head = nn.Linear(64, 10)
        for layer in self.layers:
            {init}
    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return self.head(x)
"""


def torch_written(depth: int, init: str = "nn.init.xavier_uniform_(m.weight)") -> str:
    rows = "".join("            nn.Linear(64, 64), nn.ReLU(),\n" for _ in range(depth))
    return ("import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.net = nn.Sequential(\n" + rows + "            nn.Linear(64, 10),\n        )\n"
            "        for m in self.modules():\n            if isinstance(m, nn.Linear):\n"
            f"                {init}\n"
            "    def forward(self, x):\n        return self.net(x)\n")


WRITERS = [keras_loop, keras_written, torch_loop, torch_written]


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.__name__)
def test_thirty_glorot_relu_layers_are_an_error_three_are_info(writer):
    assert severities(writer(30), "IL201") == ["error"]
    assert severities(writer(3), "IL201") == ["info"]


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.__name__)
def test_he_et_al_calibration(writer):
    """He et al. 2015: their 22-layer Xavier net still converged (warning), the 30-layer one stalled."""
    assert severities(writer(22), "IL201") == ["warning"]
    assert severities(writer(14), "IL201") == ["warning"]  # 0.5^14 = 6e-5 < 1e-4
    assert severities(writer(12), "IL201") == ["info"]


def test_the_message_states_the_chain_length_and_product():
    messages = {d.message for d in lint(keras_loop(30), {"IL201"})}
    assert len(messages) == 1
    message = messages.pop()
    assert "30 Glorot+ReLU layers in a row" in message
    assert "activations shrink by about 10^-9" in message and "before the output" in message


def test_thresholds_are_options():
    assert severities(keras_loop(30), "IL201", chain_thresholds=(1e-2, 1e-4, 1e-12)) == ["warning"]
    assert severities(keras_loop(3), "IL201", chain_thresholds=(0.9, 0.5, 0.2)) == ["error"]  # 0.5^3
    assert severities(torch_loop(4, "pass"), "IL205") == ["info"]
    assert severities(torch_loop(4, "pass"), "IL205", chain_thresholds=(1e-4, 1e-5, 1e-6)) == []


def test_thresholds_in_the_configuration(run, tmp_path):
    write(tmp_path, {"model.py": textwrap.dedent(keras_loop(30)).lstrip()})
    default = run("--no-cache", "--output-format", "json", "model.py")
    assert [d["severity"] for d in default.json()] == ["error"]  # IL201 is on by default
    write(tmp_path, {"pyproject.toml": "[tool.initlint]\nchain-warning = 1e-10\nchain-error = 1e-12\n"})
    configured = run("--no-cache", "--output-format", "json", "model.py")
    assert [d["severity"] for d in configured.json()] == ["info"]  # 0.5^30 ~ 9e-10 is above both now


@pytest.mark.parametrize("text, fragment", [
    ("chain-error = 2\n", "`chain-error` must be between 0 and 1"),
    ('chain-info = "often"\n', "`chain-info` must be a number, not a string"),
    ("chain-warning = 1e-9\n", "the chain thresholds must shrink"),
])
def test_bad_thresholds_are_one_line_errors(main, tmp_path, text, fragment):
    write(tmp_path, {"model.py": "import torch\n", "pyproject.toml": "[tool.initlint]\n" + text})
    assert_one_line_error(main("model.py"), fragment)


# ----- IL205 / IL302 -----
def test_implicit_defaults_in_deep_chains():
    assert severities(keras_loop(30, ""), "IL205") == ["error"]
    assert severities(keras_written(30, ""), "IL205") == ["error"]
    assert severities(keras_loop(6, ""), "IL205") == []  # 0.5^6 = 0.016: above the info threshold
    assert severities(torch_loop(12, "pass"), "IL205") == ["error"]  # (1/6)^12 = 5e-10
    assert severities(torch_written(3, "pass"), "IL205") == ["info"]
    assert severities(torch_loop(2, "pass"), "IL205") == []


def test_explicit_init_is_never_il205_and_defaults_never_il201():
    assert severities(keras_loop(30), "IL205") == []
    assert severities(keras_loop(30, ""), "IL201") == []
    assert severities(torch_loop(30, "nn.init.kaiming_uniform_(layer.weight, nonlinearity='relu')"), "IL205") == []


def test_only_rules_that_judge_defaults_see_implicit_sites():
    """The default rules report nothing new on a model without initializers."""
    assert lint(keras_written(30, ""), default_codes()) == []
    assert lint(torch_written(30, "pass"), default_codes()) == []


def test_il205_runs_on_files_the_prefilter_would_skip(run, tmp_path):
    write(tmp_path, {"model.py": textwrap.dedent(keras_loop(30, "")).lstrip()})
    assert run("--no-cache", "--output-format", "json", "model.py").json() == []
    found = run("--no-cache", "--output-format", "json", "--select", "IL205", "model.py").json()
    assert [(d["code"], d["severity"], d["location"]["row"]) for d in found] == [("IL205", "error", 5)]


def test_undersized_fixed_std():
    small = "nn.init.normal_(layer.weight, std=0.01)"
    assert severities(torch_loop(10, small), "IL302") == ["error"]
    assert severities(torch_loop(4, small), "IL302") == []  # short towers (detection heads) are deliberate
    assert severities(torch_loop(10, "nn.init.normal_(layer.weight, std=0.18)"), "IL302") == []  # r ~ 1


def test_il302_fix_scales_to_the_fan_in():
    found = [d for d in lint(torch_loop(10, "nn.init.normal_(layer.weight, std=0.01)"), {"IL302"})]
    assert len(found) == 1
    assert found[0].fix.applicability == "unsafe"
    assert [edit.content for edit in found[0].fix.edits] == ['nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")']


# ----- the facts -----
def test_chain_breaks_at_norms_and_residual_joins():
    normalized = """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(64, 64) for _ in range(30)])
        self.norms = nn.ModuleList([nn.LayerNorm(64) for _ in range(30)])
    def forward(self, x):
        for layer, norm in zip(self.layers, self.norms):
            x = F.relu(norm(layer(x)))
        return x
"""
    residual = """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(64, 64) for _ in range(30)])
        self.fc = nn.Linear(64, 64)
        self.head = nn.Linear(64, 10)
    def forward(self, x):
        for block in self.blocks:
            x = x + F.relu(block(x))
        return self.head(F.relu(self.fc(x)))
"""
    (site,) = sites(normalized)
    assert site.implicit and site.layers[0].repeat == 30 and site.layers[0].chain.length == 1
    chains = {site.layers[0].name: [link.name for link in site.layers[0].chain.links] for site in sites(residual)}
    assert chains == {"blocks[0]": ["blocks[0]"], "fc": ["fc", "head"], "head": ["fc", "head"]}


def test_implicit_sites_carry_the_framework_default():
    keras_sites = sites(keras_written(2, ""))
    assert [s.init.display for s in keras_sites] == ["the default glorot_uniform"] * 3
    assert all(s.implicit for s in keras_sites)
    (torch_site,) = [s for s in sites(torch_written(1, "pass")) if s.layers[0].name == "net[0]"]
    assert torch_site.init.scale == pytest.approx(1 / 3) and torch_site.init.mode == "fan_in"
    flax = sites("""
import flax.linen as nn
import haiku as hk
class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.Dense(3)(nn.relu(nn.Dense(8)(x)))
def forward(x):
    return hk.Linear(3)(x)
""")
    assert sorted({s.init.display for s in flax}) == [
        "the default TruncatedNormal(stddev=1/sqrt(fan_in))", "the default lecun_normal()"]


def test_no_default_when_unresolved_init_code_may_reach_the_layer():
    text = """
import torch.nn as nn
from helpers import weights_init
def init_all(m):
    nn.init.normal_(m.weight, 0.0, 0.02)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 64)
    def forward(self, x):
        return self.fc(x)
"""
    assert not any(site.implicit for site in sites(text))



def test_il205_reports_a_chain_once_at_its_first_default_layer():
    found = [d for d in lint(keras_written(30, ""), {"IL205"})]
    assert [(d.code, d.span.row) for d in found] == [("IL205", 5)]
    assert "(and so do 'Dense(64)'" in found[0].message and "and 25 more)" in found[0].message


@pytest.mark.parametrize("line", ["model.load_state_dict(torch.load('w.pt'))", "self.post_init()"])
def test_no_defaults_when_the_weights_come_from_elsewhere(line):
    text = torch_loop(12, "pass").replace("        self.head = nn.Linear(64, 10)\n",
                                          f"        self.head = nn.Linear(64, 10)\n        {line}\n")
    assert severities(text, "IL205") == []
    assert not any(site.implicit for site in sites(text))


def test_thresholds_are_part_of_the_cache_key():
    assert (AnalysisOptions(frozenset({"IL201"})).cache_token()
            != AnalysisOptions(frozenset({"IL201"}), chain_thresholds=(1e-2, 1e-4, 1e-12)).cache_token())


KERAS_COMPREHENSION = """
from tensorflow.keras import Sequential, layers
model = Sequential([layers.Input(shape=(64,))] + [
    layers.Dense(64, activation="relu", kernel_initializer="glorot_normal") for _ in range({n})
] + [layers.Dense(10)])
"""


@pytest.mark.parametrize("n, severity", [(30, "error"), (22, "warning"), (3, "info")])
def test_a_keras_sequential_of_a_comprehension_counts_every_layer(n, severity):
    assert severities(KERAS_COMPREHENSION.format(n=n), "IL201") == [severity]


def test_a_keras_comprehension_of_unknown_length_counts_once():
    source = KERAS_COMPREHENSION.replace("range({n})", "range(depth)").replace("model =", "depth = get()\nmodel =")
    assert severities(source, "IL201") == ["info"]
    starred = "from tensorflow.keras import Sequential, layers\nblocks = [layers.Dense(64, activation='relu', " \
              "kernel_initializer='glorot_uniform') for _ in range(30)]\nmodel = Sequential([*blocks, layers.Dense(1)])\n"
    assert severities(starred, "IL201") == ["error"]
