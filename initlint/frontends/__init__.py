"""Frontends: one per framework. Each resolves imports and turns model code into KernelSites."""
from __future__ import annotations

from typing import List

import libcst as cst

from ..facts import KernelSite
from ..resolve import Resolver
from . import keras, torch

FRONTENDS = (keras, torch)


def run_frontends(module: cst.Module, text: str = "", options=None) -> List[KernelSite]:
    resolver = Resolver(module)
    roots = {name.split(".")[0] for name in resolver.aliases.values()}
    roots.update(name.split(".")[0] for name in resolver.star_modules)
    sites: List[KernelSite] = []
    for frontend in FRONTENDS:
        if roots & set(frontend.IMPORT_ROOTS):
            sites.extend(frontend.extract(module, Resolver(module) if sites else resolver, text))
    return sites
