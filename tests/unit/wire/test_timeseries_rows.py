"""FlatBuffer rows of PutTimeseriesData (wire/timeseries_rows.py) and their CRC32C.

Our encoder must give the bytes the official Python encoder gives for the same rows
(asserted against it on generated rows); our decoder must read those and any other valid
layout of the schema (built here with the flatbuffers library, as the Java SDK would:
several rows per group, meta_cache_update_time set).
"""
from __future__ import annotations

import struct
import warnings

import flatbuffers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError
from alicloud_storage.tablestore.wire.timeseries_rows import (
    DataType,
    FlatRow,
    crc32c,
    decode_rows,
    encode_rows,
    format_tags,
    parse_tags,
)

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=6)
values = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(max_size=8),
    st.binary(max_size=8),
    st.binary(max_size=8).map(bytearray),
)
rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.text(max_size=6)),
        st.one_of(st.none(), st.text(max_size=6)),
        st.dictionaries(names, st.text(max_size=5), max_size=3),
        st.dictionaries(names, values, max_size=6),
        st.integers(0, 2**63 - 1),
    ),
    max_size=4,
)


def _expected(row: tuple) -> FlatRow:
    """What decoding the encoding of ``row`` must give (bytes are sent as STRING)."""
    measurement, source, tags, fields, time_us = row
    typed = []
    for name in sorted(fields):
        value = fields[name]
        if isinstance(value, bool):
            typed.append((name, DataType.BOOLEAN, value))
        elif isinstance(value, int):
            typed.append((name, DataType.LONG, value))
        elif isinstance(value, float):
            typed.append((name, DataType.DOUBLE, value))
        elif isinstance(value, bytearray):
            typed.append((name, DataType.BINARY, value))
        else:
            typed.append((name, DataType.STRING, value.decode() if isinstance(value, bytes) else value))
    return FlatRow(measurement or "", source or "", sorted(tags.items()), time_us, typed, 0)


@settings(max_examples=300, deadline=None)
@given(rows)
def test_decode_gives_back_what_was_encoded(batch):
    batch = [(m, s, t, {k: v for k, v in f.items() if not isinstance(v, bytes) or _utf8(v)}, ts) for m, s, t, f, ts in batch]
    assert decode_rows(encode_rows(batch)) == [_expected(row) for row in batch]


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.official
@settings(max_examples=300, deadline=None)
@given(rows)
def test_bytes_are_those_of_the_official_encoder(batch):
    from tablestore.flatbuffer.timeseries_flat_buffer_encoder import get_column_val_by_tp
    from tablestore.metadata import TimeseriesKey, TimeseriesRow

    official_rows = [TimeseriesRow(TimeseriesKey(m, s, t), f, ts) for m, s, t, f, ts in batch]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # it passes EndVector a length
        expected = bytes(get_column_val_by_tp("table", official_rows))
    assert encode_rows(batch) == expected


@pytest.mark.official
def test_the_official_reader_reads_our_rows():
    from tablestore.flatbuffer.timeseries.FlatBufferRows import FlatBufferRows

    data = encode_rows([
        ("cpu", "host1", {"region": "hz", "az": "a"}, {"load": 0.5, "n": 3, "ok": True, "s": "x", "b": bytearray(b"\x00\x01")}, 17),
        ("mem", "", {}, {}, 0),
    ])
    root = FlatBufferRows.GetRootAsFlatBufferRows(data, 0)
    assert root.RowGroupsLength() == 2
    group = root.RowGroups(0)
    assert group.MeasurementName() == b"cpu"
    assert [group.FieldNames(i) for i in range(group.FieldNamesLength())] == [b"b", b"load", b"n", b"ok", b"s"]
    assert [group.FieldTypes(i) for i in range(group.FieldTypesLength())] == [5, 3, 1, 2, 4]
    row = group.Rows(0)
    assert (row.DataSource(), row.Time()) == (b"host1", 17)
    assert [(row.TagList(i).Name(), row.TagList(i).Value()) for i in range(row.TagListLength())] == [
        (b"az", b"a"), (b"region", b"hz")
    ]
    values = row.FieldValues()
    assert (values.DoubleValues(0), values.LongValues(0), values.BoolValues(0), values.StringValues(0)) == (
        0.5, 3, True, b"x"
    )
    assert bytes(values.BinaryValues(0).ValueAsNumpy()) == b"\x00\x01"
    assert root.RowGroups(1).Rows(0).Time() == 0


def _java_style_buffer() -> bytes:
    """Two rows in one group, tags only in tag_list, meta_cache_update_time set (Java layout)."""
    b = flatbuffers.Builder(0)

    def string_vector(items):
        offsets = [b.CreateString(item) for item in items]
        b.StartVector(4, len(offsets), 4)
        for off in reversed(offsets):
            b.PrependUOffsetTRelative(off)
        return b.EndVector()

    def row(source, time_us, long_value, text):
        text_vector = string_vector([text])
        b.StartVector(8, 1, 8)
        b.PrependInt64(long_value)
        longs = b.EndVector()
        b.StartObject(5)
        b.PrependUOffsetTRelativeSlot(0, longs, 0)
        b.PrependUOffsetTRelativeSlot(3, text_vector, 0)
        values = b.EndObject()
        name, value = b.CreateString("dc"), b.CreateString("eu")
        b.StartObject(2)
        b.PrependUOffsetTRelativeSlot(0, name, 0)
        b.PrependUOffsetTRelativeSlot(1, value, 0)
        tag = b.EndObject()
        b.StartVector(4, 1, 4)
        b.PrependUOffsetTRelative(tag)
        tags = b.EndVector()
        source_off, empty = b.CreateString(source), b.CreateString("")
        b.StartObject(6)
        b.PrependUOffsetTRelativeSlot(0, source_off, 0)
        b.PrependUOffsetTRelativeSlot(1, empty, 0)
        b.PrependInt64Slot(2, time_us, 0)
        b.PrependUOffsetTRelativeSlot(3, values, 0)
        b.PrependUint32Slot(4, 1700000000, 0)
        b.PrependUOffsetTRelativeSlot(5, tags, 0)
        return b.EndObject()

    rows_in_group = [row("s1", 10, 7, "a"), row("s2", 11, 8, "b")]
    b.StartVector(4, 2, 4)
    for off in reversed(rows_in_group):
        b.PrependUOffsetTRelative(off)
    rows_vector = b.EndVector()
    names_vector = string_vector(["count", "state"])
    types_vector = b.CreateByteVector(bytes([1, 4]))
    measurement = b.CreateString("温度")
    b.StartObject(4)
    b.PrependUOffsetTRelativeSlot(0, measurement, 0)
    b.PrependUOffsetTRelativeSlot(1, names_vector, 0)
    b.PrependUOffsetTRelativeSlot(2, types_vector, 0)
    b.PrependUOffsetTRelativeSlot(3, rows_vector, 0)
    group = b.EndObject()
    b.StartVector(4, 1, 4)
    b.PrependUOffsetTRelative(group)
    groups = b.EndVector()
    b.StartObject(1)
    b.PrependUOffsetTRelativeSlot(0, groups, 0)
    b.Finish(b.EndObject())
    return bytes(b.Output())


def test_decodes_other_valid_layouts():
    assert decode_rows(_java_style_buffer()) == [
        FlatRow("温度", "s1", [("dc", "eu")], 10, [("count", DataType.LONG, 7), ("state", DataType.STRING, "a")], 1700000000),
        FlatRow("温度", "s2", [("dc", "eu")], 11, [("count", DataType.LONG, 8), ("state", DataType.STRING, "b")], 1700000000),
    ]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_damaged_buffers_fail_with_a_decode_error_only(data):
    good = _java_style_buffer()
    position = data.draw(st.integers(0, len(good) - 1))
    damaged = data.draw(st.one_of(
        st.just(good[:position]),
        st.binary(min_size=1, max_size=4).map(lambda patch: good[:position] + patch + good[position + len(patch):]),
    ))
    try:
        result = decode_rows(damaged)
    except OTSDecodeError as exc:
        assert exc.message.startswith("Invalid timeseries rows")
    else:
        assert all(isinstance(row, FlatRow) for row in result)


def test_garbage_is_a_decode_error():
    with pytest.raises(OTSDecodeError):
        decode_rows(b"")
    with pytest.raises(OTSDecodeError):
        decode_rows(struct.pack("<I", 1 << 30))


def test_unsupported_values_and_out_of_range_integers_are_refused():
    with pytest.raises(OTSClientError, match="Unsupported column type"):
        encode_rows([("m", "s", {}, {"f": [1]}, 1)])
    with pytest.raises(OTSClientError, match="int64"):
        encode_rows([("m", "s", {}, {"f": 2**63}, 1)])


def test_crc32c_is_the_signed_int32_the_service_checks():
    assert crc32c(b"123456789") == 0xE3069283 - (1 << 32)  # the CRC-32C check value
    assert crc32c(b"") == 0
    assert crc32c(b"a") == 0xC1D04330 - (1 << 32)


@pytest.mark.official
def test_crc32c_matches_the_official_encoder():
    from tablestore.encoder import OTSProtoBufferEncoder

    encoder = OTSProtoBufferEncoder("utf-8")
    data = encode_rows([("m", "s", {"t": "v"}, {"f": 1.5}, 123)])
    message = encoder._encode_put_timeseries_data("t", [])
    import crc32c as reference

    assert crc32c(data) == encoder.unsigned_to_signed(reference.crc32c(data) & 0xFFFFFFFF, 32)
    assert message.rows_data.flatbuffer_crc32c == crc32c(bytes(message.rows_data.rows_data))


@given(st.dictionaries(st.text("abc,xyz_ -", min_size=1, max_size=4), st.text("abc,xyz_ -", max_size=4), max_size=4))
def test_tag_strings_round_trip(pairs):
    text = format_tags(pairs)
    assert parse_tags(text) == pairs


def test_tag_strings_have_the_service_form():
    assert format_tags({"b": "2", "a": "1"}) == '["a=1","b=2"]'
    assert parse_tags("") == {} and parse_tags("[]") == {}
    for bad in ("[", '["a"]', '["a=b"x]', "x", '["a=b",]'):
        with pytest.raises(OTSDecodeError):
            parse_tags(bad)
