"""Time series operations: the ten time series APIs (tables, data, metas).

Encoders have the official ``OTSClient`` signatures and build the protobuf requests
(rows as FlatBuffers with their CRC32C, see ``wire.timeseries_rows``); decoders return
the official result shapes.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence, Tuple, Union

from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError
from alicloud_storage.tablestore.models.timeseries import (
    AnalyticalStoreSyncType,
    CreateTimeseriesTableRequest,
    DeleteTimeseriesMetaRequest,
    DeleteTimeseriesMetaResponse,
    DescribeTimeseriesTableResponse,
    Error,
    FailedRowResult,
    GetTimeseriesDataRequest,
    GetTimeseriesDataResponse,
    LastpointIndexMeta,
    MetaQueryCompositeOperator,
    MetaQueryConditionType,
    MetaQuerySingleOperator,
    MetaUpdateMode,
    PutTimeseriesDataResponse,
    QueryTimeseriesMetaRequest,
    QueryTimeseriesMetaResponse,
    TimeseriesAnalyticalStore,
    TimeseriesKey,
    TimeseriesMeta,
    TimeseriesMetaOptions,
    TimeseriesRow,
    TimeseriesTableMeta,
    TimeseriesTableOptions,
    UpdateTimeseriesMetaRequest,
    UpdateTimeseriesMetaResponse,
)
from alicloud_storage.tablestore.operations.registry import register
from alicloud_storage.tablestore.operations.results import decode_next_token, decode_none, decode_schema_column
from alicloud_storage.tablestore.validation import check_int, check_name
from alicloud_storage.tablestore.wire import enums, pb, plainbuffer, timeseries_rows
from alicloud_storage.tablestore.wire.timeseries_rows import format_tags, parse_tags
from alicloud_storage.tablestore.wire.type_names import PRIMARY_KEY_TYPES

# The encoders, named as the client methods they define.
__all__ = [
    "create_timeseries_table", "list_timeseries_table", "delete_timeseries_table",
    "describe_timeseries_table", "update_timeseries_table", "put_timeseries_data",
    "get_timeseries_data", "query_timeseries_meta", "update_timeseries_meta",
    "delete_timeseries_meta",
]

_SUPPORTED_TABLE_VERSION = 1  # what the official SDKs announce
_INT32_MAX = 2**31 - 1


# --- requests ----------------------------------------------------------------------------


def _expect_request(request: Any, kind: type) -> None:
    if not isinstance(request, kind):
        article = "an" if kind.__name__[0] in "AEIOU" else "a"
        raise OTSClientError(f"request must be {article} {kind.__name__}, not {type(request).__name__}")


def _key(message: Any, key: Any, what: str = "timeseries_key") -> None:
    if not isinstance(key, TimeseriesKey):
        raise OTSClientError(f"{what} must be an instance of TimeseriesKey, not {type(key).__name__}")
    if key.measurement_name is not None:
        message.measurement = key.measurement_name
    if key.data_source is not None:
        message.source = key.data_source
    tags = key.tags or {}
    for name in sorted(tags):
        message.tag_list.add(name=name, value=tags[name])


def _table_options(message: Any, options: Any) -> None:
    if not isinstance(options, TimeseriesTableOptions):
        raise OTSClientError(f"timeseries_table_options must be a TimeseriesTableOptions, not {type(options).__name__}")
    if options.time_to_live is not None:
        message.time_to_live = check_int(options.time_to_live, "time_to_live", -1)


def _meta_options(message: Any, options: Any) -> None:
    if not isinstance(options, TimeseriesMetaOptions):
        raise OTSClientError(f"timeseries_meta_options must be a TimeseriesMetaOptions, not {type(options).__name__}")
    if options.allow_update_attributes is not None:
        message.allow_update_attributes = bool(options.allow_update_attributes)
    if options.meta_time_to_live is not None:
        message.meta_time_to_live = check_int(options.meta_time_to_live, "meta_time_to_live", -1)


def _table_meta(message: Any, meta: Any) -> None:
    if not isinstance(meta, TimeseriesTableMeta):
        raise OTSClientError(f"table_meta must be an instance of TimeseriesTableMeta, not {type(meta).__name__}")
    message.table_name = check_name(meta.timeseries_table_name, "timeseries_table_name")
    if meta.timeseries_table_options is not None:
        _table_options(message.table_options, meta.timeseries_table_options)
    if meta.timeseries_meta_options is not None:
        _meta_options(message.meta_options, meta.timeseries_meta_options)
    for key in meta.timeseries_keys or ():
        message.timeseries_key_schema.append(check_name(key, "a name in timeseries_keys"))
    for column in meta.field_primary_keys or ():
        if not isinstance(column, (tuple, list)) or len(column) != 2:
            raise OTSClientError(f"each field primary key must be a (name, type) tuple, not {column!r}")
        type_name = str(column[1]).upper()
        if type_name not in ("INTEGER", "STRING", "BINARY"):
            raise OTSClientError(f"field primary key type must be INTEGER, STRING or BINARY, not {column[1]!r}")
        message.field_primary_key_schema.add(name=check_name(column[0], "field primary key name"), type=PRIMARY_KEY_TYPES[type_name])


@register("CreateTimeseriesTable", pb.CreateTimeseriesTableResponse, decode_none, idempotent=False)
def create_timeseries_table(request: CreateTimeseriesTableRequest) -> Tuple[Any, None]:
    """Create a time series table from a CreateTimeseriesTableRequest; returns None."""
    _expect_request(request, CreateTimeseriesTableRequest)
    message = pb.CreateTimeseriesTableRequest()
    _table_meta(message.table_meta, request.table_meta)
    for store in request.analytical_stores or ():
        if not isinstance(store, TimeseriesAnalyticalStore):
            raise OTSClientError(f"analytical_stores must hold TimeseriesAnalyticalStore, not {type(store).__name__}")
        item = message.analytical_stores.add(store_name=check_name(store.analytical_store_name, "analytical_store_name"))
        if store.time_to_live is not None:
            item.time_to_live = check_int(store.time_to_live, "analytical store time_to_live", -1)
        if store.sync_option is not None:
            item.sync_option = enums.AnalyticalStoreSyncType[AnalyticalStoreSyncType(store.sync_option).name]
    if request.enable_analytical_store is not None:
        message.enable_analytical_store = bool(request.enable_analytical_store)
    for index in request.lastpoint_index_metas or ():
        if not isinstance(index, LastpointIndexMeta):
            raise OTSClientError(f"lastpoint_index_metas must hold LastpointIndexMeta, not {type(index).__name__}")
        message.lastpoint_index_metas.add(index_table_name=check_name(index.index_table_name, "index_table_name"))
    return message, None


def _decode_table_meta(message: Any) -> TimeseriesTableMeta:
    options = message.meta_options
    meta = TimeseriesTableMeta(
        message.table_name,
        TimeseriesTableOptions(message.table_options.time_to_live),
        TimeseriesMetaOptions(
            options.meta_time_to_live if options.HasField("meta_time_to_live") else None,
            options.allow_update_attributes if options.HasField("allow_update_attributes") else None,
        ),
        list(message.timeseries_key_schema),
        [decode_schema_column(column) for column in message.field_primary_key_schema] or None,
    )
    meta.status = message.status
    return meta


def _decode_list(message: Any, context: Any, request_id: str) -> List[TimeseriesTableMeta]:
    return [_decode_table_meta(meta) for meta in message.table_metas]


@register("ListTimeseriesTable", pb.ListTimeseriesTableResponse, _decode_list, idempotent=True)
def list_timeseries_table() -> Tuple[Any, None]:
    """The TimeseriesTableMeta of every time series table of the instance, as a list."""
    return pb.ListTimeseriesTableRequest(), None


@register("DeleteTimeseriesTable", pb.DeleteTimeseriesTableResponse, decode_none, idempotent=False)
def delete_timeseries_table(timeseries_table_name: str) -> Tuple[Any, None]:
    """Delete a time series table with its data and metas; returns None."""
    return pb.DeleteTimeseriesTableRequest(table_name=check_name(timeseries_table_name, "timeseries_table_name")), None


def _decode_describe(message: Any, context: Any, request_id: str) -> DescribeTimeseriesTableResponse:
    return DescribeTimeseriesTableResponse(
        _decode_table_meta(message.table_meta),
        [
            TimeseriesAnalyticalStore(
                store.store_name,
                store.time_to_live if store.HasField("time_to_live") else None,
                AnalyticalStoreSyncType(store.sync_option) if store.HasField("sync_option") else None,
            )
            for store in message.analytical_stores
        ],
        [LastpointIndexMeta(index.index_table_name) for index in message.lastpoint_indexes],
    )


@register("DescribeTimeseriesTable", pb.DescribeTimeseriesTableResponse, _decode_describe, idempotent=True)
def describe_timeseries_table(timeseries_table_name: str) -> Tuple[Any, None]:
    """A DescribeTimeseriesTableResponse (``.table_meta``: options, keys, status)."""
    return pb.DescribeTimeseriesTableRequest(table_name=check_name(timeseries_table_name, "timeseries_table_name")), None


@register("UpdateTimeseriesTable", pb.UpdateTimeseriesTableResponse, decode_none, idempotent=False)
def update_timeseries_table(timeseries_meta: TimeseriesTableMeta) -> Tuple[Any, None]:
    """Change the table options or the meta options of a TimeseriesTableMeta; returns None."""
    if not isinstance(timeseries_meta, TimeseriesTableMeta):
        raise OTSClientError(f"timeseries_meta must be a TimeseriesTableMeta, not {type(timeseries_meta).__name__}")
    message = pb.UpdateTimeseriesTableRequest(
        table_name=check_name(timeseries_meta.timeseries_table_name, "timeseries_table_name")
    )
    if timeseries_meta.timeseries_table_options is not None:
        _table_options(message.table_options, timeseries_meta.timeseries_table_options)
    if timeseries_meta.timeseries_meta_options is not None:
        _meta_options(message.meta_options, timeseries_meta.timeseries_meta_options)
    return message, None


# --- data ----------------------------------------------------------------------------


def _failed_rows(message: Any) -> List[FailedRowResult]:
    """The per-row failures of a response."""
    return [FailedRowResult(row.row_index, Error(row.error_code, row.error_message)) for row in message.failed_rows]


def _decode_put(message: Any, context: Any, request_id: str) -> PutTimeseriesDataResponse:
    return PutTimeseriesDataResponse(_failed_rows(message))


def _row_input(row: Any) -> timeseries_rows.RowInput:
    if not isinstance(row, TimeseriesRow):
        raise OTSClientError(f"rows must be TimeseriesRow instances, not {type(row).__name__}")
    key = row.timeseries_key
    if not isinstance(key, TimeseriesKey):
        raise OTSClientError(f"timeseries_key must be an instance of TimeseriesKey, not {type(key).__name__}")
    if not isinstance(row.fields, dict):
        raise OTSClientError(f"fields must be a dict, not {type(row.fields).__name__}")
    return key.measurement_name, key.data_source, key.tags, row.fields, check_int(row.time_in_us, "time_in_us", 0)


@register("PutTimeseriesData", pb.PutTimeseriesDataResponse, _decode_put, idempotent=True)
def put_timeseries_data(
    timeseriesTableName: str,
    timeseriesRows: Union[Sequence[TimeseriesRow], TimeseriesRow],
    meta_update_mode: Union[MetaUpdateMode, int] = MetaUpdateMode.MUM_NORMAL,
) -> Tuple[Any, None]:
    """Write points (a list of TimeseriesRow); failures per row are in ``.failedRows``."""
    if isinstance(timeseriesRows, TimeseriesRow):
        timeseriesRows = [timeseriesRows]
    if not isinstance(timeseriesRows, (list, tuple)):
        raise OTSClientError(f"timeseriesRows must be a list of TimeseriesRow, not {type(timeseriesRows).__name__}")
    data = timeseries_rows.encode_rows([_row_input(row) for row in timeseriesRows])
    message = pb.PutTimeseriesDataRequest(
        table_name=check_name(timeseriesTableName, "timeseriesTableName"),
        meta_update_mode=enums.MetaUpdateMode[MetaUpdateMode(meta_update_mode).name],
        supported_table_version=_SUPPORTED_TABLE_VERSION,
    )
    rows = message.rows_data
    rows.type = enums.RowsSerializeType.RST_FLAT_BUFFER
    rows.rows_data = data
    rows.flatbuffer_crc32c = timeseries_rows.crc32c(data)
    return message, None


def _decode_row(plain: plainbuffer.PlainRow) -> TimeseriesRow:
    """A TimeseriesRow from the PlainBuffer row of GetTimeseriesData (see the fact sheet §6)."""
    measurement: Any = None
    source: Any = None
    time_us: Any = None
    tags: Dict[str, Any] = {}
    fields: Dict[str, Any] = {}
    value: Any
    for name, value in plain.primary_key:
        if time_us is not None:
            fields[name] = value  # field primary keys follow _time
        elif name == "_m_name":
            measurement = value
        elif name == "_data_source":
            source = value
        elif name == "_tags":
            tags.update(parse_tags(value))
        elif name == "_time":
            time_us = value
        elif name != "_#h":
            tags[name] = value  # a custom series key column is a tag
    if time_us is None:
        raise OTSDecodeError("no _time column in a time series row")
    for name, value, _, _ in plain.cells:
        fields[name.partition(":")[0]] = value
    return TimeseriesRow(TimeseriesKey(measurement, source, tags), fields, time_us)


def _decode_get(message: Any, context: Any, request_id: str) -> GetTimeseriesDataResponse:
    rows = [_decode_row(row) for row in plainbuffer.decode_rows(message.rows_data)] if message.rows_data else []
    token = decode_next_token(message)
    return GetTimeseriesDataResponse(rows, token)


@register("GetTimeseriesData", pb.GetTimeseriesDataResponse, _decode_get, idempotent=True)
def get_timeseries_data(request: GetTimeseriesDataRequest) -> Tuple[Any, None]:
    """Points of one series in ``[beginTimeInUs, endTimeInUs)`` (or at ``specificTimeInUs``)."""
    _expect_request(request, GetTimeseriesDataRequest)
    message = pb.GetTimeseriesDataRequest(
        table_name=check_name(request.timeseriesTableName, "timeseriesTableName"),
        supported_table_version=_SUPPORTED_TABLE_VERSION,
    )
    if request.timeseriesKey is None:
        raise OTSClientError("timeseriesKey is required")
    _key(message.time_series_key, request.timeseriesKey, "timeseriesKey")
    if request.specificTimeInUs is not None:
        message.specific_time = check_int(request.specificTimeInUs, "specificTimeInUs", 0)
    else:
        message.begin_time = check_int(request.beginTimeInUs, "beginTimeInUs", 0)
        message.end_time = check_int(request.endTimeInUs, "endTimeInUs", 0)
    if request.backward:
        message.backward = True
    if request.limit is not None and check_int(request.limit, "limit") > 0:
        message.limit = min(request.limit, _INT32_MAX)
    if request.nextToken is not None:
        message.token = bytes(request.nextToken)
    for name, field_type in (request.fieldsToGet or {}).items():
        message.fields_to_get.add(name=check_name(name, "a name in fieldsToGet"), type=int(field_type))
    return message, None


# --- metas ---------------------------------------------------------------------------


def _operator(value: Any) -> MetaQuerySingleOperator:
    try:
        return MetaQuerySingleOperator(value)
    except ValueError:
        raise OTSClientError(f"unknown MetaQuerySingleOperator {value!r}") from None


def _single(message_class: Any, condition: Any, **values: Any) -> Tuple[int, bytes]:
    """(type, bytes) of a single condition; OP_NOT_EQUAL (not on the wire) is sent as NOT(EQUAL).

    The official SDK numbers MetaQuerySingleOperator differently from the wire: map by name."""
    operator = _operator(condition.operator)
    kind = enums.MetaQueryConditionType[MetaQueryConditionType(condition.get_type()).name]
    if operator is MetaQuerySingleOperator.OP_NOT_EQUAL:
        equal = message_class(op=enums.MetaQuerySingleOperator.OP_EQUAL, **values)
        composite = pb.MetaQueryCompositeCondition(op=enums.MetaQueryCompositeOperator.OP_NOT)
        composite.sub_conditions.add(type=kind, proto_data=equal.SerializeToString())
        return enums.MetaQueryConditionType.COMPOSITE_CONDITION, composite.SerializeToString()
    return kind, message_class(op=enums.MetaQuerySingleOperator[operator.name], **values).SerializeToString()


# Single condition type -> (message class, its fields from the condition object).
_SINGLE_CONDITIONS: Dict[int, Tuple[Any, Callable[[Any], Dict[str, Any]]]] = {
    MetaQueryConditionType.MEASUREMENT_CONDITION: (pb.MetaQueryMeasurementCondition, lambda c: {"value": c.value}),
    MetaQueryConditionType.SOURCE_CONDITION: (pb.MetaQuerySourceCondition, lambda c: {"value": c.value}),
    MetaQueryConditionType.TAG_CONDITION: (
        pb.MetaQueryTagCondition, lambda c: {"tag_name": c.tag_name, "value": c.value}
    ),
    MetaQueryConditionType.ATTRIBUTE_CONDITION: (
        pb.MetaQueryAttributeCondition, lambda c: {"attr_name": c.attribute_name, "value": c.value}
    ),
    MetaQueryConditionType.UPDATE_TIME_CONDITION: (
        pb.MetaQueryUpdateTimeCondition, lambda c: {"value": check_int(c.time_in_us, "time_in_us")}
    ),
}


def _condition(condition: Any) -> Tuple[int, bytes]:
    """The (type, proto_data) of a meta query condition tree (by ``get_type()``, so the
    official SDK's condition objects work too)."""
    kind = condition.get_type() if hasattr(condition, "get_type") else None
    if kind == MetaQueryConditionType.COMPOSITE_CONDITION:
        operator = MetaQueryCompositeOperator(condition.operator)
        composite = pb.MetaQueryCompositeCondition(op=enums.MetaQueryCompositeOperator[operator.name])
        for sub in condition.subConditions:
            sub_type, sub_data = _condition(sub)
            composite.sub_conditions.add(type=sub_type, proto_data=sub_data)
        return enums.MetaQueryConditionType.COMPOSITE_CONDITION, composite.SerializeToString()
    if kind not in _SINGLE_CONDITIONS:
        raise OTSClientError(f"timeseries meta condition type wrong, {type(condition).__name__}")
    message_class, values = _SINGLE_CONDITIONS[kind]
    return _single(message_class, condition, **values(condition))


def _decode_key(message: Any) -> TimeseriesKey:
    key = TimeseriesKey(message.measurement, message.source)
    if message.tag_list:
        key.tags = {tag.name: tag.value for tag in message.tag_list}
    return key


def _decode_query(message: Any, context: Any, request_id: str) -> QueryTimeseriesMetaResponse:
    metas = [
        TimeseriesMeta(_decode_key(meta.time_series_key), parse_tags(meta.attributes) or None, meta.update_time)
        for meta in message.timeseries_metas
    ]
    token = decode_next_token(message)
    return QueryTimeseriesMetaResponse(metas, message.total_hit, token)


@register("QueryTimeseriesMeta", pb.QueryTimeseriesMetaResponse, _decode_query, idempotent=True)
def query_timeseries_meta(request: QueryTimeseriesMetaRequest) -> Tuple[Any, None]:
    """Series metas matching ``request.condition``, a page at a time (``nextToken``)."""
    _expect_request(request, QueryTimeseriesMetaRequest)
    message = pb.QueryTimeseriesMetaRequest(
        table_name=check_name(request.timeseriesTableName, "timeseriesTableName"),
        get_total_hit=bool(request.getTotalHits),
        supported_table_version=_SUPPORTED_TABLE_VERSION,
    )
    if request.limit is not None and check_int(request.limit, "limit") > 0:
        message.limit = min(request.limit, _INT32_MAX)
    if request.nextToken is not None:
        message.token = bytes(request.nextToken)
    if request.condition is not None:
        message.condition.type, message.condition.proto_data = _condition(request.condition)
    return message, None


def _decode_update_meta(message: Any, context: Any, request_id: str) -> UpdateTimeseriesMetaResponse:
    return UpdateTimeseriesMetaResponse(_failed_rows(message))


@register("UpdateTimeseriesMeta", pb.UpdateTimeseriesMetaResponse, _decode_update_meta, idempotent=True)
def update_timeseries_meta(request: UpdateTimeseriesMetaRequest) -> Tuple[Any, None]:
    """Set the attributes of series metas (created when missing); failures in ``.failedRows``."""
    _expect_request(request, UpdateTimeseriesMetaRequest)
    message = pb.UpdateTimeseriesMetaRequest(
        table_name=check_name(request.timeseries_tablename, "timeseries_tablename"),
        supported_table_version=_SUPPORTED_TABLE_VERSION,
    )
    for meta in request.metas:
        if not isinstance(meta, TimeseriesMeta):
            raise OTSClientError(f"all timeseries_meta should be TimeseriesMeta, not {type(meta).__name__}")
        item = message.timeseries_meta.add()
        _key(item.time_series_key, meta.timeseries_key)
        if meta.attributes:
            item.attributes = format_tags(meta.attributes)
    return message, None


def _decode_delete_meta(message: Any, context: Any, request_id: str) -> DeleteTimeseriesMetaResponse:
    return DeleteTimeseriesMetaResponse(_failed_rows(message))


@register("DeleteTimeseriesMeta", pb.DeleteTimeseriesMetaResponse, _decode_delete_meta, idempotent=True)
def delete_timeseries_meta(request: DeleteTimeseriesMetaRequest) -> Tuple[Any, None]:
    """Delete the metas of series keys (their data stays); failures in ``.failedRows``."""
    _expect_request(request, DeleteTimeseriesMetaRequest)
    message = pb.DeleteTimeseriesMetaRequest(
        table_name=check_name(request.timeseries_tablename, "timeseries_tablename"),
        supported_table_version=_SUPPORTED_TABLE_VERSION,
    )
    for key in request.timeseries_keys:
        _key(message.timeseries_key.add(), key)
    return message, None
