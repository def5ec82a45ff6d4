"""JAX spellings (Flax linen / nnx `jax.nn.initializers`, Haiku `hk.initializers`) of the rules'
goals, in hints and replacements. Replacements keep the user's module prefix: `nn.initializers.X`
stays under `nn.initializers`, and a Haiku initializer stays a Haiku class
(`hk.initializers.VarianceScaling(2.0, "fan_in", "truncated_normal")`)."""
from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from ..facts import KernelSite
from ..fixgoal import CALL, TENSOR, UNCALL, FixGoal, Say
from ..physics import GLOROT, HE, LECUN_NORMAL, RELU_GAIN2, gain2_literal, recommended_gain2
from . import FileContext, Speller, site_uniform, slot_uniform
from .keras import target_scheme

NAMES = {  # (scheme, uniform) -> jax.nn.initializers factory
    (HE, False): "he_normal",
    (HE, True): "he_uniform",
    (GLOROT, False): "glorot_normal",
    (GLOROT, True): "glorot_uniform",
    (LECUN_NORMAL, False): "lecun_normal",
    (LECUN_NORMAL, True): "lecun_normal",
}
HAIKU = {  # scheme -> (scale, mode)
    HE: (RELU_GAIN2, "fan_in"),
    GLOROT: (1.0, "fan_avg"),
    LECUN_NORMAL: (1.0, "fan_in"),
}


class JaxSpeller(Speller):
    framework = "jax"

    def say(self, slot: Say, site: KernelSite) -> Optional[str]:
        if slot.scheme == TENSOR:
            g2 = gain2_literal(recommended_gain2(slot.activation))
            return f"`jax.random.normal(key, (n_in, n_out)) * ({g2} / n_in) ** 0.5`"
        uniform = slot_uniform(slot, site)
        if site.init.display.startswith(("hk.", "haiku.")) and slot.scheme in HAIKU:
            scale, mode = HAIKU[slot.scheme]
            distribution = "uniform" if uniform else "truncated_normal"
            return f'`hk.initializers.VarianceScaling({gain2_literal(scale)}, "{mode}", "{distribution}")`'
        return f"`jax.nn.initializers.{NAMES[(slot.scheme, uniform)]}()`"

    def render(self, site: KernelSite, goal: FixGoal, context: FileContext) -> Tuple[Optional[str], str]:
        anchor = site.anchor
        if goal.goal == CALL:
            text = f"{context.code(anchor)}()"
            return text, f"Call the factory: `{text}`"
        if goal.goal == UNCALL:
            if not isinstance(anchor, cst.Call):
                return None, ""
            text = context.code(anchor.func)
            return text, f"Pass the initializer itself: `{text}`"
        target = target_scheme(goal)
        uniform = site_uniform(site)
        call = anchor if isinstance(anchor, cst.Call) else None
        callee = call.func if call is not None else anchor
        qualified = context.resolver.qualified(callee) or ""
        if not isinstance(callee, cst.Attribute):
            name = NAMES[(target, uniform)]
            return None, f"Use `jax.nn.initializers.{name}()`"
        prefix = context.code(callee.value)
        if qualified.startswith("haiku."):
            scale, mode = HAIKU[target]
            distribution = context.string("uniform" if uniform else "truncated_normal")
            text = f"{prefix}.VarianceScaling({gain2_literal(scale)}, {context.string(mode)}, {distribution})"
            return text, f"Use `{text}`"
        if qualified.startswith("jax.numpy."):
            return None, f"Use `jax.nn.initializers.{NAMES[(target, uniform)]}()`"
        if qualified.startswith("jax.random."):
            # a sampler (`jax.random.normal`, as an initializer or applied to a key and a shape): the
            # initializer takes its place, `jax.nn.initializers.he_normal()(key, shape)` for the latter
            text = f"jax.nn.initializers.{NAMES[(target, uniform)]}()"
            if prefix != "jax.random":
                return None, f"Use `{text}`"  # `random.normal`: `jax` itself may not be imported
            return text, f"Use `{text}`"
        text = f"{prefix}.{NAMES[(target, uniform)]}()"
        return text, f"Use `{text}`"


SPELLER = JaxSpeller()
