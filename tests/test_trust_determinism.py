"""The same files give byte-identical output under any PYTHONHASHSEED, any --jobs, cold or warm cache."""
from __future__ import annotations

import pytest

# Two things that once followed set order: a node used with several activations of one family
# (which one the message names), and an isinstance filter over several classes of the file.
MODEL = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(512, 512)\n        self.act = nn.ReLU()\n        self.act2 = nn.LeakyReLU(0.0)\n        nn.init.normal_(self.fc.weight, std=1.0)\n\n    def forward(self, x):\n        h = self.fc(x)\n        if x.sum() > 0:\n            return self.act(h)\n        if x.sum() > 1:\n            return torch.relu(h)\n        return F.relu(h)\n\n\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(256, 256)\n\n\nclass B(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(1024, 1024)\n\n\ndef init(model):\n    for m in model.modules():\n        if isinstance(m, (A, B)):\n            nn.init.normal_(m.fc.weight, std=1.0)\n'
PADDING = "".join(f"# padding line {i}: long enough that the run goes parallel\n" for i in range(60))


@pytest.fixture
def tree(tmp_path):
    for index in range(40):
        (tmp_path / f"m{index:02d}.py").write_text(MODEL + PADDING)
    return tmp_path


@pytest.mark.slow  # 14 runs of the installed command over 40 files; the default run keeps the
# in-process determinism tests (test_runner, test_fuzz) and the command's jobs/warm test (test_runner)
def test_output_is_byte_identical_under_any_seed_jobs_and_cache(run, tree, tmp_path_factory):
    # Per seed, one cold run (a fresh cache: the analysis itself) and one warm run (read back from
    # the cache) with the other number of jobs; the seeds alternate which comes cold, so the
    # analysis runs serially and in parallel, and the cache is read both ways.
    outputs = set()
    for index, seed in enumerate(("0", "1", "2", "3", "4", "5", "42")):
        cache = str(tmp_path_factory.mktemp("cache"))
        for jobs in (("1", "2") if index % 2 == 0 else ("2", "1")):
            result = run("--jobs", jobs, "--output-format", "json", ".", cwd=tree,
                         env={"PYTHONHASHSEED": seed, "INITLINT_CACHE_DIR": cache})
            assert result.returncode == 1, result.stderr
            outputs.add(result.stdout)
    assert len(outputs) == 1
