"""Sequential built with .add(), the width from input_shape, default slope of LeakyReLU."""
import tensorflow as tf

net = tf.keras.Sequential()
net.add(tf.keras.layers.Dense(128, input_shape=(10,), kernel_initializer=tf.keras.initializers.HeNormal()))
net.add(tf.keras.layers.LeakyReLU())
net.add(tf.keras.layers.Dense(1, kernel_initializer=tf.keras.initializers.RandomNormal(stddev=0.01)))
