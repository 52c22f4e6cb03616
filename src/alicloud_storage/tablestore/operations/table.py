"""Table operations: create, delete, list, update and describe tables."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models import (
    PK_AUTO_INCR,
    CapacityUnit,
    DescribeTableResponse,
    ReservedThroughput,
    ReservedThroughputDetails,
    SecondaryIndexMeta,
    SecondaryIndexType,
    SSEDetails,
    SSESpecification,
    TableMeta,
    TableOptions,
    UpdateTableResponse,
)
from alicloud_storage.tablestore.operations import arguments
from alicloud_storage.tablestore.operations.registry import register
from alicloud_storage.tablestore.operations.results import capacity, decode_none, decode_schema_column
from alicloud_storage.tablestore.validation import check_int, check_name
from alicloud_storage.tablestore.wire import enums, pb
from alicloud_storage.tablestore.wire.type_names import (
    DEFINED_COLUMN_TYPE_NAMES,
    DEFINED_COLUMN_TYPES,
    PRIMARY_KEY_TYPES,
)

# The encoders, named as the client methods they define.
__all__ = ["create_table", "delete_table", "list_table", "update_table", "describe_table"]


def _table_meta(message: Any, meta: Any) -> None:
    if not isinstance(meta, TableMeta):
        raise OTSClientError(f"table_meta must be an instance of TableMeta, not {type(meta).__name__}")
    message.table_name = check_name(meta.table_name, "table_meta.table_name")
    schema = meta.schema_of_primary_key
    if not isinstance(schema, (list, tuple)) or not schema:
        raise OTSClientError("table_meta.schema_of_primary_key must be a non-empty list of (name, type) tuples")
    for column in schema:
        if not isinstance(column, tuple) or len(column) not in (2, 3):
            raise OTSClientError(f"each primary key schema must be a (name, type[, PK_AUTO_INCR]) tuple, not {column!r}")
        item = message.primary_key.add()
        item.name = check_name(column[0], "primary key name")
        type_name = str(column[1]).upper()
        if type_name not in PRIMARY_KEY_TYPES:
            raise OTSClientError(f"primary key type must be one of INTEGER, STRING, BINARY, not {column[1]!r}")
        item.type = PRIMARY_KEY_TYPES[type_name]
        if len(column) == 3:
            if column[2] is not PK_AUTO_INCR:
                raise OTSClientError(f"the only primary key option is PK_AUTO_INCR, not {column[2]!r}")
            item.option = enums.PrimaryKeyOption.AUTO_INCREMENT
    for column in meta.defined_columns or ():
        if not isinstance(column, tuple) or len(column) != 2:
            raise OTSClientError(f"each defined column must be a (name, type) tuple, not {column!r}")
        item = message.defined_column.add()
        item.name = check_name(column[0], "defined column name")
        type_name = str(column[1]).upper()
        if type_name not in DEFINED_COLUMN_TYPES:
            # the official SDK's text
            raise OTSClientError("Wrong type for defined column, only support [STRING, INTEGER, DOUBLE, BOOLEAN, BINARY].")
        item.type = DEFINED_COLUMN_TYPES[type_name]


def _table_options(message: Any, options: Any) -> None:
    if not isinstance(options, TableOptions):
        raise OTSClientError(f"table_options must be an instance of TableOptions, not {type(options).__name__}")
    if options.time_to_live is not None:
        message.time_to_live = check_int(options.time_to_live, "table_options.time_to_live", -1)
    if options.max_version is not None:
        message.max_versions = check_int(options.max_version, "table_options.max_version", 1)
    if options.max_time_deviation is not None:
        message.deviation_cell_version_in_sec = check_int(options.max_time_deviation, "table_options.max_time_deviation", 0)
    if options.allow_update is not None:
        if not isinstance(options.allow_update, bool):
            raise OTSClientError("table_options.allow_update must be a bool")
        message.allow_update = options.allow_update


def _reserved_throughput(message: Any, throughput: Any, both: bool) -> None:
    if not isinstance(throughput, ReservedThroughput):
        raise OTSClientError(f"reserved_throughput must be an instance of ReservedThroughput, not {type(throughput).__name__}")
    unit = throughput.capacity_unit
    if not isinstance(unit, CapacityUnit):
        raise OTSClientError("reserved_throughput.capacity_unit must be an instance of CapacityUnit")
    if both and (unit.read is None or unit.write is None):
        raise OTSClientError("both read and write of the reserved CapacityUnit are required")
    if unit.read is None and unit.write is None:
        raise OTSClientError("one of read and write of the reserved CapacityUnit is required")
    if unit.read is not None:
        message.capacity_unit.read = check_int(unit.read, "capacity_unit.read", 0)
    if unit.write is not None:
        message.capacity_unit.write = check_int(unit.write, "capacity_unit.write", 0)


@register("CreateTable", pb.CreateTableResponse, decode_none, idempotent=False)
def create_table(
    table_meta: TableMeta,
    table_options: TableOptions,
    reserved_throughput: ReservedThroughput,
    secondary_indexes: Optional[Sequence[SecondaryIndexMeta]] = None,
    sse_spec: Optional[SSESpecification] = None,
    *,
    enable_local_txn: Optional[bool] = None,
) -> Tuple[Any, None]:
    """Create a table from its TableMeta, TableOptions and ReservedThroughput; returns None.

    ``enable_local_txn`` (not in the official Python SDK; the Java SDK's
    ``setLocalTxnEnabled``) switches local transactions on or off for the table;
    None leaves it to the service's default.
    """
    message = pb.CreateTableRequest()
    _table_meta(message.table_meta, table_meta)
    _reserved_throughput(message.reserved_throughput, reserved_throughput, both=True)
    _table_options(message.table_options, table_options)
    for index in secondary_indexes or ():
        arguments.secondary_index(message.index_metas.add(), index, "secondary_indexes")
    if enable_local_txn is not None:
        if not isinstance(enable_local_txn, bool):
            raise OTSClientError("enable_local_txn must be a bool")
        message.enable_local_txn = enable_local_txn
    if sse_spec is not None:
        if not isinstance(sse_spec, SSESpecification):
            raise OTSClientError(f"sse_spec must be an instance of SSESpecification, not {type(sse_spec).__name__}")
        message.sse_spec.enable = sse_spec.enable
        if sse_spec.key_type is not None:
            message.sse_spec.key_type = int(sse_spec.key_type)
        if sse_spec.key_id is not None:
            message.sse_spec.key_id = sse_spec.key_id.encode("utf-8")
        if sse_spec.role_arn is not None:
            message.sse_spec.role_arn = sse_spec.role_arn.encode("utf-8")
    return message, None


@register("DeleteTable", pb.DeleteTableResponse, decode_none, idempotent=False)
def delete_table(table_name: str) -> Tuple[Any, None]:
    """Delete a table; returns None."""
    message = pb.DeleteTableRequest()
    message.table_name = check_name(table_name, "table_name")
    return message, None


def _decode_list_table(message: Any, context: Any, request_id: str) -> Tuple[str, ...]:
    return tuple(message.table_names)


@register("ListTable", pb.ListTableResponse, _decode_list_table, idempotent=True)
def list_table() -> Tuple[Any, None]:
    """Names of all tables of the instance, as a tuple."""
    return pb.ListTableRequest(), None


def _details(message: Any) -> ReservedThroughputDetails:
    return ReservedThroughputDetails(
        capacity(message),
        message.last_increase_time,
        message.last_decrease_time if message.HasField("last_decrease_time") else None,
    )


def _options(message: Any) -> TableOptions:
    return TableOptions(
        message.time_to_live,
        message.max_versions,
        message.deviation_cell_version_in_sec,
        message.allow_update if message.HasField("allow_update") else True,
    )


def _decode_update_table(message: Any, context: Any, request_id: str) -> UpdateTableResponse:
    response = UpdateTableResponse(_details(message.reserved_throughput_details), _options(message.table_options))
    response.set_request_id(request_id)
    return response


@register("UpdateTable", pb.UpdateTableResponse, _decode_update_table, idempotent=False)
def update_table(
    table_name: str,
    table_options: Optional[TableOptions] = None,
    reserved_throughput: Optional[ReservedThroughput] = None,
) -> Tuple[Any, None]:
    """Change a table's options and/or reserved throughput; returns UpdateTableResponse."""
    message = pb.UpdateTableRequest()
    message.table_name = check_name(table_name, "table_name")
    if table_options is None and reserved_throughput is None:
        raise OTSClientError("update_table needs table_options or reserved_throughput")
    if reserved_throughput is not None:
        _reserved_throughput(message.reserved_throughput, reserved_throughput, both=False)
    if table_options is not None:
        _table_options(message.table_options, table_options)
    return message, None


def _decode_describe_table(message: Any, context: Any, request_id: str) -> DescribeTableResponse:
    meta = message.table_meta
    table_meta = TableMeta(
        meta.table_name,
        [decode_schema_column(column) for column in meta.primary_key],
        [(column.name, DEFINED_COLUMN_TYPE_NAMES.get(column.type, str(column.type))) for column in meta.defined_column],
    )
    indexes = [
        SecondaryIndexMeta(
            index.name,
            list(index.primary_key),
            list(index.defined_column),
            SecondaryIndexType.GLOBAL_INDEX
            if index.index_type == enums.IndexType.IT_GLOBAL_INDEX
            else SecondaryIndexType.LOCAL_INDEX,
        )
        for index in message.index_metas
    ]
    sse = message.sse_details
    sse_details = SSEDetails(
        sse.enable,
        sse.key_type if sse.HasField("key_type") else None,
        sse.key_id.decode("utf-8") if sse.HasField("key_id") else None,
        sse.role_arn.decode("utf-8") if sse.HasField("role_arn") else None,
    )
    response = DescribeTableResponse(
        table_meta, _options(message.table_options), _details(message.reserved_throughput_details), indexes, sse_details
    )
    response.set_request_id(request_id)
    return response


@register("DescribeTable", pb.DescribeTableResponse, _decode_describe_table, idempotent=True)
def describe_table(table_name: str) -> Tuple[Any, None]:
    """Schema, options, throughput and indexes of a table: DescribeTableResponse."""
    message = pb.DescribeTableRequest()
    message.table_name = check_name(table_name, "table_name")
    return message, None
