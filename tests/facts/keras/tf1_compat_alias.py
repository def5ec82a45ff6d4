"""`import tensorflow.compat.v1 as tf`: a TF1 file, so tf.* initializers have their TF1 defaults."""
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

hidden = tf.keras.layers.Dense(64, activation="relu", kernel_initializer=tf.random_normal_initializer())
logits = tf.keras.layers.Dense(10, kernel_initializer=tf.truncated_normal_initializer(stddev=0.1))
extra = tf.keras.layers.Dense(10, kernel_initializer=tf.random_uniform_initializer())
