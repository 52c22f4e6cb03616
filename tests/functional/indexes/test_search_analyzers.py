"""The fuzzy analyzer through the official SDK and our sync and async clients: a match
phrase is a substring search over the first 1,024 characters, lowercased, for phrases
shorter than, equal to and longer than ``max_chars``, wherever the match sits in the text;
a match query finds rows sharing any n-gram. Expected hits are computed here from the
texts the test wrote."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, List

TEXTS = [
    "Hangzhou West Lake",
    "the lake district",
    "LAKESIDE hotel",
    "苏州园林 and lakes",
    "xlakex",
    "a" * 1030 + "lake",  # past the first 1,024 characters: never found
    "short",
]
PHRASES = ["lake", "LAKE", "a", "st lake", "lakeside hotel", "西湖", "苏州", "the lake district", "ke", "", "x"]


def make(kit: SimpleNamespace, low: int, high: int) -> None:
    m = kit.m
    kit.client.create_table(
        m.TableMeta("f", [("pk", "INTEGER")]), m.TableOptions(-1, 1), m.ReservedThroughput(m.CapacityUnit(0, 0))
    )
    for i, text in enumerate(TEXTS):
        kit.client.put_row("f", m.Row([("pk", i)], [("t", text)]), m.Condition("IGNORE"))
    schema = m.FieldSchema(
        "t", m.FieldType.TEXT, analyzer=m.AnalyzerType.FUZZY,
        analyzer_parameter=m.FuzzyAnalyzerParameter(low, high),
    )
    kit.client.create_search_index("f", "fi", m.SearchIndexMeta([schema]))


def hits(kit: SimpleNamespace, query: Any) -> List[int]:
    m = kit.m
    response = kit.client.search("f", "fi", m.SearchQuery(query, limit=100, get_total_count=True))
    assert response.total_count == len(response.rows)
    return sorted(row[0][0][1] for row in response.rows)


def substring_hits(phrase: str, low: int) -> List[int]:
    wanted = phrase.lower()
    if len(wanted) < low:
        return []
    return [i for i, text in enumerate(TEXTS) if wanted in text[:1024].lower()]


def test_match_phrase_is_a_substring_search(kit):
    make(kit, 2, 5)
    for phrase in PHRASES:
        assert hits(kit, kit.m.MatchPhraseQuery("t", phrase)) == substring_hits(phrase, 2), phrase


def test_match_query_finds_any_shared_gram(kit):
    make(kit, 1, 3)
    text = "Lo"
    grams = {text.lower()[i:i + n] for i in range(len(text)) for n in (1, 2, 3) if i + n <= len(text)}
    expected = [
        i for i, row in enumerate(TEXTS)
        if any(gram in row[:1024].lower() for gram in grams)
    ]
    assert hits(kit, kit.m.MatchQuery("t", text)) == expected
