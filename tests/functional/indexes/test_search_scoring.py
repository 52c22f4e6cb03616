"""Search scores through the official SDK and our sync and async clients: the official
full-text test (max_word analyzer, its counts 4,3,3,3,1,3,1 and 1,0 and its FunctionScore
scores 53/11/9), BM25 and the constant scores of every query kind (SuffixQuery and
ConstScoreQuery, the Java SDK's, through our clients only) against a brute-force
Lucene-7 BM25 written here, ScoreSort and DocSort, nested queries (score modes, one object
at a time, inner hits), FieldSort's nested_filter, KNN vector queries (three metrics, K,
filter, min_score, paging) and the min_word analyzer.
"""
from __future__ import annotations

import json
import math
import struct
from collections import Counter
from types import SimpleNamespace
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import jieba
import pytest
from test_search_index import expect, keys

from alicloud_storage.emulator.tablestore import errors as E

K1, B = 1.2, 0.75


# --- a Lucene-7 BM25 written for the test -----------------------------------------------
def norm_length(length: int) -> int:
    """The length Lucene 7 reads back from its one-byte norm: exact up to 23, then the
    value above 24 rounded down to its four leading bits."""
    if length <= 23:
        return length
    above = length - 24
    bits = len(bin(above)) - 2
    keep = above if bits <= 4 else (above >> (bits - 4)) << (bits - 4)
    return 24 + keep


def idf(docs: int, holding: int) -> float:
    return math.log(1 + (docs - holding + 0.5) / (holding + 0.5))


def bm25_term(freq: int, length: Optional[int], average: float, docs: int, holding: int) -> float:
    """One term's score; ``length`` None: a field without norms (keywords)."""
    norm = K1 if length is None else K1 * (1 - B + B * norm_length(length) / average)
    return idf(docs, holding) * freq * (K1 + 1) / (freq + norm)


class TextField:
    """Documents' token lists of one field (None: the row lacks it) and BM25 over them."""

    def __init__(self, tokens: Sequence[Optional[List[str]]], lengths: Optional[Sequence[Optional[int]]] = None):
        self.tokens = list(tokens)
        self.lengths = list(lengths) if lengths is not None else [None if t is None else len(t) for t in tokens]
        present = [n for n in self.lengths if n is not None]
        self.docs = len(present)
        self.average = sum(present) / len(present)

    def holding(self, token: str) -> int:
        return sum(1 for t in self.tokens if t is not None and token in t)

    def score(self, i: int, query_tokens: Sequence[str]) -> float:
        tokens = self.tokens[i] or []
        counts = Counter(tokens)
        total = 0.0
        for token in dict.fromkeys(query_tokens):
            if counts[token]:
                total += bm25_term(counts[token], self.lengths[i], self.average, self.docs, self.holding(token))
        return total


def scored_order(scores: Dict[Any, float]) -> List[Any]:
    """Keys by score descending, then key ascending (the default PK tiebreak)."""
    return sorted(scores, key=lambda k: (-scores[k], k))


def hit_scores(response: Any) -> List[float]:
    assert len(response.search_hits) == len(response.rows)
    return [hit.score for hit in response.search_hits]


def check_scored(response: Any, expected: Dict[Any, float]) -> None:
    """The response holds exactly the expected keys, best score first, with those scores."""
    assert keys(response) == scored_order(expected)
    assert hit_scores(response) == pytest.approx([expected[k] for k in scored_order(expected)], rel=1e-6)


def create(kit: SimpleNamespace, pk: Tuple[str, str], fields: List[Any], rows: Sequence[Dict[str, Any]]) -> None:
    m = kit.m
    kit.client.create_table(
        m.TableMeta("t", [pk]), m.TableOptions(-1, 1), m.ReservedThroughput(m.CapacityUnit(0, 0))
    )
    for row in rows:
        key = row[pk[0]]
        columns = sorted((k, v) for k, v in row.items() if k != pk[0])
        kit.client.put_row("t", m.Row([(pk[0], key)], columns), m.Condition("IGNORE"))
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta(fields))


def search(kit: SimpleNamespace, query: Any, sort: Any = None, **options: Any) -> Any:
    m = kit.m
    options.setdefault("limit", 100)
    options.setdefault("get_total_count", True)
    return kit.client.search("t", "idx", m.SearchQuery(query, sort=sort, **options), None)


def by_score(kit: SimpleNamespace, order: Any = None) -> Any:
    m = kit.m
    return m.Sort([m.ScoreSort(m.SortOrder.DESC if order is None else order)])


# --- the official full-text test -------------------------------------------------------
WEB = [
    ("http://a.com/001.html", "forum", "求推荐几款菊花茶店铺", 25),
    ("http://b.com/news/001.html", "news", "秋天最适合饮用的几种花茶", 30),
    ("http://a.com/011.html", "forum", "苕溪边上有一大片野生菊花", 100),
    ("http://a.com/019.html", "forum", "菊花茶是一款大部分人都适合的经典花茶", 120),
]


def max_word(text: str) -> List[Tuple[str, int]]:
    """The fact sheet's max_word stand-in (§3.3), for CJK text: every dictionary word of two
    or more characters at each start, then each character no such word covers."""
    words = [(text[s:e + 1], s) for s, ends in jieba.get_DAG(text).items() for e in ends if e > s]
    covered = {i for word, s in words for i in range(s, s + len(word))}
    words += [(c, i) for i, c in enumerate(text) if i not in covered]
    return sorted(words, key=lambda w: w[1])


def test_official_full_text_scenario(kit):
    m = kit.m
    create(kit, ("url", "STRING"), [
        m.FieldSchema("url", m.FieldType.KEYWORD, index=True, enable_sort_and_agg=True),
        m.FieldSchema("title", m.FieldType.TEXT, index=True, analyzer=m.AnalyzerType.MAXWORD, enable_highlighting=True),
        m.FieldSchema("type", m.FieldType.KEYWORD, index=True, enable_sort_and_agg=True),
        m.FieldSchema("pv", m.FieldType.LONG, index=True, enable_sort_and_agg=True),
        m.FieldSchema("author", m.FieldType.TEXT, index=True, enable_sort_and_agg=False),
    ], [{"url": u, "type": t, "title": title, "pv": pv} for u, t, title, pv in WEB])
    meta, _ = kit.client.describe_search_index("t", "idx")
    assert meta.fields[1].analyzer == "max_word"

    analyzed = [max_word(title) for _, _, title, _ in WEB]
    for text, operator, msm, official in [
        ("菊花茶", None, None, 4), ("梨花茶", None, None, 3), ("花茶", None, None, 3), ("菊花", None, None, 3),
        ("饮用花茶", m.QueryOperator.AND, None, 1), ("饮用花茶", m.QueryOperator.OR, None, 3),
        ("饮用花茶", m.QueryOperator.OR, 2, 1),
    ]:
        wanted = {w for w, _ in max_word(text)}
        need = len(wanted) if operator == m.QueryOperator.AND else (msm or 1)
        brute = [WEB[i][0] for i, words in enumerate(analyzed) if len(wanted & {w for w, _ in words}) >= need]
        response = search(kit, m.MatchQuery("title", text, minimum_should_match=msm, operator=operator), limit=10)
        assert len(brute) == official and response.total_count == official
        assert sorted(keys(response)) == sorted(brute) and not response.next_token

    for text, official in [("野生菊花", 1), ("秋天菊花", 0)]:
        response = search(kit, m.MatchPhraseQuery("title", text), limit=10)
        assert response.total_count == official and len(response.rows) == official

    # FunctionScore: BM25 of 花茶 (document length = distinct token starts) times pv
    lengths = [len({s for _, s in words}) for words in analyzed]
    title = TextField([[w for w, _ in words] for words in analyzed], lengths)
    expected = {WEB[i][0]: title.score(i, ["花茶"]) * WEB[i][3] for i in range(4) if "花茶" in title.tokens[i]}
    query = m.FunctionScoreQuery(m.MatchQuery("title", "花茶"), m.FieldValueFactor("pv"))
    response = kit.client.search("t", "idx", m.SearchQuery(query, limit=10, get_total_count=True, sort=by_score(kit)),
                                 m.ColumnsToGet(["title", "url"], m.ColumnReturnType.SPECIFIED))
    assert response.total_count == 3 and not response.next_token and response.is_all_succeed
    assert [row[0][0][1] for row in response.rows] == [
        "http://a.com/019.html", "http://b.com/news/001.html", "http://a.com/001.html"]
    assert [row[1][0][:2] for row in response.rows][0] == ("title", "菊花茶是一款大部分人都适合的经典花茶")
    assert [int(hit.score) for hit in response.search_hits] == [53, 11, 9]
    check_scored(response, expected)
    # the same with highlighting: the official test's fragments, and the same scores
    highlight = m.Highlight([m.HighlightParameter("title", 1, 18, "<b>", "</b>", m.HighlightFragmentOrder.TEXT_SEQUENCE)],
                            m.HighlightEncoder.PLAIN_MODE)
    response = kit.client.search("t", "idx", m.SearchQuery(query, limit=10, get_total_count=True, sort=by_score(kit),
                                                         highlight=highlight), None)
    assert [int(hit.score) for hit in response.search_hits] == [53, 11, 9]
    assert [[(f.field_name, f.field_fragments) for f in hit.highlight_result.highlight_fields]
            for hit in response.search_hits] == [
        [("title", ["菊<b>花茶</b>是一款大部分人都适合的经典<b>花茶</b>"])],
        [("title", ["秋天最适合饮用的几种<b>花茶</b>"])],
        [("title", ["求推荐几款菊<b>花茶</b>店铺"])],
    ]


# --- BM25 and the constant scores --------------------------------------------------------
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon"]


def sentence(i: int) -> Optional[str]:
    """Row i's text: lengths 1..30 (past 23 Lucene's norm rounds), some rows without it."""
    if i % 9 == 8:
        return None
    return " ".join(WORDS[(i * j + j // 3) % len(WORDS)] for j in range(1, (i * 7) % 30 + 2))


def scoring_rows(n: int = 40) -> List[Dict[str, Any]]:
    rows = []
    for i in range(n):
        row: Dict[str, Any] = {"pk": i, "k": WORDS[i % 4], "l": i % 5, "pv": i % 7 + 1}
        text = sentence(i)
        if text is not None:
            row["t"] = text
        rows.append(row)
    return rows


def scoring_fields(m: Any) -> List[Any]:
    return [
        m.FieldSchema("t", m.FieldType.TEXT),
        m.FieldSchema("k", m.FieldType.KEYWORD),
        m.FieldSchema("l", m.FieldType.LONG),
        m.FieldSchema("pv", m.FieldType.LONG),
    ]


def test_bm25_and_constant_scores(kit):
    m = kit.m
    rows = scoring_rows()
    create(kit, ("pk", "INTEGER"), scoring_fields(m), rows)
    text = TextField([None if "t" not in r else r["t"].split() for r in rows])
    keyword = TextField([[r["k"]] for r in rows])
    sort = by_score(kit)

    def expect_scores(query: Any, score: Callable[[int], Optional[float]]) -> None:
        expected = {i: s for i in range(len(rows)) for s in [score(i)] if s is not None}
        check_scored(search(kit, query, sort), expected)

    # MatchQuery: summed BM25 of its distinct tokens, times weight
    expect_scores(m.MatchQuery("t", "alpha gamma alpha", weight=2.5),
                  lambda i: 2.5 * text.score(i, ["alpha", "gamma"]) if text.score(i, ["alpha", "gamma"]) else None)
    expect_scores(m.MatchQuery("t", "beta delta", operator=m.QueryOperator.AND),
                  lambda i: text.score(i, ["beta", "delta"]) if {"beta", "delta"} <= set(text.tokens[i] or []) else None)
    # TermQuery: BM25 on TEXT, BM25 without norms on KEYWORD, constant on LONG
    expect_scores(m.TermQuery("t", "epsilon"), lambda i: text.score(i, ["epsilon"]) or None)
    expect_scores(m.TermQuery("k", "beta", weight=3.0),
                  lambda i: 3.0 * bm25_term(1, None, 0, len(rows), keyword.holding("beta")) if rows[i]["k"] == "beta"
                  else None)
    expect_scores(m.TermQuery("l", 3, weight=0.5), lambda i: 0.5 if rows[i]["l"] == 3 else None)
    # the constant-score queries (Lucene's TermInSet, point range, multi-term, exists, match-all)
    expect_scores(m.TermsQuery("k", ["alpha", "gamma"], weight=4.0),
                  lambda i: 4.0 if rows[i]["k"] in ("alpha", "gamma") else None)
    expect_scores(m.RangeQuery("l", 1, 3), lambda i: 1.0 if 1 <= rows[i]["l"] < 3 else None)
    expect_scores(m.PrefixQuery("k", "de", weight=1.5), lambda i: 1.5 if rows[i]["k"].startswith("de") else None)
    expect_scores(m.WildcardQuery("k", "*ta", weight=2.0), lambda i: 2.0 if rows[i]["k"].endswith("ta") else None)
    expect_scores(m.ExistsQuery("t"), lambda i: 1.0 if "t" in rows[i] else None)
    expect_scores(m.MatchAllQuery(), lambda i: 1.0)
    # MatchPhraseQuery: BM25 of the phrase frequency with the summed idf of its terms
    phrase = ["alpha", "beta"]

    def phrase_score(i: int) -> Optional[float]:
        tokens = text.tokens[i] or []
        freq = sum(1 for j in range(len(tokens) - 1) if tokens[j:j + 2] == phrase)
        if not freq:
            return None
        norm = K1 * (1 - B + B * norm_length(len(tokens)) / text.average)
        return sum(idf(text.docs, text.holding(t)) for t in phrase) * freq * (K1 + 1) / (freq + norm)

    expect_scores(m.MatchPhraseQuery("t", "alpha beta"), phrase_score)

    # BoolQuery: must and should add up, filter and must_not do not score, weight multiplies
    def bool_score(i: int) -> Optional[float]:
        row = rows[i]
        if not text.score(i, ["gamma"]) or row["l"] == 0 or row["k"] == "delta":
            return None
        return 2.0 * (text.score(i, ["gamma"]) + text.score(i, ["beta"]) + (1.0 if row["l"] == 4 else 0.0))

    expect_scores(m.BoolQuery(
        must_queries=[m.MatchQuery("t", "gamma")], filter_queries=[m.RangeQuery("l", 1)],
        must_not_queries=[m.TermQuery("k", "delta")],
        should_queries=[m.MatchQuery("t", "beta"), m.TermQuery("l", 4)], weight=2.0,
    ), bool_score)

    # DisMaxQuery: the best clause plus tie_breaker times the others
    def dis_max(i: int) -> Optional[float]:
        found = [s for s in (text.score(i, ["delta"]), 1.0 if rows[i]["k"] == "alpha" else 0.0) if s]
        return None if not found else 3.0 * (max(found) + 0.25 * (sum(found) - max(found)))

    expect_scores(m.DisMaxQuery([m.MatchQuery("t", "delta"), m.TermsQuery("k", ["alpha"])], 0.25, weight=3.0), dis_max)
    # FunctionScoreQuery: the inner score times the field's value
    expect_scores(m.FunctionScoreQuery(m.MatchQuery("t", "beta"), m.FieldValueFactor("pv")),
                  lambda i: text.score(i, ["beta"]) * rows[i]["pv"] or None)


@pytest.mark.parametrize("kit", ["sync", "async"], indirect=True)  # the Java SDK's queries: not in the Python SDK
def test_suffix_and_const_score_queries(kit):
    m = kit.m
    rows = scoring_rows()
    create(kit, ("pk", "INTEGER"), scoring_fields(m), rows)
    text = TextField([None if "t" not in r else r["t"].split() for r in rows])
    expected = {i: 1.5 for i, row in enumerate(rows) if row["k"].endswith("ta")}
    check_scored(search(kit, m.SuffixQuery("k", "ta", weight=1.5), by_score(kit)), expected)
    # ConstScoreQuery: 1.0 whatever the filter's own score; as a should clause it adds 1.0
    expected = {i: 1.0 for i in range(len(rows)) if text.score(i, ["beta"])}
    check_scored(search(kit, m.ConstScoreQuery(m.MatchQuery("t", "beta", weight=9.0)), by_score(kit)), expected)
    query = m.BoolQuery(must_queries=[m.MatchQuery("t", "alpha")],
                        should_queries=[m.ConstScoreQuery(m.TermQuery("k", "gamma"))])
    expected = {i: text.score(i, ["alpha"]) + (1.0 if rows[i]["k"] == "gamma" else 0.0)
                for i in range(len(rows)) if text.score(i, ["alpha"])}
    check_scored(search(kit, query, by_score(kit)), expected)


def test_sloppy_phrase(kit):
    m = kit.m
    # alpha at a, gamma at g, once each: the phrase "alpha gamma" is |g - 1 - a| moves away
    places = [(a, g) for a in range(4) for g in range(5) if a != g]
    texts = [" ".join("alpha" if j == a else "gamma" if j == g else "beta" for j in range(5)) for a, g in places]
    texts.append("beta beta")
    create(kit, ("pk", "INTEGER"), [m.FieldSchema("t", m.FieldType.TEXT)],
           [{"pk": i, "t": t} for i, t in enumerate(texts)])
    text = TextField([t.split() for t in texts])
    phrase_idf = idf(text.docs, text.holding("alpha")) + idf(text.docs, text.holding("gamma"))
    for slop in (0, 1, 2, 3):
        expected = {}
        for i, (a, g) in enumerate(places):
            distance = abs(g - 1 - a)
            if distance <= slop:
                freq = 1 / (1 + distance)
                norm = K1 * (1 - B + B * 5 / text.average)
                expected[i] = phrase_idf * freq * (K1 + 1) / (freq + norm)
        check_scored(search(kit, m.MatchPhraseQuery("t", "alpha gamma", slop=slop), by_score(kit)), expected)


def test_score_sort_doc_sort_and_paging(kit):
    m = kit.m
    rows = scoring_rows()
    create(kit, ("pk", "INTEGER"), scoring_fields(m), rows)
    text = TextField([None if "t" not in r else r["t"].split() for r in rows])
    expected = {i: text.score(i, ["alpha"]) for i in range(len(rows)) if text.score(i, ["alpha"])}
    query = m.MatchQuery("t", "alpha")
    ascending = search(kit, query, by_score(kit, m.SortOrder.ASC))
    assert keys(ascending) == sorted(expected, key=lambda k: (expected[k], k))
    # without a score sort: index order, and no search hits
    plain = search(kit, query)
    assert keys(plain) == sorted(expected) and plain.search_hits == []
    assert keys(search(kit, query, m.Sort([m.DocSort(m.SortOrder.DESC)]))) == sorted(expected, reverse=True)
    # paging by token keeps the score order
    first = search(kit, query, by_score(kit), limit=4)
    found, scores, token = keys(first), hit_scores(first), first.next_token
    while token:
        page = kit.client.search("t", "idx", m.SearchQuery(query, next_token=token, limit=4), None)
        found, scores, token = found + keys(page), scores + hit_scores(page), page.next_token
    assert found == scored_order(expected)
    assert scores == pytest.approx([expected[k] for k in found], rel=1e-6)


# --- nested --------------------------------------------------------------------------
def nested_rows() -> List[Dict[str, Any]]:
    rows = []
    for i in range(12):
        objects = [{"nk": WORDS[(i + j) % 3], "nl": (i * j) % 4, "nt": " ".join(WORDS[:(i + j) % 4 + 1])}
                   for j in range(i % 4)]
        rows.append({"pk": i, "n": json.dumps(objects), "l": i})
    return rows


def nested_fields(m: Any) -> List[Any]:
    return [
        m.FieldSchema("n", m.FieldType.NESTED, sub_field_schemas=[
            m.FieldSchema("nk", m.FieldType.KEYWORD), m.FieldSchema("nl", m.FieldType.LONG),
            m.FieldSchema("nt", m.FieldType.TEXT),
        ]),
        m.FieldSchema("l", m.FieldType.LONG),
    ]


def test_nested_query_one_object_score_modes_and_inner_hits(kit):
    m = kit.m
    rows = nested_rows()
    create(kit, ("pk", "INTEGER"), nested_fields(m), rows)
    objects = [json.loads(r["n"]) for r in rows]
    # the inner query's conditions hold within one object
    both = m.BoolQuery(must_queries=[m.TermQuery("n.nk", "alpha"), m.TermQuery("n.nl", 0)])
    one = {i for i, objs in enumerate(objects) if any(o["nk"] == "alpha" and o["nl"] == 0 for o in objs)}
    spread = {i for i, objs in enumerate(objects)
              if any(o["nk"] == "alpha" for o in objs) and any(o["nl"] == 0 for o in objs)}
    assert one != spread  # the data tells the two apart
    assert set(keys(search(kit, m.NestedQuery("n", both)))) == one
    assert set(keys(search(kit, both))) == spread
    # scores: BM25 over the nested objects (each a document), folded by score_mode
    flat = [o for objs in objects for o in objs]
    nt = TextField([o["nt"].split() for o in flat])

    def per_object(i: int) -> List[Tuple[int, float]]:
        start = sum(len(objs) for objs in objects[:i])
        return [(j, nt.score(start + j, ["beta"])) for j in range(len(objects[i])) if nt.score(start + j, ["beta"])]

    folds = {
        m.ScoreMode.NONE: lambda s: 0.0, m.ScoreMode.AVG: lambda s: sum(s) / len(s), m.ScoreMode.MAX: max,
        m.ScoreMode.TOTAL: sum, m.ScoreMode.MIN: min,
    }
    for mode, fold in folds.items():
        expected = {i: 2.0 * fold([s for _, s in per_object(i)]) for i in range(len(rows)) if per_object(i)}
        query = m.NestedQuery("n", m.MatchQuery("n.nt", "beta"), score_mode=mode, weight=2.0)
        check_scored(search(kit, query, by_score(kit)), expected)
    # inner hits: the matching objects' offsets, in the inner sort's order, paged
    inner = m.InnerHits(m.Sort([m.FieldSort("n.nl", m.SortOrder.DESC)]), 1, 2, None)
    query = m.NestedQuery("n", m.MatchQuery("n.nt", "beta"), score_mode=m.ScoreMode.MAX, inner_hits=inner)
    response = search(kit, query, by_score(kit))
    for key, hit in zip(keys(response), response.search_hits):
        found = per_object(key)
        ordered = sorted(found, key=lambda f: (-objects[key][f[0]]["nl"], f[0]))[1:3]
        assert [h.search_inner_hits[0].path for h in [hit]] == ["n"]
        assert [h.nested_doc_offset for h in hit.search_inner_hits[0].search_hits] == [j for j, _ in ordered]
        assert [h.score for h in hit.search_inner_hits[0].search_hits] == pytest.approx([s for _, s in ordered])
    # no inner sort: best score first
    query = m.NestedQuery("n", m.MatchQuery("n.nt", "beta"), inner_hits=m.InnerHits(None, None, None, None))
    for key, hit in zip(keys(search(kit, query)), search(kit, query).search_hits):
        ordered = sorted(per_object(key), key=lambda f: (-f[1], f[0]))[:3]
        assert [h.nested_doc_offset for h in hit.search_inner_hits[0].search_hits] == [j for j, _ in ordered]
    expect(kit, E.SEARCH_INVALID, search, kit, m.NestedQuery("l", m.MatchAllQuery()),
           detail="path [l] of nested query is not a NESTED field")
    unsortable = m.InnerHits(m.Sort([m.FieldSort("n.nt")]), None, None, None)
    expect(kit, E.SEARCH_INVALID, search, kit, m.NestedQuery("n", m.MatchAllQuery(), inner_hits=unsortable),
           detail=f"field [n.nt] of type {m.FieldType.TEXT.value} can not be sorted")
    expect(kit, E.SEARCH_INVALID, search, kit,
           m.NestedQuery("n", m.MatchAllQuery(), inner_hits=m.InnerHits(None, 0, 101, None)),
           detail="invalid inner_hits offset [0] or limit [101]")


def test_field_sort_nested_filter(kit):
    m = kit.m
    rows = nested_rows()
    create(kit, ("pk", "INTEGER"), nested_fields(m), rows)
    objects = [json.loads(r["n"]) for r in rows]
    nested_filter = m.NestedFilter("n", m.TermQuery("n.nk", "beta"))
    sort = m.Sort([m.FieldSort("n.nl", m.SortOrder.DESC, nested_filter=nested_filter)])

    def value(i: int) -> Optional[int]:
        kept = [o["nl"] for o in objects[i] if o["nk"] == "beta"]
        return max(kept) if kept else None

    with_value = sorted((i for i in range(len(rows)) if value(i) is not None), key=lambda i: (-value(i), i))
    without = [i for i in range(len(rows)) if value(i) is None]
    assert keys(search(kit, m.MatchAllQuery(), sort)) == with_value + without


# --- KNN -----------------------------------------------------------------------------
DIM = 4


def as_float32(values: Sequence[float]) -> List[float]:
    return list(struct.unpack(f"{len(values)}f", struct.pack(f"{len(values)}f", *values)))


def vector(i: int) -> List[float]:
    return [((i * 7 + d * 3) % 11 - 5) / 4 for d in range(DIM)]


def similarity(metric: str, a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    if metric == "euclidean":
        return 1 / (1 + sum((x - y) ** 2 for x, y in zip(a, b)))
    if metric == "dot":
        return (1 + dot) / 2
    return (1 + dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))) / 2


def test_knn_vector_query(kit):
    m = kit.m
    metrics = {"euclidean": m.VectorMetricType.VM_EUCLIDEAN, "cosine": m.VectorMetricType.VM_COSINE,
               "dot": m.VectorMetricType.VM_DOT_PRODUCT}
    fields = [m.FieldSchema(f"v_{name}", m.FieldType.VECTOR,
                            vector_options=m.VectorOptions(m.VectorDataType.VD_FLOAT_32, metric, DIM))
              for name, metric in metrics.items()] + [m.FieldSchema("l", m.FieldType.LONG)]
    n = 30
    rows = [{"pk": i, "l": i % 3, **{f"v_{name}": json.dumps(vector(i)) for name in metrics}} for i in range(n)]
    rows.append({"pk": n, "l": 0, "v_euclidean": "[1, 2]"})  # wrong dimension: not indexed
    create(kit, ("pk", "INTEGER"), fields, rows)
    meta, _ = kit.client.describe_search_index("t", "idx")
    options = meta.fields[1].vector_options
    assert (options.data_type, options.metric_type, options.dimension) == (
        m.VectorDataType.VD_FLOAT_32, m.VectorMetricType.VM_COSINE, DIM)
    target = as_float32([0.3, -1.1, 0.7, 0.2])

    for name in metrics:
        scores = {i: similarity(name, vector(i), target) for i in range(n)}
        nearest = scored_order(scores)[:5]
        query = m.KnnVectorQuery(f"v_{name}", top_k=5, float32_query_vector=target)
        check_scored(search(kit, query, by_score(kit), limit=5), {i: scores[i] for i in nearest})
        # the default order is the index's (PK), no search hits
        assert keys(search(kit, query, limit=5)) == sorted(nearest)

    scores = {i: similarity("euclidean", vector(i), target) for i in range(n)}
    # filter, weight, min_score
    passing = {i: s for i, s in scores.items() if rows[i]["l"] == 1}
    query = m.KnnVectorQuery("v_euclidean", top_k=3, float32_query_vector=target, filter=m.TermQuery("l", 1),
                             weight=2.0)
    check_scored(search(kit, query, by_score(kit), limit=3), {i: 2 * passing[i] for i in scored_order(passing)[:3]})
    least = sorted(scores.values())[-4]
    query = m.KnnVectorQuery("v_euclidean", top_k=10, float32_query_vector=target, min_score=least)
    assert set(keys(search(kit, query, limit=10))) == {i for i, s in scores.items() if s >= least}
    # K = max(top_k, offset + limit) and a full page carries a token: the token pages walk
    # every vector, nearest first; the last page is not full
    query = m.KnnVectorQuery("v_euclidean", top_k=5, float32_query_vector=target)
    first = search(kit, query, by_score(kit), limit=4)
    assert first.total_count == 5 and len(first.rows) == 4 and first.next_token
    found, token = keys(first), first.next_token
    while token:
        page = kit.client.search("t", "idx", m.SearchQuery(query, next_token=token, limit=4), None)
        found, token = found + keys(page), page.next_token
    assert found == scored_order(scores) and len(found) % 4
    page = search(kit, query, by_score(kit), offset=4, limit=4)
    assert page.total_count == 8 and keys(page) == scored_order(scores)[4:8] and page.next_token
    # bad requests
    expect(kit, E.SEARCH_INVALID, search, kit, m.KnnVectorQuery("v_dot", top_k=3, float32_query_vector=[1.0]),
           detail=f"the dimension of the query vector [1] does not equal the field's [{DIM}]")
    expect(kit, E.SEARCH_INVALID, search, kit, m.KnnVectorQuery("v_dot", top_k=1001, float32_query_vector=target),
           detail="top_k [1001] must be in (0, 1000]")
    expect(kit, E.SEARCH_INVALID, search, kit, m.KnnVectorQuery("l", top_k=3, float32_query_vector=target),
           detail="field [l] of knn vector query is not a VECTOR field")


def test_official_query_test_cases(kit):
    """The official search_index_test's KNN, nested and function-score cases on its data
    (1000 rows; vector [i+1, i-1, i+5, i-5] cosine; one nested object per row)."""
    m = kit.m
    kit.client.create_table(m.TableMeta("t", [("PK1", "INTEGER"), ("PK2", "STRING")]), m.TableOptions(-1, 1),
                            m.ReservedThroughput(m.CapacityUnit(0, 0)))
    for start in range(0, 1000, 200):
        batch = m.BatchWriteRowRequest()
        batch.add(m.TableInBatchWriteRowItem("t", [m.PutRowItem(m.Row([("PK1", i), ("PK2", "pk_%d" % (i % 10))], [
            ("l", i), ("n", json.dumps([{"nk": "key%03d" % i, "nl": i}])),
            ("vector", "[%d, %d, %d, %d]" % (i + 1, i - 1, i + 5, i - 5)),
        ]), m.Condition("IGNORE")) for i in range(start, start + 200)]))
        kit.client.batch_write_row(batch)
    kit.client.create_search_index("t", "idx", m.SearchIndexMeta([
        m.FieldSchema("l", m.FieldType.LONG),
        m.FieldSchema("vector", m.FieldType.VECTOR, vector_options=m.VectorOptions(
            m.VectorDataType.VD_FLOAT_32, m.VectorMetricType.VM_COSINE, 4)),
    ]))
    kit.client.create_search_index("t", "nested", m.SearchIndexMeta([
        m.FieldSchema("n", m.FieldType.NESTED, sub_field_schemas=[
            m.FieldSchema("nk", m.FieldType.KEYWORD), m.FieldSchema("nl", m.FieldType.LONG)]),
    ]))
    target = [1.0, -1.0, 5.0, -5.0]
    response = kit.client.search("t", "idx", m.SearchQuery(
        m.KnnVectorQuery("vector", top_k=10, float32_query_vector=target), limit=100, sort=by_score(kit)), None)
    scores = {i: similarity("cosine", [i + 1, i - 1, i + 5, i - 5], target) for i in range(1000)}
    assert len(response.rows) == 100 and response.next_token and response.total_count == -1
    assert [row[0][0][1] for row in response.rows] == scored_order(scores)[:100]
    assert hit_scores(response) == pytest.approx([scores[i] for i in scored_order(scores)[:100]], rel=1e-6)

    def check(index: str, query: Any, rows: int, token: bool, total: int) -> Any:
        response = kit.client.search("t", index, m.SearchQuery(query, limit=100, get_total_count=True), None)
        assert (len(response.rows), bool(response.next_token), response.total_count) == (rows, token, total)
        return response

    check("nested", m.NestedQuery("n", m.TermQuery("n.nk", "key199")), 1, False, 1)
    check("nested", m.NestedQuery("n", m.RangeQuery("n.nl", 100, 300, include_lower=True, include_upper=True)),
          100, False, 201)
    check("idx", m.FunctionScoreQuery(m.RangeQuery("l", 100, 300), m.FieldValueFactor("l")), 100, True, 200)


def test_vector_field_schema_errors(kit):
    m = kit.m
    create(kit, ("pk", "INTEGER"), [m.FieldSchema("l", m.FieldType.LONG)], [])

    def index_with(schema: Any) -> None:
        kit.client.create_search_index("t", "bad", m.SearchIndexMeta([schema]))

    float32 = m.VectorDataType.VD_FLOAT_32
    expect(kit, E.SEARCH_INVALID, index_with, m.FieldSchema("v", m.FieldType.VECTOR),
           detail="VECTOR field [v] needs vector_options and can not be nested or array")
    expect(kit, E.SEARCH_INVALID, index_with, m.FieldSchema(
        "v", m.FieldType.VECTOR, vector_options=m.VectorOptions(float32, m.VectorMetricType.VM_COSINE, 0)),
        detail="dimension of VECTOR field [v] must be in (0, 4096], current 0")
    expect(kit, E.SEARCH_INVALID, index_with, m.FieldSchema(
        "v", m.FieldType.VECTOR, is_array=True, vector_options=m.VectorOptions(float32, m.VectorMetricType.VM_COSINE, 2)),
        detail="VECTOR field [v] needs vector_options and can not be nested or array")
    assert kit.client.list_search_index("t") == [("t", "idx")]


# --- min_word --------------------------------------------------------------------------
def test_min_word_analyzer(kit):
    m = kit.m
    titles = [title for _, _, title, _ in WEB] + ["菊花 Tea 2024", "经典的花茶和菊花"]
    create(kit, ("pk", "INTEGER"), [m.FieldSchema("t", m.FieldType.TEXT, analyzer=m.AnalyzerType.MINWORD)],
           [{"pk": i, "t": t} for i, t in enumerate(titles)])

    def words(text: str) -> List[str]:
        return [w.lower() for w in jieba.cut(text, HMM=False) if w.strip()]

    for text in ["菊花茶", "花茶", "菊花", "tea", "经典花茶"]:
        wanted = set(words(text))
        brute = [i for i, t in enumerate(titles) if wanted & set(words(t))]
        assert keys(search(kit, m.MatchQuery("t", text))) == brute, text
    assert keys(search(kit, m.MatchPhraseQuery("t", "经典的花茶"))) == [5]
