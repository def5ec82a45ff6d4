"""The `initlint` command (ruff's conventions).

Exit status: 0 no diagnostics, 1 diagnostics (or a Python file that could not be read), 2 a
usage, configuration or internal error. Problems with the configuration or the options are one
line on stderr, never a traceback (set INITLINT_DEBUG=1 to see the traceback of an internal error).
"""
from __future__ import annotations

import dataclasses
import json
import os
import sys
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import click

from . import __version__
from .config import ConfigError, Overrides, Settings, resolve_settings
from .diagnostics import at_least
from .discovery import display_path, is_force_excluded
from .runner import progress_bar, show_progress
from .report import DEFAULT_FORMAT, FORMATS, Report, printable, render, render_statistics, rule_url
from .selection import SelectionError, split_selectors

PROG = "initlint"
STDIN = "-"
FILE_ERROR_CODE = "IL000"
TEXT_FORMATS = ("text", "concise", "full")  # the formats for people: the "Analyzed N files" line goes with them


class UsageProblem(Exception):
    """A one-line problem with how initlint was called: exit status 2."""


# --------------------------------------------------------------------------------------------
# Output helpers


def _write(stream: Any, text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.flush()
        stream.buffer.write(text.encode(encoding, "backslashreplace"))
    stream.flush()


def _err(text: str) -> None:
    # One line, whatever the file names and messages in it hold: no control sequence reaches the terminal.
    from .report.github import stderr_line  # no line on stderr reads as a workflow command

    _write(sys.stderr, stderr_line(printable(text.rstrip("\n"), keep="\t")) + "\n")


def _make_parent(parent: str, output_file: str) -> None:
    """The output file's directory; a clear message when part of the path is a file."""
    probe = parent
    while probe and not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if probe and not os.path.isdir(probe):
        raise UsageProblem(f"cannot write the output file {output_file}: {probe} is a file, not a directory")
    os.makedirs(parent, exist_ok=True)


def _write_file(text: str, output_file: str, cwd: str) -> None:
    target = os.path.join(cwd, os.path.expanduser(output_file))
    try:
        parent = os.path.dirname(target)
        if parent:
            _make_parent(parent, output_file)
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageProblem(f"cannot write the output file {output_file}: {error.strerror or error}") from None


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())


def use_color(mode: str, to_file: bool = False, stream: Any = None) -> bool:
    """`always`/`never` as said; `auto`: only on a terminal, and never when NO_COLOR is set."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    if os.environ.get("NO_COLOR") or to_file or os.environ.get("TERM") == "dumb":
        return False
    stream = stream or sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# --------------------------------------------------------------------------------------------
# --list-rules and --explain


def _rule_info(rule: Any, docs_url: Optional[str] = None) -> Dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary(),
        "severity": rule.severity,
        "default_enabled": bool(rule.default_enabled),
        "fix_availability": rule.fix_availability,
        "url": rule_url(rule.code, docs_url),
    }


def list_rules(output_format: str, docs_url: Optional[str] = None) -> str:
    from . import show
    from .rules import ALL_RULES

    rules = sorted(ALL_RULES, key=lambda rule: rule.code)
    if output_format == "json":
        return json.dumps([_rule_info(rule, docs_url) for rule in rules], indent=2, ensure_ascii=False) + "\n"
    header = ("CODE", "NAME", "DEFAULT", "SEVERITY", "FIX", "SUMMARY")
    rows = [header] + [
        (rule.code, rule.name, "on" if rule.default_enabled else "off", rule.severity, rule.fix_availability,
         show.one_line_summary(rule.summary()))
        for rule in rules
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


FIX_WORDS = {
    "none": "There is no automatic fix.",
    "display-only": "A fix is shown but never applied.",
    "unsafe": "An unsafe fix is available.",
    "safe": "A safe fix is available.",
}


def explain(code: str, output_format: str, docs_url: Optional[str] = None) -> str:
    from .rules import ALL_RULES, RULES_BY_CODE

    wanted = code.strip()
    rule = RULES_BY_CODE.get(wanted.upper())
    if rule is None:
        rule = next((r for r in ALL_RULES if r.name == wanted.lower()), None)
    if rule is None:
        codes = ", ".join(sorted(RULES_BY_CODE))
        raise UsageProblem(f"unknown rule {code!r} for --explain; valid codes: {codes}")
    if output_format == "json":
        info = _rule_info(rule, docs_url)
        info["explanation"] = rule.documentation()
        return json.dumps(info, indent=2, ensure_ascii=False) + "\n"
    lines = [
        f"# {rule.name} ({rule.code})",
        "",
        f"Severity: {rule.severity}. {'Enabled' if rule.default_enabled else 'Disabled'} by default. "
        f"{FIX_WORDS.get(rule.fix_availability, 'Fix: ' + str(rule.fix_availability) + '.')}",
        "",
        rule.documentation().strip(),
        "",
        f"Documentation: {rule_url(rule.code, docs_url)}",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# The run: settings -> api -> report -> exit status


def _notifier(quiet: bool) -> Callable[[Any], None]:
    """Notices from the api as one line each on stderr (warnings dropped with -q)."""
    from .api import INTERNAL, UNREADABLE

    def notify(notice: Any) -> None:
        if notice.level == UNREADABLE:
            _err(f"{notice.shown}:1:1: {FILE_ERROR_CODE} [error] {notice.message}")
        elif notice.level == INTERNAL:
            _err(f"{PROG}: internal error: {notice.shown}: {_one_line(notice.message)}")
        elif not quiet:
            _err(f"{PROG}: warning: {notice.shown}: {notice.message}")

    return notify


def _stdin_document(settings: Settings, stdin_filename: Optional[str], cwd: str) -> Optional[Tuple[Any, str]]:
    """(the document read from stdin, its path for the settings); None when --force-exclude excludes it."""
    from . import documents

    data = sys.stdin.buffer.read()
    if stdin_filename:
        path = os.path.normpath(os.path.join(cwd, os.path.expanduser(stdin_filename)))
        if settings.force_exclude and is_force_excluded(path, settings.excludes):
            return None  # --force-exclude: an excluded --stdin-filename is not linted (as ruff)
        shown = display_path(path, cwd)
    else:
        path, shown = os.path.join(cwd, STDIN), STDIN
    return documents.from_bytes(data, shown), path


def _selectors(values: Tuple[str, ...], option: str = "--select") -> Optional[Tuple[str, ...]]:
    if not values:
        return None
    selectors = split_selectors(values)
    if not selectors:  # `--select ""` would select nothing and pass every file: a usage error
        raise UsageProblem(f"{option} needs at least one rule code or prefix (e.g. {option} IL1); see --list-rules")
    return selectors


def analyzed_line(run: Any) -> str:
    """'Analyzed 3 files (2 skipped by the prefilter: nothing in them initializes a kernel).'"""
    skipped = sum(1 for outcome in run.outcomes if getattr(outcome, "skipped", False))
    cached = sum(1 for outcome in run.outcomes if getattr(outcome, "cached", False))
    count = run.files_checked
    parts = []
    if skipped:
        parts.append(f"{skipped} skipped by the prefilter: nothing in {'it' if skipped == 1 else 'them'} initializes a kernel")
    if cached:
        parts.append(f"{cached} answered from the cache")
    more = f" ({'; '.join(parts)})" if parts else ""
    return f"Analyzed {count} {'file' if count == 1 else 'files'}{more}."


def _globs(values: Tuple[str, ...]) -> Tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def lint_command(
    paths: Sequence[str],
    *,
    select: Tuple[str, ...] = (),
    extend_select: Tuple[str, ...] = (),
    ignore: Tuple[str, ...] = (),
    output_format: str = DEFAULT_FORMAT,
    output_file: Optional[str] = None,
    also_outputs: Tuple[str, ...] = (),
    config_file: Tuple[str, ...] = (),
    extend_ignore: Tuple[str, ...] = (),
    per_file_ignores: Tuple[str, ...] = (),
    isolated: bool = False,
    exit_zero: bool = False,
    statistics: bool = False,
    list_rules_flag: bool = False,
    explain_code: Optional[str] = None,
    quiet: bool = False,
    color: str = "auto",
    respect_gitignore: Optional[bool] = None,
    exclude: Tuple[str, ...] = (),
    extend_exclude: Tuple[str, ...] = (),
    stdin_filename: Optional[str] = None,
    force_exclude: Optional[bool] = None,
    jobs: Optional[int] = None,
    cache_dir: Optional[str] = None,
    no_cache: bool = False,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    exit_non_zero_on_fix: bool = False,
    show_fixes: bool = False,
    add_noqa: bool = False,
    show_files: bool = False,
    show_settings: bool = False,
    verbose: bool = False,
    fail_on: Optional[str] = None,
) -> int:
    """Everything the command does; returns the exit status."""
    cwd = os.getcwd()
    from .command_config import config_values, extra_report_targets, per_file_ignore_pairs

    config_path, inline = config_values(config_file, cwd)
    if list_rules_flag or explain_code is not None:
        # Only the configuration's `docs-url` matters here (the rule pages' address).
        docs_url = resolve_settings(Overrides(config=config_path, isolated=isolated, inline=inline), cwd).docs_url
        if list_rules_flag:
            _write(sys.stdout, list_rules(output_format, docs_url))
        else:
            _write(sys.stdout, explain(explain_code, output_format, docs_url))
        return 0

    extra_reports = extra_report_targets(also_outputs, FORMATS)
    overrides = Overrides(
        select=_selectors(select),
        extend_select=split_selectors(extend_select),
        ignore=split_selectors(ignore) + split_selectors(extend_ignore),
        exclude=_globs(exclude) if exclude else None,
        extend_exclude=_globs(extend_exclude),
        respect_gitignore=respect_gitignore,
        force_exclude=force_exclude,
        config=config_path,
        isolated=isolated,
        per_file_ignores=per_file_ignore_pairs(per_file_ignores),
        inline=inline,
        fail_on=fail_on,
    )
    settings = resolve_settings(overrides, cwd)

    paths = list(paths)
    read_stdin = STDIN in paths or (not paths and stdin_filename is not None)
    if stdin_filename is not None and not read_stdin:
        _err(f"{PROG}: warning: --stdin-filename is ignored: '-' is not among the paths")
    file_paths = [path for path in paths if path != STDIN]
    if not file_paths and not read_stdin:
        file_paths = ["."]
    from .layered import closest_settings

    settings = closest_settings(settings, overrides, cwd, file_paths or [stdin_filename or "."])

    from . import api

    if add_noqa:
        return _add_noqa(file_paths, settings, cwd, read_stdin, quiet)
    if show_files or show_settings:
        return _show(file_paths, settings, cwd, show_files, show_settings, cache_dir, not no_cache, quiet)
    run = api.lint_paths(
        file_paths, settings, cwd=cwd, jobs=jobs, cache_dir=cache_dir, use_cache=not no_cache,
        fix=fix or diff, unsafe=unsafe_fixes, diff=diff, lint=not (read_stdin and fix),
        progress=lambda count: progress_bar(count, show_progress(count, quiet)), notify=_notifier(quiet),
    )
    if diff and run.files:
        for patch in run.fixing.diffs:
            _write(sys.stdout, patch)
        if not quiet:
            _err(f"Would fix {run.fixed} {'diagnostic' if run.fixed == 1 else 'diagnostics'}.")
        return 1 if run.fixing.diffs else (2 if run.internal_errors else 0)
    if read_stdin and (fix or diff):
        return _fix_stdin(run, settings, stdin_filename, cwd, unsafe_fixes, diff, quiet, exit_non_zero_on_fix)
    if read_stdin:
        stdin = _stdin_document(settings, stdin_filename, cwd)
        if stdin is not None:
            document, path = stdin
            run.add_document(document, api.lint_document(document, settings.options_for(path)))
    if not run.files and not read_stdin and not run.problems and not quiet:
        _err(f"{PROG}: warning: no Python files found under the given paths")

    report = Report(
        diagnostics=run.diagnostics,
        files_checked=run.files_checked,
        unreadable=run.unreadable,
        sources=run.sources,
        color=use_color(color, to_file=output_file is not None),
        quiet=quiet,
        cwd=cwd,
        unsafe_fixes=unsafe_fixes,
        fixed=run.fixed,
        docs_url=settings.docs_url,
        show_fixes=show_fixes,
    )
    text = render_statistics(report, output_format) if statistics else render(report, output_format)
    for extra_format, extra_file in extra_reports:  # one run, more reports (the Action: annotations + SARIF)
        _write_file(render(dataclasses.replace(report, color=False), extra_format), extra_file, cwd)
    if output_file is not None:
        _write_file(text, output_file, cwd)
    else:
        try:
            _write(sys.stdout, text)
        except BrokenPipeError:
            raise
        except OSError as error:  # a full device, a closed descriptor: say so, not "internal error"
            raise UsageProblem(f"cannot write the report to standard output: {error.strerror or error}") from None
    if verbose and not quiet:
        from .show import skipped_lines

        for line in skipped_lines(run.outcomes):
            _err(f"{PROG}: {line}")
    if not quiet and output_format in TEXT_FORMATS and (run.files or read_stdin):
        _err(analyzed_line(run))

    if run.internal_errors:
        return 2
    if (failing(run.diagnostics, settings.fail_on) or run.failed_reads) and not exit_zero:
        return 1
    if exit_non_zero_on_fix and run.fixing is not None and run.fixed:
        return 1
    return 0


def _show(file_paths, settings, cwd, files, show_settings, cache_dir, use_cache, quiet) -> int:
    """`--show-files` / `--show-settings`: what a run would analyze, and with what; nothing is analyzed."""
    from . import api, show

    run = api.lint_paths(file_paths, settings, cwd=cwd, lint=False, notify=_notifier(quiet))
    if files:
        _write(sys.stdout, show.show_files(run.files))
    if show_settings:
        target = sorted(run.files)[0] if run.files else os.path.join(cwd, "")
        own = settings.settings_for(target) if hasattr(settings, "settings_for") else settings
        _write(sys.stdout, show.show_settings(own, target, show.cache_directory(settings, cache_dir, cwd, use_cache)))
    return 1 if run.failed_reads else 0


def _add_noqa(file_paths, settings, cwd, read_stdin, quiet) -> int:
    """`--add-noqa`: `# noqa: ILxxx` on every reported line; 'Added N noqa directives.' (as ruff)."""
    from . import api
    from .discovery import read_source
    from .noqa import add_noqa_to_files

    if read_stdin:
        raise UsageProblem("--add-noqa edits files: it cannot be used with '-' (stdin)")
    run = api.lint_paths(file_paths, settings, cwd=cwd, lint=False, notify=_notifier(quiet))
    done = add_noqa_to_files(run.files, settings.options_for, read_source)
    for path, message in done.problems:
        _err(f"{display_path(path, cwd)}:1:1: {FILE_ERROR_CODE} [error] {message}")
    if not quiet:
        if done.skipped:
            _err(f"{PROG}: warning: {done.skipped} reported {'line' if done.skipped == 1 else 'lines'} "
                 f"could not take a comment (a backslash continuation or inside a string): left unchanged")
        _err(f"Added {done.added} noqa {'directive' if done.added == 1 else 'directives'}.")
    return 1 if done.problems or run.failed_reads else 0


def _fix_stdin(run, settings, stdin_filename, cwd, unsafe, diff, quiet, exit_non_zero_on_fix) -> int:
    """`--fix -`: the fixed source goes to stdout; `--diff -`: the diff. What remains goes to stderr."""
    from . import api, documents

    data = sys.stdin.buffer.read()
    path = os.path.join(cwd, stdin_filename or STDIN)
    shown = display_path(path, cwd) if stdin_filename else STDIN
    fixed = api.fix_document(documents.from_bytes(data, shown), settings.options_for(path), unsafe)
    if diff:
        _write(sys.stdout, fixed.diff())
    else:
        sys.stdout.buffer.write(fixed.document.to_bytes())
    sys.stdout.flush()
    run.internal(shown, fixed.internal_errors)
    remaining = fixed.diagnostics
    if not quiet:
        for diagnostic in remaining:
            _err(f"{diagnostic.filename}:{diagnostic.span.row}:{diagnostic.span.column}: {diagnostic.code} "
                 f"[{diagnostic.severity}] {diagnostic.message}")
        if diff:
            _err(f"Would fix {fixed.applied} {'diagnostic' if fixed.applied == 1 else 'diagnostics'}.")
        else:
            _err(f"Fixed {fixed.applied} {'diagnostic' if fixed.applied == 1 else 'diagnostics'}, "
                 f"{len(remaining)} remaining.")
    if run.internal_errors:
        return 2
    if diff:
        return 1 if fixed.changed else 0
    if failing(remaining, settings.fail_on) or (exit_non_zero_on_fix and fixed.applied):
        return 1
    return 0


def failing(diagnostics, fail_on: str) -> bool:
    """Whether any diagnostic is at `fail_on` or above (what makes the exit status 1)."""
    return any(at_least(diagnostic.severity, fail_on) for diagnostic in diagnostics)


# --------------------------------------------------------------------------------------------
# click


def _comma_help(what: str) -> str:
    return f"{what} Comma-separated codes, prefixes (e.g. IL2) or ALL; may be repeated."


@click.command(
    name=PROG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.argument("paths", nargs=-1, metavar="[PATHS]...")
@click.option("--select", multiple=True, metavar="CODES",
              help=_comma_help("Rules to enable (replaces the configured selection)."))
@click.option("--extend-select", multiple=True, metavar="CODES",
              help=_comma_help("Rules to enable in addition to the selection."))
@click.option("--ignore", multiple=True, metavar="CODES", help=_comma_help("Rules to disable."))
@click.option("--extend-ignore", multiple=True, metavar="CODES",
              help=_comma_help("Rules to disable in addition to the ignored ones (the same as --ignore)."))
@click.option("--per-file-ignores", multiple=True, metavar="GLOB:CODES",
              help="Rules to disable in the files matching GLOB (relative to the current directory), added to "
                   "the configured ones, e.g. 'tests/*:IL101,IL2'; may be repeated.")
@click.option("--output-format", type=click.Choice(list(FORMATS)), default=DEFAULT_FORMAT,
              show_default=True, envvar="INITLINT_OUTPUT_FORMAT", help="How to print the diagnostics.")
@click.option("-o", "--output-file", metavar="PATH",
              help="Write the report to this file instead of stdout (the exit status is unchanged).")
@click.option("--also-output", "also_outputs", multiple=True, metavar="FORMAT:PATH",
              help="Also write the report in FORMAT to PATH from the same run, e.g. sarif:initlint.sarif "
                   "(may be repeated).")
@click.option("--config", "config_file", multiple=True, metavar="FILE|KEY=VALUE",
              help="Use this configuration file instead of searching for one, or override one setting "
                   "with TOML (e.g. --config 'ignore = [\"IL201\"]'); may be repeated.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("-e", "--exit-zero", is_flag=True, help="Exit with status 0 even when diagnostics are found.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Exit with status 1 only for diagnostics of this severity or above (default: warning).")
@click.option("--statistics", is_flag=True, help="Show the number of diagnostics per rule code.")
@click.option("--list-rules", "list_rules_flag", is_flag=True,
              help="List every rule, one line each: code, name, default on/off, severity, fix availability, "
                   "summary (the full text: --explain CODE).")
@click.option("--explain", "explain_code", metavar="CODE", help="Show the documentation of a rule.")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None,
              help="Skip the files that .gitignore files ignore (default: respect them).")
@click.option("--exclude", multiple=True, metavar="GLOBS",
              help="Paths to skip, replacing the configured and default excludes (comma-separated).")
@click.option("--extend-exclude", multiple=True, metavar="GLOBS",
              help="Paths to skip in addition to the excludes (comma-separated).")
@click.option("--stdin-filename", metavar="NAME",
              help="The file name to report for the source read from stdin ('-').")
@click.option("--force-exclude/--no-force-exclude", default=None,
              help="Apply the excludes to paths named on the command line too (for pre-commit).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), metavar="N",
              help="Worker processes to lint with (default or 0: the number of CPUs; 1: lint in this process).")
@click.option("--cache-dir", metavar="DIR", envvar="INITLINT_CACHE_DIR",
              help="Where to cache results (default: .initlint_cache at the project root).")
@click.option("--no-cache", is_flag=True, envvar="INITLINT_NO_CACHE", help="Neither read nor write the cache.")
@click.option("--fix", is_flag=True, help="Apply safe fixes (with --unsafe-fixes, unsafe ones too).")
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply (with --fix) and show as available the fixes that change training numerics.")
@click.option("--diff", is_flag=True, help="Print the diff --fix would make and change nothing; exit 1 if any.")
@click.option("--show-files", is_flag=True, help="List the files initlint would analyze, then exit.")
@click.option("--show-settings", is_flag=True,
              help="Show the settings the first file would be analyzed with, and where they come from, then exit.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also say which files the prefilter skipped, and why.")
@click.option("--add-noqa", is_flag=True,
              help="Add `# noqa: ILxxx` to every line with a diagnostic (keeping what the line says), "
                   "then exit.")
@click.option("--show-fixes", is_flag=True,
              help="Show each diagnostic's fix (what it changes, and whether --fix applies it) in the text formats.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit with status 1 when a fix was applied.")
@click.option("-q", "--quiet", is_flag=True, help="Print the diagnostics only: no summary, no warnings.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text output (auto: only on a terminal, never when NO_COLOR is set).")
@click.version_option(__version__, "-V", "--version", prog_name=PROG, message="%(prog)s %(version)s")
def command(paths: Tuple[str, ...], **options: Any) -> int:
    """Find weight-initialization bugs in Keras and PyTorch model code.

    PATHS are files or directories (default: the current directory); '-' reads stdin.
    Exit status: 0 no diagnostics at or above --fail-on (default warning), 1 some found, 2 usage,
    configuration or internal error.
    """
    return lint_command(paths, **options)


def main(argv: Optional[Sequence[str]] = None, prog_name: str = PROG) -> None:
    """The console entry point: runs the command and exits with its status."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if args[:1] == ["server"]:  # `initlint server`: the language server over stdio
        from .server import run

        sys.exit(run(args[1:]))
    from .runner import Stopped, signals_stop_the_run

    try:
        with signals_stop_the_run():  # ^C / SIGTERM: workers stopped, one line, 130 / 143
            status = command.main(args=list(argv) if argv is not None else None, prog_name=prog_name,
                                  standalone_mode=False)
    except click.exceptions.Exit as exit_:
        status = exit_.exit_code
    except click.exceptions.Abort:
        _err(f"{PROG}: aborted")
        status = 130
    except click.ClickException as error:
        error.show()
        status = 2
    except (ConfigError, SelectionError, UsageProblem) as error:
        _err(f"{PROG}: error: {_one_line(error)}")
        status = 2
    except Stopped as error:
        _err(f"{PROG}: {error.word}")
        status = error.exit_status
    except KeyboardInterrupt:
        _err(f"{PROG}: interrupted")
        status = 130
    except BrokenPipeError:
        # The reader went away (`initlint | head`): stop quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        status = 1
    except Exception as error:
        if os.environ.get("INITLINT_DEBUG"):
            import traceback

            traceback.print_exc()
        _err(f"{PROG}: internal error: {type(error).__name__}: {_one_line(error)}")
        status = 2
    sys.exit(status if isinstance(status, int) else 0)


__all__ = ["command", "explain", "lint_command", "list_rules", "main", "use_color"]
