"""Geo points of the search index: parsing, Lucene ``LatLonPoint`` quantisation, distances,
and the shapes of the geo queries (bounding box, distance circle, polygon).

The service stores a GEO_POINT as Lucene does: latitude and longitude are each rounded
down to a 32-bit grid (180/2^32 and 360/2^32 degrees), so a stored ``30.2`` lies just
below a ``30.2`` bound (the official SDK's counts 500/668/90 need this). Stored points
are compared with the query's own (unrounded) values. Distances are haversine on a sphere
of Lucene's mean radius; PLANE is Elasticsearch's equirectangular approximation.
Geohash cells (GroupByGeoGrid) hold the stored points.
"""
from __future__ import annotations

import math
from typing import Callable, Optional, Sequence, Tuple

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.tablestore.wire.enums import GeoDistanceType, SortMode

__all__ = [
    "EARTH_RADIUS", "Point", "PointTest", "parse_point", "quantize", "arc_distance", "plane_distance",
    "bounding_box", "within_distance", "polygon", "point_of", "distance_of", "geohash", "geohash_cell",
    "MAX_POLYGON_POINTS", "MAX_SORT_POINTS",
]

Point = Tuple[float, float]  # (lat, lon) in degrees
EARTH_RADIUS = 6371008.7714  # m, Lucene's GeoUtils.EARTH_MEAN_RADIUS_METERS
# [I] the service's bounds are not public; each document is tested against every edge of
# a polygon, and a sort compares distances to every point (100,000 points: seconds)
MAX_POLYGON_POINTS = 1000
MAX_SORT_POINTS = 100
_LAT_STEP = 180.0 / (1 << 32)
_LON_STEP = 360.0 / (1 << 32)


def parse_point(text: str) -> Optional[Point]:
    """``"lat,lon"`` (spaces allowed) within [-90, 90] x [-180, 180], or None."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return lat, lon


def quantize(point: Sequence[float]) -> Point:
    """The point as Lucene's LatLonPoint stores it (each coordinate rounded down to its grid)."""
    lat, lon = point[0], point[1]
    lat = math.nextafter(lat, 0.0) if lat == 90.0 else lat  # the top edge is not encodable
    lon = math.nextafter(lon, 0.0) if lon == 180.0 else lon
    return math.floor(lat / _LAT_STEP) * _LAT_STEP, math.floor(lon / _LON_STEP) * _LON_STEP


def arc_distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Haversine distance in m."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(h)))


def plane_distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Equirectangular distance in m (Elasticsearch's PLANE)."""
    x = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    y = math.radians(b[0] - a[0])
    return math.hypot(x, y) * EARTH_RADIUS


def point_of(text: str, what: str) -> Point:
    """A request's point; the request fails when it is not ``"lat,lon"`` in range."""
    point = parse_point(text)
    if point is None:
        raise E.SEARCH_INVALID.error(detail=f"invalid geo point [{text}] of {what}")  # [I]
    return point


PointTest = Callable[[Sequence[float]], bool]


def _on_grid(test: PointTest) -> PointTest:
    """``test`` applied to a document's point as the index stores it."""
    return lambda p: test(quantize(p))


def bounding_box(top_left: str, bottom_right: str) -> PointTest:
    """Points inside the box (edges included; a box whose left edge is east of its right
    edge crosses the antimeridian)."""
    top, left = point_of(top_left, "top_left")
    bottom, right = point_of(bottom_right, "bottom_right")
    if bottom > top:
        raise E.SEARCH_INVALID.error(detail=f"top_left [{top_left}] must be above bottom_right [{bottom_right}]")  # [I]
    if left <= right:
        return _on_grid(lambda p: bottom <= p[0] <= top and left <= p[1] <= right)
    return _on_grid(lambda p: bottom <= p[0] <= top and (p[1] >= left or p[1] <= right))


def within_distance(center_point: str, distance: float) -> PointTest:
    """Points at most ``distance`` m (haversine) from the center."""
    center = point_of(center_point, "center_point")
    if not distance >= 0 or math.isinf(distance):
        raise E.SEARCH_INVALID.error(detail=f"invalid distance [{distance}]")  # [I]
    inside = _on_grid(lambda p: arc_distance(center, p) <= distance)
    # a point farther north or south than the radius is out without the haversine (the
    # meridian arc is the shortest way to another latitude; the margin covers the grid)
    reach = math.degrees(distance / EARTH_RADIUS) + 1e-6
    return lambda p: abs(p[0] - center[0]) <= reach and inside(p)


def polygon(points: Sequence[str]) -> PointTest:
    """Points inside the polygon (its last point joins the first), by ray casting."""
    if len(points) > MAX_POLYGON_POINTS:
        raise E.SEARCH_INVALID.error(detail=f"a polygon has at most {MAX_POLYGON_POINTS} points, got {len(points)}")
    vertices = [point_of(text, "points") for text in points]
    if len(vertices) < 3:
        raise E.SEARCH_INVALID.error(detail=f"a polygon needs at least 3 points, got {len(vertices)}")  # [I]
    edges = list(zip(vertices, vertices[1:] + vertices[:1]))

    def inside(p: Sequence[float]) -> bool:
        lat, lon = p[0], p[1]
        crossings = 0
        for (lat1, lon1), (lat2, lon2) in edges:
            if (lat1 > lat) != (lat2 > lat) and lon < lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1):
                crossings += 1
        return crossings % 2 == 1

    return _on_grid(inside)


def distance_of(
    points: Sequence[str], mode: int, distance_type: int
) -> Callable[[Sequence[Sequence[float]]], Optional[float]]:
    """A GeoDistanceSort's value of a document's points: every (point, sort point) distance
    folded by ``mode`` (MIN, MAX, AVG); None for a document without points."""
    if len(points) > MAX_SORT_POINTS:
        raise E.SEARCH_INVALID.error(detail=f"geo distance sort has at most {MAX_SORT_POINTS} points, got {len(points)}")
    origins = [point_of(text, "points") for text in points]
    if not origins:
        raise E.SEARCH_INVALID.error(detail="geo distance sort needs at least one point")  # [I]
    measure = plane_distance if distance_type == GeoDistanceType.GEO_DISTANCE_PLANE else arc_distance

    def value(found: Sequence[Sequence[float]]) -> Optional[float]:
        distances = [measure(origin, quantize(p)) for origin in origins for p in found]
        if not distances:
            return None
        if mode == SortMode.SORT_MODE_MAX:
            return max(distances)
        if mode == SortMode.SORT_MODE_AVG:
            return math.fsum(distances) / len(distances)
        return min(distances)

    return value


_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"


def geohash(point: Sequence[float], precision: int) -> str:
    """The geohash cell (``precision`` characters) holding a stored point."""
    lat, lon = quantize(point)
    lat_range, lon_range = [-90.0, 90.0], [-180.0, 180.0]
    bits, even, out = 0, True, []
    for i in range(precision * 5):
        span, value = (lon_range, lon) if even else (lat_range, lat)
        middle = (span[0] + span[1]) / 2
        bit = value >= middle
        span[0 if bit else 1] = middle
        bits = bits * 2 + bit
        even = not even
        if i % 5 == 4:
            out.append(_BASE32[bits])
            bits = 0
    return "".join(out)


def geohash_cell(code: str) -> Tuple[Point, Point]:
    """(top left, bottom right) corners of a geohash cell."""
    lat_range, lon_range = [-90.0, 90.0], [-180.0, 180.0]
    even = True
    for char in code:
        bits = _BASE32.index(char)
        for shift in range(4, -1, -1):
            span = lon_range if even else lat_range
            middle = (span[0] + span[1]) / 2
            span[0 if bits >> shift & 1 else 1] = middle
            even = not even
    return (lat_range[1], lon_range[0]), (lat_range[0], lon_range[1])
