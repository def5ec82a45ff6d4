"""The checks of single configuration values (`fail-on`, `severity`, `docs-url`, `max-file-size`,
the chain thresholds, `tf-version`): each returns the value or raises `ConfigError` with one line
naming the file and the key."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

from .diagnostics import SEVERITIES
from .options import TF_VERSIONS
from .physics import DEFAULT_CHAIN_THRESHOLDS

CHAIN_KEYS = ("chain-info", "chain-warning", "chain-error")  # the order of AnalysisOptions.chain_thresholds


class ConfigError(Exception):
    """A problem with the configuration or the options: one line, shown without a traceback."""


def toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def severity_table(shown: str, table: Any, codes: Sequence[str]) -> Tuple[Tuple[str, str], ...]:
    """`[tool.initlint.severity]`: rule code = "error" | "warning" | "info"."""
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: `severity` must be a table of CODE = \"error\" | \"warning\" | \"info\", "
                          f"not {toml_type(table)}")
    pairs = []
    for code, value in table.items():
        upper = code.strip().upper()
        if upper not in codes:
            raise ConfigError(f"{shown}: `severity` names an unknown rule `{code}`")
        if value not in SEVERITIES:
            raise ConfigError(f"{shown}: `severity` of {upper} must be one of {', '.join(SEVERITIES)}, not {value!r}")
        pairs.append((upper, value))
    return tuple(sorted(pairs))


def check_fail_on(shown: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if value not in SEVERITIES:
        raise ConfigError(f"{shown}: `fail-on` must be one of {', '.join(SEVERITIES)}, not {value!r}")
    return value


def docs_url_value(shown: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{shown}: `docs-url` must be a string, not {toml_type(value)}")
    if not value.strip() or any(char.isspace() for char in value.strip()):
        raise ConfigError(f"{shown}: `docs-url` must be a URL without spaces, not {value!r}")
    return value.strip()


def max_file_size_value(shown: str, value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{shown}: `max-file-size` must be an integer (bytes; 0: no limit), not {toml_type(value)}")
    if value < 0:
        raise ConfigError(f"{shown}: `max-file-size` must be 0 (no limit) or more bytes, not {value}")
    return value


def chain_thresholds_value(shown: str, section: Dict[str, Any]) -> Optional[Tuple[float, float, float]]:
    """`chain-info` > `chain-warning` > `chain-error`, each a number in (0, 1); the ones not given
    keep their defaults."""
    if not any(key in section for key in CHAIN_KEYS):
        return None
    values = list(DEFAULT_CHAIN_THRESHOLDS)
    for position, key in enumerate(CHAIN_KEYS):
        if key not in section:
            continue
        value = section[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{shown}: `{key}` must be a number, not {toml_type(value)}")
        if not 0 < value < 1:
            raise ConfigError(f"{shown}: `{key}` must be between 0 and 1 (a variance product such as 1e-4), not {value}")
        values[position] = float(value)
    if not values[0] > values[1] > values[2]:
        raise ConfigError(f"{shown}: the chain thresholds must shrink: chain-info ({values[0]:g}) > "
                          f"chain-warning ({values[1]:g}) > chain-error ({values[2]:g})")
    return (values[0], values[1], values[2])


def tf_version_value(shown: str, value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{shown}: `tf-version` must be the integer 1 or 2, not {toml_type(value)}")
    if value not in TF_VERSIONS:
        raise ConfigError(f"{shown}: `tf-version` must be 1 or 2, not {value}")
    return value
