"""SELECT over one mapping table: scan in primary-key order, filter, group, order, limit.

Rows come from the engine's GetRange (the same visibility rules: TTL, versions) in
primary-key order, each as a tuple of the mapping's columns (None for an absent cell).
Groups keep their rows in scan order, so SUM/AVG of doubles add in primary-key order,
as the service does. At most ``SCAN_QUOTA_ROWS`` rows may be scanned.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from sqlglot import exp

from alicloud_storage.emulator.tablestore.engine import FORWARD, Engine, ReadOptions
from alicloud_storage.emulator.tablestore.sql import errors as E
from alicloud_storage.emulator.tablestore.sql.expressions import (
    Aggregate,
    Compiled,
    Scope,
    compile_expression,
    sort_key,
    truth,
)
from alicloud_storage.emulator.tablestore.sql.mappings import Mapping
from alicloud_storage.tablestore.wire.plainbuffer import INF_MAX, INF_MIN
from alicloud_storage.tablestore.wire.sql_result import ResultColumn

__all__ = ["SCAN_QUOTA_ROWS", "SelectResult", "compute_aggregate", "run_select"]

SCAN_QUOTA_ROWS = 100000
_READ = ReadOptions(max_versions=1)
_PY_TYPES: Dict[str, Tuple[type, ...]] = {
    "INTEGER": (int,), "DOUBLE": (float,), "STRING": (str,), "BINARY": (bytes, bytearray), "BOOLEAN": (bool,),
}
_TYPE_NAMES = {int: "INTEGER", float: "DOUBLE", str: "STRING", bytes: "BINARY", bytearray: "BINARY", bool: "BOOLEAN"}

SelectResult = Tuple[List[ResultColumn], int]


def _scan(engine: Engine, instance: str, mapping: Mapping) -> Tuple[List[Tuple[Any, ...]], int]:
    """Every row of the data table as a mapping-ordered tuple, and the read CU consumed."""
    names = [c.name for c in mapping.columns]
    position = {name: i for i, name in enumerate(names)}
    checks = [(_PY_TYPES[c.kind], c.kind, c.name) for c in mapping.columns]
    width = len(names)
    start: Any = [(c.name, INF_MIN) for c in mapping.columns if c.primary_key]
    end = [(name, INF_MAX) for name, _ in start]
    rows: List[Tuple[Any, ...]] = []
    read_cu = 0
    while start is not None:
        result = engine.get_range(instance, mapping.name, FORWARD, start, end, _READ)
        read_cu += result.consumed.read
        for row in result.rows:
            pk = row.primary_key
            values: List[Any] = [None] * width
            for name, value in pk:
                index = position.get(name)
                if index is not None:
                    values[index] = value
            for name, cell, _, _ in row.cells:
                index = position.get(name)
                if index is not None:
                    values[index] = cell
            for index, value in enumerate(values):
                if value is not None:
                    types, expect, column = checks[index]
                    if type(value) is bytearray and expect == "BINARY":
                        values[index] = bytes(value)  # hashable, for GROUP BY and DISTINCT
                    elif type(value) not in types:
                        raise E.FIELD_TYPE_MISMATCH.error(
                            actual=_TYPE_NAMES.get(type(value), type(value).__name__), expect=expect,
                            column=column, primary_key=json.dumps({"PrimaryKeys": [
                                _json_key(v) for _, v in pk]}, separators=(",", ":")),
                        )
            rows.append(tuple(values))
            if len(rows) > SCAN_QUOTA_ROWS:
                raise E.SCAN_QUOTA.error(quota=SCAN_QUOTA_ROWS)
        start = result.next_start
    return rows, read_cu


def _json_key(value: Any) -> Any:
    """A primary key value as the error text shows it (binary as hex)."""
    return value if isinstance(value, (int, str)) else bytes(value).hex()


def compute_aggregate(aggregate: Aggregate, rows: Sequence[Sequence[Any]]) -> Any:
    """One aggregate over a group's rows, in their (primary-key) order."""
    fns = [arg.fn for arg in aggregate.args]
    if aggregate.name == "count":
        if not fns:
            return len(rows)
        tuples = [tuple(fn(row) for fn in fns) for row in rows]
        present = [t for t in tuples if None not in t]
        return len(set(present)) if aggregate.distinct else len(present)
    fn = fns[0]
    values = [v for v in (fn(row) for row in rows) if v is not None]
    if aggregate.distinct:
        values = list(dict.fromkeys(values))
    if not values:
        return None
    if aggregate.name in ("sum", "avg"):
        total: Any = 0 if aggregate.name == "sum" and all(isinstance(v, int) for v in values) else 0.0
        for value in values:  # plain left-to-right addition: the service's order and rounding
            total += value
        return total if aggregate.name == "sum" else total / len(values)
    keys = [sort_key(v) for v in values]
    pick = min if aggregate.name == "min" else max
    return values[keys.index(pick(keys))]


def _int_clause(node: Optional[exp.Expression]) -> Optional[int]:
    if node is None:
        return None
    value = node.args.get("expression") if isinstance(node, (exp.Limit, exp.Offset)) else node
    if not isinstance(value, exp.Literal) or value.is_string or not value.this.isdigit():
        raise E.BAD_LIMIT.error()
    return int(value.this)


def _output_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Alias):
        return node.alias
    if isinstance(node, exp.Column):
        return node.name
    return node.sql(dialect="mysql")


def _check_shape(select: exp.Select) -> None:
    for key in ("joins", "laterals", "windows", "with", "into", "qualify"):
        if select.args.get(key):
            raise E.UNSUPPORTED.error()
    distinct = select.args.get("distinct")
    if distinct is not None and distinct.args.get("on") is not None:
        raise E.UNSUPPORTED.error()


def run_select(engine: Engine, instance: str, mapping: Mapping, select: exp.Select) -> SelectResult:
    """Execute ``select`` over ``mapping``: the result columns and the read CU consumed."""
    _check_shape(select)
    items: List[exp.Expression] = []
    for item in select.expressions:
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):
            items.extend(exp.column(c.name) for c in mapping.columns)
        else:
            items.append(item)
    where = select.args.get("where")
    where_fn = compile_expression(where.this, Scope(mapping, "where clause")).fn if where else None
    group = select.args.get("group")
    having = select.args.get("having")
    order = select.args.get("order")
    aggregates: List[Aggregate] = []
    field_scope = Scope(mapping, "field list", aggregates)
    outputs: List[Compiled] = []
    for item in items:
        outputs.append(compile_expression(item.this if isinstance(item, exp.Alias) else item, field_scope))
    aliases = {
        item.alias.lower(): out for item, out in zip(items, outputs) if isinstance(item, exp.Alias)
    }

    def resolve(node: exp.Expression, clause: str) -> Compiled:
        if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
            position = int(node.this)
            if not 1 <= position <= len(outputs):
                raise E.UNKNOWN_COLUMN.error(column=node.this, clause=clause)
            return outputs[position - 1]
        return compile_expression(node, Scope(mapping, clause, aggregates, aliases))

    group_fns = [resolve(node, "group statement").fn for node in group.expressions] if group else []
    having_fn = resolve(having.this, "having clause").fn if having else None
    order_keys = [(resolve(o.this, "order clause").fn, bool(o.args.get("desc"))) for o in order.expressions] \
        if order else []
    grouped = bool(group) or bool(aggregates)
    if having_fn is not None and not grouped:
        grouped = True

    rows, read_cu = _scan(engine, instance, mapping)
    if where_fn is not None:
        rows = [row for row in rows if truth(where_fn(row))]
    envs: List[Sequence[Any]]
    if grouped:
        groups: Dict[Tuple[Any, ...], List[Tuple[Any, ...]]] = {}
        if group_fns:
            for row in rows:
                groups.setdefault(tuple(fn(row) for fn in group_fns), []).append(row)
        else:
            groups[()] = rows
        empty = (None,) * len(mapping.columns)
        envs = []
        for members in groups.values():
            env = (members[0] if members else empty) + tuple(compute_aggregate(a, members) for a in aggregates)
            if having_fn is None or truth(having_fn(env)):
                envs.append(env)
    else:
        envs = list(rows)
    for fn, desc in reversed(order_keys):
        envs.sort(key=_keyed(fn), reverse=desc)
    limit = _int_clause(select.args.get("limit"))
    offset = _int_clause(select.args.get("offset")) or 0
    if limit is not None and isinstance(select.args.get("limit"), exp.Limit) and select.args["limit"].args.get("offset"):
        offset = _int_clause(select.args["limit"].args["offset"]) or 0
    fns = [out.fn for out in outputs]
    results = [tuple(fn(env) for fn in fns) for env in envs]
    if select.args.get("distinct") is not None:
        results = list(dict.fromkeys(results))
    results = results[offset:] if limit is None else results[offset:offset + limit]
    columns = [
        ResultColumn(_output_name(item), out.kind, [result[i] for result in results])
        for i, (item, out) in enumerate(zip(items, outputs))
    ]
    return columns, read_cu


def _keyed(fn: Callable[[Sequence[Any]], Any]) -> Callable[[Sequence[Any]], Any]:
    return lambda env: sort_key(fn(env))
