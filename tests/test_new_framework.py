"""Adding a framework is a knowledge table, a frontend, a speller and one registry line.

This test adds a toy framework exactly that way (its three modules are made here, in memory, under
the names the registry looks up) and checks that the whole pipeline serves it: the prefilter
learns its words, the frontend runs on files that import it, the rules judge its facts, and its
speller writes the hint. Nothing else in initlint is touched.
"""
from __future__ import annotations

import sys
import types

import libcst as cst
import pytest

from initlint import frameworks, prefilter
from initlint.engine import lint_source
from initlint.facts import CONSTANT, HIDDEN, RELU, Activation, Initializer, KernelSite, LayerContext
from initlint.fixgoal import Say
from initlint.resolve import Resolver, keyword
from initlint.spell import Speller
from initlint.syntax import calls

TOY = """import toy
hidden = toy.Dense(64, activation="relu", init="zeros")
"""


def _knowledge():
    module = types.ModuleType("initlint.knowledge.toy")
    module.PREFIXES = ("toy.",)
    module.PREFILTER_CLAUSES = ((("init",),),)
    return module


def _frontend():
    module = types.ModuleType("initlint.frontends.toy")

    def extract(tree, resolver, text="", options=None):
        sites = []
        for call in calls(tree):
            if resolver.qualified(call.func) == "toy.Dense" and resolver.string(keyword(call, "init")) == "zeros":
                layer = LayerContext("hidden", "Dense", activation=Activation(RELU, '"relu"'), role=HIDDEN, bias="zero")
                init = Initializer(CONSTANT, '"zeros"', value=0.0)
                sites.append(KernelSite("toy", init, keyword(call, "init"), (layer,)))
        return sites

    module.extract = extract
    return module


class ToySpeller(Speller):
    framework = "toy"

    def say(self, slot: Say, site):
        return f"`toy.init.{slot.scheme}()`"


def _speller():
    module = types.ModuleType("initlint.spell.toy")
    module.SPELLER = ToySpeller()
    return module


@pytest.fixture
def toy(monkeypatch):
    for make in (_knowledge, _frontend, _speller):
        module = make()
        monkeypatch.setitem(sys.modules, module.__name__, module)
    line = frameworks.Framework("toy", knowledge="toy", frontend="toy", speller="toy")
    monkeypatch.setattr(frameworks, "FRAMEWORKS", frameworks.FRAMEWORKS + (line,))  # the one registry line
    monkeypatch.setattr(prefilter, "_FILTERS", None)
    yield
    prefilter._FILTERS = None


def test_without_its_registry_line_the_toy_framework_is_not_analyzed():
    assert not prefilter.may_initialize(TOY.encode())
    assert lint_source(TOY, "m.py").diagnostics == []


def test_one_registry_line_serves_the_whole_pipeline(toy):
    assert prefilter.may_initialize(TOY.encode())  # its words, from its table
    assert not prefilter.may_initialize(b"import toys\ntoys.Dense(3, init='zeros')\n")  # claims toy. only
    (diagnostic,) = lint_source(TOY, "m.py").diagnostics
    assert diagnostic.code == "IL101" and (diagnostic.span.row, diagnostic.span.column) == (2, 48)
    assert "hidden Dense" in diagnostic.message
    assert "`toy.init.he()`" in diagnostic.hint  # its own speller, no other framework's names
    assert "nn.init" not in diagnostic.hint and "he_uniform" not in diagnostic.hint


def test_the_toy_frontend_needs_no_other_frontend(toy):
    module = cst.parse_module(TOY)
    (site,) = frameworks.get("toy").extractor().extract(module, Resolver(module))
    assert site.framework == "toy" and site.layers[0].role == HIDDEN
