"""Object bodies: what ``put_object`` accepts and what ``get_object`` hands back, streamed.

Upload bodies (bytes, str, a binary file, an iterator of bytes) become a
:class:`PreparedBody`: bytes stay bytes; a file or an iterator is wrapped so its CRC-64 is
computed as the transport reads it (memory stays flat whatever the size). A seekable file
is rewound (and its CRC restarted) before a retry; an iterator cannot be sent twice, so a
call with one is not retried. Download bodies are :class:`StreamBody` /
:class:`AsyncStreamBody` over the transport's streaming response: read, iterate, close;
the CRC-64 is computed on the way and checked when the whole object has been read.
"""
from __future__ import annotations

import os
from typing import Any, AsyncIterator, Callable, Iterable, Iterator, Optional

from alicloud_storage.oss.crc64 import Crc64
from alicloud_storage.oss.exceptions import InconsistentError, SerializationError, StreamClosedError

__all__ = ["PreparedBody", "prepare_body", "StreamBody", "AsyncStreamBody", "ProgressFn", "READ_BLOCK"]

ProgressFn = Optional[Callable[[int, int, int], Any]]
READ_BLOCK = 64 * 1024


class _Progress:
    def __init__(self, fn: ProgressFn, total: int) -> None:
        self.fn, self.total, self.done = fn, total, 0

    def add(self, count: int) -> None:
        self.done += count
        if self.fn is not None and count:
            self.fn(count, self.done, self.total)


class _CrcFile:
    """A binary file seen through its CRC-64: reads update it, seeking back restarts it."""

    def __init__(self, file: Any, crc: Crc64, progress: _Progress) -> None:
        self._file, self._crc, self._progress = file, crc, progress
        self._start = file.tell() if file.seekable() else None

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._crc.update(data)
        self._progress.add(len(data))
        return bytes(data)

    def seekable(self) -> bool:
        return self._start is not None

    def tell(self) -> int:
        return int(self._file.tell())

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = int(self._file.seek(offset, whence))
        if position == self._start:
            self._crc.value = 0
            self._progress.done = 0
        return position

    def fileno(self) -> int:
        return int(self._file.fileno())


class PreparedBody:
    """An upload body ready to send, its CRC-64 known once it has been sent."""

    def __init__(self, payload: Any, crc: Crc64, rewindable: bool) -> None:
        self.payload = payload
        self._crc = crc
        self._rewindable = rewindable
        self._sent = False

    @property
    def crc64(self) -> int:
        """The CRC-64 of the bytes sent (of all of them, for bytes)."""
        return self._crc.value

    @property
    def in_memory(self) -> bool:
        """True for a bytes body."""
        return isinstance(self.payload, bytes)

    def restart(self) -> bool:
        """Ready the body for another attempt; False if it cannot be sent again."""
        if isinstance(self.payload, _CrcFile):
            start = self.payload._start
            if start is None:
                return not self._sent
            self.payload.seek(start)
            return True
        if self.in_memory:
            return True
        return not self._sent

    def mark_sent(self) -> None:
        """One attempt took the body."""
        self._sent = True


def _crc_chunks(chunks: Iterable[Any], crc: Crc64, progress: _Progress) -> Iterator[bytes]:
    for chunk in chunks:
        data = chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
        crc.update(data)
        progress.add(len(data))
        yield data


def prepare_body(body: Any, progress_fn: ProgressFn = None) -> PreparedBody:
    """Wrap an upload body so its CRC-64 is computed as it is sent."""
    crc = Crc64()
    if body is None or isinstance(body, (bytes, bytearray, memoryview, str)):
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        crc.update(data)
        _Progress(progress_fn, len(data)).add(len(data))
        return PreparedBody(data, crc, True)
    if callable(getattr(body, "read", None)):
        size = -1
        try:
            if body.seekable():
                size = os.fstat(body.fileno()).st_size - body.tell()
        except (AttributeError, OSError, ValueError):
            size = -1
        return PreparedBody(_CrcFile(body, crc, _Progress(progress_fn, size)), crc, True)
    if isinstance(body, Iterable):
        return PreparedBody(_crc_chunks(body, crc, _Progress(progress_fn, -1)), crc, False)
    raise SerializationError(error=TypeError(f"unsupported body type {type(body).__name__}"))


class _Checked:
    """CRC-64 and progress bookkeeping shared by the sync and async bodies."""

    def __init__(self, response: Any, expected_crc: Optional[int], length: Optional[int],
                 progress_fn: ProgressFn) -> None:
        self._response = response
        self._expected = expected_crc
        self._length = length
        self._crc = Crc64()
        self._progress = _Progress(progress_fn, -1 if length is None else length)
        self._closed = False

    def _account(self, chunk: bytes) -> bytes:
        if chunk:
            self._crc.update(chunk)
            self._progress.add(len(chunk))
        if not chunk or self._progress.done == self._length:
            self._verify()
        return chunk

    def _verify(self) -> None:
        expected, self._expected = self._expected, None
        if expected is not None and self._crc.value != expected:
            raise InconsistentError(client_crc=self._crc.value, server_crc=expected)

    def _check_open(self) -> None:
        if self._closed:
            raise StreamClosedError()

    @property
    def is_closed(self) -> bool:
        """True once closed."""
        return self._closed


class StreamBody(_Checked):
    """A GetObject body: ``read()``, ``iter_bytes()``, ``close()``; a context manager."""

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that remain by default); b"" at the end."""
        self._check_open()
        if size is None or size < 0:
            return b"".join(self.iter_bytes(1 << 20))
        buffer = bytearray(size)
        count = self._response.readinto(memoryview(buffer)) if size else 0
        return self._account(bytes(buffer[:count]))

    @property
    def content(self) -> bytes:
        """The remaining bytes, read whole."""
        return self.read()

    def iter_bytes(self, block_size: int = 16 * 1024) -> Iterator[bytes]:
        """The remaining bytes in blocks."""
        self._check_open()
        for chunk in self._response.iter_bytes(block_size):
            yield self._account(chunk)
        self._account(b"")

    def close(self) -> None:
        """Release the connection (reused when the body was read to the end)."""
        self._closed = True
        self._response.close()

    def __enter__(self) -> "StreamBody":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"StreamBody(<{self._length} bytes>)"


class AsyncStreamBody(_Checked):
    """The async GetObject body: ``await read()``, ``async for chunk in iter_bytes()``."""

    _pending = b""
    _chunks: Optional[AsyncIterator[bytes]] = None

    async def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that remain by default); b"" at the end."""
        self._check_open()
        if size is None or size < 0:
            parts = [self._pending]
            self._pending = b""
            async for chunk in self.iter_bytes(1 << 20):
                parts.append(chunk)
            return b"".join(parts)
        if not self._pending and size:
            if self._chunks is None:
                self._chunks = self._response.iter_bytes(max(size, READ_BLOCK)).__aiter__()
            try:
                self._pending = self._account(await self._chunks.__anext__())
            except StopAsyncIteration:
                return self._account(b"")
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    async def iter_bytes(self, block_size: int = 16 * 1024) -> AsyncIterator[bytes]:
        """The remaining bytes in blocks."""
        self._check_open()
        if self._pending:
            data, self._pending = self._pending, b""
            yield data
        source = self._chunks or self._response.iter_bytes(block_size)
        async for chunk in source:
            yield self._account(chunk)
        self._account(b"")

    async def close(self) -> None:
        """Release the connection."""
        self._closed = True
        await self._response.close()

    async def __aenter__(self) -> "AsyncStreamBody":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AsyncStreamBody(<{self._length} bytes>)"
