"""The sans-IO flow runners: steps served in order, results sent back, errors thrown in."""
from __future__ import annotations

import asyncio
from typing import Any, Generator, List

import pytest

from alicloud_storage.http.flow import run_flow, run_flow_async


def doubling_flow(steps: List[str]) -> Generator[str, Any, str]:
    """Yields two steps; the second one's failure is caught and recovered from."""
    first = yield "first"
    steps.append(f"got {first}")
    try:
        yield "fails"
    except KeyError as exc:
        steps.append(f"caught {exc.args[0]}")
    return f"done {first}"


def serve(step: str) -> str:
    if step == "fails":
        raise KeyError("boom")
    return step.upper()


async def serve_async(step: str) -> str:
    await asyncio.sleep(0)
    return serve(step)


def test_run_flow_sends_results_and_throws_errors() -> None:
    steps: List[str] = []
    assert run_flow(doubling_flow(steps), serve) == "done FIRST"
    assert steps == ["got FIRST", "caught boom"]


def test_run_flow_async_is_the_same_drive() -> None:
    steps: List[str] = []
    assert asyncio.run(run_flow_async(doubling_flow(steps), serve_async)) == "done FIRST"
    assert steps == ["got FIRST", "caught boom"]


def test_an_error_the_flow_does_not_handle_propagates() -> None:
    def flow() -> Generator[str, Any, None]:
        yield "fails"

    with pytest.raises(KeyError, match="boom"):
        run_flow(flow(), serve)


def test_the_retry_engines_attempt_loop_runs_on_both_runners() -> None:
    """run_attempts is a flow: its Pause steps reach the client's serve (a fake sleep here)."""
    from alicloud_storage.retry import FixedDelayBackoff, Pause, StandardRetryStrategy, run_attempts, transient

    def make(sleeps: List[float]) -> Generator[Any, Any, str]:
        failures = [ValueError("503"), ValueError("503")]

        def attempt(number: int) -> Generator[str, Any, str]:
            answer = yield f"send {number}"
            if failures:
                raise failures.pop()
            return str(answer)

        strategy = StandardRetryStrategy(transient(lambda e: isinstance(e, ValueError)), FixedDelayBackoff(1.5))
        return run_attempts(attempt, strategy, retryable=(ValueError,), clock=lambda: 0.0, idempotent=True)

    def serve_step(sleeps: List[float]) -> Any:
        def serve_it(step: Any) -> Any:
            if isinstance(step, Pause):
                return sleeps.append(step.seconds)
            return step.upper()

        return serve_it

    sleeps: List[float] = []
    assert run_flow(make(sleeps), serve_step(sleeps)) == "SEND 3" and sleeps == [1.5, 1.5]

    async_sleeps: List[float] = []

    async def serve_async_step(step: Any) -> Any:
        return serve_step(async_sleeps)(step)

    assert asyncio.run(run_flow_async(make(async_sleeps), serve_async_step)) == "SEND 3"
    assert async_sleeps == [1.5, 1.5]
