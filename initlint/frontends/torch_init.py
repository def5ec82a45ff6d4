"""PyTorch init code: the calls that set a kernel (`nn.init.*`, `w.data.normal_()`, `fill_`), in
`__init__`, in `self.apply(fn)` functions, in `for m in self.modules()` loops narrowed by
`isinstance` (or class-name) tests, and in helpers that initialize and return a layer."""
from __future__ import annotations

import dataclasses
import re
from typing import Dict, List, Optional, Tuple

import libcst as cst

from ..facts import CERTAIN, CONSTANT, HEURISTIC, OTHER, Initializer
from ..knowledge import torch as T
from ..knowledge.spec import InitSpec, build
from ..resolve import keyword, positional
from .assigned import assigned_init, bare_name, is_weight
from .base import bias_kind, display, is_false, receiver_attribute
from .torch_choice import chosen
from .torch_narrowing import narrow
from .torch_instances import INSTANCE_ORDER, constructor_values, instance_of, per_instance
from .torch_init_syntax import (
    NOT_FILLING,
    is_partial,
    is_self_or_target,
    ndim_of,
    split_target,
    unsubscript,
)
from .graph import ActivationItem, ChainItem, GroupItem, InitRecord, KernelItem, Node, NormItem, OpaqueItem, ParamRef, PassItem, kernel_nodes

_NORM_NAME = re.compile(r"(^|_)(bn\d*|norm\d*|ln(_\w*)?|gn|\w*_norm|layernorm|batchnorm)$", re.IGNORECASE)
# Attributes of unknown type (created by a helper, or by a class we cannot see) are judged only when
# their name says they are a matmul/conv layer.
_KERNEL_NAME = re.compile(r"(^|_)(fc|linear|lin|dense|conv|proj|projection)\d*$", re.IGNORECASE)
_ITERATORS = {"modules", "children", "named_modules", "named_children"}
DEFAULT_RECEIVER = "self"


class InitExtractor:
    """Finds init calls in a block and attaches them to the nodes they set.

    `targets` maps local names to what they denote: ("item", item) for a known module,
    ("types", kinds, group) for a loop/apply variable filtered by isinstance.
    """

    def __init__(self, adapter, targets: Dict[str, tuple], attrs: Optional[dict] = None,
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
        self.receiver = DEFAULT_RECEIVER  # what the method being read calls its instance
        self.scope: Optional[list] = None  # the kernels an apply() being read reaches, when not the instance's
        self.local_functions: Dict[str, cst.FunctionDef] = {}  # functions defined inside the code being read
        self.confidence = CERTAIN  # LIKELY while reading an init method nothing is seen to apply
        self.listed_groups: List[GroupItem] = []
        self.instance_applies: Dict[str, int] = {}  # script instance name -> applies read so far
        self.instance_levels: Dict[str, list] = {}  # class -> the order of its instances' n-th apply
        self.choice_groups: Dict[tuple, object] = {}  # (entry, init) -> the site of a chosen init function

    def own(self, node) -> Optional[str]:
        """`fc` for `self.fc`."""
        return receiver_attribute(node, self.receiver)

    def run(self, statements, order: Tuple[int, int], filters: Optional[dict] = None) -> None:
        for statement in statements:
            self.statement(statement, order, filters or {})

    def statement(self, statement, order, filters) -> None:
        order = (order[0], self.adapter.tick())
        if isinstance(statement, cst.FunctionDef):
            self.local_functions[statement.name.value] = statement  # `def weight_init(m)` then self.apply(weight_init)
            return
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    self.call(small.value, order, filters)
                elif isinstance(small, cst.Assign) and len(small.targets) == 1 and is_weight(small.targets[0].target):
                    self.assignment(small.targets[0].target, small.value, order, filters)
                elif isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                    self.call(small.value, order, filters)
                elif isinstance(small, cst.Assign) and is_false(small.value):
                    for target in small.targets:
                        # G6: self.fc.weight.requires_grad = False, after the layer was built
                        if isinstance(target.target, cst.Attribute) and target.target.attr.value == "requires_grad":
                            self.freeze(target.target.value, filters)
            return
        if isinstance(statement, cst.If):
            self.branches(statement, order, filters)
            return
        if isinstance(statement, cst.For):
            self.loop(statement, order, filters)
            return
        if isinstance(statement, (cst.With, cst.While)):
            self.run(statement.body.body, order, filters)
            return
        if isinstance(statement, cst.Try):
            self.run(statement.body.body, order, filters)

    def branches(self, statement: cst.If, order, filters) -> None:
        """An `if` / `elif` / `else` chain. When no test is on the module's type (`if method ==
        "xavier": ... else: zeros_(...)`), one branch runs, picked at run time: no branch overrides
        another, so each starts at the same point in reading order and the init each leaves is in
        effect for some runs. Type tests narrow what each branch's init calls reach."""
        branches, alternatives, node = [], True, statement
        while True:
            narrowed = narrow(self, node.test, filters)
            alternatives = alternatives and narrowed == filters
            branches.append((node.body.body, narrowed))
            if isinstance(node.orelse, cst.If):
                node = node.orelse
                continue
            if node.orelse is not None:
                branches.append((node.orelse.body.body, filters))
            break
        start = end = self.adapter.counter
        for body, narrowed in branches:
            if alternatives:
                self.adapter.counter = start
            self.run(body, order, narrowed)
            end = max(end, self.adapter.counter)
        self.adapter.counter = end

    def loop(self, statement: cst.For, order, filters) -> None:
        iterable = statement.iter
        if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute):
            method = iterable.func.attr.value
            owner = iterable.func.value
            variable = statement.target
            if isinstance(variable, cst.Tuple) and variable.elements:
                variable = variable.elements[-1].value
            script_model = (isinstance(variable, cst.Name) and method in _ITERATORS and isinstance(owner, cst.Name)
                            and not is_self_or_target(owner, self.receiver, self.targets)
                            and not self.resolver.is_parameter(owner))
            if script_model or (isinstance(variable, cst.Name) and method in _ITERATORS
                                and is_self_or_target(owner, self.receiver, self.targets)):
                saved = self.targets.get(variable.value)
                self.targets[variable.value] = ("types", None, statement)
                outer = self.scope
                if script_model:  # `for m in model.modules()` at a call site: that model's kernels
                    self.scope = self.applied_to(owner)
                try:
                    self.run(statement.body.body, order, filters)
                finally:
                    self.scope = outer
                if saved is None:
                    self.targets.pop(variable.value, None)
                else:
                    self.targets[variable.value] = saved
                return
        if self.parameter_loop(statement, order, filters):
            return
        container = self.attrs.get(self.own(iterable)) if self.own(iterable) else None
        if container is None and isinstance(iterable, (cst.List, cst.Tuple)):
            container = self._listed(iterable)
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

    def parameter_loop(self, statement: cst.For, order, filters) -> bool:
        """`for p in model.parameters(): p.data.zero_()` where `model` is a whole model at its call site:
        a model this script builds, or one from elsewhere (its layers unknown). The same loop in a helper
        over its own parameter (`zero_module(m)`) is judged where the helper is called."""
        iterable = statement.iter
        if not (isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute)
                and iterable.func.attr.value in ("parameters", "named_parameters")):
            return False
        owner = iterable.func.value
        if not isinstance(owner, cst.Name) or owner.value in self.targets or owner.value == self.receiver:
            return False
        if self.resolver.is_parameter(owner):
            return False
        variable = statement.target
        if isinstance(variable, cst.Tuple) and variable.elements:
            variable = variable.elements[-1].value
        if not isinstance(variable, cst.Name):
            return False
        found = self.model_nodes(owner)
        nodes = [n for n in found if not n.embedding] if found is not None else None
        if found is not None and not nodes:
            return True  # a model of this file without kernels: nothing to judge
        saved = self.targets.get(variable.value)
        self.targets[variable.value] = ("parameters", nodes, statement)
        self.run(statement.body.body, order, filters)
        if saved is None:
            self.targets.pop(variable.value, None)
        else:
            self.targets[variable.value] = saved
        return True

    def _listed(self, iterable) -> Optional[GroupItem]:
        """`for conv in [self.conv1, self.conv2]:` one init call for every layer listed."""
        items = [self.attrs.get(self.own(element.value)) for element in iterable.elements]
        if not items or any(item is None for item in items):
            return None
        group = GroupItem(items)
        self.listed_groups.append(group)  # alive while its id keys the shared site
        return group

    def freeze(self, tensor, filters) -> None:
        """G6: `self.fc.weight` / `self.fc` / `self.w` is not learned."""
        module_expr, parameter = split_target(tensor, self.receiver)
        raws = self.raw_parameters(module_expr, parameter, filters) if parameter else []
        for raw in raws:
            raw.frozen = True
        if raws:
            return
        if parameter == "weight" and module_expr is not None:
            resolved = self.resolve_module(module_expr, filters)
        else:
            resolved = self.resolve_module(tensor, filters)
        if resolved is not None and resolved[0] == "nodes":
            for node in resolved[1]:
                node.frozen = True

    def call(self, call: cst.Call, order, filters) -> None:
        func = call.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "requires_grad_" and call.args
                and is_false(call.args[0].value)):
            self.freeze(func.value, filters)  # self.fc.requires_grad_(False)
            return
        # self.apply(fn) / model.apply(fn)
        if isinstance(func, cst.Attribute) and func.attr.value == "apply" and call.args:
            outer = self.scope
            self.scope = reached = self.applied_to(func.value)
            instance = instance_of(self, func.value)
            marks = {id(n): len(n.inits) for n in reached} if instance and reached else None
            try:
                self.apply(call.args[0].value, order, func.value)
            finally:
                self.scope = outer
            if marks is not None:
                per_instance(self, instance, reached, marks, order)
            return
        init, tensor, subscripted = self.init_call(call)
        if init is None:
            if not chosen(self, call, order, filters):  # `init_fn(w)`, init_fn picked by an option
                self.opaque_fill(call, order, filters)
            return
        if tensor is None:
            return
        bound = constructor_values(self, init, call) if not subscripted else ()
        if bound:
            for value_init in bound:  # one per model the file builds with that argument: each its own site
                self.attach(value_init, tensor, call, INSTANCE_ORDER, filters)
            return
        if subscripted:
            # G11: a partial write never makes a whole kernel constant, but a random fill of part of a
            # constant kernel (block-diagonal init) means the kernel is no longer constant.
            if init.kind != "constant":
                mixed = dataclasses.replace(init, kind="other")
                self.attach(mixed, unsubscript(tensor), call, order, filters)
            return
        self.attach(init, tensor, call, order, filters)

    def opaque_fill(self, call: cst.Call, order, filters) -> None:
        """`glorot(self.weight)`, `my_init(self.w[0])`: a raw parameter handed to a function this file
        does not show is filled by it in some unknown way (torch_geometric's `inits.glorot`), so it
        is no longer known to hold `torch.empty`'s uninitialized memory."""
        func = call.func
        if isinstance(func, cst.Name) and func.value in NOT_FILLING:
            return
        for argument in call.args:
            tensor = unsubscript(argument.value)
            module_expr, parameter = split_target(tensor, self.receiver)
            if module_expr is None and parameter is not None and self.raw_parameters(None, parameter, filters):
                self.attach(Initializer(OTHER, display(call)), tensor, call, order, filters)

    def applied_to(self, owner) -> Optional[list]:
        """The kernels `owner.apply(fn)` reaches: None for the instance itself (and anything this reader
        does not decide), those of a model the script builds, [] for a model defined elsewhere."""
        if self.own(owner) is not None or (isinstance(owner, cst.Name) and (
                owner.value == self.receiver or owner.value in self.targets or self.resolver.is_parameter(owner))):
            return self.scope
        nodes = self.model_nodes(owner)
        return nodes if nodes is not None else []

    def model_nodes(self, owner) -> Optional[list]:
        """The kernels of a model the script builds: a layer or container, or an instance of a class of
        this file (`netG = Generator()`); None when the model comes from elsewhere."""
        item = self.local_item(owner)
        if item is not None:
            return kernel_nodes(item)
        value = self.resolver.deref(owner) if isinstance(owner, cst.Name) else owner
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in self.registry:
            found = []
            for item in self.registry[value.func.value].items():
                found.extend(n for n in kernel_nodes(item) if n not in found)
            return found
        return None

    def assignment(self, target, value, order, filters) -> None:
        """`m.weight.data = torch.from_numpy(np.random.normal(scale=..., size=...))`, `fc.weight =
        nn.Parameter(torch.zeros(o, i))`: the assigned values are the kernel's init."""
        init, anchor = assigned_init(self.adapter, value)
        if init is not None:
            self.attach(init, target, anchor, order, filters)

    def apply(self, fn, order, owner=None) -> None:
        function = None
        if self.own(fn) is not None:
            function = self.methods.get(fn.attr.value)
        elif isinstance(fn, cst.Name):
            function = self.local_functions.get(fn.value) or self.adapter.functions.get(fn.value)
        if function is None:
            return
        self.applied_methods.add(function.name.value)
        # self.head.apply(fn) reaches the head's layers only, not every layer of the class or file
        part = self.own(owner) if owner is not None else None
        if part is None and self.class_items and isinstance(owner, cst.Name) and owner.value == self.receiver:
            # `self.apply(fn)` in a class with layers: fn is read here, on this class's layers; the
            # file-wide reading of module-level helpers must not also put it on other classes' layers.
            self.adapter.class_applied_functions.add(function.name.value)
        saved = self.scope
        if part is not None:
            self.adapter.scoped_functions.add(function.name.value)
            item = self.attrs.get(part)
            if item is None:
                return  # a part of unknown type: which layers it reaches is unknown
            self.scope = [n for n in kernel_nodes(item) if not n.embedding]
        try:
            run_init_function(self, function, order)
        finally:
            self.scope = saved

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
            return build(spec, display(call), given), tensor, is_partial(tensor)
        if isinstance(func, cst.Attribute) and func.attr.value in T.TENSOR_METHODS:
            spec = T.TENSOR_METHODS[func.attr.value]
            given = self._given(spec, call, positional(call))
            if func.attr.value == "fill_" and "value" not in given:
                return None, None, False
            return scalar_fill(build(spec, display(call), given)), func.value, is_partial(func.value)
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
        every = bare_name(tensor)
        if every is not None and self.targets.get(every, ("",))[0] == "parameters":
            # every parameter of a whole model, biases and norms included: the kernels are among them
            _, nodes, loop = self.targets[every]
            if filters.get("__opaque__"):
                return  # filtered by parameter name: which tensors it selects is unknown
            group = (loop, id(self))
            for node in nodes or ():
                node.inits.append(InitRecord(init, call, order, shared=True, group=group))
            if not nodes:
                self.loose.append(InitRecord(init, call, order, shared=True, group=group))
            return
        module_expr, parameter = split_target(tensor, self.receiver)
        if parameter == "bias" and module_expr is not None:
            resolved = self.resolve_module(module_expr, filters)
            if resolved is not None and resolved[0] in ("nodes", "shared"):
                nodes = resolved[1] if resolved[0] == "nodes" else resolved[1][0]
                for node in nodes:
                    node.bias = bias_kind(init)
            return
        if parameter is not None and parameter.startswith("bias") and module_expr is None:
            # the class's own raw `self.bias` (timm's CondConv2d: experts x out_channels): its init
            # is what fills it, even if no rule judges a bias's values
            for raw in self.raw_parameters(None, parameter, filters):
                raw.inits.append(InitRecord(init, call, order, ndim=ndim_of(raw), confidence=self.confidence))
            return
        if parameter is None or parameter.startswith("bias"):
            return
        raws = self.raw_parameters(module_expr, parameter, filters)
        for raw in raws:
            raw.inits.append(InitRecord(init, call, order, ndim=ndim_of(raw), confidence=self.confidence))
        if raws:
            return
        if parameter != "weight":
            return
        resolved = self.resolve_module(module_expr, filters)
        if resolved is None:
            return
        kind, value = resolved
        if kind == "nodes":
            for node in value:
                node.inits.append(InitRecord(init, call, order, confidence=self.confidence))
        elif kind == "shared":
            nodes, group = value
            for node in nodes:
                node.inits.append(InitRecord(init, call, order, shared=True, group=group, confidence=self.confidence))
            if not nodes:
                self.loose.append(InitRecord(init, call, order, shared=True, group=group, confidence=self.confidence))
        elif kind == "loose":
            # value HEURISTIC: the target is judged a layer only because of its name
            confidence = HEURISTIC if value == HEURISTIC else self.confidence
            self.loose.append(InitRecord(init, call, order, confidence=confidence))

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
            if self.scope is not None:  # applied to one model of the script, or to one from elsewhere
                nodes = [n for n in self.scope if n.kind in kernel_kinds]
                return ("shared", (nodes, (target[2], frozenset(kernel_kinds), id(self))))
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
        if isinstance(expr, cst.Attribute) and self.own(expr.value) is not None:
            # self.net.fc1.weight: a named child of a Sequential/ModuleDict
            container = self.attrs.get(self.own(expr.value))
            wanted = f"{self.own(expr.value)}.{expr.attr.value}"
            if isinstance(container, (ChainItem, GroupItem)):
                nodes = [n for n in kernel_nodes(container) if n.name == wanted]
                return ("nodes", nodes) if nodes else None
            return None
        name = self.own(expr)
        if name is not None:
            item = self.attrs.get(name)
            if item is None:
                return ("loose", HEURISTIC) if _KERNEL_NAME.search(name) else None
            return self._item_nodes(item, name)
        local = self.local_item(expr)
        if local is not None:
            return self._item_nodes(local, None)
        if isinstance(expr, cst.Subscript):
            base = self.own(expr.value)
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

    def local_item(self, expr):
        """What a script-level name denotes: `linear1` bound to `nn.Linear(...)`, `model[0]`,
        `model.fc1` of a `Sequential` built in this file (the assignment that reaches the use)."""
        if isinstance(expr, cst.Name):
            if expr.value in self.targets:
                return None
            value = self.resolver.deref(expr)
            return self.adapter.constructor(value) if isinstance(value, cst.Call) else None
        if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
            container = self.local_item(expr.value)
            index = self.resolver.number(expr.slice[0].slice.value)
            if isinstance(container, (ChainItem, GroupItem)) and index is not None and index == int(index):
                if -len(container.items) <= int(index) < len(container.items):
                    return container.items[int(index)]
            return None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, (cst.Name, cst.Subscript, cst.Attribute)):
            container = self.local_item(expr.value)
            if isinstance(container, (ChainItem, GroupItem)):
                for child in container.items:
                    if isinstance(child, KernelItem) and child.node.name == expr.attr.value:
                        return child
        return None

    def _local_classes(self, kinds) -> list:
        # sorted: `kinds` is a set, and its order must not depend on PYTHONHASHSEED
        return [self.registry[k[1:]] for k in sorted(kinds) if k.startswith("?") and k[1:] in self.registry]

    def raw_parameters(self, module_expr, parameter: str, filters) -> List[Node]:
        """The raw nn.Parameters `self.w` or `module.w` denotes: one for `self.w`; for `module.w`, that
        of every class of this file the module is filtered to (`isinstance(module, (A, B))`)."""
        if module_expr is None:
            holder = self.attrs.get(parameter)
            return [holder.node] if isinstance(holder, ParamRef) else []
        nodes = []
        if isinstance(module_expr, cst.Name) and module_expr.value in self.targets:
            for info in self._local_classes(filters.get(module_expr.value) or set()):
                holder = info.attrs.get(parameter)
                if isinstance(holder, ParamRef) and holder.node not in nodes:
                    nodes.append(holder.node)
        return nodes

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


def scalar_fill(init: Initializer) -> Initializer:
    """`w.fill_(np.random.randn() * 10)`: a fill of a value not known here is one scalar all the same."""
    if init.kind == CONSTANT and init.value is None:
        return dataclasses.replace(init, unknown_scalar=True)
    return init
