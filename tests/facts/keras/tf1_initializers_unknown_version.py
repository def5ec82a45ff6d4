"""TF1-style initializer functions in a file whose TensorFlow version is not known.

tf.compat.v1.* keeps its TF1 defaults; plain tf.random_normal_initializer() reads as TF1 (stddev 1.0)
with the TF2 default (0.05) as the alternative.
"""
import tensorflow as tf

first = tf.keras.layers.Dense(32, kernel_initializer=tf.compat.v1.random_normal_initializer())
second = tf.keras.layers.Dense(32, kernel_initializer=tf.random_normal_initializer())
third = tf.keras.layers.Dense(32, kernel_initializer=tf.random_normal_initializer(stddev=0.1))
fourth = tf.keras.layers.Dense(32, kernel_initializer=tf.compat.v1.truncated_normal_initializer(stddev=0.5))
fifth = tf.keras.layers.Dense(32, kernel_initializer=tf.random_uniform_initializer())
sixth = tf.keras.layers.Dense(32, kernel_initializer=tf.compat.v1.glorot_uniform_initializer())
