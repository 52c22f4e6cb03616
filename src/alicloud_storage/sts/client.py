"""STS clients (sync and async): thin shells around one sans-IO call flow.

:meth:`_StsBase._attempt` is written once: it asks for credentials, builds and signs the
request (``sts.protocol``) and parses the answer; the retry engine's attempt loop
retries transport failures, 5xx answers and throttling with capped full-jitter backoff,
re-signing with fresh credentials per attempt. The clients only serve its steps: the
provider, the transport and the injected sleep (``http.flow`` runs it).
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from typing import Any, Awaitable, Callable, Mapping, Optional, TypeVar

from alicloud_storage.credentials.base import Credentials, CredentialsProvider
from alicloud_storage.http.base import AsyncBaseTransport, BaseTransport
from alicloud_storage.http.config import Timeout, TimeoutLike
from alicloud_storage.http.errors import TransportError
from alicloud_storage.http.flow import NEED_CREDENTIALS, Flow, Step, run_flow, run_flow_async
from alicloud_storage.http.models import Request
from alicloud_storage.retry import (
    FullJitterBackoff,
    Pause,
    RetryContext,
    StandardRetryStrategy,
    first_match,
    network,
    run_attempts,
    throttling,
    transient,
)
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
# AssumeRole and GetCallerIdentity change nothing on the service: every failure that may
# pass (throttling, 5xx, no answer) is retried, pausing rng() * min(5, 0.2 * 2**n) s.
_BACKOFF = FullJitterBackoff(base=0.2, cap=5.0)

_T = TypeVar("_T")


def _is_throttling(error: BaseException) -> bool:
    return isinstance(error, StsServiceError) and error.code.startswith("Throttling")


def _is_transient(error: BaseException) -> bool:
    return isinstance(error, StsServiceError) and (
        error.http_status >= 500 or error.code.startswith("ServiceUnavailable")
    )


def _is_network(error: BaseException) -> bool:
    return isinstance(error, StsClientError) and isinstance(error.__cause__, TransportError)


_CLASSIFY = first_match(throttling(_is_throttling), transient(_is_transient), network(_is_network))


def _log_retry(context: RetryContext, delay: float) -> None:
    logger.info(
        "STS attempt %d failed (%s), retrying in %.2fs", context.attempt, type(context.error).__name__, delay
    )


class _StsBase:
    """What the sync and async clients share: configuration and the call flow."""

    def __init__(
        self,
        credentials_provider: CredentialsProvider,
        endpoint: Optional[str],
        region: Optional[str],
        timeout: TimeoutLike,
        max_attempts: int,
        clock: Callable[[], float],
        rng: Optional[random.Random],
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.credentials_provider = credentials_provider
        self.url = endpoint_url(endpoint, region)
        self.timeout = Timeout.of(timeout)
        self.max_attempts = max_attempts
        self._clock = clock
        self._rng = rng or random.Random()
        self._strategy = StandardRetryStrategy(
            _CLASSIFY, _BACKOFF, max_attempts=max_attempts, rng=self._rng.random
        )

    def _flow(
        self, action: str, params: Mapping[str, str], parse: Callable[[Mapping[str, Any]], _T]
    ) -> Flow[Step, _T]:
        """One STS call: yields NEED_CREDENTIALS, a Request or a Pause; returns ``parse(body)``."""
        return run_attempts(
            lambda attempt: self._attempt(action, params, parse),
            self._strategy,
            retryable=(StsError,),
            clock=self._clock,
            operation=action,
            idempotent=True,
            on_retry=_log_retry,
        )

    def _attempt(
        self, action: str, params: Mapping[str, str], parse: Callable[[Mapping[str, Any]], _T]
    ) -> Flow[Step, _T]:
        """One signed request (fresh credentials) and its parsed answer; raises StsError."""
        creds: Credentials = yield NEED_CREDENTIALS
        request = build_request(self.url, action, params, creds, self._clock())
        try:
            response = yield request
        except TransportError as exc:
            raise StsClientError(f"STS {action} failed: {type(exc).__name__}: {exc}") from exc
        return parse(parse_response(response, (creds.security_token,)))

    def _assume_role_flow(
        self,
        role_arn: str,
        role_session_name: str,
        duration_seconds: Optional[int],
        policy: Optional[str],
        external_id: Optional[str],
    ) -> Flow[Step, AssumeRoleResult]:
        params = {"RoleArn": role_arn, "RoleSessionName": role_session_name}
        if duration_seconds is not None:
            params["DurationSeconds"] = str(int(duration_seconds))
        if policy:
            params["Policy"] = policy
        if external_id:
            params["ExternalId"] = external_id
        return self._flow("AssumeRole", params, parse_assume_role)

    def _caller_identity_flow(self) -> Flow[Step, CallerIdentity]:
        return self._flow("GetCallerIdentity", {}, parse_caller_identity)

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
        super().__init__(credentials_provider, endpoint, region, timeout, max_attempts, clock, rng)
        if transport is None:
            from alicloud_storage.http import SyncTransport

            transport = SyncTransport()
        self._transport = transport
        self._sleep = sleep

    def _serve(self, step: Step) -> Any:
        if isinstance(step, Request):
            return self._transport.send(step, self.timeout)
        if isinstance(step, Pause):
            return self._sleep(step.seconds)
        return self.credentials_provider.get_credentials()

    def assume_role(
        self,
        role_arn: str,
        role_session_name: str,
        duration_seconds: Optional[int] = 3600,
        policy: Optional[str] = None,
        external_id: Optional[str] = None,
    ) -> AssumeRoleResult:
        """Temporary credentials of ``role_arn`` (the inline ``policy`` narrows them)."""
        flow = self._assume_role_flow(role_arn, role_session_name, duration_seconds, policy, external_id)
        return run_flow(flow, self._serve)

    def get_caller_identity(self) -> CallerIdentity:
        """Who the provider's credentials belong to."""
        return run_flow(self._caller_identity_flow(), self._serve)

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
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: Optional[random.Random] = None,
    ) -> None:
        super().__init__(credentials_provider, endpoint, region, timeout, max_attempts, clock, rng)
        if transport is None:
            from alicloud_storage.http import AsyncTransport

            transport = AsyncTransport()
        self._transport = transport
        self._sleep = sleep

    async def _serve(self, step: Step) -> Any:
        if isinstance(step, Request):
            return await self._transport.send(step, self.timeout)
        if isinstance(step, Pause):
            return await self._sleep(step.seconds)
        return await self.credentials_provider.get_credentials_async()

    async def assume_role(
        self,
        role_arn: str,
        role_session_name: str,
        duration_seconds: Optional[int] = 3600,
        policy: Optional[str] = None,
        external_id: Optional[str] = None,
    ) -> AssumeRoleResult:
        """Temporary credentials of ``role_arn`` (the inline ``policy`` narrows them)."""
        flow = self._assume_role_flow(role_arn, role_session_name, duration_seconds, policy, external_id)
        return await run_flow_async(flow, self._serve)

    async def get_caller_identity(self) -> CallerIdentity:
        """Who the provider's credentials belong to."""
        return await run_flow_async(self._caller_identity_flow(), self._serve)

    async def close(self) -> None:
        await self._transport.close()
