"""The runner (worker processes, deterministic order), the cache, and the progress bar."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from initlint import cache as cache_module
from initlint import runner
from initlint.cache import Cache
from initlint.options import AnalysisOptions
from initlint.rules import default_codes

from .conftest import BROKEN, CLEAN, ZERO_KERNEL, codes_by_file, initlint_command, write

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
FORK = sys.platform.startswith("linux")  # workers inherit monkeypatches only when forked
PADDING = "".join(f"# padding line {i}: the runner decides on workers by the amount of source\n" for i in range(60))


def make_tree(root: Path, copies: int = 2) -> list:
    """Copies of the fixtures (with and without findings), a syntax error and plain files. Two
    copies (about 70 files, 370 kB) are over PARALLEL_MIN_BYTES: the command goes parallel on them."""
    files = {}
    for index in range(copies):
        for path in sorted(FIXTURES.rglob("*.py")):
            files[f"pkg{index}/{path.parent.name}_{path.name}"] = path.read_text() + PADDING
        files[f"pkg{index}/plain.py"] = CLEAN + PADDING
        files[f"pkg{index}/broken.py"] = BROKEN
    write(root, files)
    return sorted(str(root / name) for name in files)


def assert_goes_parallel(paths) -> None:
    """A command-line run over `paths` uses workers (the runner decides by the amount of source)."""
    assert sum(os.path.getsize(path) for path in paths) > 2 * runner.PARALLEL_MIN_BYTES


def summary(outcomes):
    return [(o.shown, [(d.code, d.span, d.message, d.filename) for d in o.diagnostics], o.read_error,
             o.internal_error) for o in outcomes]


def lint(paths, root, **options):
    enabled = default_codes()
    return runner.lint_files(paths, enabled_for=lambda path: enabled, cwd=str(root), **options)


# --------------------------------------------------------------------------------------------
# Workers


def test_jobs_give_identical_outcomes_in_path_order(tmp_path):
    paths = make_tree(tmp_path)
    one = lint(paths, tmp_path, jobs=1)
    two = lint(paths, tmp_path, jobs=2, parallel_min_bytes=0)
    four = lint(paths, tmp_path, jobs=4, parallel_min_bytes=0)
    assert summary(one) == summary(two) == summary(four)
    assert [o.path for o in one] == paths
    assert sum(len(o.diagnostics) for o in one) >= 20
    assert any(o.skipped for o in two) and not all(o.skipped for o in two)
    assert all(o.source is not None for o in two if o.diagnostics)


def test_unreadable_file_is_an_outcome_not_a_crash(tmp_path):
    paths = make_tree(tmp_path, copies=1) + [str(tmp_path / "gone.py")]
    for jobs in (1, 2):
        outcomes = lint(paths, tmp_path, jobs=jobs, parallel_min_bytes=0)
        assert outcomes[-1].read_error == "no such file or directory"
        assert all(o.read_error is None for o in outcomes[:-1])


@pytest.mark.skipif(not FORK, reason="the monkeypatch reaches the workers only when they are forked")
def test_internal_error_in_a_worker_is_reported_and_the_rest_goes_on(tmp_path, monkeypatch):
    import initlint.engine

    paths = make_tree(tmp_path, copies=2)
    real = initlint.engine.lint_text

    def flaky(text, filename, options):
        if filename.endswith("torch_mlp.py") and filename.startswith("pkg1"):
            raise RuntimeError("boom\nsecond line")
        return real(text, filename, options)

    monkeypatch.setattr(initlint.engine, "lint_text", flaky)
    outcomes = lint(paths, tmp_path, jobs=2, parallel_min_bytes=0)
    broken = [o for o in outcomes if o.internal_error]
    assert [o.shown for o in broken] == [os.path.join("pkg1", "torch_mlp.py")]
    assert broken[0].internal_error == "RuntimeError: boom second line"
    assert any(o.diagnostics for o in outcomes if o.shown.startswith("pkg0"))


def test_chunks_hold_every_task_once_biggest_first():
    tasks = [(i, f"f{i}.py", f"f{i}.py", frozenset(), size) for i, size in enumerate([5, 100, 7, 3000, 1, 40] * 20)]
    chunks = runner._chunks(tasks, 2)
    flat = [task[0] for chunk in chunks for task in chunk]
    assert sorted(flat) == list(range(len(tasks)))
    assert chunks[0][0][0] in {i for i, *_rest, size in tasks if size == 3000}
    assert all(len(chunk) <= runner.MAX_CHUNK_FILES for chunk in chunks)
    assert len(chunks) >= 4


def test_small_runs_stay_in_process(tmp_path, monkeypatch):
    paths = make_tree(tmp_path, copies=1)[:12]  # a dozen files: well below PARALLEL_MIN_BYTES

    def no_workers(*args, **kwargs):
        raise AssertionError("worker processes for a small run")

    monkeypatch.setattr(runner, "_run_parallel", no_workers)
    lint(paths, tmp_path, jobs=8)  # below PARALLEL_MIN_BYTES
    lint(paths[:1], tmp_path, jobs=8, parallel_min_bytes=0)  # a single file


def test_default_jobs_is_the_cpu_count():
    assert runner.default_jobs() >= 1


# --------------------------------------------------------------------------------------------
# Cache


def test_cache_hits_are_identical_to_the_analysis(tmp_path):
    paths = make_tree(tmp_path)
    cold = lint(paths, tmp_path, jobs=2, parallel_min_bytes=0, cache=Cache(str(tmp_path / "cache")))
    warm_cache = Cache(str(tmp_path / "cache"))
    warm = lint(paths, tmp_path, jobs=2, parallel_min_bytes=0, cache=warm_cache)
    assert summary(cold) == summary(warm) == summary(lint(paths, tmp_path, jobs=1))
    assert all(o.cached for o in warm)
    assert warm_cache.hits == len(paths) and warm_cache.misses == 0
    assert all(o.source is not None for o in warm if o.diagnostics)
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (tmp_path / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not [p for p in (tmp_path / "cache").rglob(".tmp-*")], "temporary files left behind"


def test_one_changed_file_is_the_only_miss(tmp_path):
    paths = make_tree(tmp_path)
    lint(paths, tmp_path, cache=Cache(str(tmp_path / "cache")))
    changed = next(p for p in paths if p.endswith("torch_mlp.py"))
    with open(changed, "a") as handle:
        handle.write("# changed\n")
    again = Cache(str(tmp_path / "cache"))
    outcomes = lint(paths, tmp_path, cache=again)
    assert [o.path for o in outcomes if not o.cached] == [changed]
    assert again.misses == 1


def test_findings_are_cached_with_the_displayed_name_of_each_run(tmp_path):
    write(tmp_path, {"a/m.py": ZERO_KERNEL, "b/m.py": ZERO_KERNEL})
    store = str(tmp_path / "cache")
    first = lint([str(tmp_path / "a" / "m.py")], tmp_path, cache=Cache(store))
    second_cache = Cache(store)
    second = lint([str(tmp_path / "b" / "m.py")], tmp_path, cache=second_cache)
    assert second_cache.hits == 1  # same content, other path: the same entry
    assert [d.filename for d in first[0].diagnostics] == [os.path.join("a", "m.py")]
    assert [d.filename for d in second[0].diagnostics] == [os.path.join("b", "m.py")]


def test_the_key_depends_on_content_options_suffix_and_the_package():
    salt = cache_module.salt()

    def token(codes, tf_version=None):
        return AnalysisOptions(frozenset(codes), tf_version).cache_token()

    base = cache_module.entry_key(b"x = 1\n", token({"IL101", "IL000"}), ".py", salt)
    assert base == cache_module.entry_key(b"x = 1\n", token({"IL000", "IL101"}), ".py", salt)
    assert base != cache_module.entry_key(b"x = 2\n", token({"IL101", "IL000"}), ".py", salt)
    assert base != cache_module.entry_key(b"x = 1\n", token({"IL101"}), ".py", salt)
    assert base != cache_module.entry_key(b"x = 1\n", token({"IL101", "IL000"}, 1), ".py", salt)
    assert token({"IL101"}, 1) != token({"IL101"}, 2) != token({"IL101"})
    assert base != cache_module.entry_key(b"x = 1\n", token({"IL101", "IL000"}), ".pyi", salt)
    assert base != cache_module.entry_key(b"x = 1\n", token({"IL101", "IL000"}), ".py", salt + "0")


def test_an_edited_package_changes_the_salt(monkeypatch, tmp_path):
    package = tmp_path / "initlint"
    shutil.copytree(Path(cache_module.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "__file__", str(package / "cache.py"))
    before = cache_module.package_digest()
    with open(package / "rules" / "base.py", "a") as handle:
        handle.write("# edited\n")
    assert cache_module.package_digest() != before


def test_per_file_ignores_are_part_of_the_key(tmp_path):
    write(tmp_path, {"m.py": ZERO_KERNEL})
    path = str(tmp_path / "m.py")
    store = str(tmp_path / "cache")
    everything = runner.lint_files([path], enabled_for=lambda p: default_codes(), cwd=str(tmp_path),
                                   cache=Cache(store))
    ignored = runner.lint_files([path], enabled_for=lambda p: default_codes() - {"IL101"}, cwd=str(tmp_path),
                                cache=Cache(store))
    assert [d.code for d in everything[0].diagnostics] == ["IL101"]
    assert ignored[0].diagnostics == [] and not ignored[0].cached


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x80\x04\x95", None])
def test_a_damaged_entry_is_a_miss_never_fatal(tmp_path, damage):
    paths = make_tree(tmp_path, copies=1)[:12]  # a dozen entries to damage, with and without findings
    store = tmp_path / "cache"
    expected = summary(lint(paths, tmp_path, cache=Cache(str(store))))
    entries = [p for p in store.rglob("*") if p.is_file() and p.parent.parent.name == "v2"]
    assert len(entries) == len(paths)
    for entry in entries:
        if damage is None:  # a valid pickle of the wrong thing
            import pickle

            entry.write_bytes(pickle.dumps(("initlint-cache", "other key", [])))
        else:
            entry.write_bytes(damage)
    again = Cache(str(store))
    assert summary(lint(paths, tmp_path, cache=again)) == expected
    assert again.hits == 0
    third = Cache(str(store))  # and the damaged entries were replaced
    assert summary(lint(paths, tmp_path, cache=third)) == expected and third.misses == 0


def test_an_unwritable_cache_is_ignored(tmp_path):
    paths = make_tree(tmp_path, copies=1)[:12]  # in process: the run's own store is the one that gives up
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory would go")
    store = Cache(str(blocker / "cache"))
    assert summary(lint(paths, tmp_path, cache=store)) == summary(lint(paths, tmp_path))
    assert not store.writable


def test_concurrent_runs_share_one_cache(tmp_path):
    assert_goes_parallel(make_tree(tmp_path / "tree"))
    env = dict(os.environ, INITLINT_CACHE_DIR=str(tmp_path / "cache"))
    command = initlint_command() + ["--isolated", "--output-format", "json", "--exit-zero", "tree"]
    processes = [subprocess.Popen(command, cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
                 for _ in range(3)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), [err for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1
    warm = subprocess.run(command, cwd=str(tmp_path), stdout=subprocess.PIPE, env=env, timeout=120)
    assert warm.stdout == outputs[0][0]
    assert not [p for p in (tmp_path / "cache").rglob(".tmp-*")]


# --------------------------------------------------------------------------------------------
# The command line


def test_cli_output_is_the_same_for_any_jobs_and_warm(run, tmp_path):
    assert_goes_parallel(make_tree(tmp_path / "tree"))
    results = [
        run("--output-format", "json", "--no-cache", "--jobs", "1", "tree"),
        run("--output-format", "json", "--no-cache", "--jobs", "2", "tree"),
        run("--output-format", "json", "tree"),  # fills the cache (default jobs)
        run("--output-format", "json", "tree"),  # warm
        run("--output-format", "json", "-j", "3", "tree"),
    ]
    assert len({r.stdout for r in results}) == 1
    assert {r.returncode for r in results} == {1}
    found = codes_by_file(results[0])
    assert os.path.join("tree", "pkg0", "broken.py") in found
    text = [run("--no-cache", "-j", str(jobs), "tree").stdout for jobs in (1, 2)]
    assert text[0] == text[1] and text[0] == run("tree").stdout


def test_cli_cache_location(run, tmp_path, monkeypatch):
    monkeypatch.delenv("INITLINT_CACHE_DIR", raising=False)
    write(tmp_path, {"pyproject.toml": "[tool.initlint]\n", "src/m.py": ZERO_KERNEL})
    result = run(".", cwd=tmp_path / "src")  # the project root is where pyproject.toml is
    assert result.returncode == 1
    assert (tmp_path / ".initlint_cache" / "CACHEDIR.TAG").is_file()
    assert not (tmp_path / "src" / ".initlint_cache").exists()
    shutil.rmtree(tmp_path / ".initlint_cache")
    assert run("--no-cache", ".", cwd=tmp_path / "src").returncode == 1
    assert not (tmp_path / ".initlint_cache").exists()
    assert run("--cache-dir", "elsewhere", ".", cwd=tmp_path / "src").returncode == 1
    assert (tmp_path / "src" / "elsewhere" / "CACHEDIR.TAG").is_file()
    assert run(".", cwd=tmp_path / "src", env={"INITLINT_CACHE_DIR": str(tmp_path / "env")}).returncode == 1
    assert (tmp_path / "env" / "v2").is_dir()
    assert run(".", cwd=tmp_path / "src", env={"INITLINT_NO_CACHE": "1"}).returncode == 1
    assert not (tmp_path / ".initlint_cache").exists()


def test_cli_jobs_must_not_be_negative(run, tmp_path):
    result = run("--jobs", "-1", ".")
    assert result.returncode == 2 and "--jobs" in result.stderr


def test_cli_per_file_ignores_and_errors_with_workers(run, tmp_path):
    assert_goes_parallel(make_tree(tmp_path / "tree", copies=3))  # pkg1 ignored, pkg2 not
    write(tmp_path, {"pyproject.toml": '[tool.initlint]\nper-file-ignores = { "tree/pkg1/*" = ["IL1"] }\n'})
    result = run("--output-format", "json", "-j", "2", "tree", "missing.py")
    found = codes_by_file(result)
    assert not any(code.startswith("IL1") for name, codes in found.items() if "pkg1" in name for code in codes)
    assert any(code.startswith("IL1") for name, codes in found.items() if "pkg2" in name for code in codes)
    assert result.stderr == "missing.py:1:1: IL000 [error] could not read the file: no such file or directory\n"


# --------------------------------------------------------------------------------------------
# Progress


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_only_for_many_files_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    many = runner.PROGRESS_MIN_FILES
    assert runner.show_progress(many, stream=_Stream(True))
    assert not runner.show_progress(many - 1, stream=_Stream(True))
    assert not runner.show_progress(many, stream=_Stream(False))
    assert not runner.show_progress(many, quiet=True, stream=_Stream(True))
    monkeypatch.setenv("CI", "true")
    assert not runner.show_progress(many, stream=_Stream(True))


def test_progress_counts_every_file(tmp_path):
    paths = make_tree(tmp_path, copies=1)
    for options in ({"jobs": 1}, {"jobs": 2, "parallel_min_bytes": 0}):
        done = []
        lint(paths, tmp_path, progress=done.append, **options)
        assert sum(done) == len(paths)
    done = []
    lint(paths, tmp_path, cache=Cache(str(tmp_path / "cache")), progress=done.append)
    lint(paths, tmp_path, cache=Cache(str(tmp_path / "cache")), progress=done.append)
    assert sum(done) == 2 * len(paths)


def test_progress_bar_draws_on_stderr(capsys):
    with runner.progress_bar(10, True) as advance:
        advance(4)
        advance(6)
    with runner.progress_bar(10, False) as nothing:
        assert nothing is None
    assert capsys.readouterr().out == ""
