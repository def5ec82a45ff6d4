"""Turning the graph's nodes and init records into KernelSites (shared by the frontends)."""
from __future__ import annotations

from typing import Dict, Iterable, List

from ..facts import CONSTANT, KernelSite, LayerContext
from .graph import InitRecord, Node


def _is_constant(node: Node) -> bool:
    record = node.effective_init()
    return record is not None and record.init.kind == CONSTANT


def context(node: Node, predecessors: Dict[Node, set]) -> LayerContext:
    neighbours = set(node.next_kernels) | predecessors.get(node, set())
    partners = set(node.partners) | set(node.fed_directly_by)
    return LayerContext(
        name=node.name,
        kind=node.kind,
        activation=node.activation(),
        norm_after=node.norm_after,
        role=node.role(),
        fan_in=node.fan_in,
        fan_out=node.fan_out,
        embedding=node.embedding,
        frozen=node.frozen,
        bias=node.bias,
        constant_neighbour=any(_is_constant(n) for n in neighbours if n is not node),
        partner_constant=any(_is_constant(n) for n in partners if n is not node),
        first_layer=not predecessors.get(node),
        rescaled=node.rescaled or node.fourier,  # a Fourier projection's scale is its bandwidth, not a bug
        fan_in_axis=node.fan_in_axis,
    )


def effective_entries(effective) -> tuple:
    return effective.alternatives if effective is not None else ()


def _expanded(records, effective):
    """A table-loop record stands for its entries (a site each); the entry records are shared by
    every layer the loop builds, so one entry that reaches two layers is one site naming both."""
    for record in records:
        if record.alternatives:
            yield from record.alternatives
        else:
            yield record


def build_sites(framework: str, nodes: Iterable[Node], loose: Iterable[InitRecord] = ()) -> List[KernelSite]:
    """One site per init call: a shared call (apply/modules loop) covers every node it is effective for.

    `loose` are init records whose target layers are unknown (their context stays unknown).
    """
    nodes = list(nodes)
    predecessors: Dict[Node, set] = {}
    for node in nodes:
        for successor in node.next_kernels:
            predecessors.setdefault(successor, set()).add(node)
    groups: Dict[int, list] = {}
    records: Dict[int, InitRecord] = {}
    order: List[int] = []
    for node in nodes:
        if node.kind == "Parameter" and not node.applied:
            continue  # G1: a raw parameter is a kernel only when used as a matmul weight
        effective = node.effective_init()
        for record in _expanded(node.inits, effective):
            key = id(record.group) if record.group is not None else id(record)
            if key not in records:
                records[key] = record
                order.append(key)
                groups[key] = []
            if record is effective or record in effective_entries(effective):
                groups[key].append(node)
    sites = []
    for key in order:
        record = records[key]
        covered = groups[key]
        if not covered:
            continue  # overridden by a later init everywhere it applied
        sites.append(
            KernelSite(
                framework=framework,
                init=record.init,
                anchor=record.anchor,
                layers=tuple(context(node, predecessors) for node in covered),
                shared=record.shared,
                ndim=record.ndim,
                confidence=record.confidence,
            )
        )
    for record in loose:
        sites.append(KernelSite(framework, record.init, record.anchor, (), record.shared, record.ndim,
                                confidence=record.confidence))
    return sites
