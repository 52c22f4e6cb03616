"""SyncTransport against real loopback servers."""
from __future__ import annotations

import json
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest

from alicloud_storage.http import (
    ConnectError,
    ConnectTimeoutError,
    ReadError,
    ReadTimeoutError,
    Request,
    SyncTransport,
    Timeout,
    TLSConfig,
    TLSError,
    TransportError,
)

from http_servers import Server


@pytest.fixture
def transport() -> Iterator[SyncTransport]:
    with SyncTransport(max_connections=2) as transport:
        yield transport


def test_send_round_trip(transport: SyncTransport, server: Server) -> None:
    body = bytes(range(256)) * 10
    request = Request("POST", server.url + "/echo?b=2&a=1", {"X-Ots-Date": "d", "x-custom": "v"}, body)
    response = transport.send(request, Timeout(2, 2))
    assert (response.status, response.reason, response.body) == (201, "Made", body)
    assert response.headers["set-cookie"] == "a=1, b=2"
    assert all(name == name.lower() for name in response.headers)
    seen = json.loads(response.headers["x-seen"])
    assert seen["method"] == "POST" and seen["path"] == "/echo?b=2&a=1"
    assert seen["headers"]["X-Ots-Date"] == "d" and seen["headers"]["x-custom"] == "v"
    assert seen["headers"]["Host"] == server.url.split("://")[1]
    assert seen["headers"]["Content-Length"] == str(len(body))
    assert seen["headers"]["User-Agent"].startswith("alicloud-storage/")


def test_keep_alive_reuses_one_connection(transport: SyncTransport, server: Server) -> None:
    ports = {transport.send(Request("POST", server.url + "/echo"), Timeout(2, 2)).headers["x-client-port"]
             for _ in range(5)}
    assert len(ports) == 1


def test_pool_never_opens_more_than_max_connections(transport: SyncTransport, server: Server) -> None:
    request = Request("POST", server.url + "/sleep/0.05")
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: transport.send(request, Timeout(2, 5)).status, range(16)))
    assert statuses == [201] * 16
    assert len(server.client_ports) == 2


def test_close_then_send_opens_a_new_connection(transport: SyncTransport, server: Server) -> None:
    first = transport.send(Request("GET", server.url + "/echo"), Timeout(2, 2)).headers["x-client-port"]
    transport.close()
    second = transport.send(Request("GET", server.url + "/echo"), Timeout(2, 2)).headers["x-client-port"]
    assert first != second


def test_connection_refused_is_connect_error(transport: SyncTransport, closed_port_url: str) -> None:
    with pytest.raises(ConnectError) as caught:
        transport.send(Request("POST", closed_port_url + "/x"), Timeout(1, 1))
    assert not isinstance(caught.value, TLSError)


def test_connect_timeout(transport: SyncTransport, full_backlog_url: str) -> None:
    with pytest.raises(ConnectTimeoutError):
        transport.send(Request("POST", full_backlog_url + "/x"), Timeout(0.2, 5))


def test_read_timeout(transport: SyncTransport, server: Server) -> None:
    with pytest.raises(ReadTimeoutError):
        transport.send(Request("POST", server.url + "/sleep/1"), Timeout(1, 0.2))


def test_dropped_connection_is_read_error(transport: SyncTransport, server: Server) -> None:
    with pytest.raises(ReadError):
        transport.send(Request("POST", server.url + "/drop"), Timeout(1, 1))


def test_https_with_ca_bundle(tls_server: Server, ca_bundle: str) -> None:
    with SyncTransport(tls=TLSConfig(ca_bundle=ca_bundle)) as transport:
        response = transport.send(Request("POST", tls_server.url + "/echo", body=b"hi"), Timeout(2, 2))
    assert response.body == b"hi"


def test_https_unknown_ca_is_tls_error(tls_server: Server) -> None:
    with SyncTransport() as transport:  # certifi's bundle does not hold the test CA
        with pytest.raises(TLSError):
            transport.send(Request("POST", tls_server.url + "/echo"), Timeout(2, 2))


def test_https_without_verification(tls_server: Server) -> None:
    with SyncTransport(tls=TLSConfig(verify=False)) as transport:
        assert transport.send(Request("POST", tls_server.url + "/echo"), Timeout(2, 2)).status == 201


def test_minimum_tls_version_is_honoured(tls12_server: Server, ca_bundle: str) -> None:
    ok = TLSConfig(ca_bundle=ca_bundle, min_version=ssl.PROTOCOL_TLSv1_2)
    with SyncTransport(tls=ok) as transport:
        assert transport.send(Request("POST", tls12_server.url + "/echo"), Timeout(2, 2)).status == 201
    strict = TLSConfig(ca_bundle=ca_bundle, min_version=ssl.TLSVersion.TLSv1_3)
    with SyncTransport(tls=strict) as transport:
        with pytest.raises(TLSError):
            transport.send(Request("POST", tls12_server.url + "/echo"), Timeout(2, 2))


def test_bad_url_is_transport_error(transport: SyncTransport) -> None:
    with pytest.raises(TransportError):
        transport.send(Request("POST", "ftp://127.0.0.1/x"), Timeout(1, 1))


def test_https_read_timeout(tls_server: Server, ca_bundle: str) -> None:
    with SyncTransport(tls=TLSConfig(ca_bundle=ca_bundle)) as transport:
        with pytest.raises(ReadTimeoutError):
            transport.send(Request("POST", tls_server.url + "/sleep/1"), Timeout(2, 0.2))


def _port(transport: SyncTransport, url: str) -> str:
    return transport.send(Request("POST", url + "/echo"), Timeout(2, 2)).headers["x-client-port"]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_connection_closed_while_idle_is_replaced(
    scheme: str, server: Server, tls_server: Server, ca_bundle: str
) -> None:
    url = server.url if scheme == "http" else tls_server.url
    with SyncTransport(max_connections=1, tls=TLSConfig(ca_bundle=ca_bundle)) as transport:
        closed = transport.send(Request("POST", url + "/close-after"), Timeout(2, 2)).headers["x-client-port"]
        time.sleep(0.1)  # let the server's close arrive: the poll before reuse must see it
        fresh = _port(transport, url)  # a write, so it must not have been sent on the closed one
        assert fresh != closed
        assert _port(transport, url) == fresh


def test_a_write_broken_after_sending_is_not_sent_again(transport: SyncTransport, server: Server) -> None:
    reused = _port(transport, server.url)
    with pytest.raises(ReadError):
        transport.send(Request("POST", server.url + "/drop", body=b"x"), Timeout(2, 2))
    assert server.client_ports == {int(reused)}  # the server may have acted on it: the retry policy decides


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": "k1"}])
def test_a_replayable_request_is_sent_once_more_and_only_once(
    transport: SyncTransport, server: Server, headers: dict
) -> None:
    reused = _port(transport, server.url)
    method = "POST" if headers else "GET"
    with pytest.raises(ReadError):
        transport.send(Request(method, server.url + "/drop", headers=headers), Timeout(2, 2))
    assert len(server.client_ports - {int(reused)}) == 1  # the idle connection, then one fresh one


def test_threads_share_the_pool(server: Server) -> None:
    """Eight threads through three connections: requests wait for a free one (not the subject
    of a timeout here), and no more than three connections are ever opened."""
    def worker(thread: int) -> list:
        bodies = [f"{thread}-{i}".encode() for i in range(20)]
        return [transport.send(Request("POST", server.url + "/echo", body=b), Timeout(2, 5, pool=30)).body == b for b in bodies]

    with SyncTransport(max_connections=3) as transport, ThreadPoolExecutor(8) as pool:
        results = [ok for oks in pool.map(worker, range(8)) for ok in oks]
    assert results == [True] * 160
    assert 1 <= len(server.client_ports) <= 3


def test_chunked_response_keeps_the_connection(transport: SyncTransport, server: Server) -> None:
    body = bytes(range(100))
    response = transport.send(Request("POST", server.url + "/chunked", body=body), Timeout(2, 2))
    assert (response.status, response.body) == (200, body)
    _port(transport, server.url)
    assert len(server.client_ports) == 1


def test_response_delimited_by_close(transport: SyncTransport, server: Server) -> None:
    response = transport.send(Request("POST", server.url + "/until-close", body=b"to the end"), Timeout(2, 2))
    assert (response.status, response.body) == (200, b"to the end")
    _port(transport, server.url)
    assert len(server.client_ports) == 2


def test_head_response_has_no_body(transport: SyncTransport, server: Server) -> None:
    response = transport.send(Request("HEAD", server.url + "/echo"), Timeout(2, 2))
    assert (response.status, response.body) == (501, b"")  # the handler has no do_HEAD
    assert int(response.headers["content-length"]) > 0


def test_header_injection_is_refused(transport: SyncTransport, server: Server) -> None:
    with pytest.raises(ValueError):
        transport.send(Request("POST", server.url + "/echo", {"x-a": "1\r\nx-b: 2"}), Timeout(2, 2))
    with pytest.raises(TransportError):
        transport.send(Request("POST", server.url + "/echo x"), Timeout(2, 2))
