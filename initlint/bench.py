"""The benchmark: `python -m initlint.bench CORPUS`.

Measures, in one run, on a copy of CORPUS (the original is never touched):

* the corpus: files, lines, and how many files the prefilter skips;
* the floor: one process that only parses every file with libcst;
* initlint cold (`--no-cache`) with `--jobs 1` and with the default number of jobs;
* initlint with an empty cache (it fills it), warm (every file a cache hit), and after one changed file,
  next to the cost of that one file analyzed alone;
* TorchFix and Fixit on the same files, when they are installed;

each as wall time, CPU time (user + system, workers included) and the peak resident memory of the
largest process (`ru_maxrss` of the run's process tree, from `os.wait4`: the figure
`resource.getrusage(RUSAGE_CHILDREN)` reports, for that run alone). It then prints the ratios
cold/floor, warm/cold and jobs-1/jobs-default, and checks that `--jobs 1`, the default and the
warm run report identical diagnostics.

A good corpus is real model code, at least 100k lines: for example the sources of transformers and
torchvision (see the README's "Performance" section). This is a benchmark, not a test: it asserts
nothing about times; the exit status is 1 only when the diagnostics differ between runs.
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import List, Optional, Sequence


@dataclass
class Measure:
    name: str
    seconds: float
    cpu: float  # user + system seconds of the process tree
    peak_mb: float  # largest resident set of any one process of the run
    status: int
    note: str = ""


def measure(name: str, command: Sequence[str], cwd: str, note: str = "", env: Optional[dict] = None,
            repeat: int = 1, before=None) -> Measure:
    """The fastest of `repeat` runs of `command` (wall time), with its CPU time and peak memory."""
    best = None
    for _ in range(max(1, repeat)):
        if before is not None:
            before()
        found = _measure_once(name, command, cwd, note, env)
        if best is None or found.seconds < best.seconds:
            best = found
    return best


def _measure_once(name: str, command: Sequence[str], cwd: str, note: str, env: Optional[dict]) -> Measure:
    """Run `command` and return its wall time, CPU time and peak memory (its tree, reaped)."""
    started = time.perf_counter()
    process = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env)
    stderr = process.stderr.read() if process.stderr is not None else b""
    if hasattr(os, "wait4"):
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    else:  # no rusage of one child here (Windows): time only
        process.wait()
        cpu = peak = float("nan")
    seconds = time.perf_counter() - started
    if process.stderr is not None:
        process.stderr.close()
    if process.returncode not in (0, 1):
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        note = (note + " " if note else "") + f"(exit {process.returncode}: {' / '.join(tail)})"
    return Measure(name, seconds, cpu, peak, process.returncode, note)


# --------------------------------------------------------------------------------------------
# The corpus


def corpus_files(root: str) -> List[str]:
    """The files initlint lints under `root` (its discovery, default excludes, .gitignore)."""
    from .discovery import default_exclude_patterns, discover

    return discover([root], excludes=default_exclude_patterns(root), respect_gitignore=True,
                    project_root=root, cwd=root).files


def corpus_stats(files: Sequence[str]):
    """(lines, files the prefilter skips, the file to change: the median-sized analyzed file)."""
    from . import prefilter

    lines = 0
    skipped = 0
    analyzed = []
    for path in files:
        with open(path, "rb") as handle:
            data = handle.read()
        lines += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        try:
            keep = prefilter.may_initialize(data)
        except Exception:
            keep = True
        if keep and not os.path.islink(path):
            analyzed.append((len(data), path))
        else:
            skipped += 1
    analyzed.sort()
    changed = analyzed[len(analyzed) // 2][1] if analyzed else (files[0] if files else None)
    return lines, skipped, changed


def parse_floor(list_file: str) -> None:
    """The floor, run in its own process: parse every listed file with libcst, nothing else."""
    import libcst

    from .sources import decode

    with open(list_file, encoding="utf-8") as handle:
        paths = [line.rstrip("\n") for line in handle if line.strip()]
    for path in paths:
        with open(path, "rb") as stream:
            data = stream.read()
        try:
            libcst.parse_module(decode(data))
        except Exception:
            pass


# --------------------------------------------------------------------------------------------
# The run


def _initlint(*args: str) -> List[str]:
    return [sys.executable, "-m", "initlint", "--isolated", "--exit-zero", "--output-format", "json", *args]


def _diagnostics(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            items = json.load(handle)
    except (OSError, ValueError):
        return None
    return sorted(json.dumps(item, sort_keys=True) for item in items)


def _tools(root: str) -> List[tuple]:
    """(name, command) for the other linters that are installed."""
    found = []
    torchfix = shutil.which("torchfix")
    if torchfix:
        found.append(("TorchFix", [torchfix, "."]))
    fixit = shutil.which("fixit")
    if fixit:
        found.append(("Fixit", [fixit, "lint", "."]))
    return found


def snapshot(work: str) -> dict:
    """Copy this initlint package into `work` and return the environment that runs the copy, so that
    edits to the checkout while the benchmark runs (a changed source hash) cannot disturb it."""
    source = os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(work, "package")
    shutil.copytree(source, os.path.join(target, "initlint"), ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # Bytecode, as an installed initlint has it (pip compiles at install): where PYTHONDONTWRITEBYTECODE
    # is set (as on the development machines), every run would otherwise compile initlint's source
    # again, about 0.1 s per process, and that is not a cost users pay.
    compileall.compile_dir(os.path.join(target, "initlint"), quiet=1)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [target, env.get("PYTHONPATH")]))
    for name in ("INITLINT_CACHE_DIR", "INITLINT_NO_CACHE", "INITLINT_OUTPUT_FORMAT", "CI"):
        env.pop(name, None)
    return env


def run(corpus: str, jobs: Optional[int], tools: bool, floor: bool, keep: bool, repeat: int = 1,
        out=sys.stdout) -> int:
    from .runner import default_jobs

    corpus = os.path.abspath(corpus)
    if not os.path.isdir(corpus):
        print(f"initlint.bench: {corpus}: not a directory", file=sys.stderr)
        return 2
    default = jobs or default_jobs()
    work = tempfile.mkdtemp(prefix="initlint-bench-")
    try:
        env = snapshot(work)
        root = os.path.join(work, "corpus")
        shutil.copytree(corpus, root, symlinks=True)
        cache = os.path.join(work, "cache")
        files = corpus_files(root)
        inside = os.path.realpath(root) + os.sep
        changeable = [path for path in files if os.path.realpath(path).startswith(inside)]
        lines, skipped, changed = corpus_stats(files)
        if changed is not None and changed not in changeable:  # never write through a link to the original
            changed = changeable[len(changeable) // 2] if changeable else None
        list_file = os.path.join(work, "files.txt")
        with open(list_file, "w", encoding="utf-8") as handle:
            handle.write("".join(path + "\n" for path in files))
        print(f"corpus: {corpus}", file=out)
        print(f"files: {len(files)}, lines: {lines}, skipped by the prefilter: {skipped} "
              f"({100.0 * skipped / max(1, len(files)):.0f}%), CPUs: {default_jobs()}", file=out)
        out.flush()

        results: List[Measure] = []
        outputs = {}

        def step(measure_: Measure) -> Measure:
            results.append(measure_)
            print(f"  {measure_.name}: {measure_.seconds:.2f} s", file=sys.stderr)
            return measure_

        if floor:
            step(measure("libcst parse floor (1 process)", [sys.executable, "-m", "initlint.bench", "--floor",
                                                            list_file], root, env=env, repeat=repeat))
        empty = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
        for name, label, args, before in (
            ("jobs1", "initlint cold --no-cache --jobs 1", ("--no-cache", "--jobs", "1"), None),
            ("default", f"initlint cold --no-cache (default: --jobs {default})", ("--no-cache", "--jobs", str(default)),
             None),
            ("fill", "initlint, empty cache (fills it)", ("--cache-dir", cache, "--jobs", str(default)), empty),
            ("warm", "initlint warm (every file cached)", ("--cache-dir", cache, "--jobs", str(default)), None),
        ):
            target = os.path.join(work, f"{name}.json")
            step(measure(label, _initlint(*args, "-o", target, "."), root, env=env, repeat=repeat, before=before))
            outputs[name] = _diagnostics(target)

        if changed is not None:
            shown = os.path.relpath(changed, root)
            counter = [0]

            def change() -> None:  # a new change before each repetition: always exactly one miss
                counter[0] += 1
                with open(changed, "ab") as handle:
                    handle.write(b"\n# initlint.bench: one changed file (%d)\n" % counter[0])

            step(measure("initlint after one changed file", _initlint("--cache-dir", cache, "--jobs", str(default),
                                                                       "-o", os.path.join(work, "changed.json"), "."),
                         root, note=shown, env=env, repeat=repeat, before=change))
            step(measure("  that file alone, --no-cache", _initlint("--no-cache", "-o", os.path.join(work, "one.json"),
                                                                    shown), root, env=env, repeat=repeat))
            step(measure("  initlint startup (no files)", _initlint("--no-cache", "-o", os.path.join(work, "none.json"),
                                                                    "--extend-exclude", "*", "."), root, env=env,
                         repeat=repeat))
        if tools:
            for name, command in _tools(root):
                step(measure(f"{name}", command, root, env=env, repeat=1))

        print(file=out)
        print(table(results), file=out)
        by_name = {m.name: m for m in results}
        floor_m = results[0] if floor else None
        cold1 = next(m for m in results if m.name.startswith("initlint cold --no-cache --jobs 1"))
        cold = next(m for m in results if m.name.startswith("initlint cold --no-cache (default"))
        warm = by_name["initlint warm (every file cached)"]
        print(file=out)
        if floor_m is not None:
            print(f"cold/floor: {cold.seconds / floor_m.seconds:.3f} (jobs 1: {cold1.seconds / floor_m.seconds:.3f})",
                  file=out)
        print(f"warm/cold: {warm.seconds / cold.seconds:.3f}", file=out)
        print(f"jobs-1/jobs-default: {cold1.seconds / cold.seconds:.2f}", file=out)
        for m in results:
            if not m.name.startswith(("initlint", "  ", "libcst")):
                print(f"{m.name}/initlint cold: {m.seconds / cold.seconds:.1f}", file=out)
        print(f"peak memory, largest process: {max(m.peak_mb for m in results if m.name.startswith(('initlint', '  '))):.0f} MB",
              file=out)
        same = outputs["jobs1"] is not None and outputs["jobs1"] == outputs["default"] == outputs["fill"] == outputs["warm"]
        count = len(outputs["jobs1"] or ())
        print(f"identical diagnostics for --jobs 1, the default, the cache fill and warm: {'yes' if same else 'NO'} "
              f"({count} diagnostics)", file=out)
        if keep:
            print(f"kept: {work}", file=out)
        return 0 if same else 1
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def table(results: Sequence[Measure]) -> str:
    rows = ["| run | wall s | CPU s | peak MB | note |", "|---|---:|---:|---:|---|"]
    for m in results:
        rows.append(f"| {m.name.strip()} | {m.seconds:.2f} | {m.cpu:.2f} | {m.peak_mb:.0f} | {m.note} |")
    return "\n".join(rows)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m initlint.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", help="a directory of Python sources (it is copied first)")
    parser.add_argument("--jobs", type=int, default=None, help="the default --jobs to compare (default: CPUs)")
    parser.add_argument("--no-tools", action="store_true", help="do not run TorchFix or Fixit")
    parser.add_argument("--no-floor", action="store_true", help="skip the libcst parse floor")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and outputs")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run each initlint measurement N times and keep the fastest (default: 1)")
    parser.add_argument("--floor", metavar="LIST", help=argparse.SUPPRESS)  # the floor's own process
    args = parser.parse_args(argv)
    if args.floor:
        parse_floor(args.floor)
        return 0
    if not args.corpus:
        parser.error("CORPUS is required")
    return run(args.corpus, args.jobs, not args.no_tools, not args.no_floor, args.keep, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
