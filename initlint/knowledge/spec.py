"""The shape of an initializer table entry, and how a call is turned into an Initializer."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Tuple

from ..facts import VARIANCE_SCALING, Initializer


@dataclass(frozen=True)
class InitSpec:
    kind: str
    params: Tuple[str, ...] = ()  # positional order of the API's parameters (the tensor excluded)
    defaults: Dict[str, object] = field(default_factory=dict)
    fixed: Dict[str, object] = field(default_factory=dict)  # Initializer fields the API fixes
    rename: Dict[str, str] = field(default_factory=dict)  # API parameter -> Initializer field
    adjust: Optional[Callable[[dict], dict]] = None  # derives fields (torch gains) from the others


def fixed_variance_scaling(family: str, scale: float, mode: str, distribution: str) -> InitSpec:
    """A named variance-scaling initializer whose only parameter is the seed (GlorotUniform, he_normal...)."""
    return InitSpec(
        VARIANCE_SCALING,
        ("seed",),
        fixed={"family": family, "scale": scale, "mode": mode, "distribution": distribution},
    )


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


@dataclass(frozen=True)
class LayerArguments:
    """How a layer's constructor names what a frontend reads: one row of a knowledge table."""

    width: str  # the output width or number of filters ("units", "filters")
    width_position: int = 0
    width_is_fan_out: bool = False  # Dense: the width is the kernel's fan-out (a conv's filters are not)
    input_shape: str = ""  # keyword giving the input shape, e.g. input_shape=(784,)
    input_dim: str = ""  # keyword giving the input width
    activation: str = "activation"
    use_bias: str = "use_bias"
    bias_initializer: str = "bias_initializer"
    trainable: str = "trainable"
    # The kernel initializer the layer uses when the call gives none (an implicit default).
    default_init: Optional[Initializer] = None


@dataclass(frozen=True)
class FactoryTable:
    """Tensor factories that give a raw weight its values (`torch.randn(o, i)`, `tf.random_normal([i, o])`)."""

    specs: Dict[str, InitSpec]  # factory name -> what it draws
    shape_from_first_arg: frozenset = frozenset()  # the shape is the first argument only (`full(size, value)`)
    like: frozenset = frozenset()  # the shape is another tensor's (`zeros_like(x)`): unknown
    value_arguments: Dict[str, Tuple[str, int]] = field(default_factory=dict)  # factory -> (keyword, position) of its fill value
