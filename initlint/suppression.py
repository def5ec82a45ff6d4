"""The file-level exemption: `# initlint: noqa` (every code) or `# initlint: noqa: IL101, IL2`
(those codes and prefixes) on a line of its own, anywhere in the file, as ruff's `# ruff: noqa`.
IL000 (could not analyze the file) is never exempted. The engine applies it next to the
line-level `# noqa`; `initlint.noqa` writes line-level comments (`--add-noqa`)."""
from __future__ import annotations

import re
from typing import FrozenSet, Optional, Set

FILE_ERROR_CODE = "IL000"
# On a line of its own (so that a string holding the words does not count).
_FILE_EXEMPTION = re.compile(
    r"^[ \t\f]*#[ \t]*initlint:[ \t]*noqa"
    r"(?:[ \t]*:[ \t]*(?P<codes>[A-Za-z]+[0-9]*(?:[ \t]*,?[ \t]*[A-Za-z]+[0-9]*)*))?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def file_exemption(text: str) -> Optional[FrozenSet[str]]:
    """The codes a file exempts itself from: None for none, an empty set for every code."""
    codes: Set[str] = set()
    found = False
    for match in _FILE_EXEMPTION.finditer(text):
        found = True
        listed = match.group("codes")
        if not listed:
            return frozenset()
        codes.update(code.upper() for code in re.split(r"[\s,]+", listed.strip()) if code)
    return frozenset(codes) if found else None


def exempted(code: str, exemption: Optional[FrozenSet[str]]) -> bool:
    """Is `code` exempted (codes and prefixes, as `--ignore` takes them)? IL000 never is."""
    if exemption is None or code == FILE_ERROR_CODE:
        return False
    return not exemption or any(code.startswith(prefix) for prefix in exemption)


__all__ = ["exempted", "file_exemption"]
