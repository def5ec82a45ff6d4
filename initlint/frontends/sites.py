"""Turning the graph's nodes and init records into KernelSites (shared by the frontends)."""
from __future__ import annotations

from typing import Dict, Iterable, List

import libcst as cst

from ..facts import CONSTANT, HIDDEN, KernelSite, LayerContext
from ..knowledge.intent import deliberate_name
from .base import code
from .graph import InitRecord, Node


def _is_constant(node: Node) -> bool:
    record = node.effective_init()
    return record is not None and record.init.kind == CONSTANT


def _is_zero(node: Node) -> bool:
    """Zero as a factor of a product sees it: a constant partner of any other value still passes a gradient."""
    record = node.effective_init()
    return record is not None and record.init.kind == CONSTANT and record.init.value == 0


def context(node: Node, predecessors: Dict[Node, set]) -> LayerContext:
    neighbours = set(node.next_kernels) | predecessors.get(node, set())
    partners = (set(node.partners) - node.shifted_partners) | set(node.fed_directly_by) | set(node.feeds_directly)
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
        partner_constant=any(_is_zero(n) for n in partners if n is not node),
        first_layer=not predecessors.get(node),
        rescaled=node.rescaled,
        fan_in_axis=node.fan_in_axis,
        proven_hidden=bool(node.proven_next) and node.role() == HIDDEN,
        deliberate_name=deliberate_name(node.name),
    )


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
        effective = node.effective_inits()
        for record in node.inits:
            key = id(record.group) if record.group is not None else id(record)
            if key not in records:
                records[key] = record
                order.append(key)
                groups[key] = []
            if any(record is e for e in effective):
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
            )
        )
    for record in loose:
        named = deliberate_name(_target_text(record.anchor))
        sites.append(KernelSite(framework, record.init, record.anchor, (), record.shared, record.ndim,
                                deliberate_name=named))
    return sites


def _target_text(anchor) -> str:
    """The tensor an init call sets, as written (`module.lora_B.weight`), for the G5 names of a layer we cannot see."""
    if not isinstance(anchor, cst.Call):
        return ""
    # nn.init.zeros_(module.lora_B.weight) or module.lora_B.weight.data.zero_(): the receiver and the
    # first argument (an init module's name says nothing either way).
    receiver = code(anchor.func.value) if isinstance(anchor.func, cst.Attribute) else ""
    first = code(anchor.args[0].value) if anchor.args else ""
    return f"{receiver} {first}"
