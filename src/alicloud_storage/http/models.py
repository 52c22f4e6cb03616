"""Sans-IO request and response values, and header redaction for logs and reprs.

Request headers are a ``Mapping[str, str]`` sent as given (names keep their case).
A request body is ``bytes``, a binary file object, an iterable of ``bytes`` or (async
transport only) an async iterable of ``bytes``; the transports read it through
``iter_body``/``aiter_body``, so both send the same chunks. Response headers are a
``dict`` with lowercase names; a repeated header's values are joined with ``", "``.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import IO, AsyncIterable, AsyncIterator, Dict, Iterable, Iterator, Mapping, Optional, Tuple, Union

__all__ = [
    "BODY_CHUNK",
    "Request",
    "RequestBody",
    "Response",
    "SENSITIVE_HEADERS",
    "redact_headers",
    "response_headers",
]

RequestBody = Union[bytes, bytearray, memoryview, IO[bytes], Iterable[bytes], AsyncIterable[bytes]]
BODY_CHUNK = 262144  # bytes read from a file body at a time

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "x-ots-signature",
        "x-ots-signaturev4",
        "x-ots-ststoken",
        "x-oss-security-token",
        "x-acs-security-token",
        "x-aliyun-ecs-metadata-token",  # the IMDSv2 session token of the ECS metadata service
    }
)
_MASK = "***"


def redact_headers(headers: Mapping[str, str]) -> Dict[str, str]:
    """A copy of ``headers`` safe to log: signatures and security tokens masked."""
    return {k: (_MASK if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}


def response_headers(pairs: Iterable[Tuple[str, str]]) -> Dict[str, str]:
    """Response headers as a dict: names lowercased, repeated values joined with ", "."""
    headers: Dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _repr(kind: str, head: str, headers: Mapping[str, str], size: Optional[int]) -> str:
    """A request's or response's repr: headers redacted, the body only by its size."""
    body = "stream" if size is None else f"{size} bytes"
    return f"{kind}({head}, headers={redact_headers(headers)!r}, body=<{body}>)"


@dataclass(frozen=True)
class Request:
    """One HTTP request to send; ``url`` is absolute (``https://host/path``)."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: RequestBody = b""

    def __post_init__(self) -> None:
        body = self.body
        start: Optional[int] = None
        if type(body) is bytes or isinstance(body, (bytes, bytearray)):
            length: Optional[int] = len(body)
        elif isinstance(body, memoryview):
            length = body.nbytes
        elif callable(getattr(body, "read", None)):
            start, length = _file_extent(body)  # type: ignore[arg-type]
        elif (hasattr(body, "__iter__") or hasattr(body, "__aiter__")) and not isinstance(body, str):
            length = None
        else:
            raise TypeError(f"a request body is bytes, a binary file or an iterable of bytes, not {type(body).__name__}")
        object.__setattr__(self, "_start", start)  # where a seekable file body begins
        object.__setattr__(self, "_length", length)
        object.__setattr__(self, "_read", False)  # some of a stream body has been taken

    @property
    def body_length(self) -> Optional[int]:
        """The body's size in bytes (sent as Content-Length), None if unknown (sent chunked)."""
        length: Optional[int] = self.__dict__["_length"]
        return length

    @property
    def body_rewindable(self) -> bool:
        """True if the body can be sent again after a (partial) send: bytes or a seekable file."""
        return self.__dict__["_start"] is not None or isinstance(self.body, (bytes, bytearray, memoryview))

    def rewind(self) -> bool:
        """Put the body back at its start before the request is sent again; False if it cannot
        be (a stream or an unseekable file that was partly read): do not resend then."""
        start: Optional[int] = self.__dict__["_start"]
        if start is not None:
            self.body.seek(start)  # type: ignore[union-attr]
            return True
        return not self.__dict__["_read"] or isinstance(self.body, (bytes, bytearray, memoryview))

    def iter_body(self, chunk_size: int = BODY_CHUNK) -> Iterator[bytes]:
        """The body as non-empty chunks: one for bytes, ``chunk_size`` reads for a file, the
        items of an iterable. A file body of known length yields exactly that many bytes."""
        body = self.body
        if isinstance(body, (bytes, bytearray, memoryview)):
            if self.body_length:
                yield bytes(body) if type(body) is not bytes else body
            return
        if hasattr(body, "__aiter__") and not hasattr(body, "__iter__"):
            raise TypeError("an async iterable body can only be sent by the async transport")
        object.__setattr__(self, "_read", True)
        if callable(getattr(body, "read", None)):
            yield from _read_file(body, self.body_length, chunk_size)  # type: ignore[arg-type]
            return
        for chunk in body:  # type: ignore[union-attr]
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise TypeError(f"a body iterable must yield bytes, not {type(chunk).__name__}")
            if chunk:
                yield bytes(chunk) if type(chunk) is not bytes else chunk

    async def aiter_body(self, chunk_size: int = BODY_CHUNK) -> AsyncIterator[bytes]:
        """``iter_body`` for the async transport, which also takes an async iterable body."""
        body = self.body
        if hasattr(body, "__aiter__"):
            object.__setattr__(self, "_read", True)
            async for chunk in body:
                if not isinstance(chunk, (bytes, bytearray, memoryview)):
                    raise TypeError(f"a body iterable must yield bytes, not {type(chunk).__name__}")
                if chunk:
                    yield bytes(chunk) if type(chunk) is not bytes else chunk
            return
        for chunk in self.iter_body(chunk_size):
            yield chunk

    def __repr__(self) -> str:
        head = f"method={self.method!r}, url={self.url!r}"
        return _repr("Request", head, self.headers, self.body_length)


@dataclass(frozen=True)
class Response:
    """One HTTP response, body fully read; header names are lowercase."""

    status: int
    reason: str = ""
    headers: Dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __repr__(self) -> str:
        return _repr("Response", f"status={self.status!r}, reason={self.reason!r}", self.headers, len(self.body))


def _file_extent(body: IO[bytes]) -> Tuple[Optional[int], Optional[int]]:
    """Where a file body starts (None: not seekable) and how many bytes it has left (None: unknown)."""
    try:
        seekable = body.seekable()
    except (AttributeError, ValueError, OSError):
        seekable = False
    if not seekable:
        return None, None
    start = body.tell()
    try:
        info = os.fstat(body.fileno())
        if stat.S_ISREG(info.st_mode):
            return start, max(info.st_size - start, 0)
    except (AttributeError, ValueError, OSError):  # no descriptor (BytesIO)
        pass
    end = body.seek(0, os.SEEK_END)
    body.seek(start)
    return start, max(end - start, 0)


def _read_file(body: IO[bytes], length: Optional[int], chunk_size: int) -> Iterator[bytes]:
    """A file body in chunks: ``length`` bytes exactly when known, else up to the end."""
    if length is None:
        while True:
            chunk = body.read(chunk_size)
            if not chunk:
                return
            yield chunk
    left = length
    while left:
        chunk = body.read(min(chunk_size, left))
        if not chunk:
            raise ValueError(f"the file body ended {left} bytes short of its size")
        left -= len(chunk)
        yield chunk
