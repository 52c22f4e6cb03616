"""Object bodies: what ``put_object`` accepts and what ``get_object`` hands back.

Upload bodies (bytes, str, a binary file, an iterator of bytes) are turned into bytes
with their CRC-64 by :func:`prepare_body`: the seam where the transport's streamed
bodies will plug in (then only this module changes). Download bodies are
:class:`StreamBody` / :class:`AsyncStreamBody`: read, iterate, close; the CRC-64 is
computed on the way and checked when the whole object has been read.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Iterable, Iterator, Optional

from alicloud_storage.oss.crc64 import Crc64
from alicloud_storage.oss.exceptions import InconsistentError, SerializationError, StreamClosedError

__all__ = ["PreparedBody", "prepare_body", "StreamBody", "AsyncStreamBody", "ProgressFn"]

ProgressFn = Optional[Callable[[int, int, int], Any]]


@dataclass(frozen=True)
class PreparedBody:
    """An upload body ready to send (and to send again on a retry)."""

    data: bytes
    crc64: int


def _read_all(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    read = getattr(body, "read", None)
    if callable(read):
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if isinstance(body, Iterable):
        return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)
    raise SerializationError(error=TypeError(f"unsupported body type {type(body).__name__}"))


def prepare_body(body: Any, progress_fn: ProgressFn = None) -> PreparedBody:
    """Bytes and CRC-64 of an upload body; ``progress_fn(increment, transferred, total)``
    is told once the bytes are ready to go."""
    data = _read_all(body)
    crc = Crc64()
    crc.update(data)
    if progress_fn is not None and data:
        progress_fn(len(data), len(data), len(data))
    return PreparedBody(data, crc.value)


class _Checked:
    """CRC-64 bookkeeping shared by the sync and async bodies."""

    def __init__(self, data: bytes, expected_crc: Optional[int], progress_fn: ProgressFn) -> None:
        self._stream = io.BytesIO(data)
        self._total = len(data)
        self._expected = expected_crc
        self._crc = Crc64()
        self._progress = progress_fn
        self._done = 0
        self._closed = False

    def _take(self, size: int) -> bytes:
        if self._closed:
            raise StreamClosedError()
        chunk = self._stream.read(size if size is not None and size >= 0 else -1)
        if chunk:
            self._crc.update(chunk)
            self._done += len(chunk)
            if self._progress is not None:
                self._progress(len(chunk), self._done, self._total)
        if self._done == self._total and self._expected is not None:
            expected, self._expected = self._expected, None
            if self._crc.value != expected:
                raise InconsistentError(client_crc=self._crc.value, server_crc=expected)
        return chunk

    @property
    def is_closed(self) -> bool:
        """True once closed."""
        return self._closed


class StreamBody(_Checked):
    """A GetObject body: ``read()``, ``iter_bytes()``, ``close()``; a context manager."""

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that remain by default); b"" at the end."""
        return self._take(size)

    @property
    def content(self) -> bytes:
        """The remaining bytes, read whole."""
        return self._take(-1)

    def iter_bytes(self, block_size: int = 16 * 1024) -> Iterator[bytes]:
        """The remaining bytes in blocks."""
        while True:
            chunk = self._take(block_size)
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        """Release the body."""
        self._closed = True

    def __enter__(self) -> "StreamBody":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"StreamBody(<{self._total} bytes>)"


class AsyncStreamBody(_Checked):
    """The async GetObject body: ``await read()``, ``async for chunk in iter_bytes()``."""

    async def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that remain by default); b"" at the end."""
        return self._take(size)

    async def iter_bytes(self, block_size: int = 16 * 1024) -> AsyncIterator[bytes]:
        """The remaining bytes in blocks."""
        while True:
            chunk = self._take(block_size)
            if not chunk:
                return
            yield chunk

    async def close(self) -> None:
        """Release the body."""
        self._closed = True

    async def __aenter__(self) -> "AsyncStreamBody":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AsyncStreamBody(<{self._total} bytes>)"
