"""Facts-level golden tests: each frontend, tested without the rules.

Every `tests/facts/<framework>/<case>.py` is run through the frontends and its facts (sites, their
initializers and layer contexts, see `facts_golden.py`) must equal `<case>.json` exactly.
Regenerate (then read the diff!) with:

    INITLINT_UPDATE_GOLDEN=1 pytest tests/test_facts_golden.py
"""
from __future__ import annotations

import difflib
import json
import subprocess
import sys
import textwrap

import pytest

from initlint.frameworks import FRAMEWORKS

from .facts_golden import CASES, REGENERATE, case_id, cases, dumps, facts, golden_path, updating

CASE_FILES = cases()


@pytest.mark.parametrize("case", CASE_FILES, ids=[case_id(c) for c in CASE_FILES])
def test_facts_match_golden(case):
    text = case.read_text(encoding="utf-8")
    found = facts(text)
    golden = golden_path(case)
    if updating():
        golden.write_text(dumps(found), encoding="utf-8")
    if not golden.is_file():
        pytest.fail(
            f"no golden facts for {case.relative_to(CASES.parent.parent)}: create "
            f"{golden.relative_to(CASES.parent.parent)} with `{REGENERATE}`, then read it and check that "
            "every fact states what the code does",
            pytrace=False,
        )
    expected = json.loads(golden.read_text(encoding="utf-8"))
    if found != expected:
        diff = "".join(difflib.unified_diff(
            dumps(expected).splitlines(True), dumps(found).splitlines(True),
            fromfile=f"golden {golden.name}", tofile="facts now"))
        pytest.fail(f"facts of {case_id(case)} changed; if intended, regenerate with `{REGENERATE}` "
                    f"and review the diff:\n{diff}", pytrace=False)


@pytest.mark.parametrize("case", CASE_FILES, ids=[case_id(c) for c in CASE_FILES])
def test_case_has_sites_of_its_framework(case):
    """A case whose frontend found nothing would pin nothing: every case has a site, and every site
    is the framework of the directory it lives in."""
    found = facts(case.read_text(encoding="utf-8"))["sites"]
    assert found, f"{case_id(case)}: the frontends found no site"
    assert {s["framework"] for s in found} == {case.parent.name}


def test_every_framework_has_golden_facts():
    names = [framework.name for framework in FRAMEWORKS]
    assert names, "the framework registry is empty"
    missing = [name for name in names if not sorted((CASES / name).glob("*.py"))]
    assert not missing, (
        f"frameworks without golden facts: {missing}; add tests/facts/<name>/<case>.py and run `{REGENERATE}`"
    )


def test_no_orphan_golden_files():
    orphans = sorted(p for p in CASES.glob("*/*.json") if not p.with_suffix(".py").is_file())
    assert not orphans, f"golden files without their case: {[str(p) for p in orphans]}"


def test_every_case_directory_is_a_framework():
    names = {framework.name for framework in FRAMEWORKS}
    directories = {p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert directories <= names, f"case directories that name no registered framework: {directories - names}"


def test_facts_need_no_rules():
    """Computing every case's facts imports neither the engine nor a rule module, so the facts cannot
    depend on which rules are enabled."""
    script = textwrap.dedent(
        """
        import sys
        from tests.facts_golden import cases, facts
        for case in cases():
            facts(case.read_text(encoding="utf-8"))
        print(sorted(m for m in sys.modules
                     if m == "initlint.engine" or m == "initlint.rules" or m.startswith("initlint.rules.")))
        """
    )
    root = CASES.parent.parent
    completed = subprocess.run([sys.executable, "-c", script], cwd=str(root), capture_output=True, text=True,
                               timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]", completed.stdout


def test_helper_renders_every_field():
    """The helper itself: anchor row and text, defaults dropped, layer fields all there."""
    text = textwrap.dedent(
        """\
        import torch.nn as nn
        import torch.nn.functional as F


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 8)
                nn.init.normal_(self.fc.weight, std=0.5)

            def forward(self, x):
                return F.relu(self.fc(x))
        """
    )
    assert facts(text) == {
        "sites": [
            {
                "framework": "torch",
                "anchor": {"code": "nn.init.normal_(self.fc.weight, std=0.5)", "row": 9},
                "init": {"kind": "normal", "display": "nn.init.normal_(self.fc.weight, std=0.5)", "mean": 0.0,
                         "stddev": 0.5},
                "shared": False,
                "ndim": None,
                "layers": [
                    {
                        "name": "fc", "kind": "Linear",
                        "activation": {"family": "relu", "display": "F.relu", "slope": None},
                        "norm_after": False, "role": "output", "fan_in": 4, "fan_out": 8, "embedding": False,
                        "frozen": False, "bias": "random", "constant_neighbour": False,
                        "partner_constant": False, "first_layer": True, "fan_in_axis": None, "rescaled": False,
                        "repeat": 1, "chain": {"length": 1, "links": ["fc"]}, "chain_position": 0,
                        "proven_hidden": False, "deliberate_name": False,
                    }
                ],
            }
        ]
    }
