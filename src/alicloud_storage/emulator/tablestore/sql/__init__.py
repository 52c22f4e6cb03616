"""Tablestore SQL in the emulator: mapping tables and SELECT over wide tables (SQLQuery).

The service registers :data:`OPERATIONS` beside the wide-table and time series handlers.
"""
from __future__ import annotations

from typing import Any, Dict

from alicloud_storage.emulator.tablestore.handlers import Context, Operation, instance_level
from alicloud_storage.tablestore.wire import pb

__all__ = ["OPERATIONS"]


def _sql_query(ctx: Context, request: Any) -> Any:
    """Run SQLQuery; sqlglot is imported on the first statement, not with the emulator."""
    from alicloud_storage.emulator.tablestore.sql.statements import sql_query

    return sql_query(ctx, request)


OPERATIONS: Dict[str, Operation] = {
    "SQLQuery": Operation(pb.SQLQueryRequest, instance_level, _sql_query),
}
