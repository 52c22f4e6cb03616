"""BatchGetRow's batch steps (storage keys of the request's keys, a table's part of the response
from stored bytes): the extension against the pure-Python reference, on valid and malformed
input, and the batch path against the full path, whose answers it must match byte for byte."""
from __future__ import annotations

import sqlite3
import struct
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from alicloud_storage.emulator.tablestore import codec, handlers, limits
from alicloud_storage.emulator.tablestore.engine import PUT, Engine, RowWrite, plain_keys
from alicloud_storage.emulator.tablestore.handlers import Context
from alicloud_storage.emulator.tablestore.keys import encode_key
from alicloud_storage.emulator.tablestore.model import PkColumn, TableInfo, TableOptions
from alicloud_storage.emulator.tablestore.storage import EncodedRow, Storage
from alicloud_storage.emulator.tablestore.timeseries_engine import TimeseriesEngine
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.plainbuffer import AUTO_INCREMENT, INF_MAX, INF_MIN

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "wire"))  # the wire tests' helper
from codec_backends import compiled_codec  # noqa: E402

NOW = 1_700_000_000.0
SCHEMA = (PkColumn("a", "INTEGER"), PkColumn("b", "STRING"), PkColumn("c", "BINARY"))
INFO = TableInfo("t", SCHEMA, tid=1)
PK_VALUES = st.one_of(
    st.integers(-(2**63), 2**63 - 1), st.booleans(), st.floats(allow_nan=False),
    st.text(max_size=3), st.text(min_size=1020, max_size=1030), st.text("é\0", min_size=511, max_size=513),
    st.binary(max_size=3), st.binary(min_size=1024, max_size=1025),
    st.sampled_from([INF_MIN, INF_MAX, AUTO_INCREMENT]),
)
NAMES = st.sampled_from(["a", "b", "c", "d", "#x", ""])
WELL_FORMED = st.tuples(st.integers(-(2**63), 2**63 - 1), st.text(max_size=20), st.binary(max_size=20)).map(
    lambda v: [("a", v[0]), ("b", v[1]), ("c", v[2])]
)
KEYS = st.one_of(WELL_FORMED, st.lists(st.tuples(NAMES, PK_VALUES), min_size=1, max_size=4))


def key_buffer(pk: List[Tuple[str, Any]]) -> Optional[bytes]:
    """The PlainBuffer of a key (None where the encoder refuses it, e.g. a float)."""
    try:
        return plainbuffer.PURE_PYTHON.encode_primary_key(pk)
    except Exception:
        return None


@pytest.fixture(scope="module")
def native() -> Any:
    compiled_codec()  # fails when the extension is missing (unless the fallback was chosen)
    from alicloud_storage.tablestore.wire import _plainbuffer

    return _plainbuffer


def native_keys(native: Any, buffers: Any, info: TableInfo = INFO) -> Optional[List[bytes]]:
    names = tuple(c.name for c in info.primary_key)
    kinds = bytes({"INTEGER": 0x10, "STRING": 0x20, "BINARY": 0x30}[c.type] for c in info.primary_key)
    keys: Optional[List[bytes]] = native.storage_keys(buffers, names, kinds, limits.PK_VALUE_MAX_BYTES)
    return keys


# ------------------------------------------------------------------- storage keys


@settings(max_examples=300)
@given(keys=st.lists(KEYS, min_size=1, max_size=4))
def test_storage_keys_match_the_reference_and_the_one_pass_check(native: Any, keys: List[Any]) -> None:
    buffers = [b for b in map(key_buffer, keys) if b is not None]
    expected = codec.storage_keys_py(buffers, INFO)
    assert native_keys(native, buffers) == expected
    decoded = [plainbuffer.PURE_PYTHON.decode_row(b).primary_key for b in buffers]
    assert expected == plain_keys(INFO, decoded)
    if expected is not None:  # independently: the sortable encoding of each key's values
        assert expected == [encode_key([v for _, v in pk]) for pk in decoded]


def test_storage_keys_of_well_formed_keys_at_the_limits(native: Any) -> None:
    keys = [[("a", -(2**63)), ("b", "é" * 512), ("c", b"\0" * 1024)], [("a", 2**63 - 1), ("b", ""), ("c", b"")]]
    buffers = [plainbuffer.encode_primary_key(pk) for pk in keys]
    stored = [encode_key([v for _, v in pk]) for pk in keys]
    assert codec.storage_keys_py(buffers, INFO) == native_keys(native, buffers) == stored
    assert native_keys(native, []) == codec.storage_keys_py([], INFO) == []
    too_long = [plainbuffer.encode_primary_key([("a", 1), ("b", "x" * 1025), ("c", b"")])]
    assert native_keys(native, too_long) is None and codec.storage_keys_py(too_long, INFO) is None
    padded = [buffers[1] + b"\0\0"]  # accepted by the full path (the Node SDK's zero padding), not here
    assert native_keys(native, padded) is None and codec.storage_keys_py(padded, INFO) is None


SOURCES = [
    plainbuffer.encode_primary_key([("a", 7), ("b", "k\0y"), ("c", b"\x00\x01")]),
    plainbuffer.encode_put_row([("a", -1), ("b", ""), ("c", b"z")], [("v", 1)]),  # a key with a cell: served
    plainbuffer.encode_delete_row([("a", 2**40), ("b", "é"), ("c", b"")]),
]


def corruptions(source: bytes) -> List[bytes]:
    """Every truncation, every single-byte corruption and every length field set to hostile values."""
    out = [source[:size] for size in range(len(source))]
    for offset in range(len(source)):
        for mask in (0x01, 0x80, 0xFF):
            out.append(source[:offset] + bytes((source[offset] ^ mask,)) + source[offset + 1:])
        for value in (0, 1, 0x7FFFFFFF, 0xFFFFFFFF):
            out.append(source[:offset] + struct.pack("<I", value) + source[offset + 4:])
    return out


@pytest.mark.parametrize("source", SOURCES, ids=["key", "key-with-cell", "delete-marker"])
def test_malformed_key_buffers_get_the_references_answer(native: Any, source: bytes) -> None:
    assert native_keys(native, [source]) == codec.storage_keys_py([source], INFO) is not None
    for data in corruptions(source):
        expected = codec.storage_keys_py([data], INFO)
        assert native_keys(native, [data]) == expected, data.hex()
        assert native_keys(native, [SOURCES[0], data]) == codec.storage_keys_py([SOURCES[0], data], INFO)


def test_storage_keys_take_only_bytes_and_check_their_arguments(native: Any) -> None:
    assert native_keys(native, [bytearray(SOURCES[0])]) is None
    assert codec.storage_keys_py([bytearray(SOURCES[0])], INFO) is None  # type: ignore[list-item]
    for bad in ((SOURCES, ("a",), b"\x10\x20", 5), (SOURCES, ("a", 1), b"\x10\x20", 5), (1, ("a",), b"\x10", 5)):
        with pytest.raises(TypeError):
            native.storage_keys(*bad)


# ------------------------------------------------------------- a table's response part

WIRES = st.one_of(st.binary(max_size=200), st.just(b"w" * 20_000))
SIZES = st.sampled_from([0, 1, 4095, 4096, 4097, 20_000, 2**31])


def aggregated(rows: List[Tuple[int, Optional[bytes], int]]) -> Tuple[Any, ...]:
    """(position, wire or None, size) rows as ``Storage.wire_rows`` returns them: SQLite's row."""
    if not rows:
        return (None, None, None, None)
    wires = [wire for _, wire, _ in rows if wire is not None]
    return (",".join(str(p) for p, _, _ in rows), ",".join(str(-1 if w is None else len(w)) for _, w, _ in rows),
            ",".join(str(size) for _, _, size in rows), b"".join(wires) if wires else None)


@given(table=st.text(min_size=1, max_size=300), count=st.integers(0, 8), data=st.data())
def test_a_tables_part_matches_the_reference_and_parses_as_protobuf(
    native: Any, table: str, count: int, data: st.DataObject
) -> None:
    positions = data.draw(st.lists(st.integers(0, count - 1), max_size=count, unique=True)) if count else []
    rows = [(position, data.draw(WIRES), data.draw(SIZES)) for position in positions]
    found = aggregated(rows)
    expected = codec.batch_rows_py(table, count, found, limits.CU_BYTES)
    assert native.batch_rows(table, count, found, limits.CU_BYTES) == expected
    assert expected is not None
    response = pb.BatchGetRowResponse.FromString(expected)
    by_position = {row[0]: row for row in rows}
    assert response.tables[0].table_name == table
    assert len(response.tables[0].rows) == count
    for position, row in enumerate(response.tables[0].rows):
        stored = by_position.get(position)
        assert row.is_ok and row.consumed.capacity_unit.write == 0
        units = 1 if stored is None else max(1, (stored[2] + 4095) // 4096)
        assert row.consumed.capacity_unit.read == units
        assert row.row == (b"" if stored is None else b"\x75\x00\x00\x00" + stored[1])


def test_a_row_found_without_its_bytes_sends_the_table_down_the_full_path(native: Any) -> None:
    rows = [(0, b"x", 1), (1, None, 0)]
    assert native.batch_rows("t", 2, aggregated(rows), 4096) is None
    assert codec.batch_rows_py("t", 2, aggregated(rows), 4096) is None
    assert native.batch_rows("t", 2, aggregated(rows[1:]), 4096) is None  # (no bytes at all)
    first = aggregated(rows[:1])
    assert native.batch_rows("t", 2, first, 4096) == codec.batch_rows_py("t", 2, first, 4096) is not None


BAD_ARGUMENTS = [
    ("t", 1, ("0", "1", "1"), 1), ("t", 1, ("0", "1", "1", b"x", b""), 1), ("t", 1, ["0", "1", "1", b"x"], 1),
    ("t", 1, ("0", "1", "1", "x"), 1), ("t", 1, ("0", "1", 1, b"x"), 1), ("t", 1, (0, "1", "1", b"x"), 1),
    ("t", 1, ("0", b"1", "1", b"x"), 1), ("t", 1, ("0", "1", "1", bytearray(b"x")), 1),  # types
    ("t", 1, ("0", None, "1", b"x"), 1), ("t", 1, (None, None, None, b""), 1),  # None with others
    ("t", 1, ("", "", "", b""), 1), ("t", 1, ("0,", "1,", "1,", b"x"), 1), ("t", 1, (" 0", "1", "1", b"x"), 1),
    ("t", 1, ("+0", "1", "1", b"x"), 1), ("t", 1, ("0", "1", "1.0", b"x"), 1), ("t", 1, ("0", "1", "1e3", b"x"), 1),
    ("t", 1, ("0", "1", "9223372036854775808", b"x"), 1), ("t", 1, ("٣", "1", "1", b"x"), 1),  # malformed
    ("t", 1, ("\ud800", "1", "1", b"x"), 1), ("t", 1, ("0,0", "1", "1,1", b"x"), 1),  # unaligned
    ("t", 2, ("0,1", "1,1", "1", b"xy"), 1), ("t", 1, ("0", "1,1", "1", b"x"), 1),
    ("t", 1, ("1", "1", "1", b"x"), 1), ("t", 1, ("-1", "1", "1", b"x"), 1), ("t", 0, ("0", "-1", "1", None), 1),
    ("t", 2, ("0,2", "-1,-1", "1,1", None), 1),  # out of range after a row that does not serve
    ("t", 1, ("0", "2", "1", b"x"), 1), ("t", 1, ("0", "1", "1", b"xy"), 1), ("t", 1, ("0", "-2", "1", b""), 1),
    ("t", 1, ("0", "1", "-1", b"x"), 1), ("t", 1, ("0", "1", "1", None), 1),  # lengths, sizes, bytes
    ("t", [b"k"], (None,) * 4, 1), ("t", 1.0, (None,) * 4, 1), ("t", True, (None,) * 4, 1),
    ("t", -1, (None,) * 4, 1), ("t", 2**64, (None,) * 4, 1),  # count
    ("t", 1, [], 1), ("t", 1, (None,) * 4, 0), ("t", 1, (None,) * 4, -1), (b"t", 1, (None,) * 4, 1),
]


@pytest.mark.parametrize("bad", BAD_ARGUMENTS, ids=range(len(BAD_ARGUMENTS)))
def test_malformed_rows_and_positions_raise_in_both(native: Any, bad: Tuple[Any, ...]) -> None:
    with pytest.raises((TypeError, ValueError)) as compiled:
        native.batch_rows(*bad)
    with pytest.raises((TypeError, ValueError)) as reference:
        codec.batch_rows_py(*bad)
    assert compiled.type is reference.type


@settings(max_examples=200)
@given(found=st.tuples(*[st.one_of(st.none(), st.text("0123456789,-", max_size=12))] * 3,
                       st.one_of(st.none(), st.binary(max_size=12))),
       count=st.integers(0, 4))
@example(found=("0", "0", "0", None), count=1)  # an empty row's bytes (found, not absent)
def test_any_found_row_gets_the_same_answer_from_both(native: Any, found: Tuple[Any, ...], count: int) -> None:
    """Random lists of digits, commas and minus signs: the same part, or the same kind of refusal."""
    try:
        expected: Any = codec.batch_rows_py("t", count, found, 4096)
    except (TypeError, ValueError) as exc:
        expected = type(exc)
    try:
        got: Any = native.batch_rows("t", count, found, 4096)
    except (TypeError, ValueError) as exc:
        got = type(exc)
    assert got == expected


# ---------------------------------------------------------- the keys found, by position


@settings(max_examples=30)
@given(picks=st.lists(st.integers(0, 39), max_size=120), keep=st.integers(1, 3))
@example(picks=[n * 7 % 40 for n in range(500)], keep=2)
@example(picks=[], keep=1)
@example(picks=[1, 3], keep=1)
def test_wire_rows_gives_every_place_of_a_key_found(picks: List[int], keep: int) -> None:
    """With duplicates, missing rows, rows without an encoding and encodings of more versions
    than the read returns; wires with every byte value (SQLite hands them over as text)."""
    storage = Storage(None)
    written: Dict[int, Optional[EncodedRow]] = {}
    for n in range(0, 40, 2):  # odd keys are missing
        wire = bytes(range(256))[n:] + b"\x00\xff" * n  # NUL, invalid UTF-8
        encoded = None if n % 6 == 0 else EncodedRow(wire, 100 * n, n % 4)
        storage.put_row(7, encode_key([n]), {}, encoded)
        storage.put_row(8, encode_key([n + 1]), {}, encoded)  # another table's rows are not seen
        written[n] = encoded
    keys = [encode_key([n]) for n in picks]
    expected = [
        (i, None if written[n] is None or written[n].versions > keep else written[n].wire,
         0 if written[n] is None else written[n].size)
        for i, n in enumerate(picks) if n in written
    ]
    found = storage.wire_rows(7, keys, keep)
    assert found is not None
    positions, lengths, sizes, wires = found
    if not expected:
        assert found == (None, None, None, None)
        return
    rows, offset = [], 0
    for position, length, size in zip(*(map(int, text.split(",")) for text in (positions, lengths, sizes))):
        wire = None if length == -1 else (wires or b"")[offset:offset + length]
        offset += max(length, 0)
        rows.append((position, wire, size))
    assert offset == len(wires or b"")
    assert sorted(rows, key=lambda row: row[0]) == expected


def test_wire_rows_takes_at_most_500_keys() -> None:
    storage = Storage(None)
    assert storage.wire_rows(7, [encode_key([1])] * 500, 1) == (None, None, None, None)
    with pytest.raises(ValueError):
        storage.wire_rows(7, [encode_key([1])] * 501, 1)


# ------------------------------------------------- the batch path against the full path


def context(options: TableOptions = TableOptions()) -> Context:
    storage = Storage(None)
    engine = Engine(storage, lambda: NOW)
    for name in ("t1", "t2"):
        engine.create_table("i", TableInfo(name, (PkColumn("pk", "INTEGER"), PkColumn("s", "STRING")),
                                           options=options))
        for key in range(0, 10, 2):
            cells = [("v", f"{name}-{key}" * key, None, None), ("n", key, None, None)]
            engine.write_row("i", name, RowWrite(PUT, [("pk", key), ("s", "x")], cells), "PutRow")
    return Context("i", engine, TimeseriesEngine(storage, lambda: NOW), storage, lambda: NOW)


def full_path(ctx: Context, request: Any) -> bytes:
    requests = [(t.table_name, [codec.primary_key(k) for k in t.primary_key], codec.read_options(t))
                for t in request.tables]
    return codec.batch_get_response([t.table_name for t in request.tables],
                                    ctx.engine.batch_get_row_wire(ctx.instance, requests))


def request_of(tables: List[Tuple[str, List[int], int]]) -> Any:
    request = pb.BatchGetRowRequest()
    for name, keys, versions in tables:
        table = request.tables.add(table_name=name, max_versions=versions)
        for key in keys:
            table.primary_key.append(plainbuffer.encode_primary_key([("pk", key), ("s", "x")]))
    return request


@pytest.mark.parametrize("use_native", [False, True], ids=["pure", "compiled"])
def test_the_batch_path_answers_as_the_full_path(native: Any, monkeypatch: pytest.MonkeyPatch, use_native: bool) -> None:
    monkeypatch.setattr(codec, "_NATIVE", native if use_native else None)
    ctx = context()
    # duplicates, missing rows, several tables
    request = request_of([("t1", [4, 3, 4, 0, 8], 1), ("t2", [9, 2, 2], 3)])
    copied = handlers._batch_copies(ctx, request)
    assert copied is not None and copied == full_path(ctx, request)
    decoded = pb.BatchGetRowResponse.FromString(copied)
    values = [[plainbuffer.decode_row(r.row).cells[0][1] if r.row else None for r in t.rows] for t in decoded.tables]
    assert values == [[4, None, 4, 0, 8], [None, 2, 2]]  # "n", the first column by name
    assert handlers._batch_get_row(ctx, request) == copied


@pytest.mark.parametrize("use_native", [False, True], ids=["pure", "compiled"])
def test_what_the_batch_path_does_not_take_goes_down_the_full_path(
    native: Any, monkeypatch: pytest.MonkeyPatch, use_native: bool
) -> None:
    monkeypatch.setattr(codec, "_NATIVE", native if use_native else None)
    ctx = context()
    bad_key = request_of([("t1", [2], 1)])
    bad_key.tables[0].primary_key.append(plainbuffer.encode_primary_key([("pk", "x"), ("s", "x")]))
    with_columns = request_of([("t1", [2], 1)])
    with_columns.tables[0].columns_to_get.append("n")
    cases = [
        request_of([]),  # no table: the service's error
        request_of([("t1", list(range(101)), 1)]),  # over 100 rows
        request_of([("t1", [2], 0)]),  # a bad version count
        request_of([("no_such", [2], 1), ("t1", [2], 1)]),  # a missing table: a row error
        request_of([("t1", [2], 1), ("bad-name", [2], 1)]),
        bad_key,  # a key of the wrong type: a row error
        with_columns,  # a column selection: rows re-encoded
    ]
    for request in cases:
        assert handlers._batch_copies(ctx, request) is None
    ttl = context(TableOptions(time_to_live=86400))
    assert handlers._batch_copies(ttl, request_of([("t1", [2], 1)])) is None  # TTL: rows re-encoded


def test_rows_too_big_for_one_answer_are_read_one_by_one(native: Any) -> None:
    """Past SQLite's length limit the aggregate is refused: wire_rows says so (None) and the
    table's BatchGetRow takes the full path, with the same answer."""
    ctx = context()
    for key in (1, 3):
        cells = [("v", "v" * 3000, None, None)]
        ctx.engine.write_row("i", "t1", RowWrite(PUT, [("pk", key), ("s", "x")], cells), "PutRow")
    request = request_of([("t1", [1, 2, 3], 1)])
    expected = full_path(ctx, request)
    info = ctx.storage.get_table("i", "t1")
    keys = [encode_key([key, "x"]) for key in (1, 2, 3)]
    assert ctx.engine.wire_rows(info, keys, 1) is not None
    ctx.storage._db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 5000)  # each row's bytes fit, not all three
    assert ctx.engine.wire_rows(info, keys, 1) is None
    assert handlers._batch_copies(ctx, request) is None
    assert handlers._batch_get_row(ctx, request) == expected
