"""STS client errors.

    StsError                 base
     ├── StsClientError      no usable answer: network failure, timeout, malformed response
     └── StsServiceError     the service answered with an error (code, message, ...)

Messages never hold a secret, a token or a signature.
"""
from __future__ import annotations

from typing import Optional

__all__ = ["StsError", "StsClientError", "StsServiceError"]


class StsError(Exception):
    """Base of every STS client error."""


class StsClientError(StsError):
    """No usable answer from the service (transport failure or unreadable response)."""


class StsServiceError(StsError):
    """The service refused the call; attributes as the service sends them."""

    def __init__(
        self, code: str, message: str, http_status: int, request_id: Optional[str] = None
    ) -> None:
        super().__init__(f"{code}: {message} (HTTP {http_status}, RequestId {request_id})")
        self.code = code
        self.message = message
        self.http_status = http_status
        self.request_id = request_id
