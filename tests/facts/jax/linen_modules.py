import flax.linen as nn
import jax


class Block(nn.Module):
    """A setup()-style module: a residual branch ending in a zero-initialized Dense."""

    def setup(self):
        self.up = nn.Dense(512, kernel_init=nn.initializers.he_normal())
        self.down = nn.Dense(128, kernel_init=nn.initializers.zeros)

    def __call__(self, x):
        h = jax.nn.gelu(self.up(x))
        return x + self.down(h)


class Classifier(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Conv(64, (3, 3), kernel_init=nn.initializers.variance_scaling(2.0, "fan_in", "normal"))(x)
        x = nn.relu(x)
        x = nn.Dense(256, kernel_init=nn.initializers.uniform(scale=0.1))(x)
        x = nn.LayerNorm()(x)
        x = nn.tanh(x)
        return nn.Dense(10, kernel_init=nn.initializers.zeros, use_bias=False)(x)


class Embedder(nn.Module):
    @nn.compact
    def __call__(self, tokens):
        table = nn.Embed(1000, 64, embedding_init=nn.initializers.normal(stddev=1.0))
        return table(tokens)
