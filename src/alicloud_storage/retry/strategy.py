"""Retry strategies: a failed attempt's context -> the pause before the next one, or stop.

:class:`StandardRetryStrategy` chains the parts: at most ``max_attempts`` attempts, the
classifier's reason, the backoff for that reason, then the optional budget. A service's
public retry interface (Tablestore ``RetryPolicy``, OSS ``Retryer``) is an adapter that
implements :class:`RetryStrategy`.
"""
from __future__ import annotations

import random
from typing import Callable, Mapping, Optional, Protocol

from alicloud_storage.retry.backoff import Backoff
from alicloud_storage.retry.budget import RetryBudget
from alicloud_storage.retry.classify import Classifier
from alicloud_storage.retry.context import RetryContext, RetryReason

__all__ = ["NoRetryStrategy", "RetryStrategy", "StandardRetryStrategy"]


class RetryStrategy(Protocol):
    """What the attempt loop asks after each failure, and tells after the success."""

    def next_delay(self, context: RetryContext) -> Optional[float]:
        """Seconds to pause before the next attempt, or None to stop and raise."""

    def succeeded(self, attempts: int) -> None:
        """The call succeeded on attempt number ``attempts``."""


class NoRetryStrategy:
    """Every failure is final."""

    def next_delay(self, context: RetryContext) -> Optional[float]:
        return None

    def succeeded(self, attempts: int) -> None:
        return None


class StandardRetryStrategy:
    """max attempts -> classifier -> backoff (per reason) -> budget."""

    def __init__(
        self,
        classifier: Classifier,
        backoff: Backoff,
        *,
        max_attempts: int = 3,
        backoff_by_reason: Optional[Mapping[RetryReason, Backoff]] = None,
        budget: Optional[RetryBudget] = None,
        max_elapsed: Optional[float] = None,
        rng: Optional[Callable[[], float]] = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.classifier = classifier
        self.backoff = backoff
        self.max_attempts = max_attempts
        self.backoff_by_reason = dict(backoff_by_reason or {})
        self.budget = budget
        self.max_elapsed = max_elapsed
        self._rng = rng or random.random

    def next_delay(self, context: RetryContext) -> Optional[float]:
        if context.attempt >= self.max_attempts:
            return None
        if self.max_elapsed is not None and context.elapsed >= self.max_elapsed:
            return None
        reason = self.classifier(context)
        if reason is None:
            return None
        if self.budget is not None and not self.budget.acquire():
            return None
        backoff = self.backoff_by_reason.get(reason, self.backoff)
        return backoff.delay(context.attempt - 1, self._rng)

    def succeeded(self, attempts: int) -> None:
        if self.budget is not None:
            self.budget.release(retried=attempts > 1)

    def __repr__(self) -> str:
        return (
            f"StandardRetryStrategy(max_attempts={self.max_attempts}, backoff={self.backoff!r}, "
            f"budget={self.budget!r})"
        )
