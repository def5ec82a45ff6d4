"""PyTorch init functions chosen by an option: `if kind == "xavier": init_fn = nn.init.xavier_normal_
elif kind == "normal": init_fn = nn.init.normal_ ... else: init_fn = None`, then
`init_fn(self.fc1.weight)`, or looked up in a table (`INITS[kind](self.fc1.weight)`, `init_fn =
INITS[kind]`). Each `nn.init` function bound on some path reaches the call in some run, so each is
judged as if it were the call and reported at its binding (the entry), one site per entry naming every
layer its calls reach. A `None` entry (the call guarded by `is not None`) is no init, and an entry that
is not a `torch.nn.init` function (a lambda, a helper) is not judged."""
from __future__ import annotations

from typing import Dict, List, Tuple

import libcst as cst

from ..facts import CERTAIN, VECTOR_INIT, ApiUse, Initializer
from ..knowledge import torch as T
from ..knowledge.spec import build
from ..resolve import keyword, positional
from .base import code, display
from .graph import ChoiceEntry
from .torch_init_syntax import split_target

_SHOWN = 3  # vectors named in an IL402 message before "and N more"


def entries(adapter, func) -> List[Tuple[cst.BaseExpression, str]]:
    """(entry, init function name) for each `torch.nn.init` function a called name may be bound to."""
    if not isinstance(func, (cst.Name, cst.Subscript)):
        return []
    found = []
    for entry in adapter.resolver.alternatives(func) or ():
        if not isinstance(entry, (cst.Name, cst.Attribute)):
            continue
        leaf = adapter.init_function(entry)
        if leaf is not None:
            found.append((entry, T.DEPRECATED_ALIASES.get(leaf, leaf)))
    return found


def chosen(extractor, call: cst.Call, order, filters) -> bool:
    """Attach one record per entry to what the call sets; True when the called name is a choice."""
    found = entries(extractor.adapter, call.func)
    if not found:
        return False
    values = positional(call)
    tensor = keyword(call, "tensor") or (values[0] if values else None)
    if tensor is None:
        return True
    rest = values[1:] if keyword(call, "tensor") is None else values
    if _sets_bias(extractor, tensor):
        return True  # IL402 judges a fan-based entry on a bias (torch_uses); which bias value is left is unknown
    groups: Dict[tuple, object] = extractor.choice_groups
    for entry, name in found:
        spec = T.INIT_FUNCTIONS.get(name)
        if spec is None:
            continue
        init = build(spec, _display(entry, call), extractor._given(spec, call, rest))
        # every call of the same entry with the same arguments is one site, at the entry
        group = groups.setdefault((id(entry), init), ChoiceEntry())
        _attach(extractor, init, tensor, entry, order, filters, group)
    return True


def _sets_bias(extractor, tensor) -> bool:
    _, parameter = split_target(tensor, extractor.receiver)
    return parameter is not None and parameter.startswith("bias")


def _display(entry, call: cst.Call) -> str:
    """`nn.init.normal_`, or `nn.init.normal_(..., std=1.0)` when the call passes more than the tensor."""
    extra = [code(argument) for argument in call.args[1:]]
    text = code(entry)
    return f"{text}(..., {', '.join(extra)})" if extra else text


def _attach(extractor, init: Initializer, tensor, entry, order, filters, group) -> None:
    """The extractor's attach, anchored at the entry, with the entry's group on every record it makes."""
    nodes = extractor.adapter.nodes
    marks = [len(node.inits) for node in nodes]
    loose = len(extractor.loose)
    extractor.attach(init, tensor, entry, order, filters)
    for node, mark in zip(nodes, marks):
        for record in node.inits[mark:]:
            record.group = group
    for record in extractor.loose[loose:]:
        record.group = group


def vector_entries(adapter, call: cst.Call) -> List[Tuple[cst.BaseExpression, str]]:
    """The fan-based entries of a chosen init function (IL402 when the call sets a vector)."""
    return [(entry, name) for entry, name in entries(adapter, call.func) if name in T.FAN_BASED_INITS]


def vector_uses(found) -> List[ApiUse]:
    """One IL402 use per entry, at the entry, naming every vector its calls set."""
    by_entry: Dict[int, list] = {}
    for entry, use in found:
        by_entry.setdefault(id(entry), [entry]).append(use)
    uses = []
    for entry, *calls in by_entry.values():
        targets = list(dict.fromkeys(use.target for use in calls))
        shown = ", ".join(targets[:_SHOWN]) + (f" and {len(targets) - _SHOWN} more" if len(targets) > _SHOWN else "")
        called = code(calls[0].anchor.func)
        confidence = CERTAIN if any(use.confidence == CERTAIN for use in calls) else calls[0].confidence
        uses.append(ApiUse(calls[0].framework, VECTOR_INIT, entry, display(entry), target=f"{shown}, through {called}",
                           confidence=confidence))
    return uses


__all__ = ["chosen", "entries", "vector_entries", "vector_uses"]
