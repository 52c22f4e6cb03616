"""Pooled, keep-alive HTTP/1.1 transport on plain sockets (http/_connection.py).

Per origin, a LIFO list of idle connections and a semaphore that bounds the open ones to
``max_connections``; a request waits for a free slot (as the official SDK does). A request
is one write (head and body together) and, for a small response, one read. Before an
idle connection is reused, one non-blocking poll drops it if the server has closed it.
If a reused connection still fails before any byte of the response arrived (closed in
the meantime), the request is sent once more on a fresh connection only when it is safe
to replay (the rule of Go's net/http: GET/HEAD/OPTIONS/TRACE without a body, or an
Idempotency-Key header); otherwise the server may have acted on it, so ReadError is
raised and the client's retry policy, which knows the API, decides. No other retries,
no redirects.
"""
from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Dict, List, NamedTuple, Optional, Tuple
from urllib.parse import urlsplit

from alicloud_storage import __version__
from alicloud_storage.http import errors
from alicloud_storage.http.base import BaseTransport
from alicloud_storage.http.config import Timeout, TLSConfig
from alicloud_storage.http.models import Request, Response

if TYPE_CHECKING:
    import ssl

    from alicloud_storage.http._connection import Connection

__all__ = ["SyncTransport"]

_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^#]*)")
_BAD_TARGET = re.compile(r"[\x00-\x20\x7f]")
_BODYLESS_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "TRACE"})
_USER_AGENT = f"alicloud-storage/{__version__}"
_REPLAYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_IDEMPOTENCY_KEYS = frozenset({"idempotency-key", "x-idempotency-key"})


class _Origin(NamedTuple):
    """Where a request goes: the pool key, the socket address and the Host header."""

    scheme: str
    host: str
    port: int
    authority: str


class _HostPool:
    """Idle connections to one origin (used last-in, first-out) and the slots for open ones."""

    __slots__ = ("idle", "slots")

    def __init__(self, size: int) -> None:
        self.idle: List["Connection"] = []  # list.append/pop are atomic: no lock needed
        self.slots = threading.BoundedSemaphore(size)


class SyncTransport(BaseTransport):
    """At most ``max_connections`` kept-alive connections per origin, shared by threads."""

    def __init__(self, max_connections: int = 50, tls: Optional[TLSConfig] = None) -> None:
        from alicloud_storage.http._connection import Connection, StaleConnection

        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.max_connections = max_connections
        self._connection_type = Connection
        self._stale = StaleConnection
        self._ssl_context: "ssl.SSLContext" = (tls or TLSConfig()).create_ssl_context()
        self._pools: Dict[_Origin, _HostPool] = {}

    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        limits = timeout or Timeout()
        origin, payload = _encode(request)
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools.setdefault(origin, _HostPool(self.max_connections))
        head_only = request.method == "HEAD"
        with pool.slots:
            connection = _reusable(pool)
            if connection is not None:
                try:
                    return self._exchange(pool, connection, payload, limits, head_only)
                except self._stale as exc:  # closed by the server between the poll and the send
                    if not _replayable(request):
                        raise errors.ReadError(f"connection broken before a response: {exc}") from exc
            context = self._ssl_context if origin.scheme == "https" else None
            connection = self._connection_type.open(origin.host, origin.port, context, limits.connect)
            try:
                return self._exchange(pool, connection, payload, limits, head_only)
            except self._stale as exc:
                raise errors.ReadError(f"connection broken before a response: {exc}") from exc

    def _exchange(
        self, pool: _HostPool, connection: "Connection", payload: bytes, limits: Timeout, head_only: bool
    ) -> Response:
        """One request on ``connection``; it goes back to the pool only after a clean response."""
        try:
            (status, reason, headers), body, keep_alive = connection.exchange(payload, limits.read, head_only)
        except BaseException:
            connection.close()
            raise
        if keep_alive:
            pool.idle.append(connection)
        else:
            connection.close()
        return Response(status, reason, headers, body)

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
    """Safe to send twice: an idempotent method without a body, or an idempotency key."""
    if request.method in _REPLAYABLE_METHODS and not request.body:
        return True
    return any(name.lower() in _IDEMPOTENCY_KEYS for name in request.headers)


def _encode(request: Request) -> Tuple[_Origin, bytes]:
    """The request's origin and its bytes on the wire: head and body in one buffer."""
    match = _URL.match(request.url)
    if match is None:
        raise errors.TransportError("malformed URL")
    origin = _origin(match.group(1).lower(), match.group(2))
    target = match.group(3) or "/"
    if target[0] == "?":
        target = "/" + target
    if _BAD_TARGET.search(target):
        raise errors.TransportError("URL path or query holds whitespace or control characters")
    lines = [f"{request.method} {target} HTTP/1.1"]
    given = set()
    for name, value in request.headers.items():
        given.add(name.lower())
        lines.append(f"{name}: {value}")
    if "host" not in given:
        lines.append(f"Host: {origin.authority}")
    if "content-length" not in given and (request.body or request.method not in _BODYLESS_METHODS):
        lines.append(f"Content-Length: {len(request.body)}")
    if "user-agent" not in given:
        lines.append(f"User-Agent: {_USER_AGENT}")
    if "accept-encoding" not in given:
        lines.append("Accept-Encoding: identity")  # bodies are read as sent, never decoded
    lines.append("\r\n")
    head = "\r\n".join(lines)
    if head.count("\n") != len(lines) or head.count("\r") != len(lines):
        raise ValueError("header names and values must not hold CR or LF")
    return origin, head.encode("latin-1") + request.body


@functools.lru_cache(maxsize=64)
def _origin(scheme: str, authority: str) -> _Origin:
    """Parse ``scheme://authority`` once (a client talks to few origins)."""
    if scheme not in ("http", "https"):
        raise errors.TransportError(f"unsupported URL scheme: {scheme!r}")
    try:
        parts = urlsplit(f"{scheme}://{authority}")
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise errors.TransportError(f"malformed URL authority: {exc}") from None
    if not parts.hostname:
        raise errors.TransportError("URL has no host")
    return _Origin(scheme, parts.hostname, port, authority.rpartition("@")[2])
