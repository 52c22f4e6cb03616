"""The search pre-filter (SQL over the index's value table) against the reference path
(every document through the Python predicate and sort, the pre-filter switched off) and
against a brute-force filter written here: random rows of every scalar type, arrays,
nested objects, values of the wrong type and missing fields, written before the index
exists (backfill) and after (puts, updates, deletes), an index deleted and created
again, random bool/const-score/term/terms/range/prefix/exists/match/nested queries, sorts,
paging, collapse, aggregations and group-bys. Also: rows past the index's TTL, and a database from
before the value table gets it filled on open."""
from __future__ import annotations

import calendar
import datetime
import json
import math
import sqlite3
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alicloud_storage.tablestore as m
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore.search import prefilter
from alicloud_storage.emulator.tablestore.search.query import MAX_QUERY_DEPTH
from alicloud_storage.emulator.tablestore.service import DATABASE_FILE

WORDS = ["apple", "banana", "cherry"]
FT = m.FieldType


def schema() -> List[Any]:
    return [
        m.FieldSchema("l", FT.LONG, enable_sort_and_agg=True),
        m.FieldSchema("d", FT.DOUBLE, enable_sort_and_agg=True),
        m.FieldSchema("k", FT.KEYWORD, enable_sort_and_agg=True),
        m.FieldSchema("b", FT.BOOLEAN, enable_sort_and_agg=True),
        m.FieldSchema("date", FT.DATE, date_formats=["yyyy-MM-dd"], enable_sort_and_agg=True),
        m.FieldSchema("la", FT.LONG, is_array=True, enable_sort_and_agg=True),
        m.FieldSchema("da", FT.DOUBLE, is_array=True, enable_sort_and_agg=True),
        m.FieldSchema("ka", FT.KEYWORD, is_array=True, enable_sort_and_agg=True),
        m.FieldSchema("t", FT.TEXT),
        m.FieldSchema("n", FT.NESTED, sub_field_schemas=[
            m.FieldSchema("s", FT.KEYWORD, enable_sort_and_agg=True),
            m.FieldSchema("v", FT.LONG, enable_sort_and_agg=True),
        ]),
    ]


# --- rows ----------------------------------------------------------------------------------
JUNK = st.sampled_from([1.5, "x", True, "[1", "{}"])
LONGS, KEYS = st.integers(-3, 3), st.sampled_from(["a", "b", "ab", "", "é"])
DOUBLES = st.sampled_from([-1.5, 0.0, -0.0, 2.25, 3.0, math.inf])
DATES = st.sampled_from(["2022-05-01", "2022-05-03", "2022-5-1"])  # the last is no yyyy-MM-dd date
NESTED_OBJECT = st.fixed_dictionaries({}, optional={"s": st.one_of(KEYS, LONGS), "v": st.one_of(LONGS, KEYS, st.just(True))})
COLUMNS = {
    "l": st.one_of(LONGS, JUNK),
    "d": st.one_of(DOUBLES.filter(math.isfinite), st.integers(-2, 2), st.just("x")),  # a column holds no inf
    "k": st.one_of(KEYS, LONGS),
    "b": st.one_of(st.booleans(), LONGS),
    "date": st.one_of(DATES, st.just(1651536000000)),
    "la": st.one_of(st.lists(st.one_of(LONGS, JUNK), max_size=3).map(json.dumps), JUNK),
    "da": st.one_of(st.lists(st.one_of(DOUBLES, st.just(math.nan), st.integers(-2, 2)), max_size=3).map(json.dumps), JUNK),
    "ka": st.one_of(st.lists(st.one_of(KEYS, LONGS), max_size=3).map(json.dumps), JUNK),
    "t": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    "n": st.one_of(st.lists(NESTED_OBJECT, max_size=3).map(json.dumps), NESTED_OBJECT.map(json.dumps), JUNK),
}
ROW = st.fixed_dictionaries({}, optional=COLUMNS)
KEY = st.integers(0, 7)
WRITE = st.one_of(
    st.tuples(st.just("put"), KEY, ROW),
    st.tuples(st.just("update"), KEY, ROW.filter(bool), st.lists(st.sampled_from(sorted(COLUMNS)), max_size=2)),
    st.tuples(st.just("delete"), KEY),
)


def _is_long(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _date(v: Any) -> Optional[int]:
    if _is_long(v):
        return int(v)
    try:
        day = datetime.datetime.strptime(v, "%Y-%m-%d")
    except (TypeError, ValueError):
        return None
    return calendar.timegm(day.timetuple()) * 1000 if len(v) == 10 else None


def _array(v: Any) -> List[Any]:
    try:
        parsed = json.loads(v) if isinstance(v, str) else None
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def indexed(values: Dict[str, Any]) -> Dict[str, List[Any]]:
    """The values the index holds for a row, by field (``n.s``: every nested object's)."""
    kinds: Dict[str, Callable[[Any], List[Any]]] = {
        "l": lambda v: [v] if _is_long(v) else [],
        "d": lambda v: [float(v)] if isinstance(v, (int, float)) and not isinstance(v, bool) else [],
        "k": lambda v: [v] if isinstance(v, str) else [],
        "b": lambda v: [v] if isinstance(v, bool) else [],
        "date": lambda v: [d for d in [_date(v)] if d is not None],
    }
    out = {name: kinds[name](values[name]) for name in kinds if name in values}
    if "la" in values:
        out["la"] = [v for v in _array(values["la"]) if _is_long(v)]
    if "da" in values:
        out["da"] = [float(v) for v in _array(values["da"]) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if "ka" in values:
        out["ka"] = [v for v in _array(values["ka"]) if isinstance(v, str)]
    if "t" in values:
        out["t"] = values["t"].split()
    objects: List[Any] = []
    if "n" in values and isinstance(values["n"], str):
        try:
            parsed = json.loads(values["n"])
        except ValueError:
            parsed = None
        objects = [parsed] if isinstance(parsed, dict) else parsed if isinstance(parsed, list) else []
    out["n"] = [o for o in objects if isinstance(o, dict)]
    out["n.s"] = [o["s"] for o in out["n"] if isinstance(o.get("s"), str)]
    out["n.v"] = [o["v"] for o in out["n"] if _is_long(o.get("v"))]
    return out


# --- queries -------------------------------------------------------------------------------
VALUES = {
    "l": LONGS, "la": LONGS, "n.v": LONGS, "d": DOUBLES, "da": DOUBLES, "b": st.booleans(),
    "k": KEYS, "ka": KEYS, "n.s": KEYS, "date": DATES.filter(lambda d: len(d) == 10),
}
FIELD = st.sampled_from(sorted(VALUES))


def _leaf(kind: str) -> Any:
    if kind == "term":
        return FIELD.flatmap(lambda f: st.tuples(st.just("term"), st.just(f), VALUES[f]))
    if kind == "terms":
        return FIELD.flatmap(lambda f: st.tuples(st.just("terms"), st.just(f), st.lists(VALUES[f], min_size=1, max_size=3)))
    if kind == "range":
        return FIELD.flatmap(lambda f: st.tuples(
            st.just("range"), st.just(f), st.none() | VALUES[f], st.none() | VALUES[f], st.booleans(), st.booleans()))
    if kind == "prefix":
        return st.tuples(st.just("prefix"), st.sampled_from(["k", "ka", "n.s", "l"]), st.sampled_from(["", "a", "b", "é"]))
    if kind == "exists":
        return st.tuples(st.just("exists"), st.sampled_from([*VALUES, "t", "n"]))
    if kind == "match":  # TEXT: not pre-filtered, the Python predicate decides
        return st.tuples(st.just("match"), st.sampled_from(WORDS))
    return st.just(("all",))


# a nested query (not pre-filtered): one nested object holds the value
NESTED = st.one_of(st.tuples(st.just("nested"), st.just("n.s"), KEYS), st.tuples(st.just("nested"), st.just("n.v"), LONGS))
LEAF = st.one_of(*(_leaf(k) for k in ["term", "terms", "range", "prefix", "exists", "match", "all"]), NESTED)
QUERY = st.recursive(LEAF, lambda inner: st.one_of(st.builds(
    lambda must, must_not, filters, should, msm: ("bool", must, must_not, filters, should,
                                                  min(msm, len(should)) if msm is not None else None),
    st.lists(inner, max_size=2), st.lists(inner, max_size=2), st.lists(inner, max_size=1),
    st.lists(inner, max_size=3), st.none() | st.integers(0, 3),
), st.tuples(st.just("const"), inner)), max_leaves=6)


def _query_value(field: str, value: Any) -> Any:
    return _date(value) if field == "date" else value


def holds(query: Tuple[Any, ...], doc: Dict[str, List[Any]]) -> bool:
    """The query's meaning over a row's indexed values, written independently of the emulator."""
    kind = query[0]
    if kind == "all":
        return True
    if kind == "match":
        return query[1] in doc.get("t", [])
    if kind == "const":
        return holds(query[1], doc)
    if kind == "nested":
        leaf = query[1].partition(".")[2]
        return any(o.get(leaf) == query[2] and type(o.get(leaf)) is type(query[2]) for o in doc.get("n", []))
    if kind == "exists":
        return bool(doc.get(query[1]))
    if kind == "bool":
        _, must, must_not, filters, should, msm = query
        if not all(holds(q, doc) for q in [*must, *filters]) or any(holds(q, doc) for q in must_not):
            return False
        needed = msm or 0
        if should and not (must or filters):
            needed = max(needed, 1)
        return sum(bool(holds(q, doc)) for q in should) >= needed
    values = doc.get(query[1], [])
    if kind == "term":
        return _query_value(query[1], query[2]) in values
    if kind == "terms":
        return any(v in [_query_value(query[1], t) for t in query[2]] for v in values)
    if kind == "prefix":
        return any(isinstance(v, str) and v.startswith(query[2]) for v in values)
    _, field, low, high, include_low, include_high = query
    low, high = _query_value(field, low), _query_value(field, high)
    return any((low is None or v > low or (include_low and v == low)) and (
        high is None or v < high or (include_high and v == high)) for v in values)


def to_model(query: Tuple[Any, ...]) -> Any:
    kind = query[0]
    if kind == "all":
        return m.MatchAllQuery()
    if kind == "match":
        return m.MatchQuery("t", query[1])
    if kind == "const":
        return m.ConstScoreQuery(to_model(query[1]))
    if kind == "nested":
        return m.NestedQuery("n", m.TermQuery(query[1], query[2]))
    if kind == "exists":
        return m.ExistsQuery(query[1])
    if kind == "term":
        return m.TermQuery(query[1], query[2])
    if kind == "terms":
        return m.TermsQuery(query[1], query[2])
    if kind == "prefix":
        return m.PrefixQuery(query[1], query[2])
    if kind == "range":
        return m.RangeQuery(*query[1:])
    _, must, must_not, filters, should, msm = query
    return m.BoolQuery([to_model(q) for q in must], [to_model(q) for q in must_not],
                       [to_model(q) for q in filters], [to_model(q) for q in should], msm)


SORTER = st.one_of(
    st.builds(m.FieldSort, st.sampled_from(["l", "d", "k", "b", "date", "la", "da", "ka", "n.v", "n.s"]),
              st.sampled_from(list(m.SortOrder)), st.none() | st.sampled_from(list(m.SortMode))),
    st.builds(m.PrimaryKeySort, st.sampled_from(list(m.SortOrder))),
    st.builds(m.DocSort, st.sampled_from(list(m.SortOrder))),
    st.builds(m.ScoreSort),
)
AGGS = st.lists(st.sampled_from([
    m.Sum("d", name="sd"), m.Max("la", name="xla"), m.Min("n.v", name="mnv"), m.Count("k", name="ck"),
    m.Avg("da", name="ada"), m.Max("da", name="xda"), m.TopRows(3, m.Sort([m.FieldSort("l")]), name="top"),
]), max_size=3, unique_by=lambda a: a.name)
GROUP_BYS = st.lists(st.sampled_from([
    m.GroupByField("k", sub_aggs=[m.Sum("l"), m.Max("da")]), m.GroupByField("la", name="gla"),
    m.GroupByField("n.s", name="gns", sub_aggs=[m.Count("n.v")]),
]), max_size=2, unique_by=lambda g: g.name)
SEARCH = st.fixed_dictionaries({"query": QUERY}, optional={
    "sort": st.lists(SORTER, min_size=1, max_size=2).map(m.Sort), "offset": st.integers(0, 4),
    "limit": st.integers(0, 6), "get_total_count": st.booleans(), "aggs": AGGS, "group_bys": GROUP_BYS,
    "collapse_field": st.sampled_from(["l", "d", "k"]).map(m.Collapse),
})


# --- the scenario --------------------------------------------------------------------------
def summary(response: Any) -> str:
    """Everything a search answers but its request id (repr: NaN equals NaN)."""
    return repr((response.rows, response.total_count, response.next_token, response.agg_results,
                 response.group_by_results, response.search_hits))


def both_paths(client: Any, table: str, query: Any) -> Tuple[Any, str]:
    """The response with the pre-filter, after checking it equals the reference path's."""
    fast = client.search(table, "idx", query)
    prefilter.ENABLED = False
    try:
        slow = client.search(table, "idx", query)
    finally:
        prefilter.ENABLED = True
    assert summary(fast) == summary(slow)
    return fast, summary(fast)


def keys(response: Any) -> List[int]:
    return [row[0][0][1] for row in response.rows]


def write(client: Any, rows: Dict[int, Dict[str, Any]], op: Tuple[Any, ...]) -> None:
    """Apply a write to the table and to ``rows``, the test's own copy."""
    if op[0] == "put":
        client.put_row("t", m.Row([("pk", op[1])], sorted(op[2].items())), m.Condition("IGNORE"))
        rows[op[1]] = dict(op[2])
    elif op[0] == "update":
        deletes = [name for name in op[3] if name not in op[2]]
        client.update_row("t", m.Row([("pk", op[1])], {"put": sorted(op[2].items()), "delete_all": deletes}),
                          m.Condition("IGNORE"))
        row = rows.setdefault(op[1], {})
        row.update(op[2])
        for name in deletes:
            row.pop(name, None)
    else:
        client.delete_row("t", m.Row([("pk", op[1])]), m.Condition("IGNORE"))
        rows.pop(op[1], None)


def check(client: Any, rows: Dict[int, Dict[str, Any]], searches: List[Dict[str, Any]]) -> None:
    docs = {i: indexed(values) for i, values in rows.items()}
    nan = any(math.isnan(v) for doc in docs.values() for v in doc.get("da", []))
    for spec in searches:
        both_paths(client, "t", m.SearchQuery(**{**spec, "query": to_model(spec["query"])}))
        everything, _ = both_paths(client, "t", m.SearchQuery(
            to_model(spec["query"]), sort=m.Sort([m.PrimaryKeySort()]), limit=100, get_total_count=True))
        if not nan:  # NaN compares as the emulator's Python happens to: no meaning to restate here
            matched = [i for i in sorted(docs) if holds(spec["query"], docs[i])]
            assert (keys(everything), everything.total_count) == (matched, len(matched))


def reset(client: Any) -> None:
    if "t" in client.list_table():
        for _, name in client.list_search_index("t"):
            client.delete_search_index("t", name)
        client.delete_table("t")


@pytest.fixture
def client(ours: Any) -> Any:
    return ours


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(WRITE, max_size=6), after=st.lists(WRITE, max_size=8), recreate=st.booleans(),
       searches=st.lists(SEARCH, min_size=1, max_size=3))
def test_prefilter_equals_the_reference_and_a_brute_force_filter(client, before, after, recreate, searches):
    reset(client)
    client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1),
                        m.ReservedThroughput(m.CapacityUnit(0, 0)))
    rows: Dict[int, Dict[str, Any]] = {}
    for op in before:
        write(client, rows, op)
    client.create_search_index("t", "idx", m.SearchIndexMeta(schema()))  # backfills the rows so far
    client.create_search_index("t", "other", m.SearchIndexMeta([m.FieldSchema("l", FT.LONG), m.FieldSchema("k", FT.KEYWORD)]))
    half = len(after) // 2
    for op in after[:half]:
        write(client, rows, op)
    if recreate:  # the new index may take the old one's id: none of the old values may remain
        client.delete_search_index("t", "idx")
        client.create_search_index("t", "idx", m.SearchIndexMeta(schema()))
    for op in after[half:]:
        write(client, rows, op)
    check(client, rows, searches)


def test_bench_query_shape_and_a_sort_over_arrays(client):
    """The bench's query (term + range, sorted by a long, a page of 100) on more rows than a
    page (no nested field, so pages carry a token)."""
    reset(client)
    client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1),
                        m.ReservedThroughput(m.CapacityUnit(0, 0)))
    client.create_search_index("t", "idx", m.SearchIndexMeta([f for f in schema() if f.field_name != "n"]))
    rows: Dict[int, Dict[str, Any]] = {}
    for i in range(600):
        write(client, rows, ("put", i, {"l": i % 10, "k": f"k{i % 3}", "la": json.dumps([i % 7, -(i % 5)])}))
    query = ("bool", [("term", "k", "k1"), ("range", "l", 2, 8, True, False)], [], [], [], None)
    response, _ = both_paths(client, "t", m.SearchQuery(
        to_model(query), sort=m.Sort([m.FieldSort("l", m.SortOrder.DESC)]), limit=100, get_total_count=True))
    matched = [i for i in range(600) if holds(query, indexed(rows[i]))]
    assert keys(response) == sorted(matched, key=lambda i: (-rows[i]["l"], i))[:100]
    assert response.total_count == len(matched) and response.next_token
    by_max = m.Sort([m.FieldSort("la", m.SortOrder.ASC, m.SortMode.MAX)])
    response, _ = both_paths(client, "t", m.SearchQuery(m.MatchAllQuery(), sort=by_max, offset=50, limit=20))
    assert keys(response) == sorted(range(600), key=lambda i: (i % 7, i))[50:70]


def test_queries_beyond_sqlite_limits(client):
    """Queries too big for one SQLite statement (compound SELECTs, host variables, expression
    depth) still get their hits: the reference path answers them."""
    reset(client)
    client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1),
                        m.ReservedThroughput(m.CapacityUnit(0, 0)))
    client.create_search_index("t", "idx", m.SearchIndexMeta(schema()))
    rows: Dict[int, Dict[str, Any]] = {}
    for i in range(30):
        write(client, rows, ("put", i, {"l": i, "k": f"k{i % 7}", "ka": json.dumps([f"k{i % 5}", "x"])}))
    docs = {i: indexed(values) for i, values in rows.items()}
    deep: Tuple[Any, ...] = ("range", "l", 3, None, True, False)
    for level in range(MAX_QUERY_DEPTH - 1):  # the deepest query the emulator takes
        deep = ("bool", [deep], [("term", "l", level + 10)] if level % 2 else [], [], [], None)
    queries = [
        ("bool", [], [], [], [("term", "ka", f"k{i}") for i in range(700)], None),  # 700 UNIONed drivers
        ("bool", [], [], [], [("terms", "k", [f"k{j}" for j in range(i, i + 1000)]) for i in range(40)], 2),
        deep,
    ]
    for query in queries:
        response, _ = both_paths(client, "t", m.SearchQuery(to_model(query), limit=100, get_total_count=True))
        matched = [i for i in sorted(docs) if holds(query, docs[i])]
        assert (keys(response), response.total_count) == (matched, len(matched))


def test_nan_in_double_arrays(client):
    """A NaN (JSON arrays may hold one) is kept as NULL in SQL; as in the Python predicate, it
    passes a lower bound and no upper bound, and a sort over it is left to Python."""
    reset(client)
    client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1),
                        m.ReservedThroughput(m.CapacityUnit(0, 0)))
    client.create_search_index("t", "idx", m.SearchIndexMeta(schema()))
    for i, values in enumerate(["[NaN]", "[NaN, 1.0]", "[2.0]", "[]", "[-Infinity]"]):
        client.put_row("t", m.Row([("pk", i)], [("da", values)]))
    found = {}
    for name, query in [("low", m.RangeQuery("da", 0.0)), ("high", m.RangeQuery("da", None, 5.0)),
                        ("both", m.RangeQuery("da", 0.0, 5.0)), ("any", m.RangeQuery("da")),
                        ("exists", m.ExistsQuery("da"))]:
        response, _ = both_paths(client, "t", m.SearchQuery(query, limit=100, get_total_count=True))
        found[name] = keys(response)
    assert found == {"low": [0, 1, 2], "high": [1, 2, 4], "both": [1, 2], "any": [0, 1, 2, 4], "exists": [0, 1, 2, 4]}
    for order in m.SortOrder:
        both_paths(client, "t", m.SearchQuery(m.MatchAllQuery(), sort=m.Sort([m.FieldSort("da", order)]), limit=100))


class SettableClock:
    """Wall-clock time plus an offset the test moves (request dates stay within the skew)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def test_rows_past_the_index_ttl_are_left_out_by_both_paths():
    """Rows whose newest cell is older than the index's TTL are no hits (SQL checks the
    write time kept with the values), whatever the query; rewritten rows come back."""
    clock = SettableClock()
    with Emulator(memory=True, clock=clock) as emu, m.OTSClient(
        emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance,
    ) as client:
        client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1, allow_update=False),
                            m.ReservedThroughput(m.CapacityUnit(0, 0)))
        client.create_search_index("t", "idx", m.SearchIndexMeta(schema(), time_to_live=100))
        rows: Dict[int, Dict[str, Any]] = {}
        for i in range(12):
            write(client, rows, ("put", i, {"l": i % 4, "k": "ab"[i % 2], "d": i / 2}))
        clock.offset += 60
        write(client, rows, ("put", 3, {"l": 9}))
        write(client, rows, ("put", 12, {"l": 1, "k": "a"}))
        write(client, rows, ("delete", 5))
        clock.offset += 60  # rows 0..11 but 3 are past the TTL now
        live = {i: values for i, values in rows.items() if i in (3, 12)}
        check(client, live, [
            {"query": ("range", "l", 1, None, False, False), "sort": m.Sort([m.FieldSort("d", m.SortOrder.DESC)])},
            {"query": ("bool", [("term", "k", "a")], [("term", "l", 0)], [], [], None), "aggs": [m.Sum("d")]},
            {"query": ("all",), "limit": 5}, {"query": ("match", "apple")},
        ])
        client.update_search_index("t", "idx", m.SearchIndexMeta(None, time_to_live=86400))
        check(client, rows, [{"query": ("range", "l", 1, None, True, False), "get_total_count": True}])


def test_a_database_from_before_the_value_table_gets_it_filled(tmp_path):
    def start() -> Emulator:
        return Emulator(data_dir=tmp_path)

    with start() as emu, m.OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret,
                                     emu.instance) as client:
        client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1),
                            m.ReservedThroughput(m.CapacityUnit(0, 0)))
        client.create_search_index("t", "idx", m.SearchIndexMeta(schema()))
        rows: Dict[int, Dict[str, Any]] = {}
        for i in range(10):
            write(client, rows, ("put", i, {"l": i % 3, "ka": json.dumps(["x", "y"[: i % 2]]), "n": '{"v": %d}' % i}))
    database = sqlite3.connect(str(tmp_path / DATABASE_FILE))
    database.execute("DROP TABLE ots_search_values")
    database.commit()
    database.close()
    with start() as emu, m.OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret,
                                     emu.instance) as client:
        check(client, rows, [
            {"query": ("term", "l", 1)}, {"query": ("term", "ka", "y")},
            {"query": ("range", "n.v", 4, None, True, False), "sort": m.Sort([m.FieldSort("n.v", m.SortOrder.DESC)])},
        ])
        response = client.search("t", "idx", m.SearchQuery(m.TermQuery("l", 2), limit=100))
        assert keys(response) == [2, 5, 8]  # and the pre-filter answered: its table is back
        assert sqlite3.connect(str(tmp_path / DATABASE_FILE)).execute(
            "SELECT count(DISTINCT pk) FROM ots_search_values WHERE field='l'").fetchone() == (10,)

