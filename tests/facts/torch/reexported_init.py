"""nn.init reached through other modules: `from torch.nn import init`, and a library that re-exports it."""
from torch import nn
from torch.nn import init
from timm.layers import trunc_normal_
from mylib.utils import weight_init


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(16, 16)
        self.b = nn.Linear(16, 16)
        self.c = nn.Linear(16, 2)
        init.kaiming_uniform_(self.a.weight, nonlinearity="relu")
        trunc_normal_(self.b.weight, std=0.02)
        weight_init.orthogonal_(self.c.weight, gain=0.5)

    def forward(self, x):
        return self.c(nn.functional.relu(self.b(nn.functional.relu(self.a(x)))))
