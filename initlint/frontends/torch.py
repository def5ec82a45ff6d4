"""PyTorch frontend: nn.Module classes, their init code (direct, apply(), modules() loops) and forward()."""
from __future__ import annotations

import dataclasses
import re
from typing import Dict, List, Optional, Tuple

import libcst as cst

from ..facts import Activation, Initializer, KernelSite
from ..knowledge import torch as T
from ..knowledge.spec import InitSpec, build
from ..resolve import Resolver, arg, dotted, keyword, positional
from .dataflow import Adapter, Interpreter
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
from .sites import build_sites
from ..syntax import calls, statements, walk

IMPORT_ROOTS = T.IMPORT_ROOTS
FRAMEWORK = "torch"
_NORM_NAME = re.compile(r"(^|_)(bn\d*|norm\d*|ln(_\w*)?|gn|\w*_norm|layernorm|batchnorm)$", re.IGNORECASE)
# Attributes of unknown type (created by a helper, or by a class we cannot see) are judged only when
# their name says they are a matmul/conv layer.
_KERNEL_NAME = re.compile(r"(^|_)(fc|linear|lin|dense|conv|proj|projection)\d*$", re.IGNORECASE)
_ITERATORS = {"modules", "children", "named_modules", "named_children"}
_PARAM_ITERATORS = {"parameters", "named_parameters"}


class TorchAdapter(Adapter):
    def __init__(self, resolver: Resolver, module: cst.Module) -> None:
        self.resolver = resolver
        self.nodes: List[Node] = []
        self._items: Dict[int, object] = {}
        self.functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
        self.counter = 0
        self.wrapper_functions = set()

    def torch_leaf(self, node, prefix: str = "torch.nn.") -> Optional[str]:
        qualified = self.resolver.qualified(node)
        if qualified is None:
            for candidate in self.resolver.star_candidates(node):
                if candidate.startswith(prefix):
                    qualified = candidate
                    break
        if qualified is None or not qualified.startswith(prefix):
            return None
        rest = qualified[len(prefix):]
        if prefix == "torch.nn." and rest.startswith(("functional.", "init.", "utils.", "parameter.")):
            return None
        return rest.rsplit(".", 1)[-1]

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
    def constructor(self, call: cst.Call):
        cached = self._items.get(id(call))
        if cached is not None:
            return cached
        item = self._construct(call)
        if item is not None:
            self._items[id(call)] = item
        return item

    def _construct(self, call: cst.Call):
        name = self.torch_leaf(call.func)
        if name is None:
            return self._wrapper(call)
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
        if name == "Sequential":
            return self._sequential(call)
        if name in ("ModuleList", "ModuleDict"):
            return self._collection(call)
        if name in ("Module", "Parameter"):
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
            group.items.append(self._child(content.elt, None))
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
        bias_value = keyword(call, "bias")
        bias = "none" if isinstance(bias_value, cst.Name) and bias_value.value == "False" else "random"
        node = Node(name, name, fan_in=_int(fan_in), fan_out=_int(fan_out), bias=bias)
        self.nodes.append(node)
        return node

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
        if not params or not _returns_name(function, params[0].name.value):
            return inner
        self.wrapper_functions.add(function.name.value)
        if _zeroes_all_parameters(function, params[0].name.value):
            for node in kernel_nodes(inner):
                node.residual = True  # G3: zero_module(...) marks a deliberate zero branch end
            return inner
        bindings = _bind_call(function, call)
        self.resolver.push(function)
        self.resolver._scopes[-1].update(bindings)
        try:
            extractor = InitExtractor(self, {params[0].name.value: ("item", inner)})
            extractor.run(function.body.body, (self._tick(), 0))
        finally:
            self.resolver.pop()
        return inner

    def _tick(self) -> int:
        self.counter += 1
        return self.counter

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
        if leaf in T.METADATA_METHODS:
            return ("meta",)
        if leaf in T.FUNCTIONAL_PASSTHROUGH or leaf in ("cat", "stack", "flatten"):
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
        return None

    def method_op(self, name: str, call: cst.Call):
        base = name[:-1] if name.endswith("_") and name[:-1] in T.FUNCTIONAL_ACTIVATIONS else name
        if base in T.FUNCTIONAL_ACTIVATIONS:
            family, slope = T.FUNCTIONAL_ACTIVATIONS[base]
            return ("act", Activation(family, f".{base}()", slope))
        if name in ("clamp", "clamp_", "clamp_min", "clamp_min_"):
            low = self.resolver.number(arg(call, 0, "min"))
            return ("act", Activation("relu", f".{name}(min=0)")) if low == 0 else ("pass",)
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


class InitExtractor:
    """Finds init calls in a block and attaches them to the nodes they set.

    `targets` maps local names to what they denote: ("item", item) for a known module,
    ("types", kinds, group) for a loop/apply variable filtered by isinstance.
    """

    def __init__(self, adapter: TorchAdapter, targets: Dict[str, tuple], attrs: Optional[dict] = None,
                 class_items: Optional[list] = None, methods: Optional[dict] = None, registry: Optional[dict] = None,
                 file_wide: bool = False) -> None:
        self.adapter = adapter
        self.registry = registry or {}
        self.file_wide = file_wide
        self.resolver = adapter.resolver
        self.targets = dict(targets)
        self.attrs = attrs or {}
        self.class_items = class_items or []
        self.methods = methods or {}
        self.loose: List[InitRecord] = []
        self.applied_methods = set()

    def run(self, statements, order: Tuple[int, int], filters: Optional[dict] = None) -> None:
        for statement in statements:
            self.statement(statement, order, filters or {})

    def statement(self, statement, order, filters) -> None:
        order = (order[0], self.adapter._tick())
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    self.call(small.value, order, filters)
                elif isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                    self.call(small.value, order, filters)
            return
        if isinstance(statement, cst.If):
            narrowed = self.narrow(statement.test, filters)
            self.run(statement.body.body, order, narrowed)
            if statement.orelse is not None:
                if isinstance(statement.orelse, cst.If):
                    self.statement(statement.orelse, order, filters)
                else:
                    self.run(statement.orelse.body.body, order, filters)
            return
        if isinstance(statement, cst.For):
            self.loop(statement, order, filters)
            return
        if isinstance(statement, (cst.With, cst.While)):
            self.run(statement.body.body, order, filters)
            return
        if isinstance(statement, cst.Try):
            self.run(statement.body.body, order, filters)

    def narrow(self, test, filters) -> dict:
        """isinstance(m, nn.Linear) / classname.find('Conv') != -1: which module kinds a branch sees."""
        narrowed = dict(filters)
        for call in calls(test):
            if isinstance(call.func, cst.Name) and call.func.value == "isinstance":
                values = positional(call)
                if len(values) == 2 and isinstance(values[0], cst.Name):
                    kinds = self._kinds(values[1])
                    narrowed[values[0].value] = kinds
        fragment, subject = _string_filter(test)
        if fragment and self._is_class_name(subject):
            kinds = {k for k in T.KERNEL_MODULES if fragment in k}
            kinds |= {k for k in T.NORM_MODULES if fragment in k and "Norm" in fragment}
            narrowed["__classname__"] = kinds or {"?" + fragment}
        elif fragment:
            # A filter on module/parameter *names* ('gate' in name, name.startswith('head')): which
            # layers it selects is unknown, and such special cases are usually deliberate.
            narrowed["__opaque__"] = {"?"}
        return narrowed

    def _is_class_name(self, subject) -> bool:
        subject = self.resolver.deref(subject) if subject is not None else None
        text = dotted(subject) or ""
        if text.endswith("__class__.__name__") or text.endswith("__name__"):
            return True
        if isinstance(subject, cst.Attribute) and subject.attr.value == "__name__":
            return True
        return "class" in text.lower()

    def _kinds(self, node) -> set:
        if isinstance(node, cst.Tuple):
            kinds = set()
            for element in node.elements:
                kinds |= self._kinds(element.value)
            return kinds
        leaf = self.adapter.torch_leaf(node)
        return {leaf} if leaf else {"?" + (dotted(node) or "")}

    def loop(self, statement: cst.For, order, filters) -> None:
        iterable = statement.iter
        if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute):
            method = iterable.func.attr.value
            owner = iterable.func.value
            variable = statement.target
            if isinstance(variable, cst.Tuple) and variable.elements:
                variable = variable.elements[-1].value
            if isinstance(variable, cst.Name) and method in _ITERATORS and _is_self_or_target(owner, self.targets):
                saved = self.targets.get(variable.value)
                self.targets[variable.value] = ("types", None, statement)
                self.run(statement.body.body, order, filters)
                if saved is None:
                    self.targets.pop(variable.value, None)
                else:
                    self.targets[variable.value] = saved
                return
        container = self.attrs.get(_self_attr(iterable)) if _self_attr(iterable) else None
        if isinstance(container, (ChainItem, GroupItem)) and isinstance(statement.target, cst.Name):
            name = statement.target.value
            saved = self.targets.get(name)
            self.targets[name] = ("item", container)
            self.run(statement.body.body, order, filters)
            if saved is None:
                self.targets.pop(name, None)
            else:
                self.targets[name] = saved
            return
        self.run(statement.body.body, order, filters)

    def call(self, call: cst.Call, order, filters) -> None:
        func = call.func
        # self.apply(fn) / model.apply(fn)
        if isinstance(func, cst.Attribute) and func.attr.value == "apply" and call.args:
            self.apply(call.args[0].value, order)
            return
        init, tensor, subscripted = self.init_call(call)
        if init is None or tensor is None:
            return
        if subscripted:
            # G11: a partial write never makes a whole kernel constant, but a random fill of part of a
            # constant kernel (block-diagonal init) means the kernel is no longer constant.
            if init.kind != "constant":
                mixed = dataclasses.replace(init, kind="other")
                self.attach(mixed, _unsubscript(tensor), call, order, filters)
            return
        self.attach(init, tensor, call, order, filters)

    def apply(self, fn, order) -> None:
        function = None
        if isinstance(fn, cst.Attribute) and isinstance(fn.value, cst.Name) and fn.value.value == "self":
            function = self.methods.get(fn.attr.value)
        elif isinstance(fn, cst.Name):
            function = self.adapter.functions.get(fn.value)
        if function is None:
            return
        self.applied_methods.add(function.name.value)
        run_init_function(self, function, order)

    def init_call(self, call: cst.Call) -> Tuple[Optional[Initializer], Optional[cst.BaseExpression], bool]:
        """(initializer, tensor expression, whether the tensor is a partial write) for an init call."""
        func = call.func
        leaf = self.adapter.init_function(func)
        if leaf is not None:
            name = T.DEPRECATED_ALIASES.get(leaf, leaf)
            spec = T.INIT_FUNCTIONS.get(name)
            if spec is None:
                return None, None, False
            values = positional(call)
            tensor = keyword(call, "tensor") or (values[0] if values else None)
            given = self._given(spec, call, values[1:] if keyword(call, "tensor") is None else values)
            return build(spec, _display(call), given), tensor, _is_partial(tensor)
        if isinstance(func, cst.Attribute) and func.attr.value in T.TENSOR_METHODS:
            spec = T.TENSOR_METHODS[func.attr.value]
            given = self._given(spec, call, positional(call))
            if func.attr.value == "fill_" and "value" not in given:
                return None, None, False
            return build(spec, _display(call), given), func.value, _is_partial(func.value)
        return None, None, False

    def _given(self, spec: InitSpec, call: cst.Call, values: list) -> dict:
        given = {}
        for index, name in enumerate(spec.params):
            if index < len(values):
                given[name] = self._value(values[index])
        for argument in call.args:
            if argument.keyword is not None and argument.keyword.value != "tensor":
                given[argument.keyword.value] = self._value(argument.value)
        return given

    def _value(self, node):
        text = self.resolver.string(node)
        return text if text is not None else self.resolver.number(node)

    def attach(self, init: Initializer, tensor, call: cst.Call, order, filters) -> None:
        module_expr, parameter = _split_target(tensor)
        if parameter == "bias" and module_expr is not None:
            resolved = self.resolve_module(module_expr, filters)
            if resolved is not None and resolved[0] in ("nodes", "shared"):
                nodes = resolved[1] if resolved[0] == "nodes" else resolved[1][0]
                for node in nodes:
                    node.bias = _bias_kind(init)
            return
        if parameter is None or parameter.startswith("bias"):
            return
        raw = self.raw_parameter(module_expr, parameter, filters)
        if raw is not None:
            raw.inits.append(InitRecord(init, call, order, ndim=_ndim(raw)))
            return
        if parameter != "weight":
            return
        resolved = self.resolve_module(module_expr, filters)
        if resolved is None:
            return
        kind, value = resolved
        if kind == "nodes":
            for node in value:
                node.inits.append(InitRecord(init, call, order))
        elif kind == "shared":
            nodes, group = value
            for node in nodes:
                node.inits.append(InitRecord(init, call, order, shared=True, group=group))
            if not nodes:
                self.loose.append(InitRecord(init, call, order, shared=True, group=group))
        elif kind == "loose":
            self.loose.append(InitRecord(init, call, order))

    def resolve_module(self, expr, filters):
        """("nodes", [...]) | ("shared", (nodes, group)) | ("loose", None) | None (not a kernel)."""
        if isinstance(expr, cst.Name) and expr.value in self.targets:
            target = self.targets[expr.value]
            if target[0] == "item":
                return self._item_nodes(target[1], None)
            kinds = filters.get(expr.value) or filters.get("__classname__")
            if not kinds or filters.get("__opaque__"):
                return None  # unfiltered (every module, biases and norms included) or filtered by name
            local = self._local_classes(kinds)
            if local:
                nodes = [v.node for cls in local for v in [cls.attrs.get("weight")] if isinstance(v, ParamRef)]
                return ("nodes", nodes) if nodes else None
            known = {k for k in kinds if not k.startswith("?")}
            kernel_kinds = known & set(T.KERNEL_MODULES)
            if not kernel_kinds:
                return None
            nodes = [n for n in self._class_nodes() if n.kind in kernel_kinds]
            if not nodes and self.file_wide:
                nodes = [n for n in self.adapter.nodes if n.kind in kernel_kinds]
            return ("shared", (nodes, (target[2], frozenset(kernel_kinds), id(self))))
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value in self.targets:
            # module.fc.weight where `module` is filtered to a class of this file
            kinds = filters.get(expr.value.value) or set()
            for info in self._local_classes(kinds):
                item = info.attrs.get(expr.attr.value)
                if item is not None:
                    return self._item_nodes(item, expr.attr.value)
            return None
        if isinstance(expr, cst.Attribute) and _self_attr(expr.value) is not None:
            # self.net.fc1.weight: a named child of a Sequential/ModuleDict
            container = self.attrs.get(_self_attr(expr.value))
            wanted = f"{_self_attr(expr.value)}.{expr.attr.value}"
            if isinstance(container, (ChainItem, GroupItem)):
                nodes = [n for n in kernel_nodes(container) if n.name == wanted]
                return ("nodes", nodes) if nodes else None
            return None
        name = _self_attr(expr)
        if name is not None:
            item = self.attrs.get(name)
            if item is None:
                return ("loose", None) if _KERNEL_NAME.search(name) else None
            return self._item_nodes(item, name)
        if isinstance(expr, cst.Subscript):
            base = _self_attr(expr.value)
            item = self.attrs.get(base) if base else None
            if isinstance(item, (ChainItem, GroupItem)):
                index = None
                if len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
                    index = self.resolver.number(expr.slice[0].slice.value)
                if index is not None and -len(item.items) <= int(index) < len(item.items):
                    return self._item_nodes(item.items[int(index)], base)
                nodes = kernel_nodes(item)
                return ("nodes", nodes) if nodes else None
        return None

    def _local_classes(self, kinds) -> list:
        return [self.registry[k[1:]] for k in kinds if k.startswith("?") and k[1:] in self.registry]

    def raw_parameter(self, module_expr, parameter: str, filters) -> Optional[Node]:
        """The raw nn.Parameter `self.w` or `module.w` (module filtered to a class of this file) denotes."""
        if module_expr is None:
            holder = self.attrs.get(parameter)
            return holder.node if isinstance(holder, ParamRef) else None
        if isinstance(module_expr, cst.Name) and module_expr.value in self.targets:
            for info in self._local_classes(filters.get(module_expr.value) or set()):
                holder = info.attrs.get(parameter)
                if isinstance(holder, ParamRef):
                    return holder.node
        return None

    def _item_nodes(self, item, name):
        if isinstance(item, KernelItem):
            return None if item.node.embedding else ("nodes", [item.node])
        if isinstance(item, (ChainItem, GroupItem)):
            # `for layer in self.layers: init(layer.weight)`: one call for every layer of the container
            nodes = [n for n in kernel_nodes(item) if not n.embedding]
            return ("shared", (nodes, (id(item), id(self)))) if nodes else None
        if isinstance(item, (NormItem, ActivationItem, PassItem)):
            return None
        if isinstance(item, OpaqueItem):
            return None if name is None or _NORM_NAME.search(name) else ("loose", None)
        return None

    def _class_nodes(self) -> List[Node]:
        nodes = []
        for item in self.class_items:
            for node in kernel_nodes(item):
                if node not in nodes:
                    nodes.append(node)
        return nodes


def run_init_function(extractor: InitExtractor, function: cst.FunctionDef, order) -> None:
    """The body of an apply()/init function, its module parameter filtered by isinstance branches."""
    params = [p.name.value for p in function.params.params]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    if not params:
        return
    saved = extractor.targets.get(params[0])
    extractor.targets[params[0]] = ("types", None, function)
    extractor.resolver.push(function)
    try:
        extractor.run(function.body.body, order)
    finally:
        extractor.resolver.pop()
        if saved is None:
            extractor.targets.pop(params[0], None)
        else:
            extractor.targets[params[0]] = saved


# ----- extraction -----
class ClassInfo:
    def __init__(self, name: str, attrs: dict, methods: dict) -> None:
        self.name = name
        self.attrs = attrs
        self.methods = methods

    def items(self) -> list:
        items = [v for v in self.attrs.values() if not isinstance(v, ParamRef)]
        return items + [KernelItem(v.node) for v in self.attrs.values() if isinstance(v, ParamRef)]


APPLY_TIME = 10 ** 6  # init functions applied after construction (apply(), post_init) run after __init__


def extract(module: cst.Module, resolver: Resolver, text: str = "") -> List[KernelSite]:
    adapter = TorchAdapter(resolver, module)
    classes = [s for s in module.body if isinstance(s, cst.ClassDef)]
    registry: Dict[str, ClassInfo] = {}
    for class_def in classes:
        registry[class_def.name.value] = _collect_class(class_def, adapter, resolver, registry)
    loose: List[InitRecord] = []
    for class_def in classes:
        loose.extend(_init_class(registry[class_def.name.value], adapter, resolver, registry))
    module_interpreter = Interpreter(adapter, resolver)
    module_interpreter.run_module(module)
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value not in adapter.wrapper_functions:
            loose.extend(_run_function(statement, adapter, resolver, registry))
    for class_def in classes:
        info = registry[class_def.name.value]
        entry = info.methods.get("forward") or info.methods.get("__call__")
        if entry is not None and info.attrs:
            Interpreter(adapter, resolver, info.attrs, info.methods).run_function(entry)
    module_interpreter.finish_chains()
    return build_sites(FRAMEWORK, adapter.nodes, loose)


def _run_function(function: cst.FunctionDef, adapter: TorchAdapter, resolver: Resolver, registry) -> List[InitRecord]:
    """A module-level function: a DCGAN-style weights_init(m), or model-building code."""
    params = [p.name.value for p in function.params.params]
    extractor = InitExtractor(adapter, {}, registry=registry, file_wide=True)
    if params:
        run_init_function(extractor, function, (APPLY_TIME, 0))
    return extractor.loose


def _collect_class(class_def: cst.ClassDef, adapter: TorchAdapter, resolver: Resolver, registry) -> ClassInfo:
    """The modules and parameters a class creates, its own and those of base classes of this file."""
    attrs: Dict[str, object] = {}
    methods: Dict[str, cst.FunctionDef] = {}
    for base in class_def.bases:
        inherited = registry.get(dotted(base.value) or "")
        if inherited is not None:
            methods.update(inherited.methods)
    own = {s.name.value: s for s in class_def.body.body if isinstance(s, cst.FunctionDef)}
    methods.update(own)
    ordered = sorted(own.values(), key=lambda m: m.name.value != "__init__")
    for method in ordered:
        resolver.push(method)
        try:
            for target, value in _self_assignments(method):
                found = _attribute_value(adapter, value, target)
                if found is not None and target not in attrs:
                    attrs[target] = found
        finally:
            resolver.pop()
    for base in class_def.bases:
        inherited = registry.get(dotted(base.value) or "")
        if inherited is not None:
            for name, value in inherited.attrs.items():
                attrs.setdefault(name, value)
    _name_nodes(attrs)
    return ClassInfo(class_def.name.value, attrs, methods)


def _init_class(info: ClassInfo, adapter: TorchAdapter, resolver: Resolver, registry) -> List[InitRecord]:
    methods = info.methods
    if not info.attrs and not any(_mentions_init(m) for m in methods.values()):
        return []
    class_items = info.items()
    has_kernels = any(kernel_nodes(item) for item in class_items)
    extractor = InitExtractor(adapter, {}, info.attrs, class_items, methods, registry=registry,
                              file_wide=not has_kernels)
    ordered = sorted(methods.values(), key=lambda m: m.name.value != "__init__")
    for index, method in enumerate(ordered):
        if method.name.value == "forward":
            continue
        resolver.push(method)
        try:
            extractor.run(method.body.body, (index, 0))
        finally:
            resolver.pop()
    # An init method nobody here applies (the base class's post_init does): read it as if applied.
    for name, method in methods.items():
        params = [p.name.value for p in method.params.params]
        if name not in extractor.applied_methods and len(params) >= 2 and _mentions_init(method) and "init" in name:
            run_init_function(extractor, method, (APPLY_TIME, 0))
    return extractor.loose


def _attribute_value(adapter: TorchAdapter, value, target: str):
    if not isinstance(value, cst.Call):
        return None
    leaf = adapter.torch_leaf(value.func)
    if leaf == "Parameter":
        return _parameter(adapter, value, target)
    item = adapter.constructor(value)
    if isinstance(item, ChainItem):
        item.standalone = False
    if isinstance(item, KernelItem):
        item.node.name = target
    return item


def _parameter(adapter: TorchAdapter, call: cst.Call, target: str) -> Optional[ParamRef]:
    values = positional(call)
    data = keyword(call, "data") or (values[0] if values else None)
    requires_grad = keyword(call, "requires_grad")
    frozen = isinstance(requires_grad, cst.Name) and requires_grad.value == "False"
    init, shape, anchor = _factory_init(adapter, data)
    node = Node(target, "Parameter", shape=shape, frozen=frozen, bias="none")
    if shape and len(shape) == 2:
        node.fan_out = None
    if init is not None:
        node.inits.append(InitRecord(init, anchor, (0, adapter._tick()), ndim=len(shape) if shape else None))
    adapter.nodes.append(node)
    return ParamRef(node)


def _factory_init(adapter: TorchAdapter, data) -> Tuple[Optional[Initializer], Optional[tuple], object]:
    """The initializer of `torch.randn(a, b)` / `torch.zeros(...)`, with any scaling applied to it."""
    if data is None:
        return None, None, None
    data = adapter.resolver.deref(data)
    scale = 1.0
    factory = data
    if isinstance(data, cst.BinaryOperation):
        left_call = _factory_leaf(adapter, data.left)
        right_call = _factory_leaf(adapter, data.right)
        if left_call and isinstance(data.operator, (cst.Multiply, cst.Divide)):
            factor = adapter.resolver.number(data.right)
            factory = data.left
        elif right_call and isinstance(data.operator, cst.Multiply):
            factor = adapter.resolver.number(data.left)
            factory = data.right
        else:
            return None, None, None
        if factor is None or factor == 0:
            return None, _shape_of(adapter, factory), None
        scale = 1.0 / factor if isinstance(data.operator, cst.Divide) and factory is data.left else factor
    leaf = _factory_leaf(adapter, factory)
    if leaf is None:
        return None, None, None
    spec = T.FACTORIES[leaf]
    shape = _shape_of(adapter, factory)
    given = {}
    if leaf == "full":
        values = positional(factory)
        if len(values) > 1:
            given["fill_value"] = adapter.resolver.number(values[1])
        elif keyword(factory, "fill_value") is not None:
            given["fill_value"] = adapter.resolver.number(keyword(factory, "fill_value"))
    init = build(spec, _display(factory), given)
    if scale != 1.0:
        import dataclasses

        changes = {"unscaled_factory": False}
        if init.stddev is not None:
            changes["stddev"] = init.stddev * abs(scale)
        if init.value is not None:
            changes["value"] = init.value * scale
        if init.maxval is not None:
            changes["maxval"] = init.maxval * scale
            changes["minval"] = init.minval * scale
        init = dataclasses.replace(init, **changes)
    return init, shape, factory


def _factory_leaf(adapter: TorchAdapter, node) -> Optional[str]:
    if not isinstance(node, cst.Call):
        return None
    leaf = adapter.torch_leaf(node.func, "torch.")
    return leaf if leaf in T.FACTORIES else None


def _shape_of(adapter: TorchAdapter, call: cst.Call) -> Optional[tuple]:
    leaf = _factory_leaf(adapter, call)
    if leaf in T.LIKE_FACTORIES:
        return None
    values = positional(call)
    if leaf in T.SHAPE_FROM_FIRST_ARG:
        values = values[:1]
    if not values:
        size = keyword(call, "size")
        return adapter.resolver.shape(size) if size is not None else None
    if len(values) == 1:
        shape = adapter.resolver.shape(values[0])
        if shape is None and isinstance(adapter.resolver.deref(values[0]), (cst.BinaryOperation, cst.Integer)):
            return (None,)  # torch.empty(n + 1): one integer, a vector
        return shape
    dims = []
    for value in values:
        number = adapter.resolver.number(value)
        dims.append(int(number) if number is not None else None)
    return tuple(dims)


def _ndim(node: Node) -> Optional[int]:
    return len(node.shape) if node.shape else None


def _name_nodes(attrs: dict) -> None:
    for name, item in attrs.items():
        if isinstance(item, (ChainItem, GroupItem)):
            for index, child in enumerate(item.items):
                if isinstance(child, KernelItem) and child.node.name == child.node.kind:
                    child.node.name = f"{name}[{index}]"
                elif isinstance(child, KernelItem):
                    child.node.name = f"{name}.{child.node.name}"


def _self_assignments(function: cst.FunctionDef):
    found = []
    for statement in statements(function.body):
        if isinstance(statement, cst.Assign):
            for target in statement.targets:
                name = _self_attr(target.target)
                if name is not None:
                    found.append((name, statement.value))
    return found


def _self_attr(node) -> Optional[str]:
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return None


def _split_target(tensor) -> Tuple[Optional[cst.BaseExpression], Optional[str]]:
    """`self.fc.weight.data` -> (self.fc, "weight"); `self.w` -> (None, "w")."""
    node = tensor
    while True:
        if isinstance(node, cst.Attribute) and node.attr.value == "data":
            node = node.value
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "detach":
            node = node.func.value
        else:
            break
    if isinstance(node, cst.Attribute):
        if isinstance(node.value, cst.Name) and node.value.value == "self":
            return None, node.attr.value
        return node.value, node.attr.value
    return None, None


def _unsubscript(tensor):
    """`self.fc.weight.data[:k]` -> `self.fc.weight.data`."""
    node = tensor
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        if isinstance(node, cst.Subscript):
            return node.value
        node = node.value
    return tensor


def _is_partial(tensor) -> bool:
    """G11: w[0], w.data[:k] write part of a tensor."""
    node = tensor
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        if isinstance(node, cst.Subscript):
            inner = node.value
            if isinstance(inner, cst.Attribute) and inner.attr.value in ("weight", "data"):
                return True
            if isinstance(inner, cst.Attribute) and _self_attr(inner) is not None:
                return False
            return False
        node = node.value
    return False


def _is_self_or_target(node, targets) -> bool:
    return isinstance(node, cst.Name) and (node.value == "self" or node.value in targets)


def _returns_name(function: cst.FunctionDef, name: str) -> bool:
    return any(isinstance(s, cst.Return) and isinstance(s.value, cst.Name) and s.value.value == name
               for s in statements(function.body))


def _zeroes_all_parameters(function: cst.FunctionDef, name: str) -> bool:
    """zero_module(m): `for p in m.parameters(): p.detach().zero_()`."""
    loops = [s for s in statements(function.body, compound=True) if isinstance(s, cst.For)]
    for loop in loops:
        iterable = loop.iter
        if (isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute)
                and iterable.func.attr.value == "parameters" and dotted(iterable.func.value) == name):
            if any(isinstance(c.func, cst.Attribute) and c.func.attr.value in ("zero_", "zeros_") for c in calls(loop)):
                return True
    return False


def _mentions_init(function: cst.FunctionDef) -> bool:
    for call in calls(function):
        func = call.func
        if isinstance(func, cst.Attribute):
            name = func.attr.value
            if name in T.TENSOR_METHODS or name in T.INIT_FUNCTIONS or name in T.DEPRECATED_ALIASES or name == "apply":
                return True
    return False


def _bind_call(function: cst.FunctionDef, call: cst.Call) -> dict:
    """Parameter name -> the argument expression (or default) of a helper call, for constant folding."""
    bindings = {}
    params = list(function.params.params)
    values = positional(call)
    for index, param in enumerate(params):
        value = values[index] if index < len(values) else None
        if value is None:
            value = keyword(call, param.name.value)
        if value is None and param.default is not None:
            value = param.default
        bindings[param.name.value] = value
    return bindings


def _string_filter(test):
    """('Conv', classname) from `classname.find('Conv') != -1`, `'Conv' in classname`,
    `name.startswith('head')`: a string test and the expression it is applied to."""
    for node in walk(test):
        if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                and node.func.attr.value in ("find", "startswith", "endswith", "__contains__")):
            values = positional(node)
            if values and isinstance(values[0], cst.SimpleString):
                return values[0].evaluated_value, node.func.value
        if isinstance(node, cst.Comparison) and isinstance(node.left, cst.SimpleString):
            for target in node.comparisons:
                if isinstance(target.operator, (cst.In, cst.NotIn)):
                    return node.left.evaluated_value, target.comparator
    return None, None


def _code(node) -> str:
    return cst.Module(body=()).code_for_node(node)


def _display(call: cst.Call) -> str:
    text = _code(call)
    return text if len(text) <= 80 else text[:77] + "..."


def _bias_kind(init: Initializer) -> str:
    if init.kind != "constant" or init.value is None:
        return "random" if init.kind != "constant" else "unknown"
    return "zero" if init.value == 0 else "positive" if init.value > 0 else "negative"


def _int(value) -> Optional[int]:
    return int(value) if value is not None and value == int(value) and value > 0 else None
