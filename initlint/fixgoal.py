"""What a rule says a fix should achieve; kept free of libcst so importing the rules stays cheap."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .facts import Activation

SAFE, UNSAFE, DISPLAY_ONLY = "safe", "unsafe", "display-only"


@dataclass(frozen=True)
class FixGoal:
    """What the initializer should become. `goal`: "he", "glorot", "lecun_normal" or "scaled"
    (a fixed-scale init corrected for its fan-in and activation)."""

    goal: str
    activation: Optional[Activation] = None
    fan_in: Optional[int] = None
    fan_in_axis: Optional[int] = None  # raw tensor factories: which shape argument is the fan-in
    applicability: str = UNSAFE
