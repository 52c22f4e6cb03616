"""The engine on plain values with a fake clock: TTL expiry, version trimming, time deviation."""
from __future__ import annotations

import pytest

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.engine import PUT, UPDATE, Engine, ReadOptions, RowWrite
from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.model import PkColumn, TableInfo, TableOptions
from alicloud_storage.emulator.tablestore.storage import Storage
from alicloud_storage.tablestore.wire.plainbuffer import INF_MAX, CellOp

DAY = 86400
PK = [("pk", "a")]
LATEST = ReadOptions(max_versions=1)


@pytest.fixture
def engine(storage: Storage, clock) -> Engine:
    return Engine(storage, clock)


def make(engine: Engine, **options: int) -> None:
    engine.create_table("i", TableInfo("t", (PkColumn("pk", "STRING"),), options=TableOptions(**options)))


def cells(engine: Engine, read: ReadOptions = LATEST):
    row = engine.get_row("i", "t", PK, read).row
    return None if row is None else [(n, v) for n, v, _, _ in row.cells]


def test_ttl_hides_expired_cells_and_then_the_row(engine, clock):
    make(engine, time_to_live=DAY)
    engine.write_row("i", "t", RowWrite(PUT, PK, [("old", 1, None, None)]), "PutRow")
    clock.now += DAY / 2
    engine.write_row("i", "t", RowWrite(UPDATE, PK, [("new", 2, None, None)]), "UpdateRow")
    clock.now += DAY / 2 + 1
    assert cells(engine) == [("new", 2)]
    clock.now += DAY
    assert cells(engine) is None


def test_writes_outside_the_ttl_or_deviation_are_rejected(engine, clock):
    make(engine, time_to_live=DAY, deviation=3600)
    now_ms = int(clock.now * 1000)
    for ts in (now_ms - 3601_000, now_ms + 3600_000):
        with pytest.raises(TablestoreError) as info:
            engine.write_row("i", "t", RowWrite(PUT, PK, [("c", 1, ts, None)]), "PutRow")
        assert info.value.message == E.INVALID_TIMESTAMP.format(name="c")


def test_max_versions_trims_and_lowering_it_hides_versions(engine, clock):
    make(engine, max_versions=3)
    for i in range(5):
        engine.write_row("i", "t", RowWrite(UPDATE, PK, [("v", i, None, None)]), "UpdateRow")
    assert cells(engine, ReadOptions(max_versions=10)) == [("v", 4), ("v", 3), ("v", 2)]
    engine.update_table("i", "t", options={"max_versions": 1})
    assert cells(engine, ReadOptions(max_versions=10)) == [("v", 4)]


def test_increment_starts_at_zero_and_reports_the_new_value(engine):
    make(engine)
    op = RowWrite(UPDATE, PK, [("n", 5, None, CellOp.INCREMENT)], return_type=2, return_columns=("n",))
    first = engine.write_row("i", "t", op, "UpdateRow")
    second = engine.write_row("i", "t", op, "UpdateRow")
    assert [c[:2] for c in first.row.cells] == [("n", 5)]
    assert [c[:2] for c in second.row.cells] == [("n", 10)]
    assert (second.consumed.read, second.consumed.write) == (0, 1)


@pytest.mark.parametrize("cell, spec, params", [
    (("c", 1, None, CellOp.DELETE_ALL_VERSIONS), E.VALUE_WITH_DELETE, {}),
    (("c", None, None, CellOp.DELETE_ONE_VERSION), E.DELETE_ONE_NEEDS_TS, {}),
    (("c", None, 5, CellOp.DELETE_ALL_VERSIONS), E.DELETE_ALL_NO_TS, {}),
    (("c", "x", None, CellOp.INCREMENT), E.INCREMENT_NOT_INTEGER, {"name": "c"}),
    (("c", INF_MAX, None, None), E.INVALID_ATTRIBUTE_TYPE, {"type": "VT_INF_MAX"}),
])
def test_cell_rules_of_direct_callers(engine, cell, spec, params):
    """The DOC-ERR texts the engine gives cells the HTTP decoder would already refuse."""
    make(engine)
    with pytest.raises(TablestoreError) as info:
        engine.write_row("i", "t", RowWrite(UPDATE, PK, [cell]), "UpdateRow")
    assert (info.value.code, info.value.message) == (spec.code, spec.format(**params))
    assert engine.get_row("i", "t", PK, LATEST).row is None
