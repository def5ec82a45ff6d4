"""The `initlint` command (ruff's conventions).

Exit status: 0 no diagnostics, 1 diagnostics (or a Python file that could not be read), 2 a
usage, configuration or internal error. Problems with the configuration or the options are one
line on stderr, never a traceback (set INITLINT_DEBUG=1 to see the traceback of an internal error).
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

import click

from . import __version__
from .config import ConfigError, Overrides, Settings, resolve_settings
from .discovery import discover, display_path, is_force_excluded, read_source
from .runner import lint_files, progress_bar, show_progress
from .report import DEFAULT_FORMAT, FORMATS, Report, printable, render, render_statistics, rule_url
from .selection import SelectionError, split_selectors

PROG = "initlint"
STDIN = "-"
FILE_ERROR_CODE = "IL000"


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
    _write(sys.stderr, printable(text.rstrip("\n"), keep="\t") + "\n")


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


def _rule_info(rule: Any) -> Dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary(),
        "severity": rule.severity,
        "default_enabled": bool(rule.default_enabled),
        "fix_availability": rule.fix_availability,
        "url": rule_url(rule.code),
    }


def list_rules(output_format: str) -> str:
    from .rules import ALL_RULES

    rules = sorted(ALL_RULES, key=lambda rule: rule.code)
    if output_format == "json":
        return json.dumps([_rule_info(rule) for rule in rules], indent=2, ensure_ascii=False) + "\n"
    header = ("CODE", "NAME", "DEFAULT", "SEVERITY", "FIX", "SUMMARY")
    rows = [header] + [
        (rule.code, rule.name, "on" if rule.default_enabled else "off", rule.severity, rule.fix_availability,
         rule.summary())
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


def explain(code: str, output_format: str) -> str:
    from .rules import ALL_RULES, RULES_BY_CODE

    wanted = code.strip()
    rule = RULES_BY_CODE.get(wanted.upper())
    if rule is None:
        rule = next((r for r in ALL_RULES if r.name == wanted.lower()), None)
    if rule is None:
        codes = ", ".join(sorted(RULES_BY_CODE))
        raise UsageProblem(f"unknown rule {code!r} for --explain; valid codes: {codes}")
    if output_format == "json":
        info = _rule_info(rule)
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
        f"Documentation: {rule_url(rule.code)}",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# The run


class Run:
    """One lint run over files (and possibly stdin); collects everything for the report."""

    def __init__(self, settings: Settings, cwd: str) -> None:
        self.settings = settings
        self.cwd = cwd
        self.diagnostics: List[Any] = []
        self.sources: Dict[str, bytes] = {}
        self.files_checked = 0
        self.unreadable = 0
        self.failed_reads = 0  # unreadable files whose IL000 is enabled: they fail the run
        self.internal_errors = 0

    def file_error(self, path: str, shown: str, message: str) -> None:
        what = message if message.startswith("could not read") else f"could not read the file: {message}"
        _err(f"{shown}:1:1: {FILE_ERROR_CODE} [error] {what}")
        self.unreadable += 1
        if FILE_ERROR_CODE in self.settings.enabled_for(path):
            self.failed_reads += 1

    def lint(self, data: bytes, shown: str, path: str) -> None:
        """One source in this process (stdin), through the same prefilter and engine as files."""
        from .runner import analyze  # the analysis core is loaded only when something is analyzed

        enabled = self.settings.enabled_for(path)
        self.files_checked += 1
        try:
            result = analyze(data, shown, enabled)
        except Exception as error:  # a bug in the core: say so, go on with the other files
            if os.environ.get("INITLINT_DEBUG"):
                import traceback

                traceback.print_exc()
            _err(f"{PROG}: internal error: {shown}: {type(error).__name__}: {_one_line(error)}")
            self.internal_errors += 1
            return
        self._engine_errors(shown, getattr(result, "internal_errors", None) or ())
        found = [diagnostic for diagnostic in result.diagnostics if diagnostic.code in enabled]
        if found:
            self.sources[shown] = data
            self.diagnostics.extend(found)

    def _engine_errors(self, shown: str, messages) -> None:
        """Crashes the engine contained (it reports IL000 for them too): exit status 2."""
        for message in messages:
            _err(f"{PROG}: internal error: {shown}: {_one_line(message)}")
            self.internal_errors += 1

    def add(self, outcome: Any) -> None:
        """The outcome of one file linted by `runner.lint_files`."""
        if outcome.read_error is not None:
            self.file_error(outcome.path, outcome.shown, outcome.read_error)
            return
        self.files_checked += 1
        if outcome.internal_error is not None:
            _err(f"{PROG}: internal error: {outcome.shown}: {_one_line(outcome.internal_error)}")
            self.internal_errors += 1
            return
        self._engine_errors(outcome.shown, outcome.engine_errors)
        if outcome.diagnostics:
            self.sources[outcome.shown] = outcome.source
            self.diagnostics.extend(outcome.diagnostics)

    def lint_path(self, path: str) -> None:
        shown = display_path(path, self.cwd)
        try:
            data = read_source(path)
        except OSError as error:
            reason = error.strerror or str(error)
            self.file_error(path, shown, reason[:1].lower() + reason[1:])
            return
        self.lint(data, shown, path)

    def lint_stdin(self, stdin_filename: Optional[str]) -> None:
        data = sys.stdin.buffer.read()
        if stdin_filename:
            path = os.path.normpath(os.path.join(self.cwd, os.path.expanduser(stdin_filename)))
            if self.settings.force_exclude and is_force_excluded(path, self.settings.excludes):
                return  # --force-exclude: an excluded --stdin-filename is not linted (as ruff)
            self.lint(data, display_path(path, self.cwd), path)
        else:
            self.lint(data, STDIN, os.path.join(self.cwd, STDIN))


def _open_cache(settings: Settings, cwd: str, cache_dir: Optional[str]) -> Any:
    from .cache import Cache, default_directory

    return Cache(default_directory(settings.project_root, cache_dir, cwd))


def _selectors(values: Tuple[str, ...]) -> Optional[Tuple[str, ...]]:
    return split_selectors(values) if values else None


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
    config_file: Optional[str] = None,
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
) -> int:
    """Everything the command does; returns the exit status."""
    if list_rules_flag:
        _write(sys.stdout, list_rules(output_format))
        return 0
    if explain_code is not None:
        _write(sys.stdout, explain(explain_code, output_format))
        return 0

    cwd = os.getcwd()
    overrides = Overrides(
        select=_selectors(select),
        extend_select=split_selectors(extend_select),
        ignore=split_selectors(ignore),
        exclude=_globs(exclude) if exclude else None,
        extend_exclude=_globs(extend_exclude),
        respect_gitignore=respect_gitignore,
        force_exclude=force_exclude,
        config=config_file,
        isolated=isolated,
    )
    settings = resolve_settings(overrides, cwd)

    paths = list(paths)
    read_stdin = STDIN in paths or (not paths and stdin_filename is not None)
    if stdin_filename is not None and not read_stdin:
        _err(f"{PROG}: warning: --stdin-filename is ignored: '-' is not among the paths")
    file_paths = [path for path in paths if path != STDIN]
    if not file_paths and not read_stdin:
        file_paths = ["."]

    run = Run(settings, cwd)
    found = discover(
        file_paths,
        excludes=settings.excludes,
        respect_gitignore=settings.respect_gitignore,
        project_root=settings.project_root,
        cwd=cwd,
        force_exclude=settings.force_exclude,
    )
    for problem in found.problems:
        shown = display_path(problem.path, cwd)
        if problem.level == "error":
            run.file_error(problem.path, shown, problem.message)
        elif not quiet:
            _err(f"{PROG}: warning: {shown}: {problem.message}")
    fixing = None
    if (fix or diff) and found.files:
        from .writeback import fix_files

        fixing = fix_files(found.files, settings.enabled_for, unsafe_fixes, diff, lambda p: display_path(p, cwd),
                           read_source, run.file_error)
        if diff:
            for patch in fixing.diffs:
                _write(sys.stdout, patch)
            if not quiet:
                _err(f"Would fix {fixing.fixed} {'diagnostic' if fixing.fixed == 1 else 'diagnostics'}.")
            return 1 if fixing.diffs else (2 if run.internal_errors else 0)
    if read_stdin and (fix or diff):
        return _fix_stdin(run, settings, stdin_filename, cwd, unsafe_fixes, diff, quiet, exit_non_zero_on_fix)
    cache = None if no_cache or not found.files else _open_cache(settings, cwd, cache_dir)
    with progress_bar(len(found.files), show_progress(len(found.files), quiet)) as advance:
        outcomes = lint_files(found.files, enabled_for=settings.enabled_for, cwd=cwd, jobs=jobs, cache=cache,
                              progress=advance)
    for outcome in outcomes:
        run.add(outcome)
    if read_stdin:
        run.lint_stdin(stdin_filename)
    if not found.files and not read_stdin and not found.problems and not quiet:
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
        fixed=fixing.fixed if fixing is not None else 0,
    )
    text = render_statistics(report, output_format) if statistics else render(report, output_format)
    if output_file is not None:
        target = os.path.join(cwd, os.path.expanduser(output_file))
        try:
            parent = os.path.dirname(target)
            if parent:
                os.makedirs(parent, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as error:
            raise UsageProblem(f"cannot write the output file {output_file}: {error.strerror or error}") from None
    else:
        _write(sys.stdout, text)

    if run.internal_errors:
        return 2
    if (run.diagnostics or run.failed_reads) and not exit_zero:
        return 1
    if exit_non_zero_on_fix and fixing is not None and fixing.fixed:
        return 1
    return 0


def _fix_stdin(run, settings, stdin_filename, cwd, unsafe, diff, quiet, exit_non_zero_on_fix) -> int:
    """`--fix -`: the fixed source goes to stdout; `--diff -`: the diff. What remains goes to stderr."""
    from .writeback import fix_source, unified_diff

    data = sys.stdin.buffer.read()
    path = os.path.join(cwd, stdin_filename or STDIN)
    shown = display_path(path, cwd) if stdin_filename else STDIN
    enabled = settings.enabled_for(path)
    outcome = fix_source(data, shown, enabled, unsafe)
    if outcome is None:  # undecodable or does not parse: passed through unchanged
        if not diff:
            sys.stdout.buffer.write(data)
        run.lint(data, shown, path)
        remaining = run.diagnostics
        applied = 0
    else:
        if diff:
            _write(sys.stdout, unified_diff(shown, outcome.original, outcome.fixed) if outcome.changed else "")
        else:
            sys.stdout.buffer.write(outcome.fixed.encode(outcome.encoding))
        run.lint(outcome.fixed.encode(outcome.encoding), shown, path)
        remaining = run.diagnostics
        applied = outcome.applied
    sys.stdout.flush()
    if not quiet:
        for diagnostic in remaining:
            _err(f"{diagnostic.filename}:{diagnostic.span.row}:{diagnostic.span.column}: {diagnostic.code} "
                 f"[{diagnostic.severity}] {diagnostic.message}")
        if diff:
            _err(f"Would fix {applied} {'diagnostic' if applied == 1 else 'diagnostics'}.")
        else:
            _err(f"Fixed {applied} {'diagnostic' if applied == 1 else 'diagnostics'}, {len(remaining)} remaining.")
    if run.internal_errors:
        return 2
    if diff:
        return 1 if outcome is not None and outcome.changed else 0
    if remaining or (exit_non_zero_on_fix and applied):
        return 1
    return 0


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
@click.option("--output-format", type=click.Choice(list(FORMATS)), default=DEFAULT_FORMAT,
              show_default=True, envvar="INITLINT_OUTPUT_FORMAT", help="How to print the diagnostics.")
@click.option("-o", "--output-file", metavar="PATH",
              help="Write the report to this file instead of stdout (the exit status is unchanged).")
@click.option("--config", "config_file", metavar="FILE",
              help="Use this configuration file instead of searching for one.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("-e", "--exit-zero", is_flag=True, help="Exit with status 0 even when diagnostics are found.")
@click.option("--statistics", is_flag=True, help="Show the number of diagnostics per rule code.")
@click.option("--list-rules", "list_rules_flag", is_flag=True,
              help="List every rule: code, name, default on/off, severity, fix availability.")
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
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit with status 1 when a fix was applied.")
@click.option("-q", "--quiet", is_flag=True, help="Print the diagnostics only: no summary, no warnings.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text output (auto: only on a terminal, never when NO_COLOR is set).")
@click.version_option(__version__, "-V", "--version", prog_name=PROG, message="%(prog)s %(version)s")
def command(paths: Tuple[str, ...], **options: Any) -> int:
    """Find weight-initialization bugs in Keras and PyTorch model code.

    PATHS are files or directories (default: the current directory); '-' reads stdin.
    Exit status: 0 no diagnostics, 1 diagnostics found, 2 usage, configuration or internal error.
    """
    return lint_command(paths, **options)


def main(argv: Optional[Sequence[str]] = None, prog_name: str = PROG) -> None:
    """The console entry point: runs the command and exits with its status."""
    try:
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
