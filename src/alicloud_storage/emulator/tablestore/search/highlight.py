"""Search highlighting: the words a query asks of a TEXT field, wrapped in tags in the
field's text and cut into fragments (``SearchHit.highlight_result``).

:func:`compile_highlight` checks a ``Highlight`` message against the index (every field
needs ``enable_highlighting``), walks the ``Query`` message to collect what it asks of
each field (analyzed match/phrase text, terms, prefixes, wildcards; never a must_not
clause) and returns a :class:`Highlighter`. The highlighter runs the field's analyzer
over the row's text, finds the asked tokens' places in it (analyzers keep characters,
only lowering them), merges overlapping marks (adjacent ones stay apart, as Lucene's
passage formatter does) and cuts the text into fragments of up to ``fragment_size``
characters, at a space when one is in the window's second half (the whole text when it
fits; a mark is never cut), keeping those with marks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

from alicloud_storage.emulator.tablestore import codec
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.search.documents import (
    FUZZY_TEXT,
    TEXT,
    IndexField,
    SearchIndex,
    analyze,
    json_value,
)
from alicloud_storage.emulator.tablestore.search.query import coerce, index_field, variant, wildcard_pattern
from alicloud_storage.tablestore.wire import pb
from alicloud_storage.tablestore.wire.enums import HighlightEncoder, HighlightFragmentOrder, QueryType

__all__ = [
    "DEFAULT_FRAGMENT_SIZE", "DEFAULT_FRAGMENTS", "DEFAULT_PRE_TAG", "DEFAULT_POST_TAG",
    "Highlighter", "compile_highlight", "MAX_TAG_LENGTH",
]

DEFAULT_FRAGMENT_SIZE = 100
DEFAULT_FRAGMENTS = 5  # [I] Elasticsearch's default
DEFAULT_PRE_TAG, DEFAULT_POST_TAG = "<em>", "</em>"
# [I] the longest pre/post tag: each mark of each returned row repeats both (the service's
# bound is not public; 2 MB tags over 50 rows took minutes to answer)
MAX_TAG_LENGTH = 256
# Analyzers whose tokens overlap (several tokens may start inside one another).
_OVERLAPPING = ("fuzzy", "max_word")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "/": "&#x2F;"}

_Span = Tuple[int, int]


@dataclass
class _Asked:
    """What a query asks of one field: exact tokens, prefixes, suffixes, wildcard patterns, phrases."""

    tokens: Set[str] = field(default_factory=set)
    prefixes: List[str] = field(default_factory=list)
    suffixes: List[str] = field(default_factory=list)
    patterns: List[Callable[[str], bool]] = field(default_factory=list)
    phrases: List[List[str]] = field(default_factory=list)

    def wants(self, token: str) -> bool:
        return token in self.tokens or bool(self.prefixes or self.suffixes or self.patterns) and (
            any(token.startswith(p) for p in self.prefixes)
            or any(token.endswith(p) for p in self.suffixes)
            or any(matches(token) for matches in self.patterns)
        )


@dataclass(frozen=True)
class _Parameter:
    """One field's highlight parameters with the defaults filled in."""

    item: IndexField
    fragments: int
    size: int
    pre: str
    post: str
    by_score: bool


class _Walker:
    """Collects per field what a Query message asks (the inverse of query.py's compiler)."""

    def __init__(self, index: SearchIndex) -> None:
        self._index = index
        self.asked: Dict[str, _Asked] = {}

    def _field(self, name: str) -> Optional[Tuple[IndexField, _Asked]]:
        item = self._index.field(name)
        if item is None or item.type != TEXT:
            return None
        return item, self.asked.setdefault(name, _Asked())

    def _text(self, item: IndexField, text: str) -> List[str]:
        return analyze(text, item.analyzer, item.analyzer_parameter)

    def walk(self, message: Any) -> None:
        kind = message.type if message.HasField("type") else None
        if kind == QueryType.BOOL_QUERY:
            q = codec.parse(pb.BoolQuery, message.query)
            for clause in (*q.must_queries, *q.filter_queries, *q.should_queries):
                self.walk(clause)
        elif kind == QueryType.CONST_SCORE_QUERY:
            self.walk(codec.parse(pb.ConstScoreQuery, message.query).filter)
        elif kind == QueryType.FUNCTION_SCORE_QUERY:
            self.walk(codec.parse(pb.FunctionScoreQuery, message.query).query)
        elif kind == QueryType.DIS_MAX_QUERY:
            for clause in codec.parse(pb.DisMaxQuery, message.query).queries:
                self.walk(clause)
        elif kind in (QueryType.MATCH_QUERY, QueryType.MATCH_PHRASE_QUERY):
            q = codec.parse(pb.MatchQuery if kind == QueryType.MATCH_QUERY else pb.MatchPhraseQuery, message.query)
            found = self._field(q.field_name)
            if found is not None:
                tokens = self._text(found[0], q.text)
                exact = kind == QueryType.MATCH_PHRASE_QUERY and not (q.HasField("slop") and q.slop)
                if exact and found[0].analyzer not in _OVERLAPPING:  # a sloppy phrase marks its words
                    found[1].phrases.append(tokens)
                else:
                    found[1].tokens.update(tokens)
        elif kind in (QueryType.TERM_QUERY, QueryType.TERMS_QUERY):
            q = codec.parse(pb.TermQuery if kind == QueryType.TERM_QUERY else pb.TermsQuery, message.query)
            found = self._field(q.field_name)
            if found is not None:
                terms = [q.term] if kind == QueryType.TERM_QUERY else list(q.terms)
                found[1].tokens.update(coerce(found[0], variant(t)) for t in terms)
        elif kind == QueryType.PREFIX_QUERY:
            q = codec.parse(pb.PrefixQuery, message.query)
            found = self._field(q.field_name)
            if found is not None:
                found[1].prefixes.append(q.prefix)
        elif kind == QueryType.WILDCARD_QUERY:
            q = codec.parse(pb.WildcardQuery, message.query)
            found = self._field(q.field_name)
            if found is not None:
                found[1].patterns.append(wildcard_pattern(q.value))
        elif kind == QueryType.SUFFIX_QUERY:
            q = codec.parse(pb.SuffixQuery, message.query)
            found = self._field(q.field_name)
            if found is not None:
                found[1].suffixes.append(q.suffix)


def _places(tokens: Sequence[str], text: str) -> List[Tuple[str, _Span]]:
    """Each token of a non-overlapping analyzer with its span: the next place of it in the
    text after the previous token (a token not found there is left out)."""
    out: List[Tuple[str, _Span]] = []
    cursor = 0
    for token in tokens:
        start = text.find(token, cursor)
        if start >= 0:
            cursor = start + len(token)
            out.append((token, (start, cursor)))
    return out


def _every_place(token: str, text: str) -> List[_Span]:
    """Every (possibly overlapping) place of ``token`` in the text."""
    out: List[_Span] = []
    start = text.find(token)
    while start >= 0 and token:
        out.append((start, start + len(token)))
        start = text.find(token, start + 1)
    return out


def _marks(text: str, item: IndexField, asked: _Asked) -> List[_Span]:
    """The merged spans of the asked tokens and phrases in ``text``, in text order.
    Analyzers only split and lower characters, so each token is found in the (lowered) text;
    for overlapping analyzers (fuzzy n-grams, max_word) every place of an asked token is one."""
    tokens = analyze(text, item.analyzer, item.analyzer_parameter)
    if not item.analyzer_parameter.get("case_sensitive"):
        lowered = text.lower()  # per character where lowering changes a length (offsets must hold)
        text = lowered if len(lowered) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if item.analyzer in _OVERLAPPING:
        # fuzzy n-grams come from the first FUZZY_TEXT characters only (a 2 MB text: 1.9 s a row)
        analyzed = text[:FUZZY_TEXT] if item.analyzer == "fuzzy" else text
        marked = [span for token in set(tokens) if asked.wants(token) for span in _every_place(token, analyzed)]
    else:
        spans = _places(tokens, text)
        marked = [span for token, span in spans if asked.wants(token)]
        found = [token for token, _ in spans]
        for phrase in asked.phrases:
            size = len(phrase)
            for i in range(len(found) - size + 1):
                if size and found[i:i + size] == phrase:
                    marked.extend(span for _, span in spans[i:i + size])
    merged: List[_Span] = []
    for start, end in sorted(marked):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _windows(text: str, size: int, marks: List[_Span]) -> List[Tuple[_Span, List[_Span]]]:
    """The windows of ``text`` that hold marks, each with its marks (sorted, apart): the whole
    text when it fits in ``size`` (0: no limit), else consecutive windows of up to ``size``
    characters ending at a space in their second half when there is one, never cutting a
    mark; spaces at a window's edges are left out. Linear in the text and the marks."""
    if not size or len(text) <= size:
        return [((0, len(text)), marks)]
    out: List[Tuple[_Span, List[_Span]]] = []
    start, i = 0, 0
    while start < len(text) and i < len(marks):
        end = min(len(text), start + size)
        space = text.rfind(" ", start + 1, end + 1) if end < len(text) else -1
        if space > start + size // 2:
            end = space
        first = i
        while i < len(marks) and marks[i][0] < end:  # marks starting inside (one may run past the end)
            end = max(end, marks[i][1])
            i += 1
        if i > first:
            low, high = start, end
            while low < high and text[low].isspace():
                low += 1
            while high > low and text[high - 1].isspace():
                high -= 1
            out.append(((low, high), marks[first:i]))
        start = end
    return out


class Highlighter:
    """Highlight fragments of the asked fields of one search."""

    def __init__(self, parameters: Sequence[Tuple[str, _Parameter]], asked: Dict[str, _Asked], html: bool) -> None:
        self._parameters = parameters
        self._asked = asked
        self._html = html

    def _encode(self, text: str) -> str:
        return "".join(_HTML.get(c, c) for c in text) if self._html else text

    def _fragments(self, text: str, parameter: _Parameter, asked: _Asked) -> List[Tuple[int, int, str]]:
        """(start, mark count, fragment) of each fragment of ``text`` holding a mark."""
        marks = _marks(text, parameter.item, asked)
        if not marks:
            return []
        out = []
        for (start, end), inside in _windows(text, 0 if parameter.fragments == 0 else parameter.size, marks):
            parts, at = [], start
            for s, e in inside:
                parts += [self._encode(text[at:s]), parameter.pre, self._encode(text[s:e]), parameter.post]
                at = e
            parts.append(self._encode(text[at:end]))
            out.append((start, len(inside), "".join(parts)))
        return out

    def result(self, cells: Dict[str, Any]) -> Any:
        """The ``HighlightResult`` of a row from its attribute values (newest versions)."""
        message = pb.HighlightResult()
        for name, parameter in self._parameters:
            asked = self._asked.get(name)
            value = cells.get(name)
            if asked is None or not isinstance(value, str):
                continue
            texts = [value]
            if parameter.item.is_array:
                elements = json_value(value)
                texts = [e for e in elements if isinstance(e, str)] if isinstance(elements, list) else []
            found = [f for text in texts for f in self._fragments(text, parameter, asked)]
            if parameter.by_score:
                found = sorted(found, key=lambda f: -f[1])
            if parameter.fragments:
                found = found[:parameter.fragments]
            if found:
                message.highlight_fields.add(field_name=name, field_fragments=[f[2] for f in found])
        return message


def _parameter(index: SearchIndex, message: Any) -> _Parameter:
    name = message.field_name
    item = index_field(index, name)
    if not item.enable_highlighting:
        raise E.SEARCH_HIGHLIGHT.error(field=name)
    fragments = message.number_of_fragments if message.HasField("number_of_fragments") else DEFAULT_FRAGMENTS
    size = message.fragment_size if message.HasField("fragment_size") else DEFAULT_FRAGMENT_SIZE
    if fragments < 0:
        raise E.SEARCH_INVALID.error(detail=f"number_of_fragments [{fragments}] of field [{name}] must not be negative")
    if size <= 0:
        raise E.SEARCH_INVALID.error(detail=f"fragment_size [{size}] of field [{name}] must be positive")
    pre = message.pre_tag if message.HasField("pre_tag") else DEFAULT_PRE_TAG
    post = message.post_tag if message.HasField("post_tag") else DEFAULT_POST_TAG
    if max(len(pre), len(post)) > MAX_TAG_LENGTH:
        raise E.SEARCH_INVALID.error(detail=f"pre_tag and post_tag of field [{name}] must not exceed {MAX_TAG_LENGTH} characters")
    return _Parameter(
        item, fragments, size, pre, post,
        message.HasField("fragments_order") and message.fragments_order == HighlightFragmentOrder.SCORE,
    )


def compile_highlight(index: SearchIndex, query: Any, highlight: Any) -> Highlighter:
    """A highlighter for the ``Highlight`` message of a search with ``query``; a field
    without ``enable_highlighting`` fails the request."""
    names = [p.field_name for p in highlight.highlight_parameters]
    if len(set(names)) < len(names):  # each would highlight every row again (10,000 of one field: minutes)
        raise E.SEARCH_INVALID.error(detail="a field is highlighted at most once")  # [I]
    parameters = [(p.field_name, _parameter(index, p)) for p in highlight.highlight_parameters]
    walker = _Walker(index)
    walker.walk(query)
    html = highlight.HasField("highlight_encoder") and highlight.highlight_encoder == HighlightEncoder.HTML_MODE
    return Highlighter(parameters, walker.asked, html)
