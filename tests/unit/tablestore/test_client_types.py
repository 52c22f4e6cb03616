"""The clients' typed declarations (tablestore/_client_methods.py) are generated from the
operation table and kept fresh; at run time the methods are still the generated ones."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alicloud_storage.tablestore import AsyncOTSClient, OTSClient, _client_methods
from alicloud_storage.tablestore._client_methods import AsyncMethods, SyncMethods
from alicloud_storage.tablestore.operations import ITERATORS, OPERATIONS

ROOT = Path(__file__).resolve().parents[3]


def test_declarations_are_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "_client_methods.py"
    tool = str(ROOT / "tools" / "gen_client_types.py")
    subprocess.run([sys.executable, tool, "--service", "tablestore", "--out", str(out)], check=True)
    assert out.read_text(encoding="utf-8") == Path(_client_methods.__file__).read_text(encoding="utf-8"), (
        "run tools/gen_client_types.py"
    )


def test_every_method_of_the_table_is_declared_for_both_clients() -> None:
    source = Path(_client_methods.__file__).read_text(encoding="utf-8")
    for name in [*OPERATIONS, *ITERATORS]:
        sync, aio = f"        def {name}(\n", f"        async def {name}(\n"
        assert source.count(sync) == (1 if name in OPERATIONS else 2), name
        assert source.count(aio) == (1 if name in OPERATIONS else 0), name


def test_the_mixins_are_empty_at_run_time() -> None:
    """Only the methods generated from the table exist at run time (no second copy)."""
    for mixin in (SyncMethods, AsyncMethods):
        assert [name for name in vars(mixin) if not name.startswith("__")] == []
    assert SyncMethods in OTSClient.__mro__ and AsyncMethods in AsyncOTSClient.__mro__
    assert OTSClient.get_row.__qualname__ == "OTSClient.get_row"
