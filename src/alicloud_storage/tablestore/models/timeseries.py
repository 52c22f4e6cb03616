"""Time series models: tables, keys, rows, metas, meta query conditions, requests/responses.

Constructor signatures and attribute names (camelCase included) are those of the official
``tablestore`` package (``metadata.py``, ``timeseries_condition.py``), so code written for
it keeps working. Additions are keyword arguments with neutral defaults:
``GetTimeseriesDataRequest(specificTimeInUs=...)``, ``CreateTimeseriesTableRequest(
enable_analytical_store=...)``, ``put_timeseries_data(..., meta_update_mode=...)``, and
``MetaQuerySingleOperator.OP_NOT_EQUAL`` works (sent as NOT(EQUAL)). Responses listing
failed rows hold ``[]`` rather than ``None`` when every row succeeded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Dict, List, Optional, Tuple, Union

__all__ = [
    "TimeseriesKey",
    "TimeseriesRow",
    "TimeseriesTableOptions",
    "TimeseriesMetaOptions",
    "TimeseriesTableMeta",
    "AnalyticalStoreSyncType",
    "TimeseriesAnalyticalStore",
    "LastpointIndexMeta",
    "CreateTimeseriesTableRequest",
    "DescribeTimeseriesTableResponse",
    "TimeseriesMeta",
    "UpdateTimeseriesMetaRequest",
    "DeleteTimeseriesMetaRequest",
    "Error",
    "FailedRowResult",
    "UpdateTimeseriesMetaResponse",
    "DeleteTimeseriesMetaResponse",
    "MetaUpdateMode",
    "PutTimeseriesDataResponse",
    "QueryTimeseriesMetaRequest",
    "QueryTimeseriesMetaResponse",
    "GetTimeseriesDataRequest",
    "GetTimeseriesDataResponse",
    "MetaQueryConditionType",
    "MetaQueryCompositeOperator",
    "MetaQuerySingleOperator",
    "MeasurementMetaQueryCondition",
    "DataSourceMetaQueryCondition",
    "TagMetaQueryCondition",
    "UpdateTimeMetaQueryCondition",
    "AttributeMetaQueryCondition",
    "CompositeMetaQueryCondition",
    "MetaQueryCondition",
]


# --- keys, rows, tables ------------------------------------------------------------------


@dataclass
class TimeseriesKey:
    """Identifies a time series: measurement + data source + tags."""

    measurement_name: Optional[str] = None
    data_source: Optional[str] = None
    tags: Optional[Dict[str, str]] = None


@dataclass
class TimeseriesRow:
    """One point: its series key, fields ``{name: value}`` and time in microseconds."""

    timeseries_key: TimeseriesKey
    fields: Dict[str, Any]
    time_in_us: int


@dataclass
class TimeseriesTableOptions:
    """Data TTL in seconds (-1 = forever)."""

    time_to_live: Optional[int] = None


@dataclass
class TimeseriesMetaOptions:
    """Meta TTL in seconds (-1 = forever) and whether meta attributes may be updated."""

    meta_time_to_live: Optional[int] = None
    allow_update_attributes: Optional[bool] = None


@dataclass
class TimeseriesTableMeta:
    """A time series table: name, options, custom series keys and field primary keys."""

    timeseries_table_name: str
    timeseries_table_options: Optional[TimeseriesTableOptions] = None
    timeseries_meta_options: Optional[TimeseriesMetaOptions] = None
    timeseries_keys: Optional[List[str]] = None
    field_primary_keys: Optional[List[Tuple[Any, ...]]] = None
    status: Optional[str] = None


class AnalyticalStoreSyncType(IntEnum):
    """How an analytical store is built."""

    SYNC_TYPE_FULL = 1
    SYNC_TYPE_INCR = 2


@dataclass
class TimeseriesAnalyticalStore:
    """An analytical store of a time series table (accepted, described, not queried)."""

    analytical_store_name: str
    time_to_live: Optional[int] = None
    sync_option: Optional[AnalyticalStoreSyncType] = None


@dataclass
class LastpointIndexMeta:
    """A lastpoint index of a time series table (accepted, described, not queried)."""

    index_table_name: str


@dataclass
class CreateTimeseriesTableRequest:
    """CreateTimeseriesTable: the table meta and optional analytical stores / lastpoint indexes."""

    table_meta: TimeseriesTableMeta
    analytical_stores: Optional[List[TimeseriesAnalyticalStore]] = None
    lastpoint_index_metas: Optional[List[LastpointIndexMeta]] = None
    enable_analytical_store: Optional[bool] = None


@dataclass
class DescribeTimeseriesTableResponse:
    """DescribeTimeseriesTable: the table meta (plus its analytical stores and lastpoint indexes)."""

    table_meta: TimeseriesTableMeta
    analytical_stores: List[TimeseriesAnalyticalStore] = field(default_factory=list)
    lastpoint_indexes: List[LastpointIndexMeta] = field(default_factory=list)


# --- metas -----------------------------------------------------------------------------


class TimeseriesMeta:
    """The meta of a series: key, attributes ``{name: value}`` and last update time (us)."""

    def __init__(
        self,
        timeseriesKey: TimeseriesKey,
        attributes: Optional[Dict[str, str]] = None,
        updateTimeInUs: Optional[int] = None,
    ) -> None:
        self.timeseries_key = timeseriesKey
        self.attributes = attributes
        self.update_time_in_us = updateTimeInUs

    def __repr__(self) -> str:
        return (
            f"TimeseriesMeta(timeseries_key={self.timeseries_key!r}, attributes={self.attributes!r}, "
            f"update_time_in_us={self.update_time_in_us!r})"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TimeseriesMeta) and vars(self) == vars(other)


class UpdateTimeseriesMetaRequest:
    """UpdateTimeseriesMeta: set the attributes of series metas (created if missing)."""

    def __init__(self, timeseries_tablename: str, metas: List[TimeseriesMeta]) -> None:
        self.timeseries_tablename = timeseries_tablename
        self.metas = metas


class DeleteTimeseriesMetaRequest:
    """DeleteTimeseriesMeta: remove the metas of the given series keys."""

    def __init__(self, timeseries_tablename: str, keys: List[TimeseriesKey]) -> None:
        self.timeseries_tablename = timeseries_tablename
        self.timeseries_keys = keys


@dataclass
class Error:
    """A per-row error: service code and message."""

    code: str
    message: str


@dataclass
class FailedRowResult:
    """A row that failed, by its index in the request."""

    index: int
    error: Error


class _FailedRowsResponse:
    """A response listing the rows that failed (``failedRows``, empty when all succeeded)."""

    def __init__(self, failed_rows: Optional[List[FailedRowResult]] = None) -> None:
        self.failedRows = [] if failed_rows is None else failed_rows

    def __repr__(self) -> str:
        return f"{type(self).__name__}(failedRows={self.failedRows!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)


class UpdateTimeseriesMetaResponse(_FailedRowsResponse):
    """UpdateTimeseriesMeta result."""


class DeleteTimeseriesMetaResponse(_FailedRowsResponse):
    """DeleteTimeseriesMeta result."""


class PutTimeseriesDataResponse(_FailedRowsResponse):
    """PutTimeseriesData result."""


class MetaUpdateMode(IntEnum):
    """Whether writing data creates/refreshes the series meta (NORMAL) or not (IGNORE)."""

    MUM_NORMAL = 0
    MUM_IGNORE = 1


class QueryTimeseriesMetaRequest:
    """QueryTimeseriesMeta: a condition, whether to count hits, page size and token."""

    def __init__(
        self,
        timeseriesTableName: str,
        condition: Optional["MetaQueryCondition"] = None,
        getTotalHits: bool = False,
        limit: Optional[int] = None,
        nextToken: Optional[bytes] = None,
    ) -> None:
        self.timeseriesTableName = timeseriesTableName
        self.condition = condition
        self.getTotalHits = getTotalHits
        self.limit = limit
        self.nextToken = nextToken


class QueryTimeseriesMetaResponse:
    """QueryTimeseriesMeta result: metas, total hits (if asked) and the next page token."""

    def __init__(
        self,
        timeseriesMetas: Optional[List[TimeseriesMeta]] = None,
        totalHits: Optional[int] = None,
        nextToken: Optional[bytes] = None,
    ) -> None:
        self.timeseriesMetas = timeseriesMetas
        self.totalHits = totalHits
        self.nextToken = nextToken

    def __repr__(self) -> str:
        return (
            f"QueryTimeseriesMetaResponse(timeseriesMetas={self.timeseriesMetas!r}, "
            f"totalHits={self.totalHits!r}, nextToken={self.nextToken!r})"
        )


class GetTimeseriesDataRequest:
    """GetTimeseriesData: one series, ``[begin, end)`` us or a specific time, paging, fields.

    ``fieldsToGet`` is ``{name: DataType}`` (wire codes: LONG 1, BOOLEAN 2, DOUBLE 3,
    STRING 4, BINARY 5); a field is returned only when both name and type match.
    """

    def __init__(
        self,
        timeseriesTableName: str,
        timeseriesKey: Optional[TimeseriesKey] = None,
        beginTimeInUs: int = 0,
        endTimeInUs: int = 0,
        limit: int = 0,
        nextToken: Optional[bytes] = None,
        backward: bool = False,
        fieldsToGet: Optional[Dict[str, int]] = None,
        specificTimeInUs: Optional[int] = None,
    ) -> None:
        self.timeseriesTableName = timeseriesTableName
        self.timeseriesKey = timeseriesKey
        self.beginTimeInUs = beginTimeInUs
        self.endTimeInUs = endTimeInUs
        self.limit = limit
        self.nextToken = nextToken
        self.backward = backward
        self.fieldsToGet = fieldsToGet
        self.specificTimeInUs = specificTimeInUs


class GetTimeseriesDataResponse:
    """GetTimeseriesData result: rows and the next page token (None when done)."""

    def __init__(self, rows: Optional[List[TimeseriesRow]] = None, nextToken: Optional[bytes] = None) -> None:
        self.rows = rows
        self.nextToken = nextToken

    def __repr__(self) -> str:
        return f"GetTimeseriesDataResponse(rows={self.rows!r}, nextToken={self.nextToken!r})"


# --- meta query conditions ---------------------------------------------------------------


class MetaQueryConditionType(IntEnum):
    """Wire type of a serialized meta query condition."""

    COMPOSITE_CONDITION = 1
    MEASUREMENT_CONDITION = 2
    SOURCE_CONDITION = 3
    TAG_CONDITION = 4
    UPDATE_TIME_CONDITION = 5
    ATTRIBUTE_CONDITION = 6


class MetaQueryCompositeOperator(IntEnum):
    """AND / OR over two or more sub-conditions, NOT over one."""

    OP_AND = 1
    OP_OR = 2
    OP_NOT = 3


class MetaQuerySingleOperator(IntEnum):
    """Comparison of a single condition (the official SDK's numbering, not the wire's)."""

    OP_EQUAL = 1
    OP_NOT_EQUAL = 2
    OP_GREATER_THAN = 3
    OP_GREATER_EQUAL = 4
    OP_LESS_THAN = 5
    OP_LESS_EQUAL = 6
    OP_PREFIX = 7


@dataclass
class MeasurementMetaQueryCondition:
    """Compare the measurement name."""

    operator: MetaQuerySingleOperator
    value: str

    def get_type(self) -> int:
        return MetaQueryConditionType.MEASUREMENT_CONDITION


@dataclass
class DataSourceMetaQueryCondition:
    """Compare the data source."""

    operator: MetaQuerySingleOperator
    value: str

    def get_type(self) -> int:
        return MetaQueryConditionType.SOURCE_CONDITION


@dataclass
class TagMetaQueryCondition:
    """Compare the value of one tag (series without the tag never match)."""

    operator: MetaQuerySingleOperator
    tag_name: str
    value: str

    def get_type(self) -> int:
        return MetaQueryConditionType.TAG_CONDITION


@dataclass
class UpdateTimeMetaQueryCondition:
    """Compare the meta's last update time (us)."""

    operator: MetaQuerySingleOperator
    time_in_us: int

    def get_type(self) -> int:
        return MetaQueryConditionType.UPDATE_TIME_CONDITION


@dataclass
class AttributeMetaQueryCondition:
    """Compare the value of one meta attribute (metas without it never match)."""

    operator: MetaQuerySingleOperator
    attribute_name: str
    value: str

    def get_type(self) -> int:
        return MetaQueryConditionType.ATTRIBUTE_CONDITION


class CompositeMetaQueryCondition:
    """AND / OR / NOT over sub-conditions (attribute ``subConditions``, as the official SDK)."""

    def __init__(self, operator: MetaQueryCompositeOperator, sub_conditions: List["MetaQueryCondition"]) -> None:
        self.operator = operator
        self.subConditions = sub_conditions

    def get_type(self) -> int:
        return MetaQueryConditionType.COMPOSITE_CONDITION

    def __repr__(self) -> str:
        return f"CompositeMetaQueryCondition(operator={self.operator!r}, subConditions={self.subConditions!r})"


MetaQueryCondition = Union[
    MeasurementMetaQueryCondition,
    DataSourceMetaQueryCondition,
    TagMetaQueryCondition,
    UpdateTimeMetaQueryCondition,
    AttributeMetaQueryCondition,
    CompositeMetaQueryCondition,
]
