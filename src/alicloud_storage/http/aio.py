"""Pooled asyncio HTTP transport on aiohttp (imported when the first transport is built)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from alicloud_storage.http import errors
from alicloud_storage.http.base import AsyncBaseTransport
from alicloud_storage.http.config import Timeout, TLSConfig
from alicloud_storage.http.models import Request, Response, response_headers

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AsyncTransport"]


class AsyncTransport(AsyncBaseTransport):
    """aiohttp ClientSession with at most ``max_connections`` connections. The session is
    created on the first send, inside the running loop, and belongs to that loop.
    No retries, no redirects."""

    def __init__(
        self,
        max_connections: int = 50,
        tls: Optional[TLSConfig] = None,
        keepalive_timeout: float = 12.0,
    ) -> None:
        import aiohttp  # noqa: F401  (fail here, not on first send, if it is missing)

        self.max_connections = max_connections
        self.keepalive_timeout = keepalive_timeout
        self._ssl_context = (tls or TLSConfig()).create_ssl_context()
        self._session: Optional["aiohttp.ClientSession"] = None

    def _get_session(self) -> "aiohttp.ClientSession":
        import aiohttp

        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.max_connections,
                ssl=self._ssl_context,
                keepalive_timeout=self.keepalive_timeout,
            )
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session

    async def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        import asyncio

        import aiohttp
        from yarl import URL

        limits = timeout or Timeout()
        session = self._get_session()
        try:
            async with session.request(
                request.method,
                URL(request.url, encoded=True),  # send the (signed) path exactly as given
                headers=dict(request.headers),
                data=request.body,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=limits.connect, sock_read=limits.read
                ),
            ) as raw:
                body = await raw.read()
                return Response(raw.status, raw.reason or "", response_headers(raw.headers.items()), body)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _map_error(exc) from exc

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def __repr__(self) -> str:
        return f"AsyncTransport(max_connections={self.max_connections})"


def _map_error(exc: BaseException) -> errors.TransportError:
    """Our error for an aiohttp / asyncio error (the original stays chained as __cause__)."""
    import asyncio

    import aiohttp

    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return errors.ConnectTimeoutError(f"connect timeout: {exc}")
    if isinstance(exc, aiohttp.ClientSSLError):  # before its base ClientConnectorError
        return errors.TLSError(f"TLS failure: {exc}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return errors.ConnectError(f"connection failed: {exc}")
    if isinstance(exc, asyncio.TimeoutError):
        return errors.ReadTimeoutError(f"read timeout: {exc or 'no data within the read timeout'}")
    if isinstance(exc, (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError,
                        aiohttp.ClientResponseError)):
        return errors.ReadError(f"connection broken: {exc}")
    return errors.TransportError(f"transport failure: {exc}")
