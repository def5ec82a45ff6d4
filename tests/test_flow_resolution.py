"""Flow-sensitive name resolution: each use of a name sees the assignment that reaches it."""
import libcst as cst

from initlint.resolve import Resolver


def uses(source: str, name: str):
    """The code each use of `name` resolves to (None: unknown), in source order."""
    module = cst.parse_module(source)
    resolver = Resolver(module)
    found = []

    def visit(node):
        from initlint.syntax import children

        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "use":
            argument = node.args[0].value
            if isinstance(argument, cst.Name) and argument.value == name:
                value = resolver.binding_at(argument)
                found.append(None if value is None else module.code_for_node(value))
        for child in children(node):
            visit(child)

    visit(module)
    return found


def test_rebound_name_sees_each_binding():
    assert uses("x = A()\nuse(x)\nx = B()\nuse(x)\n", "x") == ["A()", "B()"]


def test_self_reference_sees_previous_binding():
    assert uses("x = A()\nx = wrap(x)\nuse(x)\n", "x") == ["wrap(x)"]


def test_branches_agree_or_unknown():
    same = "if c:\n    x = A()\nelse:\n    x = A()\nuse(x)\n"
    different = "if c:\n    x = A()\nelse:\n    x = B()\nuse(x)\n"
    assert uses(same, "x") == ["A()"]
    assert uses(different, "x") == [None]


def test_loop_body_may_run_or_not():
    source = "x = A()\nfor i in r:\n    use(x)\n    x = B()\nuse(x)\n"
    assert uses(source, "x") == [None, None]
    steady = "x = A()\nfor i in r:\n    use(x)\n"
    assert uses(steady, "x") == ["A()"]


def test_function_scopes_are_separate_and_parameters_fall_back():
    source = "x = A()\ndef f(x):\n    use(x)\n    x = B()\n    use(x)\nuse(x)\n"
    assert uses(source, "x") == [None, "B()", "A()"]


def test_comprehension_variables_shadow():
    source = "x = A()\nys = [use(x) for x in r]\n"
    assert uses(source, "x") == [None]


def test_binding_of_a_rebound_name_is_still_unknown_without_a_use_site():
    module = cst.parse_module("x = A()\nx = B()\n")
    assert Resolver(module).binding("x") is None


def test_loop_over_a_literal_table_gives_its_entries():
    module = cst.parse_module(
        "table = {'a': Zeros(), 'b': 'he_normal'}\nfor name, init in table.items():\n    use(init)\n"
        "for init in ['x', 'y']:\n    use(init)\n"
    )
    resolver = Resolver(module)
    found = []
    from initlint.syntax import walk

    for node in walk(module):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "use":
            argument = node.args[0].value
            assert resolver.binding_at(argument) is None  # no single value
            found.append([module.code_for_node(e) for e in resolver.alternatives(argument)])
    assert found == [["Zeros()", "'he_normal'"], ["'x'", "'y'"]]
