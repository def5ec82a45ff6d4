"""SeparableConv2D's two kernels, bias initializer kinds, use_bias=False, trainable=False, conv layers."""
from tensorflow.keras import initializers, layers

sep = layers.SeparableConv2D(
    32,
    3,
    depthwise_initializer="he_uniform",
    pointwise_initializer=initializers.GlorotUniform(),
    bias_initializer="zeros",
)
conv_pos = layers.Conv2D(16, 3, kernel_initializer="he_normal", bias_initializer=initializers.Constant(0.1))
conv_neg = layers.Conv2D(16, 3, kernel_initializer="he_normal", bias_initializer=initializers.Constant(-1.0))
conv_rand = layers.Conv2D(16, 3, kernel_initializer="he_normal", bias_initializer="random_normal")
no_bias = layers.Dense(16, kernel_initializer="glorot_uniform", use_bias=False)
frozen = layers.Dense(16, kernel_initializer="ones", trainable=False)
depthwise = layers.DepthwiseConv2D(3, depthwise_initializer="lecun_uniform")
