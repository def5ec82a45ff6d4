import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn import init
from torch.nn.init import xavier_uniform_


class Net(nn.Module):
    def __init__(self, n_in=784):
        super().__init__()
        self.a = nn.Linear(784, 256)
        self.b = nn.Linear(256, 256)
        self.c = nn.Linear(256, 128)
        self.d = nn.Linear(128, 128)
        self.e = nn.Linear(128, 64)
        self.f = nn.Linear(64, 64)
        self.g = nn.Linear(64, 64)
        self.h = nn.Linear(64, 32)
        self.w = nn.Parameter(torch.randn(32, 16))
        self.v = nn.Parameter(torch.rand(8, 16))
        gen = torch.Generator()
        nn.init.xavier_uniform_(self.a.weight, generator=gen)
        init.xavier_normal_(self.b.weight)
        torch.nn.init.kaiming_normal_(self.c.weight, mode="fan_out", nonlinearity="linear")
        nn.init.kaiming_uniform_(self.d.weight, nonlinearity="relu")
        self.e.weight.data.normal_(0, 1)
        nn.init.normal_(self.f.weight)
        xavier_uniform_(self.g.weight)
        self.h.weight.data.uniform_()

    def forward(self, x):
        x = F.relu(self.a(x))
        x = F.relu(self.b(x))
        x = F.relu(self.c(x))
        x = torch.tanh(self.d(x))
        x = F.relu(self.e(x))
        x = F.selu(self.f(x))
        x = F.relu(self.g(x))
        x = F.relu(self.h(x))
        x = torch.relu(x @ self.w)
        return F.linear(x, self.v)
