"""Turning the graph's nodes and init records into KernelSites (shared by the frontends): one site
per init call, one implicit site per kernel layer the code gives no initializer (its framework's
default), and for every layer the chain of kernel layers it sits in (facts.Chain)."""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Tuple

import libcst as cst

from ..facts import CONSTANT, HIDDEN, OUTPUT, THROUGH_NORM, Chain, ChainLink, KernelSite, LayerContext
from ..knowledge.intent import deliberate_name
from .base import code
from .graph import ChoiceEntry, InitRecord, Node


def _in_effect(node: Node, pick=None) -> list:
    """The inits in effect; when judging one entry of a choice, the entry wherever it applies too."""
    chosen = pick(node) if pick is not None else None
    return [chosen] if chosen is not None else node.effective_inits()


def _is_constant(node: Node, pick=None) -> bool:
    """Constant in some run: an init in effect (one per branch of an `if`) is a constant."""
    return any(record.init.kind == CONSTANT for record in _in_effect(node, pick))


def _is_zero(node: Node, pick=None) -> bool:
    """Zero as a factor of a product sees it: a constant partner of any other value still passes a gradient."""
    return any(record.init.kind == CONSTANT and record.init.value == 0 for record in _in_effect(node, pick))


def _picker(group):
    """For a site of one entry of a choice (a table loop's entry, an option picked at run time): the
    record of that same entry on another layer, so that its neighbours and its chain are seen in the
    run where that entry is chosen."""
    def pick(node: Node) -> Optional[InitRecord]:
        for record in node.effective_inits():
            if record.group is group:
                return record
            for entry in record.alternatives:
                if entry.group is group:
                    return entry
        return None
    return pick


def context(node: Node, predecessors: Dict[Node, set], chain: Optional[Tuple[Chain, int]] = None,
            pick=None) -> LayerContext:
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
        constant_neighbour=any(_is_constant(n, pick) for n in neighbours if n is not node),
        partner_constant=any(_is_zero(n, pick) for n in partners if n is not node),
        first_layer=not predecessors.get(node),
        rescaled=node.rescaled or node.fourier,  # a Fourier projection's scale is its bandwidth, not a bug
        fan_in_axis=node.fan_in_axis,
        repeat=node.repeat,
        chain=chain[0] if chain else None,
        chain_position=chain[1] if chain else None,
        proven_hidden=bool(node.proven_next) and node.role() == HIDDEN,
        deliberate_name=deliberate_name(node.name),
    )


def effective_entries(effective) -> tuple:
    return effective.alternatives if effective is not None else ()


def _expanded(records, effective):
    """A table-loop record stands for its entries (a site each); the entry records are shared by
    every layer the loop builds, so one entry that reaches two layers is one site naming both.
    Yields (record, whether it is one entry of a choice)."""
    for record in records:
        if record.alternatives:
            for entry in record.alternatives:
                yield entry, True
        else:
            yield record, isinstance(record.group, ChoiceEntry)


def _is_kernel(node: Node) -> bool:
    """G1: a raw parameter is a kernel only when used as a matmul weight."""
    return not (node.kind == "Parameter" and not node.applied)


def build_sites(framework: str, nodes: Iterable[Node], loose: Iterable[InitRecord] = (),
                defaults: Optional[bool] = None) -> List[KernelSite]:
    """One site per init call: a shared call (apply/modules loop) covers every node it is effective for.

    `loose` are init records whose target layers are unknown (their context stays unknown). Kernel
    layers the code gives no initializer get an implicit site with their framework's default,
    anchored at the layer's constructor call, unless `defaults` is False: init code whose targets
    are not known (loose records, a `weights_init(m)` applied from elsewhere) may reach them.
    """
    nodes = list(nodes)
    loose = list(loose)
    if defaults is None:
        defaults = not loose
    predecessors: Dict[Node, set] = {}
    for node in nodes:
        for successor in node.next_kernels:
            predecessors.setdefault(successor, set()).add(node)
    chains = chains_of(nodes, defaults)
    groups: Dict[int, list] = {}
    records: Dict[int, InitRecord] = {}
    order: List[int] = []
    entries = set()  # keys of sites that are one entry of a choice
    implicit: List[Node] = []
    for node in nodes:
        if not _is_kernel(node):
            continue
        if not node.inits and defaults and node.default_init is not None and node.constructor is not None:
            implicit.append(node)
        effective = node.effective_inits()
        for record, entry in _expanded(node.inits, effective):
            key = id(record.group) if record.group is not None else id(record)
            if entry:
                entries.add(key)
            if key not in records:
                records[key] = record
                order.append(key)
                groups[key] = []
            if any(record is e or record in effective_entries(e) for e in effective):
                groups[key].append(node)
    sites = []
    for key in order:
        record = records[key]
        covered = groups[key]
        if not covered:
            continue  # overridden by a later init everywhere it applied
        pick = _picker(record.group) if key in entries and record.group is not None else None
        seen = chains_of(nodes, defaults, pick) if pick is not None else chains
        sites.append(
            KernelSite(
                framework=framework,
                init=record.init,
                anchor=record.anchor,
                layers=tuple(context(node, predecessors, seen.get(node), pick) for node in covered),
                shared=record.shared,
                ndim=record.ndim,
                confidence=record.confidence,
            )
        )
    for record in loose:
        named = deliberate_name(_target_text(record.anchor))
        sites.append(KernelSite(framework, record.init, record.anchor, (), record.shared, record.ndim,
                                confidence=record.confidence, deliberate_name=named))
    for node in implicit:
        sites.append(KernelSite(framework, node.default_init, node.constructor,
                                (context(node, predecessors, chains.get(node)),), implicit=True))
    return sites


# ----- chains -----
def _chained_repeat(node: Node) -> int:
    """The layers of a loop-built node that follow one another: all of them when the loop feeds the
    layer's output back into it without a norm (`for layer in layers: x = relu(layer(x))`), else one
    (`x = x + relu(block(x))`: each iteration is a residual branch of its own)."""
    if node.repeat > 1 and not (node.gated or node.residual) and node.links.get(node) not in (None, THROUGH_NORM):
        return node.repeat
    return 1


def _link(node: Node, defaults: bool, pick=None) -> ChainLink:
    record = (pick(node) if pick is not None else None) or node.effective_init()
    init = record.init if record is not None else node.default_init if defaults else None
    return ChainLink(node.name, node.kind, init, implicit=record is None and init is not None,
                     activation=node.activation(), fan_in=node.fan_in, fan_out=node.fan_out,
                     repeat=_chained_repeat(node), output=node.role() == OUTPUT)


def chains_of(nodes: List[Node], defaults: bool = True, pick=None) -> Dict[Node, Tuple[Chain, int]]:
    """For each kernel node, the longest chain through it and its position there: kernel layers each fed by the previous
    one (through an activation or directly), with no normalization and no residual join between
    them (§5.5.5). A join or a gate ends a chain at the layer whose output meets it; a norm
    between two layers ends it too. Lengths count a layer built in a loop once per iteration."""
    index = {node: position for position, node in enumerate(nodes)}
    members = [node for node in nodes if _is_kernel(node) and not node.embedding]
    member_set = set(members)
    forward: Dict[Node, List[Node]] = {}
    backward: Dict[Node, List[Node]] = {node: [] for node in members}
    for node in members:
        successors = []
        if not (node.gated or node.residual):
            successors = sorted((n for n, through in node.links.items()
                                 if through != THROUGH_NORM and n in member_set and n is not node), key=index.get)
        forward[node] = successors
        for successor in successors:
            backward[successor].append(node)
    weight = {node: _chained_repeat(node) for node in members}
    down = _longest(members, forward, weight)
    up = _longest(members, backward, weight)
    made: Dict[Tuple[int, ...], Chain] = {}
    links: Dict[Node, ChainLink] = {}
    result: Dict[Node, Tuple[Chain, int]] = {}
    for node in members:
        before = _path(up, node)[1:][::-1]
        path = before + _path(down, node)
        key = tuple(index[n] for n in path)
        chain = made.get(key)
        if chain is None:
            for n in path:
                if n not in links:
                    links[n] = _link(n, defaults, pick)
            chain = made[key] = Chain(tuple(links[n] for n in path))
        result[node] = (chain, len(before))
    return result


def _path(best: Dict[Node, tuple], node: Node) -> List[Node]:
    path = [node]
    seen = {node}
    step = best.get(node, (0, None))[1]
    while step is not None and step not in seen:
        path.append(step)
        seen.add(step)
        step = best.get(step, (0, None))[1]
    return path


def _longest(nodes: List[Node], successors: Dict[Node, List[Node]], weight: Dict[Node, int]) -> Dict[Node, tuple]:
    """node -> (length of the longest path starting at it, its next node): an iterative depth-first
    walk (deep models must not exhaust Python's stack); an edge back into the walk (a loop) is ignored."""
    best: Dict[Node, tuple] = {}
    visiting = set()
    for root in nodes:
        if root in best:
            continue
        visiting.add(root)
        stack = [(root, iter(successors.get(root, ())))]
        while stack:
            node, pending = stack[-1]
            advanced = False
            for successor in pending:
                if successor not in best and successor not in visiting:
                    visiting.add(successor)
                    stack.append((successor, iter(successors.get(successor, ()))))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            visiting.discard(node)
            choice = (weight[node], None)
            for successor in successors.get(node, ()):
                if successor in best and weight[node] + best[successor][0] > choice[0]:
                    choice = (weight[node] + best[successor][0], successor)
            best[node] = choice
    return best



def _target_text(anchor) -> str:
    """The tensor an init call sets, as written (`module.lora_B.weight`), for the G5 names of a layer we cannot see."""
    if not isinstance(anchor, cst.Call):
        return ""
    # nn.init.zeros_(module.lora_B.weight) or module.lora_B.weight.data.zero_(): the receiver and the
    # first argument (an init module's name says nothing either way).
    receiver = code(anchor.func.value) if isinstance(anchor.func, cst.Attribute) else ""
    first = code(anchor.args[0].value) if anchor.args else ""
    return f"{receiver} {first}"
