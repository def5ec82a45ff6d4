"""Golden facts: what the frontends see in a file, as plain JSON-able data (no rules involved).

`facts(text)` parses the text, runs `initlint.frontends.run_frontends` and turns each KernelSite into a
dict: its framework, its initializer (only the fields that differ from the dataclass defaults, plus
`kind` and `display` always, and `mode` always for variance scaling so the fan is readable), its
anchor (the source text of the node a diagnostic would point at, and its 1-based row), `shared`,
`ndim`, and every LayerContext with all of its fields.

This module imports neither the engine nor the rules: facts are judged by nobody here.
Not collected by pytest (its name does not match `test_*.py`).
"""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from initlint.facts import VARIANCE_SCALING, Chain, Initializer, KernelSite, LayerContext
from initlint.frontends import run_frontends

HERE = Path(__file__).resolve().parent
CASES = HERE / "facts"
UPDATE_VARIABLE = "INITLINT_UPDATE_GOLDEN"
REGENERATE = f"{UPDATE_VARIABLE}=1 pytest tests/test_facts_golden.py"

_INIT_DEFAULTS = {
    f.name: f.default for f in dataclasses.fields(Initializer) if f.default is not dataclasses.MISSING
}
_ALWAYS = ("kind", "display")


def _number(value: Any) -> Any:
    """Floats rounded to 12 significant digits: the golden states the value, not the last ulp of
    whichever order a frontend happens to multiply in."""
    if isinstance(value, bool) or not isinstance(value, float):
        return value
    return float(f"{value:.12g}")


def initializer(init: Initializer) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for field in dataclasses.fields(init):
        value = getattr(init, field.name)
        keep = field.name in _ALWAYS or (field.name == "mode" and init.kind == VARIANCE_SCALING)
        if not keep and (value is None or (field.name in _INIT_DEFAULTS and value == _INIT_DEFAULTS[field.name])):
            continue
        out[field.name] = _number(value)
    return out


def layer(context: LayerContext) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for field in dataclasses.fields(context):
        value = getattr(context, field.name)
        if field.name == "activation":
            value = None if value is None else {
                "family": value.family, "display": value.display, "slope": _number(value.slope)}
        elif field.name == "chain":
            value = None if value is None else chain(value)
        out[field.name] = _number(value)
    return out


def chain(value: Chain) -> Dict[str, Any]:
    """A chain as its length and its layers ("name x repeat", "(default)" for an implicit init)."""
    links = []
    for link in value.links:
        text = link.name + (f" x{link.repeat}" if link.repeat != 1 else "")
        if link.init is None:
            text += " (init unknown)"
        elif link.implicit:
            text += " (default)"
        links.append(text)
    return {"length": value.length, "links": links}


def site(kernel: KernelSite, module: cst.Module, positions) -> Dict[str, Any]:
    anchor: Optional[Dict[str, Any]] = None
    if kernel.anchor is not None:
        position = positions.get(kernel.anchor)
        anchor = {
            "code": module.code_for_node(kernel.anchor),
            "row": position.start.line if position is not None else None,
        }
    return {
        "framework": kernel.framework,
        "anchor": anchor,
        "init": initializer(kernel.init),
        "shared": kernel.shared,
        "ndim": kernel.ndim,
        "layers": [layer(context) for context in kernel.layers],
        **({"implicit": True} if kernel.implicit else {}),
    }


def facts(text: str) -> Dict[str, Any]:
    """{"sites": [...]} for a source text, sites ordered by anchor row, then display."""
    module = cst.parse_module(text)
    sites = [fact for fact in run_frontends(module, text) if isinstance(fact, KernelSite)]  # ApiUse facts aside
    # The same module object: anchors are its nodes (the engine does the same, unsafe_skip_copy).
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    rendered = [site(kernel, module, positions) for kernel in sites]

    def key(item):
        anchor = item["anchor"] or {}
        row = anchor.get("row")
        names = tuple(layer["name"] for layer in item["layers"])
        return (row if row is not None else 0, item["init"]["display"], anchor.get("code", ""), names)

    return {"sites": sorted(rendered, key=key)}


def dumps(data: Dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def cases() -> List[Path]:
    return sorted(CASES.glob("*/*.py"))


def golden_path(case: Path) -> Path:
    return case.with_suffix(".json")


def updating() -> bool:
    return os.environ.get(UPDATE_VARIABLE, "") not in ("", "0")


def case_id(case: Path) -> str:
    return case.relative_to(CASES).with_suffix("").as_posix()
