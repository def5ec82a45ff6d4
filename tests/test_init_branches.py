"""Init code in branches: a test on a value (`if method == "xavier"`) picks one branch at run time,
so each branch's init is judged; a test on the module's type narrows what each branch reaches."""
from __future__ import annotations

import textwrap

from initlint.engine import lint_source

CHOICE = """
import torch.nn as nn

class Net(nn.Module):
    def __init__(self, method):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 10)
        self._init_weights(method)

    def _init_weights(self, method):
        if method == "xavier":
            nn.init.xavier_uniform_(self.fc1.weight)
        elif method == "he":
            nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")
        else:
            nn.init.zeros_(self.fc1.weight)
            nn.init.zeros_(self.fc2.weight)

    def forward(self, x):
        return self.fc2(nn.functional.relu(self.fc1(x)))
"""


def found(source: str):
    result = lint_source(textwrap.dedent(source).lstrip("\n"), "m.py")
    return [(d.code, d.span.row, d.severity, d.confidence) for d in result.diagnostics]


def test_each_branch_of_a_value_test_is_judged():
    # xavier + ReLU (row 12) and the zero hidden layer beside a zero output (row 16) are both seen;
    # the method is called by the class itself, so what it does is certain, not "likely".
    assert found(CHOICE) == [("IL201", 12, "info", "certain"), ("IL101", 16, "error", "certain")]


def test_a_later_statement_still_overrides_every_branch():
    source = CHOICE.replace("    def forward", "        nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity='relu')\n\n    def forward")
    assert found(source) == []


def test_type_tests_still_narrow_each_branch():
    source = """
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 16, 3)
            self.fc = nn.Linear(16, 16)
            self.out = nn.Linear(16, 10)
            self.apply(self._init)

        def _init(self, m):
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            elif isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)

        def forward(self, x):
            x = nn.functional.relu(self.conv(x)).mean((2, 3))
            return self.out(nn.functional.relu(self.fc(x)))
    """
    assert [code for code, *_ in found(source)] == ["IL201"]  # the Linear's Xavier before a ReLU; the conv is fine
