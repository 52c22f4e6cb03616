"""One retry engine for every service client (Tablestore, STS; OSS next).

An attempt fails -> a :class:`RetryContext` (attempt, error or response, idempotency,
body replayability, elapsed time) -> a classifier names the reason to retry (throttling,
transient, network) or none -> a capped backoff with jitter gives the pause -> an optional
:class:`RetryBudget` (token bucket) may refuse the retry. :func:`run_attempts` is the one
attempt loop: a sans-IO generator that yields :class:`Pause` steps, so the clock, the
sleep and the randomness are whatever the client injects. Knows no service and no transport.
"""
from alicloud_storage.retry.backoff import (
    Backoff,
    EqualJitterBackoff,
    ExponentialBackoff,
    FixedDelayBackoff,
    FullJitterBackoff,
)
from alicloud_storage.retry.budget import RetryBudget
from alicloud_storage.retry.classify import Classifier, first_match, network, throttling, transient
from alicloud_storage.retry.context import RetryContext, RetryReason
from alicloud_storage.retry.loop import Pause, run_attempts
from alicloud_storage.retry.strategy import NoRetryStrategy, RetryStrategy, StandardRetryStrategy

__all__ = [
    "Backoff",
    "Classifier",
    "EqualJitterBackoff",
    "ExponentialBackoff",
    "FixedDelayBackoff",
    "FullJitterBackoff",
    "NoRetryStrategy",
    "Pause",
    "RetryBudget",
    "RetryContext",
    "RetryReason",
    "RetryStrategy",
    "StandardRetryStrategy",
    "first_match",
    "network",
    "run_attempts",
    "throttling",
    "transient",
]
