"""Search queries and sorts: protocol messages -> functions over documents.

:func:`compile_query` turns a ``Query`` message (a type tag and the bytes of its own
message) into a :class:`CompiledQuery`: called on a document it says whether the document
matches; its ``score`` gives the document's relevance score, None when it does not match.
Scores follow Lucene 7 (fact sheet §3.9): BM25 with (k1+1) for text and keyword terms,
constant scores for filters, sums for bool clauses, products with ``weight``. Statistics
over the whole index (BM25's document counts and lengths, the K nearest vectors) come from
a :class:`Corpus`. :func:`compare_hits` turns a ``Sort`` into a comparison of (row key,
document) pairs, scores looked up by row key. Values in queries are converted to the
field's type as the service does (``TermQuery('l', '900')`` on a LONG field matches 900);
a value that cannot be converted fails the request.
"""
from __future__ import annotations

import functools
import heapq
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from alicloud_storage.emulator.ram.wildcard import wildcard_match
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
    POSITIONS,
    TEXT,
    VECTOR,
    IndexField,
    SearchIndex,
    analyze_positions,
    phrase_positions,
    to_date,
)
from alicloud_storage.tablestore.errors import OTSDecodeError
from alicloud_storage.tablestore.wire import pb
from alicloud_storage.tablestore.wire.enums import (
    QueryOperator,
    QueryType,
    ScoreMode,
    SortMode,
    SortOrder,
    VectorMetricType,
)
from alicloud_storage.tablestore.wire.filter_values import decode_filter_value

__all__ = [
    "Document", "Predicate", "Scorer", "Hit", "Comparator", "Corpus", "CompiledQuery", "InnerHitsPlan",
    "compile_query", "field_values", "compare_hits", "sorted_hits", "sort_uses_score", "inner_hits",
    "index_field", "geo_field", "coerce", "variant", "wildcard_pattern",
    "MAX_QUERY_NODES", "MAX_QUERY_DEPTH", "MAX_TERMS", "MAX_WILDCARD", "MAX_TOP_K", "DEFAULT_INNER_HITS_LIMIT",
    "MAX_SORTERS",
]

Document = Dict[str, List[Any]]
Predicate = Callable[[Document], bool]
# a document's score, None when it does not match
Scorer = Callable[[Document], Optional[float]]
# (row key, document)
Hit = Tuple[bytes, Document]

MAX_QUERY_NODES = 1024
# [I] queries inside queries (bool, nested, const/function score, dis-max); the service's
# bound is not public, this one keeps the compiler far from Python's recursion limit
MAX_QUERY_DEPTH = 100
MAX_TERMS = 1024
MAX_WILDCARD = 32
MAX_TOP_K = 1000
DEFAULT_INNER_HITS_LIMIT = 3  # [I] Elasticsearch's inner_hits size
# [I] sorters of one sort (the service's bound is not public): rows that tie compare by every
# one, 10,000 sorters over 1,000 tied rows took minutes
MAX_SORTERS = 32
_K1, _B = 1.2, 0.75
_NUMERIC = (LONG, DOUBLE, DATE)


def field_values(doc: Document, name: str) -> List[Any]:
    """The values of ``name`` in a document (``n.sub``: every nested object's values)."""
    head, _, rest = name.partition(".")
    values = doc.get(head, [])
    if not rest:
        return values
    return [v for sub in values if isinstance(sub, dict) for v in sub.get(rest, [])]


def _units(doc: Document, name: str) -> List[Document]:
    """The documents (Lucene's) that hold ``name``: the document, or its nested objects for ``n.sub``."""
    head, _, rest = name.partition(".")
    if not rest:
        return [doc]
    return [sub for sub in doc.get(head, []) if isinstance(sub, dict)]


def _leaf(name: str) -> str:
    return name.partition(".")[2] or name


def _length(unit: Document, leaf: str) -> int:
    """A TEXT value's length as Lucene counts it: its distinct token positions."""
    stored = unit.get(leaf + POSITIONS)
    return len(set(stored)) if stored is not None else len(unit.get(leaf, []))


def _positions(unit: Document, leaf: str) -> List[int]:
    """The token positions of a TEXT value (stored for dictionary analyzers, else 0, 1, ...)."""
    stored = unit.get(leaf + POSITIONS)
    return stored if stored is not None else list(range(len(unit.get(leaf, []))))


def _lucene_length(length: int) -> int:
    """A document length as Lucene 7 keeps it in its one-byte norm (SmallFloat.intToByte4):
    exact below 24, four significant bits above."""
    if length < 24:
        return length
    rest = length - 24
    shift = max(rest.bit_length() - 4, 0)
    return 24 + ((rest >> shift) << shift)


def _idf(doc_freq: int, docs: int) -> float:
    """Lucene 7's BM25 idf: ``docs`` documents have the field, ``doc_freq`` of them the term."""
    return math.log(1 + (docs - doc_freq + 0.5) / (doc_freq + 0.5))


def _tf(tf: float, length: float, avg_length: float) -> float:
    """BM25's term-frequency part with (k1+1); ``avg_length`` 0: a field without norms (keywords)."""
    norm = _K1 * (1 - _B + _B * length / avg_length) if avg_length else _K1
    return tf * (_K1 + 1) / (tf + norm)


@dataclass
class _FieldStats:
    """One field's statistics over the index: documents with it, mean length, document frequencies."""

    docs: int = 0
    avg_length: float = 0.0
    doc_freq: "Counter[Any]" = field(default_factory=Counter)


class Corpus:
    """The index-wide statistics scoring needs, computed on first use from every document
    (``documents`` is called at most once). With ``scoring`` false, text queries score 1.0
    and no statistics are gathered (the K nearest vectors are still found)."""

    def __init__(self, documents: Callable[[], Iterable[Document]], scoring: bool = True) -> None:
        self._load = documents
        self._documents: Optional[List[Document]] = None
        self._stats: Dict[str, _FieldStats] = {}
        self.scoring = scoring

    def documents(self) -> List[Document]:
        """Every document of the index."""
        if self._documents is None:
            self._documents = list(self._load())
        return self._documents

    def stats(self, name: str, text: bool) -> _FieldStats:
        """Statistics of ``name`` (``n.sub``: over the nested objects, each a document to Lucene)."""
        if name not in self._stats:
            stats = _FieldStats()
            leaf, lengths = _leaf(name), []
            for doc in self.documents():
                for unit in _units(doc, name):
                    values = unit.get(leaf)
                    if not values:
                        continue
                    stats.docs += 1
                    if text:
                        lengths.append(_length(unit, leaf))
                    stats.doc_freq.update(set(values))
            stats.avg_length = math.fsum(lengths) / len(lengths) if lengths else 0.0
            self._stats[name] = stats
        return self._stats[name]


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
            number = value if isinstance(value, (int, float)) else int(value)
            if isinstance(number, int) and not -(1 << 63) <= number < 1 << 63:
                raise ValueError  # '1' * 30 on a LONG field: no long (and no SQLite integer)
            return number
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


def wildcard_pattern(pattern: str) -> Callable[[str], bool]:
    """Whether a whole string matches a wildcard query value (``*`` any run, ``?`` one
    character), in linear time: as a regex, ``*a*a*a...*b`` backtracked for minutes over
    a 4 KB keyword."""
    return functools.partial(wildcard_match, pattern)


def _weight(q: Any) -> float:
    """A query's ``weight`` (Lucene's boost), 1.0 when not given."""
    return float(q.weight) if q.HasField("weight") else 1.0


def _constant(matches: Predicate, score: float) -> Scorer:
    """A scorer giving every matching document the same score (Lucene's constant-score queries)."""
    return lambda doc: score if matches(doc) else None


def _similarity(metric: int, query: Sequence[float]) -> Callable[[List[float]], float]:
    """Lucene's vector similarity as a score, larger is closer: euclidean 1/(1+d²), cosine
    (1+cos)/2, dot product (1+dot)/2 [I] (the service's formulas are not public; fact sheet §3.9)."""
    if metric == VectorMetricType.VM_EUCLIDEAN:
        return lambda v: 1 / (1 + math.fsum((a - b) ** 2 for a, b in zip(v, query)))
    if metric == VectorMetricType.VM_DOT_PRODUCT:
        return lambda v: (1 + math.fsum(a * b for a, b in zip(v, query))) / 2
    query_norm = math.sqrt(math.fsum(b * b for b in query))

    def cosine(v: List[float]) -> float:
        norm = math.sqrt(math.fsum(a * a for a in v)) * query_norm
        return (1 + (math.fsum(a * b for a, b in zip(v, query)) / norm if norm else 0.0)) / 2  # [I] zero vector: cos 0

    return cosine


@dataclass(frozen=True)
class InnerHitsPlan:
    """A NestedQuery's ``inner_hits``: which nested objects of a hit matched, as (offset in
    the array, score), the serialized Sort, offset and limit to page them with, and the
    nested query and the inner hits' ``Highlight`` message (None: no highlighting)."""

    path: str
    matches: Callable[[Document], List[Tuple[int, float]]]
    sort: bytes
    offset: int
    limit: int
    query: Any = None
    highlight: Any = None


@dataclass(frozen=True)
class CompiledQuery:
    """A compiled ``Query``: ``query(doc)`` says whether ``doc`` matches, ``query.score(doc)``
    gives its score (None: no match). ``knn``: the query holds a KNN vector query (its page
    carries a token whenever it is full, fact sheet §3.9); ``inner_hits``: the nested queries
    asking for inner hits."""

    score: Scorer
    knn: bool = False
    inner_hits: Tuple[InnerHitsPlan, ...] = ()

    def __call__(self, doc: Document) -> bool:
        return self.score(doc) is not None


class _Compiler:
    """Builds scorers for one index, counting query nodes."""

    def __init__(self, index: SearchIndex, corpus: Optional[Corpus], page_end: int) -> None:
        self._index = index
        self._corpus = corpus
        self._page_end = page_end
        self._nodes = 0
        self._depth = 0
        self.knn = False
        self.inner_hits: List[InnerHitsPlan] = []

    def query(self, message: Any) -> Scorer:
        self._nodes += 1
        if self._nodes > MAX_QUERY_NODES:
            raise E.SEARCH_INVALID.error(detail=f"the number of query nodes exceeds {MAX_QUERY_NODES}")
        if self._depth >= MAX_QUERY_DEPTH:
            raise E.SEARCH_INVALID.error(detail=f"the depth of queries exceeds {MAX_QUERY_DEPTH}")  # [I]
        self._depth += 1
        try:
            return self._build(message)
        finally:
            self._depth -= 1

    def _build(self, message: Any) -> Scorer:
        kind = message.type if message.HasField("type") else None
        builders: Dict[int, Tuple[Any, Callable[[Any], Scorer]]] = {
            QueryType.MATCH_ALL_QUERY: (pb.MatchAllQuery, lambda q: lambda doc: 1.0),
            QueryType.TERM_QUERY: (pb.TermQuery, self._term),
            QueryType.TERMS_QUERY: (pb.TermsQuery, self._terms),
            QueryType.RANGE_QUERY: (pb.RangeQuery, self._range),
            QueryType.PREFIX_QUERY: (pb.PrefixQuery, self._prefix),
            QueryType.SUFFIX_QUERY: (pb.SuffixQuery, self._suffix),
            QueryType.WILDCARD_QUERY: (pb.WildcardQuery, self._wildcard),
            QueryType.EXISTS_QUERY: (pb.ExistsQuery, self._exists),
            QueryType.MATCH_QUERY: (pb.MatchQuery, self._match),
            QueryType.MATCH_PHRASE_QUERY: (pb.MatchPhraseQuery, self._match_phrase),
            QueryType.BOOL_QUERY: (pb.BoolQuery, self._bool),
            QueryType.CONST_SCORE_QUERY: (pb.ConstScoreQuery, self._const_score),
            QueryType.FUNCTION_SCORE_QUERY: (pb.FunctionScoreQuery, self._function_score),
            QueryType.DIS_MAX_QUERY: (pb.DisMaxQuery, self._dis_max),
            QueryType.NESTED_QUERY: (pb.NestedQuery, self._nested),
            QueryType.KNN_VECTOR_QUERY: (pb.KnnVectorQuery, self._knn),
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

    # --- scored terms ----------------------------------------------------------------
    def _scoring(self) -> bool:
        return self._corpus is not None and self._corpus.scoring

    def _token_scores(self, item: IndexField, name: str, tokens: Sequence[Any]) -> Callable[[Document], Tuple[int, float]]:
        """(how many of the distinct ``tokens`` a document holds, their summed score): BM25 on
        TEXT (with norms) and KEYWORD (without), 1.0 a term on other types (Lucene's point queries)."""
        wanted = list(dict.fromkeys(tokens))
        leaf, text = _leaf(name), item.type == TEXT
        bm25_scored = item.type in (TEXT, KEYWORD)

        def run(doc: Document) -> Tuple[int, float]:
            values = field_values(doc, name)
            present = set(values)
            hits = [t for t in wanted if t in present]
            if not hits or not bm25_scored or not self._scoring():
                return len(hits), float(len(hits))
            assert self._corpus is not None
            stats = self._corpus.stats(name, text)
            length = _lucene_length(sum(_length(u, leaf) for u in _units(doc, name))) if text else 0
            average = stats.avg_length if text else 0.0
            return len(hits), math.fsum(
                _idf(stats.doc_freq[t], stats.docs) * _tf(values.count(t), length, average) for t in hits
            )

        return run

    # --- leaves ----------------------------------------------------------------------
    def _term(self, q: Any) -> Scorer:
        item = index_field(self._index, q.field_name)
        scores, weight = self._token_scores(item, q.field_name, [coerce(item, variant(q.term))]), _weight(q)

        def score(doc: Document) -> Optional[float]:
            found, total = scores(doc)
            return total * weight if found else None

        return score

    def _terms(self, q: Any) -> Scorer:
        if len(q.terms) > MAX_TERMS:
            raise E.SEARCH_INVALID.error(detail=f"the number of terms exceeds {MAX_TERMS}")
        item = index_field(self._index, q.field_name)
        wanted = {coerce(item, variant(t)) for t in q.terms}
        name = q.field_name
        return _constant(lambda doc: any(v in wanted for v in field_values(doc, name)), _weight(q))

    def _range(self, q: Any) -> Scorer:
        item = index_field(self._index, q.field_name)
        if item.type in (GEO_POINT, NESTED, VECTOR):
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

        return _constant(lambda doc: any(inside(v) for v in field_values(doc, name)), 1.0)

    def _strings(self, q: Any, test: Callable[[str], bool]) -> Scorer:
        """Prefix, suffix and wildcard: any string value (a TEXT token) passes ``test``; constant score."""
        index_field(self._index, q.field_name)
        name = q.field_name
        return _constant(lambda doc: any(isinstance(v, str) and test(v) for v in field_values(doc, name)), _weight(q))

    def _prefix(self, q: Any) -> Scorer:
        prefix = q.prefix
        return self._strings(q, lambda v: v.startswith(prefix))

    def _suffix(self, q: Any) -> Scorer:
        suffix = q.suffix
        return self._strings(q, lambda v: v.endswith(suffix))

    def _wildcard(self, q: Any) -> Scorer:
        if len(q.value) > MAX_WILDCARD:
            raise E.SEARCH_INVALID.error(detail=f"the length of wildcard query value exceeds {MAX_WILDCARD}")
        return self._strings(q, wildcard_pattern(q.value))

    def _exists(self, q: Any) -> Scorer:
        index_field(self._index, q.field_name)
        name = q.field_name
        return _constant(lambda doc: bool(field_values(doc, name)), 1.0)

    def _geo(self, q: Any, inside: geo.PointTest) -> Scorer:
        geo_field(self._index, q.field_name)
        name = q.field_name
        return _constant(lambda doc: any(inside(p) for p in field_values(doc, name)), 1.0)

    def _tokens(self, item: IndexField, text: str, phrase: bool = False) -> List[Tuple[Any, int]]:
        """(token, position) of a query text: analyzed on TEXT (as a phrase for match
        phrase), the whole value otherwise."""
        if item.type == TEXT:
            analyzer = phrase_positions if phrase else analyze_positions
            return analyzer(text, item.analyzer, item.analyzer_parameter)
        return [(coerce(item, text), 0)]

    def _match(self, q: Any) -> Scorer:
        item = index_field(self._index, q.field_name)
        tokens = {token for token, _ in self._tokens(item, q.text)}
        scores, weight = self._token_scores(item, q.field_name, sorted(tokens, key=str)), _weight(q)
        needed = len(tokens)
        if not (q.HasField("operator") and q.operator == QueryOperator.AND):
            needed = 1
            digits = q.new_minimum_should_match
            if q.HasField("new_minimum_should_match") and digits.isascii() and digits.isdigit():
                # more digits than a count of tokens takes: no document has that many
                needed = max(1, int(digits)) if len(digits) < 10 else len(tokens) + 1
            elif q.HasField("minimum_should_match"):
                needed = max(1, q.minimum_should_match)

        def score(doc: Document) -> Optional[float]:
            found, total = scores(doc)
            return total * weight if tokens and found >= needed else None

        return score

    def _match_phrase(self, q: Any) -> Scorer:
        """Every token at its place relative to the first (tokens sharing a place are
        alternatives, Lucene's MultiPhraseQuery), or with ``slop`` within that many moves
        (Lucene 7's sloppy phrase frequency, each match counting 1/(1+distance); a term
        repeated in the phrase is not told apart [I]); scored as BM25 of the phrase frequency
        with the summed idf of its terms (Lucene 7's PhraseQuery)."""
        item = index_field(self._index, q.field_name)
        phrase = self._tokens(item, q.text, phrase=True)
        name, leaf, weight, text = q.field_name, _leaf(q.field_name), _weight(q), item.type == TEXT
        slop = q.slop if q.HasField("slop") else 0
        if slop < 0:
            raise E.SEARCH_INVALID.error(detail=f"slop [{slop}] of match phrase query must not be negative")  # [I]
        places: Dict[int, Set[Any]] = {}
        for token, position in phrase:
            places.setdefault(position - phrase[0][1], set()).add(token)

        def occurrences(unit: Document) -> float:
            at: Dict[int, Set[Any]] = {}
            for token, position in zip(unit.get(leaf, []), _positions(unit, leaf)):
                at.setdefault(position, set()).add(token)
            if slop and len(places) > 1:
                starts = [sorted(p - off for p, here in at.items() if here & want) for off, want in sorted(places.items())]
                return _sloppy_frequency(starts, slop) if all(starts) else 0.0
            return sum(1 for start in at if all(at.get(start + off, set()) & want for off, want in places.items()))

        def score(doc: Document) -> Optional[float]:
            units = _units(doc, name)
            frequency = math.fsum(occurrences(unit) for unit in units) if phrase else 0.0
            if not frequency:
                return None
            if not self._scoring() or item.type not in (TEXT, KEYWORD):
                return weight
            assert self._corpus is not None
            stats = self._corpus.stats(name, text)
            idf = math.fsum(_idf(stats.doc_freq[t], stats.docs) for t in {token for token, _ in phrase})
            length = _lucene_length(sum(_length(u, leaf) for u in units)) if text else 0
            return idf * _tf(frequency, length, stats.avg_length if text else 0.0) * weight

        return score

    # --- compound --------------------------------------------------------------------
    def _bool(self, q: Any) -> Scorer:
        """Lucene's BooleanQuery: must and should scores add up; filter and must_not do not score."""
        must = [self.query(m) for m in q.must_queries]
        filters = [self.query(m) for m in q.filter_queries]
        must_not = [self.query(m) for m in q.must_not_queries]
        should = [self.query(m) for m in q.should_queries]
        needed = 0
        if q.HasField("minimum_should_match"):
            needed = int(q.minimum_should_match)
            if needed > len(should):
                raise E.SEARCH_INVALID.error(
                    detail=f"minimum_should_match [{needed}] must not exceed the number of should queries [{len(should)}]"
                )
        if should and not must and not filters:  # without required clauses one should clause must match (Lucene)
            needed = max(needed, 1)
        weight = _weight(q)

        def score(doc: Document) -> Optional[float]:
            total = 0.0
            for scorer in must:
                value = scorer(doc)
                if value is None:
                    return None
                total += value
            if any(f(doc) is None for f in filters) or any(n(doc) is not None for n in must_not):
                return None
            matched = 0
            for scorer in should:
                value = scorer(doc)
                if value is not None:
                    matched += 1
                    total += value
            return total * weight if matched >= needed else None

        return score

    def _const_score(self, q: Any) -> Scorer:
        inner = self.query(q.filter)
        return lambda doc: None if inner(doc) is None else 1.0

    def _function_score(self, q: Any) -> Scorer:
        """The inner score times the document's value of the factor field (its smallest, as
        Elasticsearch reads a multi-valued field); a document without the value keeps its
        inner score [I]."""
        inner = self.query(q.query)
        if not q.HasField("field_value_factor"):
            return inner
        name = q.field_value_factor.field_name
        if index_field(self._index, name).type not in (LONG, DOUBLE):
            raise E.SEARCH_INVALID.error(detail=f"field_value_factor field [{name}] must be LONG or DOUBLE")  # [I]

        def score(doc: Document) -> Optional[float]:
            value = inner(doc)
            if value is None:
                return None
            factors = field_values(doc, name)
            return value * float(min(factors)) if factors else value

        return score

    def _dis_max(self, q: Any) -> Scorer:
        subs = [self.query(m) for m in q.queries]
        tie, weight = (q.tie_breaker if q.HasField("tie_breaker") else 0.0), _weight(q)

        def score(doc: Document) -> Optional[float]:
            values = [v for v in (s(doc) for s in subs) if v is not None]
            if not values:
                return None
            best = max(values)
            return (best + tie * (math.fsum(values) - best)) * weight

        return score

    def _nested(self, q: Any) -> Scorer:
        """The inner query (full paths ``n.sub``) against each object of the path on its own;
        the document matches when one object does, scored by ``score_mode`` (NONE: 0, Lucene's
        ScoreMode.None)."""
        path = q.path
        if index_field(self._index, path).type != NESTED:
            raise E.SEARCH_INVALID.error(detail=f"path [{path}] of nested query is not a NESTED field")  # [I]
        inner = self.query(q.query)
        mode = q.score_mode if q.HasField("score_mode") else ScoreMode.SCORE_MODE_NONE
        folds: Dict[int, Callable[[List[float]], float]] = {
            ScoreMode.SCORE_MODE_NONE: lambda s: 0.0, ScoreMode.SCORE_MODE_AVG: lambda s: math.fsum(s) / len(s),
            ScoreMode.SCORE_MODE_MAX: max, ScoreMode.SCORE_MODE_TOTAL: math.fsum, ScoreMode.SCORE_MODE_MIN: min,
        }
        if mode not in folds:
            raise E.SEARCH_INVALID.error(detail=f"invalid score_mode [{mode}] of nested query")  # [I]
        fold = folds[mode]
        weight = _weight(q)

        def matches(doc: Document) -> List[Tuple[int, float]]:
            found = []
            for offset, sub in enumerate(doc.get(path, [])):
                value = inner({path: [sub]}) if isinstance(sub, dict) else None
                if value is not None:
                    found.append((offset, value))
            return found

        def score(doc: Document) -> Optional[float]:
            found = matches(doc)
            return fold([s for _, s in found]) * weight if found else None

        if q.HasField("inner_hits"):
            hits = q.inner_hits
            offset = hits.offset if hits.HasField("offset") else 0
            limit = hits.limit if hits.HasField("limit") else DEFAULT_INNER_HITS_LIMIT
            if offset < 0 or not 0 <= limit <= 100:  # [I] the service's bounds are not public
                raise E.SEARCH_INVALID.error(detail=f"invalid inner_hits offset [{offset}] or limit [{limit}]")
            if hits.HasField("sort"):
                compare_hits(self._index, hits.sort)  # a bad sorter fails the request before any work
            sort = hits.sort.SerializeToString(deterministic=True) if hits.HasField("sort") else b""
            highlight = hits.highlight if hits.HasField("highlight") else None
            self.inner_hits.append(InnerHitsPlan(path, matches, sort, offset, limit, q.query, highlight))
        return score

    def _knn(self, q: Any) -> Scorer:
        """The K nearest vectors among the documents the filter passes, brute force; K =
        max(top_k, offset + limit) (fact sheet §3.9); ties at the K-th score all count [I]."""
        item = index_field(self._index, q.field_name)
        if item.type != VECTOR:
            raise E.SEARCH_INVALID.error(detail=f"field [{q.field_name}] of knn vector query is not a VECTOR field")
        corpus = self._corpus
        if corpus is None:
            raise E.SEARCH_INVALID.error(detail="knn vector query is not supported here")  # [I]
        vector = list(q.float32_query_vector)
        if len(vector) != item.dimension:
            raise E.SEARCH_INVALID.error(
                detail=f"the dimension of the query vector [{len(vector)}] does not equal the field's [{item.dimension}]"
            )
        top_k = q.top_k if q.HasField("top_k") else 0
        if not 0 < top_k <= MAX_TOP_K:
            raise E.SEARCH_INVALID.error(detail=f"top_k [{top_k}] must be in (0, {MAX_TOP_K}]")
        k = max(top_k, self._page_end)
        passes = self.query(q.filter) if q.HasField("filter") else None
        least = q.min_score if q.HasField("min_score") else -math.inf
        similarity, name, weight = _similarity(item.metric, vector), q.field_name, _weight(q)
        self.knn = True

        def similar(doc: Document) -> Optional[float]:
            values = field_values(doc, name)
            if not values or (passes is not None and passes(doc) is None):
                return None
            value = similarity(values[0])
            return value if value >= least else None

        cutoff: List[float] = []

        def score(doc: Document) -> Optional[float]:
            value = similar(doc)
            if value is None:
                return None
            if not cutoff:
                best = sorted((v for v in map(similar, corpus.documents()) if v is not None), reverse=True)
                cutoff.append(best[min(k, len(best)) - 1])
            return value * weight if value >= cutoff[0] else None

        return score


def _sloppy_frequency(starts: List[List[int]], slop: int) -> float:
    """Lucene 7's SloppyPhraseScorer.phraseFreq without repeated terms: ``starts`` holds, per
    phrase place, where the phrase would start by each of its occurrences (ascending); the
    place furthest behind moves on, and every shortest window of at most ``slop`` counts
    1/(1+its length)."""
    cursor = [0] * len(starts)
    end = max(places[0] for places in starts)
    queue = [(places[0], i) for i, places in enumerate(starts)]
    heapq.heapify(queue)
    frequency = 0.0
    start, i = heapq.heappop(queue)
    length, following = end - start, queue[0][0]
    while cursor[i] + 1 < len(starts[i]):
        cursor[i] += 1
        start = starts[i][cursor[i]]
        end = max(end, start)
        if start > following:  # the window of the previous start is as short as it gets
            frequency += 1 / (1 + length) if length <= slop else 0.0
            heapq.heappush(queue, (start, i))
            start, i = heapq.heappop(queue)
            length, following = end - start, queue[0][0]
        else:
            length = min(length, end - start)
    return frequency + (1 / (1 + length) if length <= slop else 0.0)


def compile_query(index: SearchIndex, message: Any, corpus: Optional[Corpus] = None, page_end: int = 0) -> CompiledQuery:
    """A ``Query`` message compiled against the index. Without ``corpus`` text queries score
    1.0 and a KNN vector query fails; ``page_end`` (offset + limit) is the least K of KNN."""
    compiler = _Compiler(index, corpus, page_end)
    scorer = compiler.query(message)
    return CompiledQuery(scorer, compiler.knn, tuple(compiler.inner_hits))


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
    """Hits compared by ``value`` of their documents (worked out once per hit: a geo sort's
    distances are many); rows without a value come last in either order."""
    known: Dict[bytes, Optional[Any]] = {}

    def of(hit: Hit) -> Optional[Any]:
        if hit[0] not in known:
            known[hit[0]] = value(hit[1])
        return known[hit[0]]

    def compare(a: Hit, b: Hit) -> int:
        x, y = of(a), of(b)
        if x is None or y is None:
            return (x is None) - (y is None)
        return -_cmp(x, y) if descending else _cmp(x, y)

    return compare


def _field_comparator(index: SearchIndex, sort: Any) -> Comparator:
    item = index_field(index, sort.field_name)
    if item.type in (TEXT, GEO_POINT, NESTED, VECTOR):
        raise E.SEARCH_INVALID.error(detail=f"field [{sort.field_name}] of type {item.type} can not be sorted")
    descending, mode = _order_and_mode(sort)
    values_of = _sort_values(index, sort)

    def value(doc: Document) -> Optional[Any]:
        values = values_of(doc)
        if not values:
            return None
        if mode == SortMode.SORT_MODE_MAX:
            return max(values)
        if mode == SortMode.SORT_MODE_AVG and item.type in _NUMERIC:
            return statistics.fmean(values)
        return min(values)

    return _by_value(value, descending)


def _sort_values(index: SearchIndex, sort: Any) -> Callable[[Document], List[Any]]:
    """The values a field or geo sorter sees in a document: with a nested_filter, only those
    of the nested objects the filter passes."""
    name = sort.field_name
    if not sort.HasField("nested_filter"):
        return lambda doc: field_values(doc, name)
    path = sort.nested_filter.path
    if index_field(index, path).type != NESTED or not name.startswith(path + "."):
        raise E.SEARCH_INVALID.error(detail=f"nested_filter path [{path}] does not hold sort field [{name}]")  # [I]
    keep = compile_query(index, sort.nested_filter.filter)

    def values_of(doc: Document) -> List[Any]:
        views = ({path: [sub]} for sub in doc.get(path, []) if isinstance(sub, dict))
        return [v for view in views if keep(view) for v in field_values(view, name)]

    return values_of


def _geo_comparator(index: SearchIndex, sort: Any) -> Comparator:
    """Nearest first (ASC) or farthest first; rows without a point come last either way [I]."""
    geo_field(index, sort.field_name)
    descending, mode = _order_and_mode(sort)
    distance, values_of = geo.distance_of(sort.points, mode, sort.distance_type), _sort_values(index, sort)
    return _by_value(lambda doc: distance(values_of(doc)), descending)


def _key_comparator(descending: bool) -> Comparator:
    return lambda a, b: -_cmp(a[0], b[0]) if descending else _cmp(a[0], b[0])


def _score_comparator(scores: Mapping[bytes, float], descending: bool) -> Comparator:
    def compare(a: Hit, b: Hit) -> int:
        result = _cmp(scores.get(a[0], 0.0), scores.get(b[0], 0.0))
        return -result if descending else result

    return compare


def sort_uses_score(sort: Any) -> bool:
    """Whether a ``Sort`` message orders by score."""
    return any(sorter.HasField("score_sort") for sorter in sort.sorter)


def compare_hits(index: SearchIndex, sort: Any, scores: Optional[Mapping[bytes, float]] = None) -> Callable[[Hit], Any]:
    """A sort key for hits from a ``Sort`` message (a PK tiebreak is appended unless disabled).
    ScoreSort reads ``scores`` by row key (descending unless ASC is given); DocSort is PK
    order, the emulator's document order [I]."""
    if len(sort.sorter) > MAX_SORTERS:
        raise E.SEARCH_INVALID.error(detail=f"the number of sorters exceeds {MAX_SORTERS}")  # [I]
    comparators: List[Comparator] = []
    has_pk = False
    for sorter in sort.sorter:
        if sorter.HasField("field_sort"):
            comparators.append(_field_comparator(index, sorter.field_sort))
        elif sorter.HasField("geo_distance_sort"):
            comparators.append(_geo_comparator(index, sorter.geo_distance_sort))
        elif sorter.HasField("pk_sort"):
            has_pk = True
            comparators.append(_key_comparator(sorter.pk_sort.order == SortOrder.SORT_ORDER_DESC))
        elif sorter.HasField("score_sort"):
            order = sorter.score_sort
            descending = not order.HasField("order") or order.order == SortOrder.SORT_ORDER_DESC
            comparators.append(_score_comparator(scores or {}, descending))
        elif sorter.HasField("doc_sort"):
            comparators.append(_key_comparator(sorter.doc_sort.order == SortOrder.SORT_ORDER_DESC))
        else:
            raise E.SEARCH_INVALID.error(detail="the sorter is not supported by the emulator")
    if not has_pk and not sort.disable_default_pk_sorter:
        comparators.append(_key_comparator(False))

    def compare(a: Hit, b: Hit) -> int:
        for comparator in comparators:
            result = comparator(a, b)
            if result:
                return result
        return 0

    return functools.cmp_to_key(compare)


def sorted_hits(
    index: SearchIndex, hits: Sequence[Hit], sort: Any, scores: Optional[Mapping[bytes, float]] = None
) -> List[Hit]:
    """``hits`` in the order ``sort`` asks for (``scores``: by row key, for ScoreSort)."""
    return sorted(hits, key=compare_hits(index, sort, scores))


def inner_hits(index: SearchIndex, plan: InnerHitsPlan, doc: Document) -> List[Tuple[int, float]]:
    """The page of a hit's matching nested objects an ``inner_hits`` asks for, as (offset,
    score): in its sort's order (by default score descending [I]), then by offset."""
    found = plan.matches(doc)
    hits = [(offset.to_bytes(4, "big"), {plan.path: [doc[plan.path][offset]]}) for offset, _ in found]
    scores = {offset.to_bytes(4, "big"): score for offset, score in found}
    sort = codec.parse(pb.Sort, plan.sort) if plan.sort else pb.Sort()
    if not plan.sort:
        sort.sorter.add().score_sort.order = SortOrder.SORT_ORDER_DESC
    ordered = sorted_hits(index, hits, sort, scores)[plan.offset:plan.offset + plan.limit]
    return [(int.from_bytes(key, "big"), scores[key]) for key, _ in ordered]
