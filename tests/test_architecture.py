"""The shape of the package: imports run one way, layers never point up, the public API is
what ``__all__`` says, and tests use public names where there is one."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import netkit
import netkit.constructs
from netkit import Construct

PACKAGE = Path(netkit.__file__).parent
TESTS = Path(__file__).parent

# Lowest first; a module may import its own layer and those below, never one above.
LAYERS: list[tuple[str, ...]] = [
    ("netkit", "netkit.errors", "netkit.objects", "netkit.findings", "netkit.versions",
     "netkit.k8s", "netkit.schemas", "netkit.forked", "netkit.cache", "netkit.lazy"),
    ("netkit.target", "netkit.capabilities", "netkit.spec", "netkit.tree", "netkit.serialize",
     "netkit.inputs"),
    ("netkit.constructs",),
    ("netkit.render",),
    ("netkit.validate",),
    ("netkit.analysis", "netkit.flows"),
    ("netkit.report", "netkit.gitops"),
    ("netkit.defence",),
    ("netkit.config", "netkit.workspace", "netkit.synth",
     "netkit.importer"),
    ("netkit.testing", "netkit.cdk8s", "netkit.scaffold"),
    ("netkit.cli", "netkit.plugin_lookup"),
]
# Packages that must not import each other in either direction.
APART = [("netkit.render", "netkit.validate")]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def in_package(path: Path) -> bool:
    """Whether ``path`` is a module of the package: every folder up to it is a package (a
    data folder of example blueprints is user code, not netkit)."""
    return all((d / "__init__.py").is_file() for d in path.parents
               if d == PACKAGE or PACKAGE in d.parents)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py") if in_package(p)}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str) -> set[str]:
    """netkit modules imported at run time (at the top or inside functions), not the
    annotations-only imports under ``if TYPE_CHECKING``."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in MODULES and m != module}


GRAPH = {m: _imports(ast.parse(p.read_text(encoding="utf-8")), m) for m, p in MODULES.items()}


def layer(module: str) -> int:
    best = (-1, -1)
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                best = max(best, (len(prefix), i))
    assert best[1] >= 0, f"{module} is in no layer: add it to LAYERS"
    return best[1]


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer(module)


def test_no_import_cycle() -> None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(GRAPH[m]):
            if state.get(n) == 1:
                cycle = [*stack[stack.index(n):], n]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)


def test_no_import_points_up_a_layer() -> None:
    upward = [f"{m} (layer {layer(m)}) imports {n} (layer {layer(n)})"
              for m, targets in sorted(GRAPH.items()) for n in sorted(targets)
              if layer(n) > layer(m)]
    assert upward == []


@pytest.mark.parametrize(("a", "b"), APART)
def test_packages_kept_apart(a: str, b: str) -> None:
    def inside(module: str, package: str) -> bool:
        return module == package or module.startswith(package + ".")

    arrows = [f"{m} -> {n}" for m, targets in sorted(GRAPH.items()) for n in sorted(targets)
              if (inside(m, a) and inside(n, b)) or (inside(m, b) and inside(n, a))]
    assert arrows == []


def test_the_graph_sees_imports_inside_functions() -> None:
    # workspace imports the renderers only when a blueprint is read, inside a function.
    assert "netkit.render" in GRAPH["netkit.workspace"]


@pytest.mark.parametrize("module", [netkit, netkit.constructs], ids=lambda m: m.__name__)
def test_public_api_is_all(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    assert len(set(names)) == len(names)
    for name in names:
        value = getattr(module, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"
    if module is netkit.constructs:  # eager: everything it binds is public
        bound = {n for n, v in vars(module).items()
                 if not n.startswith(("_", "@")) and not inspect.ismodule(v)}
        assert bound - {"annotations"} == set(names)


def test_every_construct_is_exported() -> None:
    defined = set()
    for path in (PACKAGE / "constructs").glob("*.py"):
        mod = importlib.import_module(module_name(path))
        defined |= {n for n, v in vars(mod).items() if inspect.isclass(v)
                    and issubclass(v, Construct) and v.__module__ == mod.__name__}
    assert defined <= set(netkit.constructs.__all__)


def test_lazy_public_names_resolve() -> None:
    for name in netkit.__all__:
        assert getattr(netkit, name) is not None
    with pytest.raises(AttributeError):
        netkit.nothing_here  # noqa: B018


def test_tests_use_public_names() -> None:
    public = set(netkit.__all__)
    private = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.startswith("netkit.")):
                private += [f"{path.name}: from {node.module} import {a.name}"
                            for a in node.names if a.name in public]
    assert private == []
