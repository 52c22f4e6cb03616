"""BatchGetRow's one-pass key checks, its one lookup per table and its directly written response."""
from __future__ import annotations

from typing import Any, List, Optional, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alicloud_storage.emulator.tablestore import codec, indexes, validate
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.engine import PUT, Engine, ReadOptions, RowWrite, WireRead, plain_keys
from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.keys import encode_key
from alicloud_storage.emulator.tablestore.model import CapacityUnits, PkColumn, TableInfo
from alicloud_storage.emulator.tablestore.storage import Storage
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.plainbuffer import AUTO_INCREMENT, INF_MAX, INF_MIN, PlainRow

NOW = 1_700_000_000.0
SCHEMA = (PkColumn("a", "INTEGER"), PkColumn("b", "STRING"), PkColumn("c", "BINARY"))
PK_VALUES = st.one_of(
    st.integers(-(2**63), 2**63 - 1), st.booleans(), st.floats(allow_nan=False),
    st.text(max_size=3), st.text(min_size=1020, max_size=1030), st.text("é", min_size=511, max_size=513),
    st.binary(max_size=3).map(bytearray), st.binary(min_size=1024, max_size=1025),
    st.sampled_from([INF_MIN, INF_MAX, AUTO_INCREMENT]),
)
KEYS = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "#x", ""]), PK_VALUES), max_size=4)


def full_checks(info: TableInfo, pk: List[Any]) -> Optional[str]:
    """The error code of the checks every read key goes through (None: the key passes)."""
    engine = Engine(Storage(None), lambda: NOW)
    try:
        validate.primary_key(pk, max_columns=indexes.INDEX_PK_MAX)
        engine._check_pk_schema(info, pk, write=False)
    except TablestoreError as exc:
        return exc.code
    return None


@given(keys=st.lists(KEYS, min_size=1, max_size=3))
def test_keys_pass_the_one_pass_check_only_when_the_full_checks_pass(keys: List[List[Any]]) -> None:
    info = TableInfo("t", SCHEMA, tid=1)
    stored = plain_keys(info, keys)
    failures = [full_checks(info, pk) for pk in keys]
    if stored is not None:
        assert failures == [None] * len(keys)
        assert stored == [encode_key([value for _, value in pk]) for pk in keys]
    else:
        assert any(failures) or any(type(v) not in (int, str, bytes, bytearray) for pk in keys for _, v in pk)


def test_well_formed_keys_of_every_type_pass_the_one_pass_check() -> None:
    info = TableInfo("t", SCHEMA, tid=1)
    keys = [[("a", 1), ("b", "x" * 1024), ("c", bytearray(b"\0" * 1024))], [("a", -5), ("b", ""), ("c", b"")]]
    assert plain_keys(info, keys) == [encode_key([v for _, v in pk]) for pk in keys]
    assert plain_keys(None, keys) is None


def engine_with_rows() -> Engine:
    engine = Engine(Storage(None), lambda: NOW)
    for name in ("t1", "t2"):
        engine.create_table("i", TableInfo(name, (PkColumn("pk", "INTEGER"),)))
        for key in range(0, 10, 2):
            engine.write_row("i", name, RowWrite(PUT, [("pk", key)], [("v", f"{name}-{key}", None, None)]), "PutRow")
    return engine


def test_one_batch_reads_duplicates_missing_rows_bad_keys_and_several_tables_in_request_order() -> None:
    engine = engine_with_rows()
    read = ReadOptions(max_versions=1)
    t1 = [[("pk", 4)], [("pk", 3)], [("pk", 4)], [("pk", 0)], [("pk", "x")], [("pk", 8)]]
    t2 = [[("pk", 9)], [("pk", 2)], [("pk", 2)]]
    results = engine.batch_get_row_wire("i", [("t1", t1, read), ("absent", [[("pk", 1)]], read), ("t2", t2, read)])

    def values(rows: List[Union[WireRead, TablestoreError]]) -> List[Any]:
        out: List[Any] = []
        for row in rows:
            if isinstance(row, TablestoreError):
                out.append(row.code)
            elif row.row is None:
                out.append(None)
            else:
                decoded = plainbuffer.decode_rows(codec.encode_row(row.row))[0]
                out.append(decoded.cells[0][1])
        return out

    assert values(results[0]) == ["t1-4", None, "t1-4", "t1-0", E.PK_TYPE_MISMATCH.code, "t1-8"]
    assert values(results[1]) == [E.TABLE_NOT_EXIST.code]
    assert values(results[2]) == [None, "t2-2", "t2-2"]
    # the same answers, row for row, as a read of each key alone
    for (table, keys), table_results in zip((("t1", t1), ("t2", t2)), (results[0], results[2])):
        for pk, result in zip(keys, table_results):
            try:
                alone: Any = engine.get_row_wire("i", table, pk, read)
            except TablestoreError as exc:
                alone = exc
            assert values([alone]) == values([result])
            if not isinstance(result, TablestoreError):
                assert result.consumed == alone.consumed


def protobuf_response(tables: List[str], results: List[List[Union[WireRead, TablestoreError]]]) -> bytes:
    """The response as protobuf builds it, one message per row."""
    response = pb.BatchGetRowResponse()
    for table, table_results in zip(tables, results):
        out = response.tables.add(table_name=table)
        for result in table_results:
            if isinstance(result, TablestoreError):
                out.rows.add(is_ok=False, error=pb.Error(code=result.code, message=result.message))
            else:
                capacity = pb.CapacityUnit(read=result.consumed.read, write=result.consumed.write)
                out.rows.add(is_ok=True, consumed=pb.ConsumedCapacity(capacity_unit=capacity),
                             row=codec.encode_row(result.row))
    return response.SerializeToString()


ROWS = st.one_of(
    st.none(),
    st.binary(max_size=300),
    st.binary(min_size=20_000, max_size=20_001),  # lengths of three varint bytes
    st.builds(lambda n, v: PlainRow([("pk", n)], [("v", v, 1, None)]), st.integers(0, 9), st.text(max_size=200)),
)
RESULTS = st.one_of(
    st.builds(WireRead, st.builds(CapacityUnits, st.integers(0, 300), st.integers(0, 300)), ROWS),
    st.builds(lambda code, message: TablestoreError(400, code, message), st.text(max_size=20), st.text(max_size=200)),
)


@given(tables=st.lists(st.tuples(st.text(min_size=1, max_size=140), st.lists(RESULTS, max_size=6)), min_size=1,
                       max_size=3))
def test_the_written_response_is_the_bytes_protobuf_writes(tables: List[Any]) -> None:
    names = [name for name, _ in tables]
    results = [rows for _, rows in tables]
    data = codec.batch_get_response(names, results)
    assert data == protobuf_response(names, results)
    assert pb.BatchGetRowResponse.FromString(data).SerializeToString() == data


@pytest.mark.parametrize("size", [0, 0x7F, 0x80, 0x3FFF, 0x4000, 0x1FFFFF, 0x200000, 5 << 20])
def test_lengths_at_every_varint_width_are_written_as_protobuf_writes_them(size: int) -> None:
    results: List[List[Union[WireRead, TablestoreError]]] = [[WireRead(CapacityUnits(1, 0), b"x" * size)]]
    assert codec.batch_get_response(["t"], results) == protobuf_response(["t"], results)
