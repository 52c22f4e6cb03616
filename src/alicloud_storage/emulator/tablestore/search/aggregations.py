"""Aggregations (avg, max, min, sum, count, distinct count) and field group-bys over the
documents a query matched, answered as the serialized result messages.

Values of arrays and nested objects all count (``la=[-1, i]`` adds two values per row);
a row without the field adds ``missing`` when given. Over no values max is -inf, min
+inf, sum 0 and avg NaN (Lucene's empty results; the service's are not public). Group
keys are text (a LONG key 3 is ``'3'``); groups are largest first, ties by key,
unless sorters say otherwise.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Sequence, Tuple

from alicloud_storage.emulator.tablestore import codec
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.search.documents import (
    BOOLEAN,
    DATE,
    DOUBLE,
    GEO_POINT,
    KEYWORD,
    LONG,
    NESTED,
    TEXT,
    SearchIndex,
)
from alicloud_storage.emulator.tablestore.search.query import Document, coerce, field_values, index_field, variant
from alicloud_storage.tablestore.wire import pb
from alicloud_storage.tablestore.wire.enums import AggregationType, GroupByType, SortOrder

__all__ = ["MAX_AGGS", "MAX_GROUP_BYS", "DEFAULT_GROUP_SIZE", "MAX_GROUP_SIZE", "aggregate", "group"]

MAX_AGGS = 5
MAX_GROUP_BYS = 5
DEFAULT_GROUP_SIZE = 10
MAX_GROUP_SIZE = 2000
_NUMERIC = (LONG, DOUBLE, DATE)
_BODIES: Dict[int, Any] = {
    AggregationType.AGG_AVG: pb.AvgAggregation, AggregationType.AGG_MAX: pb.MaxAggregation,
    AggregationType.AGG_MIN: pb.MinAggregation, AggregationType.AGG_SUM: pb.SumAggregation,
    AggregationType.AGG_COUNT: pb.CountAggregation, AggregationType.AGG_DISTINCT_COUNT: pb.DistinctCountAggregation,
}
_RESULTS: Dict[int, Any] = {
    AggregationType.AGG_AVG: pb.AvgAggregationResult, AggregationType.AGG_MAX: pb.MaxAggregationResult,
    AggregationType.AGG_MIN: pb.MinAggregationResult, AggregationType.AGG_SUM: pb.SumAggregationResult,
    AggregationType.AGG_COUNT: pb.CountAggregationResult,
    AggregationType.AGG_DISTINCT_COUNT: pb.DistinctCountAggregationResult,
}
_FOLD: Dict[int, Callable[[List[Any]], Any]] = {
    AggregationType.AGG_AVG: lambda v: math.fsum(v) / len(v) if v else math.nan,
    AggregationType.AGG_MAX: lambda v: float(max(v)) if v else -math.inf,
    AggregationType.AGG_MIN: lambda v: float(min(v)) if v else math.inf,
    AggregationType.AGG_SUM: lambda v: math.fsum(v),
    AggregationType.AGG_COUNT: len,
    AggregationType.AGG_DISTINCT_COUNT: lambda v: len(set(v)),
}


def _unique_names(names: Sequence[str], what: str) -> None:
    for name in names:
        if not name:
            raise E.SEARCH_INVALID.error(detail=f"{what} name must not be empty")
        if names.count(name) > 1:
            raise E.SEARCH_INVALID.error(detail=f"duplicate {what} name [{name}]")


def _plan_agg(index: SearchIndex, agg: Any) -> Tuple[str, int, Callable[[List[Document]], Any]]:
    """(name, type, the function of the matched documents giving the value)."""
    if agg.type not in _BODIES:
        raise E.SEARCH_INVALID.error(detail=f"aggregation type [{agg.type}] is not supported by the emulator")
    body = codec.parse(_BODIES[agg.type], agg.body)
    item = index_field(index, body.field_name)
    allowed = _NUMERIC if agg.type in _FOLD and agg.type not in (
        AggregationType.AGG_COUNT, AggregationType.AGG_DISTINCT_COUNT) else (
        LONG, DOUBLE, DATE, BOOLEAN, KEYWORD, GEO_POINT)
    if item.type not in allowed:
        raise E.SEARCH_INVALID.error(
            detail=f"aggregation [{agg.name}] does not support field [{body.field_name}] of its type"
        )
    has_missing = "missing" in body.DESCRIPTOR.fields_by_name and body.HasField("missing") and body.missing
    missing = coerce(item, variant(body.missing)) if has_missing else None
    name, fold = body.field_name, _FOLD[agg.type]

    def value(docs: List[Document]) -> Any:
        values: List[Any] = []
        for doc in docs:
            found = field_values(doc, name)
            if found:
                values.extend(tuple(v) if isinstance(v, list) else v for v in found)
            elif missing is not None:
                values.append(missing)
        return fold(values)

    return agg.name, agg.type, value


def aggregate(index: SearchIndex, aggs: Any) -> Callable[[List[Document]], bytes]:
    """Check an ``Aggregations`` message; returns the function giving AggregationsResult bytes."""
    if len(aggs.aggs) > MAX_AGGS:
        raise E.SEARCH_INVALID.error(detail=f"the number of aggregations exceeds {MAX_AGGS}")
    _unique_names([a.name for a in aggs.aggs], "aggregation")
    plans = [_plan_agg(index, agg) for agg in aggs.aggs]

    def run(docs: List[Document]) -> bytes:
        result = pb.AggregationsResult()
        for name, kind, value in plans:
            body = _RESULTS[kind](value=value(docs))
            result.agg_results.add(name=name, type=kind, agg_result=body.SerializeToString())
        data: bytes = result.SerializeToString()
        return data

    return run


def _key_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _plan_group(index: SearchIndex, group_by: Any) -> Callable[[List[Document]], Any]:
    if group_by.type != GroupByType.GROUP_BY_FIELD:
        raise E.SEARCH_INVALID.error(detail=f"group by type [{group_by.type}] is not supported by the emulator")
    body = codec.parse(pb.GroupByField, group_by.body)
    item = index_field(index, body.field_name)
    if item.type in (TEXT, GEO_POINT, NESTED):
        raise E.SEARCH_INVALID.error(detail=f"group by [{group_by.name}] does not support field [{body.field_name}]")
    size = body.size if body.HasField("size") else DEFAULT_GROUP_SIZE
    if not 0 < size <= MAX_GROUP_SIZE:
        raise E.SEARCH_INVALID.error(detail=f"group by size [{size}] must be in (0, {MAX_GROUP_SIZE}]")
    sub_aggs = aggregate(index, body.sub_aggs)
    sub_groups = group(index, body.sub_group_bys)
    agg_plans = {a.name: _plan_agg(index, a)[2] for a in body.sub_aggs.aggs}
    sorters = list(body.sort.sorters)
    for sorter in sorters:
        if sorter.HasField("sub_agg_sort") and sorter.sub_agg_sort.sub_agg_name not in agg_plans:
            raise E.SEARCH_INVALID.error(detail=f"sub aggregation [{sorter.sub_agg_sort.sub_agg_name}] does not exist")
    if not sorters:
        default = pb.GroupBySorter()
        default.row_count_sort.order = SortOrder.SORT_ORDER_DESC
        sorters = [default]
    name = body.field_name

    def run(docs: List[Document]) -> bytes:
        groups: Dict[Any, List[Document]] = {}
        for doc in docs:
            for value in set(field_values(doc, name)):
                groups.setdefault(value, []).append(doc)

        def key(entry: Tuple[Any, List[Document]]) -> Tuple[Any, ...]:
            value, members = entry
            parts: List[Any] = []
            for sorter in sorters:
                if sorter.HasField("group_key_sort"):
                    parts.append(_Ordered(value, sorter.group_key_sort.order == SortOrder.SORT_ORDER_DESC))
                elif sorter.HasField("row_count_sort"):
                    parts.append(_Ordered(len(members), sorter.row_count_sort.order == SortOrder.SORT_ORDER_DESC))
                else:
                    sub = sorter.sub_agg_sort
                    parts.append(_Ordered(agg_plans[sub.sub_agg_name](members), sub.order == SortOrder.SORT_ORDER_DESC))
            parts.append(_Ordered(value, False))
            return tuple(parts)

        result = pb.GroupByFieldResult()
        for value, members in sorted(groups.items(), key=key)[:size]:
            out = result.group_by_field_result_items.add(key=_key_text(value), row_count=len(members))
            out.sub_aggs_result.ParseFromString(sub_aggs(members))
            out.sub_group_bys_result.ParseFromString(sub_groups(members))
        data: bytes = result.SerializeToString()
        return data

    return run


class _Ordered:
    """A sort key part, reversed when descending."""

    __slots__ = ("value", "descending")

    def __init__(self, value: Any, descending: bool) -> None:
        self.value = value
        self.descending = descending

    def __lt__(self, other: "_Ordered") -> bool:
        return bool(other.value < self.value) if self.descending else bool(self.value < other.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Ordered) and bool(self.value == other.value)


def group(index: SearchIndex, group_bys: Any) -> Callable[[List[Document]], bytes]:
    """Check a ``GroupBys`` message; returns the function giving GroupBysResult bytes."""
    if len(group_bys.group_bys) > MAX_GROUP_BYS:
        raise E.SEARCH_INVALID.error(detail=f"the number of group bys exceeds {MAX_GROUP_BYS}")
    _unique_names([g.name for g in group_bys.group_bys], "group by")
    plans = [(g.name, g.type, _plan_group(index, g)) for g in group_bys.group_bys]

    def run(docs: List[Document]) -> bytes:
        result = pb.GroupBysResult()
        for name, kind, body in plans:
            result.group_by_results.add(name=name, type=kind, group_by_result=body(docs))
        data: bytes = result.SerializeToString()
        return data

    return run
