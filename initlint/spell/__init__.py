"""Spellers: a framework's words for the framework-neutral advice of the rules.

A rule states a goal (`fixgoal.FixGoal`: He, Glorot, LeCun normal, or a fan-in-scaled std) and its
advice in words, with `fixgoal.Say` slots where an initializer is named. The speller of the site's
framework (`initlint.frameworks.get(site.framework).spelling()`, each `spell/<name>.py` defines
`SPELLER`) fills the slots with that framework's API names and writes the replacement source for
the goal, both from the numbers of `initlint.physics`, so hint and fix cannot disagree.

The engine calls `speak(site, finding, context, span) -> (hint, fix)` once per finding, with one
`FileContext(module, text)` per file (cheap to build; the resolver is made on first use).
"""
from __future__ import annotations

from typing import Optional, Tuple

from .. import frameworks
from ..diagnostics import Fix
from ..edits import make_fix
from ..facts import CONSTANT, UNIFORM, KernelSite, Span
from ..fixgoal import DISPLAY_ONLY, TEXT, FixGoal, Hint, Say

# What a speller may raise on code it did not expect; the finding is then reported without it.
SPELLING_ERRORS = (ValueError, IndexError, TypeError, ZeroDivisionError)


class FileContext:
    """Per-file facts the spellers need to write a replacement: the syntax tree, its resolver (made
    on first use) and the file's quote style."""

    def __init__(self, module, text: str) -> None:
        self.module = module
        self.text = text
        self._resolver = None
        self._quote: Optional[str] = None
        self._empty = None

    @property
    def resolver(self):
        if self._resolver is None:
            from ..resolve import Resolver

            self._resolver = Resolver(self.module)
        return self._resolver

    @property
    def quote(self) -> str:
        if self._quote is None:
            self._quote = '"' if self.text.count('"') >= self.text.count("'") else "'"
        return self._quote

    def code(self, node) -> str:
        if self._empty is None:
            self._empty = type(self.module)(body=())
        return self._empty.code_for_node(node)

    def string(self, value: str) -> str:
        return f"{self.quote}{value}{self.quote}"


class Speller:
    """One framework's spellings. The base speller knows no API: it leaves hint slots out and
    offers no replacement (what a site of a framework without a speller gets)."""

    framework = ""

    def say(self, slot: Say, site: KernelSite) -> Optional[str]:
        """The framework's spelling of a hint slot (markdown code, e.g. "`he_uniform`"), or None."""
        return None

    def render(self, site: KernelSite, goal: FixGoal, context: FileContext) -> Tuple[Optional[str], str]:
        """(replacement text for the site's anchor, or None; the fix message in words, "" for no fix)."""
        return None, ""


NEUTRAL = Speller()


def speller_for(site: KernelSite) -> Speller:
    try:
        framework = frameworks.get(site.framework)
    except KeyError:  # a framework without a registry line: neutral words, no replacement
        return NEUTRAL
    return framework.spelling()


def site_uniform(site: KernelSite) -> bool:
    """Whether the replacement keeps the uniform family: the site draws from a uniform, or is a
    constant (replaced by the uniform family, Keras' default, init-knowledge §5.3)."""
    init = site.init
    return init.kind in (UNIFORM, CONSTANT) or init.distribution == UNIFORM


def slot_uniform(slot: Say, site: KernelSite) -> bool:
    return site_uniform(site) if slot.distribution is None else slot.distribution == UNIFORM


def hint_text(speller: Speller, site: KernelSite, hint: Hint) -> str:
    """The rule's hint with each slot spelled as ` (<spelling>)`, or left out."""
    if isinstance(hint, str):
        return hint
    parts = []
    for part in hint:
        if isinstance(part, str):
            parts.append(part)
            continue
        try:
            spelled = speller.say(part, site)
        except SPELLING_ERRORS:
            spelled = None
        if spelled:
            parts.append(f" ({spelled})")
    return "".join(parts)


def fix_for(speller: Speller, site: KernelSite, goal: FixGoal, context: FileContext, span: Span) -> Optional[Fix]:
    if goal.goal == TEXT:  # a literal replacement: no framework spelling involved
        if goal.replacement is None:
            return make_fix(DISPLAY_ONLY, goal.message, None, span) if goal.message else None
        return make_fix(goal.applicability, goal.message, goal.replacement, span)
    try:
        content, message = speller.render(site, goal, context)
    except SPELLING_ERRORS:
        return None
    if not message:
        return None
    if goal.applicability == DISPLAY_ONLY:
        return make_fix(DISPLAY_ONLY, message, None, span)
    return make_fix(goal.applicability, message, content, span)


def speak(site: KernelSite, finding, context: FileContext, span: Span) -> Tuple[str, Optional[Fix]]:
    """A rule's Finding at `site` in the site's framework: (hint text, Fix or None)."""
    speller = speller_for(site)
    hint = hint_text(speller, site, finding.hint)
    fix = fix_for(speller, site, finding.fix, context, span) if finding.fix is not None else None
    return hint, fix


__all__ = ["FileContext", "Speller", "NEUTRAL", "speller_for", "speak", "hint_text", "fix_for", "site_uniform",
           "slot_uniform"]
