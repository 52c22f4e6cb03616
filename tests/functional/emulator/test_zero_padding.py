"""Rows followed by zero padding, as the official Node.js SDK sends them (it sizes INF_MIN/
INF_MAX and auto-increment key values, and DELETE cells, for more than it writes): accepted,
as the service accepts them; a corrupt row is still refused, padded or not."""
from __future__ import annotations

from typing import Optional

import pytest

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.tablestore.wire import pb, plainbuffer
from test_protocol import create_table, error_of

ROW = plainbuffer.encode_put_row([("pk", "k")], [("s", "text"), ("i", 7)])


def zero_checksum_row() -> bytes:
    """A row whose own checksum byte is 0 (its last byte then looks like padding)."""
    for n in range(5000):
        row = plainbuffer.encode_put_row([("pk", f"z{n}")], [("i", n)])
        if row[-1] == 0:
            return row
    raise AssertionError("no row with a zero checksum found")


def put_row(raw, row: bytes):
    request = pb.PutRowRequest(table_name="t", row=row)
    request.condition.row_existence = pb.IGNORE
    return raw.post("PutRow", request.SerializeToString())


def get_row(raw, primary_key: bytes) -> Optional[plainbuffer.PlainRow]:
    request = pb.GetRowRequest(table_name="t", primary_key=primary_key, max_versions=1)
    status, _, body = raw.post("GetRow", request.SerializeToString())
    assert status == 200, body
    return plainbuffer.decode_row(pb.GetRowResponse.FromString(body).row)


@pytest.mark.parametrize("padding", [1, 5])
def test_zero_padded_rows_and_keys_are_accepted(raw, padding):
    create_table(raw)
    status, _, body = put_row(raw, ROW + b"\0" * padding)
    assert status == 200, body
    stored = get_row(raw, plainbuffer.encode_primary_key([("pk", "k")]) + b"\0" * padding)
    assert stored is not None
    assert [(name, value) for name, value, _, _ in stored.cells] == [("i", 7), ("s", "text")]

    zero = zero_checksum_row()
    key = plainbuffer.decode_row(zero).primary_key
    assert put_row(raw, zero + b"\0" * padding)[0] == 200
    assert get_row(raw, plainbuffer.encode_primary_key(key)) is not None


@pytest.mark.parametrize("name, data", [
    ("non-zero byte after the row", ROW + b"\x01"),
    ("non-zero byte after zero padding", ROW + b"\0\0\x07"),
    ("wrong row checksum, padded", ROW[:-1] + bytes([ROW[-1] ^ 0x5A]) + b"\0\0"),
    ("wrong cell checksum, padded", ROW.replace(b"text", b"texT") + b"\0"),
    ("row checksum cut off, zero-padded", ROW[:-1] + b"\0\0\0"),
    ("row checksum tag cut off, zero-padded", ROW[:-2] + b"\0\0"),
    ("zeros only after the header", ROW[:4] + b"\0\0"),
])
def test_corrupt_rows_are_refused_padded_or_not(raw, name, data):
    assert ROW[-1] != 0  # so that cutting the checksum off and padding cannot restore it
    create_table(raw)
    status, code, message = error_of(*put_row(raw, data))
    assert (status, code) == (E.BROKEN_ROW.http_status, E.BROKEN_ROW.code), name
    assert message.startswith("Cell data broken, PlainBuffer: "), message
    assert get_row(raw, plainbuffer.encode_primary_key([("pk", "k")])) is None
    assert raw.post("ListTable", b"")[0] == 200  # served promptly after the refusal
