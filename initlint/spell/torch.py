"""PyTorch spellings of the rules' goals, in hints and in replacements.

Replacements keep the user's style: the `nn.init` prefix the call used (`nn.init.`, `init.`,
`torch.nn.init.`), `generator=` and a kaiming `mode=`; a `Tensor.normal_`/`uniform_` method or a
raw `torch.randn(...)` factory gets its std (or limit) computed for the fan-in, written as an
expression (`(2.0 / 784) ** 0.5`) so no import is needed. A leaky ReLU is always written with its
slope (`a=0.2, nonlinearity='leaky_relu'`), so the std the call draws is the std the hint states.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import libcst as cst

from ..facts import LEAKY, TANH, Activation, KernelSite
from ..fixgoal import TENSOR, FixGoal, Say
from ..physics import (
    HE,
    LECUN_NORMAL,
    RELU_GAIN2,
    SCALED,
    gain2_literal,
    number_literal,
    recommended_gain2,
    scheme_for,
)
from ..resolve import dotted, keyword, positional
from . import FileContext, Speller, site_uniform, slot_uniform

HINT_PREFIX = "nn.init"  # how hints spell torch.nn.init (the usual `import torch.nn as nn`)
GAIN_FAMILIES = ("xavier",)  # nn.init functions that take a `gain=`


def function_name(scheme: str, uniform: bool) -> str:
    if scheme == HE:
        return "kaiming_uniform_" if uniform else "kaiming_normal_"
    if scheme == LECUN_NORMAL:
        return "kaiming_normal_"  # with nonlinearity='linear': N(0, 1/fan_in)
    return "xavier_uniform_" if uniform else "xavier_normal_"


def _leaky(activation: Optional[Activation]) -> bool:
    return activation is not None and activation.family == LEAKY


def nonlinearity_args(activation: Optional[Activation], string) -> List[str]:
    """kaiming_* arguments for a ReLU-family activation (the slope for a leaky one)."""
    if not _leaky(activation):
        return [f"nonlinearity={string('relu')}"]
    slope = [f"a={number_literal(activation.slope)}"] if activation.slope is not None else []
    return slope + [f"nonlinearity={string('leaky_relu')}"]


def gain_call(prefix: str, activation: Optional[Activation], string) -> str:
    """`calculate_gain` for a ReLU-family activation (leaky with its slope)."""
    if _leaky(activation) and activation.slope is not None:
        return f"{prefix}.calculate_gain({string('leaky_relu')}, {number_literal(activation.slope)})"
    if _leaky(activation):
        return f"{prefix}.calculate_gain({string('leaky_relu')})"
    return f"{prefix}.calculate_gain({string('relu')})"


def init_call(prefix: str, scheme: str, uniform: bool, activation: Optional[Activation], tensor: str, string,
              extras: Sequence[str] = (), mode: Optional[str] = None) -> str:
    """The nn.init call that draws `tensor` from `scheme` for `activation`."""
    args = [tensor]
    if scheme == HE:
        if mode is not None:
            args.append(f"mode={mode}")
        args.extend(nonlinearity_args(activation, string))
    elif scheme == LECUN_NORMAL:
        if mode is not None:
            args.append(f"mode={mode}")
        args.append(f"nonlinearity={string('linear')}")
    elif activation is not None and activation.family == TANH:
        args.append(f"gain={prefix}.calculate_gain({string('tanh')})")
    return f"{prefix}.{function_name(scheme, uniform)}({', '.join(args + list(extras))})"


def _single(value: str) -> str:
    return f"'{value}'"


def init_prefix(context: FileContext) -> Optional[str]:
    """How this file can spell torch.nn.init without a new import."""
    aliases = sorted(context.resolver.aliases.items())
    for wanted, suffix in (("torch.nn.init", ""), ("torch.nn", ".init"), ("torch", ".nn.init")):
        for alias, name in aliases:
            if name == wanted:
                return alias + suffix
    return None


class TorchSpeller(Speller):
    framework = "torch"

    def say(self, slot: Say, site: KernelSite) -> Optional[str]:
        if slot.scheme == TENSOR:
            g2 = gain2_literal(recommended_gain2(slot.activation))
            return f"`torch.randn(n_in, n_out) * ({g2} / n_in) ** 0.5`"
        uniform = slot_uniform(slot, site)
        if slot.bare and slot.scheme != LECUN_NORMAL:
            return f"`{HINT_PREFIX}.{function_name(slot.scheme, uniform)}`"
        text = f"`{init_call(HINT_PREFIX, slot.scheme, uniform, slot.activation, 'w', _single)}`"
        if slot.or_gain and slot.scheme == HE and site.init.family in GAIN_FAMILIES:
            text += f", or pass `gain={gain_call(HINT_PREFIX, slot.activation, _single)}`"
        return text

    def render(self, site: KernelSite, goal: FixGoal, context: FileContext) -> Tuple[Optional[str], str]:
        anchor = site.anchor
        if not isinstance(anchor, cst.Call):
            return None, ""
        func = anchor.func
        name = dotted(func) or ""
        leaf = name.rsplit(".", 1)[-1]
        if site.init.unscaled_factory:
            return _render_factory(site, goal, context)
        if isinstance(func, cst.Attribute) and leaf in ("normal_", "uniform_") and not context.resolver.qualified(func):
            return _render_tensor_method(site, goal, context)
        # an nn.init function
        values = positional(anchor)
        tensor = keyword(anchor, "tensor") or (values[0] if values else None)
        if tensor is None:
            return None, ""
        prefix = name.rsplit(".", 1)[0] if "." in name else None
        tensor_text = context.code(tensor)
        extras = []
        generator = keyword(anchor, "generator")
        if generator is not None:
            extras.append(f"generator={context.code(generator)}")
        uniform = site_uniform(site)
        target = goal.goal
        if target == SCALED:
            smallest = _scale_arguments(anchor, leaf, goal, context)
            if smallest is not None:
                return smallest
            target = scheme_for(goal.activation)
            if prefix is None:
                if goal.fan_in is None:
                    return None, "Use a fan-in-scaled initializer (needs an import)"
                return _scaled_function(goal, leaf, tensor_text, extras)
        if prefix is None:
            return None, f"Use `{function_name(target, uniform)}` (needs an import)"
        call = _call(prefix, target, uniform, goal.activation, tensor_text, extras, context, anchor, site)
        return call, f"Use `{call}`"


def _call(prefix, target, uniform, activation, tensor_text, extras, context, anchor, site) -> str:
    mode = keyword(anchor, "mode") if target == HE and site.init.family == "kaiming" else None
    mode_text = context.code(mode) if mode is not None else None
    if target in (HE, LECUN_NORMAL) and _fan_in_is_axis_0(site):
        mode_text = context.string("fan_out")  # torch's fan_out is size(0): the fan-in of `x @ W`
    return init_call(prefix, target, uniform, activation, tensor_text, context.string, extras, mode_text)


def _fan_in_is_axis_0(site: KernelSite) -> bool:
    """A raw 2-D parameter used as `x @ W`, laid out (in, out): torch's kaiming_* `mode="fan_in"`
    reads size(1), its fan-out, so the kaiming call needs `mode="fan_out"` to scale by the fan-in."""
    return bool(site.layers) and all(layer.fan_in_axis == 0 for layer in site.layers)


def _scale_arguments(anchor: cst.Call, leaf: str, goal: FixGoal, context) -> Optional[Tuple[str, str]]:
    """The call as written with only its scale changed (the std of normal_ / trunc_normal_, the
    bounds of uniform_): every other argument, comment and line break kept. None when the fan-in
    is unknown, or the call gives no scale to edit and rewriting it whole loses nothing."""
    if goal.fan_in is None or leaf not in ("normal_", "trunc_normal_", "uniform_"):
        return None
    whole = context.offset_range(anchor)
    args = list(anchor.args)
    if whole is None or any(a.star for a in args):
        return None
    g2 = recommended_gain2(goal.activation)
    edits = []  # (node whose source is replaced, or None to insert after `after`, text)
    if leaf == "uniform_":
        low, high = _argument(args, "a", 1), _argument(args, "b", 2)
        if low is None or high is None:
            return None
        limit = _limit(g2, goal.fan_in)
        edits = [(low.value, f"-{limit}"), (high.value, limit)]
        message = f"Use the bounds `-{limit}, {limit}`"
    else:
        std = _argument(args, "std", 2)
        message = f"Use `std={_std(g2, goal.fan_in)}`"
        if std is not None:
            edits = [(std.value, _std(g2, goal.fan_in))]
        else:
            kept = "#" in context.code(anchor) or any(
                a.keyword is not None and a.keyword.value not in ("tensor", "mean", "generator") for a in args)
            if not kept or not args or (len([a for a in args if a.keyword is None]) > 2):
                return None  # `normal_(w)`: rewritten whole (nothing in it to keep)
            edits = [(None, f", std={_std(g2, goal.fan_in)}")]
    source = context.text[whole[0]:whole[1]]
    spliced = []
    for node, text in edits:
        where = context.offset_range(node if node is not None else args[-1].value)
        if where is None:
            return None
        begin, end = (where[0], where[1]) if node is not None else (where[1], where[1])
        spliced.append((begin - whole[0], end - whole[0], text))
    for begin, end, text in sorted(spliced, reverse=True):
        source = source[:begin] + text + source[end:]
    return source, message


def _argument(args, name: str, position: int):
    """The argument passed as `name=` or at `position`, or None."""
    for a in args:
        if a.keyword is not None and a.keyword.value == name:
            return a
    positional_args = [a for a in args if a.keyword is None]
    return positional_args[position] if len(positional_args) > position else None


def _limit(gain2: float, fan_in: str) -> str:
    """The uniform limit sqrt(3·g²/fan_in) as an expression."""
    return f"({number_literal(3 * gain2)} / {fan_in}) ** 0.5"


def _std(gain2: float, fan_in: str) -> str:
    return f"({gain2_literal(gain2)} / {fan_in}) ** 0.5"


def _scaled_function(goal, leaf, tensor_text, extras):
    g2 = recommended_gain2(goal.activation)
    n = goal.fan_in
    tail = "".join(", " + e for e in extras)
    if "uniform" in leaf:
        limit = _limit(g2, n)
        text = f"{leaf}({tensor_text}, -{limit}, {limit}{tail})"
    else:
        text = f"{leaf}({tensor_text}, mean=0.0, std={_std(g2, n)}{tail})"
    return text, f"Use `{text}`"


def _render_tensor_method(site, goal, context):
    anchor = site.anchor
    receiver = context.code(anchor.func.value)
    method = anchor.func.attr.value
    g2 = recommended_gain2(goal.activation)
    if goal.fan_in:
        n = goal.fan_in
        if method == "uniform_":
            limit = _limit(g2, n)
            text = f"{receiver}.uniform_(-{limit}, {limit})"
        else:
            text = f"{receiver}.normal_(0.0, {_std(g2, n)})"
        return text, f"Use `{text}`"
    prefix = init_prefix(context)
    if prefix is None:
        return None, "Scale the weights by the fan-in"
    target = scheme_for(goal.activation)
    call = _call(prefix, target, method == "uniform_", goal.activation, receiver, [], context, anchor, site)
    return call, f"Use `{call}`"


def _render_factory(site, goal, context):
    anchor = site.anchor
    values = positional(anchor)
    if goal.fan_in_axis is None or len(values) < 2 or goal.fan_in_axis >= len(values):
        return None, f"Scale the tensor by its fan-in, e.g. `* {_std(RELU_GAIN2, 'fan_in')}`"
    dim = values[goal.fan_in_axis]
    dim_text = context.code(dim)
    if not isinstance(dim, (cst.Name, cst.Integer, cst.Attribute)):
        dim_text = f"({dim_text})"
    g2 = recommended_gain2(goal.activation)
    code = context.code(anchor)
    if site.init.kind == "uniform":
        text = f"({code} * 2 - 1) * {_limit(g2, dim_text)}"
    else:
        text = f"{code} * {_std(g2, dim_text)}"
    return text, f"Use `{text}`"


SPELLER = TorchSpeller()
