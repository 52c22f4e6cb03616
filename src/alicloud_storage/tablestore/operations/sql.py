"""SQL operation: exe_sql_query (SQLQuery), its result set decoded from FlatBuffers."""
from __future__ import annotations

from typing import Any, Tuple

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models import Row
from alicloud_storage.tablestore.operations.registry import register
from alicloud_storage.tablestore.operations.results import capacity
from alicloud_storage.tablestore.operations.types import SQLQueryResult
from alicloud_storage.tablestore.wire import enums, pb
from alicloud_storage.tablestore.wire.sql_result import decode_rows

# The encoders, named as the client methods they define.
__all__ = ["exe_sql_query"]


def _decode_exe_sql_query(message: Any, context: Any, request_id: str) -> SQLQueryResult:
    tables = [(item.table_name, capacity(item.consumed)) for item in message.consumes]
    searches = [(item.table_name, capacity(item.consumed)) for item in message.search_consumes]
    rows = [Row(key, columns) for key, columns in decode_rows(message.rows)] if message.rows else []
    return rows, tables, searches


@register("SQLQuery", pb.SQLQueryResponse, _decode_exe_sql_query, idempotent=False)
def exe_sql_query(query: str) -> Tuple[Any, None]:
    """Run one SQL statement; returns ``(rows, table consumes, search consumes)``."""
    if not isinstance(query, str) or not query:
        raise OTSClientError(f"query must be a non-empty str, not {query!r}")
    return pb.SQLQueryRequest(query=query, version=enums.SQLPayloadVersion.SQL_FLAT_BUFFERS), None
