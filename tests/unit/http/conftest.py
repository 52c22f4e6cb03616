"""Real loopback servers for the transport tests: plain HTTP, HTTPS (trustme CA),
HTTPS limited to TLS 1.2, a closed port and a listener whose backlog is full."""
from __future__ import annotations

import socket
import ssl
import threading
from typing import Iterator, List, Optional

import pytest
import trustme
from http_servers import Server


def _serve(server: Server) -> Iterator[Server]:
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
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
