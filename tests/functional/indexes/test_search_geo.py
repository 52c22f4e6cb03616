"""Geo queries and the geo distance sort through the official SDK and our sync and async
clients: the official SDK's own data set (1000 points on a 0.05 degree grid) gives its
asserted counts 500 / 668 / 90, and every hit set equals a brute-force filter written here
(Lucene's 32-bit point grid, haversine on the mean earth radius, ray casting).
"""
from __future__ import annotations

import json
import math
from types import SimpleNamespace
from typing import Any, Callable, List, Sequence, Tuple

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_search_index import expect, keys, ours_kit  # noqa: F401 (a fixture)

from alicloud_storage.emulator.tablestore import errors as E

RADIUS = 6371008.7714


def on_grid(lat: float, lon: float) -> Tuple[float, float]:
    """A point as a Lucene LatLonPoint keeps it: each coordinate floored to a 2^32 grid (the
    north pole and the antimeridian's east side land on the cell below)."""
    lat_step, lon_step = 180 / 2**32, 360 / 2**32
    lat_cell, lon_cell = min(math.floor(lat / lat_step), 2**31 - 1), min(math.floor(lon / lon_step), 2**31 - 1)
    return lat_cell * lat_step, lon_cell * lon_step


def haversine(a: Sequence[float], b: Sequence[float]) -> float:
    dlat, dlon = math.radians(b[0] - a[0]), math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(math.radians(a[0])) * math.cos(math.radians(b[0])) * math.sin(dlon / 2) ** 2
    return 2 * RADIUS * math.asin(math.sqrt(h))


def plane(a: Sequence[float], b: Sequence[float]) -> float:
    x = math.radians(b[1] - a[1]) * math.cos(math.radians(a[0] + b[0]) / 2)
    return RADIUS * math.sqrt(x * x + math.radians(b[0] - a[0]) ** 2)


def in_polygon(p: Sequence[float], vertices: List[Tuple[float, float]]) -> bool:
    inside = False
    j = len(vertices) - 1
    for i, (lat_i, lon_i) in enumerate(vertices):
        lat_j, lon_j = vertices[j]
        if (lat_i > p[0]) != (lat_j > p[0]) and p[1] < (lon_j - lon_i) * (p[0] - lat_i) / (lat_j - lat_i) + lon_i:
            inside = not inside
        j = i
    return inside


def near_edge(p: Sequence[float], vertices: List[Tuple[float, float]], within: float = 1e-9) -> bool:
    """Whether ``p`` lies on (within ``within`` degrees of) an edge of the polygon."""
    for (lat1, lon1), (lat2, lon2) in zip(vertices, vertices[1:] + vertices[:1]):
        dlat, dlon = lat2 - lat1, lon2 - lon1
        length = dlat * dlat + dlon * dlon
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((p[0] - lat1) * dlat + (p[1] - lon1) * dlon) / length))
        if math.hypot(p[0] - (lat1 + t * dlat), p[1] - (lon1 + t * dlon)) <= within:
            return True
    return False


def official_point(i: int) -> str:
    """The official SDK test's `g` column of row i."""
    return "%f,%f" % (30.0 + 0.05 * (i // 100), 114.0 + 0.05 * (i % 100))


def parse(text: str) -> Tuple[float, float]:
    lat, lon = (float(part) for part in text.split(","))
    return lat, lon


def make_table(kit: SimpleNamespace, points: List[Any], array: bool = False) -> None:
    """Table `t` (pk INTEGER) whose row i holds `g` = points[i] (None: no g), index `idx`."""
    m = kit.m
    kit.client.create_table(
        m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1), m.ReservedThroughput(m.CapacityUnit(0, 0))
    )
    for start in range(0, len(points), 200):
        batch = m.BatchWriteRowRequest()
        batch.add(m.TableInBatchWriteRowItem("t", [
            m.PutRowItem(m.Row([("pk", i)], [("g", points[i]), ("k", "x")] if points[i] else [("k", "x")]),
                         m.Condition("IGNORE"))
            for i in range(start, min(start + 200, len(points)))
        ]))
        kit.client.batch_write_row(batch)
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta([
        m.FieldSchema("g", m.FieldType.GEOPOINT, is_array=array), m.FieldSchema("k", m.FieldType.KEYWORD),
    ]))


def all_hits(kit: SimpleNamespace, query: Any, **options: Any) -> Tuple[List[int], int]:
    """Every hit's key in order (pages of 100 with next_token) and the total count."""
    m = kit.m
    first = kit.client.search("t", "idx", m.SearchQuery(query, limit=100, get_total_count=True, **options))
    found, token = keys(first), first.next_token
    while token:
        page = kit.client.search("t", "idx", m.SearchQuery(query, limit=100, next_token=token))
        found += keys(page)
        token = page.next_token
    return found, first.total_count


def brute(points: List[str], holds: Callable[[Tuple[float, float]], bool]) -> List[int]:
    return [i for i, text in enumerate(points) if holds(on_grid(*parse(text)))]


def test_geo_queries_give_the_sdk_test_counts(kit):
    m = kit.m
    points = [official_point(i) for i in range(1000)]
    make_table(kit, points)
    box = m.GeoBoundingBoxQuery("g", "30.9,112.0", "30.2,119.0")
    expected = brute(points, lambda p: 30.2 <= p[0] <= 30.9 and 112.0 <= p[1] <= 119.0)
    assert all_hits(kit, box) == (expected, 500) and len(expected) == 500
    circle = m.GeoDistanceQuery("g", "32.5,116.5", 300000)
    expected = brute(points, lambda p: haversine((32.5, 116.5), p) <= 300000)
    assert all_hits(kit, circle) == (expected, 668) and len(expected) == 668
    corners = ["30.9,112.0", "30.5,115.0", "30.3, 117.0", "30.2,119.0"]  # unclosed, a space allowed
    polygon = m.GeoPolygonQuery("g", corners)
    expected = brute(points, lambda p: in_polygon(p, [parse(c) for c in corners]))
    assert all_hits(kit, polygon) == (expected, 90) and len(expected) == 90


def test_geo_queries_score_one(kit):
    """A geo query scores 1.0 (a constant-score query); a bool query sums its clauses."""
    m = kit.m
    points = [official_point(i) for i in range(100)]
    make_table(kit, points)
    box, circle = m.GeoBoundingBoxQuery("g", "30.5,114.0", "29.5,116.0"), m.GeoDistanceQuery("g", "30,117", 100000)
    scores = {}
    for i, text in enumerate(points):
        p = on_grid(*parse(text))
        score = float(29.5 <= p[0] <= 30.5 and 114.0 <= p[1] <= 116.0) + float(haversine((30, 117), p) <= 100000)
        if score:
            scores[i] = score
    order = sorted(scores, key=lambda i: (-scores[i], i))
    sort = m.Sort([m.ScoreSort(m.SortOrder.DESC)])
    response = kit.client.search("t", "idx", m.SearchQuery(m.BoolQuery(should_queries=[box, circle]), limit=100, sort=sort))
    assert keys(response) == order and [h.score for h in response.search_hits] == [scores[i] for i in order]
    assert {2.0, 1.0} <= set(scores.values())


def test_geo_edges_and_combinations(kit):
    m = kit.m
    points = ["0,0", "10,10", "-10,170", "-10,-170", "45.5,-179.99", "89.9,0", None, "5, 5", "0,179.5"]
    make_table(kit, points)

    def check(query: Any, holds: Callable[[Tuple[float, float]], bool]) -> None:
        expected = [i for i, text in enumerate(points) if text and holds(on_grid(*parse(text)))]
        assert all_hits(kit, query) == (expected, len(expected)), query

    check(m.GeoBoundingBoxQuery("g", "20,-5", "-5,20"), lambda p: -5 <= p[0] <= 20 and -5 <= p[1] <= 20)
    # a box whose left edge lies east of its right edge wraps across the antimeridian
    check(m.GeoBoundingBoxQuery("g", "50,160", "-20,-160"), lambda p: -20 <= p[0] <= 50 and (p[1] >= 160 or p[1] <= -160))
    check(m.GeoDistanceQuery("g", "0,0", 0), lambda p: p == (0.0, 0.0))
    check(m.GeoDistanceQuery("g", "0,0", 1600000), lambda p: haversine((0, 0), p) <= 1600000)
    check(m.GeoPolygonQuery("g", ["-1,-1", "-1,11", "11,11", "11,-1"]), lambda p: -1 < p[0] < 11 and -1 < p[1] < 11)
    both = m.BoolQuery(must_queries=[m.GeoDistanceQuery("g", "0,0", 2000000)],
                       must_not_queries=[m.GeoBoundingBoxQuery("g", "6,4", "4,6")])
    check(both, lambda p: haversine((0, 0), p) <= 2000000 and not (4 <= p[0] <= 6 and 4 <= p[1] <= 6))


def test_geo_distance_sort(kit):
    m = kit.m
    rows = ['["30.1,114.2", "31,116"]', '["30.5,114.9"]', '["29,113", "35,120", "30.2,114.1"]', None,
            '["30.3,114.3"]', '["40,100"]']
    make_table(kit, rows, array=True)
    origins = ["30.2,114.2", "31.0,115.5"]

    def value(i: int, mode: Any, measure: Callable[..., float]) -> float:
        found = [on_grid(*parse(t)) for t in json.loads(rows[i] or "[]")]
        distances = [measure(parse(o), p) for o in origins for p in found]
        if mode == m.SortMode.MAX:
            return max(distances)
        if mode == m.SortMode.AVG:
            return sum(distances) / len(distances)
        return min(distances)

    with_points = [i for i, r in enumerate(rows) if r]
    for order in (m.SortOrder.ASC, m.SortOrder.DESC):
        for mode in (None, m.SortMode.MIN, m.SortMode.MAX, m.SortMode.AVG):
            for kind, measure in ((m.GeoDistanceType.ARC, haversine), (m.GeoDistanceType.PLANE, plane)):
                effective = mode if mode is not None else (m.SortMode.MAX if order == m.SortOrder.DESC else m.SortMode.MIN)
                by = sorted(with_points, key=lambda i: value(i, effective, measure), reverse=order == m.SortOrder.DESC)
                sort = m.Sort([m.GeoDistanceSort("g", origins, order, mode, kind)])
                got = kit.client.search("t", "idx", m.SearchQuery(m.MatchAllQuery(), sort=sort, limit=10))
                assert keys(got) == by + [3], (order, mode, kind)  # the row without a point comes last


def test_geo_distance_sort_with_a_nested_filter(kit):
    """Only the points of the nested objects the filter passes count; a row with none comes last."""
    m = kit.m
    kit.client.create_table(m.TableMeta("t", [("pk", "INTEGER")]), m.TableOptions(-1, 1),
                            m.ReservedThroughput(m.CapacityUnit(0, 0)))
    objects = {
        0: [{"kind": "a", "ng": "30,114"}, {"kind": "b", "ng": "30,120"}],
        1: [{"kind": "b", "ng": "30,118"}],
        2: [{"kind": "a", "ng": "31,119"}, {"kind": "a", "ng": "29,113"}],
        3: [{"kind": "a", "ng": "30.5,116"}],
    }
    for i, items in objects.items():
        kit.client.put_row("t", m.Row([("pk", i)], [("n", json.dumps(items))]), m.Condition("IGNORE"))
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta([m.FieldSchema("n", m.FieldType.NESTED, sub_field_schemas=[
        m.FieldSchema("kind", m.FieldType.KEYWORD), m.FieldSchema("ng", m.FieldType.GEOPOINT)])]))
    origin = (30.0, 119.0)
    for order in (m.SortOrder.ASC, m.SortOrder.DESC):
        mode = m.SortMode.MIN if order == m.SortOrder.ASC else m.SortMode.MAX
        pick = min if order == m.SortOrder.ASC else max
        distance = {i: pick(haversine(origin, on_grid(*parse(o["ng"]))) for o in items if o["kind"] == "a")
                    for i, items in objects.items() if any(o["kind"] == "a" for o in items)}
        expected = sorted(distance, key=distance.__getitem__, reverse=order == m.SortOrder.DESC)
        sort = m.Sort([m.GeoDistanceSort("n.ng", ["%r,%r" % origin], order, mode,
                                         nested_filter=m.NestedFilter("n", m.TermQuery("n.kind", "a")))])
        got = kit.client.search("t", "idx", m.SearchQuery(m.MatchAllQuery(), sort=sort, limit=10))
        assert keys(got) == expected + [1], order


def test_geo_errors(kit):
    m = kit.m
    make_table(kit, ["1,1"])

    def search(query: Any) -> Any:
        return kit.client.search("t", "idx", m.SearchQuery(query))

    expect(kit, E.SEARCH_INVALID, search, m.GeoDistanceQuery("k", "1,1", 10), detail="field [k] is not a GEO_POINT field")
    expect(kit, E.SEARCH_INVALID, search, m.GeoDistanceQuery("g", "91,1", 10),
           detail="invalid geo point [91,1] of center_point")
    expect(kit, E.SEARCH_INVALID, search, m.GeoBoundingBoxQuery("g", "1,1", "x"),
           detail="invalid geo point [x] of bottom_right")
    expect(kit, E.SEARCH_INVALID, search, m.GeoBoundingBoxQuery("g", "1,1", "2,2"),
           detail="top_left [1,1] must be above bottom_right [2,2]")
    expect(kit, E.SEARCH_INVALID, search, m.GeoPolygonQuery("g", ["1,1", "2,2"]),
           detail="a polygon needs at least 3 points, got 2")
    expect(kit, E.SEARCH_INVALID, search, m.GeoDistanceQuery("g", "1,1", -1), detail="invalid distance [-1.0]")
    sort = m.Sort([m.GeoDistanceSort("k", ["1,1"])])
    expect(kit, E.SEARCH_INVALID, lambda: kit.client.search("t", "idx", m.SearchQuery(m.MatchAllQuery(), sort=sort)),
           detail="field [k] is not a GEO_POINT field")


# --- property -------------------------------------------------------------------------------
# points, shapes and centres share a few bands (one across the antimeridian), so shapes hold some
LAT = st.floats(-30, 30)
LON = st.one_of(st.floats(-180, -150), st.floats(-20, 20), st.floats(150, 180))
POINT = st.tuples(LAT, LON).map(lambda p: "%.6f,%.6f" % p)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(points=st.lists(st.one_of(st.none(), POINT), max_size=12), corner=st.tuples(LAT, LON),
       size=st.tuples(st.floats(0, 40), st.floats(0, 60)), radius=st.floats(0, 3e6),
       triangle=st.lists(st.tuples(LAT, LON), min_size=3, max_size=5))
@example(points=["0.000000,-180.000000"], corner=(0.0, -150.0), size=(0.0, 0.0), radius=0.0,
         triangle=[(0.0, -150.0), (0.0, -180.0), (24.96716616714188, 150.0625)])  # a point on a vertex
def test_geo_queries_equal_a_brute_force_over_random_points(ours_kit, points, corner, size, radius, triangle):
    kit, m = ours_kit, ours_kit.m
    if "t" in kit.client.list_table():
        kit.client.delete_search_index("t", "idx")
        kit.client.delete_table("t")
    make_table(kit, points)
    top, left = corner
    bottom = max(-90.0, top - size[0])
    right = left + size[1] if left + size[1] <= 180 else left + size[1] - 360  # may wrap the antimeridian
    stored = {i: on_grid(*parse(text)) for i, text in enumerate(points) if text}

    def check(query: Any, holds: Callable[[Tuple[float, float]], bool],
              on_edge: Callable[[Tuple[float, float]], bool] = lambda p: False) -> None:
        """The hits are the points that hold; a point on the shape's very edge (where two
        float formulas of one test may round apart) may be either way."""
        expected = [i for i, p in stored.items() if holds(p)]
        either = {i for i, p in stored.items() if on_edge(p)}
        found, total = all_hits(kit, query)
        assert [i for i in found if i not in either] == [i for i in expected if i not in either], query
        assert total == len(found) and len(expected) - len(either) <= total <= len(expected) + len(either), query

    box = m.GeoBoundingBoxQuery("g", "%r,%r" % (top, left), "%r,%r" % (bottom, right))
    check(box, lambda p: bottom <= p[0] <= top and (
        left <= p[1] <= right if left <= right else p[1] >= left or p[1] <= right))
    check(m.GeoDistanceQuery("g", "%r,%r" % corner, radius), lambda p: haversine(corner, p) <= radius,
          lambda p: abs(haversine(corner, p) - radius) < 1e-6)
    check(m.GeoPolygonQuery("g", ["%r,%r" % v for v in triangle]), lambda p: in_polygon(p, list(triangle)),
          lambda p: near_edge(p, list(triangle)))
