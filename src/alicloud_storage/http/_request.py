"""A request's head as both transports send it: one set of default headers in one order,
so the sync and the async transport put the same bytes on the wire.

Order: ``Host`` (the given one, else the URL's authority), the request's headers as given,
``Content-Length`` (when the body's length is known; also 0 for a bodiless POST/PUT),
``User-Agent``, ``Accept-Encoding: identity`` (bodies are never decoded), then
``Transfer-Encoding: chunked`` for a body of unknown length (last, where aiohttp puts it).
No Content-Type is ever added. ``Expect: 100-continue`` is sent when the request has it,
or when the transport's threshold says so for a large or unknown-length body.
"""
from __future__ import annotations

import functools
import re
from typing import List, NamedTuple, Optional
from urllib.parse import urlsplit

from alicloud_storage._version import __version__
from alicloud_storage.http import errors
from alicloud_storage.http.models import Request

__all__ = ["Origin", "RequestHead", "encode_head", "USER_AGENT"]

USER_AGENT = f"alicloud-storage/{__version__}"
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^#]*)")
_BAD_TARGET = re.compile(r"[\x00-\x20\x7f]")
_BODYLESS_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "TRACE"})
_FRAMING = frozenset({"host", "content-length", "transfer-encoding"})


class Origin(NamedTuple):
    """Where a request goes: the pool key, the socket address and the Host header."""

    scheme: str
    host: str
    port: int
    authority: str


class RequestHead(NamedTuple):
    """The encoded head and how the body follows it."""

    origin: Origin
    lines: List[str]  # request line, then "Name: value" lines
    data: bytes  # the head's bytes, up to and including the blank line
    length: Optional[int]  # bytes of body to send; None: chunked
    expect_continue: bool


def encode_head(request: Request, expect_threshold: Optional[int] = None) -> RequestHead:
    """The head of ``request``; ``expect_threshold`` adds ``Expect: 100-continue`` to
    bodies of at least that many bytes or of unknown length."""
    match = _URL.match(request.url)
    if match is None:
        raise errors.TransportError("malformed URL")
    origin = _origin(match.group(1).lower(), match.group(2))
    target = match.group(3) or "/"
    if target[0] == "?":
        target = "/" + target
    if _BAD_TARGET.search(target):
        raise errors.TransportError("URL path or query holds whitespace or control characters")
    host = f"Host: {origin.authority}"
    lines = [f"{request.method} {target} HTTP/1.1", host]
    given = set()
    declared: Optional[str] = None
    chunked = False
    expect = False
    for name, value in request.headers.items():
        key = name.lower()
        given.add(key)
        if key in _FRAMING:
            if key == "host":
                lines[1] = f"{name}: {value}"
            elif key == "content-length":
                declared = value
            elif value.strip().lower() == "chunked":
                chunked = True
            else:
                raise ValueError("Transfer-Encoding other than chunked is not supported")
            continue
        if key == "expect" and value.strip().lower() == "100-continue":
            expect = True
        lines.append(f"{name}: {value}")
    length = None if chunked else _length(request, declared)
    if length is not None and (length or request.method not in _BODYLESS_METHODS):
        lines.append(f"Content-Length: {length}")
    if "user-agent" not in given:
        lines.append(f"User-Agent: {USER_AGENT}")
    if "accept-encoding" not in given:
        lines.append("Accept-Encoding: identity")  # bodies are read as sent, never decoded
    if not expect and expect_threshold is not None and (length is None or length >= expect_threshold):
        lines.append("Expect: 100-continue")
        expect = True
    if length is None:
        lines.append("Transfer-Encoding: chunked")
    text = "\r\n".join(lines) + "\r\n\r\n"
    if text.count("\n") != len(lines) + 1 or text.count("\r") != len(lines) + 1:
        raise ValueError("header names and values must not hold CR or LF")
    return RequestHead(origin, lines, text.encode("latin-1"), length, expect)


def _length(request: Request, declared: Optional[str]) -> Optional[int]:
    """The body length to send: the body's own, else a given Content-Length, else None."""
    length = request.body_length
    if declared is None:
        return length
    if not declared.strip().isdigit():
        raise ValueError("the Content-Length header is not a non-negative integer")
    if length is not None and int(declared) != length:
        raise ValueError(f"the Content-Length header says {declared.strip()} bytes, the body has {length}")
    return int(declared)


@functools.lru_cache(maxsize=64)
def _origin(scheme: str, authority: str) -> Origin:
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
    return Origin(scheme, parts.hostname, port, authority.rpartition("@")[2])
