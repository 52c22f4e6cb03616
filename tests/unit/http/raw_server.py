"""A loopback raw-socket HTTP/1.1 server for the transport tests: it records each
request's exact bytes (head and body framing as received) and answers as the test says.

It parses requests by hand (not with the library's parser), so it is a second opinion.
"""
from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional


@dataclass
class RawRequest:
    """One request as received: its exact bytes and what they say."""

    connection: int  # which accepted connection carried it (0, 1, ...)
    method: str
    target: str
    headers: Dict[str, str]  # lowercase names
    raw: bytes  # head + body exactly as received (chunk framing included)
    body: bytes  # decoded body
    complete: bool  # the body arrived whole


# Decides how to answer: ``(request, conn)`` -> response bytes, or None to close silently.
Answer = Callable[[RawRequest, socket.socket], Optional[bytes]]
# Called after the head when the request expects 100-continue: bytes to send (a final
# response: the body is then not read), None (send 100 Continue, then read the body) or
# b"" (ignore the expectation: send nothing, read the body).
OnExpect = Callable[[RawRequest], Optional[bytes]]


def echo(request: RawRequest, conn: socket.socket) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(request.body), request.body)


class _Reader:
    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.buf = b""
        self.raw = bytearray()

    def _more(self) -> bool:
        data = self.conn.recv(65536)
        self.buf += data
        return bool(data)

    def until(self, marker: bytes) -> Optional[bytes]:
        while marker not in self.buf:
            if not self._more():
                return None
        data, _, self.buf = self.buf.partition(marker)
        self.raw += data + marker
        return data

    def exactly(self, size: int) -> Optional[bytes]:
        while len(self.buf) < size:
            if not self._more():
                return None
        data, self.buf = self.buf[:size], self.buf[size:]
        self.raw += data
        return data


class RawServer:
    """Serves on 127.0.0.1 (keep-alive, one thread a connection) until ``close()``."""

    def __init__(self, answer: Answer = echo, on_expect: Optional[OnExpect] = None,
                 body_limit: Optional[int] = None) -> None:
        self.answer = answer
        self.on_expect = on_expect
        self.body_limit = body_limit  # stop reading a body after this many bytes, then drop
        self.requests: List[RawRequest] = []
        self.connections = 0
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._threads: List[threading.Thread] = []
        self._open: List[socket.socket] = []
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            index, self.connections = self.connections, self.connections + 1
            self._open.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn, index), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket, index: int) -> None:
        conn.settimeout(10)
        reader = _Reader(conn)
        try:
            while self._serve_one(conn, index, reader):
                pass
        except OSError:
            pass
        finally:
            conn.close()

    def _serve_one(self, conn: socket.socket, index: int, reader: _Reader) -> bool:
        reader.raw = bytearray()
        head = reader.until(b"\r\n\r\n")
        if head is None:
            return False
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        request = RawRequest(index, method, target, headers, b"", b"", False)
        if headers.get("expect", "").lower() == "100-continue":
            final = self.on_expect(request) if self.on_expect else None
            if final:
                request.raw = bytes(reader.raw)
                self.requests.append(request)
                conn.sendall(final)
                return False
            if final is None:
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = self._read_body(reader, headers)
        request.raw, request.body, request.complete = bytes(reader.raw), body or b"", body is not None
        self.requests.append(request)
        if body is None:
            return False
        response = self.answer(request, conn)
        if response is None:
            return False
        conn.sendall(response)
        return True

    def _read_body(self, reader: _Reader, headers: Dict[str, str]) -> Optional[bytes]:
        """The decoded body, None if the client stopped early (or body_limit cut it)."""
        limit = self.body_limit
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            total = 0
            while True:
                size_line = reader.until(b"\r\n")
                if size_line is None:
                    return None
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    return b"".join(parts) if reader.until(b"\r\n") is not None else None
                data = reader.exactly(size + 2)
                if data is None:
                    return None
                parts.append(data[:-2])
                total += size
                if limit is not None and total >= limit:
                    return None
        length = int(headers.get("content-length", "0"))
        if limit is not None and length > limit:
            reader.exactly(limit)
            return None
        return reader.exactly(length)

    def close(self) -> None:
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (Linux)
        except OSError:
            pass
        self._listener.close()
        for conn in self._open:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self._threads:
            thread.join(5)
