"""initlint.positions gives the positions libcst's PositionProvider gives, for every node."""
from __future__ import annotations

import pathlib

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from initlint import syntax
from initlint.positions import Positions, positions

HERE = pathlib.Path(__file__).parent
SNIPPETS = [
    "",
    "\n",
    "x = 1",  # no final newline: libcst counts the newline it leaves out
    "x = 'é😀'; y = z(1)\n",
    "\n\n# a comment\nx = (\n    1)  \\\n\n",
    "def f(a, *, b=nn.init.normal_):\n    '''doc\n\n    more'''\n    return g(1)",
    "@d\n\n# between\n@e(1)\nclass A(nn.Module):\n    pass\n",
    "if x:\n\tpass\nelif y:\n  w = f'{a!r:>{w}}'\nelse:\n    z = [i for i in range(3)]\n",
    "with a as b, c:\n    try:\n        pass\n    except E as e:\n        raise\n    finally:\n        del q\n",
    "x = 1\r\ny = f(a,\r\n      b)\r\n",  # carriage returns: libcst's own provider
    "lam = lambda x=1, *a, **k: x\nasync def g():\n    async for i in y:\n        await i\n",
]
FILES = sorted(HERE.glob("facts/*/*.py")) + sorted(HERE.glob("fixes/*.py"))


def same_as_libcst(text: str) -> int:
    module = cst.parse_module(text)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    found = positions(module)
    nodes = list(syntax.walk(module))
    for node in nodes:
        assert found[node] == expected[node], (type(node).__name__, found[node], expected[node])
    return len(nodes)


@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets(text):
    assert same_as_libcst(text) >= 1


def test_fixture_files():
    assert len(FILES) > 10
    for path in FILES:
        assert same_as_libcst(path.read_text(encoding="utf-8")) > 10, path


def test_the_fast_path_is_taken_without_carriage_returns():
    assert isinstance(positions(cst.parse_module("x = f(1)\n")), Positions)
    assert not isinstance(positions(cst.parse_module("x = f(1)\r\n")), Positions)
