"""The SQL result-set codec: our encoder and decoder against the flatbuffers runtime and
the official SDK's decoder, plus malformed buffers."""
from __future__ import annotations

import importlib.util
import struct
from typing import Any, List, Sequence

import flatbuffers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alicloud_storage.tablestore.errors import OTSDecodeError
from alicloud_storage.tablestore.wire.sql_result import (
    DataType,
    ResultColumn,
    decode_columns,
    decode_rows,
    encode_columns,
)

_HAS_OFFICIAL = importlib.util.find_spec("tablestore") is not None


def _build(columns: Sequence[ResultColumn], row_count: int = -1) -> bytes:
    """The result set built with the flatbuffers runtime, slot by slot from sql.fbs."""
    b = flatbuffers.Builder(1024)

    def vector(kind: Any, size: int, values: Sequence[Any]) -> int:
        b.StartVector(size, len(values), size)
        for value in reversed(values):
            b.Prepend(kind, value)
        return b.EndVector()

    def offsets(items: Sequence[int]) -> int:
        b.StartVector(4, len(items), 4)
        for item in reversed(items):
            b.PrependUOffsetTRelative(item)
        return b.EndVector()

    built = []
    for column in columns:
        values = column.values
        nulls = vector(flatbuffers.number_types.BoolFlags, 1, [v is None for v in values])
        typed = None
        if column.type == DataType.LONG:
            typed = vector(flatbuffers.number_types.Int64Flags, 8, [v or 0 for v in values])
        elif column.type == DataType.BOOLEAN:
            typed = vector(flatbuffers.number_types.BoolFlags, 1, [bool(v) for v in values])
        elif column.type == DataType.DOUBLE:
            typed = vector(flatbuffers.number_types.Float64Flags, 8, [v or 0.0 for v in values])
        elif column.type in (DataType.STRING, DataType.STRING_RLE):
            strings = [b.CreateString(v or "") for v in values]
            typed = offsets(strings)
        elif column.type == DataType.BINARY:
            items = []
            for v in values:
                data = b.CreateByteVector(bytes(v or b""))
                b.StartObject(1)
                b.PrependUOffsetTRelativeSlot(0, data, 0)
                items.append(b.EndObject())
            typed = offsets(items)
        if column.type == DataType.STRING_RLE:  # no runs merged: one array entry per row
            mapping = vector(flatbuffers.number_types.Int32Flags, 4, list(range(len(values))))
            b.StartObject(2)
            b.PrependUOffsetTRelativeSlot(0, typed, 0)
            b.PrependUOffsetTRelativeSlot(1, mapping, 0)
            typed = b.EndObject()
        slot = {DataType.LONG: 1, DataType.BOOLEAN: 2, DataType.DOUBLE: 3, DataType.STRING: 4,
                DataType.BINARY: 5, DataType.STRING_RLE: 6}.get(column.type)
        b.StartObject(7)
        b.PrependUOffsetTRelativeSlot(0, nulls, 0)
        if slot is not None:
            b.PrependUOffsetTRelativeSlot(slot, typed, 0)
        value_table = b.EndObject()
        name = b.CreateString(column.name)
        b.StartObject(3)
        b.PrependUOffsetTRelativeSlot(0, name, 0)
        b.PrependInt8Slot(1, int(column.type), 0)
        b.PrependUOffsetTRelativeSlot(2, value_table, 0)
        built.append(b.EndObject())
    columns_vector = offsets(built)
    b.StartObject(2)
    b.PrependUOffsetTRelativeSlot(0, columns_vector, 0)
    b.PrependInt64Slot(1, row_count if row_count >= 0 else len(columns[0].values) if columns else 0, 0)
    b.Finish(b.EndObject())
    return bytes(b.Output())


def _official_rows(data: bytes) -> List[List[Any]]:
    from tablestore.flatbuffer.dataprotocol.SQLResponseColumns import SQLResponseColumns
    from tablestore.flatbuffer.flat_buffer_decoder import flat_buffer_decoder

    meta = flat_buffer_decoder.format_flat_buffer_columns(SQLResponseColumns.GetRootAsSQLResponseColumns(data, 0))
    return [row.attribute_columns for row in flat_buffer_decoder.columns_to_rows(meta)]


SAMPLE = [
    ResultColumn("id", DataType.LONG, [1, None, -(2**63), 2**63 - 1]),
    ResultColumn("score", DataType.DOUBLE, [1.5, float("inf"), None, -0.0]),
    ResultColumn("name", DataType.STRING, ["a", "", None, "ü€𝄞"]),
    ResultColumn("ok", DataType.BOOLEAN, [True, False, None, True]),
    ResultColumn("blob", DataType.BINARY, [b"\x00\x7f", None, b"", b"\x01"]),
    ResultColumn("city", DataType.STRING_RLE, ["x", "x", None, "y"]),
    ResultColumn("nothing", DataType.NONE, [None, None, None, None]),
]


def _expected_rows(columns: Sequence[ResultColumn]) -> List[List[Any]]:
    count = min((len(c.values) for c in columns), default=0)
    return [[(c.name, c.values[i]) for c in columns] for i in range(count)]


def test_round_trip_every_type() -> None:
    data = encode_columns(SAMPLE)
    assert decode_columns(data) == [ResultColumn(c.name, c.type, list(c.values)) for c in SAMPLE]
    assert [cells for _, cells in decode_rows(data)] == _expected_rows(SAMPLE)


def test_decodes_what_the_flatbuffers_runtime_builds() -> None:
    data = _build(SAMPLE)
    assert data != encode_columns(SAMPLE)  # a different layout, the same content
    assert [cells for _, cells in decode_rows(data)] == _expected_rows(SAMPLE)


def test_binary_values_keep_high_bytes() -> None:
    column = ResultColumn("b", DataType.BINARY, [bytes(range(256))])
    assert decode_columns(encode_columns([column]))[0].values == [bytes(range(256))]


@pytest.mark.official
@pytest.mark.skipif(not _HAS_OFFICIAL, reason="the official SDK is not installed")
def test_the_official_decoder_reads_our_encoding() -> None:
    data = encode_columns(SAMPLE)
    assert _official_rows(data) == [cells for _, cells in decode_rows(data)]


_values = {
    DataType.LONG: st.integers(-(2**63), 2**63 - 1),
    DataType.DOUBLE: st.floats(allow_nan=False),
    DataType.STRING: st.text(max_size=8),
    DataType.STRING_RLE: st.sampled_from(["", "a", "b", "ééé"]),
    DataType.BOOLEAN: st.booleans(),
    DataType.BINARY: st.binary(max_size=6).map(lambda b: bytes(x & 0x7F for x in b)),  # the official reads int8
}


@st.composite
def _columns(draw: Any) -> List[ResultColumn]:
    rows = draw(st.integers(0, 6))
    names = draw(st.lists(st.sampled_from("abcdef"), min_size=1, max_size=5))  # repeats allowed
    out = []
    for name in names:
        kind = draw(st.sampled_from(list(_values)))
        values = draw(st.lists(st.none() | _values[kind], min_size=rows, max_size=rows))
        out.append(ResultColumn(name, kind, values))
    return out


@settings(max_examples=150, deadline=None)
@given(_columns())
def test_matches_the_official_shape_on_random_sets(columns: List[ResultColumn]) -> None:
    data = encode_columns(columns)
    ours = [cells for _, cells in decode_rows(data)]
    assert ours == [cells for _, cells in decode_rows(_build(columns))]
    if _HAS_OFFICIAL:
        assert ours == _official_rows(data)
    # a repeated name keeps its first place and its last values
    by_name = {}
    for column in columns:
        by_name[column.name] = column.values
    assert ours == [list(zip(by_name, cells)) for cells in zip(*by_name.values())]


def test_empty_and_column_less_sets_have_no_rows() -> None:
    assert decode_rows(b"") == []
    assert decode_rows(encode_columns([])) == []


@pytest.mark.parametrize("cut", [1, 5, 13, 40, 90])
def test_truncated_buffers_raise_decode_errors(cut: int) -> None:
    data = encode_columns(SAMPLE)
    with pytest.raises(OTSDecodeError):
        decode_columns(data[:cut])


def test_length_mismatch_and_unknown_type_raise_decode_errors() -> None:
    short = ResultColumn("x", DataType.LONG, [1, 2])
    data = bytearray(encode_columns([short]))
    # the long vector's length prefix says 2; make it 1
    position = bytes(data).rindex(struct.pack("<I", 2) + struct.pack("<q", 1))
    struct.pack_into("<I", data, position, 1)
    with pytest.raises(OTSDecodeError, match="not equal to null map"):
        decode_columns(bytes(data))
    data = bytearray(encode_columns([ResultColumn("x", DataType.LONG, [1])]))
    data[_type_byte(bytes(data))] = 7  # COMPLEX: Java/Go only, unknown to Python clients
    with pytest.raises(OTSDecodeError, match="unknown column type 7"):
        decode_columns(bytes(data))


def _type_byte(data: bytes) -> int:
    """Where the first column's type byte is, found by walking the FlatBuffers offsets."""
    def field(table: int, slot: int) -> int:
        vtable = table - struct.unpack_from("<i", data, table)[0]
        return table + struct.unpack_from("<H", data, vtable + 4 + 2 * slot)[0]

    def follow(position: int) -> int:
        return position + struct.unpack_from("<I", data, position)[0]

    root = follow(0)
    first = follow(field(root, 0)) + 4
    return field(follow(first), 1)
