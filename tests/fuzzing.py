"""Input generators for the fuzz tests: model code built from the frameworks' vocabulary, and
mutations of real files (truncations, byte flips, token deletions and substitutions, line edits).

Kept apart from the tests so that a seeded `random.Random` can drive the same mutations outside
hypothesis (tests/test_fuzz.py uses both).
"""
from __future__ import annotations

import io
import textwrap
import tokenize
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

from hypothesis import strategies as st

from initlint.knowledge import activations as A
from initlint.knowledge import keras as K
from initlint.knowledge import tf as TF
from initlint.knowledge import torch as T

from .shared import shared_path

REPO = Path(__file__).resolve().parent.parent
ACCEPTANCE = shared_path("acceptance")


# --------------------------------------------------------------------------------------------
# The corpus: every real model file the repository has


def corpus() -> List[Tuple[str, str]]:
    """(name, text) of the fixtures, the fix pairs, the acceptance examples and every rule's
    VALID / INVALID example."""
    from initlint.rules import ALL_RULES

    paths = sorted((REPO / "fixtures").rglob("*.py")) + sorted((REPO / "tests" / "fixes").glob("*.py"))
    paths += sorted(ACCEPTANCE.rglob("*.py"))
    out = [(path.name, path.read_text(encoding="utf-8")) for path in paths]
    for rule in sorted(ALL_RULES, key=lambda r: r.code):
        for index, code in enumerate(list(rule.VALID) + list(rule.INVALID)):
            out.append((f"{rule.code.lower()}_{index}.py", textwrap.dedent(code).lstrip("\n")))
    return out


# --------------------------------------------------------------------------------------------
# Mutations. Each takes the text and a `draw(n)` giving an integer in [0, n) (n >= 1).

# What replaces a number or a token: degenerate sizes, huge and non-finite scales, wrong types.
ODD_VALUES = ("0", "-1", "1", "0.0", "-0.5", "1e308", "1e-320", "10**100", "2**64", "float('nan')",
              "float('inf')", "None", "True", "'relu'", "'he_normal'", "()", "[]", "...", "x", "self",
              "nn.ReLU()", "-784", "1j", "n // 0", "'\\x1b[31m'")
ODD_LINES = ("pass\n", "return\n", "if x:\n", "    x = (\n", "@d\n", "# noqa\n", "\x0c\n", "'''\n",
             "def f(self): self.fc = nn.Linear(0, 0)\n", "\tx = 1\n", "x = '\u2028'\n", "async def g():\n",
             "nn.init.normal_(self.fc1.weight, std=float('inf'))\n", "del self\n", "self = None\n")

Draw = Callable[[int], int]


def _tokens(text: str) -> list:
    skip = (tokenize.ENDMARKER, tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT)
    try:
        return [token for token in tokenize.generate_tokens(io.StringIO(text).readline) if token.type not in skip]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []


def _line_starts(text: str) -> List[int]:
    starts = [0, 0]
    position = 0
    for line in text.splitlines(keepends=True):
        position += len(line)
        starts.append(position)
    return starts


def _token_range(text: str, draw: Draw):
    tokens = _tokens(text)
    if not tokens:
        return None
    token = tokens[draw(len(tokens))]
    starts = _line_starts(text)
    (row, column), (end_row, end_column) = token.start, token.end
    if end_row >= len(starts):
        return None
    return token, starts[row] + column, starts[end_row] + end_column, tokens


def truncate(text: str, draw: Draw) -> str:
    return text[: draw(len(text) + 1)]


def delete_token(text: str, draw: Draw) -> str:
    found = _token_range(text, draw)
    if found is None:
        return text
    _, begin, end, _ = found
    return text[:begin] + text[end:]


def swap_token(text: str, draw: Draw) -> str:
    found = _token_range(text, draw)
    if found is None:
        return text
    _, begin, end, tokens = found
    return text[:begin] + tokens[draw(len(tokens))].string + text[end:]


def odd_value(text: str, draw: Draw) -> str:
    found = _token_range(text, draw)
    if found is None:
        return text
    _, begin, end, _ = found
    return text[:begin] + ODD_VALUES[draw(len(ODD_VALUES))] + text[end:]


def _lines(text: str, draw: Draw, edit) -> str:
    lines = text.splitlines(keepends=True)
    if not lines:
        return ODD_LINES[draw(len(ODD_LINES))]
    edit(lines, draw(len(lines)))
    return "".join(lines)


def duplicate_line(text: str, draw: Draw) -> str:
    return _lines(text, draw, lambda lines, i: lines.insert(draw(len(lines) + 1), lines[i]))


def delete_line(text: str, draw: Draw) -> str:
    return _lines(text, draw, lambda lines, i: lines.pop(i))


def reindent_line(text: str, draw: Draw) -> str:
    def edit(lines, i):
        lines[i] = ("    ", "\t", "", " ", "        ")[draw(5)] + lines[i].lstrip(" \t")

    return _lines(text, draw, edit)


def insert_line(text: str, draw: Draw) -> str:
    return _lines(text, draw, lambda lines, i: lines.insert(i, ODD_LINES[draw(len(ODD_LINES))]))


TEXT_MUTATIONS = (truncate, delete_token, swap_token, odd_value, duplicate_line, delete_line, reindent_line,
                  insert_line)


def flip_bytes(data: bytes, draw: Draw) -> bytes:
    if not data:
        return bytes([draw(256)])
    out = bytearray(data)
    for _ in range(1 + draw(4)):
        out[draw(len(out))] = draw(256)
    return bytes(out)


def truncate_bytes(data: bytes, draw: Draw) -> bytes:
    return data[: draw(len(data) + 1)]  # may cut a UTF-8 sequence in two


def mutate(text: str, draw: Draw, count: int) -> str:
    for _ in range(count):
        text = TEXT_MUTATIONS[draw(len(TEXT_MUTATIONS))](text, draw)
    return text


def hypothesis_draw(data) -> Draw:
    """A `draw(n)` backed by hypothesis' `st.data()` (shrinks towards 0)."""
    return lambda n: data.draw(st.integers(0, max(n, 1) - 1))


def random_draw(rnd) -> Draw:
    return lambda n: rnd.randrange(max(n, 1))


# --------------------------------------------------------------------------------------------
# Model code from the frameworks' vocabulary (all spellings the knowledge tables know)

SIZES = ("0", "1", "3", "64", "784", "n_in", "n_hidden", "n_hidden * 2", "n_in // 0", "-1", "10**9", "k")
STDS = ("0.0", "1.0", "0.02", "-1", "1e308", "math.sqrt(2 / 784)", "math.sqrt(-1)", "'x'", "None", "float('inf')",
        "2 ** 0.5", "1 / 0", "std", "0.5 * scale")
GAINS = ("1.0", "0", "nn.init.calculate_gain('relu')", "nn.init.calculate_gain('leaky_relu', 0.2)",
         "nn.init.calculate_gain('nope')", "init.calculate_gain('tanh')", "'relu'")
NONLINEARITIES = tuple(sorted(T.VALID_NONLINEARITIES)) + ("nope", "")
MODES = ("'fan_in'", "'fan_out'", "'fan_avg'", "3", "mode")
ACTIVATION_NAMES = tuple(sorted(A.BY_NAME)) + ("nope", "")


def _quoted(name: str) -> str:
    return repr(name)


@st.composite
def torch_module(draw) -> str:
    """A PyTorch module: layers, raw parameters, init calls (direct, in-place, apply, loops) and a forward."""
    pick = lambda values: draw(st.sampled_from(values))  # noqa: E731
    count = draw(st.integers(1, 4))
    kinds = sorted(T.KERNEL_MODULES)
    lines = ["import math", "import torch", "import torch.nn as nn", "import torch.nn.functional as F",
             "from torch.nn import init", "", "", "class Net(nn.Module):",
             f"    def __init__(self, n_in={pick(SIZES[:5])}, n_hidden={pick(SIZES[:5])}):",
             "        super().__init__()"]
    names = []
    for index in range(count):
        name = f"l{index}"
        names.append(name)
        shape = draw(st.integers(0, 5))
        if shape == 0:
            lines.append(f"        self.{name} = nn.Sequential(nn.Linear({pick(SIZES)}, {pick(SIZES)}), "
                         f"nn.{pick(sorted(T.ACTIVATION_MODULES))}(), nn.Linear({pick(SIZES)}, {pick(SIZES)}))")
        elif shape == 1:
            lines.append(f"        self.{name} = nn.Parameter(torch.{pick(sorted(T.FACTORIES))}"
                         f"({pick(SIZES)}, {pick(SIZES)}){pick(('', ' * 0.01', ' * std', ' / 0'))})")
        elif shape == 2:
            lines.append(f"        self.{name} = nn.ModuleList([nn.Linear({pick(SIZES)}, {pick(SIZES)}) "
                         f"for _ in range({pick(SIZES)})])")
        else:
            kind = pick(kinds)
            lines.append(f"        self.{name} = nn.{kind}({pick(SIZES)}, {pick(SIZES)}"
                         f"{pick(('', ', 3', ', bias=False', ', kernel_size=1', ', 3, 3'))})")
        lines.append(f"        self.act{index} = nn.{pick(sorted(T.ACTIVATION_MODULES))}()")
    for _ in range(draw(st.integers(0, 4))):
        target = f"self.{pick(names)}{pick(('.weight', '.weight', '.bias', '', '[0].weight', '.weight.data'))}"
        style = draw(st.integers(0, 3))
        function = pick(sorted(T.INIT_FUNCTIONS))
        args = draw(st.lists(st.sampled_from(
            [f"std={pick(STDS)}", f"mean={pick(STDS)}", f"a={pick(STDS)}", f"b={pick(STDS)}", f"gain={pick(GAINS)}",
             f"nonlinearity={_quoted(pick(NONLINEARITIES))}", f"mode={pick(MODES)}", f"val={pick(STDS)}",
             pick(STDS), f"sparsity={pick(STDS)}"]), max_size=3, unique=True))
        args.sort(key=lambda a: "=" in a)  # positional first
        joined = ", ".join([target] + args)
        if style == 0:
            lines.append(f"        nn.init.{function}({joined})")
        elif style == 1:
            lines.append(f"        init.{function}({joined})")
        elif style == 2:
            method = pick(sorted(T.TENSOR_METHODS))
            lines.append(f"        {target}.{method}({', '.join(args)})")
        else:
            lines.append(f"        with torch.no_grad():\n            {target}.copy_(torch.randn_like({target}))")
    if draw(st.booleans()):
        lines += ["        self.apply(self._init)", "", "    def _init(self, m):",
                  f"        if isinstance(m, (nn.{pick(kinds)}, nn.Linear)):",
                  f"            nn.init.{pick(sorted(T.INIT_FUNCTIONS))}(m.weight{pick(('', ', 0.0', ', std=1.0'))})",
                  f"            nn.init.{pick(('zeros_', 'constant_', 'normal_'))}(m.bias{pick(('', ', 0.0'))})"]
    if draw(st.booleans()):
        lines += ["        for m in self.modules():", f"            if isinstance(m, nn.{pick(kinds)}):",
                  f"                m.weight.data.{pick(sorted(T.TENSOR_METHODS))}({pick(STDS)})"]
    lines += ["", "    def forward(self, x):"]
    for index, name in enumerate(names):
        step = draw(st.integers(0, 6))
        if step == 0:
            lines.append(f"        x = F.{pick(sorted(T.FUNCTIONAL_ACTIVATIONS))}(self.{name}(x))")
        elif step == 1:
            lines.append(f"        x = self.act{index}(self.{name}(x))")
        elif step == 2:
            lines.append(f"        x = torch.{pick(('relu', 'tanh', 'sigmoid'))}(x @ self.{name})")
        elif step == 3:
            lines.append(f"        x = F.linear(x, self.{name}).{pick(('sigmoid', 'relu', 'tanh', 'view'))}()")
        elif step == 4:
            lines.append(f"        x = F.leaky_relu(self.{name}(x), {pick(STDS)})")
        elif step == 5:
            lines.append(f"        x = self.{name}(x) + x")
        else:
            lines.append(f"        x = self.{name}(x)")
    lines.append("        return x")
    return "\n".join(lines) + "\n"


KERAS_PREFIXES = ("initializers.", "tf.keras.initializers.", "keras.initializers.", "tf.initializers.")


@st.composite
def keras_initializer(draw) -> str:
    pick = lambda values: draw(st.sampled_from(values))  # noqa: E731
    style = draw(st.integers(0, 3))
    if style == 0:
        return _quoted(pick(sorted(K.INITIALIZER_NAMES) + ["nope", ""]))
    arguments = draw(st.lists(st.sampled_from(
        [f"stddev={pick(STDS)}", f"mean={pick(STDS)}", f"minval={pick(STDS)}", f"maxval={pick(STDS)}",
         f"value={pick(STDS)}", f"scale={pick(STDS)}", f"mode={pick(MODES)}", f"gain={pick(STDS)}",
         f"distribution={pick(('uniform', 'normal', 'truncated_normal', 'nope'))!r}", f"seed={pick(SIZES)}",
         pick(STDS)]), max_size=3, unique=True))
    arguments.sort(key=lambda a: "=" in a)
    joined = ", ".join(arguments)
    if style == 1:
        return f"{pick(KERAS_PREFIXES)}{pick(sorted(K.INITIALIZER_NAMES))}({joined})"
    if style == 2:
        return f"tf.compat.v1.{pick(sorted(TF.TF_INITIALIZERS))}({joined})"
    return "init"  # the shared variable defined at the top


@st.composite
def keras_model(draw) -> str:
    """A Keras model: Sequential, functional or subclassed, with every initializer spelling."""
    pick = lambda values: draw(st.sampled_from(values))  # noqa: E731
    lines = ["import tensorflow as tf", "from tensorflow import keras",
             "from tensorflow.keras import layers, initializers, models", "",
             f"init = {draw(keras_initializer())}", "n_in = 784", ""]
    layer_calls = []
    for _ in range(draw(st.integers(1, 4))):
        kind = pick(sorted(K.KERNEL_LAYERS))
        argument = pick(K.KERNEL_LAYERS[kind])
        activation = _quoted(pick(ACTIVATION_NAMES))
        extra = pick(("", ", 3", ", (3, 3)", ", use_bias=False"))
        layer_calls.append(f"layers.{kind}({pick(SIZES)}{extra}, activation={activation}, "
                           f"{argument}={draw(keras_initializer())})")
        if draw(st.booleans()):
            layer_calls.append(f"layers.{pick(sorted(K.ACTIVATION_LAYERS) + ['Activation'])}"
                               f"({pick(('', _quoted(pick(ACTIVATION_NAMES))))})")
    style = draw(st.integers(0, 2))
    if style == 0:
        lines.append("model = models.Sequential([")
        lines += [f"    {call}," for call in layer_calls]
        lines.append("])")
    elif style == 1:
        lines.append("inputs = layers.Input((n_in,))")
        lines.append("x = inputs")
        lines += [f"x = {call}(x)" for call in layer_calls]
        lines.append("model = keras.Model(inputs, x)")
    else:
        lines += ["class Net(keras.Model):", "    def __init__(self):", "        super().__init__()"]
        lines += [f"        self.l{index} = {call}" for index, call in enumerate(layer_calls)]
        lines += ["", "    def call(self, x):"]
        lines += [f"        x = {pick(('tf.nn.relu', 'tf.tanh', ''))}(self.l{index}(x))"
                  for index in range(len(layer_calls))]
        lines.append("        return x")
    return "\n".join(lines) + "\n"


def model_code() -> st.SearchStrategy:
    return st.one_of(torch_module(), keras_model())


# --------------------------------------------------------------------------------------------
# Source variations that keep the meaning: line endings, encodings, indentation


def with_line_endings(text: str, style: int) -> str:
    """0: as is, 1: CRLF, 2: CR only, 3: mixed (every other line CRLF)."""
    if style == 1:
        return text.replace("\n", "\r\n")
    if style == 2:
        return text.replace("\n", "\r")
    if style == 3:
        lines = text.split("\n")
        return "".join(line + ("\r\n" if index % 2 else "\n") for index, line in enumerate(lines[:-1])) + lines[-1]
    return text


ENCODINGS: Sequence[Tuple[str, str, bytes]] = (
    # (name, header line, prefix bytes)
    ("utf-8", "", b""),
    ("utf-8-sig", "", b"\xef\xbb\xbf"),
    ("latin-1", "# -*- coding: latin-1 -*-\n# caf\xe9\n", b""),
    ("cp1252", "# coding: cp1252\n# \u20ac\n", b""),
)


def encoded(text: str, style: int, endings: int = 0) -> bytes:
    """The bytes of a file in the encoding ENCODINGS[style] (declared as Python wants it)."""
    name, header, prefix = ENCODINGS[style]
    text = with_line_endings(header + text, endings)
    return prefix + text.encode("utf-8" if name == "utf-8-sig" else name, "replace")
