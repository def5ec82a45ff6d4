"""Functional API: Input(shape=...), residual branches closed with layers.add / layers.Add(), a Model."""
import keras
from keras import layers

inputs = keras.Input(shape=(48,))
h = layers.Dense(48, activation="relu", kernel_initializer="he_normal")(inputs)
branch = layers.Dense(48, activation="relu", kernel_initializer="he_normal")(h)
branch = layers.Dense(48, kernel_initializer="zeros")(branch)
h = layers.add([h, branch])
h = layers.Activation("gelu")(h)
second = layers.Dense(48, kernel_initializer=keras.initializers.Zeros())(h)
h = layers.Add()([h, second])
outputs = layers.Dense(10, activation="sigmoid", kernel_initializer="glorot_normal")(h)
model = keras.Model(inputs=inputs, outputs=outputs)
