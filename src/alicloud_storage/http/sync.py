"""Pooled, keep-alive HTTP transport on urllib3 (imported when the first transport is built)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from alicloud_storage.http import errors
from alicloud_storage.http.base import BaseTransport
from alicloud_storage.http.config import Timeout, TLSConfig
from alicloud_storage.http.models import Request, Response, response_headers

if TYPE_CHECKING:
    import urllib3

__all__ = ["SyncTransport"]


class SyncTransport(BaseTransport):
    """urllib3 PoolManager: ``max_connections`` kept-alive connections per host; a request
    waits for a free one (as the official SDK does). No retries, no redirects: the
    client's retry loop decides."""

    def __init__(self, max_connections: int = 50, tls: Optional[TLSConfig] = None) -> None:
        import urllib3

        self.max_connections = max_connections
        self._pool = urllib3.PoolManager(
            num_pools=10,
            maxsize=max_connections,
            block=True,
            retries=False,
            ssl_context=(tls or TLSConfig()).create_ssl_context(),
        )

    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        import urllib3

        limits = timeout or Timeout()
        try:
            raw = self._pool.urlopen(
                request.method,
                request.url,
                body=request.body,
                headers=dict(request.headers),
                redirect=False,
                retries=False,
                assert_same_host=False,
                timeout=urllib3.Timeout(connect=limits.connect, read=limits.read),
                preload_content=True,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise _map_error(exc) from exc
        return Response(raw.status, raw.reason or "", response_headers(raw.headers.items()), raw.data)

    def close(self) -> None:
        self._pool.clear()

    def __repr__(self) -> str:
        return f"SyncTransport(max_connections={self.max_connections})"


def _map_error(exc: "urllib3.exceptions.HTTPError") -> errors.TransportError:
    """Our error for a urllib3 error (the original stays chained as __cause__)."""
    from urllib3 import exceptions as e

    cause: BaseException = exc
    if isinstance(exc, e.MaxRetryError) and exc.reason is not None:
        cause = exc.reason
    if isinstance(cause, e.SSLError):
        return errors.TLSError(f"TLS failure: {cause}")
    if isinstance(cause, (e.NewConnectionError, e.ProxyError)):  # before its base ConnectTimeoutError
        return errors.ConnectError(f"connection failed: {cause}")
    if isinstance(cause, e.ConnectTimeoutError):
        return errors.ConnectTimeoutError(f"connect timeout: {cause}")
    if isinstance(cause, e.ReadTimeoutError):
        return errors.ReadTimeoutError(f"read timeout: {cause}")
    if isinstance(cause, (e.ProtocolError, e.IncompleteRead, e.DecodeError)):
        return errors.ReadError(f"connection broken: {cause}")
    return errors.TransportError(f"transport failure: {cause}")
