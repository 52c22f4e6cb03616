"""A threaded loopback HTTP(S) server for the transport tests."""
from __future__ import annotations

import json
import ssl
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional, Set


class Handler(BaseHTTPRequestHandler):
    """``/echo`` echoes the request; ``/sleep/<s>`` answers after s seconds; ``/drop``
    closes the connection without answering; ``/close-after`` answers as if keeping the
    connection alive, then closes it; ``/chunked`` answers the body in chunks (with a
    trailer); ``/until-close`` answers without Content-Length and closes."""

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
        if self.path in ("/chunked", "/until-close"):
            self._answer_unsized(body)
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
        if self.path == "/close-after":
            self.close_connection = True  # no "Connection: close" header: the client cannot know

    def _answer_unsized(self, body: bytes) -> None:
        self.send_response(200)
        if self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 7):
                piece = body[start:start + 7]
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")
        else:
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

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

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        pass  # clients that gave up (timeouts) break the pipe; the client side is under test

    def finish_request(self, request, client_address):  # type: ignore[no-untyped-def]
        if self.context is not None:
            try:
                request.settimeout(5)
                request.do_handshake()
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)
