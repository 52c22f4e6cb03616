"""The Tablestore listener's lean HTTP front (``leanhttp.py``), over raw sockets: what it serves,
what it hands over to aiohttp (from the request's first byte, mid-connection too), pipelining,
split packets, Connection: close, idle connections, and answers equal to aiohttp's own."""
from __future__ import annotations

import socket
import ssl
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Tuple
from urllib.parse import urlsplit

import pytest
import trustme
from aiohttp import web

from alicloud_storage.credentials import Credentials
from alicloud_storage.emulator import Emulator, leanhttp
from alicloud_storage.tablestore import auth
from alicloud_storage.tablestore.wire import pb

Response = Tuple[int, Dict[str, str], bytes]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(memory=True) as emulator:
        yield emulator


def connect(emu: Emulator) -> socket.socket:
    url = urlsplit(emu.tablestore_endpoint)
    return socket.create_connection((url.hostname, url.port), timeout=10)


def ots_request(emu: Emulator, api: str = "ListTable", body: bytes = b"", extra: str = "",
                chunked: bool = False) -> bytes:
    """A signed Tablestore request's bytes (``extra``: header lines to add)."""
    body = body or pb.ListTableRequest().SerializeToString()
    headers = auth.RequestSigner().sign("/" + api, body, Credentials(emu.access_key_id, emu.access_key_secret),
                                        emu.instance, datetime.now(timezone.utc))
    lines = [f"POST /{api} HTTP/1.1", "Host: emulator"] + [f"{k}: {v}" for k, v in headers.items()]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        payload = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if body else b"0\r\n\r\n"
    else:
        lines.append(f"Content-Length: {len(body)}")
        payload = body
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode() + payload


def admin_health() -> bytes:
    return b"GET /_emulator/health HTTP/1.1\r\nHost: emulator\r\n\r\n"


def read_response(sock: socket.socket, buffered: List[bytes]) -> Response:
    """One response off the socket (``buffered``: bytes read past the previous one)."""
    data = buffered.pop() if buffered else b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed mid-head: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed mid-body"
        rest += chunk
    buffered.append(rest[length:])
    return int(lines[0].split()[1]), headers, rest[:length]


def ots_code(body: bytes) -> str:
    return pb.Error.FromString(body).code


def test_pipelined_requests_are_answered_in_order_on_one_connection(emu: Emulator) -> None:
    with connect(emu) as sock:
        sock.sendall(ots_request(emu) + ots_request(emu, "DescribeTable", pb.DescribeTableRequest(
            table_name="missing").SerializeToString()) + ots_request(emu))
        buffered: List[bytes] = []
        first, second, third = (read_response(sock, buffered) for _ in range(3))
    assert first[0] == third[0] == 200 and "aiohttp" not in first[1].get("server", "")
    assert (second[0], ots_code(second[2])) == (404, "OTSObjectNotExist")
    assert first[1]["x-ots-requestid"] != third[1]["x-ots-requestid"]


def test_an_admin_request_after_tablestore_ones_is_handed_to_aiohttp_mid_connection(emu: Emulator) -> None:
    with connect(emu) as sock:
        buffered: List[bytes] = []
        sock.sendall(ots_request(emu))
        assert read_response(sock, buffered)[0] == 200
        sock.sendall(ots_request(emu) + admin_health() + ots_request(emu))  # pipelined across the hand-over
        statuses = [read_response(sock, buffered) for _ in range(3)]
    assert [status for status, _, _ in statuses] == [200, 403, 200]  # (the admin API wants a signature)
    assert "aiohttp" in statuses[1][1]["server"] and "aiohttp" in statuses[2][1]["server"]


def test_a_head_and_a_body_split_across_packets_are_put_together(emu: Emulator) -> None:
    request = ots_request(emu)
    head_end = request.index(b"\r\n\r\n")
    with connect(emu) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for piece in (request[:10], request[10:head_end + 2], request[head_end + 2:head_end + 5],
                      request[head_end + 5:]):
            sock.sendall(piece)
        assert read_response(sock, [])[0] == 200


def test_connection_close_is_answered_then_closed(emu: Emulator) -> None:
    with connect(emu) as sock:
        sock.sendall(ots_request(emu, extra="Connection: close\r\n"))
        buffered: List[bytes] = []
        status, headers, _ = read_response(sock, buffered)
        assert (status, headers["connection"]) == (200, "close")
        assert buffered == [b""] and sock.recv(100) == b""


@pytest.mark.parametrize("variant", ["chunked", "expect", "http10", "percent", "dots", "get"])
def test_what_the_front_does_not_serve_aiohttp_answers_as_before(emu: Emulator, variant: str) -> None:
    """The same signed request, in a shape the front hands over: the same answer as the lean one
    (status, code, body), from aiohttp."""
    lean_request = ots_request(emu, "DescribeTable", pb.DescribeTableRequest(table_name="missing").SerializeToString())
    other = {
        "chunked": ots_request(emu, "DescribeTable", pb.DescribeTableRequest(table_name="missing").SerializeToString(),
                               chunked=True),
        "expect": ots_request(emu, "DescribeTable", pb.DescribeTableRequest(table_name="missing").SerializeToString(),
                              extra="Expect: 100-continue\r\n"),
        "http10": lean_request.replace(b" HTTP/1.1\r\n", b" HTTP/1.0\r\n", 1),
        "percent": lean_request.replace(b"POST /DescribeTable ", b"POST /Describe%54able ", 1),
        "dots": lean_request.replace(b"POST /DescribeTable ", b"POST /x/../DescribeTable ", 1),
        "get": lean_request.replace(b"POST ", b"GET ", 1),
    }[variant]
    with connect(emu) as sock:
        sock.sendall(lean_request)
        lean = read_response(sock, [])
    with connect(emu) as sock:
        sock.sendall(other)
        buffered: List[bytes] = []
        handed = read_response(sock, buffered)
        if handed[0] == 100:
            handed = read_response(sock, buffered)
    assert "aiohttp" in handed[1]["server"] and "server" not in lean[1]
    if variant == "get":  # (the endpoint's own refusal of another method)
        assert (handed[0], ots_code(handed[2])) == (405, "OTSMethodNotAllowed")
        return
    assert (handed[0], handed[2]) == (lean[0], lean[2]) == (404, lean[2])
    for header in ("x-ots-contentmd5", "x-ots-contenttype", "content-type"):
        assert handed[1][header] == lean[1][header]


def test_a_malformed_head_gets_aiohttps_400(emu: Emulator) -> None:
    with connect(emu) as sock:
        sock.sendall(b"POST /ListTable HTTP/1.1\r\nBad Header Name: x\r\nContent-Length: 0\r\n\r\n")
        status, headers, _ = read_response(sock, [])
    assert status == 400 and "aiohttp" in headers["server"]


def test_a_body_over_the_limit_is_refused_as_before(emu: Emulator) -> None:
    request = ots_request(emu).replace(b"Content-Length: ", b"Content-Length: 9999999", 1)
    with connect(emu) as sock:
        sock.sendall(request.split(b"\r\n\r\n")[0] + b"\r\n\r\n")
        status, headers, body = read_response(sock, [])
    assert (status, ots_code(body)) == (413, "OTSRequestBodyTooLarge")


def test_many_pipelined_requests_unread_are_all_answered(emu: Emulator) -> None:
    """The front stops reading while a megabyte waits behind the request in flight."""
    request = ots_request(emu)
    count = (2 << 20) // len(request)
    with connect(emu) as sock:
        sock.sendall(request * count)
        buffered: List[bytes] = []
        assert all(read_response(sock, buffered)[0] == 200 for _ in range(count))


def test_an_idle_connection_is_closed(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(leanhttp, "_KEEPALIVE_SECONDS", 0.05)
    with connect(emu) as sock:
        sock.sendall(ots_request(emu))
        buffered: List[bytes] = []
        assert read_response(sock, buffered)[0] == 200
        assert buffered == [b""] and sock.recv(100) == b""  # (blocks until the front closes it)


def test_a_response_header_with_a_line_break_is_never_written() -> None:
    response = web.Response(body=b"x", headers={"x-ots-requestid": "a\r\nInjected: yes"})
    with pytest.raises(ValueError):
        leanhttp._response_bytes(response, False)
    head, body = leanhttp._response_bytes(web.Response(body=b"x", headers={"x-ots-requestid": "a"}), True)
    assert head.startswith(b"HTTP/1.1 200 OK\r\nx-ots-requestid: a\r\n") and head.endswith(b"Connection: close\r\n\r\n")
    assert body == b"x"


def test_stopping_answers_the_request_in_flight_then_closes() -> None:
    """A request waiting inside the pipeline (an injected delay) when the emulator stops is
    answered (the delay is cut short), and its connection is closed."""
    emulator = Emulator(memory=True).start()
    try:
        emulator.inject_fault("ListTable", None, delay=30)
        sock = connect(emulator)
        sock.sendall(ots_request(emulator) + ots_request(emulator))  # the second is never begun
        front = emulator._lean_fronts[0]
        deadline = time.monotonic() + 10
        while not any(connection._serving for connection in front.connections):
            assert time.monotonic() < deadline, "the request never reached the pipeline"
            time.sleep(0.005)
        started = time.monotonic()
    finally:
        emulator.stop()
    assert time.monotonic() - started < 5
    with sock:
        buffered: List[bytes] = []
        assert read_response(sock, buffered)[0] == 200
        assert buffered == [b""] and sock.recv(100) == b""


def test_over_tls_a_connection_is_served_then_handed_over(tmp_path: Path) -> None:
    """The front under TLS: Tablestore requests served, then an admin one handed to aiohttp
    on the same TLS connection, then Tablestore again (by aiohttp)."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    context = ssl.create_default_context()
    ca.configure_trust(context)
    with Emulator(memory=True, tls_cert=cert_file, tls_key=key_file) as emulator:
        with context.wrap_socket(connect(emulator), server_hostname="127.0.0.1") as sock:
            buffered: List[bytes] = []
            sock.sendall(ots_request(emulator))
            first = read_response(sock, buffered)
            sock.sendall(admin_health() + ots_request(emulator))
            second, third = read_response(sock, buffered), read_response(sock, buffered)
    assert (first[0], second[0], third[0]) == (200, 403, 200)
    assert "server" not in first[1] and "aiohttp" in second[1]["server"] and "aiohttp" in third[1]["server"]
