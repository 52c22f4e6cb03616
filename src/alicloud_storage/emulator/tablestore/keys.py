"""Order-preserving byte encoding of primary keys, so a range scan is an index range scan.

Each column is a type tag then its payload; comparing encodings bytewise gives the
service's order: INF_MIN < any value < INF_MAX, INTEGER signed, STRING/BINARY bytewise
with a shorter prefix first.
"""
from __future__ import annotations

import struct
from typing import Any, List, Sequence

from alicloud_storage.tablestore.wire.plainbuffer import INF_MAX, INF_MIN

__all__ = ["encode_key", "decode_key"]

_TAG_INF_MIN = 0x00
_TAG_INTEGER = 0x10
_TAG_STRING = 0x20
_TAG_BINARY = 0x30
_TAG_INF_MAX = 0xFF
_SIGN = 1 << 63
_U64 = struct.Struct(">Q")
_TERMINATOR = b"\x00\x01"


def _escape(raw: bytes) -> bytes:
    return raw.replace(b"\x00", b"\x00\xff") + _TERMINATOR


def encode_key(values: Sequence[Any]) -> bytes:
    """The sortable encoding of primary-key values (ints, str, bytes, INF_MIN/INF_MAX)."""
    out = bytearray()
    for value in values:
        if value is INF_MIN:
            out.append(_TAG_INF_MIN)
        elif value is INF_MAX:
            out.append(_TAG_INF_MAX)
        elif isinstance(value, int):
            out.append(_TAG_INTEGER)
            out += _U64.pack(value + _SIGN)
        elif isinstance(value, str):
            out.append(_TAG_STRING)
            out += _escape(value.encode("utf-8"))
        else:
            out.append(_TAG_BINARY)
            out += _escape(bytes(value))
    return bytes(out)


def _unescape(data: bytes, pos: int) -> "tuple[bytes, int]":
    out = bytearray()
    while True:
        zero = data.index(b"\x00", pos)
        out += data[pos:zero]
        if data[zero + 1] == 0x01:
            return bytes(out), zero + 2
        out.append(0)
        pos = zero + 2


def decode_key(data: bytes) -> List[Any]:
    """The values of a stored key (never contains INF markers)."""
    values: List[Any] = []
    pos = 0
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag == _TAG_INTEGER:
            values.append(_U64.unpack_from(data, pos)[0] - _SIGN)
            pos += 8
        elif tag == _TAG_STRING:
            raw, pos = _unescape(data, pos)
            values.append(raw.decode("utf-8"))
        elif tag == _TAG_BINARY:
            raw, pos = _unescape(data, pos)
            values.append(bytearray(raw))
        else:
            raise ValueError(f"unexpected key tag {tag:#x}")
    return values
