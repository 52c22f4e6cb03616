"""PlainBuffer: Tablestore's row encoding inside protobuf ``bytes`` fields.

Pure functions on bytes, used by the client (requests) and the emulator (responses).

Layout (all integers little-endian)::

    buffer = u32 0x75  row+
    row    = 0x01 cell*  [0x02 cell*]  [0x08]  0x09 row_crc
    cell   = 0x03  0x04 u32 name  [0x05 u32 total type payload]  [0x06 op]
             [0x07 i64 timestamp]  0x0a cell_crc

``cell_crc`` is the CRC-8 of the name, the value (type byte + payload), the timestamp
and the op, in that order; ``row_crc`` is the CRC-8 of every cell_crc followed by one
byte: 1 if the delete marker is present, else 0.

Values: ``int`` (INTEGER, int64), ``float`` (DOUBLE), ``bool`` (BOOLEAN), ``str``
(STRING, UTF-8), ``bytes``/``bytearray`` (BINARY, decoded as ``bytearray``) and, in
primary keys only, the sentinels ``INF_MIN``, ``INF_MAX`` and ``AUTO_INCREMENT``.

Two implementations with identical results and errors: this module's Python code (the
reference, ``PURE_PYTHON``) and the C extension ``_plainbuffer`` (``COMPILED``, built at
install time when a compiler is available), which hands every input it does not accept
to the reference. The module's functions are those of ``ACTIVE``: the compiled codec
unless it is missing or ``ALICLOUD_STORAGE_PURE_PYTHON=1`` is set.
"""
from __future__ import annotations

import gc
import importlib
import logging
import os
import struct
from enum import IntEnum
from types import ModuleType
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    NamedTuple,
    Optional,
    Protocol,
    Sequence,
    Tuple,
    Union,
)

from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError
from alicloud_storage.tablestore.wire.crc8 import CRC8_TABLE, crc8

__all__ = [
    "INF_MIN",
    "INF_MAX",
    "AUTO_INCREMENT",
    "CellOp",
    "PlainRow",
    "Value",
    "PrimaryKey",
    "Cell",
    "encode_primary_key",
    "encode_put_row",
    "encode_update_row",
    "encode_delete_row",
    "encode_rows",
    "decode_rows",
    "decode_row",
    "read_rows",
    "read_row",
    "Column",
    "ReadRow",
    "Codec",
    "PURE_PYTHON",
    "COMPILED",
    "ACTIVE",
    "NATIVE",
    "PURE_PYTHON_ENV",
]

PURE_PYTHON_ENV = "ALICLOUD_STORAGE_PURE_PYTHON"
"""Set to 1 to use the pure-Python codec even where the compiled one is built."""

_log = logging.getLogger(__name__)


class _Sentinel:
    """A primary-key placeholder value; one instance per kind, kept by pickle/copy."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name

    def __reduce__(self) -> str:
        return self._name


INF_MIN = _Sentinel("INF_MIN")
INF_MAX = _Sentinel("INF_MAX")
AUTO_INCREMENT = _Sentinel("AUTO_INCREMENT")


class CellOp(IntEnum):
    """The cell type byte of an UpdateRow cell (absent = put)."""

    DELETE_ALL_VERSIONS = 1
    DELETE_ONE_VERSION = 3
    INCREMENT = 4


Value = Union[int, float, bool, str, bytes, bytearray, _Sentinel]
PrimaryKey = List[Tuple[str, Value]]
Cell = Tuple[str, Optional[Value], Optional[int], Optional[CellOp]]


Column = Tuple[str, Optional[Value], Optional[int]]
ReadRow = Tuple[PrimaryKey, List[Column]]


class PlainRow(NamedTuple):
    """One decoded row: primary key, cells, and whether it carried the delete marker."""

    primary_key: PrimaryKey
    cells: Sequence[Cell]
    deleted: bool = False


# ---------------------------------------------------------------------------- constants

_HEADER = b"\x75\x00\x00\x00"
_TAG_ROW_PK = 0x01
_TAG_ROW_DATA = 0x02
_TAG_CELL = 0x03
_TAG_CELL_NAME = 0x04
_TAG_CELL_VALUE = 0x05
_TAG_CELL_TYPE = 0x06
_TAG_CELL_TIMESTAMP = 0x07
_TAG_DELETE_ROW_MARKER = 0x08
_TAG_ROW_CHECKSUM = 0x09
_TAG_CELL_CHECKSUM = 0x0A

_TAG_NAMES = {
    _TAG_ROW_PK: "TAG_ROW_PK",
    _TAG_ROW_DATA: "TAG_ROW_DATA",
    _TAG_CELL: "TAG_CELL",
    _TAG_CELL_NAME: "TAG_CELL_NAME",
    _TAG_CELL_VALUE: "TAG_CELL_VALUE",
    _TAG_CELL_TYPE: "TAG_CELL_TYPE",
    _TAG_CELL_TIMESTAMP: "TAG_CELL_TIMESTAMP",
    _TAG_DELETE_ROW_MARKER: "TAG_DELETE_ROW_MARKER",
    _TAG_ROW_CHECKSUM: "TAG_ROW_CHECKSUM",
    _TAG_CELL_CHECKSUM: "TAG_CELL_CHECKSUM",
}

_VT_INTEGER = 0x0
_VT_DOUBLE = 0x1
_VT_BOOLEAN = 0x2
_VT_STRING = 0x3
_VT_BLOB = 0x7
_VT_INF_MIN = 0x9
_VT_INF_MAX = 0xA
_VT_AUTO_INCREMENT = 0xB

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_MAX_LENGTH = 0x7FFFFFFF  # lengths are written as int32 by the other implementations
_INLINE_CRC = 256  # values shorter than this are hashed inline (see crc8._FOLD_FROM)
_CACHE_LIMIT = 4096
_GC_PAUSE_FROM = 1 << 16  # decode_rows pauses the cyclic GC for buffers this large

_T = CRC8_TABLE
_OPS = {int(op): op for op in CellOp}
_SENTINEL_TYPES = {_VT_INF_MIN: INF_MIN, _VT_INF_MAX: INF_MAX, _VT_AUTO_INCREMENT: AUTO_INCREMENT}

_I64 = struct.Struct("<q")
_F64 = struct.Struct("<d")
_TYPED_I64 = struct.Struct("<Bq")
_TYPED_F64 = struct.Struct("<Bd")
_BYTE_U32 = struct.Struct("<BI")  # (type, length) or (TAG_CELL_VALUE, total)
_STR_HEAD = struct.Struct("<BIBI")  # TAG_CELL_VALUE, total, type, length
_CELL_HEAD = struct.Struct("<BBI")  # TAG_CELL, TAG_CELL_NAME, name length
# After a cell name, valid data always has 6+ more bytes (at least: op, checksum, row
# checksum), so the decoder may read the value's tag, total and type in one go.
_VALUE_HEAD = struct.Struct("<BIB")
_TS_TAIL = struct.Struct("<qBB")  # timestamp, TAG_CELL_CHECKSUM, checksum
_U32 = struct.Struct("<I")

_CELL_CHECKSUM = tuple(bytes((_TAG_CELL_CHECKSUM, crc)) for crc in range(256))
_ROW_CHECKSUM = tuple(bytes((_TAG_ROW_CHECKSUM, crc)) for crc in range(256))
_CELL_TYPE = {op: bytes((_TAG_CELL_TYPE, op)) for op in CellOp}
_NUMBER_HEAD = b"\x05\x09\x00\x00\x00"
# crc8(n zero bytes, state): with crc8(raw) it gives crc8(raw, state) (the CRC is linear)
_ZERO3 = tuple(crc8(bytes(3), state) for state in range(256))
_ZERO6 = tuple(crc8(bytes(6), state) for state in range(256))
_ZERO8 = tuple(crc8(bytes(8), state) for state in range(256))


def _fixed_value(payload: bytes) -> Tuple[bytes, Tuple[int, ...]]:
    """Wire bytes of a constant value and its CRC continuation from every state."""
    wire = _BYTE_U32.pack(_TAG_CELL_VALUE, len(payload)) + payload
    return wire, tuple(crc8(payload, state) for state in range(256))


_FIXED_VALUES = {
    True: _fixed_value(bytes((_VT_BOOLEAN, 1))),
    False: _fixed_value(bytes((_VT_BOOLEAN, 0))),
    INF_MIN: _fixed_value(bytes((_VT_INF_MIN,))),
    INF_MAX: _fixed_value(bytes((_VT_INF_MAX,))),
    AUTO_INCREMENT: _fixed_value(bytes((_VT_AUTO_INCREMENT,))),
}

# name (str) -> (TAG_CELL + TAG_CELL_NAME + u32 + utf-8, crc8(utf-8)), shared by all rows
_NAME_ENCODE_CACHE: Dict[str, Tuple[bytes, int]] = {}


# ----------------------------------------------------------------------------- encoding

# Shapes of the cells given to _append_cells.
_PK = 0  # (name, value)
_PUT = 1  # (name, value) or (name, value, timestamp)
_UPDATE = 2  # (name, value, timestamp, op)
_SHAPES = {
    _PK: "primary key column must be a (name, value) pair",
    _PUT: "column must be (name, value) or (name, value, timestamp)",
    _UPDATE: "cell must be a (name, value, timestamp, op) tuple",
}
_PLAIN_TYPES = frozenset((str, int, float, bool, bytes, bytearray, _Sentinel))


def _append_cells(parts: List[bytes], cells: Iterable[Any], row_crc: int, shape: int) -> int:
    """Append the wire bytes of ``cells`` to ``parts``; return the updated row CRC.

    The one encoding loop (hot: PutRow), with every value type inline. Each cell's CRC
    covers name, value (type byte on), timestamp and op, in that order.
    """
    T = _T
    names = _NAME_ENCODE_CACHE
    str_head = _STR_HEAD.pack
    typed_i64 = _TYPED_I64.pack
    typed_f64 = _TYPED_F64.pack
    zero3 = _ZERO3
    append = parts.append
    last_ts: object = None  # the cells of a row usually share a timestamp
    ts_wire = b""
    ts_crc = 0
    timestamp = op = None
    for cell in cells:
        if type(cell) is tuple:
            size = len(cell)
        else:
            size = len(cell) if isinstance(cell, (tuple, list)) else -1
        if size == 2 and shape != _UPDATE:
            name, value = cell
        elif size == 3 and shape == _PUT:
            name, value, timestamp = cell
        elif size == 4 and shape == _UPDATE:
            name, value, timestamp, op = cell
        else:
            raise OTSClientError(f"{_SHAPES[shape]}, got {cell!r}")
        entry = names.get(name) if type(name) is str else None
        prefix, crc = entry if entry is not None else _name_entry(name)
        append(prefix)
        if op is not None:
            op = _check_op(name, value, timestamp, op)
        kind = type(value)
        if kind not in _PLAIN_TYPES:
            value = _plain_value(value, name, shape == _PK, op is not None)
            kind = type(value)
        if kind is str or kind is bytes or kind is bytearray:
            if kind is str:
                try:
                    raw = value.encode("utf-8")
                except UnicodeEncodeError:
                    raw = _utf8(value, name)
                vtype = _VT_STRING
            else:
                raw = value
                vtype = _VT_BLOB
            size = len(raw)
            if size > _MAX_LENGTH - 5:
                raise OTSClientError(f"column {name!r}: value is too long ({size} bytes)")
            append(str_head(_TAG_CELL_VALUE, size + 5, vtype, size))
            append(raw)
            if size < 256:
                crc = zero3[T[T[crc ^ vtype] ^ size]]  # the 3 high length bytes are 0
                for byte in raw:
                    crc = T[crc ^ byte]
            else:
                crc = crc8(raw, crc8(_BYTE_U32.pack(vtype, size), crc))
        elif kind is int:
            if not _INT64_MIN <= value <= _INT64_MAX:
                raise OTSClientError(f"column {name!r}: integer {value} is out of the int64 range")
            raw = typed_i64(_VT_INTEGER, value)
            append(_NUMBER_HEAD)
            append(raw)
            for byte in raw:
                crc = T[crc ^ byte]
        elif kind is bool or (kind is _Sentinel and shape == _PK):
            wire, crcs = _FIXED_VALUES[value]
            append(wire)
            crc = crcs[crc]
        elif kind is float and shape != _PK:
            raw = typed_f64(_VT_DOUBLE, value)
            append(_NUMBER_HEAD)
            append(raw)
            for byte in raw:
                crc = T[crc ^ byte]
        elif value is not None or op is None:
            raise _bad_value_type(value, name, shape == _PK)
        if op is not None:
            append(_CELL_TYPE[op])
        if timestamp is not None:
            if timestamp is not last_ts:
                raw = _timestamp_wire(timestamp, name)
                last_ts = timestamp
                ts_wire = b"\x07" + raw
                ts_crc = crc8(raw)
            append(ts_wire)
            crc = _ZERO8[crc] ^ ts_crc
            timestamp = None
        if op is not None:
            crc = T[crc ^ op]
            op = None
        append(_CELL_CHECKSUM[crc])
        row_crc = T[row_crc ^ crc]
    return row_crc


def _name_entry(name: object) -> Tuple[bytes, int]:
    """Encode a column name (cached): the cell prefix up to the name, and its CRC."""
    if not isinstance(name, str):
        raise OTSClientError(f"column name must be str, got {type(name).__name__}: {name!r}")
    raw = _utf8(name, name)
    if len(raw) > _MAX_LENGTH:
        raise OTSClientError(f"column name is too long ({len(raw)} bytes)")
    entry = (_CELL_HEAD.pack(_TAG_CELL, _TAG_CELL_NAME, len(raw)) + raw, crc8(raw))
    if len(_NAME_ENCODE_CACHE) >= _CACHE_LIMIT:
        _NAME_ENCODE_CACHE.clear()
    _NAME_ENCODE_CACHE[name] = entry
    return entry


def _utf8(text: str, name: str) -> bytes:
    """UTF-8 of a name or value; text that cannot be encoded (lone surrogates) is refused."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise OTSClientError(
            f"column {name!r}: text is not encodable as UTF-8 ({exc.reason} at {exc.start})"
        ) from None


def _plain_value(value: object, name: str, in_pk: bool, has_op: bool) -> Any:
    """Map a subclass of a supported type (e.g. an IntEnum) to its base type."""
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if value is None and has_op:
        return None
    raise _bad_value_type(value, name, in_pk)


def _bad_value_type(value: object, name: str, in_pk: bool) -> OTSClientError:
    """The error for a value that cannot be encoded where it was given."""
    where = f"primary key column {name!r}" if in_pk else f"column {name!r}"
    if value is None:
        return OTSClientError(f"{where}: value is None")
    if isinstance(value, _Sentinel):
        return OTSClientError(f"{where}: {value!r} is only allowed in a primary key")
    if isinstance(value, float):
        return OTSClientError(f"{where}: float is not a primary key type")
    return OTSClientError(f"{where}: unsupported value type {type(value).__name__}")


def _timestamp_wire(timestamp: object, name: str) -> bytes:
    """Encode a cell timestamp (int64 milliseconds) without its tag."""
    if type(timestamp) is not int:
        if isinstance(timestamp, bool) or not isinstance(timestamp, int):
            raise OTSClientError(
                f"column {name!r}: timestamp must be int, got {type(timestamp).__name__}"
            )
        timestamp = int(timestamp)
    if not _INT64_MIN <= timestamp <= _INT64_MAX:
        raise OTSClientError(f"column {name!r}: timestamp {timestamp} is out of the int64 range")
    return _I64.pack(timestamp)


def _check_op(name: str, value: object, timestamp: object, op: object) -> CellOp:
    """Validate an update cell's op against its value and timestamp."""
    found = _OPS.get(op) if isinstance(op, int) and not isinstance(op, bool) else None
    if found is None:
        raise OTSClientError(f"column {name!r}: unknown cell op {op!r}")
    if found is CellOp.INCREMENT:
        if type(value) is not int and (isinstance(value, bool) or not isinstance(value, int)):
            raise OTSClientError(f"column {name!r}: INCREMENT needs an int value, got {value!r}")
    elif value is not None:
        raise OTSClientError(f"column {name!r}: {found.name} takes no value")
    elif found is CellOp.DELETE_ONE_VERSION and timestamp is None:
        raise OTSClientError(f"column {name!r}: DELETE_ONE_VERSION needs a timestamp")
    elif found is CellOp.DELETE_ALL_VERSIONS and timestamp is not None:
        raise OTSClientError(f"column {name!r}: DELETE_ALL_VERSIONS takes no timestamp")
    return found


def _encode_row(
    primary_key: Sequence[Tuple[str, Value]],
    cells: Optional[Iterable[Any]],
    shape: int,
    deleted: bool,
    parts: List[bytes],
) -> None:
    """Append one row (after the header) to ``parts``."""
    if not isinstance(primary_key, (list, tuple)):
        raise OTSClientError(f"primary key must be a list, got {type(primary_key).__name__}")
    parts.append(b"\x01")
    row_crc = _append_cells(parts, primary_key, 0, _PK)
    if cells:
        parts.append(b"\x02")
        row_crc = _append_cells(parts, cells, row_crc, shape)
    if deleted:
        parts.append(b"\x08")
        row_crc ^= 1
    parts.append(_ROW_CHECKSUM[_T[row_crc]])


def _py_encode_primary_key(primary_key: Sequence[Tuple[str, Value]]) -> bytes:
    """Encode a primary key alone (GetRow, GetRange bounds, BatchGetRow keys)."""
    parts = [_HEADER]
    _encode_row(primary_key, None, _PK, False, parts)
    return b"".join(parts)


def _py_encode_put_row(
    primary_key: Sequence[Tuple[str, Value]], columns: Sequence[Tuple[Any, ...]]
) -> bytes:
    """Encode a PutRow row; ``columns`` holds ``(name, value)`` or ``(name, value, ts)``."""
    parts = [_HEADER]
    _encode_row(primary_key, columns, _PUT, False, parts)
    return b"".join(parts)


def _py_encode_update_row(primary_key: Sequence[Tuple[str, Value]], cells: Sequence[Cell]) -> bytes:
    """Encode an UpdateRow row change from (name, value, timestamp, op) cells."""
    parts = [_HEADER]
    _encode_row(primary_key, cells, _UPDATE, False, parts)
    return b"".join(parts)


def _py_encode_delete_row(primary_key: Sequence[Tuple[str, Value]]) -> bytes:
    """Encode a DeleteRow key: the primary key followed by the delete marker."""
    parts = [_HEADER]
    _encode_row(primary_key, None, _PK, True, parts)
    return b"".join(parts)


def _py_encode_rows(rows: Iterable[PlainRow]) -> bytes:
    """Encode rows as a server returns them (GetRange, BatchGetRow); no rows -> b''."""
    parts = [_HEADER]
    for row in rows:
        try:
            primary_key, cells, deleted = row
        except (TypeError, ValueError):
            raise OTSClientError(f"row must be a PlainRow, got {row!r}") from None
        _encode_row(primary_key, cells, _UPDATE, deleted, parts)
    return b"".join(parts) if len(parts) > 1 else b""


# ----------------------------------------------------------------------------- decoding


def _tag_name(tag: int) -> str:
    return f"{_TAG_NAMES.get(tag, 'unknown tag')} (0x{tag:02x})"


def _expected(what: str, buf: bytes, pos: int) -> OTSDecodeError:
    """Error for an unexpected tag (or end of data) where ``what`` was expected."""
    found = _tag_name(buf[pos]) if pos < len(buf) else "end of data"
    return OTSDecodeError(f"PlainBuffer: expected {what}, found {found}", pos)


def _as_bytes(data: Union[bytes, bytearray, memoryview]) -> bytes:
    if type(data) is bytes:
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise OTSClientError(f"PlainBuffer data must be bytes, got {type(data).__name__}")


def _check_header(buf: bytes) -> None:
    if buf[:4] != _HEADER:
        raise OTSDecodeError(f"PlainBuffer: bad header {buf[:4].hex()!r}, expected '75000000'", 0)


def _py_decode_rows(
    data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
) -> List[PlainRow]:
    """Decode a buffer of rows (GetRange, BatchWrite results); b'' -> [].

    With ``verify_checksums=False`` the structure is checked as fully, but the CRC-8
    cell and row checksums are neither computed nor compared: only for data whose
    integrity is already proven otherwise (a response body whose MD5 was checked).
    """
    buf = _as_bytes(data)
    if not buf:
        return []
    _check_header(buf)
    if len(buf) < _GC_PAUSE_FROM or not gc.isenabled():
        return _decode(buf, False, verify_checksums)
    # The rows are acyclic: collections triggered by their allocation only rescan them
    # (about a sixth of the decode time for a large GetRange page).
    gc.disable()
    try:
        return _decode(buf, False, verify_checksums)
    finally:
        gc.enable()


def _py_decode_row(
    data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
) -> Optional[PlainRow]:
    """Decode a buffer holding exactly one row; b'' (no row, e.g. GetRow miss) -> None.

    ``verify_checksums`` as for :func:`_py_decode_rows`.
    """
    buf = _as_bytes(data)
    if not buf:
        return None
    _check_header(buf)
    if len(buf) == 4:
        raise _expected("TAG_ROW_PK", buf, 4)
    return _decode(buf, True, verify_checksums)[0]


def _py_read_rows(
    data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
) -> List[ReadRow]:
    """Decode response rows as ``(primary_key, [(name, value, timestamp)])`` pairs.

    The shape of the public Row (the reader's view: cell ops and the delete marker are
    dropped); otherwise as :func:`_py_decode_rows`, with the same checks and errors.
    """
    return [
        (row.primary_key, [(name, value, ts) for name, value, ts, _ in row.cells])
        for row in _py_decode_rows(data, verify_checksums)
    ]


def _py_read_row(
    data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
) -> Optional[ReadRow]:
    """Decode a buffer holding exactly one row as a :func:`_py_read_rows` pair; b'' -> None."""
    row = _py_decode_row(data, verify_checksums)
    return None if row is None else (row.primary_key, [(n, v, ts) for n, v, ts, _ in row.cells])


def _decode(buf: bytes, single: bool, verify: bool) -> List[PlainRow]:
    """Decode the rows after the header; with ``single`` exactly one row is allowed.

    Hot loop, attribute cells inline. A cell's head (tags, name, value total and type)
    repeats from row to row, so it is validated once and then found in a cache. Every
    variable-length field is followed by a read of the next tag, so a length running
    past the end surfaces as IndexError, reported as OTSDecodeError. Without ``verify``
    the value bytes are not hashed (``inline`` 0) and the checksum bytes are read (so
    truncation is still caught) but not compared: the remaining CRC steps are table
    look-ups, cheaper than a branch around each on the default path.
    """
    T = _T
    inline = _INLINE_CRC if verify else 0
    zero6 = _ZERO6
    zero8 = _ZERO8
    heads = _CELL_HEADS
    ts_tail = _TS_TAIL.unpack_from
    u32 = _U32.unpack_from
    i64 = _I64.unpack_from
    f64 = _F64.unpack_from
    new_row = tuple.__new__  # PlainRow(...) without its Python-level __new__
    end = len(buf)
    pos = 4
    rows = []
    last_ts = ts_crc = 0  # the last timestamp seen (rows repeat it) and its CRC
    value: Any
    try:
        while pos < end:
            if buf[pos] != _TAG_ROW_PK:
                raise _expected("TAG_ROW_PK", buf, pos)
            primary_key, pos, row_crc = _read_primary_key(buf, pos + 1, inline)
            cells: List[Cell] = []
            if buf[pos] == _TAG_ROW_DATA:
                pos += 1
                append = cells.append
                while buf[pos] == _TAG_CELL:
                    entry = heads.get(buf[pos : pos + 12 + u32(buf, pos + 2)[0]])
                    if entry is None:
                        entry = _read_cell_head(buf, pos, False)
                    name, crc, kind, total, skip = entry
                    pos += skip
                    if kind < 0:
                        value = None
                    else:
                        stop = pos + total - 1
                        if kind == _VT_STRING:
                            if u32(buf, pos)[0] != total - 5:
                                raise _bad_value(buf, pos - 1, total, name, False)
                            try:
                                value = buf[pos + 4 : stop].decode("utf-8")
                            except UnicodeDecodeError as exc:
                                raise _bad_utf8(name, pos + 4 + exc.start) from None
                        elif kind == _VT_INTEGER:
                            value = i64(buf, pos)[0]
                        elif kind == _VT_DOUBLE:
                            value = f64(buf, pos)[0]
                        elif kind == _VT_BOOLEAN:
                            value = buf[pos]
                            if value > 1:
                                raise _bad_value(buf, pos - 1, total, name, False)
                            value = value == 1
                        else:  # _VT_BLOB: the head cache holds no other type for cells
                            if u32(buf, pos)[0] != total - 5:
                                raise _bad_value(buf, pos - 1, total, name, False)
                            value = bytearray(buf[pos + 4 : stop])
                        if total < inline:
                            for byte in buf[pos:stop]:
                                crc = T[crc ^ byte]
                        elif verify:
                            crc = crc8(buf[pos:stop], crc)
                        pos = stop
                    tag = buf[pos]
                    op = None
                    if tag == _TAG_CELL_TYPE:
                        op = _OPS.get(buf[pos + 1])
                        if op is None:
                            raise _bad_op(buf, pos + 1, name)
                        pos += 2
                        tag = buf[pos]
                    if tag == _TAG_CELL_TIMESTAMP:
                        timestamp, tag, stored = ts_tail(buf, pos + 1)
                        if timestamp != last_ts:
                            # CRC is linear: crc(ts) = crc(last) ^ crc(ts XOR last), and
                            # the timestamps of a page mostly differ in their low 2 bytes.
                            delta = (timestamp ^ last_ts) & 0xFFFFFFFFFFFFFFFF
                            if delta < 0x10000:
                                ts_crc ^= zero6[T[T[delta & 0xFF] ^ (delta >> 8)]]
                            else:
                                ts_crc = 0
                                for byte in buf[pos + 1 : pos + 9]:
                                    ts_crc = T[ts_crc ^ byte]
                            last_ts = timestamp
                        crc = zero8[crc] ^ ts_crc
                        pos += 9
                    else:
                        timestamp = None
                        stored = buf[pos + 1]
                    if op is not None:
                        crc = T[crc ^ op]
                    if tag != _TAG_CELL_CHECKSUM or (stored != crc and verify):
                        raise _bad_cell_end(buf, pos, name, crc)
                    cell = (name, value, timestamp, op)
                    if op is not None or value is None:
                        _check_decoded_op(cell, pos)
                    append(cell)
                    row_crc = T[row_crc ^ crc]
                    pos += 2
            deleted = buf[pos] == _TAG_DELETE_ROW_MARKER
            if deleted:
                pos += 1
                row_crc = T[row_crc ^ 1]
            else:
                row_crc = T[row_crc]
            if buf[pos] != _TAG_ROW_CHECKSUM:
                raise _expected("TAG_ROW_CHECKSUM", buf, pos)
            if buf[pos + 1] != row_crc and verify:
                raise OTSDecodeError(
                    f"PlainBuffer: row checksum mismatch (stored 0x{buf[pos + 1]:02x}, "
                    f"computed 0x{row_crc:02x})",
                    pos + 1,
                )
            pos += 2
            rows.append(new_row(PlainRow, (primary_key, cells, deleted)))
            if single and pos != end:
                raise OTSDecodeError("PlainBuffer: unexpected data after the row", pos)
    except (IndexError, struct.error):
        raise OTSDecodeError("PlainBuffer: unexpected end of data", end) from None
    return rows


def _read_primary_key(buf: bytes, pos: int, inline: int) -> Tuple[PrimaryKey, int, int]:
    """Read the primary-key cells at ``pos``; return them, the next offset, the row CRC.

    Values shorter than ``inline`` are hashed inline, longer ones by crc8; with
    ``inline`` 0 (checksums not verified) none is hashed nor compared.
    """
    T = _T
    u32 = _U32.unpack_from
    heads = _PK_HEADS
    row_crc = 0
    primary_key: PrimaryKey = []
    value: Any
    while buf[pos] == _TAG_CELL:
        entry = heads.get(buf[pos : pos + 12 + u32(buf, pos + 2)[0]])
        if entry is None:
            entry = _read_cell_head(buf, pos, True)
        name, crc, kind, total, skip = entry
        pos += skip
        stop = pos + total - 1
        if kind == _VT_STRING or kind == _VT_BLOB:
            if u32(buf, pos)[0] != total - 5:
                raise _bad_value(buf, pos - 1, total, name, True)
            if kind == _VT_BLOB:
                value = bytearray(buf[pos + 4 : stop])
            else:
                try:
                    value = buf[pos + 4 : stop].decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise _bad_utf8(name, pos + 4 + exc.start) from None
        elif kind == _VT_INTEGER:
            value = _I64.unpack_from(buf, pos)[0]
        elif kind == _VT_BOOLEAN:
            value = buf[pos]
            if value > 1:
                raise _bad_value(buf, pos - 1, total, name, True)
            value = value == 1
        else:
            value = _SENTINEL_TYPES[kind]
        if total < inline:
            for byte in buf[pos:stop]:
                crc = T[crc ^ byte]
        elif inline:
            crc = crc8(buf[pos:stop], crc)
        pos = stop
        if buf[pos] != _TAG_CELL_CHECKSUM or (buf[pos + 1] != crc and inline):
            raise _bad_cell_end(buf, pos, name, crc)
        primary_key.append((name, value))
        row_crc = T[row_crc ^ crc]
        pos += 2
    return primary_key, pos, row_crc


# Valid value totals per type; sentinels only in primary keys, DOUBLE only outside them.
_CELL_TOTALS = {_VT_INTEGER: 9, _VT_DOUBLE: 9, _VT_BOOLEAN: 2, _VT_STRING: 5, _VT_BLOB: 5}
_PK_TOTALS = {_VT_INTEGER: 9, _VT_BOOLEAN: 2, _VT_STRING: 5, _VT_BLOB: 5}
_PK_TOTALS.update(dict.fromkeys(_SENTINEL_TYPES, 1))
# cell head bytes (TAG_CELL .. value type) -> (name, crc, type, total, head length)
_Head = Tuple[str, int, int, int, int]
_CELL_HEADS: Dict[bytes, _Head] = {}
_PK_HEADS: Dict[bytes, _Head] = {}


def _read_cell_head(buf: bytes, pos: int, in_pk: bool) -> _Head:
    """Validate a cell's head (tags, name, value total and type) and cache it.

    Returns ``(name, crc, type, total, head length)``: ``crc`` covers the name and type
    byte; a cell without value has type -1 and is not cached.
    """
    _, tag, size = _CELL_HEAD.unpack_from(buf, pos)
    if tag != _TAG_CELL_NAME:
        raise _expected("TAG_CELL_NAME", buf, pos + 1)
    stop = pos + 6 + size
    if stop > len(buf):
        raise OTSDecodeError(f"PlainBuffer: cell name length {size} runs past the end", pos + 2)
    raw = buf[pos + 6 : stop]
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OTSDecodeError(
            "PlainBuffer: column name is not valid UTF-8", pos + 6 + exc.start
        ) from None
    crc = crc8(raw)
    if buf[stop] != _TAG_CELL_VALUE:
        if in_pk:
            raise _expected(f"TAG_CELL_VALUE for primary key column {name!r}", buf, stop)
        return (name, crc, -1, 0, 6 + size)
    _, total, kind = _VALUE_HEAD.unpack_from(buf, stop)
    minimum = (_PK_TOTALS if in_pk else _CELL_TOTALS).get(kind)
    exact = kind != _VT_STRING and kind != _VT_BLOB
    if minimum is None or total < minimum or (exact and total != minimum):
        raise _bad_value(buf, stop + 5, total, name, in_pk)
    entry = (name, _T[crc ^ kind], kind, total, 12 + size)
    cache = _PK_HEADS if in_pk else _CELL_HEADS
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[buf[pos : stop + 6]] = entry
    return entry


def _bad_utf8(name: str, pos: int) -> OTSDecodeError:
    return OTSDecodeError(f"PlainBuffer: column {name!r} holds invalid UTF-8", pos)


def _bad_op(buf: bytes, pos: int, name: str) -> OTSDecodeError:
    return OTSDecodeError(f"PlainBuffer: unknown cell op 0x{buf[pos]:02x} for column {name!r}", pos)


def _bad_value(buf: bytes, start: int, total: int, name: str, in_pk: bool) -> OTSDecodeError:
    """Describe why the value whose type byte is at ``start`` is invalid."""
    kind = buf[start]
    where = f"primary key column {name!r}" if in_pk else f"column {name!r}"
    if kind in _SENTINEL_TYPES and not in_pk:
        return OTSDecodeError(
            f"PlainBuffer: value type 0x{kind:02x} is only valid in a primary key ({where})",
            start,
        )
    if kind == _VT_DOUBLE and in_pk:
        return OTSDecodeError(f"PlainBuffer: DOUBLE is not a primary key type ({where})", start)
    if kind == _VT_BOOLEAN and total == 2:
        return OTSDecodeError(
            f"PlainBuffer: bad boolean byte 0x{buf[start + 1]:02x} ({where})", start + 1
        )
    if kind in _CELL_TOTALS or kind in _SENTINEL_TYPES:
        return OTSDecodeError(
            f"PlainBuffer: value length {total} does not fit type 0x{kind:02x} ({where})",
            start - 4,
        )
    return OTSDecodeError(f"PlainBuffer: unknown value type 0x{kind:02x} ({where})", start)


def _bad_cell_end(buf: bytes, pos: int, name: str, computed: int) -> OTSDecodeError:
    """Error for a cell whose checksum tag is missing or whose checksum is wrong."""
    if buf[pos] != _TAG_CELL_CHECKSUM:
        return _expected(f"TAG_CELL_CHECKSUM for column {name!r}", buf, pos)
    return OTSDecodeError(
        f"PlainBuffer: cell checksum mismatch for column {name!r} "
        f"(stored 0x{buf[pos + 1]:02x}, computed 0x{computed:02x})",
        pos + 1,
    )


def _check_decoded_op(cell: Cell, pos: int) -> None:
    """Apply the encoder's op/value/timestamp rules to a decoded cell."""
    name, value, timestamp, op = cell
    try:
        if op is None:
            raise OTSClientError(f"column {name!r}: a cell without op needs a value")
        _check_op(name, value, timestamp, op)
    except OTSClientError as exc:
        raise OTSDecodeError(f"PlainBuffer: {exc.message}", pos) from None


# ------------------------------------------------------------------------- the backends


_Encode = Callable[[Sequence[Tuple[str, Value]]], bytes]
_EncodeRow = Callable[[Sequence[Tuple[str, Value]], Sequence[Any]], bytes]


class _DecodeRows(Protocol):
    def __call__(
        self, data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
    ) -> List[PlainRow]: ...


class _DecodeRow(Protocol):
    def __call__(
        self, data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
    ) -> Optional[PlainRow]: ...


class _ReadRows(Protocol):
    def __call__(
        self, data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
    ) -> List[ReadRow]: ...


class _ReadRow(Protocol):
    def __call__(
        self, data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
    ) -> Optional[ReadRow]: ...


class Codec(NamedTuple):
    """One implementation of the codec's public functions, and its name."""

    name: str
    encode_primary_key: _Encode
    encode_put_row: _EncodeRow
    encode_update_row: _EncodeRow
    encode_delete_row: _Encode
    encode_rows: Callable[[Iterable[PlainRow]], bytes]
    decode_rows: _DecodeRows
    decode_row: _DecodeRow
    read_rows: _ReadRows
    read_row: _ReadRow


PURE_PYTHON = Codec(
    "pure Python",
    _py_encode_primary_key,
    _py_encode_put_row,
    _py_encode_update_row,
    _py_encode_delete_row,
    _py_encode_rows,
    _py_decode_rows,
    _py_decode_row,
    _py_read_rows,
    _py_read_row,
)
"""The reference implementation (always available)."""


def _load_compiled() -> Optional[Codec]:
    """The compiled codec, if the extension was built (at install time) and imports."""
    try:
        from alicloud_storage.tablestore.wire import _plainbuffer as native
    except ImportError:
        return None
    native.configure(PlainRow, INF_MIN, INF_MAX, AUTO_INCREMENT, CellOp)
    encode_row = native.encode_row
    decode = native.decode

    # Each function answers from the extension; NotImplemented from it means "ask the
    # reference": for malformed input (which then raises the reference's error, same
    # type, message and offset) and for inputs the extension leaves to it (subclasses
    # of the value types, iterables other than list and tuple).

    def encode_primary_key(primary_key: Sequence[Tuple[str, Value]]) -> bytes:
        """Encode a primary key alone (GetRow, GetRange bounds, BatchGetRow keys)."""
        data = encode_row(primary_key, None, _PK, False)
        return data if data is not NotImplemented else _py_encode_primary_key(primary_key)

    def encode_put_row(primary_key: Sequence[Tuple[str, Value]], columns: Sequence[Any]) -> bytes:
        """Encode a PutRow row; ``columns`` holds ``(name, value)`` or ``(name, value, ts)``."""
        data = encode_row(primary_key, columns, _PUT, False)
        return data if data is not NotImplemented else _py_encode_put_row(primary_key, columns)

    def encode_update_row(primary_key: Sequence[Tuple[str, Value]], cells: Sequence[Any]) -> bytes:
        """Encode an UpdateRow row change from (name, value, timestamp, op) cells."""
        data = encode_row(primary_key, cells, _UPDATE, False)
        return data if data is not NotImplemented else _py_encode_update_row(primary_key, cells)

    def encode_delete_row(primary_key: Sequence[Tuple[str, Value]]) -> bytes:
        """Encode a DeleteRow key: the primary key followed by the delete marker."""
        data = encode_row(primary_key, None, _PK, True)
        return data if data is not NotImplemented else _py_encode_delete_row(primary_key)

    def encode_rows(rows: Iterable[PlainRow]) -> bytes:
        """Encode rows as a server returns them (GetRange, BatchGetRow); no rows -> b''."""
        data = native.encode_rows(rows)
        return data if data is not NotImplemented else _py_encode_rows(rows)

    def decode_all(buf: bytes, verify: bool, columns: bool) -> Any:
        """The extension's rows of a non-empty buffer, or NotImplemented."""
        if len(buf) < _GC_PAUSE_FROM or not gc.isenabled():
            return decode(buf, False, verify, columns)
        gc.disable()  # as in _py_decode_rows: the rows are acyclic
        try:
            return decode(buf, False, verify, columns)
        finally:
            gc.enable()

    def decode_rows(
        data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
    ) -> List[PlainRow]:
        """Decode a buffer of rows (as :func:`_py_decode_rows`); b'' -> []."""
        buf = data if type(data) is bytes else _as_bytes(data)
        if not buf:
            return []
        rows: List[PlainRow] = decode_all(buf, verify_checksums, False)
        return rows if rows is not NotImplemented else _py_decode_rows(buf, verify_checksums)

    def decode_row(
        data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
    ) -> Optional[PlainRow]:
        """Decode a buffer holding exactly one row; b'' (no row) -> None."""
        buf = data if type(data) is bytes else _as_bytes(data)
        if not buf:
            return None
        rows: List[PlainRow] = decode(buf, True, verify_checksums, False)
        return rows[0] if rows is not NotImplemented else _py_decode_row(buf, verify_checksums)

    def read_rows(
        data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
    ) -> List[ReadRow]:
        """Decode response rows as (primary_key, columns) pairs (as :func:`_py_read_rows`)."""
        buf = data if type(data) is bytes else _as_bytes(data)
        if not buf:
            return []
        rows: List[ReadRow] = decode_all(buf, verify_checksums, True)
        return rows if rows is not NotImplemented else _py_read_rows(buf, verify_checksums)

    def read_row(
        data: Union[bytes, bytearray, memoryview], verify_checksums: bool = True
    ) -> Optional[ReadRow]:
        """Decode one row as a (primary_key, columns) pair; b'' (no row) -> None."""
        buf = data if type(data) is bytes else _as_bytes(data)
        if not buf:
            return None
        rows: List[ReadRow] = decode(buf, True, verify_checksums, True)
        return rows[0] if rows is not NotImplemented else _py_read_row(buf, verify_checksums)

    return Codec(
        "compiled (C extension)",
        encode_primary_key,
        encode_put_row,
        encode_update_row,
        encode_delete_row,
        encode_rows,
        decode_rows,
        decode_row,
        read_rows,
        read_row,
    )


COMPILED: Optional[Codec] = _load_compiled()
"""The compiled codec, or None when the extension was not built."""

ACTIVE: Codec = (
    PURE_PYTHON if COMPILED is None or os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0") else COMPILED
)
"""The codec behind the module's functions: compiled unless unavailable or forced off."""

NATIVE: Optional[ModuleType] = (
    importlib.import_module("alicloud_storage.tablestore.wire._plainbuffer") if ACTIVE is COMPILED else None
)
"""The extension while the compiled codec is active (its batch functions serve the emulator), else None."""

_log.debug(
    "PlainBuffer codec: %s%s",
    ACTIVE.name,
    f" ({PURE_PYTHON_ENV} set)" if COMPILED is not None and ACTIVE is PURE_PYTHON else "",
)

encode_primary_key = ACTIVE.encode_primary_key
encode_put_row = ACTIVE.encode_put_row
encode_update_row = ACTIVE.encode_update_row
encode_delete_row = ACTIVE.encode_delete_row
encode_rows = ACTIVE.encode_rows
decode_rows = ACTIVE.decode_rows
decode_row = ACTIVE.decode_row
read_rows = ACTIVE.read_rows
read_row = ACTIVE.read_row
