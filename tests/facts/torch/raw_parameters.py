"""Raw nn.Parameter weights: used via @ and F.linear (fan_in_axis), scaled randn, frozen, unused, partners."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LowRank(nn.Module):
    def __init__(self, rank=4):
        super().__init__()
        self.w_in = nn.Parameter(torch.randn(64, 32))
        self.w_lin = nn.Parameter(torch.randn(32, 64) * 0.02)
        self.scale = nn.Parameter(torch.randn(32) / 10)
        self.fixed = nn.Parameter(torch.randn(64, 32), requires_grad=False)
        self.unused = nn.Parameter(torch.randn(64, 64))
        self.lora_a = nn.Parameter(0.01 * torch.randn(64, rank))
        self.lora_b = nn.Parameter(torch.zeros(rank, 32))

    def forward(self, x):
        h = torch.relu(x @ self.w_in)
        y = F.linear(x, self.w_lin)
        z = x @ self.fixed
        lora = x @ self.lora_a @ self.lora_b
        return h + y * self.scale + z + lora
