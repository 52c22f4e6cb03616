"""OSS retryers with the names and defaults of ``alibabacloud_oss_v2.retry``.

``StandardRetryer(max_attempts=3, max_backoff=20 s, base_delay=0.2 s,
backoff_delayer=FullJitterBackoff)`` retries a ServiceError with status >= 500 or
401/408/429, the codes RequestTimeTooSkewed and BadRequest, and client-side failures
(RequestError, ResponseError, InconsistentError, CredentialsFetchError). The client asks
``is_error_retryable`` / ``retry_delay`` between attempts, re-signs and rewinds the body
(a body that cannot rewind is not retried). Randomness is injectable (``rng``); the
backoff family is the project's retry engine (:mod:`alicloud_storage.retry`) under the
official names.
"""
from __future__ import annotations

import abc
import random
from typing import Callable, List, Optional, Sequence

from alicloud_storage import retry as engine
from alicloud_storage.oss.exceptions import (
    CredentialsFetchError,
    InconsistentError,
    RequestError,
    ResponseError,
    ServiceError,
)

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_BACKOFF_S",
    "DEFAULT_BASE_DELAY_S",
    "Rng",
    "Retryer",
    "BackoffDelayer",
    "ErrorRetryable",
    "FixedDelayBackoff",
    "FullJitterBackoff",
    "EqualJitterBackoff",
    "HTTPStatusCodeRetryable",
    "ServiceErrorCodeRetryable",
    "ClientErrorRetryable",
    "StandardRetryer",
    "NopRetryer",
    "RetryerStrategy",
]

DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_MAX_BACKOFF_S = 20.0
DEFAULT_BASE_DELAY_S = 0.2

Rng = Callable[[], float]


class Retryer(abc.ABC):
    """Decides whether a failed attempt is retried and how long to wait first."""

    @abc.abstractmethod
    def is_error_retryable(self, error: Exception) -> bool:
        """True when ``error`` may pass on a new attempt."""

    @abc.abstractmethod
    def max_attempts(self) -> int:
        """The number of attempts, the first one included."""

    @abc.abstractmethod
    def retry_delay(self, attempt: int, error: Exception) -> float:
        """Seconds to wait before retry number ``attempt`` (1 for the first retry)."""


class BackoffDelayer(abc.ABC):
    """The pause before a retry."""

    @abc.abstractmethod
    def backoff_delay(self, attempt: int, error: Exception) -> float:
        """Seconds to wait before retry number ``attempt``."""


class ErrorRetryable(abc.ABC):
    """One class of retryable errors."""

    @abc.abstractmethod
    def is_error_retryable(self, error: Exception) -> bool:
        """True when ``error`` belongs to this class."""


class FixedDelayBackoff(BackoffDelayer):
    """The same pause before every retry (the retry engine's FixedDelayBackoff)."""

    def __init__(self, backoff: float) -> None:
        self._engine = engine.FixedDelayBackoff(float(backoff))

    def backoff_delay(self, attempt: int, error: Exception) -> float:
        return self._engine.delay(attempt, random.random)

    def __repr__(self) -> str:
        return f"FixedDelayBackoff({self._engine.seconds})"


class _Exponential(BackoffDelayer):
    _engine_type: type = engine.ExponentialBackoff

    def __init__(self, base_delay: float, max_backoff: float, rng: Optional[Rng] = None) -> None:
        if base_delay <= 0 or max_backoff < 0:
            raise ValueError("base_delay must be > 0 and max_backoff >= 0")
        self._engine: engine.ExponentialBackoff = self._engine_type(float(base_delay), float(max_backoff))
        self._rng = rng or random.random

    def ceiling(self, attempt: int) -> float:
        """``min(base_delay * 2 ** attempt, max_backoff)``."""
        return self._engine.ceiling(attempt)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_delay={self._engine.base}, max_backoff={self._engine.cap})"


class FullJitterBackoff(_Exponential):
    """``[0.0, 1.0) * min(2 ** attempt * base_delay, max_backoff)`` (the engine's full jitter)."""

    _engine_type = engine.FullJitterBackoff

    def backoff_delay(self, attempt: int, error: Exception) -> float:
        return self._engine.delay(attempt, self._rng)


class EqualJitterBackoff(_Exponential):
    """``ceil / 2 + [0.0, 1.0) * (ceil / 2 + 1)``: alibabacloud_oss_v2's formula over the
    engine's exponential ceiling."""

    def backoff_delay(self, attempt: int, error: Exception) -> float:
        half = self.ceiling(attempt) / 2
        return half + self._rng() * (half + 1)


class HTTPStatusCodeRetryable(ErrorRetryable):
    """A ServiceError with status >= 500, 401, 408 or 429."""

    def is_error_retryable(self, error: Exception) -> bool:
        return isinstance(error, ServiceError) and (
            error.status_code >= 500 or error.status_code in (401, 408, 429))


class ServiceErrorCodeRetryable(ErrorRetryable):
    """A ServiceError with code RequestTimeTooSkewed or BadRequest."""

    def is_error_retryable(self, error: Exception) -> bool:
        return isinstance(error, ServiceError) and error.code in ("RequestTimeTooSkewed", "BadRequest")


class ClientErrorRetryable(ErrorRetryable):
    """A network failure, a CRC mismatch or a credentials fetch failure."""

    def is_error_retryable(self, error: Exception) -> bool:
        return isinstance(error, (RequestError, ResponseError, InconsistentError, CredentialsFetchError))


_DEFAULT_RETRYABLES: Sequence[ErrorRetryable] = (
    HTTPStatusCodeRetryable(), ServiceErrorCodeRetryable(), ClientErrorRetryable())


class StandardRetryer(Retryer):
    """Retries the standard retryable errors with capped full-jitter backoff."""

    def __init__(
        self,
        max_attempts: Optional[int] = None,
        max_backoff: Optional[float] = None,
        base_delay: Optional[float] = None,
        error_retryables: Optional[List[ErrorRetryable]] = None,
        backoff_delayer: Optional[BackoffDelayer] = None,
    ) -> None:
        if max_attempts is not None and (isinstance(max_attempts, bool) or int(max_attempts) < 1):
            raise ValueError(f"max_attempts must be an integer >= 1, got {max_attempts!r}")
        self._max_attempts = int(max_attempts or DEFAULT_MAX_ATTEMPTS)
        self._max_backoff = float(max_backoff or DEFAULT_MAX_BACKOFF_S)
        self._base_delay = float(base_delay or DEFAULT_BASE_DELAY_S)
        self._error_retryables = list(error_retryables or _DEFAULT_RETRYABLES)
        self._backoff_delayer = backoff_delayer or FullJitterBackoff(self._base_delay, self._max_backoff)

    def is_error_retryable(self, error: Exception) -> bool:
        return any(r.is_error_retryable(error) for r in self._error_retryables)

    def max_attempts(self) -> int:
        return self._max_attempts

    def retry_delay(self, attempt: int, error: Exception) -> float:
        return self._backoff_delayer.backoff_delay(attempt, error)

    def __repr__(self) -> str:
        return f"StandardRetryer(max_attempts={self._max_attempts}, backoff_delayer={self._backoff_delayer!r})"


class NopRetryer(Retryer):
    """One attempt, no retry."""

    def is_error_retryable(self, error: Exception) -> bool:
        return False

    def max_attempts(self) -> int:
        return 1

    def retry_delay(self, attempt: int, error: Exception) -> float:
        raise NotImplementedError()


class RetryerStrategy:
    """An OSS Retryer as the retry engine's strategy (``run_attempts``): stop after
    ``max_attempts`` or on an error it does not retry, else wait ``retry_delay``."""

    def __init__(self, retryer: Retryer, max_attempts: int) -> None:
        self.retryer = retryer
        self.max_attempts = max(1, max_attempts)

    def next_delay(self, context: engine.RetryContext) -> Optional[float]:
        error = context.error
        if context.attempt >= self.max_attempts or not isinstance(error, Exception):
            return None
        if not self.retryer.is_error_retryable(error):
            return None
        return self.retryer.retry_delay(context.attempt, error)

    def succeeded(self, attempts: int) -> None:
        return None

    def __repr__(self) -> str:
        return f"RetryerStrategy({self.retryer!r}, max_attempts={self.max_attempts})"
