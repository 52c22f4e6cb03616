"""STS clients (sync and async): thin shells around ``sts.protocol`` and one transport.

Both retry transport failures, 5xx answers and throttling with capped full-jitter
backoff; credentials are taken from the provider and the request re-signed per attempt.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from typing import Any, Callable, Optional

from alicloud_storage.credentials.base import Credentials, CredentialsProvider
from alicloud_storage.http.base import AsyncBaseTransport, BaseTransport
from alicloud_storage.http.config import Timeout, TimeoutLike
from alicloud_storage.http.errors import TransportError
from alicloud_storage.http.models import Request
from alicloud_storage.sts.errors import StsClientError, StsError, StsServiceError
from alicloud_storage.sts.protocol import (
    AssumeRoleResult,
    CallerIdentity,
    build_request,
    endpoint_url,
    parse_assume_role,
    parse_caller_identity,
    parse_response,
)

__all__ = ["StsClient", "AsyncStsClient", "DEFAULT_TIMEOUT"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = Timeout(connect=5.0, read=10.0)
_BACKOFF_BASE = 0.1
_BACKOFF_CAP = 5.0


def _retryable(exc: StsError) -> bool:
    if isinstance(exc, StsServiceError):
        return exc.http_status >= 500 or exc.code.startswith(("Throttling", "ServiceUnavailable"))
    return isinstance(exc.__cause__, TransportError)


def _assume_role_params(
    role_arn: str,
    role_session_name: str,
    duration_seconds: Optional[int],
    policy: Optional[str],
    external_id: Optional[str],
) -> dict[str, str]:
    params = {"RoleArn": role_arn, "RoleSessionName": role_session_name}
    if duration_seconds is not None:
        params["DurationSeconds"] = str(int(duration_seconds))
    if policy:
        params["Policy"] = policy
    if external_id:
        params["ExternalId"] = external_id
    return params


class _StsBase:
    """What the sync and async clients share: configuration, signing, retry decisions."""

    def __init__(
        self,
        credentials_provider: CredentialsProvider,
        endpoint: Optional[str],
        region: Optional[str],
        timeout: TimeoutLike,
        max_attempts: int,
        clock: Callable[[], float],
        rng: random.Random,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.credentials_provider = credentials_provider
        self.url = endpoint_url(endpoint, region)
        self.timeout = Timeout.of(timeout)
        self.max_attempts = max_attempts
        self._clock = clock
        self._rng = rng

    def _backoff(self, attempt: int, exc: StsError) -> Optional[float]:
        """Seconds to wait before the next attempt, or None to give up and raise."""
        if attempt >= self.max_attempts or not _retryable(exc):
            return None
        delay = self._rng.random() * min(_BACKOFF_CAP, _BACKOFF_BASE * 2 ** attempt)
        logger.info("STS attempt %d failed (%s), retrying in %.2fs", attempt, type(exc).__name__, delay)
        return delay

    def _request(self, action: str, params: dict[str, str], credentials: Credentials) -> Request:
        return build_request(self.url, action, params, credentials, self._clock())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r})"


class StsClient(_StsBase):
    """Blocking STS client."""

    def __init__(
        self,
        credentials_provider: CredentialsProvider,
        endpoint: Optional[str] = None,
        *,
        region: Optional[str] = None,
        timeout: TimeoutLike = DEFAULT_TIMEOUT,
        max_attempts: int = 3,
        transport: Optional[BaseTransport] = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rng: Optional[random.Random] = None,
    ) -> None:
        super().__init__(credentials_provider, endpoint, region, timeout, max_attempts, clock,
                         rng or random.Random())
        if transport is None:
            from alicloud_storage.http import SyncTransport

            transport = SyncTransport()
        self._transport = transport
        self._sleep = sleep

    def _call(self, action: str, params: dict[str, str]) -> dict[str, Any]:
        attempt = 0
        while True:
            attempt += 1
            creds = self.credentials_provider.get_credentials()
            request = self._request(action, params, creds)
            try:
                try:
                    response = self._transport.send(request, self.timeout)
                except TransportError as exc:
                    raise StsClientError(f"STS {action} failed: {type(exc).__name__}: {exc}") from exc
                return parse_response(response, (creds.security_token,))
            except StsError as exc:
                delay = self._backoff(attempt, exc)
                if delay is None:
                    raise
                self._sleep(delay)

    def assume_role(
        self,
        role_arn: str,
        role_session_name: str,
        duration_seconds: Optional[int] = 3600,
        policy: Optional[str] = None,
        external_id: Optional[str] = None,
    ) -> AssumeRoleResult:
        """Temporary credentials of ``role_arn`` (the inline ``policy`` narrows them)."""
        params = _assume_role_params(role_arn, role_session_name, duration_seconds, policy, external_id)
        return parse_assume_role(self._call("AssumeRole", params))

    def get_caller_identity(self) -> CallerIdentity:
        """Who the provider's credentials belong to."""
        return parse_caller_identity(self._call("GetCallerIdentity", {}))

    def close(self) -> None:
        self._transport.close()


class AsyncStsClient(_StsBase):
    """asyncio STS client."""

    def __init__(
        self,
        credentials_provider: CredentialsProvider,
        endpoint: Optional[str] = None,
        *,
        region: Optional[str] = None,
        timeout: TimeoutLike = DEFAULT_TIMEOUT,
        max_attempts: int = 3,
        transport: Optional[AsyncBaseTransport] = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Any] = asyncio.sleep,
        rng: Optional[random.Random] = None,
    ) -> None:
        super().__init__(credentials_provider, endpoint, region, timeout, max_attempts, clock,
                         rng or random.Random())
        if transport is None:
            from alicloud_storage.http import AsyncTransport

            transport = AsyncTransport()
        self._transport = transport
        self._sleep = sleep

    async def _call(self, action: str, params: dict[str, str]) -> dict[str, Any]:
        attempt = 0
        while True:
            attempt += 1
            creds = await self.credentials_provider.get_credentials_async()
            request = self._request(action, params, creds)
            try:
                try:
                    response = await self._transport.send(request, self.timeout)
                except TransportError as exc:
                    raise StsClientError(f"STS {action} failed: {type(exc).__name__}: {exc}") from exc
                return parse_response(response, (creds.security_token,))
            except StsError as exc:
                delay = self._backoff(attempt, exc)
                if delay is None:
                    raise
                await self._sleep(delay)

    async def assume_role(
        self,
        role_arn: str,
        role_session_name: str,
        duration_seconds: Optional[int] = 3600,
        policy: Optional[str] = None,
        external_id: Optional[str] = None,
    ) -> AssumeRoleResult:
        """Temporary credentials of ``role_arn`` (the inline ``policy`` narrows them)."""
        params = _assume_role_params(role_arn, role_session_name, duration_seconds, policy, external_id)
        return parse_assume_role(await self._call("AssumeRole", params))

    async def get_caller_identity(self) -> CallerIdentity:
        """Who the provider's credentials belong to."""
        return parse_caller_identity(await self._call("GetCallerIdentity", {}))

    async def close(self) -> None:
        await self._transport.close()
