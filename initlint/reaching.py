"""Reaching definitions: which assignment a use of a name sees, in statement order.

Tutorials re-bind one name before each layer (`initializer = Zeros()`, `Dense(..., kernel_initializer=
initializer)`, `initializer = RandomNormal(stddev=1.)`, ...). Single-assignment propagation gives up on
such names; this walk records, for every `Name` read in a scope (the module, each function, each class
body), the value of the one assignment that reaches it. Across `if`/`else`, `for`, `while` and `try` a
value survives only when every path gives the same expression (compared structurally); otherwise the
use is unknown, except after an `if`/`elif` chain that picks one of several options by comparing one
name to different constants (`if kind == "xavier": init = ... elif kind == "normal": init = ...`):
there each binding reaches the use in some run, and the use sees them all (a `Choice`). Names a
scope never assigns are not recorded (the resolver looks outward as before); a parameter not yet
re-bound is recorded as PARAM (the resolver may know the argument of the call it reads).
"""
from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from .syntax import children, children_in_reverse

UNKNOWN = None  # a use whose reaching value is not one known expression


class _Param:
    """A parameter before any re-binding: whatever the caller passed (the resolver may know it)."""


PARAM = _Param()


class Alternatives:
    """A loop variable over a literal table: the entries it takes, one per iteration."""

    def __init__(self, entries) -> None:
        self.entries = tuple(entries)


class Choice(Alternatives):
    """A name bound differently in the branches of an `if`/`elif` chain on one value: the
    bindings one run or another leaves (only the known ones; a path that binds nothing, or
    something unknown, adds no entry)."""


_UNBOUND = object()  # not assigned on this path yet

Env = Dict[str, object]


def _merge_value(a, b):
    if a is b:
        return a
    if a is _UNBOUND:
        return b
    if b is _UNBOUND:
        return a
    if isinstance(a, cst.CSTNode) and isinstance(b, cst.CSTNode) and a.deep_equals(b):
        return a
    if isinstance(a, Alternatives) and type(a) is type(b) and _same_entries(a.entries, b.entries):
        return a  # a loop body read twice builds the same choice twice
    return UNKNOWN


def _same_entries(a, b) -> bool:
    return len(a) == len(b) and all(x is y or (isinstance(x, cst.CSTNode) and isinstance(y, cst.CSTNode)
                                               and x.deep_equals(y)) for x, y in zip(a, b))


def _choose(envs) -> Env:
    """After a chain of branches of which exactly one runs: a name that ends with different values
    takes each known one (a Choice); the same value everywhere stays that value."""
    merged = _merge(*envs)
    for name, result in merged.items():
        if result is not UNKNOWN:
            continue
        entries = []
        for value in (env.get(name, _UNBOUND) for env in envs):
            for entry in (value.entries if isinstance(value, Choice) else (value,)):
                if isinstance(entry, cst.CSTNode) and not any(entry is e or entry.deep_equals(e) for e in entries):
                    entries.append(entry)
        merged[name] = Choice(entries) if entries else UNKNOWN
    return merged


def _merge(*envs: Env) -> Env:
    merged: Env = {}
    for name in set().union(*envs):
        values = [env.get(name, _UNBOUND) for env in envs]
        result = values[0]
        for value in values[1:]:
            result = _merge_value(result, value)
        merged[name] = result
    return merged


class ReachingDefinitions:
    """Name node -> the expression assigned to it that reaches this use (or UNKNOWN)."""

    def __init__(self, module: cst.Module) -> None:
        self.uses: Dict[cst.Name, Optional[cst.BaseExpression]] = {}
        self._block(module.body, {})

    # ----- scopes -----
    def _function(self, function: cst.FunctionDef) -> None:
        env: Env = {}
        params = function.params
        for param in list(params.posonly_params) + list(params.params) + list(params.kwonly_params):
            env[param.name.value] = PARAM
        for param in (params.star_arg, params.star_kwarg):
            if isinstance(param, cst.Param):
                env[param.name.value] = PARAM
        self._suite(function.body, env)

    # ----- statements -----
    def _block(self, body, env: Env) -> Env:
        for statement in body:
            env = self._statement(statement, env)
        return env

    def _suite(self, suite, env: Env) -> Env:
        if isinstance(suite, cst.SimpleStatementSuite):  # `if c: x = 1` on one line
            for small in suite.body:
                self._small(small, env)
            return env
        return self._block(suite.body, env)

    def _statement(self, statement, env: Env) -> Env:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self._small(small, env)
            return env
        if isinstance(statement, cst.FunctionDef):
            for decorator in statement.decorators:
                self._read(decorator.decorator, env)
            for param in _defaults(statement.params):
                self._read(param, env)
            self._function(statement)
            env[statement.name.value] = UNKNOWN
            return env
        if isinstance(statement, cst.ClassDef):
            for base in statement.bases:
                self._read(base.value, env)
            self._suite(statement.body, {})
            env[statement.name.value] = UNKNOWN
            return env
        if isinstance(statement, cst.If) and _choice_chain(statement):
            return self._choice(statement, env)
        if isinstance(statement, cst.If):
            self._read(statement.test, env)
            taken = self._suite(statement.body, dict(env))
            other = dict(env)
            if isinstance(statement.orelse, cst.If):
                other = self._statement(statement.orelse, other)
            elif statement.orelse is not None:
                other = self._suite(statement.orelse.body, other)
            return _merge(taken, other)
        if isinstance(statement, (cst.For, cst.While)):
            return self._loop(statement, env)
        if isinstance(statement, cst.With):
            for item in statement.items:
                self._read(item.item, env)
                if item.asname is not None:
                    self._bind(item.asname.name, UNKNOWN, env)
            return self._suite(statement.body, env)
        if isinstance(statement, (cst.Try, getattr(cst, "TryStar", cst.Try))):
            after_body = self._suite(statement.body, dict(env))
            paths = [after_body]
            for handler in statement.handlers:
                handled = _merge(env, after_body)  # the exception may come from any statement
                if handler.type is not None:
                    self._read(handler.type, handled)
                if handler.name is not None:
                    self._bind(handler.name.name, UNKNOWN, handled)
                paths.append(self._suite(handler.body, handled))
            if statement.orelse is not None:
                paths[0] = self._suite(statement.orelse.body, paths[0])
            result = _merge(*paths)
            if statement.finalbody is not None:
                result = self._suite(statement.finalbody.body, result)
            return result
        # match and anything newer: read what it reads, and forget what it may assign.
        for name in _names_assigned(statement):
            env[name] = UNKNOWN
        return env

    def _choice(self, statement: cst.If, env: Env) -> Env:
        """`if kind == "a": ... elif kind == "b": ... else: ...`: one branch runs (none without an
        `else`), each from the state before the chain."""
        paths, node = [], statement
        while True:
            self._read(node.test, env)
            paths.append(self._suite(node.body, dict(env)))
            if isinstance(node.orelse, cst.If):
                node = node.orelse
                continue
            paths.append(self._suite(node.orelse.body, dict(env)) if node.orelse is not None else dict(env))
            return _choose(paths)

    def _loop(self, statement, env: Env) -> Env:
        before = dict(env)
        if isinstance(statement, cst.For):
            self._read(statement.iter, env)
            entry = dict(env)
            table = _table(statement.iter, env)
            self._bind_entries(statement.target, table, entry)
        else:
            self._read(statement.test, env)
            entry = dict(env)
        # Once to see what the body assigns, then again from the state any iteration can start in.
        after = self._suite(statement.body, dict(entry))
        start = _merge(entry, after)
        if isinstance(statement, cst.For):
            self._bind_entries(statement.target, table, start)
        else:
            self._read(statement.test, start)
        after = self._suite(statement.body, start)
        result = _merge(before, entry, after) if isinstance(statement, cst.For) else _merge(before, after)
        if statement.orelse is not None:
            result = self._suite(statement.orelse.body, result)
        return result

    def _small(self, small, env: Env) -> None:
        if isinstance(small, cst.Assign):
            self._read(small.value, env)
            for target in small.targets:
                self._read_target(target.target, env)
            for target in small.targets:
                self._bind(target.target, small.value, env)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self._read(small.value, env)
                self._read_target(small.target, env)
                self._bind(small.target, small.value, env)
        elif isinstance(small, cst.AugAssign):
            self._read(small.value, env)
            self._read(small.target, env)
            self._bind(small.target, UNKNOWN, env)
        elif isinstance(small, cst.Del):
            self._bind(small.target, UNKNOWN, env)
        elif isinstance(small, (cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal)):
            return  # imports are the resolver's aliases; global/nonlocal are rare in model code
        else:
            for child in children(small):
                self._read(child, env)

    def _bind(self, target, value, env: Env) -> None:
        if isinstance(target, cst.Name):
            env[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = unpacked(target, value)
            for index, element in enumerate(target.elements):
                self._bind(element.value, values[index] if values else UNKNOWN, env)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, UNKNOWN, env)

    def _bind_entries(self, target, table, env: Env) -> None:
        """The loop target over a literal table: each name takes its column of the entries."""
        if table is None:
            self._bind(target, UNKNOWN, env)
            return
        if isinstance(target, cst.Name):
            env[target.value] = Alternatives(table)
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            rows = [unpacked(target, row) for row in table]
            for index, element in enumerate(target.elements):
                if all(row is not None for row in rows):
                    self._bind_entries(element.value, [row[index] for row in rows], env)
                else:
                    self._bind(element.value, UNKNOWN, env)
            return
        self._bind(target, UNKNOWN, env)

    def _read_target(self, target, env: Env) -> None:
        """`a[i] = ...`, `self.x = ...`: the target reads `a`, `i`, `self`."""
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._read_target(element.value, env)
        elif isinstance(target, cst.StarredElement):
            self._read_target(target.value, env)
        elif not isinstance(target, cst.Name):
            self._read(target, env)

    # ----- expressions -----
    def _read(self, node, env: Env, hidden: frozenset = frozenset()) -> None:
        stack = [(node, hidden)]
        # Exact types, not isinstance: libcst's node classes are ABCs (a slow isinstance), these
        # ones are never subclassed, and this loop sees every node of every expression read.
        name_type, named_type, scoping = cst.Name, cst.NamedExpr, _SCOPING
        while stack:
            current, shadowed = stack.pop()
            kind = type(current)
            if kind is name_type:
                name = current.value
                if name in shadowed:
                    self.uses[current] = UNKNOWN  # a comprehension variable or lambda parameter
                    continue
                value = env.get(name, _UNBOUND)
                if value is not _UNBOUND:
                    self.uses[current] = value
                continue
            if kind in scoping:
                shadowed = shadowed | _local_names(current)
            elif kind is named_type:
                stack.append((current.value, shadowed))
                self._bind(current.target, UNKNOWN, env)
                continue
            for child in reversed(children_in_reverse(current)):  # the children in order (shared)
                stack.append((child, shadowed))


def _subject(node) -> Optional[str]:
    """`kind`, `self.init_type`, `args.init`: what an option test compares, as written."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = _subject(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def _constant(node):
    """The value of a literal option (a string or a number), else None."""
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.evaluated_value
    return None


def _options(test):
    """(subject, the constants it is tested against) for `x == "a"`, `"a" == x`, `x in ("a", "b")`."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    target = test.comparisons[0]
    left, right = test.left, target.comparator
    if isinstance(target.operator, cst.Equal):
        if _subject(left) is not None and _constant(right) is not None:
            return _subject(left), (_constant(right),)
        if _subject(right) is not None and _constant(left) is not None:
            return _subject(right), (_constant(left),)
        return None
    if isinstance(target.operator, cst.In) and isinstance(right, (cst.Tuple, cst.List, cst.Set)) and right.elements:
        values = tuple(_constant(e.value) for e in right.elements)
        if _subject(left) is not None and None not in values:
            return _subject(left), values
    return None


def _choice_chain(statement: cst.If) -> bool:
    """Whether every test of the chain compares one subject to constants no earlier test named: a
    pick among options, where every branch runs in some run."""
    subject, seen, node = None, set(), statement
    while isinstance(node, cst.If):
        options = _options(node.test)
        if options is None or (subject is not None and options[0] != subject):
            return False
        subject = options[0]
        for value in options[1]:
            if (type(value), value) in seen:
                return False
            seen.add((type(value), value))
        node = node.orelse
    return True


_SCOPING = frozenset((cst.Lambda, cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp))


def _table(iterable, env: Env):
    """The entries a loop takes from a literal list/tuple/dict (or a name bound to one): `for init in
    [...]`, `for name, init in table.items()`; None when they are not written out."""
    method = None
    if (isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute) and not iterable.args
            and iterable.func.attr.value in ("items", "values", "keys")):
        method = iterable.func.attr.value
        iterable = iterable.func.value
    if isinstance(iterable, cst.Name):
        iterable = env.get(iterable.value)
    if isinstance(iterable, (cst.List, cst.Tuple)) and method is None:
        if any(isinstance(e, cst.StarredElement) for e in iterable.elements) or not iterable.elements:
            return None
        return [element.value for element in iterable.elements]
    if isinstance(iterable, cst.Dict) and iterable.elements:
        if not all(isinstance(e, cst.DictElement) for e in iterable.elements):
            return None
        if method == "items":
            return [cst.Tuple([cst.Element(e.key), cst.Element(e.value)]) for e in iterable.elements]
        if method == "values":
            return [e.value for e in iterable.elements]
        return [e.key for e in iterable.elements]
    return None


def unpacked(target, value):
    """The elements of `a, b = 1, 2` pairwise, when both sides are plain sequences of one length."""
    if not isinstance(value, (cst.Tuple, cst.List)) or len(value.elements) != len(target.elements):
        return None
    if any(isinstance(e, cst.StarredElement) for e in list(value.elements) + list(target.elements)):
        return None
    return [element.value for element in value.elements]


def _defaults(params: cst.Parameters):
    for param in list(params.posonly_params) + list(params.params) + list(params.kwonly_params):
        if param.default is not None:
            yield param.default


def _local_names(node) -> frozenset:
    """Names a lambda's parameters or a comprehension's targets bind inside it."""
    found = set()
    if isinstance(node, cst.Lambda):
        params = node.params
        for param in list(params.posonly_params) + list(params.params) + list(params.kwonly_params):
            found.add(param.name.value)
        return frozenset(found)
    comp = node.for_in
    while comp is not None:
        for target in _target_names(comp.target):
            found.add(target)
        comp = comp.inner_for_in
    return frozenset(found)


def _target_names(target):
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


_MATCH_CAPTURES = tuple(getattr(cst, name) for name in ("MatchAs", "MatchStar") if hasattr(cst, name))


def _names_assigned(statement):
    from .syntax import walk

    for node in walk(statement):
        if isinstance(node, _MATCH_CAPTURES) and getattr(node, "name", None) is not None:
            yield node.name.value
        elif isinstance(node, cst.AssignTarget):
            yield from _target_names(node.target)
