"""The wide-table engine: tables, rows, versions, conditions, filters and capacity units.

Pure Python on wire-level values (primary keys as ``[(name, value)]``, cells as PlainBuffer
cell tuples); knows nothing of HTTP or protobuf. Every write request is one storage
transaction, and calls come one at a time (the front serialises the loop and its worker), so conditional
writes and increments are atomic.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Optional, Protocol, Sequence, Tuple, Union, cast

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import indexes, limits, validate
from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.filters import (
    PaginationFilter,
    RowCondition,
    columns,
    matches,
)
from alicloud_storage.emulator.tablestore.keys import decode_key, encode_key
from alicloud_storage.emulator.tablestore.model import (
    PK_TYPES,
    CapacityUnits,
    Cells,
    IndexInfo,
    TableInfo,
    TableOptions,
)
from alicloud_storage.emulator.tablestore.search.documents import SearchDocuments
from alicloud_storage.emulator.tablestore.storage import EncodedRow, FoundWires, Storage, StoredRow, decode_cells
from alicloud_storage.emulator.tablestore.transactions import Transaction, TransactionRows, Transactions
from alicloud_storage.tablestore.wire.enums import Direction, ReturnType, RowExistenceExpectation
from alicloud_storage.tablestore.wire import plainbuffer
from alicloud_storage.tablestore.wire.plainbuffer import AUTO_INCREMENT, INF_MAX, INF_MIN, CellOp, PlainRow

__all__ = [
    "Engine",
    "ReadOptions",
    "RowWrite",
    "ResultRow",
    "ReadResult",
    "WriteResult",
    "RangeResult",
    "WireRow",
    "WireRead",
    "WireRange",
    "ROWS_HEADER",
    "RowSource",
    "RowTarget",
    "PUT",
    "UPDATE",
    "DELETE",
    "RT_NONE",
    "RT_PK",
    "RT_AFTER_MODIFY",
    "IGNORE",
    "EXPECT_EXIST",
    "EXPECT_NOT_EXIST",
    "FORWARD",
    "BACKWARD",
    "PrimaryKey",
    "Cell",
    "plain_keys",
]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1  # the range an INTEGER cell (and an increment's result) holds

PrimaryKey = List[Tuple[str, Any]]
Cell = Tuple[str, Any, Optional[int], Optional[int]]

PUT, UPDATE, DELETE = "PUT", "UPDATE", "DELETE"
RT_NONE, RT_PK, RT_AFTER_MODIFY = ReturnType.RT_NONE, ReturnType.RT_PK, ReturnType.RT_AFTER_MODIFY
IGNORE, EXPECT_EXIST, EXPECT_NOT_EXIST = (
    RowExistenceExpectation.IGNORE, RowExistenceExpectation.EXPECT_EXIST, RowExistenceExpectation.EXPECT_NOT_EXIST
)
FORWARD, BACKWARD = Direction.FORWARD, Direction.BACKWARD

_VT_OF_PK_TYPE = {"INTEGER": "VT_INTEGER", "STRING": "VT_STRING", "BINARY": "VT_BLOB"}


@dataclass(frozen=True)
class ReadOptions:
    """What a read returns: columns, versions, time range [start, end) ms, filter, column window."""

    columns_to_get: Tuple[str, ...] = ()
    max_versions: Optional[int] = None
    time_range: Optional[Tuple[int, int]] = None
    filter: Any = None
    start_column: Optional[str] = None
    end_column: Optional[str] = None


@dataclass(frozen=True)
class RowWrite:
    """One PutRow / UpdateRow / DeleteRow, alone or inside BatchWriteRow."""

    kind: str
    primary_key: PrimaryKey
    cells: Sequence[Cell] = ()
    condition: RowCondition = RowCondition()
    return_type: int = RT_NONE
    return_columns: Tuple[str, ...] = ()


@dataclass(frozen=True)
class _Decoded:
    """What a read decodes of a stored row: ``wanted`` columns (None: all) and, for a filtered read
    of whole rows, the filter's columns ``tested`` first, so a row the filter refuses is never
    decoded whole (None: no test first)."""

    wanted: Optional[FrozenSet[str]] = None
    tested: Optional[FrozenSet[str]] = None


_EVERY_COLUMN = _Decoded()

# A row to send back: primary key and (name, value, timestamp, None) cells, ready for
# plainbuffer.encode_rows as it is.
ResultRow = PlainRow

# A row as the ``*_wire`` reads return it: decoded, or the stored PlainBuffer bytes of the
# row (without the buffer header) when the read returns the whole stored row unchanged.
WireRow = Union[ResultRow, bytes]

# PlainBuffer's buffer header, before a buffer's first row (stored rows are kept without it).
ROWS_HEADER = b"\x75\x00\x00\x00"


@dataclass(frozen=True)
class ReadResult:
    """GetRow / one BatchGetRow row."""

    consumed: CapacityUnits
    row: Optional[ResultRow]


@dataclass(frozen=True)
class WireRead:
    """GetRow / one BatchGetRow row, the row as a ``WireRow``."""

    consumed: CapacityUnits
    row: Optional[WireRow]


@dataclass(frozen=True)
class WriteResult:
    """PutRow / UpdateRow / DeleteRow / one BatchWriteRow row."""

    consumed: CapacityUnits
    row: Optional[ResultRow]


@dataclass(frozen=True)
class RangeResult:
    """GetRange: rows, the first key not returned (if any) and the capacity consumed."""

    consumed: CapacityUnits
    rows: List[ResultRow]
    next_start: Optional[PrimaryKey]


@dataclass(frozen=True)
class WireRange:
    """GetRange with its rows as ``WireRow``s."""

    consumed: CapacityUnits
    rows: List[WireRow]
    next_start: Optional[PrimaryKey]


def _cu(size: int) -> int:
    return max(1, math.ceil(size / limits.CU_BYTES))


@lru_cache(maxsize=256)
def _read_units(size: int) -> CapacityUnits:
    """The capacity a read of ``size`` bytes consumes (one shared value per size: hot path)."""
    return CapacityUnits(_cu(size), 0)


_PK_VALUE_TYPES = {"INTEGER": (int,), "STRING": (str,), "BINARY": (bytes, bytearray)}


def plain_keys(info: Optional[TableInfo], keys: Sequence[PrimaryKey]) -> Optional[List[bytes]]:
    """The storage keys of ``keys`` when each is a well-formed key of the table (its columns'
    names and types in order, values within the length limit), else None (also for a missing
    table): then the full checks run, in their order, and raise the service's error."""
    if info is None:
        return None
    schema = [(column.name, _PK_VALUE_TYPES[column.type]) for column in info.primary_key]
    width = len(schema)
    stored: List[bytes] = []
    for pk in keys:
        if len(pk) != width:
            return None
        for (name, value), (column, types) in zip(pk, schema):
            if name != column or type(value) not in types:
                return None
            if type(value) is not int and validate.value_size(value) > limits.PK_VALUE_MAX_BYTES:
                return None
        stored.append(encode_key([value for _, value in pk]))
    return stored


def _pk_size(pk: PrimaryKey) -> int:
    size = 0
    for name, value in pk:
        size += validate.text_size(name) + validate.value_size(value)
    return size


def _row_size(row: ResultRow) -> int:
    size = _pk_size(row.primary_key)
    for name, value, _, _ in row.cells:
        size += validate.text_size(name) + validate.value_size(value)
    return size


def _read_result(row: Optional[ResultRow]) -> ReadResult:
    """A read of one row that returns ``row`` (None: nothing), with the capacity it consumes."""
    return ReadResult(CapacityUnits(_cu(_row_size(row) if row is not None else 0), 0), row)


def _encoded_row(pk: PrimaryKey, cells: Cells) -> EncodedRow:
    """What a read of every column and version returns of a row, kept beside it for reads to copy."""
    row = ResultRow(pk, [(n, value, ts, None) for n in sorted(cells) for ts, value in cells[n]])
    wire = plainbuffer.encode_rows([row])[len(ROWS_HEADER):]
    return EncodedRow(wire, _row_size(row), max((len(v) for v in cells.values()), default=0))


def _write_size(pk: PrimaryKey, cells: Sequence[Cell]) -> int:
    size = _pk_size(pk)
    for name, value, ts, _ in cells:
        size += validate.text_size(name) + validate.value_size(value) + (8 if ts is not None else 0)
    return size


class Engine:
    """All tables of all instances of one emulator, over one ``Storage``."""

    def __init__(self, storage: Storage, clock: Callable[[], float]) -> None:
        self._storage = storage
        self._clock = clock
        self._last_ts = 0
        self._txns = Transactions(clock)
        # search indexes and their documents, kept in step by every write (search/)
        self.search_documents = SearchDocuments(storage)

    # --- time ----------------------------------------------------------------------
    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    def _server_timestamp(self) -> int:
        """Now in ms, strictly greater than any earlier server timestamp."""
        self._last_ts = max(self._now_ms(), self._last_ts + 1)
        return self._last_ts

    # --- tables --------------------------------------------------------------------
    def create_table(self, instance: str, info: TableInfo) -> None:
        """CreateTable: validate the schema, options and indexes, then store the table and its index tables."""
        declared = indexes.declared(info.indexes)
        validate.table_name(info.name)
        if not limits.PK_COLUMNS_MIN <= len(info.primary_key) <= limits.PK_COLUMNS_MAX:
            raise E.PK_COUNT.error()
        seen = set()
        for position, column in enumerate(info.primary_key):
            validate.column_name(column.name)
            if column.type not in PK_TYPES:
                raise E.INVALID_PK_TYPE.error(type=column.type)
            if column.name in seen:
                raise E.DUPLICATED_PK_NAME.error(name=column.name)
            seen.add(column.name)
            if column.auto_increment and column.type != "INTEGER":
                raise E.AUTO_INCREMENT_NOT_INTEGER.error()
            if column.auto_increment and position == 0:
                raise E.AUTO_INCREMENT_FIRST.error()
        if sum(c.auto_increment for c in info.primary_key) > 1:
            raise E.AUTO_INCREMENT_COUNT.error()
        if len(info.defined_columns) > limits.DEFINED_COLUMNS:
            raise E.DEFINED_COLUMN_COUNT.error()
        for name, _ in info.defined_columns:
            validate.column_name(name)
            if name in seen:
                raise E.DUPLICATED_DEFINED_COLUMN.error(name=name)
            seen.add(name)
        self._check_options(info.options)
        self._check_throughput(info.read_cu, info.write_cu)
        for index in info.indexes:
            indexes.check_against(info, index)
        if len(declared) < len(info.indexes) or info.name in declared:
            raise E.TABLE_ALREADY_EXIST.error()
        now = self._clock()
        info = replace(info, creation_time_us=int(now * 1_000_000), last_increase_time=int(now))
        with self._storage.write():
            for name in (info.name, *declared):
                if self._storage.get_table(instance, name) is not None:
                    raise E.TABLE_ALREADY_EXIST.error()
            if self._storage.count_tables(instance) >= limits.TABLES_PER_INSTANCE:
                raise E.TABLE_QUOTA.error(quota=limits.TABLES_PER_INSTANCE)
            self._storage.insert_table(instance, info)
            for index in info.indexes:
                self._storage.insert_table(instance, indexes.index_table(info, index))

    @staticmethod
    def _check_options(options: TableOptions) -> None:
        ttl = options.time_to_live
        if ttl != -1 and ttl < limits.TTL_MIN_S:
            raise E.INVALID_TTL.error()
        if options.max_versions <= 0:
            raise E.INVALID_MAX_VERSIONS.error()
        if not 0 <= options.deviation <= limits.DEVIATION_MAX_S:
            raise E.INVALID_DEVIATION.error()

    @staticmethod
    def _check_throughput(read: Optional[int], write: Optional[int]) -> None:
        for value in (read, write):
            if value is not None and value < 0:
                raise E.NEGATIVE_RESERVED_THROUGHPUT.error(cu=value)
            if value is not None and value > limits.RESERVED_CU_MAX:
                raise E.INVALID_RESERVED_THROUGHPUT.error()

    def list_tables(self, instance: str) -> List[str]:
        """ListTable: names, sorted."""
        return self._storage.list_tables(instance)

    def describe_table(self, instance: str, name: str) -> TableInfo:
        """DescribeTable."""
        validate.table_name(name)
        return self._table(instance, name)

    def update_table(
        self,
        instance: str,
        name: str,
        read_cu: Optional[int] = None,
        write_cu: Optional[int] = None,
        options: Optional[Dict[str, Any]] = None,
    ) -> TableInfo:
        """UpdateTable: reserved throughput and/or the options given in ``options``."""
        validate.table_name(name)
        self._check_throughput(read_cu, write_cu)
        with self._storage.write():
            info = self._base_table(instance, name)
            new_options = replace(info.options, **(options or {}))
            self._check_options(new_options)
            if info.indexes:
                indexes.check_options(new_options)
                for table in self._index_tables(instance, info):
                    self._storage.update_table(instance, indexes.with_options(table, new_options))
            now = int(self._clock())
            read = info.read_cu if read_cu is None else read_cu
            write = info.write_cu if write_cu is None else write_cu
            increased = read > info.read_cu or write > info.write_cu
            decreased = read < info.read_cu or write < info.write_cu
            info = replace(
                info,
                options=new_options,
                read_cu=read,
                write_cu=write,
                last_increase_time=now if increased else info.last_increase_time,
                last_decrease_time=now if decreased else info.last_decrease_time,
            )
            self._storage.update_table(instance, info)
        return info

    def delete_table(self, instance: str, name: str) -> None:
        """DeleteTable: the table, its secondary indexes and all their rows."""
        validate.table_name(name)
        with self._storage.write():
            info = self._base_table(instance, name)
            if self.search_documents.of_table(info.tid):
                raise E.TABLE_HAS_SEARCH_INDEX.error(table=name)
            for table in self._index_tables(instance, info):
                self._storage.delete_table(instance, table)
            self._storage.delete_table(instance, info)

    def _table(self, instance: str, name: str) -> TableInfo:
        info = self._storage.get_table(instance, name)
        if info is None:
            raise E.TABLE_NOT_EXIST.error()
        return info

    def _base_table(self, instance: str, name: str) -> TableInfo:
        """A table that is not an index table (those are changed through their base)."""
        info = self._table(instance, name)
        if info.index_of is not None:
            raise E.INDEX_TABLE_DDL.error(name=name, base=info.index_of)
        return info

    def _index_tables(self, instance: str, info: TableInfo) -> List[TableInfo]:
        """The index tables of a base table, in creation order."""
        tables = []
        for index in info.indexes:
            table = self._storage.get_table(instance, index.name)
            assert table is not None, f"index table {index.name} of {info.name} is missing"
            tables.append(table)
        return tables

    # --- secondary indexes ---------------------------------------------------------
    def create_index(self, instance: str, table: str, index: IndexInfo, include_base_data: bool) -> None:
        """CreateIndex: check the index against its table, store it, backfill when asked."""
        indexes.check_declared(index)
        validate.table_name(table)
        with self._storage.write():
            info = self._base_table(instance, table)
            indexes.check_count(len(info.indexes) + 1)
            indexes.check_against(info, index)
            if self._storage.get_table(instance, index.name) is not None:
                raise E.TABLE_ALREADY_EXIST.error()
            info = replace(info, indexes=info.indexes + (index,))
            self._storage.update_table(instance, info)
            index_table = self._storage.insert_table(instance, indexes.index_table(info, index))
            if include_base_data:
                names = [c.name for c in info.primary_key]
                low, high = encode_key([INF_MIN]), encode_key([INF_MAX])
                for key, data in list(self._storage.scan(info.tid, low, high, False)):
                    pk = dict(zip(names, decode_key(key)))
                    indexes.maintain(self._storage, [index_table], pk, None, decode_cells(data))

    def drop_index(self, instance: str, table: str, index_name: str) -> None:
        """DropIndex: the index table and its rows; the base table forgets the index."""
        validate.table_name(table)
        with self._storage.write():
            info = self._base_table(instance, table)
            kept = tuple(index for index in info.indexes if index.name != index_name)
            if len(kept) == len(info.indexes):
                raise E.INDEX_NOT_EXIST.error()
            self._storage.delete_table(instance, self._table(instance, index_name))
            self._storage.update_table(instance, replace(info, indexes=kept))

    # --- keys ----------------------------------------------------------------------
    @staticmethod
    def _check_pk_schema(info: TableInfo, pk: PrimaryKey, *, write: bool, allow_inf: bool = False) -> None:
        schema = info.primary_key
        if len(pk) > limits.PK_COLUMNS_MAX and info.index_of is None:
            raise E.PK_COUNT.error()
        if len(pk) != len(schema):
            raise E.PK_SIZE_MISMATCH.error(input=len(pk), meta=len(schema))
        for (name, value), column in zip(pk, schema):
            if name != column.name:
                raise E.PK_NAME_MISMATCH.error(input=name, meta=column.name)
            if value is AUTO_INCREMENT:
                if not write:
                    raise E.AUTO_INCREMENT_READ.error()
                if not column.auto_increment:
                    raise E.AUTO_INCREMENT_MISPLACED.error(name=name)
                continue
            if allow_inf and (value is INF_MIN or value is INF_MAX):
                continue
            if validate.wire_type(value) != _VT_OF_PK_TYPE[column.type]:
                raise E.PK_TYPE_MISMATCH.error(
                    input=validate.wire_type(value), meta=_VT_OF_PK_TYPE[column.type]
                )

    def _fill_auto_increment(self, info: TableInfo, pk: PrimaryKey) -> PrimaryKey:
        if not any(v is AUTO_INCREMENT for _, v in pk):
            return pk
        value = self._storage.next_auto_increment(info.tid, int(self._clock() * 1_000_000))
        return [(n, value if v is AUTO_INCREMENT else v) for n, v in pk]

    # --- versions ------------------------------------------------------------------
    def _visible(self, info: TableInfo, cells: Cells, now_ms: int) -> Cells:
        """Cells without expired (TTL) versions and versions beyond max_versions."""
        ttl = info.options.time_to_live
        floor = now_ms - ttl * 1000 if ttl != -1 else None
        keep = info.options.max_versions
        out: Cells = {}
        for name, versions in cells.items():
            if floor is not None:
                versions = [v for v in versions if v[0] >= floor]
            versions = versions[:keep]
            if versions:
                out[name] = versions
        return out

    def _select(self, cells: Cells, read: ReadOptions) -> Cells:
        """Versions a read asked for: time range, then the newest ``max_versions``."""
        out: Cells = {}
        for name, versions in cells.items():
            if read.time_range is not None:
                start, end = read.time_range
                versions = [v for v in versions if start <= v[0] < end]
            if read.max_versions is not None:
                versions = versions[: read.max_versions]
            if versions:
                out[name] = versions
        return out

    def _check_timestamps(self, info: TableInfo, cells: Sequence[Cell], now_ms: int) -> None:
        deviation = info.options.deviation * 1000
        ttl = info.options.time_to_live
        low = now_ms - deviation
        if ttl != -1:
            low = max(low, now_ms - ttl * 1000)
        for name, _, ts, op in cells:
            if ts is None or op in (CellOp.DELETE_ONE_VERSION,):
                continue
            if not low <= ts < now_ms + deviation:
                raise E.INVALID_TIMESTAMP.error(name=name)

    # --- reads ---------------------------------------------------------------------
    @staticmethod
    def _check_read(read: ReadOptions, *, batch: bool = False) -> None:
        if read.max_versions is None and read.time_range is None:
            raise (E.NO_VERSION_CONDITION_BATCH if batch else E.NO_VERSION_CONDITION).error()
        if read.max_versions is not None and read.max_versions <= 0:
            raise E.INVALID_MAX_VERSIONS_READ.error(value=read.max_versions)
        if read.time_range is not None and read.time_range[0] >= read.time_range[1]:
            raise E.INVALID_TIME_RANGE.error(detail="start time must be less than end time")
        validate.columns_to_get(read.columns_to_get)
        validate.filter_tree(read.filter)

    @staticmethod
    def _decoded(info: TableInfo, read: ReadOptions) -> _Decoded:
        """The columns ``read`` decodes of a stored row: those it returns and those its filter tests
        (an index row's TTL marker too); every column for a read without a column list."""
        if read.filter is None and not read.columns_to_get:
            return _EVERY_COLUMN
        needed = columns(read.filter)
        if info.index_of is not None:
            needed |= {indexes.MARKER}
        if read.columns_to_get:
            return _Decoded(wanted=needed.union(read.columns_to_get))
        if isinstance(read.filter, PaginationFilter):  # a column window: every column
            return _EVERY_COLUMN
        return _Decoded(tested=needed)  # (no column at all for a tree of pages: NOT of one refuses every row)

    def _refused(self, info: TableInfo, cells: Cells, read: ReadOptions, now_ms: int) -> bool:
        """Whether ``read``'s filter refuses a row, given (at least) the cells of its columns."""
        if info.index_of is not None:
            visible = self._index_view(info, cells, now_ms)
            if visible is None:
                return True
            cells = visible
        return not matches(read.filter, self._select(self._visible(info, cells, now_ms), read))

    def _blob_row(
        self, info: TableInfo, pk: PrimaryKey, data: bytes, read: ReadOptions, decoded: _Decoded, now_ms: int
    ) -> Optional[ResultRow]:
        """The row as ``read`` returns it from its stored cells blob, decoding only what it needs."""
        if decoded.tested is not None and self._refused(info, decode_cells(data, decoded.tested), read, now_ms):
            return None
        return self._cells_row(info, pk, decode_cells(data, decoded.wanted), read, now_ms)

    def _cells_row(
        self, info: TableInfo, pk: PrimaryKey, cells: Cells, read: ReadOptions, now_ms: int
    ) -> Optional[ResultRow]:
        """The row as ``read`` returns it from its stored cells (an index row's as reads see them)."""
        if info.index_of is not None:
            visible = self._index_view(info, cells, now_ms)
            if visible is None:
                return None
            cells = visible
        return self._project(info, pk, cells, read, now_ms)

    def _project(
        self, info: TableInfo, pk: PrimaryKey, stored: Cells, read: ReadOptions, now_ms: int
    ) -> Optional[ResultRow]:
        """The row as a read returns it, or None when the read leaves nothing of it."""
        if read.filter is None and self._plain_read(info, read):
            keep = min(info.options.max_versions, read.max_versions or info.options.max_versions)
            cells = [(n, value, ts, None) for n in sorted(stored) for ts, value in stored[n][:keep]]
            return ResultRow(pk, cells)
        selected = self._select(self._visible(info, stored, now_ms), read)
        if stored and not selected and not self._wants_pk(info, read):
            return None
        if not matches(read.filter, selected):
            return None
        names = sorted(selected)
        if read.columns_to_get:
            wanted = set(read.columns_to_get)
            names = [n for n in names if n in wanted]
        if read.start_column is not None:
            names = [n for n in names if n >= read.start_column]
        if read.end_column is not None:
            names = [n for n in names if n < read.end_column]
        if isinstance(read.filter, PaginationFilter):
            names = names[read.filter.offset: read.filter.offset + read.filter.limit]
        if not names and read.columns_to_get and not self._wants_pk(info, read):
            return None
        cells = [(n, value, ts, None) for n in names for ts, value in selected[n]]
        return ResultRow(pk, cells)

    @staticmethod
    def _plain_read(info: TableInfo, read: ReadOptions) -> bool:
        """Whether a read returns every stored column (no TTL, window or version range)."""
        return (
            info.options.time_to_live == -1
            and read.time_range is None
            and not read.columns_to_get
            and read.start_column is None
            and read.end_column is None
        )

    @staticmethod
    def _wants_pk(info: TableInfo, read: ReadOptions) -> bool:
        if not read.columns_to_get:
            return False
        pk_names = {c.name for c in info.primary_key}
        return any(name in pk_names for name in read.columns_to_get)

    def get_row(
        self, instance: str, table: str, pk: PrimaryKey, read: ReadOptions, transaction_id: Optional[str] = None
    ) -> ReadResult:
        """GetRow (with a transaction id: its uncommitted writes are seen too)."""
        result = self._get_row(instance, table, pk, read, transaction_id, copy=False)
        return ReadResult(result.consumed, cast(Optional[ResultRow], result.row))

    def get_row_wire(
        self, instance: str, table: str, pk: PrimaryKey, read: ReadOptions, transaction_id: Optional[str] = None
    ) -> WireRead:
        """GetRow, the row as a ``WireRow`` (stored bytes when the read returns them unchanged)."""
        return self._get_row(instance, table, pk, read, transaction_id, copy=True)

    def _get_row(
        self, instance: str, table: str, pk: PrimaryKey, read: ReadOptions, transaction_id: Optional[str], copy: bool
    ) -> WireRead:
        """GetRow; ``copy``: a row the read returns unchanged is its stored bytes."""
        validate.table_name(table)
        validate.primary_key(pk, max_columns=indexes.INDEX_PK_MAX)
        self._check_read(read)
        with self._rows_of(transaction_id) as rows:
            info = self._table(instance, table)
            self._check_pk_schema(info, pk, write=False)
            if copy and rows is None:
                return self._read_wire(info, pk, read)
            result = self._read_one(info, pk, read, self._decoded(info, read), rows)
            return WireRead(result.consumed, result.row)

    @contextmanager
    def _rows_of(self, transaction_id: Optional[str]) -> Iterator[Optional["RowSource"]]:
        """What a read sees: committed rows (None), or one request of a transaction."""
        if transaction_id is None:
            yield None
            return
        with self._txns.using(transaction_id) as txn:
            yield self._txn_rows(txn)

    def _copy_versions(self, info: TableInfo, read: ReadOptions) -> int:
        """Up to how many versions per column a read returns stored rows as they are, those its
        filter (if any) passes (0: never)."""
        if info.index_of is not None or isinstance(read.filter, PaginationFilter) or not self._plain_read(info, read):
            return 0
        return min(info.options.max_versions, read.max_versions or info.options.max_versions)

    def _index_view(self, info: TableInfo, cells: Cells, now_ms: int) -> Optional[Cells]:
        """An index row as reads see it: None once expired with its base row's key (TTL)."""
        ttl = info.options.time_to_live
        visible = indexes.visible_cells(cells, now_ms - ttl * 1000 if ttl != -1 else None)
        return None if visible is None else self._visible(info, visible, now_ms)

    def _read_one(
        self, info: TableInfo, pk: PrimaryKey, read: ReadOptions, decoded: _Decoded, rows: Optional["RowSource"] = None
    ) -> ReadResult:
        """A read of one row (``decoded``: what it decodes of the stored row; ``rows``: a transaction's view)."""
        key = encode_key([v for _, v in pk])
        if rows is not None:
            cells = rows.get(info, key)
            return _read_result(None if cells is None else self._cells_row(info, pk, cells, read, self._now_ms()))
        data = self._storage.get_data(info.tid, key)
        return _read_result(None if data is None else self._blob_row(info, pk, data, read, decoded, self._now_ms()))

    def _read_wire(self, info: TableInfo, pk: PrimaryKey, read: ReadOptions) -> WireRead:
        """As ``_read_one``, copying the stored row's bytes where the read returns it unchanged."""
        keep = self._copy_versions(info, read)
        decoded = self._decoded(info, read)
        if not keep:
            result = self._read_one(info, pk, read, decoded)
            return WireRead(result.consumed, result.row)
        key = encode_key([v for _, v in pk])
        stored = self._storage.get_stored(info.tid, [key], keep, decoded.tested is not None).get(key)
        return self._read_stored(info, pk, read, decoded, stored)

    def _read_stored(
        self, info: TableInfo, pk: PrimaryKey, read: ReadOptions, decoded: _Decoded, stored: Optional[StoredRow]
    ) -> WireRead:
        """A read's result from the stored row (None: absent): its bytes where they serve (and
        the filter, if any, passes the row)."""
        if stored is None:
            return WireRead(_read_units(0), None)
        _, data, wire, size = stored
        if wire is not None:
            if decoded.tested is not None:
                assert data is not None
                if self._refused(info, decode_cells(data, decoded.tested), read, self._now_ms()):
                    return WireRead(_read_units(0), None)
            return WireRead(_read_units(size), wire)
        assert data is not None
        result = _read_result(self._blob_row(info, pk, data, read, decoded, self._now_ms()))
        return WireRead(result.consumed, result.row)

    def copy_read(self, instance: str, table: str, read: ReadOptions) -> Optional[Tuple[TableInfo, int]]:
        """A BatchGetRow table whose read returns stored rows as they are: its info and up to how
        many versions per column (None: it is not one); raises what the table name's and the read's
        checks raise."""
        validate.table_name(table)
        self._check_read(read, batch=True)
        info = self._storage.get_table(instance, table)
        keep = self._copy_versions(info, read) if info is not None and read.filter is None else 0
        return (info, keep) if info is not None and keep else None

    def wire_rows(self, info: TableInfo, keys: Sequence[bytearray], keep: int) -> Optional[FoundWires]:
        """The stored bytes of ``keys`` present, by position (one query; None: too many bytes
        for one), for a read that ``copy_read`` allowed."""
        return self._storage.wire_rows(info.tid, keys, keep)

    def batch_get_row(
        self, instance: str, requests: Sequence[Tuple[str, Sequence[PrimaryKey], ReadOptions]]
    ) -> List[List[Union[ReadResult, TablestoreError]]]:
        """BatchGetRow: per table, one result or error per key, in request order."""
        return [
            [r if isinstance(r, TablestoreError) else ReadResult(r.consumed, cast(Optional[ResultRow], r.row))
             for r in table_results]
            for table_results in self._batch_get(instance, requests, copy=False)
        ]

    def batch_get_row_wire(
        self, instance: str, requests: Sequence[Tuple[str, Sequence[PrimaryKey], ReadOptions]]
    ) -> List[List[Union[WireRead, TablestoreError]]]:
        """BatchGetRow, the rows as ``WireRow``s (one storage query per table)."""
        return self._batch_get(instance, requests, copy=True)

    def _batch_get(
        self, instance: str, requests: Sequence[Tuple[str, Sequence[PrimaryKey], ReadOptions]], copy: bool
    ) -> List[List[Union[WireRead, TablestoreError]]]:
        """BatchGetRow; ``copy``: rows a read returns unchanged are their stored bytes."""
        if not requests:
            raise E.BATCH_GET_EMPTY.error()
        total = sum(len(keys) for _, keys, _ in requests)
        if total > limits.BATCH_GET_ROWS:
            raise E.TOO_MANY_ROWS.error(limit=limits.BATCH_GET_ROWS)
        tables: List[Tuple[Optional[TableInfo], Optional[List[bytes]]]] = []
        for table, keys, read in requests:
            validate.table_name(table)
            self._check_read(read, batch=True)
            info = self._storage.get_table(instance, table)
            stored_keys = plain_keys(info, keys)  # None: check each key in full
            if stored_keys is None:
                for pk in keys:
                    validate.primary_key(pk, max_columns=indexes.INDEX_PK_MAX)
            tables.append((info, stored_keys))
        results: List[List[Union[WireRead, TablestoreError]]] = []
        for (table, keys, read), (info, stored_keys) in zip(requests, tables):
            keep = self._copy_versions(info, read) if copy and info is not None else 0
            decoded = self._decoded(info, read) if info is not None else _EVERY_COLUMN
            tested = decoded.tested is not None
            if keep and info is not None and stored_keys is not None:  # every key well-formed: one lookup
                found = self._storage.get_stored(info.tid, stored_keys, keep, tested)
                results.append([
                    self._read_stored(info, pk, read, decoded, found.get(k)) for pk, k in zip(keys, stored_keys)
                ])
                continue
            checked: List[Union[Tuple[PrimaryKey, bytes], TablestoreError]] = []
            if stored_keys is not None:
                checked.extend(zip(keys, stored_keys))
            else:
                for pk in keys:
                    try:
                        if info is None:
                            raise E.TABLE_NOT_EXIST.error()
                        self._check_pk_schema(info, pk, write=False)
                        checked.append((pk, encode_key([v for _, v in pk])))
                    except TablestoreError as exc:
                        checked.append(exc)
            found = self._storage.get_stored(
                info.tid, [item[1] for item in checked if not isinstance(item, TablestoreError)], keep, tested
            ) if keep and info is not None else {}
            table_results: List[Union[WireRead, TablestoreError]] = []
            for item in checked:
                if isinstance(item, TablestoreError):
                    table_results.append(item)
                    continue
                assert info is not None
                pk, key = item
                if keep:
                    table_results.append(self._read_stored(info, pk, read, decoded, found.get(key)))
                else:
                    result = self._read_one(info, pk, read, decoded)
                    table_results.append(WireRead(result.consumed, result.row))
            results.append(table_results)
        return results

    def get_range(
        self,
        instance: str,
        table: str,
        direction: int,
        start: PrimaryKey,
        end: PrimaryKey,
        read: ReadOptions,
        limit: Optional[int] = None,
        transaction_id: Optional[str] = None,
    ) -> RangeResult:
        """GetRange: [start, end) in ``direction``, cut at ``limit``, 5000 rows or 4 MB
        (with a transaction id: its uncommitted writes are seen too)."""
        result = self._range(instance, table, direction, start, end, read, limit, transaction_id, copy=False)
        return RangeResult(result.consumed, cast(List[ResultRow], result.rows), result.next_start)

    def get_range_wire(
        self,
        instance: str,
        table: str,
        direction: int,
        start: PrimaryKey,
        end: PrimaryKey,
        read: ReadOptions,
        limit: Optional[int] = None,
        transaction_id: Optional[str] = None,
    ) -> WireRange:
        """GetRange, the rows as ``WireRow``s (stored bytes where the read returns a row unchanged)."""
        return self._range(instance, table, direction, start, end, read, limit, transaction_id, copy=True)

    def _range(
        self,
        instance: str,
        table: str,
        direction: int,
        start: PrimaryKey,
        end: PrimaryKey,
        read: ReadOptions,
        limit: Optional[int],
        transaction_id: Optional[str],
        copy: bool,
    ) -> WireRange:
        """GetRange; ``copy``: rows the read returns unchanged are their stored bytes."""
        validate.table_name(table)
        validate.primary_key(start, allow_inf=True, max_columns=indexes.INDEX_PK_MAX)
        validate.primary_key(end, allow_inf=True, max_columns=indexes.INDEX_PK_MAX)
        self._check_read(read)
        if limit is not None and limit <= 0:
            raise E.INVALID_LIMIT.error()
        with self._rows_of(transaction_id) as source:
            info = self._table(instance, table)
            self._check_pk_schema(info, start, write=False, allow_inf=True)
            self._check_pk_schema(info, end, write=False, allow_inf=True)
            start_key = encode_key([v for _, v in start])
            end_key = encode_key([v for _, v in end])
            if direction == FORWARD and not start_key < end_key:
                raise E.FORWARD_RANGE.error()
            if direction == BACKWARD and not start_key > end_key:
                raise E.BACKWARD_RANGE.error()
            max_rows = min(limit or limits.RANGE_ROWS, limits.RANGE_ROWS)
            names = [c.name for c in info.primary_key]
            now_ms = self._now_ms()
            rows: List[WireRow] = []
            size = scanned = 0
            next_start: Optional[PrimaryKey] = None
            backward = direction == BACKWARD
            keep = self._copy_versions(info, read) if copy and source is None else 0
            decoded = self._decoded(info, read)
            # (key, cells or their stored blob, the stored bytes where they serve, their size):
            # the stored rows as SQLite hands them over (no generator on the hot path)
            entries: Iterator[Tuple[bytes, Union[Cells, bytes, None], Optional[bytes], int]]
            if keep:
                # no filter: every stored row answers one row, so one past the page is the last read
                entries = self._storage.scan_stored(
                    info.tid, start_key, end_key, backward, keep, decoded.tested is not None,
                    limit=max_rows + 1 if decoded.tested is None else None,
                )
            elif source is not None:
                scan = self._storage.scan(info.tid, start_key, end_key, backward)
                entries = ((key, cells, None, 0) for key, cells in source.scan(info, scan, start_key, end_key, backward))
            else:
                entries = ((key, data, None, 0) for key, data in self._storage.scan(info.tid, start_key, end_key, backward))
            max_bytes, max_scanned = limits.RANGE_BYTES, limits.RANGE_ROWS
            for key, cells, wire, wire_size in entries:
                if len(rows) >= max_rows or size >= max_bytes or scanned >= max_scanned:
                    next_start = list(zip(names, decode_key(key)))
                    break
                scanned += 1
                if wire is not None:
                    if decoded.tested is not None:
                        assert isinstance(cells, bytes)
                        if self._refused(info, decode_cells(cells, decoded.tested), read, now_ms):
                            continue
                    rows.append(wire)
                    size += wire_size
                    continue
                assert cells is not None
                pk = list(zip(names, decode_key(key)))
                if isinstance(cells, bytes):
                    row = self._blob_row(info, pk, cells, read, decoded, now_ms)
                else:
                    row = self._cells_row(info, pk, cells, read, now_ms)
                if row is not None:
                    rows.append(row)
                    size += _row_size(row)
            return WireRange(CapacityUnits(_cu(size), 0), rows, next_start)

    # --- writes --------------------------------------------------------------------
    def write_row(
        self, instance: str, table: str, op: RowWrite, api: str, transaction_id: Optional[str] = None
    ) -> WriteResult:
        """PutRow / UpdateRow / DeleteRow, in one SQLite transaction (with the table's index
        rows); with a transaction id, into that transaction."""
        size = self._check_write(table, op, api, batch=False)
        if transaction_id is not None:
            with self._txns.using(transaction_id) as txn:
                return self._apply_in(txn, self._table(instance, table), op, size, self._now_ms())
        with self._storage.write():
            info = self._table(instance, table)
            self._check_unlocked(info, op)
            return self._apply(info, op, self._now_ms(), self._direct(instance))

    def _check_unlocked(self, info: TableInfo, op: RowWrite) -> None:
        """A write outside any transaction into a partition a transaction holds is refused."""
        if self._txns.holder(info.name, op.primary_key[0][1]) is not None:
            raise E.TRANSACTION_LOCKED.error()

    def _apply_in(self, txn: Transaction, info: TableInfo, op: RowWrite, size: int, now_ms: int) -> WriteResult:
        """One write of a transaction, kept in its row images."""
        self._txns.check_write(txn, info, op.primary_key, size)
        result = self._apply(info, op, now_ms, self._txn_rows(txn))
        txn.size += size
        return result

    def _txn_rows(self, txn: Transaction) -> TransactionRows:
        return TransactionRows(txn, self._storage.get_row, decode_cells)

    # --- local transactions --------------------------------------------------------
    def start_transaction(self, instance: str, table: str, key: PrimaryKey) -> str:
        """StartLocalTransaction on the partition-key value ``key`` of ``table``: its id."""
        validate.table_name(table)
        validate.primary_key(key)
        if len(key) != 1:
            raise E.TRANSACTION_ONE_PK.error()
        info = self._table(instance, table)
        if info.index_of is not None:
            raise E.INDEX_TABLE_WRITE.error(name=info.name)
        if not info.local_txn:
            raise E.TRANSACTION_DISABLED.error()
        if any(column.auto_increment for column in info.primary_key):
            raise E.TRANSACTION_AUTO_INCREMENT.error()
        (name, value), first = key[0], info.primary_key[0]
        if name != first.name:
            raise E.PK_NAME_MISMATCH.error(input=name, meta=first.name)
        if validate.wire_type(value) != _VT_OF_PK_TYPE[first.type]:
            raise E.PK_TYPE_MISMATCH.error(input=validate.wire_type(value), meta=_VT_OF_PK_TYPE[first.type])
        return self._txns.start(instance, info, value).id

    def commit_transaction(self, instance: str, transaction_id: str) -> None:
        """CommitTransaction: every row image in one SQLite transaction, index rows in step."""
        with self._txns.using(transaction_id) as txn:
            self._txns.end(txn)
            info = self._storage.get_table(instance, txn.table)
            if info is None or info.tid != txn.tid:
                raise E.TRANSACTION_NOT_EXIST.error()
            target = self._direct(instance)
            with self._storage.write():
                for key, (pk, cells) in txn.rows.items():
                    stored = self._storage.get_row(info.tid, key)
                    if stored is not None or cells is not None:
                        target.set(info, key, pk, stored, cells)

    def abort_transaction(self, instance: str, transaction_id: str) -> None:
        """AbortTransaction: its writes are dropped, its partition unlocked."""
        with self._txns.using(transaction_id) as txn:
            self._txns.end(txn)

    def _direct(self, instance: str) -> "RowTarget":
        """Writes straight to storage, index rows included (what every non-transaction write uses)."""
        return _StorageTarget(
            self._storage, lambda info: self._index_tables(instance, info), self.search_documents.maintain
        )

    def batch_write_row(
        self,
        instance: str,
        requests: Sequence[Tuple[str, Sequence[RowWrite]]],
        transaction_id: Optional[str] = None,
    ) -> List[List[Union[WriteResult, TablestoreError]]]:
        """BatchWriteRow: syntax errors fail the request, the rest fail only their row
        (with a transaction id, each row goes into that transaction)."""
        if not requests:
            raise E.BATCH_WRITE_EMPTY.error()
        for table, ops in requests:
            if not ops:
                raise E.BATCH_WRITE_TABLE_EMPTY.error(table=table)
        if sum(len(ops) for _, ops in requests) > limits.BATCH_WRITE_ROWS:
            raise E.TOO_MANY_ROWS.error(limit=limits.BATCH_WRITE_ROWS)
        size = 0
        sizes: List[List[int]] = []
        for table, ops in requests:
            sizes.append([self._check_write(table, op, "BatchWriteRow", batch=True) for op in ops])
            size += sum(sizes[-1])
            self._check_repeated_rows(ops)
        if size > limits.WRITE_REQUEST_BYTES:
            raise E.ROW_TOO_LARGE.error(api="BatchWriteRow", limit=limits.WRITE_REQUEST_BYTES, size=size)
        now_ms = self._now_ms()
        if transaction_id is not None:
            with self._txns.using(transaction_id) as txn:
                return self._batch_rows(instance, requests, lambda info, op, i, j: self._apply_in(
                    txn, info, op, sizes[i][j], now_ms))
        target = self._direct(instance)

        def apply(info: TableInfo, op: RowWrite, i: int, j: int) -> WriteResult:
            self._check_unlocked(info, op)
            return self._apply(info, op, now_ms, target)

        with self._storage.write():
            return self._batch_rows(instance, requests, apply)

    def _batch_rows(
        self,
        instance: str,
        requests: Sequence[Tuple[str, Sequence[RowWrite]]],
        apply: Callable[[TableInfo, RowWrite, int, int], WriteResult],
    ) -> List[List[Union[WriteResult, TablestoreError]]]:
        """Per table, per row: ``apply(info, op, table position, row position)`` or its error."""
        results: List[List[Union[WriteResult, TablestoreError]]] = []
        for i, (table, ops) in enumerate(requests):
            info = self._storage.get_table(instance, table)
            table_results: List[Union[WriteResult, TablestoreError]] = []
            for j, op in enumerate(ops):
                try:
                    if info is None:
                        raise E.TABLE_NOT_EXIST.error()
                    table_results.append(apply(info, op, i, j))
                except TablestoreError as exc:
                    table_results.append(exc)
            results.append(table_results)
        return results

    @staticmethod
    def _check_repeated_rows(ops: Sequence[RowWrite]) -> None:
        """Rows of one table written more than once may carry no condition (DOC-ERR)."""
        seen: Dict[Tuple[Any, ...], int] = {}
        for op in ops:
            if not any(v is AUTO_INCREMENT for _, v in op.primary_key):
                key = tuple(bytes(v) if isinstance(v, bytearray) else v for _, v in op.primary_key)
                seen[key] = seen.get(key, 0) + 1
        for op in ops:
            key = tuple(bytes(v) if isinstance(v, bytearray) else v for _, v in op.primary_key)
            if seen.get(key, 0) > 1:
                if op.condition.existence != IGNORE:
                    raise E.REPEATED_ROW_EXPECTATION.error()
                if op.condition.column_filter is not None:
                    raise E.REPEATED_ROW_CONDITION.error()

    @staticmethod
    def _check_write(table: str, op: RowWrite, api: str, *, batch: bool) -> int:
        """Syntax of one write; returns its data size."""
        validate.table_name(table)
        validate.primary_key(op.primary_key)
        if op.kind == DELETE and op.cells:
            raise E.DELETE_WITH_CELLS.error()
        if any(v is AUTO_INCREMENT for _, v in op.primary_key):
            if op.kind == DELETE:
                raise E.AUTO_INCREMENT_DELETE.error()
            if op.condition.existence != IGNORE:
                raise E.AUTO_INCREMENT_EXPECT.error(expect=RowExistenceExpectation(op.condition.existence).name)
            if op.condition.column_filter is not None:
                raise E.AUTO_INCREMENT_CONDITION.error()
        validate.write_cells(op.cells, update=op.kind == UPDATE)
        if op.kind == UPDATE and not op.cells:
            raise (E.BATCH_UPDATE_NO_CELLS if batch else E.NO_ATTRIBUTE).error()
        validate.filter_tree(op.condition.column_filter)
        if op.return_columns:
            incremented = {name for name, _, _, kind in op.cells if kind == CellOp.INCREMENT}
            if op.return_type != RT_AFTER_MODIFY or not incremented.issuperset(op.return_columns):
                raise E.RETURN_COLUMNS_INVALID.error()
        size = _write_size(op.primary_key, op.cells)
        if not batch and size > limits.WRITE_REQUEST_BYTES:
            raise E.ROW_TOO_LARGE.error(api=api, limit=limits.WRITE_REQUEST_BYTES, size=size)
        return size

    def _apply(self, info: TableInfo, op: RowWrite, now_ms: int, target: "RowTarget") -> WriteResult:
        """Check the schema and condition of one write against the stored row, then write."""
        if info.index_of is not None:
            raise E.INDEX_TABLE_WRITE.error(name=info.name)
        self._check_pk_schema(info, op.primary_key, write=op.kind != DELETE)
        self._check_timestamps(info, op.cells, now_ms)
        pk = self._fill_auto_increment(info, op.primary_key)
        key = encode_key([v for _, v in pk])
        stored = target.get(info, key)
        current = self._visible(info, stored, now_ms) if stored is not None else {}
        exists = stored is not None and (not stored or bool(current))
        condition = op.condition
        if (condition.existence == EXPECT_EXIST and not exists) or (
            condition.existence == EXPECT_NOT_EXIST and exists
        ):
            raise E.CONDITION_CHECK_FAIL.error()
        if condition.column_filter is not None and not matches(condition.column_filter, current):
            raise E.CONDITION_CHECK_FAIL.error()
        modified: List[Cell] = []
        if op.kind == DELETE:
            if stored is not None:
                target.set(info, key, pk, stored, None)
        else:
            cells = {} if op.kind == PUT else dict(current)
            modified = self._apply_cells(info, cells, op.cells)
            if op.kind == PUT or exists or cells:
                target.set(info, key, pk, stored, cells)
        checks_row = condition.existence != IGNORE or condition.column_filter is not None
        consumed = CapacityUnits(
            _cu(_pk_size(pk)) if checks_row else 0, _cu(_write_size(pk, op.cells))
        )
        return WriteResult(consumed, self._return_row(op, pk, modified))

    def _apply_cells(self, info: TableInfo, cells: Cells, changes: Sequence[Cell]) -> List[Cell]:
        """Apply PlainBuffer cell changes to ``cells`` in place; returns incremented cells."""
        keep = info.options.max_versions
        server_ts: Optional[int] = None
        incremented: List[Cell] = []
        for name, value, ts, op in changes:
            if op == CellOp.DELETE_ALL_VERSIONS:
                cells.pop(name, None)
                continue
            versions = cells.get(name, [])
            if op == CellOp.DELETE_ONE_VERSION:
                versions = [v for v in versions if v[0] != ts]
            else:
                if ts is None:
                    server_ts = server_ts or self._server_timestamp()
                    ts = server_ts
                if op == CellOp.INCREMENT:
                    base = versions[0][1] if versions else 0
                    if isinstance(base, bool) or not isinstance(base, int):
                        raise E.INCREMENT_ON_NON_INTEGER.error(name=name)
                    value = base + value
                    if not _INT64_MIN <= value <= _INT64_MAX:
                        raise E.INCREMENT_OVERFLOW.error(name=name)
                    incremented.append((name, value, ts, None))
                versions = [v for v in versions if v[0] != ts]
                versions.append((ts, value))
                versions.sort(key=lambda v: v[0], reverse=True)
                versions = versions[:keep]
            if versions:
                cells[name] = versions
            else:
                cells.pop(name, None)
        return incremented

    @staticmethod
    def _return_row(op: RowWrite, pk: PrimaryKey, incremented: List[Cell]) -> Optional[ResultRow]:
        if op.return_type == RT_PK:
            return ResultRow(pk, [])
        if op.return_type == RT_AFTER_MODIFY:
            wanted = set(op.return_columns)
            return ResultRow(pk, [(name, value, ts, None) for name, value, ts, _ in incremented if name in wanted])
        return None


class RowSource(Protocol):
    """Where reads find rows: storage, or a transaction's writes over it."""

    def get(self, info: TableInfo, key: bytes) -> Optional[Cells]:
        """The row's cells, or None when absent."""

    def scan(
        self, info: TableInfo, stored: Iterator[Tuple[bytes, bytes]], start: bytes, end: bytes, backward: bool
    ) -> Iterator[Tuple[bytes, Cells]]:
        """(key, cells) of a range in order, given the storage's scan of it."""


class RowTarget(Protocol):
    """Where writes go: storage (with index rows), or a transaction's pending writes."""

    def get(self, info: TableInfo, key: bytes) -> Optional[Cells]:
        """The row's cells as the write sees them, or None when absent."""

    def set(self, info: TableInfo, key: bytes, pk: PrimaryKey, old: Optional[Cells], new: Optional[Cells]) -> None:
        """Replace the row ``old`` (as ``get`` gave it) by ``new`` (None: delete it)."""


class _StorageTarget:
    """Writes to storage in the caller's SQLite transaction, index rows in step."""

    def __init__(
        self,
        storage: Storage,
        index_tables: Callable[[TableInfo], List[TableInfo]],
        search: Callable[[int, bytes, Dict[str, Any], Optional[Cells]], None],
    ) -> None:
        self._storage = storage
        self._index_tables = index_tables
        self._search = search

    def get(self, info: TableInfo, key: bytes) -> Optional[Cells]:
        return self._storage.get_row(info.tid, key)

    def set(self, info: TableInfo, key: bytes, pk: PrimaryKey, old: Optional[Cells], new: Optional[Cells]) -> None:
        if new is None:
            self._storage.delete_row(info.tid, key)
        else:
            self._storage.put_row(info.tid, key, new, _encoded_row(pk, new))
        if info.indexes:
            indexes.maintain(self._storage, self._index_tables(info), dict(pk), old, new)
        self._search(info.tid, key, dict(pk), new)
