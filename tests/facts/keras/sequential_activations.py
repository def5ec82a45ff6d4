"""Sequential: activation layers after the kernels, a norm between kernel and activation, an output."""
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(20,)),
        layers.Dense(64, kernel_initializer="he_normal"),
        layers.ReLU(),
        layers.Dense(32, kernel_initializer="he_uniform"),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Dense(32, kernel_initializer="glorot_uniform"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Dropout(0.1),
        layers.Dense(16, kernel_initializer="lecun_normal", activation="tanh"),
        layers.Dense(3, kernel_initializer="zeros", activation="softmax"),
    ]
)
