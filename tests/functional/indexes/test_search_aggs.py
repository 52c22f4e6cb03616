"""Aggregations (max, min, sum, avg, count, distinct count, percentiles, top rows) and
group-bys (field, range, filter, geo distance, histogram, date histogram; nested) through
the official SDK and our sync and async clients, on the official SDK tests' 100-row data
sets: every expected value is computed here from the rows written and, where the official
tests assert one, equals theirs (agg_test.py, group_by_test.py).
"""
from __future__ import annotations

import datetime
import json
import math
from types import SimpleNamespace
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_search_geo import haversine, on_grid
from test_search_index import expect, ours_kit  # noqa: F401 (a fixture)

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.search.aggregations import MAX_COMPOSITE_KEYS


ROWS = 100


def official_row(i: int, l_of: Callable[[int], int]) -> Dict[str, Any]:
    """The attribute columns of row i of the official agg_test / group_by_test data."""
    return {
        "k": "key%03d" % i, "t": "this is " + str(i), "g": "%f,%f" % (30.0 + 0.05 * (i // 100), 114.0 + 0.05 * (i % 100)),
        "ka": '["a", "b", "%d"]' % i, "la": "[-1, %d]" % i, "l": l_of(i), "b": i % 2 == 0, "d": 0.1,
        "time": "2022-05-%d" % (i % 31 + 1),
        "n": json.dumps([{"nk": "key%03d" % i, "nl": i, "nt": "this is in nested " + str(i)}]),
    }


def prepare(kit: SimpleNamespace, l_of: Callable[[int], int]) -> List[Dict[str, Any]]:
    """The official tests' table (PK1 INTEGER, PK2 STRING), rows and index `idx`."""
    m = kit.m
    kit.client.create_table(
        m.TableMeta("t", [("PK1", "INTEGER"), ("PK2", "STRING")]), m.TableOptions(),
        m.ReservedThroughput(m.CapacityUnit(0, 0)),
    )
    rows = [official_row(i, l_of) for i in range(ROWS)]
    for start in range(0, ROWS, 50):
        batch = m.BatchWriteRowRequest()
        batch.add(m.TableInBatchWriteRowItem("t", [
            m.PutRowItem(m.Row([("PK1", i), ("PK2", "pk_%d" % (i % 10))], list(rows[i].items())), m.Condition("IGNORE"))
            for i in range(start, start + 50)
        ]))
        kit.client.batch_write_row(batch)
    fields = [
        m.FieldSchema("k", m.FieldType.KEYWORD, index=True, enable_sort_and_agg=True, store=True),
        m.FieldSchema("t", m.FieldType.TEXT, index=True, store=True),
        m.FieldSchema("g", m.FieldType.GEOPOINT, index=True, store=True),
        m.FieldSchema("ka", m.FieldType.KEYWORD, index=True, is_array=True, store=True),
        m.FieldSchema("la", m.FieldType.LONG, index=True, is_array=True, store=True),
        m.FieldSchema("l", m.FieldType.LONG, index=True, store=True),
        m.FieldSchema("b", m.FieldType.BOOLEAN, index=True, store=True),
        m.FieldSchema("d", m.FieldType.DOUBLE, index=True, store=True),
        m.FieldSchema("time", m.FieldType.DATE, index=True, store=True, date_formats=["yyyy-MM-dd"]),
        m.FieldSchema("n", m.FieldType.NESTED, sub_field_schemas=[
            m.FieldSchema("nk", m.FieldType.KEYWORD, index=True, store=True),
            m.FieldSchema("nl", m.FieldType.LONG, index=True, store=True),
            m.FieldSchema("nt", m.FieldType.TEXT, index=True, store=True),
        ]),
    ]
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta(fields))
    return rows


def values(row: Dict[str, Any], field: str) -> List[Any]:
    """The index values of a field in a written row, derived here from the column text."""
    if field in ("la", "ka"):
        return json.loads(row[field])
    if field == "n.nl":
        return [o["nl"] for o in json.loads(row["n"])]
    if field == "n.nk":
        return [o["nk"] for o in json.loads(row["n"])]
    if field == "time":  # yyyy-MM-dd parses strictly: a one-digit day is not a date
        text = row["time"]
        if len(text) != 10:
            return []
        day = datetime.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
        return [int(day.timestamp() * 1000)]
    return [row[field]]


def everything(rows: List[Dict[str, Any]], field: str) -> List[Any]:
    return [v for row in rows for v in values(row, field)]


def search(kit: SimpleNamespace, columns: Any = None, query: Any = None, **options: Any) -> Any:
    """The official tests' search: TermQuery('d', 0.1) unless ``query``, no rows, PK only."""
    m = kit.m
    request = m.SearchQuery(query or m.TermQuery("d", 0.1), limit=0, get_total_count=True, **options)
    return kit.client.search("t", "idx", request, columns or m.ColumnsToGet(return_type=m.ColumnReturnType.NONE))


def agg_value(kit: SimpleNamespace, agg: Any) -> Any:
    (result,) = search(kit, aggs=[agg]).agg_results
    return result.value


# --- value aggregations --------------------------------------------------------------------
def test_value_aggregations_match_the_official_test(kit):
    m = kit.m
    rows = prepare(kit, lambda i: i)
    official = {"l": (99, 0, 4950, 49.5), "n.nl": (99, 0, 4950, 49.5), "la": (99, -1, 4850, 24.25)}
    for field in ("l", "d", "n.nl", "la"):
        found = everything(rows, field)
        got = (agg_value(kit, m.Max(field)), agg_value(kit, m.Min(field)), agg_value(kit, m.Sum(field)),
               agg_value(kit, m.Avg(field)))
        assert got == pytest.approx((max(found), min(found), sum(found), sum(found) / len(found)))
        if field in official:
            assert got == official[field]
    counts = {"l": 100, "d": 100, "k": 100, "b": 100, "g": 100, "n.nl": 100, "n.nk": 100, "la": 200, "ka": 300}
    distinct = {"l": 100, "d": 1, "k": 100, "b": 2, "g": 100, "n.nl": 100, "n.nk": 100, "la": 101, "ka": 102}
    for field in counts:
        found = everything(rows, field)
        assert (agg_value(kit, m.Count(field)), agg_value(kit, m.DistinctCount(field))) == (
            len(found), len(set(found))) == (counts[field], distinct[field]), field
    both = search(kit, aggs=[m.Sum("l", name="a1"), m.Avg("l", name="a2")]).agg_results
    assert [(a.name, a.value) for a in both] == [("a1", 4950), ("a2", 49.5)]


def test_aggregations_refuse_the_official_tests_field_types(kit):
    m = kit.m
    prepare(kit, lambda i: i)
    refused = {
        m.Max: ["k", "t", "g", "ka", "b", "n.nk", "n.nt"], m.Min: ["k", "t", "g", "ka", "b", "n.nk", "n.nt"],
        m.Sum: ["k", "t", "g", "ka", "b", "n.nk", "n.nt"], m.Avg: ["k", "t", "g", "ka", "b", "n.nk", "n.nt"],
        m.Count: ["t", "n.nt"], m.DistinctCount: ["t", "n.nt"],
    }
    for make, fields in refused.items():
        for field in fields:
            agg = make(field)
            expect(kit, E.SEARCH_INVALID, lambda: search(kit, aggs=[agg]),
                   detail=f"aggregation [{agg.name}] does not support field [{field}] of its type")
    for field in ("t", "k", "b", "g", "n.nt"):
        expect(kit, E.SEARCH_INVALID, lambda: search(kit, aggs=[m.Percentiles(field, [99.9, 90])]),
               detail=f"aggregation [percentiles] does not support field [{field}] of its type")


def percentile(found: List[Any], p: float) -> float:
    """Linear interpolation between the closest ranks of the sorted values."""
    ordered = sorted(found)
    rank = p / 100 * (len(ordered) - 1)
    below = int(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


def test_percentiles(kit):
    m = kit.m
    rows = prepare(kit, lambda i: i)
    official = {"l": [49, 89], "n.nl": [49, 89], "la": [0, 79], "d": [0.1, 0.1]}
    for field in ("l", "d", "n.nl", "la", "time"):
        found = everything(rows, field)
        items = agg_value(kit, m.Percentiles(field, [90, 50]))
        expected = [percentile(found, 50), percentile(found, 90)]
        if field != "d":  # LONG and DATE results are integers, truncated toward zero
            expected = [int(v) for v in expected]
        assert [(i.key, i.value) for i in items] == [(50, expected[0]), (90, expected[1])], field
        if field in official:
            assert [i.value for i in items] == official[field]
    days = [datetime.datetime.fromtimestamp(i.value / 1000, datetime.timezone.utc).strftime("%Y-%m-%d")
            for i in agg_value(kit, m.Percentiles("time", [90, 50]))]
    assert days == ["2022-05-20", "2022-05-29"]
    if kit.kind != "official":  # the official SDK cannot send it (it sets a `missing` field the message lacks)
        # rows without a date (one-digit days) take the missing value; keys come back ascending
        june = int(datetime.datetime(2022, 6, 1, tzinfo=datetime.timezone.utc).timestamp() * 1000)
        found = [v for row in rows for v in values(row, "time") or [june]]
        with_missing = agg_value(kit, m.Percentiles("time", [100, 0, 25.5], missing_value="2022-06-01"))
        assert [(i.key, i.value) for i in with_missing] == [(p, int(percentile(found, p))) for p in (0, 25.5, 100)]
    nothing = search(kit, query=m.TermQuery("k", "nope"), aggs=[m.Percentiles("l", [50])]).agg_results
    assert [(a.name, a.value) for a in nothing] == [("percentiles", [])]  # no values, no items
    expect(kit, E.SEARCH_INVALID, lambda: search(kit, aggs=[m.Percentiles("l", [101])]),
           detail="percentiles must be given, each in [0, 100]")


def test_top_rows(kit):
    m = kit.m
    rows = prepare(kit, lambda i: i)
    top = agg_value(kit, m.TopRows(limit=2, sort=m.Sort([m.PrimaryKeySort()])))
    assert top == [([("PK1", 0), ("PK2", "pk_0")], []), ([("PK1", 1), ("PK2", "pk_1")], [])]  # the official test's
    columns = m.ColumnsToGet(["l", "k"], m.ColumnReturnType.SPECIFIED)
    by_l = m.TopRows(limit=3, sort=m.Sort([m.FieldSort("l", m.SortOrder.DESC)]), name="by_l")
    (result,) = search(kit, columns, aggs=[by_l]).agg_results
    expected = sorted(range(ROWS), key=lambda i: -rows[i]["l"])[:3]
    assert [(pk, [c[:2] for c in attributes]) for pk, attributes in result.value] == [
        ([("PK1", i), ("PK2", "pk_%d" % (i % 10))], [("k", rows[i]["k"]), ("l", rows[i]["l"])]) for i in expected
    ]
    # by score: each geo clause (a constant 1.0) a row matches adds 1.0; ties by primary key
    def point(row: Dict[str, Any]) -> Tuple[float, float]:
        lat, lon = row["g"].split(",")
        return on_grid(float(lat), float(lon))

    clauses = [(m.GeoBoundingBoxQuery("g", "31,114", "29,116"), lambda r: 114 <= point(r)[1] <= 116),
               (m.GeoBoundingBoxQuery("g", "31,115", "29,118"), lambda r: 115 <= point(r)[1] <= 118),
               (m.GeoDistanceQuery("g", "30,114", 50000), lambda r: haversine((30, 114), point(r)) <= 50000)]
    query = m.BoolQuery(should_queries=[q for q, _ in clauses])
    best = m.TopRows(limit=6, sort=m.Sort([m.ScoreSort(m.SortOrder.DESC)]), name="best")
    (result,) = search(kit, query=query, aggs=[best]).agg_results
    scores = {i: sum(1 for _, holds in clauses if holds(rows[i])) for i in range(ROWS)}
    assert [pk[0][1] for pk, _ in result.value] == sorted((i for i in scores if scores[i]), key=lambda i: (-scores[i], i))[:6]
    expect(kit, E.SEARCH_INVALID, lambda: search(kit, aggs=[m.TopRows(limit=10000, sort=m.Sort([m.PrimaryKeySort()]))]),
           detail="top rows limit [10000] must be in (0, 100]")


# --- group-bys -----------------------------------------------------------------------------
def group_results(kit: SimpleNamespace, *group_bys: Any) -> List[Any]:
    return search(kit, group_bys=list(group_bys)).group_by_results


def test_group_by_field_range_filter_geo_match_the_official_test(kit):
    m = kit.m
    rows = prepare(kit, lambda i: i % 3)
    (by_l,) = group_results(kit, m.GroupByField("l"))
    counts: Dict[int, List[int]] = {}
    for i, row in enumerate(rows):
        counts.setdefault(row["l"], []).append(i)
    expected = sorted(counts, key=lambda k: (-len(counts[k]), k))
    assert [(g.key, g.row_count) for g in by_l.items] == [(str(k), len(counts[k])) for k in expected] == [
        ("0", 34), ("1", 33), ("2", 33)]
    top = m.TopRows(limit=3, sort=m.Sort([m.PrimaryKeySort(sort_order=m.SortOrder.DESC)]), name="t1")
    (smallest,) = group_results(kit, m.GroupByField("l", size=2, group_by_sort=[m.RowCountSort(m.SortOrder.ASC)],
                                                    sub_aggs=[top]))
    ascending = sorted(counts, key=lambda k: (len(counts[k]), k))[:2]
    assert [(g.key, g.row_count) for g in smallest.items] == [(str(k), len(counts[k])) for k in ascending]
    (t1,) = smallest.items[0].sub_aggs
    assert t1.name == "t1" and [row[0] for row in t1.value] == [
        [("PK1", i), ("PK2", "pk_%d" % (i % 10))] for i in sorted(counts[ascending[0]], reverse=True)[:3]
    ] == [[("PK1", 97), ("PK2", "pk_7")], [("PK1", 94), ("PK2", "pk_4")], [("PK1", 91), ("PK2", "pk_1")]]

    (by_range,) = group_results(kit, m.GroupByRange("la", ranges=[(0, 10), (11, 25)]))
    expected_ranges = [(lo, hi, sum(1 for r in rows if any(lo <= v < hi for v in values(r, "la")))) for lo, hi in
                       [(0, 10), (11, 25)]]
    assert [(g.range_from, g.range_to, g.row_count) for g in by_range.items] == expected_ranges == [
        (0, 10, 10), (11, 25, 14)]

    (by_filter,) = group_results(kit, m.GroupByFilter([m.TermQuery("l", 1), m.TermQuery("ka", "a")]))
    assert [g.row_count for g in by_filter.items] == [
        sum(1 for r in rows if r["l"] == 1), sum(1 for r in rows if "a" in values(r, "ka"))] == [33, 100]

    geo = m.GroupByGeoDistance("g", m.GeoPoint(31, 116), [(0, 300000), (300000, 1000000)])
    (by_distance,) = group_results(kit, geo)
    distances = [haversine((31, 116), on_grid(*map(float, r["g"].split(",")))) for r in rows]
    assert [(g.range_from, g.range_to, g.row_count) for g in by_distance.items] == [
        (lo, hi, sum(1 for d in distances if lo <= d < hi)) for lo, hi in [(0, 300000), (300000, 1000000)]
    ] == [(0, 300000, 99), (300000, 1000000, 1)]


def histogram(found_per_row: List[List[Any]], interval: Any, low: Any, high: Any) -> Dict[Any, int]:
    """Rows per bucket key floor(v / interval) * interval of the values in [low, high)."""
    counts: Dict[Any, int] = {}
    for found in found_per_row:
        for key in {math.floor(v / interval) * interval for v in found if low <= v < high}:
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_group_by_histogram(kit):
    m = kit.m
    rows = prepare(kit, lambda i: i % 3)
    (ints,) = group_results(kit, m.GroupByHistogram("l", 2, m.FieldRange(0, 3)))
    expected = histogram([values(r, "l") for r in rows], 2, 0, 3)
    assert [(g.key, g.value) for g in ints.items] == sorted(expected.items()) == [(0, 67), (2, 33)]
    assert all(isinstance(g.key, int) for g in ints.items)
    (doubles,) = group_results(kit, m.GroupByHistogram("d", 2.0, m.FieldRange(0.0, 3.0)))
    assert [(g.key, g.value) for g in doubles.items] == [(0.0, 100)] and isinstance(doubles.items[0].key, float)
    # array values, a narrower range, empty buckets (min_doc_count 0 is the default), sorts
    found = [values(r, "la") for r in rows]
    expected = histogram(found, 7, 5, 60)
    every = {key: expected.get(key, 0) for key in range(min(expected), max(expected) + 1, 7)}
    (by_key,) = group_results(kit, m.GroupByHistogram("la", 7, m.FieldRange(5, 60)))
    assert [(g.key, g.value) for g in by_key.items] == sorted(every.items())
    (full,) = group_results(kit, m.GroupByHistogram("la", 7, m.FieldRange(5, 60), min_doc_count=7))
    kept = sorted((k, c) for k, c in expected.items() if c >= 7)
    assert [(g.key, g.value) for g in full.items] == kept
    with_sum = m.GroupByHistogram("l", 1, m.FieldRange(0, 3), sub_aggs=[m.Sum("la", name="s")])
    (by_l,) = group_results(kit, with_sum)
    sums = {k: sum(sum(values(r, "la")) for r in rows if r["l"] == k) for k in range(3)}
    assert [(g.key, g.sub_aggs[0].value) for g in by_l.items] == sorted(sums.items())
    if kit.kind != "official":  # the official SDK fails to encode a histogram's sort (no `_get_enum`)
        sort = [m.RowCountSort(m.SortOrder.ASC), m.GroupKeySort(m.SortOrder.DESC)]
        (by_count,) = group_results(kit, m.GroupByHistogram("la", 7, m.FieldRange(5, 60), min_doc_count=7,
                                                            group_by_sort=sort))
        assert [(g.key, g.value) for g in by_count.items] == sorted(kept, key=lambda kc: (kc[1], -kc[0]))
        with_sum.group_by_sort = [m.SubAggSort(m.SortOrder.DESC, "s")]
        (by_sum,) = group_results(kit, with_sum)
        assert [(g.key, g.sub_aggs[0].value) for g in by_sum.items] == sorted(sums.items(), key=lambda kv: -kv[1])


def day_key(ms: int, zone: datetime.timezone, offset_ms: int = 0) -> int:
    """The UTC ms of the start of the local day (shifted by offset) holding ms."""
    local = datetime.datetime.fromtimestamp((ms - offset_ms) / 1000, zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return int(start.timestamp() * 1000) + offset_ms


def test_group_by_date_histogram(kit):
    m = kit.m
    kit.client.create_table(m.TableMeta("t", [("PK1", "INTEGER"), ("PK2", "STRING")]), m.TableOptions(),
                            m.ReservedThroughput(m.CapacityUnit(0, 0)))
    base = datetime.datetime(2022, 5, 1, tzinfo=datetime.timezone.utc)
    stamps = {i: base + datetime.timedelta(hours=7 * i + i % 5) for i in range(60) if i % 9}
    for i in range(60):
        columns = [("d", 0.1)] + ([("at", stamps[i].strftime("%Y-%m-%d %H:%M:%S"))] if i in stamps else [])
        kit.client.put_row("t", m.Row([("PK1", i), ("PK2", "x")], columns), m.Condition("IGNORE"))
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta([
        m.FieldSchema("d", m.FieldType.DOUBLE),
        m.FieldSchema("at", m.FieldType.DATE, date_formats=["yyyy-MM-dd HH:mm:ss"]),
    ]))
    ms = {i: int(t.timestamp() * 1000) for i, t in stamps.items()}

    def buckets(key_of: Callable[[int], int], kept: Callable[[int], bool] = lambda v: True,
                missing: Optional[int] = None) -> List[Tuple[int, int]]:
        counts: Dict[int, int] = {}
        for i in range(60):
            value = ms.get(i, missing)
            if value is not None and kept(value):
                counts[key_of(value)] = counts.get(key_of(value), 0) + 1
        return sorted(counts.items())

    def got(**options: Any) -> List[Tuple[int, int]]:
        interval = options.pop("interval", m.DateTimeValue(1, m.DateTimeUnit.DAY))
        (result,) = group_results(kit, m.GroupByDateHistogram("at", interval, min_doc_count=1, **options))
        return [(g.timestamp, g.row_count) for g in result.items]

    utc, east = datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=8))
    assert got() == buckets(lambda v: day_key(v, utc))
    assert got(time_zone="+08:00") == buckets(lambda v: day_key(v, east))
    six_hours = 6 * 3600000
    assert got(offset=m.DateTimeValue(6, m.DateTimeUnit.HOUR)) == buckets(lambda v: day_key(v, utc, six_hours))
    hours = 30 * 3600000
    assert got(interval=m.DateTimeValue(30, m.DateTimeUnit.HOUR)) == buckets(lambda v: v // hours * hours)
    low, high = "2022-05-04 00:00:00", "2022-05-09 12:00:00"
    low_ms, high_ms = (int(datetime.datetime.strptime(t, "%Y-%m-%d %H:%M:%S").replace(tzinfo=utc).timestamp() * 1000)
                       for t in (low, high))
    assert got(field_range=m.FieldRange(low, high)) == buckets(lambda v: day_key(v, utc), lambda v: low_ms <= v < high_ms)
    missing = "2022-05-02 10:00:00"
    missing_ms = int(datetime.datetime(2022, 5, 2, 10, tzinfo=utc).timestamp() * 1000)
    assert got(missing=missing) == buckets(lambda v: day_key(v, utc), missing=missing_ms)
    month = got(interval=m.DateTimeValue(1, m.DateTimeUnit.MONTH))
    assert month == buckets(lambda v: int(datetime.datetime.fromtimestamp(v / 1000, utc).replace(
        day=1, hour=0, minute=0, second=0).timestamp() * 1000))
    week = got(interval=m.DateTimeValue(1, m.DateTimeUnit.WEEK))  # weeks start on Monday
    assert week == buckets(lambda v: day_key(v, utc) - datetime.datetime.fromtimestamp(v / 1000, utc).weekday() * 86400000)
    (every,) = group_results(kit, m.GroupByDateHistogram("at", m.DateTimeValue(1, m.DateTimeUnit.DAY)))
    days = buckets(lambda v: day_key(v, utc))
    assert [(g.timestamp, g.row_count) for g in every.items] == [
        (key, dict(days).get(key, 0)) for key in range(days[0][0], days[-1][0] + 1, 86400000)]  # empty days too
    expect(kit, E.SEARCH_INVALID, lambda: got(time_zone="Asia/Shanghai"),
           detail="invalid time_zone [Asia/Shanghai], must be like +08:00")
    milliseconds = m.GroupByDateHistogram("at", m.DateTimeValue(1, m.DateTimeUnit.MILLISECOND))  # empty buckets too
    expect(kit, E.SEARCH_INVALID, lambda: group_results(kit, milliseconds),
           detail="the number of histogram buckets exceeds 2000")


def test_nested_group_bys_and_sub_aggregations(kit):
    m = kit.m
    rows = prepare(kit, lambda i: i % 3)
    inner = m.GroupByField("b", name="by_b", sub_aggs=[m.Max("la", name="top"), m.Count("k", name="n")])
    outer = m.GroupByRange("la", [(0, 50), (50, 100)], name="halves",
                           sub_group_bys=[m.GroupByFilter([m.TermQuery("l", 0), m.TermQuery("l", 2)], name="ls",
                                                          sub_group_bys=[inner])])
    (halves,) = group_results(kit, outer)
    assert halves.name == "halves"
    for (lo, hi), item in zip([(0, 50), (50, 100)], halves.items):
        members = [r for r in rows if any(lo <= v < hi for v in values(r, "la"))]
        assert item.row_count == len(members)
        (ls,) = item.sub_group_bys
        assert ls.name == "ls"
        for wanted_l, bucket in zip((0, 2), ls.items):
            chosen = [r for r in members if r["l"] == wanted_l]
            assert bucket.row_count == len(chosen)
            (by_b,) = bucket.sub_group_bys
            groups = {b: [r for r in chosen if r["b"] == b] for b in (True, False)}
            order = sorted((b for b in groups if groups[b]), key=lambda b: (-len(groups[b]), str(b).lower()))
            assert [(g.key, g.row_count, [(a.name, a.value) for a in g.sub_aggs]) for g in by_b.items] == [
                (str(b).lower(), len(groups[b]), [("top", max(v for r in groups[b] for v in values(r, "la"))),
                                                  ("n", len(groups[b]))])
                for b in order
            ]


BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"


def cell(lat: float, lon: float, length: int) -> Tuple[str, Tuple[float, float, float, float]]:
    """The geohash of a point and its cell (south, north, west, east), bisecting here."""
    south, north, west, east = -90.0, 90.0, -180.0, 180.0
    bits = []
    for i in range(length * 5):
        if i % 2 == 0:
            middle = (west + east) / 2
            bits.append(lon >= middle)
            west, east = (middle, east) if lon >= middle else (west, middle)
        else:
            middle = (south + north) / 2
            bits.append(lat >= middle)
            south, north = (middle, north) if lat >= middle else (south, middle)
    code = "".join(BASE32[int("".join("1" if b else "0" for b in bits[i:i + 5]), 2)] for i in range(0, len(bits), 5))
    return code, (south, north, west, east)


def test_group_by_geo_grid(kit):
    m = kit.m
    rows = prepare(kit, lambda i: i % 3)
    cells: Dict[str, List[int]] = {}
    boxes = {}
    for i, row in enumerate(rows):
        code, box = cell(*on_grid(*map(float, row["g"].split(","))), 4)
        cells.setdefault(code, []).append(i)
        boxes[code] = box
    expected = sorted(cells, key=lambda c: (-len(cells[c]), c))[:5]
    grid = m.GroupByGeoGrid("g", m.GeoHashPrecision.GHP_39KM_19KM_4, size=5, sub_aggs=[m.Max("la", name="top")])
    (result,) = group_results(kit, grid)
    got = [(g.key, g.row_count, (g.geo_grid.bottom_right.lat, g.geo_grid.top_left.lat, g.geo_grid.top_left.lon,
                                 g.geo_grid.bottom_right.lon), g.sub_aggs[0].value) for g in result.items]
    assert got == [(c, len(cells[c]), boxes[c], max(i for i in cells[c])) for c in expected]


def test_group_by_composite_pages_every_key_combination(kit):
    m = kit.m
    rows = prepare(kit, lambda i: i % 3)
    width = 10 * 86400000

    def time_keys(row: Dict[str, Any]) -> List[Optional[int]]:
        return sorted({v // width * width for v in values(row, "time")}) or [None]

    groups: Dict[Tuple[str, Optional[int]], int] = {}
    for row in rows:
        for key in time_keys(row):
            groups[(str(row["b"]).lower(), key)] = groups.get((str(row["b"]).lower(), key), 0) + 1
    expected = [(list(k[:1]) + [None if k[1] is None else str(k[1])], groups[k])
                for k in sorted(groups, key=lambda k: (k[0], k[1] is not None, k[1] or 0))]
    sources = [m.GroupByField("b", name="b"), m.GroupByDateHistogram("time", m.DateTimeValue(10, m.DateTimeUnit.DAY),
                                                                     name="days")]
    pages, token = [], None
    while True:
        (result,) = group_results(kit, m.GroupByComposite(sources, size=3, next_token=token, sub_aggs=[m.Count("l")]))
        assert result.source_group_by_names == ["b", "days"]
        pages.append([(g.keys, g.row_count) for g in result.items])
        assert all(g.sub_aggs[0].value == g.row_count for g in result.items)
        token = result.next_token
        if not token:
            break
    assert [len(page) for page in pages[:-1]] == [3] * (len(pages) - 1)
    assert [item for page in pages for item in page] == expected
    counts = histogram([values(r, "l") for r in rows], 2, 0, 3)
    (by_l,) = group_results(kit, m.GroupByComposite([m.GroupByHistogram("l", 2, m.FieldRange(0, 3), name="h")]))
    assert [(g.keys, g.row_count) for g in by_l.items] == [([str(k)], c) for k, c in sorted(counts.items())]
    assert not by_l.next_token  # one page holds every bucket


def test_group_by_limits_and_errors(kit):
    m = kit.m
    prepare(kit, lambda i: i % 3)

    def refused(detail: str, *group_bys: Any) -> None:
        expect(kit, E.SEARCH_INVALID, lambda: search(kit, group_bys=list(group_bys)), detail=detail)

    refused("the number of group bys exceeds 5", *[m.GroupByField("l", name="g%d" % i) for i in range(6)])
    deep = m.GroupByField("l", name="d4")
    for level in (3, 2, 1):
        deep = m.GroupByField("l", name="d%d" % level, sub_group_bys=[deep])
    refused("the depth of group bys exceeds 3", deep)
    refused("the number of filters exceeds 10", m.GroupByFilter([m.TermQuery("l", i) for i in range(11)]))
    refused("the number of ranges exceeds 100", m.GroupByRange("l", [(i, i + 1) for i in range(101)]))
    refused("the number of ranges exceeds 10", m.GroupByGeoDistance("g", m.GeoPoint(30, 114), [(i, i + 1) for i in range(11)]))
    refused("(max - min) / interval must not exceed 2000", m.GroupByHistogram("l", 1, m.FieldRange(0, 2001)))
    refused("interval must be positive", m.GroupByHistogram("l", 0, m.FieldRange(0, 10)))
    refused("group by [group_by_histogram] does not support field [k]", m.GroupByHistogram("k", 1, m.FieldRange(0, 1)))
    refused("group by [group_by_range] does not support field [g]", m.GroupByRange("g", [(0, 1)]))
    refused("field [l] is not a GEO_POINT field", m.GroupByGeoDistance("l", m.GeoPoint(30, 114), [(0, 1)]))
    refused("sub aggregation [t] can not be used to sort",
            m.GroupByField("l", group_by_sort=[m.SubAggSort(m.SortOrder.ASC, "t")],
                           sub_aggs=[m.TopRows(1, m.Sort([m.PrimaryKeySort()]), name="t")]))
    refused("source [r] of a composite group by must be a field, histogram or date histogram",
            m.GroupByComposite([m.GroupByRange("l", [(0, 1)], name="r")]))
    refused("invalid next_token of composite group by", m.GroupByComposite([m.GroupByField("l")], next_token="nope"))
    refused("invalid next_token of composite group by",  # a token of a keyword source given to a number source
            m.GroupByComposite([m.GroupByField("l")], next_token='["key001"]'))
    refused("field [l] is not a GEO_POINT field", m.GroupByGeoGrid("l", m.GeoHashPrecision.GHP_156KM_156KM_3))
    refused("duplicate group by name [same]", m.GroupByField("l", name="same"), m.GroupByFilter([m.TermQuery("l", 1)], name="same"))



def test_composite_key_combinations_are_bounded(kit):
    """A row of two 1,200-value arrays expands to 1,440,000 key pairs: refused (past
    MAX_COMPOSITE_KEYS) before the buckets are built; one array alone is answered."""
    m = kit.m
    prepare(kit, lambda i: i % 3)
    many = 1200
    kit.client.put_row("t", m.Row([("PK1", 10**6), ("PK2", "big")], [
        ("d", 0.1), ("ka", json.dumps(["v%04d" % i for i in range(many)])), ("la", json.dumps(list(range(many)))),
    ]), m.Condition("IGNORE"))
    assert many * many > MAX_COMPOSITE_KEYS
    both = m.GroupByComposite([m.GroupByField("ka", name="a"), m.GroupByField("la", name="b")])
    expect(kit, E.SEARCH_INVALID, lambda: search(kit, group_bys=[both]),
           detail=f"the key combinations of composite group by exceed {MAX_COMPOSITE_KEYS}")
    (one,) = group_results(kit, m.GroupByComposite([m.GroupByField("la", name="b")], size=5))
    assert [g.keys for g in one.items][:2] == [["-1"], ["0"]]

# --- property -------------------------------------------------------------------------------
ROW = st.fixed_dictionaries({}, optional={
    "l": st.integers(-20, 20), "d": st.sampled_from([-2.5, -0.5, 0.0, 0.75, 3.25, 9.5]),
    "la": st.lists(st.integers(-10, 10), max_size=3),
})
BOUNDS = st.tuples(st.integers(-25, 5), st.integers(0, 30))


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(rows=st.lists(ROW, max_size=15), interval=st.integers(1, 7), bounds=BOUNDS,
       min_doc_count=st.integers(0, 2), missing=st.one_of(st.none(), st.integers(-5, 5)),
       percents=st.lists(st.floats(0, 100), min_size=1, max_size=3, unique=True))
def test_group_bys_equal_a_brute_force_over_random_rows(ours_kit, rows, interval, bounds, min_doc_count, missing,
                                                        percents):
    kit, m = ours_kit, ours_kit.m
    if "t" in kit.client.list_table():
        kit.client.delete_search_index("t", "idx")
        kit.client.delete_table("t")
    kit.client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1),
                            m.ReservedThroughput(m.CapacityUnit(0, 0)))
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta([
        m.FieldSchema("l", m.FieldType.LONG), m.FieldSchema("d", m.FieldType.DOUBLE),
        m.FieldSchema("la", m.FieldType.LONG, is_array=True)]))
    for i, row in enumerate(rows):
        columns = [(k, json.dumps(v) if k == "la" else v) for k, v in sorted(row.items())]
        kit.client.put_row("t", m.Row([("pk", i)], columns + [("x", 1)]), m.Condition("IGNORE"))
    low, high = bounds[0], max(bounds)
    group_bys = [
        m.GroupByHistogram("l", interval, m.FieldRange(low, high), missing_value=missing, min_doc_count=min_doc_count,
                           name="h"),
        m.GroupByRange("la", [(low, high), (-5, 5), (0, 0)], name="r", sub_aggs=[m.Count("d", name="c")]),
        m.GroupByFilter([m.RangeQuery("d", 0.0), m.ExistsQuery("la")], name="f"),
    ]
    aggs = [m.Percentiles("la", percents), m.Sum("d", missing_value=1.5, name="s")]
    response = kit.client.search("t", "idx", m.SearchQuery(m.MatchAllQuery(), limit=0, aggs=aggs, group_bys=group_bys))
    histogram_result, range_result, filter_result = response.group_by_results

    l_values = [[row["l"]] if "l" in row else ([] if missing is None else [missing]) for row in rows]
    counts = histogram(l_values, interval, low, high)
    if min_doc_count == 0 and counts:
        counts = {k: counts.get(k, 0) for k in range(min(counts), max(counts) + 1, interval)}
    assert [(g.key, g.value) for g in histogram_result.items] == sorted(
        (k, c) for k, c in counts.items() if c >= min_doc_count)

    expected_ranges = []
    for lo, hi in [(low, high), (-5, 5), (0, 0)]:
        members = [row for row in rows if any(lo <= v < hi for v in row.get("la", []))]
        expected_ranges.append((lo, hi, len(members), sum(1 for row in members if "d" in row)))
    assert [(g.range_from, g.range_to, g.row_count, g.sub_aggs[0].value) for g in range_result.items] == expected_ranges
    assert [g.row_count for g in filter_result.items] == [
        sum(1 for row in rows if row.get("d", -1) >= 0.0), sum(1 for row in rows if row.get("la"))]

    everything_la = [v for row in rows for v in row.get("la", [])]
    expected_percentiles = [(p, int(percentile(everything_la, p))) for p in sorted(percents)] if everything_la else []
    (got_percentiles, got_sum) = response.agg_results
    assert [(i.key, i.value) for i in got_percentiles.value] == expected_percentiles
    assert got_sum.value == pytest.approx(sum(row.get("d", 1.5) for row in rows))
