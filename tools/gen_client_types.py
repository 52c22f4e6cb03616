#!/usr/bin/env python3
"""Regenerate src/alicloud_storage/tablestore/_client_methods.py from the operation table.

    .venv-test/bin/python tools/gen_client_types.py            # rewrite _client_methods.py
    .venv-test/bin/python tools/gen_client_types.py --out F    # write elsewhere (freshness test)

The clients' methods are generated at run time from ``operations.OPERATIONS`` and
``ITERATORS``; type checkers and IDEs cannot see those. This tool writes their typed
declarations: for each operation, the encoder's parameters (names, kinds, defaults,
annotations) and the decoder's return type; for each iterator flow, an ``Iterator`` /
``AsyncIterator`` of the items it yields (its ``Generator`` item type without SubCall).
The declarations sit in ``if TYPE_CHECKING:`` blocks of two mixins, so at run time the
mixins are empty and the generated methods stay the only ones. Run it after adding or
changing an operation; tests/unit/tablestore/test_client_types.py keeps it fresh.
"""
from __future__ import annotations

import argparse
import ast
import builtins
import enum
import importlib
import inspect
import sys
import typing
from pathlib import Path
from typing import Any, Callable, Dict, List, Set

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from alicloud_storage.tablestore import operations  # noqa: E402
from alicloud_storage.tablestore.operations import registry  # noqa: E402

OUTPUT = ROOT / "src" / "alicloud_storage" / "tablestore" / "_client_methods.py"
# Where a name used in an annotation is imported from, in order of preference.
SOURCES = ("typing", "alicloud_storage.tablestore.models", "alicloud_storage.tablestore.operations.types")

HEADER = '''\
"""Typed declarations of the client methods, generated from the operation table by
tools/gen_client_types.py; do not edit.

``OTSClient`` and ``AsyncOTSClient`` get their methods at import from
``operations.OPERATIONS`` / ``ITERATORS`` (client.py). These mixins declare the same
methods with their parameter and return types for type checkers and IDEs; at run time
they are empty.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
'''


class _Imports:
    """The names the declarations use, resolved to the module each is imported from."""

    def __init__(self) -> None:
        self.by_module: Dict[str, Set[str]] = {}

    def add(self, name: str, namespace: Dict[str, Any]) -> None:
        if hasattr(builtins, name) and name not in namespace:  # str, int, bytes, ...
            return
        value = namespace[name] if name in namespace else getattr(typing, name)
        for module_name in SOURCES:
            if getattr(importlib.import_module(module_name), name, None) is value:
                self.by_module.setdefault(module_name, set()).add(name)
                return
        raise SystemExit(f"{name}: not exported by any of {', '.join(SOURCES)}; export it from operations.types")

    def add_annotation(self, text: str, namespace: Dict[str, Any]) -> None:
        for node in ast.walk(ast.parse(text, mode="eval")):
            if isinstance(node, ast.Name):
                self.add(node.id, namespace)

    def render(self) -> List[str]:
        lines = []
        for module in sorted(self.by_module, key=lambda name: (name != "typing", name)):
            lines.append(f"    from {module} import (\n")
            lines.extend(f"        {name},\n" for name in sorted(self.by_module[module], key=str.lower))
            lines.append("    )\n")
        return lines


def _default(value: Any, imports: _Imports, namespace: Dict[str, Any]) -> str:
    """Source text of a parameter default."""
    if isinstance(value, enum.Enum):
        imports.add(type(value).__name__, namespace)
        return f"{type(value).__name__}.{value.name}"
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return repr(value)
    raise SystemExit(f"cannot write the default {value!r} as source")


def _parameters(target: Callable[..., Any], imports: _Imports) -> List[str]:
    """The declaration's parameters, ``self`` first, as source text."""
    namespace = target.__globals__  # type: ignore[attr-defined]
    parts = ["self"]
    for parameter in inspect.signature(target).parameters.values():
        if parameter.annotation is inspect.Parameter.empty:
            raise SystemExit(f"{target.__qualname__}: parameter {parameter.name} has no annotation")
        annotation = str(parameter.annotation)
        imports.add_annotation(annotation, namespace)
        prefix = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
        text = f"{prefix}{parameter.name}: {annotation}"
        if parameter.default is not inspect.Parameter.empty:
            text += f" = {_default(parameter.default, imports, namespace)}"
        parts.append(text)
    return parts


def _declaration(prefix: str, name: str, parameters: List[str], result: str, doc: List[str]) -> List[str]:
    """One method declaration, a parameter per line (as the black style writes long ones)."""
    return [
        "\n",
        f"        {prefix}{name}(\n",
        *(f"            {parameter},\n" for parameter in parameters),
        f"        ) -> {result}:\n",
        *doc,
    ]


def _result(decode: Callable[..., Any], imports: _Imports) -> str:
    """The decoder's return annotation (the method's result type)."""
    annotation = decode.__annotations__.get("return")
    if annotation is None:
        raise SystemExit(f"decoder {decode.__qualname__} has no return annotation")
    text = str(annotation)
    imports.add_annotation(text, decode.__globals__)  # type: ignore[attr-defined]
    return text


def _items(flow: Callable[..., Any], imports: _Imports) -> str:
    """The type of the items a flow hands out: its Generator's yield type without SubCall."""
    tree = ast.parse(str(flow.__annotations__["return"]), mode="eval").body
    if not (isinstance(tree, ast.Subscript) and ast.unparse(tree.value) == "Generator"):
        raise SystemExit(f"flow {flow.__qualname__} must be annotated -> Generator[Union[SubCall, Item], Any, None]")
    yielded = tree.slice.elts[0] if isinstance(tree.slice, ast.Tuple) else tree.slice
    options = yielded.slice.elts if isinstance(yielded, ast.Subscript) and ast.unparse(yielded.value) == "Union" else [yielded]
    items = [option for option in options if ast.unparse(option) != registry.SubCall.__name__]
    text = ast.unparse(items[0]) if len(items) == 1 else f"Union[{', '.join(ast.unparse(item) for item in items)}]"
    imports.add_annotation(text, flow.__globals__)  # type: ignore[attr-defined]
    return text


def _docstring(target: Callable[..., Any]) -> List[str]:
    doc = inspect.getdoc(target) or ""
    lines = doc.splitlines() or [""]
    body = [f"            {line}".rstrip() + "\n" for line in lines[1:]]
    if body:
        return [f'            """{lines[0]}\n', *body, '            """\n']
    return [f'            """{lines[0]}"""\n']


def render() -> str:
    """Return the text of _client_methods.py for the current operation table."""
    imports = _Imports()
    imports.add("Iterator", vars(typing))
    imports.add("AsyncIterator", vars(typing))
    sync: List[str] = []
    aio: List[str] = []
    for name, operation in operations.OPERATIONS.items():
        parameters = _parameters(operation.encode, imports)
        result = _result(operation.decode, imports)
        doc = _docstring(operation.encode)
        sync += _declaration("def ", name, parameters, result, doc)
        aio += _declaration("async def ", name, parameters, result, doc)
    for name, flow in operations.ITERATORS.items():
        parameters = _parameters(flow, imports)
        item = _items(flow, imports)
        doc = _docstring(flow)
        sync += _declaration("def ", name, parameters, f"Iterator[{item}]", doc)
        aio += _declaration("def ", name, parameters, f"AsyncIterator[{item}]", doc)
    return "".join([
        HEADER,
        *imports.render(),
        "\n__all__ = [\"SyncMethods\", \"AsyncMethods\"]\n",
        "\n\nclass SyncMethods:\n",
        '    """The methods of OTSClient as type checkers see them (results as returned)."""\n',
        "\n    if TYPE_CHECKING:\n",
        *sync[1:],
        "\n\nclass AsyncMethods:\n",
        '    """The methods of AsyncOTSClient: coroutines with the same results; xget_range an async iterator."""\n',
        "\n    if TYPE_CHECKING:\n",
        *aio[1:],
    ])


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT, help="file to write")
    args = parser.parse_args(argv)
    args.out.write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
