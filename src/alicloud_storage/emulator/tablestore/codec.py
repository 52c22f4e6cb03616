"""Protobuf / PlainBuffer messages <-> the engine's plain values (both directions)."""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from google.protobuf.message import Message

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import limits
from alicloud_storage.emulator.tablestore.engine import (
    ROWS_HEADER,
    ReadOptions,
    ResultRow,
    WireRead,
    WireRow,
    plain_keys,
)
from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.filters import (
    CompositeFilter,
    Filter,
    PaginationFilter,
    RowCondition,
    SingleFilter,
)
from alicloud_storage.emulator.tablestore.model import CapacityUnits, IndexInfo, PkColumn, TableInfo, TableOptions
from alicloud_storage.emulator.tablestore.storage import FoundWires
from alicloud_storage.tablestore.errors import OTSDecodeError
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.enums import (
    ComparatorType,
    FilterType,
    IndexType,
    IndexUpdateMode,
    LogicalOperator,
    PrimaryKeyOption,
)
from alicloud_storage.tablestore.wire.filter_values import FilterValue, decode_filter_value
from alicloud_storage.tablestore.wire.type_names import (
    DEFINED_COLUMN_TYPE_NAMES,
    DEFINED_COLUMN_TYPES,
    PRIMARY_KEY_TYPE_NAMES,
    PRIMARY_KEY_TYPES,
)

__all__ = [
    "parse",
    "table_info",
    "index_info",
    "fill_index_metas",
    "table_options",
    "options_update",
    "fill_table_status",
    "read_options",
    "condition",
    "column_filter",
    "primary_key",
    "row",
    "consumed",
    "encode_row",
    "encode_rows",
    "batch_get_response",
    "storage_keys",
    "storage_keys_py",
    "batch_rows",
    "batch_rows_py",
    "table_meta",
]



def parse(message_class: Any, data: bytes) -> Any:
    """A protobuf message from bytes; malformed input is the service's parameter error."""
    message = message_class()
    try:
        message.ParseFromString(data)
    except Exception:  # DecodeError, or what a protobuf runtime raises on garbage
        raise E.BAD_PROTOBUF.error() from None
    if not message.IsInitialized() or _has_raw_text(message):
        raise E.BAD_PROTOBUF.error()
    return message


@lru_cache(maxsize=None)
def _holds_text(descriptor: Any) -> bool:
    """Whether messages of this type can (transitively) hold a string field."""
    return any(
        field.type == field.TYPE_STRING
        or (field.type == field.TYPE_MESSAGE and field.message_type is not descriptor
            and _holds_text(field.message_type))
        for field in descriptor.fields
    )


def _has_raw_text(message: Any) -> bool:
    """Whether a proto2 string field holds bytes (invalid UTF-8 on the wire)."""
    if not _holds_text(message.DESCRIPTOR):
        return False
    for field, value in message.ListFields():
        if field.type == field.TYPE_STRING:
            values = (value,) if isinstance(value, (str, bytes)) else value
            if any(not isinstance(v, str) for v in values):
                return True
        elif field.type == field.TYPE_MESSAGE:
            values = (value,) if isinstance(value, Message) else value
            if any(_has_raw_text(v) for v in values):
                return True
    return False


def _broken(exc: OTSDecodeError) -> Exception:
    return E.BROKEN_ROW.error(detail=exc.message)


def primary_key(data: bytes) -> List[Any]:
    """The primary key of a PlainBuffer key buffer (GetRow, BatchGet, range bounds)."""
    return row(data).primary_key


def row(data: bytes) -> plainbuffer.PlainRow:
    """The single row of a PlainBuffer buffer."""
    try:
        decoded = plainbuffer.decode_row(data)
    except OTSDecodeError as exc:
        decoded = _zero_padded_row(data)
        if decoded is None:
            raise _broken(exc) from None
    if decoded is None or not decoded.primary_key:
        raise E.EMPTY_PK.error()
    return decoded


def _zero_padded_row(data: bytes) -> Optional[plainbuffer.PlainRow]:
    """The row of a buffer whose row is followed by zero bytes (None if it is not one).

    The official Node.js SDK sizes some buffers for more than it writes (INF_MIN/INF_MAX and
    auto-increment key values, DELETE cells) and sends the rest as zeros; the service accepts
    them. The row itself is still decoded and checksummed in full. It ends with its checksum
    byte, which may itself be zero: so it ends at the last non-zero byte or one after it.
    """
    body = len(data.rstrip(b"\0"))
    if body == len(data):
        return None
    for end in (body, body + 1):
        try:
            return plainbuffer.decode_row(data[:end])
        except OTSDecodeError:
            continue
    return None


# --- tables ------------------------------------------------------------------------
def table_options(message: Any) -> TableOptions:
    """CreateTable options; absent fields take the service's defaults."""
    defaults = TableOptions()
    if message is None:
        return defaults
    return TableOptions(
        time_to_live=message.time_to_live if message.HasField("time_to_live") else defaults.time_to_live,
        max_versions=message.max_versions if message.HasField("max_versions") else defaults.max_versions,
        deviation=(
            message.deviation_cell_version_in_sec
            if message.HasField("deviation_cell_version_in_sec")
            else defaults.deviation
        ),
        allow_update=message.allow_update if message.HasField("allow_update") else True,
    )


def options_update(message: Any) -> Dict[str, Any]:
    """The options an UpdateTable request sets (only the fields present)."""
    out = {}
    for field, key in (
        ("time_to_live", "time_to_live"),
        ("max_versions", "max_versions"),
        ("deviation_cell_version_in_sec", "deviation"),
        ("allow_update", "allow_update"),
    ):
        if message.HasField(field):
            out[key] = getattr(message, field)
    return out


def table_info(request: Any) -> TableInfo:
    """The TableInfo a CreateTableRequest asks for."""
    meta = request.table_meta
    columns = []
    for column in meta.primary_key:
        type_name = PRIMARY_KEY_TYPE_NAMES.get(column.type, str(column.type))
        columns.append(PkColumn(column.name, type_name, column.HasField("option") and column.option == PrimaryKeyOption.AUTO_INCREMENT))
    defined = tuple(
        (c.name, DEFINED_COLUMN_TYPE_NAMES.get(c.type, str(c.type))) for c in meta.defined_column
    )
    cu = request.reserved_throughput.capacity_unit
    return TableInfo(
        name=meta.table_name,
        primary_key=tuple(columns),
        defined_columns=defined,
        options=table_options(request.table_options if request.HasField("table_options") else None),
        read_cu=cu.read if cu.HasField("read") else 0,
        write_cu=cu.write if cu.HasField("write") else 0,
        indexes=tuple(index_info(index) for index in request.index_metas),
        local_txn=request.enable_local_txn if request.HasField("enable_local_txn") else True,
    )


def index_info(message: Any) -> IndexInfo:
    """The IndexInfo of a pb.IndexMeta (the update mode follows the type, as the service has it)."""
    return IndexInfo(
        message.name, tuple(message.primary_key), tuple(message.defined_column),
        message.index_type == IndexType.IT_LOCAL_INDEX,
    )


def fill_index_metas(field: Any, info: TableInfo) -> None:
    """DescribeTable's index_metas: the listed key columns only, in creation order."""
    for index in info.indexes:
        field.add(
            name=index.name,
            primary_key=index.primary_key,
            defined_column=index.defined_columns,
            index_type=IndexType.IT_LOCAL_INDEX if index.local else IndexType.IT_GLOBAL_INDEX,
            index_update_mode=IndexUpdateMode.IUM_SYNC_INDEX if index.local else IndexUpdateMode.IUM_ASYNC_INDEX,
        )


def table_meta(info: TableInfo) -> Any:
    """pb.TableMeta of a table."""
    meta = pb.TableMeta(table_name=info.name)
    for column in info.primary_key:
        schema = meta.primary_key.add(name=column.name, type=PRIMARY_KEY_TYPES[column.type])
        if column.auto_increment:
            schema.option = PrimaryKeyOption.AUTO_INCREMENT
    for name, type_name in info.defined_columns:
        meta.defined_column.add(name=name, type=DEFINED_COLUMN_TYPES[type_name])
    return meta


def fill_table_status(response: Any, info: TableInfo) -> None:
    """Set reserved_throughput_details, table_options and stream_details (streams are never
    enabled here) of a Describe/UpdateTable response."""
    details = response.reserved_throughput_details
    details.capacity_unit.read = info.read_cu
    details.capacity_unit.write = info.write_cu
    details.last_increase_time = info.last_increase_time
    if info.last_decrease_time is not None:
        details.last_decrease_time = info.last_decrease_time
    options = response.table_options
    options.time_to_live = info.options.time_to_live
    options.max_versions = info.options.max_versions
    options.deviation_cell_version_in_sec = info.options.deviation
    options.allow_update = info.options.allow_update
    response.stream_details.enable_stream = False


# --- reads -------------------------------------------------------------------------
def read_options(request: Any) -> ReadOptions:
    """The ReadOptions of a GetRow / TableInBatchGetRow / GetRange request."""
    time_range = None
    if request.HasField("time_range"):
        tr = request.time_range
        if tr.HasField("specific_time"):
            if request.HasField("max_versions"):
                raise E.SPECIFIC_TIME_WITH_MAX_VERSIONS.error()
            if tr.specific_time < 0:
                raise E.SPECIFIC_TIME_NEGATIVE.error()
            time_range = (tr.specific_time, tr.specific_time + 1)
        elif tr.HasField("start_time") and tr.HasField("end_time"):
            time_range = (tr.start_time, tr.end_time)
        else:
            raise E.TIME_RANGE_HALF.error()
    return ReadOptions(
        columns_to_get=tuple(request.columns_to_get),
        max_versions=request.max_versions if request.HasField("max_versions") else None,
        time_range=time_range,
        filter=column_filter(request.filter) if request.HasField("filter") else None,
        start_column=request.start_column if request.HasField("start_column") else None,
        end_column=request.end_column if request.HasField("end_column") else None,
    )


def _filter_value(data: bytes) -> FilterValue:
    """A filter's column value; malformed bytes are an invalid filter."""
    try:
        return decode_filter_value(data)
    except OTSDecodeError:
        raise E.INVALID_FILTER.error(detail="bad column value") from None


def column_filter(data: bytes) -> Filter:
    """The filter tree serialized in a pb.Filter: at most FILTER_NODES nodes, counted before each
    level is decoded (a deep or wide tree is refused before it costs recursion or memory)."""
    return _column_filter(data, [limits.FILTER_NODES])


def _column_filter(data: bytes, budget: List[int]) -> Filter:
    budget[0] -= 1
    if budget[0] < 0:
        raise E.FILTER_COUNT.error(limit=limits.FILTER_NODES)
    message = parse(pb.Filter, data)
    if message.type == FilterType.FT_SINGLE_COLUMN_VALUE:
        single = parse(pb.SingleColumnValueFilter, message.filter)
        needs_value = single.comparator not in (ComparatorType.CT_EXIST, ComparatorType.CT_NOT_EXIST)
        return SingleFilter(
            comparator=single.comparator,
            column=single.column_name,
            value=_filter_value(single.column_value) if needs_value else None,
            pass_if_missing=not single.filter_if_missing,
            latest_version_only=single.latest_version_only,
        )
    if message.type == FilterType.FT_COMPOSITE_COLUMN_VALUE:
        composite = parse(pb.CompositeColumnValueFilter, message.filter)
        if len(composite.sub_filters) > budget[0]:
            raise E.FILTER_COUNT.error(limit=limits.FILTER_NODES)
        children = tuple(_column_filter(child.SerializeToString(), budget) for child in composite.sub_filters)
        if composite.combinator == LogicalOperator.LO_NOT and len(children) != 1:
            raise E.FILTER_NOT_ARITY.error()
        if composite.combinator != LogicalOperator.LO_NOT and len(children) < 2:
            raise E.FILTER_AND_OR_ARITY.error()
        return CompositeFilter(composite.combinator, children)
    if message.type == FilterType.FT_COLUMN_PAGINATION:
        page = parse(pb.ColumnPaginationFilter, message.filter)
        if page.offset < 0:
            raise E.PAGINATION_OFFSET.error()
        if page.limit <= 0:
            raise E.PAGINATION_LIMIT.error()
        return PaginationFilter(page.offset, page.limit)
    raise E.FILTER_TYPE.error(type=message.type)


def condition(message: Any) -> RowCondition:
    """The RowCondition of a pb.Condition."""
    return RowCondition(
        existence=message.row_existence,
        column_filter=(
            column_filter(message.column_condition) if message.HasField("column_condition") else None
        ),
    )


# --- responses ---------------------------------------------------------------------
def consumed(target: Any, units: CapacityUnits) -> None:
    """Fill a pb.ConsumedCapacity."""
    target.capacity_unit.read = units.read
    target.capacity_unit.write = units.write


def encode_row(result: Optional[WireRow]) -> bytes:
    """One row as PlainBuffer; absent -> b''."""
    if isinstance(result, bytes):
        return ROWS_HEADER + result
    return b"" if result is None else plainbuffer.encode_rows([result])


def encode_rows(results: Sequence[WireRow]) -> bytes:
    """Rows concatenated under one header, stored rows' bytes copied as they are; none -> b''."""
    if not results:
        return b""
    try:
        return ROWS_HEADER + b"".join(results)  # type: ignore[arg-type]  # all stored bytes: the usual page
    except TypeError:  # some rows were re-encoded
        pass
    parts = [ROWS_HEADER]
    decoded: List[ResultRow] = []
    for row in results:
        if isinstance(row, bytes):
            if decoded:
                parts.append(plainbuffer.encode_rows(decoded)[len(ROWS_HEADER):])
                decoded = []
            parts.append(row)
        else:
            decoded.append(row)
    if len(decoded) == len(results):
        return plainbuffer.encode_rows(decoded)  # nothing stored was copied (or no rows)
    if decoded:
        parts.append(plainbuffer.encode_rows(decoded)[len(ROWS_HEADER):])
    return b"".join(parts)


# --- BatchGetRowResponse, written directly ------------------------------------------
# One protobuf message per row costs more than reading the row; these are the bytes protobuf
# writes for the same message (fields in number order), as a test checks.
_ROW_OK = b"\x08\x01"  # is_ok (1) = true
_ROW_FAILED = b"\x08\x00"  # is_ok (1) = false
_SMALL_VARINTS = [bytes((n,)) for n in range(0x80)]


def _varint(value: int) -> bytes:
    """A non-negative varint (lengths: mostly one byte)."""
    if value < 0x80:
        return _SMALL_VARINTS[value]
    if value < 0x4000:
        return bytes(((value & 0x7F) | 0x80, value >> 7))
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _length_delimited(key: bytes, data: bytes) -> bytes:
    """A bytes / string / message field: its key byte, the varint length, the data."""
    return key + _varint(len(data)) + data


@lru_cache(maxsize=256)
def _row_head(read: int, write: int) -> bytes:
    """A good row's fields before its row's length: is_ok, consumed (3), the row's key (4)
    (few distinct capacities: kept)."""
    message = pb.ConsumedCapacity()
    consumed(message, CapacityUnits(read, write))
    return _ROW_OK + _length_delimited(b"\x1a", message.SerializeToString()) + b"\x22"


def batch_get_response(tables: Sequence[str], results: Sequence[Sequence[Union[WireRead, TablestoreError]]]) -> bytes:
    """The serialized BatchGetRowResponse: per table its name and per row an error or its
    consumed capacity and row (an absent row as empty bytes)."""
    return b"".join(_table_part(table, table_results) for table, table_results in zip(tables, results))


def _table_part(table: str, results: Sequence[Union[WireRead, TablestoreError]]) -> bytes:
    """One table of a BatchGetRowResponse: the tables (1) field with its message."""
    body = bytearray(_length_delimited(b"\x0a", table.encode("utf-8")))  # table_name (1)
    for result in results:  # rows (2)
        if isinstance(result, TablestoreError):
            error = pb.Error(code=result.code, message=result.message).SerializeToString()
            body += _length_delimited(b"\x12", _ROW_FAILED + _length_delimited(b"\x12", error))
        else:
            units = result.consumed
            head = _row_head(units.read, units.write)
            row = encode_row(result.row)
            row_size = _varint(len(row))
            body += b"\x12"
            body += _varint(len(head) + len(row_size) + len(row))
            body += head
            body += row_size
            body += row
    return _length_delimited(b"\x0a", bytes(body))  # tables (1)


# --- BatchGetRow of stored rows: two batch steps, compiled while the extension is active ---
# (The pure-Python functions are the reference: the extension returns the same bytes and None
# for the same input; None sends the request down the full path, which raises the errors.)
_KEY_TAGS = {"INTEGER": 0x10, "STRING": 0x20, "BINARY": 0x30}  # keys.py's type tags


def storage_keys_py(buffers: Sequence[bytes], info: TableInfo) -> Optional[List[bytearray]]:
    """The storage keys of BatchGetRow's PlainBuffer keys when each holds one row whose primary
    key is a well-formed key of the table (see ``engine.plain_keys``), else None. Bytearrays:
    sqlite3 binds them without the adapter lookup it makes for bytes."""
    keys = []
    for data in buffers:
        if type(data) is not bytes:
            return None
        try:
            decoded = plainbuffer.decode_row(data)
        except OTSDecodeError:
            return None
        if decoded is None:
            return None
        keys.append(decoded.primary_key)
    plain = plain_keys(info, keys)
    return None if plain is None else [bytearray(key) for key in plain]


def batch_rows_py(table: str, count: int, found: FoundWires, cu_bytes: int) -> Optional[bytes]:
    """A table's part of the BatchGetRowResponse for ``count`` keys from the keys found (as
    ``Storage.wire_rows`` aggregates them: each found key's stored bytes at its position, the
    others empty); None if a key found has no stored bytes that serve. Raises TypeError /
    ValueError on malformed lists, a position out of range or lengths that do not add up."""
    if (type(table) is not str or type(count) is not int or type(found) is not tuple or len(found) != 4
            or type(cu_bytes) is not int):
        raise TypeError("batch_rows(name: str, count: int, found: tuple, cu_bytes: int)")
    if not 0 <= count <= sys.maxsize or cu_bytes <= 0:
        raise ValueError("batch_rows: count out of range or cu_bytes zero or less")
    *lists, wires = found
    if any(text is not None and type(text) is not str for text in lists) or (
            wires is not None and type(wires) is not bytes):
        raise TypeError("batch_rows: found is (str, str, str, bytes) or Nones")
    if len({text is None for text in lists}) != 1 or (lists[0] is None and wires is not None):
        raise ValueError("batch_rows: the found lists are all None or none is")
    positions, lengths, sizes = (_listed(text) for text in lists)
    if not len(positions) == len(lengths) == len(sizes):
        raise ValueError("batch_rows: the found lists are malformed or unaligned")
    results: List[Union[WireRead, TablestoreError]] = [WireRead(CapacityUnits(1, 0), None)] * count
    data = wires or b""
    offset = 0
    for position, length, size in zip(positions, lengths, sizes):
        if not 0 <= position < count:
            raise ValueError("batch_rows: a row's position is out of range")
        if not -1 <= length <= len(data) - offset or size < 0:
            raise ValueError("batch_rows: a row's length or size is out of range")
        if length >= 0:
            results[position] = WireRead(CapacityUnits(max(1, -(-size // cu_bytes)), 0), data[offset:offset + length])
            offset += length
    if offset != len(data):
        raise ValueError("batch_rows: the found lists or bytes do not add up")
    return None if -1 in lengths else _table_part(table, results)


_LISTED = re.compile(r"-?[0-9]+")


def _listed(text: Optional[str]) -> List[int]:
    """The integers of a comma-separated decimal list (SQLite's group_concat); [] for None."""
    if text is None:
        return []
    items = text.split(",")
    if not all(_LISTED.fullmatch(item) for item in items):
        raise ValueError("batch_rows: the found lists are malformed or unaligned")
    values = [int(item) for item in items]
    if any(not -(2**63) <= value < 2**63 for value in values):
        raise ValueError("batch_rows: the found lists are malformed or unaligned")
    return values


@lru_cache(maxsize=256)
def _key_schema(columns: Tuple[PkColumn, ...]) -> Tuple[Tuple[str, ...], bytes]:
    """A table's key column names and type tags, as the extension takes them."""
    return tuple(c.name for c in columns), bytes(_KEY_TAGS[c.type] for c in columns)


def storage_keys(buffers: Sequence[bytes], info: TableInfo) -> Optional[List[bytearray]]:
    """``storage_keys_py``, by the extension when it is active."""
    if _NATIVE is None:
        return storage_keys_py(buffers, info)
    names, kinds = _key_schema(info.primary_key)
    keys: Optional[List[bytearray]] = _NATIVE.storage_keys(buffers, names, kinds, limits.PK_VALUE_MAX_BYTES)
    return keys


def batch_rows(table: str, count: int, found: FoundWires) -> Optional[bytes]:
    """``batch_rows_py`` (capacity units of ``limits.CU_BYTES``), by the extension when it is active."""
    if _NATIVE is None:
        return batch_rows_py(table, count, found, limits.CU_BYTES)
    part: Optional[bytes] = _NATIVE.batch_rows(table, count, found, limits.CU_BYTES)
    return part


_NATIVE = plainbuffer.NATIVE
