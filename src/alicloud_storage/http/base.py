"""The transport interface: ``send`` returns a Response read whole, ``stream`` one whose
body is read as it arrives (by default: sent whole, served from memory)."""
from __future__ import annotations

import abc
from types import TracebackType
from typing import Optional, Type, TypeVar

from alicloud_storage.http.config import Timeout
from alicloud_storage.http.models import Request, Response
from alicloud_storage.http.streaming import AsyncStreamingResponse, StreamingResponse

__all__ = ["BaseTransport", "AsyncBaseTransport"]

_T = TypeVar("_T", bound="BaseTransport")
_AT = TypeVar("_AT", bound="AsyncBaseTransport")


class BaseTransport(abc.ABC):
    """Sends one request (no retries, no redirects); raises TransportError subclasses."""

    @abc.abstractmethod
    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        """Send ``request`` and return the fully read response."""

    def stream(self, request: Request, timeout: Optional[Timeout] = None) -> StreamingResponse:
        """Send ``request``; the response's body is read from the returned stream (close it)."""
        return StreamingResponse.from_response(self.send(request, timeout))

    def close(self) -> None:
        """Release pooled connections; a later send opens new ones."""

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncBaseTransport(abc.ABC):
    """The asyncio twin of BaseTransport."""

    @abc.abstractmethod
    async def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        """Send ``request`` and return the fully read response."""

    async def stream(self, request: Request, timeout: Optional[Timeout] = None) -> AsyncStreamingResponse:
        """Send ``request``; the response's body is read from the returned stream (close it)."""
        return AsyncStreamingResponse.from_response(await self.send(request, timeout))

    async def close(self) -> None:
        """Release pooled connections; a later send opens new ones."""

    async def __aenter__(self: _AT) -> _AT:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()
