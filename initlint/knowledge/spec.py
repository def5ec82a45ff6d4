"""The shape of an initializer table entry, and how a call is turned into an Initializer."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Tuple

from ..facts import Initializer


@dataclass(frozen=True)
class InitSpec:
    kind: str
    params: Tuple[str, ...] = ()  # positional order of the API's parameters (the tensor excluded)
    defaults: Dict[str, object] = field(default_factory=dict)
    fixed: Dict[str, object] = field(default_factory=dict)  # Initializer fields the API fixes
    rename: Dict[str, str] = field(default_factory=dict)  # API parameter -> Initializer field
    adjust: Optional[Callable[[dict], dict]] = None  # derives fields (torch gains) from the others


_FIELDS = set(Initializer.__dataclass_fields__)
# Fields whose static value must have this type; a value of another type (`std="he_normal"`,
# `mode=3`, `a="x"`) is as unknown as a non-literal one: None.
_NUMBERS = ("value", "mean", "stddev", "minval", "maxval", "scale", "gain", "alternative_stddev")
_STRINGS = ("family", "mode", "distribution", "nonlinearity")


def build(spec: InitSpec, display: str, given: Dict[str, object]) -> Initializer:
    """`given` maps API parameter names to static values (None when present but unknown)."""
    values = dict(spec.defaults)
    values.update(given)
    fields = dict(spec.fixed)
    for name, value in values.items():
        target = spec.rename.get(name, name)
        if target not in spec.fixed:
            fields[target] = value
    for name, value in fields.items():
        if name in _STRINGS:
            wrong = not isinstance(value, str)
        elif name in _NUMBERS:
            wrong = isinstance(value, bool) or not isinstance(value, (int, float))
        else:  # the API's other parameters (torch's `a`...) are never strings either
            wrong = isinstance(value, str)
        if wrong:
            fields[name] = None
    if spec.adjust is not None:
        fields = spec.adjust(fields)
    fields = {k: v for k, v in fields.items() if k in _FIELDS}
    return Initializer(kind=spec.kind, display=display, **fields)
