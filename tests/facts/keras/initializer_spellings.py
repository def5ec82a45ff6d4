"""Ways to write a kernel initializer: string, class, class with arguments, positional arguments."""
from tensorflow.keras import initializers, layers

a = layers.Dense(8, kernel_initializer="orthogonal")
b = layers.Dense(8, kernel_initializer=initializers.GlorotNormal())
c = layers.Dense(8, kernel_initializer=initializers.RandomUniform(-0.1, 0.1))
d = layers.Dense(8, kernel_initializer=initializers.Constant(0.5))
e = layers.Dense(8, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0))
f = layers.Dense(8, kernel_initializer=initializers.Identity())
