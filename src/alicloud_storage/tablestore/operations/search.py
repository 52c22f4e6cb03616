"""Search-index operations: create, describe, list, update and delete indexes; search.

The search request carries its query as bytes of a serialized SearchQuery, and each query
node as a type tag plus the bytes of its own message, as the protocol does.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models import (
    ComputeSplitsResponse,
    ParallelScanResponse,
    ScanQuery,
    Agg,
    AggResult,
    GroupByField,
    GroupByFieldResultItem,
    GroupByResult,
    GroupKeySort,
    RowCountSort,
    SubAggSort,
    BoolQuery,
    ColumnReturnType,
    ColumnsToGet,
    ExistsQuery,
    FieldSchema,
    FieldSort,
    FieldType,
    FuzzyAnalyzerParameter,
    IndexSetting,
    MatchAllQuery,
    MatchPhraseQuery,
    MatchQuery,
    PrefixQuery,
    PrimaryKeySort,
    Query,
    RangeQuery,
    ScoreSort,
    SearchHit,
    SearchIndexMeta,
    SearchQuery,
    SearchResponse,
    SingleWordAnalyzerParameter,
    Sort,
    SortMode,
    SortOrder,
    SplitAnalyzerParameter,
    SyncPhase,
    SyncStat,
    TermQuery,
    TermsQuery,
    WildcardQuery,
)
from alicloud_storage.tablestore.operations import arguments
from alicloud_storage.tablestore.operations.registry import register
from alicloud_storage.tablestore.operations.results import VERIFY_ROW_CRC, decode_none
from alicloud_storage.tablestore.validation import check_int, check_name
from alicloud_storage.tablestore.wire import enums, pb, plainbuffer
from alicloud_storage.tablestore.wire.filter_values import encode_filter_value

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

# --- index schema ------------------------------------------------------------------
def _analyzer_parameter(value: Any) -> bytes:
    if isinstance(value, SingleWordAnalyzerParameter):
        message: Any = pb.SingleWordAnalyzerParameter(
            case_sensitive=bool(value.case_sensitive), delimit_word=bool(value.delimit_word)
        )
    elif isinstance(value, SplitAnalyzerParameter):
        message = pb.SplitAnalyzerParameter(delimiter=value.delimiter)
    elif isinstance(value, FuzzyAnalyzerParameter):
        message = pb.FuzzyAnalyzerParameter(min_chars=value.min_chars, max_chars=value.max_chars)
    else:
        raise OTSClientError(f"analyzer_parameter must be an analyzer parameter model, not {type(value).__name__}")
    data: bytes = message.SerializeToString()
    return data


def _field_schema(message: Any, schema: Any) -> None:
    if not isinstance(schema, FieldSchema):
        raise OTSClientError(f"each field must be a FieldSchema, not {type(schema).__name__}")
    message.field_name = check_name(schema.field_name, "field_name")
    try:
        message.field_type = int(FieldType(schema.field_type))
    except ValueError:
        raise OTSClientError(f"unknown field_type {schema.field_type!r}") from None
    for flag in ("index", "store", "is_array", "enable_sort_and_agg", "enable_highlighting"):
        value = getattr(schema, flag)
        if value is not None:
            setattr(message, flag, bool(value))
    if schema.analyzer is not None:
        message.analyzer = str(schema.analyzer)
    if schema.analyzer_parameter is not None:
        message.analyzer_parameter = _analyzer_parameter(schema.analyzer_parameter)
    for sub in schema.sub_field_schemas or ():
        _field_schema(message.field_schemas.add(), sub)
    message.date_formats.extend(schema.date_formats or ())
    if schema.is_virtual_field:
        message.is_virtual_field = True
        message.source_field_names.extend(schema.source_fields or ())


def _sorter(message: Any, sorter: Any) -> None:
    if isinstance(sorter, FieldSort):
        message.field_sort.field_name = sorter.field_name
        if sorter.sort_order is not None:
            message.field_sort.order = int(SortOrder(sorter.sort_order))
        if sorter.sort_mode is not None:
            message.field_sort.mode = int(SortMode(sorter.sort_mode))
    elif isinstance(sorter, PrimaryKeySort):
        message.pk_sort.order = int(SortOrder(sorter.sort_order))
    elif isinstance(sorter, ScoreSort):
        message.score_sort.order = int(SortOrder(sorter.sort_order))
    else:
        raise OTSClientError(f"Invalid sorter type: {type(sorter).__name__}")


def _sort(message: Any, sort: Any) -> None:
    if not isinstance(sort, Sort):
        raise OTSClientError(f"sort must be a Sort, not {type(sort).__name__}")
    for sorter in sort.sorters:
        _sorter(message.sorter.add(), sorter)


def _index_meta(message: Any, meta: Any) -> None:
    if not isinstance(meta, SearchIndexMeta):
        raise OTSClientError(f"index_meta must be a SearchIndexMeta, not {type(meta).__name__}")
    for schema in meta.fields or ():
        _field_schema(message.schema.field_schemas.add(), schema)
    setting = message.schema.index_setting
    setting.number_of_shards = 1
    if meta.index_setting is not None:
        setting.routing_fields.extend(meta.index_setting.routing_fields or ())
    if meta.index_sort is not None:
        _sort(message.schema.index_sort, meta.index_sort)
    message.time_to_live = check_int(meta.time_to_live, "index_meta.time_to_live", -1)


def _decode_field(message: Any) -> FieldSchema:
    parameter: Any = None
    if message.HasField("analyzer_parameter") and message.analyzer_parameter:
        kinds: Dict[str, Callable[[Any], Any]] = {
            "single_word": lambda p: SingleWordAnalyzerParameter(p.case_sensitive, p.delimit_word),
            "split": lambda p: SplitAnalyzerParameter(p.delimiter),
            "fuzzy": lambda p: FuzzyAnalyzerParameter(p.min_chars, p.max_chars),
        }
        classes = {"single_word": pb.SingleWordAnalyzerParameter, "split": pb.SplitAnalyzerParameter,
                   "fuzzy": pb.FuzzyAnalyzerParameter}
        if message.analyzer in kinds:
            parameter = kinds[message.analyzer](classes[message.analyzer].FromString(message.analyzer_parameter))
    return FieldSchema(
        message.field_name, FieldType(message.field_type), index=message.index, store=message.store,
        is_array=message.is_array, enable_sort_and_agg=message.enable_sort_and_agg,
        analyzer=message.analyzer, sub_field_schemas=[_decode_field(f) for f in message.field_schemas],
        analyzer_parameter=parameter, date_formats=list(message.date_formats),
        is_virtual_field=message.is_virtual_field, source_fields=list(message.source_field_names),
        enable_highlighting=message.enable_highlighting if message.HasField("enable_highlighting") else None,
    )


def _decode_sorter(message: Any) -> Any:
    if message.HasField("field_sort"):
        f = message.field_sort
        return FieldSort(f.field_name, SortOrder(f.order), SortMode(f.mode))
    if message.HasField("score_sort"):
        return ScoreSort(SortOrder(message.score_sort.order))
    if message.HasField("pk_sort"):
        return PrimaryKeySort(SortOrder(message.pk_sort.order))
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
        raise OTSClientError(f"index_meta must be a SearchIndexMeta, not {type(index_meta).__name__}")
    message.time_to_live = check_int(index_meta.time_to_live, "index_meta.time_to_live", -1)
    return message, None


@register("DeleteSearchIndex", pb.DeleteSearchIndexResponse, decode_none, idempotent=False)
def delete_search_index(table_name: str, index_name: str) -> Tuple[Any, None]:
    """Delete a search index; returns None."""
    message = pb.DeleteSearchIndexRequest()
    _names(message, table_name, index_name)
    return message, None


# --- queries -----------------------------------------------------------------------
def _weight(message: Any, query: Any) -> None:
    if query.weight is not None:
        message.weight = float(query.weight)


def _query_body(query: Any) -> Tuple[int, Any]:
    """(QueryType, the query's own message)."""
    T = enums.QueryType
    if isinstance(query, MatchAllQuery):
        return T.MATCH_ALL_QUERY, pb.MatchAllQuery()
    if isinstance(query, MatchQuery):
        m: Any = pb.MatchQuery(field_name=query.field_name, text=query.text)
        if query.minimum_should_match is not None:
            m.minimum_should_match = check_int(query.minimum_should_match, "minimum_should_match", 0)
        if query.operator is not None:
            m.operator = int(query.operator)
        _weight(m, query)
        return T.MATCH_QUERY, m
    if isinstance(query, MatchPhraseQuery):
        m = pb.MatchPhraseQuery(field_name=query.field_name, text=query.text)
        _weight(m, query)
        if query.slop is not None:
            m.slop = query.slop
        return T.MATCH_PHRASE_QUERY, m
    if isinstance(query, TermQuery):
        m = pb.TermQuery(field_name=query.field_name, term=encode_filter_value(query.column_value))
        _weight(m, query)
        return T.TERM_QUERY, m
    if isinstance(query, TermsQuery):
        m = pb.TermsQuery(field_name=query.field_name, terms=[encode_filter_value(v) for v in query.column_values])
        _weight(m, query)
        return T.TERMS_QUERY, m
    if isinstance(query, RangeQuery):
        m = pb.RangeQuery(field_name=query.field_name)
        if query.range_from is not None:
            m.range_from = encode_filter_value(query.range_from)
        if query.range_to is not None:
            m.range_to = encode_filter_value(query.range_to)
        m.include_lower = bool(query.include_lower)
        m.include_upper = bool(query.include_upper)
        return T.RANGE_QUERY, m
    if isinstance(query, PrefixQuery):
        m = pb.PrefixQuery(field_name=query.field_name, prefix=query.prefix)
        _weight(m, query)
        return T.PREFIX_QUERY, m
    if isinstance(query, WildcardQuery):
        m = pb.WildcardQuery(field_name=query.field_name, value=query.value)
        _weight(m, query)
        return T.WILDCARD_QUERY, m
    if isinstance(query, ExistsQuery):
        return T.EXISTS_QUERY, pb.ExistsQuery(field_name=query.field_name)
    if isinstance(query, BoolQuery):
        m = pb.BoolQuery()
        for name in ("must_queries", "must_not_queries", "filter_queries", "should_queries"):
            for sub in getattr(query, name) or ():
                _query(getattr(m, name).add(), sub)
        if query.minimum_should_match is not None:
            m.minimum_should_match = check_int(query.minimum_should_match, "minimum_should_match", 0)
        _weight(m, query)
        return T.BOOL_QUERY, m
    raise OTSClientError(f"Invalid query type: {type(query).__name__}")


def _query(message: Any, query: Any) -> None:
    if not isinstance(query, Query):
        raise OTSClientError(f"query must be a Query, not {type(query).__name__}")
    kind, body = _query_body(query)
    message.type = kind
    message.query = body.SerializeToString()


# --- aggregations and group-bys ------------------------------------------------------
_AGG_BODIES = {1: "AvgAggregation", 2: "MaxAggregation", 3: "MinAggregation", 4: "SumAggregation",
               5: "CountAggregation", 6: "DistinctCountAggregation"}
_AGG_RESULTS = {1: "AvgAggregationResult", 2: "MaxAggregationResult", 3: "MinAggregationResult",
                4: "SumAggregationResult", 5: "CountAggregationResult", 6: "DistinctCountAggregationResult"}


def _aggs(message: Any, aggs: Any) -> None:
    for agg in aggs:
        if not isinstance(agg, Agg) or agg.type not in _AGG_BODIES:
            raise OTSClientError(f"Invalid aggregation type: {type(agg).__name__}")
        body = getattr(pb, _AGG_BODIES[agg.type])(field_name=agg.field)
        if agg.missing is not None:
            body.missing = encode_filter_value(agg.missing)
        message.aggs.add(name=agg.name, type=agg.type, body=body.SerializeToString())


def _group_bys(message: Any, group_bys: Any) -> None:
    for group_by in group_bys:
        if not isinstance(group_by, GroupByField):
            raise OTSClientError(f"Invalid group by type: {type(group_by).__name__}")
        body = pb.GroupByField(field_name=group_by.field_name)
        if group_by.size is not None:
            body.size = check_int(group_by.size, "size", 0)
        for sort in group_by.group_by_sort or ():
            sorter = body.sort.sorters.add()
            if isinstance(sort, GroupKeySort):
                sorter.group_key_sort.order = int(SortOrder(sort.sort_order))
            elif isinstance(sort, RowCountSort):
                sorter.row_count_sort.order = int(SortOrder(sort.sort_order))
            elif isinstance(sort, SubAggSort):
                sorter.sub_agg_sort.order = int(SortOrder(sort.sort_order))
                sorter.sub_agg_sort.sub_agg_name = sort.sub_agg_name
            else:
                raise OTSClientError(f"Invalid sort type:{type(sort)}")
        if group_by.sub_aggs:
            _aggs(body.sub_aggs, group_by.sub_aggs)
        if group_by.sub_group_bys:
            _group_bys(body.sub_group_bys, group_by.sub_group_bys)
        message.group_bys.add(name=group_by.name, type=group_by.type, body=body.SerializeToString())


def _agg_results(message: Any) -> List[AggResult]:
    results = []
    for item in message.agg_results:
        if item.type not in _AGG_RESULTS:
            raise OTSClientError(f"unsupport aggregation type:{item.type}")
        results.append(AggResult(item.name, getattr(pb, _AGG_RESULTS[item.type]).FromString(item.agg_result).value))
    return results


def _group_by_results(message: Any) -> List[GroupByResult]:
    results = []
    for item in message.group_by_results:
        if item.type != enums.GroupByType.GROUP_BY_FIELD:
            raise OTSClientError(f"unsupport group by type:{item.type}")
        groups = pb.GroupByFieldResult.FromString(item.group_by_result).group_by_field_result_items
        results.append(GroupByResult(item.name, [
            GroupByFieldResultItem(g.key, g.row_count, _agg_results(g.sub_aggs_result),
                                   _group_by_results(g.sub_group_bys_result))
            for g in groups
        ]))
    return results


def _search_query(query: Any) -> bytes:
    if not isinstance(query, SearchQuery):
        raise OTSClientError(f"search_query must be a SearchQuery, not {type(query).__name__}")
    if query.collapse_field is not None or query.highlight is not None:
        raise OTSClientError("collapse and highlight are not supported yet")
    message = pb.SearchQuery()
    if query.offset is not None:
        message.offset = check_int(query.offset, "offset", 0)
    if query.limit is not None:
        message.limit = check_int(query.limit, "limit", 0)
    _query(message.query, query.query)
    if query.sort is not None:
        _sort(message.sort, query.sort)
    message.get_total_count = bool(query.get_total_count)
    if query.aggs:
        _aggs(message.aggs, query.aggs)
    if query.group_bys:
        _group_bys(message.group_bys, query.group_bys)
    if query.next_token is not None:
        if not isinstance(query.next_token, (bytes, bytearray)):
            raise OTSClientError("next_token must be bytes")
        message.token = bytes(query.next_token)
    data: bytes = message.SerializeToString()
    return data


def _rows(message: Any) -> List[Any]:
    """The (primary key, attribute columns) of each row of a search-style response."""
    rows = []
    for data in message.rows:
        row = plainbuffer.read_row(data, VERIFY_ROW_CRC)
        rows.append(row if row is not None else ([], []))
    return rows


def _columns_to_get(message: Any, columns_to_get: Any) -> None:
    if columns_to_get is not None:
        if not isinstance(columns_to_get, ColumnsToGet):
            raise OTSClientError(f"columns_to_get must be a ColumnsToGet, not {type(columns_to_get).__name__}")
        message.columns_to_get.return_type = int(ColumnReturnType(columns_to_get.return_type))
        message.columns_to_get.column_names.extend(columns_to_get.column_names)


def _timeout(message: Any, timeout_s: Any) -> None:
    if timeout_s is not None:
        if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or timeout_s < 0:
            raise OTSClientError("timeout_s must be a non-negative integer or float")
        message.timeout_ms = int(timeout_s * 1000)


def _decode_search(message: Any, context: Any, request_id: str) -> SearchResponse:
    rows = _rows(message)
    if message.search_hits and len(message.search_hits) != len(rows):
        raise OTSClientError(
            f"Tablestore search response occur error, row count[{len(rows)}] != "
            f"search_hit count[{len(message.search_hits)}], request_id:{request_id}"
        )
    hits = [SearchHit(row, hit.score, None, [], hit.nested_doc_offset)
            for row, hit in zip(rows, message.search_hits)]
    aggs = _agg_results(pb.AggregationsResult.FromString(message.aggs)) if message.aggs else []
    group_bys = _group_by_results(pb.GroupBysResult.FromString(message.group_bys)) if message.group_bys else []
    return SearchResponse(
        rows, aggs, group_bys, message.next_token, message.is_all_succeed, message.total_hits, hits, request_id
    )


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


# --- parallel scan -------------------------------------------------------------------
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
    if scan_query.limit is not None:
        message.limit = check_int(scan_query.limit, "limit", 0)
    if scan_query.next_token is not None:
        message.token = bytes(scan_query.next_token)
    message.alive_time = check_int(scan_query.alive_time, "alive_time", 1)
    message.current_parallel_id = check_int(scan_query.current_parallel_id, "current_parallel_id", 0)
    message.max_parallel = check_int(scan_query.max_parallel, "max_parallel", 1)
    data: bytes = message.SerializeToString()
    return data


def _decode_scan(message: Any, context: Any, request_id: str) -> ParallelScanResponse:
    return ParallelScanResponse(_rows(message), message.next_token, request_id)


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
