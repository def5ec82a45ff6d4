"""The options of the command line that need reading: `--config FILE` or `--config 'KEY = VALUE'`
(as ruff's), `--per-file-ignores GLOB:CODES` and `--also-output FORMAT:PATH`."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .config import ConfigError, parse_inline
from .discovery import GlobError, PathPattern
from .selection import SelectionError, check_selectors, registry_codes, split_selectors


def config_values(values: Sequence[str], cwd: str) -> Tuple[Optional[str], Tuple[Dict[str, Any], ...]]:
    """(the configuration file, the TOML overrides): a value naming an existing file is the file
    (one at most); one with `=` is a `key = value` override; anything else is a missing file."""
    path: Optional[str] = None
    inline: List[Dict[str, Any]] = []
    for value in values:
        if os.path.exists(os.path.join(cwd, os.path.expanduser(value))):
            if path is not None:
                raise ConfigError(f"--config names two configuration files ({path}, {value}); give one")
            path = value
        elif "=" in value:
            inline.append(parse_inline(value))
        else:
            raise ConfigError(f"{value}: configuration file not found")
    return path, tuple(inline)


def extra_report_targets(values: Sequence[str], formats: Sequence[str]) -> Tuple[Tuple[str, str], ...]:
    """`--also-output sarif:out.sarif` -> (("sarif", "out.sarif"),); the format before the first colon."""
    targets = []
    for value in values:
        name, colon, path = value.partition(":")
        if not colon or not path.strip() or name.strip() not in formats:
            raise ConfigError(f"--also-output needs FORMAT:PATH with FORMAT one of {', '.join(formats)}, not {value!r}")
        targets.append((name.strip(), path))
    return tuple(targets)


def per_file_ignore_pairs(values: Sequence[str]) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    """`tests/*:IL101,IL2` -> (("tests/*", ("IL101", "IL2")),); the codes after the last colon."""
    pairs = []
    for value in values:
        glob, colon, listed = value.rpartition(":")
        codes = split_selectors([listed]) if colon else ()
        if not glob.strip() or not codes:
            raise ConfigError(f"--per-file-ignores needs GLOB:CODES (e.g. 'tests/*:IL101'), not {value!r}")
        try:
            PathPattern(glob[1:] if glob.startswith("!") else glob, os.sep)
            check_selectors(codes, registry_codes(), f"--per-file-ignores for {glob!r}")
        except GlobError as error:
            raise ConfigError(f"invalid glob {glob!r} in --per-file-ignores: {error}") from None
        except SelectionError as error:
            raise ConfigError(str(error)) from None
        pairs.append((glob, tuple(codes)))
    return tuple(pairs)


__all__ = ["config_values", "extra_report_targets", "per_file_ignore_pairs"]
