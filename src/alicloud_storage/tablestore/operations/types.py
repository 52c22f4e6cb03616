"""Argument and result types of the client methods that are not model classes."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple, Union

from alicloud_storage.tablestore.models import CapacityUnit, Row
from alicloud_storage.tablestore.wire.plainbuffer import PrimaryKey

__all__ = ["PrimaryKeyInput", "TimeRange", "GetRowResult", "WriteRowResult", "GetRangeResult", "SQLQueryResult"]

# A primary key as the methods take it: ``[("pk", 1), ("sk", "a")]`` (a Row is taken too).
PrimaryKeyInput = Union[Sequence[Tuple[str, Any]], Row]
# ``(start_ms, end_ms)`` or one timestamp in ms.
TimeRange = Union[Tuple[int, int], int]
# ``(consumed, row or None, next_token)``
GetRowResult = Tuple[CapacityUnit, Optional[Row], Optional[bytes]]
# ``(consumed, return_row)`` of put_row, update_row and delete_row
WriteRowResult = Tuple[CapacityUnit, Optional[Row]]
# ``(consumed, next_start_primary_key, rows, next_token)``
GetRangeResult = Tuple[CapacityUnit, Optional[PrimaryKey], List[Row], Optional[bytes]]
# ``(rows, [(table, consumed)], [(table, search consumed)])`` of exe_sql_query
SQLQueryResult = Tuple[List[Row], List[Tuple[str, CapacityUnit]], List[Tuple[str, CapacityUnit]]]
