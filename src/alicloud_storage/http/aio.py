"""Pooled asyncio HTTP transport on aiohttp (imported when the first transport is built).

It sends the head ``http/_request.py`` encodes, as the sync transport does: aiohttp adds
no header of its own (no User-Agent, Accept, Accept-Encoding or Content-Type), stores no
cookie and never decompresses. ``Expect: 100-continue``: aiohttp sends the body after
``100 Continue`` and none after a final response; a request class of ours stops its wait
after ``CONTINUE_WAIT`` seconds, as the sync transport does (aiohttp alone waits forever).
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, AsyncIterator, List, Optional, Tuple

from alicloud_storage.http import errors
from alicloud_storage.http._request import encode_head
from alicloud_storage.http.base import AsyncBaseTransport
from alicloud_storage.http.config import Timeout, TLSConfig
from alicloud_storage.http.models import Request, Response, response_headers
from alicloud_storage.http.streaming import AsyncStreamingResponse

if TYPE_CHECKING:
    import asyncio

    import aiohttp

__all__ = ["AsyncTransport"]

_NO_LIMITS = Timeout()
_READ_BUFFER = 1 << 18  # aiohttp pauses reading above twice this: 64 KiB halves large downloads
_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "Content-Type", "User-Agent")


class AsyncTransport(AsyncBaseTransport):
    """aiohttp ClientSession with at most ``max_connections`` connections. The session is
    created on the first send, inside the running loop, and belongs to that loop; the TLS
    context on the first https request (shared per TLSConfig). No retries, no redirects."""

    def __init__(
        self,
        max_connections: int = 50,
        tls: Optional[TLSConfig] = None,
        keepalive_timeout: float = 12.0,
        expect_continue_threshold: Optional[int] = None,
    ) -> None:
        import aiohttp  # noqa: F401  (fail here, not on first send, if it is missing)

        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.max_connections = max_connections
        self.keepalive_timeout = keepalive_timeout
        self.expect_continue_threshold = expect_continue_threshold
        self._tls = tls or TLSConfig()
        self._session: Optional["aiohttp.ClientSession"] = None
        self._slots: Optional["asyncio.Semaphore"] = None

    def _get_session(self) -> "aiohttp.ClientSession":
        import asyncio

        import aiohttp

        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.max_connections, keepalive_timeout=self.keepalive_timeout)
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                read_bufsize=_READ_BUFFER,
                request_class=_request_class(),
            )
            self._slots = asyncio.Semaphore(self.max_connections)
        return self._session

    async def _acquire(self, limits: Timeout) -> "asyncio.Semaphore":
        """A connection slot within the pool timeout, else PoolTimeout."""
        import asyncio

        self._get_session()
        slots = self._slots
        assert slots is not None
        if not slots.locked():
            await slots.acquire()
            return slots
        try:
            await asyncio.wait_for(slots.acquire(), limits.pool)
        except asyncio.TimeoutError:
            raise errors.PoolTimeout(f"no free connection within the pool timeout ({limits.pool} s)") from None
        return slots

    async def _open(self, request: Request, limits: Timeout) -> "aiohttp.ClientResponse":
        """Send ``request`` (a slot is held) and return aiohttp's response, head read."""
        import asyncio

        import aiohttp
        from yarl import URL

        head = encode_head(request, self.expect_continue_threshold)
        headers: List[Tuple[str, str]] = []
        for line in head.lines[1:]:
            name, _, value = line.partition(": ")
            headers.append((name, value))
        if head.length is None:
            headers.pop()  # Transfer-Encoding: aiohttp adds it (last, as the sync head has it)
        watch: Optional[_WriteWatch] = None
        data: Any
        if isinstance(request.body, (bytes, bytearray, memoryview)):
            data = bytes(request.body) if head.length else None
        else:
            data = request.aiter_body()
            if limits.write is not None:
                watch = _WriteWatch(limits.write)
                data = watch.watched(data)
        url = URL(request.url, encoded=True)  # send the (signed) path exactly as given
        try:
            return await self._get_session().request(
                request.method,
                url,
                headers=headers,
                data=data,
                skip_auto_headers=_SKIP_AUTO_HEADERS,
                allow_redirects=False,
                ssl=self._tls.shared_ssl_context() if head.origin.scheme == "https" else True,
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=limits.connect, sock_read=limits.read),
            )
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _map_error(exc) from exc
        except asyncio.CancelledError:
            if watch is None or not watch.fired:
                raise
            watch.uncancel()
            raise errors.WriteTimeoutError(f"write timeout ({limits.write} s) sending the body") from None
        finally:
            if watch is not None:
                watch.stop()

    async def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        import asyncio

        import aiohttp

        limits = timeout or _NO_LIMITS
        slots = await self._acquire(limits)
        try:
            raw = await self._open(request, limits)
            try:
                body = await raw.read()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                raw.close()
                raise _map_error(exc) from exc
            raw.release()
            return Response(raw.status, raw.reason or "", response_headers(raw.headers.items()), body)
        finally:
            slots.release()

    async def stream(self, request: Request, timeout: Optional[Timeout] = None) -> AsyncStreamingResponse:
        limits = timeout or _NO_LIMITS
        slots = await self._acquire(limits)
        try:
            raw = await self._open(request, limits)
        except BaseException:
            slots.release()
            raise
        headers = response_headers(raw.headers.items())
        return AsyncStreamingResponse(raw.status, raw.reason or "", headers, _AiohttpBody(raw, slots))

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def __repr__(self) -> str:
        return f"AsyncTransport(max_connections={self.max_connections})"


class _WriteWatch:
    """The write timeout for a streamed body (aiohttp has none): if aiohttp does not take
    the next chunk within ``limit`` seconds of its offer, the sending task is cancelled."""

    def __init__(self, limit: float) -> None:
        import asyncio

        self.limit = limit
        self.fired = False
        self._task = asyncio.current_task()
        self._handle: Optional["asyncio.TimerHandle"] = None

    async def watched(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """``chunks``, each one timed from its offer until aiohttp asks for the next."""
        import asyncio

        loop = asyncio.get_running_loop()
        async for chunk in chunks:  # pulling from the caller's source is not timed
            if self._task is not None:
                self._handle = loop.call_later(self.limit, self._fire)
            yield chunk
            self._disarm()

    def _fire(self) -> None:
        self.fired = True
        if self._task is not None:
            self._task.cancel()

    def _disarm(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def stop(self) -> None:
        """The request is answered (or failed): never cancel the task from now on."""
        self._disarm()
        self._task = None

    def uncancel(self) -> None:
        """Undo our cancel() on the task (Python >= 3.11 counts them)."""
        uncancel = getattr(self._task, "uncancel", None)
        if uncancel is not None:
            uncancel()


@functools.lru_cache(maxsize=None)
def _request_class() -> "type[aiohttp.ClientRequest]":
    """aiohttp's ClientRequest whose wait for ``100 Continue`` ends after CONTINUE_WAIT."""
    import aiohttp

    from alicloud_storage.http import sync

    class ContinueRequest(aiohttp.ClientRequest):
        def update_expect_continue(self, expect: bool = False) -> None:
            super().update_expect_continue(expect)
            waiter = self._continue
            if waiter is not None:
                self.loop.call_later(sync.CONTINUE_WAIT, _stop_waiting, waiter)

    return ContinueRequest


def _stop_waiting(waiter: "asyncio.Future[bool]") -> None:
    if not waiter.done():
        waiter.set_result(True)


class _AiohttpBody:
    """An aiohttp response's body as an AsyncBodySource; frees the slot when done."""

    def __init__(self, raw: "aiohttp.ClientResponse", slots: "asyncio.Semaphore") -> None:
        self._raw: Optional["aiohttp.ClientResponse"] = raw
        self._slots = slots

    async def read(self, size: int) -> bytes:
        import asyncio

        import aiohttp

        raw = self._raw
        if raw is None:
            return b""
        try:
            data = await raw.content.read(size)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self._finish(complete=False)
            raise _map_error(exc) from exc
        except BaseException:
            self._finish(complete=False)
            raise
        if not data:
            self._finish(complete=True)
        return data

    async def close(self) -> None:
        raw = self._raw
        self._finish(complete=raw is not None and raw.content.at_eof())

    def _finish(self, complete: bool) -> None:
        raw, self._raw = self._raw, None
        if raw is not None:
            if complete:
                raw.release()  # the connection goes back to aiohttp's pool
            else:
                raw.close()  # half-read: the connection is closed, never pooled
            self._slots.release()


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
