#!/usr/bin/env python3
"""Regenerate the clients' typed declarations (``_client_methods.py``) from the operation tables.

    .venv-test/bin/python tools/gen_client_types.py                            # rewrite both services' files
    .venv-test/bin/python tools/gen_client_types.py --service oss --out F      # one service, elsewhere (freshness tests)

The clients' methods are generated at run time from the services' tables; type checkers
and IDEs cannot see those. This tool writes their typed declarations. Tablestore
(``operations.OPERATIONS`` and ``ITERATORS``): for each operation, the encoder's
parameters (names, kinds, defaults, annotations) and the decoder's return type; for each
iterator flow, an ``Iterator`` / ``AsyncIterator`` of the items it yields (its
``Generator`` item type without SubCall). OSS (``operations.OPERATIONS`` and
``paginator.PAGE_RULES``): for each operation, ``(request: <Request>, **kwargs) -> <Result>``;
for each listing, its paginator typed by the listing's request and result.
The declarations sit in ``if TYPE_CHECKING:`` blocks of two mixins, so at run time the
mixins are empty and the generated methods stay the only ones. Run it after adding or
changing an operation; tests/unit/tablestore/test_client_types.py and
tests/unit/oss/test_oss_client_types.py keep the files fresh.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PACKAGE = ROOT / "src" / "alicloud_storage"

HEADER = '''\
"""Typed declarations of the client methods, generated from the operation table by
tools/gen_client_types.py; do not edit.

{summary}
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
'''


class _Imports:
    """The names the declarations use, resolved to the module each is imported from."""

    def __init__(self, sources: Sequence[str]) -> None:
        self.sources = sources  # the modules a name may come from, in order of preference
        self.by_module: Dict[str, Set[str]] = {}

    def add(self, name: str, namespace: Dict[str, Any]) -> None:
        if hasattr(builtins, name) and name not in namespace:  # str, int, bytes, ...
            return
        value = namespace[name] if name in namespace else getattr(typing, name)
        for module_name in self.sources:
            if getattr(importlib.import_module(module_name), name, None) is value:
                self.by_module.setdefault(module_name, set()).add(name)
                return
        raise SystemExit(f"{name}: not exported by any of {', '.join(self.sources)}; export it from one of them")

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
    from alicloud_storage.tablestore.operations import registry

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


Declarations = Tuple[List[str], List[str]]  # (sync, async) source lines, each method led by a blank line


@dataclass(frozen=True)
class Service:
    """One service's generated file: where it goes, what it says, and its methods."""

    output: Path
    sources: Tuple[str, ...]  # where a name used in an annotation is imported from, in order of preference
    summary: str  # the generated module's docstring after its first paragraph
    sync_doc: str
    async_doc: str
    declare: Callable[[_Imports], Declarations]


def _tablestore(imports: _Imports) -> Declarations:
    """OTSClient's methods: the encoders' parameters, the decoders' results, the iterator flows' items."""
    from alicloud_storage.tablestore import operations

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
    return sync, aio


def _oss(imports: _Imports) -> Declarations:
    """oss.Client's methods: one per operation (request model in, result model out), one paginator per listing."""
    from alicloud_storage.oss import client, models, paginator
    from alicloud_storage.oss.operations import OPERATIONS

    imports.add("Any", vars(typing))
    sync: List[str] = []
    aio: List[str] = []
    by_method = {client.method_name(api): operation for api, operation in OPERATIONS.items()}
    for name, operation in by_method.items():
        request, result = operation.request_type.__name__, operation.result_type.__name__
        imports.add(request, vars(models))
        imports.add(result, vars(models))
        parameters = ["self", f"request: {request}", "**kwargs: Any"]
        doc = _docstring(getattr(client.Client, name))
        sync += _declaration("def ", name, parameters, result, doc)
        aio += _declaration("async def ", name, parameters, result, doc)
    for rule in paginator.PAGE_RULES.values():
        name = f"{rule.method}_paginator"
        listing = by_method[rule.method]
        pages = f"{listing.request_type.__name__}, {listing.result_type.__name__}"
        imports.add("Paginator", vars(paginator))
        imports.add("AsyncPaginator", vars(paginator))
        doc = _docstring(getattr(client.Client, name))
        sync += _declaration("def ", name, ["self", "**kwargs: Any"], f"Paginator[{pages}]", doc)
        aio += _declaration("def ", name, ["self", "**kwargs: Any"], f"AsyncPaginator[{pages}]", doc)
    return sync, aio


SERVICES: Dict[str, Service] = {
    "tablestore": Service(
        output=PACKAGE / "tablestore" / "_client_methods.py",
        sources=("typing", "alicloud_storage.tablestore.models", "alicloud_storage.tablestore.operations.types"),
        summary=(
            "``OTSClient`` and ``AsyncOTSClient`` get their methods at import from\n"
            "``operations.OPERATIONS`` / ``ITERATORS`` (client.py). These mixins declare the same\n"
            "methods with their parameter and return types for type checkers and IDEs; at run time\n"
            "they are empty."
        ),
        sync_doc="The methods of OTSClient as type checkers see them (results as returned).",
        async_doc="The methods of AsyncOTSClient: coroutines with the same results; xget_range an async iterator.",
        declare=_tablestore,
    ),
    "oss": Service(
        output=PACKAGE / "oss" / "_client_methods.py",
        sources=("typing", "alicloud_storage.oss.models", "alicloud_storage.oss.paginator"),
        summary=(
            "``Client`` and ``AsyncClient`` get their methods at import from ``operations.OPERATIONS``\n"
            "and ``paginator.PAGE_RULES`` (client.py). These mixins declare the same methods with\n"
            "their parameter and return types for type checkers and IDEs; at run time they are\n"
            "empty. The helpers (is_object_exist, presign, uploader, ...) are written in client.py."
        ),
        sync_doc="The generated methods of oss.Client as type checkers see them (results as returned).",
        async_doc="The generated methods of oss.AsyncClient: coroutines with the same results; paginators async.",
        declare=_oss,
    ),
}


def render(service: Service) -> str:
    """Return the text of a service's _client_methods.py for its current tables."""
    imports = _Imports(service.sources)
    sync, aio = service.declare(imports)
    return "".join([
        HEADER.format(summary=service.summary),
        *imports.render(),
        "\n__all__ = [\"SyncMethods\", \"AsyncMethods\"]\n",
        "\n\nclass SyncMethods:\n",
        f'    """{service.sync_doc}"""\n',
        "\n    if TYPE_CHECKING:\n",
        *sync[1:],
        "\n\nclass AsyncMethods:\n",
        f'    """{service.async_doc}"""\n',
        "\n    if TYPE_CHECKING:\n",
        *aio[1:],
    ])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=sorted(SERVICES), help="only this service (default: all)")
    parser.add_argument("--out", type=Path, help="file to write (with --service; default: the service's own)")
    args = parser.parse_args(argv)
    if args.out is not None and args.service is None:
        parser.error("--out needs --service")
    for name in [args.service] if args.service else sorted(SERVICES):
        service = SERVICES[name]
        (args.out or service.output).write_text(render(service), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
