"""The light resolver agrees with libcst's QualifiedNameProvider on every call in the fixtures."""
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, QualifiedNameProvider, QualifiedNameSource

from initlint.resolve import Resolver, dotted

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "fixtures").rglob("*.py"))


class Calls(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self):
        self.funcs = []

    def visit_Call(self, node):
        if isinstance(node.func, (cst.Name, cst.Attribute)):
            names = self.get_metadata(QualifiedNameProvider, node.func, set())
            self.funcs.append((node.func, {q.name for q in names if q.source == QualifiedNameSource.IMPORT}))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_resolver_matches_qualified_name_provider(path):
    module = cst.parse_module(path.read_text())
    calls = Calls()
    MetadataWrapper(module, unsafe_skip_copy=True).visit(calls)
    resolver = Resolver(module)
    checked = 0
    for func, imported in calls.funcs:
        if not imported or dotted(func) is None:
            continue  # `torch.randn(n).type(t)`: libcst names it `torch.randn.type`, a method of a result
        assert resolver.qualified(func) in imported
        checked += 1
    assert checked > 0


def test_aliases_and_constants():
    module = cst.parse_module(
        "import torch.nn as nn\nfrom torch.nn import init as I\nfrom keras import layers\nimport tensorflow as tf\n"
        "W = 784\nSTD = (2.0 / W) ** 0.5\nname = 'he_normal'\n"
    )
    resolver = Resolver(module)
    expr = cst.parse_expression
    assert resolver.qualified(expr("nn.Linear")) == "torch.nn.Linear"
    assert resolver.qualified(expr("I.zeros_")) == "torch.nn.init.zeros_"
    assert resolver.qualified(expr("layers.Dense")) == "keras.layers.Dense"
    assert resolver.qualified(expr("tf.keras.layers.Dense")) == "tensorflow.keras.layers.Dense"
    assert resolver.qualified(expr("Linear")) is None
    assert resolver.number(expr("STD")) == pytest.approx((2.0 / 784) ** 0.5)
    assert resolver.number(expr("nn.init.calculate_gain('relu')")) == pytest.approx(2 ** 0.5)
    assert resolver.string(expr("name")) == "he_normal"
    assert resolver.shape(expr("(W, 10)")) == (784, 10)
