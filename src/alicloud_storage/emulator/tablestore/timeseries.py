"""Time series API handlers: API name -> Operation, merged by the service with the wide-table ones.

The TimeseriesEngine is the Tablestore service's (one per storage, handed in by the
Context); its tables live in the same SQLite database, so ``Storage.clear`` empties them too.
"""
from __future__ import annotations

from typing import Any, Callable, Dict

from alicloud_storage.emulator.tablestore.handlers import (
    Context,
    Operation,
    created_table,
    instance_level,
    table_name,
)
from alicloud_storage.emulator.tablestore.timeseries_engine import TimeseriesEngine
from alicloud_storage.tablestore.wire import pb

__all__ = ["OPERATIONS"]


def _run(method: Callable[[TimeseriesEngine, str, Any], Any]) -> Callable[[Context, Any], Any]:
    def run(ctx: Context, request: Any) -> Any:
        return method(ctx.timeseries, ctx.instance, request)

    return run


OPERATIONS: Dict[str, Operation] = {
    "CreateTimeseriesTable": Operation(
        pb.CreateTimeseriesTableRequest, created_table, _run(TimeseriesEngine.create_table)
    ),
    "ListTimeseriesTable": Operation(pb.ListTimeseriesTableRequest, instance_level, _run(TimeseriesEngine.list_tables)),
    "DescribeTimeseriesTable": Operation(
        pb.DescribeTimeseriesTableRequest, table_name, _run(TimeseriesEngine.describe_table)
    ),
    "UpdateTimeseriesTable": Operation(pb.UpdateTimeseriesTableRequest, table_name, _run(TimeseriesEngine.update_table)),
    "DeleteTimeseriesTable": Operation(pb.DeleteTimeseriesTableRequest, table_name, _run(TimeseriesEngine.delete_table)),
    "PutTimeseriesData": Operation(pb.PutTimeseriesDataRequest, table_name, _run(TimeseriesEngine.put_data)),
    "GetTimeseriesData": Operation(pb.GetTimeseriesDataRequest, table_name, _run(TimeseriesEngine.get_data)),
    "QueryTimeseriesMeta": Operation(pb.QueryTimeseriesMetaRequest, table_name, _run(TimeseriesEngine.query_meta)),
    "UpdateTimeseriesMeta": Operation(pb.UpdateTimeseriesMetaRequest, table_name, _run(TimeseriesEngine.update_meta)),
    "DeleteTimeseriesMeta": Operation(pb.DeleteTimeseriesMetaRequest, table_name, _run(TimeseriesEngine.delete_meta)),
}
