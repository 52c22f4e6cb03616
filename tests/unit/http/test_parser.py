"""The sans-IO response parser driven with bytes alone: no socket anywhere."""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

import pytest

from alicloud_storage.http import ReadError
from alicloud_storage.http._parser import (
    MAX_HEAD,
    NEED_DATA,
    EndOfMessage,
    InformationalResponse,
    ProtocolError,
    ResponseHead,
    ResponseParser,
)

Events = List[object]


def drive(pieces: List[bytes], head_only: bool = False, close: bool = False) -> Tuple[ResponseParser, Events]:
    """Feed ``pieces`` one by one (then the close, if asked), collecting every event."""
    parser = ResponseParser(head_only)
    events: Events = []
    feed = list(pieces) + ([b""] if close else [])
    while True:
        event = parser.next_event()
        if event is NEED_DATA:
            if not feed:
                return parser, events
            parser.receive_data(feed.pop(0))
            continue
        events.append(event)
        if isinstance(event, EndOfMessage):
            return parser, events


def body_of(events: Events) -> bytes:
    return b"".join(e for e in events if isinstance(e, bytes))


def bytewise(data: bytes) -> List[bytes]:
    return [data[i:i + 1] for i in range(len(data))]


def final_head(events: Events) -> ResponseHead:
    heads = [e for e in events if isinstance(e, ResponseHead)]
    assert len(heads) == 1
    return heads[0]


CL_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello world"


@pytest.mark.parametrize("split", ["whole", "bytewise"])
def test_content_length(split: str) -> None:
    pieces = [CL_RESPONSE] if split == "whole" else bytewise(CL_RESPONSE)
    parser, events = drive(pieces)
    head = final_head(events)
    assert (head.status, head.reason, head.http_version) == (200, "OK", "HTTP/1.1")
    assert head.headers == {"content-length": "11", "x-a": "1, 2"}
    assert body_of(events) == b"hello world"
    assert isinstance(events[-1], EndOfMessage) and events[-1].trailers == {}
    assert parser.complete and parser.reusable and parser.received == 11


def test_bytes_past_the_response_make_the_connection_unusable() -> None:
    parser, events = drive([CL_RESPONSE + b"HTTP/1.1 200 OK\r\n"])
    assert body_of(events) == b"hello world"
    assert parser.complete and not parser.reusable


def test_chunked_with_extensions_and_trailers() -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n"
        b"1 ; x=\"q\"\r\n \r\n"
        b"A\r\n0123456789\r\n"
        b"0;last\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n"
    )
    for pieces in ([raw], bytewise(raw)):
        parser, events = drive(pieces)
        assert body_of(events) == b"hello 0123456789"
        end = events[-1]
        assert isinstance(end, EndOfMessage) and end.trailers == {"x-checksum": "abc", "x-more": "1"}
        assert parser.reusable


def test_chunked_and_content_length_together_chunked_wins_and_the_connection_is_dropped() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    parser, events = drive([raw])
    assert body_of(events) == b"abc"
    assert parser.complete and not parser.reusable


def test_close_delimited_body() -> None:
    raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart one, "
    parser, events = drive([raw, b"part two"], close=True)
    assert body_of(events) == b"part one, part two"
    assert isinstance(events[-1], EndOfMessage)
    assert parser.complete and not parser.reusable


def test_close_delimited_needs_the_close() -> None:
    parser, events = drive([b"HTTP/1.1 200 OK\r\n\r\nabc"])
    assert body_of(events) == b"abc" and not parser.complete


def test_interim_responses_come_before_the_final_one() -> None:
    raw = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
    )
    _, events = drive(bytewise(raw))
    interim = [e for e in events if isinstance(e, InformationalResponse)]
    assert [(e.status, e.reason) for e in interim] == [(100, "Continue"), (103, "Early Hints")]
    assert interim[1].headers == {"link": "</a>"}
    assert final_head(events).status == 201 and body_of(events) == b"ok"


def test_head_response_has_no_body_whatever_content_length_says() -> None:
    parser, events = drive([b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"], head_only=True)
    assert final_head(events).headers["content-length"] == "1234"
    assert body_of(events) == b"" and parser.complete and parser.reusable


@pytest.mark.parametrize("status", [204, 304])
def test_no_content_and_not_modified_have_no_body(status: int) -> None:
    raw = b"HTTP/1.1 %d X\r\nContent-Length: 10\r\n\r\n" % status
    parser, events = drive([raw])
    assert final_head(events).status == status and body_of(events) == b""
    assert parser.reusable


def test_http10_without_keep_alive_is_not_reused() -> None:
    parser, events = drive([b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx"])
    assert body_of(events) == b"x" and not parser.reusable
    parser, _ = drive([b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx"])
    assert parser.reusable


def test_folded_header_is_unfolded() -> None:
    _, events = drive([b"HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\nContent-Length: 0\r\n\r\n"])
    assert final_head(events).headers["x-long"] == "a b"


def test_next_event_limit_splits_body_pieces() -> None:
    parser = ResponseParser()
    parser.receive_data(CL_RESPONSE)
    assert isinstance(parser.next_event(), ResponseHead)
    assert [parser.next_event(4) for _ in range(3)] == [b"hell", b"o wo", b"rld"]
    assert isinstance(parser.next_event(4), EndOfMessage)


def test_direct_reads_bypass_the_buffer() -> None:
    parser = ResponseParser()
    parser.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
    assert isinstance(parser.next_event(), ResponseHead)
    assert parser.length_remaining() == 10 and parser.direct_read_limit() == 10
    parser.direct_read_done(6)  # six bytes went straight into the caller's buffer
    assert parser.direct_read_limit() == 4
    parser.receive_data(b"abcd")
    assert parser.direct_read_limit() == 0  # buffered bytes come first
    assert parser.next_event() == b"abcd"
    assert isinstance(parser.next_event(), EndOfMessage) and parser.received == 10


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"HTTP/2 200 OK\r\n\r\n", "malformed status line: b'HTTP/2 200 OK'"),
        (b"HTTP/1.1 2000 OK\r\n\r\n", "malformed status line"),
        (b"ICY 200 OK\r\n\r\n", "malformed status line"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line 1: no colon"),
        (b"HTTP/1.1 200 OK\r\nA: 1\r\nBad Name: 1\r\n\r\n", "malformed header line 2: invalid field name"),
        (b"HTTP/1.1 200 OK\r\n : 1\r\n\r\n", "header line 1: continuation without a field"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "conflicting Content-Length values"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "malformed Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", "malformed Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size line: b'zz'"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "malformed chunk size line: b''"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX", "chunk data is not followed by CRLF"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
         "malformed trailer line 1: no colon"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * MAX_HEAD + b"\r\n\r\n", f"the response head exceeds {MAX_HEAD} bytes"),
    ],
)
def test_malformed_input_says_what_is_wrong(raw: bytes, message: str) -> None:
    with pytest.raises(ProtocolError, match=re.escape(message)) as caught:
        drive([raw])
    assert isinstance(caught.value, ReadError)  # clients see a transport read error


def test_too_long_head_is_refused_before_it_ends() -> None:
    parser = ResponseParser()
    parser.receive_data(b"HTTP/1.1 200 OK\r\nX: " + b"a" * (MAX_HEAD + 10))
    with pytest.raises(ProtocolError, match="exceeds"):
        parser.next_event()


def test_header_values_never_appear_in_errors() -> None:
    with pytest.raises(ProtocolError) as caught:
        drive([b"HTTP/1.1 200 OK\r\nAuthorization: OTS id:secret-signature\r\nbroken\r\n\r\n"])
    assert "secret-signature" not in str(caught.value)


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "closed the connection before any response"),
        (b"HTTP/1.1 200 OK\r\nContent-", "in the middle of the response head"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", r"middle of the body \(7 bytes missing\)"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "middle of the chunk data"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5", "middle of the chunk size line"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n", "middle of the trailer section"),
    ],
)
def test_close_too_early_says_where(raw: bytes, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        drive([raw] if raw else [], close=True)


def test_events_after_the_end_are_refused() -> None:
    parser, _ = drive([CL_RESPONSE])
    with pytest.raises(ProtocolError, match="already complete"):
        parser.next_event()


def _parse_all(raw: bytes, chunk: Optional[int]) -> bytes:
    pieces = [raw] if chunk is None else [raw[i:i + chunk] for i in range(0, len(raw), chunk)]
    return body_of(drive(pieces)[1])


def test_every_split_of_a_chunked_body_parses_the_same() -> None:
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\nT: 1\r\n\r\n"
    assert {_parse_all(raw, size) for size in [None, 1, 2, 3, 5, 7, 11]} == {b"abcdefg"}
