"""A sans-IO HTTP/1.1 response parser: bytes in, events out, no socket (the h11 pattern).

Feed what the connection received with ``receive_data(data)`` (``b""`` once the peer
closed) and take events with ``next_event()``:

    InformationalResponse   a 1xx head before the final one (101 counts as final)
    ResponseHead            the final head: status, reason, headers, keep_alive
    bytes                   a piece of the body (never empty)
    EndOfMessage            the body is complete (its trailers, if chunked)
    NEED_DATA               nothing more until more bytes (or the close) arrive

The body is framed by the request method (HEAD: none), the status (1xx, 204, 304: none),
``Transfer-Encoding: chunked`` (which wins over Content-Length, and then the connection is
not reused), Content-Length, or else the peer closing. Bad input raises ProtocolError
naming what is wrong (never a header value: headers may hold signatures).

For speed, when the next bytes are plain body bytes of known extent and nothing is
buffered, ``direct_read_limit()`` says how many may be read straight into the caller's
buffer and ``direct_read_done(n)`` accounts for them, so large bodies skip one copy.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple, Union

from alicloud_storage.http.errors import ReadError
from alicloud_storage.http.models import response_headers

__all__ = [
    "EndOfMessage",
    "InformationalResponse",
    "NEED_DATA",
    "NeedData",
    "ProtocolError",
    "ResponseHead",
    "ResponseParser",
]

MAX_HEAD = 65536  # bytes of a response head (status line and headers) or of a trailer section
_MAX_CHUNK_LINE = 1024
_UNBOUNDED = 1 << 62  # a close-delimited body's direct-read limit
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_HEX = frozenset(b"0123456789abcdefABCDEF")

# parser states (_END: the body is complete, EndOfMessage not yet handed out)
_HEAD, _LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_END, _TRAILERS, _TO_CLOSE, _END, _DONE = range(9)


class ProtocolError(ReadError):
    """The server's bytes are not a valid HTTP/1.1 response; the message says what is wrong."""


class NeedData:
    """Event: more bytes (or the close) are needed before the next event."""

    def __repr__(self) -> str:
        return "NEED_DATA"


NEED_DATA = NeedData()


class InformationalResponse:
    """Event: an interim 1xx response (e.g. ``100 Continue``)."""

    __slots__ = ("status", "reason", "headers")

    def __init__(self, status: int, reason: str, headers: Dict[str, str]) -> None:
        self.status, self.reason, self.headers = status, reason, headers


class ResponseHead:
    """Event: the final response's status line and headers (lowercase names)."""

    __slots__ = ("status", "reason", "headers", "http_version")

    def __init__(self, status: int, reason: str, headers: Dict[str, str], http_version: str) -> None:
        self.status, self.reason, self.headers, self.http_version = status, reason, headers, http_version


class EndOfMessage:
    """Event: the body is complete; ``trailers`` holds a chunked body's trailer fields."""

    __slots__ = ("trailers",)

    def __init__(self, trailers: Dict[str, str]) -> None:
        self.trailers = trailers


Event = Union[InformationalResponse, ResponseHead, bytes, EndOfMessage, NeedData]


class ResponseParser:
    """Parses one response to a request (``head_only`` for HEAD: no body whatever the headers)."""

    __slots__ = ("_buf", "_state", "_remaining", "_eof", "_head_only", "keep_alive", "received")

    def __init__(self, head_only: bool = False) -> None:
        self._buf = b""
        self._state = _HEAD
        self._remaining = 0  # body or chunk bytes still to come
        self._eof = False
        self._head_only = head_only
        self.keep_alive = False  # known after the head; cleared if the framing forbids reuse
        self.received = 0  # body bytes handed out so far

    @property
    def complete(self) -> bool:
        """True once every byte of the response has been parsed."""
        return self._state >= _END

    @property
    def reusable(self) -> bool:
        """True if the connection may carry another request: complete, keep-alive, nothing extra."""
        return self._state >= _END and self.keep_alive and not self._buf and not self._eof

    def length_remaining(self) -> Optional[int]:
        """Body bytes still to come of a Content-Length framed body (None: other framing)."""
        return self._remaining if self._state == _LENGTH else None

    def receive_data(self, data: bytes) -> None:
        """Add received bytes; ``b""`` means the peer closed the connection."""
        if not data:
            self._eof = True
        elif self._buf:
            self._buf += data
        else:
            self._buf = data

    def direct_read_limit(self) -> int:
        """How many body bytes may be read straight from the socket now (0: feed the parser)."""
        if self._buf or self._eof:
            return 0
        if self._state == _LENGTH or self._state == _CHUNK_DATA:
            return self._remaining
        return _UNBOUNDED if self._state == _TO_CLOSE else 0

    def direct_read_done(self, count: int) -> None:
        """Account for ``count`` body bytes read directly (0: the peer closed)."""
        if count == 0:
            self.receive_data(b"")
            return
        self.received += count
        if self._state != _TO_CLOSE:
            self._remaining -= count
            if self._remaining == 0:
                self._state = _END if self._state == _LENGTH else _CHUNK_END

    def next_event(self, limit: Optional[int] = None) -> Event:
        """The next event, NEED_DATA if the buffered bytes do not complete one; a body
        piece holds at most ``limit`` bytes."""
        state = self._state
        if state == _LENGTH or state == _CHUNK_DATA:
            return self._take_body(limit)
        if state == _END:
            self._state = _DONE
            return EndOfMessage({})
        if state == _HEAD:
            return self._parse_head()
        if state == _TO_CLOSE:
            if self._buf:
                data = self._buf
                if limit is not None and len(data) > limit:
                    data, self._buf = data[:limit], data[limit:]
                else:
                    self._buf = b""
                self.received += len(data)
                return data
            if self._eof:
                self._state = _DONE
                return EndOfMessage({})
            return NEED_DATA
        if state == _CHUNK_END:
            if self._buf[:2] != b"\r\n"[:len(self._buf)]:
                raise ProtocolError("chunk data is not followed by CRLF")
            if len(self._buf) < 2:
                return self._need("chunk data")
            self._buf = self._buf[2:]
            self._state = _CHUNK_SIZE
            return self._parse_chunk_size(limit)
        if state == _CHUNK_SIZE:
            return self._parse_chunk_size(limit)
        if state == _TRAILERS:
            return self._parse_trailers()
        raise ProtocolError("the response is already complete")

    # -- internals --------------------------------------------------------------------

    def _need(self, what: str) -> NeedData:
        if self._eof:
            raise ProtocolError(f"the server closed the connection in the middle of the {what}")
        return NEED_DATA

    def _take_body(self, limit: Optional[int]) -> Union[bytes, NeedData]:
        buf = self._buf
        if not buf:
            if self._eof:
                where = "body" if self._state == _LENGTH else "chunk data"
                raise ProtocolError(
                    f"the server closed the connection in the middle of the {where}"
                    f" ({self._remaining} bytes missing)"
                )
            return NEED_DATA
        remaining = self._remaining if limit is None else min(self._remaining, limit)
        if len(buf) <= remaining:
            data, self._buf = buf, b""
        else:
            data, self._buf = buf[:remaining], buf[remaining:]
        self._remaining -= len(data)
        self.received += len(data)
        if self._remaining == 0:
            self._state = _END if self._state == _LENGTH else _CHUNK_END
        return data

    def _parse_head(self) -> Event:
        buf = self._buf
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            if len(buf) > MAX_HEAD:
                raise ProtocolError(f"the response head exceeds {MAX_HEAD} bytes")
            if self._eof and not buf:
                raise ProtocolError("the server closed the connection before any response")
            return self._need("response head")
        if end > MAX_HEAD:
            raise ProtocolError(f"the response head exceeds {MAX_HEAD} bytes")
        version, status, reason, headers = _parse_head(buf[:end])
        self._buf = buf[end + 4:]
        if 100 <= status < 200 and status != 101:
            return InformationalResponse(status, reason, headers)
        self._frame(version, status, headers)
        return ResponseHead(status, reason, headers, version)

    def _frame(self, version: str, status: int, headers: Dict[str, str]) -> None:
        """Choose the body framing (RFC 9112 section 6.3) and whether the connection lives on."""
        connection = headers.get("connection", "").lower()
        self.keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
        transfer_encoding = headers.get("transfer-encoding")
        length = headers.get("content-length")
        if self._head_only or status < 200 or status in (204, 304):
            self._state = _END
        elif transfer_encoding is not None:
            if transfer_encoding.rsplit(",", 1)[-1].strip().lower() == "chunked":
                self._state = _CHUNK_SIZE
                if length is not None:  # both framings: chunked wins, the connection is not reused
                    self.keep_alive = False
            else:  # a final coding other than chunked: the body runs to the close
                self._state, self.keep_alive = _TO_CLOSE, False
        elif length is not None:
            self._remaining = _content_length(length)
            self._state = _LENGTH if self._remaining else _END
        else:
            self._state, self.keep_alive = _TO_CLOSE, False

    def _parse_chunk_size(self, limit: Optional[int]) -> Event:
        buf = self._buf
        end = buf.find(b"\r\n")
        if end < 0:
            if len(buf) > _MAX_CHUNK_LINE:
                raise ProtocolError(f"chunk size line exceeds {_MAX_CHUNK_LINE} bytes")
            return self._need("chunk size line")
        line = buf[:end]
        digits = line.split(b";", 1)[0].strip(b" \t")
        if not digits or len(digits) > 16 or not _HEX.issuperset(digits):
            raise ProtocolError(f"malformed chunk size line: {_show(line)}")
        self._buf = buf[end + 2:]
        size = int(digits, 16)
        if size:
            self._remaining, self._state = size, _CHUNK_DATA
            return self._take_body(limit)
        self._state = _TRAILERS
        return self._parse_trailers()

    def _parse_trailers(self) -> Event:
        buf = self._buf
        if buf[:2] == b"\r\n":
            trailers: Dict[str, str] = {}
            self._buf = buf[2:]
        else:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > MAX_HEAD:
                    raise ProtocolError(f"the trailer section exceeds {MAX_HEAD} bytes")
                return self._need("trailer section")
            trailers = response_headers(_parse_fields(buf[:end].decode("latin-1").split("\r\n"), "trailer"))
            self._buf = buf[end + 4:]
        self._state = _DONE
        return EndOfMessage(trailers)


def _show(raw: bytes) -> str:
    """A short printable rendering of a framing line for an error message."""
    return repr(raw[:40]) + ("..." if len(raw) > 40 else "")


def _parse_head(raw: bytes) -> Tuple[str, int, str, Dict[str, str]]:
    """Version, status, reason and headers (lowercase names) of a response head."""
    lines = raw.decode("latin-1").split("\r\n")
    status_line = lines[0]
    parts = status_line.split(" ", 2)
    if (
        len(parts) < 2
        or parts[0] not in ("HTTP/1.1", "HTTP/1.0")
        or len(parts[1]) != 3
        or not parts[1].isdigit()
    ):
        raise ProtocolError(f"malformed status line: {_show(status_line.encode('latin-1'))}")
    reason = parts[2] if len(parts) == 3 else ""
    return parts[0], int(parts[1]), reason, response_headers(_parse_fields(lines[1:], "header"))


_VALID_NAMES: Dict[str, bool] = {}  # field names already checked (responses repeat them)


def _parse_fields(lines: List[str], kind: str) -> List[Tuple[str, str]]:
    """Name/value pairs of header (or trailer) lines; obsolete line folding is unfolded."""
    pairs: List[Tuple[str, str]] = []
    for number, line in enumerate(lines, 1):
        name, colon, value = line.partition(":")
        if name not in _VALID_NAMES:
            if line[:1] in (" ", "\t"):
                if not pairs:
                    raise ProtocolError(f"malformed {kind} line {number}: continuation without a field")
                previous, folded = pairs[-1]
                pairs[-1] = (previous, f"{folded} {line.strip()}")
                continue
            if not colon:
                raise ProtocolError(f"malformed {kind} line {number}: no colon")
            if not name or not _TOKEN.issuperset(name.encode("latin-1")):
                raise ProtocolError(f"malformed {kind} line {number}: invalid field name")
            if len(_VALID_NAMES) < 1024:
                _VALID_NAMES[name] = True
        pairs.append((name, value.strip(" \t")))
    return pairs


def _content_length(value: str) -> int:
    """The body length; a repeated header arrives joined ("5, 5") and must agree."""
    if value.isdigit() and value.isascii():
        return int(value)
    values = {item.strip() for item in value.split(",")}
    if len(values) != 1:
        raise ProtocolError("conflicting Content-Length values")
    text = values.pop()
    if not text.isdigit() or not text.isascii():
        raise ProtocolError("malformed Content-Length (not a non-negative integer)")
    return int(text)
