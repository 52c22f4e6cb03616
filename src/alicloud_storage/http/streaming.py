"""Responses whose body is read as it arrives (``transport.stream(request, timeout)``).

A streaming response holds its connection (and its pool slot) until the body has been
read to the end or it is closed: use it as a context manager. Read to the end, the
connection goes back to the pool; closed early, the connection is closed, never
pooled half-read.
"""
from __future__ import annotations

from types import TracebackType
from typing import AsyncIterator, Dict, Iterator, List, Optional, Protocol, Type, TypeVar

from alicloud_storage.http.models import Response, redact_headers

__all__ = ["AsyncBodySource", "AsyncStreamingResponse", "BodySource", "StreamingResponse", "STREAM_CHUNK"]

STREAM_CHUNK = 65536  # default size of the pieces iter_bytes() yields
_WHOLE_CHUNK = 1 << 20
_S = TypeVar("_S", bound="StreamingResponse")
_AS = TypeVar("_AS", bound="AsyncStreamingResponse")


class BodySource(Protocol):
    """Where a StreamingResponse's bytes come from."""

    def read(self, size: int) -> bytes:
        """Up to ``size`` body bytes, ``b""`` at the end of the body."""

    def readinto(self, buffer: memoryview) -> int:
        """Body bytes into ``buffer``; 0 at the end of the body."""

    def close(self) -> None:
        """Give the connection back (body complete) or close it (body not complete)."""


class AsyncBodySource(Protocol):
    """Where an AsyncStreamingResponse's bytes come from."""

    async def read(self, size: int) -> bytes:
        """Up to ``size`` body bytes, ``b""`` at the end of the body."""

    async def close(self) -> None:
        """Give the connection back (body complete) or close it (body not complete)."""


class _BytesSource:
    """A body already in memory (mock transports, the default ``stream``)."""

    def __init__(self, body: bytes) -> None:
        self._view = memoryview(body)
        self._pos = 0

    def read(self, size: int) -> bytes:
        start = self._pos
        self._pos = min(start + size, len(self._view))
        return bytes(self._view[start:self._pos])

    def readinto(self, buffer: memoryview) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._pos = len(self._view)


class _AsyncBytesSource:
    def __init__(self, body: bytes) -> None:
        self._source = _BytesSource(body)

    async def read(self, size: int) -> bytes:
        return self._source.read(size)

    async def close(self) -> None:
        self._source.close()


def _read_all(chunks: List[bytes]) -> bytes:
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class StreamingResponse:
    """Status, reason and headers (lowercase names) now; the body by ``read()``,
    ``iter_bytes(n)``, iteration or ``readinto(buffer)``; ``close()`` ends it early."""

    def __init__(self, status: int, reason: str, headers: Dict[str, str], source: BodySource) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self._source: Optional[BodySource] = source

    @classmethod
    def from_response(cls, response: Response) -> "StreamingResponse":
        """A whole response served as a stream (transports that do not stream)."""
        return cls(response.status, response.reason, response.headers, _BytesSource(response.body))

    @property
    def closed(self) -> bool:
        """True once the body was read to the end or the response was closed."""
        return self._source is None

    def read(self) -> bytes:
        """The rest of the body (then the response is closed)."""
        return _read_all(list(self.iter_bytes(_WHOLE_CHUNK))) if self._source is not None else b""

    def iter_bytes(self, chunk_size: int = STREAM_CHUNK) -> Iterator[bytes]:
        """The rest of the body in pieces of at most ``chunk_size`` bytes."""
        while self._source is not None:
            data = self._source.read(chunk_size)
            if not data:
                self.close()
                return
            yield data

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_bytes()

    def readinto(self, buffer: memoryview) -> int:
        """Body bytes into ``buffer`` (no intermediate copy); 0 at the end of the body."""
        if self._source is None:
            return 0
        count = self._source.readinto(buffer)
        if not count:
            self.close()
        return count

    def close(self) -> None:
        """End the response: a fully read connection is reused, a partly read one closed."""
        source, self._source = self._source, None
        if source is not None:
            source.close()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.close()

    def __del__(self) -> None:  # a forgotten response must not hold its pool slot forever
        if getattr(self, "_source", None) is not None:
            self.close()

    def __repr__(self) -> str:
        return f"StreamingResponse(status={self.status!r}, reason={self.reason!r}, headers={redact_headers(self.headers)!r})"


class AsyncStreamingResponse:
    """The asyncio twin of StreamingResponse: ``await read()``, ``async for`` over
    ``iter_bytes(n)``, ``await close()``, ``async with``."""

    def __init__(self, status: int, reason: str, headers: Dict[str, str], source: AsyncBodySource) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self._source: Optional[AsyncBodySource] = source

    @classmethod
    def from_response(cls, response: Response) -> "AsyncStreamingResponse":
        """A whole response served as a stream (transports that do not stream)."""
        return cls(response.status, response.reason, response.headers, _AsyncBytesSource(response.body))

    @property
    def closed(self) -> bool:
        """True once the body was read to the end or the response was closed."""
        return self._source is None

    async def read(self) -> bytes:
        """The rest of the body (then the response is closed)."""
        return _read_all([chunk async for chunk in self.iter_bytes(_WHOLE_CHUNK)])

    async def iter_bytes(self, chunk_size: int = STREAM_CHUNK) -> AsyncIterator[bytes]:
        """The rest of the body in pieces of at most ``chunk_size`` bytes."""
        while self._source is not None:
            data = await self._source.read(chunk_size)
            if not data:
                await self.close()
                return
            yield data

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.iter_bytes()

    async def close(self) -> None:
        """End the response: a fully read connection is reused, a partly read one closed."""
        source, self._source = self._source, None
        if source is not None:
            await source.close()

    async def __aenter__(self: _AS) -> _AS:
        return self

    async def __aexit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return (
            f"AsyncStreamingResponse(status={self.status!r}, reason={self.reason!r}, "
            f"headers={redact_headers(self.headers)!r})"
        )
