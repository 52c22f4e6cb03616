"""Sans-IO core of the Tablestore client: one operation table, one request builder, one parser.

Each public client method is one :class:`Operation` in :data:`OPERATIONS`:

* ``encode(*args, **kwargs) -> (message, context)`` has the public signature (the
  clients copy it), validates arguments with clear OTSClientError messages and
  builds the protobuf request;
* ``decode(response_message, context, request_id) -> result`` turns the protobuf
  response into the official SDK's result shape;
* ``idempotent`` tells the retry policy whether the API may be sent twice.

:func:`build_request` signs a body into an :class:`~alicloud_storage.http.Request`;
:func:`parse_response` checks a response (MD5, signature, date), raises
OTSServiceError for service errors and decodes the rest. Iterators over several
calls (``xget_range``) are generators in :data:`ITERATORS` that yield
:class:`SubCall` steps and the items to hand out; the sync and async clients drive
them. More operations (time series) are added with :func:`register`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, Generator, List, Mapping, Optional, Tuple

from alicloud_storage.credentials import Credentials
from alicloud_storage.http import Request, Response
from alicloud_storage.tablestore import retry
from alicloud_storage.tablestore.auth import RequestSigner
from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError, OTSServiceError
from alicloud_storage.tablestore.models import (
    PK_AUTO_INCR,
    BatchGetRowRequest,
    BatchGetRowResponse,
    BatchWriteRowRequest,
    BatchWriteRowResponse,
    BatchWriteRowResponseItem,
    BatchWriteRowType,
    CapacityUnit,
    ColumnCondition,
    CompositeColumnCondition,
    Condition,
    DescribeTableResponse,
    Direction,
    LogicalOperator,
    ReservedThroughput,
    ReservedThroughputDetails,
    ReturnType,
    Row,
    RowDataItem,
    RowExistenceExpectation,
    SecondaryIndexMeta,
    SecondaryIndexType,
    SingleColumnCondition,
    SingleColumnRegexCondition,
    SSEDetails,
    SSESpecification,
    TableMeta,
    TableOptions,
    UpdateTableResponse,
)
from alicloud_storage.tablestore.validation import check_int, check_name, coerce_enum
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.filter_values import encode_filter_value
from alicloud_storage.tablestore.wire.plainbuffer import CellOp

__all__ = [
    "Operation",
    "SubCall",
    "OPERATIONS",
    "ITERATORS",
    "register",
    "register_iterator",
    "build_request",
    "parse_response",
    "request_id_of",
    "PK_TYPES",
    "decode_none",
    "decode_next_token",
    "decode_schema_column",
    "Encoder",
    "Decoder",
    # the encoders and iterator flows, named as the client methods they define
    "create_table", "delete_table", "list_table", "update_table", "describe_table", "get_row",
    "put_row", "update_row", "delete_row", "batch_get_row", "batch_write_row", "get_range",
    "xget_range",
]

Encoder = Callable[..., Tuple[Any, Any]]
Decoder = Callable[[Any, Any, str], Any]


@dataclass(frozen=True)
class Operation:
    """One API: public signature + encoder, protobuf response type, decoder, idempotency."""

    api: str
    encode: Encoder
    response_type: Any
    decode: Decoder
    idempotent: bool


@dataclass(frozen=True)
class SubCall:
    """A step of an iterator flow: call operation ``method`` with these positional arguments."""

    method: str
    args: Tuple[Any, ...] = ()


OPERATIONS: Dict[str, Operation] = {}
ITERATORS: Dict[str, Callable[..., Generator[Any, Any, None]]] = {}


def register(api: str, response_type: Any, decode: Decoder, idempotent: bool) -> Callable[[Encoder], Encoder]:
    """Decorator: add the decorated encoder as client method ``encoder.__name__``."""

    def add(encode: Encoder) -> Encoder:
        OPERATIONS[encode.__name__] = Operation(api, encode, response_type, decode, idempotent)
        if idempotent:
            retry.register_idempotent_api(api)
        return encode

    return add


def register_iterator(flow: Callable[..., Generator[Any, Any, None]]) -> Callable[..., Generator[Any, Any, None]]:
    """Decorator: add the decorated flow as client iterator method ``flow.__name__``."""
    ITERATORS[flow.__name__] = flow
    return flow


# ------------------------------------------------------------------- HTTP envelope


def build_request(
    api: str,
    body: bytes,
    base_url: str,
    credentials: Credentials,
    instance_name: str,
    signer: RequestSigner,
    now: datetime,
    extra_headers: Optional[Mapping[str, str]] = None,
) -> Request:
    """A signed POST of ``body`` to ``{base_url}/{api}`` (re-built for every attempt)."""
    headers = signer.sign("/" + api, body, credentials, instance_name, now, extra_headers)
    return Request("POST", f"{base_url}/{api}", headers, body)


def request_id_of(headers: Mapping[str, str]) -> str:
    """The x-ots-requestid of a response (header names are lowercase), or ''."""
    return headers.get("x-ots-requestid", "")


def parse_response(
    operation: Operation,
    response: Response,
    context: Any,
    credentials: Credentials,
    signer: RequestSigner,
    sign_date: Optional[str],
    now: datetime,
) -> Any:
    """Check the response as the protocol requires, then decode it or raise OTSServiceError."""
    path = "/" + operation.api
    status, headers, body = response.status, response.headers, response.body
    signer.check_response(path, status, headers, body, credentials, sign_date, now)
    request_id = request_id_of(headers)
    if not 200 <= status < 300:
        error = pb.Error()
        try:
            error.ParseFromString(body)
        except Exception:  # protobuf raises its own DecodeError
            raise OTSClientError(
                f"{operation.api} failed with HTTP status {status} and an unreadable error body "
                f"(request id {request_id or 'unknown'})",
                status,
            ) from None
        if status == 403:
            signer.check_response(path, status, headers, body, credentials, sign_date, now, error.code)
        raise OTSServiceError(status, error.code, error.message, request_id)
    message = operation.response_type()
    try:
        message.ParseFromString(body)
    except Exception as exc:
        raise OTSDecodeError(f"{operation.api}: malformed response body ({type(exc).__name__})") from None
    return operation.decode(message, context, request_id)


# ------------------------------------------------------------------- argument checks


_RANGE_BOUNDS = (plainbuffer.INF_MIN, plainbuffer.INF_MAX)


def _primary_key(
    value: Any, what: str = "primary_key", allowed: Tuple[Any, ...] = ()
) -> List[Tuple[str, Any]]:
    """A key as a list of (name, value); the sentinels INF_MIN / INF_MAX / PK_AUTO_INCR
    only where ``allowed`` (range bounds; the auto-increment column of a put)."""
    if isinstance(value, Row):
        value = value.primary_key
    if not isinstance(value, (list, tuple)) or not value:
        raise OTSClientError(f"{what} must be a non-empty list of (name, value) tuples, not {value!r}")
    for column in value:
        if not isinstance(column, (list, tuple)) or len(column) != 2:
            raise OTSClientError(f"each column of {what} must be a (name, value) tuple, not {column!r}")
        sentinel = column[1]
        if (sentinel in _RANGE_BOUNDS or sentinel is PK_AUTO_INCR) and sentinel not in allowed:
            where = "get_range bounds" if sentinel in _RANGE_BOUNDS else "the key of a put"
            raise OTSClientError(f"{what} column {column[0]!r}: {sentinel!r} is only allowed in {where}")
    return list(value)


def _row(value: Any, what: str = "row") -> Row:
    if not isinstance(value, Row):
        raise OTSClientError(f"{what} must be an instance of Row, not {type(value).__name__}")
    return value


def _condition(value: Any) -> Any:
    message = pb.Condition()
    if value is None:
        message.row_existence = _ROW_EXISTENCE[RowExistenceExpectation.IGNORE]
        return message
    if not isinstance(value, Condition):
        raise OTSClientError(f"condition must be an instance of Condition, not {type(value).__name__}")
    message.row_existence = _ROW_EXISTENCE[value.row_existence_expectation]
    if value.column_condition is not None:
        message.column_condition = _filter_bytes(value.column_condition)
    return message


def _return_content(message: Any, return_type: Any) -> None:
    if return_type is None:
        return
    kind = coerce_enum(ReturnType, return_type, "return_type")
    message.return_content.return_type = _RETURN_TYPE[kind]


def _columns_to_get(message_field: Any, columns: Any) -> None:
    if columns is None:
        return
    if isinstance(columns, (str, bytes)) or not isinstance(columns, (list, tuple, set)):
        raise OTSClientError(f"columns_to_get must be a list of column names, not {columns!r}")
    message_field.extend(check_name(name, "a name in columns_to_get") for name in columns)


def _versions(message: Any, max_version: Any, time_range: Any) -> None:
    if max_version is not None:
        message.max_versions = check_int(max_version, "max_version", 1)
    if time_range is not None:
        if isinstance(time_range, (tuple, list)) and len(time_range) == 2:
            message.time_range.start_time = check_int(time_range[0], "time_range start", 0)
            message.time_range.end_time = check_int(time_range[1], "time_range end", 0)
        elif isinstance(time_range, int) and not isinstance(time_range, bool):
            message.time_range.specific_time = check_int(time_range, "time_range", 0)
        else:
            raise OTSClientError(f"time_range must be (start_ms, end_ms) or a timestamp in ms, not {time_range!r}")
    if max_version is None and time_range is None:
        raise OTSClientError("one of max_version and time_range must be given")


def _read_options(
    message: Any,
    columns_to_get: Any,
    column_filter: Any,
    max_version: Any,
    time_range: Any,
    start_column: Any,
    end_column: Any,
) -> None:
    """What every read takes: columns, filter, versions and the wide-row column range."""
    _columns_to_get(message.columns_to_get, columns_to_get)
    if column_filter is not None:
        message.filter = _filter_bytes(column_filter)
    _versions(message, max_version, time_range)
    if start_column is not None:
        message.start_column = check_name(start_column, "start_column")
    if end_column is not None:
        message.end_column = check_name(end_column, "end_column")


def _token(message: Any, token: Any) -> None:
    if token is not None:
        if not isinstance(token, (bytes, bytearray)):
            raise OTSClientError(f"token must be bytes, not {type(token).__name__}")
        message.token = bytes(token)


def _transaction(message: Any, transaction_id: Any) -> None:
    if transaction_id is not None:
        message.transaction_id = check_name(transaction_id, "transaction_id")


# ------------------------------------------------------------------- wire constants
# Enum numbers of table_store.proto / table_store_filter.proto (facts of the protocol).

_ROW_EXISTENCE = {
    RowExistenceExpectation.IGNORE: 0,
    RowExistenceExpectation.EXPECT_EXIST: 1,
    RowExistenceExpectation.EXPECT_NOT_EXIST: 2,
}
_RETURN_TYPE = {ReturnType.RT_NONE: 0, ReturnType.RT_PK: 1}
_DIRECTION = {Direction.FORWARD: 0, Direction.BACKWARD: 1}
PK_TYPES = {"INTEGER": 1, "STRING": 2, "BINARY": 3, "BOOLEAN": 5}  # PrimaryKeyType by name
_PK_TYPE_NAMES = {number: name for name, number in PK_TYPES.items()}
_PK_OPTION_AUTO_INCREMENT = 1
_DEFINED_TYPES = {"INTEGER": 1, "DOUBLE": 2, "BOOLEAN": 3, "STRING": 4, "BINARY": 7}
_DEFINED_TYPE_NAMES = {number: name for name, number in _DEFINED_TYPES.items()}
_OPERATION_TYPE = {BatchWriteRowType.PUT: 1, BatchWriteRowType.UPDATE: 2, BatchWriteRowType.DELETE: 3}
_FT_SINGLE, _FT_COMPOSITE = 1, 2
_CAST_TYPE = {0: 0, 1: 1, 2: 3}  # CastType -> VariantType (VT_STRING is 3 on the wire)
_INDEX_MODES = {SecondaryIndexType.GLOBAL_INDEX: (0, 0), SecondaryIndexType.LOCAL_INDEX: (1, 1)}
_UPDATE_OPS = {
    "PUT": None,
    "DELETE": CellOp.DELETE_ONE_VERSION,
    "DELETE_ALL": CellOp.DELETE_ALL_VERSIONS,
    "INCREMENT": CellOp.INCREMENT,
}


# ------------------------------------------------------------------- filters


def _filter_message(condition: ColumnCondition) -> Any:
    message = pb.Filter()
    if isinstance(condition, CompositeColumnCondition):
        if not condition.sub_conditions:
            raise OTSClientError("CompositeColumnCondition needs at least one sub-condition")
        if condition.combinator == LogicalOperator.NOT and len(condition.sub_conditions) != 1:
            raise OTSClientError("a NOT CompositeColumnCondition takes exactly one sub-condition")
        composite = pb.CompositeColumnValueFilter()
        composite.combinator = int(condition.combinator) + 1
        for sub in condition.sub_conditions:
            composite.sub_filters.append(_filter_message(sub))
        message.type = _FT_COMPOSITE
        message.filter = composite.SerializeToString()
    elif isinstance(condition, (SingleColumnCondition, SingleColumnRegexCondition)):
        single = pb.SingleColumnValueFilter()
        single.comparator = int(condition.comparator) + 1
        single.column_name = condition.column_name
        single.column_value = encode_filter_value(condition.column_value)
        single.filter_if_missing = not condition.get_pass_if_missing()
        single.latest_version_only = condition.latest_version_only
        rule = getattr(condition, "regex_rule", None)
        if rule is not None:
            single.value_trans_rule.regex = rule.regex
            single.value_trans_rule.cast_type = _CAST_TYPE[int(rule.cast_type)]
        message.type = _FT_SINGLE
        message.filter = single.SerializeToString()
    else:
        raise OTSClientError(
            "column condition must be a SingleColumnCondition, SingleColumnRegexCondition or "
            f"CompositeColumnCondition, not {type(condition).__name__}"
        )
    return message


def _filter_bytes(condition: Any) -> bytes:
    data: bytes = _filter_message(condition).SerializeToString()
    return data


# ------------------------------------------------------------------- rows


def _update_cells(columns: Any) -> List[Tuple[str, Any, Optional[int], Optional[CellOp]]]:
    """UpdateRow's ``{'put': [...], 'delete': [...], 'delete_all': [...], 'increment': [...]}``."""
    if not isinstance(columns, dict):
        raise OTSClientError(f"the attribute columns of an update must be a dict of kind -> list, not {type(columns).__name__}")
    cells = []
    for kind, items in columns.items():
        op_name = str(kind).upper()
        if op_name not in _UPDATE_OPS:
            raise OTSClientError(f"update kind must be one of put, delete, delete_all, increment, not {kind!r}")
        if not isinstance(items, (list, tuple)):
            raise OTSClientError(f"the columns of update kind {kind!r} must be a list, not {type(items).__name__}")
        op = _UPDATE_OPS[op_name]
        for item in items:
            cells.append(_update_cell(op_name, op, item))
    if not cells:
        raise OTSClientError("an update needs at least one attribute column change")
    return cells


def _update_cell(op_name: str, op: Optional[CellOp], item: Any) -> Tuple[str, Any, Optional[int], Optional[CellOp]]:
    if isinstance(item, (str, bytes)):
        name, value, timestamp = item, None, None
    elif isinstance(item, (tuple, list)) and len(item) in (2, 3):
        name, value = item[0], item[1]
        timestamp = item[2] if len(item) == 3 else None
    else:
        raise OTSClientError(f"{op_name.lower()} column must be name, (name, value) or (name, value, timestamp), not {item!r}")
    if op is CellOp.DELETE_ONE_VERSION and timestamp is None:
        # ('col', ts) is the short form of ('col', None, ts)
        value, timestamp = None, value
    if op in (CellOp.DELETE_ONE_VERSION, CellOp.DELETE_ALL_VERSIONS):
        value = None
    return (check_name(name, "column name"), value, timestamp, op)


# Response rows skip their CRC-8s: parse_response has checked the whole body's x-ots-contentmd5 first.
_VERIFY_ROW_CRC = False


def _row_of(plain: plainbuffer.PlainRow) -> Row:
    return Row(plain.primary_key, [(name, value, ts) for name, value, ts, _ in plain.cells])


def _row_from_plain(plain: Optional[plainbuffer.PlainRow]) -> Optional[Row]:
    return None if plain is None else _row_of(plain)


def _capacity(message: Any) -> CapacityUnit:
    unit = message.capacity_unit
    return CapacityUnit(
        unit.read if unit.HasField("read") else 0, unit.write if unit.HasField("write") else 0
    )


def decode_next_token(message: Any) -> Optional[bytes]:
    """The response's ``next_token``, or None when it is absent or empty."""
    return message.next_token if message.HasField("next_token") and message.next_token else None


def _write_result(message: Any, context: Any, request_id: str) -> Tuple[CapacityUnit, Optional[Row]]:
    return _capacity(message.consumed), _row_from_plain(plainbuffer.decode_row(message.row, verify_checksums=_VERIFY_ROW_CRC))


# ------------------------------------------------------------------- table operations


def _table_meta(message: Any, meta: Any) -> None:
    if not isinstance(meta, TableMeta):
        raise OTSClientError(f"table_meta must be an instance of TableMeta, not {type(meta).__name__}")
    message.table_name = check_name(meta.table_name, "table_meta.table_name")
    schema = meta.schema_of_primary_key
    if not isinstance(schema, (list, tuple)) or not schema:
        raise OTSClientError("table_meta.schema_of_primary_key must be a non-empty list of (name, type) tuples")
    for column in schema:
        if not isinstance(column, tuple) or len(column) not in (2, 3):
            raise OTSClientError(f"each primary key schema must be a (name, type[, PK_AUTO_INCR]) tuple, not {column!r}")
        item = message.primary_key.add()
        item.name = check_name(column[0], "primary key name")
        type_name = str(column[1]).upper()
        if type_name not in PK_TYPES:
            raise OTSClientError(f"primary key type must be one of INTEGER, STRING, BINARY, not {column[1]!r}")
        item.type = PK_TYPES[type_name]
        if len(column) == 3:
            if column[2] is not PK_AUTO_INCR:
                raise OTSClientError(f"the only primary key option is PK_AUTO_INCR, not {column[2]!r}")
            item.option = _PK_OPTION_AUTO_INCREMENT
    for column in meta.defined_columns or ():
        if not isinstance(column, tuple) or len(column) != 2:
            raise OTSClientError(f"each defined column must be a (name, type) tuple, not {column!r}")
        item = message.defined_column.add()
        item.name = check_name(column[0], "defined column name")
        type_name = str(column[1]).upper()
        if type_name not in _DEFINED_TYPES:
            raise OTSClientError(f"defined column type must be one of {', '.join(_DEFINED_TYPES)}, not {column[1]!r}")
        item.type = _DEFINED_TYPES[type_name]


def _table_options(message: Any, options: Any) -> None:
    if not isinstance(options, TableOptions):
        raise OTSClientError(f"table_options must be an instance of TableOptions, not {type(options).__name__}")
    if options.time_to_live is not None:
        message.time_to_live = check_int(options.time_to_live, "table_options.time_to_live", -1)
    if options.max_version is not None:
        message.max_versions = check_int(options.max_version, "table_options.max_version", 1)
    if options.max_time_deviation is not None:
        message.deviation_cell_version_in_sec = check_int(options.max_time_deviation, "table_options.max_time_deviation", 0)
    if options.allow_update is not None:
        if not isinstance(options.allow_update, bool):
            raise OTSClientError("table_options.allow_update must be a bool")
        message.allow_update = options.allow_update


def _reserved_throughput(message: Any, throughput: Any, both: bool) -> None:
    if not isinstance(throughput, ReservedThroughput):
        raise OTSClientError(f"reserved_throughput must be an instance of ReservedThroughput, not {type(throughput).__name__}")
    unit = throughput.capacity_unit
    if not isinstance(unit, CapacityUnit):
        raise OTSClientError("reserved_throughput.capacity_unit must be an instance of CapacityUnit")
    if both and (unit.read is None or unit.write is None):
        raise OTSClientError("both read and write of the reserved CapacityUnit are required")
    if unit.read is None and unit.write is None:
        raise OTSClientError("one of read and write of the reserved CapacityUnit is required")
    if unit.read is not None:
        message.capacity_unit.read = check_int(unit.read, "capacity_unit.read", 0)
    if unit.write is not None:
        message.capacity_unit.write = check_int(unit.write, "capacity_unit.write", 0)


def decode_none(message: Any, context: Any, request_id: str) -> None:
    """Decoder of the APIs whose result is None."""
    return None


@register("CreateTable", pb.CreateTableResponse, decode_none, idempotent=False)
def create_table(table_meta, table_options, reserved_throughput, secondary_indexes=None, sse_spec=None):  # type: ignore[no-untyped-def]
    """Create a table from its TableMeta, TableOptions and ReservedThroughput; returns None."""
    message = pb.CreateTableRequest()
    _table_meta(message.table_meta, table_meta)
    _reserved_throughput(message.reserved_throughput, reserved_throughput, both=True)
    _table_options(message.table_options, table_options)
    for index in secondary_indexes or ():
        if not isinstance(index, SecondaryIndexMeta):
            raise OTSClientError(f"secondary_indexes must hold SecondaryIndexMeta, not {type(index).__name__}")
        item = message.index_metas.add()
        item.name = check_name(index.index_name, "index_name")
        item.primary_key.extend(index.primary_key_names)
        item.defined_column.extend(index.defined_column_names)
        item.index_type, item.index_update_mode = _INDEX_MODES[SecondaryIndexType(index.index_type)]
    if sse_spec is not None:
        if not isinstance(sse_spec, SSESpecification):
            raise OTSClientError(f"sse_spec must be an instance of SSESpecification, not {type(sse_spec).__name__}")
        message.sse_spec.enable = sse_spec.enable
        if sse_spec.key_type is not None:
            message.sse_spec.key_type = int(sse_spec.key_type)
        if sse_spec.key_id is not None:
            message.sse_spec.key_id = sse_spec.key_id.encode("utf-8")
        if sse_spec.role_arn is not None:
            message.sse_spec.role_arn = sse_spec.role_arn.encode("utf-8")
    return message, None


@register("DeleteTable", pb.DeleteTableResponse, decode_none, idempotent=False)
def delete_table(table_name):  # type: ignore[no-untyped-def]
    """Delete a table; returns None."""
    message = pb.DeleteTableRequest()
    message.table_name = check_name(table_name, "table_name")
    return message, None


def _decode_list_table(message: Any, context: Any, request_id: str) -> Tuple[str, ...]:
    return tuple(message.table_names)


@register("ListTable", pb.ListTableResponse, _decode_list_table, idempotent=True)
def list_table():  # type: ignore[no-untyped-def]
    """Names of all tables of the instance, as a tuple."""
    return pb.ListTableRequest(), None


def _details(message: Any) -> ReservedThroughputDetails:
    return ReservedThroughputDetails(
        _capacity(message),
        message.last_increase_time,
        message.last_decrease_time if message.HasField("last_decrease_time") else None,
    )


def _options(message: Any) -> TableOptions:
    return TableOptions(
        message.time_to_live,
        message.max_versions,
        message.deviation_cell_version_in_sec,
        message.allow_update if message.HasField("allow_update") else True,
    )


def _decode_update_table(message: Any, context: Any, request_id: str) -> UpdateTableResponse:
    response = UpdateTableResponse(_details(message.reserved_throughput_details), _options(message.table_options))
    response.set_request_id(request_id)
    return response


@register("UpdateTable", pb.UpdateTableResponse, _decode_update_table, idempotent=False)
def update_table(table_name, table_options=None, reserved_throughput=None):  # type: ignore[no-untyped-def]
    """Change a table's options and/or reserved throughput; returns UpdateTableResponse."""
    message = pb.UpdateTableRequest()
    message.table_name = check_name(table_name, "table_name")
    if table_options is None and reserved_throughput is None:
        raise OTSClientError("update_table needs table_options or reserved_throughput")
    if reserved_throughput is not None:
        _reserved_throughput(message.reserved_throughput, reserved_throughput, both=False)
    if table_options is not None:
        _table_options(message.table_options, table_options)
    return message, None


def decode_schema_column(column: Any) -> Tuple[Any, ...]:
    """A primary key schema column of a response as ``(name, type[, PK_AUTO_INCR])``."""
    type_name = _PK_TYPE_NAMES.get(column.type)
    if type_name is None:
        raise OTSDecodeError(f"unknown primary key type {column.type} in response")
    if column.HasField("option") and column.option == _PK_OPTION_AUTO_INCREMENT:
        return (column.name, type_name, PK_AUTO_INCR)
    return (column.name, type_name)


def _decode_describe_table(message: Any, context: Any, request_id: str) -> DescribeTableResponse:
    meta = message.table_meta
    table_meta = TableMeta(
        meta.table_name,
        [decode_schema_column(column) for column in meta.primary_key],
        [(column.name, _DEFINED_TYPE_NAMES.get(column.type, str(column.type))) for column in meta.defined_column],
    )
    indexes = [
        SecondaryIndexMeta(
            index.name,
            list(index.primary_key),
            list(index.defined_column),
            SecondaryIndexType.GLOBAL_INDEX if index.index_type == 0 else SecondaryIndexType.LOCAL_INDEX,
        )
        for index in message.index_metas
    ]
    sse = message.sse_details
    sse_details = SSEDetails(
        sse.enable,
        sse.key_type if sse.HasField("key_type") else None,
        sse.key_id.decode("utf-8") if sse.HasField("key_id") else None,
        sse.role_arn.decode("utf-8") if sse.HasField("role_arn") else None,
    )
    response = DescribeTableResponse(
        table_meta, _options(message.table_options), _details(message.reserved_throughput_details), indexes, sse_details
    )
    response.set_request_id(request_id)
    return response


@register("DescribeTable", pb.DescribeTableResponse, _decode_describe_table, idempotent=True)
def describe_table(table_name):  # type: ignore[no-untyped-def]
    """Schema, options, throughput and indexes of a table: DescribeTableResponse."""
    message = pb.DescribeTableRequest()
    message.table_name = check_name(table_name, "table_name")
    return message, None


# ------------------------------------------------------------------- single-row operations


def _decode_get_row(message: Any, context: Any, request_id: str) -> Tuple[CapacityUnit, Optional[Row], Optional[bytes]]:
    return _capacity(message.consumed), _row_from_plain(plainbuffer.decode_row(message.row, verify_checksums=_VERIFY_ROW_CRC)), decode_next_token(message)


@register("GetRow", pb.GetRowResponse, _decode_get_row, idempotent=True)
def get_row(  # type: ignore[no-untyped-def]
    table_name,
    primary_key,
    columns_to_get=None,
    column_filter=None,
    max_version=1,
    time_range=None,
    start_column=None,
    end_column=None,
    token=None,
    transaction_id=None,
):
    """Read one row: ``(consumed, return_row or None, next_token)``."""
    message = pb.GetRowRequest()
    message.table_name = check_name(table_name, "table_name")
    message.primary_key = plainbuffer.encode_primary_key(_primary_key(primary_key))
    _read_options(message, columns_to_get, column_filter, max_version, time_range, start_column, end_column)
    _token(message, token)
    _transaction(message, transaction_id)
    return message, None


@register("PutRow", pb.PutRowResponse, _write_result, idempotent=False)
def put_row(table_name, row, condition=None, return_type=None, transaction_id=None):  # type: ignore[no-untyped-def]
    """Write a whole row: ``(consumed, return_row)``."""
    row = _row(row)
    message = pb.PutRowRequest()
    message.table_name = check_name(table_name, "table_name")
    message.row = plainbuffer.encode_put_row(
        _primary_key(row.primary_key, "row.primary_key", (PK_AUTO_INCR,)), row.attribute_columns or ()
    )
    message.condition.CopyFrom(_condition(condition))
    _return_content(message, return_type)
    _transaction(message, transaction_id)
    return message, None


@register("UpdateRow", pb.UpdateRowResponse, _write_result, idempotent=False)
def update_row(table_name, row, condition, return_type=None, transaction_id=None):  # type: ignore[no-untyped-def]
    """Change some columns of a row: ``(consumed, return_row)``."""
    row = _row(row)
    message = pb.UpdateRowRequest()
    message.table_name = check_name(table_name, "table_name")
    message.row_change = plainbuffer.encode_update_row(
        _primary_key(row.primary_key, "row.primary_key"), _update_cells(row.attribute_columns)
    )
    message.condition.CopyFrom(_condition(condition))
    _return_content(message, return_type)
    _transaction(message, transaction_id)
    return message, None


@register("DeleteRow", pb.DeleteRowResponse, _write_result, idempotent=False)
def delete_row(table_name, row=None, condition=None, return_type=None, transaction_id=None, **kwargs):  # type: ignore[no-untyped-def]
    """Delete a row given as a Row or a primary key (or ``primary_key=``): ``(consumed, return_row)``."""
    unknown = set(kwargs) - {"primary_key"}
    if unknown:
        raise OTSClientError(f"delete_row got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    key = row if row is not None else kwargs.get("primary_key")
    message = pb.DeleteRowRequest()
    message.table_name = check_name(table_name, "table_name")
    message.primary_key = plainbuffer.encode_delete_row(_primary_key(key, "row"))
    message.condition.CopyFrom(_condition(condition))
    _return_content(message, return_type)
    _transaction(message, transaction_id)
    return message, None


# ------------------------------------------------------------------- batch operations


def _row_error(row: Any) -> Tuple[str, str]:
    return row.error.code, row.error.message if row.error.HasField("message") else ""


def _decode_batch_get_row(message: Any, context: Any, request_id: str) -> BatchGetRowResponse:
    tables: Dict[str, List[RowDataItem]] = {}
    for table in message.tables:
        items = tables.setdefault(table.table_name, [])
        for row in table.rows:
            consumed = _capacity(row.consumed) if row.HasField("consumed") else None
            if row.is_ok:
                plain = plainbuffer.decode_row(row.row, verify_checksums=_VERIFY_ROW_CRC) if row.HasField("row") else None
                pk, attrs = (plain.primary_key, [(n, v, ts) for n, v, ts, _ in plain.cells]) if plain else (None, None)
                items.append(RowDataItem(True, None, None, table.table_name, consumed, pk, attrs))
            else:
                code, text = _row_error(row)
                items.append(RowDataItem(False, code, text, table.table_name, consumed, None, None))
    return BatchGetRowResponse(tables)


@register("BatchGetRow", pb.BatchGetRowResponse, _decode_batch_get_row, idempotent=True)
def batch_get_row(request):  # type: ignore[no-untyped-def]
    """Read rows of several tables at once: BatchGetRowResponse (per-row errors inside)."""
    if not isinstance(request, BatchGetRowRequest):
        raise OTSClientError(f"request must be an instance of BatchGetRowRequest, not {type(request).__name__}")
    if not request.items:
        raise OTSClientError("BatchGetRowRequest has no table; add a TableInBatchGetRowItem")
    message = pb.BatchGetRowRequest()
    for item in request.items.values():
        table = message.tables.add()
        table.table_name = check_name(item.table_name, "table_name")
        if not isinstance(item.primary_keys, (list, tuple)):
            raise OTSClientError(f"primary_keys of table {item.table_name!r} must be a list of primary keys")
        for key in item.primary_keys:
            table.primary_key.append(plainbuffer.encode_primary_key(_primary_key(key)))
        max_version = 1 if item.max_version is None and item.time_range is None else item.max_version
        _read_options(table, item.columns_to_get, item.column_filter, max_version, item.time_range,
                      item.start_column, item.end_column)
        for token in item.token or ():
            table.token.append(bytes(token))
    return message, None


def _row_change(item: Any) -> Tuple[int, bytes]:
    kind = coerce_enum(BatchWriteRowType, getattr(item, "type", None), "row item type")
    row = _row(item.row, "row of a row item")
    key = _primary_key(row.primary_key, "row.primary_key", (PK_AUTO_INCR,) if kind is BatchWriteRowType.PUT else ())
    if kind is BatchWriteRowType.PUT:
        return _OPERATION_TYPE[kind], plainbuffer.encode_put_row(key, row.attribute_columns or ())
    if kind is BatchWriteRowType.UPDATE:
        return _OPERATION_TYPE[kind], plainbuffer.encode_update_row(key, _update_cells(row.attribute_columns))
    return _OPERATION_TYPE[kind], plainbuffer.encode_delete_row(key)


def _decode_batch_write_row(message: Any, request: BatchWriteRowRequest, request_id: str) -> BatchWriteRowResponse:
    tables: Dict[str, List[BatchWriteRowResponseItem]] = {}
    for table in message.tables:
        items = tables.setdefault(table.table_name, [])
        for row in table.rows:
            consumed = _capacity(row.consumed) if row.HasField("consumed") else None
            if row.is_ok:
                plain = plainbuffer.decode_row(row.row, verify_checksums=_VERIFY_ROW_CRC) if row.HasField("row") else None
                items.append(BatchWriteRowResponseItem(True, None, None, consumed, plain.primary_key if plain else None))
            else:
                code, text = _row_error(row)
                items.append(BatchWriteRowResponseItem(False, code, text, consumed, None))
    return BatchWriteRowResponse(request, tables)


@register("BatchWriteRow", pb.BatchWriteRowResponse, _decode_batch_write_row, idempotent=False)
def batch_write_row(request):  # type: ignore[no-untyped-def]
    """Put, update and delete rows of several tables at once: BatchWriteRowResponse."""
    if not isinstance(request, BatchWriteRowRequest):
        raise OTSClientError(f"request must be an instance of BatchWriteRowRequest, not {type(request).__name__}")
    if not request.items:
        raise OTSClientError("BatchWriteRowRequest has no table; add a TableInBatchWriteRowItem")
    message = pb.BatchWriteRowRequest()
    for item in request.items.values():
        table = message.tables.add()
        table.table_name = check_name(item.table_name, "table_name")
        if not isinstance(item.row_items, (list, tuple)) or not item.row_items:
            raise OTSClientError(f"row_items of table {item.table_name!r} must be a non-empty list")
        for row_item in item.row_items:
            row = table.rows.add()
            row.type, row.row_change = _row_change(row_item)
            row.condition.CopyFrom(_condition(row_item.condition))
            _return_content(row, row_item.return_type)
    _transaction(message, request.transaction_id)
    return message, request


# ------------------------------------------------------------------- range reads


def _decode_get_range(
    message: Any, context: Any, request_id: str
) -> Tuple[CapacityUnit, Optional[plainbuffer.PrimaryKey], List[Row], Optional[bytes]]:
    rows = [_row_of(plain) for plain in plainbuffer.decode_rows(message.rows, verify_checksums=_VERIFY_ROW_CRC)] if message.rows else []
    next_start = None
    if message.HasField("next_start_primary_key") and message.next_start_primary_key:
        plain = plainbuffer.decode_row(message.next_start_primary_key, verify_checksums=_VERIFY_ROW_CRC)
        next_start = plain.primary_key if plain is not None else None
    return _capacity(message.consumed), next_start, rows, decode_next_token(message)


@register("GetRange", pb.GetRangeResponse, _decode_get_range, idempotent=True)
def get_range(  # type: ignore[no-untyped-def]
    table_name,
    direction,
    inclusive_start_primary_key,
    exclusive_end_primary_key,
    columns_to_get=None,
    limit=None,
    column_filter=None,
    max_version=1,
    time_range=None,
    start_column=None,
    end_column=None,
    token=None,
    transaction_id=None,
):
    """Read a key range: ``(consumed, next_start_primary_key, row_list, next_token)``."""
    message = pb.GetRangeRequest()
    message.table_name = check_name(table_name, "table_name")
    message.direction = _DIRECTION[coerce_enum(Direction, direction, "direction")]
    message.inclusive_start_primary_key = plainbuffer.encode_primary_key(
        _primary_key(inclusive_start_primary_key, "inclusive_start_primary_key", _RANGE_BOUNDS)
    )
    message.exclusive_end_primary_key = plainbuffer.encode_primary_key(
        _primary_key(exclusive_end_primary_key, "exclusive_end_primary_key", _RANGE_BOUNDS)
    )
    if limit is not None:
        message.limit = check_int(limit, "limit", 1)
    _read_options(message, columns_to_get, column_filter, max_version, time_range, start_column, end_column)
    _token(message, token)
    _transaction(message, transaction_id)
    return message, None


@register_iterator
def xget_range(  # type: ignore[no-untyped-def]
    table_name,
    direction,
    inclusive_start_primary_key,
    exclusive_end_primary_key,
    consumed_counter,
    columns_to_get=None,
    count=None,
    column_filter=None,
    max_version=1,
    time_range=None,
    start_column=None,
    end_column=None,
    token=None,
):
    """Iterate over every row of a range, following next_start_primary_key across pages.

    ``consumed_counter`` (a CapacityUnit) is reset, then accumulates the read CU;
    ``count`` caps the number of rows.
    """
    if not isinstance(consumed_counter, CapacityUnit):
        raise OTSClientError(f"consumed_counter must be an instance of CapacityUnit, not {type(consumed_counter).__name__}")
    left = None if count is None else check_int(count, "count", 1)
    consumed_counter.read = 0
    consumed_counter.write = 0
    start: Any = inclusive_start_primary_key
    while start:
        consumed, start, rows, _ = yield SubCall(
            "get_range",
            (table_name, direction, start, exclusive_end_primary_key, columns_to_get, left, column_filter,
             max_version, time_range, start_column, end_column, token),
        )
        consumed_counter.read += consumed.read
        for row in rows:
            yield row
            if left is not None:
                left -= 1
                if left <= 0:
                    return


from alicloud_storage.tablestore import timeseries_ops  # noqa: E402,F401  (registers the time series APIs)
