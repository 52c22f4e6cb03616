"""Search queries and sorts: protocol messages -> functions over documents.

:func:`compile_query` turns a ``Query`` message (a type tag and the bytes of its own
message) into a predicate over documents (see documents.py); :func:`sort_key` turns a
``Sort`` into a comparison of (row key, document) pairs. Values in queries are converted
to the field's type as the service does (``TermQuery('l', '900')`` on a LONG field
matches 900); a value that cannot be converted fails the request.
"""
from __future__ import annotations

import functools
import re
import statistics
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

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
    NESTED,
    TEXT,
    IndexField,
    SearchIndex,
    analyze,
    to_date,
)
from alicloud_storage.tablestore.errors import OTSDecodeError
from alicloud_storage.tablestore.wire import pb
from alicloud_storage.tablestore.wire.enums import QueryOperator, QueryType, SortMode, SortOrder
from alicloud_storage.tablestore.wire.filter_values import decode_filter_value

__all__ = [
    "Document", "Predicate", "Hit", "Comparator", "compile_query", "field_values", "compare_hits", "sorted_hits",
    "index_field", "geo_field", "coerce", "variant", "wildcard_pattern",
    "MAX_QUERY_NODES", "MAX_TERMS", "MAX_WILDCARD",
]

Document = Dict[str, List[Any]]
Predicate = Callable[[Document], bool]
# (row key, document)
Hit = Tuple[bytes, Document]

MAX_QUERY_NODES = 1024
MAX_TERMS = 1024
MAX_WILDCARD = 32


def field_values(doc: Document, name: str) -> List[Any]:
    """The values of ``name`` in a document (``n.sub``: every nested object's values)."""
    head, _, rest = name.partition(".")
    values = doc.get(head, [])
    if not rest:
        return values
    return [v for sub in values if isinstance(sub, dict) for v in sub.get(rest, [])]


def index_field(index: SearchIndex, name: str) -> IndexField:
    """The index's field ``name``; the request fails when there is none."""
    item = index.field(name)
    if item is None:
        raise E.SEARCH_INVALID.error(detail=f"field [{name}] does not exist in search index [{index.name}]")
    return item


def geo_field(index: SearchIndex, name: str) -> IndexField:
    """The index's GEO_POINT field ``name``; the request fails for any other field."""
    item = index_field(index, name)
    if item.type != GEO_POINT:
        raise E.SEARCH_INVALID.error(detail=f"field [{name}] is not a GEO_POINT field")  # [I]
    return item


def coerce(item: IndexField, value: Any) -> Any:
    """A query value as the field's type; the generic query error when it does not fit."""
    try:
        if item.type == LONG:
            if isinstance(value, bool):
                raise ValueError
            return value if isinstance(value, (int, float)) else int(value)
        if item.type == DOUBLE:
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if item.type == BOOLEAN:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise ValueError
        if item.type == DATE:
            converted = to_date(value, item.date_formats)
            if converted is None:
                raise ValueError
            return converted
        if item.type in (KEYWORD, TEXT):
            if isinstance(value, (bytes, bytearray)):
                raise ValueError
            return value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    except (ValueError, TypeError):
        pass
    raise E.SEARCH_BAD_QUERY.error()


def variant(data: bytes) -> Any:
    """A variant value of a request (type byte + payload); the generic query error when malformed."""
    try:
        return decode_filter_value(data)
    except OTSDecodeError:
        raise E.SEARCH_BAD_QUERY.error() from None


def wildcard_pattern(pattern: str) -> "re.Pattern[str]":
    """The regular expression of a wildcard query value (``*`` any run, ``?`` one character)."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.S)


class _Compiler:
    """Builds predicates for one index, counting query nodes."""

    def __init__(self, index: SearchIndex) -> None:
        self._index = index
        self._nodes = 0

    def query(self, message: Any) -> Predicate:
        self._nodes += 1
        if self._nodes > MAX_QUERY_NODES:
            raise E.SEARCH_INVALID.error(detail=f"the number of query nodes exceeds {MAX_QUERY_NODES}")
        kind = message.type if message.HasField("type") else None
        builders: Dict[int, Tuple[Any, Callable[[Any], Predicate]]] = {
            QueryType.MATCH_ALL_QUERY: (pb.MatchAllQuery, lambda q: lambda doc: True),
            QueryType.TERM_QUERY: (pb.TermQuery, self._term),
            QueryType.TERMS_QUERY: (pb.TermsQuery, self._terms),
            QueryType.RANGE_QUERY: (pb.RangeQuery, self._range),
            QueryType.PREFIX_QUERY: (pb.PrefixQuery, self._prefix),
            QueryType.WILDCARD_QUERY: (pb.WildcardQuery, self._wildcard),
            QueryType.EXISTS_QUERY: (pb.ExistsQuery, self._exists),
            QueryType.MATCH_QUERY: (pb.MatchQuery, self._match),
            QueryType.MATCH_PHRASE_QUERY: (pb.MatchPhraseQuery, self._match_phrase),
            QueryType.BOOL_QUERY: (pb.BoolQuery, self._bool),
            QueryType.CONST_SCORE_QUERY: (pb.ConstScoreQuery, lambda q: self.query(q.filter)),
            QueryType.GEO_BOUNDING_BOX_QUERY: (
                pb.GeoBoundingBoxQuery, lambda q: self._geo(q, geo.bounding_box(q.top_left, q.bottom_right))),
            QueryType.GEO_DISTANCE_QUERY: (
                pb.GeoDistanceQuery, lambda q: self._geo(q, geo.within_distance(q.center_point, q.distance))),
            QueryType.GEO_POLYGON_QUERY: (pb.GeoPolygonQuery, lambda q: self._geo(q, geo.polygon(q.points))),
        }
        if kind not in builders:
            raise E.SEARCH_INVALID.error(detail=f"query type [{kind}] is not supported by the emulator")
        message_class, build = builders[kind]
        return build(codec.parse(message_class, message.query))

    # --- leaves ----------------------------------------------------------------------
    def _term(self, q: Any) -> Predicate:
        item = index_field(self._index, q.field_name)
        wanted = coerce(item, variant(q.term))
        name = q.field_name
        return lambda doc: wanted in field_values(doc, name)

    def _terms(self, q: Any) -> Predicate:
        if len(q.terms) > MAX_TERMS:
            raise E.SEARCH_INVALID.error(detail=f"the number of terms exceeds {MAX_TERMS}")
        item = index_field(self._index, q.field_name)
        wanted = {coerce(item, variant(t)) for t in q.terms}
        name = q.field_name
        return lambda doc: any(v in wanted for v in field_values(doc, name))

    def _range(self, q: Any) -> Predicate:
        item = index_field(self._index, q.field_name)
        if item.type in (GEO_POINT, NESTED):
            raise E.SEARCH_BAD_QUERY.error()
        low = coerce(item, variant(q.range_from)) if q.HasField("range_from") else None
        high = coerce(item, variant(q.range_to)) if q.HasField("range_to") else None
        include_lower = q.include_lower if q.HasField("include_lower") else True
        include_upper = q.include_upper if q.HasField("include_upper") else False
        name = q.field_name

        def inside(v: Any) -> bool:
            if low is not None and (v < low or (v == low and not include_lower)):
                return False
            return high is None or v < high or (v == high and include_upper)

        return lambda doc: any(inside(v) for v in field_values(doc, name))

    def _prefix(self, q: Any) -> Predicate:
        index_field(self._index, q.field_name)
        prefix, name = q.prefix, q.field_name
        return lambda doc: any(isinstance(v, str) and v.startswith(prefix) for v in field_values(doc, name))

    def _wildcard(self, q: Any) -> Predicate:
        index_field(self._index, q.field_name)
        if len(q.value) > MAX_WILDCARD:
            raise E.SEARCH_INVALID.error(detail=f"the length of wildcard query value exceeds {MAX_WILDCARD}")
        pattern, name = wildcard_pattern(q.value), q.field_name
        return lambda doc: any(isinstance(v, str) and pattern.fullmatch(v) is not None for v in field_values(doc, name))

    def _exists(self, q: Any) -> Predicate:
        index_field(self._index, q.field_name)
        name = q.field_name
        return lambda doc: bool(field_values(doc, name))

    def _geo(self, q: Any, inside: geo.PointTest) -> Predicate:
        geo_field(self._index, q.field_name)
        name = q.field_name
        return lambda doc: any(inside(p) for p in field_values(doc, name))

    def _tokens(self, item: IndexField, text: str) -> List[str]:
        if item.type == TEXT:
            return analyze(text, item.analyzer, item.analyzer_parameter)
        return [coerce(item, text)]

    def _match(self, q: Any) -> Predicate:
        item = index_field(self._index, q.field_name)
        tokens = set(self._tokens(item, q.text))
        name = q.field_name
        if q.HasField("operator") and q.operator == QueryOperator.AND:
            return lambda doc: bool(tokens) and tokens <= set(field_values(doc, name))
        needed = 1
        if q.HasField("new_minimum_should_match") and q.new_minimum_should_match.isdigit():
            needed = max(1, int(q.new_minimum_should_match))
        elif q.HasField("minimum_should_match"):
            needed = max(1, q.minimum_should_match)
        return lambda doc: len(tokens & set(field_values(doc, name))) >= needed

    def _match_phrase(self, q: Any) -> Predicate:
        item = index_field(self._index, q.field_name)
        phrase = self._tokens(item, q.text)
        name, size = q.field_name, len(phrase)

        def holds(doc: Document) -> bool:
            values = field_values(doc, name)
            return size > 0 and any(values[i:i + size] == phrase for i in range(len(values) - size + 1))

        return holds

    # --- compound --------------------------------------------------------------------
    def _bool(self, q: Any) -> Predicate:
        must = [self.query(m) for m in (*q.must_queries, *q.filter_queries)]
        must_not = [self.query(m) for m in q.must_not_queries]
        should = [self.query(m) for m in q.should_queries]
        needed = 0
        if q.HasField("minimum_should_match"):
            needed = int(q.minimum_should_match)
            if needed > len(should):
                raise E.SEARCH_INVALID.error(
                    detail=f"minimum_should_match [{needed}] must not exceed the number of should queries [{len(should)}]"
                )
        if should and not must:  # without required clauses one should clause must match (Lucene)
            needed = max(needed, 1)

        def holds(doc: Document) -> bool:
            if not all(p(doc) for p in must) or any(p(doc) for p in must_not):
                return False
            return needed == 0 or sum(1 for p in should if p(doc)) >= needed

        return holds


def compile_query(index: SearchIndex, message: Any) -> Predicate:
    """The predicate of a ``Query`` message over the index's documents."""
    return _Compiler(index).query(message)


# --- sort ----------------------------------------------------------------------------
Comparator = Callable[[Hit, Hit], int]


def _cmp(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


def _order_and_mode(sort: Any) -> Tuple[bool, int]:
    """(descending, mode) of a field or geo sorter: mode defaults to MAX descending, MIN ascending."""
    descending = sort.HasField("order") and sort.order == SortOrder.SORT_ORDER_DESC
    default = SortMode.SORT_MODE_MAX if descending else SortMode.SORT_MODE_MIN
    return descending, sort.mode if sort.HasField("mode") else default


def _by_value(value: Callable[[Document], Optional[Any]], descending: bool) -> Comparator:
    """Hits compared by ``value`` of their documents; rows without a value come last in either order."""

    def compare(a: Hit, b: Hit) -> int:
        x, y = value(a[1]), value(b[1])
        if x is None or y is None:
            return (x is None) - (y is None)
        return -_cmp(x, y) if descending else _cmp(x, y)

    return compare


def _field_comparator(index: SearchIndex, sort: Any) -> Comparator:
    item = index_field(index, sort.field_name)
    if item.type in (TEXT, GEO_POINT, NESTED):
        raise E.SEARCH_INVALID.error(detail=f"field [{sort.field_name}] of type {item.type} can not be sorted")
    descending, mode = _order_and_mode(sort)
    name = sort.field_name

    def value(doc: Document) -> Optional[Any]:
        values = field_values(doc, name)
        if not values:
            return None
        if mode == SortMode.SORT_MODE_MAX:
            return max(values)
        if mode == SortMode.SORT_MODE_AVG and item.type in (LONG, DOUBLE, DATE):
            return statistics.fmean(values)
        return min(values)

    return _by_value(value, descending)


def _geo_comparator(index: SearchIndex, sort: Any) -> Comparator:
    """Nearest first (ASC) or farthest first; rows without a point come last either way [I]."""
    geo_field(index, sort.field_name)
    descending, mode = _order_and_mode(sort)
    distance, name = geo.distance_of(sort.points, mode, sort.distance_type), sort.field_name
    return _by_value(lambda doc: distance(field_values(doc, name)), descending)


def _pk_comparator(descending: bool) -> Comparator:
    return lambda a, b: -_cmp(a[0], b[0]) if descending else _cmp(a[0], b[0])


def compare_hits(index: SearchIndex, sort: Any) -> Callable[[Hit], Any]:
    """A sort key for hits from a ``Sort`` message (a PK tiebreak is appended unless disabled)."""
    comparators: List[Comparator] = []
    has_pk = False
    for sorter in sort.sorter:
        if sorter.HasField("field_sort"):
            comparators.append(_field_comparator(index, sorter.field_sort))
        elif sorter.HasField("geo_distance_sort"):
            comparators.append(_geo_comparator(index, sorter.geo_distance_sort))
        elif sorter.HasField("pk_sort"):
            has_pk = True
            comparators.append(_pk_comparator(sorter.pk_sort.order == SortOrder.SORT_ORDER_DESC))
        elif sorter.HasField("score_sort") or sorter.HasField("doc_sort"):
            continue  # every hit scores the same here; doc order is PK order
        else:
            raise E.SEARCH_INVALID.error(detail="the sorter is not supported by the emulator")
    if not has_pk and not sort.disable_default_pk_sorter:
        comparators.append(_pk_comparator(False))

    def compare(a: Hit, b: Hit) -> int:
        for comparator in comparators:
            result = comparator(a, b)
            if result:
                return result
        return 0

    return functools.cmp_to_key(compare)


def sorted_hits(index: SearchIndex, hits: Sequence[Hit], sort: Any) -> List[Hit]:
    """``hits`` in the order ``sort`` asks for."""
    return sorted(hits, key=compare_hits(index, sort))
