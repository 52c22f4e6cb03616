"""What a Search returns around its hits, through the official SDK and our sync and async
clients: collapse (first row per value in sort order, pre-collapse totals and
aggregations), highlighting (query words wrapped in tags, fragments, HTML escaping),
limits and options (1000 rows from the index, offset + limit, routing keys, tokens that
belong to another query), default order by the index sort, and rows past the table's or
the index's TTL, inner hits' highlights of nested objects. The Java SDK's fields
(track_total_count, filter, disable_default_pk_sorter), routing values and
DescribeSearchIndex's metering info and index status go as raw requests.
Expected values are computed here from the rows the test wrote."""
from __future__ import annotations

import importlib.util
import json
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List, Optional

import pytest

from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.enums import IndexStatusEnum, SyncPhase

from test_search_index import SettableClock
from test_search_scoring import WEB

N = 30
FRUITS = ["apple", "banana", "cherry"]
TEAS = ["菊花茶是一款大部分人都适合的经典花茶", "秋天最适合饮用的几种花茶", "求推荐几款菊花茶店铺"]

# The raw signed client of the emulator tests (a module of tests/functional/emulator).
_spec = importlib.util.spec_from_file_location(
    "emulator_helpers", Path(__file__).parents[1] / "emulator" / "emulator_helpers.py"
)
assert _spec is not None and _spec.loader is not None
emulator_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(emulator_helpers)


def values(i: int) -> Dict[str, Any]:
    """The attribute columns of row ``i`` (every ninth row lacks ``c``)."""
    row: Dict[str, Any] = {
        "c": "g%d" % (i % 4), "l": (i * 7) % 11, "k": "key%02d" % i, "b": i % 2 == 0,
        "ka": '["x%d", "y"]' % (i % 3),
        "t": f"{FRUITS[i % 3].title()} is sweet, {FRUITS[(i + 1) % 3]} is not; row {i}.",
        "title": TEAS[i % 3], "other": "o%d" % i,
    }
    if i % 9 == 8:
        del row["c"]
    return row


def fields(m: Any) -> List[Any]:
    return [
        m.FieldSchema("c", m.FieldType.KEYWORD, enable_sort_and_agg=True),
        m.FieldSchema("l", m.FieldType.LONG, enable_sort_and_agg=True),
        m.FieldSchema("k", m.FieldType.KEYWORD),
        m.FieldSchema("b", m.FieldType.BOOLEAN, enable_sort_and_agg=True),
        m.FieldSchema("ka", m.FieldType.KEYWORD, is_array=True, enable_sort_and_agg=True),
        m.FieldSchema("t", m.FieldType.TEXT, enable_highlighting=True),
        m.FieldSchema("title", m.FieldType.TEXT, enable_highlighting=True),
        m.FieldSchema("plain", m.FieldType.TEXT),
    ]


def setup(kit: SimpleNamespace, rows: int = N, **meta: Any) -> None:
    m = kit.m
    kit.client.create_table(
        m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1), m.ReservedThroughput(m.CapacityUnit(0, 0))
    )
    for i in range(rows):
        kit.client.put_row("t", m.Row([("pk", i)], sorted(values(i).items())), m.Condition("IGNORE"))
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta(fields(m), **meta))


def search(kit: SimpleNamespace, query: Any, columns: Any = None, routing_keys: Any = None, **options: Any) -> Any:
    return kit.client.search("t", "idx", kit.m.SearchQuery(query, **options), columns, routing_keys=routing_keys)


def fails(kit: SimpleNamespace, spec: Any, message: Dict[str, Any], query: Any, columns: Any = None, **options: Any) -> None:
    """The search fails exactly as the emulator's error table row ``spec`` (formatted with ``message``) says."""
    with pytest.raises(kit.m.OTSServiceError) as info:
        search(kit, query, columns, **options)
    error = info.value
    assert (error.get_http_status(), error.get_error_code(), error.get_error_message()) == (
        spec.http_status, spec.code, spec.format(**message)
    )


def keys(response: Any) -> List[int]:
    return [row[0][0][1] for row in response.rows]


def by_l_desc(i: int) -> Any:
    return (-values(i)["l"], i)


# --- collapse ------------------------------------------------------------------------
def firsts(order: List[int], name: str) -> List[int]:
    """The first row of each value of ``name`` (rows without one share a group)."""
    seen, out = set(), []
    for i in order:
        value = values(i).get(name)
        if value not in seen:
            seen.add(value)
            out.append(i)
    return out


def test_collapse_keeps_the_first_row_of_each_value_in_sort_order(kit):
    m = kit.m
    setup(kit)
    sort = m.Sort([m.FieldSort("l", m.SortOrder.DESC)])
    order = sorted(range(N), key=by_l_desc)
    expected = firsts(order, "c")
    assert len(expected) == 5  # four values and the rows without one
    response = search(kit, m.MatchAllQuery(), sort=sort, collapse_field=m.Collapse("c"), limit=100,
                      get_total_count=True, aggs=[m.Count("c")])
    assert keys(response) == expected
    assert response.total_count == N and not response.next_token  # totals before collapsing
    assert [(a.name, a.value) for a in response.agg_results] == [("count", sum("c" in values(i) for i in range(N)))]
    page = search(kit, m.MatchAllQuery(), sort=sort, collapse_field=m.Collapse("c"), offset=1, limit=2)
    assert keys(page) == expected[1:3] and not page.next_token  # offset paging only, no token
    # default order (the index sort, PK ASC) and a LONG field; a query narrows the rows first
    assert keys(search(kit, m.MatchAllQuery(), collapse_field=m.Collapse("l"), limit=100)) == firsts(list(range(N)), "l")
    evens = [i for i in range(N) if values(i)["b"]]
    got = search(kit, m.TermQuery("b", True), collapse_field=m.Collapse("c"), limit=100, get_total_count=True)
    assert (keys(got), got.total_count) == (firsts(evens, "c"), len(evens))


def test_collapse_errors(kit):
    m = kit.m
    setup(kit, 12)
    for name in ("t", "ka", "k"):  # TEXT; an array; no enable_sort_and_agg
        detail = f"collapse field [{name}] must be a LONG, DOUBLE or KEYWORD field, not an array, with enable_sort_and_agg"
        fails(kit, E.SEARCH_INVALID, {"detail": detail}, m.MatchAllQuery(), collapse_field=m.Collapse(name))
    fails(kit, E.SEARCH_INVALID, {"detail": "field [nope] does not exist in search index [idx]"},
          m.MatchAllQuery(), collapse_field=m.Collapse("nope"))
    token = search(kit, m.MatchAllQuery(), limit=5).next_token
    fails(kit, E.SEARCH_INVALID, {"detail": "next_token is not supported with collapse, page with offset and limit"},
          m.MatchAllQuery(), collapse_field=m.Collapse("c"), next_token=token)
    fails(kit, E.SEARCH_OFFSET_LIMIT, {"max": 100000, "offset": 99901, "limit": 100},
          m.MatchAllQuery(), collapse_field=m.Collapse("c"), offset=99901, limit=100)


# --- highlighting --------------------------------------------------------------------
def wrapped(text: str, words: List[str], pre: str = "<em>", post: str = "</em>") -> str:
    """``text`` with every whole word of ``words`` (any case) between the tags."""
    pattern = r"\b(" + "|".join(map(re.escape, words)) + r")\b"
    return re.sub(pattern, lambda w: pre + w.group(1) + post, text, flags=re.I)


def highlights(response: Any) -> List[Dict[str, List[str]]]:
    assert len(response.search_hits) == len(response.rows)
    return [{f.field_name: list(f.field_fragments) for f in hit.highlight_result.highlight_fields}
            for hit in response.search_hits]


def test_highlight_wraps_the_query_words_of_each_field(kit):
    m = kit.m
    setup(kit)
    tags = m.Highlight([m.HighlightParameter("t", 1, 200, "<b>", "</b>")])
    response = search(kit, m.MatchQuery("t", "APPLE sweet"), highlight=tags, limit=100)
    assert keys(response) == list(range(N))  # every row is sweet
    assert highlights(response) == [{"t": [wrapped(values(i)["t"], ["apple", "sweet"], "<b>", "</b>")]} for i in range(N)]
    # CJK under single_word: one token per character, adjacent marks stay apart
    response = search(kit, m.MatchQuery("title", "花茶"), highlight=m.Highlight([m.HighlightParameter("title")]),
                      limit=100)
    tea = [i for i in range(N) if "花" in values(i)["title"] or "茶" in values(i)["title"]]
    assert keys(response) == tea
    assert highlights(response) == [
        {"title": ["".join(f"<em>{c}</em>" if c in "花茶" else c for c in values(i)["title"])]} for i in tea
    ]
    # terms, prefixes, wildcards and phrases of bool clauses count, must_not clauses never
    query = m.BoolQuery(
        must_queries=[m.PrefixQuery("t", "cher")],
        should_queries=[m.TermQuery("t", "row"), m.WildcardQuery("t", "sw?et"), m.MatchPhraseQuery("title", "菊花")],
        must_not_queries=[m.MatchPhraseQuery("t", "banana is sweet")],
    )
    rows = [i for i in range(N) if "cherry" in values(i)["t"].lower() and not values(i)["t"].startswith("Banana")]
    response = search(kit, query, highlight=m.Highlight([m.HighlightParameter("t"), m.HighlightParameter("title")]),
                      limit=100)
    assert keys(response) == rows
    want = []
    for i in rows:  # "banana" (must_not) stays bare; the phrase marks its characters, not other 花
        got = {"t": [wrapped(values(i)["t"], ["cherry", "row", "sweet"])]}
        if "菊花" in values(i)["title"]:
            got["title"] = [values(i)["title"].replace("菊花", "<em>菊</em><em>花</em>")]
        want.append(got)
    assert highlights(response) == want and any("title" in w for w in want)


def test_highlight_through_function_score_dis_max_and_suffix_queries(kit):
    m = kit.m
    setup(kit, 12)
    hl = m.Highlight([m.HighlightParameter("t")])
    # the official Python SDK has no SuffixQuery (the Java SDK's): a wildcard asks the same there
    suffix = m.WildcardQuery("t", "*rry") if kit.kind == "official" else m.SuffixQuery("t", "rry")
    query = m.FunctionScoreQuery(m.DisMaxQuery([m.MatchQuery("t", "apple"), suffix]), m.FieldValueFactor("l"))
    response = search(kit, query, highlight=hl, limit=100)
    rows = [i for i in range(12) if re.search(r"apple|cherry", values(i)["t"], re.I)]
    assert keys(response) == rows
    assert highlights(response) == [{"t": [wrapped(values(i)["t"], ["apple", "cherry"])]} for i in rows]


def test_inner_hits_highlight_nested_objects(kit):
    m = kit.m
    kit.client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(),
                            m.ReservedThroughput(m.CapacityUnit(0, 0)))
    texts = ["apple pie", "banana split", "apple tart and apple jam", "cherry", "green apple"]
    objects = {i: [{"nt": texts[(i + j) % 5], "nk": "k%d" % j} for j in range(i % 4 + 1)] for i in range(8)}
    for i, value in objects.items():
        kit.client.put_row("t", m.Row([("pk", i)], [("n", json.dumps(value))]), m.Condition("IGNORE"))
    nested = m.FieldSchema("n", m.FieldType.NESTED, sub_field_schemas=[
        m.FieldSchema("nt", m.FieldType.TEXT, enable_highlighting=True), m.FieldSchema("nk", m.FieldType.KEYWORD)])
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta([nested]))
    inner = m.InnerHits(None, None, 10, m.Highlight([m.HighlightParameter("n.nt", pre_tag="[", post_tag="]")]))
    query = m.NestedQuery("n", m.MatchQuery("n.nt", "apple"), inner_hits=inner)
    response = search(kit, query, limit=100)
    rows = [i for i in range(8) if any("apple" in o["nt"] for o in objects[i])]
    assert keys(response) == rows
    for i, hit in zip(rows, response.search_hits):
        (found,) = hit.search_inner_hits
        got = {h.nested_doc_offset: [(f.field_name, list(f.field_fragments)) for f in h.highlight_result.highlight_fields]
               for h in found.search_hits}
        assert got == {j: [("n.nt", [wrapped(o["nt"], ["apple"], "[", "]")])]
                       for j, o in enumerate(objects[i]) if "apple" in o["nt"]}
    inner = m.InnerHits(None, None, 10, m.Highlight([m.HighlightParameter("n.nk")]))
    fails(kit, E.SEARCH_HIGHLIGHT, {"field": "n.nk"}, m.NestedQuery("n", m.MatchQuery("n.nt", "apple"), inner_hits=inner))


def test_official_highlight_scenario(kit):
    """The official SDK test's highlight case: max_word marks 花茶, never the overlapping 菊花,
    and an 18-character title fits an 18-character fragment whole."""
    m = kit.m
    kit.client.create_table(m.TableMeta("t", [("url", "STRING")]), m.TableOptions(),
                            m.ReservedThroughput(m.CapacityUnit(0, 0)))
    for url, kind, title, pv in WEB:
        kit.client.put_row("t", m.Row([("url", url)], [("type", kind), ("title", title), ("pv", pv)]), m.Condition("IGNORE"))
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta([
        m.FieldSchema("type", m.FieldType.KEYWORD, index=True, enable_sort_and_agg=True),
        m.FieldSchema("title", m.FieldType.TEXT, index=True, analyzer=m.AnalyzerType.MAXWORD, enable_highlighting=True),
        m.FieldSchema("pv", m.FieldType.LONG, index=True, enable_sort_and_agg=True),
        m.FieldSchema("author", m.FieldType.TEXT, index=True),
    ]))
    parameter = m.HighlightParameter("title", 1, 18, "<b>", "</b>", m.HighlightFragmentOrder.TEXT_SEQUENCE)
    response = search(kit, m.FunctionScoreQuery(m.MatchQuery("title", "花茶"), m.FieldValueFactor("pv")),
                      m.ColumnsToGet(["title", "url"], m.ColumnReturnType.SPECIFIED), limit=10, get_total_count=True,
                      sort=m.Sort([m.ScoreSort(m.SortOrder.DESC)]),
                      highlight=m.Highlight([parameter], m.HighlightEncoder.PLAIN_MODE))
    assert highlights(response) == [
        {"title": ["菊<b>花茶</b>是一款大部分人都适合的经典<b>花茶</b>"]},
        {"title": ["秋天最适合饮用的几种<b>花茶</b>"]},
        {"title": ["求推荐几款菊<b>花茶</b>店铺"]},
    ]
    fails(kit, E.SEARCH_HIGHLIGHT, {"field": "author"}, m.FunctionScoreQuery(m.MatchQuery("author", "wang"),
          m.FieldValueFactor("pv")), m.ColumnsToGet(return_type=m.ColumnReturnType.ALL_FROM_INDEX),
          limit=10, get_total_count=True, highlight=m.Highlight([m.HighlightParameter("author", 1, 18, "<b>", "</b>")]))


def test_a_sloppy_phrase_marks_its_words(kit):
    m = kit.m
    setup(kit, 9)
    response = search(kit, m.MatchPhraseQuery("t", "sweet not", slop=3), highlight=m.Highlight([m.HighlightParameter("t")]))
    assert keys(response) == list(range(9))  # "X is sweet, Y is not": two words apart
    assert highlights(response) == [{"t": [wrapped(values(i)["t"], ["sweet", "not"])]} for i in range(9)]


def test_highlight_fragments_order_and_html(kit):
    m = kit.m
    setup(kit, 0)
    long_text = " ".join(["apple"] + ["filler"] * 30 + ["apple", "apple"] + ["filler"] * 30 + ["x <apple> & 'y'/"])
    kit.client.put_row("t", m.Row([("pk", 1)], [("t", long_text)]), m.Condition("IGNORE"))

    def fragments(size: int, count: Optional[int], order: Any, encoder: Any = m.HighlightEncoder.PLAIN_MODE) -> List[str]:
        tags = m.Highlight([m.HighlightParameter("t", count, size, fragments_order=order)], encoder)
        (found,) = highlights(search(kit, m.MatchQuery("t", "apple"), highlight=tags))
        return found["t"]

    plain = lambda f: f.replace("<em>", "").replace("</em>", "")  # noqa: E731
    in_order = fragments(40, 10, m.HighlightFragmentOrder.TEXT_SEQUENCE)
    places = [long_text.index(plain(f)) for f in in_order]
    assert places == sorted(places) and len(in_order) == 3  # the three places with apples
    assert all(len(plain(f)) <= 40 and "<em>apple</em>" in f for f in in_order)
    assert all(re.search(r"(^| )" + re.escape(plain(f)) + r"( |$)", long_text) for f in in_order)  # whole words
    assert sum(f.count("<em>apple</em>") for f in in_order) == 4
    by_score = fragments(40, 10, m.HighlightFragmentOrder.SCORE)
    assert sorted(by_score) == sorted(in_order) and by_score[0].count("<em>apple</em>") == 2
    assert fragments(40, 1, m.HighlightFragmentOrder.SCORE) == by_score[:1]
    assert fragments(1000, None, m.HighlightFragmentOrder.TEXT_SEQUENCE) == [wrapped(long_text, ["apple"])]
    html = fragments(1000, None, m.HighlightFragmentOrder.TEXT_SEQUENCE, m.HighlightEncoder.HTML_MODE)
    escaped = "x &lt;<em>apple</em>&gt; &amp; &#x27;y&#x27;&#x2F;"
    assert html[0].endswith(escaped)


def test_highlight_errors(kit):
    m = kit.m
    setup(kit, 3)
    fails(kit, E.SEARCH_HIGHLIGHT, {"field": "plain"}, m.MatchQuery("plain", "x"),
          highlight=m.Highlight([m.HighlightParameter("plain")]))
    fails(kit, E.SEARCH_INVALID, {"detail": "field [nope] does not exist in search index [idx]"}, m.MatchAllQuery(),
          highlight=m.Highlight([m.HighlightParameter("nope")]))
    fails(kit, E.SEARCH_INVALID, {"detail": "fragment_size [0] of field [t] must be positive"}, m.MatchAllQuery(),
          highlight=m.Highlight([m.HighlightParameter("t", fragment_size=0)]))
    with pytest.raises(m.OTSServiceError) as info:  # only TEXT fields highlight
        kit.client.create_search_index("t", "bad", m.SearchIndexMeta([m.FieldSchema("k", m.FieldType.KEYWORD, enable_highlighting=True)]))
    assert info.value.get_error_message() == "highlighting is only supported for TEXT field, field [k]"


# --- limits, tokens, routing ---------------------------------------------------------
def test_limits_tokens_and_routing(kit):
    m = kit.m
    setup(kit, 120)
    from_index = m.ColumnsToGet(return_type=m.ColumnReturnType.ALL_FROM_INDEX)
    everything = search(kit, m.MatchAllQuery(), from_index, limit=1000)
    assert keys(everything) == list(range(120)) and not everything.next_token
    assert [c[0] for c in everything.rows[5][1]] == sorted(set(values(5)) - {"other"})
    stored = m.ColumnsToGet(["pk", "c", "l"], m.ColumnReturnType.SPECIFIED)  # key columns come from the index too
    assert keys(search(kit, m.MatchAllQuery(), stored, limit=150)) == list(range(120))
    fails(kit, E.SEARCH_LIMIT, {"max": 100, "limit": 101}, m.MatchAllQuery(),
          m.ColumnsToGet(["c", "other"], m.ColumnReturnType.SPECIFIED), limit=101)
    fails(kit, E.SEARCH_LIMIT, {"max": 1000, "limit": 1001}, m.MatchAllQuery(), from_index, limit=1001)
    fails(kit, E.SEARCH_LIMIT, {"max": 100, "limit": 101}, m.MatchAllQuery(), limit=101)
    far = search(kit, m.MatchAllQuery(), offset=99900, limit=100, get_total_count=True)
    assert (far.rows, far.total_count, far.next_token, far.is_all_succeed) == ([], 120, b"", True)
    fails(kit, E.SEARCH_OFFSET_LIMIT, {"max": 100000, "offset": 99901, "limit": 100}, m.MatchAllQuery(),
          offset=99901, limit=100)
    # routing keys choose shards: the one shard holds every row
    routed = search(kit, m.TermQuery("b", True), routing_keys=[[("pk", 3)]], get_total_count=True, limit=100)
    assert keys(routed) == [i for i in range(120) if i % 2 == 0] and routed.total_count == 60
    assert search(kit, m.MatchAllQuery()).total_count == -1
    # a token pages only the query it came from
    token = search(kit, m.TermQuery("b", True), limit=10).next_token
    assert keys(search(kit, m.TermQuery("b", True), next_token=token, limit=10)) == list(range(20, 40, 2))
    fails(kit, E.SEARCH_INVALID, {"detail": "the next_token does not belong to this query"}, m.TermQuery("b", False),
          next_token=token)
    fails(kit, E.SEARCH_INVALID, {"detail": "invalid next_token"}, m.TermQuery("b", True), next_token=b"garbage")


def test_index_sort_orders_token_pages(kit):
    m = kit.m
    setup(kit, 25, index_sort=m.Sort([m.FieldSort("l", m.SortOrder.DESC)]))
    found, token = [], None
    while True:
        page = search(kit, m.MatchAllQuery(), next_token=token, limit=7)
        found += keys(page)
        token = page.next_token
        if not token:
            break
    assert found == sorted(range(25), key=by_l_desc)


def test_nested_index_without_index_sort_gives_no_token(kit):
    m = kit.m
    setup(kit, 15)
    nested = m.FieldSchema("n", m.FieldType.NESTED, sub_field_schemas=[m.FieldSchema("nk", m.FieldType.KEYWORD)])
    kit.client.create_search_index("t", "nested", m.SearchIndexMeta([nested, m.FieldSchema("l", m.FieldType.LONG)]))
    page = kit.client.search("t", "nested", m.SearchQuery(m.MatchAllQuery(), limit=10, get_total_count=True))
    assert keys(page) == list(range(10)) and page.total_count == 15 and not page.next_token
    assert search(kit, m.MatchAllQuery(), limit=10).next_token  # the plain index pages on


# --- raw requests: the Java SDK's fields, bad routing values, metering info ----------
def raw_search(emu: Emulator, query: Any, routing: Optional[List[bytes]] = None, **fields_: Any) -> Any:
    request = pb.SearchRequest(
        table_name="t", index_name="idx", search_query=pb.SearchQuery(query=query, **fields_).SerializeToString(),
        routing_values=routing or [],
    )
    status, _, body = emulator_helpers.RawClient(emu).post("Search", request.SerializeToString())
    return status, body


def query_of(type_: int, message: Any) -> Any:
    return pb.Query(type=type_, query=message.SerializeToString())


def test_java_fields_and_routing_values(tablestore):
    import tablestore as m

    client = emulator_helpers.official_client(tablestore)
    kit = SimpleNamespace(client=client, m=m)
    setup(kit, 20)
    match_all = query_of(11, pb.MatchAllQuery())
    term_even = query_of(3, pb.TermQuery(field_name="b", term=b"\x02\x01"))

    def answer(query: Any, **fields_: Any) -> Any:
        status, body = raw_search(tablestore, query, **fields_)
        assert status == 200, body
        return pb.SearchResponse.FromString(body)

    def row_keys(response: Any) -> List[int]:
        return [plainbuffer.decode_row(r).primary_key[0][1] for r in response.rows]

    assert answer(match_all, limit=0, track_total_count=2**31 - 1).total_hits == 20
    assert answer(match_all, limit=0, track_total_count=7).total_hits == 7
    assert answer(match_all, limit=0, track_total_count=-1).total_hits == -1
    filtered = answer(match_all, filter=pb.SearchFilter(query=term_even), limit=100, get_total_count=True)
    assert (row_keys(filtered), filtered.total_hits) == (list(range(0, 20, 2)), 10)
    assert filtered.is_all_succeed
    # without the PK tiebreak rows of one l keep no promised order; with it ties go by PK
    by_b = pb.Sort(sorter=[pb.Sorter(field_sort=pb.FieldSort(field_name="b", order=1))])
    tied = answer(match_all, sort=by_b, limit=100)
    assert row_keys(tied) == list(range(0, 20, 2)) + list(range(1, 20, 2))
    loose = answer(match_all, sort=pb.Sort(sorter=list(by_b.sorter), disable_default_pk_sorter=True), limit=100)
    assert sorted(row_keys(loose)[:10]) == list(range(0, 20, 2))
    # routing values must be primary keys with their header
    good = plainbuffer.encode_primary_key([("pk", 1)])
    status, body = raw_search(tablestore, match_all, routing=[good], limit=0, get_total_count=True)
    assert status == 200 and pb.SearchResponse.FromString(body).total_hits == 20
    status, body = raw_search(tablestore, match_all, routing=[b"\x01\x02\x03"], limit=0)
    assert status == 400 and b"OTSParameterInvalid" in body


def test_describe_reports_incremental_sync_and_metering(tablestore):
    import tablestore as m

    client = emulator_helpers.official_client(tablestore)
    setup(SimpleNamespace(client=client, m=m), 6)
    before = time.time()
    request = pb.DescribeSearchIndexRequest(table_name="t", index_name="idx")
    status, _, body = emulator_helpers.RawClient(tablestore).post("DescribeSearchIndex", request.SerializeToString())
    assert status == 200
    response = pb.DescribeSearchIndexResponse.FromString(body)
    assert response.sync_stat.sync_phase == SyncPhase.INCR
    assert before - 5 <= response.sync_stat.current_sync_timestamp / 1e9 <= time.time() + 5  # nanoseconds
    metering = response.metering_info
    assert metering.row_count == 6 and metering.storage_size > 0 and metering.reserved_read_cu == 0
    assert before - 5 <= metering.timestamp <= time.time() + 5
    assert response.index_status.status == IndexStatusEnum.RUNNING  # the Node.js SDK's decoder needs it
    _, stat = client.describe_search_index("t", "idx")
    assert stat.sync_phase == m.SyncPhase.INCR


# --- TTL -----------------------------------------------------------------------------
def test_rows_past_the_table_or_index_ttl_are_not_found():
    import alicloud_storage.tablestore as m

    clock = SettableClock()  # our client shares it: the official SDK refuses answers dated a day ahead
    with Emulator(memory=True, clock=clock) as emu, m.OTSClient(
        emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance,
        retry_policy=m.NoRetryPolicy(), clock=clock,
    ) as client:
        day = 86400
        client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(2 * day, 1, allow_update=False),
                            m.ReservedThroughput(m.CapacityUnit(0, 0)))
        client.create_search_index("t", "idx", m.SearchIndexMeta(fields(m), time_to_live=2 * day))
        client.create_search_index("t", "short", m.SearchIndexMeta(fields(m), time_to_live=day))
        for i in range(4):
            client.put_row("t", m.Row([("pk", i)], [("l", i)]), m.Condition("IGNORE"))

        def found(index: str) -> List[int]:
            return keys(client.search("t", index, m.SearchQuery(m.MatchAllQuery(), get_total_count=True)))

        clock.offset += day / 2
        client.put_row("t", m.Row([("pk", 1)], [("l", 10)]), m.Condition("IGNORE"))  # written again later
        client.update_row("t", m.Row([("pk", 2)], {"put": [("k", "late")]}), m.Condition("IGNORE"))  # one cell later
        assert found("idx") == found("short") == [0, 1, 2, 3]
        clock.offset += day / 2 + 1  # the first writes are past the index's TTL only
        assert (found("idx"), found("short")) == ([0, 1, 2, 3], [1, 2])
        clock.offset += day  # and past the table's
        assert (found("idx"), found("short")) == ([1, 2], [])
        every = client.search("t", "idx", m.SearchQuery(m.MatchAllQuery()), m.ColumnsToGet(return_type=m.ColumnReturnType.ALL))
        assert [[c[:2] for c in row[1]] for row in every.rows] == [[("l", 10)], [("k", "late")]]  # cells past the TTL go
        session, _ = client.compute_splits("t", "idx")
        rows, _ = client.parallel_scan("t", "idx", m.ScanQuery(m.MatchAllQuery(), 10, None, 0, 1), session)
        assert keys(SimpleNamespace(rows=rows)) == [1, 2]  # parallel scans leave them out too
        assert client.search("t", "idx", m.SearchQuery(m.MatchAllQuery(), get_total_count=True)).total_count == 2
