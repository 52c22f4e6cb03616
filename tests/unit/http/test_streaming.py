"""Streamed bodies both ways, rewind before a resend, the pool timeout, Expect:
100-continue and lazily built TLS contexts, against real loopback servers."""
from __future__ import annotations

import asyncio
import io
import socket
import time
from typing import AsyncIterator, Iterator, List

import pytest
from http_servers import Server
from raw_server import RawRequest, RawServer

from alicloud_storage.http import (
    AsyncMockTransport,
    AsyncTransport,
    MockTransport,
    PoolTimeout,
    ReadError,
    Request,
    Response,
    StreamingResponse,
    SyncTransport,
    Timeout,
    TLSConfig,
    TransportTimeout,
    WriteTimeoutError,
)
from alicloud_storage.http import config as http_config
from alicloud_storage.http import sync as http_sync

LIMITS = Timeout(2, 5)
MIB = 1 << 20
PATTERN = bytes(range(251)) * 4000  # ~1 MB, no period that divides a power of two


def download(request: RawRequest, conn: socket.socket) -> bytes:
    """``/cl/N``: N pattern bytes with Content-Length; ``/chunked/N``: the same, chunked."""
    _, kind, size = request.target.split("/")
    body = PATTERN[: int(size)]
    if kind == "cl":
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    pieces = [body[i:i + 70000] for i in range(0, len(body), 70000)]
    chunks = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in pieces)
    return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\nX-T: 1\r\n\r\n"


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer(download)
    yield server
    server.close()


@pytest.fixture
def transport() -> Iterator[SyncTransport]:
    with SyncTransport(max_connections=2) as transport:
        yield transport


@pytest.mark.parametrize("kind", ["cl", "chunked"])
def test_streamed_response_read_in_pieces_then_the_connection_is_reused(
    kind: str, transport: SyncTransport, raw_server: RawServer
) -> None:
    with transport.stream(Request("GET", f"{raw_server.url}/{kind}/{len(PATTERN)}"), LIMITS) as response:
        assert response.status == 200
        pieces = list(response.iter_bytes(10000))
        assert response.closed
    assert b"".join(pieces) == PATTERN
    assert max(len(p) for p in pieces) <= 10000
    assert transport.send(Request("GET", f"{raw_server.url}/cl/5"), LIMITS).body == PATTERN[:5]
    assert [r.connection for r in raw_server.requests] == [0, 0]


@pytest.mark.parametrize("kind", ["cl", "chunked"])
def test_early_close_never_pools_a_half_read_connection(
    kind: str, transport: SyncTransport, raw_server: RawServer
) -> None:
    response = transport.stream(Request("GET", f"{raw_server.url}/{kind}/{len(PATTERN)}"), LIMITS)
    first = next(iter(response))
    response.close()
    assert first == PATTERN[: len(first)] and response.closed and response.read() == b""
    assert transport.send(Request("GET", f"{raw_server.url}/cl/5"), LIMITS).body == PATTERN[:5]
    assert [r.connection for r in raw_server.requests] == [0, 1]


def test_readinto_and_read(transport: SyncTransport, raw_server: RawServer) -> None:
    buffer = bytearray(4096)
    view = memoryview(buffer)
    with transport.stream(Request("GET", f"{raw_server.url}/cl/100000"), LIMITS) as response:
        count = response.readinto(view)
        assert 0 < count <= 4096 and bytes(view[:count]) == PATTERN[:count]
        assert response.read() == PATTERN[count:100000]
    with transport.stream(Request("GET", f"{raw_server.url}/chunked/0"), LIMITS) as empty:
        assert empty.readinto(view) == 0 and empty.closed


def test_whole_and_streamed_responses_agree(transport: SyncTransport, raw_server: RawServer) -> None:
    for kind in ("cl", "chunked"):
        url = f"{raw_server.url}/{kind}/{len(PATTERN)}"
        whole = transport.send(Request("GET", url), LIMITS)
        with transport.stream(Request("GET", url), LIMITS) as streamed:
            assert streamed.read() == whole.body == PATTERN


def test_async_streamed_response(raw_server: RawServer) -> None:
    async def main() -> List[int]:
        async with AsyncTransport(max_connections=1) as transport:
            async with await transport.stream(Request("GET", f"{raw_server.url}/chunked/300000"), LIMITS) as full:
                pieces = [piece async for piece in full.iter_bytes(50000)]
            assert b"".join(pieces) == PATTERN[:300000] and max(map(len, pieces)) <= 50000
            early = await transport.stream(Request("GET", f"{raw_server.url}/cl/{len(PATTERN)}"), LIMITS)
            async for _ in early:
                break
            await early.close()
            whole = await transport.stream(Request("GET", f"{raw_server.url}/cl/7"), LIMITS)
            assert await whole.read() == PATTERN[:7]
            return [r.connection for r in raw_server.requests]

    connections = asyncio.run(main())
    assert connections[0] == 0 and connections[2] != connections[1]  # the half-read one was closed


def test_mock_transports_stream_the_whole_body() -> None:
    with MockTransport(lambda request: Response(200, "OK", {}, b"abcdef")) as transport:
        with transport.stream(Request("GET", "http://h/x")) as response:
            assert isinstance(response, StreamingResponse)
            assert list(response.iter_bytes(4)) == [b"abcd", b"ef"]

    async def main() -> bytes:
        transport = AsyncMockTransport(lambda request: Response(200, "OK", {}, b"xyz"))
        return await (await transport.stream(Request("GET", "http://h/x"))).read()

    assert asyncio.run(main()) == b"xyz"


# -- request bodies: rewind, no resend after a partial send -----------------------------


def drop_once(server: RawServer) -> None:
    """The first request's connection is dropped after its whole body arrived, unanswered."""
    answer = server.answer

    def first_dropped(request: RawRequest, conn: socket.socket):  # type: ignore[no-untyped-def]
        return None if len(server.requests) == 1 else answer(request, conn)

    server.answer = first_dropped


def echo(request: RawRequest, conn: socket.socket) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(request.body), request.body)


def test_a_file_body_is_rewound_and_sent_whole_again(transport: SyncTransport) -> None:
    server = RawServer(echo)
    drop_once(server)
    body = io.BytesIO(b"head-" + PATTERN)
    body.seek(5)  # the body starts where the file stands
    request = Request("PUT", server.url + "/obj", body=body)
    assert request.body_length == len(PATTERN) and request.body_rewindable
    try:
        with pytest.raises(ReadError):
            transport.send(request, LIMITS)
        assert request.rewind()  # what a retry engine does before the next attempt
        assert transport.send(request, LIMITS).body == PATTERN
        assert [r.body for r in server.requests] == [PATTERN, PATTERN]
    finally:
        server.close()


def test_a_partly_sent_stream_is_never_sent_again(transport: SyncTransport) -> None:
    server = RawServer(echo, body_limit=100000)  # reads the first chunks, then drops the connection
    pulled: List[int] = []

    def body() -> Iterator[bytes]:
        for i in range(200):
            pulled.append(i)
            yield PATTERN[:65536]

    request = Request("PUT", server.url + "/obj", {"Idempotency-Key": "k"}, body())
    try:
        with pytest.raises(ReadError):
            transport.send(request, Timeout(2, 2))
        assert not request.body_rewindable and not request.rewind()
        assert server.connections == 1 and len(server.requests) == 1 and not server.requests[0].complete
        assert 0 < len(pulled) < 200
    finally:
        server.close()


@pytest.mark.parametrize("kind", ["file", "iterator"])
def test_a_stale_connection_resend_needs_a_body_that_rewinds(kind: str, server: Server) -> None:
    with SyncTransport(max_connections=1) as transport:
        reused = transport.send(Request("POST", server.url + "/echo"), LIMITS).headers["x-client-port"]
        body = io.BytesIO(b"payload") if kind == "file" else iter([b"payload"])
        request = Request("POST", server.url + "/drop", {"Idempotency-Key": "k"}, body)
        with pytest.raises(ReadError):  # /drop closes every connection without an answer
            transport.send(request, LIMITS)
    fresh = server.client_ports - {int(reused)}
    assert len(fresh) == (1 if kind == "file" else 0)  # the file was rewound and sent once more


def test_an_unsent_stream_may_still_be_sent() -> None:
    request = Request("PUT", "http://h/x", body=iter([b"a"]))
    assert request.body_length is None and request.rewind()  # nothing of it was taken yet
    assert list(request.iter_body()) == [b"a"] and not request.rewind()


def test_declared_length_must_match_the_stream(transport: SyncTransport, raw_server: RawServer) -> None:
    request = Request("PUT", raw_server.url + "/cl/1", {"Content-Length": "10"}, iter([b"12345"]))
    with pytest.raises(ValueError, match="held 5 bytes, its Content-Length says 10"):
        transport.send(request, Timeout(2, 2))
    with pytest.raises(ValueError, match="says 3 bytes, the body has 5"):
        transport.send(Request("PUT", raw_server.url + "/cl/1", {"Content-Length": "3"}, b"12345"), LIMITS)


def test_bad_bodies_are_refused() -> None:
    for wrong, name in ((5, "int"), ("text", "str")):
        with pytest.raises(TypeError, match=f"not {name}"):
            Request("PUT", "http://h/x", body=wrong)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must yield bytes, not str"):
        list(Request("PUT", "http://h/x", body=["text"]).iter_body())  # type: ignore[list-item]


def test_request_repr_shows_only_the_body_size() -> None:
    assert "body=<stream>" in repr(Request("PUT", "http://h/x", body=iter([b"secret"])))
    assert "body=<6 bytes>" in repr(Request("PUT", "http://h/x", body=io.BytesIO(b"secret")))


# -- the pool timeout --------------------------------------------------------------------


def test_pool_timeout_when_every_connection_is_busy(raw_server: RawServer) -> None:
    with SyncTransport(max_connections=1) as transport:
        held = transport.stream(Request("GET", f"{raw_server.url}/cl/{len(PATTERN)}"), LIMITS)
        started = time.monotonic()
        with pytest.raises(PoolTimeout, match=r"no free connection within the pool timeout \(0.1 s\)") as caught:
            transport.send(Request("GET", f"{raw_server.url}/cl/1"), Timeout(2, 2, pool=0.1))
        assert 0.1 <= time.monotonic() - started < 1.5
        assert isinstance(caught.value, TransportTimeout)
        held.close()  # frees the slot
        assert transport.send(Request("GET", f"{raw_server.url}/cl/1"), Timeout(2, 2, pool=0.1)).status == 200


def test_async_pool_timeout(raw_server: RawServer) -> None:
    async def main() -> None:
        async with AsyncTransport(max_connections=1) as transport:
            held = await transport.stream(Request("GET", f"{raw_server.url}/cl/{len(PATTERN)}"), LIMITS)
            with pytest.raises(PoolTimeout):
                await transport.send(Request("GET", f"{raw_server.url}/cl/1"), Timeout(2, 2, pool=0.1))
            await held.close()
            assert (await transport.send(Request("GET", f"{raw_server.url}/cl/1"), Timeout(2, 2, pool=0.1))).status == 200

    asyncio.run(main())


@pytest.mark.parametrize("body", ["bytes", "stream"])
def test_write_timeout_when_the_server_stops_reading(body: str) -> None:
    with socket.socket() as listener:  # connections complete in the backlog, nothing is read
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/up"
        payload = PATTERN * 64  # 64 MB: far beyond the socket buffers
        content = payload if body == "bytes" else (payload[i:i + MIB] for i in range(0, len(payload), MIB))
        with SyncTransport() as transport:
            started = time.monotonic()
            with pytest.raises(WriteTimeoutError, match=r"write timeout \(0.2 s\)"):
                transport.send(Request("PUT", url, body=content), Timeout(2, 5, write=0.2))
            assert time.monotonic() - started < 4


def test_async_write_timeout_when_the_server_stops_reading() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/up"

        async def main() -> None:
            async with AsyncTransport() as transport:
                body = (PATTERN for _ in range(64))
                with pytest.raises(WriteTimeoutError, match=r"write timeout \(0.2 s\)"):
                    await transport.send(Request("PUT", url, body=body), Timeout(2, 5, write=0.2))
                task = asyncio.current_task()
                assert not getattr(task, "cancelling", lambda: 0)()  # our cancel() was undone (3.11+)

        started = time.monotonic()
        asyncio.run(main())
        assert time.monotonic() - started < 4


def test_timeout_defaults() -> None:
    assert Timeout(1, 2) == Timeout(1, 2, write=2, pool=1)  # write follows read, pool connect
    assert Timeout(1, 2, write=None, pool=None).write is None
    assert Timeout.of(3) == Timeout(3, 3, 3, 3)


# -- Expect: 100-continue ----------------------------------------------------------------


def refuse(request: RawRequest) -> bytes:
    return b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\n\r\ntoo big!"


def big_body() -> Iterator[bytes]:
    yield PATTERN


@pytest.mark.parametrize("opt_in", ["header", "threshold"])
def test_a_refused_upload_is_not_sent(opt_in: str) -> None:
    server = RawServer(echo, on_expect=refuse)
    headers = {"Expect": "100-continue"} if opt_in == "header" else {}
    try:
        with SyncTransport(expect_continue_threshold=1 << 20 if opt_in == "threshold" else None) as transport:
            request = Request("PUT", server.url + "/obj", headers, big_body())
            response = transport.send(request, LIMITS)
            assert (response.status, response.body) == (413, b"too big!")
            assert request.rewind()  # nothing of the body was taken
            small = transport.send(Request("PUT", server.url + "/small", body=b"tiny"), LIMITS)
        assert small.body == b"tiny"
        refused = server.requests[0].raw
        assert b"\r\nExpect: 100-continue\r\n" in refused
        assert refused.endswith(b"Transfer-Encoding: chunked\r\n\r\n")  # the head, no body byte
        assert [r.connection for r in server.requests] == [0, 1]  # the refused one was not reused
        assert "expect" not in server.requests[1].headers  # below the threshold
    finally:
        server.close()


def test_the_body_follows_100_continue() -> None:
    server = RawServer(echo, on_expect=lambda request: None)  # None: answer 100 Continue
    try:
        with SyncTransport() as transport:
            request = Request("PUT", server.url + "/obj", {"Expect": "100-continue"}, io.BytesIO(PATTERN))
            assert transport.send(request, LIMITS).body == PATTERN
    finally:
        server.close()


def test_a_server_that_ignores_expect_gets_the_body_after_a_short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_sync, "CONTINUE_WAIT", 0.05)
    server = RawServer(echo, on_expect=lambda request: b"")  # sends no 100, reads the body
    try:
        with SyncTransport() as transport:
            request = Request("PUT", server.url + "/obj", {"Expect": "100-continue"}, io.BytesIO(b"body"))
            assert transport.send(request, LIMITS).body == b"body"
    finally:
        server.close()


def test_async_expect_continue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_sync, "CONTINUE_WAIT", 0.05)
    refusing = RawServer(echo, on_expect=refuse)
    accepting = RawServer(echo, on_expect=lambda request: None)
    ignoring = RawServer(echo, on_expect=lambda request: b"")

    async def main() -> None:
        async with AsyncTransport() as transport:
            for server, expected in ((refusing, (413, b"too big!")), (accepting, (200, PATTERN)),
                                     (ignoring, (200, PATTERN))):
                request = Request("PUT", server.url + "/obj", {"Expect": "100-continue"}, io.BytesIO(PATTERN))
                response = await transport.send(request, LIMITS)
                assert (response.status, response.body) == expected

    try:
        asyncio.run(main())
        assert not refusing.requests[0].complete and refusing.requests[0].raw.endswith(b"\r\n\r\n")
    finally:
        for server in (refusing, accepting, ignoring):
            server.close()


# -- TLS contexts: lazy and shared ---------------------------------------------------------


def test_tls_context_is_built_on_first_https_use_and_shared(
    server: Server, tls_server: Server, ca_bundle: str
) -> None:
    http_config._shared_context.cache_clear()
    config = TLSConfig(ca_bundle=ca_bundle)
    with SyncTransport(tls=config) as first, SyncTransport(tls=TLSConfig(ca_bundle=ca_bundle)) as second:
        first.send(Request("POST", server.url + "/echo"), LIMITS)
        assert http_config._shared_context.cache_info().currsize == 0  # http:// builds none
        first.send(Request("POST", tls_server.url + "/echo"), LIMITS)
        second.send(Request("POST", tls_server.url + "/echo"), LIMITS)
        assert first._ssl_context is second._ssl_context is config.shared_ssl_context()
    assert http_config._shared_context.cache_info().currsize == 1


async def _collect(chunks: AsyncIterator[bytes]) -> List[bytes]:
    return [chunk async for chunk in chunks]


def test_async_body_reads_files_like_the_sync_one() -> None:
    pieces = asyncio.run(_collect(Request("PUT", "http://h/x", body=io.BytesIO(PATTERN)).aiter_body(300000)))
    assert pieces == list(Request("PUT", "http://h/x", body=io.BytesIO(PATTERN)).iter_body(300000))
    assert [len(p) for p in pieces] == [300000, 300000, 300000, 104000]
