"""What a run would do, in words: `--show-files` (the files it would analyze), `--show-settings`
(the settings a file gets, and where they come from) and `-v` (why the prefilter skipped a file)."""
from __future__ import annotations

import os
import re
from typing import Any, List, Optional, Sequence

MAX_WORDS = 8  # words listed per group in a skip reason


def show_files(files: Sequence[str]) -> str:
    """One absolute path a line, sorted (as `ruff check --show-files`)."""
    return "".join(path + "\n" for path in sorted(files))


def _codes(codes: Any) -> str:
    return ", ".join(sorted(codes)) or "(none)"


def show_settings(settings: Any, path: str, cache_directory: Optional[str]) -> str:
    """The settings `path` is analyzed with: enabled codes (per-file-ignores applied) and the rest."""
    lines = [
        f"Resolved settings for: {path}",
        f"Settings path: {settings.config_path or '(none: the defaults)'}",
        f"project-root = {settings.project_root}",
        f"enabled = [{_codes(settings.enabled_for(path))}]",
        f"enabled-by-configuration = [{_codes(settings.enabled)}]",
    ]
    entries = settings.per_file_ignores.entries
    if entries:
        lines.append("per-file-ignores =")
        for entry in entries:
            applies = "applies" if entry.applies_to(path) else "does not apply"
            origin = ", built in: default-per-file-ignores" if entry.built_in else ""
            lines.append(f"  {'!' if entry.negated else ''}{entry.pattern.pattern} = [{_codes(entry.codes)}]"
                         f"  ({applies}{origin})")
    else:
        lines.append("per-file-ignores = (none)")
    lines.append("exclude = [" + ", ".join(pattern.pattern for pattern in settings.excludes) + "]")
    lines.append(f"respect-gitignore = {str(settings.respect_gitignore).lower()}")
    lines.append(f"force-exclude = {str(settings.force_exclude).lower()}")
    lines.append(f"tf-version = {settings.tf_version if settings.tf_version is not None else '(unknown)'}")
    lines.append(f"cache-dir = {cache_directory if cache_directory else '(no cache)'}")
    return "\n".join(lines) + "\n"


def _listed(words: Sequence[bytes]) -> str:
    names = [word.decode("ascii") for word in words]
    more = f", ... ({len(names) - MAX_WORDS} more)" if len(names) > MAX_WORDS else ""
    return ", ".join(names[:MAX_WORDS]) + more


def skip_reason(data: bytes) -> str:
    """Why the prefilter skips a file with these bytes: what each framework needs and it lacks."""
    from .prefilter import filters, has_word, searchable

    try:
        data = searchable(data)
    except Exception:  # undecodable: the prefilter searched the raw bytes
        pass
    named: List[str] = []
    for item in filters():
        roots = [word for word in item.roots if has_word(data, word)]
        if not roots or item.clauses is None:
            continue
        needed: set = set()  # per clause, the first group of words the file lacks
        for clause in item.clauses:
            missing = [group for group in clause if not any(has_word(data, word) for word in group)]
            needed.update(missing[0] if missing else ())
        if needed:
            named.append(f"{item.name}: it names {roots[0].decode('ascii')} but none of {_listed(sorted(needed))}")
    if named:
        return "; ".join(named)
    roots = sorted({word for item in filters() for word in item.roots})
    return f"it names none of the analyzed frameworks' packages ({_listed(roots)})"


def one_line_summary(text: str) -> str:
    """A rule's summary for one line of --list-rules: its first sentence, up to a colon, without
    the parenthesized examples (the full text stays in --explain and the JSON)."""
    sentence = re.split(r"(?<=[a-z)`])\.\s", text, maxsplit=1)[0].rstrip(".")
    out, depth, quoted = [], 0, False
    for index, char in enumerate(sentence):
        if char == "`":
            quoted = not quoted
        if not quoted and char == ":" and depth == 0 and sentence[index + 1:index + 2] in (" ", ""):
            break
        if not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")" and depth:
            depth -= 1
        elif depth == 0:
            out.append(char)
    short = re.sub(r"\s+([,;])", r"\1", " ".join("".join(out).replace("*", "").split()))
    return short or text


def skipped_lines(outcomes) -> List[str]:
    """-v: 'skipped by the prefilter: PATH: REASON' for each file the prefilter skipped."""
    from .discovery import read_source

    lines = []
    for outcome in outcomes:
        if getattr(outcome, "skipped", False):
            try:
                reason = skip_reason(read_source(outcome.path))
            except OSError as error:
                reason = f"(could not read it again: {error.strerror or error})"
            lines.append(f"skipped by the prefilter: {outcome.shown}: {reason}")
    return lines


def cache_directory(settings: Any, cache_dir: Optional[str], cwd: str, use_cache: bool) -> Optional[str]:
    if not use_cache:
        return None
    from .cache import default_directory

    return os.path.abspath(default_directory(settings.project_root, cache_dir, cwd))


__all__ = ["cache_directory", "one_line_summary", "show_files", "show_settings", "skip_reason", "skipped_lines"]
