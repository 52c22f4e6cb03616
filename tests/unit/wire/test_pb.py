"""Our protobuf schema (wire/pb.py): same protocol as the official SDK, private pool, fresh.

The official tests compare descriptors and bytes with `tablestore.protobuf.*_pb2`; the
others run on every supported protobuf (golden bytes, private pool, subprocess import).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, Callable, Dict, Tuple

import pytest
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor

from alicloud_storage.tablestore.wire import _descriptors, enums, pb

ROOT = Path(__file__).resolve().parents[3]

MESSAGES: Dict[str, Descriptor] = {
    name: message
    for file_name, _ in _descriptors.FILES
    for name, message in pb.POOL.FindFileByName(file_name).message_types_by_name.items()
}
ENUMS: Dict[str, EnumDescriptor] = {
    name: enum
    for file_name, _ in _descriptors.FILES
    for name, enum in pb.POOL.FindFileByName(file_name).enum_types_by_name.items()
}
# The APIs the schema exists for: each must have its request and response.
APIS = (
    "CreateTable ListTable DescribeTable UpdateTable DeleteTable "
    "GetRow PutRow UpdateRow DeleteRow BatchGetRow BatchWriteRow GetRange "
    "CreateTimeseriesTable ListTimeseriesTable DescribeTimeseriesTable UpdateTimeseriesTable "
    "DeleteTimeseriesTable PutTimeseriesData GetTimeseriesData QueryTimeseriesMeta "
    "UpdateTimeseriesMeta DeleteTimeseriesMeta"
).split()


def _enum_shape(enum: EnumDescriptor) -> Tuple[Tuple[str, int], ...]:
    return tuple((value.name, value.number) for value in enum.values)


def _field_shape(field: FieldDescriptor) -> Tuple[Any, ...]:
    """Everything about a field that reaches the wire or the API, by short names."""
    return (
        field.name,
        field.number,
        field.type,
        field.label,
        field.has_default_value,
        field.default_value if field.has_default_value else None,
        field.message_type.name if field.message_type else None,
        field.enum_type.name if field.enum_type else None,
        _enum_shape(field.enum_type) if field.enum_type else None,
    )


def _message_shape(message: Descriptor, skip: Tuple[str, ...] = ()) -> Tuple[Any, ...]:
    fields = tuple(sorted(_field_shape(field) for field in message.fields if field.name not in skip))
    return fields, tuple(nested.name for nested in message.nested_types)


# What the Node.js and Go SDKs' protocols require beyond the Python SDK's (the service sends it).
BEYOND_OFFICIAL_PYTHON = {
    "DescribeTableResponse": ("table_status",),
    "CreateTableRequest": ("enable_local_txn",),  # the Java SDK's field (ots_internal_api.proto)
    "SQLQueryRequest": ("sql_version", "search_token"),  # the Java SDK's fields
    "SQLQueryResponse": ("next_search_token",),
    "SearchQuery": ("track_total_count", "filter"),  # the Java SDK's
    "DescribeSearchIndexResponse": ("metering_info", "index_status"),  # the Java, Go and Node.js SDKs'
    "Sort": ("disable_default_pk_sorter",),  # the Java and Go SDKs'
}
# search.proto holds the part of the search protocol the client and emulator use: each of its
# messages and enums is a subset of the official one (same names, numbers, types, labels).
PARTIAL_FILE = "search.proto"
BEYOND_OFFICIAL_PYTHON_ENUMS = {"TableStatus", "IndexStatusEnum"}
BEYOND_OFFICIAL_PYTHON_MESSAGES = {"SuffixQuery", "MeteringInfo", "SearchFilter", "IndexStatus"}  # the Java (and Go) SDKs'
BEYOND_OFFICIAL_PYTHON_ENUM_VALUES = {("SUFFIX_QUERY", 19)}


# ---------------------------------------------------------------- requests built on both sides

def _filter_bytes(ns: Any) -> bytes:
    """(a == 1 AND NOT b < "x") OR first 5 columns, as GetRange's `filter`."""
    def wrap(kind: int, message: Any) -> Any:
        return ns.Filter(type=kind, filter=message.SerializeToString())

    single_a = ns.SingleColumnValueFilter(
        comparator=ns.CT_EQUAL, column_name="a", column_value=b"\x00\x01",
        filter_if_missing=True, latest_version_only=True,
    )
    single_b = ns.SingleColumnValueFilter(
        comparator=ns.CT_LESS_THAN, column_name="b", column_value=b"\x03x",
        filter_if_missing=False, latest_version_only=False,
        value_trans_rule=ns.ValueTransferRule(regex="(\\d+)", cast_type=ns.VT_INTEGER),
    )
    negated = ns.CompositeColumnValueFilter(
        combinator=ns.LO_NOT, sub_filters=[wrap(ns.FT_SINGLE_COLUMN_VALUE, single_b)]
    )
    conjunction = ns.CompositeColumnValueFilter(
        combinator=ns.LO_AND,
        sub_filters=[wrap(ns.FT_SINGLE_COLUMN_VALUE, single_a), wrap(ns.FT_COMPOSITE_COLUMN_VALUE, negated)],
    )
    page = ns.ColumnPaginationFilter(offset=0, limit=5)
    top = ns.CompositeColumnValueFilter(
        combinator=ns.LO_OR,
        sub_filters=[wrap(ns.FT_COMPOSITE_COLUMN_VALUE, conjunction), wrap(ns.FT_COLUMN_PAGINATION, page)],
    )
    return bytes(wrap(ns.FT_COMPOSITE_COLUMN_VALUE, top).SerializeToString())


def create_table(ns: Any) -> Any:
    return ns.CreateTableRequest(
        table_meta=ns.TableMeta(
            table_name="orders",
            primary_key=[
                ns.PrimaryKeySchema(name="uid", type=ns.STRING),
                ns.PrimaryKeySchema(name="seq", type=ns.INTEGER, option=ns.AUTO_INCREMENT),
            ],
            defined_column=[
                ns.DefinedColumnSchema(name="price", type=ns.DCT_DOUBLE),
                ns.DefinedColumnSchema(name="blob", type=ns.DCT_BLOB),
            ],
        ),
        reserved_throughput=ns.ReservedThroughput(capacity_unit=ns.CapacityUnit(read=0, write=0)),
        table_options=ns.TableOptions(
            time_to_live=-1, max_versions=3, deviation_cell_version_in_sec=86400, allow_update=False
        ),
        stream_spec=ns.StreamSpecification(enable_stream=True, expiration_time=24),
        sse_spec=ns.SSESpecification(enable=True, key_type=ns.SSE_KMS_SERVICE),
        index_metas=[
            ns.IndexMeta(
                name="by_price", primary_key=["price"], defined_column=["blob"],
                index_update_mode=ns.IUM_SYNC_INDEX, index_type=ns.IT_LOCAL_INDEX,
            )
        ],
    )


def get_range(ns: Any) -> Any:
    return ns.GetRangeRequest(
        table_name="orders",
        direction=ns.BACKWARD,
        columns_to_get=["price", "blob"],
        time_range=ns.TimeRange(start_time=1, end_time=1_700_000_000_000),
        max_versions=2,
        limit=100,
        inclusive_start_primary_key=b"\x75\x00\x00\x00\x01\x03\x04\x03",
        exclusive_end_primary_key=b"\x75\x00\x00\x00\x01\x03\x04\x04",
        filter=_filter_bytes(ns),
        start_column="a",
        end_column="z",
        token=b"\xff\x00",
    )


def batch_write(ns: Any) -> Any:
    condition = ns.Condition(row_existence=ns.EXPECT_NOT_EXIST, column_condition=_filter_bytes(ns))
    returned = ns.ReturnContent(return_type=ns.RT_AFTER_MODIFY, return_column_names=["n"])
    return ns.BatchWriteRowRequest(
        tables=[
            ns.TableInBatchWriteRowRequest(
                table_name="t1",
                rows=[
                    ns.RowInBatchWriteRowRequest(type=ns.PUT, row_change=b"put", condition=condition),
                    ns.RowInBatchWriteRowRequest(
                        type=ns.UPDATE, row_change=b"upd", condition=condition, return_content=returned
                    ),
                ],
            ),
            ns.TableInBatchWriteRowRequest(
                table_name="t2",
                rows=[
                    ns.RowInBatchWriteRowRequest(
                        type=ns.DELETE, row_change=b"del",
                        condition=ns.Condition(row_existence=ns.IGNORE),
                        return_content=ns.ReturnContent(return_type=ns.RT_PK),
                    )
                ],
            ),
        ]
    )


def put_timeseries(ns: Any) -> Any:
    return ns.PutTimeseriesDataRequest(
        table_name="metrics",
        rows_data=ns.TimeseriesRows(type=ns.RST_FLAT_BUFFER, rows_data=b"\x10\x00fb", flatbuffer_crc32c=-5),
        meta_update_mode=ns.MUM_IGNORE,
        supported_table_version=1,
    )


def query_timeseries_meta(ns: Any) -> Any:
    def cond(kind: int, message: Any) -> Any:
        return ns.MetaQueryCondition(type=kind, proto_data=message.SerializeToString())

    composite = ns.MetaQueryCompositeCondition(
        op=ns.OP_AND,
        sub_conditions=[
            cond(ns.MEASUREMENT_CONDITION, ns.MetaQueryMeasurementCondition(op=ns.OP_PREFIX, value="cpu")),
            cond(ns.SOURCE_CONDITION, ns.MetaQuerySourceCondition(op=ns.OP_EQUAL, value="host1")),
            cond(ns.TAG_CONDITION, ns.MetaQueryTagCondition(op=ns.OP_EQUAL, tag_name="dc", value="hz")),
            cond(ns.ATTRIBUTE_CONDITION, ns.MetaQueryAttributeCondition(op=ns.OP_LESS_EQUAL, attr_name="k", value="v")),
            cond(ns.UPDATE_TIME_CONDITION, ns.MetaQueryUpdateTimeCondition(op=ns.OP_GREATER_THAN, value=-7)),
        ],
    )
    return ns.QueryTimeseriesMetaRequest(
        table_name="metrics", condition=cond(ns.COMPOSITE_CONDITION, composite),
        get_total_hit=True, token=b"tok", limit=50,
    )


def create_timeseries_table(ns: Any) -> Any:
    return ns.CreateTimeseriesTableRequest(
        table_meta=ns.TimeseriesTableMeta(
            table_name="metrics",
            table_options=ns.TimeseriesTableOptions(time_to_live=86400),
            meta_options=ns.TimeseriesMetaOptions(allow_update_attributes=False, meta_time_to_live=604800),
            timeseries_key_schema=["_m_name", "host"],
            field_primary_key_schema=[ns.PrimaryKeySchema(name="seq", type=ns.INTEGER)],
        ),
        analytical_stores=[ns.TimeseriesAnalyticalStore(store_name="a", sync_option=ns.SYNC_TYPE_FULL)],
        lastpoint_index_metas=[ns.LastpointIndexMetaForCreate(index_table_name="last")],
    )


BUILDERS: Dict[str, Callable[[Any], Any]] = {
    f.__name__: f
    for f in (create_table, get_range, batch_write, put_timeseries, query_timeseries_meta, create_timeseries_table)
}

# Bytes the official SDK (tablestore 6.4.8) produces for small messages, to check our
# encoding on protobuf versions the official SDK cannot run on.
GOLDEN: Dict[str, Tuple[Callable[[Any], Any], bytes]] = {
    "put_row": (
        lambda ns: ns.PutRowRequest(
            table_name="t", row=b"x", condition=ns.Condition(row_existence=ns.RowExistenceExpectation.EXPECT_EXIST)
        ),
        b"\n\x01t\x12\x01x\x1a\x02\x08\x01",
    ),
    "get_row_response": (
        lambda ns: ns.GetRowResponse(consumed=ns.ConsumedCapacity(capacity_unit=ns.CapacityUnit(read=1)), row=b""),
        b"\n\x04\n\x02\x08\x01\x12\x00",
    ),
    "list_table_response": (lambda ns: ns.ListTableResponse(table_names=["a", "bc"]), b"\n\x01a\n\x02bc"),
    "get_timeseries_data": (
        lambda ns: ns.GetTimeseriesDataRequest(
            table_name="m",
            time_series_key=ns.TimeseriesKey(
                measurement="cpu", source="h", tag_list=[ns.TimeseriesTag(name="a", value="1")]
            ),
            begin_time=0, end_time=10, limit=5, backward=True,
            fields_to_get=[ns.TimeseriesFieldsToGet(name="v", type=3)],
        ),
        b"\n\x01m\x12\x10\n\x03cpu\x12\x01h\"\x06\n\x01a\x12\x011\x18\x00 \n8\x05@\x01J\x05\n\x01v\x10\x03",
    ),
    "error": (lambda ns: ns.Error(code="OTSParameterInvalid", message="bad"), b"\n\x13OTSParameterInvalid\x12\x03bad"),
}


# ---------------------------------------------------------------- tests on any protobuf

def test_every_api_has_request_and_response() -> None:
    missing = [f"{api}{kind}" for api in APIS for kind in ("Request", "Response") if f"{api}{kind}" not in MESSAGES]
    assert missing == []


def test_module_exposes_every_message_enum_and_value() -> None:
    for name, message in MESSAGES.items():
        cls = getattr(pb, name)
        assert cls.DESCRIPTOR is message
        assert cls().DESCRIPTOR.full_name == f"alicloud_storage.tablestore.wire.{name}"
    for name, enum in ENUMS.items():
        wrapper = getattr(pb, name)
        for value in enum.values:
            assert getattr(wrapper, value.name) == value.number == getattr(pb, value.name)
            assert wrapper.Name(value.number) == value.name
    values = {value.name for enum in ENUMS.values() for value in enum.values}
    assert set(pb.__all__) == {"POOL", *MESSAGES, *ENUMS, *values}
    assert pb.RowExistenceExpectation.EXPECT_EXIST == 1
    assert pb.OperationType.Value("DELETE") == 3
    with pytest.raises(AttributeError):
        pb.NoSuchMessage  # noqa: B018


def test_enums_module_is_the_descriptors_enums() -> None:
    """wire.enums has each schema enum as an IntEnum with exactly the descriptor's names and numbers."""
    assert set(enums.__all__) == set(ENUMS)
    for name, descriptor in ENUMS.items():
        members = [(member.name, member.value) for member in getattr(enums, name)]
        assert members == [(value.name, value.number) for value in descriptor.values], name
    assert enums.PrimaryKeyType.PK_BOOLEAN == 5 and enums.DefinedColumnType.DCT_BLOB == 7


def test_private_pool_leaves_the_default_pool_alone() -> None:
    assert pb.PutRowRequest.DESCRIPTOR.file.pool is pb.POOL
    assert pb.POOL is not descriptor_pool.Default()
    with pytest.raises(KeyError):
        descriptor_pool.Default().FindMessageTypeByName("alicloud_storage.tablestore.wire.PutRowRequest")


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_bytes(name: str) -> None:
    build, expected = GOLDEN[name]
    message = build(pb)
    assert message.SerializeToString() == expected
    assert type(message).FromString(expected) == message


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_round_trip(name: str) -> None:
    message = BUILDERS[name](pb)
    data = message.SerializeToString()
    assert type(message).FromString(data) == message
    assert message.IsInitialized()


def test_required_fields_are_enforced_on_serialize_only() -> None:
    with pytest.raises(Exception, match="table_name"):
        pb.DescribeTableRequest().SerializeToString()
    parsed = pb.Error.FromString(b"\x12\x01m")  # parsing accepts a missing `code`...
    assert not parsed.IsInitialized()  # ...so readers must check


def test_imports_without_official_sdk() -> None:
    code = textwrap.dedent(
        """
        import sys
        from alicloud_storage.tablestore.wire import pb
        assert not any(m == "tablestore" or m.startswith("tablestore.") for m in sys.modules), "official SDK loaded"
        assert pb.PutTimeseriesDataRequest(table_name="x").table_name == "x"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ---------------------------------------------------------------- against the official SDK

def _official() -> Tuple[SimpleNamespace, Dict[str, Descriptor], Dict[str, EnumDescriptor]]:
    """The official pb2 modules flattened into one namespace, plus their descriptors by name."""
    from tablestore.protobuf import search_pb2, table_store_filter_pb2, table_store_pb2, timeseries_pb2

    modules: Tuple[ModuleType, ...] = (table_store_pb2, table_store_filter_pb2, timeseries_pb2, search_pb2)
    ns = SimpleNamespace()
    messages: Dict[str, Descriptor] = {}
    enums: Dict[str, EnumDescriptor] = {}
    for module in modules:
        ns.__dict__.update({k: v for k, v in vars(module).items() if not k.startswith("_")})
        messages.update(module.DESCRIPTOR.message_types_by_name)
        enums.update(module.DESCRIPTOR.enum_types_by_name)
    return ns, messages, enums


@pytest.mark.official
def test_every_message_and_enum_equals_the_official_one() -> None:
    _, messages, enums = _official()
    assert set(MESSAGES) - BEYOND_OFFICIAL_PYTHON_MESSAGES <= set(messages), "messages the official protocol lacks"
    assert set(ENUMS) - BEYOND_OFFICIAL_PYTHON_ENUMS <= set(enums), "enums the official protocol does not have"
    for name, message in MESSAGES.items():
        if name in BEYOND_OFFICIAL_PYTHON_MESSAGES:
            continue
        skip = BEYOND_OFFICIAL_PYTHON.get(name, ())
        ours, theirs = _message_shape(message, skip), _message_shape(messages[name])
        if message.file.name == PARTIAL_FILE:  # enum types compared as subsets below
            assert {f[:-1] for f in ours[0]} <= {f[:-1] for f in theirs[0]}, name
            assert set(ours[1]) <= set(theirs[1]), name
        else:
            assert ours == theirs, name
    for name, enum in ENUMS.items():
        if name in BEYOND_OFFICIAL_PYTHON_ENUMS:
            continue
        if enum.file.name == PARTIAL_FILE:
            assert set(_enum_shape(enum)) - BEYOND_OFFICIAL_PYTHON_ENUM_VALUES <= set(_enum_shape(enums[name])), name
        else:
            assert _enum_shape(enum) == _enum_shape(enums[name]), name


@pytest.mark.official
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_same_bytes_as_official(name: str) -> None:
    ns, _, _ = _official()
    ours, theirs = BUILDERS[name](pb), BUILDERS[name](ns)
    assert ours.SerializeToString() == theirs.SerializeToString()
    assert type(theirs).FromString(ours.SerializeToString()) == theirs
    assert type(ours).FromString(theirs.SerializeToString()) == ours


@pytest.mark.official
@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_bytes_come_from_official(name: str) -> None:
    ns, _, _ = _official()
    build, expected = GOLDEN[name]
    assert build(ns).SerializeToString() == expected


@pytest.mark.official  # grpcio-tools comes with the `official` extra (both need protobuf<6)
def test_descriptors_and_enums_are_up_to_date(tmp_path: Path) -> None:
    out, enums_out = tmp_path / "_descriptors.py", tmp_path / "enums.py"
    command = [sys.executable, str(ROOT / "tools" / "gen_proto.py"), "--out", str(out), "--enums-out", str(enums_out)]
    subprocess.run(command, check=True)
    assert out.read_bytes() == Path(_descriptors.__file__).read_bytes(), "run tools/gen_proto.py"
    assert enums_out.read_bytes() == Path(enums.__file__).read_bytes(), "run tools/gen_proto.py"
