"""Aggregations and group-bys over the hits a query matched, answered as the serialized
result messages.

Aggregations: avg, max, min, sum, count, distinct count, percentiles and top rows. Values
of arrays and nested objects all count (``la=[-1, i]`` adds two values per row); a row
without the field adds ``missing`` when given. Over no values max is -inf, min +inf, sum 0
and avg NaN (Lucene's empty results; the service's are not public) and percentiles give no
items [I]. Percentiles interpolate linearly between the sorted values, then take the
field's type (LONG and DATE truncate toward zero), keys ascending. Top rows are the rows
the request's columns_to_get asks for, in the aggregation's sort.

Group-bys: by field value (keys as text, largest first), by ranges of a number, by filter
queries, by geo distance from an origin, by histogram of a number, by date histogram, by
geohash cell, and composite (combinations of field / histogram keys, paged by a token);
each bucket carries its sub-aggregations and sub-group-bys. A row counts once per bucket
however many of its values fall in it. Limits per the service: 5 aggregations and 5
group-bys per level, 3 levels of group-bys, 10 filters, 100 ranges (10 geo ranges), 2000
histogram buckets, top rows limit 100 [I].
"""
from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from alicloud_storage.emulator.tablestore import codec
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.search import geo
from alicloud_storage.emulator.tablestore.search.documents import (
    BOOLEAN,
    DATE,
    DOUBLE,
    GEO_POINT,
    KEYWORD,
    LONG,
    IndexField,
    SearchIndex,
)
from alicloud_storage.emulator.tablestore.search.query import (
    Hit,
    coerce,
    compile_query,
    field_values,
    geo_field,
    index_field,
    sort_uses_score,
    sorted_hits,
    variant,
)
from alicloud_storage.tablestore.wire import pb
from alicloud_storage.tablestore.wire.enums import AggregationType, DateTimeUnit, GroupByType, SortOrder
from alicloud_storage.tablestore.wire.filter_values import encode_filter_value

__all__ = [
    "RowReader", "Rows", "Hits", "aggregate", "group",
    "MAX_AGGS", "MAX_GROUP_BYS", "MAX_GROUP_BY_DEPTH", "DEFAULT_GROUP_SIZE", "MAX_GROUP_SIZE", "MAX_FILTERS",
    "MAX_RANGES", "MAX_GEO_RANGES", "MAX_BUCKETS", "MAX_TOP_ROWS", "MAX_COMPOSITE_KEYS", "MAX_PERCENTILES",
    "MAX_TOTAL_BUCKETS",
]

# row key -> the row as the request's columns_to_get returns it (a PlainBuffer row with header)
RowReader = Callable[[bytes], bytes]
Hits = List[Hit]

MAX_AGGS = 5
MAX_GROUP_BYS = 5
MAX_GROUP_BY_DEPTH = 3
DEFAULT_GROUP_SIZE = 10
MAX_GROUP_SIZE = 2000
MAX_FILTERS = 10
MAX_RANGES = 100
MAX_GEO_RANGES = 10
MAX_BUCKETS = 2000
MAX_TOP_ROWS = 100  # [I] the service refuses 10000; its bound is not public
# [I] key combinations a composite group-by may expand its rows into (rows holding long
# arrays multiply); past it the request is refused before the work is done
MAX_COMPOSITE_KEYS = 1_000_000
# [I] percentiles of one aggregation (each bucket of each group-by answers every one)
MAX_PERCENTILES = 100
# [I] buckets of one request's group-bys, every level counted (Elasticsearch's
# search.max_buckets): 2,000 histogram buckets each holding 5 x 10 filter buckets each
# holding 5 x 10 more made 5 million (15 s); the limits per level allow it
MAX_TOTAL_BUCKETS = 65535
_NUMERIC = (LONG, DOUBLE, DATE)
_GROUPABLE = (LONG, DOUBLE, DATE, BOOLEAN, KEYWORD)
_COUNTABLE = (*_GROUPABLE, GEO_POINT)


@dataclass
class Rows:
    """The request's rows as aggregations see them: ``read`` gives a row as the request's
    columns_to_get returns it, ``scores`` the hits' scores by row key (filled once the query
    ran); planning sets ``by_score`` when a top rows aggregation sorts by score, so that the
    caller computes real scores."""

    read: RowReader
    scores: Mapping[bytes, float]
    by_score: bool = False


@dataclass
class _Tally:
    """The buckets one request's group-bys have made so far (every level counts)."""

    buckets: int = 0


@dataclass(frozen=True)
class _Context:
    """What planning needs beside the messages: the index, the request's rows and its bucket tally."""

    index: SearchIndex
    rows: Rows
    tally: _Tally = field(default_factory=_Tally)


@dataclass(frozen=True)
class _AggPlan:
    """One checked aggregation: its value over hits and that value's result message."""

    name: str
    type: int
    value: Callable[[Hits], Any]
    encode: Callable[[Any], Any]  # value -> the result message
    sortable: bool = True  # a group-by may sort its buckets by the value


def _unique_names(names: Sequence[str], what: str) -> None:
    for name in names:
        if not name:
            raise E.SEARCH_INVALID.error(detail=f"{what} name must not be empty")
        if names.count(name) > 1:
            raise E.SEARCH_INVALID.error(detail=f"duplicate {what} name [{name}]")


def _typed_field(ctx: _Context, name: str, allowed: Sequence[int], refusal: str) -> IndexField:
    """The index's field ``name``; the request fails with ``refusal`` unless its type is allowed."""
    item = index_field(ctx.index, name)
    if item.type not in allowed:
        raise E.SEARCH_INVALID.error(detail=refusal)
    return item


def _agg_refusal(agg: Any, field: str) -> str:
    return f"aggregation [{agg.name}] does not support field [{field}] of its type"


def _group_refusal(name: str, field: str) -> str:
    return f"group by [{name}] does not support field [{field}]"


def _values(hits: Hits, name: str, missing: Any) -> List[Any]:
    """Every value of ``name`` in the hits (``missing`` for a hit without any, when given)."""
    values: List[Any] = []
    for _, doc in hits:
        found = field_values(doc, name)
        if found:
            values.extend(tuple(v) if isinstance(v, list) else v for v in found)
        elif missing is not None:
            values.append(missing)
    return values


# --- aggregations ----------------------------------------------------------------------
_SIMPLE: Dict[int, Tuple[Any, Any, Sequence[int], Callable[[List[Any]], Any]]] = {
    # aggregation type -> (body, result, field types, fold)
    AggregationType.AGG_AVG: (
        pb.AvgAggregation, pb.AvgAggregationResult, _NUMERIC, lambda v: math.fsum(v) / len(v) if v else math.nan),
    AggregationType.AGG_MAX: (
        pb.MaxAggregation, pb.MaxAggregationResult, _NUMERIC, lambda v: float(max(v)) if v else -math.inf),
    AggregationType.AGG_MIN: (
        pb.MinAggregation, pb.MinAggregationResult, _NUMERIC, lambda v: float(min(v)) if v else math.inf),
    AggregationType.AGG_SUM: (pb.SumAggregation, pb.SumAggregationResult, _NUMERIC, math.fsum),
    AggregationType.AGG_COUNT: (pb.CountAggregation, pb.CountAggregationResult, _COUNTABLE, len),
    AggregationType.AGG_DISTINCT_COUNT: (
        pb.DistinctCountAggregation, pb.DistinctCountAggregationResult, _COUNTABLE, lambda v: len(set(v))),
}


def _missing(item: IndexField, body: Any, field: str) -> Any:
    """The body's missing value as the field's type, or None when not given."""
    has = field in body.DESCRIPTOR.fields_by_name and body.HasField(field) and getattr(body, field)
    return coerce(item, variant(getattr(body, field))) if has else None


def _plan_simple(ctx: _Context, agg: Any) -> _AggPlan:
    body_class, result_class, allowed, fold = _SIMPLE[agg.type]
    body = codec.parse(body_class, agg.body)
    item = _typed_field(ctx, body.field_name, allowed, _agg_refusal(agg, body.field_name))
    missing, name = _missing(item, body, "missing"), body.field_name
    return _AggPlan(agg.name, agg.type, lambda hits: fold(_values(hits, name, missing)),
                    lambda value: result_class(value=value))


def _percentile(ordered: List[Any], p: float) -> float:
    rank = p / 100 * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def _plan_percentiles(ctx: _Context, agg: Any) -> _AggPlan:
    body = codec.parse(pb.PercentilesAggregation, agg.body)
    item = _typed_field(ctx, body.field_name, _NUMERIC, _agg_refusal(agg, body.field_name))
    if len(body.percentiles) > MAX_PERCENTILES:
        raise E.SEARCH_INVALID.error(detail=f"the number of percentiles exceeds {MAX_PERCENTILES}")  # [I]
    percentiles = sorted(body.percentiles)
    if not percentiles or not all(0 <= p <= 100 for p in percentiles):
        raise E.SEARCH_INVALID.error(detail="percentiles must be given, each in [0, 100]")  # [I]
    missing, name, integral = _missing(item, body, "missing_value"), body.field_name, item.type != DOUBLE

    def value(hits: Hits) -> List[Tuple[float, bytes]]:
        ordered = sorted(_values(hits, name, missing))
        if not ordered:
            return []
        found = [_percentile(ordered, p) for p in percentiles]
        return [(p, encode_filter_value(int(v) if integral else v)) for p, v in zip(percentiles, found)]

    def encode(items: List[Tuple[float, bytes]]) -> Any:
        result = pb.PercentilesAggregationResult()
        for key, encoded in items:
            result.percentiles_aggregation_items.add(key=key, value=encoded)
        return result

    return _AggPlan(agg.name, agg.type, value, encode, sortable=False)


def _plan_top_rows(ctx: _Context, agg: Any) -> _AggPlan:
    body = codec.parse(pb.TopRowsAggregation, agg.body)
    limit = body.limit if body.HasField("limit") else 1
    if not 0 < limit <= MAX_TOP_ROWS:
        raise E.SEARCH_INVALID.error(detail=f"top rows limit [{limit}] must be in (0, {MAX_TOP_ROWS}]")  # [I]
    sort = body.sort if body.HasField("sort") else codec.parse(pb.Sort, ctx.index.index_sort)
    sorted_hits(ctx.index, [], sort)  # check the sorters now
    rows = ctx.rows
    rows.by_score = rows.by_score or sort_uses_score(sort)

    def value(hits: Hits) -> List[bytes]:
        return [rows.read(key) for key, _ in sorted_hits(ctx.index, hits, sort, rows.scores)[:limit]]

    return _AggPlan(agg.name, agg.type, value, lambda rows: pb.TopRowsAggregationResult(rows=rows), sortable=False)


def _plan_agg(ctx: _Context, agg: Any) -> _AggPlan:
    if agg.type in _SIMPLE:
        return _plan_simple(ctx, agg)
    if agg.type == AggregationType.AGG_PERCENTILES:
        return _plan_percentiles(ctx, agg)
    if agg.type == AggregationType.AGG_TOP_ROWS:
        return _plan_top_rows(ctx, agg)
    raise E.SEARCH_INVALID.error(detail=f"aggregation type [{agg.type}] is not supported by the emulator")


def _plan_aggs(ctx: _Context, aggs: Any) -> List[_AggPlan]:
    if len(aggs.aggs) > MAX_AGGS:
        raise E.SEARCH_INVALID.error(detail=f"the number of aggregations exceeds {MAX_AGGS}")
    _unique_names([a.name for a in aggs.aggs], "aggregation")
    return [_plan_agg(ctx, agg) for agg in aggs.aggs]


def _run_aggs(plans: List[_AggPlan], hits: Hits, result: Any) -> None:
    for plan in plans:
        body = plan.encode(plan.value(hits)).SerializeToString()
        result.agg_results.add(name=plan.name, type=plan.type, agg_result=body)


def aggregate(index: SearchIndex, aggs: Any, rows: Rows) -> Callable[[Hits], bytes]:
    """Check an ``Aggregations`` message; returns the function giving AggregationsResult bytes."""
    plans = _plan_aggs(_Context(index, rows), aggs)

    def run(hits: Hits) -> bytes:
        result = pb.AggregationsResult()
        _run_aggs(plans, hits, result)
        data: bytes = result.SerializeToString()
        return data

    return run


# --- group-bys: shared parts -------------------------------------------------------------
# a group-by's buckets: (the result item, already added and keyed, and its member hits)
_Buckets = List[Tuple[Any, Hits]]


@dataclass(frozen=True)
class _Subs:
    """The sub-aggregations and sub-group-bys every bucket of a group-by carries."""

    aggs: List[_AggPlan]
    group_bys: Callable[[Hits, Any], None]
    tally: _Tally

    def fill(self, buckets: _Buckets) -> None:
        self.tally.buckets += len(buckets)
        if self.tally.buckets > MAX_TOTAL_BUCKETS:
            raise E.SEARCH_INVALID.error(detail=f"the number of buckets exceeds {MAX_TOTAL_BUCKETS}")  # [I]
        for item, members in buckets:
            item.sub_aggs_result.SetInParent()
            item.sub_group_bys_result.SetInParent()
            _run_aggs(self.aggs, members, item.sub_aggs_result)
            self.group_bys(members, item.sub_group_bys_result)


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


def _bucket_order(
    sorters: Sequence[Any], aggs: List[_AggPlan], by_count: bool
) -> Callable[[Tuple[Any, Hits]], Tuple[Any, ...]]:
    """The sort key of (group key, members) from GroupBySorters; by default largest first
    (``by_count``) or by key ascending; ties by key ascending."""
    plans = {plan.name: plan for plan in aggs}
    sorters = list(sorters)
    for sorter in sorters:
        if not any(sorter.HasField(kind) for kind in ("group_key_sort", "row_count_sort", "sub_agg_sort")):
            raise E.SEARCH_INVALID.error(detail="a group by sorter must set one of its sorts")  # [I]
        if sorter.HasField("sub_agg_sort"):
            plan = plans.get(sorter.sub_agg_sort.sub_agg_name)
            if plan is None:
                raise E.SEARCH_INVALID.error(detail=f"sub aggregation [{sorter.sub_agg_sort.sub_agg_name}] does not exist")
            if not plan.sortable:
                raise E.SEARCH_INVALID.error(detail=f"sub aggregation [{plan.name}] can not be used to sort")  # [I]
    if not sorters:
        default = pb.GroupBySorter()
        if by_count:
            default.row_count_sort.order = SortOrder.SORT_ORDER_DESC
        else:
            default.group_key_sort.order = SortOrder.SORT_ORDER_ASC
        sorters = [default]

    def key(entry: Tuple[Any, Hits]) -> Tuple[Any, ...]:
        value, members = entry
        parts: List[Any] = []
        for sorter in sorters:
            if sorter.HasField("group_key_sort"):
                parts.append(_Ordered(value, sorter.group_key_sort.order == SortOrder.SORT_ORDER_DESC))
            elif sorter.HasField("row_count_sort"):
                parts.append(_Ordered(len(members), sorter.row_count_sort.order == SortOrder.SORT_ORDER_DESC))
            else:
                sub = sorter.sub_agg_sort
                parts.append(_Ordered(plans[sub.sub_agg_name].value(members), sub.order == SortOrder.SORT_ORDER_DESC))
        parts.append(_Ordered(value, False))
        return tuple(parts)

    return key


def _members(hits: Hits, name: str, missing: Any, bucket: Callable[[Any], Any]) -> Dict[Any, Hits]:
    """Hits by the buckets of their values (``bucket`` gives a value's key, None: none)."""
    groups: Dict[Any, Hits] = {}
    for hit in hits:
        found = field_values(hit[1], name) or ([] if missing is None else [missing])
        for key in {bucket(v) for v in found} - {None}:
            groups.setdefault(key, []).append(hit)
    return groups


def _ranges(body: Any, most: int) -> List[Tuple[float, float]]:
    """The ``[begin, end)`` ranges of a range or geo-distance group-by (absent ends unbounded)."""
    if not body.ranges:
        raise E.SEARCH_INVALID.error(detail="ranges must not be empty")  # [I]
    if len(body.ranges) > most:
        raise E.SEARCH_INVALID.error(detail=f"the number of ranges exceeds {most}")  # [I]
    return [(r.begin if r.HasField("begin") else -math.inf, r.end if r.HasField("end") else math.inf)
            for r in body.ranges]


def _range_buckets(result_items: Any, ranges: List[Tuple[float, float]], hits: Hits,
                   inside: Callable[[Hit, float, float], bool]) -> _Buckets:
    buckets: _Buckets = []
    for begin, end in ranges:
        members = [hit for hit in hits if inside(hit, begin, end)]
        buckets.append((result_items.add(range_from=begin, range_to=end, row_count=len(members)), members))
    return buckets


# --- group-bys: one planner per type -------------------------------------------------------
_Runner = Callable[[Hits], Any]  # hits -> the group-by's result message, buckets filled


def _group_size(value: Optional[int]) -> int:
    size = DEFAULT_GROUP_SIZE if value is None else value
    if not 0 < size <= MAX_GROUP_SIZE:
        raise E.SEARCH_INVALID.error(detail=f"group by size [{size}] must be in (0, {MAX_GROUP_SIZE}]")
    return size


def _plan_field(ctx: _Context, body: Any, subs: _Subs, name: str) -> _Runner:
    _typed_field(ctx, body.field_name, _GROUPABLE, _group_refusal(name, body.field_name))
    size = _group_size(body.size if body.HasField("size") else None)
    order, field = _bucket_order(body.sort.sorters, subs.aggs, by_count=True), body.field_name

    def run(hits: Hits) -> Any:
        result = pb.GroupByFieldResult()
        groups = sorted(_members(hits, field, None, lambda v: v).items(), key=order)[:size]
        subs.fill([(result.group_by_field_result_items.add(key=_key_text(value), row_count=len(members)), members)
                   for value, members in groups])
        return result

    return run


def _key_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _plan_range(ctx: _Context, body: Any, subs: _Subs, name: str) -> _Runner:
    _typed_field(ctx, body.field_name, _NUMERIC, _group_refusal(name, body.field_name))
    ranges, field = _ranges(body, MAX_RANGES), body.field_name

    def run(hits: Hits) -> Any:
        result = pb.GroupByRangeResult()
        subs.fill(_range_buckets(result.group_by_range_result_items, ranges, hits,
                                 lambda hit, lo, hi: any(lo <= v < hi for v in field_values(hit[1], field))))
        return result

    return run


def _plan_filter(ctx: _Context, body: Any, subs: _Subs, name: str) -> _Runner:
    if not body.filters:
        raise E.SEARCH_INVALID.error(detail="filters must not be empty")  # [I]
    if len(body.filters) > MAX_FILTERS:
        raise E.SEARCH_INVALID.error(detail=f"the number of filters exceeds {MAX_FILTERS}")  # [I]
    predicates = [compile_query(ctx.index, query) for query in body.filters]

    def run(hits: Hits) -> Any:
        result = pb.GroupByFilterResult()
        buckets: _Buckets = []
        for predicate in predicates:
            members = [hit for hit in hits if predicate(hit[1])]
            buckets.append((result.group_by_filter_result_items.add(row_count=len(members)), members))
        subs.fill(buckets)
        return result

    return run


def _plan_geo_distance(ctx: _Context, body: Any, subs: _Subs, name: str) -> _Runner:
    geo_field(ctx.index, body.field_name)
    origin = (body.origin.lat, body.origin.lon)
    if not body.HasField("origin") or not (-90 <= origin[0] <= 90 and -180 <= origin[1] <= 180):
        raise E.SEARCH_INVALID.error(detail="origin must be a geo point")  # [I]
    ranges, field = _ranges(body, MAX_GEO_RANGES), body.field_name

    def inside(hit: Hit, begin: float, end: float) -> bool:
        return any(begin <= geo.arc_distance(origin, geo.quantize(p)) < end for p in field_values(hit[1], field))

    def run(hits: Hits) -> Any:
        result = pb.GroupByGeoDistanceResult()
        subs.fill(_range_buckets(result.group_by_geo_distance_result_items, ranges, hits, inside))
        return result

    return run


def _bounds(item: IndexField, body: Any, required: bool) -> Tuple[Any, Any]:
    """The field range's (min, max) as the field's type (either may be absent unless ``required``)."""
    given = body.field_range if body.HasField("field_range") else pb.FieldRange()
    low = coerce(item, variant(given.min)) if given.HasField("min") else None
    high = coerce(item, variant(given.max)) if given.HasField("max") else None
    if required and (low is None or high is None):
        raise E.SEARCH_INVALID.error(detail="field_range (min, max) must be given")  # [I]
    if low != low or high != high:  # a NaN bound would pass every bucket count check
        raise E.SEARCH_INVALID.error(detail="field_range (min, max) must not be NaN")  # [I]
    if low is not None and high is not None and low > high:
        raise E.SEARCH_INVALID.error(detail=f"field_range min [{low}] must not exceed max [{high}]")  # [I]
    return low, high


@dataclass(frozen=True)
class _Binning:
    """How a histogram puts a field's values in buckets: ``bucket`` gives a value's bucket
    key (None: outside the field range), ``step`` the key after a key; rows without the
    field count as ``missing`` when given."""

    field: str
    missing: Any
    bucket: Callable[[Any], Any]
    step: Callable[[Any], Any]
    min_doc_count: int = 1

    def items(self, hits: Hits) -> List[Tuple[Any, Hits]]:
        """(bucket key, members): empty buckets between the first and the last non-empty one
        too when ``min_doc_count`` is 0; at most MAX_BUCKETS."""
        groups = _members(hits, self.field, self.missing, self.bucket)
        if self.min_doc_count == 0 and groups:
            key, last = min(groups), max(groups)
            while key <= last and len(groups) <= MAX_BUCKETS:
                groups.setdefault(key, [])
                following = self.step(key)
                if not following > key:  # an interval below the values' float precision (1.0 at 1e17)
                    raise E.SEARCH_INVALID.error(detail="interval is too small for the values")  # [I]
                key = following
        if len(groups) > MAX_BUCKETS:
            raise E.SEARCH_INVALID.error(detail=f"the number of histogram buckets exceeds {MAX_BUCKETS}")  # [I]
        return [(key, members) for key, members in groups.items() if len(members) >= self.min_doc_count]


def _within(low: Any, high: Any, bucket: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``bucket`` of the values in [low, high) (an absent bound: unbounded), None for others."""
    return lambda value: (
        None if (low is not None and value < low) or (high is not None and value >= high) else bucket(value))


def _min_doc_count(body: Any) -> int:
    count = body.min_doc_count if body.HasField("min_doc_count") else 0
    if count < 0:
        raise E.SEARCH_INVALID.error(detail=f"min_doc_count [{count}] must not be negative")  # [I]
    return int(count)


def _histogram_binning(ctx: _Context, body: Any, name: str) -> _Binning:
    item = _typed_field(ctx, body.field_name, (LONG, DOUBLE), _group_refusal(name, body.field_name))
    interval = coerce(item, variant(body.interval)) if body.HasField("interval") else None
    if interval is None or not interval > 0 or math.isinf(interval):
        raise E.SEARCH_INVALID.error(detail="interval must be positive")  # [I]
    low, high = _bounds(item, body, required=True)
    if (high - low) / interval > MAX_BUCKETS:
        raise E.SEARCH_INVALID.error(detail=f"(max - min) / interval must not exceed {MAX_BUCKETS}")  # [I]
    integral = item.type == LONG and float(interval).is_integer()

    def key_of(index: Any) -> Any:
        return int(index * interval) if integral else float(index * interval)

    def bucket(value: Any) -> Any:
        return key_of(value // interval)

    def step(key: Any) -> Any:  # from the bucket's index, so no rounding error piles up
        return key_of(round(key / interval) + 1)

    missing = _missing(item, body, "missing_value")
    return _Binning(body.field_name, missing, _within(low, high, bucket), step, _min_doc_count(body))


def _plan_histogram(ctx: _Context, body: Any, subs: _Subs, name: str) -> _Runner:
    binning, order = _histogram_binning(ctx, body, name), _bucket_order(body.sort.sorters, subs.aggs, by_count=False)

    def run(hits: Hits) -> Any:
        result = pb.GroupByHistogramResult()
        subs.fill([(result.group_by_histogra_items.add(key=encode_filter_value(key), value=len(members)), members)
                   for key, members in sorted(binning.items(hits), key=order)])
        return result

    return run


# --- date histogram ----------------------------------------------------------------------
_FIXED_MS: Dict[int, int] = {
    DateTimeUnit.WEEK: 7 * 86400000, DateTimeUnit.DAY: 86400000, DateTimeUnit.HOUR: 3600000,
    DateTimeUnit.MINUTE: 60000, DateTimeUnit.SECOND: 1000, DateTimeUnit.MILLISECOND: 1,
}
_MONTHS: Dict[int, int] = {DateTimeUnit.YEAR: 12, DateTimeUnit.QUARTER_YEAR: 3, DateTimeUnit.MONTH: 1}
_MONDAY_SHIFT = 3 * 86400000  # 1970-01-01 was a Thursday; weeks start on Monday [I]
_TIME_ZONE = re.compile(r"([+-])(\d{2}):(\d{2})")


def _date_time_value(message: Any, what: str) -> Tuple[int, int]:
    """(value, unit) of a DateTimeValue."""
    if not message.HasField("value") or not message.HasField("unit") or message.unit not in (*_FIXED_MS, *_MONTHS):
        raise E.SEARCH_INVALID.error(detail=f"{what} must have a value and a unit")  # [I]
    return message.value, message.unit


def _time_zone(text: str) -> int:
    """The offset in ms of a ``+hh:mm`` / ``-hh:mm`` time zone."""
    match = _TIME_ZONE.fullmatch(text)
    if match is None or int(match.group(2)) > 18 or int(match.group(3)) > 59:
        raise E.SEARCH_INVALID.error(detail=f"invalid time_zone [{text}], must be like +08:00")  # [I]
    ms = (int(match.group(2)) * 60 + int(match.group(3))) * 60000
    return -ms if match.group(1) == "-" else ms


_DAY_MS = 86400000


def _month_index(local_ms: int) -> int:
    """Months since year 0 of a local time in ms (proleptic Gregorian, any int64 value)."""
    days = local_ms // _DAY_MS + 719468  # days since 0000-03-01
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153  # 0 = March
    month = shifted_month + 3 if shifted_month < 10 else shifted_month - 9
    year = year_of_era + era * 400 + (month <= 2)
    return year * 12 + month - 1


def _month_start(index: int) -> int:
    """The ms of the first day of month ``index`` (months since year 0)."""
    year, month = index // 12, index % 12 + 1
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return (era * 146097 + day_of_era - 719468) * _DAY_MS


def _date_bucketing(value: int, unit: int, zone: int, offset: int) -> Tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """(bucket of a UTC ms value, next bucket) for ``value`` units in a zone, shifted by ``offset``
    ms: bucket keys are the UTC ms of the bucket starts."""
    if unit in _MONTHS:
        months = value * _MONTHS[unit]

        def month_bucket(ms: Any) -> Any:
            index = _month_index(int(ms) + zone - offset)
            return _month_start(index - index % months) - zone + offset

        return month_bucket, lambda key: _month_start(_month_index(key + zone - offset) + months) - zone + offset
    width = value * _FIXED_MS[unit]
    shift = zone - offset + (_MONDAY_SHIFT if unit == DateTimeUnit.WEEK else 0)
    return lambda ms: (int(ms) + shift) // width * width - shift, lambda key: key + width


def _date_binning(ctx: _Context, body: Any, name: str) -> _Binning:
    item = _typed_field(ctx, body.field_name, (DATE,), _group_refusal(name, body.field_name))
    value, unit = _date_time_value(body.interval, "interval")
    if value <= 0:
        raise E.SEARCH_INVALID.error(detail="interval must be positive")  # [I]
    offset = 0
    if body.HasField("offset"):
        amount, offset_unit = _date_time_value(body.offset, "offset")
        if offset_unit in _MONTHS:
            raise E.SEARCH_INVALID.error(detail="offset must be in weeks or smaller units")  # [I]
        offset = amount * _FIXED_MS[offset_unit]
    zone = _time_zone(body.time_zone) if body.HasField("time_zone") else 0
    low, high = _bounds(item, body, required=False)
    bucket, step = _date_bucketing(value, unit, zone, offset)
    return _Binning(body.field_name, _missing(item, body, "missing"), _within(low, high, bucket), step,
                    _min_doc_count(body))


def _plan_date_histogram(ctx: _Context, body: Any, subs: _Subs, name: str) -> _Runner:
    binning, order = _date_binning(ctx, body, name), _bucket_order(body.sort.sorters, subs.aggs, by_count=False)

    def run(hits: Hits) -> Any:
        result = pb.GroupByDateHistogramResult()
        subs.fill([(result.group_by_date_histogram_items.add(timestamp=key, row_count=len(members)), members)
                   for key, members in sorted(binning.items(hits), key=order)])
        return result

    return run


# --- geo grid and composite ----------------------------------------------------------------
def _plan_geo_grid(ctx: _Context, body: Any, subs: _Subs, name: str) -> _Runner:
    geo_field(ctx.index, body.field_name)
    if not 1 <= body.precision <= 12:
        raise E.SEARCH_INVALID.error(detail="precision must be given, a GeoHashPrecision")  # [I]
    size = _group_size(body.size if body.HasField("size") else None)
    precision, field, order = body.precision, body.field_name, _bucket_order((), subs.aggs, by_count=True)

    def run(hits: Hits) -> Any:
        result = pb.GroupByGeoGridResult()
        buckets: _Buckets = []
        for code, members in sorted(_members(hits, field, None, lambda p: geo.geohash(p, precision)).items(),
                                    key=order)[:size]:
            (top, left), (bottom, right) = geo.geohash_cell(code)
            item = result.group_by_geo_grid_result_items.add(key=code, row_count=len(members))
            item.geo_grid.top_left.lat, item.geo_grid.top_left.lon = top, left
            item.geo_grid.bottom_right.lat, item.geo_grid.bottom_right.lon = bottom, right
            buckets.append((item, members))
        subs.fill(buckets)
        return result

    return run


@dataclass(frozen=True)
class _Source:
    """One source of a composite group-by: its name, binning, key text and key order."""

    name: str
    binning: _Binning
    text: Callable[[Any], str]
    descending: bool


def _source(ctx: _Context, group_by: Any) -> _Source:
    """A composite source: a field, histogram or date histogram group-by (its own sort's first
    group key sorter gives the order, ascending by default) [I]."""
    if group_by.type == GroupByType.GROUP_BY_FIELD:
        body = codec.parse(pb.GroupByField, group_by.body)
        _typed_field(ctx, body.field_name, _GROUPABLE, _group_refusal(group_by.name, body.field_name))
        binning = _Binning(body.field_name, None, lambda v: v, lambda v: v)
        text: Callable[[Any], str] = _key_text
    elif group_by.type == GroupByType.GROUP_BY_HISTOGRAM:
        body = codec.parse(pb.GroupByHistogram, group_by.body)
        binning, text = _histogram_binning(ctx, body, group_by.name), str
    elif group_by.type == GroupByType.GROUP_BY_DATE_HISTOGRAM:
        body = codec.parse(pb.GroupByDateHistogram, group_by.body)
        binning, text = _date_binning(ctx, body, group_by.name), str
    else:
        raise E.SEARCH_INVALID.error(  # [I]
            detail=f"source [{group_by.name}] of a composite group by must be a field, histogram or date histogram")
    keys = [sorter.group_key_sort for sorter in body.sort.sorters if sorter.HasField("group_key_sort")]
    descending = bool(keys) and keys[0].order == SortOrder.SORT_ORDER_DESC
    return _Source(group_by.name, binning, text, descending)


def _composite_token(keys: Tuple[Any, ...]) -> str:
    return json.dumps(list(keys), separators=(",", ":"))


_BAD_COMPOSITE_TOKEN = "invalid next_token of composite group by"  # [I]


def _read_composite_token(text: str, width: int) -> Tuple[Any, ...]:
    try:
        keys = json.loads(text)
    except (ValueError, RecursionError):  # a forged token nesting past Python's recursion
        keys = None
    if not isinstance(keys, list) or len(keys) != width or not all(
            key is None or isinstance(key, (bool, int, float, str)) for key in keys):
        raise E.SEARCH_INVALID.error(detail=_BAD_COMPOSITE_TOKEN)
    return tuple(keys)


def _plan_composite(ctx: _Context, body: Any, subs: _Subs, name: str) -> _Runner:
    """Buckets of every combination of the sources' keys a row has (a row without a value
    of a source: a null key, first ascending), in key order, ``size`` per page; the
    next_token (the last key) is set while more buckets follow [I]."""
    if not body.sources.group_bys:
        raise E.SEARCH_INVALID.error(detail="sources of composite group by must not be empty")  # [I]
    _unique_names([g.name for g in body.sources.group_bys], "group by")
    sources = [_source(ctx, g) for g in body.sources.group_bys]
    size = _group_size(body.size if body.HasField("size") else (
        min(body.suggested_size, MAX_GROUP_SIZE) if body.HasField("suggested_size") else None))
    after = _read_composite_token(body.next_token, len(sources)) if body.next_token else None

    def order(keys: Tuple[Any, ...]) -> Tuple[Any, ...]:
        return tuple(_Ordered((key is not None, key if key is not None else 0), source.descending)
                     for source, key in zip(sources, keys))

    def run(hits: Hits) -> Any:
        groups: Dict[Tuple[Any, ...], Hits] = {}
        combinations = 0
        for hit in hits:
            per_source = [
                sorted({source.binning.bucket(v) for v in field_values(hit[1], source.binning.field)} - {None})
                or [None]
                for source in sources
            ]
            combinations += math.prod(len(keys) for keys in per_source)
            if combinations > MAX_COMPOSITE_KEYS:
                raise E.SEARCH_INVALID.error(
                    detail=f"the key combinations of composite group by exceed {MAX_COMPOSITE_KEYS}")  # [I]
            for keys in itertools.product(*per_source):
                groups.setdefault(keys, []).append(hit)
        ordered = sorted(groups, key=order)
        if after is not None:
            try:
                ordered = [keys for keys in ordered if order(after) < order(keys)]
            except TypeError:  # a token of other sources: its keys do not compare with these
                raise E.SEARCH_INVALID.error(detail=_BAD_COMPOSITE_TOKEN) from None
        result = pb.GroupByCompositeResult(source_group_by_names=[source.name for source in sources])
        buckets: _Buckets = []
        for keys in ordered[:size]:
            item = result.group_by_composite_result_items.add(row_count=len(groups[keys]))
            item.keys.extend("" if key is None else source.text(key) for source, key in zip(sources, keys))
            item.is_null_keys.extend(key is None for key in keys)
            buckets.append((item, groups[keys]))
        subs.fill(buckets)
        if len(ordered) > size:
            result.next_token = _composite_token(ordered[size - 1])
        return result

    return run


# --- group-bys: the container --------------------------------------------------------------
_PLANNERS: Dict[int, Tuple[Any, Callable[[_Context, Any, _Subs, str], _Runner]]] = {
    GroupByType.GROUP_BY_FIELD: (pb.GroupByField, _plan_field),
    GroupByType.GROUP_BY_RANGE: (pb.GroupByRange, _plan_range),
    GroupByType.GROUP_BY_FILTER: (pb.GroupByFilter, _plan_filter),
    GroupByType.GROUP_BY_GEO_DISTANCE: (pb.GroupByGeoDistance, _plan_geo_distance),
    GroupByType.GROUP_BY_HISTOGRAM: (pb.GroupByHistogram, _plan_histogram),
    GroupByType.GROUP_BY_DATE_HISTOGRAM: (pb.GroupByDateHistogram, _plan_date_histogram),
    GroupByType.GROUP_BY_GEO_GRID: (pb.GroupByGeoGrid, _plan_geo_grid),
    GroupByType.GROUP_BY_COMPOSITE: (pb.GroupByComposite, _plan_composite),
}


def _plan_groups(ctx: _Context, group_bys: Any, depth: int) -> Callable[[Hits, Any], None]:
    """Check a ``GroupBys`` message at nesting ``depth`` (1 = top); returns the function
    that fills a GroupBysResult from hits."""
    if not group_bys.group_bys:
        return lambda hits, result: None
    if depth > MAX_GROUP_BY_DEPTH:
        raise E.SEARCH_INVALID.error(detail=f"the depth of group bys exceeds {MAX_GROUP_BY_DEPTH}")  # [I]
    if len(group_bys.group_bys) > MAX_GROUP_BYS:
        raise E.SEARCH_INVALID.error(detail=f"the number of group bys exceeds {MAX_GROUP_BYS}")
    _unique_names([g.name for g in group_bys.group_bys], "group by")
    plans: List[Tuple[str, int, _Runner]] = []
    for group_by in group_bys.group_bys:
        if group_by.type not in _PLANNERS:
            raise E.SEARCH_INVALID.error(detail=f"group by type [{group_by.type}] is not supported by the emulator")
        body_class, planner = _PLANNERS[group_by.type]
        body = codec.parse(body_class, group_by.body)
        subs = _Subs(_plan_aggs(ctx, body.sub_aggs), _plan_groups(ctx, body.sub_group_bys, depth + 1), ctx.tally)
        plans.append((group_by.name, group_by.type, planner(ctx, body, subs, group_by.name)))

    def run(hits: Hits, result: Any) -> None:
        for name, kind, runner in plans:
            body = runner(hits).SerializeToString()
            result.group_by_results.add(name=name, type=kind, group_by_result=body)

    return run


def group(index: SearchIndex, group_bys: Any, rows: Rows) -> Callable[[Hits], bytes]:
    """Check a ``GroupBys`` message; returns the function giving GroupBysResult bytes."""
    fill = _plan_groups(_Context(index, rows), group_bys, 1)

    def run(hits: Hits) -> bytes:
        result = pb.GroupBysResult()
        fill(hits, result)
        data: bytes = result.SerializeToString()
        return data

    return run
