"""The shared specification material beside this checkout (`../shared`: acceptance examples,
schemas). CI always has it, and a test that needs it must not pass without it: when it is missing
the test fails (at collection, for the lists of examples tests are parametrized with) with a
message that says what to put where. Nothing here ever skips."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """`../shared/<parts>`; fails the test (or the collection) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: these tests need the shared specification material "
                    f"(../shared beside the checkout, as in CI); put it there, they never skip", pytrace=False)
    return path
