"""What one analysis depends on besides the file itself: `AnalysisOptions`.

Built from the settings (`config.Settings.options_for(path)`: the rules enabled for that file after
per-file-ignores, `tf-version`), passed to the engine (`engine.lint_text`) and from there to the
frontends (`frontends.run_frontends(module, text, options)`), and part of the cache key
(`cache_token()`), so a run with other options never reads another run's results.

A new option is one new field here (with a default, so existing callers keep working); it enters
the cache key by itself: `cache_token()` writes every field.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import FrozenSet, Optional, Tuple

from .physics import DEFAULT_CHAIN_THRESHOLDS

TF_VERSIONS = (1, 2)


@dataclass(frozen=True)
class AnalysisOptions:
    """`enabled`: the rule codes to run; `tf_version`: 1 or 2 to force how TensorFlow code is read,
    None to decide per file from its imports; `max_file_size`: the size guard in bytes;
    `chain_thresholds`: (info, warning, error) limits on a chain's variance product (`chain-info`,
    `chain-warning`, `chain-error` in the configuration)."""

    enabled: FrozenSet[str]
    tf_version: Optional[int] = None
    # Bytes of source beyond which a file is not analyzed (IL000): the `max-file-size` setting;
    # None: $INITLINT_MAX_FILE_SIZE, else the default (see syntax.max_file_size); 0: no limit.
    max_file_size: Optional[int] = None
    # `[tool.initlint.severity]`: (code, severity) pairs, sorted; a rule's findings get that severity.
    severity: Tuple[Tuple[str, str], ...] = ()
    chain_thresholds: Tuple[float, float, float] = DEFAULT_CHAIN_THRESHOLDS

    def __post_init__(self) -> None:
        if not isinstance(self.enabled, frozenset):
            object.__setattr__(self, "enabled", frozenset(self.enabled))
        if self.tf_version is not None and self.tf_version not in TF_VERSIONS:
            raise ValueError(f"tf_version must be 1, 2 or None, not {self.tf_version!r}")
        if isinstance(self.severity, dict):
            object.__setattr__(self, "severity", tuple(sorted(self.severity.items())))

    def severity_of(self, code: str) -> Optional[str]:
        """The severity configured for rule `code`, None when it keeps its own."""
        for listed, severity in self.severity:
            if listed == code:
                return severity
        return None

    @classmethod
    def default(cls) -> "AnalysisOptions":
        """The default rules, nothing forced."""
        from .rules import default_codes

        return cls(frozenset(default_codes()))

    @classmethod
    def of(cls, value) -> "AnalysisOptions":
        """`value` itself when it is options; a set of codes as options with those codes; None: default()."""
        if isinstance(value, cls):
            return value
        if value is None:
            return cls.default()
        return cls(frozenset(value))

    def with_enabled(self, enabled) -> "AnalysisOptions":
        """The same options with other rules (every other field kept)."""
        enabled = frozenset(enabled)
        return self if enabled == self.enabled else replace(self, enabled=enabled)

    def cache_token(self) -> str:
        """A stable text of every field (sets sorted), for the cache key (made once per instance:
        the runner asks for it per file)."""
        token = self.__dict__.get("_token")
        if token is not None:
            return token
        parts = []
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, (frozenset, set)):
                value = ",".join(sorted(value))
            elif item.name == "severity":  # (code, severity) pairs
                value = ",".join(f"{code}:{severity}" for code, severity in value)
            parts.append(f"{item.name}={value}")
        token = ";".join(parts)
        object.__setattr__(self, "_token", token)
        return token


__all__ = ["AnalysisOptions", "TF_VERSIONS", "DEFAULT_CHAIN_THRESHOLDS"]
