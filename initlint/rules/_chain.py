"""Chain severity (init-knowledge §2.6, §5.2, §5.5.5): what a chain of kernel layers does to the
scale of the activations, and which severity that earns.

Each layer of a chain multiplies the second moment of the activations by its variance ratio
`r = g²_eff / g²_rec` (the initializer's `fan_in·Var(W)` over what its activation needs). Over a
chain with no normalization and no residual join the factors multiply: the chain's *product*. The
output layer is left out (it sets the output's scale, which a loss or a softmax takes as it is).
The thresholds on the product are the run's `chain_thresholds` (`chain-info`, `chain-warning`,
`chain-error` in `[tool.initlint]`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Optional

from ..diagnostics import ERROR, INFO, WARNING
from ..facts import CONSTANT, IDENTITY, NORMAL, ORTHOGONAL, TRUNCATED_NORMAL, UNIFORM, VARIANCE_SCALING, Chain, ChainLink
from ..physics import DEFAULT_CHAIN_THRESHOLDS, effective_gain2, recommended_gain2, weight_std
from ._variance import activation_text, family_label


@dataclass(frozen=True)
class ChainScale:
    """The part of a chain that is judged: `layers` kernel layers before the output, whose variance
    ratios multiply to `product`; `label` names them when they are all alike ("Glorot+ReLU")."""

    chain: Chain
    layers: int
    product: float
    label: str


def link_gain2(link: ChainLink) -> Optional[float]:
    """g²_eff = fan_in·Var(W) of the layer's initializer, None when it cannot be known."""
    init = link.init
    if init is None:
        return None
    if init.kind == VARIANCE_SCALING:
        return effective_gain2(init, link.fan_in, link.fan_out)
    if init.kind == ORTHOGONAL:
        return init.gain * init.gain if init.gain is not None else None
    if init.kind in (NORMAL, TRUNCATED_NORMAL, UNIFORM) and link.fan_in:
        std = weight_std(init)
        return link.fan_in * std * std if std is not None else None
    return None  # constants and identities are other rules' business; unknown kinds are not guessed


def link_ratio(link: ChainLink) -> Optional[float]:
    gain2 = link_gain2(link)
    if gain2 is None or gain2 <= 0:
        return None
    return gain2 / recommended_gain2(link.activation)


def _label(link: ChainLink) -> str:
    init = link.init
    if init is None:
        return ""
    if link.implicit:
        name = init.display[4:] if init.display.startswith("the ") else init.display
    elif init.kind in (NORMAL, TRUNCATED_NORMAL, UNIFORM):
        std = weight_std(init)
        name = f"{init.kind.replace('_', ' ')} (std {std:.3g})" if std is not None else init.kind
    else:
        name = family_label(init)
    return f"{name}+{activation_text(link.activation)}"


def chain_scale(chain: Optional[Chain]) -> Optional[ChainScale]:
    """The product of the variance ratios of the chain's layers before its output (layers whose
    scale cannot be known count as 1), or None without a chain."""
    if chain is None:
        return None
    links = [link for link in chain.links if not link.output]
    product = 1.0
    counted = 0
    labels = set()
    for link in links:
        if link.init is not None and link.init.kind in (CONSTANT, IDENTITY):
            continue
        ratio = link_ratio(link)
        if ratio is None:
            continue
        product *= ratio ** link.repeat
        counted += link.repeat
        labels.add(_label(link))
    label = next(iter(labels)) if len(labels) == 1 and "" not in labels else "kernel"
    return ChainScale(chain, counted, product, label)


def worst(chains: Iterable[Optional[Chain]]) -> Optional[ChainScale]:
    """The chain that shrinks the activations most."""
    scales = [scale for scale in (chain_scale(chain) for chain in chains) if scale is not None and scale.layers]
    return min(scales, key=lambda scale: (scale.product, -scale.layers)) if scales else None


def thresholds(options) -> tuple:
    return getattr(options, "chain_thresholds", None) or DEFAULT_CHAIN_THRESHOLDS


def shrink_severity(product: float, options) -> Optional[str]:
    """error / warning / info below the error / warning / info thresholds; None above them all."""
    info, warning, error = thresholds(options)
    if product < error:
        return ERROR
    if product < warning:
        return WARNING
    if product < info:
        return INFO
    return None


def power_text(value: float) -> str:
    """1e-9 as "10^-9" (to the nearest power of ten)."""
    if value <= 0:
        return "0"
    return f"10^{round(math.log10(value))}"


def chain_text(scale: ChainScale) -> str:
    """'30 Glorot+ReLU layers in a row: activations shrink by about 10^-9 before the output'."""
    layers = f"{scale.layers} {scale.label} layers" if scale.label != "kernel" else f"{scale.layers} kernel layers"
    return (f"{layers} in a row with no normalization or residual connection between them: activations shrink by "
            f"about {power_text(scale.product)} (in variance) before the output")
