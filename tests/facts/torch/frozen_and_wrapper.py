"""A layer_init-style wrapper (initializes and returns the layer), a frozen constant parameter, a ModuleList,
and module weights frozen after their init."""
import torch
import torch.nn as nn


def layer_init(layer, std=2 ** 0.5, bias_const=0.0):
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(8, 64)),
            nn.Tanh(),
            layer_init(nn.Linear(64, 1), std=1.0),
        )
        self.trunk = nn.Linear(8, 64)
        self.blocks = nn.ModuleList([nn.Linear(64, 64) for _ in range(3)])
        self.codebook = nn.Parameter(torch.ones(64, 64), requires_grad=False)
        self.probe = nn.Linear(64, 2)
        nn.init.ones_(self.probe.weight)
        self.probe.weight.requires_grad = False
        nn.init.normal_(self.trunk.weight, std=0.1)
        self.trunk.requires_grad_(False)
        for block in self.blocks:
            nn.init.eye_(block.weight)

    def forward(self, x):
        v = self.critic(x)
        h = self.trunk(x)
        for block in self.blocks:
            h = block(h) @ self.codebook
        return v, self.probe(h)
