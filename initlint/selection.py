"""Rule selection: exact codes, prefixes (`IL2`) and `ALL`, resolved the way ruff does.

A selection is made of layers (the configuration file, then the command line). Each layer has an
optional `select`, plus `extend-select` and `ignore`. Within a layer, selectors are applied from
the least specific (`ALL`) to the most specific (an exact code), and at equal specificity an
`ignore` beats a `select`: so `select = ["IL"]`, `ignore = ["IL101"]` turns IL101 off, while
`select = ["IL101"]`, `ignore = ["IL1"]` keeps it on. A layer with `select` starts afresh; a layer
without one adjusts what the layers before it enabled.

The codes always come from the rule registry (`initlint.rules`), never from a list kept here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

ALL = "ALL"
# Codes that no selection, ignore or per-file-ignore can turn off (as ruff's syntax errors): a file
# initlint could not analyze must never look clean.
ALWAYS_ON: FrozenSet[str] = frozenset({"IL000"})


class SelectionError(ValueError):
    """An unknown rule code or prefix (the message lists the valid codes)."""


def registry_codes() -> Tuple[str, ...]:
    """Every rule code in the registry, sorted."""
    from .rules import ALL_RULES

    return tuple(sorted(rule.code for rule in ALL_RULES))


def registry_defaults() -> FrozenSet[str]:
    from .rules import default_codes

    return frozenset(default_codes())


def split_selectors(values: Iterable[str]) -> Tuple[str, ...]:
    """'IL1, IL201' and repeated options -> ('IL1', 'IL201'), upper-cased, empties dropped."""
    out: List[str] = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if part:
                out.append(part.upper())
    return tuple(out)


def specificity(selector: str) -> int:
    return 0 if selector == ALL else len(selector)


def valid_codes_text(codes: Sequence[str]) -> str:
    return "valid codes: " + ", ".join(codes) + " (prefixes such as IL1, and ALL, also work)"


def expand(selector: str, codes: Sequence[str], where: str = "") -> FrozenSet[str]:
    """The codes a selector stands for; SelectionError when it stands for none."""
    selector = selector.strip().upper()
    if selector == ALL:
        return frozenset(codes)
    matched = frozenset(code for code in codes if code.startswith(selector)) if selector else frozenset()
    if not matched:
        place = f" in {where}" if where else ""
        raise SelectionError(f"unknown rule code or prefix {selector!r}{place}; {valid_codes_text(codes)}")
    return matched


def check_selectors(selectors: Iterable[str], codes: Sequence[str], where: str = "") -> None:
    for selector in selectors:
        expand(selector, codes, where)


@dataclass(frozen=True)
class RuleSelection:
    """One layer. `select=None`: this layer does not say (keep what came before)."""

    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()


def resolve(
    layers: Sequence[RuleSelection],
    codes: Optional[Sequence[str]] = None,
    defaults: Optional[Iterable[str]] = None,
) -> FrozenSet[str]:
    """The enabled codes after applying `layers` in order on top of the default rules."""
    codes = tuple(codes) if codes is not None else registry_codes()
    enabled = set(defaults if defaults is not None else registry_defaults())
    for layer in layers:
        updates: Dict[str, bool] = {}
        chosen = list(layer.select or ()) + list(layer.extend_select)
        for level in sorted({specificity(s) for s in chosen} | {specificity(s) for s in layer.ignore}):
            for selector in chosen:
                if specificity(selector) == level:
                    for code in expand(selector, codes):
                        updates[code] = True
            for selector in layer.ignore:
                if specificity(selector) == level:
                    for code in expand(selector, codes):
                        updates[code] = False
        if layer.select is not None:
            enabled = {code for code, on in updates.items() if on}
        else:
            for code, on in updates.items():
                if on:
                    enabled.add(code)
                else:
                    enabled.discard(code)
    return frozenset(enabled)


def codes_for(selectors: Iterable[str], codes: Optional[Sequence[str]] = None) -> FrozenSet[str]:
    """The union of what `selectors` stand for (per-file-ignores)."""
    codes = tuple(codes) if codes is not None else registry_codes()
    out: set = set()
    for selector in selectors:
        out |= expand(selector, codes)
    return frozenset(out)


__all__ = [
    "ALL",
    "ALWAYS_ON",
    "RuleSelection",
    "SelectionError",
    "check_selectors",
    "codes_for",
    "expand",
    "registry_codes",
    "registry_defaults",
    "resolve",
    "split_selectors",
]
