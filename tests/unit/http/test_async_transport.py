"""AsyncTransport against real loopback servers (each test runs its own event loop)."""
from __future__ import annotations

import asyncio
import json
import ssl
from typing import Awaitable, Callable, Type, TypeVar

import pytest
from http_servers import Server

from alicloud_storage.http import (
    AsyncTransport,
    ConnectError,
    ConnectTimeoutError,
    ReadError,
    ReadTimeoutError,
    Request,
    Response,
    Timeout,
    TLSConfig,
    TLSError,
)

T = TypeVar("T")
FAST = Timeout(2, 2)


def run(scenario: Callable[[AsyncTransport], Awaitable[T]], transport: AsyncTransport) -> T:
    """Run ``scenario(transport)`` in a fresh loop and close the transport inside it."""

    async def main() -> T:
        async with transport:
            return await scenario(transport)

    return asyncio.run(main())


def send_one(url: str, timeout: Timeout = FAST, body: bytes = b"") -> Callable[[AsyncTransport], Awaitable[Response]]:
    return lambda transport: transport.send(Request("POST", url, {"x-ots-date": "d"}, body), timeout)


def expect(error: Type[Exception], url: str, transport: AsyncTransport, timeout: Timeout = FAST) -> Exception:
    with pytest.raises(error) as caught:
        run(send_one(url, timeout), transport)
    return caught.value


def test_session_is_created_lazily_inside_the_loop(server: Server) -> None:
    transport = AsyncTransport()  # built outside any running loop
    assert transport._session is None
    response = run(send_one(server.url + "/echo?x=%2F", body=b"payload"), transport)
    assert (response.status, response.reason, response.body) == (201, "Made", b"payload")
    assert response.headers["set-cookie"] == "a=1, b=2"
    seen = json.loads(response.headers["x-seen"])
    assert seen["path"] == "/echo?x=%2F"  # sent exactly as given, not re-quoted
    assert seen["headers"]["x-ots-date"] == "d"
    assert transport._session is None  # closed by the context manager


def test_keep_alive_and_connection_limit(server: Server) -> None:
    async def scenario(transport: AsyncTransport) -> None:
        ports = {(await transport.send(Request("POST", server.url + "/echo"), FAST)).headers["x-client-port"]
                 for _ in range(4)}
        assert len(ports) == 1
        slow = Request("POST", server.url + "/sleep/0.05")
        responses = await asyncio.gather(*(transport.send(slow, Timeout(2, 5)) for _ in range(12)))
        assert [r.status for r in responses] == [201] * 12

    run(scenario, AsyncTransport(max_connections=2))
    assert len(server.client_ports) == 2


def test_close_then_send_opens_a_new_session(server: Server) -> None:
    async def scenario(transport: AsyncTransport) -> None:
        first = await transport.send(Request("GET", server.url + "/echo"), FAST)
        await transport.close()
        second = await transport.send(Request("GET", server.url + "/echo"), FAST)
        assert first.headers["x-client-port"] != second.headers["x-client-port"]

    run(scenario, AsyncTransport())


def test_connection_refused_is_connect_error(closed_port_url: str) -> None:
    error = expect(ConnectError, closed_port_url + "/x", AsyncTransport())
    assert not isinstance(error, TLSError)


def test_connect_timeout(full_backlog_url: str) -> None:
    expect(ConnectTimeoutError, full_backlog_url + "/x", AsyncTransport(), Timeout(0.2, 5))


def test_read_timeout(server: Server) -> None:
    expect(ReadTimeoutError, server.url + "/sleep/1", AsyncTransport(), Timeout(1, 0.2))


def test_dropped_connection_is_read_error(server: Server) -> None:
    expect(ReadError, server.url + "/drop", AsyncTransport())


def test_https_with_ca_bundle_and_without_verification(tls_server: Server, ca_bundle: str) -> None:
    verified = run(send_one(tls_server.url + "/echo", body=b"hi"), AsyncTransport(tls=TLSConfig(ca_bundle=ca_bundle)))
    assert verified.body == b"hi"
    unverified = run(send_one(tls_server.url + "/echo"), AsyncTransport(tls=TLSConfig(verify=False)))
    assert unverified.status == 201


def test_https_unknown_ca_is_tls_error(tls_server: Server) -> None:
    expect(TLSError, tls_server.url + "/echo", AsyncTransport())


def test_minimum_tls_version_is_honoured(tls12_server: Server, ca_bundle: str) -> None:
    ok = AsyncTransport(tls=TLSConfig(ca_bundle=ca_bundle, min_version="TLSv1_2"))
    assert run(send_one(tls12_server.url + "/echo"), ok).status == 201
    strict = AsyncTransport(tls=TLSConfig(ca_bundle=ca_bundle, min_version=ssl.TLSVersion.TLSv1_3))
    expect(TLSError, tls12_server.url + "/echo", strict)
