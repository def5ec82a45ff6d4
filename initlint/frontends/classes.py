"""Classes as frontends read them: methods (inherited from classes of the same file too), the
attributes their methods assign (`self.fc = nn.Linear(...)`), and each framework's entry methods
(`forward`, `call`, `__call__`...), which a frontend names in its own module.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence

import libcst as cst

from ..resolve import Resolver, dotted
from .base import self_assignments
from .graph import ChainItem, KernelItem, ParamRef

CONSTRUCTOR = "__init__"


class ClassInfo:
    def __init__(self, name: str, attrs: Dict[str, object], methods: Dict[str, cst.FunctionDef]) -> None:
        self.name = name
        self.attrs = attrs  # attribute name -> what the frontend says it holds (an item, a raw weight)
        self.methods = methods  # own and inherited, by name

    def items(self) -> list:
        """What the class holds as graph items (a raw weight as a kernel item of its own)."""
        items = [v for v in self.attrs.values() if not isinstance(v, ParamRef)]
        return items + [KernelItem(v.node) for v in self.attrs.values() if isinstance(v, ParamRef)]


def module_classes(module: cst.Module) -> List[cst.ClassDef]:
    return [statement for statement in module.body if isinstance(statement, cst.ClassDef)]


def constructor_first(methods: Sequence[cst.FunctionDef]) -> List[cst.FunctionDef]:
    """`__init__` before the other methods (what it creates exists when they run)."""
    return sorted(methods, key=lambda method: method.name.value != CONSTRUCTOR)


def collect_class(class_def: cst.ClassDef, resolver: Resolver, registry: Dict[str, ClassInfo],
                  attribute: Callable[[cst.BaseExpression, str], Optional[object]]) -> ClassInfo:
    """A class's methods and attributes, its own first, then those of its bases defined earlier in
    the file (`registry`). `attribute(value, name)` says what `self.name = value` holds, or None."""
    bases = [registry[name] for name in (dotted(base.value) or "" for base in class_def.bases) if name in registry]
    methods: Dict[str, cst.FunctionDef] = {}
    for base in bases:
        methods.update(base.methods)
    own = {s.name.value: s for s in class_def.body.body if isinstance(s, cst.FunctionDef)}
    methods.update(own)
    attrs: Dict[str, object] = {}
    for method in constructor_first(list(own.values())):
        resolver.push(method)
        try:
            for target, value in self_assignments(method):
                found = attribute(value, target)  # always read: constructing may attach init calls
                if found is not None:
                    attrs.setdefault(target, found)
        finally:
            resolver.pop()
    for base in bases:
        for name, value in base.attrs.items():
            attrs.setdefault(name, value)
    return ClassInfo(class_def.name.value, attrs, methods)


def entry_method(info: ClassInfo, names: Sequence[str]) -> Optional[cst.FunctionDef]:
    """The first of `names` the class defines: the method that applies its layers to an input."""
    for name in names:
        if name in info.methods:
            return info.methods[name]
    return None


def constructed_attribute(adapter, value, target: str):
    """What `self.target = value` holds when it is a layer or container the adapter constructs, else
    None; the layer is named after the attribute, and a container kept on `self` is not a model of its own."""
    item = adapter.constructor(value) if isinstance(value, cst.Call) else None
    if isinstance(item, KernelItem):
        item.node.name = target
    if isinstance(item, ChainItem):
        item.standalone = False
    return item
