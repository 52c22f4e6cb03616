"""Search aggregations and group-bys, and their results.

Names, constructor signatures and attribute names are those of the official ``tablestore``
package (its aggregation.py and group_by.py). ``type`` is the protocol's AggregationType /
GroupByType number; the client checks and encodes these models (operations/search.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

from alicloud_storage.tablestore.models.search import Query, Sort, SortOrder
from alicloud_storage.tablestore.wire.enums import DateTimeUnit, GeoHashPrecision  # the official member names

__all__ = [
    "Agg",
    "Max",
    "Min",
    "Avg",
    "Sum",
    "Count",
    "DistinctCount",
    "Percentiles",
    "TopRows",
    "AggResult",
    "PercentilesResultItem",
    "GroupKeySort",
    "RowCountSort",
    "SubAggSort",
    "BaseGroupBy",
    "GroupByField",
    "GroupByRange",
    "GroupByFilter",
    "GeoPoint",
    "GroupByGeoDistance",
    "FieldRange",
    "GroupByHistogram",
    "DateTimeUnit",
    "DateTimeValue",
    "GroupByDateHistogram",
    "GeoHashPrecision",
    "GroupByGeoGrid",
    "GroupByComposite",
    "GroupByResult",
    "BaseGroupByResultItem",
    "GroupByFieldResultItem",
    "GroupByRangeResultItem",
    "GroupByFilterResultItem",
    "GroupByGeoDistanceResultItem",
    "GroupByHistogramResultItem",
    "GroupByDateHistogramResultItem",
    "GeoGrid",
    "GroupByGeoGridResultItem",
    "GroupByCompositeResultItem",
]


# --- aggregations ------------------------------------------------------------------------
class Agg:
    """An aggregation over the matched rows: its field, value for rows without it, name, type."""

    def __init__(self, field: str, missing_value: Any, name: str, agg_type: int) -> None:
        self.field = field
        self.missing = missing_value
        self.name = name
        self.type = agg_type

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.field!r}, name={self.name!r})"


class Max(Agg):
    """The largest value of a numeric field."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "max") -> None:
        super().__init__(field, missing_value, name, 2)


class Min(Agg):
    """The smallest value of a numeric field."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "min") -> None:
        super().__init__(field, missing_value, name, 3)


class Avg(Agg):
    """The mean of a numeric field's values."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "avg") -> None:
        super().__init__(field, missing_value, name, 1)


class Sum(Agg):
    """The sum of a numeric field's values."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "sum") -> None:
        super().__init__(field, missing_value, name, 4)


class Count(Agg):
    """How many values a field holds over the matched rows."""

    def __init__(self, field: str, name: str = "count") -> None:
        super().__init__(field, None, name, 5)


class DistinctCount(Agg):
    """How many distinct values a field holds over the matched rows."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "distinct_count") -> None:
        super().__init__(field, missing_value, name, 6)


class Percentiles(Agg):
    """The values of a numeric or DATE field at these percentiles (0-100)."""

    def __init__(
        self, field: str, percentiles_list: List[float], missing_value: Any = None, name: str = "percentiles"
    ) -> None:
        super().__init__(field, missing_value, name, 8)
        self.percentiles_list = percentiles_list


@dataclass
class TopRows:
    """The first ``limit`` rows in ``sort`` order (mostly as a group-by's sub-aggregation)."""

    limit: int
    sort: Optional[Sort]
    name: str = "top_rows"
    type: int = field(default=7, init=False)


@dataclass
class AggResult:
    """One aggregation's name and value: a float (avg, max, min, sum), an int (count,
    distinct count), rows (top rows) or PercentilesResultItems."""

    name: str
    value: Any


@dataclass
class PercentilesResultItem:
    """One percentile and the field's value there."""

    key: float
    value: Any


# --- group-bys --------------------------------------------------------------------------
@dataclass
class GroupKeySort:
    """Order groups by their key."""

    sort_order: SortOrder


@dataclass
class RowCountSort:
    """Order groups by their row count."""

    sort_order: SortOrder


@dataclass
class SubAggSort:
    """Order groups by one of their sub-aggregations."""

    sort_order: SortOrder
    sub_agg_name: str


class BaseGroupBy:
    """A group-by: its field (if it has one), sub-aggregations and sub-group-bys run in each
    group, name and type. The subclasses are dataclasses that copy the sub lists."""

    field_name: Optional[str]
    sub_aggs: Optional[List[Any]]
    sub_group_bys: Optional[List[Any]]

    def __init__(
        self, field_name: Optional[str], sub_aggs: Optional[List[Any]], sub_group_bys: Optional[List[Any]],
        name: str, type: int,
    ) -> None:
        self.field_name = field_name
        self.sub_aggs = sub_aggs
        self.sub_group_bys = sub_group_bys
        self.name = name
        self.type = type

    def __post_init__(self) -> None:
        self.sub_aggs = list(self.sub_aggs or [])
        self.sub_group_bys = list(self.sub_group_bys or [])

    def add_sub_agg(self, agg: Any) -> None:
        """Add a sub-aggregation."""
        self.sub_aggs = self.sub_aggs if self.sub_aggs is not None else []
        self.sub_aggs.append(agg)

    def add_sub_group_by(self, group_by: Any) -> None:
        """Add a sub-group-by."""
        self.sub_group_bys = self.sub_group_bys if self.sub_group_bys is not None else []
        self.sub_group_bys.append(group_by)


@dataclass
class GroupByField(BaseGroupBy):
    """Group by the values of a field (default: the 10 largest groups)."""

    field_name: str
    size: Optional[int] = None
    group_by_sort: Optional[List[Any]] = None
    sub_aggs: Optional[List[Any]] = None
    sub_group_bys: Optional[List[Any]] = None
    name: str = "group_by_field"
    type: int = field(default=1, init=False)


@dataclass
class GroupByRange(BaseGroupBy):
    """Group by ranges ``(begin, end)`` (begin included) of a numeric field."""

    field_name: str
    ranges: List[Tuple[float, float]]
    sub_aggs: Optional[List[Any]] = None
    sub_group_bys: Optional[List[Any]] = None
    name: str = "group_by_range"
    type: int = field(default=2, init=False)

    def add_range(self, range: Tuple[float, float]) -> None:
        """Add a range."""
        self.ranges.append(range)


@dataclass
class GroupByFilter(BaseGroupBy):
    """One group per filter query: the matched rows that also match it."""

    filters: List[Query]
    sub_aggs: Optional[List[Any]] = None
    sub_group_bys: Optional[List[Any]] = None
    name: str = "group_by_filter"
    field_name: Optional[str] = field(default=None, init=False)
    type: int = field(default=3, init=False)

    def add_filter(self, filter: Query) -> None:
        """Add a filter."""
        self.filters.append(filter)


@dataclass
class GeoPoint:
    """A point: latitude and longitude in degrees."""

    lat: float
    lon: float


@dataclass
class GroupByGeoDistance(BaseGroupBy):
    """Group by ranges of distance (m) of a GEO_POINT field from an origin."""

    field_name: str
    origin: GeoPoint
    ranges: List[Tuple[float, float]]
    sub_aggs: Optional[List[Any]] = None
    sub_group_bys: Optional[List[Any]] = None
    name: str = "group_by_geo_distance"
    type: int = field(default=4, init=False)

    def add_range(self, range: Tuple[float, float]) -> None:
        """Add a range."""
        self.ranges.append(range)


@dataclass
class FieldRange:
    """The bounds of a histogram: only values in ``[min, max)`` are grouped."""

    min: Any
    max: Any


@dataclass
class GroupByHistogram(BaseGroupBy):
    """Group a numeric field's values in buckets of ``interval`` within ``field_range``."""

    field_name: str
    interval: Any
    field_range: FieldRange
    missing_value: Any = None
    min_doc_count: Optional[int] = None
    group_by_sort: Optional[List[Any]] = None
    sub_aggs: Optional[List[Any]] = None
    sub_group_bys: Optional[List[Any]] = None
    name: str = "group_by_histogram"
    type: int = field(default=5, init=False)


@dataclass
class DateTimeValue:
    """A span of time: a count of units."""

    value: Optional[int]
    unit: Optional[DateTimeUnit]


@dataclass
class GroupByDateHistogram(BaseGroupBy):
    """Group a DATE field's values in buckets of ``interval`` (shifted by ``offset``, in ``time_zone``)."""

    field_name: str
    interval: DateTimeValue
    field_range: Optional[FieldRange] = None
    missing: Any = None
    min_doc_count: Optional[int] = None
    time_zone: Optional[str] = None
    group_by_sort: Optional[List[Any]] = None
    offset: Optional[DateTimeValue] = None
    sub_aggs: Optional[List[Any]] = None
    sub_group_bys: Optional[List[Any]] = None
    name: str = "group_by_date_histogram"
    type: int = field(default=6, init=False)


@dataclass
class GroupByGeoGrid(BaseGroupBy):
    """Group a GEO_POINT field by geohash cells of a precision."""

    field_name: str
    precision: GeoHashPrecision
    size: Optional[int] = None
    sub_aggs: Optional[List[Any]] = None
    sub_group_bys: Optional[List[Any]] = None
    name: str = "group_by_geo_grid"
    type: int = field(default=7, init=False)


@dataclass
class GroupByComposite(BaseGroupBy):
    """Group by the combined keys of several source group-bys, paged by ``next_token``."""

    sources: List[BaseGroupBy]
    size: Optional[int] = None
    next_token: Optional[str] = None
    suggested_size: Optional[int] = None
    sub_aggs: Optional[List[Any]] = None
    sub_group_bys: Optional[List[Any]] = None
    name: str = "group_by_composite"
    field_name: Optional[str] = field(default=None, init=False)
    type: int = field(default=8, init=False)


# --- group-by results ---------------------------------------------------------------------
@dataclass
class GroupByResult:
    """One group-by's name and groups (composite: also its sources' names and the next page)."""

    name: str
    items: List[Any]
    source_group_by_names: Optional[List[str]] = None
    next_token: Optional[str] = None

    def addItem(self, group_by_result_item: Any) -> None:  # noqa: N802  (the official name)
        """Add a group."""
        self.items.append(group_by_result_item)


class BaseGroupByResultItem:
    """One group's sub-aggregation and sub-group-by results (the subclasses are dataclasses)."""

    sub_aggs: List[Any]
    sub_group_bys: List[GroupByResult]

    def __init__(self, sub_aggs: List[Any], sub_group_bys: List[GroupByResult]) -> None:
        self.sub_aggs = sub_aggs
        self.sub_group_bys = sub_group_bys


@dataclass
class GroupByFieldResultItem(BaseGroupByResultItem):
    """One value's group: the value as text and its row count."""

    key: str
    row_count: int
    sub_aggs: List[Any]
    sub_group_bys: List[GroupByResult]


@dataclass
class GroupByRangeResultItem(BaseGroupByResultItem):
    """One range's group and its row count."""

    range_from: float
    range_to: float
    row_count: int
    sub_aggs: List[Any]
    sub_group_bys: List[GroupByResult]


@dataclass
class GroupByFilterResultItem(BaseGroupByResultItem):
    """One filter's group: its row count."""

    row_count: int
    sub_aggs: List[Any]
    sub_group_bys: List[GroupByResult]


@dataclass
class GroupByGeoDistanceResultItem(BaseGroupByResultItem):
    """One distance range's group and its row count."""

    range_from: float
    range_to: float
    row_count: int
    sub_aggs: List[Any]
    sub_group_bys: List[GroupByResult]


@dataclass
class GroupByHistogramResultItem(BaseGroupByResultItem):
    """One bucket: its lower bound and row count (``value``)."""

    key: Any
    value: int
    sub_aggs: List[Any]
    sub_group_bys: List[GroupByResult]


@dataclass
class GroupByDateHistogramResultItem(BaseGroupByResultItem):
    """One bucket: its start (ms since the epoch) and row count."""

    timestamp: int
    row_count: int
    sub_aggs: List[Any]
    sub_group_bys: List[GroupByResult]


@dataclass
class GeoGrid:
    """A geohash cell's corners."""

    top_left: GeoPoint
    bottom_right: GeoPoint


@dataclass
class GroupByGeoGridResultItem(BaseGroupByResultItem):
    """One geohash cell: its geohash, corners and row count."""

    key: str
    geo_grid: Optional[GeoGrid]
    row_count: int
    sub_aggs: List[Any]
    sub_group_bys: List[GroupByResult]


@dataclass
class GroupByCompositeResultItem(BaseGroupByResultItem):
    """One key combination (None for a missing source value) and its row count."""

    keys: List[Optional[str]]
    row_count: int
    sub_aggs: List[Any]
    sub_group_bys: List[GroupByResult]
