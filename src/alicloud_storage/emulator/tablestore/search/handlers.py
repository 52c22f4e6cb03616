"""Search-index API handlers: CreateSearchIndex, DescribeSearchIndex, ListSearchIndex,
UpdateSearchIndex, DeleteSearchIndex and Search, over the engine's SearchDocuments.

Contributed to the front's dispatch table as :data:`OPERATIONS`, like the time series
APIs. Every index change runs in one SQLite write transaction; creating an index indexes
the table's existing rows in that same transaction (so DescribeSearchIndex reports the
incremental phase at once).
"""
from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from alicloud_storage.emulator import jsonbody
from alicloud_storage.emulator.tablestore import codec, limits, validate
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.handlers import Context, Operation, table_name
from alicloud_storage.emulator.tablestore.keys import decode_key, encode_key
from alicloud_storage.emulator.tablestore.model import TableInfo
from alicloud_storage.emulator.tablestore.search.aggregations import Rows, aggregate, group
from alicloud_storage.emulator.tablestore.search.documents import (
    DOUBLE,
    KEYWORD,
    LONG,
    MAX_FUZZY_CHARS,
    NESTED,
    IndexField,
    SearchDocuments,
    SearchIndex,
    alive,
    date_regex,
    nested_objects,
)
from alicloud_storage.emulator.tablestore.search.highlight import Highlighter, compile_highlight
from alicloud_storage.emulator.tablestore.search.prefilter import Want, select
from alicloud_storage.emulator.tablestore.search.query import (
    CompiledQuery,
    Corpus,
    Document,
    Hit,
    compile_query,
    field_values,
    index_field,
    inner_hits,
    sort_uses_score,
    sorted_hits,
)
from alicloud_storage.emulator.tablestore.storage import decode_cells
from alicloud_storage.tablestore.wire import pb
from alicloud_storage.tablestore.wire.enums import (
    ColumnReturnType,
    FieldType,
    IndexStatusEnum,
    SyncPhase,
    VectorDataType,
    VectorMetricType,
)
from alicloud_storage.tablestore.wire.plainbuffer import INF_MAX, INF_MIN, PlainRow

__all__ = [
    "OPERATIONS", "DEFAULT_LIMIT", "MAX_LIMIT", "MAX_LIMIT_FROM_INDEX", "MAX_OFFSET_PLUS_LIMIT",
    "SCAN_DEFAULT_LIMIT", "SCAN_MAX_LIMIT", "MAX_VECTOR_DIMENSION", "MAX_INDEX_FIELDS", "MAX_DATE_FORMATS",
    "MAX_SCAN_SESSIONS",
]

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_LIMIT_FROM_INDEX = 1000  # when every returned column comes from the index
MAX_OFFSET_PLUS_LIMIT = 100000
SCAN_DEFAULT_LIMIT = 100  # [I]
SCAN_MAX_LIMIT = 2000
_SPLITS = 1  # one split: one worker scans the whole index
_ANALYZERS = ("single_word", "split", "fuzzy", "min_word", "max_word")
MAX_VECTOR_DIMENSION = 4096  # [D] DOC-SLIM
MAX_INDEX_FIELDS = 1000  # [D] DOC-SLIM, nested sub-fields counted
MAX_DATE_FORMATS = 100  # [I] every row's date is tried against each format in turn
# [I] parallel-scan sessions kept (the service runs at most 10 scans at once): each
# ComputeSplits opened one that stayed in memory until used again
MAX_SCAN_SESSIONS = 1000


def _documents(ctx: Context) -> SearchDocuments:
    return ctx.engine.search_documents


def _index(ctx: Context, table: str, name: str) -> Tuple[TableInfo, SearchIndex]:
    info = ctx.engine.describe_table(ctx.instance, table)
    index = _documents(ctx).get(ctx.instance, table, name)
    if index is None:
        raise E.SEARCH_INDEX_NOT_EXIST.error(name=name)
    return info, index


# --- schema in -----------------------------------------------------------------------
def _analyzer_parameter(analyzer: str, data: bytes) -> Dict[str, Any]:
    if not data:
        return {}
    if analyzer == "split":
        return {"delimiter": codec.parse(pb.SplitAnalyzerParameter, data).delimiter}
    if analyzer == "fuzzy":
        p = codec.parse(pb.FuzzyAnalyzerParameter, data)
        low, high = p.min_chars or 1, p.max_chars or MAX_FUZZY_CHARS  # 0: the default, as analysis reads it
        if not 1 <= low <= high <= MAX_FUZZY_CHARS:
            raise E.SEARCH_INVALID.error(  # [I]
                detail=f"fuzzy analyzer needs 1 <= min_chars <= max_chars <= {MAX_FUZZY_CHARS}, "
                f"current min_chars is {p.min_chars}, max_chars is {p.max_chars}")
        return {"min_chars": p.min_chars, "max_chars": p.max_chars}
    p = codec.parse(pb.SingleWordAnalyzerParameter, data)
    return {"case_sensitive": p.case_sensitive, "delimit_word": p.delimit_word}


def _field(message: Any, nested: bool = False) -> IndexField:
    name = message.field_name
    if not limits.TABLE_NAME.fullmatch(name or ""):
        raise E.SEARCH_INVALID.error(detail=f"invalid field name [{name}]")
    try:
        kind = FieldType(message.field_type)
    except ValueError:
        raise E.SEARCH_INVALID.error(detail=f"field [{name}] has an invalid field type") from None
    if kind not in (FieldType.LONG, FieldType.DOUBLE, FieldType.BOOLEAN, FieldType.KEYWORD, FieldType.TEXT,
                    FieldType.NESTED, FieldType.GEO_POINT, FieldType.DATE, FieldType.VECTOR):
        raise E.SEARCH_INVALID.error(detail=f"field type {kind.name} of field [{name}] is not supported by the emulator")
    analyzer = ""
    if kind == FieldType.TEXT:
        analyzer = message.analyzer if message.HasField("analyzer") and message.analyzer else "single_word"
        if analyzer not in _ANALYZERS:
            raise E.SEARCH_INVALID.error(detail=f"analyzer [{analyzer}] is not supported by the emulator")
    elif message.HasField("analyzer") and message.analyzer:
        raise E.SEARCH_INVALID.error(detail=f"analyzer is only supported for TEXT field, field [{name}]")
    subs: Tuple[IndexField, ...] = ()
    if kind == FieldType.NESTED:
        if nested or not message.field_schemas:
            raise E.SEARCH_INVALID.error(detail="invalid parameter")
        subs = tuple(_field(sub, nested=True) for sub in message.field_schemas)
        _unique(subs)
    elif message.field_schemas:
        raise E.SEARCH_INVALID.error(detail="invalid parameter")
    dimension, metric = 0, 0
    if kind == FieldType.VECTOR:
        dimension, metric = _vector_options(message, nested)
    elif message.HasField("vector_options"):
        raise E.SEARCH_INVALID.error(detail=f"vector_options is only supported for VECTOR field, field [{name}]")  # [I]
    if kind == FieldType.DATE:
        _check_date_formats(name, message.date_formats)
    sort_and_agg = message.enable_sort_and_agg
    if sort_and_agg and kind == FieldType.TEXT:
        raise E.SEARCH_INVALID.error(detail=f"TEXT field [{name}] can not enable sort and agg")
    if message.enable_highlighting and kind != FieldType.TEXT:  # highlighting is for TEXT fields only [D]
        raise E.SEARCH_INVALID.error(detail=f"highlighting is only supported for TEXT field, field [{name}]")
    return IndexField(
        name, int(kind),
        index=message.index if message.HasField("index") else True,
        store=message.store if message.HasField("store") else True,
        is_array=message.is_array, sort_and_agg=sort_and_agg, analyzer=analyzer,
        analyzer_parameter=_analyzer_parameter(analyzer, message.analyzer_parameter),
        date_formats=tuple(message.date_formats), sub_fields=subs,
        enable_highlighting=message.enable_highlighting if message.HasField("enable_highlighting") else None,
        dimension=dimension, metric=metric,
    )


def _vector_options(message: Any, nested: bool) -> Tuple[int, int]:
    """(dimension, metric) of a VECTOR field: float32 only, not in a nested field or an array [I]."""
    name, options = message.field_name, message.vector_options
    if nested or message.is_array or not message.HasField("vector_options"):
        raise E.SEARCH_INVALID.error(detail=f"VECTOR field [{name}] needs vector_options and can not be nested or array")
    if options.data_type != VectorDataType.VD_FLOAT_32:
        raise E.SEARCH_INVALID.error(detail=f"data_type of VECTOR field [{name}] must be FLOAT_32")
    if not 0 < options.dimension <= MAX_VECTOR_DIMENSION:
        raise E.SEARCH_INVALID.error(
            detail=f"dimension of VECTOR field [{name}] must be in (0, {MAX_VECTOR_DIMENSION}], current {options.dimension}"
        )
    try:
        metric = VectorMetricType(options.metric_type if options.HasField("metric_type") else 0)
    except ValueError:
        raise E.SEARCH_INVALID.error(detail=f"invalid metric_type of VECTOR field [{name}]") from None
    return options.dimension, int(metric)


def _check_date_formats(name: str, formats: Any) -> None:
    """A DATE field's formats: given, at most MAX_DATE_FORMATS, each readable (a part such as
    ``yyyy`` at most once: the row's date could not say which one it is)."""
    if not formats:
        raise E.SEARCH_INVALID.error(detail=f"date_formats of DATE field [{name}] must not be empty")
    if len(formats) > MAX_DATE_FORMATS:
        raise E.SEARCH_INVALID.error(detail=f"DATE field [{name}] has more than {MAX_DATE_FORMATS} date_formats")  # [I]
    for pattern in formats:
        try:
            date_regex(pattern)
        except re.error:
            raise E.SEARCH_INVALID.error(detail=f"invalid date format [{pattern}] of DATE field [{name}]") from None  # [I]


def _unique(fields: Tuple[IndexField, ...]) -> None:
    seen: Set[str] = set()
    for item in fields:
        if item.name in seen:
            raise E.SEARCH_INVALID.error(detail=f"duplicated field name [{item.name}]")
        seen.add(item.name)


def _create(ctx: Context, request: Any) -> Any:
    table, name = request.table_name, request.index_name
    if not limits.TABLE_NAME.fullmatch(name):
        raise E.SEARCH_INVALID.error(detail=f"invalid index name [{name}]")
    schema = request.schema
    count = sum(1 + len(f.field_schemas) for f in schema.field_schemas)
    if count > MAX_INDEX_FIELDS:
        raise E.SEARCH_INVALID.error(detail=f"the number of index fields [{count}] exceeds {MAX_INDEX_FIELDS}")  # [I] text
    fields = tuple(_field(f) for f in schema.field_schemas)
    if not fields:
        raise E.SEARCH_INVALID.error(detail="field_schemas must not be empty")
    _unique(fields)
    ttl = request.time_to_live if request.HasField("time_to_live") else -1
    index_sort = b""
    if schema.HasField("index_sort"):
        if any(f.type == NESTED for f in fields) and schema.index_sort.sorter:
            raise E.SEARCH_INVALID.error(detail="index sort is not supported for index with nested field")
        index_sort = schema.index_sort.SerializeToString(deterministic=True)
    documents = _documents(ctx)
    try:
        with ctx.storage.write():
            info = ctx.engine.describe_table(ctx.instance, table)
            if info.index_of is not None:
                raise E.INDEX_TABLE_DDL.error(name=table, base=info.index_of)
            _check_ttl(info, ttl)
            if documents.get(ctx.instance, table, name) is not None:
                raise E.SEARCH_INDEX_EXIST.error(name=name)
            index = documents.insert(SearchIndex(
                0, ctx.instance, table, name, info.tid, fields,
                tuple(schema.index_setting.routing_fields), index_sort, ttl, int(ctx.clock() * 1_000_000),
            ))
            if index_sort:  # check the sorters against the fields before any row is indexed
                sorted_hits(index, [], codec.parse(pb.Sort, index_sort))
            names = [c.name for c in info.primary_key]
            rows = ctx.storage.scan(info.tid, encode_key([INF_MIN]), encode_key([INF_MAX]), False)
            documents.backfill(index, (
                (key, dict(zip(names, decode_key(key))), decode_cells(data)) for key, data in list(rows)
            ))
    except BaseException:
        documents.forget()
        raise
    return pb.CreateSearchIndexResponse()


def _check_ttl(info: TableInfo, ttl: int) -> None:
    if ttl != -1 and ttl <= 0:
        raise E.SEARCH_INVALID.error(detail=f"invalid time_to_live [{ttl}], must be -1 or positive")
    if ttl != -1 and info.options.allow_update:
        raise E.SEARCH_INVALID.error(detail="time_to_live of search index requires allow_update of table to be false")
    table_ttl = info.options.time_to_live
    if table_ttl != -1 and (ttl == -1 or ttl > table_ttl):
        raise E.SEARCH_INVALID.error(
            detail=f"time_to_live of search index [{ttl}] must not be larger than the table's [{table_ttl}]"
        )


# --- schema out ----------------------------------------------------------------------
def _echo_field(target: Any, item: IndexField) -> None:
    target.field_name = item.name
    target.field_type = item.type
    target.index = item.index
    target.store = item.store
    target.is_array = item.is_array
    target.enable_sort_and_agg = item.sort_and_agg
    if item.analyzer:
        target.analyzer = item.analyzer
    parameter = item.analyzer_parameter
    if parameter:
        message: Any = {
            "split": pb.SplitAnalyzerParameter, "fuzzy": pb.FuzzyAnalyzerParameter,
        }.get(item.analyzer, pb.SingleWordAnalyzerParameter)(**parameter)
        target.analyzer_parameter = message.SerializeToString()
    target.date_formats.extend(item.date_formats)
    if item.enable_highlighting is not None:
        target.enable_highlighting = item.enable_highlighting
    if item.type == FieldType.VECTOR:
        target.vector_options.data_type = VectorDataType.VD_FLOAT_32
        target.vector_options.dimension = item.dimension
        target.vector_options.metric_type = item.metric
    for sub in item.sub_fields:
        _echo_field(target.field_schemas.add(), sub)


def _describe(ctx: Context, request: Any) -> Any:
    _, index = _index(ctx, request.table_name, request.index_name)
    response = pb.DescribeSearchIndexResponse(create_time=index.create_time_us, time_to_live=index.time_to_live)
    schema = response.schema
    for item in index.fields:
        _echo_field(schema.field_schemas.add(), item)
    schema.index_setting.number_of_shards = 1
    schema.index_setting.routing_fields.extend(index.routing_fields)
    if index.index_sort:
        schema.index_sort.ParseFromString(index.index_sort)
    elif not any(item.type == NESTED for item in index.fields):
        schema.index_sort.sorter.add().pk_sort.order = 0
    else:
        schema.index_sort.SetInParent()
    now = ctx.clock()
    if not request.HasField("include_sync_stat") or request.include_sync_stat:
        response.sync_stat.sync_phase = SyncPhase.INCR
        response.sync_stat.current_sync_timestamp = int(now * 1e9)
    rows, size = _documents(ctx).stats(index)
    response.metering_info.CopyFrom(
        pb.MeteringInfo(storage_size=size, row_count=rows, reserved_read_cu=0, timestamp=int(now))
    )
    response.index_status.CopyFrom(pb.IndexStatus(status=IndexStatusEnum.RUNNING, status_description=""))
    return response


def _list(ctx: Context, request: Any) -> Any:
    table = request.table_name if request.HasField("table_name") else None
    if table is not None:
        ctx.engine.describe_table(ctx.instance, table)
    response = pb.ListSearchIndexResponse()
    for index in _documents(ctx).list(ctx.instance, table):
        response.indices.add(table_name=index.table_name, index_name=index.name)
    return response


def _update(ctx: Context, request: Any) -> Any:
    documents = _documents(ctx)
    try:
        with ctx.storage.write():
            info, index = _index(ctx, request.table_name, request.index_name)
            if request.HasField("time_to_live"):
                _check_ttl(info, request.time_to_live)
                documents.update(replace(index, time_to_live=request.time_to_live))
    except BaseException:
        documents.forget()
        raise
    return pb.UpdateSearchIndexResponse()


def _delete(ctx: Context, request: Any) -> Any:
    documents = _documents(ctx)
    try:
        with ctx.storage.write():
            _, index = _index(ctx, request.table_name, request.index_name)
            documents.delete(index)
    except BaseException:
        documents.forget()
        raise
    return pb.DeleteSearchIndexResponse()


# --- search --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Page:
    """Where a search's page starts, its size, and the (serialized) sort it pages through."""

    offset: int
    limit: int
    sort: bytes


def _digest(index: SearchIndex, *messages: Any) -> str:
    """What a next_token belongs to: the index and the messages that choose the hits."""
    data = hashlib.sha256(str(index.sid).encode())
    for message in messages:
        data.update(message.SerializeToString(deterministic=True) + b"\0")
    return data.hexdigest()[:32]


def _token(offset: int, sort: bytes, digest: str) -> bytes:
    return json.dumps({"offset": offset, "sort": sort.hex(), "of": digest}).encode()


def _read_token(data: bytes, digest: str) -> Tuple[int, bytes]:
    try:  # bounded JSON: a forged token may nest deep or say Infinity
        token = jsonbody.loads(data)
        offset, sort, owner = int(token["offset"]), bytes.fromhex(token["sort"]), token["of"]
    except (ValueError, KeyError, TypeError):
        raise E.SEARCH_INVALID.error(detail="invalid next_token") from None
    if owner != digest or offset < 0:
        raise E.SEARCH_INVALID.error(detail="the next_token does not belong to this query")
    return offset, sort


def _row(info: TableInfo, key: bytes, columns: Any, index: SearchIndex, ctx: Context) -> PlainRow:
    names = [c.name for c in info.primary_key]
    pk = list(zip(names, decode_key(key)))
    kind = columns.return_type if columns is not None and columns.HasField("return_type") else ColumnReturnType.RETURN_NONE
    if kind == ColumnReturnType.RETURN_NONE:
        return PlainRow(pk, [])
    wanted: Optional[Set[str]] = None
    if kind == ColumnReturnType.RETURN_SPECIFIED:
        wanted = set(columns.column_names)
    elif kind == ColumnReturnType.RETURN_ALL_FROM_INDEX:
        wanted = {item.name for item in index.fields}
    cells = _newest(ctx, info, key, wanted)
    return PlainRow(pk, [(name, cells[name][1], cells[name][0], None) for name in sorted(cells)])


def _newest(
    ctx: Context, info: TableInfo, key: bytes, wanted: Optional[Set[str]] = None
) -> Dict[str, Tuple[int, Any]]:
    """The newest (timestamp ms, value) of each attribute of a row (``wanted``: of these only), but
    for cells past the table's TTL."""
    ttl = info.options.time_to_live
    floor = int(ctx.clock() * 1000) - ttl * 1000 if ttl != -1 else None
    data = ctx.storage.get_data(info.tid, key)
    cells = {} if data is None else decode_cells(data, wanted)
    return {
        name: versions[0] for name, versions in cells.items() if versions and (floor is None or versions[0][0] >= floor)
    }


def _max_limit(info: TableInfo, index: SearchIndex, columns: Any) -> int:
    """100, or 1000 when every returned column comes from the index (stored fields, key columns)."""
    kind = columns.return_type if columns is not None and columns.HasField("return_type") else None
    if kind == ColumnReturnType.RETURN_ALL_FROM_INDEX:
        return MAX_LIMIT_FROM_INDEX
    if kind == ColumnReturnType.RETURN_SPECIFIED and columns.column_names:
        stored = {item.name for item in index.fields if item.store} | {c.name for c in info.primary_key}
        if set(columns.column_names) <= stored:
            return MAX_LIMIT_FROM_INDEX
    return MAX_LIMIT


def _page(query: Any, info: TableInfo, index: SearchIndex, columns: Any, digest: str) -> _Page:
    """The page a SearchQuery asks for: limit, then the token's or the request's offset and sort."""
    limit = query.limit if query.HasField("limit") else DEFAULT_LIMIT
    most = _max_limit(info, index, columns)
    if not 0 <= limit <= most:
        raise E.SEARCH_LIMIT.error(max=most, limit=limit)
    sort = query.sort.SerializeToString(deterministic=True) if query.HasField("sort") else index.index_sort
    if query.HasField("token") and query.token:
        if query.HasField("collapse"):
            raise E.SEARCH_INVALID.error(detail="next_token is not supported with collapse, page with offset and limit")
        offset, sort = _read_token(query.token, digest)
    else:
        offset = query.offset if query.HasField("offset") else 0
        if offset < 0:
            raise E.SEARCH_INVALID.error(detail=f"offset [{offset}] must not be negative")
    if offset + limit > MAX_OFFSET_PLUS_LIMIT:
        raise E.SEARCH_OFFSET_LIMIT.error(max=MAX_OFFSET_PLUS_LIMIT, offset=offset, limit=limit)
    return _Page(offset, limit, sort)


def _total(query: Any, count: Callable[[], int]) -> int:
    """total_hits: the count when asked (PY/GO get_total_count, Java track_total_count), else -1."""
    if query.get_total_count:
        return count()
    if query.HasField("track_total_count") and query.track_total_count > 0:
        return min(count(), int(query.track_total_count))
    return -1


def _live(ctx: Context, index: SearchIndex, floor: Optional[int]) -> Callable[[], List[Hit]]:
    """The documents of rows within the TTL, read on first call (scores, KNN, or a query the
    pre-filter cannot narrow down need them all)."""
    found: List[List[Hit]] = []

    def everything() -> List[Hit]:
        if not found:
            found.append([hit for hit in _documents(ctx).documents(index) if alive(hit[1], floor)])
        return found[0]

    return everything


def _collapse_field(index: SearchIndex, collapse: Any) -> str:
    """The field hits are collapsed on: a non-array LONG, DOUBLE or KEYWORD field with sort and agg."""
    name = collapse.field_name
    item = index_field(index, name)
    if "." in name or item.type not in (LONG, DOUBLE, KEYWORD) or item.is_array or not item.sort_and_agg:
        raise E.SEARCH_INVALID.error(
            detail=f"collapse field [{name}] must be a LONG, DOUBLE or KEYWORD field, not an array, "
            "with enable_sort_and_agg"
        )
    return str(name)


def _collapsed(hits: List[Hit], name: str) -> List[Hit]:
    """The first hit of each value of ``name`` in hit order (rows without a value share one)."""
    seen: Set[Any] = set()
    out = []
    for hit in hits:
        values = field_values(hit[1], name)
        value = values[0] if values else None
        if value not in seen:
            seen.add(value)
            out.append(hit)
    return out


def _ttl_floor(ctx: Context, info: TableInfo, index: SearchIndex) -> Optional[int]:
    """The oldest write time (ms) a row may have to be found: the table's or the index's TTL."""
    ttls = [ttl for ttl in (info.options.time_to_live, index.time_to_live) if ttl != -1]
    return int(ctx.clock() * 1000) - min(ttls) * 1000 if ttls else None


def _check_routing(values: Any) -> None:
    """Routing values are primary keys (PlainBuffer with header); with one shard they select it."""
    for data in values:
        validate.primary_key(codec.primary_key(data))


def _search(ctx: Context, request: Any) -> Any:
    info, index = _index(ctx, request.table_name, request.index_name)
    query = codec.parse(pb.SearchQuery, request.search_query)
    if not query.HasField("query"):
        raise E.SEARCH_BAD_QUERY.error()
    _check_routing(request.routing_values)
    columns = request.columns_to_get if request.HasField("columns_to_get") else None
    digest = _digest(index, query.query, query.filter, query.collapse)
    page = _page(query, info, index, columns, digest)
    sort = codec.parse(pb.Sort, page.sort)
    sorted_hits(index, [], sort)  # the sorters are checked before any work (SQL may order without them)
    floor = _ttl_floor(ctx, info, index)
    everything = _live(ctx, index, floor)
    corpus = Corpus(lambda: [doc for _, doc in everything()])
    compiled = compile_query(index, query.query, corpus, page.offset + page.limit)
    scores: Dict[bytes, float] = {}

    def read_row(key: bytes) -> bytes:
        return codec.encode_row(_row(info, key, columns, index, ctx))

    rows = Rows(read_row, scores)
    aggs = aggregate(index, query.aggs, rows) if query.HasField("aggs") else None
    group_bys = group(index, query.group_bys, rows) if query.HasField("group_bys") else None
    corpus.scoring = sort_uses_score(sort) or bool(compiled.inner_hits) or rows.by_score
    passes = compile_query(index, query.filter.query, corpus) if query.HasField("filter") else None
    collapse = _collapse_field(index, query.collapse) if query.HasField("collapse") else None
    highlighter = compile_highlight(index, query.query, query.highlight) if query.HasField("highlight") else None

    def score(doc: Document) -> Optional[float]:
        found = compiled.score(doc)
        return found if found is not None and (passes is None or passes(doc)) else None

    queries = [query.query, *([query.filter.query] if query.HasField("filter") else [])]
    every = aggs is not None or group_bys is not None or collapse is not None
    found = select(_documents(ctx), index, Want(
        queries, score, sort, page.offset, page.limit, every, floor, everything, corpus.scoring or compiled.knn))
    hits = found.hits or []
    scores.update(found.scores)
    response = pb.SearchResponse(is_all_succeed=True, total_hits=_total(query, found.count))
    if aggs is not None:
        response.aggs = aggs(hits)
    if group_bys is not None:
        response.group_bys = group_bys(hits)
    shown = _collapsed(hits, collapse) if collapse is not None else hits
    collapsed = shown[page.offset:page.offset + page.limit]
    chosen = [key for key, _ in collapsed] if collapse is not None else found.keys
    for key in chosen:
        response.rows.append(read_row(key))
    if corpus.scoring or highlighter is not None:
        _search_hits(ctx, (info, index), response, compiled, collapsed if collapse is not None else found.page(),
                     scores if corpus.scoring else None, highlighter)
    # no token with collapse, nor on an index with nested fields that has no index sort;
    # a KNN query's page carries a token whenever it is full (fact sheet §3.9)
    paged = collapse is None and (bool(index.index_sort) or not any(f.type == NESTED for f in index.fields))
    more = len(chosen) == page.limit if compiled.knn else (
        page.offset + page.limit < len(shown) if collapse is not None else found.more)
    if paged and page.limit > 0 and more:
        response.next_token = _token(page.offset + page.limit, page.sort, digest)
    return response


def _search_hits(ctx: Context, where: Tuple[TableInfo, SearchIndex], response: Any, compiled: CompiledQuery,
                 page: List[Hit], scores: Optional[Dict[bytes, float]], highlighter: Optional[Highlighter]) -> None:
    """One SearchHit per returned row: its score (when scored), its highlight result, and the
    inner hits its nested queries ask for."""
    info, index = where
    inner_highlighters = [
        None if plan.highlight is None else compile_highlight(index, plan.query, plan.highlight)
        for plan in compiled.inner_hits
    ]
    for key, doc in page:
        hit = response.search_hits.add()
        if scores is not None:
            hit.score = scores[key]
        newest: Dict[str, Any] = {}
        if highlighter is not None or any(inner_highlighters):
            newest = {name: cell[1] for name, cell in _newest(ctx, info, key).items()}
        if highlighter is not None:
            hit.highlight_result.CopyFrom(highlighter.result(newest))
        for plan, inner_highlighter in zip(compiled.inner_hits, inner_highlighters):
            inner = hit.search_inner_hits.add(path=plan.path)
            objects = nested_objects(newest.get(plan.path)) if inner_highlighter is not None else []
            for offset, score in inner_hits(index, plan, doc):
                sub = inner.search_hits.add(score=score, nested_doc_offset=offset)
                if inner_highlighter is not None and offset < len(objects):
                    values = {f"{plan.path}.{name}": value for name, value in objects[offset].items()}
                    sub.highlight_result.CopyFrom(inner_highlighter.result(values))


# --- parallel scan -------------------------------------------------------------------
def _compute_splits(ctx: Context, request: Any) -> Any:
    table = request.table_name
    if ctx.storage.get_table(ctx.instance, table) is None:
        raise E.SCAN_TABLE_NOT_EXIST.error(table=table)
    if not request.HasField("search_index_splits_options"):
        raise E.SCAN_NO_SPLITS_OPTIONS.error()
    _, index = _index(ctx, table, request.search_index_splits_options.index_name)
    sessions, now = _documents(ctx).scan_sessions, ctx.clock()
    if len(sessions) >= MAX_SCAN_SESSIONS:  # expired ones go, then the longest unused (it reads as expired)
        for key in [key for key, (_, alive_time, used) in sessions.items() if now - used > alive_time]:
            del sessions[key]
        while len(sessions) >= MAX_SCAN_SESSIONS:
            del sessions[min(sessions, key=lambda key: sessions[key][2])]
    session = uuid.uuid4().hex.encode()
    sessions[session] = [index.sid, 60, now]
    return pb.ComputeSplitsResponse(session_id=session, splits_size=_SPLITS)


def _parallel_scan(ctx: Context, request: Any) -> Any:
    table = request.table_name
    if ctx.storage.get_table(ctx.instance, table) is None:
        raise E.SCAN_TABLE_NOT_EXIST.error(table=table)
    info, index = _index(ctx, table, request.index_name)
    scan = codec.parse(pb.ScanQuery, request.scan_query)
    max_parallel = scan.max_parallel if scan.HasField("max_parallel") else 1
    if not 0 < max_parallel <= _SPLITS:
        raise E.SCAN_MAX_PARALLEL.error(splits=_SPLITS, max_parallel=max_parallel)
    parallel_id = scan.current_parallel_id
    if not 0 <= parallel_id < max_parallel:
        raise E.SCAN_PARALLEL_ID.error(max_parallel=max_parallel, parallel_id=parallel_id)
    limit = scan.limit if scan.HasField("limit") else SCAN_DEFAULT_LIMIT
    if not 0 < limit <= SCAN_MAX_LIMIT:
        raise E.SCAN_LIMIT.error(max=SCAN_MAX_LIMIT, limit=limit)
    columns = request.columns_to_get if request.HasField("columns_to_get") else None
    if columns is not None and columns.return_type == ColumnReturnType.RETURN_ALL:
        raise E.SEARCH_INVALID.error(detail="[columns_to_get] RETURN_ALL is not supported by parallel scan")
    sessions, now = _documents(ctx).scan_sessions, ctx.clock()
    session = sessions.get(request.session_id)
    if session is None or session[0] != index.sid or now - session[2] > session[1]:
        sessions.pop(request.session_id, None)
        raise E.SCAN_SESSION_EXPIRED.error()
    session[1:] = [scan.alive_time if scan.HasField("alive_time") else 60, now]
    digest = _digest(index, scan.query)
    offset = _read_token(scan.token, digest)[0] if scan.HasField("token") and scan.token else 0
    floor = _ttl_floor(ctx, info, index)
    everything = _live(ctx, index, floor)
    predicate = compile_query(index, scan.query, Corpus(lambda: [doc for _, doc in everything()], scoring=False))
    page = select(_documents(ctx), index, Want(
        [scan.query], predicate.score, pb.Sort(), offset, limit, False, floor, everything, predicate.knn)).keys
    response = pb.ParallelScanResponse()
    for key in page:
        response.rows.append(codec.encode_row(_row(info, key, columns, index, ctx)))
    # every non-empty page carries a token; the empty page after the last ends the scan
    response.next_token = _token(offset + len(page), b"", digest) if page else b""
    return response


OPERATIONS: Dict[str, Operation] = {
    "CreateSearchIndex": Operation(pb.CreateSearchIndexRequest, table_name, _create),
    "DescribeSearchIndex": Operation(pb.DescribeSearchIndexRequest, table_name, _describe),
    "ListSearchIndex": Operation(
        pb.ListSearchIndexRequest, lambda r: [r.table_name] if r.HasField("table_name") else [], _list
    ),
    "UpdateSearchIndex": Operation(pb.UpdateSearchIndexRequest, table_name, _update),
    "DeleteSearchIndex": Operation(pb.DeleteSearchIndexRequest, table_name, _delete),
    "Search": Operation(pb.SearchRequest, table_name, _search),
    "ComputeSplits": Operation(pb.ComputeSplitsRequest, table_name, _compute_splits),
    "ParallelScan": Operation(pb.ParallelScanRequest, table_name, _parallel_scan),
}
