"""FlatBuffers rows of PutTimeseriesData, and the CRC32C the service checks them with.

Schema (``timeseries.fbs`` of the official SDKs)::

    FlatBufferRows       { row_groups: [FlatBufferRowGroup] }
    FlatBufferRowGroup   { measurement_name: string, field_names: [string],
                           field_types: [DataType(byte)], rows: [FlatBufferRowInGroup] }
    FlatBufferRowInGroup { data_source: string, tags: string, time: int64 (us),
                           field_values: FieldValues, meta_cache_update_time: uint32,
                           tag_list: [Tag] }
    FieldValues          { long_values: [long], bool_values: [bool], double_values: [double],
                           string_values: [string], binary_values: [BytesValue] }
    Tag { name: string, value: string }     BytesValue { value: [byte] }

``encode_rows`` writes one row group per row, with the fields sorted by name and grouped
by type, exactly as ``flatbuffers.Builder`` lays out the official Python encoder's calls
(byte-identical output, asserted by the tests), but without the Builder's per-scalar call
overhead: it emits whole tables and vectors, back to front, as the Builder would.
``decode_rows`` is the emulator's reader (any valid FlatBuffer of this schema, e.g. the
Java SDK's). Field values typed as the official Python SDK types them: ``bool`` BOOLEAN,
``int`` LONG, ``str``/``bytes`` STRING, ``bytearray`` BINARY, ``float`` DOUBLE.
"""
from __future__ import annotations

import struct
from enum import IntEnum
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Set, Tuple, Union, cast

from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError

__all__ = [
    "DataType",
    "FieldValue",
    "RowInput",
    "FlatRow",
    "encode_rows",
    "decode_rows",
    "crc32c",
    "format_tags",
    "parse_tags",
]


class DataType(IntEnum):
    """Field value types of the FlatBuffer rows (also used by ``fields_to_get``)."""

    LONG = 1
    BOOLEAN = 2
    DOUBLE = 3
    STRING = 4
    BINARY = 5


FieldValue = Union[int, float, bool, str, bytes, bytearray]
# measurement, data source, tags, fields, time in microseconds
RowInput = Tuple[Optional[str], Optional[str], Optional[Mapping[str, str]], Mapping[str, FieldValue], int]


class FlatRow(NamedTuple):
    """One decoded row: its series key, time (us) and typed fields, as written."""

    measurement: str
    data_source: str
    tags: List[Tuple[str, str]]
    time_us: int
    fields: List[Tuple[str, DataType, FieldValue]]
    meta_cache_update_time: int


_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_I64 = struct.Struct("<q")
_PAD = (b"", b"\x00", b"\x00\x00", b"\x00\x00\x00", b"\x00" * 4, b"\x00" * 5, b"\x00" * 6, b"\x00" * 7)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

# Writer state: chunks in reverse order, shared vtables by key, memoised string chunks.
_Parts = List[bytes]
_VTables = Dict[Tuple[int, ...], int]
_Texts = Dict[Tuple[Union[str, bytes], int], bytes]


# --- encoder: a back-to-front writer with flatbuffers.Builder's exact layout ----------
# ``parts`` holds chunks in reverse memory order; ``off`` is the number of bytes written
# so far (the Builder's Offset()). Vector helpers return the new ``off``, which is also
# the vector's offset; table helpers return (table offset, new off), as a new vtable is
# written after its table. Padding is computed from ``off`` exactly as Builder.Prep does.


def _ref_vector(parts: _Parts, off: int, targets: List[int]) -> int:
    """A vector of offsets to tables or strings (StartVector(4, n, 4) + prepends)."""
    k = len(targets)
    pad = -off & 3
    base = off + pad + 4 * k + 4  # the offset of the element after the last one, +4
    parts.append(
        struct.pack("<%dI" % (k + 1), k, *[base - 4 * i - t for i, t in enumerate(targets, 1)]) + _PAD[pad]
    )
    return off + pad + 4 * k + 4


def _scalar_vector(parts: _Parts, off: int, fmt: str, size: int, values: List[Any]) -> int:
    """A vector of scalars of ``size`` bytes (StartVector(size, n, size) + prepends)."""
    k = len(values)
    body = size * k
    pad = -(off + body) & 3
    pad += -(off + pad + body) & (size - 1)
    parts.append(struct.pack("<I%d%s" % (k, fmt), k, *values) + b"\x00" * pad)
    return off + pad + body + 4


def _bytes_vector(parts: _Parts, off: int, data: bytes) -> int:
    """A [byte] vector (StartVector(1, n, 1) + prepends)."""
    pad = -(off + len(data)) & 3
    parts.append(_U32.pack(len(data)) + data + _PAD[pad])
    return off + pad + len(data) + 4


def _end_table(
    parts: _Parts, vtables: _VTables, off: int, start: int, slots: List[int]
) -> Tuple[int, int]:
    """Builder.EndObject: soffset to the (possibly shared) vtable; (table offset, new off)."""
    pad = -off & 3
    obj = off + pad + 4
    last = len(slots)
    while last and not slots[last - 1]:
        last -= 1
    fields = [obj - s if s else 0 for s in slots[:last]]
    key = (*reversed(fields), obj - start)
    shared = vtables.get(key)
    if shared is not None:
        parts.append(_I32.pack(shared - obj) + _PAD[pad])
        return obj, obj
    vsize = 4 + 2 * last
    parts.append(_I32.pack(vsize) + _PAD[pad])
    parts.append(struct.pack("<%dH" % (last + 2), vsize, obj - start, *fields))
    vtables[key] = obj + vsize
    return obj, obj + vsize


def _ref_table(
    parts: _Parts, vtables: _VTables, off: int, nslots: int, refs: List[Tuple[int, int]]
) -> Tuple[int, int]:
    """A table of offset fields added in ``refs`` order as (slot, target); (table, new off)."""
    start = off
    slots = [0] * nslots
    off += -off & 3
    chunk = []
    for slot, target in refs:
        off += 4
        chunk.append(off - target)
        slots[slot] = off
    parts.append(struct.pack("<%dI" % len(chunk), *reversed(chunk)) + _PAD[-start & 3])
    return _end_table(parts, vtables, off, start, slots)


def _text_chunk(texts: _Texts, text: Union[str, bytes], mod: int) -> bytes:
    """The bytes CreateString writes for ``text`` when Offset() % 4 == ``mod`` (memoised)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    n = len(raw)
    chunk = texts[(text, mod)] = _U32.pack(n) + raw + _PAD[(-(mod + n + 1) & 3) + 1]
    return chunk


# Tables whose layout never varies: (vtable key, vtable bytes).
_TAG_KEY, _TAG_VTABLE = (4, 8, 12), struct.pack("<4H", 8, 12, 8, 4)
_GROUP_KEY, _GROUP_VTABLE = (4, 8, 12, 16, 20), struct.pack("<6H", 12, 20, 16, 12, 8, 4)
_TAG_REFS = struct.Struct("<II")
_GROUP_REFS = struct.Struct("<4I")


def _fixed_table(parts: _Parts, vtables: _VTables, obj: int, key: Tuple[int, ...], vtable: bytes) -> int:
    """EndObject of a fixed-layout table at ``obj``: soffset (+ vtable when new); the new off."""
    shared = vtables.get(key)
    if shared is not None:
        parts.append(_I32.pack(shared - obj))
        return obj
    parts.append(_I32.pack(len(vtable)))
    parts.append(vtable)
    vtables[key] = obj + len(vtable)
    return obj + len(vtable)


def _encode_row(
    parts: _Parts, vtables: _VTables, texts: _Texts, off: int, row: Any
) -> Tuple[int, int, bool]:
    """One row as its own row group: (group offset, new off, whether 8-byte alignment was used)."""
    measurement, source, tags, fields, time_us = row
    append = parts.append
    wide = False
    names: List[int] = []
    types = bytearray()
    longs: List[int] = []
    bools: List[bool] = []
    doubles: List[float] = []
    strings: List[int] = []
    binaries: List[int] = []
    for name in sorted(fields):
        value = fields[name]
        chunk = texts.get((name, off & 3)) or _text_chunk(texts, name, off & 3)
        append(chunk)
        off += len(chunk)
        names.append(off)
        kind = type(value)  # exact-type fast path first; then the official encoder's order
        if kind is float:
            types.append(3)
            doubles.append(value)
        elif kind is bool:
            types.append(2)
            bools.append(value)
        elif isinstance(value, int):
            if not _INT64_MIN <= value <= _INT64_MAX:
                raise OTSClientError(f"Field {name!r} is out of the int64 range.")
            types.append(1)
            longs.append(value)
        elif isinstance(value, (str, bytes)):
            types.append(4)
            chunk = texts.get((value, off & 3)) or _text_chunk(texts, value, off & 3)
            append(chunk)
            off += len(chunk)
            strings.append(off)
        elif isinstance(value, bytearray):
            types.append(5)
            off = _bytes_vector(parts, off, bytes(value))
            table, off = _ref_table(parts, vtables, off, 1, [(0, off)])
            binaries.append(table)
        elif isinstance(value, float):
            types.append(3)
            doubles.append(value)
        else:
            raise OTSClientError("Unsupported column type: " + str(type(value)))
    refs = []
    if longs:
        off = _scalar_vector(parts, off, "q", 8, longs)
        refs.append((0, off))
        wide = True
    if bools:
        off = _scalar_vector(parts, off, "?", 1, bools)
        refs.append((1, off))
    if doubles:
        off = _scalar_vector(parts, off, "d", 8, doubles)
        refs.append((2, off))
        wide = True
    if strings:
        off = _ref_vector(parts, off, strings)
        refs.append((3, off))
    if binaries:
        off = _ref_vector(parts, off, binaries)
        refs.append((4, off))
    values, off = _ref_table(parts, vtables, off, 5, refs)
    tag_offsets = []
    for tag in sorted(tags) if tags else ():
        chunk = texts.get((tag, off & 3)) or _text_chunk(texts, tag, off & 3)
        append(chunk)
        tag_name = off = off + len(chunk)
        value = tags[tag]
        chunk = texts.get((value, off & 3)) or _text_chunk(texts, value, off & 3)
        append(chunk)
        off += len(chunk)  # 4-aligned after a string: the Tag table needs no padding
        append(_TAG_REFS.pack(8, off + 4 - tag_name))  # value (added 2nd), name (1st)
        tag_offsets.append(off + 12)
        off = _fixed_table(parts, vtables, off + 12, _TAG_KEY, _TAG_VTABLE)
    off = _ref_vector(parts, off, tag_offsets)
    tag_list = off
    source = source or ""
    chunk = texts.get((source, off & 3)) or _text_chunk(texts, source, off & 3)
    append(chunk)
    source_at = off = off + len(chunk)
    chunk = texts.get(("", off & 3)) or _text_chunk(texts, "", off & 3)
    append(chunk)
    row, off = _row_table(parts, vtables, off + len(chunk), source_at, values, time_us, tag_list)
    if time_us:
        wide = True
    off = _ref_vector(parts, off, [row])
    rows_at = off
    off = _ref_vector(parts, off, names)
    names_at = off
    off = _bytes_vector(parts, off, bytes(types))
    types_at = off
    measurement = measurement or ""
    chunk = texts.get((measurement, off & 3)) or _text_chunk(texts, measurement, off & 3)
    append(chunk)
    off += len(chunk)  # 4-aligned: the group table needs no padding
    append(_GROUP_REFS.pack(off + 16 - rows_at, off + 12 - types_at, off + 8 - names_at, 4))
    return off + 20, _fixed_table(parts, vtables, off + 20, _GROUP_KEY, _GROUP_VTABLE), wide


def _row_table(
    parts: _Parts, vtables: _VTables, off: int, source: int, values: int, time_us: int, tag_list: int
) -> Tuple[int, int]:
    """FlatBufferRowInGroup, fields added as the official encoder adds them."""
    tags = off  # the empty ``tags`` string was written last
    start = off
    slots = [0] * 6
    chunk = []
    pad0 = -off & 3
    off += pad0
    for slot, target in ((0, source), (1, tags), (3, values)):
        off += 4
        chunk.append(_U32.pack(off - target))
        slots[slot] = off
    if time_us:
        if not _INT64_MIN <= time_us <= _INT64_MAX:
            raise OTSClientError("The time of a row is out of the int64 range.")
        pad = -off & 7
        off += pad + 8
        chunk.append(_I64.pack(time_us) + _PAD[pad])
        slots[2] = off
    pad = -off & 3
    off += pad + 4
    chunk.append(_U32.pack(off - tag_list) + _PAD[pad])
    slots[5] = off
    parts.append(b"".join(reversed(chunk)) + _PAD[pad0])
    return _end_table(parts, vtables, off, start, slots)


def encode_rows(rows: Iterable[RowInput]) -> bytes:
    """The FlatBuffer of ``rows``: (measurement, data source, tags, fields, time us)."""
    parts: _Parts = []
    vtables: _VTables = {}
    texts: _Texts = {}
    off = 0
    groups = []
    minalign = 4
    for row in rows:
        group, off, wide = _encode_row(parts, vtables, texts, off, row)
        groups.append(group)
        if wide:
            minalign = 8
    off = _ref_vector(parts, off, groups)
    root, off = _ref_table(parts, vtables, off, 1, [(0, off)])
    pad = -(off + 4) & (minalign - 1)
    parts.append(_U32.pack(off + pad + 4 - root) + _PAD[pad])
    return b"".join(reversed(parts))


# --- decoder ---------------------------------------------------------------------------


_VTABLE_HEAD = struct.Struct("<HH")
_TYPES = {int(t): t for t in DataType}
_SCALARS = {DataType.LONG: (0, "q", 8), DataType.BOOLEAN: (1, "?", 1), DataType.DOUBLE: (2, "d", 8)}
_ONE_SCALAR = {fmt: struct.Struct("<" + fmt) for fmt in "q?dB"}


def _fail(what: str, pos: int) -> OTSDecodeError:
    return OTSDecodeError(f"Invalid timeseries rows: {what}", pos)


def decode_rows(data: Union[bytes, bytearray, memoryview]) -> List[FlatRow]:
    """The rows of a FlatBufferRows buffer; raises OTSDecodeError(msg, offset).

    Every read is bounds-checked (struct raises past the end; vectors and strings are
    checked against the size; vtables, shared by most tables, are parsed once). The decoded
    payload is bounded by the input: no row table may be referenced twice, and the rows,
    tags and field values decoded together never outnumber the buffer's bytes (offsets that
    point at the same data many times cannot multiply it).
    """
    buf = bytes(data)
    size = len(buf)
    u32 = _U32.unpack_from
    vtables: Dict[int, Tuple[int, Tuple[int, ...]]] = {}

    def table(pos: int) -> List[int]:
        """Absolute positions of the fields of the table at ``pos`` (0 = absent), 6 at least."""
        vt = pos - _I32.unpack_from(buf, pos)[0]
        entry = vtables.get(vt)
        if entry is None:
            if vt < 0:
                raise _fail("vtable out of the buffer", pos)
            vsize, osize = _VTABLE_HEAD.unpack_from(buf, vt)
            if vsize < 4 or vsize & 1:
                raise _fail("bad vtable", vt)
            offsets = struct.unpack_from("<%dH" % ((vsize - 4) // 2), buf, vt + 4)
            if any(o >= osize for o in offsets if o):
                raise _fail("field beyond its table", vt)
            entry = vtables[vt] = (osize, offsets + (0,) * (6 - len(offsets)))
        osize, offsets = entry
        if pos + osize > size:
            raise _fail("table out of the buffer", pos)
        return [pos + o if o else 0 for o in offsets]

    def vector(field: int, width: int) -> Tuple[int, int]:
        """(count, first element) of the vector an offset field points to ((0, 0) if absent)."""
        if not field:
            return 0, 0
        pos = field + u32(buf, field)[0]
        count = u32(buf, pos)[0]
        if pos + 4 + count * width > size:
            raise _fail("vector out of the buffer", pos)
        return count, pos + 4

    def string(pos: int) -> str:
        """The string at ``pos``."""
        count = u32(buf, pos)[0]
        end = pos + 4 + count
        if end > size:
            raise _fail("string out of the buffer", pos)
        return buf[pos + 4:end].decode("utf-8")

    def refs(field: int) -> List[int]:
        """Positions referenced by a vector-of-offsets field (empty when absent)."""
        count, first = vector(field, 4)
        if count == 1:  # the rows of a group, one string value...: the common case
            return [first + u32(buf, first)[0]]
        return [first + 4 * i + o for i, o in enumerate(struct.unpack_from("<%dI" % count, buf, first))]

    def scalars(field: int, fmt: str, width: int) -> Tuple[Any, ...]:
        count, first = vector(field, width)
        if count == 1:
            return _ONE_SCALAR[fmt].unpack_from(buf, first)
        return struct.unpack_from("<%d%s" % (count, fmt), buf, first) if count else ()

    def field_string(field: int) -> str:
        return string(field + u32(buf, field)[0]) if field else ""

    rows: List[FlatRow] = []
    seen_rows: Set[int] = set()
    units = 0  # rows + tags + field values decoded so far (each needs a byte of its own at least)
    try:
        root = table(u32(buf, 0)[0])
        for group_pos in refs(root[0]):
            if group_pos in seen_rows:
                raise _fail("a row group referenced twice", group_pos)
            seen_rows.add(group_pos)
            group = table(group_pos)
            measurement = field_string(group[0])
            name_refs = refs(group[1])
            units += 1 + len(name_refs)
            if units > size:
                raise _fail("more values than the buffer holds", group_pos)
            names = [string(p) for p in name_refs]
            found = [_TYPES.get(code) for code in scalars(group[2], "B", 1)]
            if len(found) != len(names) or None in found:
                raise _fail("bad field names or types", group_pos)
            types = cast("List[DataType]", found)  # no None: checked just above
            kinds = set(types)
            for row_pos in refs(group[3]):
                if row_pos in seen_rows:
                    raise _fail("a row referenced twice", row_pos)
                seen_rows.add(row_pos)
                row = table(row_pos)
                tag_refs = refs(row[5])
                units += 1 + len(tag_refs) + len(names)
                if units > size:
                    raise _fail("more values than the buffer holds", row_pos)
                tags = []
                for tag_pos in tag_refs:
                    tag = table(tag_pos)
                    tags.append((field_string(tag[0]), field_string(tag[1])))
                columns: Dict[DataType, Any] = {}
                values = table(row[3] + u32(buf, row[3])[0]) if row[3] else [0] * 6
                for kind in kinds:
                    if kind in _SCALARS:
                        slot, fmt, width = _SCALARS[kind]
                        columns[kind] = iter(scalars(values[slot], fmt, width))
                    elif kind is DataType.STRING:
                        columns[kind] = iter([string(p) for p in refs(values[3])])
                    else:
                        columns[kind] = iter([bytearray(scalars(table(p)[0], "B", 1)) for p in refs(values[4])])
                try:
                    fields = [(name, kind, next(columns[kind])) for name, kind in zip(names, types)]
                except StopIteration:
                    raise _fail("fewer values than fields", row_pos) from None
                rows.append(FlatRow(
                    measurement,
                    field_string(row[0]),
                    tags,
                    _I64.unpack_from(buf, row[2])[0] if row[2] else 0,
                    fields,
                    u32(buf, row[4])[0] if row[4] else 0,
                ))
    except (struct.error, UnicodeDecodeError) as exc:
        raise OTSDecodeError(f"Invalid timeseries rows: {exc}") from None
    return rows


def crc32c(data: Union[bytes, bytearray, memoryview]) -> int:
    """CRC32C of ``data`` as the signed int32 of ``TimeseriesRows.flatbuffer_crc32c``."""
    from crc32c import crc32c as _crc  # lazy: optional C extension, loaded on first use

    value = _crc(data) & 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


# --- '["k=v",...]' strings: the tags of a row key and the attributes of a meta ---------


def format_tags(pairs: Mapping[str, str]) -> str:
    """``{"b": "2", "a": "1"}`` -> ``["a=1","b=2"]`` (sorted by name), as the service stores it."""
    return "[" + ",".join(f'"{name}={pairs[name]}"' for name in sorted(pairs)) + "]"


def parse_tags(text: str) -> Dict[str, str]:
    """The inverse of ``format_tags`` ('' is no tags); raises OTSDecodeError when malformed."""
    pairs: Dict[str, str] = {}
    if not text:
        return pairs
    end = len(text) - 1
    if end < 1 or text[0] != "[" or text[end] != "]":
        raise OTSDecodeError(f"invalid tags or attributes string: {text!r}")
    pos = 1
    while pos < end:
        equal = text.find("=", pos + 1)
        close = text.find('"', equal + 1)
        if text[pos] != '"' or equal < 0 or close < 0 or close >= end or '"' in text[pos + 1:equal]:
            raise OTSDecodeError(f"invalid tags or attributes string: {text!r}")
        pairs[text[pos + 1:equal]] = text[equal + 1:close]
        pos = close + 1
        if pos < end:
            if text[pos] != "," or pos + 1 == end:
                raise OTSDecodeError(f"invalid tags or attributes string: {text!r}")
            pos += 1
    return pairs
