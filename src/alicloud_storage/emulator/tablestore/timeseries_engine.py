"""The time series engine: the ten time series APIs on protobuf messages, over TimeseriesStore.

Semantics (reference/tablestore-facts.md §6): a series is identified by its key columns
(by default measurement + data source + tags; a table may name custom keys); writing data
creates the series meta, and refreshes its update time when it is older than
``META_REFRESH_US`` (MUM_NORMAL), or leaves metas alone (MUM_IGNORE); syntax errors fail
the whole request while rows older than the data TTL fail one by one; reads skip data
older than the TTL and metas older than the meta TTL, and page with opaque tokens.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import limits, validate
from alicloud_storage.emulator.tablestore.errors import ErrorSpec, TablestoreError
from alicloud_storage.emulator.tablestore.keys import decode_key, encode_key
from alicloud_storage.emulator.tablestore.storage import Storage
from alicloud_storage.emulator.tablestore.timeseries_store import Series, TimeseriesStore, TimeseriesTable
from alicloud_storage.tablestore.errors import OTSDecodeError
from alicloud_storage.tablestore.wire import pb, plainbuffer, timeseries_rows
from alicloud_storage.tablestore.wire.enums import (
    MetaQueryCompositeOperator,
    MetaQueryConditionType,
    MetaQuerySingleOperator,
    MetaUpdateMode,
    PrimaryKeyType,
    RowsSerializeType,
)
from alicloud_storage.tablestore.wire.timeseries_rows import DataType, format_tags, parse_tags

__all__ = [
    "TimeseriesEngine", "Key", "META_TTL_MIN_S", "META_REFRESH_US", "GET_ROWS_MAX", "GET_BYTES_MAX",
    "QUERY_METAS_MAX", "QUERY_METAS_DEFAULT",
    # its error table, in file order
    "INVALID_TTL", "INVALID_META_TTL", "META_TTL_NEEDS_NO_UPDATE", "UPDATE_BOTH_OPTIONS",
    "UPDATE_NO_OPTIONS", "INVALID_KEY_SCHEMA", "DUPLICATED_KEY", "INVALID_FIELD_PK_TYPE",
    "ROWS_TYPE", "CRC_MISMATCH", "BAD_ROWS", "INVALID_MEASUREMENT", "INVALID_SOURCE",
    "INVALID_TAG_NAME", "INVALID_TAG_VALUE", "INVALID_FIELD_NAME", "MISSING_KEY_TAG",
    "MISSING_FIELD_PK", "FIELD_PK_TYPE", "ROW_EXPIRED", "INVALID_TIME_RANGE", "INVALID_LIMIT",
    "INVALID_TOKEN", "MISSING_KEY", "UPDATE_ATTRIBUTES_DISALLOWED", "INVALID_ATTRIBUTES",
    "INVALID_CONDITION", "EMPTY_REQUEST",
]

_INVALID = "OTSParameterInvalid"
INVALID_TTL = ErrorSpec(400, _INVALID, "Invalid time_to_live: {ttl}, must be -1 or no less than 86400.")
INVALID_META_TTL = ErrorSpec(
    400, _INVALID, "Invalid meta_time_to_live: {ttl}, must be -1, or no less than 604800 and time_to_live."
)
META_TTL_NEEDS_NO_UPDATE = ErrorSpec(
    400, _INVALID, "allow_update_attributes must be false when meta_time_to_live is not -1."
)
UPDATE_BOTH_OPTIONS = ErrorSpec(400, _INVALID, "Table options and meta options can not be updated together.")
UPDATE_NO_OPTIONS = ErrorSpec(400, _INVALID, "Neither table options nor meta options is specified.")
INVALID_KEY_SCHEMA = ErrorSpec(400, _INVALID, "Invalid timeseries key: '{name}'.")
DUPLICATED_KEY = ErrorSpec(400, _INVALID, "Duplicated timeseries key or field primary key: '{name}'.")
INVALID_FIELD_PK_TYPE = ErrorSpec(400, _INVALID, "Invalid type of field primary key: '{name}'.")
ROWS_TYPE = ErrorSpec(400, _INVALID, "Unsupported rows serialize type: {type}.")
CRC_MISMATCH = ErrorSpec(400, _INVALID, "Flatbuffer rows data checksum mismatch, crc32c: {expected}, computed: {got}.")
BAD_ROWS = ErrorSpec(400, _INVALID, "Invalid flatbuffer rows data: {detail}.")
INVALID_MEASUREMENT = ErrorSpec(400, _INVALID, "Invalid measurement name: '{name}'.")
INVALID_SOURCE = ErrorSpec(400, _INVALID, "Invalid data source: '{name}'.")
INVALID_TAG_NAME = ErrorSpec(400, _INVALID, "Invalid tag name: '{name}'.")
INVALID_TAG_VALUE = ErrorSpec(400, _INVALID, "Invalid tag value: '{value}'.")
INVALID_FIELD_NAME = ErrorSpec(400, _INVALID, "Invalid field name: '{name}'.")
MISSING_KEY_TAG = ErrorSpec(400, _INVALID, "Missing timeseries key in tags: '{name}'.")
MISSING_FIELD_PK = ErrorSpec(400, _INVALID, "The row is missing primary key fields: {names}.")
FIELD_PK_TYPE = ErrorSpec(400, _INVALID, "The type of primary key field '{name}' must be {type}.")
ROW_EXPIRED = ErrorSpec(400, _INVALID, "The time of the row is out of the table's time to live: {time}.")
INVALID_TIME_RANGE = ErrorSpec(400, _INVALID, "end_time must be greater than begin_time.")
INVALID_LIMIT = ErrorSpec(400, _INVALID, "The limit must be greater than 0.")
INVALID_TOKEN = ErrorSpec(400, _INVALID, "Invalid token.")
MISSING_KEY = ErrorSpec(400, _INVALID, "The timeseries key is missing.")
UPDATE_ATTRIBUTES_DISALLOWED = ErrorSpec(400, _INVALID, "The table does not allow updating attributes.")
INVALID_ATTRIBUTES = ErrorSpec(400, _INVALID, "Invalid attributes: '{text}'.")
INVALID_CONDITION = ErrorSpec(400, _INVALID, "Invalid meta query condition: {detail}.")
EMPTY_REQUEST = ErrorSpec(400, _INVALID, "No {what} is specified.")

META_TTL_MIN_S = 604800
META_REFRESH_US = 3600 * 1000000  # a written series' meta update time is refreshed hourly [I]
GET_ROWS_MAX = 5000
GET_BYTES_MAX = 4 * 1024 * 1024  # a page stops before its rows pass 4 MB, as GetRange's [I]
_ROW_OVERHEAD = 64  # key columns and PlainBuffer framing of a row, roughly
QUERY_METAS_MAX = 1000
QUERY_METAS_DEFAULT = 100
_STATUS = "CREATED"
_DEFAULT_KEYS = ("_m_name", "_data_source", "_tags")
_PK_TYPE_NAMES = {PrimaryKeyType.INTEGER: "INTEGER", PrimaryKeyType.STRING: "STRING", PrimaryKeyType.BINARY: "BINARY"}
_PK_TYPE_NUMBERS = {v: k for k, v in _PK_TYPE_NAMES.items()}
_FIELD_PK_TYPE = {"INTEGER": DataType.LONG, "STRING": DataType.STRING, "BINARY": DataType.BINARY}
_SUFFIX = {DataType.LONG: "l", DataType.BOOLEAN: "b", DataType.DOUBLE: "d", DataType.STRING: "s", DataType.BINARY: "n"}
_TOKEN = struct.Struct(">Bq")
_OP_EQ, _OP_GT, _OP_GE, _OP_LT, _OP_LE, _OP_PREFIX = MetaQuerySingleOperator
_COMPOSITE, _MEASUREMENT, _SOURCE, _TAG, _UPDATE_TIME, _ATTRIBUTE = MetaQueryConditionType
_AND, _OR, _NOT = MetaQueryCompositeOperator
Key = Tuple[str, str, Dict[str, str]]  # measurement, source, tags


def _encode_fields(fields: Sequence[Tuple[str, DataType, Any]]) -> str:
    """The stored form of a point's fields: JSON ``[[name, type, value], ...]`` (binary as base64)."""
    return json.dumps([
        [name, kind, base64.b64encode(value).decode("ascii") if kind is DataType.BINARY else value]
        for name, kind, value in fields
    ])


def _decode_fields(text: str) -> List[Tuple[str, DataType, Any]]:
    """The inverse of ``_encode_fields``."""
    return [
        (name, DataType(kind), bytearray(base64.b64decode(value)) if kind == DataType.BINARY else value)
        for name, kind, value in json.loads(text)
    ]


# --- syntax checks (whole request) ----------------------------------------------------


_BAD_MEASUREMENT = re.compile(r"[\x00-\x20\x7f#]")
_BAD_SOURCE = re.compile(r"[\x00-\x1f\x7f]")
_TAG_NAME = re.compile(r"[!#-<>-~]+")  # printable ASCII but '"' and '='
_TAG_VALUE = re.compile(r'[^"=]+')


def _check_measurement(name: str) -> None:
    if _BAD_MEASUREMENT.search(name):
        raise INVALID_MEASUREMENT.error(name=name)


def _check_source(name: str) -> None:
    if _BAD_SOURCE.search(name):
        raise INVALID_SOURCE.error(name=name)


def _check_tags(tags: Sequence[Tuple[str, str]]) -> None:
    for name, value in tags:
        if not _TAG_NAME.fullmatch(name):
            raise INVALID_TAG_NAME.error(name=name)
        if not _TAG_VALUE.fullmatch(value):
            raise INVALID_TAG_VALUE.error(value=value)


def _check_field_name(name: str) -> None:
    if not name or ":" in name or len(name.encode("utf-8")) > limits.COLUMN_NAME_MAX_BYTES:
        raise INVALID_FIELD_NAME.error(name=name)


def _check_table_options(ttl: int, meta_ttl: int, allow_update: bool) -> None:
    if ttl != -1 and ttl < limits.TTL_MIN_S:
        raise INVALID_TTL.error(ttl=ttl)
    if meta_ttl != -1 and (meta_ttl < META_TTL_MIN_S or ttl == -1 or meta_ttl < ttl):
        raise INVALID_META_TTL.error(ttl=meta_ttl)
    if meta_ttl != -1 and allow_update:
        raise META_TTL_NEEDS_NO_UPDATE.error()


def _key_of(message: Any) -> Key:
    """(measurement, source, tags) of a pb TimeseriesKey (tag_list, or the legacy tags string)."""
    tags = {tag.name: tag.value for tag in message.tag_list}
    if not tags and message.tags:
        try:
            tags = parse_tags(message.tags)
        except OTSDecodeError:
            raise INVALID_TAG_VALUE.error(value=message.tags) from None
    return message.measurement, message.source, tags


class TimeseriesEngine:
    """Time series tables of all instances of one emulator, in the wide-table storage's database."""

    def __init__(self, storage: Storage, clock: Callable[[], float]) -> None:
        self._storage = storage
        self._store = TimeseriesStore(storage.connection)  # same database, same transactions
        self._clock = clock

    def _now_us(self) -> int:
        return int(self._clock() * 1000000)

    def _table(self, instance: str, name: str) -> TimeseriesTable:
        table = self._store.get_table(instance, name)
        if table is None:
            raise E.TABLE_NOT_EXIST.error()
        return table

    # --- tables ----------------------------------------------------------------------
    def create_table(self, instance: str, request: Any) -> Any:
        """CreateTimeseriesTable."""
        meta = request.table_meta
        validate.table_name(meta.table_name)
        ttl = meta.table_options.time_to_live if meta.table_options.HasField("time_to_live") else -1
        options = meta.meta_options
        meta_ttl = options.meta_time_to_live if options.HasField("meta_time_to_live") else -1
        allow = options.allow_update_attributes if options.HasField("allow_update_attributes") else True
        _check_table_options(ttl, meta_ttl, allow)
        seen = set()
        for name in meta.timeseries_key_schema:
            if name not in _DEFAULT_KEYS and not _TAG_NAME.fullmatch(name):
                raise INVALID_KEY_SCHEMA.error(name=name)
            if name in seen:
                raise DUPLICATED_KEY.error(name=name)
            seen.add(name)
        field_pks = []
        for column in meta.field_primary_key_schema:
            validate.column_name(column.name)
            if column.type not in _PK_TYPE_NAMES:
                raise INVALID_FIELD_PK_TYPE.error(name=column.name)
            if column.name in seen:
                raise DUPLICATED_KEY.error(name=column.name)
            seen.add(column.name)
            field_pks.append((column.name, _PK_TYPE_NAMES[column.type]))
        table = TimeseriesTable(
            meta.table_name, ttl, meta_ttl, allow, tuple(meta.timeseries_key_schema), tuple(field_pks),
            tuple(
                (s.store_name, s.time_to_live if s.HasField("time_to_live") else None,
                 s.sync_option if s.HasField("sync_option") else None)
                for s in request.analytical_stores
            ),
            tuple(index.index_table_name for index in request.lastpoint_index_metas),
        )
        with self._storage.write():
            if self._store.get_table(instance, table.name) or self._storage.get_table(instance, table.name):
                raise E.TABLE_ALREADY_EXIST.error()
            used = self._storage.count_tables(instance) + 2 * len(self._store.list_tables(instance))
            if used + 2 > limits.TABLES_PER_INSTANCE:
                raise E.TABLE_QUOTA.error(quota=limits.TABLES_PER_INSTANCE)
            self._store.insert_table(instance, table)
        return pb.CreateTimeseriesTableResponse()

    @staticmethod
    def _meta_message(message: Any, table: TimeseriesTable) -> None:
        message.table_name = table.name
        message.table_options.time_to_live = table.ttl
        message.status = _STATUS
        message.meta_options.allow_update_attributes = table.allow_update_attributes
        message.meta_options.meta_time_to_live = table.meta_ttl
        message.timeseries_key_schema.extend(table.keys)
        for name, type_name in table.field_pks:
            message.field_primary_key_schema.add(name=name, type=_PK_TYPE_NUMBERS[type_name])

    def list_tables(self, instance: str, request: Any) -> Any:
        """ListTimeseriesTable."""
        response = pb.ListTimeseriesTableResponse()
        for table in self._store.list_tables(instance):
            self._meta_message(response.table_metas.add(), table)
        return response

    def describe_table(self, instance: str, request: Any) -> Any:
        """DescribeTimeseriesTable."""
        table = self._table(instance, request.table_name)
        response = pb.DescribeTimeseriesTableResponse()
        self._meta_message(response.table_meta, table)
        for name, ttl, sync in table.analytical_stores:
            store = response.analytical_stores.add(store_name=name)
            if ttl is not None:
                store.time_to_live = ttl
            if sync is not None:
                store.sync_option = sync
        for index in table.lastpoint_indexes:
            response.lastpoint_indexes.add(index_table_name=index)
        return response

    def update_table(self, instance: str, request: Any) -> Any:
        """UpdateTimeseriesTable: table options or meta options, not both."""
        has_table, has_meta = request.HasField("table_options"), request.HasField("meta_options")
        if has_table and has_meta:
            raise UPDATE_BOTH_OPTIONS.error()
        if not has_table and not has_meta:
            raise UPDATE_NO_OPTIONS.error()
        with self._storage.write():
            table = self._table(instance, request.table_name)
            ttl, meta_ttl, allow = table.ttl, table.meta_ttl, table.allow_update_attributes
            if has_table and request.table_options.HasField("time_to_live"):
                ttl = request.table_options.time_to_live
            options = request.meta_options
            if has_meta and options.HasField("meta_time_to_live"):
                meta_ttl = options.meta_time_to_live
            if has_meta and options.HasField("allow_update_attributes"):
                allow = options.allow_update_attributes
            _check_table_options(ttl, meta_ttl, allow)
            self._store.update_table(
                TimeseriesTable(
                    table.name, ttl, meta_ttl, allow, table.keys, table.field_pks,
                    table.analytical_stores, table.lastpoint_indexes, table.tid,
                )
            )
        return pb.UpdateTimeseriesTableResponse()

    def delete_table(self, instance: str, request: Any) -> Any:
        """DeleteTimeseriesTable: the table, its series, metas and points."""
        with self._storage.write():
            self._store.delete_table(self._table(instance, request.table_name))
        return pb.DeleteTimeseriesTableResponse()

    # --- series identity ---------------------------------------------------------------
    @staticmethod
    def _identity(table: TimeseriesTable, key: Key) -> Tuple[bytes, Key]:
        """(identity bytes, the key parts the series keeps) of a key under the table's keys."""
        measurement, source, tags = key
        names = table.keys or _DEFAULT_KEYS
        values: List[Any] = []
        kept_tags: Dict[str, str] = {}
        kept_measurement = kept_source = ""
        for name in names:
            if name == "_m_name":
                kept_measurement = measurement
                values.append(measurement)
            elif name == "_data_source":
                kept_source = source
                values.append(source)
            elif name == "_tags":
                rest = {k: v for k, v in tags.items() if k not in names}
                kept_tags.update(rest)
                values.append(format_tags(rest))
            else:
                if name not in tags:
                    raise MISSING_KEY_TAG.error(name=name)
                kept_tags[name] = tags[name]
                values.append(tags[name])
        return encode_key(values), (kept_measurement, kept_source, kept_tags)

    def _series_for(self, table: TimeseriesTable, key: Key, create: bool) -> Optional[Series]:
        ident, (measurement, source, tags) = self._identity(table, key)
        series = self._store.find_series(table.tid, ident)
        if series is None and create:
            series = self._store.add_series(table.tid, ident, measurement, source, tags)
        return series

    @staticmethod
    def _primary_key(table: TimeseriesTable, series: Series) -> List[Tuple[str, Any]]:
        """The PlainBuffer primary key of a series' rows, up to (excluding) _time."""
        columns: List[Tuple[str, Any]] = []
        names = table.keys or _DEFAULT_KEYS
        for name in names:
            if name == "_m_name":
                columns.append((name, series.measurement))
            elif name == "_data_source":
                columns.append((name, series.source))
            elif name == "_tags":
                columns.append((name, format_tags({k: v for k, v in series.tags.items() if k not in names})))
            else:
                columns.append((name, series.tags[name]))
        digest = hashlib.md5(json.dumps([v for _, v in columns]).encode("utf-8")).hexdigest()[:8]
        return [("_#h", digest), *columns]

    # --- data --------------------------------------------------------------------------
    def put_data(self, instance: str, request: Any) -> Any:
        """PutTimeseriesData."""
        rows_data = request.rows_data
        if rows_data.type != RowsSerializeType.RST_FLAT_BUFFER:
            raise ROWS_TYPE.error(type=rows_data.type)
        data = rows_data.rows_data
        if rows_data.HasField("flatbuffer_crc32c"):
            computed = timeseries_rows.crc32c(data)
            if computed != rows_data.flatbuffer_crc32c:
                raise CRC_MISMATCH.error(expected=rows_data.flatbuffer_crc32c, got=computed)
        try:
            rows = timeseries_rows.decode_rows(data)
        except OTSDecodeError as exc:
            raise BAD_ROWS.error(detail=exc.message) from None
        now = self._now_us()
        update_meta = request.meta_update_mode != MetaUpdateMode.MUM_IGNORE
        response = pb.PutTimeseriesDataResponse()
        touched: Dict[int, int] = {}
        with self._storage.write():  # a request-level error below rolls every row back
            table = self._table(instance, request.table_name)
            oldest = now - table.ttl * 1000000 if table.ttl != -1 else 0
            series_of: Dict[Tuple[str, str, Tuple[Any, ...]], Series] = {}
            checked_names: Set[str] = set()
            points = []
            for index, row in enumerate(rows):
                key = (row.measurement, row.data_source, tuple(row.tags))
                series = series_of.get(key)
                if series is None:
                    _check_measurement(row.measurement)
                    _check_source(row.data_source)
                    _check_tags(row.tags)
                for name, _, _ in row.fields:
                    if name not in checked_names:
                        _check_field_name(name)
                        checked_names.add(name)
                fpk, cells = self._split_fields(table, row.fields)
                if row.time_us < oldest:
                    response.failed_rows.add(
                        row_index=index, error_code=ROW_EXPIRED.code, error_message=ROW_EXPIRED.format(time=row.time_us)
                    )
                    continue
                if series is None:
                    series, refreshed = self._written_series(table, key, update_meta, now)
                    series_of[key] = series
                    if refreshed:
                        touched[index] = now // 1000000
                points.append((series.sid, row.time_us, fpk, cells))
            self._store.put_points(points)
        if touched:
            response.meta_update_status.row_ids.extend(touched)
            response.meta_update_status.meta_update_times.extend(touched.values())
        return response

    def _written_series(
        self, table: TimeseriesTable, key: Tuple[str, str, Tuple[Any, ...]], update_meta: bool, now: int
    ) -> Tuple[Series, bool]:
        """The series a (checked) row goes to, created if new, and whether its meta was
        created or refreshed now."""
        measurement, source, tags = key
        series = self._series_for(table, (measurement, source, dict(tags)), create=True)
        assert series is not None
        if update_meta and (not series.has_meta or now - series.update_time >= META_REFRESH_US):
            self._store.set_meta(series.sid, None, now)
            return series, True
        return series, False

    @staticmethod
    def _split_fields(table: TimeseriesTable, fields: List[Tuple[str, DataType, Any]]) -> Tuple[bytes, str]:
        """(encoded field primary key, encoded other fields); missing/mistyped field PKs fail."""
        if not table.field_pks:
            return b"", _encode_fields(fields)
        values = {name: (kind, value) for name, kind, value in fields}
        pk_values = []
        for name, type_name in table.field_pks:
            if name not in values:
                missing = [n for n, _ in table.field_pks if n not in values]
                raise MISSING_FIELD_PK.error(names=",".join(missing))
            kind, value = values.pop(name)
            if kind != _FIELD_PK_TYPE[type_name]:
                raise FIELD_PK_TYPE.error(name=name, type=type_name)
            pk_values.append(value)
        return encode_key(pk_values), _encode_fields([(name, kind, value) for name, (kind, value) in values.items()])

    def get_data(self, instance: str, request: Any) -> Any:
        """GetTimeseriesData."""
        if not request.HasField("time_series_key"):
            raise MISSING_KEY.error()
        if request.HasField("specific_time"):
            begin, end = request.specific_time, request.specific_time + 1
        else:
            begin, end = request.begin_time, request.end_time
            if end <= begin:
                raise INVALID_TIME_RANGE.error()
        if request.HasField("limit") and request.limit <= 0:
            raise INVALID_LIMIT.error()
        limit = min(request.limit, GET_ROWS_MAX) if request.HasField("limit") else GET_ROWS_MAX
        wanted = {(f.name, f.type) for f in request.fields_to_get}
        table = self._table(instance, request.table_name)
        if table.ttl != -1:
            begin = max(begin, self._now_us() - table.ttl * 1000000)
        start, stop = (begin, b""), (end, b"")
        if request.HasField("token") and request.token:
            position = self._position(request.token)
            if request.backward:
                stop = min(stop, position)
            else:
                start = max(start, position)
        response = pb.GetTimeseriesDataResponse(rows_data=b"")
        series = self._series_for(table, _key_of(request.time_series_key), create=False)
        if series is None or start >= stop:
            return response
        points = list(self._store.scan_points(series.sid, start, stop, request.backward, limit + 1))
        cut, size = min(len(points), limit), 0
        for index, (_, fpk, data) in enumerate(points[:cut]):
            size += len(fpk) + len(data) + _ROW_OVERHEAD
            if size > GET_BYTES_MAX and index:
                cut = index
                break
        if cut < len(points):  # forward: resume at the first row left; backward: below the last one sent
            time_us, fpk, _ = points[cut - 1 if request.backward else cut]
            response.next_token = _TOKEN.pack(1, time_us) + fpk
            points = points[:cut]
        key = self._primary_key(table, series)
        rows = [self._plain_row(table, key, time_us, fpk, data, wanted) for time_us, fpk, data in points]
        response.rows_data = plainbuffer.encode_rows(rows) if rows else b""
        return response

    @staticmethod
    def _position(token: bytes) -> Tuple[int, bytes]:
        if len(token) < _TOKEN.size or token[0] != 1:
            raise INVALID_TOKEN.error()
        return _TOKEN.unpack_from(token)[1], token[_TOKEN.size:]

    @staticmethod
    def _plain_row(
        table: TimeseriesTable, key: List[Tuple[str, Any]], time_us: int, fpk: bytes, data: str, wanted: Set[Tuple[str, DataType]]
    ) -> plainbuffer.PlainRow:
        pk = [*key, ("_time", time_us)]
        if fpk:
            pk.extend(zip((name for name, _ in table.field_pks), decode_key(fpk)))
        ts = time_us // 1000
        cells = []
        for name, kind, value in _decode_fields(data):
            if wanted and (name, kind) not in wanted:
                continue
            cells.append((f"{name}:{_SUFFIX[kind]}", value, ts, None))
        return plainbuffer.PlainRow(pk, cells, False)

    # --- metas ---------------------------------------------------------------------------
    def query_meta(self, instance: str, request: Any) -> Any:
        """QueryTimeseriesMeta."""
        match = _compile(request.condition) if request.HasField("condition") else None
        if request.HasField("limit") and request.limit <= 0:
            raise INVALID_LIMIT.error()
        limit = min(request.limit, QUERY_METAS_MAX) if request.HasField("limit") else QUERY_METAS_DEFAULT
        table = self._table(instance, request.table_name)
        oldest = self._now_us() - table.meta_ttl * 1000000 if table.meta_ttl != -1 else 0
        hits = [s for s in self._store.metas(table.tid, oldest) if match is None or match(s)]
        hits.sort(key=_meta_order)
        position = 0
        if request.HasField("token") and request.token:
            try:
                after = tuple(json.loads(request.token.decode("utf-8")))
            except (ValueError, UnicodeDecodeError):
                raise INVALID_TOKEN.error() from None
            position = next((i for i, s in enumerate(hits) if _meta_order(s) > after), len(hits))
        response = pb.QueryTimeseriesMetaResponse()
        if request.get_total_hit:
            response.total_hit = len(hits)
        page = hits[position:position + limit]
        for series in page:
            meta = response.timeseries_metas.add(update_time=series.update_time)
            meta.time_series_key.measurement = series.measurement
            meta.time_series_key.source = series.source
            for name in sorted(series.tags):
                meta.time_series_key.tag_list.add(name=name, value=series.tags[name])
            if not request.HasField("supported_table_version"):
                # A client without the field (the Go SDK) reads, and requires, the tags string.
                meta.time_series_key.tags = format_tags(series.tags)
            if series.attributes:
                meta.attributes = format_tags(series.attributes)
        if position + limit < len(hits):
            response.next_token = json.dumps(list(_meta_order(page[-1]))).encode("utf-8")
        return response

    def update_meta(self, instance: str, request: Any) -> Any:
        """UpdateTimeseriesMeta: set attributes (creating the series and meta when missing)."""
        if not request.timeseries_meta:
            raise EMPTY_REQUEST.error(what="timeseries meta")
        response = pb.UpdateTimeseriesMetaResponse()
        now = self._now_us()
        with self._storage.write():
            table = self._table(instance, request.table_name)
            if not table.allow_update_attributes and any(meta.attributes for meta in request.timeseries_meta):
                raise UPDATE_ATTRIBUTES_DISALLOWED.error()
            for index, meta in enumerate(request.timeseries_meta):
                try:
                    attributes = parse_tags(meta.attributes)
                except OTSDecodeError:
                    self._failed(response, index, INVALID_ATTRIBUTES.error(text=meta.attributes))
                    continue
                try:
                    key = self._checked_key(meta.time_series_key)
                    _check_tags(list(attributes.items()))
                    series = self._series_for(table, key, create=True)
                except TablestoreError as exc:
                    self._failed(response, index, exc)
                    continue
                assert series is not None
                self._store.set_meta(series.sid, attributes, now)
        return response

    def delete_meta(self, instance: str, request: Any) -> Any:
        """DeleteTimeseriesMeta: drop metas (idempotent; the data stays)."""
        if not request.timeseries_key:
            raise EMPTY_REQUEST.error(what="timeseries key")
        response = pb.DeleteTimeseriesMetaResponse()
        with self._storage.write():
            table = self._table(instance, request.table_name)
            for index, message in enumerate(request.timeseries_key):
                try:
                    series = self._series_for(table, self._checked_key(message), create=False)
                except TablestoreError as exc:
                    self._failed(response, index, exc)
                    continue
                if series is not None:
                    self._store.delete_meta(series.sid)
        return response

    @staticmethod
    def _checked_key(message: Any) -> Key:
        measurement, source, tags = _key_of(message)
        _check_measurement(measurement)
        _check_source(source)
        _check_tags(list(tags.items()))
        return measurement, source, tags

    @staticmethod
    def _failed(response: Any, index: int, exc: TablestoreError) -> None:
        response.failed_rows.add(row_index=index, error_code=exc.code, error_message=exc.message)


# --- meta query conditions --------------------------------------------------------------


def _meta_order(series: Series) -> Tuple[str, str, str, int]:
    return series.measurement, series.source, format_tags(series.tags), series.sid


def _compare(op: int, actual: Any, expected: Any) -> bool:
    if actual is None:
        return False
    if op == _OP_EQ:
        return bool(actual == expected)
    if op == _OP_GT:
        return bool(actual > expected)
    if op == _OP_GE:
        return bool(actual >= expected)
    if op == _OP_LT:
        return bool(actual < expected)
    if op == _OP_LE:
        return bool(actual <= expected)
    if op == _OP_PREFIX and isinstance(actual, bytes):
        return actual.startswith(expected)
    raise INVALID_CONDITION.error(detail=f"operator {op} does not apply")


_SINGLE_MESSAGES = {
    _MEASUREMENT: "MetaQueryMeasurementCondition",
    _SOURCE: "MetaQuerySourceCondition",
    _TAG: "MetaQueryTagCondition",
    _UPDATE_TIME: "MetaQueryUpdateTimeCondition",
    _ATTRIBUTE: "MetaQueryAttributeCondition",
}


def _parse(message_name: str, data: bytes) -> Any:
    message = getattr(pb, message_name)()
    try:
        message.ParseFromString(data)
    except Exception:  # protobuf's DecodeError
        raise INVALID_CONDITION.error(detail=f"malformed {message_name}") from None
    if not message.IsInitialized():
        raise INVALID_CONDITION.error(detail=f"incomplete {message_name}")
    return message


def _compile(condition: Any, depth: int = 0) -> Callable[[Series], bool]:
    """A predicate over series from a pb MetaQueryCondition tree (string compares are bytewise)."""
    if depth > limits.FILTER_NODES:
        raise INVALID_CONDITION.error(detail="too deeply nested")
    kind = condition.type
    if kind == _COMPOSITE:
        composite = _parse("MetaQueryCompositeCondition", condition.proto_data)
        subs = [_compile(sub, depth + 1) for sub in composite.sub_conditions]
        if composite.op == _NOT:
            if len(subs) != 1:
                raise INVALID_CONDITION.error(detail="NOT takes exactly one sub condition")
            return lambda s: not subs[0](s)
        if not subs:
            raise INVALID_CONDITION.error(detail="AND/OR need sub conditions")
        if composite.op == _AND:
            return lambda s: all(f(s) for f in subs)
        if composite.op == _OR:
            return lambda s: any(f(s) for f in subs)
        raise INVALID_CONDITION.error(detail=f"composite operator {composite.op}")
    name = _SINGLE_MESSAGES.get(kind)
    if name is None:
        raise INVALID_CONDITION.error(detail=f"condition type {kind}")
    single = _parse(name, condition.proto_data)
    op = single.op
    if op == _OP_PREFIX and kind == _UPDATE_TIME:
        raise INVALID_CONDITION.error(detail="PREFIX does not apply to update time")
    if not _OP_EQ <= op <= _OP_PREFIX:
        raise INVALID_CONDITION.error(detail=f"operator {op}")
    value = single.value
    if kind == _MEASUREMENT:
        return lambda s: _compare(op, s.measurement.encode(), value.encode())
    if kind == _SOURCE:
        return lambda s: _compare(op, s.source.encode(), value.encode())
    if kind == _UPDATE_TIME:
        return lambda s: _compare(op, s.update_time, value)
    field = single.tag_name if kind == _TAG else single.attr_name
    pairs = "tags" if kind == _TAG else "attributes"

    def match(s: Series) -> bool:
        actual = getattr(s, pairs).get(field)
        return _compare(op, None if actual is None else actual.encode(), value.encode())

    return match
