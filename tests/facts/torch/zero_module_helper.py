"""A zero_module-style helper (zeroes every parameter and returns the module) on a layer a loop also initializes."""
import torch.nn as nn
import torch.nn.functional as F


def zero_module(module):
    for p in module.parameters():
        p.detach().zero_()
    return module


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj_in = nn.Linear(64, 256)
        self.proj_out = zero_module(nn.Linear(256, 64))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)

    def forward(self, x):
        return self.proj_out(F.silu(self.proj_in(x)))
