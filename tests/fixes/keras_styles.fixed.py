import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import initializers, layers

model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        layers.Dense(256, activation="relu", kernel_initializer='he_uniform'),
        layers.Dense(256, activation="relu", kernel_initializer=initializers.HeNormal(seed=7)),
        layers.Dense(128, activation="relu", kernel_initializer=tf.keras.initializers.he_uniform()),
        layers.Dense(128, activation="tanh", kernel_initializer=initializers.GlorotUniform()),
        layers.Dense(64, activation="selu", kernel_initializer="lecun_normal"),
        layers.Dense(64, activation="relu", kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.177, seed=3)),
        layers.Dense(64, activation="relu", kernel_initializer=initializers.RandomUniform(minval=-0.306, maxval=0.306)),
        layers.Dense(10, activation="softmax"),
    ]
)
standalone = layers.Dense(8, kernel_initializer=initializers.RandomNormal(stddev=1.0))
tf1_style = layers.Dense(8, activation="relu", kernel_initializer=tf.compat.v1.variance_scaling_initializer(scale=2.0))
zeros_are_never_rewritten = layers.Dense(8, activation="relu", kernel_initializer="zeros")
