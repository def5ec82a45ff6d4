"""Which modules a branch of an init function sees: `isinstance(m, nn.Linear)`, `type(m) == ...`,
`classname.find('Conv') != -1` narrow the module kinds; a filter on names (`'gate' in name`,
`name.startswith(prefix)`) makes the selection unknown (`__opaque__`)."""
from __future__ import annotations

import libcst as cst

from ..knowledge import torch as T
from ..resolve import dotted, positional
from ..syntax import calls
from .assigned import type_tests
from .torch_init_syntax import computed_string_test, string_filter


def narrow(extractor, test, filters) -> dict:
    """isinstance(m, nn.Linear) / classname.find('Conv') != -1: which module kinds a branch sees."""
    narrowed = dict(filters)
    for call in calls(test):
        if isinstance(call.func, cst.Name) and call.func.value == "isinstance":
            values = positional(call)
            if len(values) == 2 and isinstance(values[0], cst.Name):
                kinds = _kinds(extractor, values[1])
                narrowed[values[0].value] = kinds
    for subject, kinds_node in type_tests(test):
        narrowed[subject] = _kinds(extractor, kinds_node)
    fragment, subject = string_filter(test)
    if fragment and _is_class_name(extractor, subject):
        kinds = {k for k in T.KERNEL_MODULES if fragment in k}
        kinds |= {k for k in T.NORM_MODULES if fragment in k and "Norm" in fragment}
        narrowed["__classname__"] = kinds or {"?" + fragment}
    elif fragment or computed_string_test(test):
        # A filter on module/parameter *names* ('gate' in name, name.startswith('head'), also with
        # a prefix the caller passes: timm's name.startswith(classifier_name)): which layers it
        # selects is unknown, and such special cases are usually deliberate.
        narrowed["__opaque__"] = {"?"}
    return narrowed


def _is_class_name(extractor, subject) -> bool:
    subject = extractor.resolver.deref(subject) if subject is not None else None
    text = dotted(subject) or ""
    if text.endswith("__class__.__name__") or text.endswith("__name__"):
        return True
    if isinstance(subject, cst.Attribute) and subject.attr.value == "__name__":
        return True
    return "class" in text.lower()


def _kinds(extractor, node) -> set:
    if isinstance(node, cst.Tuple):
        kinds = set()
        for element in node.elements:
            kinds |= _kinds(extractor, element.value)
        return kinds
    leaf = extractor.adapter.torch_leaf(node)
    return {leaf} if leaf else {"?" + (dotted(node) or "")}
