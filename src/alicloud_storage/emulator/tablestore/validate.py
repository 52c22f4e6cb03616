"""Request syntax checks that run before any table lookup (reference/tablestore-facts.md §4.3)."""
from __future__ import annotations

import math
from typing import Any, Iterable, Sequence, Tuple

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import limits
from alicloud_storage.emulator.tablestore.filters import CompositeFilter, Filter, SingleFilter, count_nodes
from alicloud_storage.tablestore.wire.plainbuffer import AUTO_INCREMENT, INF_MAX, INF_MIN, CellOp

__all__ = [
    "table_name",
    "column_name",
    "primary_key",
    "write_cells",
    "columns_to_get",
    "filter_tree",
    "value_size",
    "text_size",
    "wire_type",
    "PrimaryKey",
]

PrimaryKey = Sequence[Tuple[str, Any]]


def wire_type(value: Any) -> str:
    """The service's VT_* name of a value."""
    if value is INF_MIN:
        return "VT_INF_MIN"
    if value is INF_MAX:
        return "VT_INF_MAX"
    if value is AUTO_INCREMENT:
        return "VT_AUTO_INCREMENT"
    if isinstance(value, bool):
        return "VT_BOOLEAN"
    if isinstance(value, int):
        return "VT_INTEGER"
    if isinstance(value, float):
        return "VT_DOUBLE"
    if isinstance(value, str):
        return "VT_STRING"
    return "VT_BLOB"


def text_size(text: str) -> int:
    """UTF-8 length of a name or string value (fast for ASCII)."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def value_size(value: Any) -> int:
    """Bytes a value counts for in size limits and capacity units."""
    kind = type(value)
    if kind is str:
        return text_size(value)
    if kind is int or kind is float:
        return 8
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, float)):
        return 8
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    return 0  # INF_MIN / INF_MAX / AUTO_INCREMENT


def table_name(name: str) -> None:
    """Reject names outside ``[A-Za-z_][A-Za-z0-9_]{0,254}``."""
    if not limits.TABLE_NAME.fullmatch(name):
        raise E.INVALID_TABLE_NAME.error(name=name)


def column_name(name: str) -> None:
    """Reject empty, over-long or '#'-prefixed column names."""
    size = len(name.encode("utf-8"))
    if size == 0 or size > limits.COLUMN_NAME_MAX_BYTES or name.startswith("#"):
        raise E.INVALID_COLUMN_NAME.error(name=name)


def primary_key(pk: PrimaryKey, *, allow_inf: bool = False, max_columns: int = limits.PK_COLUMNS_MAX) -> None:
    """Column count, names, INF markers and value lengths of a primary key (reads of an
    index table pass the longer ``max_columns`` of index keys)."""
    if not pk:
        raise E.EMPTY_PK.error()
    if len(pk) > max_columns:
        raise E.PK_COUNT.error()
    for name, value in pk:
        column_name(name)
        if (value is INF_MIN or value is INF_MAX) and not allow_inf:
            raise E.INF_IN_PRIMARY_KEY.error(type=wire_type(value))
        if isinstance(value, (str, bytes, bytearray)):
            size = value_size(value)
            if size > limits.PK_VALUE_MAX_BYTES:
                raise E.PK_VALUE_TOO_LONG.error(name=name, limit=limits.PK_VALUE_MAX_BYTES, length=size)


def _cell_value(name: str, value: Any) -> None:
    if value is INF_MIN or value is INF_MAX or value is AUTO_INCREMENT:
        raise E.INVALID_ATTRIBUTE_TYPE.error(type=wire_type(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise (E.NAN_DOUBLE if math.isnan(value) else E.INFINITE_DOUBLE).error()
    if isinstance(value, (str, bytes, bytearray)):
        size = value_size(value)
        if size > limits.ATTR_VALUE_MAX_BYTES:
            raise E.ATTR_VALUE_TOO_LONG.error(name=name, limit=limits.ATTR_VALUE_MAX_BYTES, length=size)


def _timestamp(ts: Any) -> None:
    if ts is not None and not 0 <= ts < limits.TIMESTAMP_MAX_MS:
        raise E.TIMESTAMP_RANGE.error()


def write_cells(cells: Sequence[Tuple[str, Any, Any, Any]], *, update: bool) -> None:
    """Names, values, timestamps, ops and count of the attribute cells of one write."""
    if len(cells) > limits.ATTRS_PER_WRITE:
        raise E.TOO_MANY_ATTRIBUTES.error(limit=limits.ATTRS_PER_WRITE, count=len(cells))
    for name, value, ts, op in cells:
        column_name(name)
        _timestamp(ts)
        if op is None:
            if value is None:
                raise E.BROKEN_ROW.error(detail=f"missing value of column '{name}'")
            _cell_value(name, value)
        elif not update:
            raise E.OP_TYPE_IN_PUT.error(name=name)
        elif op in (CellOp.DELETE_ONE_VERSION, CellOp.DELETE_ALL_VERSIONS) and value is not None:
            raise E.VALUE_WITH_DELETE.error()
        elif op == CellOp.DELETE_ONE_VERSION and ts is None:
            raise E.DELETE_ONE_NEEDS_TS.error()
        elif op == CellOp.DELETE_ALL_VERSIONS and ts is not None:
            raise E.DELETE_ALL_NO_TS.error()
        elif op == CellOp.INCREMENT:
            if ts is not None:
                raise E.INCREMENT_WITH_TS.error()
            if isinstance(value, bool) or not isinstance(value, int):
                raise E.INCREMENT_NOT_INTEGER.error(name=name)


def columns_to_get(names: Iterable[str]) -> None:
    """Names and count of a read's column list."""
    names = list(names)
    if len(names) > limits.COLUMNS_TO_GET:
        raise E.TOO_MANY_COLUMNS_TO_GET.error(limit=limits.COLUMNS_TO_GET, count=len(names))
    for name in names:
        column_name(name)


def filter_tree(node: "Filter | None") -> None:
    """The node cap and the column names of a filter or condition."""
    if count_nodes(node) > limits.FILTER_NODES:
        raise E.FILTER_COUNT.error(limit=limits.FILTER_NODES)
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, SingleFilter):
            column_name(current.column)
        elif isinstance(current, CompositeFilter):
            stack.extend(current.children)
