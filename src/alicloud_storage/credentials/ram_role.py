"""Temporary credentials of a RAM role (STS AssumeRole), cached and refreshed before expiry.

This layer knows no service: the STS clients come from an :class:`StsClientFactory`.
When none is given, the factory the package root installed in ``alicloud_storage._wiring``
is used (``sts.factory.DefaultStsClientFactory``), so ``credentials`` never imports ``sts``.
"""
from __future__ import annotations

import contextlib
import time
from typing import Callable, Iterator, Optional, Protocol, Tuple, Type

from alicloud_storage import _wiring
from alicloud_storage.credentials.base import Credentials, CredentialsError, CredentialsProvider
from alicloud_storage.credentials.refreshable import (
    ADVISORY_REFRESH,
    MANDATORY_REFRESH,
    RefreshableCredentialsProvider,
)

__all__ = [
    "AssumeRoleClient",
    "AssumedRole",
    "AsyncAssumeRoleClient",
    "MIN_DURATION",
    "RamRoleArnCredentialsProvider",
    "StsClientFactory",
    "default_sts_client_factory",
]

MIN_DURATION = 900


class AssumedRole(Protocol):
    """An AssumeRole answer: the role's temporary credentials."""

    @property
    def credentials(self) -> Credentials: ...


class AssumeRoleClient(Protocol):
    """A blocking STS client (``sts.StsClient`` is one)."""

    def assume_role(
        self, role_arn: str, role_session_name: str, duration_seconds: Optional[int],
        policy: Optional[str], external_id: Optional[str],
    ) -> AssumedRole: ...

    def close(self) -> None: ...


class AsyncAssumeRoleClient(Protocol):
    """An asyncio STS client (``sts.AsyncStsClient`` is one)."""

    async def assume_role(
        self, role_arn: str, role_session_name: str, duration_seconds: Optional[int],
        policy: Optional[str], external_id: Optional[str],
    ) -> AssumedRole: ...

    async def close(self) -> None: ...


class StsClientFactory(Protocol):
    """Makes the STS clients of a RAM-role provider; ``errors`` are what their calls raise
    when AssumeRole fails (the provider turns them into CredentialsError)."""

    errors: Tuple[Type[Exception], ...]

    def client(
        self, source: CredentialsProvider, endpoint: Optional[str], region: Optional[str]
    ) -> AssumeRoleClient: ...

    def async_client(
        self, source: CredentialsProvider, endpoint: Optional[str], region: Optional[str]
    ) -> AsyncAssumeRoleClient: ...


def default_sts_client_factory() -> StsClientFactory:
    """The factory the package root installed (our STS clients)."""
    resolve = _wiring.sts_client_factory
    if resolve is None:  # only if something removed the root's wiring
        raise CredentialsError("no STS client factory is installed: pass sts_client_factory=")
    factory: StsClientFactory = resolve()
    return factory


class RamRoleArnCredentialsProvider(RefreshableCredentialsProvider):
    """AssumeRole with the ``source`` credentials; one AssumeRole per refresh."""

    provider_name = "ram_role_arn"

    def __init__(
        self,
        source: CredentialsProvider,
        role_arn: str,
        role_session_name: Optional[str] = None,
        duration_seconds: int = 3600,
        policy: Optional[str] = None,
        external_id: Optional[str] = None,
        *,
        sts_endpoint: Optional[str] = None,
        sts_region: Optional[str] = None,
        sts_client: Optional[AssumeRoleClient] = None,
        async_sts_client: Optional[AsyncAssumeRoleClient] = None,
        sts_client_factory: Optional[StsClientFactory] = None,
        clock: Callable[[], float] = time.time,
        advisory_refresh: float = ADVISORY_REFRESH,
        mandatory_refresh: float = MANDATORY_REFRESH,
    ) -> None:
        super().__init__(
            clock=clock, advisory_refresh=advisory_refresh, mandatory_refresh=mandatory_refresh
        )
        if not role_arn:
            raise CredentialsError("role_arn must be a non-empty RAM role ARN")
        if duration_seconds < MIN_DURATION:
            raise CredentialsError(f"duration_seconds must be at least {MIN_DURATION}")
        self.source = source
        self.role_arn = role_arn
        self.role_session_name = role_session_name or f"alicloud-storage-{int(clock())}"
        self.duration_seconds = duration_seconds
        self.policy = policy
        self.external_id = external_id
        self._sts_endpoint = sts_endpoint
        self._sts_region = sts_region
        self._sts_client = sts_client
        self._async_sts_client = async_sts_client
        self._factory = sts_client_factory

    def _sts(self) -> StsClientFactory:
        if self._factory is None:
            self._factory = default_sts_client_factory()
        return self._factory

    def _client(self) -> AssumeRoleClient:
        if self._sts_client is None:
            self._sts_client = self._sts().client(self.source, self._sts_endpoint, self._sts_region)
        return self._sts_client

    def _assume_role_args(self) -> Tuple[str, str, int, Optional[str], Optional[str]]:
        return self.role_arn, self.role_session_name, self.duration_seconds, self.policy, self.external_id

    @contextlib.contextmanager
    def _as_credentials_error(self) -> Iterator[None]:
        """An STS failure becomes the CredentialsError the refresher expects."""
        try:
            yield
        except self._sts().errors as exc:
            raise CredentialsError(f"AssumeRole of {self.role_arn} failed: {exc}") from None

    def fetch(self) -> Credentials:
        with self._as_credentials_error():
            return self._client().assume_role(*self._assume_role_args()).credentials

    async def fetch_async(self) -> Credentials:
        if self._async_sts_client is not None:
            with self._as_credentials_error():
                return (await self._async_sts_client.assume_role(*self._assume_role_args())).credentials
        # An aiohttp session belongs to the event loop that made it, and refreshes are rare:
        # a default client lives for one refresh, so no session outlives its loop.
        client = self._sts().async_client(self.source, self._sts_endpoint, self._sts_region)
        try:
            with self._as_credentials_error():
                return (await client.assume_role(*self._assume_role_args())).credentials
        finally:
            await client.close()

    def close(self) -> None:
        """Release the pooled connections of the blocking STS client."""
        if self._sts_client is not None:
            self._sts_client.close()

    async def aclose(self) -> None:
        """Release the connections of the async STS client given to the constructor, if
        any (the default one lives for a single refresh)."""
        if self._async_sts_client is not None:
            await self._async_sts_client.close()

    def __repr__(self) -> str:
        return (
            f"RamRoleArnCredentialsProvider(role_arn={self.role_arn!r}, "
            f"role_session_name={self.role_session_name!r}, source={self.source!r})"
        )
