"""Argument checks and request pieces shared by the operation families: keys, rows,
conditions and column filters, read options, update cells, tokens and transactions.

Each raises OTSClientError with a message naming the argument, before anything is sent.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models import (
    PK_AUTO_INCR,
    CastType,
    ColumnCondition,
    ComparatorType,
    CompositeColumnCondition,
    Condition,
    LogicalOperator,
    ReturnType,
    Row,
    RowExistenceExpectation,
    SecondaryIndexMeta,
    SecondaryIndexType,
    SingleColumnCondition,
    SingleColumnRegexCondition,
)
from alicloud_storage.tablestore.validation import check_int, check_name, coerce_enum
from alicloud_storage.tablestore.wire import enums, pb, plainbuffer
from alicloud_storage.tablestore.wire.filter_values import encode_filter_value
from alicloud_storage.tablestore.wire.plainbuffer import CellOp

__all__ = [
    "RANGE_BOUNDS",
    "UpdateCell",
    "primary_key",
    "row",
    "condition",
    "filter_bytes",
    "return_content",
    "read_options",
    "secondary_index",
    "token",
    "transaction",
    "update_cells",
]

RANGE_BOUNDS = (plainbuffer.INF_MIN, plainbuffer.INF_MAX)
UpdateCell = Tuple[str, Any, Optional[int], Optional[CellOp]]

# A secondary index's type and the update mode the service requires for it.
_INDEX_MODES = {
    SecondaryIndexType.GLOBAL_INDEX: (enums.IndexType.IT_GLOBAL_INDEX, enums.IndexUpdateMode.IUM_ASYNC_INDEX),
    SecondaryIndexType.LOCAL_INDEX: (enums.IndexType.IT_LOCAL_INDEX, enums.IndexUpdateMode.IUM_SYNC_INDEX),
}

_UPDATE_OPS = {
    "PUT": None,
    "DELETE": CellOp.DELETE_ONE_VERSION,
    "DELETE_ALL": CellOp.DELETE_ALL_VERSIONS,
    "INCREMENT": CellOp.INCREMENT,
}


def primary_key(value: Any, what: str = "primary_key", allowed: Tuple[Any, ...] = ()) -> List[Tuple[str, Any]]:
    """A key as a list of (name, value); the sentinels INF_MIN / INF_MAX / PK_AUTO_INCR
    only where ``allowed`` (range bounds; the auto-increment column of a put)."""
    if isinstance(value, Row):
        value = value.primary_key
    if not isinstance(value, (list, tuple)) or not value:
        raise OTSClientError(f"{what} must be a non-empty list of (name, value) tuples, not {value!r}")
    for column in value:
        if not isinstance(column, (list, tuple)) or len(column) != 2:
            raise OTSClientError(f"each column of {what} must be a (name, value) tuple, not {column!r}")
        sentinel = column[1]
        if (sentinel in RANGE_BOUNDS or sentinel is PK_AUTO_INCR) and sentinel not in allowed:
            where = "get_range bounds" if sentinel in RANGE_BOUNDS else "the key of a put"
            raise OTSClientError(f"{what} column {column[0]!r}: {sentinel!r} is only allowed in {where}")
    return list(value)


def row(value: Any, what: str = "row") -> Row:
    """``value`` itself when it is a Row."""
    if not isinstance(value, Row):
        raise OTSClientError(f"{what} must be an instance of Row, not {type(value).__name__}")
    return value


def condition(value: Any) -> Any:
    """The pb.Condition of a Condition (None: IGNORE)."""
    message = pb.Condition()
    if value is None:
        message.row_existence = enums.RowExistenceExpectation.IGNORE
        return message
    if not isinstance(value, Condition):
        raise OTSClientError(f"condition must be an instance of Condition, not {type(value).__name__}")
    message.row_existence = enums.RowExistenceExpectation[RowExistenceExpectation(value.row_existence_expectation).name]
    if value.column_condition is not None:
        message.column_condition = filter_bytes(value.column_condition)
    return message


def _filter_message(column_condition: ColumnCondition) -> Any:
    message = pb.Filter()
    if isinstance(column_condition, CompositeColumnCondition):
        if not column_condition.sub_conditions:
            raise OTSClientError("CompositeColumnCondition needs at least one sub-condition")
        if column_condition.combinator == LogicalOperator.NOT and len(column_condition.sub_conditions) != 1:
            raise OTSClientError("a NOT CompositeColumnCondition takes exactly one sub-condition")
        composite = pb.CompositeColumnValueFilter()
        composite.combinator = enums.LogicalOperator["LO_" + LogicalOperator(column_condition.combinator).name]
        for sub in column_condition.sub_conditions:
            composite.sub_filters.append(_filter_message(sub))
        message.type = enums.FilterType.FT_COMPOSITE_COLUMN_VALUE
        message.filter = composite.SerializeToString()
    elif isinstance(column_condition, (SingleColumnCondition, SingleColumnRegexCondition)):
        single = pb.SingleColumnValueFilter()
        single.comparator = enums.ComparatorType["CT_" + ComparatorType(column_condition.comparator).name]
        single.column_name = column_condition.column_name
        single.column_value = encode_filter_value(column_condition.column_value)
        single.filter_if_missing = not column_condition.get_pass_if_missing()
        single.latest_version_only = column_condition.latest_version_only
        rule = getattr(column_condition, "regex_rule", None)
        if rule is not None:
            single.value_trans_rule.regex = rule.regex
            single.value_trans_rule.cast_type = enums.VariantType[CastType(rule.cast_type).name]
        message.type = enums.FilterType.FT_SINGLE_COLUMN_VALUE
        message.filter = single.SerializeToString()
    else:
        raise OTSClientError(
            "column condition must be a SingleColumnCondition, SingleColumnRegexCondition or "
            f"CompositeColumnCondition, not {type(column_condition).__name__}"
        )
    return message


def filter_bytes(column_condition: Any) -> bytes:
    """A column condition tree as the serialized pb.Filter the service expects."""
    data: bytes = _filter_message(column_condition).SerializeToString()
    return data


def _names(value: Any, what: str) -> List[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise OTSClientError(f"{what} must be a list of column names, not {value!r}")
    return [check_name(name, f"a name in {what}") for name in value]


def secondary_index(message: Any, meta: Any, what: str = "index_meta") -> None:
    """Fill a pb.IndexMeta from a SecondaryIndexMeta (GLOBAL is asynchronous, LOCAL synchronous)."""
    if not isinstance(meta, SecondaryIndexMeta):
        raise OTSClientError(f"{what} must hold SecondaryIndexMeta, not {type(meta).__name__}")
    message.name = check_name(meta.index_name, "index_name")
    message.primary_key.extend(_names(meta.primary_key_names, "primary_key_names"))
    message.defined_column.extend(_names(meta.defined_column_names or [], "defined_column_names"))
    kind = coerce_enum(SecondaryIndexType, meta.index_type, "index_type")
    message.index_type, message.index_update_mode = _INDEX_MODES[kind]


def return_content(message: Any, return_type: Any) -> None:
    """Set ``message.return_content`` from a ReturnType (None: leave it out)."""
    if return_type is None:
        return
    kind = coerce_enum(ReturnType, return_type, "return_type")
    message.return_content.return_type = enums.ReturnType[kind.name]


def _columns_to_get(message_field: Any, columns: Any) -> None:
    if columns is None:
        return
    if isinstance(columns, (str, bytes)) or not isinstance(columns, (list, tuple, set)):
        raise OTSClientError(f"columns_to_get must be a list of column names, not {columns!r}")
    message_field.extend(check_name(name, "a name in columns_to_get") for name in columns)


def _versions(message: Any, max_version: Any, time_range: Any) -> None:
    if max_version is not None:
        message.max_versions = check_int(max_version, "max_version", 1)
    if time_range is not None:
        if isinstance(time_range, (tuple, list)) and len(time_range) == 2:
            message.time_range.start_time = check_int(time_range[0], "time_range start", 0)
            message.time_range.end_time = check_int(time_range[1], "time_range end", 0)
        elif isinstance(time_range, int) and not isinstance(time_range, bool):
            message.time_range.specific_time = check_int(time_range, "time_range", 0)
        else:
            raise OTSClientError(f"time_range must be (start_ms, end_ms) or a timestamp in ms, not {time_range!r}")
    if max_version is None and time_range is None:
        raise OTSClientError("one of max_version and time_range must be given")


def read_options(
    message: Any,
    columns_to_get: Any,
    column_filter: Any,
    max_version: Any,
    time_range: Any,
    start_column: Any,
    end_column: Any,
) -> None:
    """What every read takes: columns, filter, versions and the wide-row column range."""
    _columns_to_get(message.columns_to_get, columns_to_get)
    if column_filter is not None:
        message.filter = filter_bytes(column_filter)
    _versions(message, max_version, time_range)
    if start_column is not None:
        message.start_column = check_name(start_column, "start_column")
    if end_column is not None:
        message.end_column = check_name(end_column, "end_column")


def token(message: Any, value: Any) -> None:
    """Set ``message.token`` (bytes) when given."""
    if value is not None:
        if not isinstance(value, (bytes, bytearray)):
            raise OTSClientError(f"token must be bytes, not {type(value).__name__}")
        message.token = bytes(value)


def transaction(message: Any, transaction_id: Any) -> None:
    """Set ``message.transaction_id`` when given (any str: the service judges the id)."""
    if transaction_id is not None:
        if not isinstance(transaction_id, str):
            raise OTSClientError(f"transaction_id must be a str, not {type(transaction_id).__name__}")
        message.transaction_id = transaction_id


def update_cells(columns: Any) -> List[UpdateCell]:
    """UpdateRow's ``{'put': [...], 'delete': [...], 'delete_all': [...], 'increment': [...]}``."""
    if not isinstance(columns, dict):
        raise OTSClientError(f"the attribute columns of an update must be a dict of kind -> list, not {type(columns).__name__}")
    cells = []
    for kind, items in columns.items():
        op_name = str(kind).upper()
        if op_name not in _UPDATE_OPS:
            raise OTSClientError(f"update kind must be one of put, delete, delete_all, increment, not {kind!r}")
        if not isinstance(items, (list, tuple)):
            raise OTSClientError(f"the columns of update kind {kind!r} must be a list, not {type(items).__name__}")
        op = _UPDATE_OPS[op_name]
        for item in items:
            cells.append(_update_cell(op_name, op, item))
    if not cells:
        raise OTSClientError("an update needs at least one attribute column change")
    return cells


def _update_cell(op_name: str, op: Optional[CellOp], item: Any) -> UpdateCell:
    if isinstance(item, (str, bytes)):
        name, value, timestamp = item, None, None
    elif isinstance(item, (tuple, list)) and len(item) in (2, 3):
        name, value = item[0], item[1]
        timestamp = item[2] if len(item) == 3 else None
    else:
        raise OTSClientError(f"{op_name.lower()} column must be name, (name, value) or (name, value, timestamp), not {item!r}")
    if op is CellOp.DELETE_ONE_VERSION and timestamp is None:
        # ('col', ts) is the short form of ('col', None, ts)
        value, timestamp = None, value
    if op in (CellOp.DELETE_ONE_VERSION, CellOp.DELETE_ALL_VERSIONS):
        value = None
    return (check_name(name, "column name"), value, timestamp, op)
