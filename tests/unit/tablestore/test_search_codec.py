"""The search codec against the official SDK: the same model objects built from either package
encode to identical bytes, hand-built responses decode to equal results, and bad arguments
raise the official client-side errors before anything is sent.

Each case is written once against a namespace ``m`` (``alicloud_storage.tablestore`` or the
official ``tablestore``) so both sides build it from their own model classes.
"""
from __future__ import annotations

import enum
import inspect
from typing import Any, Callable, Dict, List

import pytest

import alicloud_storage.tablestore as ours
from alicloud_storage.tablestore import operations
from alicloud_storage.tablestore.wire import pb, plainbuffer

pytestmark = pytest.mark.official

Build = Callable[[Any], Any]


def _q(query: Build, **options: Any) -> Build:
    """A SearchQuery case around a query built from the namespace."""
    return lambda m: m.SearchQuery(query(m), **{k: v(m) if callable(v) else v for k, v in options.items()})


def _nested_inner(m: Any) -> Any:
    return m.NestedQuery(
        "n", m.BoolQuery(must_queries=[m.TermQuery("n.k", "v")], should_queries=[m.RangeQuery("n.l", 1, 9)]),
        m.ScoreMode.MAX,
        m.InnerHits(m.Sort([m.FieldSort("n.l", m.SortOrder.DESC)]), 1, 5,
                    m.Highlight([m.HighlightParameter("n.t", 2, 10, "<b>", "</b>", m.HighlightFragmentOrder.SCORE)],
                                m.HighlightEncoder.HTML_MODE)),
        2.5,
    )


QUERIES: Dict[str, Build] = {
    "match_all": lambda m: m.MatchAllQuery(),
    "match": lambda m: m.MatchQuery("t", "hello world"),
    "match_int_msm_and": lambda m: m.MatchQuery("t", "a b c", 2, m.QueryOperator.AND, 1.5),
    "match_str_msm_digits": lambda m: m.MatchQuery("t", "a b", "3", m.QueryOperator.OR),
    "match_str_msm_percent": lambda m: m.MatchQuery("t", "a b", "50%"),
    "match_phrase": lambda m: m.MatchPhraseQuery("t", "a b", 0.5, 2),
    "term_str": lambda m: m.TermQuery("k", "900"),
    "term_int_weight": lambda m: m.TermQuery("l", 900, 3.0),
    "term_float": lambda m: m.TermQuery("d", 0.1),
    "term_bool": lambda m: m.TermQuery("b", True),
    "term_bytes": lambda m: m.TermQuery("k", bytearray(b"ab")),
    "terms": lambda m: m.TermsQuery("k", ["a", "b", 3], 2.0),
    "range_default": lambda m: m.RangeQuery("l", 1, 10),
    "range_open": lambda m: m.RangeQuery("k", range_to="key200", include_lower=False, include_upper=True),
    "range_none_flags": lambda m: m.RangeQuery("d", 0.5, None, None, None),
    "prefix": lambda m: m.PrefixQuery("k", "ke", 1.25),
    "wildcard": lambda m: m.WildcardQuery("k", "k*y?", 0.75),
    "exists": lambda m: m.ExistsQuery("k"),
    "bool": lambda m: m.BoolQuery(
        must_queries=[m.TermQuery("l", 1)], must_not_queries=[m.ExistsQuery("x")],
        filter_queries=[m.RangeQuery("l", 0, 5)], should_queries=[m.MatchQuery("t", "a"), m.PrefixQuery("k", "p")],
        minimum_should_match=1, weight=2.0,
    ),
    "bool_str_msm": lambda m: m.BoolQuery(should_queries=[m.MatchAllQuery()], minimum_should_match="1"),
    "function_score": lambda m: m.FunctionScoreQuery(m.MatchQuery("t", "tea"), m.FieldValueFactor("l")),
    "nested_default": lambda m: m.NestedQuery("n", m.TermQuery("n.k", "v")),
    "nested_full": _nested_inner,
    "nested_no_score_mode": lambda m: m.NestedQuery("n", m.MatchAllQuery(), None, m.InnerHits(None, None, None, None)),
    "geo_bounding_box": lambda m: m.GeoBoundingBoxQuery("g", "30.9,116.0", "30.2,116.5"),
    "geo_distance": lambda m: m.GeoDistanceQuery("g", "31,116", 100000),
    "geo_polygon": lambda m: m.GeoPolygonQuery("g", ["30.9,116.0", "30.3, 117.0", "31.0,117.5"]),
    "knn": lambda m: m.KnnVectorQuery("v", 10, [1.0, -1.5, 0.25, 3], m.TermQuery("k", "a"), 1.5, 0.25, 50),
    "knn_minimal": lambda m: m.KnnVectorQuery("v", 5, [0.5]),
    "dis_max": lambda m: m.DisMaxQuery([m.TermQuery("k", "a"), m.MatchQuery("t", "b")], 0.3, 1.5),
    "dis_max_empty": lambda m: m.DisMaxQuery(),
    "subclass": lambda m: type("MyTermQuery", (m.TermQuery,), {})("k", "v"),  # checked with isinstance
}

SORTS: Dict[str, Build] = {
    "field": lambda m: m.Sort([m.FieldSort("l")]),
    "field_full": lambda m: m.Sort([m.FieldSort("n.l", m.SortOrder.DESC, m.SortMode.AVG,
                                                m.NestedFilter("n", m.TermQuery("n.k", "v")))]),
    "geo_distance": lambda m: m.Sort([m.GeoDistanceSort("g", ["31,116", "30,115"])]),
    "geo_distance_full": lambda m: m.Sort([m.GeoDistanceSort(
        "n.g", ["31,116"], m.SortOrder.DESC, m.SortMode.MIN, m.GeoDistanceType.PLANE,
        m.NestedFilter("n", m.MatchAllQuery()))]),
    "geo_distance_arc": lambda m: m.Sort([m.GeoDistanceSort("g", ["1,2"], geo_distance_type=m.GeoDistanceType.ARC)]),
    "subclass": lambda m: m.Sort([type("MySort", (m.FieldSort,), {})("l", m.SortOrder.DESC)]),
    "pk_score_doc": lambda m: m.Sort([m.ScoreSort(), m.PrimaryKeySort(m.SortOrder.DESC), m.DocSort(),
                                      m.DocSort(m.SortOrder.DESC), m.ScoreSort(m.SortOrder.ASC), m.PrimaryKeySort()]),
}


def _top_rows(m: Any) -> Any:
    return m.TopRows(3, m.Sort([m.PrimaryKeySort(m.SortOrder.DESC), m.FieldSort("l", m.SortOrder.ASC)]), "t1")


AGGS: Dict[str, Build] = {
    "plain": lambda m: [m.Max("l"), m.Min("l", 0), m.Avg("d", 1.5, "a"), m.Sum("l", -3, "s"), m.Count("k"),
                        m.DistinctCount("k", "none", "dc")],
    "percentiles": lambda m: [m.Percentiles("l", [50, 90.5, 99])],
    "top_rows": lambda m: [_top_rows(m), m.TopRows(1, None)],
    "empty": lambda m: [],
}


def _three_levels(m: Any) -> Any:
    inner = m.GroupByHistogram("l", 2, m.FieldRange(0, 10), sub_aggs=[_top_rows(m)])
    middle = m.GroupByRange("l", [(0, 5), (5.5, 10)], sub_group_bys=[inner], sub_aggs=[m.Count("k")])
    return [m.GroupByField("k", 5, [m.SubAggSort(m.SortOrder.DESC, "m")], [m.Max("l", name="m")], [middle])]


GROUP_BYS: Dict[str, Build] = {
    "field": lambda m: [m.GroupByField("l")],
    "field_full": lambda m: [m.GroupByField(
        "k", 2, [m.RowCountSort(m.SortOrder.ASC), m.GroupKeySort(m.SortOrder.DESC), m.SubAggSort(m.SortOrder.ASC, "x")],
        [m.Max("l", name="x"), _top_rows(m)], [m.GroupByField("l", name="inner")], "g")],
    "range": lambda m: [m.GroupByRange("la", [(0, 10), (11.5, 25)], [m.Sum("l")], name="r")],
    "filter": lambda m: [m.GroupByFilter([m.TermQuery("l", 1), m.TermQuery("ka", "a")],
                                         sub_group_bys=[m.GroupByField("k")])],
    "geo_distance": lambda m: [m.GroupByGeoDistance("g", m.GeoPoint(31, 116.5), [(0, 300000), (300000, 1e6)],
                                                    [m.Count("g")])],
    "histogram_int": lambda m: [m.GroupByHistogram("l", 2, m.FieldRange(0, 3))],
    "histogram_full": lambda m: [m.GroupByHistogram(  # a group_by_sort: see the test below
        "d", 2.0, m.FieldRange(0.0, 3.0), 1.5, 1, None, [m.Avg("d")], [m.GroupByFilter([m.MatchAllQuery()])], "h")],
    "date_histogram_minimal": lambda m: [m.GroupByDateHistogram("t", m.DateTimeValue(1, m.DateTimeUnit.DAY))],
    "date_histogram_full": lambda m: [m.GroupByDateHistogram(
        "t", m.DateTimeValue(2, m.DateTimeUnit.HOUR), m.FieldRange(1000, 2000000), 5, 1, "+08:00",
        [m.RowCountSort(m.SortOrder.ASC)], m.DateTimeValue(30, m.DateTimeUnit.MINUTE),
        [m.Min("l")], [m.GroupByField("k")], "dh")],
    "date_histogram_half_range": lambda m: [m.GroupByDateHistogram(
        "t", m.DateTimeValue(1, m.DateTimeUnit.MONTH), m.FieldRange(None, "2022-05-01"), "2022-01-01")],
    "date_time_value_empty": lambda m: [m.GroupByDateHistogram("t", m.DateTimeValue(None, None))],
    "geo_grid": lambda m: [m.GroupByGeoGrid("g", m.GeoHashPrecision.GHP_1200M_609M_6, 20, [m.Count("g")])],
    "composite": lambda m: [m.GroupByComposite(
        [m.GroupByField("k"), m.GroupByHistogram("l", 10, m.FieldRange(0, 100))], 50, "tok", 40,
        [m.Sum("l")], [m.GroupByField("b")])],
    "several": lambda m: [m.GroupByField("k", name="a"), m.GroupByRange("l", [(1, 2)], name="b")],
    "three_levels": _three_levels,
    "empty": lambda m: [],
}


def _highlight(m: Any) -> Any:
    return m.Highlight([
        m.HighlightParameter("t"),
        m.HighlightParameter("t2", 3, 18, "<b>", "</b>", m.HighlightFragmentOrder.SCORE),
        m.HighlightParameter("t3", fragments_order=None),
    ])


SEARCH_QUERIES: Dict[str, Build] = {
    **{f"query_{name}": _q(build) for name, build in QUERIES.items()},
    **{f"sort_{name}": _q(lambda m: m.MatchAllQuery(), sort=build) for name, build in SORTS.items()},
    **{f"aggs_{name}": _q(lambda m: m.TermQuery("d", 0.1), limit=0, aggs=build) for name, build in AGGS.items()},
    **{f"group_bys_{name}": _q(lambda m: m.MatchAllQuery(), limit=0, group_bys=build)
       for name, build in GROUP_BYS.items()},
    "options_all": _q(
        lambda m: m.MatchQuery("t", "tea"), sort=SORTS["field_full"], get_total_count=True, next_token=b"\x01tok",
        offset=10, limit=20, aggs=AGGS["plain"], group_bys=GROUP_BYS["field_full"],
        collapse_field=lambda m: m.Collapse("k"), highlight=_highlight),
    "total_count_none": _q(lambda m: m.MatchAllQuery(), get_total_count=None),
    "empty_token": _q(lambda m: m.MatchAllQuery(), next_token=b""),
    "collapse": _q(lambda m: m.MatchAllQuery(), offset=0, limit=5, collapse_field=lambda m: m.Collapse("k")),
    "highlight_default_encoder": _q(lambda m: m.MatchQuery("t", "x"), highlight=lambda m: m.Highlight(
        [m.HighlightParameter("t")])),
    "highlight_html": _q(lambda m: m.MatchQuery("t", "x"), highlight=lambda m: m.Highlight(
        [m.HighlightParameter("t", 1)], m.HighlightEncoder.HTML_MODE)),
    "highlight_no_encoder": _q(lambda m: m.MatchQuery("t", "x"), highlight=lambda m: m.Highlight(
        [m.HighlightParameter("t")], None)),
    "positional": lambda m: m.SearchQuery(m.MatchAllQuery(), None, True, None, 3, 4, None, None,
                                          m.Collapse("c"), None),
}


def _official_encoder() -> Any:
    from tablestore.encoder import OTSProtoBufferEncoder

    return OTSProtoBufferEncoder("utf8", enable_native=False)


def _search(*args: Any) -> Any:
    message, _ = operations.OPERATIONS["search"].encode(*args)
    return message


@pytest.mark.parametrize("case", sorted(SEARCH_QUERIES))
def test_search_query_bytes_equal_the_official_encoder(case: str) -> None:
    import tablestore

    build = SEARCH_QUERIES[case]
    theirs = _official_encoder()._encode_search_query(build(tablestore))
    assert _search("t", "i", build(ours)).search_query == theirs


# (columns_to_get, routing_keys, timeout_s) built from the namespace
REQUESTS: Dict[str, Build] = {
    "defaults": lambda m: (None, None, None),
    "columns_and_routing": lambda m: (
        m.ColumnsToGet(["a", "b"], m.ColumnReturnType.SPECIFIED),
        [[("pk1", 0), ("pk2", "x")], [("pk1", 7), ("pk2", "y")]], 2.5),
    "columns_all_from_index": lambda m: (m.ColumnsToGet(return_type=m.ColumnReturnType.ALL_FROM_INDEX), [], 0),
    "columns_none_binary_routing": lambda m: (m.ColumnsToGet(), [[("pk", bytearray(b"\x00k"))]], 1),
}


@pytest.mark.parametrize("request_case", sorted(REQUESTS))
@pytest.mark.parametrize("query_case", ["options_all", "query_nested_full", "group_bys_three_levels"])
def test_search_request_bytes_equal_the_official_encoder(request_case: str, query_case: str) -> None:
    import tablestore

    build, options = SEARCH_QUERIES[query_case], REQUESTS[request_case]
    theirs = _official_encoder().encode_request("Search", "t", "i", build(tablestore), *options(tablestore))
    mine = _search("t", "i", build(ours), *options(ours))
    assert mine.SerializeToString() == theirs.SerializeToString()
    assert len(mine.routing_values) == len(options(ours)[1] or ())


def test_the_java_queries_have_the_java_wire_form() -> None:
    """SuffixQuery and ConstScoreQuery (no official Python class): type tag + message bytes."""
    suffix = pb.Query.FromString(_search_query_message(ours.SuffixQuery("k", "fix", 2.0)).query.SerializeToString())
    assert (suffix.type, pb.SuffixQuery.FromString(suffix.query)) == (
        pb.SUFFIX_QUERY, pb.SuffixQuery(field_name="k", suffix="fix", weight=2.0))
    const = _search_query_message(ours.ConstScoreQuery(ours.TermQuery("l", 1))).query
    inner = pb.ConstScoreQuery.FromString(const.query).filter
    assert const.type == pb.CONST_SCORE_QUERY
    assert (inner.type, pb.TermQuery.FromString(inner.query).field_name) == (pb.TERM_QUERY, "l")


def _search_query_message(query: Any) -> Any:
    return pb.SearchQuery.FromString(_search("t", "i", ours.SearchQuery(query)).search_query)


# --- index management ----------------------------------------------------------------------------
def _index_meta(m: Any) -> Any:
    fields = [
        m.FieldSchema("k", m.FieldType.KEYWORD, index=True, store=True, is_array=False, enable_sort_and_agg=True),
        m.FieldSchema("t", m.FieldType.TEXT, analyzer=m.AnalyzerType.SINGLEWORD,
                      analyzer_parameter=m.SingleWordAnalyzerParameter(True, True), enable_highlighting=True,
                      text_similarity=m.TextSimilarity.SHORT_TEXT),
        m.FieldSchema("s", m.FieldType.TEXT, analyzer=m.AnalyzerType.SPLIT,
                      analyzer_parameter=m.SplitAnalyzerParameter(",")),
        m.FieldSchema("f", m.FieldType.TEXT, analyzer=m.AnalyzerType.FUZZY,
                      analyzer_parameter=m.FuzzyAnalyzerParameter(2, 5)),
        m.FieldSchema("mw", m.FieldType.TEXT, analyzer=m.AnalyzerType.MAXWORD),
        m.FieldSchema("nw", m.FieldType.TEXT, analyzer=m.AnalyzerType.MINWORD),
        m.FieldSchema("d", m.FieldType.DATE, date_formats=["yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss"]),
        m.FieldSchema("v", m.FieldType.VECTOR, vector_options=m.VectorOptions(
            m.VectorDataType.VD_FLOAT_32, m.VectorMetricType.VM_COSINE, 4)),
        m.FieldSchema("j", m.FieldType.JSON, json_type=m.JsonType.NESTED_JSON,
                      sub_field_schemas=[m.FieldSchema("a", m.FieldType.LONG)]),
        m.FieldSchema("n", m.FieldType.NESTED, sub_field_schemas=[
            m.FieldSchema("nk", m.FieldType.KEYWORD), m.FieldSchema("ng", m.FieldType.GEOPOINT)]),
        m.FieldSchema("k_virtual", m.FieldType.TEXT, is_virtual_field=True, source_fields=["k"]),
        m.FieldSchema("g", m.FieldType.GEOPOINT), m.FieldSchema("b", m.FieldType.BOOLEAN),
        m.FieldSchema("db", m.FieldType.DOUBLE, is_array=True),
    ]
    sort = m.Sort([m.FieldSort("k", m.SortOrder.DESC, m.SortMode.MAX), m.GeoDistanceSort("g", ["1,2"]),
                   m.PrimaryKeySort(), m.ScoreSort(), m.DocSort()])
    return m.SearchIndexMeta(fields, m.IndexSetting(["k"]), sort, 86400)


@pytest.mark.parametrize("method", ["create_search_index", "update_search_index"])
def test_index_requests_equal_the_official_encoder(method: str) -> None:
    import tablestore

    api = "".join(part.title() for part in method.split("_")).replace("Search", "Search")
    mine, _ = operations.OPERATIONS[method].encode("t", "i", _index_meta(ours))
    theirs = _official_encoder().encode_request(api, "t", "i", _index_meta(tablestore))
    assert mine.SerializeToString() == theirs.SerializeToString()


def test_histogram_sorts_are_sent() -> None:
    """The official GroupByHistogram fails on a group_by_sort (it lacks ``_get_enum``); ours sends it."""
    histogram = ours.GroupByHistogram("l", 2, ours.FieldRange(0, 3), group_by_sort=[
        ours.GroupKeySort(ours.SortOrder.DESC), ours.SubAggSort(ours.SortOrder.ASC, "m")])
    message = pb.SearchQuery.FromString(_search("t", "i", ours.SearchQuery(
        ours.MatchAllQuery(), group_bys=[histogram])).search_query)
    body = pb.GroupByHistogram.FromString(message.group_bys.group_bys[0].body)
    assert body.sort == pb.GroupBySort(sorters=[
        pb.GroupBySorter(group_key_sort=pb.GroupKeySort(order=pb.SORT_ORDER_DESC)),
        pb.GroupBySorter(sub_agg_sort=pb.SubAggSort(sub_agg_name="m", order=pb.SORT_ORDER_ASC)),
    ])


def _assigned(model: Any, **attributes: Any) -> Any:
    """The model with attributes set after construction (past the constructor's copies)."""
    for name, value in attributes.items():
        setattr(model, name, value)
    return model


# method -> (official API, arguments built from the namespace)
OTHER_REQUESTS: Dict[str, Any] = {
    "describe_search_index": ("DescribeSearchIndex", lambda m: ("t", "i", False)),
    "list_search_index": ("ListSearchIndex", lambda m: ("t",)),
    "delete_search_index": ("DeleteSearchIndex", lambda m: ("t", "i")),
    "compute_splits": ("ComputeSplits", lambda m: ("t", "i")),
    "parallel_scan": ("ParallelScan", lambda m: (
        "t", "i", m.ScanQuery(QUERIES["nested_full"](m), 70, b"tok", 0, 1, 30), "session-1",
        m.ColumnsToGet(["a"], m.ColumnReturnType.SPECIFIED), 3)),
}


@pytest.mark.parametrize("method", sorted(OTHER_REQUESTS))
def test_other_search_requests_equal_the_official_encoder(method: str) -> None:
    import tablestore

    api, build = OTHER_REQUESTS[method]
    mine, _ = operations.OPERATIONS[method].encode(*build(ours))
    theirs = _official_encoder().encode_request(api, *build(tablestore))
    assert mine.SerializeToString() == theirs.SerializeToString()


@pytest.mark.parametrize("options, text", [
    ({"alive_time": "60"}, "alive_time must be integer"),
    ({"alive_time": 0}, "alive_time must be integer"),
    ({"current_parallel_id": -1}, "current_parallel_id must be integer"),
    ({"max_parallel": 0}, "max_parallel must be integer"),
])
def test_bad_scan_queries_raise_the_official_client_errors(options: Dict[str, Any], text: str) -> None:
    import tablestore

    def scan(m: Any) -> Any:
        return _assigned(m.ScanQuery(m.MatchAllQuery(), 10, None, 0, 1), **options)

    with pytest.raises(tablestore.OTSClientError, match=f"^{text}$"):
        _official_encoder().encode_request("ParallelScan", "t", "i", scan(tablestore), "s", None, None)
    with pytest.raises(ours.OTSClientError, match=f"^{text}$"):
        operations.OPERATIONS["parallel_scan"].encode("t", "i", scan(ours), "s")


@pytest.mark.parametrize("meta, text", [
    (lambda m: m.SearchIndexMeta([m.FieldSchema("t", m.FieldType.TEXT, analyzer=m.AnalyzerType.SPLIT,
                                                analyzer_parameter=m.FuzzyAnalyzerParameter())]),
     "analyzer [split] and analyzer_parameter [FuzzyAnalyzerParameter] is mismatched."),
    (lambda m: m.SearchIndexMeta([], index_sort=m.Sort([m.MatchAllQuery()])),
     "sorter should be an instance of Sorter, not MatchAllQuery"),
    (lambda m: m.SearchIndexMeta([], index_sort=[m.PrimaryKeySort()]),
     "index_sort should be an instance of Sort, not list"),
    (lambda m: m.Sort([]), "index_meta should be an instance of SearchIndexMeta, not Sort"),
])
def test_bad_index_metas_raise_the_official_client_errors(meta: Build, text: str) -> None:
    import tablestore

    with pytest.raises(tablestore.OTSClientError) as official:
        _official_encoder().encode_request("CreateSearchIndex", "t", "i", _assigned(meta(tablestore), time_to_live=-1))
    with pytest.raises(ours.OTSClientError) as mine:
        operations.OPERATIONS["create_search_index"].encode("t", "i", _assigned(meta(ours), time_to_live=-1))
    assert str(mine.value) == str(official.value) == text


# --- client-side errors --------------------------------------------------------------------------
ERRORS: Dict[str, Build] = {
    "group_by_sort_type": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByField("l", group_by_sort=[1])])(m),
    "group_by_sort_not_list": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByField("l", group_by_sort=m.RowCountSort(m.SortOrder.ASC))])(m),
    "group_by_size": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [m.GroupByField("l", "2")])(m),
    "range_bounds": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByRange("l", [("a", 1)])])(m),
    "range_not_tuple": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByRange("l", [[0, 1]])])(m),
    "ranges_not_list": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByRange("l", (0, 1))])(m),
    "geo_origin": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByGeoDistance("g", (1, 2), [(0, 1)])])(m),
    "geo_ranges": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByGeoDistance("g", m.GeoPoint(1, 2), [(0, 1, 2)])])(m),
    "filters_not_list": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByFilter(m.MatchAllQuery())])(m),
    "filter_not_query": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByFilter(["x"])])(m),
    "histogram_range": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByHistogram("l", 2, m.FieldRange(0, None))])(m),
    "histogram_min_doc_count": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByHistogram("l", 2, m.FieldRange(0, 3), min_doc_count=1.5)])(m),
    "date_interval": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByDateHistogram("t", 5)])(m),
    "date_time_zone": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByDateHistogram("t", m.DateTimeValue(1, m.DateTimeUnit.DAY), time_zone=8)])(m),
    "date_offset": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByDateHistogram("t", m.DateTimeValue(1, m.DateTimeUnit.DAY), offset=3)])(m),
    "geo_grid_precision": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByGeoGrid("g", None)])(m),
    "composite_sources": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByComposite([])])(m),
    "composite_suggested_size": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        m.GroupByComposite([m.GroupByField("k")], suggested_size="1")])(m),
    "group_bys_not_list": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: m.GroupByField("l"))(m),
    "group_by_type": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [m.Max("l")])(m),
    "aggs_not_list": lambda m: _q(lambda m: m.MatchAllQuery(), aggs=lambda m: m.Max("l"))(m),
    "agg_type": lambda m: _q(lambda m: m.MatchAllQuery(), aggs=lambda m: [m.GroupByField("l")])(m),
    "sub_aggs_not_list": lambda m: _q(lambda m: m.MatchAllQuery(), group_bys=lambda m: [
        _assigned(m.GroupByComposite([m.GroupByField("k")]), sub_aggs=m.Max("l"))])(m),
    "query_type": lambda m: m.SearchQuery("not a query"),
    "bool_query_member": lambda m: m.SearchQuery(m.BoolQuery(must_queries=[m.Sort([])])),
    "minimum_should_match": lambda m: m.SearchQuery(m.MatchQuery("t", "x", 1.5)),
    "knn_top_k": lambda m: m.SearchQuery(m.KnnVectorQuery("v", float32_query_vector=[1.0])),
    "knn_top_k_range": lambda m: m.SearchQuery(m.KnnVectorQuery("v", 1 << 31, [1.0])),
    "field_name_type": lambda m: m.SearchQuery(m.PrefixQuery(5, "x")),
    "sort_type": lambda m: m.SearchQuery(m.MatchAllQuery(), m.FieldSort("l")),
    "sorter_type": lambda m: m.SearchQuery(m.MatchAllQuery(), m.Sort([m.MatchAllQuery()])),
    "highlight_type": lambda m: m.SearchQuery(m.MatchAllQuery(), highlight=[m.HighlightParameter("t")]),
    "highlight_parameter_type": lambda m: m.SearchQuery(m.MatchAllQuery(), highlight=m.Highlight(["t"])),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_bad_arguments_raise_the_official_client_errors(case: str) -> None:
    import tablestore

    with pytest.raises(tablestore.OTSClientError) as official:
        _official_encoder()._encode_search_query(ERRORS[case](tablestore))
    with pytest.raises(ours.OTSClientError) as mine:
        _search("t", "i", ERRORS[case](ours))
    assert str(mine.value) == str(official.value)


@pytest.mark.parametrize("timeout, text", [("1", "timeout_s must be an integer or float"),
                                           (-1, "timeout_s must be a non-negative integer")])
def test_bad_timeout_raises_the_official_client_error(timeout: Any, text: str) -> None:
    import tablestore

    with pytest.raises(tablestore.OTSClientError, match=text):
        _official_encoder().encode_request("Search", "t", "i", tablestore.SearchQuery(tablestore.MatchAllQuery()),
                                           None, None, timeout)
    with pytest.raises(ours.OTSClientError, match=f"^{text}$"):
        _search("t", "i", ours.SearchQuery(ours.MatchAllQuery()), None, None, timeout)


def test_percentiles_missing_value_is_sent_as_missing_value() -> None:
    """The official SDK fails here (it sets an absent field ``missing``); we send field 3."""
    query = _search_query_message(ours.MatchAllQuery())
    message = pb.SearchQuery.FromString(_search("t", "i", ours.SearchQuery(
        ours.MatchAllQuery(), aggs=[ours.Percentiles("l", [50], 7)])).search_query)
    body = pb.PercentilesAggregation.FromString(message.aggs.aggs[0].body)
    assert (body.field_name, list(body.percentiles), body.missing_value) == ("l", [50.0], b"\x00" + (7).to_bytes(8, "little"))
    assert query.query.type == pb.MATCH_ALL_QUERY


# --- decoding ----------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """A structure of builtins that two results compare equal through, field by field."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (bool, int, float, str, type(None))):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "__dict__") and not inspect.isclass(value):
        skip = {"request_id", "response", "index"}
        return (type(value).__name__, {k: _plain(v) for k, v in vars(value).items() if k not in skip})
    return [_plain(v) for v in value]  # lists, tuples, protobuf repeated fields


def _row(pk: int, **columns: Any) -> bytes:
    return plainbuffer.encode_put_row([("PK1", pk), ("PK2", f"pk_{pk}")],
                                      [(name, value, 1700000000000 + pk) for name, value in columns.items()])


def _aggs_result(ns: Any, level: int) -> Any:
    """Every aggregation result type (official wire built with namespace ``ns``)."""
    def item(name: str, kind: int, body: Any) -> Any:
        return ns.AggregationResult(name=name, type=kind, agg_result=body.SerializeToString())

    items = [
        item("avg", ns.AGG_AVG, ns.AvgAggregationResult(value=49.5)),
        item("max", ns.AGG_MAX, ns.MaxAggregationResult(value=99.0)),
        item("min", ns.AGG_MIN, ns.MinAggregationResult(value=-1.0)),
        item("sum", ns.AGG_SUM, ns.SumAggregationResult(value=4950.0)),
        item("count", ns.AGG_COUNT, ns.CountAggregationResult(value=100)),
        item("distinct_count", ns.AGG_DISTINCT_COUNT, ns.DistinctCountAggregationResult(value=101)),
        item("percentiles", ns.AGG_PERCENTILES, ns.PercentilesAggregationResult(percentiles_aggregation_items=[
            ns.PercentilesAggregationItem(key=50.0, value=b"\x00" + (49).to_bytes(8, "little", signed=True)),
            ns.PercentilesAggregationItem(key=90.0, value=b"\x01" + bytes.fromhex("9a9999999999b93f")),
            ns.PercentilesAggregationItem(key=99.0, value=b"\x02\x01"),
        ])),
        item("top_rows", ns.AGG_TOP_ROWS, ns.TopRowsAggregationResult(rows=[_row(97, a="x"), _row(94)])),
        item("empty_max", ns.AGG_MAX, ns.MaxAggregationResult()),
    ]
    return ns.AggregationsResult(agg_results=items[: 9 - 3 * level])


def _group_bys_result(ns: Any, level: int) -> Any:
    """Every group-by result type, each group holding level + 1's results (three levels)."""
    def subs() -> Dict[str, Any]:
        if level >= 2:
            return {}
        return {"sub_aggs_result": _aggs_result(ns, level + 1), "sub_group_bys_result": _group_bys_result(ns, level + 1)}

    def result(name: str, kind: int, body: Any) -> Any:
        return ns.GroupByResult(name=name, type=kind, group_by_result=body.SerializeToString())

    variant_2 = b"\x00" + (2).to_bytes(8, "little")
    results = [
        result("field", ns.GROUP_BY_FIELD, ns.GroupByFieldResult(group_by_field_result_items=[
            ns.GroupByFieldResultItem(key="0", row_count=34, **subs()), ns.GroupByFieldResultItem(key="1", row_count=33),
        ])),
        result("range", ns.GROUP_BY_RANGE, ns.GroupByRangeResult(group_by_range_result_items=[
            ns.GroupByRangeResultItem(range_from=0, range_to=10, row_count=10, **subs()),
            ns.GroupByRangeResultItem(range_from=11, range_to=float("inf"), row_count=14),
        ])),
        result("filter", ns.GROUP_BY_FILTER, ns.GroupByFilterResult(group_by_filter_result_items=[
            ns.GroupByFilterResultItem(row_count=33, **subs()), ns.GroupByFilterResultItem(row_count=100),
        ])),
        result("geo_distance", ns.GROUP_BY_GEO_DISTANCE, ns.GroupByGeoDistanceResult(
            group_by_geo_distance_result_items=[
                ns.GroupByGeoDistanceResultItem(range_from=0, range_to=300000, row_count=99, **subs())])),
        result("histogram", ns.GROUP_BY_HISTOGRAM, ns.GroupByHistogramResult(group_by_histogra_items=[
            ns.GroupByHistogramItem(key=b"\x00" + bytes(8), value=67, **subs()),
            ns.GroupByHistogramItem(key=variant_2, value=33),
            ns.GroupByHistogramItem(key=b"\x01" + bytes(8), value=100),
        ])),
        result("date_histogram", ns.GROUP_BY_DATE_HISTOGRAM, ns.GroupByDateHistogramResult(
            group_by_date_histogram_items=[
                ns.GroupByDateHistogramItem(timestamp=1651363200000, row_count=5, **subs()),
                ns.GroupByDateHistogramItem(timestamp=1651449600000, row_count=0)])),
        result("geo_grid", ns.GROUP_BY_GEO_GRID, ns.GroupByGeoGridResult(group_by_geo_grid_result_items=[
            ns.GroupByGeoGridResultItem(key="wtw3s", geo_grid=ns.GeoGrid(
                top_left=ns.GeoPoint(lat=31.0, lon=121.0), bottom_right=ns.GeoPoint(lat=30.9, lon=121.1)),
                row_count=3, **subs()),
            ns.GroupByGeoGridResultItem(key="wtw3t", row_count=1),
        ])),
        result("composite", ns.GROUP_BY_COMPOSITE, ns.GroupByCompositeResult(
            group_by_composite_result_items=[
                ns.GroupByCompositeResultItem(keys=["a", "", "1"], is_null_keys=[False, True, False], row_count=4,
                                              **subs()),
                ns.GroupByCompositeResultItem(keys=["b", "x"], row_count=2),
            ], source_group_by_names=["k", "n", "l"], next_token="next")),
        result("composite_last_page", ns.GROUP_BY_COMPOSITE, ns.GroupByCompositeResult()),
    ]
    return ns.GroupBysResult(group_by_results=results[: 9 - 3 * level])


def _hit(ns: Any, score: float, inner: bool = True) -> Any:
    highlight = ns.HighlightResult(highlight_fields=[
        ns.HighlightField(field_name="t", field_fragments=["<em>tea</em> time", "green <em>tea</em>"])])
    inner_hits = [ns.SearchInnerHit(path="n", search_hits=[
        ns.SearchHit(score=0.5, nested_doc_offset=2, highlight_result=highlight), ns.SearchHit(score=0.25)])]
    return ns.SearchHit(score=score, highlight_result=highlight if inner else None,
                        search_inner_hits=inner_hits if inner else [], nested_doc_offset=0)


SEARCH_RESPONSES: Dict[str, Build] = {
    "rows_only": lambda ns: ns.SearchResponse(total_hits=-1, rows=[_row(1, a="x", b=2), _row(2)],
                                              is_all_succeed=True),
    "hits": lambda ns: ns.SearchResponse(
        total_hits=2, rows=[_row(1, t="tea time"), _row(2)], is_all_succeed=True,
        search_hits=[_hit(ns, 1.5), _hit(ns, 0.75, inner=False)], next_token=b"\x02next"),
    "aggs": lambda ns: ns.SearchResponse(total_hits=100, is_all_succeed=True,
                                         aggs=_aggs_result(ns, 0).SerializeToString()),
    "group_bys": lambda ns: ns.SearchResponse(total_hits=100, is_all_succeed=True,
                                              aggs=_aggs_result(ns, 1).SerializeToString(),
                                              group_bys=_group_bys_result(ns, 0).SerializeToString()),
    "empty": lambda ns: ns.SearchResponse(),
}


def _official_decode(api: str, body: bytes) -> Any:
    from tablestore.decoder import OTSProtoBufferDecoder

    result, _ = OTSProtoBufferDecoder("utf8", enable_native=False).decode_response(api, body, "request-1")
    return result


def _our_decode(method: str, body: bytes) -> Any:
    operation = operations.OPERATIONS[method]
    return operation.decode(operation.response_type.FromString(body), None, "request-1")


@pytest.mark.parametrize("case", sorted(SEARCH_RESPONSES))
def test_search_responses_decode_like_the_official_decoder(case: str) -> None:
    from tablestore.protobuf import search_pb2

    body = SEARCH_RESPONSES[case](search_pb2).SerializeToString()
    assert SEARCH_RESPONSES[case](pb).SerializeToString() == body  # our schema builds the same bytes
    mine, theirs = _our_decode("search", body), _official_decode("Search", body)
    assert _plain(mine) == _plain(theirs)
    assert _plain(tuple(mine)) == _plain(tuple(theirs))  # the official tuple form
    assert mine.request_id == "request-1"


def test_string_variants_decode_to_text_not_to_raw_bytes() -> None:
    """The official decoder returns a string value's length prefix and bytes; we return the str."""
    body = pb.PercentilesAggregationResult(percentiles_aggregation_items=[
        pb.PercentilesAggregationItem(key=50.0, value=b"\x03\x03\x00\x00\x00abc")])
    aggs = pb.AggregationsResult(agg_results=[pb.AggregationResult(
        name="p", type=pb.AGG_PERCENTILES, agg_result=body.SerializeToString())])
    response = pb.SearchResponse(aggs=aggs.SerializeToString())
    result = _our_decode("search", response.SerializeToString())
    assert result.agg_results == [ours.AggResult("p", [ours.PercentilesResultItem(50.0, "abc")])]


def _describe_response(ns: Any) -> Any:
    def analyzer(message: Any) -> bytes:
        data: bytes = message.SerializeToString()
        return data

    fields = [
        ns.FieldSchema(field_name="k", field_type=ns.KEYWORD, index=True, enable_sort_and_agg=True, store=True),
        ns.FieldSchema(field_name="t", field_type=ns.TEXT, analyzer="single_word", index=True,
                       analyzer_parameter=analyzer(ns.SingleWordAnalyzerParameter(case_sensitive=True)),
                       enable_highlighting=True, text_similarity=ns.BM25),
        ns.FieldSchema(field_name="s", field_type=ns.TEXT, analyzer="split",
                       analyzer_parameter=analyzer(ns.SplitAnalyzerParameter(delimiter=","))),
        ns.FieldSchema(field_name="f", field_type=ns.TEXT, analyzer="fuzzy",
                       analyzer_parameter=analyzer(ns.FuzzyAnalyzerParameter(min_chars=2, max_chars=6))),
        ns.FieldSchema(field_name="mw", field_type=ns.TEXT, analyzer="max_word"),
        ns.FieldSchema(field_name="d", field_type=ns.DATE, date_formats=["yyyy-MM-dd"]),
        ns.FieldSchema(field_name="v", field_type=ns.VECTOR, vector_options=ns.VectorOptions(
            data_type=ns.VD_FLOAT_32, dimension=4, metric_type=ns.VM_DOT_PRODUCT)),
        ns.FieldSchema(field_name="v0", field_type=ns.VECTOR, vector_options=ns.VectorOptions()),
        ns.FieldSchema(field_name="j", field_type=ns.JSON, json_type=ns.OBJECT_JSON, field_schemas=[
            ns.FieldSchema(field_name="a", field_type=ns.LONG, is_array=True)]),
        ns.FieldSchema(field_name="n", field_type=ns.NESTED, field_schemas=[
            ns.FieldSchema(field_name="g", field_type=ns.GEO_POINT), ns.FieldSchema(field_name="b", field_type=ns.BOOLEAN),
            ns.FieldSchema(field_name="n2", field_type=ns.NESTED, field_schemas=[
                ns.FieldSchema(field_name="x", field_type=ns.DOUBLE)])]),
        ns.FieldSchema(field_name="kv", field_type=ns.KEYWORD, is_virtual_field=True, source_field_names=["k"]),
        ns.FieldSchema(field_name="kv_off", field_type=ns.KEYWORD, is_virtual_field=False),
    ]
    sort = ns.Sort(sorter=[
        ns.Sorter(field_sort=ns.FieldSort(field_name="k", order=ns.SORT_ORDER_DESC, mode=ns.SORT_MODE_AVG)),
        ns.Sorter(field_sort=ns.FieldSort(field_name="l")),
        ns.Sorter(geo_distance_sort=ns.GeoDistanceSort(field_name="g", points=["1,2", "3,4"],
                                                       order=ns.SORT_ORDER_DESC, mode=ns.SORT_MODE_MIN,
                                                       distance_type=ns.GEO_DISTANCE_PLANE)),
        ns.Sorter(score_sort=ns.ScoreSort(order=ns.SORT_ORDER_ASC)),
        ns.Sorter(pk_sort=ns.PrimaryKeySort(order=ns.SORT_ORDER_ASC)),
    ])
    schema = ns.IndexSchema(field_schemas=fields, index_setting=ns.IndexSetting(number_of_shards=1, routing_fields=["k"]),
                            index_sort=sort)
    return ns.DescribeSearchIndexResponse(schema=schema, sync_stat=ns.SyncStat(
        sync_phase=ns.INCR, current_sync_timestamp=1700000000123456789), create_time=1, time_to_live=86400)


def _without_highlighting(meta: Any) -> Any:
    """The official decoder never reads enable_highlighting (always None); ours does."""
    def strip(schema: Any) -> List[Any]:
        flags = [schema.enable_highlighting]
        schema.enable_highlighting = None
        for sub in schema.sub_field_schemas:
            flags += strip(sub)
        return flags

    return [flag for schema in meta.fields for flag in strip(schema)]


def test_describe_decodes_like_the_official_decoder() -> None:
    from tablestore.protobuf import search_pb2

    body = _describe_response(search_pb2).SerializeToString()
    assert _describe_response(pb).SerializeToString() == body
    (meta, stat), (their_meta, their_stat) = _our_decode("describe_search_index", body), _official_decode(
        "DescribeSearchIndex", body)
    flags = _without_highlighting(meta)
    assert flags[:2] == [None, True] and set(flags[2:]) == {None}
    assert _plain(meta) == _plain(their_meta)
    assert _plain(stat) == _plain(their_stat)
    assert meta.fields[6].vector_options == ours.VectorOptions(
        ours.VectorDataType.VD_FLOAT_32, ours.VectorMetricType.VM_DOT_PRODUCT, 4)
    assert meta.index_sort.sorters[2] == ours.GeoDistanceSort(
        "g", ["1,2", "3,4"], ours.SortOrder.DESC, ours.SortMode.MIN, ours.GeoDistanceType.PLANE)


def test_describe_decodes_a_doc_sort_the_official_decoder_rejects() -> None:
    body = pb.DescribeSearchIndexResponse(schema=pb.IndexSchema(index_sort=pb.Sort(sorter=[
        pb.Sorter(doc_sort=pb.DocSort(order=pb.SORT_ORDER_DESC))]))).SerializeToString()
    meta, stat = _our_decode("describe_search_index", body)
    assert (meta.index_sort, stat) == (ours.Sort([ours.DocSort(ours.SortOrder.DESC)]), None)


# --- the models ----------------------------------------------------------------------------------
SEARCH_NAMES = [
    "SearchIndexMeta", "FieldSchema", "JsonType", "TextSimilarity", "VectorOptions", "VectorDataType",
    "VectorMetricType", "FieldType", "IndexSetting", "Collapse", "Sort", "PrimaryKeySort", "ScoreSort",
    "GeoDistanceSort", "FieldSort", "DocSort", "SortOrder", "SortMode", "ScoreMode", "AnalyzerType",
    "SingleWordAnalyzerParameter", "SplitAnalyzerParameter", "FuzzyAnalyzerParameter", "Sorter", "SyncStat",
    "SyncPhase", "QueryOperator", "MatchQuery", "MatchPhraseQuery", "TermQuery", "RangeQuery", "PrefixQuery",
    "BoolQuery", "FunctionScoreQuery", "NestedQuery", "InnerHits", "WildcardQuery", "MatchAllQuery",
    "GeoBoundingBoxQuery", "GeoDistanceQuery", "GeoPolygonQuery", "TermsQuery", "SearchQuery", "ScanQuery",
    "HighlightParameter", "Highlight", "HighlightEncoder", "HighlightFragmentOrder", "SearchHit", "SearchInnerHit",
    "HighlightResult", "HighlightField", "FieldValueFactor", "GeoDistanceType", "NestedFilter", "ExistsQuery",
    "KnnVectorQuery", "DisMaxQuery", "Agg", "Max", "Min", "Avg", "Sum", "Count", "DistinctCount", "TopRows",
    "Percentiles", "AggResult", "PercentilesResultItem", "GroupKeySort", "RowCountSort", "SubAggSort", "GeoPoint",
    "FieldRange", "BaseGroupBy", "GroupByField", "GroupByRange", "GroupByFilter", "GroupByGeoDistance",
    "GroupByHistogram", "GroupByComposite", "GroupByResult", "BaseGroupByResultItem", "GroupByFieldResultItem",
    "GroupByRangeResultItem", "GroupByFilterResultItem", "GroupByGeoDistanceResultItem",
    "GroupByHistogramResultItem", "GroupByCompositeResultItem", "DateTimeValue", "DateTimeUnit",
    "GeoHashPrecision", "GroupByDateHistogram", "GroupByDateHistogramResultItem", "GroupByGeoGrid", "GeoGrid",
    "GroupByGeoGridResultItem",
]
# The official models' encoding hooks (called with the official encoder's functions).
ENCODING_HOOKS = {"to_pb_str", "range_to_pb"}


def _shape(function: Any) -> List[Any]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_every_official_search_name_is_covered() -> None:
    import tablestore

    wide_table = {"OTSClient", "AsyncOTSClient", "ColumnsToGet", "ColumnReturnType"}
    official = {name for name in tablestore.__all__ if name in vars(tablestore.metadata)
                or name in vars(tablestore.aggregation) or name in vars(tablestore.group_by)}
    from tests.unit.tablestore.test_public_surface import WIDE_TABLE_NAMES

    assert official - set(WIDE_TABLE_NAMES) - wide_table - {"ComputeSplitsResponse"} <= set(SEARCH_NAMES)
    assert set(SEARCH_NAMES) <= set(ours.__all__)


@pytest.mark.parametrize("name", SEARCH_NAMES)
def test_models_have_the_official_constructors_methods_and_members(name: str) -> None:
    import tablestore

    theirs, mine = getattr(tablestore, name), getattr(ours, name)
    if isinstance(theirs, enum.EnumMeta):
        assert {m.name: m.value for m in mine} == {m.name: m.value for m in theirs}
        return
    for key, value in vars(theirs).items():
        if key.startswith("_") or key in ENCODING_HOOKS:
            continue
        if callable(value):
            assert _shape(getattr(mine, key)) == _shape(value), key
        else:
            assert getattr(mine, key) == value, key
    if theirs.__init__ is not object.__init__:
        assert _shape(mine) == _shape(theirs)


def test_models_keep_the_official_attributes() -> None:
    """Attributes named otherwise than the constructor's parameters, and copied lists."""
    import tablestore

    for m in (ours, tablestore):
        query = m.SearchQuery(m.MatchAllQuery(), collapse_field=m.Collapse("k"))
        ranges = [(0, 1)]
        group_by = m.GroupByRange("l", ranges)
        group_by.add_range((1, 2))
        group_by.add_sub_agg(m.Max("l"))
        group_by.add_sub_group_by(m.GroupByField("k"))
        subs = [m.Count("c")]
        field_group_by = m.GroupByField("k", sub_aggs=subs)
        agg = m.Percentiles("l", [50], 3)
        assert (query.collapse.field_name, agg.missing, agg.field, agg.percentiles_list, agg.type) == ("k", 3, "l", [50], 8)
        assert (len(group_by.ranges), len(group_by.sub_aggs), len(group_by.sub_group_bys)) == (2, 1, 1)
        assert ranges is group_by.ranges and field_group_by.sub_aggs is not subs
        assert (m.GroupByFilter([]).field_name, m.GroupByComposite([]).field_name, m.TopRows(1, None).type) == (
            None, None, 7)
        assert [g.type for g in (m.GroupByField("a"), m.GroupByRange("a", []), m.GroupByFilter([]),
                                 m.GroupByGeoDistance("a", None, []), m.GroupByHistogram("a", 1, None),
                                 m.GroupByDateHistogram("a", None), m.GroupByGeoGrid("a", 1),
                                 m.GroupByComposite([]))] == [1, 2, 3, 4, 5, 6, 7, 8]
        result = m.GroupByResult("g", [])
        result.addItem(m.GroupByFilterResultItem(1, [], []))
        assert len(result.items) == 1 and m.NestedQuery("n", None).score_mode == 1
