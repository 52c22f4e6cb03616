"""Response pieces shared by the operation families' decoders: consumed capacity, rows,
next tokens, primary key schema columns."""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

from alicloud_storage.tablestore.errors import OTSDecodeError
from alicloud_storage.tablestore.models import PK_AUTO_INCR, CapacityUnit, Row
from alicloud_storage.tablestore.wire import enums, plainbuffer
from alicloud_storage.tablestore.wire.type_names import PRIMARY_KEY_TYPE_NAMES

__all__ = [
    "VERIFY_ROW_CRC",
    "capacity",
    "rows_of",
    "optional_row",
    "decode_next_token",
    "decode_none",
    "decode_schema_column",
]

# Response rows skip their CRC-8s: parse_response has checked the whole body's x-ots-contentmd5 first.
VERIFY_ROW_CRC = False


def capacity(message: Any) -> CapacityUnit:
    """The CapacityUnit of a ConsumedCapacity / ReservedThroughputDetails message."""
    unit = message.capacity_unit
    return CapacityUnit(
        unit.read if unit.HasField("read") else 0, unit.write if unit.HasField("write") else 0
    )


def rows_of(data: bytes) -> List[Row]:
    """The Rows of a PlainBuffer rows field (b'' -> [])."""
    return [Row(key, columns) for key, columns in plainbuffer.read_rows(data, VERIFY_ROW_CRC)]


def optional_row(data: bytes) -> Optional[Row]:
    """The Row of a PlainBuffer row field, or None when it is empty."""
    pair = plainbuffer.read_row(data, VERIFY_ROW_CRC)
    return None if pair is None else Row(*pair)


def decode_next_token(message: Any) -> Optional[bytes]:
    """The response's ``next_token``, or None when it is absent or empty."""
    return message.next_token if message.HasField("next_token") and message.next_token else None


def decode_none(message: Any, context: Any, request_id: str) -> None:
    """Decoder of the APIs whose result is None."""
    return None


def decode_schema_column(column: Any) -> Tuple[Any, ...]:
    """A primary key schema column of a response as ``(name, type[, PK_AUTO_INCR])``."""
    type_name = PRIMARY_KEY_TYPE_NAMES.get(column.type)
    if type_name is None:
        raise OTSDecodeError(f"unknown primary key type {column.type} in response")
    if column.HasField("option") and column.option == enums.PrimaryKeyOption.AUTO_INCREMENT:
        return (column.name, type_name, PK_AUTO_INCR)
    return (column.name, type_name)
