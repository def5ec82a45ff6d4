"""The framework registry: one line per framework, and the only place that lists them.

A framework is four modules, named here and loaded only when needed (the registry itself imports
nothing, so the warm path never loads libcst):

* `initlint.knowledge.<knowledge>`: its tables (data), with `PREFIXES` (the qualified-name prefixes
  its frontend claims: `"torch."`, `"tensorflow.keras."`) and `PREFILTER_CLAUSES` (the words a file
  must contain for that frontend to find anything, see `prefilter.py`);
* `initlint.frontends.<frontend>`: `extract(module, resolver, text, options) -> [KernelSite]`;
* `initlint.spell.<speller>`: `SPELLER`, which writes hints and fixes in that framework's API.

Adding a framework is a knowledge table, a frontend, a speller and one line in FRAMEWORKS.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Tuple


@dataclass(frozen=True)
class Framework:
    name: str  # the value of KernelSite.framework
    knowledge: str
    frontend: str
    speller: str

    def tables(self):
        return import_module(f"initlint.knowledge.{self.knowledge}")

    def extractor(self):
        return import_module(f"initlint.frontends.{self.frontend}")

    def spelling(self):
        return import_module(f"initlint.spell.{self.speller}").SPELLER

    @property
    def prefixes(self) -> Tuple[str, ...]:
        return tuple(self.tables().PREFIXES)

    @property
    def import_roots(self) -> Tuple[str, ...]:
        """The top-level packages its prefixes live in (what a file must import)."""
        return tuple(sorted({prefix.split(".")[0] for prefix in self.prefixes}))

    def prefilter_clauses(self):
        """The words its frontend needs (None: the import roots alone decide)."""
        return getattr(self.tables(), "PREFILTER_CLAUSES", None)

    def claims(self, qualified: str) -> bool:
        """Whether an imported name could lead to this framework's names (`tensorflow` leads to
        `tensorflow.keras.`; `torchvision` does not lead to `torch.`)."""
        dotted = qualified + "."
        return any(dotted.startswith(prefix) or prefix.startswith(dotted) for prefix in self.prefixes)


FRAMEWORKS: Tuple[Framework, ...] = (
    Framework("keras", knowledge="keras", frontend="keras", speller="keras"),
    Framework("torch", knowledge="torch", frontend="torch", speller="torch"),
    Framework("tf1", knowledge="tf1", frontend="tf1", speller="tf1"),
    Framework("jax", knowledge="jax", frontend="flax", speller="flax"),
)


def get(name: str) -> Framework:
    """The framework a KernelSite names (KeyError for none)."""
    for framework in FRAMEWORKS:
        if framework.name == name:
            return framework
    raise KeyError(name)
