"""Every public module declares ``__all__``, and it lists exactly the module's public names;
the package ships ``py.typed`` (STYLE §13, as httpx's ``test_exported_members``).

A public name is a module attribute without a leading underscore that is not a submodule,
not a logger, and not bound by importing it from elsewhere (a package ``__init__``
re-exporting names of its own package does make them public). Names served lazily by a
module ``__getattr__`` (PEP 562) count when ``__all__`` lists them and they resolve.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import logging
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import List, Set

import pytest

import alicloud_storage

PACKAGE = "alicloud_storage"


def public_modules() -> List[str]:
    """Every importable module of the package whose dotted path has no private part."""
    names = [PACKAGE]
    for info in pkgutil.walk_packages(alicloud_storage.__path__, PACKAGE + "."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def imported_names(module: ModuleType) -> Set[str]:
    """Names the module binds by importing them (a package's own re-exports excluded)."""
    tree = ast.parse(inspect.getsource(module))
    is_package = hasattr(module, "__path__")
    names: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            origin = "." * node.level + (node.module or "")
            own = node.level > 0 or origin == module.__name__ or origin.startswith(module.__name__ + ".")
            if not (is_package and own):
                names.update(alias.asname or alias.name for alias in node.names)
    return names


def public_names(module: ModuleType) -> Set[str]:
    imported = imported_names(module)
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith(("_", "@"))  # "@py_builtins" & co: pytest's assertion rewriting
        and not isinstance(value, (ModuleType, logging.Logger))
        and name not in imported
    }


MODULES = public_modules()


def test_the_walk_finds_the_layers() -> None:
    expected = {
        "alicloud_storage.credentials", "alicloud_storage.sts", "alicloud_storage.http",
        "alicloud_storage.tablestore", "alicloud_storage.tablestore.errors",
        "alicloud_storage.emulator", "alicloud_storage.tablestore.wire.pb",
    }
    assert expected <= set(MODULES)


def test_the_check_sees_an_unlisted_name(tmp_path: Path) -> None:
    source = tmp_path / "sample_api.py"
    source.write_text(
        "import logging\nfrom typing import Optional\n__all__ = ['listed']\n"
        "logger = logging.getLogger(__name__)\nlisted = 1\nforgotten: Optional[int] = 2\n_private = 3\n",
        encoding="utf-8",
    )
    spec = importlib.util.spec_from_file_location("sample_api", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert public_names(module) == {"listed", "forgotten"}


@pytest.mark.parametrize("name", MODULES)
def test_all_exists_and_every_name_resolves(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, (list, tuple)), f"{name} has no __all__ list"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    missing = [n for n in exported if not hasattr(module, n)]  # hasattr: PEP 562 names too
    assert not missing, f"{name}.__all__ lists names the module lacks: {missing}"


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_every_public_name(name: str) -> None:
    module = importlib.import_module(name)
    unlisted = sorted(public_names(module) - set(module.__all__))
    assert not unlisted, f"{name} has public names missing from __all__: {unlisted}"


def test_py_typed_ships() -> None:
    package_dir = Path(alicloud_storage.__file__).parent
    assert (package_dir / "py.typed").is_file()
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    assert '"py.typed"' in pyproject.read_text(encoding="utf-8")  # package-data: in the wheel too
