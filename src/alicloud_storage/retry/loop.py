"""The attempt loop, written once for every client: a sans-IO generator.

``run_attempts(attempt, strategy, ...)`` runs ``attempt(n)`` (a flow that yields the
client's steps: credentials, a request, ...) until it returns; on a failure it builds the
:class:`RetryContext`, asks the strategy, yields a :class:`Pause` and starts a fresh
attempt (which re-signs with fresh credentials). The client's runner serves the pause
with its injected sleep, so tests never wait on the wall clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generator, Optional, Tuple, Type, TypeVar

from alicloud_storage.retry.context import RetryContext
from alicloud_storage.retry.strategy import RetryStrategy

__all__ = ["Pause", "run_attempts"]

_R = TypeVar("_R")


@dataclass(frozen=True)
class Pause:
    """Step: wait ``seconds`` before the next attempt."""

    seconds: float


def run_attempts(
    attempt: Callable[[int], Generator[Any, Any, _R]],
    strategy: RetryStrategy,
    *,
    retryable: Tuple[Type[BaseException], ...],
    clock: Callable[[], float],
    operation: str = "",
    idempotent: bool = False,
    rewind: Optional[Callable[[], bool]] = None,
    on_retry: Optional[Callable[[RetryContext, float], None]] = None,
    on_give_up: Optional[Callable[[RetryContext], None]] = None,
) -> Generator[Any, Any, _R]:
    """Drive ``attempt(1)``, ``attempt(2)``, ... until one returns or the strategy stops.

    Only ``retryable`` errors reach the strategy (others propagate at once). ``rewind``
    resets the request body before a re-attempt; False means it cannot be sent again,
    and the failure is final. ``on_retry`` / ``on_give_up`` are for the client's logs.
    """
    started = clock()
    number = 1
    while True:
        try:
            result = yield from attempt(number)
        except retryable as error:
            context = RetryContext(
                number, error, operation, idempotent, rewind is None or rewind(), clock() - started,
                getattr(error, "response", None),
            )
            delay = strategy.next_delay(context) if context.replayable else None
            if delay is None:
                if on_give_up is not None:
                    on_give_up(context)
                raise
            if on_retry is not None:
                on_retry(context, delay)
            if delay > 0:
                yield Pause(delay)
            number += 1
        else:
            strategy.succeeded(number)
            return result
