"""TensorFlow 1 spellings: a raw factory keeps its call with the computed spread
(`tf.random_normal(shape, stddev=0.0505)`, `tf.truncated_normal` with the 0.8796 correction,
`tf.random_uniform` with +-limit), and initializer objects stay TF1 initializer objects."""
from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from ..facts import KernelSite
from ..fixgoal import TENSOR, FixGoal, Say
from ..physics import (
    GLOROT,
    HE,
    LECUN_NORMAL,
    RELU_GAIN2,
    SCALED,
    gain2_literal,
    number_literal,
    recommended_gain2,
    scheme_for,
    std_for,
    truncated_stddev,
    uniform_limit,
)
from ..resolve import keyword, positional
from . import FileContext, Speller, site_uniform, slot_uniform

HINTS = {
    HE: "tf.contrib.layers.variance_scaling_initializer()",
    GLOROT: "tf.glorot_{}_initializer()",
}
SPREAD = ("mean", "stddev", "minval", "maxval")
FIXED_SCALE = {"random_normal_initializer", "truncated_normal_initializer", "random_uniform_initializer"}
LOOP_FIX = ("The shape comes from a loop's variables: scale the stddev with the fan-in in the loop, "
            "`stddev=(2.0 / n_in) ** 0.5` for ReLU (1.0 for tanh, sigmoid or no activation)")
HELPER_FIX = ("Scale the stddev by each call's fan-in, e.g. `stddev=(2.0 / shape[-2]) ** 0.5` for a matrix "
              "(this factory serves several shapes)")


class TF1Speller(Speller):
    framework = "tf1"

    def say(self, slot: Say, site: KernelSite) -> Optional[str]:
        if slot.scheme == TENSOR:
            g2 = gain2_literal(recommended_gain2(slot.activation))
            return f"`tf.random_normal([n_in, n_out], stddev=({g2} / n_in) ** 0.5)`"
        if slot.scheme == GLOROT:
            return f"`{HINTS[GLOROT].format('uniform' if slot_uniform(slot, site) else 'normal')}`"
        if slot.scheme == HE:
            return f"`{HINTS[HE]}`"
        return "`tf.variance_scaling_initializer(scale=1.0)`"

    def render(self, site: KernelSite, goal: FixGoal, context: FileContext) -> Tuple[Optional[str], str]:
        anchor = site.anchor
        if not isinstance(anchor, cst.Call) or not isinstance(anchor.func, cst.Attribute):
            return None, ""
        qualified = context.resolver.qualified(anchor.func) or ""
        leaf = anchor.func.attr.value
        if leaf in ("random_normal", "truncated_normal", "random_uniform", "normal", "uniform"):
            return _render_factory(anchor, leaf, goal, context)
        if not qualified.startswith("tensorflow."):
            return None, ""
        return _render_initializer(site, goal, context, anchor, leaf)


def _render_factory(call: cst.Call, leaf: str, goal: FixGoal, context: FileContext):
    """`tf.random_normal(shape)` -> `tf.random_normal(shape, stddev=<sqrt(g2 / fan_in)>)`."""
    if goal.goal != SCALED or not goal.fan_in:
        return None, ""
    values = positional(call)
    shape = values[0] if values else keyword(call, "shape")
    if shape is None:
        return None, ""
    if not isinstance(shape, (cst.List, cst.Tuple)):
        return None, HELPER_FIX  # a helper's parameter: one stddev cannot suit every call
    fan_in_entries = shape.elements[:-1] if len(shape.elements) > 1 else shape.elements
    if any(context.resolver.number(element.value) is None for element in fan_in_entries):
        return None, LOOP_FIX  # sizes taken from a loop's variables: one stddev cannot suit every iteration
    g2 = recommended_gain2(goal.activation)
    args = [context.code(shape)]
    if "uniform" in leaf:
        limit = uniform_limit(g2, goal.fan_in)
        args += [f"minval={number_literal(-limit)}", f"maxval={number_literal(limit)}"]
    else:
        std = std_for(g2, goal.fan_in)
        args.append(f"stddev={number_literal(truncated_stddev(std) if 'truncated' in leaf else std)}")
    for argument in call.args:
        if argument.keyword is not None and argument.keyword.value not in SPREAD + ("shape",):
            args.append(f"{argument.keyword.value}={context.code(argument.value)}")
    text = f"{context.code(call.func)}({', '.join(args)})"
    return text, f"Use `{text}`"


def _render_initializer(site: KernelSite, goal: FixGoal, context: FileContext, call: cst.Call, leaf: str):
    """An initializer object stays one, in the file's own namespace: `tf.random_normal_initializer(stddev=...)`
    when the fan-in is known, else `variance_scaling_initializer` (contrib: He by default) or Glorot."""
    prefix = context.code(call.func.value)
    seed = keyword(call, "seed")
    extra = [f"seed={context.code(seed)}"] if seed is not None else []
    uniform = site_uniform(site)
    target = scheme_for(goal.activation) if goal.goal == SCALED else goal.goal
    if goal.goal == SCALED and goal.fan_in and leaf in FIXED_SCALE:
        g2 = recommended_gain2(goal.activation)
        if "uniform" in leaf:
            limit = uniform_limit(g2, goal.fan_in)
            args = [f"minval={number_literal(-limit)}", f"maxval={number_literal(limit)}"]
        else:
            std = std_for(g2, goal.fan_in)
            args = [f"stddev={number_literal(truncated_stddev(std) if 'truncated' in leaf else std)}"]
        text = f"{prefix}.{leaf}({', '.join(args + extra)})"
        return text, f"Use `{text}`"
    root = prefix.split(".")[0]
    base = prefix if prefix == root or prefix.endswith("compat.v1") else root
    if target == HE and "contrib" in prefix:
        text = f"{prefix}.variance_scaling_initializer({'uniform=True' if uniform else ''})"
    elif target == HE:
        distribution = [f"distribution={context.string('uniform')}"] if uniform else []
        text = f"{base}.variance_scaling_initializer({', '.join([f'scale={gain2_literal(RELU_GAIN2)}'] + distribution + extra)})"
    elif target == LECUN_NORMAL:
        text = f"{base}.variance_scaling_initializer({', '.join(extra)})"
    else:
        text = f"{base}.glorot_{'uniform' if uniform else 'normal'}_initializer({', '.join(extra)})"
    return text, f"Use `{text}`"


SPELLER = TF1Speller()
