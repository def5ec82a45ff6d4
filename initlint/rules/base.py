"""What every rule is: metadata, a docstring that is its documentation, and a pure `check`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from ..facts import KernelSite
from ..fixgoal import FixGoal, Hint


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str
    hint: Hint  # the fix, in framework-neutral words; `fixgoal.Say` slots are spelled by the framework's speller
    fix: Optional[FixGoal] = None  # what the initializer should become
    confidence: Optional[str] = None  # None: the fact's own (facts.CERTAIN / LIKELY / HEURISTIC)
    # Product decision 7: the layer's role is not established, so documented intent near the site
    # (G13, a comment or docstring within 3 lines) silences it.
    unknown_role: bool = False


class Rule:
    code: str = ""
    name: str = ""
    severity: str = "warning"  # the highest severity the rule gives
    default_enabled: bool = True
    fix_availability: str = "none"  # none / display-only / unsafe / safe
    # How often a finding of this rule is a real problem (SARIF `precision`: very-high / high /
    # medium / low); each diagnostic says its own confidence too.
    precision: str = "high"
    facts: tuple = (KernelSite,)  # the fact types `check` judges (facts.KernelSite, ApiUse...)
    # Whether the rule judges implicit sites (a layer with its framework's default initializer);
    # the others never see them. A run with such a rule enabled analyzes every file the prefilter
    # would skip for want of an explicit initializer.
    judges_implicit: bool = False
    reads_every_file: bool = False  # it judges something any file may hold (a comment): no prefilter
    options = None  # the run's AnalysisOptions, set by the engine before `check`
    # Snippets run as tests: each INVALID one marks its reported lines with `# expect: CODE`.
    VALID: tuple = ()
    INVALID: tuple = ()

    def check(self, site: KernelSite) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        doc = cls.documentation()
        marker = "## What it does"
        if marker in doc:
            text = doc.split(marker, 1)[1].strip().split("\n\n", 1)[0]
            return " ".join(text.split())
        return cls.name

