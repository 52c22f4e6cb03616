"""HTTP transport shared by every client; knows no service.

Sans-IO values (Request, Response, Timeout, TLSConfig), a pooled sync transport
(HTTP/1.1 on sockets), an asyncio transport (aiohttp), mock transports for unit tests,
transport errors and header redaction. The sockets/ssl code and aiohttp are imported
only when a transport is built, so importing this package stays light.
"""
from alicloud_storage.http.aio import AsyncTransport
from alicloud_storage.http.base import AsyncBaseTransport, BaseTransport
from alicloud_storage.http.config import Timeout, TimeoutLike, TLSConfig, TLSVersionLike
from alicloud_storage.http.errors import (
    ConnectError,
    ConnectTimeoutError,
    ReadError,
    ReadTimeoutError,
    TLSError,
    TransportError,
    TransportTimeout,
)
from alicloud_storage.http.mock import AsyncMockTransport, MockTransport
from alicloud_storage.http.models import SENSITIVE_HEADERS, Request, Response, redact_headers
from alicloud_storage.http.sync import SyncTransport

__all__ = [
    "AsyncBaseTransport",
    "AsyncMockTransport",
    "AsyncTransport",
    "BaseTransport",
    "ConnectError",
    "ConnectTimeoutError",
    "MockTransport",
    "ReadError",
    "ReadTimeoutError",
    "Request",
    "Response",
    "SENSITIVE_HEADERS",
    "SyncTransport",
    "TLSConfig",
    "TLSError",
    "TLSVersionLike",
    "Timeout",
    "TimeoutLike",
    "TransportError",
    "TransportTimeout",
    "redact_headers",
]
