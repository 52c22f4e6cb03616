"""Response rows are trusted by the body's MD5, checked before any decoding.

The client decodes response rows with ``verify_checksums=False``: the response check
(x-ots-contentmd5 over the whole body) runs first, so a tampered body is refused with
the MD5 error before PlainBuffer or protobuf decoding could see it.
"""
from __future__ import annotations

import pytest
from ots_fake_service import AK, ENDPOINT, INSTANCE, SK, Script, answer, consumed

from alicloud_storage.http import MockTransport
from alicloud_storage.tablestore import NoRetryPolicy, OTSClient, OTSResponseCheckError
from alicloud_storage.tablestore.errors import OTSDecodeError
from alicloud_storage.tablestore.wire import pb
from alicloud_storage.tablestore.wire.plainbuffer import PlainRow, decode_rows, encode_rows

ROWS = [PlainRow([("pk", i)], [("name", f"n{i}", 1700000000000, None)], False) for i in range(3)]
GOOD = encode_rows(ROWS)
CELL_CRC_AT = len(encode_rows(ROWS[:1])) - 3  # the first row's cell checksum (then 0x09, row CRC)
BAD_CRC = GOOD[:CELL_CRC_AT] + bytes((GOOD[CELL_CRC_AT] ^ 0x5A,)) + GOOD[CELL_CRC_AT + 1 :]


def client(script: Script) -> OTSClient:
    return OTSClient(ENDPOINT, AK, SK, INSTANCE, transport=MockTransport(script), retry_policy=NoRetryPolicy())


def range_response(rows: bytes) -> pb.GetRangeResponse:
    return consumed(pb.GetRangeResponse(rows=rows), read=1, write=0)


def get_range(ots: OTSClient) -> list:
    return ots.get_range("t", "FORWARD", [("pk", 0)], [("pk", 3)])[2]


def test_the_corrupted_row_buffer_is_refused_by_the_codec_itself() -> None:
    with pytest.raises(OTSDecodeError, match="cell checksum mismatch"):
        decode_rows(BAD_CRC)


def test_rows_under_a_matching_md5_are_decoded_without_their_crcs() -> None:
    rows = get_range(client(Script(lambda request: answer(request, range_response(BAD_CRC)))))
    assert [(row.primary_key, row.attribute_columns) for row in rows] == [
        ([("pk", i)], [("name", f"n{i}", 1700000000000)]) for i in range(3)
    ]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body: body.replace(GOOD, BAD_CRC),  # still decodable without CRCs: only MD5 sees it
        lambda body: body[:-7],  # truncated: protobuf and PlainBuffer decoding would fail
        lambda body: body.replace(GOOD, GOOD[:20]),  # a broken row buffer in a valid message
    ],
    ids=["row-crc", "truncated", "broken-rows"],
)
def test_a_tampered_body_fails_the_md5_check_before_any_decoding(tamper) -> None:  # type: ignore[no-untyped-def]
    script = Script(lambda request: answer(request, range_response(GOOD), tamper=lambda headers, body: tamper(body)))
    with pytest.raises(OTSResponseCheckError) as caught:
        get_range(client(script))
    assert caught.value.message == "MD5 mismatch in response. HTTP status: 200."
