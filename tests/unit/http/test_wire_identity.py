"""The sync and the async transport put the same bytes on the wire for the same request,
recorded by a raw-socket loopback server; neither adds headers of its own choosing
beyond the one documented set, and neither decodes a compressed response."""
from __future__ import annotations

import asyncio
import gzip
import io
import socket
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator, List

import pytest
from raw_server import RawRequest, RawServer

from alicloud_storage import __version__
from alicloud_storage.http import AsyncTransport, Request, Response, SyncTransport, Timeout

LIMITS = Timeout(2, 5)
PAYLOAD = bytes(range(256)) * 1100  # 281,600 bytes: several file reads


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()


def chunks() -> Iterator[bytes]:
    yield b"first,"
    yield b""  # empty pieces are skipped, never sent as a (terminating) empty chunk
    yield PAYLOAD
    yield b",last"


async def async_chunks() -> AsyncIterator[bytes]:
    for chunk in chunks():
        yield chunk


def file_body(tmp_path: Path) -> Callable[[], object]:
    path = tmp_path / "body.bin"
    path.write_bytes(PAYLOAD)
    return lambda: open(path, "rb")


def sync_send(request: Request) -> Response:
    with SyncTransport() as transport:
        return transport.send(request, LIMITS)


def async_send(request: Request) -> Response:
    async def main() -> Response:
        async with AsyncTransport() as transport:
            return await transport.send(request, LIMITS)

    return asyncio.run(main())


def recorded(server: RawServer, send: Callable[[Request], Response], request: Request) -> RawRequest:
    before = len(server.requests)
    response = send(request)
    assert response.status == 200
    assert len(server.requests) == before + 1
    return server.requests[-1]


BODIES = {
    "empty GET": lambda tmp: ("GET", lambda: b""),
    "empty POST": lambda tmp: ("POST", lambda: b""),
    "bytes": lambda tmp: ("PUT", lambda: PAYLOAD),
    "file": lambda tmp: ("PUT", file_body(tmp)),
    "BytesIO": lambda tmp: ("PUT", lambda: io.BytesIO(PAYLOAD)),
    "iterator": lambda tmp: ("PUT", chunks),
}


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_sync_and_async_send_identical_bytes(kind: str, raw_server: RawServer, tmp_path: Path) -> None:
    method, make_body = BODIES[kind](tmp_path)
    headers = {"x-ots-date": "2024-01-01T00:00:00.000Z", "X-Mixed-Case": "v", "Authorization": "OTS a:b"}
    url = raw_server.url + "/bucket/key%2Fwith%20escapes?uploads&x=1"
    sync = recorded(raw_server, sync_send, Request(method, url, headers, make_body()))
    asynchronous = recorded(raw_server, async_send, Request(method, url, headers, make_body()))
    assert sync.raw == asynchronous.raw
    assert sync.target == "/bucket/key%2Fwith%20escapes?uploads&x=1"  # as given, not re-quoted
    names = list(sync.headers)
    assert names[0] == "host" and sync.headers["host"] == url.split("/")[2]
    assert sync.headers["user-agent"] == f"alicloud-storage/{__version__}"
    assert sync.headers["accept-encoding"] == "identity"
    assert not {"content-type", "accept", "cookie", "connection"} & set(names)
    expected = {"empty GET": b"", "empty POST": b"", "iterator": b"first," + PAYLOAD + b",last"}.get(kind, PAYLOAD)
    assert sync.body == expected
    if kind == "iterator":
        assert sync.headers["transfer-encoding"] == "chunked" and "content-length" not in names
        assert names[-1] == "transfer-encoding"
        assert sync.raw.endswith(b"\r\n5\r\n,last\r\n0\r\n\r\n")
    elif kind == "empty GET":
        assert "content-length" not in names
    else:
        assert sync.headers["content-length"] == str(len(expected))


def test_async_iterator_body_sends_what_a_sync_iterator_sends(raw_server: RawServer) -> None:
    url = raw_server.url + "/up"
    sync = recorded(raw_server, sync_send, Request("POST", url, body=chunks()))
    asynchronous = recorded(raw_server, async_send, Request("POST", url, body=async_chunks()))
    assert sync.raw == asynchronous.raw


def test_given_host_and_length_headers_are_sent_once_in_the_same_place(raw_server: RawServer) -> None:
    headers = {"x-a": "1", "Host": "example.com", "Content-Length": str(len(PAYLOAD) + 11)}
    url = raw_server.url + "/h"
    sync = recorded(raw_server, sync_send, Request("PUT", url, headers, chunks()))
    asynchronous = recorded(raw_server, async_send, Request("PUT", url, headers, chunks()))
    assert sync.raw == asynchronous.raw
    assert sync.raw.startswith(b"PUT /h HTTP/1.1\r\nHost: example.com\r\nx-a: 1\r\nContent-Length: 281611\r\n")
    assert "transfer-encoding" not in sync.headers  # a declared length: sent as is, not chunked


def test_a_compressed_response_is_returned_as_stored(raw_server: RawServer) -> None:
    stored = gzip.compress(b"object stored gzip-encoded" * 100)

    def answer(request: RawRequest, conn: socket.socket) -> bytes:
        return b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s" % (len(stored), stored)

    raw_server.answer = answer
    for send in (sync_send, async_send):
        response = send(Request("GET", raw_server.url + "/obj"))
        assert response.body == stored and response.headers["content-encoding"] == "gzip"


def test_set_cookie_is_never_sent_back(raw_server: RawServer) -> None:
    def answer(request: RawRequest, conn: socket.socket) -> bytes:
        return b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nContent-Length: 0\r\n\r\n"

    raw_server.answer = answer

    async def twice() -> List[Response]:
        async with AsyncTransport() as transport:
            return [await transport.send(Request("GET", raw_server.url + "/c"), LIMITS) for _ in range(2)]

    asyncio.run(twice())
    assert [r.headers.get("cookie") for r in raw_server.requests] == [None, None]


def test_header_injection_is_refused_by_both(raw_server: RawServer) -> None:
    for send in (sync_send, async_send):
        with pytest.raises(ValueError, match="CR or LF"):
            send(Request("POST", raw_server.url + "/x", {"x-a": "1\r\nx-b: 2"}))
    assert raw_server.requests == []
