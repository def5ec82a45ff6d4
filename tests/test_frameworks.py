"""The framework registry: every framework is four modules and one line, and frontends claim names."""
from __future__ import annotations

import types

import libcst as cst
import pytest

from initlint import frameworks
from initlint.frontends import run_frontends
from initlint.frontends.tf import tf_version
from initlint.resolve import Resolver


@pytest.mark.parametrize("framework", frameworks.FRAMEWORKS, ids=lambda f: f.name)
def test_every_framework_has_its_modules(framework):
    tables = framework.tables()
    assert tables.PREFIXES and all(prefix.endswith(".") for prefix in tables.PREFIXES)
    assert callable(framework.extractor().extract)
    assert framework.import_roots
    assert framework.prefilter_clauses() is not None
    assert frameworks.get(framework.name) is framework


def test_frontends_claim_name_prefixes_not_import_roots():
    keras = frameworks.get("keras")
    torch = frameworks.get("torch")
    assert keras.claims("tensorflow")  # tf.keras.layers...
    assert keras.claims("tensorflow.keras.layers")
    assert keras.claims("tensorflow.compat.v1")  # tf.compat.v1.keras...
    assert not keras.claims("tensorflow_datasets")
    assert torch.claims("torch") and torch.claims("torch.nn.init")
    assert not torch.claims("torchvision") and not torch.claims("torch_geometric.nn")


def _sites(source: str, options=None):
    return run_frontends(cst.parse_module(source), source, options)


def test_a_file_importing_only_a_neighbour_package_runs_no_frontend():
    assert _sites("import torchvision\nimport torch_geometric\nw.data.normal_()\n") == []


TF_INIT = """import tensorflow as tf
from tensorflow.keras import layers
layer = layers.Dense(64, activation="relu", kernel_initializer=tf.random_normal_initializer())
"""


def _version(source: str, options=None):
    module = cst.parse_module(source)
    return tf_version(module, Resolver(module), source, options)


def test_tf1_is_decided_from_code_never_from_comments_or_strings():
    assert _version(TF_INIT) is None
    assert _version("# ported from tf.placeholder code\n" + TF_INIT) is None
    assert _version('doc = "use tf.Session() and tf.get_variable"\n' + TF_INIT) is None
    assert _version(TF_INIT + "x = tf.placeholder(tf.float32, [None, 784])\n") == 1
    assert _version(TF_INIT + "opt = tf.contrib.layers.xavier_initializer()\n") == 1
    assert _version(TF_INIT.replace("import tensorflow as tf", "import tensorflow.compat.v1 as tf")) == 1


def test_the_configured_tf_version_wins():
    tf1_code = TF_INIT + "x = tf.placeholder(tf.float32)\n"
    assert _version(tf1_code, types.SimpleNamespace(tf_version=2)) == 2
    assert _version(TF_INIT, types.SimpleNamespace(tf_version=1)) == 1


@pytest.mark.parametrize("prefix, options, stddev, alternative", [
    ("", None, 1.0, 0.05),  # unknown version: TF1's default, TF2's as the alternative
    ("# tf.placeholder was used here in TF1\n", None, 1.0, 0.05),  # a comment decides nothing
    ("", types.SimpleNamespace(tf_version=1), 1.0, None),
    ("", types.SimpleNamespace(tf_version=2), 0.05, None),
])
def test_the_tf_version_reaches_the_initializer_defaults(prefix, options, stddev, alternative):
    (site,) = _sites(prefix + TF_INIT, options)
    assert site.framework == "keras"
    assert (site.init.stddev, site.init.alternative_stddev) == (stddev, alternative)
