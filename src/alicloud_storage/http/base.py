"""The transport interface: one method that sends a Request and returns a Response."""
from __future__ import annotations

import abc
from types import TracebackType
from typing import Optional, Type, TypeVar

from alicloud_storage.http.config import Timeout
from alicloud_storage.http.models import Request, Response

__all__ = ["BaseTransport", "AsyncBaseTransport"]

_T = TypeVar("_T", bound="BaseTransport")
_AT = TypeVar("_AT", bound="AsyncBaseTransport")


class BaseTransport(abc.ABC):
    """Sends one request (no retries, no redirects); raises TransportError subclasses."""

    @abc.abstractmethod
    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        """Send ``request`` and return the fully read response."""

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
