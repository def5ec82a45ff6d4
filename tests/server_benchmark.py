"""Benchmark of `initlint server` (a script, not a test): latency of the diagnostics after an edit
of a 1,000-line model file, and the server's memory over 1,000 edits of that document.

    python tests/server_benchmark.py [--edits 1000]

The debounce is set to 0 so the figure is the analysis + protocol time; an editor adds the
debounce (INITLINT_SERVER_DEBOUNCE, default 0.15 s) on top while the user is typing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.lsp_client import Client  # noqa: E402


def model_file(lines: int = 1000) -> str:
    out = ["import torch", "import torch.nn as nn", "from torch.nn import init", ""]
    block = 0
    while len(out) < lines - 12:
        out += [
            "",
            f"class Block{block}(nn.Module):",
            "    def __init__(self, width=256):",
            "        super().__init__()",
            "        self.fc1 = nn.Linear(width, width)",
            "        self.fc2 = nn.Linear(width, width)",
            f"        self.w = nn.Parameter(torch.randn(width, {block % 7 + 16}))",
            "        init.zeros_(self.fc2.weight)",
            "",
            "    def forward(self, x):",
            "        return torch.relu(self.fc2(torch.relu(self.fc1(x)))) @ self.w",
        ]
        block += 1
    out += [""] * (lines - len(out))
    return "\n".join(out) + "\n"


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=1000)
    args = parser.parse_args()
    os.environ["INITLINT_SERVER_DEBOUNCE"] = "0"
    with tempfile.TemporaryDirectory() as root:
        with open(os.path.join(root, "pyproject.toml"), "w") as config:
            config.write("[tool.initlint]\n")
        client = Client(root)
        client.process.stdin  # noqa: B018
        try:
            client.initialize("file://" + root)
            uri = "file://" + os.path.join(root, "model.py")
            text = model_file()
            assert text.count("\n") == 1000
            started = time.perf_counter()
            client.open(uri, text)
            first = client.diagnostics(uri)
            print(f"open: {len(first)} diagnostics in {1000 * (time.perf_counter() - started):.0f} ms")
            latencies, memory = [], []
            for edit in range(1, args.edits + 1):
                # a keystroke: one width changes on one line
                edited = text.replace("nn.Linear(width, width)", f"nn.Linear(width, width + {edit % 10})", 1)
                started = time.perf_counter()
                client.change(uri, edited, edit + 1)
                client.diagnostics(uri)
                latencies.append(1000 * (time.perf_counter() - started))
                if edit == 1 or edit % 100 == 0:
                    memory.append((edit, rss_kib(client.process.pid)))
            latencies.sort()
            print(f"edits: {len(latencies)}; latency ms: median {statistics.median(latencies):.0f}, "
                  f"p95 {latencies[int(0.95 * len(latencies)) - 1]:.0f}, max {latencies[-1]:.0f}")
            print("RSS KiB after edit n: " + ", ".join(f"{n}: {kib}" for n, kib in memory))
            print(f"exit status: {client.stop()}")
        finally:
            client.kill()


if __name__ == "__main__":
    main()
