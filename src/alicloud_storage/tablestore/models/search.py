"""Search-index models: index schema, queries, sorts, highlight, the search query and its response.

Names, constructor signatures and attribute names are those of the official ``tablestore``
package, so code written for it keeps working with only the import changed. Aggregations and
group-bys are in search_aggs.py. Enum values are the protocol's wire numbers.
"""
from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from enum import IntEnum
from typing import Any, Iterator, List, Optional, Tuple

# The protocol's enums whose member names are the official SDK's.
from alicloud_storage.tablestore.wire.enums import (
    HighlightEncoder,
    HighlightFragmentOrder,
    JsonType,
    QueryOperator,
    TextSimilarity,
    VectorDataType,
    VectorMetricType,
)

__all__ = [
    "FieldType",
    "AnalyzerType",
    "SingleWordAnalyzerParameter",
    "SplitAnalyzerParameter",
    "FuzzyAnalyzerParameter",
    "VectorDataType",
    "VectorMetricType",
    "VectorOptions",
    "JsonType",
    "TextSimilarity",
    "FieldSchema",
    "IndexSetting",
    "SearchIndexMeta",
    "SyncPhase",
    "SyncStat",
    "SortOrder",
    "SortMode",
    "ScoreMode",
    "GeoDistanceType",
    "NestedFilter",
    "Sorter",
    "FieldSort",
    "GeoDistanceSort",
    "PrimaryKeySort",
    "ScoreSort",
    "DocSort",
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
    "SuffixQuery",
    "WildcardQuery",
    "ExistsQuery",
    "BoolQuery",
    "ConstScoreQuery",
    "FieldValueFactor",
    "FunctionScoreQuery",
    "DisMaxQuery",
    "InnerHits",
    "NestedQuery",
    "GeoBoundingBoxQuery",
    "GeoDistanceQuery",
    "GeoPolygonQuery",
    "KnnVectorQuery",
    "Collapse",
    "HighlightFragmentOrder",
    "HighlightEncoder",
    "HighlightParameter",
    "Highlight",
    "SearchQuery",
    "HighlightField",
    "HighlightResult",
    "SearchInnerHit",
    "SearchHit",
    "SearchResponse",
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
class VectorOptions:
    """A VECTOR field's element type, similarity metric and dimension."""

    data_type: Optional[VectorDataType]
    metric_type: Optional[VectorMetricType]
    dimension: Optional[int]


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
    vector_options: Optional[VectorOptions] = None
    enable_highlighting: Optional[bool] = None
    json_type: Optional[JsonType] = None
    text_similarity: Optional[TextSimilarity] = None

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


class ScoreMode(IntEnum):
    """How a nested query turns its sub-documents' scores into the row's score."""

    NONE = 1
    AVG = 2
    MAX = 3
    TOTAL = 4
    MIN = 5


class GeoDistanceType(IntEnum):
    """How a geo-distance sort measures distance: on the sphere or on the plane."""

    ARC = 0
    PLANE = 1


@dataclass
class NestedFilter:
    """Which sub-documents of a NESTED field a sort reads: the field's path and a query on them."""

    path: str
    query_filter: "Query"


class Sorter:
    """Base class of the sorters."""


@dataclass
class FieldSort(Sorter):
    """Sort by a field's value."""

    field_name: str
    sort_order: Optional[SortOrder] = None
    sort_mode: Optional[SortMode] = None
    nested_filter: Optional[NestedFilter] = None


@dataclass
class GeoDistanceSort(Sorter):
    """Sort by the distance of a GEO_POINT field from points (``"lat,lon"``)."""

    field_name: str
    points: List[str]
    sort_order: Optional[SortOrder] = None
    sort_mode: Optional[SortMode] = None
    geo_distance_type: Optional[GeoDistanceType] = None
    nested_filter: Optional[NestedFilter] = None


@dataclass
class PrimaryKeySort(Sorter):
    """Sort by the primary key."""

    sort_order: SortOrder = SortOrder.ASC


@dataclass
class ScoreSort(Sorter):
    """Sort by relevance score."""

    sort_order: SortOrder = SortOrder.DESC


@dataclass
class DocSort(Sorter):
    """Sort by the index's internal document order."""

    sort_order: SortOrder = SortOrder.ASC


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
class SuffixQuery(Query):
    """Rows whose field holds a term ending with the suffix (the Java SDK's query)."""

    field_name: str
    suffix: str
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


@dataclass
class ConstScoreQuery(Query):
    """The rows of a filter, all with the same score (the Java SDK's query)."""

    filter: Query


@dataclass
class FieldValueFactor:
    """A numeric field whose value multiplies the score."""

    field_name: str


@dataclass
class FunctionScoreQuery(Query):
    """A query whose scores are multiplied by a field's value."""

    query: Query
    field_value_factor: FieldValueFactor


@dataclass
class DisMaxQuery(Query):
    """Rows matching any query, scored by the best match plus ``tie_breaker`` times the others."""

    queries: Optional[List[Query]] = None
    tie_breaker: Optional[float] = None
    weight: Optional[float] = None

    def __post_init__(self) -> None:
        self.queries = [] if self.queries is None else self.queries


@dataclass
class InnerHits:
    """Which matching sub-documents a nested query returns with each row: order, page, highlight."""

    sort: Optional[Sort]
    offset: Optional[int]
    limit: Optional[int]
    highlight: Optional["Highlight"]


@dataclass
class NestedQuery(Query):
    """Rows with a sub-document of a NESTED field (``path``) matching the query."""

    path: str
    query: Query
    score_mode: Optional[ScoreMode] = ScoreMode.NONE
    inner_hits: Optional[InnerHits] = None
    weight: Optional[float] = None


@dataclass
class GeoBoundingBoxQuery(Query):
    """Rows whose GEO_POINT field lies in a box given by two ``"lat,lon"`` corners."""

    field_name: str
    top_left: str
    bottom_right: str


@dataclass
class GeoDistanceQuery(Query):
    """Rows whose GEO_POINT field lies within ``distance`` metres of ``"lat,lon"``."""

    field_name: str
    center_point: str
    distance: float


@dataclass
class GeoPolygonQuery(Query):
    """Rows whose GEO_POINT field lies in a polygon of ``"lat,lon"`` points."""

    field_name: str
    points: List[str]


@dataclass
class KnnVectorQuery(Query):
    """The ``top_k`` rows whose VECTOR field is nearest the query vector, among the filter's rows."""

    field_name: str
    top_k: Optional[int] = None
    float32_query_vector: Optional[List[float]] = None
    filter: Optional[Query] = None
    weight: Optional[float] = None
    min_score: Optional[float] = None
    num_candidates: Optional[int] = None


@dataclass
class Collapse:
    """Keep one row per value of a field."""

    field_name: str


@dataclass
class HighlightParameter:
    """How one field is highlighted: fragment count and size, tags, fragment order."""

    field_name: str
    number_of_fragments: Optional[int] = None
    fragment_size: Optional[int] = None
    pre_tag: Optional[str] = None
    post_tag: Optional[str] = None
    fragments_order: Optional[HighlightFragmentOrder] = HighlightFragmentOrder.TEXT_SEQUENCE


@dataclass
class Highlight:
    """The fields to highlight and the encoder of their fragments."""

    highlight_parameters: List[HighlightParameter]
    highlight_encoder: Optional[HighlightEncoder] = HighlightEncoder.PLAIN_MODE


@dataclass
class SearchQuery:
    """A query with its sort, paging, whether to count all matches, aggregations, group-bys,
    collapse (kept as attribute ``collapse``, as the official class does) and highlight."""

    query: Query
    sort: Optional[Sort] = None
    get_total_count: Optional[bool] = False
    next_token: Optional[bytes] = None
    offset: Optional[int] = None
    limit: Optional[int] = None
    aggs: Optional[List[Any]] = None
    group_bys: Optional[List[Any]] = None
    collapse_field: InitVar[Optional[Collapse]] = None
    highlight: Optional[Highlight] = None
    collapse: Optional[Collapse] = field(init=False, default=None)

    def __post_init__(self, collapse_field: Optional[Collapse]) -> None:
        self.collapse = collapse_field


@dataclass
class HighlightField:
    """A field's highlighted fragments."""

    field_name: str
    field_fragments: List[str]


@dataclass
class HighlightResult:
    """The highlighted fields of a hit."""

    highlight_fields: List[HighlightField]


@dataclass
class SearchInnerHit:
    """The matching sub-documents of one NESTED field of a hit."""

    path: str
    search_hits: List["SearchHit"]


@dataclass
class SearchHit:
    """One hit: the row (None for a sub-document), score, highlights, inner hits, and for a
    sub-document its position in the NESTED field's array."""

    row: Any
    score: float
    highlight_result: Optional[HighlightResult]
    search_inner_hits: List[SearchInnerHit]
    nested_doc_offset: int


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
