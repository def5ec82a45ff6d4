"""What a rule says a fix should achieve, in framework-neutral terms; kept free of libcst so
importing the rules stays cheap.

A rule states *what* (a FixGoal: He, Glorot, LeCun normal, or a fan-in-scaled std) and writes its
advice in words; where the advice names an initializer it leaves a slot (`Say`) that the
framework's speller (`initlint.spell`) fills with that framework's API spelling. The speller also
writes the replacement for the FixGoal, from the same numbers (`initlint.physics`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple, Union

from .facts import Activation
from .physics import GLOROT, HE, LECUN_NORMAL, SCALED

SAFE, UNSAFE, DISPLAY_ONLY = "safe", "unsafe", "display-only"
TENSOR = "tensor"  # a Say scheme: a raw random tensor scaled by its fan-in
CALL, UNCALL = "call", "uncall"  # FixGoal goals of IL403: add the missing call / remove the extra one
TEXT = "text"  # a FixGoal that is a literal replacement (`replacement`, None for advice only), no speller


@dataclass(frozen=True)
class FixGoal:
    """What the initializer should become. `goal`: "he", "glorot", "lecun_normal" or "scaled"
    (a fixed-scale init corrected for its fan-in and activation)."""

    goal: str
    activation: Optional[Activation] = None
    fan_in: Optional[int] = None
    fan_in_axis: Optional[int] = None  # raw tensor factories: which shape argument is the fan-in
    applicability: str = UNSAFE
    # TEXT goals: the text that replaces the diagnostic's span, with `message` saying so, for fixes
    # that are not an initializer (a renamed function, a removed comment); None: `message` is advice.
    replacement: Optional[str] = None
    message: str = ""


@dataclass(frozen=True)
class Say:
    """A slot in a hint: the speller writes ` (<the framework's spelling of scheme>)` here, or
    nothing when the framework has no spelling for it.

    `scheme`: HE, GLOROT, LECUN_NORMAL or TENSOR (a raw tensor scaled by the fan-in);
    `distribution`: "uniform" / "normal", or None for the site's own; `bare`: the function's name
    only, not a call; `or_gain`: also say how to keep the site's own initializer with the gain of
    `activation`, where the framework has such an argument.
    """

    scheme: str
    activation: Optional[Activation] = None
    distribution: Optional[str] = None
    bare: bool = False
    or_gain: bool = False


HintPart = Union[str, Say]
Hint = Union[str, Tuple[HintPart, ...]]


def neutral_text(hint: Hint) -> str:
    """The hint with its slots left out (what is said whatever the framework)."""
    if isinstance(hint, str):
        return hint
    return "".join(part for part in hint if isinstance(part, str))


__all__ = ["FixGoal", "Say", "Hint", "HintPart", "neutral_text", "SAFE", "UNSAFE", "DISPLAY_ONLY",
           "HE", "GLOROT", "LECUN_NORMAL", "SCALED", "TENSOR", "CALL", "UNCALL", "TEXT"]
