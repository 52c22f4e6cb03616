"""PlainBuffer codec (wire/plainbuffer.py, wire/crc8.py) on its own: no official SDK.

Run against both codecs (conftest.py). Known byte vectors (checked against the official SDK, see tablestore-facts.md section 2),
round trips of generated rows, input validation, and decoding of malformed buffers:
every truncation and every single-byte corruption of valid buffers must end in
OTSDecodeError or in rows that re-encode to exactly the bytes given. The structural
checks run with and without checksum verification (``verify_checksums=False`` may
only differ by accepting wrong checksum bytes).
"""
from __future__ import annotations

import copy
import pickle
import struct
from typing import Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError
from alicloud_storage.tablestore.wire.crc8 import CRC8_TABLE, crc8
from alicloud_storage.tablestore.wire.plainbuffer import (
    AUTO_INCREMENT,
    INF_MAX,
    INF_MIN,
    CellOp,
    PlainRow,
    decode_row,
    decode_rows,
    encode_delete_row,
    encode_primary_key,
    encode_put_row,
    encode_rows,
    encode_update_row,
    read_row,
    read_rows,
)

from plainbuffer_cases import (
    FIXED_COLUMNS,
    FIXED_PK,
    FIXED_UPDATE,
    INT64_MAX,
    INT64_MIN,
    norm_row,
    norm_rows,
    plain_rows,
    primary_keys,
    put_cells,
    put_columns,
    update_cells,
)


# Each test runs against both codecs (conftest.py).
pytestmark = pytest.mark.usefixtures("plainbuffer_codec")


def _naive_crc8(data: bytes, crc: int = 0) -> int:
    for byte in data:
        crc = CRC8_TABLE[crc ^ byte]
    return crc


# ------------------------------------------------------------------------------ crc8


def test_crc8_check_value_and_table() -> None:
    assert crc8(b"123456789") == 0xF4
    assert CRC8_TABLE[:4] == (0x00, 0x07, 0x0E, 0x09) and CRC8_TABLE[255] == 0xF3


@given(st.binary(max_size=3000), st.integers(0, 255))
def test_crc8_matches_the_table_loop_at_every_length(data: bytes, state: int) -> None:
    assert crc8(data, state) == _naive_crc8(data, state)


@pytest.mark.parametrize("size", [255, 256, 257, 381, 127 * 8, 127 * 8 + 1, 100_000])
def test_crc8_folding_around_block_boundaries(size: int) -> None:
    data = bytes((i * 131 + 7) % 256 for i in range(size))
    for state in (0, 1, 0x80, 0xFF):
        assert crc8(data, state) == _naive_crc8(data, state)
        assert crc8(bytearray(data), state) == crc8(memoryview(data), state)


# ------------------------------------------------------------------------- known bytes

VECTORS = [
    (lambda: encode_primary_key([("pk", "a")]), "7500000001030402000000706b05060000000301000000610ad409ee"),
    (
        lambda: encode_put_row([("pk", 1)], [("c", True)]),
        "7500000001030402000000706b05090000000001000000000000000a4c0203040100000063050200000002010a550931",
    ),
    (lambda: encode_delete_row([("pk", "a")]), "7500000001030402000000706b05060000000301000000610ad40809e9"),
    (
        lambda: encode_update_row([("pk", "a")], [("c", None, 5, CellOp.DELETE_ONE_VERSION)]),
        "7500000001030402000000706b05060000000301000000610ad4020304010000006306030705000000000000000a4e0909",
    ),
    (lambda: encode_primary_key([("pk", INF_MIN)]), "7500000001030402000000706b0501000000090a3a097b"),
]


@pytest.mark.parametrize("build, expected", VECTORS)
def test_known_vectors(build, expected: str) -> None:
    assert build().hex() == expected


def test_known_vectors_decode() -> None:
    assert decode_row(bytes.fromhex(VECTORS[0][1])) == PlainRow([("pk", "a")], [], False)
    assert decode_row(bytes.fromhex(VECTORS[1][1])) == PlainRow([("pk", 1)], [("c", True, None, None)], False)
    assert decode_row(bytes.fromhex(VECTORS[2][1])) == PlainRow([("pk", "a")], [], True)
    assert decode_row(bytes.fromhex(VECTORS[3][1])) == PlainRow(
        [("pk", "a")], [("c", None, 5, CellOp.DELETE_ONE_VERSION)], False
    )
    assert decode_row(bytes.fromhex(VECTORS[4][1])).primary_key[0][1] is INF_MIN


def test_empty_buffers() -> None:
    assert decode_row(b"") is None
    assert decode_rows(b"") == []
    assert decode_rows(b"\x75\x00\x00\x00") == []
    assert encode_rows([]) == b""


def test_decoded_types() -> None:
    row = decode_row(encode_put_row([("k", b"\x01")], [("b", b"x"), ("t", True), ("i", 1), ("f", 1.0)]))
    assert type(row.primary_key[0][1]) is bytearray
    assert [type(cell[1]) for cell in row.cells] == [bytearray, bool, int, float]
    assert row.cells[0][3] is None
    update = decode_row(encode_update_row([("k", 1)], FIXED_UPDATE))
    assert [type(cell[3]) for cell in update.cells if cell[3] is not None] == [CellOp] * 5


def test_inputs_may_be_bytearray_or_memoryview() -> None:
    data = encode_put_row(FIXED_PK, FIXED_COLUMNS)
    expected = decode_row(data)
    assert norm_row(decode_row(bytearray(data))) == norm_row(expected)
    assert norm_rows(decode_rows(memoryview(data))) == [norm_row(expected)]


def test_sentinels_are_singletons() -> None:
    assert repr(INF_MIN) == "INF_MIN" and repr(AUTO_INCREMENT) == "AUTO_INCREMENT"
    for sentinel in (INF_MIN, INF_MAX, AUTO_INCREMENT):
        assert pickle.loads(pickle.dumps(sentinel)) is sentinel
        assert copy.deepcopy(sentinel) is sentinel


def test_value_subclasses_encode_as_their_base_type() -> None:
    class Flag(int):
        pass

    class Name(str):
        pass

    assert encode_put_row([("k", Flag(3))], [("c", Name("v")), ("m", memoryview(b"ab"))]) == encode_put_row(
        [("k", 3)], [("c", "v"), ("m", b"ab")]
    )
    assert encode_put_row([("k", 1)], [("c", CellOp.INCREMENT)]) == encode_put_row([("k", 1)], [("c", 4)])


def test_bytes_and_bytearray_are_both_binary() -> None:
    assert encode_put_row([("k", b"ab")], [("c", b"xy")]) == encode_put_row(
        [("k", bytearray(b"ab"))], [("c", bytearray(b"xy"))]
    )


# ----------------------------------------------------------------------- round trips


def test_fixed_rows_round_trip() -> None:
    put = decode_row(encode_put_row(FIXED_PK, FIXED_COLUMNS))
    assert norm_row(put) == norm_row(PlainRow(FIXED_PK, put_cells(FIXED_COLUMNS), False))
    update = decode_row(encode_update_row(FIXED_PK, FIXED_UPDATE))
    assert norm_row(update) == norm_row(PlainRow(FIXED_PK, FIXED_UPDATE, False))
    assert decode_row(encode_delete_row(FIXED_PK)) == PlainRow(FIXED_PK, [], True)


@given(primary_keys(), put_columns())
def test_put_row_round_trip(primary_key, columns) -> None:
    row = decode_row(encode_put_row(primary_key, columns))
    assert norm_row(row) == norm_row(PlainRow(primary_key, put_cells(columns), False))


@given(primary_keys(), update_cells())
def test_update_row_round_trip(primary_key, cells) -> None:
    row = decode_row(encode_update_row(primary_key, cells))
    assert norm_row(row) == norm_row(PlainRow(primary_key, cells, False))


@given(primary_keys())
def test_delete_row_and_primary_key_round_trip(primary_key) -> None:
    assert norm_row(decode_row(encode_delete_row(primary_key))) == norm_row(PlainRow(primary_key, [], True))
    assert norm_row(decode_row(encode_primary_key(primary_key))) == norm_row(PlainRow(primary_key, [], False))


@given(plain_rows())
def test_rows_round_trip(rows) -> None:
    data = encode_rows(rows)
    assert norm_rows(decode_rows(data)) == norm_rows(rows)
    if len(rows) == 1:
        assert norm_row(decode_row(data)) == norm_row(rows[0])


@given(plain_rows())
def test_read_rows_are_rows_as_a_reader_sees_them(rows) -> None:
    data = encode_rows(rows)
    for verify in (True, False):
        read = read_rows(data, verify)
        assert _norm_read(read) == _norm_read([_as_read(row) for row in decode_rows(data, verify)])
        assert all(type(pair) is tuple and type(pair[1]) is list for pair in read)
        if len(rows) == 1:
            assert _norm_read([read_row(data, verify)]) == _norm_read(read)
    assert read_rows(b"") == [] and read_row(b"") is None


def test_timestamps_near_and_far_from_the_previous_one() -> None:
    stamps = [0, 1, -1, 255, 256, 65535, 65536, -65536, INT64_MIN, INT64_MAX, 1700000000000, 1700000065535]
    rows = [PlainRow([("k", i)], [("c", i, ts, None), ("d", "x", ts ^ 3, None)], False) for i, ts in enumerate(stamps)]
    assert decode_rows(encode_rows(rows)) == rows
    assert decode_rows(encode_rows(rows[::-1])) == rows[::-1]


def test_many_distinct_names_overflow_the_caches() -> None:
    columns = [(f"column-{i}", i) for i in range(10_000)]
    row = decode_row(encode_put_row([("k", 1)], columns))
    assert row.cells == put_cells(columns)


def test_large_page_decodes_with_gc_paused_and_restored() -> None:
    import gc

    rows = [PlainRow([("k", i)], [("v", "x" * 100, 1, None)], False) for i in range(1000)]
    data = encode_rows(rows)
    assert len(data) > 1 << 16
    assert decode_rows(data) == rows
    assert gc.isenabled()


# ------------------------------------------------------------------ encoder validation

BAD_ENCODES = [
    (lambda: encode_put_row([("k", 1)], [("c", None)]), "'c'"),
    (lambda: encode_put_row([("k", 1)], [("c", [1])]), "column 'c': unsupported value type list"),
    (lambda: encode_put_row([("k", 1)], [("c", {})]), "column 'c'"),
    (lambda: encode_put_row([("k", 1)], [("c", 2**63)]), "column 'c': integer 9223372036854775808"),
    (lambda: encode_put_row([("k", 1)], [("c", -(2**63) - 1)]), "out of the int64 range"),
    (lambda: encode_put_row([("k", 2**64)], []), "column 'k'"),
    (lambda: encode_put_row([("k", 1.5)], []), "primary key column 'k': float"),
    (lambda: encode_put_row([("k", None)], []), "primary key column 'k': value is None"),
    (lambda: encode_put_row([("k", 1)], [("c", INF_MIN)]), "column 'c': INF_MIN is only allowed in a primary key"),
    (lambda: encode_put_row([(1, 1)], []), "column name must be str, got int"),
    (lambda: encode_put_row([(b"k", 1)], []), "column name must be str, got bytes"),
    (lambda: encode_put_row([("k", 1)], [(None, 1)]), "column name must be str, got NoneType"),
    (lambda: encode_put_row([("k", 1)], [("c",)]), "column must be (name, value)"),
    (lambda: encode_put_row([("k", 1)], ["c"]), "column must be (name, value)"),
    (lambda: encode_put_row([("k", 1)], [("c", 1, True)]), "column 'c': timestamp must be int, got bool"),
    (lambda: encode_put_row([("k", 1)], [("c", 1, 1.0)]), "column 'c': timestamp must be int, got float"),
    (lambda: encode_put_row([("k", 1)], [("c", 1, 2**63)]), "column 'c': timestamp 9223372036854775808"),
    (lambda: encode_put_row([("k", 1)], [("c", "\ud800")]), "column 'c': text is not encodable"),
    (lambda: encode_put_row([("k", "\udfff" * 99)], []), "column 'k': text is not encodable"),
    (lambda: encode_put_row("k", []), "primary key must be a list, got str"),
    (lambda: encode_primary_key([("k",)]), "primary key column must be a (name, value) pair"),
    (lambda: encode_update_row([("k", 1)], [("c", 1)]), "cell must be a (name, value, timestamp, op) tuple"),
    (lambda: encode_update_row([("k", 1)], [("c", None, None, None)]), "column 'c': value is None"),
    (lambda: encode_update_row([("k", 1)], [("c", 1, None, 2)]), "column 'c': unknown cell op 2"),
    (lambda: encode_update_row([("k", 1)], [("c", 1, None, True)]), "column 'c': unknown cell op True"),
    (lambda: encode_update_row([("k", 1)], [("c", None, None, CellOp.DELETE_ONE_VERSION)]), "needs a timestamp"),
    (lambda: encode_update_row([("k", 1)], [("c", 1, 5, CellOp.DELETE_ONE_VERSION)]), "takes no value"),
    (lambda: encode_update_row([("k", 1)], [("c", None, 5, CellOp.DELETE_ALL_VERSIONS)]), "takes no timestamp"),
    (lambda: encode_update_row([("k", 1)], [("c", "1", None, CellOp.INCREMENT)]), "INCREMENT needs an int"),
    (lambda: encode_update_row([("k", 1)], [("c", True, None, CellOp.INCREMENT)]), "INCREMENT needs an int"),
    (lambda: encode_update_row([("k", 1)], [("c", 2**63, None, CellOp.INCREMENT)]), "int64 range"),
    (lambda: encode_rows([PlainRow([("k", 1.0)], [], False)]), "primary key column 'k': float"),
    (lambda: encode_rows([([("k", 1)], [])]), "row must be a PlainRow"),
]


@pytest.mark.parametrize("build, message", BAD_ENCODES)
def test_encoder_rejects_bad_input_naming_the_column(build, message: str) -> None:
    with pytest.raises(OTSClientError) as info:
        build()
    assert type(info.value) is OTSClientError
    assert message in info.value.message


def test_bool_is_not_int() -> None:
    as_bool = decode_row(encode_put_row([("k", True)], [("c", False)]))
    as_int = decode_row(encode_put_row([("k", 1)], [("c", 0)]))
    assert norm_row(as_bool) != norm_row(as_int)
    assert as_bool.primary_key[0][1] is True and as_bool.cells[0][1] is False


# ------------------------------------------------------------------ decoder validation


def _cell_offset(data: bytes, name: bytes) -> int:
    return data.index(b"\x03\x04" + struct.pack("<I", len(name)) + name)


def _replace(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new) :]


def _one_cell_row(cell: bytes, cell_crc: int) -> bytes:
    """A row with primary key k=1 and one raw attribute cell, row checksum made valid."""
    head = encode_primary_key([("k", 1)])[:-2]
    pk_crc = crc8(b"k" + b"\x00" + struct.pack("<q", 1))
    row_crc = crc8(bytes((pk_crc, cell_crc, 0)))
    return head + b"\x02" + cell + b"\x09" + bytes((row_crc,))


def _raw_cell(name: bytes, value: bytes) -> Tuple[bytes, int]:
    """A cell with a raw typed value, and its (correct) cell checksum."""
    crc = crc8(name + value)
    return (
        b"\x03\x04" + struct.pack("<I", len(name)) + name + b"\x05" + struct.pack("<I", len(value))
        + value + b"\x0a" + bytes((crc,))
    ), crc


def _decode_error(data: bytes, verify: bool = True) -> OTSDecodeError:
    with pytest.raises(OTSDecodeError) as info:
        decode_rows(data, verify_checksums=verify)
    return info.value


VERIFY = pytest.mark.parametrize("verify", [True, False], ids=["crc", "no-crc"])


@pytest.mark.parametrize(
    "value, message",
    [
        (b"\x08", "unknown value type 0x08 (column 'c')"),
        (b"\x09", "value type 0x09 is only valid in a primary key (column 'c')"),
        (b"\x0b", "value type 0x0b is only valid in a primary key"),
        (b"\x02\x02", "bad boolean byte 0x02 (column 'c')"),
        (b"\x00" + b"\x00" * 7, "value length 8 does not fit type 0x00"),
        (b"\x01" + b"\x00" * 9, "value length 10 does not fit type 0x01"),
        (b"\x03" + struct.pack("<I", 2) + b"a", "value length 6 does not fit type 0x03"),
        (b"\x03" + struct.pack("<I", 0) + b"a", "value length 6 does not fit type 0x03"),
        (b"\x07\x01\x00", "value length 3 does not fit type 0x07"),
        (b"\x03" + struct.pack("<I", 2) + b"\xff\xfe", "column 'c' holds invalid UTF-8"),
    ],
)
@VERIFY
def test_bad_values_are_named(value: bytes, message: str, verify: bool) -> None:
    cell, crc = _raw_cell(b"c", value)
    assert message in _decode_error(_one_cell_row(cell, crc), verify).message


@VERIFY
def test_bad_value_twice_still_fails_after_caching_the_head(verify: bool) -> None:
    cell, crc = _raw_cell(b"c", b"\x02\x02")
    for _ in range(2):
        assert "bad boolean byte" in _decode_error(_one_cell_row(cell, crc), verify).message
    cell, crc = _raw_cell(b"c", b"\x03" + struct.pack("<I", 9) + b"ab")
    assert "does not fit type 0x03" in _decode_error(_one_cell_row(cell, crc), verify).message


@VERIFY
def test_double_in_primary_key_is_rejected(verify: bool) -> None:
    name = b"k"
    value = b"\x01" + struct.pack("<d", 1.0)
    crc = crc8(name + value)
    data = (
        b"\x75\x00\x00\x00\x01\x03\x04\x01\x00\x00\x00k\x05\x09\x00\x00\x00" + value + b"\x0a"
        + bytes((crc,)) + b"\x09" + bytes((crc8(bytes((crc, 0))),))
    )
    assert "DOUBLE is not a primary key type (primary key column 'k')" in _decode_error(data, verify).message


@VERIFY
def test_header_and_tags(verify: bool) -> None:
    good = encode_put_row([("k", 1)], [("c", "v")])
    assert "bad header '76000000'" in _decode_error(b"\x76" + good[1:], verify).message
    error = _decode_error(good[:4] + b"\x02" + good[5:], verify)
    assert "expected TAG_ROW_PK, found TAG_ROW_DATA (0x02)" in error.message and error.offset == 4
    name_tag = _cell_offset(good, b"k") + 1
    error = _decode_error(_replace(good, name_tag, b"\x05"), verify)
    assert "expected TAG_CELL_NAME" in error.message and error.offset == name_tag
    with pytest.raises(OTSDecodeError, match="expected TAG_ROW_PK, found end of data"):
        decode_row(b"\x75\x00\x00\x00", verify_checksums=verify)
    with pytest.raises(OTSDecodeError, match="unexpected data after the row"):
        decode_row(good + good[4:], verify_checksums=verify)
    with pytest.raises(OTSClientError, match="must be bytes, got str"):
        decode_rows("not bytes", verify_checksums=verify)


def _flip(data: bytes, offset: int) -> bytes:
    return _replace(data, offset, bytes((data[offset] ^ 1,)))


def test_checksums_are_verified_by_default_and_skipped_on_request() -> None:
    good = encode_put_row([("k", 1)], [("c", "v", 5)])
    expected = decode_row(good)
    cell_crc_at = len(good) - 3
    error = _decode_error(_flip(good, cell_crc_at))
    assert "cell checksum mismatch for column 'c'" in error.message and error.offset == cell_crc_at
    error = _decode_error(_flip(good, len(good) - 1))
    assert "row checksum mismatch" in error.message and error.offset == len(good) - 1
    pk_crc_at = 27  # header 4, TAG_ROW_PK, cell head 6, "k", value head 6, int 8, tag
    assert good[pk_crc_at - 1] == 0x0A
    assert "cell checksum mismatch for column 'k'" in _decode_error(_flip(good, pk_crc_at)).message
    for corrupt_at in (cell_crc_at, len(good) - 1, pk_crc_at):
        assert decode_row(_flip(good, corrupt_at), verify_checksums=False) == expected
        assert decode_rows(_flip(good, corrupt_at), verify_checksums=False) == [expected]


def test_long_values_are_hashed_by_crc8_unless_checksums_are_skipped() -> None:
    """Values of 256+ bytes take crc8() instead of the inline loop, in keys and cells."""
    key, text = [("k", "K" * 300)], "v" * 300
    good = encode_put_row(key, [("c", text)])
    for corrupt_at in (_cell_offset(good, b"c") + 20, len(good) - 3):  # a value byte, the cell CRC
        bad = _flip(good, corrupt_at)
        assert "cell checksum mismatch for column 'c'" in _decode_error(bad).message
        if corrupt_at == len(good) - 3:
            assert decode_row(bad, verify_checksums=False) == decode_row(good)
    pk_crc_at = _cell_offset(good, b"c") - 2
    assert good[pk_crc_at - 1] == 0x0A
    assert "cell checksum mismatch for column 'k'" in _decode_error(_flip(good, pk_crc_at)).message
    assert decode_row(_flip(good, pk_crc_at), verify_checksums=False) == PlainRow(key, [("c", text, None, None)])


def test_delete_marker_is_part_of_the_row_checksum() -> None:
    deleted = encode_delete_row([("k", 1)])
    without_marker = deleted[:-3] + deleted[-2:]
    assert "row checksum mismatch" in _decode_error(without_marker).message
    assert decode_row(without_marker, verify_checksums=False) == PlainRow([("k", 1)], [], False)
    assert decode_row(encode_primary_key([("k", 1)])).deleted is False


@VERIFY
def test_an_empty_row_data_section_is_accepted(verify: bool) -> None:
    """The official UpdateRow encoder writes TAG_ROW_DATA for {'PUT': []}: no cells."""
    for deleted in (False, True):
        plain = (encode_delete_row if deleted else encode_primary_key)([("k", 1)])
        tail = 3 if deleted else 2
        data = plain[:-tail] + b"\x02" + plain[-tail:]
        assert decode_row(data, verify_checksums=verify) == PlainRow([("k", 1)], [], deleted)
        assert decode_rows(data + data[4:], verify_checksums=verify) == [PlainRow([("k", 1)], [], deleted)] * 2
        _assert_valid_or_decode_error(data, verify)


@VERIFY
def test_cell_op_rules_apply_when_decoding(verify: bool) -> None:
    name, value = b"c", b"\x00" + struct.pack("<q", 1)
    body = b"\x03\x04\x01\x00\x00\x00c\x05\x09\x00\x00\x00" + value + b"\x06\x03"
    crc = crc8(name + value + b"\x03")
    error = _decode_error(_one_cell_row(body + b"\x0a" + bytes((crc,)), crc), verify)
    assert "DELETE_ONE_VERSION takes no value" in error.message
    body = b"\x03\x04\x01\x00\x00\x00c\x06\x07"
    crc = crc8(name + b"\x07")
    assert "unknown cell op 0x07 for column 'c'" in _decode_error(_one_cell_row(body + b"\x0a" + bytes((crc,)), crc), verify).message
    body = b"\x03\x04\x01\x00\x00\x00c"
    crc = crc8(name)
    assert "a cell without op needs a value" in _decode_error(_one_cell_row(body + b"\x0a" + bytes((crc,)), crc), verify).message


@VERIFY
def test_overlong_lengths(verify: bool) -> None:
    good = encode_put_row([("k", 1)], [("c", "value")])
    at = _cell_offset(good, b"c")
    error = _decode_error(_replace(good, at + 2, struct.pack("<I", 1000)), verify)
    assert "cell name length 1000 runs past the end" in error.message
    total_at = at + 7
    for total in (1000, 0xFFFFFFFF, 0):
        assert isinstance(_decode_error(_replace(good, total_at, struct.pack("<I", total)), verify), OTSDecodeError)


# ------------------------------------------------------------------ malformed buffers

MALFORMED_SOURCES = [
    encode_put_row(FIXED_PK[:3], FIXED_COLUMNS[:12]),
    encode_update_row([("k", "a"), ("b", INF_MIN), ("c", AUTO_INCREMENT)], FIXED_UPDATE),
    encode_delete_row([("k", bytearray(b"\x01\x02")), ("x", INF_MAX)]),
    encode_rows(
        [
            PlainRow([("k", 1)], [("a", "x", 5, None), ("b", 2.5, 5, None)], False),
            PlainRow([("k", 2)], [("a", "y", 6, None)], True),
            PlainRow([("k", 3)], [], False),
        ]
    ),
]


def _decode_outcome(data: bytes, verify: bool) -> object:
    """The decoded rows (normalized), or the OTSDecodeError raised (any other error fails).

    read_rows must agree: the same rows as (primary_key, columns) pairs, or the same error.
    """
    try:
        rows = decode_rows(data, verify_checksums=verify)
    except OTSDecodeError as exc:
        assert exc.offset is not None and 0 <= exc.offset <= len(data)
        with pytest.raises(OTSDecodeError) as info:
            read_rows(data, verify)
        assert (info.value.message, info.value.offset) == (exc.message, exc.offset)
        return exc
    assert _norm_read(read_rows(data, verify)) == _norm_read([_as_read(row) for row in rows])
    return norm_rows(rows)


def _as_read(row: PlainRow) -> tuple:
    """A decoded row as read_rows gives it: cell ops and delete marker dropped."""
    return (row.primary_key, [cell[:3] for cell in row.cells])


def _norm_read(pairs: list) -> list:
    """(primary_key, columns) pairs in norm_rows' comparable form."""
    return norm_rows([PlainRow(key, [(*column, None) for column in columns], False) for key, columns in pairs])


def _assert_valid_or_decode_error(data: bytes, verify: bool = True) -> None:
    """The decoder either refuses ``data`` or returns rows that encode back to it.

    A row without cells may carry an empty TAG_ROW_DATA section, which the encoder
    leaves out. Without verification the re-encoding may differ only in checksum bytes (those
    right after a checksum tag), and the outcome agrees with the verifying decoder's
    unless that one stopped at a checksum mismatch.
    """
    outcome = _decode_outcome(data, verify)
    if not verify:
        checked = _decode_outcome(data, True)
        if not isinstance(checked, OTSDecodeError) or "checksum mismatch" not in checked.message:
            same = (
                (checked.message, checked.offset) == (outcome.message, outcome.offset)
                if isinstance(checked, OTSDecodeError) and isinstance(outcome, OTSDecodeError)
                else checked == outcome
            )
            assert same, (checked, outcome)
    if isinstance(outcome, OTSDecodeError):
        return
    rows = decode_rows(data, verify_checksums=verify)
    assert rows or data in (b"", b"\x75\x00\x00\x00")
    if not rows:
        assert encode_rows(rows) == b""
        return
    pos = 4
    for row in rows:
        encoded = encode_rows([row])[4:]
        variants = [encoded]
        if not row.cells:  # a TAG_ROW_DATA without cells is valid (the official
            tail = 3 if row.deleted else 2  # UpdateRow encoder writes one): not re-encoded
            variants.append(encoded[:-tail] + b"\x02" + encoded[-tail:])
        found = [v for v in variants if _same_but_checksums(data[pos : pos + len(v)], v, verify)]
        assert len(found) == 1, (data.hex(), pos, [v.hex() for v in variants])
        pos += len(found[0])
    assert pos == len(data)


def _same_but_checksums(given: bytes, encoded: bytes, verify: bool) -> bool:
    """``given`` is ``encoded``, except (without verification) in checksum bytes."""
    if verify or len(given) != len(encoded):
        return given == encoded
    return all(a == b or encoded[i - 1] in (0x09, 0x0A) for i, (a, b) in enumerate(zip(given, encoded)))


@VERIFY
@pytest.mark.parametrize("source", MALFORMED_SOURCES, ids=["put", "update", "delete", "rows"])
def test_every_truncation(source: bytes, verify: bool) -> None:
    for size in range(len(source)):
        _assert_valid_or_decode_error(source[:size], verify)


@VERIFY
@pytest.mark.parametrize("source", MALFORMED_SOURCES[:3], ids=["put", "update", "delete"])
def test_every_truncation_of_a_single_row_fails(source: bytes, verify: bool) -> None:
    for size in range(1, len(source)):
        with pytest.raises(OTSDecodeError):
            decode_row(source[:size], verify_checksums=verify)


@VERIFY
@pytest.mark.parametrize("source", MALFORMED_SOURCES, ids=["put", "update", "delete", "rows"])
def test_every_single_byte_corruption(source: bytes, verify: bool) -> None:
    for offset in range(len(source)):
        for mask in (0x01, 0x02, 0x10, 0x80, 0xFF):
            _assert_valid_or_decode_error(_replace(source, offset, bytes((source[offset] ^ mask,))), verify)


@VERIFY
@settings(max_examples=300)
@given(st.data())
def test_random_corruption_and_splicing(verify: bool, data) -> None:
    source = data.draw(st.sampled_from(MALFORMED_SOURCES))
    start = data.draw(st.integers(0, len(source)))
    stop = data.draw(st.integers(start, len(source)))
    junk = data.draw(st.binary(max_size=12))
    _assert_valid_or_decode_error(source[:start] + junk + source[stop:], verify)


@VERIFY
@given(st.binary(max_size=64))
def test_arbitrary_bytes_after_a_header(verify: bool, junk: bytes) -> None:
    _assert_valid_or_decode_error(b"\x75\x00\x00\x00" + junk, verify)
