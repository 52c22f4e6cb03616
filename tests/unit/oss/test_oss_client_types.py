"""The OSS clients' typed declarations (oss/_client_methods.py) are generated from the
operation table and the paginator rules and kept fresh; at run time the methods are still
the generated ones."""
from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

from alicloud_storage.oss import _client_methods
from alicloud_storage.oss._client_methods import AsyncMethods, SyncMethods
from alicloud_storage.oss.client import AsyncClient, Client, method_name
from alicloud_storage.oss.operations import OPERATIONS
from alicloud_storage.oss.paginator import PAGE_RULES

ROOT = Path(__file__).resolve().parents[3]
OPERATION_METHODS = [method_name(api) for api in OPERATIONS]
PAGINATOR_METHODS = [f"{rule}_paginator" for rule in PAGE_RULES]


def test_declarations_are_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "_client_methods.py"
    tool = str(ROOT / "tools" / "gen_client_types.py")
    subprocess.run([sys.executable, tool, "--service", "oss", "--out", str(out)], check=True)
    assert out.read_text(encoding="utf-8") == Path(_client_methods.__file__).read_text(encoding="utf-8"), (
        "run tools/gen_client_types.py"
    )


def test_every_generated_method_is_declared_for_both_clients() -> None:
    source = Path(_client_methods.__file__).read_text(encoding="utf-8")
    for name in OPERATION_METHODS:
        assert source.count(f"        def {name}(\n") == 1, name
        assert source.count(f"        async def {name}(\n") == 1, name
    for name in PAGINATOR_METHODS:
        assert source.count(f"        def {name}(\n") == 2, name
        assert source.count(f"        async def {name}(\n") == 0, name


def test_every_method_made_at_import_is_declared() -> None:
    """A method made at import (not written in the class body) is invisible to mypy unless
    the mixin declares it; the written ones (is_object_exist, presign, uploader, ...) carry
    their own annotations."""
    source = Path(_client_methods.__file__).read_text(encoding="utf-8")
    made = {
        (client.__name__, name)
        for client in (Client, AsyncClient)
        for name, member in vars(client).items()
        if inspect.isfunction(member) and not name.startswith("_") and member.__code__.co_name != name
    }
    assert made == {(client, name) for client in ("Client", "AsyncClient")
                    for name in OPERATION_METHODS + PAGINATOR_METHODS}
    for _, name in made:
        assert f"def {name}(\n" in source, f"{name}: run tools/gen_client_types.py"


def test_the_mixins_are_empty_at_run_time() -> None:
    """Only the methods generated from the table exist at run time (no second copy)."""
    for mixin in (SyncMethods, AsyncMethods):
        assert [name for name in vars(mixin) if not name.startswith("__")] == []
    assert SyncMethods in Client.__mro__ and AsyncMethods in AsyncClient.__mro__
    assert Client.put_object.__qualname__ == "Client.put_object"
    assert inspect.iscoroutinefunction(AsyncClient.put_object)
    assert AsyncClient.list_objects_v2_paginator.__qualname__ == "AsyncClient.list_objects_v2_paginator"
