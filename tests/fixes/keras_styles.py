import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import initializers, layers

model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        layers.Dense(256, activation="relu", kernel_initializer='glorot_uniform'),
        layers.Dense(256, activation="relu", kernel_initializer=initializers.GlorotNormal(seed=7)),
        layers.Dense(128, activation="relu", kernel_initializer=tf.keras.initializers.lecun_uniform()),
        layers.Dense(128, activation="tanh", kernel_initializer=initializers.HeUniform()),
        layers.Dense(64, activation="selu", kernel_initializer="he_normal"),
        layers.Dense(64, activation="relu", kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0, seed=3)),
        layers.Dense(64, activation="relu", kernel_initializer=initializers.RandomUniform(minval=0.0, maxval=1.0)),
        layers.Dense(10, activation="softmax"),
    ]
)
standalone = layers.Dense(8, kernel_initializer=initializers.RandomNormal(stddev=1.0))
tf1_style = layers.Dense(8, activation="relu", kernel_initializer=tf.compat.v1.random_normal_initializer())
zeros_are_never_rewritten = layers.Dense(8, activation="relu", kernel_initializer="zeros")
