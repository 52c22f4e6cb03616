"""Retry policies with the official SDK's interface, as adapters onto the retry engine.

A policy answers two questions after a failed attempt number ``retry_times``
(0 for the first failure): ``should_retry`` and ``get_retry_delay`` (seconds).
:class:`RetryPolicyStrategy` makes any policy (ours or a user's subclass) the strategy
of the one attempt loop (``alicloud_storage.retry``).

DefaultRetryPolicy retries (the official ``retry.py`` code lists):
  * for every API: throttling and transient contention (server busy, not enough
    capacity, row/operation conflict, table not ready, partition unavailable,
    "Too frequent table operations.");
  * for idempotent APIs only (``Operation.idempotent`` in the operation table): server
    errors (OTSTimeout, internal error, unavailable, HTTP 500/502/503), connection
    failures and timeouts (OTSNetworkError / OTSTimeoutError), which the official SDK
    never retries.
The delay is exponential with full jitter: ``rng() * min(max_retry_delay, base * 2**n)``.
"""
from __future__ import annotations

import random
from typing import Callable, FrozenSet, Optional, cast

from alicloud_storage.retry import (
    FullJitterBackoff,
    RetryContext,
    first_match,
    network,
    throttling,
    transient,
)
from alicloud_storage.tablestore.errors import OTSError, OTSNetworkError, OTSServiceError

__all__ = [
    "RetryPolicy",
    "RetryPolicyStrategy",
    "RetryUtil",
    "DefaultRetryPolicy",
    "WriteRetryPolicy",
    "NoRetryPolicy",
    "NoDelayRetryPolicy",
]

_CONTENTION_CODES: FrozenSet[str] = frozenset(
    {"OTSRowOperationConflict", "OTSTableNotReady", "OTSPartitionUnavailable", "OTSOperationConflict"}
)
_THROTTLING_CODES: FrozenSet[str] = frozenset(
    {"OTSServerBusy", "OTSNotEnoughCapacityUnit", "OTSOperationThrottled"}
)
_SERVER_ERROR_CODES: FrozenSet[str] = frozenset(
    {"OTSTimeout", "OTSInternalServerError", "OTSServerUnavailable"}
)
_SERVER_ERROR_STATUSES: FrozenSet[int] = frozenset({500, 502, 503})
_WRITE_APIS: FrozenSet[str] = frozenset({"PutRow", "UpdateRow", "DeleteRow", "BatchWriteRow"})


def _is_throttling(error: BaseException) -> bool:
    if not isinstance(error, OTSServiceError):
        return False
    if error.code in _THROTTLING_CODES:
        return True
    return error.code == "OTSQuotaExhausted" and error.message == "Too frequent table operations."


def _is_contention(error: BaseException) -> bool:
    return isinstance(error, OTSServiceError) and error.code in _CONTENTION_CODES


def _is_server_error(error: BaseException) -> bool:
    return isinstance(error, OTSServiceError) and (
        error.code in _SERVER_ERROR_CODES or error.http_status in _SERVER_ERROR_STATUSES
    )


def _is_network(error: BaseException) -> bool:
    return isinstance(error, OTSNetworkError)


# The official classification as engine classifiers: throttling and contention for any
# API, server and network errors for idempotent ones.
_CLASSIFY = first_match(
    throttling(_is_throttling),
    transient(_is_contention, idempotent_only=False),
    transient(_is_server_error),
    network(_is_network),
)


def _idempotent_api(api_name: str) -> bool:
    # The operation table is the single source; it is loaded with the clients (protobuf),
    # so this light module looks it up only when a failure is judged.
    from alicloud_storage.tablestore.operations import OPERATIONS

    return any(op.api == api_name and op.idempotent for op in OPERATIONS.values())


class RetryUtil:
    """Classifiers shared by the policies (names as in the official SDK)."""

    @staticmethod
    def should_retry_no_matter_which_api(exception: OTSError) -> bool:
        """Throttling and transient contention: safe to retry any API."""
        return _is_throttling(exception) or _is_contention(exception)

    @staticmethod
    def is_repeatable_api(api_name: str) -> bool:
        """True for APIs the operation table marks idempotent (reads)."""
        return _idempotent_api(api_name)

    @staticmethod
    def should_retry_when_api_repeatable(retry_times: int, exception: OTSError, api_name: str) -> bool:
        """Server errors, connection failures and timeouts: retry only idempotent APIs."""
        return _is_server_error(exception) or _is_network(exception)

    @staticmethod
    def is_server_throttling_exception(exception: OTSError) -> bool:
        """Errors that mean "slow down" (longer base delay)."""
        return _is_throttling(exception)


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

    def _max_retry_time_reached(self, retry_times: int, exception: OTSError, api_name: str) -> bool:
        return retry_times >= self.max_retry_times

    def is_repeatable_api(self, api_name: str) -> bool:
        return RetryUtil.is_repeatable_api(api_name)

    def _can_retry(self, retry_times: int, exception: OTSError, api_name: str) -> bool:
        context = RetryContext(retry_times + 1, exception, api_name, self.is_repeatable_api(api_name))
        return _CLASSIFY(context) is not None

    def should_retry(self, retry_times: int, exception: OTSError, api_name: str) -> bool:
        if self._max_retry_time_reached(retry_times, exception, api_name):
            return False
        return self._can_retry(retry_times, exception, api_name)

    def get_retry_delay(self, retry_times: int, exception: OTSError, api_name: str) -> float:
        if RetryUtil.is_server_throttling_exception(exception):
            base = self.server_throttling_exception_delay_factor
        else:
            base = self.stability_exception_delay_factor
        return FullJitterBackoff(base, self.max_retry_delay, self.scale_factor).delay(retry_times, self._rng)

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


class RetryPolicyStrategy:
    """The engine's strategy for a RetryPolicy (any object with the official two methods):
    attempt ``n`` failed -> ``should_retry(n - 1, ...)`` -> ``get_retry_delay(n - 1, ...)``."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy

    def next_delay(self, context: RetryContext) -> Optional[float]:
        # The client's attempt loop lets only OTSError reach a strategy.
        retry_times, error, api = context.attempt - 1, cast(OTSError, context.error), context.operation
        if not self.policy.should_retry(retry_times, error, api):
            return None
        return self.policy.get_retry_delay(retry_times, error, api)

    def succeeded(self, attempts: int) -> None:
        return None

    def __repr__(self) -> str:
        return f"RetryPolicyStrategy({self.policy!r})"
