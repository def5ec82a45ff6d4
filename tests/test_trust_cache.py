"""The result cache holds data, never code, and only trusts entries this user's key signed."""
from __future__ import annotations

import json
import os
import pickle
import textwrap
from pathlib import Path

import pytest

from initlint.cache import Cache, decode_diagnostics
from initlint.runner import lint_files

BUGGY = textwrap.dedent("""\
    import torch.nn as nn
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(512, 512)
            nn.init.normal_(self.fc.weight, std=1.0)
    """)


def _lint(path: Path, cache):
    from initlint.options import AnalysisOptions
    from initlint.rules import default_codes

    outcomes = lint_files([str(path)], options_for=lambda p: AnalysisOptions(frozenset(default_codes())),
                          cwd=str(path.parent), jobs=1, cache=cache)
    return [(d.code, d.span.row) for o in outcomes for d in o.diagnostics]


def _entries(store: Path):
    return [p for p in store.rglob("*") if p.is_file() and p.parent.parent.name.startswith("v")]


def test_entries_are_json_not_pickle(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(BUGGY)
    store = tmp_path / "cache"
    found = _lint(source, Cache(str(store)))
    assert found, "the fixture must have findings"
    (entry,) = _entries(store)
    magic, signature, body = entry.read_bytes().split(b"\n", 2)
    assert magic.startswith(b"initlint-cache-json")
    assert json.loads(body)[0][0] == found[0][0]
    warm = Cache(str(store))
    assert _lint(source, warm) == found and warm.hits == 1


def test_a_crafted_pickle_entry_never_runs(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(BUGGY)
    store = tmp_path / "cache"
    expected = _lint(source, Cache(str(store)))
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for entry in _entries(store):
        entry.write_bytes(pickle.dumps(Exploit()))
    again = Cache(str(store))
    assert _lint(source, again) == expected
    assert not marker.exists() and again.hits == 0


def test_an_entry_signed_by_another_key_is_a_miss_and_cannot_hide_findings(tmp_path):
    """A `.initlint_cache/` committed to a repository was written under someone else's key."""
    source = tmp_path / "m.py"
    source.write_text(BUGGY)
    store = tmp_path / "cache"
    expected = _lint(source, Cache(str(store)))
    attacker = Cache(str(store), secret=b"a" * 64)
    (entry,) = _entries(store)
    key = entry.name
    attacker.put(key, [])  # "no findings", correctly formed, wrong key
    again = Cache(str(store))
    assert again.get(key, str(source)) is None
    assert _lint(source, again) == expected and again.hits == 0


def test_the_secret_is_private_and_reused(tmp_path, monkeypatch):
    secret = tmp_path / "dir" / "secret"
    monkeypatch.setenv("INITLINT_CACHE_SECRET", str(secret))
    first = Cache(str(tmp_path / "c")).secret
    assert secret.exists() and (secret.stat().st_mode & 0o077) == 0
    assert Cache(str(tmp_path / "c")).secret == first


@pytest.mark.parametrize("entry", [
    {}, [[1]], [["IL101", "m", "fatal", [1, 1, 1, 1], "", None, None, None]],
    [["IL101", "m", "error", [0, 1, 1, 1], "", None, None, None]],
    [["IL101", "m", "error", [1, 1, 1, 1], "", ["safe", "x", [["c", [1, 1]]]], None, None]],
    [["IL101", "m", "error", [1, 1, 1, 1], "", ["always", "x", []], None, None]],
    [["IL101", 5, "error", [1, 1, 1, 1], "", None, None, None]],
    [["IL101", "m", "error", [1, 1, 1, 1], "", None, True, None]],
])
def test_entries_of_the_wrong_shape_are_refused(entry):
    with pytest.raises(ValueError):
        decode_diagnostics(entry, "m.py")
