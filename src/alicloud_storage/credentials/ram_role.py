"""Temporary credentials of a RAM role (STS AssumeRole), cached and refreshed before expiry."""
from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from alicloud_storage.credentials.base import Credentials, CredentialsError, CredentialsProvider
from alicloud_storage.credentials.refreshable import (
    ADVISORY_REFRESH,
    MANDATORY_REFRESH,
    RefreshableCredentialsProvider,
)

if TYPE_CHECKING:  # the STS client imports this package; import it lazily at run time
    from alicloud_storage.sts.client import AsyncStsClient, StsClient

__all__ = ["RamRoleArnCredentialsProvider", "MIN_DURATION"]

MIN_DURATION = 900


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
        sts_client: Optional["StsClient"] = None,
        async_sts_client: Optional["AsyncStsClient"] = None,
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

    def _client(self) -> "StsClient":
        if self._sts_client is None:
            from alicloud_storage.sts.client import StsClient

            self._sts_client = StsClient(self.source, self._sts_endpoint, region=self._sts_region)
        return self._sts_client

    def _assume_role_args(self) -> tuple[str, str, int, Optional[str], Optional[str]]:
        return self.role_arn, self.role_session_name, self.duration_seconds, self.policy, self.external_id

    @contextlib.contextmanager
    def _as_credentials_error(self) -> Iterator[None]:
        """An STS failure becomes the CredentialsError the refresher expects."""
        from alicloud_storage.sts.errors import StsError

        try:
            yield
        except StsError as exc:
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
        from alicloud_storage.sts.client import AsyncStsClient

        client = AsyncStsClient(self.source, self._sts_endpoint, region=self._sts_region)
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
