"""TensorFlow names every frontend that meets them shares: TF initializer objects and the one
place where a file is decided to be TF1 or TF2 code (their defaults differ, init-knowledge §1.3).
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Tuple

import libcst as cst

from ..facts import Initializer
from ..knowledge import tf as TF
from ..resolve import Resolver
from ..syntax import walk
from .base import FrontendAdapter, display, given_argument


def tf_name(qualified: Optional[str]) -> Optional[Tuple[str, str]]:
    """(namespace, leaf) for tensorflow.* names: ('compat.v1', 'zeros_initializer')."""
    if not qualified or not qualified.startswith(TF.TF_PREFIX):
        return None
    namespace, _, leaf = qualified[len(TF.TF_PREFIX):].rpartition(".")
    return namespace, leaf


def tf_version(module: cst.Module, resolver: Resolver, text: str, options=None) -> Optional[int]:
    """1 or 2 when the file is known to be TF1 or TF2 code, else None.

    The configuration (`tf-version`) decides when it is set; otherwise the file is TF1 code when it
    imports `tensorflow.compat.v1` as `tf`, or when its code (not its comments or strings) uses an
    API that only TF1 has. Nothing marks a file as TF2: without a mark the version stays unknown.
    """
    configured = getattr(options, "tf_version", None)
    if configured is not None:
        return configured
    if any(alias == TF.TF1_ALIAS and name.startswith(TF.TF1_MODULE) for alias, name in resolver.aliases.items()):
        return 1
    leaves = {api.rstrip(".").rsplit(".", 1)[-1] for api in TF.TF1_ONLY_APIS}
    if not any(leaf in text for leaf in leaves):
        return None  # cheap: none of the APIs' names occurs anywhere in the file
    for node in walk(module):
        if isinstance(node, cst.Attribute):
            qualified = resolver.qualified(node)
            if qualified and any(qualified == api or (api.endswith(".") and qualified.startswith(api))
                                 for api in TF.TF1_ONLY_APIS):
                return 1
    return None


def tf_initializer(adapter: FrontendAdapter, callee, call: Optional[cst.Call], qualified: Optional[str],
                   version: Optional[int]) -> Optional[Initializer]:
    """A TensorFlow (not Keras) initializer object: `tf.random_normal_initializer(stddev=...)`,
    `tf.compat.v1.glorot_uniform_initializer()`, `tf.contrib.layers.xavier_initializer()`."""
    found = tf_name(qualified)
    if found is None:
        return None
    namespace, leaf = found
    if namespace.startswith("keras"):
        return None
    spec = TF.TF_INITIALIZERS.get(leaf)
    if spec is None:
        return None
    if namespace in ("initializers", "keras.initializers") and leaf[:1].isupper():
        return None
    if namespace == TF.CONTRIB_LAYERS and leaf == "variance_scaling_initializer":
        spec = TF.CONTRIB_VARIANCE_SCALING
    overrides = {}
    alternative = None
    if leaf in TF.VERSIONED and not namespace.startswith(TF.COMPAT_V1) and version != 1:
        tf2 = TF.TF2_DEFAULTS[leaf]
        if version == 2:
            overrides = dict(tf2)
        else:
            alternative = tf2.get("stddev")
    init = adapter.bind(spec, call, display(call if call is not None else callee), overrides)
    if alternative is not None and given_argument(call, spec, "stddev") is None:
        init = dataclasses.replace(init, alternative_stddev=alternative)
    return init
