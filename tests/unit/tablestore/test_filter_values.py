"""Filter constants: one codec for the client's encoder and the emulator's decoder.

Round trips over every value type, exact malformed-input errors, and byte equality with
the official SDK's ``PlainBufferBuilder.serialize_column_value`` (which writes ``bytes``
as STRING; we write it as BINARY, like ``bytearray``, as in PlainBuffer rows).
"""
from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError
from alicloud_storage.tablestore.wire.filter_values import decode_filter_value, encode_filter_value

INT64 = st.integers(-(2**63), 2**63 - 1)
VALUES = st.one_of(
    st.booleans(), INT64, st.floats(allow_nan=False), st.text(), st.binary().map(bytearray)
)


@given(VALUES)
def test_round_trip_keeps_value_and_type(value):
    decoded = decode_filter_value(encode_filter_value(value))
    assert decoded == value and type(decoded) is type(value)


def test_layout_and_special_values():
    assert encode_filter_value(True) == b"\x02\x01"
    assert encode_filter_value(-2) == b"\x00" + struct.pack("<q", -2)
    assert encode_filter_value("é") == b"\x03\x02\x00\x00\x00\xc3\xa9"
    assert encode_filter_value(b"\x00") == b"\x07\x01\x00\x00\x00\x00"
    assert decode_filter_value(encode_filter_value(b"ab")) == bytearray(b"ab")
    assert math.isnan(decode_filter_value(encode_filter_value(math.nan)))
    assert decode_filter_value(encode_filter_value(-math.inf)) == -math.inf


@pytest.mark.parametrize("value, message", [
    (2**63, "filter value 9223372036854775808 does not fit in int64"),
    (None, "filter value must be int, float, bool, str or bytes, not NoneType"),
    ([1], "filter value must be int, float, bool, str or bytes, not list"),
    ("\ud800", "filter value is not encodable as UTF-8 (surrogates not allowed at 0)"),
])
def test_unsendable_values_are_client_errors(value, message):
    with pytest.raises(OTSClientError) as info:
        encode_filter_value(value)
    assert str(info.value) == message and not isinstance(info.value, OTSDecodeError)


@pytest.mark.parametrize("data, message", [
    (b"", "filter value: empty"),
    (b"\x00\x01", "filter value: type 0x0 with 1 payload bytes is not a value (at offset 0)"),
    (b"\x02\x01\x00", "filter value: type 0x2 with 2 payload bytes is not a value (at offset 0)"),
    (b"\x09", "filter value: type 0x9 with 0 payload bytes is not a value (at offset 0)"),
    (b"\x03\x01\x00", "filter value: type 0x3 with 2 payload bytes is not a value (at offset 0)"),
    (b"\x03\x05\x00\x00\x00ab", "filter value: length 5 does not match the 2 bytes given (at offset 1)"),
    (b"\x07\x00\x00\x00\x00x", "filter value: length 0 does not match the 1 bytes given (at offset 1)"),
    (b"\x03\x01\x00\x00\x00\xff", "filter value: STRING is not valid UTF-8 (at offset 5)"),
])
def test_malformed_bytes_are_decode_errors(data, message):
    with pytest.raises(OTSDecodeError) as info:
        decode_filter_value(data)
    assert str(info.value) == message


@pytest.fixture(scope="module")
def official_serialize():
    """The official SDK's filter constant encoder (imported once, outside the timed examples)."""
    from tablestore.plainbuffer.plain_buffer_builder import PlainBufferBuilder

    return PlainBufferBuilder.serialize_column_value


@pytest.mark.official
@given(VALUES)
def test_bytes_equal_the_official_filter_encoding(official_serialize, value):
    assert encode_filter_value(value) == bytes(official_serialize(value))
