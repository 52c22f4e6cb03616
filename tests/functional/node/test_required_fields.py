"""Every response the emulator sends carries each field the official Node.js SDK's protocol
definitions mark `required` (its protobuf runtime refuses a response without one).

The definitions are read from the installed SDK's lib/protocol/*.proto. A scenario drives
every wide-table API through our client over real HTTP (successes, service errors and batch
rows that fail), records each response body, and walks it on the wire with the SDK's message
types: nested messages (and the PlainBuffer-free bytes they hold) are walked by field number.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, List, Optional, Set, Tuple

import pytest

from alicloud_storage.emulator import Emulator
from alicloud_storage.http import BaseTransport, Request, Response, SyncTransport, Timeout
from alicloud_storage.tablestore import (
    INF_MAX,
    INF_MIN,
    PK_AUTO_INCR,
    BatchGetRowRequest,
    BatchWriteRowRequest,
    CapacityUnit,
    Condition,
    DeleteRowItem,
    OTSClient,
    OTSServiceError,
    PutRowItem,
    ReservedThroughput,
    ReturnType,
    Row,
    SecondaryIndexMeta,
    TableInBatchGetRowItem,
    TableInBatchWriteRowItem,
    TableMeta,
    TableOptions,
    UpdateRowItem,
)
from alicloud_storage.tablestore.retry import NoRetryPolicy
from alicloud_storage.tablestore.wire import pb
from proto_schema import Schema, parse_messages, wire_fields

pytestmark = pytest.mark.official


class Recorder(BaseTransport):
    """A real transport that keeps (API name, status, body) of every response."""

    def __init__(self) -> None:
        self.inner = SyncTransport()
        self.responses: List[Tuple[str, int, bytes]] = []

    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        response = self.inner.send(request, timeout)
        self.responses.append((request.url.rsplit("/", 1)[1], response.status, response.body))
        return response

    def close(self) -> None:
        self.inner.close()


def node_schema(protocol: Path) -> Schema:
    schema: Schema = {}
    for path in sorted(protocol.glob("*.proto")):
        schema.update(parse_messages(path.read_text(encoding="utf-8")))
    return schema


def missing_required(data: bytes, type_name: str, schema: Schema, path: str, seen: Set[str]) -> List[str]:
    """Paths of the required fields absent from ``data`` (a ``type_name`` message), recursively."""
    seen.add(type_name)
    present: dict = {}
    for number, value in wire_fields(data):
        present.setdefault(number, []).append(value)
    missing = []
    for field in schema[type_name]:
        if field.label == "required" and field.number not in present:
            missing.append(f"{path}.{field.name}")
        nested = field.type.rsplit(".", 1)[-1]
        if nested in schema:
            for index, value in enumerate(present.get(field.number, [])):
                assert isinstance(value, bytes), f"{path}.{field.name} is not length-delimited"
                missing += missing_required(value, nested, schema, f"{path}.{field.name}[{index}]", seen)
    return missing


def expect_error(call, *args, **kwargs) -> None:
    with pytest.raises(OTSServiceError):
        call(*args, **kwargs)


def scenario(ots: OTSClient) -> None:
    """Every wide-table API (indexes and local transactions included), with the optional parts
    of their responses turned on."""
    throughput = ReservedThroughput(CapacityUnit(0, 0))
    ots.create_table(TableMeta("t", [("pk", "STRING"), ("n", "INTEGER")], [("d", "STRING")]),
                     TableOptions(max_version=3), throughput)
    ots.create_table(TableMeta("auto", [("pk", "STRING"), ("id", "INTEGER", PK_AUTO_INCR)]),
                     TableOptions(), throughput)
    expect_error(ots.create_table, TableMeta("t", [("pk", "STRING")]), TableOptions(), throughput)
    ots.list_table()
    ots.describe_table("t")
    ots.update_table("t", TableOptions(max_version=2))
    key = [("pk", "a"), ("n", 1)]
    ots.put_row("t", Row(key, [("s", "v"), ("i", 5), ("b", True), ("f", 1.5), ("x", bytearray(b"\0"))]),
                Condition("EXPECT_NOT_EXIST"), ReturnType.RT_PK)
    ots.put_row("auto", Row([("pk", "a"), ("id", PK_AUTO_INCR)], [("v", 1)]), None, ReturnType.RT_PK)
    expect_error(ots.put_row, "t", Row(key, [("s", "w")]), Condition("EXPECT_NOT_EXIST"))
    ots.get_row("t", key)
    ots.get_row("t", [("pk", "none"), ("n", 0)])
    ots.update_row("t", Row(key, {"increment": [("i", 1)]}), None, ReturnType.RT_PK)
    ots.delete_row("t", Row([("pk", "gone"), ("n", 0)]), None, ReturnType.RT_PK)
    write = BatchWriteRowRequest()
    write.add(TableInBatchWriteRowItem("t", [
        PutRowItem(Row([("pk", "b"), ("n", 1)], [("v", 1)]), Condition("IGNORE"), ReturnType.RT_PK),
        UpdateRowItem(Row([("pk", "c"), ("n", 1)], {"put": [("v", 1)]}), Condition("EXPECT_EXIST")),
        DeleteRowItem(Row([("pk", "d"), ("n", 1)]), Condition("IGNORE")),
    ]))
    write.add(TableInBatchWriteRowItem("nowhere", [PutRowItem(Row([("pk", "x")], [("v", 1)]), Condition("IGNORE"))]))
    ots.batch_write_row(write)
    read = BatchGetRowRequest()
    read.add(TableInBatchGetRowItem("t", [key, [("pk", "none"), ("n", 0)]], max_version=1))
    read.add(TableInBatchGetRowItem("nowhere", [[("pk", "x")]], max_version=1))
    ots.batch_get_row(read)
    ots.get_range("t", "FORWARD", [("pk", INF_MIN), ("n", INF_MIN)], [("pk", INF_MAX), ("n", INF_MAX)], limit=1)
    ots.get_range("t", "BACKWARD", [("pk", INF_MAX), ("n", INF_MAX)], [("pk", INF_MIN), ("n", INF_MIN)])
    expect_error(ots.get_range, "t", "FORWARD", [("pk", INF_MAX), ("n", INF_MAX)], [("pk", INF_MIN), ("n", INF_MIN)])
    ots.create_table(TableMeta("ix", [("pk", "STRING"), ("n", "INTEGER")], [("d", "STRING")]),
                     TableOptions(max_version=1), throughput)  # an indexed table keeps one version
    ots.create_secondary_index("ix", SecondaryIndexMeta("ix_by_d", ["d"], []), include_base_data=True)
    ots.delete_secondary_index("ix", "ix_by_d")
    transaction_id = ots.start_local_transaction("ix", [("pk", "tx")])
    ots.put_row("ix", Row([("pk", "tx"), ("n", 1)], [("v", 1)]), transaction_id=transaction_id)
    ots.commit_transaction(transaction_id)
    ots.abort_transaction(ots.start_local_transaction("ix", [("pk", "tx")]))
    ots.delete_row("t", Row(key), Condition("EXPECT_EXIST"))
    ots.delete_table("auto")
    expect_error(ots.describe_table, "auto")


@pytest.fixture
def recorded() -> Iterator[List[Tuple[str, int, bytes]]]:
    recorder = Recorder()
    with Emulator(memory=True, environ={}) as emu:
        ots = OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance,
                        transport=recorder, retry_policy=NoRetryPolicy())
        with ots:
            scenario(ots)
    yield recorder.responses


def test_every_response_has_the_fields_the_node_sdk_requires(node_protocol: Path, recorded) -> None:
    schema = node_schema(node_protocol)
    seen: Set[str] = set()
    missing = []
    for api, status, body in recorded:
        type_name = api + "Response" if status == 200 else "Error"
        missing += missing_required(body, type_name, schema, f"{api}({status}) {type_name}", seen)
    assert missing == []

    # The scenario reached every response message of our schema that the Node.js SDK defines,
    # errors included, and inside them the nested messages with required fields of their own.
    ours = {name for name in pb.POOL.FindFileByName("table_store.proto").message_types_by_name
            if name.endswith("Response") and name in schema}
    assert ours <= seen, sorted(ours - seen)
    assert {"Error", "StreamDetails", "ReservedThroughputDetails", "ConsumedCapacity", "TableMeta",
            "PrimaryKeySchema", "DefinedColumnSchema", "RowInBatchGetRowResponse",
            "RowInBatchWriteRowResponse", "TableInBatchGetRowResponse",
            "TableInBatchWriteRowResponse"} <= seen, sorted(seen)
