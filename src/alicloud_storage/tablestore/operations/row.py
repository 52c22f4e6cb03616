"""Single-row operations: get, put, update and delete one row."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models import PK_AUTO_INCR, ColumnCondition, Condition, ReturnType, Row
from alicloud_storage.tablestore.operations import arguments
from alicloud_storage.tablestore.operations.registry import register
from alicloud_storage.tablestore.operations.results import capacity, decode_next_token, optional_row
from alicloud_storage.tablestore.operations.types import GetRowResult, PrimaryKeyInput, TimeRange, WriteRowResult
from alicloud_storage.tablestore.validation import check_name
from alicloud_storage.tablestore.wire import pb, plainbuffer

# The encoders, named as the client methods they define.
__all__ = ["get_row", "put_row", "update_row", "delete_row"]


def _decode_get_row(message: Any, context: Any, request_id: str) -> GetRowResult:
    return capacity(message.consumed), optional_row(message.row), decode_next_token(message)


def _decode_write(message: Any, context: Any, request_id: str) -> WriteRowResult:
    return capacity(message.consumed), optional_row(message.row)


@register("GetRow", pb.GetRowResponse, _decode_get_row, idempotent=True)
def get_row(
    table_name: str,
    primary_key: PrimaryKeyInput,
    columns_to_get: Optional[Sequence[str]] = None,
    column_filter: Optional[ColumnCondition] = None,
    max_version: Optional[int] = 1,
    time_range: Optional[TimeRange] = None,
    start_column: Optional[str] = None,
    end_column: Optional[str] = None,
    token: Optional[bytes] = None,
    transaction_id: Optional[str] = None,
) -> Tuple[Any, None]:
    """Read one row: ``(consumed, return_row or None, next_token)``."""
    message = pb.GetRowRequest()
    message.table_name = check_name(table_name, "table_name")
    message.primary_key = plainbuffer.encode_primary_key(arguments.primary_key(primary_key))
    arguments.read_options(message, columns_to_get, column_filter, max_version, time_range, start_column, end_column)
    arguments.token(message, token)
    arguments.transaction(message, transaction_id)
    return message, None


@register("PutRow", pb.PutRowResponse, _decode_write, idempotent=False)
def put_row(
    table_name: str,
    row: Row,
    condition: Optional[Condition] = None,
    return_type: Union[ReturnType, str, None] = None,
    transaction_id: Optional[str] = None,
) -> Tuple[Any, None]:
    """Write a whole row: ``(consumed, return_row)``."""
    row = arguments.row(row)
    message = pb.PutRowRequest()
    message.table_name = check_name(table_name, "table_name")
    message.row = plainbuffer.encode_put_row(
        arguments.primary_key(row.primary_key, "row.primary_key", (PK_AUTO_INCR,)), row.attribute_columns or ()
    )
    message.condition.CopyFrom(arguments.condition(condition))
    arguments.return_content(message, return_type)
    arguments.transaction(message, transaction_id)
    return message, None


@register("UpdateRow", pb.UpdateRowResponse, _decode_write, idempotent=False)
def update_row(
    table_name: str,
    row: Row,
    condition: Optional[Condition],
    return_type: Union[ReturnType, str, None] = None,
    transaction_id: Optional[str] = None,
) -> Tuple[Any, None]:
    """Change some columns of a row: ``(consumed, return_row)``."""
    row = arguments.row(row)
    message = pb.UpdateRowRequest()
    message.table_name = check_name(table_name, "table_name")
    message.row_change = plainbuffer.encode_update_row(
        arguments.primary_key(row.primary_key, "row.primary_key"), arguments.update_cells(row.attribute_columns)
    )
    message.condition.CopyFrom(arguments.condition(condition))
    arguments.return_content(message, return_type)
    arguments.transaction(message, transaction_id)
    return message, None


@register("DeleteRow", pb.DeleteRowResponse, _decode_write, idempotent=False)
def delete_row(
    table_name: str,
    row: Optional[PrimaryKeyInput] = None,
    condition: Optional[Condition] = None,
    return_type: Union[ReturnType, str, None] = None,
    transaction_id: Optional[str] = None,
    **kwargs: Any,
) -> Tuple[Any, None]:
    """Delete a row given as a Row or a primary key (or ``primary_key=``): ``(consumed, return_row)``."""
    unknown = set(kwargs) - {"primary_key"}
    if unknown:
        raise OTSClientError(f"delete_row got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    key = row if row is not None else kwargs.get("primary_key")
    message = pb.DeleteRowRequest()
    message.table_name = check_name(table_name, "table_name")
    message.primary_key = plainbuffer.encode_delete_row(arguments.primary_key(key, "row"))
    message.condition.CopyFrom(arguments.condition(condition))
    arguments.return_content(message, return_type)
    arguments.transaction(message, transaction_id)
    return message, None
