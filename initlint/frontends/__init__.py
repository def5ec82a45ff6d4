"""Frontends: one per framework (listed in `initlint.frameworks`). Each resolves names and turns
model code into framework-neutral KernelSites; none decides what is a bug.

A frontend runs on a file when one of the file's imports can lead to a name prefix it claims
(`tensorflow` leads to `tensorflow.keras.`; `torchvision` does not lead to `torch.`).
"""
from __future__ import annotations

from typing import List

import libcst as cst

from ..facts import KernelSite
from .. import frameworks
from ..resolve import Resolver


def run_frontends(module: cst.Module, text: str = "", options=None, whole_program: bool = False) -> List[KernelSite]:
    """Every KernelSite of a parsed file. `options` is an `options.AnalysisOptions` (None: defaults);
    `whole_program`: nothing imports the document's functions (a notebook)."""
    resolver = Resolver(module, whole_program)
    imported = list(resolver.aliases.values()) + list(resolver.star_modules)
    sites: List[KernelSite] = []
    for framework in frameworks.FRAMEWORKS:
        if any(framework.claims(name) for name in imported):
            # Each frontend reads the file with a fresh resolver: frontends push scopes of their own.
            reader = Resolver(module, whole_program) if sites else resolver
            sites.extend(framework.extractor().extract(module, reader, text, options))
    return sites
