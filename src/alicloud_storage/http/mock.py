"""Transports that call a function instead of the network, for pure unit tests."""
from __future__ import annotations

import inspect
from typing import Awaitable, Callable, Optional, Union

from alicloud_storage.http.base import AsyncBaseTransport, BaseTransport
from alicloud_storage.http.config import Timeout
from alicloud_storage.http.models import Request, Response

__all__ = ["MockTransport", "AsyncMockTransport", "Handler", "AsyncHandler"]

Handler = Callable[[Request], Response]
AsyncHandler = Callable[[Request], Union[Response, Awaitable[Response]]]


class MockTransport(BaseTransport):
    """Answers each request with ``handler(request)`` (which may raise TransportError)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler

    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        return self.handler(request)


class AsyncMockTransport(AsyncBaseTransport):
    """Answers each request with ``handler(request)``, a plain or a coroutine function."""

    def __init__(self, handler: AsyncHandler) -> None:
        self.handler = handler

    async def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        result = self.handler(request)
        if inspect.isawaitable(result):
            return await result
        return result
