"""PyTorch API uses that rules judge on their own, without a layer (`facts.ApiUse`).

* a deprecated `torch.nn.init` alias called (`nn.init.normal(w)`), with its current name;
* the `nonlinearity` of `kaiming_*_` / `calculate_gain` as written;
* a fan-based init (`xavier_*_`, `kaiming_*_`, `orthogonal_`...) on a vector: a bias, a rank-1
  `nn.Parameter`, or every parameter of a model (`for p in model.parameters()`) with no filter;
* an init method of a model class that nothing in the file calls or applies, and an
  `self.apply(init)` in `__init__` before the layers it should reach exist.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ..facts import (
    CERTAIN,
    DEPRECATED_ALIAS,
    LIKELY,
    NONLINEARITY_ARGUMENT,
    UNAPPLIED_INIT,
    VECTOR_INIT,
    ApiUse,
)
from ..knowledge import torch as T
from ..resolve import dotted, keyword, positional
from ..syntax import calls, nodes_by_type, walk
from .assigned import type_tests
from .base import display
from .torch_choice import vector_entries, vector_uses

FRAMEWORK = "torch"
EARLY_APPLY = "early_apply"  # target of an UNAPPLIED_INIT use: `self.apply(fn)` before the layers exist
_VECTOR = re.compile(T.VECTOR_PARAMETER)
# A single size argument that names one dimension (a rank-1 tensor): `torch.empty(out_features)`.
_SIZE_NAME = re.compile(r"(^|_)(dim|size|features|channels|units|hidden|width|d_model|embed_dim|n|num_\w+|n_\w+)$")


def api_uses(module: cst.Module, adapter, nodes: Optional[Dict[type, list]] = None) -> List[ApiUse]:
    """`nodes`: the module's nodes by type (syntax.nodes_by_type), when the caller has them."""
    uses: List[ApiUse] = []
    if nodes is None:
        nodes = nodes_by_type(module.body)  # one walk of the module for every question below
    vectors = _vector_parameters(nodes, adapter)
    loops = _unfiltered_parameter_loops(nodes, adapter)
    chosen_vectors = []  # (entry, the vector use of a call of the chosen name) for `init_fn(self.fc.bias)`
    for call in nodes.get(cst.Call, ()):
        leaf = adapter.init_function(call.func)  # aliases and `calculate_gain` too
        if leaf is None:
            for entry, _ in vector_entries(adapter, call):
                vector = _vector_target(call, vectors, loops)
                if vector is not None:
                    chosen_vectors.append((entry, vector))
            continue
        if leaf in T.DEPRECATED_ALIASES:
            uses.append(_alias(call, leaf))
        name = T.DEPRECATED_ALIASES.get(leaf, leaf)
        nonlinearity = _nonlinearity(adapter, call, name)
        if nonlinearity is not None:
            uses.append(nonlinearity)
        if name in T.FAN_BASED_INITS:
            vector = _vector_target(call, vectors, loops)
            if vector is not None:
                uses.append(vector)
    uses.extend(vector_uses(chosen_vectors))
    uses.extend(_init_methods(module, nodes, adapter))
    return uses


def _alias(call: cst.Call, leaf: str) -> ApiUse:
    func = call.func
    # `nn.init.normal(...)`: the attribute is renamed; a bare `normal(...)` needs its import changed too.
    anchor = func.attr if isinstance(func, cst.Attribute) else func
    prefix = dotted(func.value) if isinstance(func, cst.Attribute) else None
    return ApiUse(FRAMEWORK, DEPRECATED_ALIAS, anchor, display(call), replacement=T.DEPRECATED_ALIASES[leaf],
                  target=prefix or "")


def _nonlinearity(adapter, call: cst.Call, name: str) -> Optional[ApiUse]:
    where = T.NONLINEARITY_ARGUMENTS.get(name)
    if where is None:
        return None
    word, position = where
    value = keyword(call, word)
    if value is None:
        values = positional(call)
        value = values[position] if position < len(values) else None
    if value is None:
        return None
    text = adapter.resolver.string(value)
    valid = tuple(sorted(T.VALID_NONLINEARITIES))
    if text is not None:
        fixed = text if text in T.VALID_NONLINEARITIES else T.NONLINEARITY_FIXES.get(text.lower())
        if fixed is None and text.lower() in T.VALID_NONLINEARITIES:
            fixed = text.lower()
        return ApiUse(FRAMEWORK, NONLINEARITY_ARGUMENT, value, display(value), value=text, replacement=fixed,
                      valid_values=valid)
    # Not a string: an activation module or function passed instead of its name.
    leaf = adapter.torch_leaf(value, "torch.") if isinstance(value, (cst.Name, cst.Attribute)) else None
    if leaf is None:
        return None
    family = T.ACTIVATION_MODULES.get(leaf) or T.FUNCTIONAL_ACTIVATIONS.get(leaf)
    if family is None:
        return None
    fixed = {"relu": "relu", "leaky": "leaky_relu", "tanh": "tanh", "sigmoid": "sigmoid", "selu": "linear",
             "linear": "linear", "relu_like": "relu"}.get(family[0])
    return ApiUse(FRAMEWORK, NONLINEARITY_ARGUMENT, value, display(value), value=None, replacement=fixed,
                  valid_values=valid)


def _tensor(call: cst.Call):
    values = positional(call)
    return keyword(call, "tensor") or (values[0] if values else None)


def _vector_target(call: cst.Call, vectors: Dict[str, str], loops: Dict[int, str]) -> Optional[ApiUse]:
    tensor = _tensor(call)
    if isinstance(tensor, cst.Attribute) and tensor.attr.value == "data":
        tensor = tensor.value
    if isinstance(tensor, cst.Attribute):
        attribute = tensor.attr.value
        if _VECTOR.match(attribute) or (isinstance(tensor.value, cst.Name) and tensor.value.value == "self"
                                        and attribute in vectors):
            return ApiUse(FRAMEWORK, VECTOR_INIT, call, display(call), target=dotted(tensor) or attribute)
    if isinstance(tensor, cst.Name) and id(call) in loops:
        return ApiUse(FRAMEWORK, VECTOR_INIT, call, display(call), target=loops[id(call)], confidence=LIKELY)
    return None


def _vector_parameters(nodes, adapter) -> Dict[str, str]:
    """`self.X = nn.Parameter(torch.<factory>(n))` with one size: X -> its display."""
    found = {}
    for node in nodes.get(cst.Assign, ()):
        if not (len(node.targets) == 1 and isinstance(node.value, cst.Call)):
            continue
        target = node.targets[0].target
        if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self"):
            continue
        if adapter.torch_leaf(node.value.func) != "Parameter" or not node.value.args:
            continue
        data = node.value.args[0].value
        if not isinstance(data, cst.Call) or adapter.factory_leaf(data) not in T.FACTORIES:
            continue
        sizes = [a for a in data.args if a.keyword is None]
        if len(sizes) != 1 or sizes[0].star:
            continue
        size = sizes[0].value
        one = isinstance(size, cst.Integer) or (isinstance(size, (cst.Name, cst.Attribute)) and bool(
            _SIZE_NAME.search((dotted(size) or "").rsplit(".", 1)[-1])))
        if isinstance(size, cst.Tuple):
            one = len(size.elements) == 1
        if one:
            found[target.attr.value] = display(node.value)
    return found


def _unfiltered_parameter_loops(nodes, adapter) -> Dict[int, str]:
    """`for p in model.parameters(): init(p)` with the init call straight in the loop body (no `if`
    filtering the biases out): id of each such call on the loop variable -> the iterated expression."""
    found = {}
    for node in nodes.get(cst.For, ()):
        if not isinstance(node.iter, cst.Call):
            continue
        func = node.iter.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in T.PARAMETER_ITERATORS):
            continue
        target = node.target
        if func.attr.value == "named_parameters":
            if not (isinstance(target, cst.Tuple) and len(target.elements) == 2):
                continue
            target = target.elements[1].value
        if not isinstance(target, cst.Name):
            continue
        for statement in node.body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                        tensor = _tensor(small.value)
                        if isinstance(tensor, cst.Name) and tensor.value == target.value:
                            found[id(small.value)] = display(node.iter)
    return found


# ----- init methods that nothing applies -----

def _init_methods(module: cst.Module, nodes, adapter) -> List[ApiUse]:
    classes = [s for s in module.body if isinstance(s, cst.ClassDef)]
    plain = _plain_modules(classes, adapter)
    if not plain:
        return []
    referenced = _referenced_names(nodes)
    instantiated = {node.func.value for node in nodes.get(cst.Call, ()) if isinstance(node.func, cst.Name)}
    uses = []
    for class_def in classes:
        if class_def.name.value not in plain:
            continue
        for statement in class_def.body.body:
            if not isinstance(statement, cst.FunctionDef) or statement.decorators:
                continue
            name = statement.name.value
            if name in T.INIT_METHOD_NAMES and referenced.get(name, 0) == 0 and _mentions_init(statement, adapter):
                confidence = CERTAIN if class_def.name.value in instantiated else LIKELY
                uses.append(ApiUse(FRAMEWORK, UNAPPLIED_INIT, statement.name, name, target=class_def.name.value,
                                   confidence=confidence))
        init = next((s for s in class_def.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"),
                    None)
        if init is not None:
            early, later = _early_apply(init, adapter, {c.name.value for c in classes})
            applied = _applied_function(early, class_def, module) if early is not None else None
            # an unknown function may do anything; a known one only to the classes it tests for
            if applied is not None and _mentions_init(applied, adapter) and _reaches_later(applied, later, adapter):
                uses.append(ApiUse(FRAMEWORK, UNAPPLIED_INIT, early, display(early), target=EARLY_APPLY))
    return uses


def _plain_modules(classes, adapter) -> Set[str]:
    """Classes whose bases are torch.nn.Module or such classes of this file: nothing outside the
    file (a library base class's `post_init`) can call their methods by convention."""
    plain: Set[str] = set()
    for class_def in classes:
        bases = [base.value for base in class_def.bases if base.keyword is None]
        if bases and all(adapter.resolver.qualified(base) == T.MODULE_BASE or dotted(base) in plain for base in bases):
            plain.add(class_def.name.value)
    return plain


def _referenced_names(nodes) -> Dict[str, int]:
    """How often each name is used other than where it is defined (`self.X`, `X`, `"X"`)."""
    counts: Dict[str, int] = {}
    for node in nodes.get(cst.Attribute, ()):
        counts[node.attr.value] = counts.get(node.attr.value, 0) + 1
    for node in nodes.get(cst.Name, ()):
        counts[node.value] = counts.get(node.value, 0) + 1
    for node in nodes.get(cst.SimpleString, ()):
        word = node.value.strip("'\"")
        counts[word] = counts.get(word, 0) + 1
    for node in nodes.get(cst.FunctionDef, ()):
        counts[node.name.value] = counts.get(node.name.value, 0) - 1  # its own definition
    return counts


def _mentions_init(function: cst.FunctionDef, adapter) -> bool:
    for call in calls(function):
        # A known init function (not any `nn.init.*` attribute): what the prefilter's words cover too.
        leaf = adapter.init_function(call.func)  # aliases and `calculate_gain` too
        if leaf in T.INIT_FUNCTIONS or leaf in T.DEPRECATED_ALIASES or (
                isinstance(call.func, cst.Attribute) and call.func.attr.value in T.TENSOR_METHODS):
            return True
    return False


def _applied_function(apply_call: cst.Call, class_def: cst.ClassDef, module: cst.Module) -> Optional[cst.FunctionDef]:
    """The function `self.apply(fn)` applies, when this file defines it (`self._init_weights`, `init_weights`)."""
    fn = apply_call.args[0].value
    if isinstance(fn, cst.Attribute) and isinstance(fn.value, cst.Name) and fn.value.value == "self":
        body, name = class_def.body.body, fn.attr.value
    elif isinstance(fn, cst.Name):
        body, name = module.body, fn.value
    else:
        return None
    return next((s for s in body if isinstance(s, cst.FunctionDef) and s.name.value == name), None)


def _early_apply(init: cst.FunctionDef, adapter, local_classes: Set[str]) -> Tuple[Optional[cst.Call], List[cst.Call]]:
    """`self.apply(fn)` in `__init__` and the modules `self.X = <a module>(...)` made after it: fn never sees them."""
    applied, later = None, []
    for statement in init.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if applied is None and isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                func = small.value.func
                if (isinstance(func, cst.Attribute) and func.attr.value == "apply"
                        and isinstance(func.value, cst.Name) and func.value.value == "self" and small.value.args):
                    applied = small.value
            elif applied is not None and isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                target = small.targets[0].target
                if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                        and target.value.value == "self"):
                    continue
                func = small.value.func
                leaf = adapter.torch_leaf(func)
                if leaf in T.KERNEL_MODULES or leaf in T.SEQUENTIAL_MODULES or leaf in T.COLLECTION_MODULES \
                        or (isinstance(func, cst.Name) and func.value in local_classes):
                    later.append(small.value)
    return (applied, later) if later else (None, [])


def _class_name(adapter, node) -> Optional[str]:
    """`Linear` for `nn.Linear`, `Block` for a class of this file."""
    return adapter.torch_leaf(node) or (node.value if isinstance(node, cst.Name) else None)


def _filtered_kinds(function: cst.FunctionDef, adapter) -> Set[str]:
    """The module classes `isinstance(m, ...)` / `type(m) is ...` tests in `function` name (empty: no filter)."""
    tested = []
    for call in calls(function):
        if isinstance(call.func, cst.Name) and call.func.value == "isinstance" and len(call.args) == 2:
            tested.append(call.args[1].value)
    tested.extend(classes for _name, classes in type_tests(function))
    kinds = set()
    for node in tested:
        for element in (node.elements if isinstance(node, (cst.Tuple, cst.List)) else ()):
            kinds.add(_class_name(adapter, element.value))
        kinds.add(_class_name(adapter, node))
    return kinds - {None}


def _reaches_later(function: cst.FunctionDef, later: List[cst.Call], adapter) -> bool:
    """Whether the applied function would have initialized a module made after the apply: it filters on
    nothing, or on a class one of those modules is or holds (a neck of Conv2d is not an `nn.Linear`)."""
    kinds = _filtered_kinds(function, adapter)
    if not kinds:
        return True
    made = {_class_name(adapter, call.func) for module in later for call in walk(module) if isinstance(call, cst.Call)}
    return bool(kinds & made)
