"""Search indexes through the official SDK and our sync and async clients: create,
describe (echo rules), list, update and delete; a table with a search index cannot be
deleted; every supported query, sort, paging and count against values computed here
from the rows the test wrote; index documents follow every base write at once.
And a Hypothesis property: random rows and random bool/term/range queries give the
hits of a brute-force filter of the rows, in the asked order."""
from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any, Dict, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.search.query import MAX_QUERY_DEPTH

N = 40
WORDS = ["apple", "banana", "cherry"]


def expect(kit: SimpleNamespace, spec: Any, call: Any, *args: Any, **params: Any) -> None:
    """``call(*args)`` fails exactly as the emulator's error table row ``spec`` says."""
    with pytest.raises(kit.m.OTSServiceError) as info:
        call(*args)
    error = info.value
    assert (error.get_http_status(), error.get_error_code(), error.get_error_message()) == (
        spec.http_status, spec.code, spec.format(**params)
    )


def row_values(i: int) -> Dict[str, Any]:
    """The attribute columns of row ``i`` (some rows lack some columns)."""
    values: Dict[str, Any] = {"l": i % 7, "k": "key%03d" % i, "t": f"This is {WORDS[i % 3]} {i}", "d": i / 4}
    values["b"] = i % 2 == 0
    values["date"] = "2022-05-%02d" % (i % 28 + 1) if i % 5 else "2022-05-%d" % (i % 9 + 1)  # single digit: not a date
    values["ka"] = '["a%d", "b"]' % (i % 4)
    if i % 10 == 9:
        del values["l"]
    return values


def make_table(kit: SimpleNamespace, rows: int = N) -> None:
    m = kit.m
    kit.client.create_table(
        m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1), m.ReservedThroughput(m.CapacityUnit(0, 0))
    )
    for i in range(rows):
        put(kit, i, row_values(i))


def put(kit: SimpleNamespace, i: int, values: Dict[str, Any]) -> None:
    m = kit.m
    kit.client.put_row("t", m.Row([("pk", i)], sorted(values.items())), m.Condition("IGNORE"))


def fields(m: Any) -> List[Any]:
    return [
        m.FieldSchema("l", m.FieldType.LONG, enable_sort_and_agg=True),
        m.FieldSchema("k", m.FieldType.KEYWORD, index=True, enable_sort_and_agg=True, store=True),
        m.FieldSchema("t", m.FieldType.TEXT),
        m.FieldSchema("d", m.FieldType.DOUBLE),
        m.FieldSchema("b", m.FieldType.BOOLEAN),
        m.FieldSchema("date", m.FieldType.DATE, date_formats=["yyyy-MM-dd"]),
        m.FieldSchema("ka", m.FieldType.KEYWORD, is_array=True),
        m.FieldSchema("g", m.FieldType.GEOPOINT),
    ]


def make_index(kit: SimpleNamespace, name: str = "idx", **meta: Any) -> None:
    kit.client.create_search_index("t", name, kit.m.SearchIndexMeta(fields(kit.m), **meta))


def search(kit: SimpleNamespace, query: Any, **options: Any) -> Any:
    m = kit.m
    columns = options.pop("columns", None)
    return kit.client.search("t", "idx", m.SearchQuery(query, **options), columns)


def keys(response: Any) -> List[int]:
    return [row[0][0][1] for row in response.rows]


def everything(kit: SimpleNamespace, query: Any, **options: Any) -> Tuple[List[int], int]:
    """Every hit's key, paging with next_token, and the total count of the first page."""
    first = search(kit, query, get_total_count=True, limit=7, **options)
    found, token = keys(first), first.next_token
    while token:
        page = search(kit, query, next_token=token, limit=7)
        found += keys(page)
        token = page.next_token
    return found, first.total_count


# --- management ----------------------------------------------------------------------
def test_create_describe_list_delete(kit):
    m = kit.m
    make_table(kit, 3)
    make_index(kit)
    nested = m.FieldSchema("n", m.FieldType.NESTED, sub_field_schemas=[m.FieldSchema("nk", m.FieldType.KEYWORD)])
    kit.client.create_search_index("t", "with_nested", m.SearchIndexMeta([nested]))
    assert sorted(kit.client.list_search_index("t")) == [("t", "idx"), ("t", "with_nested")]
    assert sorted(kit.client.list_search_index()) == [("t", "idx"), ("t", "with_nested")]
    meta, stat = kit.client.describe_search_index("t", "idx")
    echo = [(f.field_name, f.field_type, f.index, f.is_array, f.enable_sort_and_agg, f.analyzer) for f in meta.fields]
    assert echo == [
        ("l", m.FieldType.LONG, True, False, True, ""),
        ("k", m.FieldType.KEYWORD, True, False, True, ""),
        ("t", m.FieldType.TEXT, True, False, False, "single_word"),
        ("d", m.FieldType.DOUBLE, True, False, False, ""),
        ("b", m.FieldType.BOOLEAN, True, False, False, ""),
        ("date", m.FieldType.DATE, True, False, False, ""),
        ("ka", m.FieldType.KEYWORD, True, True, False, ""),
        ("g", m.FieldType.GEOPOINT, True, False, False, ""),
    ]
    assert meta.fields[5].date_formats == ["yyyy-MM-dd"]
    assert [type(s).__name__ for s in meta.index_sort.sorters] == ["PrimaryKeySort"]
    assert meta.index_setting.routing_fields == [] and meta.time_to_live == -1
    assert stat.sync_phase == m.SyncPhase.INCR and stat.current_sync_timestamp > 0
    nested_meta, _ = kit.client.describe_search_index("t", "with_nested", False)
    assert nested_meta.index_sort.sorters == []  # no default index sort with a nested field
    assert [f.field_name for f in nested_meta.fields[0].sub_field_schemas] == ["nk"]
    expect(kit, E.SEARCH_INDEX_EXIST, kit.client.create_search_index, "t", "idx", m.SearchIndexMeta(fields(m)), name="idx")
    expect(kit, E.TABLE_HAS_SEARCH_INDEX, kit.client.delete_table, "t", table="t")
    kit.client.delete_search_index("t", "idx")
    expect(kit, E.SEARCH_INDEX_NOT_EXIST, kit.client.describe_search_index, "t", "idx", name="idx")
    expect(kit, E.SEARCH_INDEX_NOT_EXIST, kit.client.delete_search_index, "t", "idx", name="idx")
    kit.client.delete_search_index("t", "with_nested")
    assert kit.client.list_search_index("t") == []
    kit.client.delete_table("t")
    expect(kit, E.TABLE_NOT_EXIST, kit.client.create_search_index, "t", "idx", m.SearchIndexMeta(fields(m)))


def test_index_sort_is_echoed_and_orders_hits(kit):
    m = kit.m
    make_table(kit, 12)
    sort = m.Sort([m.FieldSort("l", m.SortOrder.DESC)])
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta(fields(m), index_sort=sort))
    meta, _ = kit.client.describe_search_index("t", "idx")
    (sorter,) = meta.index_sort.sorters
    assert (sorter.field_name, sorter.sort_order) == ("l", m.SortOrder.DESC)
    expected = sorted(range(12), key=lambda i: (-row_values(i).get("l", -1), i))  # rows lacking l last
    assert keys(search(kit, m.MatchAllQuery(), limit=12)) == expected


def test_ttl_rules_and_update(kit):
    m = kit.m
    make_table(kit, 1)
    expect(kit, E.SEARCH_INVALID, kit.client.create_search_index, "t", "idx",
           m.SearchIndexMeta(fields(m), time_to_live=86400),
           detail="time_to_live of search index requires allow_update of table to be false")
    kit.client.update_table("t", m.TableOptions(allow_update=False))
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta(fields(m), time_to_live=86400))
    kit.client.update_search_index("t", "idx", m.SearchIndexMeta(None, time_to_live=172800))
    assert kit.client.describe_search_index("t", "idx")[0].time_to_live == 172800


# --- queries -------------------------------------------------------------------------
def brute(predicate: Any) -> List[int]:
    return [i for i in range(N) if predicate(row_values(i))]


def test_queries_match_a_brute_force_filter(kit):
    m = kit.m
    make_table(kit)
    make_index(kit)
    cases = [
        (m.MatchAllQuery(), lambda v: True),
        (m.TermQuery("l", 3), lambda v: v.get("l") == 3),
        (m.TermQuery("l", "3"), lambda v: v.get("l") == 3),  # a string matches a LONG numerically
        (m.TermQuery("b", True), lambda v: v["b"]),
        (m.TermQuery("t", "banana"), lambda v: "banana" in v["t"]),  # a term of TEXT is a token
        (m.TermsQuery("k", ["key001", "key007", "nope"]), lambda v: v["k"] in ("key001", "key007")),
        (m.RangeQuery("d", 2.5, 5.0), lambda v: 2.5 <= v["d"] < 5.0),
        (m.RangeQuery("d", 2.5, 5.0, include_lower=False, include_upper=True), lambda v: 2.5 < v["d"] <= 5.0),
        (m.RangeQuery("k", "key010", "key020"), lambda v: "key010" <= v["k"] < "key020"),
        (m.RangeQuery("l", range_from=5), lambda v: v.get("l", -1) >= 5),
        (m.RangeQuery("date", "2022-05-03", "2022-05-10"),  # strict parsing: '2022-05-7' is not indexed
         lambda v: len(v["date"]) == 10 and "2022-05-03" <= v["date"] < "2022-05-10"),
        (m.PrefixQuery("k", "key01"), lambda v: v["k"].startswith("key01")),
        (m.WildcardQuery("k", "key0?5"), lambda v: v["k"][:4] == "key0" and v["k"][5:] == "5"),
        (m.WildcardQuery("k", "*3"), lambda v: v["k"].endswith("3")),
        (m.ExistsQuery("l"), lambda v: "l" in v),
        (m.TermQuery("ka", "a2"), lambda v: '"a2"' in v["ka"]),
        (m.MatchQuery("t", "APPLE 12"), lambda v: "apple" in v["t"] or v["t"].endswith(" 12")),
        (m.MatchQuery("t", "apple 12", operator=m.QueryOperator.AND), lambda v: "apple" in v["t"] and v["t"].endswith(" 12")),
        (m.MatchQuery("t", "this is cherry", minimum_should_match=3), lambda v: "cherry" in v["t"]),
        (m.MatchPhraseQuery("t", "is banana"), lambda v: "banana" in v["t"]),
        (m.MatchPhraseQuery("t", "banana is"), lambda v: False),
        (m.MatchQuery("k", "key005"), lambda v: v["k"] == "key005"),
        (m.BoolQuery(must_queries=[m.RangeQuery("l", 2, 6)], must_not_queries=[m.TermQuery("b", True)]),
         lambda v: 2 <= v.get("l", -1) < 6 and not v["b"]),
        (m.BoolQuery(should_queries=[m.TermQuery("l", 1), m.TermQuery("l", 2), m.PrefixQuery("k", "key00")],
                     minimum_should_match=2),
         lambda v: (v.get("l") in (1, 2)) and v["k"].startswith("key00")),
        (m.BoolQuery(filter_queries=[m.TermQuery("b", False)], should_queries=[m.TermQuery("l", 1)]),
         lambda v: not v["b"]),  # should is optional beside a filter
        (m.BoolQuery(must_not_queries=[m.ExistsQuery("l")]), lambda v: "l" not in v),
    ]
    for query, predicate in cases:
        expected = brute(predicate)
        assert everything(kit, query) == (expected, len(expected)), query


def test_sorts_paging_and_counts(kit):
    m = kit.m
    make_table(kit)
    make_index(kit)
    by_l_desc = m.Sort([m.FieldSort("l", m.SortOrder.DESC), m.FieldSort("d", m.SortOrder.ASC)])
    expected = sorted(range(N), key=lambda i: ("l" not in row_values(i), -row_values(i).get("l", 0), i / 4))
    assert everything(kit, m.MatchAllQuery(), sort=by_l_desc) == (expected, N)
    assert keys(search(kit, m.MatchAllQuery(), sort=m.Sort([m.PrimaryKeySort(m.SortOrder.DESC)]), limit=5)) == [39, 38, 37, 36, 35]
    by_array = m.Sort([m.FieldSort("ka", m.SortOrder.DESC, m.SortMode.MIN)])  # min of ["aX", "b"] is "aX"
    assert keys(search(kit, m.MatchAllQuery(), sort=by_array, limit=4)) == [3, 7, 11, 15]
    page = search(kit, m.MatchAllQuery(), offset=35, limit=5)
    assert keys(page) == [35, 36, 37, 38, 39] and not page.next_token and page.total_count == -1
    page = search(kit, m.MatchAllQuery(), offset=30, limit=5)
    assert keys(page) == [30, 31, 32, 33, 34] and page.next_token
    assert keys(search(kit, m.MatchAllQuery())) == list(range(10))  # default limit 10
    counted = search(kit, m.TermQuery("l", 2), get_total_count=True, limit=0)
    assert counted.rows == [] and counted.total_count == len(brute(lambda v: v.get("l") == 2))
    assert counted.is_all_succeed is True


def test_columns_to_get(kit):
    m = kit.m
    make_table(kit, 2)
    put(kit, 1, {"k": "key001", "other": "x"})
    make_index(kit)
    query = m.TermQuery("k", "key001")
    none = search(kit, query)
    assert none.rows == [([("pk", 1)], [])]
    every = search(kit, query, columns=m.ColumnsToGet(return_type=m.ColumnReturnType.ALL))
    assert [(c[0], c[1]) for c in every.rows[0][1]] == [("k", "key001"), ("other", "x")]
    some = search(kit, query, columns=m.ColumnsToGet(["other", "missing"], m.ColumnReturnType.SPECIFIED))
    assert [(c[0], c[1]) for c in some.rows[0][1]] == [("other", "x")]
    indexed = search(kit, query, columns=m.ColumnsToGet(return_type=m.ColumnReturnType.ALL_FROM_INDEX))
    assert [(c[0], c[1]) for c in indexed.rows[0][1]] == [("k", "key001")]


def test_documents_follow_every_write_at_once(kit):
    m = kit.m
    make_table(kit, 0)
    make_index(kit)
    put(kit, 1, {"k": "x", "l": 1})
    assert keys(search(kit, m.TermQuery("k", "x"))) == [1]
    kit.client.update_row("t", m.Row([("pk", 1)], {"put": [("k", "y")]}), m.Condition("IGNORE"))
    assert keys(search(kit, m.TermQuery("k", "x"))) == [] and keys(search(kit, m.TermQuery("k", "y"))) == [1]
    kit.client.update_row("t", m.Row([("pk", 1)], {"delete_all": ["k"]}), m.Condition("IGNORE"))
    assert keys(search(kit, m.ExistsQuery("k"))) == [] and keys(search(kit, m.TermQuery("l", 1))) == [1]
    batch = m.BatchWriteRowRequest()
    batch.add(m.TableInBatchWriteRowItem("t", [
        m.PutRowItem(m.Row([("pk", 2)], [("k", "z")]), m.Condition("IGNORE")),
        m.DeleteRowItem(m.Row([("pk", 1)]), m.Condition("IGNORE")),
    ]))
    kit.client.batch_write_row(batch)
    assert keys(search(kit, m.MatchAllQuery())) == [2]
    kit.client.delete_row("t", m.Row([("pk", 2)]), m.Condition("IGNORE"))
    assert search(kit, m.MatchAllQuery(), get_total_count=True).total_count == 0


def test_search_errors(kit):
    m = kit.m
    make_table(kit, 1)
    make_index(kit)
    with pytest.raises(kit.m.OTSServiceError) as info:
        search(kit, m.MatchAllQuery(), limit=101)
    assert info.value.get_error_message() == E.SEARCH_LIMIT.format(max=100, limit=101)
    with pytest.raises(kit.m.OTSServiceError) as info:
        search(kit, m.MatchAllQuery(), offset=99950, limit=100)
    assert info.value.get_error_message() == E.SEARCH_OFFSET_LIMIT.format(max=100000, offset=99950, limit=100)
    expect(kit, E.SEARCH_BAD_QUERY, search, kit, m.TermQuery("l", "not a number"))
    expect(kit, E.SEARCH_INVALID, search, kit, m.TermQuery("nope", 1),
           detail="field [nope] does not exist in search index [idx]")
    expect(kit, E.SEARCH_INDEX_NOT_EXIST, kit.client.search, "t", "nope", m.SearchQuery(m.MatchAllQuery()), name="nope")
    deep = m.TermQuery("l", 0)
    for _ in range(MAX_QUERY_DEPTH - 1):  # the deepest query allowed: answered
        deep = m.BoolQuery(must_queries=[deep])
    assert keys(search(kit, deep)) == [0]
    expect(kit, E.SEARCH_INVALID, search, kit, m.BoolQuery(must_queries=[deep]),
           detail=f"the depth of queries exceeds {MAX_QUERY_DEPTH}")


# --- property ------------------------------------------------------------------------
ROW = st.fixed_dictionaries({}, optional={
    "l": st.integers(-3, 3), "k": st.sampled_from(["a", "b", "c", "ab"]), "d": st.sampled_from([-1.5, 0.0, 2.25]),
})
LEAF = st.one_of(
    st.builds(lambda v: (("term", "l", v)), st.integers(-3, 3)),
    st.builds(lambda v: (("term", "k", v)), st.sampled_from(["a", "b", "ab", "zz"])),
    st.builds(lambda f, lo, hi, il, iu: ("range", f, lo, hi, il, iu), st.sampled_from(["l", "d"]),
              st.one_of(st.none(), st.integers(-3, 3)), st.one_of(st.none(), st.integers(-3, 3)),
              st.booleans(), st.booleans()),
)
QUERY = st.recursive(LEAF, lambda inner: st.builds(
    lambda must, must_not, should, msm: ("bool", must, must_not, should, msm),
    st.lists(inner, max_size=2), st.lists(inner, max_size=2), st.lists(inner, max_size=3), st.integers(0, 3),
), max_leaves=6)


def holds(query: Tuple[Any, ...], row: Dict[str, Any]) -> bool:
    """The query's meaning, written independently of the emulator."""
    if query[0] == "term":
        return row.get(query[1]) == query[2]
    if query[0] == "range":
        _, name, low, high, include_low, include_high = query
        if name not in row:
            return False
        v = row[name]
        return (low is None or v > low or (include_low and v == low)) and (
            high is None or v < high or (include_high and v == high))
    _, must, must_not, should, msm = query
    if not all(holds(q, row) for q in must) or any(holds(q, row) for q in must_not):
        return False
    needed = min(msm, len(should)) if should else 0
    if should and not must:  # nothing required: at least one should clause
        needed = max(needed, 1)
    return sum(holds(q, row) for q in should) >= needed


def to_model(m: Any, query: Tuple[Any, ...]) -> Any:
    if query[0] == "term":
        return m.TermQuery(query[1], query[2])
    if query[0] == "range":
        return m.RangeQuery(*query[1:])
    _, must, must_not, should, msm = query
    return m.BoolQuery([to_model(m, q) for q in must], [to_model(m, q) for q in must_not], None,
                       [to_model(m, q) for q in should], min(msm, len(should)) if should else None)


@pytest.fixture
def ours_kit(ours):
    import alicloud_storage.tablestore as models

    return SimpleNamespace(client=ours, m=models)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, max_size=12), query=QUERY, descending=st.booleans())
def test_hits_equal_a_brute_force_filter(ours_kit, rows, query, descending):
    kit, m = ours_kit, ours_kit.m
    if "t" in kit.client.list_table():
        kit.client.delete_search_index("t", "idx")
        kit.client.delete_table("t")
    make_table(kit, 0)
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta([
        m.FieldSchema("l", m.FieldType.LONG), m.FieldSchema("k", m.FieldType.KEYWORD),
        m.FieldSchema("d", m.FieldType.DOUBLE)]))
    for i, values in enumerate(rows):
        put(kit, i, values)
    order = m.SortOrder.DESC if descending else m.SortOrder.ASC
    response = search(kit, to_model(m, query), sort=m.Sort([m.FieldSort("l", order)]), limit=100, get_total_count=True)
    matched = [i for i, values in enumerate(rows) if holds(query, values)]
    with_l = sorted((i for i in matched if "l" in rows[i]), key=lambda i: (-rows[i]["l"] if descending else rows[i]["l"], i))
    expected = with_l + [i for i in matched if "l" not in rows[i]]
    assert (keys(response), response.total_count) == (expected, len(matched))


# --- aggregations and group-bys ---------------------------------------------------------
def test_aggregations(kit):
    m = kit.m
    make_table(kit)
    make_index(kit)
    query = m.RangeQuery("d", 1.0)  # rows 4..39
    rows = [row_values(i) for i in range(N) if row_values(i)["d"] >= 1.0]
    ls = [v["l"] for v in rows if "l" in v]
    aggs = [m.Max("l"), m.Min("l"), m.Avg("l"), m.Sum("l", missing_value=100, name="sum_missing"),
            m.Count("ka")]
    response = search(kit, query, aggs=aggs, limit=0)
    got = [(a.name, a.value) for a in response.agg_results]
    missing = sum(1 for v in rows if "l" not in v)
    assert got == [("max", max(ls)), ("min", min(ls)), ("avg", pytest.approx(sum(ls) / len(ls))),
                   ("sum_missing", sum(ls) + 100 * missing), ("count", 2 * len(rows))]
    distinct = search(kit, query, aggs=[m.DistinctCount("ka"), m.DistinctCount("b", name="db")], limit=0)
    assert [(a.name, a.value) for a in distinct.agg_results] == [("distinct_count", 5), ("db", 2)]
    none = search(kit, m.TermQuery("k", "nope"), aggs=[m.Sum("l"), m.Count("l")], limit=0)
    assert [(a.name, a.value) for a in none.agg_results] == [("sum", 0.0), ("count", 0)]
    expect(kit, E.SEARCH_INVALID, lambda: search(kit, query, aggs=[m.Sum("k")]),
           detail="aggregation [sum] does not support field [k] of its type")
    expect(kit, E.SEARCH_INVALID, lambda: search(kit, query, aggs=[m.Sum("l"), m.Max("l", name="sum")]),
           detail="duplicate aggregation name [sum]")


def test_group_by_field(kit):
    m = kit.m
    make_table(kit)
    make_index(kit)
    counts: Dict[int, List[int]] = {}
    for i in range(N):
        if "l" in row_values(i):
            counts.setdefault(row_values(i)["l"], []).append(i)
    by_count = sorted(counts, key=lambda k: (-len(counts[k]), k))
    group_by = m.GroupByField("l", size=3, sub_aggs=[m.Sum("d")])
    (result,) = search(kit, m.MatchAllQuery(), group_bys=[group_by], limit=0).group_by_results
    assert result.name == "group_by_field"
    got = [(g.key, g.row_count, [(a.name, a.value) for a in g.sub_aggs]) for g in result.items]
    assert got == [(str(k), len(counts[k]), [("sum", sum(i / 4 for i in counts[k]))]) for k in by_count[:3]]
    by_key = m.GroupByField("l", group_by_sort=[m.GroupKeySort(m.SortOrder.DESC)], name="keys",
                            sub_group_bys=[m.GroupByField("b", name="inner")])
    (result,) = search(kit, m.MatchAllQuery(), group_bys=[by_key], limit=0).group_by_results
    assert [g.key for g in result.items] == [str(k) for k in sorted(counts, reverse=True)]
    inner = result.items[0].sub_group_bys[0]
    top = max(counts)
    trues = sum(1 for i in counts[top] if row_values(i)["b"])
    expected = sorted([("true", trues), ("false", len(counts[top]) - trues)], key=lambda p: (-p[1], p[0] != "false"))
    assert inner.name == "inner" and [(g.key, g.row_count) for g in inner.items] == [p for p in expected if p[1]]
    by_sum = m.GroupByField("l", group_by_sort=[m.SubAggSort(m.SortOrder.ASC, "s")], sub_aggs=[m.Sum("d", name="s")])
    (result,) = search(kit, m.MatchAllQuery(), group_bys=[by_sum], limit=0).group_by_results
    assert [g.key for g in result.items] == [str(k) for k in sorted(counts, key=lambda k: sum(i / 4 for i in counts[k]))]
    expect(kit, E.SEARCH_INVALID, lambda: search(kit, m.MatchAllQuery(), group_bys=[m.GroupByField("t")]),
           detail="group by [group_by_field] does not support field [t]")


# --- parallel scan -----------------------------------------------------------------------
def test_compute_splits_and_parallel_scan(kit):
    """The official SDK's test_parallel_scan_normal paging, and the scan's exact errors."""
    m = kit.m
    make_table(kit)
    make_index(kit)
    session_id, splits = kit.client.compute_splits("t", "idx")
    assert splits == 1 and isinstance(session_id, str) and session_id
    wanted = [i for i in range(N) if row_values(i)["d"] >= 0.5]
    columns = m.ColumnsToGet(["k"], m.ColumnReturnType.SPECIFIED)
    pages, token = [], None
    while True:
        query = m.ScanQuery(m.RangeQuery("d", 0.5), 25, token, 0, 1, alive_time=30)
        rows, token = kit.client.parallel_scan("t", "idx", query, session_id, columns)
        pages.append(rows)
        if not rows:
            break
        assert token  # every non-empty page carries a token
    assert token == b"" and [len(p) for p in pages] == [25, len(wanted) - 25, 0]
    assert [row[0][0][1] for page in pages for row in page] == wanted
    assert [[(c[0], c[1]) for c in row[1]] for row in pages[0][:2]] == [[("k", "key%03d" % i)] for i in wanted[:2]]
    scan = kit.client.parallel_scan
    expect(kit, E.SCAN_PARALLEL_ID, scan, "t", "idx", m.ScanQuery(m.MatchAllQuery(), 10, None, 101, 1),
           session_id, max_parallel=1, parallel_id=101)
    expect(kit, E.SCAN_MAX_PARALLEL, scan, "t", "idx", m.ScanQuery(m.MatchAllQuery(), 10, None, 0, 2),
           session_id, splits=1, max_parallel=2)
    expect(kit, E.SCAN_SESSION_EXPIRED, scan, "t", "idx", m.ScanQuery(m.MatchAllQuery(), 10, None, 0, 1), "nope")
    expect(kit, E.SEARCH_INDEX_NOT_EXIST, kit.client.compute_splits, "t", "not_exist", name="not_exist")
    expect(kit, E.SCAN_TABLE_NOT_EXIST, kit.client.compute_splits, "not_exist", "idx", table="not_exist")


class SettableClock:
    """Wall-clock time plus an offset the test moves (request dates stay within the skew)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def test_a_scan_session_expires_after_its_alive_time():
    import alicloud_storage.tablestore as m
    from alicloud_storage.emulator import Emulator

    clock = SettableClock()
    with Emulator(memory=True, clock=clock) as emu, m.OTSClient(
        emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance,
        retry_policy=m.NoRetryPolicy(),
    ) as client:
        kit = SimpleNamespace(client=client, m=m)
        make_table(kit, 5)
        make_index(kit)
        session_id, _ = client.compute_splits("t", "idx")
        rows, token = client.parallel_scan("t", "idx", m.ScanQuery(m.MatchAllQuery(), 2, None, 0, 1, alive_time=30), session_id)
        assert len(rows) == 2
        clock.offset += 29  # within alive_time of the last call: still alive, and renewed
        rows, token = client.parallel_scan("t", "idx", m.ScanQuery(m.MatchAllQuery(), 2, token, 0, 1, alive_time=30), session_id)
        assert [r[0][0][1] for r in rows] == [2, 3]
        clock.offset += 31
        expect(kit, E.SCAN_SESSION_EXPIRED, client.parallel_scan, "t", "idx",
               m.ScanQuery(m.MatchAllQuery(), 2, token, 0, 1, alive_time=30), session_id)
