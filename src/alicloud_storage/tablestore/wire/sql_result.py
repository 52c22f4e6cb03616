"""The SQL result set: FlatBuffers ``SQLResponseColumns`` bytes <-> columns of plain values.

The schema (the public protocol's ``sql.fbs``)::

    enum DataType:byte {NONE, LONG, BOOLEAN, DOUBLE, STRING, BINARY, STRING_RLE}
    table BytesValue { value: [byte]; }
    table RLEStringValues { array: [string]; index_mapping: [int32]; }
    table ColumnValues { is_nullvalues: [bool]; long_values: [long]; bool_values: [bool];
                         double_values: [double]; string_values: [string];
                         binary_values: [BytesValue]; rle_string_values: RLEStringValues; }
    table SQLResponseColumn { column_name: string; column_type: DataType; column_value: ColumnValues; }
    table SQLResponseColumns { columns: [SQLResponseColumn]; row_count: long; }

Both directions are written here with ``struct`` on whole vectors (no ``flatbuffers``
runtime): :func:`decode_columns` / :func:`decode_rows` for the client, :func:`encode_columns`
for the emulator. Every column carries a null map and a typed vector of the same length,
nulls holding a placeholder, as the service sends them.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Dict, List, Optional, Sequence, Tuple

from alicloud_storage.tablestore.errors import OTSDecodeError

__all__ = ["DataType", "ResultColumn", "decode_columns", "decode_rows", "encode_columns"]


class DataType(IntEnum):
    """The column types of the result set (``DataType`` of sql.fbs)."""

    NONE = 0
    LONG = 1
    BOOLEAN = 2
    DOUBLE = 3
    STRING = 4
    BINARY = 5
    STRING_RLE = 6


@dataclass(frozen=True)
class ResultColumn:
    """One column of a result set: name, type and one value per row (None = NULL)."""

    name: str
    type: DataType
    values: Sequence[Any]


_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_I64 = struct.Struct("<q")


class _Reader:
    """Offsets into one FlatBuffers buffer; every read is bounds-checked by ``struct``."""

    __slots__ = ("buf",)

    def __init__(self, buf: bytes) -> None:
        self.buf = buf

    def fields(self, table: int, count: int) -> List[int]:
        """The absolute positions of a table's first ``count`` fields (0 = absent)."""
        buf = self.buf
        vtable = table - _I32.unpack_from(buf, table)[0]
        size = _U16.unpack_from(buf, vtable)[0]
        slots = min(count, (size - 4) // 2)
        offsets = struct.unpack_from(f"<{slots}H", buf, vtable + 4) if slots > 0 else ()
        out = [table + o if o else 0 for o in offsets]
        out.extend([0] * (count - slots))
        return out

    def target(self, field: int) -> int:
        """Follow the uoffset stored at ``field``."""
        return field + int(_U32.unpack_from(self.buf, field)[0])

    def vector(self, field: int) -> Tuple[int, int]:
        """(start of elements, length) of the vector a field points to; (0, 0) when absent."""
        if not field:
            return 0, 0
        pos = self.target(field)
        return pos + 4, _U32.unpack_from(self.buf, pos)[0]

    def scalars(self, field: int, code: str) -> Tuple[Any, ...]:
        """A vector of scalars of struct ``code`` as a tuple."""
        start, length = self.vector(field)
        return struct.unpack_from(f"<{length}{code}", self.buf, start) if length else ()

    def strings(self, positions: List[int]) -> List[str]:
        """The strings whose length prefixes are at ``positions``."""
        buf, unpack, size = self.buf, _U32.unpack_from, len(self.buf)
        out: List[str] = []
        append = out.append
        for pos in positions:
            end = pos + 4 + unpack(buf, pos)[0]
            if end > size:
                raise OTSDecodeError("string runs past the end of the SQL result set")
            append(buf[pos + 4:end].decode("utf-8"))
        return out

    def blobs(self, positions: List[int]) -> List[bytes]:
        """The ``value`` bytes of the BytesValue tables at ``positions`` (absent = empty)."""
        buf, u16, u32, i32, size = self.buf, _U16.unpack_from, _U32.unpack_from, _I32.unpack_from, len(self.buf)
        out: List[bytes] = []
        append = out.append
        for pos in positions:
            vtable = pos - i32(buf, pos)[0]
            offset = u16(buf, vtable + 4)[0] if u16(buf, vtable)[0] >= 6 else 0
            if not offset:
                append(b"")
                continue
            field = pos + offset
            vector = field + u32(buf, field)[0]
            end = vector + 4 + u32(buf, vector)[0]
            if end > size:
                raise OTSDecodeError("binary value runs past the end of the SQL result set")
            append(buf[vector + 4:end])
        return out

    def offsets(self, field: int) -> List[int]:
        """The targets of a vector of offsets (strings or tables)."""
        start, length = self.vector(field)
        if not length:
            return []
        relative = struct.unpack_from(f"<{length}I", self.buf, start)
        return [start + 4 * i + o for i, o in enumerate(relative)]


def _column_values(reader: _Reader, table: int, kind: int) -> Tuple[Tuple[bool, ...], Sequence[Any]]:
    """(null map, typed values) of a ColumnValues table for a column of type ``kind``."""
    if not table:
        return (), ()
    f_null, f_long, f_bool, f_double, f_string, f_binary, f_rle = reader.fields(table, 7)
    start, length = reader.vector(f_null)
    nulls = tuple(map(bool, reader.buf[start:start + length]))
    if len(nulls) != length:
        raise OTSDecodeError("null map runs past the end of the SQL result set")
    values: Sequence[Any]
    if kind == DataType.NONE:
        values = nulls
    elif kind == DataType.LONG:
        values = reader.scalars(f_long, "q")
    elif kind == DataType.DOUBLE:
        values = reader.scalars(f_double, "d")
    elif kind == DataType.BOOLEAN:
        start, length = reader.vector(f_bool)
        values = list(map(bool, reader.buf[start:start + length]))
    elif kind == DataType.STRING:
        values = reader.strings(reader.offsets(f_string))
    elif kind == DataType.BINARY:
        values = reader.blobs(reader.offsets(f_binary))
    elif kind == DataType.STRING_RLE:
        values = []
        if f_rle:
            f_array, f_mapping = reader.fields(reader.target(f_rle), 2)
            array = reader.strings(reader.offsets(f_array))
            try:
                values = [array[i] for i in reader.scalars(f_mapping, "i")]
            except IndexError:
                raise OTSDecodeError("run-length index outside the string array of the SQL result set") from None
    else:
        raise OTSDecodeError(f"unknown column type {kind} in the SQL result set")
    if len(values) != len(nulls):
        raise OTSDecodeError("the length of unpacked values not equal to null map")
    return nulls, values


def decode_columns(data: bytes) -> List[ResultColumn]:
    """The columns of a result set, in order; raises OTSDecodeError on a malformed buffer."""
    if not data:
        return []
    reader = _Reader(bytes(data))
    try:
        root = reader.target(0)
        f_columns = reader.fields(root, 1)[0]
        columns = []
        for table in reader.offsets(f_columns):
            f_name, f_type, f_value = reader.fields(table, 3)
            name = reader.strings([reader.target(f_name)])[0] if f_name else ""
            kind = reader.buf[f_type] if f_type else 0
            if kind > 127:
                kind -= 256
            nulls, values = _column_values(reader, reader.target(f_value) if f_value else 0, kind)
            if any(nulls):
                values = [None if null else value for null, value in zip(nulls, values)]
            elif kind == DataType.NONE:
                values = list(values)
            columns.append(ResultColumn(name, DataType(kind), values))
        return columns
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise OTSDecodeError(f"malformed SQL result set: {exc}") from None


def decode_rows(data: bytes) -> List[Tuple[List[Any], List[Tuple[str, Any]]]]:
    """The result set as rows ``([], [(column, value), ...])``, the official SDK's shape.

    As there, columns are keyed by name (a repeated name keeps its first place and last
    values) and the row count is that of the shortest column; no columns -> no rows.
    """
    by_name: Dict[str, Sequence[Any]] = {}
    for column in decode_columns(data):
        by_name[column.name] = column.values
    names = list(by_name)
    return [([], list(zip(names, cells))) for cells in zip(*by_name.values())]


# --- encoding ----------------------------------------------------------------------


class _Writer:
    """A FlatBuffers buffer written front to back: parents first, children patched in."""

    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = bytearray(4)  # the root offset, patched by the caller

    def pad(self, align: int, extra: int = 0) -> None:
        """Pad so that ``len(buf) + extra`` is a multiple of ``align``."""
        self.buf.extend(b"\0" * ((-(len(self.buf) + extra)) % align))

    def patch(self, field: int, target: int) -> None:
        """Point the uoffset at ``field`` to ``target``."""
        _U32.pack_into(self.buf, field, target - field)

    def table(self, layout: Sequence[Optional[int]], size: int) -> int:
        """A vtable then a table of ``size`` bytes (zeroed) whose fields sit at ``layout``
        offsets (None = absent); returns the table's position (8-aligned)."""
        vtable = struct.pack(f"<HH{len(layout)}H", 4 + 2 * len(layout), size, *[o or 0 for o in layout])
        self.pad(8, len(vtable))
        self.buf += vtable
        pos = len(self.buf)
        self.buf += bytes(size)
        _I32.pack_into(self.buf, pos, len(vtable))
        return pos

    def string(self, field: int, text: str) -> None:
        """Write a string and point ``field`` at it."""
        raw = text.encode("utf-8")
        self.pad(4)
        self.patch(field, len(self.buf))
        self.buf += _U32.pack(len(raw)) + raw + b"\0"

    def scalars(self, field: int, code: str, size: int, values: Sequence[Any]) -> None:
        """Write a vector of scalars and point ``field`` at it."""
        self.pad(max(size, 4), 4)
        self.patch(field, len(self.buf))
        self.buf += _U32.pack(len(values)) + struct.pack(f"<{len(values)}{code}", *values)

    def blob(self, field: int, raw: bytes) -> None:
        """Write a ``[byte]`` vector and point ``field`` at it."""
        self.pad(4)
        self.patch(field, len(self.buf))
        self.buf += _U32.pack(len(raw)) + raw

    def offsets(self, field: int, count: int) -> int:
        """Write a vector of ``count`` offsets to be patched; returns the first element's position."""
        self.pad(4)
        self.patch(field, len(self.buf))
        self.buf += _U32.pack(count) + bytes(4 * count)
        return len(self.buf) - 4 * count


# The ColumnValues slot (0-based vtable index) holding each type's values.
_SLOT = {DataType.LONG: 1, DataType.BOOLEAN: 2, DataType.DOUBLE: 3, DataType.STRING: 4,
         DataType.BINARY: 5, DataType.STRING_RLE: 6}


def _rle(values: Sequence[Any]) -> Tuple[List[str], List[int]]:
    """Run-length encode strings: the distinct runs and each row's run index."""
    array: List[str] = []
    mapping: List[int] = []
    for value in values:
        text = "" if value is None else value
        if not array or array[-1] != text:
            array.append(text)
        mapping.append(len(array) - 1)
    return array, mapping


def _encode_values(writer: _Writer, field: int, kind: DataType, values: Sequence[Any]) -> None:
    """Write the ColumnValues table of one column: its null map and typed vector."""
    slot = _SLOT.get(kind)
    layout: List[Optional[int]] = [4] + [None] * 6
    if slot is not None:
        layout[slot] = 8
    table = writer.table(layout, 12)
    writer.patch(field, table)
    writer.scalars(table + 4, "?", 1, [value is None for value in values])
    target = table + 8
    if kind == DataType.LONG:
        writer.scalars(target, "q", 8, [0 if v is None else v for v in values])
    elif kind == DataType.BOOLEAN:
        writer.scalars(target, "?", 1, [bool(v) for v in values])
    elif kind == DataType.DOUBLE:
        writer.scalars(target, "d", 8, [0.0 if v is None else v for v in values])
    elif kind == DataType.STRING:
        first = writer.offsets(target, len(values))
        for i, value in enumerate(values):
            writer.string(first + 4 * i, "" if value is None else value)
    elif kind == DataType.BINARY:
        first = writer.offsets(target, len(values))
        for i, value in enumerate(values):
            item = writer.table([4], 8)
            writer.patch(first + 4 * i, item)
            writer.blob(item + 4, b"" if value is None else bytes(value))
    elif kind == DataType.STRING_RLE:
        array, mapping = _rle(values)
        rle = writer.table([4, 8], 12)
        writer.patch(target, rle)
        first = writer.offsets(rle + 4, len(array))
        for i, text in enumerate(array):
            writer.string(first + 4 * i, text)
        writer.scalars(rle + 8, "i", 4, mapping)


def encode_columns(columns: Sequence[ResultColumn]) -> bytes:
    """The FlatBuffers result set of ``columns`` (all of one length; None = NULL)."""
    writer = _Writer()
    root = writer.table([4, 8], 16)
    writer.patch(0, root)
    row_count = len(columns[0].values) if columns else 0
    _I64.pack_into(writer.buf, root + 8, row_count)
    first = writer.offsets(root + 4, len(columns))
    for i, column in enumerate(columns):
        table = writer.table([4, 12, 8], 16)
        writer.patch(first + 4 * i, table)
        writer.buf[table + 12] = int(column.type) & 0xFF
        writer.string(table + 4, column.name)
        _encode_values(writer, table + 8, column.type, column.values)
    return bytes(writer.buf)
