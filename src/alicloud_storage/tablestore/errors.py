"""Tablestore errors, with the attribute names of the official SDK.

    OTSError
     ├── OTSClientError          raised on this side: bad arguments, bad responses,
     │    ├── OTSDecodeError     malformed wire data (PlainBuffer / protobuf), with offset
     │    ├── OTSNetworkError    connection failures (retryable for idempotent reads)
     │    │    └── OTSTimeoutError  connect or read timeout
     │    └── OTSResponseCheckError  response failed MD5 / signature / date checks
     └── OTSServiceError         the service answered with an error (code, message, ...)

Code written against the official package's ``except OTSClientError`` /
``except OTSServiceError`` keeps working: the names and attributes
(``http_status``, ``code``, ``message``, ``request_id``) are the same.
"""
from __future__ import annotations

from typing import Optional

__all__ = [
    "OTSError",
    "OTSClientError",
    "OTSDecodeError",
    "OTSNetworkError",
    "OTSTimeoutError",
    "OTSResponseCheckError",
    "OTSServiceError",
]


class OTSError(Exception):
    """Base of every Tablestore error raised by this package."""


class OTSClientError(OTSError):
    """An error detected on the client side (never a secret in ``message``)."""

    def __init__(self, message: str, http_status: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status

    def __str__(self) -> str:
        return self.message

    def get_http_status(self) -> Optional[int]:
        return self.http_status

    def get_error_message(self) -> str:
        return self.message


class OTSDecodeError(OTSClientError):
    """Malformed wire data; ``offset`` is where in the buffer the problem was found."""

    def __init__(self, message: str, offset: Optional[int] = None) -> None:
        text = message if offset is None else f"{message} (at offset {offset})"
        super().__init__(text)
        self.offset = offset


class OTSNetworkError(OTSClientError):
    """The request could not be sent or its response not received.

    ``code`` (with ``message``, ``http_status`` None) lets retry policies written for the
    official SDK, which read ``exception.code``, handle it too.
    """

    code = "OTSNetworkError"


class OTSTimeoutError(OTSNetworkError):
    """A connect or read timeout expired."""

    code = "OTSClientTimeout"


class OTSResponseCheckError(OTSClientError):
    """A response failed the protocol's checks (content MD5, signature, date)."""


class OTSServiceError(OTSError):
    """The service (or the emulator) answered with an error."""

    def __init__(
        self, http_status: int, code: str, message: str, request_id: str = ""
    ) -> None:
        super().__init__(code, message)
        self.http_status = http_status
        self.code = code
        self.message = message
        self.request_id = request_id

    def __str__(self) -> str:
        return (
            f"ErrorCode: {self.code}, ErrorMessage: {self.message}, "
            f"RequestID: {self.request_id}"
        )

    def get_http_status(self) -> int:
        return self.http_status

    def get_error_code(self) -> str:
        return self.code

    def get_error_message(self) -> str:
        return self.message

    def get_request_id(self) -> str:
        return self.request_id
