"""The abstract values the dataflow interpreter computes, and how they merge.

A value is a `Flow` (tensors that still carry kernel outputs), a raw weight (`ParamRef`), a product
of raw weights (`ParamProduct`), an item (a layer, a container), a list of values, or `CONST`.
"""
from __future__ import annotations

from typing import Optional

from .graph import ChainItem, Flow, GroupItem, ParamProduct, ParamRef, Tap

class Const:
    """A non-tensor value (a number, a string)."""


CONST = Const()


def params_of(value) -> list:
    if isinstance(value, ParamRef):
        return [value.node]
    if isinstance(value, ParamProduct):
        return list(value.nodes)
    return []


def as_flow(value) -> Optional[Flow]:
    if isinstance(value, Flow):
        return value
    if isinstance(value, ParamRef):
        return Flow(frozenset({Tap(value.node)}))
    if isinstance(value, list):
        flows = [as_flow(v) for v in value]
        flows = [f for f in flows if f is not None]
        if flows:
            result = flows[0]
            for flow in flows[1:]:
                result = result.union(flow)
            return result
    return None


def flatten(values: list) -> list:
    flat = []
    for value in values:
        if isinstance(value, list):
            flat.extend(flatten(value))
        else:
            flat.append(value)
    return flat


def merge(a, b):
    if a is None or a is CONST:
        return b if b is not None else a
    if b is None or b is CONST:
        return a
    if isinstance(a, Flow) and isinstance(b, Flow):
        return a.union(b)
    if isinstance(b, (ParamRef, ParamProduct)) and isinstance(a, Flow):
        return b  # `w[idx] if c else w`: what matters downstream is that it is the weight
    return a


def merge_all(values: list):
    result = None
    for value in values:
        result = merge(result, value)
    return result


def merge_env(env: dict, first: dict, second: dict) -> None:
    for name in set(first) | set(second):
        a, b = first.get(name), second.get(name)
        env[name] = merge(a, b) if a is not None and b is not None else (a if a is not None else b)


def element_of(iterable):
    if isinstance(iterable, (ChainItem, GroupItem)):
        return GroupItem(list(iterable.items))
    if isinstance(iterable, list):
        items = [v for v in iterable if not isinstance(v, Flow)]
        if items and len(items) == len(iterable):
            return GroupItem(items)
        return merge_all(iterable)
    if isinstance(iterable, Flow):
        return iterable
    return None


def split_flow(value):
    if isinstance(value, Flow):
        return value
    return None
