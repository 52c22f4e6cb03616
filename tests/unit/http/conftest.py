"""Real loopback servers for the transport tests: plain HTTP, HTTPS (trustme CA),
HTTPS limited to TLS 1.2, a closed port and a listener whose backlog is full."""
from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Optional, Set

import pytest
import trustme


class Handler(BaseHTTPRequestHandler):
    """``/echo`` echoes the request; ``/sleep/<s>`` answers after s seconds; ``/drop``
    closes the connection without answering."""

    protocol_version = "HTTP/1.1"
    server: "Server"

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.client_ports.add(self.client_address[1])
        if self.path == "/drop":
            self.close_connection = True
            return
        if self.path.startswith("/sleep/"):
            time.sleep(float(self.path.rsplit("/", 1)[1]))
        seen = json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers)})
        self.send_response(201, "Made")
        self.send_header("X-Seen", seen)
        self.send_header("X-Client-Port", str(self.client_address[1]))
        self.send_header("Set-Cookie", "a=1")
        self.send_header("Set-Cookie", "b=2")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer


class Server(ThreadingHTTPServer):
    daemon_threads = True
    client_ports: Set[int]

    def __init__(self, context: Optional[ssl.SSLContext] = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.client_ports = set()
        self.context = context
        self.scheme = "http" if context is None else "https"
        self.url = f"{self.scheme}://{'localhost' if context else '127.0.0.1'}:{self.server_port}"

    def get_request(self):  # type: ignore[no-untyped-def]
        sock, addr = super().get_request()
        if self.context is not None:  # handshake in the handler thread, not the accept loop
            sock = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def finish_request(self, request, client_address):  # type: ignore[no-untyped-def]
        if self.context is not None:
            try:
                request.settimeout(5)
                request.do_handshake()
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


def _serve(server: Server) -> Iterator[Server]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_bundle(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _server_context(ca: trustme.CA, max_version: Optional[ssl.TLSVersion] = None) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    if max_version is not None:
        context.maximum_version = max_version
    return context


@pytest.fixture
def server() -> Iterator[Server]:
    yield from _serve(Server())


@pytest.fixture(scope="session")
def tls_server(ca: trustme.CA) -> Iterator[Server]:
    yield from _serve(Server(_server_context(ca)))


@pytest.fixture(scope="session")
def tls12_server(ca: trustme.CA) -> Iterator[Server]:
    yield from _serve(Server(_server_context(ca, ssl.TLSVersion.TLSv1_2)))


@pytest.fixture
def closed_port_url() -> str:
    """A loopback port nobody listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def full_backlog_url() -> Iterator[str]:
    """A listener that never accepts, its queue already full: a connect hangs (Linux)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler: List[socket.socket] = [socket.create_connection(listener.getsockname())]
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    for sock in filler + [listener]:
        sock.close()
