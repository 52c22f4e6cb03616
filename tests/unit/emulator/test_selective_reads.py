"""Reads that decode only the columns they return or filter on answer exactly as a full decode of
every stored row followed by the projection (columns, versions, time range, TTL, filters)."""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st

from alicloud_storage.emulator.tablestore import codec
from alicloud_storage.emulator.tablestore.engine import FORWARD, PUT, UPDATE, Engine, ReadOptions, RowWrite
from alicloud_storage.emulator.tablestore.filters import (
    AND,
    EQUAL,
    EXIST,
    GREATER_EQUAL,
    LESS_THAN,
    NOT,
    NOT_EQUAL,
    NOT_EXIST,
    OR,
    CompositeFilter,
    PaginationFilter,
    SingleFilter,
)
from alicloud_storage.emulator.tablestore.keys import encode_key
from alicloud_storage.emulator.tablestore.model import IndexInfo, PkColumn, TableInfo, TableOptions
from alicloud_storage.emulator.tablestore.storage import Storage, decode_cells
from alicloud_storage.tablestore.wire.plainbuffer import INF_MAX, INF_MIN

DAY_MS = 86_400_000
COLUMNS = ("a", "b", "c", "é", "long_column_name")
VALUES = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.text(max_size=6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.binary(max_size=6).map(bytearray),
)
CELLS = st.lists(
    st.tuples(st.sampled_from(COLUMNS), VALUES, st.integers(0, 4).map(lambda n: -n * 20_000_000)), max_size=8
)
# (key, kind, cells (name, value, ms before now), stored as an older version stored it)
WRITES = st.lists(st.tuples(st.integers(0, 7), st.sampled_from([PUT, UPDATE]), CELLS, st.booleans()),
                  min_size=1, max_size=16)
SINGLE = st.builds(
    SingleFilter,
    comparator=st.sampled_from([EQUAL, NOT_EQUAL, GREATER_EQUAL, LESS_THAN, EXIST, NOT_EXIST]),
    column=st.sampled_from(COLUMNS + ("absent",)),
    value=VALUES,
    pass_if_missing=st.booleans(),
    latest_version_only=st.booleans(),
)
PAGINATION = st.builds(PaginationFilter, st.integers(0, 2), st.integers(1, 3))
FILTERS = st.one_of(
    st.none(),
    st.recursive(st.one_of(SINGLE, PAGINATION), lambda children: st.one_of(  # a page inside a tree: always true
        st.builds(CompositeFilter, st.just(NOT), st.tuples(children)),
        st.builds(CompositeFilter, st.sampled_from([AND, OR]), st.lists(children, min_size=2, max_size=3).map(tuple)),
    ), max_leaves=4),
    PAGINATION,
)
READS = st.builds(
    ReadOptions,
    columns_to_get=st.one_of(
        st.just(()), st.lists(st.sampled_from(COLUMNS + ("pk", "absent")), min_size=1, max_size=3, unique=True).map(tuple)
    ),
    max_versions=st.one_of(st.none(), st.integers(1, 4)),
    time_range=st.one_of(st.none(), st.tuples(st.integers(-100_000_000, 0), st.integers(1, 2 * DAY_MS))),
    filter=FILTERS,
)


def full_decode_and_projection(engine: Engine, storage: Storage, info: TableInfo, read: ReadOptions,
                               now_ms: int) -> List[Tuple[Any, Any]]:
    """Per key present, the row a read returns from its whole stored cells (the pre-selective path)."""
    out = []
    for key in range(8):
        data = storage.get_data(info.tid, encode_key([key]))
        if data is not None:
            row = engine._cells_row(info, [("pk", key)], decode_cells(data), read, now_ms)  # every column decoded
            out.append((key, row))
    return out


def store(engine: Engine, storage: Storage, info: TableInfo, writes: List[Tuple[int, str, Any, bool]],
          now_ms: int) -> None:
    """Apply ``writes``; those flagged ``legacy`` are stored again as before column directories
    (records only, no encoding kept)."""
    for key, kind, cells, legacy in writes:
        if kind == UPDATE and not cells:
            continue
        changes = [(name, value, now_ms + age, None) for name, value, age in cells]
        engine.write_row("i", "t", RowWrite(kind, [("pk", key)], changes), "PutRow")
        data = storage.get_data(info.tid, encode_key([key]))
        if legacy and data:
            records = data[6 + 4 * int.from_bytes(data[2:6], "little"):]
            storage.connection.execute("UPDATE ots_rows SET data=?, wire=NULL, wire_size=NULL, wire_versions=NULL"
                                       " WHERE tid=? AND pk=?", (records, info.tid, encode_key([key])))


class Clock:
    """Epoch seconds that move only when the test moves them."""

    now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@settings(max_examples=300, deadline=None)
@given(
    writes=WRITES,
    max_versions=st.integers(1, 3),
    ttl=st.booleans(),
    later_ms=st.integers(0, DAY_MS),
    read=READS,
)
def test_selective_reads_equal_full_decode_then_projection(writes, max_versions, ttl, later_ms, read):
    clock = Clock()
    storage = Storage(None)
    engine = Engine(storage, clock)
    options = TableOptions(max_versions=max_versions, time_to_live=86400 if ttl else -1)
    engine.create_table("i", TableInfo("t", (PkColumn("pk", "INTEGER"),), options=options))
    info = storage.get_table("i", "t")
    assert info is not None
    now_ms = int(clock.now * 1000)
    store(engine, storage, info, writes, now_ms)
    clock.now += later_ms / 1000  # under a TTL, some versions expire
    if read.time_range is not None:
        read = ReadOptions(read.columns_to_get, read.max_versions,
                           (now_ms + read.time_range[0], now_ms + read.time_range[1]), read.filter)
    elif read.max_versions is None:
        read = ReadOptions(read.columns_to_get, 1, None, read.filter)
    expected = full_decode_and_projection(engine, storage, info, read, int(clock.now * 1000))
    expected_rows = [row for _, row in expected if row is not None]

    for copy in (False, True):
        found = (engine.get_range_wire if copy else engine.get_range)(
            "i", "t", FORWARD, [("pk", INF_MIN)], [("pk", INF_MAX)], read)
        assert codec.encode_rows(found.rows) == codec.encode_rows(expected_rows)
        assert found.next_start is None
    keys = [[("pk", key)] for key, _ in expected]
    if keys:
        for batch in (engine.batch_get_row("i", [("t", keys, read)]), engine.batch_get_row_wire("i", [("t", keys, read)])):
            assert [codec.encode_row(result.row) for result in batch[0]] == [codec.encode_row(row) for _, row in expected]
    for key, row in expected:
        for get in (engine.get_row, engine.get_row_wire):
            assert codec.encode_row(get("i", "t", [("pk", key)], read).row) == codec.encode_row(row)


def test_an_index_row_read_by_column_list_or_filter_expires_with_its_marker(storage, clock):
    """The TTL marker (a hidden cell) is decoded for every read of an index table, whatever it returns."""
    info = TableInfo(
        "t", (PkColumn("pk", "INTEGER"),), defined_columns=(("s", "STRING"), ("a", "STRING")),
        options=TableOptions(time_to_live=86400, allow_update=False), indexes=(IndexInfo("by_s", ("s",), ("a",)),),
    )
    engine = Engine(storage, clock)
    engine.create_table("i", info)
    engine.write_row("i", "t", RowWrite(PUT, [("pk", 1)], [("s", "k", None, None), ("a", "x", None, None)]), "PutRow")
    keys = ([("s", INF_MIN), ("pk", INF_MIN)], [("s", INF_MAX), ("pk", INF_MAX)])
    reads = (
        ReadOptions(("a",), 1),
        ReadOptions((), 1, filter=SingleFilter(EQUAL, "a", "x")),
        ReadOptions(("s",), 1, filter=SingleFilter(EQUAL, "a", "x")),
    )
    before = [engine.get_range_wire("i", "by_s", FORWARD, *keys, read).rows for read in reads]
    assert [[row.primary_key for row in rows] for rows in before] == [[[("s", "k"), ("pk", 1)]]] * 3
    assert [row.cells for row in before[0]] == [[("a", "x", before[0][0].cells[0][2], None)]]
    clock.now += 86400 + 1
    for read in reads:
        assert engine.get_range_wire("i", "by_s", FORWARD, *keys, read).rows == []
        assert engine.get_row_wire("i", "by_s", [("s", "k"), ("pk", 1)], read).row is None
