"""One HTTP/1.1 keep-alive connection on a socket: connect (TCP, TLS), send a request in
one write, read one response framed by Content-Length, chunked encoding or close.

The read timeout is the socket's timeout (it bounds each send and recv). Measured against
kernel-side SO_RCVTIMEO on a blocking socket, the poll() it adds costs ~3 µs a request.
"""
from __future__ import annotations

import select
import socket
import ssl
from typing import Dict, List, Optional, Tuple

from alicloud_storage.http import errors
from alicloud_storage.http.models import response_headers

__all__ = ["Connection", "StaleConnection"]

_RECV_SIZE = 65536
_MAX_HEAD = 65536
# A send or recv whose timeout expired (socket.timeout is TimeoutError only from 3.10 on);
# the others are raised when the timeout is 0 (non-blocking).
_TIMEOUTS = (socket.timeout, BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError)
_UNSET = object()

Head = Tuple[int, str, Dict[str, str]]


class StaleConnection(Exception):
    """The connection failed or was closed before any byte of the response arrived."""


class Connection:
    """A connected socket that carries one request/response exchange at a time."""

    __slots__ = ("sock", "_timeout")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._timeout: object = _UNSET

    @classmethod
    def open(
        cls, host: str, port: int, context: Optional[ssl.SSLContext], connect_timeout: Optional[float]
    ) -> "Connection":
        """Connect (and for ``context``, handshake and verify ``host``) within ``connect_timeout``."""
        try:
            sock = socket.create_connection((host, port), timeout=connect_timeout)
        except socket.timeout as exc:
            raise errors.ConnectTimeoutError(f"connect to {host}:{port} timed out") from exc
        except OSError as exc:
            raise errors.ConnectError(f"connection to {host}:{port} failed: {exc}") from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if context is not None:
                sock = context.wrap_socket(sock, server_hostname=host)
        except socket.timeout as exc:
            sock.close()
            raise errors.ConnectTimeoutError(f"TLS handshake with {host}:{port} timed out") from exc
        except ssl.SSLError as exc:
            sock.close()
            raise errors.TLSError(f"TLS failure with {host}:{port}: {exc}") from exc
        except OSError as exc:
            sock.close()
            raise errors.ConnectError(f"connection to {host}:{port} failed: {exc}") from exc
        return cls(sock)

    def exchange(self, payload: bytes, read_timeout: Optional[float], head_only: bool) -> Tuple[Head, bytes, bool]:
        """Send ``payload`` (a whole request) and read the response: its head, its body and
        whether the connection may carry another request.

        Raises StaleConnection if nothing of the response arrived, ReadTimeoutError or ReadError.
        """
        sock = self.sock
        try:
            if read_timeout != self._timeout:
                sock.settimeout(read_timeout)
                self._timeout = read_timeout
            sock.sendall(payload)
            data = sock.recv(_RECV_SIZE)
        except _TIMEOUTS as exc:
            raise errors.ReadTimeoutError(f"read timeout ({read_timeout} s)") from exc
        except OSError as exc:
            raise StaleConnection(str(exc)) from exc
        if not data:
            raise StaleConnection("the server closed the connection")
        try:
            return self._read_response(data, head_only)
        except _TIMEOUTS as exc:
            raise errors.ReadTimeoutError(f"read timeout ({read_timeout} s)") from exc
        except OSError as exc:
            raise errors.ReadError(f"connection broken: {exc}") from exc

    def peer_closed(self) -> bool:
        """True if the idle connection is readable: the server closed it (or sent bytes no
        request asked for). One non-blocking poll, about a microsecond."""
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def close(self) -> None:
        """Close the socket (errors ignored: the connection is being dropped anyway)."""
        try:
            self.sock.close()
        except OSError:
            pass

    def _recv(self) -> bytes:
        data = self.sock.recv(_RECV_SIZE)
        if not data:
            raise errors.ReadError("the server closed the connection mid-response")
        return data

    def _read_response(self, data: bytes, head_only: bool) -> Tuple[Head, bytes, bool]:
        while True:  # skip interim 1xx responses
            end = data.find(b"\r\n\r\n")
            while end < 0:
                if len(data) > _MAX_HEAD:
                    raise errors.ReadError("response head too large")
                data += self._recv()
                end = data.find(b"\r\n\r\n")
            version, status, reason, headers = _parse_head(data[:end].decode("latin-1"))
            data = data[end + 4:]
            if not 100 <= status < 200 or status == 101:
                break
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
        if head_only or status in (101, 204, 304):
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body, data = self._read_chunked(data)
        elif "content-length" in headers:
            body, data = self._take(data, _content_length(headers["content-length"]))
        else:  # delimited by the server closing the connection
            body, data, keep_alive = self._read_to_close(data), b"", False
        # Requests are never pipelined: bytes past the response mean the framing is off.
        return (status, reason, headers), body, keep_alive and not data

    def _take(self, data: bytes, size: int) -> Tuple[bytes, bytes]:
        """The next ``size`` bytes (``data`` first, then the socket) and what ``data`` held past them."""
        have = len(data)
        if have >= size:
            return data[:size], data[size:]
        buffer = bytearray(size)
        buffer[:have] = data
        view = memoryview(buffer)
        while have < size:
            count = self.sock.recv_into(view[have:])
            if not count:
                raise errors.ReadError("the server closed the connection mid-response")
            have += count
        return bytes(buffer), b""

    def _line(self, data: bytes) -> Tuple[bytes, bytes]:
        """The next CRLF-terminated line (without CRLF) and the rest."""
        end = data.find(b"\r\n")
        while end < 0:
            if len(data) > _MAX_HEAD:
                raise errors.ReadError("chunked encoding line too long")
            data += self._recv()
            end = data.find(b"\r\n")
        return data[:end], data[end + 2:]

    def _read_chunked(self, data: bytes) -> Tuple[bytes, bytes]:
        parts: List[bytes] = []
        while True:
            line, data = self._line(data)
            try:
                size = int(line.split(b";", 1)[0], 16)
            except ValueError:
                raise errors.ReadError("malformed chunk size") from None
            if size == 0:
                break
            chunk, data = self._take(data, size + 2)
            parts.append(chunk[:-2])
        while True:  # trailer fields, up to an empty line
            line, data = self._line(data)
            if not line:
                return b"".join(parts), data

    def _read_to_close(self, data: bytes) -> bytes:
        parts = [data]
        while True:
            more = self.sock.recv(_RECV_SIZE)
            if not more:
                return b"".join(parts)
            parts.append(more)


def _parse_head(head: str) -> Tuple[str, int, str, Dict[str, str]]:
    """Version, status, reason and headers (lowercase names) of a response head."""
    status_line, _, block = head.partition("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not (parts[1].isascii() and parts[1].isdigit()):
        raise errors.ReadError("malformed status line")
    pairs: List[Tuple[str, str]] = []
    for line in block.split("\r\n") if block else ():
        if line[:1] in (" ", "\t") and pairs:  # obsolete line folding
            pairs[-1] = (pairs[-1][0], f"{pairs[-1][1]} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise errors.ReadError("malformed header line")
        pairs.append((name.strip(), value.strip()))
    return parts[0], int(parts[1]), parts[2] if len(parts) == 3 else "", response_headers(pairs)


def _content_length(value: str) -> int:
    try:
        length = int(value.split(",", 1)[0])  # a repeated header arrives joined: "5, 5"
    except ValueError:
        raise errors.ReadError("malformed Content-Length") from None
    if length < 0:
        raise errors.ReadError("malformed Content-Length")
    return length
