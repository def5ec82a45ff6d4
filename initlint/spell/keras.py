"""Keras (and TensorFlow initializer) spellings of the rules' goals, in hints and in replacements.

Replacements keep the user's style: a string stays a string, a class stays a class with the same
module prefix, `seed=` is kept, a `RandomNormal`/`RandomUniform` whose fan-in is known keeps its
class with the computed std or limit, and TF1 `tf.compat.v1` initializers stay TF1 initializers.
Keras has no leaky-ReLU He initializer: a leaky ReLU gets He, and computed stds use the leaky g².
"""
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
from ..resolve import keyword
from . import FileContext, Speller, site_uniform, slot_uniform

NAMES = {  # (scheme, uniform) -> (class name, function / string name)
    (HE, False): ("HeNormal", "he_normal"),
    (HE, True): ("HeUniform", "he_uniform"),
    (GLOROT, False): ("GlorotNormal", "glorot_normal"),
    (GLOROT, True): ("GlorotUniform", "glorot_uniform"),
    (LECUN_NORMAL, False): ("LecunNormal", "lecun_normal"),
    (LECUN_NORMAL, True): ("LecunNormal", "lecun_normal"),
}
FIXED_SCALE = ("RandomNormal", "TruncatedNormal", "random_normal", "truncated_normal", "RandomUniform",
               "random_uniform")


def target_scheme(goal: FixGoal) -> str:
    """The Keras initializer for a goal: a `scaled` goal becomes its activation's standard scheme."""
    return scheme_for(goal.activation) if goal.goal == SCALED else goal.goal


class KerasSpeller(Speller):
    framework = "keras"

    def say(self, slot: Say, site: KernelSite) -> Optional[str]:
        if slot.scheme == TENSOR:
            g2 = gain2_literal(recommended_gain2(slot.activation))
            return f"`tf.random.normal((n_in, n_out)) * ({g2} / n_in) ** 0.5`"
        return f"`{NAMES[(slot.scheme, slot_uniform(slot, site))][1]}`"

    def render(self, site: KernelSite, goal: FixGoal, context: FileContext) -> Tuple[Optional[str], str]:
        anchor = site.anchor
        target = target_scheme(goal)
        class_name, snake = NAMES[(target, site_uniform(site))]
        if isinstance(anchor, cst.SimpleString):
            quote = anchor.quote
            return f"{quote}{snake}{quote}", f"Use `{snake}`"
        call = anchor if isinstance(anchor, cst.Call) else None
        callee = call.func if call is not None else anchor
        if isinstance(callee, cst.Name) and context.resolver.string(callee) is not None:
            return None, f"Use `{snake}` where `{callee.value}` is defined (it may be used elsewhere too)"
        if not isinstance(callee, cst.Attribute):
            return None, f"Use `{snake}` (needs an import of `{class_name}`)"
        prefix = context.code(callee.value)
        leaf = callee.attr.value
        seed = keyword(call, "seed") if call is not None else None
        seed_text = f"seed={context.code(seed)}" if seed is not None else ""
        qualified = context.resolver.qualified(callee) or ""
        if ".keras." not in f".{qualified}" and qualified.startswith("tensorflow."):
            return _render_tf(site, goal, context, prefix, qualified)
        if goal.goal == SCALED and goal.fan_in and leaf in FIXED_SCALE:
            g2 = recommended_gain2(goal.activation)
            if "uniform" in leaf.lower():
                limit = uniform_limit(g2, goal.fan_in)
                args = [f"minval={number_literal(-limit)}", f"maxval={number_literal(limit)}"]
            else:
                std = std_for(g2, goal.fan_in)
                if "runcated" in leaf:
                    std = truncated_stddev(std)
                args = ["mean=0.0", f"stddev={number_literal(std)}"]
            if seed_text:
                args.append(seed_text)
            text = f"{prefix}.{leaf}({', '.join(args)})"
            return text, f"Use `{text}`"
        new_leaf = class_name if leaf[:1].isupper() else snake
        text = f"{prefix}.{new_leaf}" if call is None else f"{prefix}.{new_leaf}({seed_text})"
        return text, f"Use `{text}`"


def _render_tf(site, goal, context, prefix, qualified):
    """TensorFlow's own initializers (`tf.compat.v1.*`, TF1 `tf.*_initializer`): stay in that API."""
    root = prefix.split(".")[0]
    tf1_style = ".compat.v1." not in qualified and not qualified.startswith("tensorflow.compat")
    base = root if tf1_style and root != prefix else f"{root}.compat.v1"
    if qualified.startswith("tensorflow.compat.v1"):
        base = prefix.rsplit(".initializers", 1)[0] if ".initializers" in prefix else prefix
    target = target_scheme(goal)
    uniform = site_uniform(site)
    if target == HE:
        distribution = ", distribution=" + context.string("uniform") if uniform else ""
        text = f"{base}.variance_scaling_initializer(scale={gain2_literal(RELU_GAIN2)}{distribution})"
    elif target == LECUN_NORMAL:
        text = f"{base}.initializers.lecun_normal()"
    else:
        text = f"{base}.glorot_{'uniform' if uniform else 'normal'}_initializer()"
    return text, f"Use `{text}`"


SPELLER = KerasSpeller()
