"""Imports flow one way: no cycle between modules or packages, and the library never imports the emulator.

The import graph is read from the source with ``ast`` (every import statement, including
those inside functions and ``if TYPE_CHECKING:`` blocks), so a lazy import cannot hide a
circle. Packages are the top-level packages of ``alicloud_storage`` and the emulator's
subpackages (its top-level modules, such as ``server`` and ``pipeline``, are nodes of
their own).
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Set, Tuple

import alicloud_storage

ROOT = Path(alicloud_storage.__file__).resolve().parent
Edge = Tuple[str, str]

# Known back-arrows owned by another piece of work; each is asserted to still exist, so the
# list can only shrink. Empty: credentials no longer import sts (the RAM-role provider gets
# an STS client factory, see docs/architecture.md "Credentials and STS").
ALLOWED: FrozenSet[Edge] = frozenset()

# Where the emulator may be imported from (besides the emulator itself).
EMULATOR_USERS = ("alicloud_storage.commands", "alicloud_storage.cli", "alicloud_storage.testing")


def _modules() -> Dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _known(name: str) -> str:
    """The module an import of ``name`` loads (``pkg.mod.Class`` -> ``pkg.mod``); '' if not ours."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(module: str) -> Iterable[str]:
    """Every module of ours that ``module`` imports, wherever the import statement is."""
    package = module if _is_package(module) else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (_known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                yield _known(f"{base}.{alias.name}") if f"{base}.{alias.name}" in MODULES else _known(base)


def _edges() -> Set[Edge]:
    return {(m, t) for m in MODULES for t in _imports(m) if t and t != m}


EDGES = _edges()


def package_of(module: str) -> str:
    """The package node of a module (see the module docstring)."""
    parts = module.split(".")
    if len(parts) == 1:
        return module
    top = ".".join(parts[:2])
    if top not in MODULES or not _is_package(top):
        return module  # a top-level module such as cli.py
    if parts[1] == "emulator" and len(parts) > 2:
        sub = ".".join(parts[:3])
        return sub if _is_package(sub) else module
    return top


def _cycles(edges: Iterable[Edge]) -> List[List[str]]:
    """The strongly connected components with more than one node (Tarjan, iterative)."""
    graph: Dict[str, List[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_is_read() -> None:
    assert ("alicloud_storage.emulator.server", "alicloud_storage.emulator.pipeline") in EDGES
    assert ("alicloud_storage.testing", "alicloud_storage.emulator") in EDGES  # TYPE_CHECKING and in-function


def test_allowed_back_arrows_still_exist() -> None:
    assert not ALLOWED - EDGES, f"gone, remove from ALLOWED: {sorted(ALLOWED - EDGES)}"


def test_no_module_cycles() -> None:
    assert _cycles(EDGES - ALLOWED) == []


def test_no_package_cycles() -> None:
    packages = {(package_of(a), package_of(b)) for a, b in EDGES - ALLOWED}
    assert _cycles((a, b) for a, b in packages if a != b) == []


def test_no_cycle_between_emulated_ram_and_sts() -> None:
    ram, sts = "alicloud_storage.emulator.ram", "alicloud_storage.emulator.sts"
    assert not {(a, b) for a, b in EDGES if package_of(a) == ram and package_of(b) == sts}


def test_only_the_emulator_commands_cli_and_testing_import_the_emulator() -> None:
    offenders = sorted(
        (a, b) for a, b in EDGES
        if b.startswith("alicloud_storage.emulator") and not a.startswith("alicloud_storage.emulator")
        and not any(a == user or a.startswith(user + ".") for user in EMULATOR_USERS)
    )
    assert offenders == []


def test_cycles_are_found() -> None:
    """The detector itself: a lazy import back is a cycle."""
    assert _cycles([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]) == [["a", "b", "c"]]
    assert _cycles([("a", "b"), ("b", "c")]) == []
