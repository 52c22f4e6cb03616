"""Classifiers: a failed attempt -> the reason to retry it, or None.

Build a service's classifier from predicates on its errors; ``network`` failures are
retried only for idempotent operations whose body can be sent again, since the request
may have been applied before the connection broke.
"""
from __future__ import annotations

from typing import Callable, Optional

from alicloud_storage.retry.context import RetryContext, RetryReason

__all__ = ["Classifier", "ErrorTest", "first_match", "network", "throttling", "transient"]

Classifier = Callable[[RetryContext], Optional[RetryReason]]
ErrorTest = Callable[[BaseException], bool]


def throttling(test: ErrorTest) -> Classifier:
    """Errors that mean "slow down": retried for every operation."""

    def classify(context: RetryContext) -> Optional[RetryReason]:
        return RetryReason.THROTTLING if test(context.error) else None

    return classify


def transient(test: ErrorTest, idempotent_only: bool = True) -> Classifier:
    """Passing service failures: for idempotent operations only, unless the service
    guarantees the failed attempt changed nothing (``idempotent_only=False``)."""

    def classify(context: RetryContext) -> Optional[RetryReason]:
        if idempotent_only and not context.idempotent:
            return None
        return RetryReason.TRANSIENT if test(context.error) else None

    return classify


def network(test: ErrorTest) -> Classifier:
    """Connection failures and timeouts: for idempotent operations with a replayable body."""

    def classify(context: RetryContext) -> Optional[RetryReason]:
        if not (context.idempotent and context.replayable):
            return None
        return RetryReason.NETWORK if test(context.error) else None

    return classify


def first_match(*classifiers: Classifier) -> Classifier:
    """The first reason any of ``classifiers`` gives."""

    def classify(context: RetryContext) -> Optional[RetryReason]:
        for classifier in classifiers:
            reason = classifier(context)
            if reason is not None:
                return reason
        return None

    return classify
