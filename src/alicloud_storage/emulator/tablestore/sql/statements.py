"""SQLQuery: parse one statement (sqlglot, MySQL dialect) and run it.

CREATE TABLE makes a mapping over an existing data table, DROP MAPPING TABLE removes it
(never the data), DESCRIBE/DESC and SHOW TABLES read mappings, SELECT runs over one
mapping (select.py). DDL answers carry no result set (reference/tablestore-breadth-facts.md
§8: the official Python decoder hangs on an empty one).
"""
from __future__ import annotations

import logging
import re
from typing import Any, List, Optional, Tuple, cast

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.handlers import Context
from alicloud_storage.emulator.tablestore.sql import errors as E
from alicloud_storage.emulator.tablestore.sql import mappings
from alicloud_storage.emulator.tablestore.sql.mappings import PK_SQL_TYPES, SQL_TYPES, Mapping, MappingColumn
from alicloud_storage.emulator.tablestore.sql.select import run_select
from alicloud_storage.tablestore.wire import pb
from alicloud_storage.tablestore.wire.enums import SQLPayloadVersion, SQLStatementType
from alicloud_storage.tablestore.wire.sql_result import DataType, ResultColumn, encode_columns

__all__ = ["sql_query"]

_DROP_MAPPING = re.compile(r"mapping\s+table\s+(if\s+exists\s+)?`?([A-Za-z_][A-Za-z0-9_]*)`?\s*;?\s*$", re.I)
_DESCRIBE_HEADERS = ("Field", "Type", "Null", "Key", "Default", "Extra")
# sqlglot logs a warning for each statement it keeps as an opaque Command (DROP MAPPING TABLE).
logging.getLogger("sqlglot").setLevel(logging.ERROR)

# Statements the service knows but the emulator does not run: "Operation not supported".
_STATEMENTS = (exp.DML, exp.DDL, exp.Query, exp.Drop, exp.Alter, exp.Use, exp.Set, exp.TruncateTable)

_Answer = Tuple[SQLStatementType, Optional[List[ResultColumn]], List[Tuple[str, int]]]


def _parse(query: str) -> exp.Expression:
    try:
        statements = [s for s in sqlglot.parse(query, read="mysql") if s is not None]
    except SqlglotError as exc:
        raise E.SYNTAX.error(detail=str(exc).splitlines()[0]) from None
    if len(statements) != 1:
        raise E.SYNTAX.error(detail="exactly one statement is expected")
    return cast(exp.Expression, statements[0])


def _table_name(node: Any) -> str:
    if not isinstance(node, exp.Table) or node.args.get("db") or node.args.get("catalog"):
        raise E.UNSUPPORTED.error()
    return str(node.name)


def _mapping(ctx: Context, name: str) -> Mapping:
    mapping = mappings.get(ctx.storage.connection, ctx.instance, name)
    if mapping is None:
        raise E.TABLE_NOT_EXIST.error(instance=ctx.instance, table=name)
    return mapping


def _create(ctx: Context, node: exp.Create) -> _Answer:
    schema = node.this
    if str(node.args.get("kind", "")).upper() != "TABLE" or not isinstance(schema, exp.Schema) \
            or node.expression is not None:
        raise E.UNSUPPORTED.error()
    name = _table_name(schema.this)
    keys: List[str] = []
    definitions: List[Tuple[str, str]] = []
    for item in schema.expressions:
        if isinstance(item, exp.PrimaryKey):
            keys.extend(part.name for part in item.expressions)
        elif isinstance(item, exp.ColumnDef):
            kind = item.args.get("kind")
            type_name = kind.this.name if isinstance(kind, exp.DataType) else ""
            definitions.append((item.name, type_name))
            for constraint in item.constraints:
                if isinstance(constraint.kind, exp.PrimaryKeyColumnConstraint):
                    keys.append(item.name)
        else:
            raise E.UNSUPPORTED.error()
    if mappings.get(ctx.storage.connection, ctx.instance, name) is not None:
        if node.args.get("exists"):
            return SQLStatementType.SQL_CREATE_TABLE, None, []
        raise E.TABLE_EXISTS.error(instance=ctx.instance, table=name)
    try:
        info = ctx.engine.describe_table(ctx.instance, name)
    except TablestoreError:
        raise E.TABLE_NOT_EXIST.error(instance=ctx.instance, table=name) from None
    columns = []
    lowered_keys = [k.lower() for k in keys]
    for column, type_name in definitions:
        if type_name not in SQL_TYPES:
            raise E.TYPE_NOT_SUPPORTED.error(type=type_name.lower(), column=column)
        is_key = column.lower() in lowered_keys
        if is_key and type_name not in PK_SQL_TYPES:
            raise E.TYPE_NOT_SUPPORTED.error(type=type_name.lower(), column=column)
        kind, sql_type = SQL_TYPES[type_name]
        columns.append(MappingColumn(column, kind, sql_type, is_key))
    by_name = {c.name.lower(): c for c in columns}
    declared = [(by_name[k].name, by_name[k].kind) if k in by_name else (k, "") for k in lowered_keys]
    expected = [(c.name, c.type) for c in info.primary_key]
    if [(n.lower(), t) for n, t in declared] != [(n.lower(), t) for n, t in expected]:
        raise E.PK_MISMATCH.error(table=name, detail=f"expected {expected}, got {declared}")
    mappings.put(ctx.storage.connection, ctx.instance, Mapping(info.name, tuple(columns)))
    return SQLStatementType.SQL_CREATE_TABLE, None, []


def _drop(ctx: Context, text: str) -> _Answer:
    match = _DROP_MAPPING.match(text.strip())
    if match is None:
        raise E.UNSUPPORTED.error()
    if not mappings.delete(ctx.storage.connection, ctx.instance, match.group(2)) and not match.group(1):
        raise E.TABLE_NOT_EXIST.error(instance=ctx.instance, table=match.group(2))
    return SQLStatementType.SQL_DROP_TABLE, None, []


def _describe(ctx: Context, node: exp.Describe) -> _Answer:
    mapping = _mapping(ctx, _table_name(node.this))
    rows = [
        (c.name, c.sql_type, "NO" if c.primary_key else "YES", "PRI" if c.primary_key else "", None, "")
        for c in mapping.columns
    ]
    columns = [
        ResultColumn(header, DataType.STRING, [row[i] for row in rows])
        for i, header in enumerate(_DESCRIBE_HEADERS)
    ]
    return SQLStatementType.SQL_DESCRIBE_TABLE, columns, []


def _show(ctx: Context, node: exp.Show) -> _Answer:
    if str(node.name).upper() != "TABLES" or len(node.args) > 2 and any(
        node.args.get(k) for k in node.args if k not in ("this", "json", "terse", "full")
    ):
        raise E.UNSUPPORTED.error()
    names = mappings.names(ctx.storage.connection, ctx.instance)
    return SQLStatementType.SQL_SHOW_TABLE, [ResultColumn(f"Tables_in_{ctx.instance}", DataType.STRING, names)], []


def _select(ctx: Context, node: exp.Select) -> _Answer:
    source = node.args.get("from_") or node.args.get("from")
    if source is None:
        raise E.UNSUPPORTED.error()
    mapping = _mapping(ctx, _table_name(source.this))
    try:
        ctx.engine.describe_table(ctx.instance, mapping.name)
    except TablestoreError:  # the data table went away under its mapping
        raise E.TABLE_NOT_EXIST.error(instance=ctx.instance, table=mapping.name) from None
    columns, read_cu = run_select(ctx.engine, ctx.instance, mapping, node)
    return SQLStatementType.SQL_SELECT, columns, [(mapping.name, read_cu)]


def sql_query(ctx: Context, request: Any) -> Any:
    """Run the request's statement: the SQLQueryResponse (rows only for queries)."""
    node = _parse(request.query)
    if isinstance(node, exp.Select):
        answer = _select(ctx, node)
    elif isinstance(node, exp.Create):
        answer = _create(ctx, node)
    elif isinstance(node, exp.Describe):
        answer = _describe(ctx, node)
    elif isinstance(node, exp.Show):
        answer = _show(ctx, node)
    elif isinstance(node, exp.Command) and str(node.this).lower() == "drop":
        answer = _drop(ctx, str(node.expression or ""))
    elif isinstance(node, _STATEMENTS):
        raise E.UNSUPPORTED.error()
    else:  # an opaque Command or a bare expression: not a statement
        raise E.SYNTAX.error(detail=f"near '{request.query[:80]}'")
    kind, columns, consumes = answer
    response = pb.SQLQueryResponse(type=kind, version=SQLPayloadVersion.SQL_FLAT_BUFFERS)
    if columns is not None:
        response.rows = encode_columns(columns)
    for table, read_cu in consumes:
        item = response.consumes.add(table_name=table)
        item.consumed.capacity_unit.read = read_cu
        item.consumed.capacity_unit.write = 0
    return response
