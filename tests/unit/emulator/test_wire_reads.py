"""Reads that copy stored row bytes (``*_wire``) answer exactly as reads that re-encode every row."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any, List, Optional, Tuple

from hypothesis import given
from hypothesis import strategies as st

from alicloud_storage.emulator.tablestore import codec
from alicloud_storage.emulator.tablestore.engine import (
    BACKWARD,
    FORWARD,
    PUT,
    UPDATE,
    Engine,
    ReadOptions,
    RowWrite,
)
from alicloud_storage.emulator.tablestore.filters import PaginationFilter
from alicloud_storage.emulator.tablestore.keys import encode_key
from alicloud_storage.emulator.tablestore.model import PkColumn, TableInfo, TableOptions
from alicloud_storage.emulator.tablestore.storage import Storage
from alicloud_storage.tablestore.wire.plainbuffer import INF_MAX, INF_MIN

NOW_MS = 1_700_000_000_000
COLUMNS = ("a", "b", "c", "é")
VALUES = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.binary(max_size=8),
)
CELLS = st.lists(
    st.tuples(st.sampled_from(COLUMNS), VALUES, st.sampled_from([NOW_MS - 4_000 + 1_000 * n for n in range(4)])),
    max_size=5,
)
WRITES = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from([PUT, UPDATE, UPDATE]), CELLS, st.booleans()), min_size=1, max_size=20
)


def _mostly(value: Any, other: Any) -> Any:
    """``value`` three times out of four (reads that may copy rows are the ones to test)."""
    return st.one_of(st.just(value), st.just(value), st.just(value), other)


READS = st.builds(
    ReadOptions,
    columns_to_get=_mostly((), st.lists(st.sampled_from(COLUMNS + ("pk",)), min_size=1, unique=True).map(tuple)),
    max_versions=st.one_of(st.integers(1, 4), st.none()),
    time_range=_mostly(None, st.tuples(st.integers(NOW_MS - 5_000, NOW_MS - 2_000), st.just(NOW_MS))),
    filter=_mostly(None, st.builds(PaginationFilter, st.integers(0, 2), st.integers(1, 3))),
).map(lambda read: read if read.max_versions or read.time_range else replace(read, max_versions=1))


def table(engine: Engine, max_versions: int, ttl: int = -1) -> None:
    options = TableOptions(max_versions=max_versions, time_to_live=ttl, deviation=86400)
    engine.create_table("i", TableInfo("t", (PkColumn("pk", "INTEGER"),), options=options))


def write(engine: Engine, storage: Storage, writes: List[Tuple[int, str, Any, bool]]) -> None:
    """Apply ``writes``; those flagged ``legacy`` are stored again without their encoding
    (as a database of an older version holds its rows)."""
    for key, kind, cells, legacy in writes:
        if kind == UPDATE and not cells:
            continue
        engine.write_row("i", "t", RowWrite(kind, [("pk", key)], [(n, v, ts, None) for n, v, ts in cells]), "PutRow")
        if legacy:
            info = storage.get_table("i", "t")
            assert info is not None
            stored = storage.get_row(info.tid, encode_key([key]))
            if stored is not None:
                storage.put_row(info.tid, encode_key([key]), stored)


def same_range(engine: Engine, read: ReadOptions, direction: int, limit: Optional[int]) -> None:
    start, end = ([("pk", INF_MIN)], [("pk", INF_MAX)]) if direction == FORWARD else ([("pk", INF_MAX)], [("pk", INF_MIN)])
    slow = engine.get_range("i", "t", direction, start, end, read, limit)
    fast = engine.get_range_wire("i", "t", direction, start, end, read, limit)
    assert codec.encode_rows(fast.rows) == codec.encode_rows(slow.rows)
    assert (fast.consumed, fast.next_start) == (slow.consumed, slow.next_start)


def same_gets(engine: Engine, read: ReadOptions) -> None:
    keys = [[("pk", key)] for key in range(14)]
    slow = engine.batch_get_row("i", [("t", keys, read)])
    fast = engine.batch_get_row_wire("i", [("t", keys, read)])
    for one_slow, one_fast, pk in zip(slow[0], fast[0], keys):
        assert not isinstance(one_slow, Exception) and not isinstance(one_fast, Exception)
        assert codec.encode_row(one_fast.row) == codec.encode_row(one_slow.row)
        assert one_fast.consumed == one_slow.consumed
        single = engine.get_row_wire("i", "t", pk, read)
        assert codec.encode_row(single.row) == codec.encode_row(one_slow.row)
        assert single.consumed == one_slow.consumed


@given(
    max_versions=st.integers(1, 3),
    writes=WRITES,
    lowered=st.one_of(st.none(), st.integers(1, 2)),
    read=READS,
    direction=st.sampled_from([FORWARD, BACKWARD]),
    limit=st.one_of(st.none(), st.integers(1, 6)),
)
def test_copied_rows_are_the_re_encoded_rows(max_versions, writes, lowered, read, direction, limit):
    storage = Storage(None)
    engine = Engine(storage, lambda: NOW_MS / 1000)
    table(engine, max_versions)
    write(engine, storage, writes)
    if lowered is not None:  # rows stored before keep more versions than the table now does
        engine.update_table("i", "t", options={"max_versions": lowered})
    same_range(engine, read, direction, limit)
    same_gets(engine, read)


def plain_engine() -> Engine:
    engine = Engine(Storage(None), lambda: NOW_MS / 1000)
    table(engine, 2)
    for key in range(3):
        engine.write_row("i", "t", RowWrite(PUT, [("pk", key)], [("a", key, None, None), ("b", "x", None, None)]), "PutRow")
    return engine


def test_a_read_of_whole_rows_copies_them_and_a_narrower_read_does_not():
    engine = plain_engine()
    whole = engine.get_range_wire("i", "t", FORWARD, [("pk", INF_MIN)], [("pk", INF_MAX)], ReadOptions(max_versions=1))
    assert [type(row) for row in whole.rows] == [bytes] * 3
    assert isinstance(engine.get_row_wire("i", "t", [("pk", 1)], ReadOptions(max_versions=1)).row, bytes)
    for read in (
        ReadOptions(max_versions=1, columns_to_get=("a",)),
        ReadOptions(time_range=(0, 2**62)),
        ReadOptions(max_versions=1, filter=PaginationFilter(0, 1)),
        ReadOptions(max_versions=1, start_column="b"),
    ):
        rows = engine.get_range_wire("i", "t", FORWARD, [("pk", INF_MIN)], [("pk", INF_MAX)], read).rows
        assert all(not isinstance(row, bytes) for row in rows)


def test_a_row_with_more_versions_than_read_is_re_encoded():
    engine = plain_engine()
    engine.write_row("i", "t", RowWrite(UPDATE, [("pk", 1)], [("a", 7, None, None)]), "UpdateRow")
    rows = engine.get_range_wire("i", "t", FORWARD, [("pk", INF_MIN)], [("pk", INF_MAX)], ReadOptions(max_versions=1)).rows
    assert [isinstance(row, bytes) for row in rows] == [True, False, True]
    both = engine.get_range_wire("i", "t", FORWARD, [("pk", INF_MIN)], [("pk", INF_MAX)], ReadOptions(max_versions=2)).rows
    assert [type(row) for row in both] == [bytes] * 3


def test_the_4_mb_cut_counts_copied_rows_as_re_encoded_ones(storage, clock):
    engine = Engine(storage, clock)
    table(engine, 1)
    for key in range(5):
        engine.write_row("i", "t", RowWrite(PUT, [("pk", key)], [("big", "x" * 1_500_000, None, None)]), "PutRow")
    read = ReadOptions(max_versions=1)
    fast = engine.get_range_wire("i", "t", FORWARD, [("pk", INF_MIN)], [("pk", INF_MAX)], read)
    slow = engine.get_range("i", "t", FORWARD, [("pk", INF_MIN)], [("pk", INF_MAX)], read)
    assert len(fast.rows) == len(slow.rows) == 3 and all(isinstance(row, bytes) for row in fast.rows)
    assert fast.next_start == slow.next_start == [("pk", 3)]
    assert codec.encode_rows(fast.rows) == codec.encode_rows(slow.rows)


def test_a_database_of_an_older_version_opens_and_its_rows_read_as_before(tmp_path, clock):
    path = str(tmp_path / "old.sqlite")
    engine = Engine(Storage(path), clock)
    table(engine, 1)
    engine.write_row("i", "t", RowWrite(PUT, [("pk", 1)], [("a", 1, None, None)]), "PutRow")
    expected = engine.get_row("i", "t", [("pk", 1)], ReadOptions(max_versions=1)).row
    db = sqlite3.connect(path)  # back to the schema of older versions: no encoded rows kept
    db.executescript(
        "CREATE TABLE old_rows (tid INTEGER NOT NULL, pk BLOB NOT NULL, data BLOB NOT NULL,"
        " PRIMARY KEY (tid, pk)) WITHOUT ROWID;"
        "INSERT INTO old_rows SELECT tid, pk, data FROM ots_rows; DROP TABLE ots_rows;"
        "ALTER TABLE old_rows RENAME TO ots_rows;"
    )
    db.close()
    reopened = Engine(Storage(path), clock)
    old = reopened.get_row_wire("i", "t", [("pk", 1)], ReadOptions(max_versions=1))
    assert not isinstance(old.row, bytes) and old.row == expected
    reopened.write_row("i", "t", RowWrite(PUT, [("pk", 2)], [("a", 2, None, None)]), "PutRow")
    new = reopened.get_row_wire("i", "t", [("pk", 2)], ReadOptions(max_versions=1))
    assert isinstance(new.row, bytes)
