"""Autofixes: rendering a rule's fix goal as a source edit in the caller's own style, and applying edits.

A rule decides *what* the initializer should become (a FixGoal: He, Glorot, LeCun normal, or a
fan-in-scaled std); this module decides *how to write it* where the user wrote the initializer:
a string stays a string, a class stays a class with the same module prefix, `seed=`/`generator=`
are kept, and computed stds are written as expressions (`(2.0 / 784) ** 0.5`) so no import is
needed. When the rewrite would need a new import, the fix is display-only (message, no edit).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import libcst as cst

from .diagnostics import Edit, Fix
from .facts import LEAKY, RELU, RELU_LIKE, SELU, SIGMOID, TANH, Activation, KernelSite, Span
from .resolve import Resolver, dotted, keyword, positional

from .fixgoal import DISPLAY_ONLY, SAFE, UNSAFE, FixGoal
MAX_PASSES = 10
_NEWLINE = re.compile(r"\r\n|\r|\n")


class FixContext:
    """Per-file facts the renderers need: the resolver and the file's quote style."""

    def __init__(self, module: cst.Module, text: str) -> None:
        self.module = module
        self.resolver = Resolver(module)
        self.quote = '"' if text.count('"') >= text.count("'") else "'"
        self._empty = cst.Module(body=())

    def code(self, node: cst.CSTNode) -> str:
        return self._empty.code_for_node(node)

    def string(self, value: str) -> str:
        return f"{self.quote}{value}{self.quote}"

    def torch_init_prefix(self) -> Optional[str]:
        """How this file can spell torch.nn.init without a new import."""
        for alias, name in sorted(self.resolver.aliases.items()):
            if name == "torch.nn.init":
                return alias
        for alias, name in sorted(self.resolver.aliases.items()):
            if name == "torch.nn":
                return f"{alias}.init"
        for alias, name in sorted(self.resolver.aliases.items()):
            if name == "torch":
                return f"{alias}.nn.init"
        return None


def family_of(activation: Optional[Activation]) -> str:
    family = activation.family if activation else RELU
    if family in (RELU, RELU_LIKE):
        return RELU
    if family == LEAKY:
        return LEAKY if (activation.slope or 0) > 0.3 else RELU
    return family


def gain2(activation: Optional[Activation]) -> float:
    family = family_of(activation)
    if family == RELU:
        return 2.0
    if family == LEAKY:
        return 2.0 / (1 + activation.slope ** 2)
    return 1.0


def _num(value: float) -> str:
    text = f"{value:.3g}"
    return text if any(c in text for c in ".e") else text + ".0"


def _gain_text(activation: Optional[Activation]) -> str:
    g2 = gain2(activation)
    return "2.0" if g2 == 2.0 else "1.0" if g2 == 1.0 else _num(g2)


# ----- rendering -----
def render(site: KernelSite, goal: FixGoal, context: FixContext) -> Tuple[Optional[str], str]:
    """(replacement text for the site's anchor or None, message in words)."""
    try:
        if site.framework == "keras":
            return _render_keras(site, goal, context)
        if site.framework == "torch":
            return _render_torch(site, goal, context)
    except (ValueError, IndexError, TypeError, ZeroDivisionError):
        return None, ""
    return None, ""


def _uniform(site: KernelSite) -> bool:
    init = site.init
    # Constants are replaced by the uniform family, Keras' default (init-knowledge §5.3).
    return init.kind in ("uniform", "constant") or init.distribution == "uniform"


_KERAS_NAMES = {
    ("he", False): ("HeNormal", "he_normal"),
    ("he", True): ("HeUniform", "he_uniform"),
    ("glorot", False): ("GlorotNormal", "glorot_normal"),
    ("glorot", True): ("GlorotUniform", "glorot_uniform"),
    ("lecun_normal", False): ("LecunNormal", "lecun_normal"),
    ("lecun_normal", True): ("LecunNormal", "lecun_normal"),
}


def _keras_goal(goal: FixGoal) -> str:
    if goal.goal != "scaled":
        return goal.goal
    family = family_of(goal.activation)
    if family in (RELU, LEAKY):
        return "he"
    if family == SELU:
        return "lecun_normal"
    return "glorot"


def _render_keras(site: KernelSite, goal: FixGoal, context: FixContext):
    anchor = site.anchor
    uniform = _uniform(site)
    target = _keras_goal(goal)
    class_name, snake = _KERAS_NAMES[(target, uniform)]
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
    if goal.goal == "scaled" and goal.fan_in and leaf in ("RandomNormal", "TruncatedNormal", "random_normal",
                                                          "truncated_normal", "RandomUniform", "random_uniform"):
        g2 = gain2(goal.activation)
        args = []
        if "uniform" in leaf.lower():
            limit = math.sqrt(3 * g2 / goal.fan_in)
            args = [f"minval={_num(-limit)}", f"maxval={_num(limit)}"]
        else:
            std = math.sqrt(g2 / goal.fan_in)
            if "runcated" in leaf:
                std /= 0.87962566
            args = ["mean=0.0", f"stddev={_num(std)}"]
        if seed_text:
            args.append(seed_text)
        text = f"{prefix}.{leaf}({', '.join(args)})"
        return text, f"Use `{text}`"
    new_leaf = class_name if leaf[:1].isupper() else snake
    text = f"{prefix}.{new_leaf}" if call is None else f"{prefix}.{new_leaf}({seed_text})"
    return text, f"Use `{text}`"


def _render_tf(site, goal, context, prefix, qualified):
    root = prefix.split(".")[0]
    tf1_style = ".compat.v1." not in qualified and not qualified.startswith("tensorflow.compat")
    base = root if tf1_style and root != prefix else f"{root}.compat.v1"
    if qualified.startswith("tensorflow.compat.v1"):
        base = prefix.rsplit(".initializers", 1)[0] if ".initializers" in prefix else prefix
    target = _keras_goal(goal)
    uniform = _uniform(site)
    if target == "he":
        text = f"{base}.variance_scaling_initializer(scale=2.0{', distribution=' + context.string('uniform') if uniform else ''})"
    elif target == "lecun_normal":
        text = f"{base}.initializers.lecun_normal()"
    else:
        text = f"{base}.glorot_{'uniform' if uniform else 'normal'}_initializer()"
    return text, f"Use `{text}`"


def _render_torch(site: KernelSite, goal: FixGoal, context: FixContext):
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
    uniform = _uniform(site)
    target = goal.goal
    if target == "scaled":
        family = family_of(goal.activation)
        target = "he" if family in (RELU, LEAKY) else "lecun_normal" if family == SELU else "glorot"
        if prefix is None:
            if goal.fan_in is None:
                return None, "Use a fan-in-scaled initializer (needs an import)"
            return _scaled_function(site, goal, context, leaf, tensor_text, extras)
    if prefix is None:
        return None, f"Use `{_torch_goal_name(target, uniform)}` (needs an import)"
    call = _torch_call(prefix, target, uniform, goal.activation, tensor_text, extras, context, anchor, site)
    return call, f"Use `{call}`"


def _torch_goal_name(target: str, uniform: bool) -> str:
    if target == "he":
        return "kaiming_uniform_" if uniform else "kaiming_normal_"
    if target == "lecun_normal":
        return "kaiming_normal_"
    return "xavier_uniform_" if uniform else "xavier_normal_"


def _torch_call(prefix, target, uniform, activation, tensor_text, extras, context, anchor, site) -> str:
    function = _torch_goal_name(target, uniform)
    args = [tensor_text]
    family = family_of(activation)
    if target == "he":
        mode = keyword(anchor, "mode")
        if family == LEAKY:
            args.append(f"a={_num(activation.slope)}")
            args.append(f"nonlinearity={context.string('leaky_relu')}")
        else:
            args.append(f"nonlinearity={context.string('relu')}")
        if mode is not None and site.init.family == "kaiming":
            args.insert(1, f"mode={context.code(mode)}")
    elif target == "lecun_normal":
        args.append(f"nonlinearity={context.string('linear')}")
    elif family == TANH:
        args.append(f"gain={prefix}.calculate_gain({context.string('tanh')})")
    return f"{prefix}.{function}({', '.join(args + extras)})"


def _scaled_function(site, goal, context, leaf, tensor_text, extras):
    g2 = _gain_text(goal.activation)
    n = goal.fan_in
    if "uniform" in leaf:
        limit = f"({_num(3 * float(g2))} / {n}) ** 0.5"
        text = f"{leaf}({tensor_text}, -{limit}, {limit}{''.join(', ' + e for e in extras)})"
    else:
        text = f"{leaf}({tensor_text}, mean=0.0, std=({g2} / {n}) ** 0.5{''.join(', ' + e for e in extras)})"
    return text, f"Use `{text}`"


def _render_tensor_method(site, goal, context):
    anchor = site.anchor
    receiver = context.code(anchor.func.value)
    method = anchor.func.attr.value
    g2 = _gain_text(goal.activation)
    if goal.fan_in:
        n = goal.fan_in
        if method == "uniform_":
            limit = f"({_num(3 * float(g2))} / {n}) ** 0.5"
            text = f"{receiver}.uniform_(-{limit}, {limit})"
        else:
            text = f"{receiver}.normal_(0.0, ({g2} / {n}) ** 0.5)"
        return text, f"Use `{text}`"
    prefix = context.torch_init_prefix()
    if prefix is None:
        return None, "Scale the weights by the fan-in"
    family = family_of(goal.activation)
    target = "he" if family in (RELU, LEAKY) else "lecun_normal" if family == SELU else "glorot"
    call = _torch_call(prefix, target, method == "uniform_", goal.activation, receiver, [], context, anchor, site)
    return call, f"Use `{call}`"


def _render_factory(site, goal, context):
    anchor = site.anchor
    values = positional(anchor)
    if goal.fan_in_axis is None or len(values) < 2 or goal.fan_in_axis >= len(values):
        return None, "Scale the tensor by its fan-in, e.g. `* (2.0 / fan_in) ** 0.5`"
    dim = values[goal.fan_in_axis]
    dim_text = context.code(dim)
    if not isinstance(dim, (cst.Name, cst.Integer, cst.Attribute)):
        dim_text = f"({dim_text})"
    g2 = _gain_text(goal.activation)
    code = context.code(anchor)
    if site.init.kind == "uniform":
        text = f"({code} * 2 - 1) * ({_num(3 * float(g2))} / {dim_text}) ** 0.5"
    else:
        text = f"{code} * ({g2} / {dim_text}) ** 0.5"
    return text, f"Use `{text}`"


# ----- applying edits -----
def offsets(text: str) -> List[int]:
    """Offset of the start of each 1-based row (index 0 unused)."""
    starts = [0, 0]
    # Only \r\n, \r and \n end lines for Python and libcst (str.splitlines also splits on \f, \x1c...).
    for match in _NEWLINE.finditer(text):
        starts.append(match.end())
    return starts


def apply_edits(text: str, edits: List[Edit]) -> Tuple[str, List[Edit]]:
    """Apply non-overlapping edits (later ones that overlap an earlier one are skipped)."""
    starts = offsets(text)

    def offset(row: int, column: int) -> int:
        return starts[min(row, len(starts) - 1)] + column - 1

    chosen: List[Tuple[int, int, Edit]] = []
    for edit in sorted(edits, key=lambda e: (e.span.row, e.span.column, e.span.end_row, e.span.end_column)):
        begin, end = offset(edit.span.row, edit.span.column), offset(edit.span.end_row, edit.span.end_column)
        if chosen and begin < chosen[-1][1]:
            continue
        chosen.append((begin, end, edit))
    for begin, end, edit in reversed(chosen):
        text = text[:begin] + edit.content + text[end:]
    return text, [edit for _, _, edit in chosen]


def parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return False
    return True


def fix_text(text: str, filename: str, enabled, unsafe: bool) -> Tuple[str, int]:
    """Apply safe (and with `unsafe`, unsafe) fixes until nothing more applies; (new text, fixes applied)."""
    from .engine import lint_source

    applied = 0
    for _ in range(MAX_PASSES):
        result = lint_source(text, filename, enabled)
        edits = []
        for diagnostic in result.diagnostics:
            fix = diagnostic.fix
            if fix is None or not fix.edits:
                continue
            if fix.applicability == SAFE or (unsafe and fix.applicability == UNSAFE):
                edits.extend(fix.edits)
        if not edits:
            break
        new_text, used = apply_edits(text, edits)
        if new_text == text:
            break
        if not parses(new_text):
            # Apply the edits one at a time and keep only those that leave the file parseable.
            for edit in used:
                candidate, _ = apply_edits(text, [edit])
                if parses(candidate):
                    text = candidate
                    applied += 1
                    break
            else:
                break
            continue
        text = new_text
        applied += len(used)
    return text, applied


def make_fix(applicability: str, message: str, content: Optional[str], span: Span) -> Fix:
    edits = (Edit(content, span),) if content is not None and applicability != DISPLAY_ONLY else ()
    return Fix(applicability if edits or applicability == DISPLAY_ONLY else DISPLAY_ONLY, message, edits)


__all__ = ["FixGoal", "FixContext", "render", "apply_edits", "fix_text", "make_fix", "SAFE", "UNSAFE", "DISPLAY_ONLY"]
