"""A subclassed keras.Model: layers made in __init__, wired in call()."""
import tensorflow as tf
from tensorflow import keras


class Encoder(keras.Model):
    def __init__(self, hidden=256):
        super().__init__()
        self.proj = keras.layers.Dense(hidden, kernel_initializer=keras.initializers.Orthogonal(gain=2.0))
        self.norm = keras.layers.LayerNormalization()
        self.mid = keras.layers.Dense(hidden, kernel_initializer=keras.initializers.VarianceScaling(
            scale=2.0, mode="fan_out", distribution="normal"))
        self.head = keras.layers.Dense(4, kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02))

    def call(self, x):
        x = tf.nn.relu(self.norm(self.proj(x)))
        x = tf.nn.elu(self.mid(x))
        return self.head(x)
