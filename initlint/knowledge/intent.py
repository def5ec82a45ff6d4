"""What in a file says a zero or constant kernel is deliberate (init-knowledge product decision 7).

These only ever silence a finding whose role the analysis could not establish; structural
evidence (an output, a residual branch end, a multiplicative partner, a proven hidden layer) always
decides first. See `initlint/PRECISION.md`.
"""
from __future__ import annotations

import re

# G5 (init-knowledge §5.4): names that corroborate a deliberate zero/constant start. Extended with
# the offset and mask heads of deformable convolutions and RoI pooling (issue 12), which start at zero
# so that sampling starts on the regular grid.
DELIBERATE_NAME = re.compile(
    r"(?i)lora_?[ab]|lora_(up|down)|zero|gate|gating|alpha|resweight|skip_gain|layer_?scale|\bls\d*\b|gamma"
    r"|head|classifier|logits?|readout|lm_head|out(put)?_?proj|proj_out|o_proj|c_proj|final|last|adaln"
    r"|modulation|film|actor|critic|policy|value|v_head|pi\b|action_net|value_net"
    r"|offset|mask"
)

# G13 (init-knowledge §5.4): documented intent in a comment or docstring near the init site.
DOCUMENTED_INTENT = re.compile(
    r"(?i)zero[- _]?init|fixup|rezero|skipinit|adaln[- _]?zero|zero_init_residual|zero[- _]conv|lora"
)
INTENT_DISTANCE = 3  # lines above or below the init site


def deliberate_name(name: str) -> bool:
    return bool(name) and DELIBERATE_NAME.search(name) is not None
