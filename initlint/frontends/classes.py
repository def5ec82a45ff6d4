"""Classes as frontends read them: methods (inherited from classes of the same file too), the
attributes their methods assign (`self.fc = nn.Linear(...)`), and each framework's entry methods
(`forward`, `call`, `__call__`...), which a frontend names in its own module.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence

import libcst as cst

from ..resolve import Resolver, dotted
from ..syntax import calls
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


def model_reach(class_defs: Sequence[cst.ClassDef], registry: Dict[str, ClassInfo],
                body_calls: Optional[Callable[[cst.ClassDef], List[cst.Call]]] = None) -> Dict[str, list]:
    """For each class of the file, the kernel nodes an init method of it can reach: its own, those of
    the classes of this file it builds (transitively), and those of its subclasses here (a
    PreTrainedModel's `_init_weights` initializes the models derived from it). Empty when nothing is
    known beyond the class itself."""
    from .graph import kernel_nodes  # noqa: PLC0415 - graph imports nothing of this module

    names = {class_def.name.value for class_def in class_defs}
    builds: Dict[str, set] = {}
    parents: Dict[str, set] = {}
    for class_def in class_defs:
        name = class_def.name.value
        parents[name] = {dotted(base.value) for base in class_def.bases} & names
        found = body_calls(class_def) if body_calls is not None else calls(class_def.body)
        builds[name] = {call.func.value for call in found
                        if isinstance(call.func, cst.Name) and call.func.value in names} - {name}

    def reach(name: str, seen: set) -> list:
        if name in seen or name not in registry:
            return []
        seen.add(name)
        found = [node for item in registry[name].items() for node in kernel_nodes(item)]
        for built in sorted(builds.get(name, ())):
            found.extend(reach(built, seen))
        return found

    def ancestors(name: str, seen: set) -> set:
        found = set()
        for parent in parents.get(name, ()):
            if parent not in seen:
                seen.add(parent)
                found |= {parent} | ancestors(parent, seen)
        return found

    result: Dict[str, list] = {}
    for class_def in class_defs:
        name = class_def.name.value
        derived = [other for other in sorted(names) if name in ancestors(other, set())]
        if not derived and not builds.get(name):
            result[name] = []
            continue
        seen: set = set()
        nodes = reach(name, seen)
        for other in derived:
            nodes.extend(reach(other, seen))
        unique = []
        for node in nodes:
            if node not in unique:
                unique.append(node)
        result[name] = unique
    return result
