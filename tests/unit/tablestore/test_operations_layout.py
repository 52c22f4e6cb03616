"""Imports between the operation modules flow one way: families use the registry and the
shared helpers, never each other; the registry needs no protobuf and no family."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Set

import alicloud_storage.tablestore.operations as operations

PACKAGE = "alicloud_storage.tablestore.operations"
HELPERS = {"registry", "arguments", "results", "types"}
FAMILIES = {"table", "index", "transaction", "row", "batch", "range", "timeseries", "sql", "search"}


def operations_imports() -> Dict[str, Set[str]]:
    """Module name -> the operations modules it imports (``from operations import x`` included)."""
    found: Dict[str, Set[str]] = {}
    for path in Path(operations.__file__).parent.glob("*.py"):
        names: Set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + "."):
                names.add(node.module[len(PACKAGE) + 1:])
        found[path.stem] = names
    return found


def test_every_module_is_a_helper_a_family_or_the_envelope() -> None:
    assert set(operations_imports()) == HELPERS | FAMILIES | {"envelope", "__init__"}


def test_families_import_only_helpers() -> None:
    imports = operations_imports()
    assert {family: imports[family] - HELPERS for family in FAMILIES} == {family: set() for family in FAMILIES}


def test_helpers_and_envelope_import_no_family() -> None:
    imports = operations_imports()
    assert {name: imports[name] & FAMILIES for name in HELPERS | {"envelope"}} == {
        name: set() for name in HELPERS | {"envelope"}
    }
    assert imports["registry"] == set()


def test_the_registry_loads_no_protobuf() -> None:
    tree = ast.parse((Path(operations.__file__).parent / "registry.py").read_text(encoding="utf-8"))
    modules = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert modules and not [name for name in modules if "wire" in name or "google" in name]


def test_the_package_registers_every_family() -> None:
    assert operations_imports()["__init__"] >= FAMILIES
    modules = {operation.encode.__module__.rsplit(".", 1)[1] for operation in operations.OPERATIONS.values()}
    assert modules == FAMILIES
