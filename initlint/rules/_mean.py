"""Whether an initializer's mean is far from zero (§2.9): IL303 reports it, IL301 leaves such
initializers to IL303."""
from __future__ import annotations

from ..diagnostics import ERROR, WARNING
from ..facts import NORMAL, TRUNCATED_NORMAL, UNIFORM
from ..physics import weight_mean, weight_std
from ._variance import fmt


def nonzero_mean(init):
    """(severity, description) when the initializer's mean is far from zero, else None (§2.9)."""
    if init.kind == UNIFORM:
        low, high = init.minval, init.maxval
        if low is not None and low >= 0 and high is None and init.positive_maxval:
            # U[0, scale) with a computed scale: all positive whatever its size, which is unknown
            return WARNING, f"U[{fmt(low)}, scale) with a positive scale is all positive (mean scale/2)"
        if low is None or high is None or high <= low:
            return None
        if low >= 0 or high <= 0:
            severity = ERROR if max(abs(low), abs(high)) >= 0.1 else WARNING
            return severity, (f"U[{fmt(low)}, {fmt(high)}) is all {'positive' if low >= 0 else 'negative'} "
                              f"(mean {fmt(weight_mean(init))})")
        return None
    if init.kind in (NORMAL, TRUNCATED_NORMAL):
        mean, std = init.mean, weight_std(init)
        if mean is None or std is None or mean == 0:
            return None
        if abs(mean) >= std:
            return ERROR, f"mean {fmt(mean)} is at least its std {fmt(std)}"
        if abs(mean) >= 0.1 * std:
            return WARNING, f"mean {fmt(mean)} is {abs(mean) / std:.0%} of its std {fmt(std)}"
    return None
