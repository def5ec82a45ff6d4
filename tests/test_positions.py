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


BASE = ("import torch.nn as nn\n\n\n@register\n# between\n@other(1)\nclass A(nn.Module):\n"
        "    def __init__(self):\n        self.fc = nn.Linear(4, 4)\n        # a footer comment\n"
        "# the next one's comment\n\nx = 1; y = (2,\n     3)\n\n\ndef f(a):\n    return g(a)\n    # end\n")
EDITS = [
    BASE.replace("Linear(4, 4)", "Linear(4, 5)"),  # inside the first class: the statements after keep theirs
    BASE.replace("return g(a)", "return g(a, 1)"),  # in the last statement: the ones before keep theirs
    BASE.replace("# the next", "    # the next"),  # a comment moves from one statement to the block before
    BASE.replace("x = 1; ", ""),  # a statement of a line removed
    "# header\n" + BASE,  # everything shifts
    BASE.replace("\n\ndef f", "\n\nclass B:\n    pass\n\n\ndef f"),  # a statement added
    BASE.replace("@other(1)\n", ""),  # a decorator removed
    BASE.rstrip("\n"),  # no final newline
    BASE.replace("Linear(4, 4)", "Linear(4, 4)  # é😀"),
    BASE.replace("x = 1;", "x = '''\n'''\nx = 1;"),  # a string of several lines
    BASE,
]


def test_positions_reused_across_edits_are_the_positions_of_each_text():
    from initlint.positions import Remembered, reusing

    memory = Remembered()
    reused = 0
    for text in [BASE] + EDITS:
        tree = syntax.precheck_tree(text)[4]
        module = cst.parse_module(text)
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        with syntax.shared_walks(), reusing(memory):
            found = positions(module, text, tree)
            reused += found._complete is not None  # the reusing path, not a full generation
            for node in syntax.walk(module):
                assert found[node] == expected[node], (text, type(node).__name__, found[node], expected[node])
            comma = next(n for n in _all_nodes(module) if isinstance(n, cst.Comma))  # not walked: generated
            assert found[comma] == expected[comma]
    assert reused == len(EDITS)
    assert memory.code == BASE and len(memory.statements) == 4  # import, class, x; y, def


def test_an_edit_inside_one_statement_generates_that_statement_only(monkeypatch):
    from initlint import positions as module_positions
    from initlint.positions import Remembered, reusing

    generated = []
    real = module_positions._generated
    monkeypatch.setattr(module_positions, "_generated",
                        lambda module, statement, *rest: generated.append(type(statement).__name__)
                        or real(module, statement, *rest))
    memory = Remembered()
    for text in (BASE, EDITS[0], EDITS[0].replace("return g(a)", "return g(a, 1)")):
        module = cst.parse_module(text)
        with syntax.shared_walks(), reusing(memory):
            positions(module, text, syntax.precheck_tree(text)[4])
    assert generated == ["ClassDef", "FunctionDef"]


def _all_nodes(node):
    yield node
    for child in node.children:
        yield from _all_nodes(child)


def test_without_reusing_or_with_an_unexpected_tree_everything_is_generated():
    from initlint.positions import Remembered, reusing

    module = cst.parse_module(BASE)
    assert positions(module, BASE, syntax.precheck_tree(BASE)[4])._complete is None  # no memory
    memory = Remembered()
    with syntax.shared_walks(), reusing(memory):
        positions(module, BASE, syntax.precheck_tree(BASE)[4])
        assert memory.code == BASE
        other = BASE.replace("x = 1; y", "x = 1\ny")  # CPython's tree of another text: they do not pair up
        found = positions(cst.parse_module(other), other, syntax.precheck_tree(BASE)[4])
        assert found._complete is None and memory.code is None
