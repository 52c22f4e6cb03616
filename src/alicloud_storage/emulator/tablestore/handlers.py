"""Wide-table API handlers: API name -> (request class, tables touched, run).

The front looks an API up in a dispatch table built from ``OPERATIONS`` (other modules,
such as the time series APIs, contribute their own ``OPERATIONS`` the same way), parses
the body with the request class, authorises every table ``tables`` names, then calls
``run(context, request)`` for the response message (or its serialized bytes).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from alicloud_storage.emulator.tablestore import codec
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import limits
from alicloud_storage.emulator.tablestore.engine import (
    DELETE,
    PUT,
    RT_NONE,
    UPDATE,
    Engine,
    RowWrite,
)
from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.storage import Storage
from alicloud_storage.emulator.tablestore.timeseries_engine import TimeseriesEngine
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.enums import TableStatus

__all__ = ["Context", "Operation", "OPERATIONS", "table_name", "instance_level", "created_table"]

_WRITE_KINDS = {1: PUT, 2: UPDATE, 3: DELETE}


@dataclass(frozen=True)
class Context:
    """What a handler may use: the instance asked for, its engines and the raw storage."""

    instance: str
    engine: Engine
    timeseries: TimeseriesEngine
    storage: Storage
    clock: Callable[[], float]


@dataclass(frozen=True)
class Operation:
    """One API: its request class, the tables a request touches ([] = instance level), its run."""

    request: Any
    tables: Callable[[Any], List[str]]
    run: Callable[[Context, Any], Any]


def _transaction(request: Any) -> Optional[str]:
    """The request's transaction id, if it carries one."""
    return request.transaction_id if request.HasField("transaction_id") else None


def _return(request: Any) -> Tuple[int, Tuple[str, ...]]:
    if not request.HasField("return_content"):
        return RT_NONE, ()
    content = request.return_content
    return content.return_type, tuple(content.return_column_names)


def _batch_write_response(tables: Any, results: Any) -> Any:
    """The BatchWriteRowResponse: per table, per row an error or its consumed CU and row (if any)."""
    response = pb.BatchWriteRowResponse()
    for table, table_results in zip(tables, results):
        out = response.tables.add(table_name=table.table_name)
        for result in table_results:
            row = out.rows.add()
            if isinstance(result, TablestoreError):
                row.is_ok = False
                row.error.code = result.code
                row.error.message = result.message
                continue
            row.is_ok = True
            codec.consumed(row.consumed, result.consumed)
            if result.row is not None:
                row.row = codec.encode_row(result.row)
    return response


# --- tables ------------------------------------------------------------------------
def _create_table(ctx: Context, request: Any) -> Any:
    ctx.engine.create_table(ctx.instance, codec.table_info(request))
    return pb.CreateTableResponse()


def _list_table(ctx: Context, request: Any) -> Any:
    return pb.ListTableResponse(table_names=ctx.engine.list_tables(ctx.instance))


def _describe_table(ctx: Context, request: Any) -> Any:
    info = ctx.engine.describe_table(ctx.instance, request.table_name)
    response = pb.DescribeTableResponse(table_meta=codec.table_meta(info), table_status=TableStatus.ACTIVE)
    codec.fill_table_status(response, info)
    codec.fill_index_metas(response.index_metas, info)
    return response


def _update_table(ctx: Context, request: Any) -> Any:
    if not request.HasField("reserved_throughput") and not request.HasField("table_options"):
        raise E.UPDATE_TABLE_NOTHING.error()
    read = write = None
    if request.HasField("reserved_throughput"):
        cu = request.reserved_throughput.capacity_unit
        read = cu.read if cu.HasField("read") else None
        write = cu.write if cu.HasField("write") else None
    options = codec.options_update(request.table_options) if request.HasField("table_options") else {}
    info = ctx.engine.update_table(ctx.instance, request.table_name, read, write, options)
    response = pb.UpdateTableResponse()
    codec.fill_table_status(response, info)
    return response


def _delete_table(ctx: Context, request: Any) -> Any:
    ctx.engine.delete_table(ctx.instance, request.table_name)
    return pb.DeleteTableResponse()


# --- secondary indexes -------------------------------------------------------------
def _create_index(ctx: Context, request: Any) -> Any:
    ctx.engine.create_index(
        ctx.instance, request.main_table_name, codec.index_info(request.index_meta), request.include_base_data
    )
    return pb.CreateIndexResponse()


def _drop_index(ctx: Context, request: Any) -> Any:
    ctx.engine.drop_index(ctx.instance, request.main_table_name, request.index_name)
    return pb.DropIndexResponse()


def _main_table(request: Any) -> List[str]:
    return [request.main_table_name]


# --- local transactions ------------------------------------------------------------
def _start_transaction(ctx: Context, request: Any) -> Any:
    transaction_id = ctx.engine.start_transaction(ctx.instance, request.table_name, codec.primary_key(request.key))
    return pb.StartLocalTransactionResponse(transaction_id=transaction_id)


def _commit_transaction(ctx: Context, request: Any) -> Any:
    ctx.engine.commit_transaction(ctx.instance, request.transaction_id)
    return pb.CommitTransactionResponse()


def _abort_transaction(ctx: Context, request: Any) -> Any:
    ctx.engine.abort_transaction(ctx.instance, request.transaction_id)
    return pb.AbortTransactionResponse()


# --- single rows -------------------------------------------------------------------
def _get_row(ctx: Context, request: Any) -> Any:
    result = ctx.engine.get_row_wire(
        ctx.instance, request.table_name, codec.primary_key(request.primary_key), codec.read_options(request),
        _transaction(request),
    )
    response = pb.GetRowResponse(row=codec.encode_row(result.row))
    codec.consumed(response.consumed, result.consumed)
    return response


def _write(kind: str, row_field: str, response_class: Any) -> Callable[[Context, Any], Any]:
    api = {PUT: "PutRow", UPDATE: "UpdateRow", DELETE: "DeleteRow"}[kind]

    def run(ctx: Context, request: Any) -> Any:
        decoded = codec.row(getattr(request, row_field))
        return_type, return_columns = _return(request)
        op = RowWrite(
            kind, decoded.primary_key, decoded.cells, codec.condition(request.condition),
            return_type, return_columns,
        )
        result = ctx.engine.write_row(ctx.instance, request.table_name, op, api, _transaction(request))
        response = response_class()
        codec.consumed(response.consumed, result.consumed)
        if result.row is not None:
            response.row = codec.encode_row(result.row)
        return response

    return run


# --- multiple rows -----------------------------------------------------------------
def _batch_get_row(ctx: Context, request: Any) -> Any:
    copied = _batch_copies(ctx, request)
    if copied is not None:
        return copied
    requests = [
        (t.table_name, [codec.primary_key(k) for k in t.primary_key], codec.read_options(t))
        for t in request.tables
    ]
    results = ctx.engine.batch_get_row_wire(ctx.instance, requests)
    return codec.batch_get_response([t.table_name for t in request.tables], results)


def _batch_copies(ctx: Context, request: Any) -> Optional[bytes]:
    """BatchGetRow's response when every key is a well-formed key of its existing table and every
    row found is returned as stored (its bytes copied, in batch steps); None otherwise: then the
    full path answers, and raises the service's errors in their order."""
    tables = request.tables
    if not tables or sum(len(table.primary_key) for table in tables) > limits.BATCH_GET_ROWS:
        return None
    parts = []
    try:
        for table in tables:
            reader = ctx.engine.copy_read(ctx.instance, table.table_name, codec.read_options(table))
            if reader is None:
                return None
            info, keep = reader
            keys = codec.storage_keys(table.primary_key, info)
            if keys is None:
                return None
            found = ctx.engine.wire_rows(info, keys, keep)
            part = None if found is None else codec.batch_rows(table.table_name, len(keys), found)
            if part is None:
                return None
            parts.append(part)
    except TablestoreError:
        return None
    return b"".join(parts)


def _batch_write_row(ctx: Context, request: Any) -> Any:
    requests = []
    for table in request.tables:
        ops = []
        for item in table.rows:
            decoded = codec.row(item.row_change)
            return_type, return_columns = _return(item)
            ops.append(RowWrite(
                _WRITE_KINDS.get(item.type, PUT), decoded.primary_key, decoded.cells,
                codec.condition(item.condition), return_type, return_columns,
            ))
        requests.append((table.table_name, ops))
    results = ctx.engine.batch_write_row(ctx.instance, requests, _transaction(request))
    return _batch_write_response(request.tables, results)


def _get_range(ctx: Context, request: Any) -> Any:
    result = ctx.engine.get_range_wire(
        ctx.instance,
        request.table_name,
        request.direction,
        codec.primary_key(request.inclusive_start_primary_key),
        codec.primary_key(request.exclusive_end_primary_key),
        codec.read_options(request),
        request.limit if request.HasField("limit") else None,
        _transaction(request),
    )
    response = pb.GetRangeResponse(rows=codec.encode_rows(result.rows))
    codec.consumed(response.consumed, result.consumed)
    if result.next_start is not None:
        response.next_start_primary_key = plainbuffer.encode_primary_key(result.next_start)
    return response


def table_name(request: Any) -> List[str]:
    """The tables of a request naming one: its ``table_name``."""
    return [request.table_name]


def _batch_tables(request: Any) -> List[str]:
    return sorted({t.table_name for t in request.tables})


def instance_level(request: Any) -> List[str]:
    """The tables of an instance-level request: none."""
    return []


def created_table(request: Any) -> List[str]:
    """The table a CreateTable-style request names in its ``table_meta``."""
    return [request.table_meta.table_name]


OPERATIONS: Dict[str, Operation] = {
    "CreateTable": Operation(pb.CreateTableRequest, created_table, _create_table),
    "ListTable": Operation(pb.ListTableRequest, instance_level, _list_table),
    "DescribeTable": Operation(pb.DescribeTableRequest, table_name, _describe_table),
    "UpdateTable": Operation(pb.UpdateTableRequest, table_name, _update_table),
    "DeleteTable": Operation(pb.DeleteTableRequest, table_name, _delete_table),
    "CreateIndex": Operation(pb.CreateIndexRequest, _main_table, _create_index),
    "DropIndex": Operation(pb.DropIndexRequest, _main_table, _drop_index),
    "StartLocalTransaction": Operation(pb.StartLocalTransactionRequest, table_name, _start_transaction),
    "CommitTransaction": Operation(pb.CommitTransactionRequest, instance_level, _commit_transaction),
    "AbortTransaction": Operation(pb.AbortTransactionRequest, instance_level, _abort_transaction),
    "GetRow": Operation(pb.GetRowRequest, table_name, _get_row),
    "PutRow": Operation(pb.PutRowRequest, table_name, _write(PUT, "row", pb.PutRowResponse)),
    "UpdateRow": Operation(
        pb.UpdateRowRequest, table_name, _write(UPDATE, "row_change", pb.UpdateRowResponse)
    ),
    "DeleteRow": Operation(
        pb.DeleteRowRequest, table_name, _write(DELETE, "primary_key", pb.DeleteRowResponse)
    ),
    "BatchGetRow": Operation(pb.BatchGetRowRequest, _batch_tables, _batch_get_row),
    "BatchWriteRow": Operation(pb.BatchWriteRowRequest, _batch_tables, _batch_write_row),
    "GetRange": Operation(pb.GetRangeRequest, table_name, _get_range),
}
