"""Search-index documents: the fields of an index, how a base row becomes a document,
the analyzers, and the SQLite tables that hold indexes and documents.

An index's document of a row is a JSON object ``{field: [values]}`` holding only fields
the row has a value for (after type conversion): LONG ints, DOUBLE floats, BOOLEAN bools,
KEYWORD strings, TEXT the analyzed tokens in position order, DATE ms since the epoch,
GEO_POINT ``[lat, lon]`` pairs, NESTED sub-documents, VECTOR one list of floats; a TEXT
field analyzed with min_word / max_word also keeps its token positions (``POSITIONS``);
:data:`WRITTEN` holds the newest cell timestamp (ms), so searches leave out rows past the
table's or the index's TTL. Documents live in the same SQLite database as the rows and are
written by :meth:`SearchDocuments.maintain` inside the base write's own transaction, so a
row is searchable as soon as its write returns. Beside each document, the scalar values
(LONG, DOUBLE, BOOLEAN, KEYWORD, DATE; nested sub-fields as ``n.sub``) and :data:`WRITTEN`
are kept one row per value in ``ots_search_values``, indexed by value, for the SQL
pre-filter (prefilter.py); a NaN is kept as NULL.
"""
from __future__ import annotations

import datetime
import importlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from alicloud_storage.emulator.tablestore.model import Cells
from alicloud_storage.emulator.tablestore.search.geo import parse_point
from alicloud_storage.emulator.tablestore.storage import Storage, batched_rows

__all__ = [
    "LONG", "DOUBLE", "BOOLEAN", "KEYWORD", "TEXT", "NESTED", "GEO_POINT", "DATE", "VECTOR",
    "DICTIONARY_ANALYZERS", "POSITIONAL_ANALYZERS", "POSITIONS",
    "IndexField", "SearchIndex", "SearchDocuments", "analyze", "analyze_positions", "phrase_positions", "to_date", "document", "sub_document",
    "nested_objects",
    "WRITTEN", "alive", "SCALAR_TYPES", "json_value", "date_regex", "MAX_FUZZY_CHARS", "FUZZY_TEXT",
]

# FieldType numbers of the protocol.
LONG, DOUBLE, BOOLEAN, KEYWORD, TEXT, NESTED, GEO_POINT, DATE, VECTOR = 1, 2, 3, 4, 5, 6, 7, 8, 9
# The document key of the row's newest cell timestamp (ms); no field name can take it.
WRITTEN = "#written"
# [I] the fuzzy analyzer's largest n-gram (its default; the service's bound is not public):
# every start of a text's FUZZY_TEXT characters yields max_chars - min_chars + 1 tokens
MAX_FUZZY_CHARS = 7
FUZZY_TEXT = 1024  # [D] the fuzzy analyzer reads a text's first 1024 characters only
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ots_search_indexes (
    sid INTEGER PRIMARY KEY,
    instance TEXT NOT NULL,
    table_name TEXT NOT NULL,
    index_name TEXT NOT NULL,
    tid INTEGER NOT NULL,
    meta TEXT NOT NULL,
    UNIQUE (instance, table_name, index_name)
);
CREATE TABLE IF NOT EXISTS ots_search_docs (
    sid INTEGER NOT NULL,
    pk BLOB NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (sid, pk)
) WITHOUT ROWID;
"""
# Created apart so a database from before it gets it filled from the stored documents.
_VALUES_SCHEMA = (
    "CREATE TABLE ots_search_values (sid INTEGER NOT NULL, pk BLOB NOT NULL, field TEXT NOT NULL,"
    " seq INTEGER NOT NULL, v, PRIMARY KEY (sid, pk, field, seq)) WITHOUT ROWID",
    "CREATE INDEX ots_search_values_by_value ON ots_search_values (sid, field, v)",
)


@dataclass(frozen=True)
class IndexField:
    """One field of an index as stored (flags resolved to the service's defaults)."""

    name: str
    type: int
    index: bool = True
    store: bool = False
    is_array: bool = False
    sort_and_agg: bool = False
    analyzer: str = ""
    analyzer_parameter: Dict[str, Any] = field(default_factory=dict)
    date_formats: Tuple[str, ...] = ()
    sub_fields: Tuple["IndexField", ...] = ()
    enable_highlighting: Optional[bool] = None
    # VECTOR: the dimension and the VectorMetricType (the data type is always float32)
    dimension: int = 0
    metric: int = 0

    def to_json(self) -> Dict[str, Any]:
        """A JSON-ready dict (storage format)."""
        return {
            "name": self.name, "type": self.type, "index": self.index, "store": self.store,
            "is_array": self.is_array, "sort_and_agg": self.sort_and_agg, "analyzer": self.analyzer,
            "analyzer_parameter": self.analyzer_parameter, "date_formats": list(self.date_formats),
            "sub_fields": [f.to_json() for f in self.sub_fields],
            "enable_highlighting": self.enable_highlighting, "dimension": self.dimension, "metric": self.metric,
        }

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "IndexField":
        """The inverse of ``to_json``."""
        return cls(
            data["name"], data["type"], data["index"], data["store"], data["is_array"], data["sort_and_agg"],
            data["analyzer"], dict(data["analyzer_parameter"]), tuple(data["date_formats"]),
            tuple(cls.from_json(f) for f in data["sub_fields"]), data["enable_highlighting"],
            data.get("dimension", 0), data.get("metric", 0),
        )


@dataclass(frozen=True)
class SearchIndex:
    """A search index: its table, fields, routing fields, index sort (serialized Sort), TTL."""

    sid: int
    instance: str
    table_name: str
    name: str
    tid: int
    fields: Tuple[IndexField, ...]
    routing_fields: Tuple[str, ...] = ()
    index_sort: bytes = b""
    time_to_live: int = -1
    create_time_us: int = 0

    def field(self, name: str) -> Optional[IndexField]:
        """The field called ``name`` (``n.sub`` for a nested sub-field), or None."""
        head, _, rest = name.partition(".")
        for item in self.fields:
            if item.name == head:
                if not rest:
                    return item
                return next((sub for sub in item.sub_fields if sub.name == rest), None)
        return None

    def to_json(self) -> Dict[str, Any]:
        """A JSON-ready dict (storage format)."""
        return {
            "fields": [f.to_json() for f in self.fields], "routing_fields": list(self.routing_fields),
            "index_sort": self.index_sort.hex(), "time_to_live": self.time_to_live,
            "create_time_us": self.create_time_us,
        }

    @classmethod
    def from_row(cls, sid: int, instance: str, table: str, name: str, tid: int, meta: str) -> "SearchIndex":
        """An index from its ots_search_indexes row."""
        data = json.loads(meta)
        return cls(
            sid, instance, table, name, tid, tuple(IndexField.from_json(f) for f in data["fields"]),
            tuple(data["routing_fields"]), bytes.fromhex(data["index_sort"]), data["time_to_live"],
            data["create_time_us"],
        )


# --- analyzers ---------------------------------------------------------------------
_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SINGLE_WORD = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
_LETTERS_DIGITS = re.compile(r"\d+|[^\W\d_]+")
_RUNS = re.compile(f"([{_CJK}]+)|[^\\W_{_CJK}]+")
DICTIONARY_ANALYZERS = ("min_word", "max_word")
# analyzers whose tokens share positions (overlapping words, n-grams starting together)
POSITIONAL_ANALYZERS = DICTIONARY_ANALYZERS + ("fuzzy",)
# suffix of the document key holding such a field's token positions
POSITIONS = "#pos"
_jieba: List[Any] = []


def _segmenter() -> Any:
    """jieba with its dictionary loaded (once per process, on first use)."""
    if not _jieba:
        jieba = importlib.import_module("jieba")
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba.append(jieba)
    return _jieba[0]


def _dictionary_words(run: str, finest: bool) -> List[Tuple[str, int]]:
    """(word, offset in ``run``) of a CJK run: max_word is every dictionary word of two or more
    characters at every start (``jieba.get_DAG``) plus the characters no such word covers
    (fact sheet §3.3, reproduces the official full-text test); min_word is jieba's coarse
    segmentation without HMM [I]."""
    jieba = _segmenter()
    if not finest:
        words, at = [], 0
        for word in jieba.cut(run, HMM=False):
            words.append((word, at))
            at += len(word)
        return words
    dag = jieba.get_DAG(run)
    covered: Set[int] = set()
    found = []
    for start in range(len(run)):
        for end in dag.get(start, []):
            if end > start:
                found.append((run[start:end + 1], start))
                covered.update(range(start, end + 1))
    found += [(run[i], i) for i in range(len(run)) if i not in covered]
    return sorted(found, key=lambda item: item[1])


def analyze_positions(text: str, analyzer: str, parameter: Dict[str, Any]) -> List[Tuple[str, int]]:
    """(token, position) of ``text`` in position order. The dictionary analyzers give several
    tokens one position (overlapping words that start together); their position is the start
    offset among the characters that belong to tokens, so a phrase's words keep their distance
    across spaces and punctuation. Runs of letters and digits are one lowercased token [I]."""
    if analyzer == "fuzzy":
        low, high, text = *_gram_sizes(parameter), text[:FUZZY_TEXT].lower()
        return [(text[i:i + n], i) for i in range(len(text)) for n in range(low, high + 1) if i + n <= len(text)]
    if analyzer not in DICTIONARY_ANALYZERS:
        return [(token, i) for i, token in enumerate(analyze(text, analyzer, parameter))]
    tokens: List[Tuple[str, int]] = []
    at = 0
    for match in _RUNS.finditer(text):
        run = match.group()
        if match.group(1):
            tokens += [(word, at + offset) for word, offset in _dictionary_words(run, analyzer == "max_word")]
        else:
            tokens.append((run.lower(), at))
        at += len(run)
    return tokens


def _gram_sizes(parameter: Dict[str, Any]) -> Tuple[int, int]:
    """The fuzzy analyzer's (min_chars, max_chars), defaults 1 and 7."""
    return parameter.get("min_chars", 1) or 1, parameter.get("max_chars", 7) or 7


def phrase_positions(text: str, analyzer: str, parameter: Dict[str, Any]) -> List[Tuple[str, int]]:
    """(token, position) of a match-phrase text. On ``fuzzy`` the phrase is a substring search:
    the text in pieces of ``max_chars`` at their offsets (the last piece ends at the text's
    end), so a document matches where every piece starts at its distance [I]; a text shorter
    than ``min_chars`` has no pieces."""
    if analyzer != "fuzzy":
        return analyze_positions(text, analyzer, parameter)
    low, high = _gram_sizes(parameter)
    text = text[:FUZZY_TEXT].lower()
    if len(text) < low:
        return []
    starts = sorted({*range(0, len(text) - high, high), max(len(text) - high, 0)})
    return [(text[at:at + high], at) for at in starts]


def analyze(text: str, analyzer: str, parameter: Dict[str, Any]) -> List[str]:
    """The tokens of ``text`` in position order, as the TEXT analyzer produces them."""
    if analyzer in POSITIONAL_ANALYZERS:
        return [token for token, _ in analyze_positions(text, analyzer, parameter)]
    if analyzer == "split":
        tokens = [t for t in text.split(parameter.get("delimiter") or " ") if t]
        return tokens if parameter.get("case_sensitive") else [t.lower() for t in tokens]
    # single_word: one token per CJK character, runs of letters and digits otherwise
    tokens = _SINGLE_WORD.findall(text)
    if parameter.get("delimit_word"):
        tokens = [part for token in tokens for part in _LETTERS_DIGITS.findall(token) or [token]]
    return tokens if parameter.get("case_sensitive") else [t.lower() for t in tokens]


# --- values --------------------------------------------------------------------------
_JAVA_PATTERN = re.compile(r"yyyy|MM|dd|HH|mm|ss|SSS|'[^']*'|.", re.S)
_PATTERN_PARTS = {
    "yyyy": r"(?P<year>\d{4})", "MM": r"(?P<month>\d{2})", "dd": r"(?P<day>\d{2})",
    "HH": r"(?P<hour>\d{2})", "mm": r"(?P<minute>\d{2})", "ss": r"(?P<second>\d{2})",
    "SSS": r"(?P<ms>\d{3})",
}


def date_regex(pattern: str) -> "re.Pattern[str]":
    parts = []
    for piece in _JAVA_PATTERN.findall(pattern):
        if piece in _PATTERN_PARTS:
            parts.append(_PATTERN_PARTS[piece])
        elif piece.startswith("'") and len(piece) > 1:
            parts.append(re.escape(piece[1:-1]))
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts))  # re.error: a part repeated (its group defined twice)


def to_date(value: Any, formats: Sequence[str]) -> Optional[int]:
    """A DATE value in ms (an int is taken as ms), or None when no format matches strictly."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    for pattern in formats:
        match = date_regex(pattern).fullmatch(value)
        if match is None:
            continue
        parts = {k: int(v) for k, v in match.groupdict().items()}
        try:
            moment = datetime.datetime(
                parts.get("year", 1970), parts.get("month", 1), parts.get("day", 1), parts.get("hour", 0),
                parts.get("minute", 0), parts.get("second", 0), parts.get("ms", 0) * 1000,
                tzinfo=datetime.timezone.utc,
            )
        except ValueError:
            continue
        return int(moment.timestamp() * 1000)
    return None


def _scalar(item: IndexField, value: Any) -> Any:
    """One value converted to the field's type, or None when the type does not fit."""
    kind = item.type
    if kind == LONG:  # a JSON array's element may be past int64 (the value table cannot hold it)
        return value if isinstance(value, int) and not isinstance(value, bool) and _long(value) else None
    if kind == DOUBLE:
        return _double(value)
    if kind == BOOLEAN:
        return value if isinstance(value, bool) else None
    if kind in (KEYWORD, TEXT):
        return value if isinstance(value, str) else None
    if kind == DATE:
        ms = to_date(value, item.date_formats)
        return ms if ms is not None and _long(ms) else None
    if kind == GEO_POINT:
        point = parse_point(value) if isinstance(value, str) else None
        return list(point) if point is not None else None
    if kind == VECTOR and isinstance(value, list) and len(value) == item.dimension:
        vector = [_double(v) for v in value]
        return vector if None not in vector else None
    return None


def _long(value: int) -> bool:
    return _INT64_MIN <= value <= _INT64_MAX


def _double(value: Any) -> Optional[float]:
    """A JSON number as a double; None for other values and integers past a double's range."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def json_value(text: Any) -> Any:
    """A column's JSON text parsed (arrays, nested objects, vectors); None when it is not
    a string or not JSON, however it fails (nesting past Python's recursion included)."""
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def nested_objects(value: Any) -> List[Dict[str, Any]]:
    """The objects of a NESTED column value (a JSON array of objects, or one object), in
    the order their sub-documents take (offsets of inner hits)."""
    objects = json_value(value)
    if isinstance(objects, dict):
        objects = [objects]
    return [o for o in objects if isinstance(o, dict)] if isinstance(objects, list) else []


def _values(item: IndexField, value: Any) -> List[Any]:
    """The index values of one column value for ``item`` ([] when none fits)."""
    if item.type == NESTED:
        return [sub_document(item.sub_fields, o) for o in nested_objects(value)]
    elements: List[Any] = [value]
    if item.type == VECTOR:
        elements = [json_value(value)]
    elif item.is_array:
        parsed = json_value(value)
        if not isinstance(parsed, list):
            return []
        elements = parsed
    out: List[Any] = []
    for element in elements:
        if item.type == TEXT and isinstance(element, str):
            out.extend(analyze(element, item.analyzer, item.analyzer_parameter))
            continue
        converted = _scalar(item, element)
        if converted is not None:
            out.append(converted)
    return out


def _positions(item: IndexField, value: Any) -> List[int]:
    """The token positions of a TEXT value of a positional analyzer, in the order of its tokens;
    the elements of an array are 100 positions apart (Lucene's position gap) [I]."""
    elements = json.loads(value) if item.is_array else [value]
    positions: List[int] = []
    for element in elements:
        if isinstance(element, str):
            base = positions[-1] + 100 if positions else 0
            positions += [base + at for _, at in analyze_positions(element, item.analyzer, item.analyzer_parameter)]
    return positions


def sub_document(fields: Sequence[IndexField], values: Dict[str, Any]) -> Dict[str, List[Any]]:
    """The document of one nested object (a TEXT field of a positional analyzer adds its
    token positions under ``field + POSITIONS``)."""
    doc = {}
    for item in fields:
        if item.name in values:
            found = _values(item, values[item.name])
            if found:
                doc[item.name] = found
                if item.type == TEXT and item.analyzer in POSITIONAL_ANALYZERS:
                    doc[item.name + POSITIONS] = _positions(item, values[item.name])
    return doc


def document(fields: Sequence[IndexField], pk: Dict[str, Any], cells: Cells) -> Dict[str, Any]:
    """The document of a row: its key columns, the newest version of each attribute and,
    under :data:`WRITTEN`, the newest cell timestamp (a row of key columns only has none)."""
    values = dict(pk)
    for name, versions in cells.items():
        if versions and name not in values:
            values[name] = versions[0][1]
    doc: Dict[str, Any] = sub_document(fields, values)
    stamps = [versions[0][0] for versions in cells.values() if versions]
    if stamps:
        doc[WRITTEN] = max(stamps)
    return doc


def alive(doc: Dict[str, Any], floor_ms: Optional[int]) -> bool:
    """Whether a document's row has a cell written at or after ``floor_ms`` (None: no TTL)."""
    return floor_ms is None or doc.get(WRITTEN, floor_ms) >= floor_ms


# The field types whose values the value table holds (they compare in SQL as in Python).
SCALAR_TYPES = (LONG, DOUBLE, BOOLEAN, KEYWORD, DATE)


def _value_rows(index: SearchIndex, key: bytes, doc: Dict[str, Any]) -> List[Tuple[Any, ...]]:
    """The ots_search_values rows of one document."""
    rows: List[Tuple[Any, ...]] = []
    if WRITTEN in doc:
        rows.append((index.sid, key, WRITTEN, 0, doc[WRITTEN]))
    for item in index.fields:
        found = doc.get(item.name)
        if not found:
            continue
        if item.type in SCALAR_TYPES:
            rows.extend((index.sid, key, item.name, seq, v) for seq, v in enumerate(found))
        elif item.type == NESTED:
            for sub in item.sub_fields:
                if sub.type in SCALAR_TYPES:
                    values = [v for obj in found for v in obj.get(sub.name, [])]
                    name = f"{item.name}.{sub.name}"
                    rows.extend((index.sid, key, name, seq, v) for seq, v in enumerate(values))
    return rows


_INSERT_VALUES = "INSERT INTO ots_search_values (sid, pk, field, seq, v) VALUES (?, ?, ?, ?, ?)"


class SearchDocuments:
    """The search indexes and their documents in the storage's SQLite database."""

    def __init__(self, storage: Storage) -> None:
        self._db = storage.connection
        self._db.executescript(_SCHEMA)
        if self._db.execute("SELECT 1 FROM sqlite_master WHERE name='ots_search_values'").fetchone() is None:
            with storage.write():
                for statement in _VALUES_SCHEMA:
                    self._db.execute(statement)
                for index in self._rows("1", ()):
                    for key, doc in self.documents(index):
                        self._db.executemany(_INSERT_VALUES, _value_rows(index, key, doc))
        # table id -> its indexes; dropped on every index change
        self._by_tid: Dict[int, List[SearchIndex]] = {}
        # parallel scan sessions: id -> [index id, alive time (s), time of last use]
        self.scan_sessions: Dict[bytes, List[Any]] = {}

    def _rows(self, where: str, args: Tuple[Any, ...]) -> List[SearchIndex]:
        rows = self._db.execute(
            "SELECT sid, instance, table_name, index_name, tid, meta FROM ots_search_indexes WHERE "
            + where + " ORDER BY table_name, index_name", args,
        )
        return [SearchIndex.from_row(*row) for row in rows]

    def of_table(self, tid: int) -> List[SearchIndex]:
        """The indexes of a table, by its storage id."""
        if tid not in self._by_tid:
            self._by_tid[tid] = self._rows("tid=?", (tid,))
        return self._by_tid[tid]

    def get(self, instance: str, table: str, name: str) -> Optional[SearchIndex]:
        """One index, or None."""
        found = self._rows("instance=? AND table_name=? AND index_name=?", (instance, table, name))
        return found[0] if found else None

    def list(self, instance: str, table: Optional[str]) -> List[SearchIndex]:
        """The indexes of an instance, or of one of its tables."""
        if table is None:
            return self._rows("instance=?", (instance,))
        return self._rows("instance=? AND table_name=?", (instance, table))

    def insert(self, index: SearchIndex) -> SearchIndex:
        """Store a new index (inside the caller's transaction); returns it with its id."""
        cursor = self._db.execute(
            "INSERT INTO ots_search_indexes (instance, table_name, index_name, tid, meta) VALUES (?, ?, ?, ?, ?)",
            (index.instance, index.table_name, index.name, index.tid, json.dumps(index.to_json())),
        )
        self._by_tid.clear()
        found = self.get(index.instance, index.table_name, index.name)
        assert found is not None and found.sid == cursor.lastrowid
        return found

    def update(self, index: SearchIndex) -> None:
        """Replace an index's stored meta."""
        self._db.execute("UPDATE ots_search_indexes SET meta=? WHERE sid=?", (json.dumps(index.to_json()), index.sid))
        self._by_tid.clear()

    def delete(self, index: SearchIndex) -> None:
        """Drop an index and its documents."""
        self._db.execute("DELETE FROM ots_search_docs WHERE sid=?", (index.sid,))
        self._db.execute("DELETE FROM ots_search_values WHERE sid=?", (index.sid,))
        self._db.execute("DELETE FROM ots_search_indexes WHERE sid=?", (index.sid,))
        self._by_tid.clear()

    def forget(self) -> None:
        """Drop the cache (after a rollback or a reset)."""
        self._by_tid.clear()

    def maintain(self, tid: int, key: bytes, pk: Dict[str, Any], cells: Optional[Cells]) -> None:
        """Bring every index of table ``tid`` in step with the row ``key`` (None: deleted)."""
        for index in self.of_table(tid):
            self.put(index, key, pk, cells)

    def put(self, index: SearchIndex, key: bytes, pk: Dict[str, Any], cells: Optional[Cells]) -> None:
        """Write (or, for None, delete) one row's document of ``index`` and its values."""
        self._db.execute("DELETE FROM ots_search_values WHERE sid=? AND pk=?", (index.sid, key))
        if cells is None:
            self._db.execute("DELETE FROM ots_search_docs WHERE sid=? AND pk=?", (index.sid, key))
            return
        doc = document(index.fields, pk, cells)
        self._db.execute(
            "INSERT OR REPLACE INTO ots_search_docs (sid, pk, doc) VALUES (?, ?, ?)",
            (index.sid, key, json.dumps(doc, separators=(",", ":"))),
        )
        self._db.executemany(_INSERT_VALUES, _value_rows(index, key, doc))

    def backfill(self, index: SearchIndex, rows: Iterator[Tuple[bytes, Dict[str, Any], Cells]]) -> None:
        """Index the (key, primary key, cells) of a new index's existing rows, in bulk."""
        docs: List[Tuple[Any, ...]] = []
        values: List[Tuple[Any, ...]] = []
        for key, pk, cells in rows:
            doc = document(index.fields, pk, cells)
            docs.append((index.sid, key, json.dumps(doc, separators=(",", ":"))))
            values.extend(_value_rows(index, key, doc))
        self._db.executemany("INSERT INTO ots_search_docs (sid, pk, doc) VALUES (?, ?, ?)", docs)
        self._db.executemany(_INSERT_VALUES, values)

    def select(self, sql: str, args: Sequence[Any]) -> List[Tuple[Any, ...]]:
        """The rows of a read-only query over the documents and values (the pre-filter's SQL)."""
        return self._db.execute(sql, args).fetchall()

    def stats(self, index: SearchIndex) -> Tuple[int, int]:
        """(documents, bytes stored) of an index: DescribeSearchIndex's metering info."""
        count, size = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(pk) + LENGTH(doc)), 0) FROM ots_search_docs WHERE sid=?",
            (index.sid,),
        ).fetchone()
        return int(count), int(size)

    def documents(self, index: SearchIndex) -> Iterator[Tuple[bytes, Dict[str, List[Any]]]]:
        """(row key, document) of every row of the index, in primary-key order."""
        rows = batched_rows(self._db.execute("SELECT pk, doc FROM ots_search_docs WHERE sid=? ORDER BY pk", (index.sid,)))
        return ((bytes(key), json.loads(doc)) for key, doc in rows)
