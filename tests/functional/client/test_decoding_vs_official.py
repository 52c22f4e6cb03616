"""Second opinion on decoding: the emulator's real responses, decoded by our protocol and
by the official SDK's decoder, give the same results."""
from __future__ import annotations

from typing import Any, List, Tuple

import pytest

from alicloud_storage.http import BaseTransport, SyncTransport
from alicloud_storage.tablestore import (
    INF_MAX,
    INF_MIN,
    PK_AUTO_INCR,
    BatchGetRowRequest,
    CapacityUnit,
    OTSClient,
    ReservedThroughput,
    ReturnType,
    Row,
    TableInBatchGetRowItem,
    TableMeta,
    TableOptions,
)
from alicloud_storage.tablestore import operations

pytestmark = pytest.mark.official


class Capture(BaseTransport):
    """Sends through a real transport and keeps every successful (api, body) pair."""

    def __init__(self) -> None:
        self.inner = SyncTransport()
        self.bodies: List[Tuple[str, bytes]] = []

    def send(self, request, timeout=None):
        response = self.inner.send(request, timeout)
        if response.status == 200:
            self.bodies.append((request.url.rsplit("/", 1)[1], response.body))
        return response

    def close(self):
        self.inner.close()


def plain(value: Any) -> Any:
    """A comparable form of either SDK's result objects."""
    if hasattr(value, "primary_key") and hasattr(value, "attribute_columns"):
        return ("Row", plain(value.primary_key), plain(value.attribute_columns))
    if type(value).__name__ == "CapacityUnit":
        return ("CU", value.read, value.write)
    if type(value).__name__ == "RowDataItem":
        return ("Item", value.is_ok, value.error_code, value.table_name, plain(value.consumed), plain(value.row))
    if type(value).__name__ in ("TableMeta", "TableOptions", "ReservedThroughputDetails", "DescribeTableResponse",
                                "UpdateTableResponse", "SecondaryIndexMeta"):
        fields = {k: plain(v) for k, v in vars(value).items() if k not in ("request_id", "sse_details")}
        return (type(value).__name__, fields)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if value is PK_AUTO_INCR or type(value).__name__ == "type" and value.__name__ == "PK_AUTO_INCR":
        return "PK_AUTO_INCR"
    return value


def test_responses_decode_the_same_as_with_the_official_sdk(emu):
    from tablestore.decoder import OTSProtoBufferDecoder

    capture = Capture()
    client = OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance,
                       transport=capture)
    client.create_table(TableMeta("d", [("pk", "STRING"), ("n", "INTEGER", PK_AUTO_INCR)], [("c", "DOUBLE")]),
                        TableOptions(86400 * 3, 2, 7200), ReservedThroughput(CapacityUnit(0, 0)))
    keys = []
    for i in range(3):
        _, row = client.put_row("d", Row([("pk", f"k{i}"), ("n", PK_AUTO_INCR)],
                                         [("s", "文字"), ("i", -i), ("f", 1.5), ("b", True), ("x", bytearray(b"\0\1"))]),
                                return_type=ReturnType.RT_PK)
        keys.append(row.primary_key)
    client.update_row("d", Row(keys[0], {"put": [("s", "new")]}), None)
    client.get_row("d", keys[0], max_version=2)
    client.get_row("d", [("pk", "none"), ("n", 1)])
    client.get_range("d", "FORWARD", [("pk", INF_MIN), ("n", INF_MIN)], [("pk", INF_MAX), ("n", INF_MAX)], limit=2)
    request = BatchGetRowRequest()
    request.add(TableInBatchGetRowItem("d", [keys[1], [("pk", "none"), ("n", 1)]]))
    request.add(TableInBatchGetRowItem("missing", [[("id", 1)]]))
    client.batch_get_row(request)
    client.describe_table("d")
    client.update_table("d", TableOptions(max_version=4))
    client.list_table()

    official = OTSProtoBufferDecoder("utf8", enable_native=False)
    by_api = {operation.api: operation for operation in operations.OPERATIONS.values()}
    compared = set()
    for api, body in capture.bodies:
        if api in ("CreateTable", "BatchWriteRow"):
            continue
        operation = by_api[api]
        message = operation.response_type()
        message.ParseFromString(body)
        ours = operation.decode(message, None, "rid")
        theirs, _ = official.decode_response(api, body, "rid")
        if api == "BatchGetRow":
            ours = ours.items
        if api in ("GetRow", "GetRange"):  # the official returns b'' for "no token", we return None
            theirs = (*theirs[:-1], theirs[-1] or None)
        assert plain(ours) == plain(theirs), api
        compared.add(api)
    assert compared == {"PutRow", "UpdateRow", "GetRow", "GetRange", "BatchGetRow", "DescribeTable",
                        "UpdateTable", "ListTable"}
