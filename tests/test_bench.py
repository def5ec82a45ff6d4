"""The benchmark runs end to end on a tiny corpus (it measures; it asserts nothing about times)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # the benchmark runs the installed command a dozen times over the fixtures
def test_bench_runs_on_a_tiny_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "fixtures", corpus)
    (corpus / "plain.py").write_text("import os\nprint(os.sep)\n")
    before = sorted((p.relative_to(corpus), p.read_bytes()) for p in corpus.rglob("*") if p.is_file())
    completed = subprocess.run([sys.executable, "-m", "initlint.bench", str(corpus), "--no-tools"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, cwd=str(tmp_path))
    out = completed.stdout.decode()
    assert completed.returncode == 0, (out, completed.stderr.decode()[-2000:])
    files = sum(1 for p in corpus.rglob("*") if p.suffix in (".py", ".ipynb"))  # the fixtures (notebooks too) and plain.py
    assert f"files: {files}, lines:" in out and "skipped by the prefilter: 1 " in out
    for row in ("| libcst parse floor (1 process) |", "| initlint cold --no-cache --jobs 1 |",
                "| initlint warm (every file cached) |", "| initlint after one changed file |"):
        assert row in out, row
    assert "cold/floor:" in out and "warm/cold:" in out and "jobs-1/jobs-default:" in out
    assert "identical diagnostics for --jobs 1, the default, the cache fill and warm: yes" in out
    after = sorted((p.relative_to(corpus), p.read_bytes()) for p in corpus.rglob("*") if p.is_file())
    assert after == before, "the benchmark must work on a copy"
