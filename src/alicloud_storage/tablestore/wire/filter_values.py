"""Filter constants on the wire: the ``column_value`` of a SingleColumnValueFilter.

Pure functions on bytes, used by the client (encode) and the emulator (decode), so both
ends read one definition. The layout is a PlainBuffer cell value without its tag and
total length (all integers little-endian)::

    value = 0x00 i64 | 0x01 f64 | 0x02 u8 | 0x03 u32 utf-8 | 0x07 u32 bytes

The type bytes are PlainBuffer's VariantType numbers (INTEGER, DOUBLE, BOOLEAN,
STRING, BLOB). As in PlainBuffer rows, ``bytes`` and ``bytearray`` are BINARY, and
BINARY decodes as ``bytearray``.
"""
from __future__ import annotations

import struct
from typing import Union

from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError

__all__ = ["FilterValue", "encode_filter_value", "decode_filter_value"]

FilterValue = Union[int, float, bool, str, bytes, bytearray]

_VT_INTEGER = 0x0
_VT_DOUBLE = 0x1
_VT_BOOLEAN = 0x2
_VT_STRING = 0x3
_VT_BLOB = 0x7
_TYPED_I64 = struct.Struct("<Bq")
_TYPED_F64 = struct.Struct("<Bd")
_TYPED_LENGTH = struct.Struct("<BI")
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def encode_filter_value(value: FilterValue) -> bytes:
    """The wire bytes of a filter constant; OTSClientError for what cannot be sent."""
    if isinstance(value, bool):
        return bytes((_VT_BOOLEAN, 1 if value else 0))
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise OTSClientError(f"filter value {value} does not fit in int64")
        return _TYPED_I64.pack(_VT_INTEGER, value)
    if isinstance(value, float):
        return _TYPED_F64.pack(_VT_DOUBLE, value)
    if isinstance(value, str):
        try:
            raw = value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise OTSClientError(
                f"filter value is not encodable as UTF-8 ({exc.reason} at {exc.start})"
            ) from None
        return _TYPED_LENGTH.pack(_VT_STRING, len(raw)) + raw
    if isinstance(value, (bytes, bytearray)):
        return _TYPED_LENGTH.pack(_VT_BLOB, len(value)) + bytes(value)
    raise OTSClientError(
        f"filter value must be int, float, bool, str or bytes, not {type(value).__name__}"
    )


def decode_filter_value(data: bytes) -> FilterValue:
    """The constant in ``data`` (exactly one value); OTSDecodeError when malformed."""
    if not data:
        raise OTSDecodeError("filter value: empty")
    kind, size = data[0], len(data)
    if kind == _VT_INTEGER and size == _TYPED_I64.size:
        return int(_TYPED_I64.unpack(data)[1])
    if kind == _VT_DOUBLE and size == _TYPED_F64.size:
        return float(_TYPED_F64.unpack(data)[1])
    if kind == _VT_BOOLEAN and size == 2:
        return data[1] != 0
    if kind in (_VT_STRING, _VT_BLOB) and size >= _TYPED_LENGTH.size:
        length = _TYPED_LENGTH.unpack_from(data)[1]
        if size - _TYPED_LENGTH.size != length:
            raise OTSDecodeError(f"filter value: length {length} does not match the {size - 5} bytes given", 1)
        raw = data[_TYPED_LENGTH.size:]
        if kind == _VT_BLOB:
            return bytearray(raw)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise OTSDecodeError("filter value: STRING is not valid UTF-8", 5 + exc.start) from None
    raise OTSDecodeError(f"filter value: type {kind:#x} with {size - 1} payload bytes is not a value", 0)
