"""TF1: slim arg_scope defaults, tf.keras initializers in tf.layers, and weights built in loops over static sizes."""
import tensorflow as tf

slim = tf.contrib.slim

x = tf.placeholder(tf.float32, [None, 784])
images = tf.placeholder(tf.float32, [None, 28, 28, 1])
labels = tf.placeholder(tf.int64, [None])


def conv_tower(inputs):
    with slim.arg_scope([slim.conv2d, slim.fully_connected], weights_initializer=tf.contrib.layers.xavier_initializer()):  # expect: IL201
        net = slim.conv2d(inputs, 32, [3, 3])
        net = slim.conv2d(net, 32, [3, 3])
        net = slim.flatten(net)
    with slim.arg_scope([slim.fully_connected], weights_initializer=tf.contrib.layers.variance_scaling_initializer()):
        net = slim.fully_connected(net, 128)
    return slim.fully_connected(net, 10, activation_fn=None)


scores = conv_tower(images)

sizes = [784, 512, 256]
h = x
for n_in, n_out in zip(sizes[:-1], sizes[1:]):
    W = tf.Variable(tf.truncated_normal([n_in, n_out]))  # expect: IL301
    b = tf.Variable(tf.zeros([n_out]))
    h = tf.nn.relu(tf.matmul(h, W) + b)
for width in [256, 256]:
    V = tf.Variable(tf.truncated_normal([width, width], stddev=0.05))
    h = tf.nn.relu(tf.matmul(h, V))

h = tf.layers.dense(h, 128, activation=tf.nn.relu, kernel_initializer=tf.keras.initializers.he_normal())
h = tf.layers.dense(h, 128, activation=tf.nn.relu, kernel_initializer=tf.keras.initializers.glorot_uniform())  # expect: IL201
logits = tf.layers.dense(h, 10)
loss = tf.losses.sparse_softmax_cross_entropy(labels, logits) + tf.losses.sparse_softmax_cross_entropy(labels, scores)
