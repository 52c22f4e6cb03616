"""The OSS turn: worker steps run side by side; a reset waits for the running ones (also when
their caller stopped waiting) and no step starts while it holds the turn."""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Coroutine, List

from alicloud_storage.emulator.oss.turn import SharedTurn


async def _rounds(count: int = 5) -> None:
    """Let the loop run every ready callback a few times (no time passes)."""
    for _ in range(count):
        await asyncio.sleep(0)


async def _wait(event: threading.Event) -> None:
    assert await asyncio.get_running_loop().run_in_executor(None, event.wait, 30)


def _run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


class Held:
    """A step that says when it entered, then waits for ``release``; ``ran`` records its end."""

    def __init__(self) -> None:
        self.entered, self.release = threading.Event(), threading.Event()
        self.ran: List[str] = []

    def step(self) -> None:
        self.entered.set()
        assert self.release.wait(30)
        self.ran.append("held")

    async def start(self, turn: SharedTurn) -> "asyncio.Future[None]":
        """The step running in ``turn`` (returns once its thread entered it)."""
        running = asyncio.ensure_future(turn.run(self.step))
        await _wait(self.entered)
        return running


def test_steps_of_many_requests_run_side_by_side() -> None:
    async def scenario() -> None:
        turn = SharedTurn()
        both = threading.Barrier(2, timeout=30)  # broken if one step had to wait for the other
        assert await asyncio.gather(turn.run(both.wait), turn.run(both.wait)) in ([0, 1], [1, 0])
        assert not turn.locked()

    _run(scenario)


def test_a_reset_waits_for_the_running_step_and_holds_new_ones_off() -> None:
    async def scenario() -> None:
        turn, held = SharedTurn(), Held()
        running = await held.start(turn)
        assert turn.locked()
        reset = asyncio.ensure_future(turn.acquire())
        later = asyncio.ensure_future(turn.run(held.ran.append, "later"))
        await _rounds()
        assert not reset.done() and not later.done()
        held.release.set()
        assert await reset is True
        assert held.ran == ["held"]  # the step was over when the reset took the turn
        await _rounds()
        assert held.ran == ["held"] and not later.done()  # no step while the reset holds it
        turn.release()
        await asyncio.gather(running, later)
        assert held.ran == ["held", "later"] and not turn.locked()

    _run(scenario)


def test_a_step_whose_caller_was_cancelled_is_still_waited_for() -> None:
    async def scenario() -> None:
        turn, held = SharedTurn(), Held()
        caller = await held.start(turn)
        caller.cancel()
        reset = asyncio.ensure_future(turn.acquire())
        await _rounds()
        assert caller.cancelled() and not reset.done()  # the thread still runs: the reset waits
        held.release.set()
        await reset
        assert held.ran == ["held"]
        turn.release()

    _run(scenario)
