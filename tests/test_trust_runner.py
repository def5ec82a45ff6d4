"""The runner's worker processes: a start method that is safe in threaded hosts."""
from __future__ import annotations

import threading
import warnings

from initlint import runner
from initlint.options import AnalysisOptions
from initlint.rules import default_codes

BUGGY = (
    "import torch.nn as nn\n"
    "class M(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.fc = nn.Linear(512, 512)\n"
    "        nn.init.normal_(self.fc.weight, std=1.0)\n"
    "    def forward(self, x):\n"  # a known activation: the fix is written only when the gain is known
    "        return nn.functional.relu(self.fc(x))\n"
)


def _with_a_thread(body):
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        return body()
    finally:
        stop.set()
        thread.join()


def test_no_fork_in_a_threaded_host():
    assert _with_a_thread(lambda: runner._context().get_start_method()) != "fork"


def test_a_parallel_run_in_a_threaded_host_gives_the_same_results_without_warnings(tmp_path):
    paths = []
    for index in range(6):
        path = tmp_path / f"m{index}.py"
        path.write_text(BUGGY)
        paths.append(str(path))
    options = AnalysisOptions(frozenset(default_codes()))

    def lint():
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            outcomes = runner.lint_files(paths, options_for=lambda p: options, cwd=str(tmp_path), jobs=2,
                                         parallel_min_bytes=0)
        return [(o.shown, [(d.code, d.span.row) for d in o.diagnostics]) for o in outcomes]

    threaded = _with_a_thread(lint)
    assert threaded == lint()
    assert all(found == [("IL301", 6)] for _, found in threaded)


import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import initlint_command


def _children(pid: int):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum, status, word", [(signal.SIGTERM, 143, "terminated"),
                                                  (signal.SIGINT, 130, "interrupted")])
def test_a_signal_stops_every_worker_with_one_line(tmp_path, signum, status, word):
    body = "".join(BUGGY.replace("class M(", f"class M{i}(").split("\n", 1)[1] for i in range(150))
    for index in range(120):
        (tmp_path / f"m{index}.py").write_text("import torch.nn as nn\n" + body)
    env = dict(os.environ, INITLINT_NO_CACHE="1")
    process = subprocess.Popen([*initlint_command(), "--no-cache", "--jobs", "2", "."], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        workers = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = _children(process.pid)
        assert len(workers) >= 2, "the run must be parallel"
        time.sleep(1)
        assert process.poll() is None, "the run must still be going"
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)  # returns: no worker holds the pipes open
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == status
    assert stderr.decode() == f"initlint: {word}\n"
    time.sleep(0.5)
    assert not [pid for pid in workers if _alive(pid)]
