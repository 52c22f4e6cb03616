"""Column value filters and conditions: the decoded model and its evaluation on a row."""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable, FrozenSet, Optional, Tuple, Union

from alicloud_storage.emulator.tablestore.model import Cells
from alicloud_storage.tablestore.wire.enums import ComparatorType, LogicalOperator

__all__ = [
    "SingleFilter",
    "CompositeFilter",
    "PaginationFilter",
    "Filter",
    "RowCondition",
    "matches",
    "columns",
    "count_nodes",
    "EQUAL", "NOT_EQUAL", "GREATER_THAN", "GREATER_EQUAL", "LESS_THAN", "LESS_EQUAL", "EXIST", "NOT_EXIST",
    "NOT", "AND", "OR",
]

# ComparatorType numbers of table_store_filter.proto.
EQUAL, NOT_EQUAL, GREATER_THAN, GREATER_EQUAL, LESS_THAN, LESS_EQUAL, EXIST, NOT_EXIST = ComparatorType
# LogicalOperator numbers.
NOT, AND, OR = LogicalOperator

_COMPARE: "dict[int, Callable[[Any, Any], bool]]" = {
    EQUAL: operator.eq,
    NOT_EQUAL: operator.ne,
    GREATER_THAN: operator.gt,
    GREATER_EQUAL: operator.ge,
    LESS_THAN: operator.lt,
    LESS_EQUAL: operator.le,
}


@dataclass(frozen=True)
class SingleFilter:
    """Compare one column with a value; what a missing column means is ``pass_if_missing``."""

    comparator: int
    column: str
    value: Any
    pass_if_missing: bool = True
    latest_version_only: bool = True


@dataclass(frozen=True)
class CompositeFilter:
    """NOT / AND / OR of sub-filters."""

    combinator: int
    children: Tuple["Filter", ...]


@dataclass(frozen=True)
class PaginationFilter:
    """Return columns [offset, offset + limit) of a row (wide-row paging)."""

    offset: int
    limit: int


Filter = Union[SingleFilter, CompositeFilter, PaginationFilter]


@dataclass(frozen=True)
class RowCondition:
    """Row existence expectation (0 IGNORE, 1 EXPECT_EXIST, 2 EXPECT_NOT_EXIST) + column filter."""

    existence: int = 0
    column_filter: Optional[Filter] = None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "str"
    return "bytes"


def _compare(comparator: int, cell: Any, value: Any) -> bool:
    if _kind(cell) != _kind(value):
        return comparator == NOT_EQUAL
    if isinstance(cell, (bytes, bytearray)):
        cell, value = bytes(cell), bytes(value)
    return _COMPARE[comparator](cell, value)


def _single(node: SingleFilter, cells: Cells) -> bool:
    versions = cells.get(node.column)
    if node.comparator == EXIST:
        return bool(versions)
    if node.comparator == NOT_EXIST:
        return not versions
    if not versions:
        return node.pass_if_missing
    candidates = versions[:1] if node.latest_version_only else versions
    return any(_compare(node.comparator, v, node.value) for _, v in candidates)


def matches(node: Optional[Filter], cells: Cells) -> bool:
    """Whether a row with these cells (newest version first) passes the filter."""
    if node is None or isinstance(node, PaginationFilter):
        return True
    if isinstance(node, SingleFilter):
        return _single(node, cells)
    if node.combinator == NOT:
        return not matches(node.children[0], cells)
    if node.combinator == AND:
        return all(matches(child, cells) for child in node.children)
    return any(matches(child, cells) for child in node.children)


def columns(node: Optional[Filter]) -> FrozenSet[str]:
    """The columns whose cells decide ``matches``: a read decodes these (and what it returns) only."""
    if isinstance(node, SingleFilter):
        return frozenset((node.column,))
    if isinstance(node, CompositeFilter):
        return frozenset().union(*(columns(child) for child in node.children))
    return frozenset()


def count_nodes(node: Optional[Filter]) -> int:
    """Single and composite nodes in the tree (the service caps them)."""
    if node is None or isinstance(node, PaginationFilter):
        return 0
    if isinstance(node, SingleFilter):
        return 1
    return 1 + sum(count_nodes(child) for child in node.children)

