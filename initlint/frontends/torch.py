"""PyTorch frontend: nn.Module classes, their init code (direct, apply(), modules() loops) and forward()."""
from __future__ import annotations

import re
from typing import Dict, List, Optional

import libcst as cst

from ..facts import CERTAIN, LIKELY, Activation, KernelSite
from ..knowledge import torch as T
from ..resolve import Resolver, arg, dotted, keyword, positional
from ..syntax import calls, nodes_by_type, statements
from .base import FrontendAdapter, is_false, loop_count, mentions_any, receiver
from .classes import ClassInfo, collect_class, constructor_first, entry_method, model_reach, module_classes
from .dataflow import SCRIPT_WEIGHT, Interpreter
from .graph import (
    ActivationItem,
    ChainItem,
    GroupItem,
    InitRecord,
    KernelItem,
    Node,
    NormItem,
    OpaqueItem,
    ParamRef,
    PassItem,
    kernel_nodes,
)
from .params import raw_weight
from .sites import build_sites
from .torch_uses import api_uses
from .torch_init import InitExtractor, run_init_function
from .torch_instances import APPLY_TIME
from .torch_init_syntax import bind_call, mentions_init, returns_name, zeroes_all_parameters

FRAMEWORK = "torch"
ENTRY_METHODS = ("forward", "__call__")  # what applies a module to its input


class TorchAdapter(FrontendAdapter):
    def __init__(self, resolver: Resolver, module: cst.Module, options=None) -> None:
        super().__init__(resolver, options)
        self.functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
        self.wrapper_functions = set()
        self.descended = descended_tensors(module)
        self.scoped_functions = set()  # init functions applied to one part of a class (`self.head.apply(fn)`)
        self.class_applied_functions = set()  # module-level helpers a class applies to itself (`self.apply(fn)`)

    def torch_leaf(self, node, prefix: str = "torch.nn.") -> Optional[str]:
        qualified = self.name_in(node, lambda name: name.startswith(prefix))
        if qualified is None:
            return None
        rest = qualified[len(prefix):]
        if prefix == "torch.nn." and rest.startswith(("functional.", "init.", "utils.", "parameter.")):
            return None
        return rest.rsplit(".", 1)[-1]

    def factory_leaf(self, call: cst.Call) -> Optional[str]:
        """`randn` for `torch.randn(...)`: a tensor factory's name."""
        return self.torch_leaf(call.func, "torch.")

    def init_function(self, func) -> Optional[str]:
        """The torch.nn.init function a call names, also through re-exports (transformers, timm)."""
        leaf = self.torch_leaf(func, "torch.nn.init.")
        if leaf is not None:
            return leaf
        qualified = self.resolver.qualified(func)
        if qualified and "." in qualified:
            leaf = qualified.rsplit(".", 1)[-1]
            if leaf in T.INIT_FUNCTIONS:
                return leaf
        return None

    # ----- constructors -----
    def construct(self, call: cst.Call):
        name = self.torch_leaf(call.func)
        if name is None:
            return self._script_weight(call) or self._wrapper(call)
        if name in T.KERNEL_MODULES:
            return KernelItem(self._kernel_node(call, name))
        if name in T.EMBEDDING_MODULES:
            node = Node(name, name, embedding=True)
            self.nodes.append(node)
            return KernelItem(node)
        if name in T.ACTIVATION_MODULES:
            family, slope = T.ACTIVATION_MODULES[name]
            if name in T.SLOPE_ARGUMENT:
                key, position = T.SLOPE_ARGUMENT[name]
                given = self.resolver.number(arg(call, position, key))
                slope = given if given is not None else slope
            return ActivationItem(Activation(family, f"nn.{name}", slope))
        if name in T.NORM_MODULES:
            return NormItem()
        if name in T.PASSTHROUGH_MODULES:
            return PassItem()
        if name in T.SEQUENTIAL_MODULES:
            return self._sequential(call)
        if name in T.COLLECTION_MODULES:
            return self._collection(call)
        if name == "Parameter":
            return self._parameter(call)
        if name == "Module":
            return None
        return OpaqueItem()

    def _sequential(self, call: cst.Call) -> ChainItem:
        chain = ChainItem([], standalone=True)
        values = positional(call)
        if len(values) == 1 and isinstance(values[0], cst.Call) and (dotted(values[0].func) or "").endswith("OrderedDict"):
            pairs = positional(values[0])
            entries = pairs[0] if pairs else None
            if isinstance(entries, (cst.List, cst.Tuple)):
                for element in entries.elements:
                    pair = element.value
                    if isinstance(pair, cst.Tuple) and len(pair.elements) == 2:
                        key = self.resolver.string(pair.elements[0].value)
                        chain.items.append(self._child(pair.elements[1].value, key))
            return chain
        for index, value in enumerate(values):
            chain.items.append(self._child(value, None))
        return chain

    def on_item_call(self, item, call: cst.Call, env) -> None:
        """`net = nn.Sequential(); net.add_module('fc1', nn.Linear(2, 5))`: a layer added to a container
        the script builds (course notebooks build their models this way), in the order added."""
        func = call.func
        if isinstance(item, ChainItem) and isinstance(func, cst.Attribute) and func.attr.value == "add_module":
            name, child = arg(call, 0, "name"), arg(call, 1, "module")
            if child is None:
                return
            added = self._child(child, self.resolver.string(name) if name is not None else None)
            if not any(added is present for present in item.items):
                item.items.append(added)  # a loop's add_module line read twice adds its (one) layer once

    def _child(self, value, name: Optional[str]):
        value = self.resolver.deref(value)
        item = self.constructor(value) if isinstance(value, cst.Call) else None
        if isinstance(item, (ChainItem,)):
            item.standalone = False
        if isinstance(item, KernelItem) and name:
            item.node.name = name
        return item if item is not None else OpaqueItem()

    def _collection(self, call: cst.Call) -> GroupItem:
        group = GroupItem([])
        values = positional(call)
        if not values:
            return group
        content = values[0]
        if isinstance(content, (cst.List, cst.Tuple)):
            for element in content.elements:
                group.items.append(self._child(element.value, None))
        elif isinstance(content, (cst.ListComp, cst.GeneratorExp)):
            child = self._child(content.elt, None)
            count = loop_count(content.for_in.iter, self.resolver) if content.for_in.inner_for_in is None else None
            for node in kernel_nodes(child):
                node.repeat *= count or 1  # [nn.Linear(d, d) for _ in range(8)]: eight layers
            group.items.append(child)
        elif isinstance(content, cst.Dict):
            for element in content.elements:
                if isinstance(element, cst.DictElement):
                    group.items.append(self._child(element.value, self.resolver.string(element.key)))
        return group

    def _kernel_node(self, call: cst.Call, name: str) -> Node:
        in_key, in_pos, out_key, out_pos, k_key, k_pos = T.KERNEL_MODULES[name]
        number = self.resolver.number
        fan_in = number(arg(call, in_pos, in_key)) if in_key else None
        fan_out = number(arg(call, out_pos, out_key))
        if k_key:
            groups = number(keyword(call, "groups")) or 1.0
            size = self.resolver.shape(arg(call, k_pos, k_key))
            dims = T.CONV_DIMS.get(name, 1)
            if size and len(size) == 1:
                size = size * dims
            receptive = 1
            if size and all(s is not None for s in size):
                for s in size:
                    receptive *= s
            else:
                receptive = None
            if name in T.TRANSPOSED:
                fan_in, fan_out = fan_out, fan_in
            fan_in = fan_in / groups * receptive if fan_in is not None and receptive else None
            fan_out = fan_out * receptive if fan_out is not None and receptive else None
        bias = "none" if is_false(keyword(call, "bias")) else "random"
        node = Node(name, name, fan_in=_int(fan_in), fan_out=_int(fan_out), bias=bias)
        node.constructor = call
        if name in T.DEFAULT_INIT_MODULES:
            node.default_init = T.DEFAULT_KERNEL_INIT  # reset_parameters(), unless init code reaches it
        self.nodes.append(node)
        return node

    def _script_weight(self, call: cst.Call):
        """`w1 = torch.randn(D_in, H, requires_grad=True)`: a raw weight of a script (a kernel once it
        is used in a matmul, G1). Also through the legacy wrapper and conversions:
        `w1 = Variable(torch.randn(D_in, H).type(dtype), requires_grad=True)`."""
        requires_grad = keyword(call, "requires_grad")
        trained = isinstance(requires_grad, cst.Name) and requires_grad.value == "True"
        if not trained and id(call) not in self.descended:
            return None
        data = call
        if self.autograd_wrapper(call):
            values = positional(call)
            data = keyword(call, "data") or (values[0] if values else None)
        elif not isinstance(call.func, cst.Attribute) or call.func.attr.value not in T.CONVERSION_METHODS:
            data = call if self.factory_leaf(call) in T.FACTORIES else None  # a factory call itself
        if not self._draws(data):
            return None
        return raw_weight(self, SCRIPT_WEIGHT, data, False, T.FACTORY_TABLE, self.factory_leaf, self.tensor_data)

    def _parameter(self, call: cst.Call):
        """`W1 = nn.Parameter(torch.randn(784, 256))`: a raw weight (a kernel once it is used in a
        matmul, G1), bound to a script's name or to `self.w` (_attribute)."""
        values = positional(call)
        data = keyword(call, "data") or (values[0] if values else None)
        frozen = is_false(keyword(call, "requires_grad")) or _storage_dtype(self, data)
        return raw_weight(self, SCRIPT_WEIGHT, data, frozen, T.FACTORY_TABLE, self.factory_leaf, self.tensor_data)

    def autograd_wrapper(self, call) -> bool:
        """`Variable(t, requires_grad=True)`: the legacy wrapper, the tensor `t` itself."""
        return isinstance(call, cst.Call) and self.name_in(call.func, lambda name: name in T.AUTOGRAD_WRAPPERS) is not None

    def tensor_data(self, node):
        """The expression inside value-preserving wrappers and conversions: `torch.randn(i, o)` for
        `Variable(torch.randn(i, o).type(dtype))`, `torch.randn(i, o).cuda()`. A transpose changes
        which axis is the fan-in, so it stays."""
        for _ in range(8):  # a chain of conversions, never a cycle of names
            node = self.resolver.deref(node)
            if not isinstance(node, cst.Call):
                return node
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in T.CONVERSION_METHODS and func.attr.value not in ("t", "T"):
                node = func.value
            elif self.autograd_wrapper(node) and positional(node):
                node = positional(node)[0]
            else:
                return node
        return node

    def _draws(self, data) -> bool:
        """Whether `data` is a tensor factory call, possibly scaled by a constant, inside wrappers."""
        data = self.tensor_data(data) if data is not None else None
        if isinstance(data, cst.BinaryOperation):
            return any(self._draws(side) for side in (data.left, data.right))
        return isinstance(data, cst.Call) and self.factory_leaf(data) in T.FACTORIES

    def _wrapper(self, call: cst.Call):
        """A helper of this file that initializes the layer it receives and returns it (layer_init)."""
        if not isinstance(call.func, cst.Name) or call.func.value not in self.functions:
            return None
        function = self.functions[call.func.value]
        values = positional(call)
        if not values or not isinstance(values[0], cst.Call):
            return None
        inner = self.constructor(values[0])
        if inner is None:
            return None
        params = list(function.params.params)
        if not params or not returns_name(function, params[0].name.value):
            return inner
        self.wrapper_functions.add(function.name.value)
        if zeroes_all_parameters(function, params[0].name.value):
            for node in kernel_nodes(inner):
                node.residual = True  # G3: zero_module(...) marks a deliberate zero branch end
            return inner
        bindings = bind_call(function, call)
        self.resolver.push(function)
        self.resolver.bind(bindings)
        try:
            extractor = InitExtractor(self, {params[0].name.value: ("item", inner)})
            extractor.run(function.body.body, (self.tick(), 0))
        finally:
            self.resolver.pop()
        return inner

    # ----- tensor functions -----
    def tensor_op(self, call: cst.Call):
        qualified = self.resolver.qualified(call.func) or ""
        if not qualified.startswith("torch."):
            return None
        leaf = qualified.rsplit(".", 1)[-1]
        if leaf in T.FUNCTIONAL_ACTIVATIONS and (qualified.startswith("torch.nn.functional.") or qualified.count(".") == 1):
            family, slope = T.FUNCTIONAL_ACTIVATIONS[leaf]
            if leaf == "leaky_relu":
                given = self.resolver.number(arg(call, 1, "negative_slope"))
                slope = given if given is not None else slope
            return ("act", Activation(family, qualified.replace("torch.nn.functional.", "F."), slope))
        if leaf in T.FUNCTIONAL_NORMS:
            return ("norm",)
        if leaf in T.PERIODIC_FUNCTIONS:
            return ("periodic",)
        if leaf in T.METADATA_METHODS or qualified.startswith(T.OPTIMIZER_MODULE):
            return ("meta",)
        if leaf in T.FUNCTIONAL_PASSTHROUGH or leaf in ("cat", "stack", "flatten") or qualified in T.AUTOGRAD_WRAPPERS:
            return ("pass",)
        if leaf == "clamp" and self.resolver.number(arg(call, 1, "min")) == 0:
            return ("act", Activation("relu", "torch.clamp(min=0)"))
        if leaf == "add":
            return ("add",)
        if leaf == "mul":
            return ("mul",)
        if leaf in ("matmul", "mm", "bmm"):
            return ("matmul",)
        if leaf == "linear" and qualified.startswith("torch.nn.functional."):
            return ("linear",)
        if leaf in T.FUNCTIONAL_CONVS and qualified.startswith("torch.nn.functional."):
            return ("conv",)
        if leaf == "einsum":
            return ("contract",)
        if leaf == "embedding" and qualified.startswith("torch.nn.functional."):
            return ("lookup",)  # F.embedding(x, weight): rows of the weight, an embedding table (G10)
        return None

    def method_op(self, name: str, call: cst.Call):
        base = name[:-1] if name.endswith("_") and name[:-1] in T.FUNCTIONAL_ACTIVATIONS else name
        if base in T.FUNCTIONAL_ACTIVATIONS:
            family, slope = T.FUNCTIONAL_ACTIVATIONS[base]
            return ("act", Activation(family, f".{base}()", slope))
        if name in ("clamp", "clamp_", "clamp_min", "clamp_min_"):
            low = self.resolver.number(arg(call, 0, "min"))
            return ("act", Activation("relu", f".{name}(min=0)")) if low == 0 else ("pass",)
        if name in T.PERIODIC_FUNCTIONS:
            return ("periodic",)
        if name in T.TENSOR_PASSTHROUGH_METHODS:
            return ("pass",)
        if name in T.METADATA_METHODS:
            return ("meta",)
        if name in ("add", "add_"):
            return ("add",)
        if name in ("mul", "mul_"):
            return ("mul",)
        if name in ("matmul", "mm"):
            return ("matmul",)
        return None


# ----- extraction -----
def extract(module: cst.Module, resolver: Resolver, text: str = "", options=None) -> List[KernelSite]:
    adapter = TorchAdapter(resolver, module, options)
    classes = module_classes(module)
    registry: Dict[str, ClassInfo] = {}
    defined: Dict[int, ClassInfo] = {}
    for class_def in classes:
        info = collect_class(class_def, resolver, registry, lambda value, target: _attribute(adapter, value, target))
        _name_nodes(info.attrs)
        registry[class_def.name.value] = info  # by name: what later code means by the name (the last one)
        defined[id(class_def)] = info  # by definition: a class defined twice (a notebook's cell run again)
    loose: List[InitRecord] = []
    # One walk of the module, by top-level statement, for the questions that need every node.
    indexed = {id(statement): nodes_by_type([statement]) for statement in module.body}
    reach = model_reach(classes, registry, lambda class_def: _body_calls(class_def, indexed[id(class_def)]))
    for class_def in classes:
        name = class_def.name.value
        loose.extend(_init_class(defined[id(class_def)], adapter, resolver, registry, reach.get(name)))
    module_interpreter = Interpreter(adapter, resolver)
    module_interpreter.run_module(module)
    script = _run_script(module.body, adapter, registry)
    loose.extend(script.loose)
    unused = _unreferenced_helpers(module, indexed)
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value in script.applied_methods:
            continue  # applied by the script to the models it names: read there
        if (isinstance(statement, cst.FunctionDef) and statement.name.value not in adapter.wrapper_functions
                and statement.name.value not in adapter.scoped_functions):
            if statement.name.value in unused and resolver.whole_program:
                continue  # a notebook's helper nothing applies: nothing else can import it, it is dead code
            # A helper this file never names may be applied from another file, to models defined there:
            # only a verdict that holds whatever the layers (issue #12), never this file's layers.
            file_wide = statement.name.value not in unused and statement.name.value not in adapter.class_applied_functions
            loose.extend(_run_function(statement, adapter, registry, file_wide=file_wide))
    for class_def in classes:
        info = defined[id(class_def)]
        entry = entry_method(info, ENTRY_METHODS)
        if entry is not None and info.attrs:
            Interpreter(adapter, resolver, info.attrs, info.methods).run_function(entry)
    for function in _weight_functions(module, adapter, indexed):
        module_interpreter.run_function(function)
    module_interpreter.finish_chains()
    # A module-level init function (DCGAN's weights_init(m)) may be applied from another file.
    helpers = any(isinstance(statement, cst.FunctionDef) and statement.params.params and mentions_init(statement)
                  and statement.name.value not in adapter.wrapper_functions for statement in module.body)
    reinitialized = mentions_any(text, T.REINITIALIZED_BY)
    return build_sites(FRAMEWORK, adapter.nodes, loose, defaults=not loose and not helpers and not reinitialized) + (
        api_uses(module, adapter, _merged(indexed[id(statement)] for statement in module.body)))


def _unreferenced_helpers(module: cst.Module, indexed: Dict[int, Dict[type, list]]) -> set:
    """Module-level functions of a module parameter (`def init_weights(m)`) that nothing in the file
    names: not applied (`model.apply(f)`), called, passed or stored anywhere, its own body aside."""
    helpers = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef) and s.params.params}
    if not helpers:
        return set()
    named = set()
    for statement in module.body:
        own = helpers.get(statement.name.value) if isinstance(statement, cst.FunctionDef) else None
        for name in indexed[id(statement)].get(cst.Name, ()):
            if own is None or (name is not own.name and name.value != own.name.value):
                named.add(name.value)
    return {name for name in helpers if name not in named}


def _weight_functions(module: cst.Module, adapter: TorchAdapter, indexed: Dict[int, Dict[type, list]]) -> list:
    """Module-level functions that read the script's raw weights: `def net(X): return relu(X @ W1 + b1) @ W2`
    over `W1 = nn.Parameter(torch.randn(784, 256))`. Read like a forward (the parameters are the
    inputs, the return value the output), after the module so every weight has its name."""
    weights = set()
    for statement in module.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) \
                    and isinstance(adapter.constructor(small.value), ParamRef):
                weights.update(t.target.value for t in small.targets if isinstance(t.target, cst.Name))
    if not weights:
        return []
    return [statement for statement in module.body if isinstance(statement, cst.FunctionDef)
            and any(name.value in weights for name in indexed[id(statement)].get(cst.Name, ()))]


def descended_tensors(module: cst.Module) -> set:
    """ids of the factory calls `w1 = torch.randn(D_in, H)` whose name is later updated by gradient
    descent (`w1 -= learning_rate * grad_w1`): the weights of a script that computes its own gradients."""
    updated = {s.target.value for s in statements(module.body, compound=False)
               if isinstance(s, cst.AugAssign) and isinstance(s.operator, cst.SubtractAssign)
               and isinstance(s.target, cst.Name)}
    found = set()
    if not updated:
        return found
    for statement in statements(module.body):
        if (isinstance(statement, cst.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0].target, cst.Name)
                and statement.targets[0].target.value in updated):
            value = statement.value
            if isinstance(value, cst.BinaryOperation):  # torch.randn(h, o) / math.sqrt(h)
                value = value.left if isinstance(value.left, cst.Call) else value.right
            if isinstance(value, cst.Call):
                found.add(id(value))
    return found


def _run_script(body, adapter: TorchAdapter, registry) -> InitExtractor:
    """Script-level init calls (`nn.init.zeros_(linear1.weight)`, `model.apply(init_weights)`) on the
    layers the script builds: they run after construction, like apply()."""
    statements = [s for s in body if not isinstance(s, (cst.FunctionDef, cst.ClassDef))]
    extractor = InitExtractor(adapter, {}, registry=registry, file_wide=True)
    extractor.run(statements, (APPLY_TIME, 0))
    return extractor


def _run_function(function: cst.FunctionDef, adapter: TorchAdapter, registry,
                  file_wide: bool = True) -> List[InitRecord]:
    """A module-level function: a DCGAN-style weights_init(m), or model-building code."""
    extractor = InitExtractor(adapter, {}, registry=registry, file_wide=file_wide)
    if function.params.params:
        run_init_function(extractor, function, (APPLY_TIME, 0))
    else:
        adapter.resolver.push(function)
        try:
            extractor.run(function.body.body, (APPLY_TIME, 0))
        finally:
            adapter.resolver.pop()
    return extractor.loose


def _init_class(info: ClassInfo, adapter: TorchAdapter, resolver: Resolver, registry,
                reach: Optional[list] = None) -> List[InitRecord]:
    """The init calls of a class's methods (forward aside), attached to the layers they set.

    An init method reaches the layers of the classes of this file the class builds and of its
    subclasses here (a PreTrainedModel base has none of its own); a class without layers and without
    such relatives reaches every layer of the file."""
    methods = info.methods
    if not info.attrs and not any(mentions_init(m) for m in methods.values()):
        return []
    class_items = info.items()
    has_kernels = any(kernel_nodes(item) for item in class_items)
    scoped = bool(reach)  # `_init_weights(module)` / `self.modules()` reach the layers of the blocks it builds too
    extractor = InitExtractor(adapter, {}, info.attrs, class_items, methods, registry=registry,
                              file_wide=not has_kernels and not scoped)
    if scoped:
        extractor.scope = list(reach)
    for index, method in enumerate(constructor_first(list(methods.values()))):
        if method.name.value == ENTRY_METHODS[0]:
            continue
        extractor.receiver = receiver(method) or extractor.receiver
        resolver.push(method)
        try:
            extractor.run(method.body.body, (index, 0))
        finally:
            resolver.pop()
    # An init method nobody here applies (the base class's post_init does): read it as if applied.
    called = None  # `self._init_weights(config.init)`: read above, as the class's own code
    for name, method in methods.items():
        dunder = name.startswith("__") and name.endswith("__")  # `__init__` was read above, as the constructor
        if "init" not in name or dunder or name in extractor.applied_methods or len(method.params.params) < 2:
            continue
        if called is None:
            called = _called_methods(methods)
        if name not in called and mentions_init(method):
            extractor.receiver = receiver(method) or extractor.receiver
            extractor.confidence = LIKELY  # nothing here is seen to apply it
            try:
                run_init_function(extractor, method, (APPLY_TIME, 0))
            finally:
                extractor.confidence = CERTAIN
    return extractor.loose


def _body_calls(class_def: cst.ClassDef, nodes: Dict[type, list]) -> List[cst.Call]:
    """The calls in a class's body (not in its bases or decorators), from the class's nodes by type."""
    header = {id(call) for base in class_def.bases for call in calls(base.value)}
    header |= {id(call) for decorator in class_def.decorators for call in calls(decorator.decorator)}
    return [call for call in nodes.get(cst.Call, []) if id(call) not in header]


def _merged(parts) -> Dict[type, list]:
    """Nodes by type of consecutive parts of a module, in the module's walk order."""
    merged: Dict[type, list] = {}
    for part in parts:
        for kind, nodes in part.items():
            merged.setdefault(kind, []).extend(nodes)
    return merged


def _called_methods(methods: Dict[str, cst.FunctionDef]) -> set:
    """Names of the methods the class's own methods call on their instance (`self.name(...)`)."""
    found = set()
    for method in methods.values():
        me = receiver(method)
        for call in calls(method):
            func = call.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == me:
                found.add(func.attr.value)
    return found


def _attribute(adapter: TorchAdapter, value, target: str):
    """What `self.target = value` holds: a module, a container or a raw weight, else None."""
    if not isinstance(value, cst.Call):
        return None
    if adapter.torch_leaf(value.func) == "Parameter":
        ref = adapter.constructor(value)  # one node per call, also when the interpreter meets it
        ref.node.name = target
        return ref
    item = adapter.constructor(value)
    if isinstance(item, ChainItem):
        item.standalone = False
    if isinstance(item, KernelItem):
        item.node.name = target
    return item


def _storage_dtype(adapter: TorchAdapter, data) -> bool:
    """`torch.empty(o, i, dtype=torch.float8_e4m3fn)`: a quantized or integer tensor is storage for
    weights loaded from a checkpoint (fp8, int8 inference kernels), never trained from its start."""
    dtype = keyword(data, "dtype") if isinstance(data, cst.Call) else None
    if dtype is None:
        return False
    leaf = adapter.torch_leaf(adapter.resolver.deref(dtype), "torch.")
    return leaf is not None and bool(re.match(T.STORAGE_DTYPES, leaf))


def _name_nodes(attrs: dict) -> None:
    for name, item in attrs.items():
        if isinstance(item, (ChainItem, GroupItem)):
            for index, child in enumerate(item.items):
                if isinstance(child, KernelItem) and child.node.name == child.node.kind:
                    child.node.name = f"{name}[{index}]"
                elif isinstance(child, KernelItem):
                    child.node.name = f"{name}.{child.node.name}"


def _int(value) -> Optional[int]:
    return int(value) if value is not None and value == int(value) and value > 0 else None
