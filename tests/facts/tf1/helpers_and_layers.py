import tensorflow.compat.v1 as tf


def weight_variable(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


images = tf.placeholder(tf.float32, [None, 28, 28, 1])
W_conv = weight_variable([5, 5, 1, 16])
h = tf.nn.relu(tf.nn.conv2d(images, W_conv, strides=[1, 1, 1, 1], padding="SAME"))
flat = tf.reshape(h, [-1, 28 * 28 * 16])
W_fc = weight_variable([28 * 28 * 16, 10])
logits = tf.matmul(flat, W_fc)
dense = tf.layers.dense(flat, 32, activation=tf.nn.tanh, kernel_initializer=tf.random_normal_initializer())
head = tf.contrib.layers.fully_connected(dense, 2, activation_fn=tf.nn.sigmoid, weights_initializer=tf.zeros_initializer())
