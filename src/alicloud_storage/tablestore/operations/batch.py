"""Batch operations: read or write rows of several tables in one request."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models import (
    PK_AUTO_INCR,
    BatchGetRowRequest,
    BatchGetRowResponse,
    BatchWriteRowRequest,
    BatchWriteRowResponse,
    BatchWriteRowResponseItem,
    BatchWriteRowType,
    RowDataItem,
)
from alicloud_storage.tablestore.operations import arguments
from alicloud_storage.tablestore.operations.registry import register
from alicloud_storage.tablestore.operations.results import VERIFY_ROW_CRC, capacity
from alicloud_storage.tablestore.validation import check_name, coerce_enum
from alicloud_storage.tablestore.wire import enums, pb, plainbuffer

# The encoders, named as the client methods they define.
__all__ = ["batch_get_row", "batch_write_row"]


def _row_error(row: Any) -> Tuple[str, str]:
    return row.error.code, row.error.message if row.error.HasField("message") else ""


def _decode_batch_get_row(message: Any, context: Any, request_id: str) -> BatchGetRowResponse:
    tables: Dict[str, List[RowDataItem]] = {}
    for table in message.tables:
        items = tables.setdefault(table.table_name, [])
        for row in table.rows:
            consumed = capacity(row.consumed) if row.HasField("consumed") else None
            if row.is_ok:
                pair = plainbuffer.read_row(row.row, VERIFY_ROW_CRC) if row.HasField("row") else None
                pk, attrs = pair if pair is not None else (None, None)
                items.append(RowDataItem(True, None, None, table.table_name, consumed, pk, attrs))
            else:
                code, text = _row_error(row)
                items.append(RowDataItem(False, code, text, table.table_name, consumed, None, None))
    return BatchGetRowResponse(tables)


@register("BatchGetRow", pb.BatchGetRowResponse, _decode_batch_get_row, idempotent=True)
def batch_get_row(request: BatchGetRowRequest) -> Tuple[Any, None]:
    """Read rows of several tables at once: BatchGetRowResponse (per-row errors inside)."""
    if not isinstance(request, BatchGetRowRequest):
        raise OTSClientError(f"request must be an instance of BatchGetRowRequest, not {type(request).__name__}")
    if not request.items:
        raise OTSClientError("BatchGetRowRequest has no table; add a TableInBatchGetRowItem")
    message = pb.BatchGetRowRequest()
    for item in request.items.values():
        table = message.tables.add()
        table.table_name = check_name(item.table_name, "table_name")
        if not isinstance(item.primary_keys, (list, tuple)):
            raise OTSClientError(f"primary_keys of table {item.table_name!r} must be a list of primary keys")
        for key in item.primary_keys:
            table.primary_key.append(plainbuffer.encode_primary_key(arguments.primary_key(key)))
        max_version = 1 if item.max_version is None and item.time_range is None else item.max_version
        arguments.read_options(
            table, item.columns_to_get, item.column_filter, max_version, item.time_range, item.start_column, item.end_column
        )
        for token in item.token or ():
            table.token.append(bytes(token))
    return message, None


def _row_change(item: Any) -> Tuple[int, bytes]:
    kind = coerce_enum(BatchWriteRowType, getattr(item, "type", None), "row item type")
    row = arguments.row(item.row, "row of a row item")
    key = arguments.primary_key(
        row.primary_key, "row.primary_key", (PK_AUTO_INCR,) if kind is BatchWriteRowType.PUT else ()
    )
    operation = enums.OperationType[kind.name]
    if kind is BatchWriteRowType.PUT:
        return operation, plainbuffer.encode_put_row(key, row.attribute_columns or ())
    if kind is BatchWriteRowType.UPDATE:
        return operation, plainbuffer.encode_update_row(key, arguments.update_cells(row.attribute_columns))
    return operation, plainbuffer.encode_delete_row(key)


def _decode_batch_write_row(message: Any, request: BatchWriteRowRequest, request_id: str) -> BatchWriteRowResponse:
    tables: Dict[str, List[BatchWriteRowResponseItem]] = {}
    for table in message.tables:
        items = tables.setdefault(table.table_name, [])
        for row in table.rows:
            consumed = capacity(row.consumed) if row.HasField("consumed") else None
            if row.is_ok:
                plain = plainbuffer.decode_row(row.row, verify_checksums=VERIFY_ROW_CRC) if row.HasField("row") else None
                items.append(BatchWriteRowResponseItem(True, None, None, consumed, plain.primary_key if plain else None))
            else:
                code, text = _row_error(row)
                items.append(BatchWriteRowResponseItem(False, code, text, consumed, None))
    return BatchWriteRowResponse(request, tables)


@register("BatchWriteRow", pb.BatchWriteRowResponse, _decode_batch_write_row, idempotent=False)
def batch_write_row(request: BatchWriteRowRequest) -> Tuple[Any, BatchWriteRowRequest]:
    """Put, update and delete rows of several tables at once: BatchWriteRowResponse."""
    if not isinstance(request, BatchWriteRowRequest):
        raise OTSClientError(f"request must be an instance of BatchWriteRowRequest, not {type(request).__name__}")
    if not request.items:
        raise OTSClientError("BatchWriteRowRequest has no table; add a TableInBatchWriteRowItem")
    message = pb.BatchWriteRowRequest()
    for item in request.items.values():
        table = message.tables.add()
        table.table_name = check_name(item.table_name, "table_name")
        if not isinstance(item.row_items, (list, tuple)) or not item.row_items:
            raise OTSClientError(f"row_items of table {item.table_name!r} must be a non-empty list")
        for row_item in item.row_items:
            row = table.rows.add()
            row.type, row.row_change = _row_change(row_item)
            row.condition.CopyFrom(arguments.condition(row_item.condition))
            arguments.return_content(row, row_item.return_type)
    arguments.transaction(message, request.transaction_id)
    return message, request
