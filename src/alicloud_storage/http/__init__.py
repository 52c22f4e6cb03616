"""HTTP transport shared by every client; knows no service.

Sans-IO values (Request, Response, Timeout, TLSConfig), a pooled sync transport
(HTTP/1.1 on sockets), an asyncio transport (aiohttp), streamed request and response
bodies, mock transports for unit tests, transport errors and header redaction. The
sockets/ssl code and aiohttp are imported only when a transport is built, so importing
this package stays light.
"""
from alicloud_storage.http.aio import AsyncTransport
from alicloud_storage.http.base import AsyncBaseTransport, BaseTransport
from alicloud_storage.http.config import Timeout, TimeoutLike, TLSConfig, TLSVersionLike
from alicloud_storage.http.errors import (
    ConnectError,
    ConnectTimeoutError,
    PoolTimeout,
    ReadError,
    ReadTimeoutError,
    TLSError,
    TransportError,
    TransportTimeout,
    WriteTimeoutError,
)
from alicloud_storage.http.mock import AsyncMockTransport, MockTransport
from alicloud_storage.http.models import SENSITIVE_HEADERS, Request, RequestBody, Response, redact_headers
from alicloud_storage.http.streaming import AsyncStreamingResponse, StreamingResponse
from alicloud_storage.http.sync import SyncTransport

__all__ = [
    "AsyncBaseTransport",
    "AsyncMockTransport",
    "AsyncStreamingResponse",
    "AsyncTransport",
    "BaseTransport",
    "ConnectError",
    "ConnectTimeoutError",
    "MockTransport",
    "PoolTimeout",
    "ReadError",
    "ReadTimeoutError",
    "Request",
    "RequestBody",
    "Response",
    "SENSITIVE_HEADERS",
    "StreamingResponse",
    "SyncTransport",
    "TLSConfig",
    "TLSError",
    "TLSVersionLike",
    "Timeout",
    "TimeoutLike",
    "TransportError",
    "TransportTimeout",
    "WriteTimeoutError",
    "redact_headers",
]
