"""Search-index models: index schema, queries, sorts, the search query and its response.

Names, constructor signatures and attribute names are those of the official ``tablestore``
package, so code written for it keeps working with only the import changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Iterator, List, Optional, Tuple

__all__ = [
    "FieldType",
    "AnalyzerType",
    "SingleWordAnalyzerParameter",
    "SplitAnalyzerParameter",
    "FuzzyAnalyzerParameter",
    "FieldSchema",
    "IndexSetting",
    "SearchIndexMeta",
    "SyncPhase",
    "SyncStat",
    "SortOrder",
    "SortMode",
    "Sorter",
    "FieldSort",
    "PrimaryKeySort",
    "ScoreSort",
    "Sort",
    "QueryOperator",
    "Query",
    "MatchAllQuery",
    "MatchQuery",
    "MatchPhraseQuery",
    "TermQuery",
    "TermsQuery",
    "RangeQuery",
    "PrefixQuery",
    "WildcardQuery",
    "ExistsQuery",
    "BoolQuery",
    "SearchQuery",
    "SearchHit",
    "SearchResponse",
    "Agg",
    "Max",
    "Min",
    "Avg",
    "Sum",
    "Count",
    "DistinctCount",
    "AggResult",
    "GroupKeySort",
    "RowCountSort",
    "SubAggSort",
    "GroupByField",
    "GroupByResult",
    "GroupByFieldResultItem",
    "ScanQuery",
    "ComputeSplitsResponse",
    "ParallelScanResponse",
]


class FieldType(IntEnum):
    """The type of an index field (wire numbers)."""

    LONG = 1
    DOUBLE = 2
    BOOLEAN = 3
    KEYWORD = 4
    TEXT = 5
    NESTED = 6
    GEOPOINT = 7
    DATE = 8
    VECTOR = 9
    JSON = 12


class AnalyzerType:
    """The analyzer names of TEXT fields."""

    SINGLEWORD = "single_word"
    MAXWORD = "max_word"
    MINWORD = "min_word"
    FUZZY = "fuzzy"
    SPLIT = "split"


@dataclass
class SingleWordAnalyzerParameter:
    """single_word options: case sensitivity, splitting letters from digits."""

    case_sensitive: bool = False
    delimit_word: bool = False


@dataclass
class SplitAnalyzerParameter:
    """split options: the delimiter."""

    delimiter: str = " "


@dataclass
class FuzzyAnalyzerParameter:
    """fuzzy options: the n-gram lengths."""

    min_chars: int = 1
    max_chars: int = 7


@dataclass
class FieldSchema:
    """One field of a search index; None flags are left to the service's defaults."""

    field_name: str
    field_type: FieldType
    index: Optional[bool] = None
    store: Optional[bool] = None
    is_array: Optional[bool] = None
    enable_sort_and_agg: Optional[bool] = None
    analyzer: Optional[str] = None
    sub_field_schemas: Optional[List["FieldSchema"]] = None
    analyzer_parameter: Any = None
    date_formats: Optional[List[str]] = None
    is_virtual_field: bool = False
    source_fields: Optional[List[str]] = None
    vector_options: Any = None
    enable_highlighting: Optional[bool] = None
    json_type: Any = None
    text_similarity: Any = None

    def __post_init__(self) -> None:
        self.sub_field_schemas = list(self.sub_field_schemas or [])
        self.date_formats = list(self.date_formats or [])
        self.source_fields = list(self.source_fields or [])


@dataclass
class IndexSetting:
    """Index settings: the routing fields."""

    routing_fields: Optional[List[str]] = None

    def __post_init__(self) -> None:
        self.routing_fields = list(self.routing_fields or [])


class SortOrder(IntEnum):
    """Ascending or descending."""

    ASC = 0
    DESC = 1


class SortMode(IntEnum):
    """Which value of a multi-valued field a sort uses."""

    MIN = 0
    MAX = 1
    AVG = 2


class Sorter:
    """Base class of the sorters."""


@dataclass
class FieldSort(Sorter):
    """Sort by a field's value."""

    field_name: str
    sort_order: Optional[SortOrder] = None
    sort_mode: Optional[SortMode] = None
    nested_filter: Any = None


@dataclass
class PrimaryKeySort(Sorter):
    """Sort by the primary key."""

    sort_order: SortOrder = SortOrder.ASC


@dataclass
class ScoreSort(Sorter):
    """Sort by relevance score."""

    sort_order: SortOrder = SortOrder.DESC


@dataclass
class Sort:
    """A list of sorters, applied in order."""

    sorters: List[Sorter]


@dataclass
class SearchIndexMeta:
    """A search index's fields, settings, pre-sort and TTL (s, -1 = forever)."""

    fields: Optional[List[FieldSchema]]
    index_setting: Optional[IndexSetting] = None
    index_sort: Optional[Sort] = None
    time_to_live: int = -1


class SyncPhase(IntEnum):
    """Whether an index is still loading existing rows (FULL) or following writes (INCR)."""

    FULL = 0
    INCR = 1


@dataclass
class SyncStat:
    """An index's phase and the time (ns) up to which it has caught up."""

    sync_phase: SyncPhase
    current_sync_timestamp: int


class QueryOperator(IntEnum):
    """How a match query combines its tokens."""

    OR = 1
    AND = 2


class Query:
    """Base class of the queries."""


@dataclass
class MatchAllQuery(Query):
    """Every row."""


@dataclass
class MatchQuery(Query):
    """Rows whose analyzed field shares tokens with the analyzed text."""

    field_name: str
    text: str
    minimum_should_match: Optional[int] = None
    operator: Optional[QueryOperator] = None
    weight: Optional[float] = None


@dataclass
class MatchPhraseQuery(Query):
    """Rows whose analyzed field holds the text's tokens consecutively."""

    field_name: str
    text: str
    weight: Optional[float] = None
    slop: Optional[int] = None


@dataclass
class TermQuery(Query):
    """Rows whose field holds exactly this value."""

    field_name: str
    column_value: Any
    weight: Optional[float] = None


@dataclass
class TermsQuery(Query):
    """Rows whose field holds any of these values."""

    field_name: str
    column_values: List[Any]
    weight: Optional[float] = None


@dataclass
class RangeQuery(Query):
    """Rows whose field lies in a range (lower bound inclusive, upper exclusive by default)."""

    field_name: str
    range_from: Any = None
    range_to: Any = None
    include_lower: bool = True
    include_upper: bool = False


@dataclass
class PrefixQuery(Query):
    """Rows whose field holds a term starting with the prefix."""

    field_name: str
    prefix: str
    weight: Optional[float] = None


@dataclass
class WildcardQuery(Query):
    """Rows whose field holds a term matching the pattern (``*`` and ``?``)."""

    field_name: str
    value: str
    weight: Optional[float] = None


@dataclass
class ExistsQuery(Query):
    """Rows holding a value in the field."""

    field_name: str


@dataclass
class BoolQuery(Query):
    """A Boolean combination of queries."""

    must_queries: Optional[List[Query]] = None
    must_not_queries: Optional[List[Query]] = None
    filter_queries: Optional[List[Query]] = None
    should_queries: Optional[List[Query]] = None
    minimum_should_match: Optional[int] = None
    weight: Optional[float] = None

    def __post_init__(self) -> None:
        self.must_queries = list(self.must_queries or [])
        self.must_not_queries = list(self.must_not_queries or [])
        self.filter_queries = list(self.filter_queries or [])
        self.should_queries = list(self.should_queries or [])


class Agg:
    """An aggregation over the matched rows: its field, value for rows without it, name, type."""

    def __init__(self, field: str, missing_value: Any, name: str, agg_type: int) -> None:
        self.field = field
        self.missing = missing_value
        self.name = name
        self.type = agg_type

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.field!r}, name={self.name!r})"


class Max(Agg):
    """The largest value of a numeric field."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "max") -> None:
        super().__init__(field, missing_value, name, 2)


class Min(Agg):
    """The smallest value of a numeric field."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "min") -> None:
        super().__init__(field, missing_value, name, 3)


class Avg(Agg):
    """The mean of a numeric field's values."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "avg") -> None:
        super().__init__(field, missing_value, name, 1)


class Sum(Agg):
    """The sum of a numeric field's values."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "sum") -> None:
        super().__init__(field, missing_value, name, 4)


class Count(Agg):
    """How many values a field holds over the matched rows."""

    def __init__(self, field: str, name: str = "count") -> None:
        super().__init__(field, None, name, 5)


class DistinctCount(Agg):
    """How many distinct values a field holds over the matched rows."""

    def __init__(self, field: str, missing_value: Any = None, name: str = "distinct_count") -> None:
        super().__init__(field, missing_value, name, 6)


@dataclass
class AggResult:
    """One aggregation's name and value."""

    name: str
    value: Any


@dataclass
class GroupKeySort:
    """Order groups by their key."""

    sort_order: SortOrder


@dataclass
class RowCountSort:
    """Order groups by their row count."""

    sort_order: SortOrder


@dataclass
class SubAggSort:
    """Order groups by one of their sub-aggregations."""

    sort_order: SortOrder
    sub_agg_name: str


class GroupByField:
    """Group the matched rows by the values of a field (default: 10 largest groups)."""

    def __init__(
        self,
        field_name: str,
        size: Optional[int] = None,
        group_by_sort: Optional[List[Any]] = None,
        sub_aggs: Optional[List[Agg]] = None,
        sub_group_bys: Optional[List["GroupByField"]] = None,
        name: str = "group_by_field",
    ) -> None:
        self.field_name = field_name
        self.size = size
        self.group_by_sort = group_by_sort
        self.sub_aggs = list(sub_aggs or [])
        self.sub_group_bys = list(sub_group_bys or [])
        self.name = name
        self.type = 1

    def __repr__(self) -> str:
        return f"GroupByField({self.field_name!r}, name={self.name!r})"


@dataclass
class GroupByFieldResultItem:
    """One group: its key (as text), row count, sub-aggregation and sub-group-by results."""

    key: str
    row_count: int
    sub_aggs: List[AggResult]
    sub_group_bys: List["GroupByResult"]


@dataclass
class GroupByResult:
    """One group-by's name and groups."""

    name: str
    items: List[Any]
    source_group_by_names: Any = None
    next_token: Any = None


@dataclass
class SearchQuery:
    """A query with its sort, paging and whether to count all matches."""

    query: Query
    sort: Optional[Sort] = None
    get_total_count: bool = False
    next_token: Optional[bytes] = None
    offset: Optional[int] = None
    limit: Optional[int] = None
    aggs: Any = None
    group_bys: Any = None
    collapse_field: Any = None
    highlight: Any = None


@dataclass
class SearchHit:
    """One hit: the row and its score."""

    row: Any
    score: float
    highlight_result: Any = None
    search_inner_hits: List[Any] = field(default_factory=list)
    nested_doc_offset: int = 0


@dataclass
class SearchResponse:
    """The rows of a search; iterates as the official tuple
    ``(rows, next_token, total_count, is_all_succeed, agg_results, group_by_results, search_hits)``."""

    rows: List[Tuple[Any, Any]]
    agg_results: List[Any]
    group_by_results: List[Any]
    next_token: bytes
    is_all_succeed: bool
    total_count: int
    search_hits: List[SearchHit]
    request_id: str = ""

    def __iter__(self) -> Iterator[Any]:
        return iter((
            self.rows, self.next_token, self.total_count, self.is_all_succeed,
            self.agg_results, self.group_by_results, self.search_hits,
        ))

    def v1_response(self) -> Tuple[Any, ...]:
        """The official tuple form."""
        return tuple(self)


@dataclass
class ScanQuery:
    """One page of a parallel scan: the query, page size, paging token, this worker's id,
    the number of workers, and how long (s) the session stays alive after this call."""

    query: Query
    limit: Optional[int]
    next_token: Optional[bytes]
    current_parallel_id: int
    max_parallel: int
    alive_time: int = 60


@dataclass
class ComputeSplitsResponse:
    """A parallel scan session and how many workers it allows; iterates as the official tuple."""

    session_id: str
    splits_size: int
    request_id: str = ""

    def __iter__(self) -> Iterator[Any]:
        return iter((self.session_id, self.splits_size))


@dataclass
class ParallelScanResponse:
    """A page of a parallel scan; iterates as the official tuple ``(rows, next_token)``."""

    rows: List[Tuple[Any, Any]]
    next_token: bytes
    request_id: str = ""

    def __iter__(self) -> Iterator[Any]:
        return iter((self.rows, self.next_token))
