"""Name resolution without libcst's scope analysis.

libcst's QualifiedNameProvider builds full scope analysis, which costs several parses per file.
Model code imports frameworks in a handful of plain ways, so a map from local alias to qualified
name, plus constant propagation, resolves what the frontends need. A use of a name sees the assignment
that reaches it in statement order (`reaching.py`); where no use site is given, or the name is not
assigned in the scope being read, a name assigned exactly once is followed, as before.
`tests/test_resolve.py` checks this resolver against QualifiedNameProvider on the fixtures.
"""
from __future__ import annotations

import math
from typing import Dict, List, Optional

import libcst as cst

from .reaching import PARAM, Alternatives, ReachingDefinitions, unpacked
from .syntax import statements

# Beyond this magnitude a number is taken as unknown: squared and multiplied by a fan-in it stays finite.
MAX_MAGNITUDE = 1e100


def dotted(node: cst.CSTNode) -> Optional[str]:
    """'a.b.c' for a Name/Attribute chain, else None."""
    # Exact types (libcst's classes are ABCs: isinstance is slow, and this runs for every call
    # the frontends look at); Attribute and Name are never subclassed.
    kind = type(node)
    if kind is cst.Name:
        return node.value
    parts = []
    while kind is cst.Attribute:
        parts.append(node.attr.value)
        node = node.value
        kind = type(node)
    if kind is cst.Name:
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _module_name(node) -> str:
    return dotted(node) or ""


def _collect_imports(module: cst.Module):
    aliases: Dict[str, str] = {}
    star_modules: List[str] = []
    for statement in statements(module.body, into_definitions=True):
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                name = _module_name(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    aliases[alias.asname.name.value] = name
                else:
                    head = name.split(".")[0]
                    aliases.setdefault(head, head)
        elif isinstance(statement, cst.ImportFrom):
            module_name = _module_name(statement.module) if statement.module is not None else ""
            if statement.relative:
                module_name = "." + module_name  # a module of the linted project, e.g. '.initialization' 
            if isinstance(statement.names, cst.ImportStar):
                star_modules.append(module_name)
                continue
            for alias in statement.names:
                name = _module_name(alias.name)
                local = name
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value
                aliases[local] = f"{module_name}.{name}"
    return aliases, star_modules


def _bind(values: Dict[str, Optional[cst.BaseExpression]], target, value) -> None:
    if isinstance(target, cst.Name):
        name = target.value
        values[name] = None if name in values else value
    elif isinstance(target, (cst.Tuple, cst.List)):
        pairs = unpacked(target, value)  # N, D_in, H = 64, 1000, 100
        for index, element in enumerate(target.elements):
            _bind(values, element.value, pairs[index] if pairs else None)
    elif isinstance(target, cst.StarredElement):
        _bind(values, target.value, None)


def scope_assignments(body: cst.CSTNode) -> Dict[str, Optional[cst.BaseExpression]]:
    """name -> value for names assigned exactly once in a scope (module or one function)."""
    values: Dict[str, Optional[cst.BaseExpression]] = {}
    if isinstance(body, cst.FunctionDef):
        for param in _all_params(body.params):
            _bind(values, param.name, None)
        block = body.body
    else:
        block = getattr(body, "body", ())
    for statement in statements(block, compound=True):
        if isinstance(statement, cst.Assign):
            for target in statement.targets:
                _bind(values, target.target, statement.value)
        elif isinstance(statement, cst.AnnAssign):
            _bind(values, statement.target, statement.value)
        elif isinstance(statement, cst.AugAssign):
            _bind(values, statement.target, None)
        elif isinstance(statement, cst.For):
            _bind(values, statement.target, None)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            _bind(values, statement.name, None)
    return values


def _all_params(params: cst.Parameters):
    yield from params.posonly_params
    yield from params.params
    yield from params.kwonly_params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    if params.star_kwarg is not None:
        yield params.star_kwarg


class Resolver:
    """Qualified names of expressions, and static values of simple expressions."""

    def __init__(self, module: cst.Module, whole_program: bool = False) -> None:
        self.aliases, self.star_modules = _collect_imports(module)
        self.module = module
        # A document no other file imports (a notebook): what it defines and never uses is unused,
        # not used from elsewhere.
        self.whole_program = whole_program
        self.module_values = scope_assignments(module)
        self._scopes: List[Dict[str, Optional[cst.BaseExpression]]] = []
        self._reaching: Optional[ReachingDefinitions] = None  # built on first use

    # Scopes: frontends push the assignments of the function they are reading.
    def push(self, function: cst.FunctionDef) -> None:
        self._scopes.append(scope_assignments(function))

    def pop(self) -> None:
        self._scopes.pop()

    def bind(self, values: Dict[str, Optional[cst.BaseExpression]]) -> None:
        """Bind names in the innermost scope (a helper's parameters to the arguments of one call)."""
        self._scopes[-1].update(values)

    def binding(self, name: str) -> Optional[cst.BaseExpression]:
        """The single value assigned to `name`, looking outward; None when unknown or rebound."""
        for scope in reversed(self._scopes):
            if name in scope:
                return scope[name]
        return self.module_values.get(name)

    def binding_at(self, node: cst.Name) -> Optional[cst.BaseExpression]:
        """The value assigned to the name that reaches this use of it (flow-sensitive), else as `binding`."""
        if self._reaching is None:
            self._reaching = ReachingDefinitions(self.module)
        uses = self._reaching.uses
        if node in uses:
            value = uses[node]
            if isinstance(value, Alternatives):
                return None  # one value per iteration: see `alternatives`
            if value is PARAM:  # only a helper call being read binds its parameters
                for scope in reversed(self._scopes):
                    if node.value in scope:
                        return scope[node.value]
                return None
            return value
        return self.binding(node.value)

    def alternatives(self, node: cst.BaseExpression) -> Optional[tuple]:
        """The entries of the literal table a loop variable takes (`for name, init in inits.items()`),
        the bindings an option chain leaves (reaching.Choice), or the values of a literal dict looked
        up with a key that is not a constant (`INITS[kind]`, also through a name bound to it)."""
        if isinstance(node, cst.Subscript):
            return self._looked_up(node)
        if not isinstance(node, cst.Name):
            return None
        if self._reaching is None:
            self._reaching = ReachingDefinitions(self.module)
        value = self._reaching.uses.get(node)
        if isinstance(value, Alternatives):
            return value.entries
        value = self.binding_at(node)
        return self._looked_up(value) if isinstance(value, cst.Subscript) else None

    def _looked_up(self, node: cst.Subscript) -> Optional[tuple]:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        key = node.slice[0].slice.value
        if self.string(key) is not None or self.number(key) is not None:
            return None  # one known entry, not a choice
        table = self.binding_at(node.value) if isinstance(node.value, cst.Name) else node.value
        if not isinstance(table, cst.Dict) or not table.elements:
            return None
        if not all(isinstance(element, cst.DictElement) for element in table.elements):
            return None  # `**other`: entries we cannot see
        return tuple(element.value for element in table.elements)

    def is_parameter(self, node: cst.Name) -> bool:
        """Whether this use of a name reads a function parameter not re-bound before it."""
        if self._reaching is None:
            self._reaching = ReachingDefinitions(self.module)
        return self._reaching.uses.get(node, None) is PARAM

    def is_local(self, name: str) -> bool:
        return any(name in scope for scope in self._scopes) or name in self.module_values

    def qualified(self, node: cst.CSTNode, follow: int = 3) -> Optional[str]:
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in self.aliases and not any(head in scope for scope in self._scopes):
            base = self.aliases[head]
            return f"{base}.{rest}" if rest else base
        if follow and not rest:
            value = self.binding_at(node) if isinstance(node, cst.Name) else self.binding(head)
            if isinstance(value, (cst.Name, cst.Attribute)):
                return self.qualified(value, follow - 1)
        return None

    def star_candidates(self, node: cst.CSTNode) -> List[str]:
        """Qualified names a bare name could have through `from x import *`."""
        if isinstance(node, cst.Name) and not self.is_local(node.value):
            return [f"{module}.{node.value}" for module in self.star_modules]
        return []

    def deref(self, node: cst.BaseExpression, depth: int = 3) -> cst.BaseExpression:
        """Follow a bare name to its single assigned value."""
        while depth and isinstance(node, cst.Name) and node.value not in self.aliases:
            value = self.binding_at(node)
            if value is None:
                return node
            node, depth = value, depth - 1
        return node

    def string(self, node: Optional[cst.BaseExpression]) -> Optional[str]:
        if node is None:
            return None
        node = self.deref(node)
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return value if isinstance(value, str) else None
        if isinstance(node, cst.ConcatenatedString):
            value = node.evaluated_value
            return value if isinstance(value, str) else None
        return None

    def number(self, node: Optional[cst.BaseExpression], depth: int = 8) -> Optional[float]:
        """The value of a numeric expression built from literals, known names and math.sqrt.

        None when unknown, and for values no model uses (infinite, NaN, beyond MAX_MAGNITUDE):
        the rules square and multiply these numbers, which must neither overflow nor reach 0.
        """
        value = self._number(node, depth)
        if value is None or not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            return None
        return value

    def _number(self, node: Optional[cst.BaseExpression], depth: int) -> Optional[float]:
        if node is None or depth <= 0:
            return None
        node = self.deref(node)
        try:
            if isinstance(node, cst.Integer):
                return float(node.evaluated_value)
            if isinstance(node, cst.Float):
                return float(node.evaluated_value)
            if isinstance(node, cst.Name) and node.value in ("True", "False"):
                return 1.0 if node.value == "True" else 0.0
            if isinstance(node, cst.UnaryOperation):
                value = self.number(node.expression, depth - 1)
                if value is None:
                    return None
                if isinstance(node.operator, cst.Minus):
                    return -value
                if isinstance(node.operator, cst.Plus):
                    return value
                return None
            if isinstance(node, cst.BinaryOperation):
                left = self.number(node.left, depth - 1)
                right = self.number(node.right, depth - 1)
                if left is None or right is None:
                    return None
                return binary_number(node.operator, left, right)
            if isinstance(node, cst.Call):
                return self._numeric_call(node, depth)
            name = self.qualified(node) if isinstance(node, cst.Attribute) else None
            if name in ("math.pi", "numpy.pi"):
                return math.pi
            if name in ("math.e", "numpy.e"):
                return math.e
        except (ArithmeticError, ValueError, OverflowError):
            return None
        return None

    def _numeric_call(self, node: cst.Call, depth: int) -> Optional[float]:
        name = self.qualified(node.func) or ""
        leaf = name.rsplit(".", 1)[-1]
        args = [a for a in node.args if a.keyword is None and not a.star]
        if name in ("math.sqrt", "numpy.sqrt", "torch.sqrt") or name.endswith(".math.sqrt"):
            value = self.number(args[0].value, depth - 1) if args else None
            return math.sqrt(value) if value is not None and value >= 0 else None
        if name in ("float", "int") or (isinstance(node.func, cst.Name) and node.func.value in ("float", "int")):
            value = self.number(args[0].value, depth - 1) if args else None
            if value is None:
                return None
            return float(int(value)) if (name or node.func.value) == "int" else value
        if leaf == "calculate_gain" and name.startswith("torch.nn.init"):
            from .knowledge.torch import calculate_gain

            nonlinearity = self.string(_arg(node, 0, "nonlinearity"))
            param_node = _arg(node, 1, "param")
            param = self.number(param_node, depth - 1) if param_node is not None else None
            return calculate_gain(nonlinearity, param) if nonlinearity else None
        return None

    def shape(self, node: Optional[cst.BaseExpression]) -> Optional[tuple]:
        """A tuple of ints (None for unknown entries) from a tuple/list literal or an int."""
        if node is None:
            return None
        node = self.deref(node)
        if isinstance(node, (cst.Tuple, cst.List)):
            values = []
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    return None
                value = self.number(element.value)
                values.append(int(value) if value is not None and value == int(value) else None)
            return tuple(values)
        value = self.number(node)
        if value is not None and value == int(value):
            return (int(value),)
        return None


def binary_number(operator, left: float, right: float) -> Optional[float]:
    """`left <operator> right` for a libcst arithmetic operator, None for other operators."""
    if isinstance(operator, cst.Add):
        return left + right
    if isinstance(operator, cst.Subtract):
        return left - right
    if isinstance(operator, cst.Multiply):
        return left * right
    if isinstance(operator, cst.Divide):
        return left / right
    if isinstance(operator, cst.FloorDivide):
        return float(left // right)
    if isinstance(operator, cst.Power):
        if abs(right) > 64 or abs(left) > 1e6:
            return None
        result = left ** right
        return result if isinstance(result, float) or isinstance(result, int) else None
    if isinstance(operator, cst.Modulo):
        return left % right
    return None


def _arg(call: cst.Call, position: int, keyword: str) -> Optional[cst.BaseExpression]:
    for argument in call.args:
        if argument.keyword is not None and argument.keyword.value == keyword:
            return argument.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if position is not None and position < len(positional):
        return positional[position].value
    return None


arg = _arg


def keyword(call: cst.Call, name: str) -> Optional[cst.BaseExpression]:
    for argument in call.args:
        if argument.keyword is not None and argument.keyword.value == name:
            return argument.value
    return None


def positional(call: cst.Call) -> list:
    return [a.value for a in call.args if a.keyword is None and not a.star]
