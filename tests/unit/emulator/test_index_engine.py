"""Secondary indexes in the engine on a fake clock: the index always equals what a scan of
the base table predicts (a property over random writes), TTL expiry, and rows written in
the same SQLite transaction as the base row."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alicloud_storage.emulator.tablestore.engine import DELETE, PUT, UPDATE, Engine, ReadOptions, RowWrite
from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.model import IndexInfo, PkColumn, TableInfo, TableOptions
from alicloud_storage.emulator.tablestore.storage import Storage
from alicloud_storage.tablestore.wire.plainbuffer import INF_MAX, INF_MIN, CellOp

LATEST = ReadOptions(max_versions=1)
BASE = TableInfo(
    "t", (PkColumn("pk", "INTEGER"), PkColumn("sk", "STRING")),
    defined_columns=(("s", "STRING"), ("i", "INTEGER"), ("x", "DOUBLE")),
    indexes=(IndexInfo("by_s", ("s",), ("i", "x")), IndexInfo("by_i_s", ("i", "s"), ()),
             IndexInfo("local_i", ("pk", "i"), ("s",), local=True)),
)
INDEX_KEYS = {"by_s": ("s", "pk", "sk"), "by_i_s": ("i", "s", "pk", "sk"), "local_i": ("pk", "i", "sk")}
INDEX_ATTRS = {"by_s": ("i", "x"), "by_i_s": (), "local_i": ("s",)}
KEY_TYPES = {"s": str, "i": int, "pk": int, "sk": str}


def scan(engine: Engine, table: str, names: Tuple[str, ...]) -> List[Tuple[tuple, Dict[str, Any]]]:
    start = [(n, INF_MIN) for n in names]
    end = [(n, INF_MAX) for n in names]
    rows = engine.get_range("i", table, 0, start, end, LATEST).rows
    return [(tuple(v for _, v in r.primary_key), {c[0]: c[1] for c in r.cells}) for r in rows]


def predicted(engine: Engine, index: str) -> List[Tuple[tuple, Dict[str, Any]]]:
    """The index rows a scan of the base table predicts: keys present and of the key's type."""
    out = []
    for pk, cells in scan(engine, "t", ("pk", "sk")):
        row = {"pk": pk[0], "sk": pk[1], **cells}
        names = INDEX_KEYS[index]
        if all(type(row.get(n)) is KEY_TYPES[n] for n in names):
            out.append((tuple(row[n] for n in names), {a: cells[a] for a in INDEX_ATTRS[index] if a in cells}))
    return sorted(out, key=lambda item: [(0, v) if isinstance(v, int) else (1, v) for v in item[0]])


keys = st.tuples(st.integers(0, 3), st.sampled_from(["a", "b", "c"]))
values = {
    "s": st.sampled_from(["p", "q", "r", "q2"]),
    "i": st.one_of(st.integers(-2, 2), st.just("not-int")),
    "x": st.floats(-1, 1, allow_nan=False),
}
cells = st.dictionaries(st.sampled_from(sorted(values)), st.none()).flatmap(
    lambda chosen: st.fixed_dictionaries({name: values[name] for name in chosen})
)
put_op = st.builds(lambda k, c: RowWrite(PUT, [("pk", k[0]), ("sk", k[1])], [(n, v, None, None) for n, v in c.items()]),
                   keys, cells)
update_op = st.builds(
    lambda k, c, removed, inc: RowWrite(
        UPDATE, [("pk", k[0]), ("sk", k[1])],
        [(n, v, None, None) for n, v in c.items()] + [(n, None, None, CellOp.DELETE_ALL_VERSIONS) for n in removed if n not in c]
        + ([("i", inc, None, CellOp.INCREMENT)] if inc is not None and "i" not in c and "i" not in removed else []),
    ),
    keys, cells, st.lists(st.sampled_from(["s", "i", "x"]), max_size=2, unique=True), st.one_of(st.none(), st.integers(-3, 3)),
)
delete_op = st.builds(lambda k: RowWrite(DELETE, [("pk", k[0]), ("sk", k[1])]), keys)
ops = st.lists(st.lists(st.one_of(put_op, update_op, delete_op), min_size=1, max_size=3), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=ops)
def test_every_index_equals_the_scan_of_the_base_table(clock, batches):
    engine = Engine(Storage(None), clock)
    engine.create_table("i", BASE)
    for batch in batches:
        try:  # refused writes (an empty update, an increment of a non-integer) write nothing
            if len(batch) == 1:
                op = batch[0]
                engine.write_row("i", "t", op, {PUT: "PutRow", UPDATE: "UpdateRow", DELETE: "DeleteRow"}[op.kind])
            else:
                unique = {tuple(op.primary_key): op for op in batch}
                engine.batch_write_row("i", [("t", list(unique.values()))])
        except TablestoreError:
            pass
        clock.now += 0.001
        for index in INDEX_KEYS:
            assert scan(engine, index, INDEX_KEYS[index]) == predicted(engine, index), index


@pytest.fixture
def engine(storage: Storage, clock) -> Engine:
    return Engine(storage, clock)


def test_index_rows_expire_with_the_base_rows_key_columns(engine, clock):
    day = 86400
    info = TableInfo(
        "t", (PkColumn("pk", "INTEGER"),), defined_columns=(("s", "STRING"), ("a", "STRING")),
        options=TableOptions(time_to_live=day, allow_update=False),
        indexes=(IndexInfo("by_s", ("s",), ("a",)), IndexInfo("by_pk", ("pk",), ("a",))),
    )
    engine.create_table("i", info)
    engine.write_row("i", "t", RowWrite(PUT, [("pk", 1)], [("s", "old", None, None), ("a", "x", None, None)]), "PutRow")
    clock.now += day / 2
    ts = int(clock.now * 1000)
    engine.write_row("i", "t", RowWrite(PUT, [("pk", 2)], [("s", "new", ts - day * 500 - 10_000, None), ("a", "y", ts, None)]), "PutRow")
    assert [k for k, _ in scan(engine, "by_s", ("s", "pk"))] == [("new", 2), ("old", 1)]
    clock.now += day / 2 + 1  # row 1 expired; row 2's key column is older than its attribute
    assert scan(engine, "t", ("pk",)) == [((2,), {"a": "y"})]
    assert scan(engine, "by_s", ("s", "pk")) == []
    assert scan(engine, "by_pk", ("pk",)) == [((2,), {"a": "y"})]
    assert engine.get_row("i", "by_pk", [("pk", 1)], LATEST).row is None


def test_a_failed_batch_row_leaves_no_index_row_and_reads_of_long_keys_work(engine):
    engine.create_table("i", BASE)
    ok = RowWrite(PUT, [("pk", 1), ("sk", "a")], [("s", "p", None, None), ("i", 1, None, None)])
    engine.write_row("i", "t", ok, "PutRow")
    row = engine.get_row("i", "by_i_s", [("i", 1), ("s", "p"), ("pk", 1), ("sk", "a")], LATEST).row
    assert row is not None and row.cells == []
    storage_rows = engine.batch_write_row("i", [("t", [
        RowWrite(UPDATE, [("pk", 1), ("sk", "a")], [("s", "x", None, None), ("s2", 1, None, None)]),
        RowWrite(UPDATE, [("pk", 2), ("sk", "a")], [("s", 5, None, CellOp.INCREMENT)]),
    ])])
    assert [isinstance(r, TablestoreError) for r in storage_rows[0]] == [False, False]
    assert [k for k, _ in scan(engine, "by_s", INDEX_KEYS["by_s"])] == [("x", 1, "a")]


def test_drop_index_and_delete_table_remove_index_rows(engine, storage):
    engine.create_table("i", BASE)
    engine.write_row("i", "t", RowWrite(PUT, [("pk", 1), ("sk", "a")], [("s", "p", None, None), ("i", 1, None, None)]), "PutRow")
    engine.drop_index("i", "t", "by_s")
    assert [i.name for i in engine.describe_table("i", "t").indexes] == ["by_i_s", "local_i"]
    engine.delete_table("i", "t")
    assert storage.connection.execute("SELECT COUNT(*) FROM ots_rows").fetchone()[0] == 0
    assert storage.connection.execute("SELECT COUNT(*) FROM ots_tables").fetchone()[0] == 0
