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
