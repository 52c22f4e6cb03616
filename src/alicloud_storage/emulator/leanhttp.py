"""A lean HTTP/1.1 front for a listener's plain requests; every other request goes to aiohttp.

aiohttp's request and response machinery costs about 50 us of CPU per request: more than a
GetRow's own work. The Tablestore listener serves the requests the SDKs send here: HTTP/1.1,
an origin-form path of plain characters outside the prefixes of the listener's other services,
POST with a Content-Length body within the service's limit, no Expect, Upgrade or
Transfer-Encoding.
Such a request is framed here, its head parsed by llhttp (``httptools``, strict), its body read
whole, and it runs through the same pipeline handler as under aiohttp; the ``web.Response``
the handler returns is written in one call.

Anything else (a malformed head, another method, a chunked body, an admin path, HTTP/1.0, a
body over the limit) hands the connection over to aiohttp's own protocol from that request's first byte:
aiohttp answers it exactly as it did before, and serves the rest of the connection. Requests
are served one at a time per connection, in order; bytes pipelined behind one wait.
"""
from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import socket
import time
import traceback
from typing import Any, Awaitable, Callable, List, Optional, Sequence, Set, Tuple

import httptools
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["LeanRequest", "LeanServer"]

logger = logging.getLogger(__name__)

_HEAD_END = b"\r\n\r\n"
_MAX_HEAD = 32 * 1024  # a longer head goes to aiohttp, whose limits refuse it
_PLAIN_TARGET = re.compile(rb"/[A-Za-z0-9/_-]*")  # nothing to decode or normalise (no dot segment): path == target
_HANDED_OVER_HEADERS = frozenset({b"expect", b"upgrade", b"transfer-encoding"})
_PAUSE_BUFFERED = 1 << 20  # stop reading a connection with this much waiting behind a request
# aiohttp's (3.14) limits: a head past them is handed over, and aiohttp refuses it as before;
# a connection that waits for bytes this long (idle, or mid-request) is closed.
_MAX_FIELD = 8190
_MAX_HEADERS = 128
_KEEPALIVE_SECONDS = 3630.0


class _Body:
    """A body read whole before dispatch, behind the two StreamReader calls of ``read_bounded``."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def readexactly(self, n: int) -> bytes:
        """The body, which is ``n`` bytes long (Content-Length framed it)."""
        if n != len(self._data):
            raise asyncio.IncompleteReadError(self._data[:n], n)
        data, self._data = self._data, b""
        return data

    async def readany(self) -> bytes:
        """The body the first time, then b"" (its end)."""
        data, self._data = self._data, b""
        return data


class LeanRequest:
    """The parts of aiohttp's ``web.Request`` that the pipeline and a lean endpoint read."""

    __slots__ = ("method", "path", "headers", "content_length", "content", "remote", "secure")

    def __init__(self, method: str, path: str, headers: "CIMultiDictProxy[str]", content_length: Optional[int],
                 body: bytes, remote: Optional[str], secure: bool) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.content_length = content_length
        self.content = _Body(body)
        self.remote = remote
        self.secure = secure


class _Head:
    """What llhttp reports of one request head (its parser's callback object). The parser's
    own view is read when the head completes: a message without a body completes with it,
    and the parser's flags are reset for the next one."""

    __slots__ = ("parser", "target", "pairs", "complete", "plain", "keep_alive")

    def __init__(self) -> None:
        self.parser: Optional[Any] = httptools.HttpRequestParser(self)
        self.target = b""
        self.pairs: List[Tuple[bytes, bytes]] = []
        self.complete = self.plain = self.keep_alive = False

    def on_url(self, target: bytes) -> None:
        self.target += target

    def on_header(self, name: bytes, value: bytes) -> None:
        self.pairs.append((name, value))

    def on_headers_complete(self) -> None:
        parser = self.parser
        assert parser is not None
        self.complete = True
        self.plain = (parser.get_method() == b"POST" and parser.get_http_version() == "1.1"
                      and not parser.should_upgrade())
        self.keep_alive = parser.should_keep_alive()


class _DateText:
    """The HTTP Date header's text, formatted once per second."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second = second
            self._text = email.utils.formatdate(second, usegmt=True)
        return self._text


_DATE = _DateText()


def _response_bytes(response: web.Response, close: bool) -> Tuple[bytes, bytes]:
    """The status line and headers, and the body, of a handler's response (aiohttp's own
    headers: Content-Type, Content-Length, Date; ``close``: Connection: close)."""
    body = response.body
    if not isinstance(body, bytes):
        raise TypeError("a lean endpoint answers with a body of bytes")
    headers = response.headers
    fields = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    if not fields.count("\n") == fields.count("\r") == len(headers) or "\0" in fields:  # (as aiohttp)
        raise ValueError("a response header holds a line break")
    content_type = "" if "Content-Type" in headers else "Content-Type: application/octet-stream\r\n"
    connection = "Connection: close\r\n" if close else ""
    head = (f"HTTP/1.1 {response.status} {response.reason}\r\n{fields}{content_type}"
            f"Content-Length: {len(body)}\r\nDate: {_DATE.now()}\r\n{connection}\r\n")
    return head.encode("utf-8"), body


_Handler = Callable[[Any], Awaitable[web.StreamResponse]]


class _Connection(asyncio.Protocol):
    """One client connection: lean requests served in order, until one is handed over."""

    def __init__(self, server: "LeanServer") -> None:
        self._server = server
        self._transport: Optional[asyncio.Transport] = None
        self._remote: Optional[str] = None
        self._buffer = bytearray()
        self._pending: Optional[Tuple[_Head, int, int]] = None  # a head framed, its body on its way
        self._serving: Optional["asyncio.Task[None]"] = None
        self._writable: Optional["asyncio.Future[None]"] = None
        self._paused = False
        self._closing = False
        self._idle: Optional[asyncio.TimerHandle] = None  # one timer, moved on lazily (hot path)
        self._last_byte = 0.0  # (loop time of the last byte read or answer written)
        self._loop_time: Callable[[], float] = time.monotonic

    # --- asyncio.Protocol ----------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        peer = transport.get_extra_info("peername")
        self._remote = peer[0] if isinstance(peer, (tuple, list)) and peer else None
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):  # TCP keep-alive, as aiohttp
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        self._server.connections.add(self)
        loop = asyncio.get_running_loop()
        self._loop_time = loop.time
        self._last_byte = loop.time()
        self._idle = loop.call_at(self._last_byte + _KEEPALIVE_SECONDS, self._check_idle)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        self._last_byte = self._loop_time()
        if self._serving is None:
            self._next()
        elif len(self._buffer) > _PAUSE_BUFFERED and not self._paused and self._transport is not None:
            self._transport.pause_reading()
            self._paused = True

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self._server.connections.discard(self)
        self._transport = None
        if self._idle is not None:
            self._idle.cancel()
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)

    def pause_writing(self) -> None:
        self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)
        self._writable = None

    # --- framing -------------------------------------------------------------------------
    def _next(self) -> None:
        """Serve the request at the buffer's start, hand the connection over, or wait for bytes."""
        if self._pending is None:
            self._pending = self._frame()
            if self._pending is None:
                return
        head, start, length = self._pending
        buffer = self._buffer
        if len(buffer) < start + length:
            return  # the body is on its way
            return
        self._pending = None
        with memoryview(buffer) as view:  # (one copy of the body, not two)
            body = bytes(view[start:start + length])
        del buffer[:start + length]
        headers: "CIMultiDictProxy[str]" = CIMultiDictProxy(CIMultiDict(
            (name.decode("utf-8", "surrogateescape"), value.decode("utf-8", "surrogateescape"))
            for name, value in head.pairs
        ))
        content_length = length if "Content-Length" in headers else None  # (as aiohttp: None when not sent)
        request = LeanRequest("POST", head.target.decode("ascii"), headers, content_length, body, self._remote,
                              self._server.secure)
        self._serving = asyncio.get_running_loop().create_task(self._serve(request, not head.keep_alive))

    def _frame(self) -> Optional[Tuple[_Head, int, int]]:
        """The head at the buffer's start, where its body starts and its length; None when the
        head is incomplete (then the connection may idle) or not this front's (handed over)."""
        buffer = self._buffer
        end = buffer.find(_HEAD_END, 0, _MAX_HEAD + 4)
        bare = buffer.find(b"\n\n", 0, _MAX_HEAD + 4 if end < 0 else end)  # bare line feeds: aiohttp judges
        if end < 0 or bare >= 0:
            if bare >= 0 or len(buffer) > _MAX_HEAD:
                self._hand_over()
            return None
        head = _Head()
        parser = head.parser
        assert parser is not None
        try:
            parser.feed_data(bytes(buffer[:end + 4]))
        except httptools.HttpParserError:
            self._hand_over()
            return None
        finally:
            head.parser = None  # (no reference cycle left for the collector)
        length = self._lean_length(head)
        if length is None:
            self._hand_over()
            return None
        return head, end + 4, length

    def _lean_length(self, head: _Head) -> Optional[int]:
        """The body length of a request this front serves (None: aiohttp's to serve)."""
        if not (head.complete and head.plain):
            return None
        target = head.target
        if (len(target) > _MAX_FIELD or not _PLAIN_TARGET.fullmatch(target) or target.startswith(self._server.handed_over)
                or len(head.pairs) > _MAX_HEADERS):
            return None
        length = 0
        lengths = 0
        for name, value in head.pairs:
            if len(name) > _MAX_FIELD or len(value) > _MAX_FIELD:
                return None
            lowered = name.lower()
            if lowered in _HANDED_OVER_HEADERS:
                return None
            if lowered == b"content-length":
                lengths += 1
                if not value.isdigit() or len(value) > 18:
                    return None
                length = int(value)
        if lengths > 1 or length > self._server.max_body:
            return None
        return length

    def _hand_over(self) -> None:
        """Give the connection, and every byte not yet served, to aiohttp's protocol."""
        transport = self._transport
        if transport is None:
            return
        self._server.connections.discard(self)
        self._transport = None
        if self._idle is not None:
            self._idle.cancel()
        protocol = self._server.fallback()
        transport.set_protocol(protocol)
        protocol.connection_made(transport)
        if self._paused:
            transport.resume_reading()
        if self._buffer:
            protocol.data_received(bytes(self._buffer))
        self._buffer.clear()

    def _check_idle(self) -> None:
        """Close the connection when no byte came for ``_KEEPALIVE_SECONDS`` while no request was
        in flight; else look again when that could first be true."""
        if self._transport is None:
            return
        loop = asyncio.get_running_loop()
        due = self._last_byte + _KEEPALIVE_SECONDS
        if self._serving is not None:
            due = loop.time() + _KEEPALIVE_SECONDS
        elif due <= loop.time():
            self._transport.close()
            return
        self._idle = loop.call_at(due, self._check_idle)

    # --- serving -------------------------------------------------------------------------
    async def _serve(self, request: LeanRequest, close: bool) -> None:
        """Answer one request; then, unless closing, the next one in the buffer (the next is
        framed only after this answer is written and the transport takes more)."""
        try:
            response = await self._server.handler(request)
            head, body = _response_bytes(response, close)
        except asyncio.CancelledError:
            self._serving = None
            raise
        except Exception as exc:  # the pipeline answers every failure itself: a bug of this front
            logger.error("internal error (%s) in the lean HTTP front; stack:\n%s", type(exc).__name__,
                         "".join(traceback.format_tb(exc.__traceback__)))
            head, body, close = _INTERNAL_ERROR, b"", True
        if self._transport is not None:
            self._transport.writelines((head, body))
            self._last_byte = self._loop_time()
            if close:
                self._transport.close()
            elif self._writable is not None:
                await self._writable
        self._serving = None
        if self._transport is None or close or self._closing:
            return
        if self._paused:
            self._transport.resume_reading()
            self._paused = False
        self._next()

    async def finish(self, grace: float) -> None:
        """Let the request in flight finish (up to ``grace`` seconds), then close."""
        self._closing = True  # (no request after it)
        serving = self._serving
        if serving is not None:
            await asyncio.wait([serving], timeout=grace)
            serving.cancel()
        if self._transport is not None:
            self._transport.close()


_INTERNAL_ERROR = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class LeanServer:
    """A listener's lean front: its one handler, the path prefixes it hands over, aiohttp's
    protocol factory for those, and the connections it serves."""

    def __init__(self, handler: _Handler, handed_over: Sequence[str], fallback: Callable[[], asyncio.Protocol],
                 max_body: int, secure: bool) -> None:
        self.handler = handler
        self.handed_over = tuple(prefix.encode("ascii") for prefix in handed_over)
        self.fallback = fallback
        self.max_body = max_body
        self.secure = secure
        self.connections: Set[_Connection] = set()
        self._server: Optional[asyncio.AbstractServer] = None

    def __call__(self) -> asyncio.Protocol:
        return _Connection(self)

    async def start(self, host: str, port: int, tls: Any) -> int:
        """Listen on ``host``:``port`` (0: any free port); the port bound."""
        self._server = await asyncio.get_running_loop().create_server(self, host, port, ssl=tls)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self, grace: float) -> None:
        """Stop listening; requests in flight finish (up to ``grace`` seconds), then every
        connection of this front closes (handed-over ones are aiohttp's to close)."""
        if self._server is not None:
            # (close() shuts the listening sockets at once; wait_closed() would wait, from Python
            # 3.12, for the handed-over connections too, which aiohttp closes after this)
            self._server.close()
            self._server = None
        await asyncio.gather(*(connection.finish(grace) for connection in list(self.connections)))
