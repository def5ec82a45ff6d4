"""Models a PyTorch script builds from one class of its file: each instance is a model of its own.

Course notebooks build one `Net` class several times and give each model its own init
(`model_0 = Net(constant_weight=0)`, `model_u = Net(); model_u.apply(init_uniform)`, then
`model_r = Net(); model_r.apply(init_rule)`). The class's layers are one set of nodes, so without
care the init read last (`init_rule`) would hide the others: here each instance's init is in effect
for its model, as the branches of an `if` are, and a constant passed to the constructor reaches the
`__init__` init call that names the parameter.

The functions take the `torch_init.InitExtractor` reading the code (no import of it: no cycle).
"""
from __future__ import annotations

import dataclasses
from typing import List, Optional, Tuple

import libcst as cst

from ..facts import CONSTANT, Initializer
from ..resolve import keyword, positional
from ..syntax import calls
from .base import display

APPLY_TIME = 10 ** 6  # init functions applied after construction (apply(), post_init) run after __init__
# Where an instance's init is in reading order: the n-th apply to each instance, and a construction's
# own init (`Net(constant_weight=0)`, level 0), all at one point for every model of a class.
INSTANCE_ORDER = (APPLY_TIME, -APPLY_TIME)


def instance_of(extractor, owner) -> Optional[Tuple[str, str]]:
    """(class, name) when `owner` is a script's name for an instance of a class of this file
    (`model_uniform = Net()`): each instance has layers of its own, though they share one class."""
    if not extractor.file_wide or not isinstance(owner, cst.Name) or owner.value in extractor.targets:
        return None
    value = extractor.resolver.deref(owner)
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in extractor.registry:
        return value.func.value, owner.value
    return None


def per_instance(extractor, instance: Tuple[str, str], nodes: list, marks: dict, order) -> None:
    """After `model.apply(fn)` on an instance: the records the apply added to each node (those past
    `marks[id(node)]`) move to the point of the instance's n-th apply, shared by every instance of the
    class, so no instance's init overrides another's; within one apply the last init still wins."""
    cls, name = instance
    level = extractor.instance_applies.get(name, 0)
    extractor.instance_applies[name] = level + 1
    levels = extractor.instance_levels.setdefault(cls, [])
    if level == len(levels):
        levels.append((order[0], INSTANCE_ORDER[1] + level))
    at = levels[level]
    for node in nodes:
        added = node.inits[marks[id(node)]:]
        if not added:
            continue
        latest = max(record.order for record in added)
        node.inits[marks[id(node)]:] = [dataclasses.replace(record, order=at) for record in added
                                        if record.order == latest]


def constructor_values(extractor, init: Initializer, call: cst.Call) -> List[Initializer]:
    """`nn.init.constant_(m.weight, constant_weight)` in `__init__` with `constant_weight` a parameter:
    the constants the file's constructions pass it (`model_0 = Net(constant_weight=0)`), one
    initializer each, naming the value and the construction. [] when none is known."""
    if init.kind != CONSTANT or init.value is not None or not extractor.methods:
        return []
    values = positional(call)
    argument = keyword(call, "val") or (values[1] if len(values) > 1 else None)
    if not isinstance(argument, cst.Name) or not extractor.resolver.is_parameter(argument):
        return []
    constructor = extractor.methods.get("__init__")
    names = [name for name, info in extractor.registry.items() if info.methods is extractor.methods]
    params = [p.name.value for p in constructor.params.params][1:] if constructor is not None else []
    if not names or argument.value not in params:
        return []
    found, seen = [], set()
    for site in calls(extractor.resolver.module):
        if not (isinstance(site.func, cst.Name) and site.func.value == names[0]):
            continue
        given = keyword(site, argument.value)
        if given is None and params.index(argument.value) < len(positional(site)):
            given = positional(site)[params.index(argument.value)]
        number = extractor.resolver.number(given) if given is not None else None
        if number is None or number in seen:
            continue
        seen.add(number)
        origin = f"{argument.value}={number:g} from {display(site)}"
        found.append(dataclasses.replace(init, value=number, display=f"{init.display} with {origin}", origin=origin))
    return found
