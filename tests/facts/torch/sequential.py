"""nn.Sequential: activation modules, indexing into it, a loop over it, OrderedDict names."""
from collections import OrderedDict

import torch.nn as nn


class Tower(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(32, 64),
            nn.ReLU(),
            nn.Linear(64, 64),
            nn.LayerNorm(64),
            nn.GELU(),
            nn.Linear(64, 8),
        )
        self.named = nn.Sequential(OrderedDict([
            ("conv", nn.Conv2d(3, 16, kernel_size=3)),
            ("act", nn.LeakyReLU(0.2)),
            ("proj", nn.Conv2d(16, 4, 1)),
        ]))
        nn.init.orthogonal_(self.body[0].weight)
        for layer in self.body:
            if isinstance(layer, nn.Linear):
                nn.init.zeros_(layer.bias)
        nn.init.kaiming_normal_(self.named.conv.weight, a=0.2)

    def forward(self, x, y):
        return self.body(x), self.named(y)
