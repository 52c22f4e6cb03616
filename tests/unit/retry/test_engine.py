"""The retry engine on a fake clock: backoff caps and jitter bounds, classifiers and
idempotency, the retry budget, and the one attempt loop (pauses, rewind, hooks)."""
from __future__ import annotations

import random
from typing import Any, Generator, List

import pytest
from retry_fakes import drive

from alicloud_storage.retry import (
    EqualJitterBackoff,
    ExponentialBackoff,
    FixedDelayBackoff,
    FullJitterBackoff,
    NoRetryStrategy,
    RetryBudget,
    RetryContext,
    RetryReason,
    StandardRetryStrategy,
    first_match,
    network,
    run_attempts,
    throttling,
    transient,
)


class Throttled(Exception):
    pass


class ServerError(Exception):
    pass


class Disconnected(Exception):
    pass


class Rejected(Exception):
    pass


CLASSIFY = first_match(
    throttling(lambda e: isinstance(e, Throttled)),
    transient(lambda e: isinstance(e, ServerError)),
    network(lambda e: isinstance(e, Disconnected)),
)
RETRYABLE = (Throttled, ServerError, Disconnected, Rejected)


def context(error: Exception, attempt: int = 1, idempotent: bool = True, replayable: bool = True) -> RetryContext:
    return RetryContext(attempt, error, "Op", idempotent, replayable)


# --------------------------------------------------------------------------- backoff


def test_exponential_ceiling_grows_then_stays_at_the_cap() -> None:
    backoff = ExponentialBackoff(base=0.2, cap=3.0)
    assert [backoff.delay(n, random.random) for n in range(6)] == [0.2, 0.4, 0.8, 1.6, 3.0, 3.0]
    assert backoff.delay(10_000, random.random) == 3.0  # no overflow far past the cap
    assert ExponentialBackoff(0.5, 100.0, multiplier=3).delay(2, random.random) == 4.5


@pytest.mark.parametrize("seed", range(5))
def test_full_jitter_stays_in_zero_to_ceiling(seed: int) -> None:
    rng = random.Random(seed).random
    backoff = FullJitterBackoff(base=0.1, cap=5.0)
    for retries in range(12):
        ceiling = min(5.0, 0.1 * 2**retries)
        draws = [backoff.delay(retries, rng) for _ in range(50)]
        assert all(0.0 <= d < ceiling for d in draws)
        assert max(draws) > ceiling / 2  # the draw really spans the range


@pytest.mark.parametrize("seed", range(5))
def test_equal_jitter_stays_in_half_to_full_ceiling(seed: int) -> None:
    rng = random.Random(seed).random
    backoff = EqualJitterBackoff(base=0.2, cap=20.0)
    for retries in range(10):
        ceiling = min(20.0, 0.2 * 2**retries)
        assert all(ceiling / 2 <= backoff.delay(retries, rng) < ceiling for _ in range(50))


def test_jitter_is_reproducible_with_a_seeded_rng() -> None:
    backoff = FullJitterBackoff(base=1.0, cap=60.0)
    first = [backoff.delay(n, random.Random(42).random) for n in range(5)]
    again = [backoff.delay(n, random.Random(42).random) for n in range(5)]
    assert first == again and len(set(first)) > 1


def test_fixed_delay_ignores_the_attempt() -> None:
    assert {FixedDelayBackoff(0.7).delay(n, lambda: 0.3) for n in range(5)} == {0.7}


# --------------------------------------------------------------------------- classifiers


def test_throttling_is_retried_even_for_non_idempotent_operations() -> None:
    assert CLASSIFY(context(Throttled(), idempotent=False)) is RetryReason.THROTTLING


def test_server_errors_are_retried_for_idempotent_operations_only() -> None:
    assert CLASSIFY(context(ServerError(), idempotent=True)) is RetryReason.TRANSIENT
    assert CLASSIFY(context(ServerError(), idempotent=False)) is None
    anyway = transient(lambda e: isinstance(e, ServerError), idempotent_only=False)
    assert anyway(context(ServerError(), idempotent=False)) is RetryReason.TRANSIENT


def test_network_errors_need_an_idempotent_operation_and_a_replayable_body() -> None:
    assert CLASSIFY(context(Disconnected())) is RetryReason.NETWORK
    assert CLASSIFY(context(Disconnected(), idempotent=False)) is None
    assert CLASSIFY(context(Disconnected(), replayable=False)) is None


def test_unknown_errors_are_not_classified() -> None:
    assert CLASSIFY(context(Rejected())) is None


# --------------------------------------------------------------------------- strategy and budget


def test_standard_strategy_stops_at_max_attempts_and_uses_the_backoff_of_the_reason() -> None:
    strategy = StandardRetryStrategy(
        CLASSIFY, ExponentialBackoff(0.2, 3.0), max_attempts=4,
        backoff_by_reason={RetryReason.THROTTLING: ExponentialBackoff(0.5, 3.0)},
    )
    assert [strategy.next_delay(context(ServerError(), n)) for n in range(1, 6)] == [0.2, 0.4, 0.8, None, None]
    assert [strategy.next_delay(context(Throttled(), n)) for n in range(1, 4)] == [0.5, 1.0, 2.0]
    assert strategy.next_delay(context(Rejected())) is None


def test_max_elapsed_stops_retrying_on_the_injected_clock() -> None:
    strategy = StandardRetryStrategy(CLASSIFY, FixedDelayBackoff(1.0), max_attempts=10, max_elapsed=2.5)
    early = RetryContext(1, ServerError(), "Op", True, True, elapsed=2.0)
    late = RetryContext(2, ServerError(), "Op", True, True, elapsed=2.5)
    assert strategy.next_delay(early) == 1.0 and strategy.next_delay(late) is None


def test_budget_runs_out_and_successes_refill_it() -> None:
    budget = RetryBudget(capacity=12, retry_cost=5, success_refund=1)
    strategy = StandardRetryStrategy(CLASSIFY, FixedDelayBackoff(0.0), max_attempts=100, budget=budget)
    decisions = [strategy.next_delay(context(ServerError(), n)) for n in range(1, 5)]
    assert decisions == [0.0, 0.0, None, None] and budget.available == 2
    strategy.succeeded(1)
    strategy.succeeded(1)
    assert budget.available == 4 and strategy.next_delay(context(ServerError())) is None
    strategy.succeeded(3)  # a success after retries gives one retry's cost back
    assert budget.available == 9 and strategy.next_delay(context(ServerError())) == 0.0
    for _ in range(20):
        strategy.succeeded(2)
    assert budget.available == 12  # never above capacity


def test_budget_refuses_without_taking_tokens() -> None:
    budget = RetryBudget(capacity=4, retry_cost=5)
    assert not budget.acquire() and budget.available == 4
    with pytest.raises(ValueError):
        RetryBudget(capacity=-1)


# --------------------------------------------------------------------------- the attempt loop


class Service:
    """Fails with the scripted errors in turn, then answers ``ok``; records each attempt."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.attempts: List[int] = []
        self.sent: List[str] = []

    def attempt(self, number: int) -> Generator[Any, Any, str]:
        self.attempts.append(number)
        answer = yield f"request {number}"
        return str(answer)

    def serve(self, step: Any) -> str:
        self.sent.append(step)
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def run(service: Service, strategy: Any, fake_time: Any, **kwargs: Any) -> str:
    """The attempt loop over ``service``, pausing on the fake sleep."""
    flow = run_attempts(service.attempt, strategy, retryable=RETRYABLE, clock=fake_time.now, operation="Op", **kwargs)
    return drive(flow, service.serve, fake_time.sleep)


def standard(**kwargs: Any) -> StandardRetryStrategy:
    kwargs.setdefault("max_attempts", 5)
    return StandardRetryStrategy(CLASSIFY, FullJitterBackoff(0.5, 3.0), rng=lambda: 1.0, **kwargs)


def test_throttling_is_retried_with_capped_backoff_on_the_fake_sleep(fake_time: Any) -> None:
    service = Service(Throttled(), Throttled(), Throttled(), Throttled())
    assert run(service, standard(), fake_time, idempotent=False) == "ok"
    assert fake_time.sleeps == [0.5, 1.0, 2.0, 3.0]
    assert service.attempts == [1, 2, 3, 4, 5] and service.sent == [f"request {n}" for n in range(1, 6)]


def test_a_non_idempotent_operation_is_not_retried_on_a_network_error(fake_time: Any) -> None:
    service = Service(Disconnected())
    with pytest.raises(Disconnected):
        run(service, standard(), fake_time, idempotent=False)
    assert fake_time.sleeps == [] and service.attempts == [1]
    again = Service(Disconnected())
    assert run(again, standard(), fake_time, idempotent=True) == "ok"
    assert fake_time.sleeps == [0.5]


def test_the_last_error_is_raised_when_attempts_run_out(fake_time: Any) -> None:
    service = Service(*[ServerError(f"#{n}") for n in range(1, 10)])
    with pytest.raises(ServerError, match="#3"):
        run(service, standard(max_attempts=3), fake_time, idempotent=True)
    assert service.attempts == [1, 2, 3] and fake_time.sleeps == [0.5, 1.0]


def test_errors_outside_retryable_propagate_untouched(fake_time: Any) -> None:
    service = Service(KeyError("bug"))
    retried: List[RetryContext] = []
    with pytest.raises(KeyError):
        run(service, standard(), fake_time, idempotent=True, on_give_up=retried.append)
    assert retried == [] and service.attempts == [1]


def test_hooks_see_each_context_with_elapsed_time_on_the_injected_clock(fake_time: Any) -> None:
    service = Service(ServerError(), ServerError(), Rejected("final"))
    retries: List[tuple] = []
    gave_up: List[RetryContext] = []
    with pytest.raises(Rejected):
        run(service, standard(), fake_time, idempotent=True,
                            on_retry=lambda c, d: retries.append((c.attempt, c.elapsed, d)),
                            on_give_up=gave_up.append)
    assert retries == [(1, 0.0, 0.5), (2, 0.5, 1.0)]
    assert [(c.attempt, c.elapsed, c.operation, str(c.error)) for c in gave_up] == [(3, 1.5, "Op", "final")]


def test_a_body_that_cannot_be_rewound_is_not_sent_again(fake_time: Any) -> None:
    rewinds: List[bool] = []

    def rewind() -> bool:
        rewinds.append(True)
        return len(rewinds) < 2  # the first rewind works, the second finds the body consumed

    service = Service(Throttled(), Throttled(), Throttled())
    with pytest.raises(Throttled):
        run(service, standard(), fake_time, idempotent=True, rewind=rewind)
    assert service.attempts == [1, 2] and fake_time.sleeps == [0.5] and len(rewinds) == 2


def test_a_zero_delay_retries_without_a_pause_and_no_retry_strategy_fails_at_once(fake_time: Any) -> None:
    service = Service(ServerError())
    zero = StandardRetryStrategy(CLASSIFY, FixedDelayBackoff(0.0))
    assert run(service, zero, fake_time, idempotent=True) == "ok"
    assert fake_time.sleeps == [] and service.attempts == [1, 2]
    service = Service(Throttled())
    with pytest.raises(Throttled):
        run(service, NoRetryStrategy(), fake_time)


def test_success_is_reported_to_the_budget(fake_time: Any) -> None:
    budget = RetryBudget(capacity=10, retry_cost=5)
    service = Service(ServerError())
    assert run(service, standard(budget=budget), fake_time, idempotent=True) == "ok"
    assert budget.available == 10  # took 5 for the retry, got 5 back on success


def test_max_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError):
        StandardRetryStrategy(CLASSIFY, FixedDelayBackoff(0.0), max_attempts=0)


