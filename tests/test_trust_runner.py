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
