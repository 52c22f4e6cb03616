"""Pooled, keep-alive HTTP/1.1 transport on plain sockets (http/_connection.py).

Per origin, a LIFO list of idle connections and a semaphore that bounds the open ones to
``max_connections``; a request waits for a free slot up to the pool timeout (then
PoolTimeout). A request with a bytes body is one write (head and body together) and, for
a small response, one read. A file or iterable body follows the head: as is when its
length is known, else chunked. Before an idle connection is reused, one non-blocking poll
drops it if the server has closed it. If a reused connection still fails before any byte
of the response arrived (closed in the meantime), the request is sent once more on a
fresh connection only when it is safe to replay (the rule of Go's net/http: GET/HEAD/
OPTIONS/TRACE without a body, or an Idempotency-Key header with a body that can be
rewound); otherwise the server may have acted on it, so ReadError is raised and the
client's retry policy, which knows the API, decides. No other retries, no redirects.

``Expect: 100-continue`` (the request's header, or ``expect_continue_threshold``): the
head goes first; the body follows a ``100 Continue``, or silence for ``CONTINUE_WAIT``
seconds; a final response instead means the body is never sent (and the connection is
closed after that response).
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Tuple, TypeVar

from alicloud_storage.http import errors
from alicloud_storage.http._parser import ResponseHead, ResponseParser
from alicloud_storage.http._request import Origin, RequestHead, encode_head
from alicloud_storage.http.base import BaseTransport
from alicloud_storage.http.config import Timeout, TLSConfig
from alicloud_storage.http.models import Request, Response
from alicloud_storage.http.streaming import StreamingResponse

if TYPE_CHECKING:
    import ssl

    from alicloud_storage.http._connection import Connection

__all__ = ["CONTINUE_WAIT", "SyncTransport"]

CONTINUE_WAIT = 1.0  # seconds to wait for "100 Continue" before sending the body anyway
_NO_LIMITS = Timeout()
_T = TypeVar("_T")
_REPLAYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_IDEMPOTENCY_KEYS = frozenset({"idempotency-key", "x-idempotency-key"})


class _HostPool:
    """Idle connections to one origin (used last-in, first-out) and the slots for open ones."""

    __slots__ = ("idle", "slots")

    def __init__(self, size: int) -> None:
        self.idle: List["Connection"] = []  # list.append/pop are atomic: no lock needed
        self.slots = threading.BoundedSemaphore(size)

    def acquire(self, timeout: Optional[float]) -> None:
        """Take a slot within ``timeout`` seconds, else PoolTimeout."""
        if not self.slots.acquire(timeout=timeout):
            raise errors.PoolTimeout(f"no free connection within the pool timeout ({timeout} s)")

    def give_back(self, connection: "Connection", reusable: bool) -> None:
        """Pool the connection (or close it) and free its slot."""
        if reusable:
            self.idle.append(connection)
        else:
            connection.close()
        self.slots.release()


class SyncTransport(BaseTransport):
    """At most ``max_connections`` kept-alive connections per origin, shared by threads.
    The TLS context is made on the first https connection (shared per TLSConfig)."""

    def __init__(
        self,
        max_connections: int = 50,
        tls: Optional[TLSConfig] = None,
        expect_continue_threshold: Optional[int] = None,
    ) -> None:
        from alicloud_storage.http._connection import Connection, StaleConnection

        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.max_connections = max_connections
        self.expect_continue_threshold = expect_continue_threshold
        self._connection_type = Connection
        self._stale = StaleConnection
        self._tls = tls or TLSConfig()
        self._ssl_context: Optional["ssl.SSLContext"] = None
        self._pools: Dict[Origin, _HostPool] = {}

    def _pool(self, origin: Origin) -> _HostPool:
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools.setdefault(origin, _HostPool(self.max_connections))
        return pool

    def _open(self, origin: Origin, limits: Timeout) -> "Connection":
        context = None
        if origin.scheme == "https":
            context = self._ssl_context
            if context is None:
                context = self._ssl_context = self._tls.shared_ssl_context()
        return self._connection_type.open(origin.host, origin.port, context, limits.connect)

    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        limits = timeout or _NO_LIMITS
        head = encode_head(request, self.expect_continue_threshold)
        pool = self._pool(head.origin)
        if type(request.body) is bytes and not head.expect_continue:
            return self._send_whole(request, head, pool, limits)
        pool.acquire(limits.pool)
        try:
            connection, parser, status = self._start(request, head, pool, limits)
        except BaseException:
            pool.slots.release()
            raise
        try:
            body = connection.read_body(parser)
        except BaseException:
            pool.give_back(connection, False)
            raise
        pool.give_back(connection, parser.reusable)
        return Response(status.status, status.reason, status.headers, body)

    def stream(self, request: Request, timeout: Optional[Timeout] = None) -> StreamingResponse:
        from alicloud_storage.http._connection import SocketBody

        limits = timeout or _NO_LIMITS
        head = encode_head(request, self.expect_continue_threshold)
        pool = self._pool(head.origin)
        pool.acquire(limits.pool)
        try:
            connection, parser, status = self._start(request, head, pool, limits)
        except BaseException:
            pool.slots.release()
            raise
        body = SocketBody(connection, parser, pool.give_back)
        if parser.complete:
            body.close()
        return StreamingResponse(status.status, status.reason, status.headers, body)

    def _send_whole(self, request: Request, head: RequestHead, pool: _HostPool, limits: Timeout) -> Response:
        """The hot path: a bytes body, head and body in one write, the response read whole."""
        payload = head.data + request.body  # type: ignore[operator]
        head_only = request.method == "HEAD"
        pool.acquire(limits.pool)
        try:
            return self._on_connection(
                request, head.origin, pool, limits,
                lambda connection: self._exchange(pool, connection, payload, limits, head_only),
            )
        finally:
            pool.slots.release()

    def _on_connection(
        self, request: Request, origin: Origin, pool: _HostPool, limits: Timeout, attempt: Callable[["Connection"], _T]
    ) -> _T:
        """``attempt`` on the newest idle connection, or a new one; once more on a new one if
        the idle one turns out closed and the request is safe to replay."""
        connection = _reusable(pool)
        if connection is not None:
            try:
                return attempt(connection)
            except self._stale as exc:  # closed by the server between the poll and the send
                if not _replayable(request):
                    raise errors.ReadError(f"connection broken before a response: {exc}") from exc
        connection = self._open(origin, limits)
        try:
            return attempt(connection)
        except self._stale as exc:
            raise errors.ReadError(f"connection broken before a response: {exc}") from exc

    def _exchange(
        self, pool: _HostPool, connection: "Connection", payload: bytes, limits: Timeout, head_only: bool
    ) -> Response:
        """One request on ``connection``; it goes back to the pool only after a clean response."""
        try:
            status, body, reusable = connection.exchange(payload, limits.write, limits.read, head_only)
        except BaseException:
            connection.close()
            raise
        if reusable:
            pool.idle.append(connection)
        else:
            connection.close()
        return Response(status.status, status.reason, status.headers, body)

    def _start(
        self, request: Request, head: RequestHead, pool: _HostPool, limits: Timeout
    ) -> Tuple["Connection", ResponseParser, ResponseHead]:
        """Send ``request`` (the slot is held) and read its response head."""
        return self._on_connection(
            request, head.origin, pool, limits, lambda connection: self._attempt(connection, request, head, limits)
        )

    def _attempt(
        self, connection: "Connection", request: Request, head: RequestHead, limits: Timeout
    ) -> Tuple["Connection", ResponseParser, ResponseHead]:
        """Send ``request`` on ``connection`` and read the response head (closed on error)."""
        parser = ResponseParser(request.method == "HEAD")
        try:
            if type(request.body) is bytes and not head.expect_continue:
                connection.send_head(head.data + request.body, limits.write)
                return connection, parser, connection.read_head(parser, limits.read)
            connection.send_head(head.data, limits.write)
            if head.expect_continue:
                wait = CONTINUE_WAIT if limits.read is None else min(CONTINUE_WAIT, limits.read)
                final = connection.await_continue(parser, wait, limits.read)
                if final is not None:  # refused before the body: it is not sent
                    parser.keep_alive = False
                    return connection, parser, final
            connection.send_body(request, head.length, limits.write)
            return connection, parser, connection.read_head(parser, limits.read)
        except BaseException:
            connection.close()
            raise

    def close(self) -> None:
        for pool in list(self._pools.values()):
            while pool.idle:
                try:
                    pool.idle.pop().close()
                except IndexError:  # taken by a concurrent send
                    break

    def __repr__(self) -> str:
        return f"SyncTransport(max_connections={self.max_connections})"


def _reusable(pool: _HostPool) -> Optional["Connection"]:
    """The most recently used idle connection the server has not closed, if any."""
    while True:
        try:
            connection = pool.idle.pop()
        except IndexError:
            return None
        if not connection.peer_closed():
            return connection
        connection.close()


def _replayable(request: Request) -> bool:
    """Safe to send twice: an idempotent method without a body, or an idempotency key on a
    body that is back at its start (a partly sent stream is never sent again)."""
    if request.method in _REPLAYABLE_METHODS and request.body_length == 0:
        return True
    return any(name.lower() in _IDEMPOTENCY_KEYS for name in request.headers) and request.rewind()
