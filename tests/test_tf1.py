"""The TF1 frontend, its Keras 1 neighbour and the TF1 speller: one positive and one negative case
per construct, and exact fixes."""
import dataclasses

import pytest

from initlint import prefilter
from initlint.engine import lint_source
from initlint.fixing import fix_text
from initlint.options import AnalysisOptions

HEAD = "import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 784])\n"


def codes(source):
    return sorted((d.span.row, d.code) for d in lint_source(source, "m.py").diagnostics)


def messages(source):
    return [d.message for d in lint_source(source, "m.py").diagnostics]


CASES = [
    # (name, body after HEAD, expected (row, code) pairs; rows count from the body's first line as 3)
    ("variable with unscaled random_normal", "W = tf.Variable(tf.random_normal([784, 256]))\nh = tf.nn.relu(tf.matmul(x, W))\n",
     [(3, "IL301")]),
    ("variable with matched stddev", "W = tf.Variable(tf.random_normal([784, 256], stddev=0.05))\nh = tf.nn.relu(tf.matmul(x, W))\n",
     []),
    ("scaled factory", "W = tf.Variable(tf.random_normal([784, 256]) * 0.05)\nh = tf.nn.relu(tf.matmul(x, W))\n", []),
    ("random namespace spelling", "W = tf.Variable(tf.random.truncated_normal([784, 256]))\nh = tf.nn.relu(tf.matmul(x, W))\n",
     [(3, "IL301")]),
    ("unused variable is no kernel (G1)", "W = tf.Variable(tf.random_normal([784, 256]))\n", []),
    ("zero hidden kernel", "W = tf.Variable(tf.zeros([784, 256]))\nh = tf.nn.relu(tf.matmul(x, W))\nW2 = tf.Variable(tf.random_normal([256, 10], stddev=0.01))\no = tf.matmul(h, W2)\n",
     [(3, "IL101")]),
    ("zero output kernel into a loss (G2)", "W = tf.Variable(tf.zeros([784, 10]))\nlogits = tf.matmul(x, W)\nloss = tf.nn.softmax_cross_entropy_with_logits(labels=x, logits=logits)\n",
     []),
    ("zero output kernel into a positional (TF 0.x) loss",
     "W = tf.Variable(tf.zeros([784, 10]))\nlogits = tf.matmul(x, W)\nloss = tf.nn.softmax_cross_entropy_with_logits(logits, x)\n",
     []),
    ("constant hidden kernel", "W = tf.Variable(tf.constant(0.1, shape=[784, 256]))\nh = tf.nn.relu(tf.matmul(x, W))\no = tf.matmul(h, tf.Variable(tf.random_normal([256, 2], stddev=0.01)))\n",
     [(3, "IL102")]),
    ("constant and zero biases are silent", "b = tf.Variable(tf.constant(0.1, shape=[256]))\nc = tf.Variable(tf.zeros([256]))\nW = tf.Variable(tf.random_normal([784, 256], stddev=0.05))\nh = tf.nn.relu(tf.matmul(x, W) + b + c)\n",
     []),
    ("get_variable with an initializer object", "W = tf.get_variable('W', [784, 256], initializer=tf.random_normal_initializer())\nh = tf.nn.relu(tf.matmul(x, W))\n",
     [(3, "IL301")]),
    ("get_variable with xavier feeding relu", "W = tf.get_variable('W', shape=[784, 256], initializer=tf.contrib.layers.xavier_initializer())\nh = tf.nn.relu(tf.matmul(x, W))\nV = tf.get_variable('V', shape=[256, 256], initializer=tf.contrib.layers.xavier_initializer())\nh = tf.nn.relu(tf.matmul(h, V))\n",
     [(3, "IL201"), (5, "IL201")]),
    ("get_variable with He feeding relu", "W = tf.get_variable('W', shape=[784, 256], initializer=tf.contrib.layers.variance_scaling_initializer())\nh = tf.nn.relu(tf.matmul(x, W))\n",
     []),
    ("raw conv kernel fan-in kh*kw*cin", "Wc = tf.Variable(tf.random_normal([3, 3, 64, 64]))\nimg = tf.placeholder(tf.float32, [None, 8, 8, 64])\nh = tf.nn.relu(tf.nn.conv2d(img, Wc, [1, 1, 1, 1], 'SAME'))\n",
     [(3, "IL301")]),
    ("raw conv kernel with a small stddev", "Wc = tf.Variable(tf.random_normal([3, 3, 64, 64], stddev=0.05))\nimg = tf.placeholder(tf.float32, [None, 8, 8, 64])\nh = tf.nn.relu(tf.nn.conv2d(img, Wc, [1, 1, 1, 1], 'SAME'))\n",
     []),
    ("list of weights", "Ws = [tf.Variable(tf.random_normal([784, 784])), tf.Variable(tf.random_normal([784, 10], stddev=0.01))]\nh = tf.nn.relu(tf.matmul(x, Ws[0]))\no = tf.matmul(h, Ws[1])\n",
     [(3, "IL301")]),
    ("initializer object called with a shape", "init = tf.random_normal_initializer()\nW = tf.Variable(init([784, 256]))\nh = tf.nn.relu(tf.matmul(x, W))\n",
     [(4, "IL301")]),
    ("initializer object called in place", "W = tf.Variable(tf.contrib.layers.xavier_initializer()([784, 256]))\nh = tf.nn.relu(tf.matmul(x, W))\nV = tf.Variable(tf.contrib.layers.xavier_initializer()([256, 256]))\nh = tf.nn.relu(tf.matmul(h, V))\n",
     [(3, "IL201"), (5, "IL201")]),
    ("He initializer object called with a shape", "init = tf.contrib.layers.variance_scaling_initializer()\nW = tf.Variable(init([784, 256]))\nh = tf.nn.relu(tf.matmul(x, W))\n",
     []),
    ("tf.layers.dense glorot into relu", "h = tf.layers.dense(x, 64, activation=tf.nn.relu, kernel_initializer=tf.glorot_normal_initializer())\n",
     [(3, "IL201")]),
    ("tf.layers.dense He into relu", "h = tf.layers.dense(x, 64, activation=tf.nn.relu, kernel_initializer=tf.variance_scaling_initializer(2.0))\n",
     []),
    ("hand-written cross-entropy: softmax probabilities are the output (G2)",
     "W = tf.Variable(tf.zeros([784, 10]))\np = tf.nn.softmax(tf.matmul(x, W))\nloss = -tf.reduce_sum(x * tf.log(p))\n", []),
    ("hand-written cross-entropy keeps the output severity",
     "W = tf.Variable(tf.random_normal([784, 10]))\np = tf.nn.softmax(tf.matmul(x, W))\nloss = -tf.reduce_sum(x * tf.log(p))\n",
     [(3, "IL301")]),
    ("a dangling ReLU layer stays hidden",
     "W = tf.Variable(tf.zeros([784, 64]))\nh = tf.nn.relu(tf.matmul(x, W))\n", [(3, "IL101")]),
    ("tf.layers.dense default initializer is silent", "h = tf.layers.dense(x, 64, activation=tf.nn.relu)\n", []),
]


@pytest.mark.parametrize("name,body,expected", CASES, ids=[c[0] for c in CASES])
def test_tf1_constructs(name, body, expected):
    assert codes(HEAD + body) == expected


HELPER = """import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 784])


def weight_variable(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


W1 = weight_variable([784, 100])
W2 = weight_variable([100, 10])
h = tf.nn.relu(tf.matmul(x, W1))
logits = tf.matmul(h, W2)
"""


def test_helper_is_judged_per_call_site_and_points_inside_the_helper():
    found = lint_source(HELPER, "m.py").diagnostics
    assert [(d.span.row, d.code) for d in found] == []  # 0.088 is fine on fan-in 784 and on 100
    wide = HELPER.replace("[784, 100]", "[8192, 100]").replace("[None, 784]", "[None, 8192]")
    found = lint_source(wide, "m.py").diagnostics
    assert [(d.span.row, d.code) for d in found] == [(6, "IL301")]
    assert "weight_variable([8192, 100])" in found[0].message and "fan-in 8192" in found[0].message
    fixed, applied = fix_text(wide, "m.py", None, unsafe=True)
    assert applied == 0 and fixed == wide  # one stddev cannot suit every call of the helper


def test_helper_defined_inside_the_function_that_uses_it():
    source = HEAD + (
        "def model(x):\n"
        "    def weight_variable(shape):\n"
        "        return tf.Variable(tf.random_normal(shape))\n"
        "    W = weight_variable([784, 64])\n"
        "    return tf.matmul(tf.nn.relu(tf.matmul(x, W)), weight_variable([64, 1]))\n"
    )
    assert codes(source) == [(5, "IL301")]
    assert codes(source.replace("tf.random_normal(shape)", "tf.random_normal(shape, stddev=0.01)")) == []


CLASS_MODEL = """import tensorflow as tf


class Model:
    def __init__(self, n_in):
        self.x = tf.placeholder(tf.float32, [None, 784])
        self.W1 = tf.Variable(tf.random_normal([784, 256]))
        self.W2 = tf.Variable(tf.zeros([256, 10]))
        self.build()

    def build(self):
        hidden = tf.nn.relu(tf.matmul(self.x, self.W1))
        self.logits = tf.matmul(hidden, self.W2)
        self.loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=self.logits, labels=self.x))
"""


def test_a_model_written_as_a_class():
    found = lint_source(CLASS_MODEL, "m.py").diagnostics
    assert [(d.span.row, d.code) for d in found] == [(7, "IL301")]  # W2 is the zero output head: silent
    assert "'self.W1'" in found[0].message
    assert codes(CLASS_MODEL.replace("tf.random_normal([784, 256])", "tf.random_normal([784, 256], stddev=0.05)")) == []


def test_dict_weights_and_a_network_function():
    source = HEAD + (
        "w = {'h1': tf.Variable(tf.random_normal([784, 256])), 'out': tf.Variable(tf.zeros([256, 10]))}\n"
        "def net(x, w):\n"
        "    return tf.matmul(tf.nn.relu(tf.matmul(x, w['h1'])), w['out'])\n"
        "pred = net(x, w)\n"
        "loss = tf.losses.softmax_cross_entropy(x, pred)\n"
    )
    assert codes(source) == [(3, "IL301")]
    assert "'w['h1']'" in messages(source)[0]


def test_version_unknown_says_both_readings_and_tf1_says_one():
    body = "W = tf.get_variable('W', [784, 256], initializer=tf.random_normal_initializer())\nh = tf.nn.relu(tf.matmul(x, W))\n"
    unknown = "import tensorflow as tf\nx = tf.ones([4, 784])\n" + body.replace("tf.get_variable", "tf.compat.v1.get_variable")
    assert "under TF1, 0.05 under TF2" in messages(unknown)[0]
    assert "under TF2" not in messages(HEAD + body)[0]  # tf.placeholder: TF1 code
    options = dataclasses.replace(AnalysisOptions.default(), tf_version=2)
    assert "tf.compat.v1.get_variable" in unknown
    found = lint_source(unknown, "m.py", options=options).diagnostics
    assert [d.code for d in found] == []  # TF2: stddev 0.05 on fan-in 784 is fine


def test_output_severity_of_a_softmax_head():
    source = HEAD + "W = tf.Variable(tf.random_normal([784, 10]))\np = tf.nn.softmax(tf.matmul(x, W))\nloss = -tf.reduce_sum(x * tf.log(p))\n"
    assert [d.severity for d in lint_source(source, "m.py").diagnostics] == ["warning"]


def test_contrib_fully_connected_defaults_to_relu():
    source = HEAD + "h = tf.contrib.layers.fully_connected(x, 64, weights_initializer=tf.zeros_initializer())\no = tf.contrib.layers.fully_connected(h, 2, activation_fn=None)\n"
    assert codes(source) == [(3, "IL101")]
    assert "ReLU" in messages(source)[0]


FIXES = [
    ("W = tf.Variable(tf.random_normal([784, 256]))\nh = tf.nn.relu(tf.matmul(x, W))\n",
     "W = tf.Variable(tf.random_normal([784, 256], stddev=0.0505))\nh = tf.nn.relu(tf.matmul(x, W))\n"),
    ("W = tf.Variable(tf.truncated_normal([784, 256], seed=1))\nh = tf.nn.relu(tf.matmul(x, W))\n",
     "W = tf.Variable(tf.truncated_normal([784, 256], stddev=0.0574, seed=1))\nh = tf.nn.relu(tf.matmul(x, W))\n"),
    ("W = tf.Variable(tf.random_uniform([784, 256]))\nh = tf.nn.tanh(tf.matmul(x, W))\n",
     "W = tf.Variable(tf.random_uniform([784, 256], minval=-0.0619, maxval=0.0619))\nh = tf.nn.tanh(tf.matmul(x, W))\n"),
    ("W = tf.get_variable('W', [784, 256], initializer=tf.contrib.layers.xavier_initializer())\nh = tf.nn.relu(tf.matmul(x, W))\n",
     "W = tf.get_variable('W', [784, 256], initializer=tf.contrib.layers.variance_scaling_initializer(uniform=True))\nh = tf.nn.relu(tf.matmul(x, W))\n"),
    ("W = tf.get_variable('W', [784, 256], initializer=tf.random_normal_initializer(seed=3))\nh = tf.nn.relu(tf.matmul(x, W))\n",
     "W = tf.get_variable('W', [784, 256], initializer=tf.random_normal_initializer(stddev=0.0505, seed=3))\nh = tf.nn.relu(tf.matmul(x, W))\n"),
    ("h = tf.layers.dense(x, 64, activation=tf.nn.relu, kernel_initializer=tf.glorot_normal_initializer())\n",
     "h = tf.layers.dense(x, 64, activation=tf.nn.relu, kernel_initializer=tf.variance_scaling_initializer(scale=2.0))\n"),
]


@pytest.mark.parametrize("before,after", FIXES)
def test_tf1_fixes_are_exact(before, after):
    fixed, applied = fix_text(HEAD + before, "m.py", None, unsafe=True)
    assert fixed == HEAD + after and applied == 1
    again, applied = fix_text(fixed, "m.py", None, unsafe=True)
    assert again == fixed and applied == 0


KERAS1 = """from keras.models import Sequential
from keras.layers import Dense, Convolution2D, Flatten
model = Sequential()
model.add(Convolution2D(32, 3, 3, init="zero", input_shape=(1, 28, 28)))
model.add(Convolution2D(32, 3, 3, activation="relu", init="he_normal"))
model.add(Flatten())
model.add(Dense(output_dim=128, init="glorot_uniform", activation="relu"))
model.add(Dense(output_dim=10, init="zero", activation="softmax"))
"""


def test_keras1_spellings():
    assert codes(KERAS1) == [(4, "IL101"), (7, "IL201")]
    assert codes(KERAS1.replace('init="glorot_uniform"', 'init="he_uniform"')) == [(4, "IL101")]
    fixed, _ = fix_text(KERAS1, "m.py", None, unsafe=True)
    assert 'Dense(output_dim=128, init="he_uniform", activation="relu")' in fixed


def test_tensorflow_without_weights_is_skipped_by_the_prefilter():
    plain = b"import tensorflow as tf\nx = tf.constant([1.0, 2.0])\nprint(tf.reduce_sum(x))\n"
    assert not prefilter.may_initialize(plain)
    assert prefilter.may_initialize(b"import tensorflow as tf\nW = tf.Variable(tf.zeros([3, 3]))\n")
    given = b"import tensorflow.compat.v1 as tf\nw = tf.get_variable('w', [3, 3], initializer=tf.zeros_initializer())\n"
    assert prefilter.may_initialize(given)
    default = b"import tensorflow.compat.v1 as tf\nx = tf.placeholder(tf.float32, [None, 3])\nw = tf.get_variable('w', [3, 3])\nh = tf.nn.relu(tf.matmul(x, w))\n"
    assert not prefilter.may_initialize(default)
    assert lint_source(default, "m.py").diagnostics == []  # the default initializer makes no site


SLIM = """import tensorflow as tf
slim = tf.contrib.slim


def net(images):
    with slim.arg_scope([slim.conv2d, slim.fully_connected], weights_initializer=tf.contrib.layers.xavier_initializer()):
        net = slim.conv2d(images, 64, [3, 3])
        net = slim.conv2d(net, 64, [3, 3])
        net = slim.flatten(net)
        net = slim.fully_connected(net, 10, activation_fn=None)
    return net
"""


def test_slim_arg_scope_gives_the_layers_inside_it_their_initializer():
    # xavier from the arg_scope, ReLU from activation_fn's default: IL201 at the arg_scope's initializer
    assert codes(SLIM) == [(6, "IL201")]
    he = SLIM.replace("xavier_initializer()", "variance_scaling_initializer()")
    assert codes(he) == []
    # the scope's activation_fn is the layers' activation: no ReLU, no mismatch
    linear = SLIM.replace("xavier_initializer())", "xavier_initializer(), activation_fn=tf.nn.tanh)")
    assert codes(linear) == []
    # outside the with block the scope does not apply (the default xavier + ReLU is IL205's, off)
    outside = SLIM.replace("        net = slim.conv2d(images, 64, [3, 3])\n", "        pass\n    net = slim.conv2d(images, 64, [3, 3])\n")
    outside = outside.replace("        net = slim.conv2d(net, 64", "    net = slim.conv2d(net, 64").replace(
        "        net = slim.flatten", "    net = slim.flatten").replace("        net = slim.fully", "    net = slim.fully")
    assert codes(outside) == []
    # an arg_scope naming other layers does not apply
    other = SLIM.replace("[slim.conv2d, slim.fully_connected]", "[slim.max_pool2d]")
    assert codes(other) == []


def test_slim_arg_scope_with_a_zero_initializer_and_the_module_imported_from_contrib():
    source = (
        "import tensorflow as tf\nfrom tensorflow.contrib import slim\n"
        "x = tf.placeholder(tf.float32, [None, 784])\n"
        "with slim.arg_scope([slim.fully_connected], weights_initializer=tf.zeros_initializer()):\n"
        "    h = slim.fully_connected(x, 64)\n"
        "o = slim.fully_connected(h, 10, activation_fn=None)\n"
    )
    assert codes(source) == [(4, "IL101")]
    assert codes(source.replace("tf.zeros_initializer()", "tf.truncated_normal_initializer(stddev=0.05)")) == []


def test_tf_keras_initializers_in_tf1_layers():
    body = "h = tf.layers.dense(x, 256, activation=tf.nn.relu, kernel_initializer={})\no = tf.layers.dense(h, 10)\n"
    assert codes(HEAD + body.format("tf.keras.initializers.glorot_normal()")) == [(3, "IL201")]
    assert codes(HEAD + body.format("tf.keras.initializers.he_normal()")) == []
    assert codes(HEAD + body.format("tf.keras.initializers.RandomNormal(stddev=1.0)")) == [(3, "IL301")]
    assert codes(HEAD + body.format("tf.keras.initializers.RandomNormal(stddev=0.05)")) == []
    assert codes(HEAD + body.format("'glorot_uniform'")) == [(3, "IL201")]  # tf.layers take Keras identifiers
    assert codes(HEAD + body.format("'he_uniform'")) == []
    assert codes(HEAD + body.format("tf.contrib.layers.xavier_initializer()")) == [(3, "IL201")]


LOOP = """import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 784])
sizes = [784, 256, 128, 10]
h = x
for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
    W = tf.Variable(tf.random_normal([n_in, n_out]))
    h = tf.nn.relu(tf.matmul(h, W))
"""


def test_weights_built_in_a_loop_over_a_literal_list_have_each_their_fan_in():
    found = lint_source(LOOP, "m.py").diagnostics
    assert [(d.span.row, d.code) for d in found] == [(6, "IL301")]
    assert "fan-in 784" in found[0].message  # not "an unknown fan-in"
    assert codes(LOOP.replace("tf.random_normal([n_in, n_out])", "tf.random_normal([n_in, n_out], stddev=0.05)")) == []


def test_a_helper_called_in_a_range_loop_with_sizes_read_from_a_list():
    source = (
        "import tensorflow as tf\n"
        "def get_weight(shape):\n"
        "    return tf.Variable(tf.random_normal(shape))\n"
        "x = tf.placeholder(tf.float32, shape=(None, 2))\n"
        "dims = [2, 10, 10, 1]\n"
        "cur = x\n"
        "in_dim = dims[0]\n"
        "for i in range(1, len(dims)):\n"
        "    out_dim = dims[i]\n"
        "    cur = tf.nn.relu(tf.matmul(cur, get_weight([in_dim, out_dim])))\n"
        "    in_dim = dims[i]\n"
    )
    found = lint_source(source, "m.py").diagnostics
    assert [(d.span.row, d.code) for d in found] == [(3, "IL301")]
    assert "fan-in 10" in found[0].message and "variance x5" in found[0].message
    # std 1.0 is the He std of a fan-in of 2: a net whose only fan-in is 2 is fine
    assert codes(source.replace("[2, 10, 10, 1]", "[2, 2, 2, 1]")) == []


def test_a_size_rebound_in_a_branch_is_not_guessed():
    source = HEAD + (
        "h = x\n"
        "for i in range(3):\n"
        "    if i == 0:\n"
        "        n = 784\n"
        "    else:\n"
        "        n = 8\n"
        "    W = tf.Variable(tf.random_normal([n, 784]))\n"
        "    h = tf.nn.relu(tf.matmul(h, W))\n"
    )
    found = lint_source(source, "m.py").diagnostics
    assert [d.code for d in found] == ["IL301"]
    assert "unknown fan-in" in found[0].message and "fan-in 784" not in found[0].message


def test_tf_layers_built_in_a_loop_over_widths():
    source = HEAD + (
        "h = x\n"
        "for units in [256, 256, 256]:\n"
        "    h = tf.layers.dense(h, units, activation=tf.nn.relu, kernel_initializer=tf.keras.initializers.RandomNormal(stddev=1.0))\n"
        "o = tf.layers.dense(h, 10)\n"
    )
    found = lint_source(source, "m.py").diagnostics
    assert [(d.span.row, d.code) for d in found] == [(5, "IL301")]
    assert codes(source.replace("stddev=1.0", "stddev=0.05")) == []


def test_shape_reads_and_evaluation_ops_are_not_consumers():
    body = ("W = tf.Variable(tf.random_normal([784, 256]))\n"
            "flat = tf.reshape(x, [-1, W.get_shape().as_list()[0]])\n"
            "h = tf.nn.relu(tf.matmul(flat, W))\n"
            "V = tf.Variable(tf.random_normal([256, 10]))\n"
            "logits = tf.matmul(h, V)\n"
            "loss = tf.nn.softmax_cross_entropy_with_logits(labels=x, logits=logits)\n"
            "correct = tf.equal(tf.argmax(logits, 1), tf.argmax(x, 1))\n")
    found = lint_source(HEAD + body, "m.py").diagnostics
    assert [(d.span.row, d.code, d.severity) for d in found] == [(3, "IL301", "error"), (6, "IL301", "warning")]
    assert "for ReLU" in found[0].message  # W.get_shape() does not hide the ReLU
    assert "for a layer with no activation" in found[1].message  # argmax of the logits does not hide the output head
    # an unknown function of the logits still does
    unknown = lint_source(HEAD + body.replace("tf.argmax(logits, 1)", "my_metric(logits)"), "m.py").diagnostics
    assert "for a layer with no activation" not in unknown[-1].message


def test_a_loop_built_weight_is_fixed_only_when_its_shape_is_the_same_every_iteration():
    fixed, applied = fix_text(LOOP, "m.py", None, unsafe=True)
    assert applied == 0 and fixed == LOOP  # fan-ins 784 and 256: one stddev cannot suit both
    literal = HEAD + "h = x\nfor i in range(3):\n    W = tf.Variable(tf.random_normal([784, 784]))\n    h = tf.nn.relu(tf.matmul(h, W))\n"
    fixed, applied = fix_text(literal, "m.py", None, unsafe=True)
    assert applied == 1 and "tf.random_normal([784, 784], stddev=0.0505)" in fixed
