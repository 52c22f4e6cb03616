"""Fidelity audit over raw signed HTTP: request shapes no SDK sends (odd PlainBuffer cells,
half time ranges, malformed filters) must get the service's exact 400 texts.

Rows are hand-built with a small PlainBuffer writer below because our client codec
refuses to encode most of them.
"""
from __future__ import annotations

import struct
import uuid
from typing import Any, Optional, Sequence, Tuple

import pytest

from alicloud_storage.credentials import Credentials
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.crc8 import crc8
from test_protocol import create_table, error_of, expected, put

_INF_MIN, _INF_MAX = object(), object()
RawCell = Tuple[str, Any, Optional[int], Optional[int]]  # name, value (None: absent), ts, op


def _value(value: Any) -> bytes:
    """TAG_CELL_VALUE, total, type and payload of an INF marker, int or str."""
    if value is _INF_MIN or value is _INF_MAX:
        return struct.pack("<BIB", 0x05, 1, 0x9 if value is _INF_MIN else 0xA)
    if isinstance(value, int):
        return struct.pack("<BIBq", 0x05, 9, 0x0, value)
    data = value.encode()
    return struct.pack("<BIBI", 0x05, 5 + len(data), 0x3, len(data)) + data


def _cell(name: str, value: Any, ts: Optional[int], op: Optional[int]) -> Tuple[bytes, int]:
    raw = name.encode()
    out = struct.pack("<BBI", 0x03, 0x04, len(raw)) + raw
    crc = crc8(raw)
    if value is not None:
        out += _value(value)
        crc = _chain(crc, value)
    if op is not None:
        out += bytes([0x06, op])
    if ts is not None:
        out += bytes([0x07]) + struct.pack("<q", ts)
        crc = crc8(struct.pack("<q", ts), crc)
    if op is not None:
        crc = crc8(bytes([op]), crc)
    return out + bytes([0x0A, crc]), crc


def _chain(crc: int, value: Any) -> int:
    """Continue a cell checksum over a value (type byte, then length + bytes or the int64)."""
    if value is _INF_MIN or value is _INF_MAX:
        return crc8(bytes([0x9 if value is _INF_MIN else 0xA]), crc)
    if isinstance(value, int):
        return crc8(struct.pack("<q", value), crc8(b"\x00", crc))
    data = value.encode()
    return crc8(data, crc8(struct.pack("<I", len(data)), crc8(b"\x03", crc)))


def row(pk: Sequence[Tuple[str, Any]], cells: Sequence[RawCell] = ()) -> bytes:
    """A one-row PlainBuffer buffer with any cells, checksums right."""
    out = b"\x75\x00\x00\x00\x01"
    row_crc = 0
    for name, value in pk:
        encoded, crc = _cell(name, value, None, None)
        out += encoded
        row_crc = crc8(bytes([crc]), row_crc)
    if cells:
        out += b"\x02"
        for cell in cells:
            encoded, crc = _cell(*cell)
            out += encoded
            row_crc = crc8(bytes([crc]), row_crc)
    row_crc = crc8(b"\x00", row_crc)
    return out + bytes([0x09, row_crc])


def post(raw, api: str, message: Any) -> Tuple[int, str, str]:
    return error_of(*raw.post(api, message.SerializeToString()))


def put_request(data: bytes) -> Any:
    request = pb.PutRowRequest(table_name="t", row=data)
    request.condition.row_existence = pb.IGNORE
    return request


def update_request(data: bytes) -> Any:
    request = pb.UpdateRowRequest(table_name="t", row_change=data)
    request.condition.row_existence = pb.IGNORE
    return request


@pytest.fixture
def table(raw):
    create_table(raw)
    return raw


def test_hand_built_rows_match_the_client_codec():
    assert row([("pk", "a")], [("c", 1, None, None)]) == plainbuffer.encode_put_row([("pk", "a")], [("c", 1)])
    assert row([("pk", "a")], [("c", None, 5, 3)]) == plainbuffer.encode_update_row(
        [("pk", "a")], [("c", None, 5, plainbuffer.CellOp.DELETE_ONE_VERSION)])


@pytest.mark.parametrize("api, cells, spec, params", [
    ("PutRow", [("c", 1, None, 4)], E.OP_TYPE_IN_PUT, {"name": "c"}),
    ("UpdateRow", [("c", 1, 5, 4)], E.INCREMENT_WITH_TS, {}),
])
def test_cell_rules(table, api, cells, spec, params):
    data = row([("pk", "a")], cells)
    message = put_request(data) if api == "PutRow" else update_request(data)
    assert post(table, api, message) == expected(spec, **params)


@pytest.mark.parametrize("api, cells", [
    ("PutRow", [("c", None, None, None)]),
    ("PutRow", [("c", _INF_MAX, None, None)]),
    ("UpdateRow", [("c", 1, None, 1)]),
    ("UpdateRow", [("c", None, None, 3)]),
    ("UpdateRow", [("c", None, 5, 1)]),
    ("UpdateRow", [("c", "x", None, 4)]),
])
def test_cells_the_shared_decoder_rejects(table, api, cells):
    """Known gap (see errors.BROKEN_ROW): the decoder's detail, not the DOC-ERR text."""
    data = row([("pk", "a")], cells)
    message = put_request(data) if api == "PutRow" else update_request(data)
    status, code, message_text = post(table, api, message)
    assert (status, code) == (400, "OTSParameterInvalid")
    assert message_text.startswith("Cell data broken, ")


def test_key_rules(table):
    assert post(table, "PutRow", put_request(row([]))) == expected(E.EMPTY_PK)
    assert post(table, "PutRow", put_request(row([("pk", _INF_MIN)]))) == expected(E.INF_IN_PRIMARY_KEY,
                                                                                   type="VT_INF_MIN")
    delete = pb.DeleteRowRequest(table_name="t", primary_key=row([("pk", "a")], [("c", 1, None, None)]))
    delete.condition.row_existence = pb.IGNORE
    assert post(table, "DeleteRow", delete) == expected(E.DELETE_WITH_CELLS)


def get_request(**fields: Any) -> Any:
    return pb.GetRowRequest(table_name="t", primary_key=plainbuffer.encode_primary_key([("pk", "a")]), **fields)


def test_time_range_rules(table):
    half = get_request()
    half.time_range.start_time = 5
    assert post(table, "GetRow", half) == expected(E.TIME_RANGE_HALF)
    negative = get_request()
    negative.time_range.specific_time = -1
    assert post(table, "GetRow", negative) == expected(E.SPECIFIC_TIME_NEGATIVE)
    empty = get_request()
    empty.time_range.start_time = empty.time_range.end_time = 5
    assert post(table, "GetRow", empty) == expected(E.INVALID_TIME_RANGE,
                                                    detail="start time must be less than end time")


def _single(column: str = "c") -> pb.Filter:
    single = pb.SingleColumnValueFilter(comparator=pb.CT_EQUAL, column_name=column,
                                        column_value=b"\x00" + bytes(8), filter_if_missing=False,
                                        latest_version_only=True)
    return pb.Filter(type=pb.FT_SINGLE_COLUMN_VALUE, filter=single.SerializeToString())


def _composite(combinator: int, count: int) -> pb.Filter:
    composite = pb.CompositeColumnValueFilter(combinator=combinator)
    for _ in range(count):
        composite.sub_filters.add().CopyFrom(_single())
    return pb.Filter(type=pb.FT_COMPOSITE_COLUMN_VALUE, filter=composite.SerializeToString())


def _page(offset: int, limit: int) -> pb.Filter:
    page = pb.ColumnPaginationFilter(offset=offset, limit=limit)
    return pb.Filter(type=pb.FT_COLUMN_PAGINATION, filter=page.SerializeToString())


@pytest.mark.parametrize("node, spec", [
    (_composite(pb.LO_NOT, 2), E.FILTER_NOT_ARITY),
    (_composite(pb.LO_AND, 1), E.FILTER_AND_OR_ARITY),
    (_composite(pb.LO_OR, 1), E.FILTER_AND_OR_ARITY),
    (_page(-1, 3), E.PAGINATION_OFFSET),
    (_page(0, 0), E.PAGINATION_LIMIT),
])
def test_filter_rules(table, node, spec):
    request = get_request(max_versions=1, filter=node.SerializeToString())
    assert post(table, "GetRow", request) == expected(spec)


def test_and_or_take_more_than_two_children(table):
    put(table, [("pk", "a")], [("c", 0)])
    request = get_request(max_versions=1, filter=_composite(pb.LO_AND, 3).SerializeToString())
    status, _, body = table.post("GetRow", request.SerializeToString())
    assert status == 200
    assert plainbuffer.decode_row(pb.GetRowResponse.FromString(body).row).cells[0][:2] == ("c", 0)


def test_return_column_names_need_rt_after_modify(table):
    request = update_request(plainbuffer.encode_update_row(
        [("pk", "a")], [("n", 1, None, plainbuffer.CellOp.INCREMENT)]))
    request.return_content.return_type = pb.RT_PK
    request.return_content.return_column_names.append("n")
    assert post(table, "UpdateRow", request) == expected(E.RETURN_COLUMNS_INVALID)


def test_disabled_access_key(raw, emu):
    user = f"off{uuid.uuid4().hex[:8]}"
    emu.iam.create_user(user)
    key_id, secret = emu.iam.create_access_key(user)
    emu.iam.set_access_key_active(key_id, False)
    status, headers, body = raw.post("ListTable", b"", credentials=Credentials(key_id, secret))
    assert error_of(status, headers, body) == expected(E.ACCESS_KEY_DISABLED)
