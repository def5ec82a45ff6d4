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

    def __init__(self, module, text: str, positions=None) -> None:
        self.module = module
        self.text = text
        self.positions = positions  # libcst PositionProvider results, for `source()`
        self._starts = None
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

    def offset_range(self, node) -> Optional[Tuple[int, int]]:
        """(start, end) offsets of `node` in the text, or None without positions."""
        if self.positions is None or node not in self.positions:
            return None
        if self._starts is None:
            from ..edits import offsets

            self._starts = offsets(self.text)
        where = self.positions[node]
        return (self._starts[where.start.line] + where.start.column, self._starts[where.end.line] + where.end.column)

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


def shared_site_goal(site: KernelSite, goal: FixGoal):
    """The goal a shared init site (an `apply` function, a `modules()` loop) may be rewritten to:
    a per-layer initializer (never one layer's fan-in, which would be wrong for the others), and
    only when every layer the call covers needs the same one; else the names of the layers that
    need another (a layer feeding the output sigmoid is not switched to He with the others)."""
    if not site.shared:
        return goal, ()
    from dataclasses import replace

    from ..facts import LINEAR, OUTPUT, RESIDUAL, Activation
    from ..physics import recommended_gain2, scheme_for

    def need(activation):
        return scheme_for(activation), recommended_gain2(activation)

    wanted = need(goal.activation)
    others = []
    for layer in site.layers:
        activation = layer.activation
        if activation is None and layer.role in (OUTPUT, RESIDUAL):
            activation = Activation(LINEAR, "no activation")  # a linear output or branch end
        if layer.embedding or layer.frozen or need(activation) != wanted:
            others.append(layer.name)
    if others:
        return None, tuple(others)
    return replace(goal, fan_in=None, fan_in_axis=None), ()


def activation_unknown(site: KernelSite, goal: FixGoal) -> bool:
    """A fan-in-scaled goal for a layer whose activation is not known: He and LeCun/Glorot differ by
    2x in variance, so no replacement can be known to be right (a query projection is not a ReLU
    layer); the finding keeps its advice, without an edit."""
    from ..physics import SCALED

    return goal.goal == SCALED and goal.activation is None and all(
        layer.activation is None for layer in site.layers)


def stacked_parameter(site: KernelSite, goal: FixGoal) -> bool:
    """A fan-in-scaled goal for a raw parameter of rank 3 or more whose fan-in the analysis does not
    know: `nn.init.*` computes its fans as for a convolution (dims 1 and 0 times the rest), which is
    wrong for a stack of matrices (`(num_layers, out, in)`, a bank of experts), so no initializer
    call can be known to be right; the finding keeps its advice, without an edit."""
    from ..physics import SCALED

    return goal.goal == SCALED and (site.ndim or 0) >= 3 and all(
        layer.kind == "Parameter" and layer.fan_in is None for layer in site.layers)


def fix_for(speller: Speller, site: KernelSite, goal: FixGoal, context: FileContext, span: Span) -> Optional[Fix]:
    if goal.goal == TEXT:  # a literal replacement: no framework spelling involved
        if goal.replacement is None:
            return make_fix(DISPLAY_ONLY, goal.message, None, span) if goal.message else None
        return make_fix(goal.applicability, goal.message, goal.replacement, span)
    if activation_unknown(site, goal):
        return make_fix(DISPLAY_ONLY, "Scale it by the fan-in: He for a ReLU-like activation after it, "
                        "LeCun/Glorot otherwise (the activation is not known)", None, span)
    if stacked_parameter(site, goal):
        return make_fix(DISPLAY_ONLY, "Scale it by the fan-in of each matrix in the stack (nn.init's fans of a tensor of "
                        "rank 3 or more are a convolution's)", None, span)
    goal, others = shared_site_goal(site, goal)
    if goal is None:
        shown = ", ".join(f"'{name}'" for name in others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        return make_fix(DISPLAY_ONLY, f"This init call is shared with layers that need another initializer ({shown}): "
                        "give each kind of layer its own init", None, span)
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
