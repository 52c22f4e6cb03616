"""Search-index operations: create, describe, list, update and delete indexes; search.

The search request carries its query as bytes of a serialized SearchQuery, and each query
node, aggregation and group-by as a type tag plus the bytes of its own message, as the
protocol does. Queries and sorters are encoded from tables (model class -> message and
field setters); the checks and their texts are the official SDK's, made before sending.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple, Type, TypeVar

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models import (
    AggResult,
    Avg,
    BoolQuery,
    Collapse,
    ColumnReturnType,
    ColumnsToGet,
    ComputeSplitsResponse,
    ConstScoreQuery,
    Count,
    DateTimeValue,
    DisMaxQuery,
    DistinctCount,
    DocSort,
    ExistsQuery,
    FieldSchema,
    FieldSort,
    FieldType,
    FunctionScoreQuery,
    FuzzyAnalyzerParameter,
    GeoBoundingBoxQuery,
    GeoDistanceQuery,
    GeoDistanceSort,
    GeoDistanceType,
    GeoGrid,
    GeoPoint,
    GeoPolygonQuery,
    GroupByComposite,
    GroupByCompositeResultItem,
    GroupByDateHistogram,
    GroupByDateHistogramResultItem,
    GroupByField,
    GroupByFieldResultItem,
    GroupByFilter,
    GroupByFilterResultItem,
    GroupByGeoDistance,
    GroupByGeoDistanceResultItem,
    GroupByGeoGrid,
    GroupByGeoGridResultItem,
    GroupByHistogram,
    GroupByHistogramResultItem,
    GroupByRange,
    GroupByRangeResultItem,
    GroupByResult,
    GroupKeySort,
    Highlight,
    HighlightField,
    HighlightParameter,
    HighlightResult,
    IndexSetting,
    JsonType,
    KnnVectorQuery,
    MatchAllQuery,
    MatchPhraseQuery,
    MatchQuery,
    Max,
    Min,
    NestedQuery,
    ParallelScanResponse,
    Percentiles,
    PercentilesResultItem,
    PrefixQuery,
    PrimaryKeySort,
    Query,
    QueryOperator,
    RangeQuery,
    RowCountSort,
    ScanQuery,
    ScoreSort,
    SearchHit,
    SearchIndexMeta,
    SearchInnerHit,
    SearchQuery,
    SearchResponse,
    SingleWordAnalyzerParameter,
    Sort,
    Sorter,
    SortMode,
    SortOrder,
    SplitAnalyzerParameter,
    SubAggSort,
    SuffixQuery,
    Sum,
    SyncPhase,
    SyncStat,
    TermQuery,
    TermsQuery,
    TextSimilarity,
    TopRows,
    VectorDataType,
    VectorMetricType,
    VectorOptions,
    WildcardQuery,
)
from alicloud_storage.tablestore.operations import arguments
from alicloud_storage.tablestore.operations.registry import register
from alicloud_storage.tablestore.operations.results import VERIFY_ROW_CRC, decode_none
from alicloud_storage.tablestore.validation import check_int, check_name
from alicloud_storage.tablestore.wire import enums, pb, plainbuffer
from alicloud_storage.tablestore.wire.filter_values import decode_filter_value, encode_filter_value

# The encoders, named as the client methods they define.
__all__ = [
    "create_search_index",
    "describe_search_index",
    "list_search_index",
    "update_search_index",
    "delete_search_index",
    "search",
    "compute_splits",
    "parallel_scan",
]

_INT32 = (-(1 << 31), (1 << 31) - 1)

# --- field setters: (message, protobuf field, model value) -> None ---------------------------
# (model attribute, setter[, protobuf field when it is named otherwise])
_Field = Tuple[Any, ...]


def _unicode(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, str):
        return value
    raise OTSClientError(f"expect str or unicode type for string, not {type(value).__name__}: {value}")


def _int32(value: Any) -> int:
    if not isinstance(value, int):
        raise OTSClientError(f"expect int or long for the value, not {type(value).__name__}")
    if not _INT32[0] <= value <= _INT32[1]:
        raise OTSClientError(f"{value} exceeds the range of int32")
    return value


def _text(message: Any, name: str, value: Any) -> None:
    setattr(message, name, _unicode(value))


def _optional(message: Any, name: str, value: Any) -> None:
    if value is not None:
        setattr(message, name, value)


def _variant(message: Any, name: str, value: Any) -> None:
    setattr(message, name, encode_filter_value(value))


def _optional_variant(message: Any, name: str, value: Any) -> None:
    if value is not None:
        _variant(message, name, value)


def _variants(message: Any, name: str, values: Any) -> None:
    getattr(message, name).extend(encode_filter_value(value) for value in values)


def _extend(message: Any, name: str, values: Any) -> None:
    if values is not None:
        getattr(message, name).extend(values)


_T = TypeVar("_T")


def _entry(table: Dict[type, _T], model: Any) -> Optional[_T]:
    """The entry of the model's class or of its nearest base in the table (isinstance, as the
    official SDK's checks; aggregations and group-bys it checks by exact type)."""
    return next((table[cls] for cls in type(model).__mro__ if cls in table), None)


def _fill(message: Any, model: Any, fields: Tuple[_Field, ...]) -> None:
    for attribute, setter, *renamed in fields:
        setter(message, renamed[0] if renamed else attribute, getattr(model, attribute))


# --- queries ----------------------------------------------------------------------------------
def _subquery(message: Any, name: str, value: Any) -> None:
    _query(getattr(message, name), value)


def _optional_subquery(message: Any, name: str, value: Any) -> None:
    if value is not None:
        _subquery(message, name, value)


def _subqueries(message: Any, name: str, values: Any) -> None:
    for value in values:
        _query(getattr(message, name).add(), value)


def _minimum_should_match(message: Any, name: str, value: Any) -> None:
    """An int goes to the old field; a string to the new one (and to the old one if digits)."""
    if value is None:
        return
    if isinstance(value, int):
        message.minimum_should_match = value
    elif isinstance(value, str):
        message.new_minimum_should_match = value
        if value.isdigit():
            message.minimum_should_match = int(value)
    else:
        raise OTSClientError("minimum_should_match must be an integer or string")


def _operator(message: Any, name: str, value: Any) -> None:
    if value is not None:
        message.operator = enums.QueryOperator.OR if value == QueryOperator.OR else enums.QueryOperator.AND


def _required_int32(message: Any, name: str, value: Any) -> None:
    setattr(message, name, _int32(value))


def _distance(message: Any, name: str, value: Any) -> None:
    setattr(message, name, float(value))


def _field_value_factor(message: Any, name: str, value: Any) -> None:
    getattr(message, name).field_name = _unicode(value.field_name)


def _inner_hits(message: Any, name: str, value: Any) -> None:
    if value is not None:
        inner = getattr(message, name)
        if value.sort is not None:
            _sort(inner.sort, value.sort)
        _fill(inner, value, (("offset", _optional), ("limit", _optional)))
        if value.highlight is not None:
            _highlight(inner.highlight, value.highlight)


_WEIGHT: _Field = ("weight", _optional)
_QUERIES: Dict[type, Tuple[int, str, Tuple[_Field, ...]]] = {
    MatchQuery: (enums.QueryType.MATCH_QUERY, "MatchQuery", (
        ("field_name", _text), ("text", _text), _WEIGHT,
        ("minimum_should_match", _minimum_should_match), ("operator", _operator))),
    MatchPhraseQuery: (enums.QueryType.MATCH_PHRASE_QUERY, "MatchPhraseQuery", (
        ("field_name", _text), ("text", _text), _WEIGHT, ("slop", _optional))),
    TermQuery: (enums.QueryType.TERM_QUERY, "TermQuery", (
        ("field_name", _text), ("column_value", _variant, "term"), _WEIGHT)),
    RangeQuery: (enums.QueryType.RANGE_QUERY, "RangeQuery", (
        ("field_name", _text), ("range_from", _optional_variant), ("range_to", _optional_variant),
        ("include_lower", _optional), ("include_upper", _optional))),
    PrefixQuery: (enums.QueryType.PREFIX_QUERY, "PrefixQuery", (("field_name", _text), ("prefix", _text), _WEIGHT)),
    BoolQuery: (enums.QueryType.BOOL_QUERY, "BoolQuery", (
        ("must_queries", _subqueries), ("must_not_queries", _subqueries), ("filter_queries", _subqueries),
        ("should_queries", _subqueries), ("minimum_should_match", _minimum_should_match), _WEIGHT)),
    ConstScoreQuery: (enums.QueryType.CONST_SCORE_QUERY, "ConstScoreQuery", (("filter", _subquery),)),
    FunctionScoreQuery: (enums.QueryType.FUNCTION_SCORE_QUERY, "FunctionScoreQuery", (
        ("query", _subquery), ("field_value_factor", _field_value_factor))),
    NestedQuery: (enums.QueryType.NESTED_QUERY, "NestedQuery", (
        ("path", _text), ("query", _subquery), ("score_mode", _optional), ("inner_hits", _inner_hits), _WEIGHT)),
    WildcardQuery: (enums.QueryType.WILDCARD_QUERY, "WildcardQuery", (("field_name", _text), ("value", _text), _WEIGHT)),
    MatchAllQuery: (enums.QueryType.MATCH_ALL_QUERY, "MatchAllQuery", ()),
    GeoBoundingBoxQuery: (enums.QueryType.GEO_BOUNDING_BOX_QUERY, "GeoBoundingBoxQuery", (
        ("field_name", _text), ("top_left", _text), ("bottom_right", _text))),
    GeoDistanceQuery: (enums.QueryType.GEO_DISTANCE_QUERY, "GeoDistanceQuery", (
        ("field_name", _text), ("center_point", _text), ("distance", _distance))),
    GeoPolygonQuery: (enums.QueryType.GEO_POLYGON_QUERY, "GeoPolygonQuery", (("field_name", _text), ("points", _extend))),
    TermsQuery: (enums.QueryType.TERMS_QUERY, "TermsQuery", (
        ("field_name", _text), ("column_values", _variants, "terms"), _WEIGHT)),
    ExistsQuery: (enums.QueryType.EXISTS_QUERY, "ExistsQuery", (("field_name", _text),)),
    KnnVectorQuery: (enums.QueryType.KNN_VECTOR_QUERY, "KnnVectorQuery", (
        ("field_name", _text), ("top_k", _required_int32), _WEIGHT, ("float32_query_vector", _extend),
        ("filter", _optional_subquery), ("min_score", _optional), ("num_candidates", _optional))),
    SuffixQuery: (enums.QueryType.SUFFIX_QUERY, "SuffixQuery", (("field_name", _text), ("suffix", _text), _WEIGHT)),
    DisMaxQuery: (enums.QueryType.DIS_MAX_QUERY, "DisMaxQuery", (
        ("queries", _subqueries), ("tie_breaker", _optional), _WEIGHT)),
}


def _query(message: Any, query: Any) -> None:
    """Fill a Query message: the type tag and the bytes of the query's own message."""
    spec = _entry(_QUERIES, query)
    if spec is None:
        raise OTSClientError(f"Invalid query type: {type(query).__name__}")
    kind, message_name, fields = spec
    body = getattr(pb, message_name)()
    _fill(body, query, fields)
    message.type = kind
    message.query = body.SerializeToString()


# --- sorts ------------------------------------------------------------------------------------
def _nested_filter(message: Any, name: str, value: Any) -> None:
    if value is not None:
        nested = getattr(message, name)
        nested.path = _unicode(value.path)
        _query(nested.filter, value.query_filter)


_ORDER: _Field = ("sort_order", _optional, "order")
_MODE: _Field = ("sort_mode", _optional, "mode")
_SORTERS: Dict[type, Tuple[str, Tuple[_Field, ...]]] = {
    PrimaryKeySort: ("pk_sort", (_ORDER,)),
    FieldSort: ("field_sort", (("field_name", _text), _ORDER, _MODE, ("nested_filter", _nested_filter))),
    GeoDistanceSort: ("geo_distance_sort", (
        ("field_name", _text), ("points", _extend), _ORDER, _MODE,
        ("geo_distance_type", _optional, "distance_type"), ("nested_filter", _nested_filter))),
    ScoreSort: ("score_sort", (_ORDER,)),
    DocSort: ("doc_sort", (_ORDER,)),
}


def _sorter(message: Any, sorter: Any) -> None:
    if not isinstance(sorter, Sorter):
        raise OTSClientError(f"sorter should be an instance of Sorter, not {type(sorter).__name__}")
    spec = _entry(_SORTERS, sorter)
    if spec is None:
        raise OTSClientError(f"Only PrimaryKeySort and FieldSort are allowed, not {type(sorter).__name__}.")
    field_name, fields = spec
    body = getattr(message, field_name)
    body.SetInParent()
    _fill(body, sorter, fields)


def _sort(message: Any, sort: Any) -> None:
    if not isinstance(sort, Sort):
        raise OTSClientError(f"index_sort should be an instance of Sort, not {type(sort).__name__}")
    for sorter in sort.sorters:
        _sorter(message.sorter.add(), sorter)


# --- highlight --------------------------------------------------------------------------------
_HIGHLIGHT_PARAMETER: Tuple[_Field, ...] = (
    ("field_name", _text), ("number_of_fragments", _optional), ("fragment_size", _optional),
    ("pre_tag", _optional), ("post_tag", _optional), ("fragments_order", _optional),
)


def _highlight(message: Any, highlight: Any) -> None:
    if not isinstance(highlight, Highlight):
        raise OTSClientError("search_query.highlight type must be Highlight")
    for parameter in highlight.highlight_parameters:
        if not isinstance(parameter, HighlightParameter):
            raise OTSClientError("search_query.highlight_parameter type must be HighlightParameter")
        _fill(message.highlight_parameters.add(), parameter, _HIGHLIGHT_PARAMETER)
    _optional(message, "highlight_encoder", highlight.highlight_encoder)


# --- index schema -----------------------------------------------------------------------------
_ANALYZER_PARAMETERS: Tuple[Tuple[str, type, str, Tuple[str, ...]], ...] = (
    ("single_word", SingleWordAnalyzerParameter, "SingleWordAnalyzerParameter", ("case_sensitive", "delimit_word")),
    ("split", SplitAnalyzerParameter, "SplitAnalyzerParameter", ("delimiter",)),
    ("fuzzy", FuzzyAnalyzerParameter, "FuzzyAnalyzerParameter", ("min_chars", "max_chars")),
)


def _analyzer_parameter(analyzer: Any, value: Any) -> bytes:
    for name, model, message_name, fields in _ANALYZER_PARAMETERS:
        if analyzer == name and isinstance(value, model):
            message = getattr(pb, message_name)(**{f: getattr(value, f) for f in fields})
            data: bytes = message.SerializeToString()
            return data
    raise OTSClientError(
        f"analyzer [{analyzer}] and analyzer_parameter [{type(value).__name__}] is mismatched."
    )


def _vector_options(message: Any, name: str, value: Any) -> None:
    if value is not None:
        _fill(getattr(message, name), value, (
            ("data_type", _optional), ("metric_type", _optional), ("dimension", _optional)))


_FIELD_FLAGS: Tuple[_Field, ...] = tuple(
    (flag, _optional) for flag in ("index", "store", "enable_highlighting", "is_array", "enable_sort_and_agg")
) + (("vector_options", _vector_options), ("json_type", _optional), ("text_similarity", _optional))


def _field_schema(message: Any, schema: Any) -> None:
    if not isinstance(schema, FieldSchema):
        raise OTSClientError(f"each field must be a FieldSchema, not {type(schema).__name__}")
    message.field_name = _unicode(schema.field_name)
    message.field_type = schema.field_type
    _fill(message, schema, _FIELD_FLAGS)
    if schema.analyzer is not None:
        message.analyzer = schema.analyzer
        if schema.analyzer_parameter is not None:
            message.analyzer_parameter = _analyzer_parameter(schema.analyzer, schema.analyzer_parameter)
    for sub in schema.sub_field_schemas or ():
        _field_schema(message.field_schemas.add(), sub)
    message.date_formats.extend(schema.date_formats or ())
    if schema.is_virtual_field:
        message.is_virtual_field = True
        message.source_field_names.extend(schema.source_fields or ())


def _index_meta(message: Any, meta: Any) -> None:
    if not isinstance(meta, SearchIndexMeta):
        raise OTSClientError(f"index_meta should be an instance of SearchIndexMeta, not {type(meta).__name__}")
    for schema in meta.fields or ():
        _field_schema(message.schema.field_schemas.add(), schema)
    setting = message.schema.index_setting
    setting.number_of_shards = 1
    if meta.index_setting is not None:
        setting.routing_fields.extend(meta.index_setting.routing_fields or ())
    if meta.index_sort:
        _sort(message.schema.index_sort, meta.index_sort)
    message.time_to_live = check_int(meta.time_to_live, "index_meta.time_to_live", -1)


def _known(enum: Any, value: int) -> Any:
    """The member of ``enum`` numbered ``value``; None for a number the client does not know."""
    return enum(value) if value in enum._value2member_map_ else None


def _decode_field(message: Any) -> FieldSchema:
    parameter: Any = None
    if message.HasField("analyzer_parameter") and message.analyzer_parameter:
        for name, model, message_name, fields in _ANALYZER_PARAMETERS:
            if message.analyzer == name:
                decoded = getattr(pb, message_name).FromString(message.analyzer_parameter)
                parameter = model(*(getattr(decoded, f) for f in fields))
    vector = None
    if message.HasField("vector_options"):
        options = message.vector_options
        vector = VectorOptions(_known(VectorDataType, options.data_type), _known(VectorMetricType, options.metric_type),
                               options.dimension)
    return FieldSchema(
        message.field_name, _known(FieldType, message.field_type), index=message.index, store=message.store,
        is_array=message.is_array, enable_sort_and_agg=message.enable_sort_and_agg,
        analyzer=message.analyzer, sub_field_schemas=[_decode_field(f) for f in message.field_schemas],
        analyzer_parameter=parameter, date_formats=list(message.date_formats),
        is_virtual_field=message.is_virtual_field, source_fields=list(message.source_field_names),
        vector_options=vector,
        enable_highlighting=message.enable_highlighting if message.HasField("enable_highlighting") else None,
        json_type=_known(JsonType, message.json_type), text_similarity=_known(TextSimilarity, message.text_similarity),
    )


def _decode_sorter(message: Any) -> Sorter:
    if message.HasField("field_sort"):
        f = message.field_sort
        return FieldSort(f.field_name, SortOrder(f.order), SortMode(f.mode))
    if message.HasField("geo_distance_sort"):
        g = message.geo_distance_sort
        return GeoDistanceSort(g.field_name, list(g.points), SortOrder(g.order), SortMode(g.mode),
                               GeoDistanceType(g.distance_type))
    if message.HasField("score_sort"):
        return ScoreSort(SortOrder(message.score_sort.order))
    if message.HasField("pk_sort"):
        return PrimaryKeySort(SortOrder(message.pk_sort.order))
    if message.HasField("doc_sort"):
        return DocSort(SortOrder(message.doc_sort.order))
    raise OTSClientError("Can't find any index sorter.")


def _decode_describe(message: Any, context: Any, request_id: str) -> Tuple[SearchIndexMeta, Optional[SyncStat]]:
    schema = message.schema
    meta = SearchIndexMeta(
        [_decode_field(f) for f in schema.field_schemas],
        IndexSetting(list(schema.index_setting.routing_fields)),
        Sort([_decode_sorter(s) for s in schema.index_sort.sorter]),
        message.time_to_live,
    )
    stat = None
    if message.HasField("sync_stat"):
        phase = SyncPhase.FULL if message.sync_stat.sync_phase == enums.SyncPhase.FULL else SyncPhase.INCR
        stat = SyncStat(phase, message.sync_stat.current_sync_timestamp)
    return meta, stat


def _decode_list(message: Any, context: Any, request_id: str) -> List[Tuple[str, str]]:
    return [(index.table_name, index.index_name) for index in message.indices]


def _names(message: Any, table_name: Any, index_name: Any) -> None:
    message.table_name = check_name(table_name, "table_name")
    message.index_name = check_name(index_name, "index_name")


@register("CreateSearchIndex", pb.CreateSearchIndexResponse, decode_none, idempotent=False)
def create_search_index(table_name: str, index_name: str, index_meta: SearchIndexMeta) -> Tuple[Any, None]:
    """Create a search index of a table (its rows are indexed at once); returns None."""
    message = pb.CreateSearchIndexRequest()
    _names(message, table_name, index_name)
    _index_meta(message, index_meta)
    return message, None


@register("DescribeSearchIndex", pb.DescribeSearchIndexResponse, _decode_describe, idempotent=True)
def describe_search_index(
    table_name: str, index_name: str, include_sync_stat: bool = True
) -> Tuple[Any, None]:
    """A search index's schema and sync state: ``(SearchIndexMeta, SyncStat or None)``."""
    message = pb.DescribeSearchIndexRequest()
    _names(message, table_name, index_name)
    message.include_sync_stat = bool(include_sync_stat)
    return message, None


@register("ListSearchIndex", pb.ListSearchIndexResponse, _decode_list, idempotent=True)
def list_search_index(table_name: Optional[str] = None) -> Tuple[Any, None]:
    """The search indexes of a table (or of the instance): ``[(table_name, index_name)]``."""
    message = pb.ListSearchIndexRequest()
    if table_name is not None:
        message.table_name = check_name(table_name, "table_name")
    return message, None


@register("UpdateSearchIndex", pb.UpdateSearchIndexResponse, decode_none, idempotent=False)
def update_search_index(table_name: str, index_name: str, index_meta: SearchIndexMeta) -> Tuple[Any, None]:
    """Change a search index's TTL (the only updatable setting); returns None."""
    message = pb.UpdateSearchIndexRequest()
    _names(message, table_name, index_name)
    if not isinstance(index_meta, SearchIndexMeta):
        raise OTSClientError(f"index_meta should be an instance of SearchIndexMeta, not {type(index_meta).__name__}")
    message.time_to_live = check_int(index_meta.time_to_live, "index_meta.time_to_live", -1)
    return message, None


@register("DeleteSearchIndex", pb.DeleteSearchIndexResponse, decode_none, idempotent=False)
def delete_search_index(table_name: str, index_name: str) -> Tuple[Any, None]:
    """Delete a search index; returns None."""
    message = pb.DeleteSearchIndexRequest()
    _names(message, table_name, index_name)
    return message, None


# --- aggregations -----------------------------------------------------------------------------
_AGGS: Dict[type, str] = {
    Max: "MaxAggregation", Min: "MinAggregation", Avg: "AvgAggregation", Sum: "SumAggregation",
    Count: "CountAggregation", DistinctCount: "DistinctCountAggregation",
    TopRows: "TopRowsAggregation", Percentiles: "PercentilesAggregation",
}


def _agg_body(agg: Any) -> bytes:
    body = getattr(pb, _AGGS[type(agg)])()
    if isinstance(agg, TopRows):
        body.limit = agg.limit
        for sorter in agg.sort.sorters if agg.sort is not None else ():
            _sorter(body.sort.sorter.add(), sorter)
    else:
        body.field_name = agg.field
        if agg.missing is not None:  # Percentiles: missing_value (the official SDK fails to send it)
            _variant(body, "missing_value" if isinstance(agg, Percentiles) else "missing", agg.missing)
        if isinstance(agg, Percentiles):
            body.percentiles.extend(agg.percentiles_list)
    data: bytes = body.SerializeToString()
    return data


def _aggs(message: Any, aggs: Any) -> None:
    if not isinstance(aggs, list):
        raise OTSClientError("search_query.aggs type must be list")
    for agg in aggs:
        if type(agg) not in _AGGS:
            raise OTSClientError("agg must be one of [Max, Min, Avg, Sum, Count, DistinctCount, TopRows, Percentiles]")
        message.aggs.add(name=agg.name, type=agg.type, body=_agg_body(agg))


# --- group-bys --------------------------------------------------------------------------------
_GROUP_SORTERS: Dict[type, str] = {
    GroupKeySort: "group_key_sort", RowCountSort: "row_count_sort", SubAggSort: "sub_agg_sort",
}


def _group_by_sort(body: Any, sorts: Any) -> None:
    if sorts is None:
        return
    if not isinstance(sorts, list):
        raise OTSClientError("group_by_sort must be list")
    for sort in sorts:
        field_name = _entry(_GROUP_SORTERS, sort)
        if field_name is None:
            raise OTSClientError(f"Invalid sort type:{type(sort)}")
        sorter = getattr(body.sort.sorters.add(), field_name)
        sorter.order = sort.sort_order
        if isinstance(sort, SubAggSort):
            sorter.sub_agg_name = sort.sub_agg_name


def _integer(body: Any, name: str, value: Any) -> None:
    if value is not None:
        if not isinstance(value, int):
            raise OTSClientError(f"{name} must be integer")
        setattr(body, name, value)


def _ranges(body: Any, ranges: Any, owner: str) -> None:
    if not isinstance(ranges, list):
        raise OTSClientError(f"{owner}:ranges must be list")
    for item in ranges:
        if not isinstance(item, tuple) or len(item) != 2:
            raise OTSClientError(f"{owner}:range must be tuple, and length must equal 2")
        if not all(isinstance(bound, (int, float)) for bound in item):
            raise OTSClientError("range.begin and range.end must be integer or float")
        body.ranges.add(begin=item[0], end=item[1])


def _date_time_value(message: Any, value: DateTimeValue) -> None:
    _fill(message, value, (("value", _optional), ("unit", _optional)))
    message.SetInParent()


def _group_by_body(group_by: Any) -> Any:
    """The group-by's own message, checked in the official order; sub-aggs and sub-group-bys last."""
    g = group_by
    if isinstance(g, GroupByField):
        body: Any = pb.GroupByField()
        _integer(body, "size", g.size)
        _group_by_sort(body, g.group_by_sort)
    elif isinstance(g, GroupByRange):
        body = pb.GroupByRange()
        _ranges(body, g.ranges, "GroupByRange")
    elif isinstance(g, GroupByFilter):
        body = pb.GroupByFilter()
        if not isinstance(g.filters, list):
            raise OTSClientError("GroupByFilter:filters must be list")
        for query in g.filters:
            if not isinstance(query, Query):
                raise OTSClientError("GroupByFilter:filter must be Query")
            _query(body.filters.add(), query)
    elif isinstance(g, GroupByGeoDistance):
        body = pb.GroupByGeoDistance()
        if not isinstance(g.origin, GeoPoint):
            raise OTSClientError("GroupByGeoDistance:origin must not be None and must be GeoPoint")
        body.origin.lat, body.origin.lon = g.origin.lat, g.origin.lon
        _ranges(body, g.ranges, "GroupByGeoDistance")
    elif isinstance(g, GroupByHistogram):
        body = pb.GroupByHistogram()
        _optional_variant(body, "interval", g.interval)
        _optional_variant(body, "missing_value", g.missing_value)
        _integer(body, "min_doc_count", g.min_doc_count)
        if g.field_range is None or g.field_range.min is None or g.field_range.max is None:
            raise OTSClientError("field_range(min, max) must not be None")
        _fill(body.field_range, g.field_range, (("min", _variant), ("max", _variant)))
        _group_by_sort(body, g.group_by_sort)
    elif isinstance(g, GroupByDateHistogram):
        body = pb.GroupByDateHistogram()
        if not isinstance(g.interval, DateTimeValue):
            raise OTSClientError("GroupByDateHistogram: interval must be DateTimeValue")
        _date_time_value(body.interval, g.interval)
        if g.field_range is not None:
            _fill(body.field_range, g.field_range, (("min", _optional_variant), ("max", _optional_variant)))
        _optional_variant(body, "missing", g.missing)
        _integer(body, "min_doc_count", g.min_doc_count)
        if g.time_zone is not None and not isinstance(g.time_zone, str):
            raise OTSClientError("time_zone must be string")
        _optional(body, "time_zone", g.time_zone)
        _group_by_sort(body, g.group_by_sort)
        if g.offset is not None:
            if not isinstance(g.offset, DateTimeValue):
                raise OTSClientError("offset must be DateTimeValue")
            _date_time_value(body.offset, g.offset)
    elif isinstance(g, GroupByGeoGrid):
        body = pb.GroupByGeoGrid()
        if g.precision is None:
            raise OTSClientError("GroupByGeoGrid: precision must not be None")
        body.precision = g.precision
        _integer(body, "size", g.size)
    else:  # GroupByComposite (the caller checked the type)
        body = pb.GroupByComposite()
        if not isinstance(g.sources, list) or not g.sources:
            raise OTSClientError("GroupByComposite: sources must be a non-empty list")
        _group_bys(body.sources, g.sources)
        _integer(body, "size", g.size)
        _optional(body, "next_token", g.next_token)
        _integer(body, "suggested_size", g.suggested_size)
    _optional(body, "field_name", g.field_name)
    if g.sub_aggs is not None:
        _aggs(body.sub_aggs, g.sub_aggs)
    if g.sub_group_bys is not None:
        _group_bys(body.sub_group_bys, g.sub_group_bys)
    return body


_GROUP_BYS = (GroupByField, GroupByRange, GroupByFilter, GroupByGeoDistance, GroupByHistogram,
              GroupByDateHistogram, GroupByGeoGrid, GroupByComposite)


def _group_bys(message: Any, group_bys: Any) -> None:
    if not isinstance(group_bys, list):
        raise OTSClientError("search_query.group_bys type must be list")
    for group_by in group_bys:
        if type(group_by) not in _GROUP_BYS:
            raise OTSClientError(
                "group_by must be one of [GroupByField, GroupByRange, GroupByFilter, GroupByGeoDistance, "
                "GroupByHistogram, GroupByDateHistogram, GroupByGeoGrid, GroupByComposite]"
            )
        body = _group_by_body(group_by)
        message.group_bys.add(name=group_by.name, type=group_by.type, body=body.SerializeToString())


# --- results ----------------------------------------------------------------------------------
def _rows(data: Any) -> List[Any]:
    """The (primary key, attribute columns) of each PlainBuffer row (with its header)."""
    rows = []
    for row_data in data:
        row = plainbuffer.read_row(row_data, VERIFY_ROW_CRC)
        rows.append(row if row is not None else ([], []))
    return rows


_AGG_RESULTS: Dict[int, Tuple[str, Callable[[Any], Any]]] = {
    **{kind: (name, lambda r: r.value) for kind, name in (
        (enums.AggregationType.AGG_AVG, "AvgAggregationResult"), (enums.AggregationType.AGG_MAX, "MaxAggregationResult"),
        (enums.AggregationType.AGG_MIN, "MinAggregationResult"), (enums.AggregationType.AGG_SUM, "SumAggregationResult"),
        (enums.AggregationType.AGG_COUNT, "CountAggregationResult"),
        (enums.AggregationType.AGG_DISTINCT_COUNT, "DistinctCountAggregationResult"),
    )},
    enums.AggregationType.AGG_TOP_ROWS: ("TopRowsAggregationResult", lambda r: _rows(r.rows)),
    enums.AggregationType.AGG_PERCENTILES: ("PercentilesAggregationResult", lambda r: [
        PercentilesResultItem(item.key, decode_filter_value(item.value)) for item in r.percentiles_aggregation_items
    ]),
}


def _agg_results(message: Any) -> List[AggResult]:
    results = []
    for item in message.agg_results:
        if item.type not in _AGG_RESULTS:
            raise OTSClientError(f"unsupport aggregation type:{item.type}")
        message_name, value = _AGG_RESULTS[item.type]
        results.append(AggResult(item.name, value(getattr(pb, message_name).FromString(item.agg_result))))
    return results


def _geo_grid(item: Any) -> Optional[GeoGrid]:
    if not item.HasField("geo_grid"):
        return None
    corners = item.geo_grid.top_left, item.geo_grid.bottom_right
    top_left, bottom_right = (GeoPoint(point.lat, point.lon) for point in corners)
    return GeoGrid(top_left, bottom_right)


def _composite_keys(item: Any) -> List[Optional[str]]:
    keys, nulls = list(item.keys), list(item.is_null_keys)
    return keys if len(nulls) != len(keys) else [None if null else key for key, null in zip(keys, nulls)]


# GroupByType -> (result message, its items field, item class, the item's own values)
_GROUP_BY_RESULTS: Dict[int, Tuple[str, str, Type[Any], Callable[[Any], Tuple[Any, ...]]]] = {
    enums.GroupByType.GROUP_BY_FIELD: (
        "GroupByFieldResult", "group_by_field_result_items", GroupByFieldResultItem, lambda i: (i.key, i.row_count)),
    enums.GroupByType.GROUP_BY_RANGE: (
        "GroupByRangeResult", "group_by_range_result_items", GroupByRangeResultItem,
        lambda i: (i.range_from, i.range_to, i.row_count)),
    enums.GroupByType.GROUP_BY_FILTER: (
        "GroupByFilterResult", "group_by_filter_result_items", GroupByFilterResultItem, lambda i: (i.row_count,)),
    enums.GroupByType.GROUP_BY_GEO_DISTANCE: (
        "GroupByGeoDistanceResult", "group_by_geo_distance_result_items", GroupByGeoDistanceResultItem,
        lambda i: (i.range_from, i.range_to, i.row_count)),
    enums.GroupByType.GROUP_BY_HISTOGRAM: (
        "GroupByHistogramResult", "group_by_histogra_items", GroupByHistogramResultItem,
        lambda i: (decode_filter_value(i.key), i.value)),
    enums.GroupByType.GROUP_BY_DATE_HISTOGRAM: (
        "GroupByDateHistogramResult", "group_by_date_histogram_items", GroupByDateHistogramResultItem,
        lambda i: (i.timestamp, i.row_count)),
    enums.GroupByType.GROUP_BY_GEO_GRID: (
        "GroupByGeoGridResult", "group_by_geo_grid_result_items", GroupByGeoGridResultItem,
        lambda i: (i.key, _geo_grid(i), i.row_count)),
    enums.GroupByType.GROUP_BY_COMPOSITE: (
        "GroupByCompositeResult", "group_by_composite_result_items", GroupByCompositeResultItem,
        lambda i: (_composite_keys(i), i.row_count)),
}


def _group_by_results(message: Any) -> List[GroupByResult]:
    results = []
    for item in message.group_by_results:
        if item.type not in _GROUP_BY_RESULTS:
            raise OTSClientError(f"unsupport group by type:{item.type}")
        message_name, items_field, item_class, values = _GROUP_BY_RESULTS[item.type]
        body = getattr(pb, message_name).FromString(item.group_by_result)
        result = GroupByResult(item.name, [
            item_class(*values(g), _agg_results(g.sub_aggs_result), _group_by_results(g.sub_group_bys_result))
            for g in getattr(body, items_field)
        ])
        if item.type == enums.GroupByType.GROUP_BY_COMPOSITE:
            result.source_group_by_names = list(body.source_group_by_names)
            result.next_token = body.next_token if body.HasField("next_token") else None
        results.append(result)
    return results


def _hits(messages: Any, rows: List[Any]) -> List[SearchHit]:
    """The hits, each with its row (inner hits: no rows, None)."""
    return [
        SearchHit(
            rows[i] if rows else None, hit.score,
            HighlightResult([HighlightField(f.field_name, list(f.field_fragments))
                             for f in hit.highlight_result.highlight_fields]),
            [SearchInnerHit(inner.path, _hits(inner.search_hits, [])) for inner in hit.search_inner_hits],
            hit.nested_doc_offset,
        )
        for i, hit in enumerate(messages)
    ]


def _decode_search(message: Any, context: Any, request_id: str) -> SearchResponse:
    rows = _rows(message.rows)
    if message.search_hits and len(message.search_hits) != len(rows):
        raise OTSClientError(
            f"Tablestore search response occur error, row count[{len(rows)}] != "
            f"search_hit count[{len(message.search_hits)}], request_id:{request_id}"
        )
    aggs = _agg_results(pb.AggregationsResult.FromString(message.aggs)) if message.aggs else []
    group_bys = _group_by_results(pb.GroupBysResult.FromString(message.group_bys)) if message.group_bys else []
    return SearchResponse(
        rows, aggs, group_bys, message.next_token, message.is_all_succeed, message.total_hits,
        _hits(message.search_hits, rows), request_id,
    )


# --- search -----------------------------------------------------------------------------------
def _search_query(query: Any) -> bytes:
    if not isinstance(query, SearchQuery):
        raise OTSClientError(f"search_query must be a SearchQuery, not {type(query).__name__}")
    message = pb.SearchQuery()
    _query(message.query, query.query)
    if query.sort is not None:
        _sort(message.sort, query.sort)
    _optional(message, "get_total_count", query.get_total_count)
    if query.next_token:
        if not isinstance(query.next_token, (bytes, bytearray)):
            raise OTSClientError("next_token must be bytes")
        message.token = bytes(query.next_token)
    _optional(message, "offset", query.offset)
    _optional(message, "limit", query.limit)
    if query.collapse is not None:
        if not isinstance(query.collapse, Collapse):
            raise OTSClientError(f"collapse_field must be a Collapse, not {type(query.collapse).__name__}")
        message.collapse.field_name = _unicode(query.collapse.field_name)
    if query.aggs is not None:
        _aggs(message.aggs, query.aggs)
    if query.group_bys is not None:
        _group_bys(message.group_bys, query.group_bys)
    if query.highlight is not None:
        _highlight(message.highlight, query.highlight)
    data: bytes = message.SerializeToString()
    return data


def _columns_to_get(message: Any, columns_to_get: Any) -> None:
    if columns_to_get is not None:
        if not isinstance(columns_to_get, ColumnsToGet):
            raise OTSClientError(f"columns_to_get must be a ColumnsToGet, not {type(columns_to_get).__name__}")
        message.columns_to_get.return_type = int(ColumnReturnType(columns_to_get.return_type))
        message.columns_to_get.column_names.extend(columns_to_get.column_names)


def _timeout(message: Any, timeout_s: Any) -> None:
    if timeout_s is not None:
        if not isinstance(timeout_s, (int, float)):
            raise OTSClientError("timeout_s must be an integer or float")
        if timeout_s < 0:
            raise OTSClientError("timeout_s must be a non-negative integer")
        message.timeout_ms = int(timeout_s * 1000)


@register("Search", pb.SearchResponse, _decode_search, idempotent=True)
def search(
    table_name: str,
    index_name: str,
    search_query: SearchQuery,
    columns_to_get: Optional[ColumnsToGet] = None,
    routing_keys: Optional[List[Any]] = None,
    timeout_s: Optional[float] = None,
) -> Tuple[Any, None]:
    """Run a query on a search index: a SearchResponse (rows, next_token, total_count, ...)."""
    message = pb.SearchRequest()
    _names(message, table_name, index_name)
    message.search_query = _search_query(search_query)
    _columns_to_get(message, columns_to_get)
    for key in routing_keys or ():
        message.routing_values.append(plainbuffer.encode_primary_key(arguments.primary_key(key, "routing_keys")))
    _timeout(message, timeout_s)
    return message, None


# --- parallel scan ----------------------------------------------------------------------------
def _decode_splits(message: Any, context: Any, request_id: str) -> ComputeSplitsResponse:
    return ComputeSplitsResponse(message.session_id.decode("utf-8"), message.splits_size, request_id)


@register("ComputeSplits", pb.ComputeSplitsResponse, _decode_splits, idempotent=True)
def compute_splits(table_name: str, index_name: str) -> Tuple[Any, None]:
    """Start a parallel scan of a search index: a ComputeSplitsResponse (session_id, splits_size)."""
    message = pb.ComputeSplitsRequest()
    message.table_name = check_name(table_name, "table_name")
    message.search_index_splits_options.index_name = check_name(index_name, "index_name")
    return message, None


def _scan_query(scan_query: Any) -> bytes:
    if not isinstance(scan_query, ScanQuery):
        raise OTSClientError(f"scan_query must be a ScanQuery, not {type(scan_query).__name__}")
    message = pb.ScanQuery()
    _query(message.query, scan_query.query)
    _optional(message, "limit", scan_query.limit)
    if scan_query.next_token is not None:
        message.token = bytes(scan_query.next_token)
    for name, minimum in (("alive_time", 1), ("current_parallel_id", 0), ("max_parallel", 1)):
        value = getattr(scan_query, name)
        if not isinstance(value, int) or value < minimum:
            raise OTSClientError(f"{name} must be integer")
        setattr(message, name, value)
    data: bytes = message.SerializeToString()
    return data


def _decode_scan(message: Any, context: Any, request_id: str) -> ParallelScanResponse:
    return ParallelScanResponse(_rows(message.rows), message.next_token, request_id)


@register("ParallelScan", pb.ParallelScanResponse, _decode_scan, idempotent=True)
def parallel_scan(
    table_name: str,
    index_name: str,
    scan_query: ScanQuery,
    session_id: str,
    columns_to_get: Optional[ColumnsToGet] = None,
    timeout_s: Optional[float] = None,
) -> Tuple[Any, None]:
    """One page of a parallel scan: a ParallelScanResponse (rows, next_token; b'' when done)."""
    message = pb.ParallelScanRequest()
    _names(message, table_name, index_name)
    message.scan_query = _scan_query(scan_query)
    if not isinstance(session_id, str):
        raise OTSClientError("session_id must be a str")
    message.session_id = session_id.encode("utf-8")
    _columns_to_get(message, columns_to_get)
    _timeout(message, timeout_s)
    return message, None
