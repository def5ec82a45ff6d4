"""A TF1 multilayer perceptron in the tutorial style: sizes as module constants, weights in dicts,
the network built by a function called with the dicts, its logits fed to a loss."""
import tensorflow as tf

n_input = 784
n_hidden_1 = 256
n_hidden_2 = 256
n_classes = 10

x = tf.placeholder("float", [None, n_input])
y = tf.placeholder("float", [None, n_classes])

weights = {
    "h1": tf.Variable(tf.random_normal([n_input, n_hidden_1])),  # expect: IL301
    "h2": tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2], stddev=0.05)),
    "out": tf.Variable(tf.random_normal([n_hidden_2, n_classes])),  # expect: IL301
}
biases = {
    "b1": tf.Variable(tf.random_normal([n_hidden_1])),
    "b2": tf.Variable(tf.random_normal([n_hidden_2])),
    "out": tf.Variable(tf.random_normal([n_classes])),
}


def multilayer_perceptron(x, weights, biases):
    layer_1 = tf.add(tf.matmul(x, weights["h1"]), biases["b1"])
    layer_1 = tf.nn.relu(layer_1)
    layer_2 = tf.nn.relu(tf.add(tf.matmul(layer_1, weights["h2"]), biases["b2"]))
    layer_2 = tf.nn.dropout(layer_2, 0.5)
    return tf.matmul(layer_2, weights["out"]) + biases["out"]


pred = multilayer_perceptron(x, weights, biases)
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))
