import haiku as hk
import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.fc1 = nnx.Linear(784, 256, kernel_init=nnx.initializers.glorot_uniform(), rngs=rngs)
        self.fc2 = nnx.Linear(256, 10, kernel_init=nnx.initializers.orthogonal(), rngs=rngs)

    def __call__(self, x):
        return self.fc2(nnx.relu(self.fc1(x)))


def forward(x):
    mlp = hk.nets.MLP([512, 512, 10], w_init=hk.initializers.TruncatedNormal(0.02))
    x = hk.Conv2D(32, 3, w_init=hk.initializers.VarianceScaling(2.0, "fan_in", "uniform"))(x)
    x = jax.nn.relu(x)
    return mlp(x)


seq = hk.Sequential([hk.Linear(64, w_init=hk.initializers.RandomUniform(-1.0, 1.0)), jax.nn.sigmoid, hk.Linear(1)])
