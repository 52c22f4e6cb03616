"""Row-level models: rows, columns, primary-key sentinels and the small enums of the row APIs.

A primary key is a list of ``(name, value)`` tuples; attribute columns are
``(name, value[, timestamp])`` tuples (PutRow) or a dict of update kinds (UpdateRow):
``{'put': [(n, v[, ts])], 'delete': [(n, None, ts)], 'delete_all': [n], 'increment': [(n, delta)]}``.
Rows returned by the service have ``attribute_columns`` as ``[(name, value, timestamp)]``.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Any, List, Optional

from alicloud_storage.tablestore.wire.plainbuffer import AUTO_INCREMENT, INF_MAX, INF_MIN

__all__ = [
    "INF_MIN",
    "INF_MAX",
    "PK_AUTO_INCR",
    "ColumnType",
    "ReturnType",
    "Direction",
    "UpdateType",
    "Column",
    "Row",
    "ColumnReturnType",
    "ColumnsToGet",
]


# The codec's singletons: what users put in a key is what the encoder recognises.
PK_AUTO_INCR = AUTO_INCREMENT
"""Auto-increment: as a schema option in TableMeta, or as the value to fill in PutRow."""


class _StrEnum(str, Enum):
    """A str Enum whose members compare equal to (and print as) their values."""

    def __str__(self) -> str:
        return str(self.value)


class ColumnType(_StrEnum):
    """Column value types, as the strings used in TableMeta schemas."""

    STRING = "STRING"
    INTEGER = "INTEGER"
    BOOLEAN = "BOOLEAN"
    DOUBLE = "DOUBLE"
    BINARY = "BINARY"
    INF_MIN = "INF_MIN"
    INF_MAX = "INF_MAX"


class ReturnType(_StrEnum):
    """What a write returns: nothing or the primary key (e.g. the auto-increment value)."""

    RT_NONE = "RT_NONE"
    RT_PK = "RT_PK"


class Direction(_StrEnum):
    """GetRange scan direction."""

    FORWARD = "FORWARD"
    BACKWARD = "BACKWARD"


class UpdateType(_StrEnum):
    """Kinds of change in an UpdateRow attribute dict."""

    PUT = "PUT"
    DELETE = "DELETE"
    DELETE_ALL = "DELETE_ALL"
    INCREMENT = "INCREMENT"


class Column:
    """One attribute column value with an optional timestamp (ms)."""

    def __init__(self, name: str, value: Any = None, timestamp: Optional[int] = None) -> None:
        self.name = name
        self.value = value
        self.timestamp = timestamp

    def set_timestamp(self, timestamp: int) -> None:
        self.timestamp = timestamp

    def get_name(self) -> str:
        return self.name

    def get_value(self) -> Any:
        return self.value

    def get_timestamp(self) -> Optional[int]:
        return self.timestamp

    def __repr__(self) -> str:
        return f"Column({self.name!r}, {self.value!r}, {self.timestamp!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Column) and (self.name, self.value, self.timestamp) == (
            other.name,
            other.value,
            other.timestamp,
        )


@dataclass
class Row:
    """A primary key and its attribute columns."""

    primary_key: Any
    attribute_columns: Any = None


class ColumnReturnType(IntEnum):
    """Which columns a search returns."""

    ALL = 1
    SPECIFIED = 2
    NONE = 3
    ALL_FROM_INDEX = 4


class ColumnsToGet:
    """Columns a search returns: names plus a ColumnReturnType."""

    def __init__(self, column_names: Optional[List[str]] = None, return_type: ColumnReturnType = ColumnReturnType.NONE) -> None:
        self.column_names = [] if column_names is None else list(column_names)
        self.return_type = return_type

    def __repr__(self) -> str:
        return f"ColumnsToGet({self.column_names!r}, {ColumnReturnType(self.return_type).name})"
