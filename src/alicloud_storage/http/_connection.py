"""One HTTP/1.1 keep-alive connection on a socket: connect (TCP, TLS), send a request (head,
then a body as given: bytes, file or chunks), read the response through the sans-IO
parser (``http/_parser.py``), whole or as a stream.

The socket's timeout is the write timeout while sending and the read timeout while
reading (set only when it changes: equal timeouts cost no syscall a request). Measured
against kernel-side SO_RCVTIMEO on a blocking socket, the poll() it adds costs ~3 µs a
request.
"""
from __future__ import annotations

import select
import socket
import ssl
import struct
from typing import Callable, List, NoReturn, Optional, Tuple

from alicloud_storage.http import errors
from alicloud_storage.http._parser import NEED_DATA, EndOfMessage, ResponseHead, ResponseParser
from alicloud_storage.http.models import Request

__all__ = ["Connection", "SocketBody", "StaleConnection"]

_RECV_SIZE = 65536
_SMALL_CHUNK = 65536  # chunks below this are sent with their framing in one write
# A send or recv whose timeout expired (socket.timeout is TimeoutError only from 3.10 on);
# the others are raised when the timeout is 0 (non-blocking).
_TIMEOUTS = (socket.timeout, BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError)
_UNSET = object()


def _timeval(seconds: Optional[float]) -> bytes:
    """A struct timeval for SO_SNDTIMEO (None: no limit; a positive value is at least 1 µs)."""
    micros = round((seconds or 0.0) * 1e6) or (1 if seconds else 0)
    return struct.pack("ll", micros // 1000000, micros % 1000000)


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

    def _settimeout(self, timeout: Optional[float]) -> None:
        if timeout != self._timeout:
            self.sock.settimeout(timeout)
            self._timeout = timeout

    def exchange(
        self, payload: bytes, write_timeout: Optional[float], read_timeout: Optional[float], head_only: bool
    ) -> Tuple[ResponseHead, bytes, bool]:
        """Send ``payload`` (a whole request) and read the whole response: its head, its body
        and whether the connection may carry another request.

        Raises StaleConnection if nothing of the response arrived, a TransportTimeout or ReadError.
        """
        self.send_head(payload, write_timeout)
        parser = ResponseParser(head_only)
        head = self.read_head(parser, read_timeout)
        return head, self.read_body(parser), parser.reusable

    def send_head(self, data: bytes, write_timeout: Optional[float]) -> None:
        """Send the request head (with a bytes body, perhaps); StaleConnection if the socket failed."""
        self._settimeout(write_timeout)
        try:
            self.sock.sendall(data)
        except _TIMEOUTS as exc:
            raise errors.WriteTimeoutError(f"write timeout ({write_timeout} s)") from exc
        except OSError as exc:
            raise StaleConnection(str(exc)) from exc

    def send_body(self, request: Request, length: Optional[int], write_timeout: Optional[float]) -> None:
        """Send the body: ``length`` bytes as they are, or chunked (``length`` None).

        The socket blocks, its send bounded by the kernel (SO_SNDTIMEO): a timed-out
        socket polls before every partial send, which costs ~40% of loopback throughput."""
        sock = self.sock
        self._settimeout(None)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _timeval(write_timeout))
        try:
            self._send_chunks(request, length, write_timeout)
        finally:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _timeval(None))

    def _send_chunks(self, request: Request, length: Optional[int], write_timeout: Optional[float]) -> None:
        sendall = self.sock.sendall
        sent = 0
        try:
            for chunk in request.iter_body():
                size = len(chunk)
                sent += size
                if length is None:
                    if size < _SMALL_CHUNK:
                        sendall(b"%x\r\n%s\r\n" % (size, chunk))
                    else:
                        sendall(b"%x\r\n" % size)
                        sendall(chunk)
                        sendall(b"\r\n")
                elif sent > length:
                    raise ValueError(f"the body holds more than the {length} bytes its Content-Length says")
                else:
                    sendall(chunk)
            if length is None:
                sendall(b"0\r\n\r\n")
            elif sent != length:
                raise ValueError(f"the body held {sent} bytes, its Content-Length says {length}")
        except _TIMEOUTS as exc:
            raise errors.WriteTimeoutError(f"write timeout ({write_timeout} s) sending the body") from exc
        except OSError as exc:
            raise errors.ReadError(f"connection broken while sending the body: {exc}") from exc

    def await_continue(self, parser: ResponseParser, wait: float, read_timeout: Optional[float]) -> Optional[ResponseHead]:
        """After an ``Expect: 100-continue`` head: wait up to ``wait`` s for an answer.
        None: send the body (``100 Continue`` came, or nothing did); a ResponseHead: the
        server answered finally, the body must not be sent."""
        sock = self.sock
        pending = sock.pending() if isinstance(sock, ssl.SSLSocket) else 0
        if not pending and not select.select([sock], [], [], wait)[0]:
            return None
        self._settimeout(read_timeout)
        first = True
        while True:
            event = parser.next_event()
            if event is NEED_DATA:
                parser.receive_data(self._recv_first() if first else self._recv())
                first = False
            elif isinstance(event, ResponseHead):
                return event
            elif event.status == 100:  # type: ignore[union-attr]
                return None

    def read_head(self, parser: ResponseParser, read_timeout: Optional[float]) -> ResponseHead:
        """Read up to the final response head (1xx responses are skipped)."""
        self._settimeout(read_timeout)
        parser.receive_data(self._recv_first())
        try:
            while True:
                event = parser.next_event()
                if event is NEED_DATA:
                    parser.receive_data(self.sock.recv(_RECV_SIZE))
                elif isinstance(event, ResponseHead):
                    return event
        except _TIMEOUTS as exc:
            raise errors.ReadTimeoutError(f"read timeout ({read_timeout} s)") from exc
        except OSError as exc:
            raise errors.ReadError(f"connection broken: {exc}") from exc

    def _recv_first(self) -> bytes:
        """The first bytes of a response; StaleConnection if the socket failed or closed."""
        try:
            data = self.sock.recv(_RECV_SIZE)
        except _TIMEOUTS as exc:
            raise errors.ReadTimeoutError(f"read timeout ({self._timeout} s)") from exc
        except OSError as exc:
            raise StaleConnection(str(exc)) from exc
        if not data:
            raise StaleConnection("the server closed the connection")
        return data

    def _recv(self) -> bytes:
        try:
            return self.sock.recv(_RECV_SIZE)
        except _TIMEOUTS as exc:
            raise errors.ReadTimeoutError(f"read timeout ({self._timeout} s)") from exc
        except OSError as exc:
            raise errors.ReadError(f"connection broken: {exc}") from exc

    def read_body(self, parser: ResponseParser) -> bytes:
        """The rest of the body, read whole."""
        try:
            remaining = parser.length_remaining()
            if remaining is not None and remaining > _RECV_SIZE:
                return self._read_sized(parser, remaining)
            parts: List[bytes] = []
            while True:
                limit = parser.direct_read_limit()
                if limit:
                    data = self.sock.recv(min(limit, _RECV_SIZE))
                    parser.direct_read_done(len(data))
                    if data:
                        parts.append(data)
                    continue
                event = parser.next_event()
                if type(event) is bytes:
                    parts.append(event)
                elif event is NEED_DATA:
                    parser.receive_data(self.sock.recv(_RECV_SIZE))
                elif isinstance(event, EndOfMessage):
                    return parts[0] if len(parts) == 1 else b"".join(parts)
        except _TIMEOUTS as exc:
            raise errors.ReadTimeoutError(f"read timeout ({self._timeout} s)") from exc
        except OSError as exc:
            raise errors.ReadError(f"connection broken: {exc}") from exc

    def _read_sized(self, parser: ResponseParser, size: int) -> bytes:
        """A large Content-Length body, received straight into one buffer."""
        buffer = bytearray(size)
        view = memoryview(buffer)
        have = 0
        while have < size:
            if parser.direct_read_limit():
                count = self.sock.recv_into(view[have:])
                parser.direct_read_done(count)
                have += count
                continue
            event = parser.next_event()
            if type(event) is bytes:
                view[have:have + len(event)] = event
                have += len(event)
            elif event is NEED_DATA:
                parser.receive_data(self.sock.recv(_RECV_SIZE))
        parser.next_event()  # EndOfMessage
        return bytes(buffer)

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


class SocketBody:
    """A response body read from the connection as the caller asks (a BodySource).
    ``release(connection, reusable)`` runs once: at the end of the body, on close or on error."""

    __slots__ = ("_connection", "_parser", "_release")

    def __init__(
        self, connection: Connection, parser: ResponseParser, release: Callable[[Connection, bool], None]
    ) -> None:
        self._connection: Optional[Connection] = connection
        self._parser = parser
        self._release = release

    def read(self, size: int) -> bytes:
        while self._connection is not None:
            parser = self._parser
            limit = parser.direct_read_limit()
            try:
                if limit:
                    data = self._connection.sock.recv(min(limit, size))
                    parser.direct_read_done(len(data))
                    if data:
                        return data
                    continue
                event = parser.next_event(size)
                if type(event) is bytes:
                    return event
                if event is NEED_DATA:
                    parser.receive_data(self._connection.sock.recv(_RECV_SIZE))
                elif isinstance(event, EndOfMessage):
                    self._finish(parser.reusable)
            except BaseException as exc:
                self._fail(exc)
        return b""

    def readinto(self, buffer: memoryview) -> int:
        while self._connection is not None:
            parser = self._parser
            limit = parser.direct_read_limit()
            try:
                if limit:
                    count = self._connection.sock.recv_into(buffer[:limit] if limit < len(buffer) else buffer)
                    parser.direct_read_done(count)
                    if count:
                        return count
                    continue
                event = parser.next_event(len(buffer))
                if type(event) is bytes:
                    buffer[:len(event)] = event
                    return len(event)
                if event is NEED_DATA:
                    parser.receive_data(self._connection.sock.recv(_RECV_SIZE))
                elif isinstance(event, EndOfMessage):
                    self._finish(parser.reusable)
            except BaseException as exc:
                self._fail(exc)
        return 0

    def close(self) -> None:
        self._finish(self._parser.reusable)

    def _fail(self, exc: BaseException) -> NoReturn:
        """Drop the connection and raise ``exc`` as a transport error."""
        self._finish(False)
        if isinstance(exc, _TIMEOUTS):
            raise errors.ReadTimeoutError("read timeout while reading the body") from exc
        if isinstance(exc, OSError):
            raise errors.ReadError(f"connection broken: {exc}") from exc
        raise exc

    def _finish(self, reusable: bool) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._release(connection, reusable)

