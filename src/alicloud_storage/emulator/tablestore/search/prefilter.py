"""SQL pre-filtering of searches over the index's value table (``ots_search_values``).

:func:`select` turns a ``Query`` message into an SQL condition on a document's key for
the parts SQL can answer (term, terms, range, prefix and exists on scalar fields,
match_all, const_score and bool of these) and the TTL: exact when every part could, else
a superset the Python scorer then filters. When the condition is exact and the ``Sort`` is
by scalar fields and the primary key, SQL also orders, pages and counts, and only the
page's documents are decoded. The Python scorer and sort (query.py) stay the reference:
both paths give the same hits in the same order; scores (score sorts, inner hits) and KNN
need every document and take the reference path.
"""
from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from alicloud_storage.emulator.tablestore import codec, limits
from alicloud_storage.emulator.tablestore.search.documents import (
    DATE,
    DOUBLE,
    KEYWORD,
    LONG,
    SCALAR_TYPES,
    WRITTEN,
    SearchDocuments,
    SearchIndex,
)
from alicloud_storage.emulator.tablestore.search.query import Hit, Scorer, coerce, index_field, sorted_hits, variant
from alicloud_storage.tablestore.wire import pb
from alicloud_storage.tablestore.wire.enums import QueryType, SortMode, SortOrder

__all__ = ["ENABLED", "Want", "Selection", "select"]

# Tests turn it off to compare with the reference path (every document through Python).
ENABLED = True


_Sql = Tuple[str, Tuple[Any, ...]]  # an SQL text and its arguments
_TRUE: _Sql = ("1", ())


@dataclass(frozen=True)
class _Condition:
    """A query as an SQL boolean expression on ``d.pk`` (0 or 1, never NULL).

    ``exact``: it holds for exactly the matching documents (else for a superset).
    ``driver``: a query selecting a superset of the keys (a value-index lookup), with
    ``rank`` its expected size (smaller first); ``rest``: what remains to check of the
    keys the driver gives (``_TRUE`` when nothing does).
    """

    where: _Sql
    exact: bool
    driver: Optional[_Sql] = None
    rank: int = 0
    rest: _Sql = _TRUE


def _join(parts: Sequence[_Sql], operator: str) -> _Sql:
    """``parts`` joined by an associative ``operator``, as a balanced tree (SQLite limits an
    expression's depth; a chain of a thousand clauses would exceed it)."""
    if len(parts) <= 2:
        return operator.join(f"({sql})" for sql, _ in parts), tuple(a for _, args in parts for a in args)
    half = len(parts) // 2
    return _join([_join(parts[:half], operator), _join(parts[half:], operator)], operator)


def _both(parts: Sequence[_Sql]) -> _Sql:
    """The conjunction of ``parts`` (``_TRUE`` for none)."""
    kept = [p for p in parts if p[0] != "1"]
    return _join(kept, " AND ") if kept else _TRUE


_ALL = _Condition(_TRUE, True)
_NONE = _Condition(("0", ()), True)
_UNKNOWN = _Condition(_TRUE, False)
# driver ranks: equality, a set of values, a value range, any value
_TERM, _TERMS, _RANGE, _EXISTS = 1, 2, 3, 4


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _successor(prefix: str) -> Optional[str]:
    """The least string greater than every string starting with ``prefix`` (None: none)."""
    chars = list(prefix)
    while chars:
        code = ord(chars.pop()) + 1
        if code == 0xD800:
            code = 0xE000  # surrogates are not text
        if code <= 0x10FFFF:
            return "".join(chars) + chr(code)
    return None


def _single(index: SearchIndex, name: str) -> bool:
    """Whether a document holds at most one value of field ``name`` (not an array, not nested)."""
    return "." not in name and not index_field(index, name).is_array


def _all_of(parts: List[_Condition], exact: bool) -> _Condition:
    """The conjunction of ``parts``, driven by the smallest driver among them."""
    driven = [c for c in parts if c.driver is not None]
    best = min(driven, key=lambda c: c.rank) if driven else None
    where = _both([c.where for c in parts])
    if best is None:
        return _Condition(where, exact)
    rest = _both([best.rest, *(c.where for c in parts if c is not best)])
    return _Condition(where, exact, best.driver, best.rank, rest)


class _Walker:
    """Translates one index's (already validated) query messages into conditions."""

    def __init__(self, index: SearchIndex, joined: Dict[str, str]) -> None:
        self._index = index
        self._sid = int(index.sid)
        self._joined = joined  # single-valued fields -> the alias of their value row, joined to "d"

    def _leaf(self, name: str, where: str, args: Tuple[Any, ...], rank: int) -> _Condition:
        """Documents with a value of field ``name`` meeting ``where`` (on column ``{v}``)."""
        sql = (f"SELECT {'' if _single(self._index, name) else 'DISTINCT '}pk FROM ots_search_values"
               f" WHERE sid={self._sid} AND field=?{where.format(v='v')}")
        alias = self._joined.get(name)
        if alias is not None:  # the document's one value is at hand (NULL: none, or a NaN)
            test = f" AND ({where[5:].format(v=alias + '.v')})" if where else ""
            return _Condition((f"IFNULL({alias}.pk IS NOT NULL{test}, 0)", args), True, (sql, (name, *args)), rank)
        # "+v": look the document's values up by key, not by the value index
        exists = (f"EXISTS (SELECT 1 FROM ots_search_values WHERE sid={self._sid} AND pk=d.pk"
                  f" AND field=?{where.format(v='+v')})")
        return _Condition((exists, (name, *args)), True, (sql, (name, *args)), rank)

    def alive(self, floor: int) -> _Condition:
        """Rows with a cell written at or after ``floor`` (ms), or with no cell at all."""
        sql = (f"NOT EXISTS (SELECT 1 FROM ots_search_values WHERE sid={self._sid} AND pk=d.pk"
               " AND field=? AND +v<?)")
        return _Condition((sql, (WRITTEN, floor)), True)

    def _scalar(self, name: str) -> bool:
        return index_field(self._index, name).type in SCALAR_TYPES

    def query(self, message: Any) -> _Condition:
        kind = message.type if message.HasField("type") else None
        if kind == QueryType.MATCH_ALL_QUERY:
            return _ALL
        if kind == QueryType.TERM_QUERY:
            return self._term(codec.parse(pb.TermQuery, message.query))
        if kind == QueryType.TERMS_QUERY:
            return self._terms(codec.parse(pb.TermsQuery, message.query))
        if kind == QueryType.RANGE_QUERY:
            return self._range(codec.parse(pb.RangeQuery, message.query))
        if kind == QueryType.PREFIX_QUERY:
            return self._prefix(codec.parse(pb.PrefixQuery, message.query))
        if kind == QueryType.EXISTS_QUERY:
            q = codec.parse(pb.ExistsQuery, message.query)
            return self._leaf(q.field_name, "", (), _EXISTS) if self._scalar(q.field_name) else _UNKNOWN
        if kind == QueryType.CONST_SCORE_QUERY:
            return self.query(codec.parse(pb.ConstScoreQuery, message.query).filter)
        if kind == QueryType.BOOL_QUERY:
            return self._bool(codec.parse(pb.BoolQuery, message.query))
        return _UNKNOWN

    def _term(self, q: Any) -> _Condition:
        if not self._scalar(q.field_name):
            return _UNKNOWN
        wanted = coerce(index_field(self._index, q.field_name), variant(q.term))
        if _is_nan(wanted):  # NaN equals nothing
            return _NONE
        return self._leaf(q.field_name, " AND {v}=?", (wanted,), _TERM)

    def _terms(self, q: Any) -> _Condition:
        if not self._scalar(q.field_name):
            return _UNKNOWN
        item = index_field(self._index, q.field_name)
        wanted = [v for v in (coerce(item, variant(t)) for t in q.terms) if not _is_nan(v)]
        if not wanted:
            return _NONE
        return self._leaf(q.field_name, f" AND {{v}} IN ({','.join('?' * len(wanted))})", tuple(wanted), _TERMS)

    def _range(self, q: Any) -> _Condition:
        if not self._scalar(q.field_name):
            return _UNKNOWN
        item = index_field(self._index, q.field_name)
        low = coerce(item, variant(q.range_from)) if q.HasField("range_from") else None
        high = coerce(item, variant(q.range_to)) if q.HasField("range_to") else None
        include_lower = q.include_lower if q.HasField("include_lower") else True
        include_upper = q.include_upper if q.HasField("include_upper") else False
        # Python's comparisons: a NaN lower bound excludes nothing, a NaN upper bound
        # everything; a NaN value (NULL here) passes every lower bound and no upper bound.
        if _is_nan(high):
            return _NONE
        where, args = "", []
        if low is not None and not _is_nan(low):
            where += " AND {v}>=?" if include_lower else " AND {v}>?"
            args.append(low)
        if high is not None:
            where += " AND {v}<=?" if include_upper else " AND {v}<?"
            args.append(high)
        elif where:
            where = f" AND ({{v}} IS NULL OR ({where[5:]}))"
        return self._leaf(q.field_name, where, tuple(args), _RANGE if args else _EXISTS)

    def _prefix(self, q: Any) -> _Condition:
        kind = index_field(self._index, q.field_name).type
        if kind != KEYWORD:
            # other scalar types hold no strings: nothing starts with the prefix
            return _NONE if kind in SCALAR_TYPES else _UNKNOWN
        upper = _successor(q.prefix)
        if upper is None:
            return self._leaf(q.field_name, " AND {v}>=?", (q.prefix,), _RANGE)
        return self._leaf(q.field_name, " AND {v}>=? AND {v}<?", (q.prefix, upper), _RANGE)

    def _bool(self, q: Any) -> _Condition:
        must = [self.query(m) for m in (*q.must_queries, *q.filter_queries)]
        must_not = [self.query(m) for m in q.must_not_queries]
        should = [self.query(m) for m in q.should_queries]
        needed = int(q.minimum_should_match) if q.HasField("minimum_should_match") else 0
        if should and not must:
            needed = max(needed, 1)
        parts = list(must)
        if needed:
            parts.append(self._at_least(should, needed))
        exact = all(c.exact for c in parts)
        for clause in must_not:
            if clause.exact:
                sql, args = clause.where
                parts.append(_Condition((f"NOT ({sql})", args), True))
            else:  # a superset cannot be subtracted
                exact = False
        return _all_of(parts, exact)

    @staticmethod
    def _at_least(should: List[_Condition], needed: int) -> _Condition:
        exact = all(c.exact for c in should)
        if needed == 1:
            where = _join([c.where for c in should], " OR ")
        else:
            sql, args = _join([c.where for c in should], " + ")
            where = (f"{sql} >= {int(needed)}", args)
        drivers = [c.driver for c in should]
        if any(d is None for d in drivers):
            return _Condition(where, exact)
        driver = (" UNION ".join(d[0] for d in drivers if d is not None),
                  tuple(a for d in drivers if d is not None for a in d[1]))
        rest = _TRUE if needed == 1 and all(c.rest == _TRUE for c in should) else where
        return _Condition(where, exact, driver, max(c.rank for c in should), rest)


@dataclass(frozen=True)
class _Order:
    """A ``Sort`` in SQL: the sort values' SELECT columns (``s0``, ... with their arguments),
    the ORDER BY terms, and the single-valued sort fields' value rows to join (field -> alias)."""

    columns: List[str]
    args: List[Any]
    terms: List[str]
    joins: Dict[str, str]

    def source(self, sid: int) -> str:
        """The LEFT JOINs of the joined value rows, to follow ``FROM ... d``."""
        return "".join(
            f" LEFT JOIN ots_search_values {alias} ON {alias}.sid={sid} AND {alias}.pk=d.pk"
            f" AND {alias}.field='{name}' AND {alias}.seq=0"
            for name, alias in self.joins.items()
        )


def _order(documents: SearchDocuments, index: SearchIndex, sort: Any) -> Optional[_Order]:
    """``sort`` in SQL, or None when SQL cannot order as query.py does (score, geo distance,
    a nested filter, AVG of numbers, a NaN among the values)."""
    order = _Order([], [], [], {})
    for sorter in sort.sorter:
        by_key = sorter.pk_sort if sorter.HasField("pk_sort") else sorter.doc_sort if sorter.HasField("doc_sort") else None
        if by_key is not None:  # doc order is PK order
            order.terms.append("d.pk DESC" if by_key.order == SortOrder.SORT_ORDER_DESC else "d.pk")
            continue
        if not sorter.HasField("field_sort"):
            return None
        field_sort = sorter.field_sort
        name = field_sort.field_name
        item = index_field(index, name)
        if item.type not in SCALAR_TYPES or field_sort.HasField("nested_filter"):
            return None
        descending = field_sort.HasField("order") and field_sort.order == SortOrder.SORT_ORDER_DESC
        mode = field_sort.mode if field_sort.HasField("mode") else (
            SortMode.SORT_MODE_MAX if descending else SortMode.SORT_MODE_MIN)
        if mode == SortMode.SORT_MODE_AVG and item.type in (LONG, DOUBLE, DATE):
            return None
        if item.type == DOUBLE and documents.select(
            f"SELECT 1 FROM ots_search_values WHERE sid={int(index.sid)} AND field=? AND v IS NULL LIMIT 1", (name,),
        ):
            return None
        column = f"s{len(order.columns)}"
        if _single(index, name) and limits.TABLE_NAME.fullmatch(name):  # its one value: join its row
            alias = order.joins.setdefault(name, f"j{len(order.joins)}")
            order.columns.append(f"{alias}.v AS {column}")
        else:
            fold = "MAX" if mode == SortMode.SORT_MODE_MAX else "MIN"
            order.columns.append(f"(SELECT {fold}(+v) FROM ots_search_values WHERE sid={int(index.sid)}"
                                 f" AND pk=d.pk AND field=?) AS {column}")
            order.args.append(name)
        order.terms.append(f"{column} {'DESC' if descending else 'ASC'} NULLS LAST")
    order.terms.append("d.pk")  # the default tiebreak; without it, the stable order is PK order too
    return order


@dataclass(frozen=True)
class Want:
    """What a search asks for."""

    queries: Sequence[Any]  # the Query messages every hit matches (the query, a filter's)
    score: Scorer  # the reference: a document's score, None when it is no hit
    sort: Any  # a Sort message
    offset: int
    limit: int
    every: bool  # every hit in order too (aggregations, collapse)
    floor: Optional[int]  # the TTL: rows with no cell written since (ms) are left out
    everything: Callable[[], List[Hit]]  # the live documents: the reference path's input
    reference: bool = False  # only the reference path can answer (scores, KNN)


@dataclass
class Selection:
    """What a search matched: the page's row keys and its hits (their documents decoded on
    the call: only inner hits read them), whether more follow, the total, every hit in order
    (when asked for or at hand) and, on the reference path, every hit's score."""

    keys: List[bytes]
    page: Callable[[], List[Hit]]
    more: bool
    count: Callable[[], int]
    hits: Optional[List[Hit]]
    scores: Dict[bytes, float]


def _load(rows: Sequence[Tuple[Any, ...]]) -> List[Hit]:
    return [(bytes(row[0]), json.loads(row[1])) for row in rows]


def _scored(index: SearchIndex, want: Want, candidates: List[Hit]) -> Selection:
    """The reference: the candidates ``want.score`` keeps, sorted in Python."""
    scores: Dict[bytes, float] = {}
    hits: List[Hit] = []
    for key, doc in candidates:
        score = want.score(doc)
        if score is not None:
            scores[key] = score
            hits.append((key, doc))
    return _listed(want, sorted_hits(index, hits, want.sort, scores), scores)


def _listed(want: Want, hits: List[Hit], scores: Dict[bytes, float]) -> Selection:
    """The selection of the page from every hit, in order."""
    page = hits[want.offset:want.offset + want.limit]
    return Selection([key for key, _ in page], lambda: page, want.offset + want.limit < len(hits),
                     lambda: len(hits), hits, scores)


def select(documents: SearchDocuments, index: SearchIndex, want: Want) -> Selection:
    """The hits ``want`` asks for, from SQL where it can answer, else from Python."""
    if not ENABLED or want.reference:
        return _scored(index, want, want.everything())
    order = _order(documents, index, want.sort)
    walker = _Walker(index, order.joins if order is not None else {})
    parts = [walker.query(q) for q in want.queries]
    if all(not c.exact and c.where == _TRUE for c in parts):  # SQL cannot narrow it down
        return _scored(index, want, want.everything())
    if want.floor is not None:
        parts.append(walker.alive(want.floor))
    try:
        return _from_sql(documents, index, want, _all_of(parts, all(c.exact for c in parts)), order)
    except sqlite3.OperationalError:  # beyond SQLite's limits (expression depth, variables, compound terms)
        return _scored(index, want, want.everything())


def _from_sql(
    documents: SearchDocuments, index: SearchIndex, want: Want, condition: _Condition, order: Optional[_Order],
) -> Selection:
    """The hits of the documents ``condition`` selects: ordered and paged in SQL when it is
    exact and ``order`` is given, else through :func:`_scored`."""
    sid = int(index.sid)
    joins = order.source(sid) if order is not None else ""
    # the candidates "d" (the driver's keys, or every document) with the joined value rows;
    # "x" their documents, when needed
    if condition.driver is not None:
        source = f"FROM ({condition.driver[0]}) d{joins}"
        joined = f"{source} JOIN ots_search_docs x ON x.sid={sid} AND x.pk=d.pk"
        check, check_args = condition.rest
        where, args = f" WHERE {check}", [*condition.driver[1], *check_args]
    else:
        source = joined = f"FROM ots_search_docs d{joins}"
        check, check_args = condition.where
        where, args = f" WHERE d.sid={sid}" + ("" if check == "1" else f" AND ({check})"), list(check_args)
    doc = "x.doc" if condition.driver is not None else "d.doc"
    if order is None or not condition.exact:
        return _scored(index, want, _load(documents.select(f"SELECT d.pk, {doc} {joined}{where} ORDER BY d.pk", args)))
    ordered = f"{where} ORDER BY {', '.join(order.terms)}"
    if want.every:
        head = ", ".join(["d.pk", doc, *order.columns])
        return _listed(want, _load(documents.select(f"SELECT {head} {joined}{ordered}", [*order.args, *args])), {})
    # the page's keys in order (one more: whether more follow)
    head = ", ".join(["d.pk", *order.columns])
    rows = documents.select(f"SELECT {head} {source}{ordered} LIMIT ? OFFSET ?",
                            [*order.args, *args, want.limit + 1, want.offset])
    keys = [bytes(row[0]) for row in rows[:want.limit]]

    def page() -> List[Hit]:
        found = dict(documents.select(
            f"SELECT pk, doc FROM ots_search_docs WHERE sid={sid} AND pk IN ({','.join('?' * len(keys))})", keys))
        return [(key, json.loads(found[key])) for key in keys]

    return Selection(keys, page, len(rows) > want.limit,
                     lambda: int(documents.select(f"SELECT count(*) {source}{where}", args)[0][0]), None, {})
