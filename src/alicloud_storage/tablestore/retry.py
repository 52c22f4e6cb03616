"""Retry policies with the official SDK's interface, plus network errors and full jitter.

A policy answers two questions after a failed attempt number ``retry_times``
(0 for the first failure): ``should_retry`` and ``get_retry_delay`` (seconds).

DefaultRetryPolicy retries:
  * for every API: throttling and transient contention (server busy, not enough
    capacity, row/operation conflict, table not ready, partition unavailable,
    "Too frequent table operations.");
  * for idempotent APIs only: server errors (OTSTimeout, internal error,
    unavailable, HTTP 500/502/503), connection failures and timeouts
    (OTSNetworkError / OTSTimeoutError), which the official SDK never retries.
The delay is exponential with full jitter: ``rng() * min(max_retry_delay, base * 2**n)``.
"""
from __future__ import annotations

import random
from typing import Callable, FrozenSet, Optional, Set

from alicloud_storage.tablestore.errors import OTSError, OTSNetworkError, OTSServiceError

__all__ = [
    "RetryPolicy",
    "RetryUtil",
    "DefaultRetryPolicy",
    "WriteRetryPolicy",
    "NoRetryPolicy",
    "NoDelayRetryPolicy",
    "register_idempotent_api",
]

_ANY_API_CODES: FrozenSet[str] = frozenset(
    {
        "OTSRowOperationConflict",
        "OTSNotEnoughCapacityUnit",
        "OTSTableNotReady",
        "OTSPartitionUnavailable",
        "OTSServerBusy",
        "OTSOperationConflict",
        "OTSOperationThrottled",
    }
)
_THROTTLING_CODES: FrozenSet[str] = frozenset(
    {"OTSServerBusy", "OTSNotEnoughCapacityUnit", "OTSOperationThrottled"}
)
_SERVER_ERROR_CODES: FrozenSet[str] = frozenset(
    {"OTSTimeout", "OTSInternalServerError", "OTSServerUnavailable"}
)
_SERVER_ERROR_STATUSES: FrozenSet[int] = frozenset({500, 502, 503})
_WRITE_APIS: FrozenSet[str] = frozenset({"PutRow", "UpdateRow", "DeleteRow", "BatchWriteRow"})

# Filled by the operation table (protocol.register): the APIs safe to send twice.
_IDEMPOTENT_APIS: Set[str] = set()


def register_idempotent_api(api_name: str) -> None:
    """Declare ``api_name`` idempotent (called by the operation table, the single source)."""
    _IDEMPOTENT_APIS.add(api_name)


def _is_quota_throttle(exception: OTSError) -> bool:
    return (
        isinstance(exception, OTSServiceError)
        and exception.code == "OTSQuotaExhausted"
        and exception.message == "Too frequent table operations."
    )


class RetryUtil:
    """Classifiers shared by the policies (names as in the official SDK)."""

    @staticmethod
    def should_retry_no_matter_which_api(exception: OTSError) -> bool:
        """Throttling and transient contention: safe to retry any API."""
        if isinstance(exception, OTSServiceError) and exception.code in _ANY_API_CODES:
            return True
        return _is_quota_throttle(exception)

    @staticmethod
    def is_repeatable_api(api_name: str) -> bool:
        """True for APIs the operation table marks idempotent (reads)."""
        return api_name in _IDEMPOTENT_APIS

    @staticmethod
    def should_retry_when_api_repeatable(retry_times: int, exception: OTSError, api_name: str) -> bool:
        """Server errors, connection failures and timeouts: retry only idempotent APIs."""
        if isinstance(exception, OTSNetworkError):
            return True
        if isinstance(exception, OTSServiceError):
            return (
                exception.code in _SERVER_ERROR_CODES
                or exception.http_status in _SERVER_ERROR_STATUSES
            )
        return False

    @staticmethod
    def is_server_throttling_exception(exception: OTSError) -> bool:
        """Errors that mean "slow down" (longer base delay)."""
        if isinstance(exception, OTSServiceError) and exception.code in _THROTTLING_CODES:
            return True
        return _is_quota_throttle(exception)


class RetryPolicy:
    """Interface of a retry policy; subclass it and implement both methods."""

    def should_retry(self, retry_times: int, exception: OTSError, api_name: str) -> bool:
        """Whether to retry after the failure ``exception`` of attempt ``retry_times``."""
        raise NotImplementedError

    def get_retry_delay(self, retry_times: int, exception: OTSError, api_name: str) -> float:
        """Seconds to wait before the next attempt."""
        raise NotImplementedError


class DefaultRetryPolicy(RetryPolicy):
    """Up to 20 retries, delays capped at 3 s; see the module docstring for what is retried."""

    max_retry_times = 20
    max_retry_delay = 3.0
    scale_factor = 2
    server_throttling_exception_delay_factor = 0.5
    stability_exception_delay_factor = 0.2

    def __init__(
        self,
        max_retry_times: Optional[int] = None,
        max_retry_delay: Optional[float] = None,
        rng: Optional[Callable[[], float]] = None,
    ) -> None:
        if max_retry_times is not None:
            self.max_retry_times = max_retry_times
        if max_retry_delay is not None:
            self.max_retry_delay = max_retry_delay
        self._rng = rng or random.random

    def is_repeatable_api(self, api_name: str) -> bool:
        return RetryUtil.is_repeatable_api(api_name)

    def _can_retry(self, retry_times: int, exception: OTSError, api_name: str) -> bool:
        if RetryUtil.should_retry_no_matter_which_api(exception):
            return True
        return self.is_repeatable_api(api_name) and RetryUtil.should_retry_when_api_repeatable(
            retry_times, exception, api_name
        )

    def should_retry(self, retry_times: int, exception: OTSError, api_name: str) -> bool:
        return retry_times < self.max_retry_times and self._can_retry(retry_times, exception, api_name)

    def get_retry_delay(self, retry_times: int, exception: OTSError, api_name: str) -> float:
        if RetryUtil.is_server_throttling_exception(exception):
            base = self.server_throttling_exception_delay_factor
        else:
            base = self.stability_exception_delay_factor
        growth: int = self.scale_factor ** retry_times  # typeshed: int ** int is Any
        ceiling = min(self.max_retry_delay, base * growth)
        return self._rng() * ceiling

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_retry_times={self.max_retry_times}, max_retry_delay={self.max_retry_delay})"


class WriteRetryPolicy(DefaultRetryPolicy):
    """DefaultRetryPolicy that also retries writes on server and network errors (may apply twice)."""

    def is_repeatable_api(self, api_name: str) -> bool:
        return api_name in _WRITE_APIS or RetryUtil.is_repeatable_api(api_name)


class NoRetryPolicy(RetryPolicy):
    """Never retry: every failure is raised at once."""

    def should_retry(self, retry_times: int, exception: OTSError, api_name: str) -> bool:
        return False

    def get_retry_delay(self, retry_times: int, exception: OTSError, api_name: str) -> float:
        return 0.0


class NoDelayRetryPolicy(DefaultRetryPolicy):
    """DefaultRetryPolicy without waiting between attempts."""

    def get_retry_delay(self, retry_times: int, exception: OTSError, api_name: str) -> float:
        return 0.0
