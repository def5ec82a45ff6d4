"""nn.Module with __init__/forward: functional activations, direct nn.init calls, bias init, output."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, d_in=784, d_hidden=256, n_classes=10):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_hidden)
        self.fc3 = nn.Linear(d_hidden, 64, bias=False)
        self.out = nn.Linear(64, n_classes)
        nn.init.kaiming_normal_(self.fc1.weight, nonlinearity="relu")
        nn.init.zeros_(self.fc1.bias)
        nn.init.kaiming_uniform_(self.fc2.weight, a=0.1, mode="fan_out", nonlinearity="leaky_relu")
        nn.init.constant_(self.fc2.bias, 0.01)
        nn.init.xavier_uniform_(self.fc3.weight, gain=nn.init.calculate_gain("tanh"))
        nn.init.normal_(self.out.weight, mean=0.0, std=0.01)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.leaky_relu(self.fc2(x), 0.1)
        x = torch.tanh(self.fc3(x))
        return self.out(x)
