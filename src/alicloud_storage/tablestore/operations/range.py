"""Range reads: one page of a key range (get_range), or every row of it (xget_range)."""
from __future__ import annotations

from typing import Any, Generator, Optional, Sequence, Tuple, Union

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models import CapacityUnit, ColumnCondition, Direction, Row
from alicloud_storage.tablestore.operations import arguments
from alicloud_storage.tablestore.operations.registry import SubCall, register, register_iterator
from alicloud_storage.tablestore.operations.results import VERIFY_ROW_CRC, capacity, decode_next_token, rows_of
from alicloud_storage.tablestore.operations.types import GetRangeResult, PrimaryKeyInput, TimeRange
from alicloud_storage.tablestore.validation import check_int, check_name, coerce_enum
from alicloud_storage.tablestore.wire import enums, pb, plainbuffer

# The encoder and the iterator flow, named as the client methods they define.
__all__ = ["get_range", "xget_range"]


def _decode_get_range(message: Any, context: Any, request_id: str) -> GetRangeResult:
    rows = rows_of(message.rows)
    next_start = None
    if message.HasField("next_start_primary_key") and message.next_start_primary_key:
        plain = plainbuffer.decode_row(message.next_start_primary_key, verify_checksums=VERIFY_ROW_CRC)
        next_start = plain.primary_key if plain is not None else None
    return capacity(message.consumed), next_start, rows, decode_next_token(message)


@register("GetRange", pb.GetRangeResponse, _decode_get_range, idempotent=True)
def get_range(
    table_name: str,
    direction: Union[Direction, str],
    inclusive_start_primary_key: PrimaryKeyInput,
    exclusive_end_primary_key: PrimaryKeyInput,
    columns_to_get: Optional[Sequence[str]] = None,
    limit: Optional[int] = None,
    column_filter: Optional[ColumnCondition] = None,
    max_version: Optional[int] = 1,
    time_range: Optional[TimeRange] = None,
    start_column: Optional[str] = None,
    end_column: Optional[str] = None,
    token: Optional[bytes] = None,
    transaction_id: Optional[str] = None,
) -> Tuple[Any, None]:
    """Read a key range: ``(consumed, next_start_primary_key, row_list, next_token)``."""
    message = pb.GetRangeRequest()
    message.table_name = check_name(table_name, "table_name")
    message.direction = enums.Direction[coerce_enum(Direction, direction, "direction").name]
    message.inclusive_start_primary_key = plainbuffer.encode_primary_key(
        arguments.primary_key(inclusive_start_primary_key, "inclusive_start_primary_key", arguments.RANGE_BOUNDS)
    )
    message.exclusive_end_primary_key = plainbuffer.encode_primary_key(
        arguments.primary_key(exclusive_end_primary_key, "exclusive_end_primary_key", arguments.RANGE_BOUNDS)
    )
    if limit is not None:
        message.limit = check_int(limit, "limit", 1)
    arguments.read_options(message, columns_to_get, column_filter, max_version, time_range, start_column, end_column)
    arguments.token(message, token)
    arguments.transaction(message, transaction_id)
    return message, None


@register_iterator
def xget_range(
    table_name: str,
    direction: Union[Direction, str],
    inclusive_start_primary_key: PrimaryKeyInput,
    exclusive_end_primary_key: PrimaryKeyInput,
    consumed_counter: CapacityUnit,
    columns_to_get: Optional[Sequence[str]] = None,
    count: Optional[int] = None,
    column_filter: Optional[ColumnCondition] = None,
    max_version: Optional[int] = 1,
    time_range: Optional[TimeRange] = None,
    start_column: Optional[str] = None,
    end_column: Optional[str] = None,
    token: Optional[bytes] = None,
) -> Generator[Union[SubCall, Row], Any, None]:
    """Iterate over every row of a range, following next_start_primary_key across pages.

    ``consumed_counter`` (a CapacityUnit) is reset, then accumulates the read CU;
    ``count`` caps the number of rows.
    """
    if not isinstance(consumed_counter, CapacityUnit):
        raise OTSClientError(f"consumed_counter must be an instance of CapacityUnit, not {type(consumed_counter).__name__}")
    left = None if count is None else check_int(count, "count", 1)
    consumed_counter.read = 0
    consumed_counter.write = 0
    start: Any = inclusive_start_primary_key
    while start:
        consumed, start, rows, _ = yield SubCall(
            "get_range",
            (table_name, direction, start, exclusive_end_primary_key, columns_to_get, left, column_filter,
             max_version, time_range, start_column, end_column, token),
        )
        consumed_counter.read += consumed.read
        for row in rows:
            yield row
            if left is not None:
                left -= 1
                if left <= 0:
                    return
