"""The rule registry. One rule per module; adding a rule is one line here."""
from __future__ import annotations

from typing import Dict, FrozenSet, List, Type

from .base import Rule
from .il000_unanalyzable_file import UnanalyzableFile
from .il001_unused_suppression import UnusedSuppression
from .il101_zero_kernel import ZeroKernel
from .il102_constant_kernel import ConstantKernel
from .il103_uninitialized_parameter import UninitializedParameter
from .il104_partial_identity import PartialIdentity
from .il201_glorot_lecun_with_relu import GlorotLecunWithRelu
from .il202_he_with_saturating_activation import HeWithSaturatingActivation
from .il203_selu_without_lecun_normal import SeluWithoutLecunNormal
from .il204_kaiming_nonlinearity_mismatch import KaimingNonlinearityMismatch
from .il205_implicit_default_with_relu import ImplicitDefaultWithRelu
from .il301_oversized_random_init import OversizedRandomInit
from .il302_undersized_init_in_deep_chain import UndersizedInitInDeepChain
from .il303_nonzero_mean_init import NonzeroMeanInit
from .il401_unsupported_nonlinearity import UnsupportedNonlinearity
from .il402_fan_init_on_vector import FanInitOnVector
from .il403_initializer_call_misuse import InitializerCallMisuse
from .il404_deprecated_init_alias import DeprecatedInitAlias
from .il405_init_never_applied import InitNeverApplied

ALL_RULES: List[Type[Rule]] = [
    UnanalyzableFile,
    UnusedSuppression,
    ZeroKernel,
    ConstantKernel,
    UninitializedParameter,
    PartialIdentity,
    GlorotLecunWithRelu,
    HeWithSaturatingActivation,
    SeluWithoutLecunNormal,
    KaimingNonlinearityMismatch,
    ImplicitDefaultWithRelu,
    OversizedRandomInit,
    UndersizedInitInDeepChain,
    NonzeroMeanInit,
    UnsupportedNonlinearity,
    FanInitOnVector,
    InitializerCallMisuse,
    DeprecatedInitAlias,
    InitNeverApplied,
]
RULES_BY_CODE: Dict[str, Type[Rule]] = {rule.code: rule for rule in ALL_RULES}


# Product decision 3: one initializer expression, one verdict of this family, the first in this order
# (zero > constant > non-centred > oversized): the fix is the same. Rules judge one fact each; the
# engine keeps one of these per expression when several facts meet there (one helper judged with the
# values of two constructions, `Net(constant_weight=0)` and `Net(constant_weight=1)`).
ONE_VERDICT_FAMILY = ("IL101", "IL102", "IL303", "IL301")


def default_codes() -> FrozenSet[str]:
    return frozenset(rule.code for rule in ALL_RULES if rule.default_enabled)


def unfiltered_codes() -> FrozenSet[str]:
    """The rules the prefilter cannot serve, so a run with one of them reads every file: those that
    judge framework defaults (layers without an initializer in the code) and those that judge what
    any file may hold (IL001: a suppression comment that suppresses nothing)."""
    return frozenset(rule.code for rule in ALL_RULES if rule.judges_implicit or rule.reads_every_file)
