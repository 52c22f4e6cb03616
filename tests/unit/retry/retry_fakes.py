"""A fake clock whose sleep advances it, for driving retry flows without waiting."""
from __future__ import annotations

from typing import Any, Callable, Generator, List, TypeVar

from alicloud_storage.retry import Pause

_R = TypeVar("_R")


class FakeTime:
    """``now()`` is a number that only ``sleep`` moves; every sleep is recorded."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.current = start
        self.sleeps: List[float] = []

    def now(self) -> float:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.current += seconds


def drive(flow: Generator[Any, Any, _R], serve: Callable[[Any], Any], time: FakeTime) -> _R:
    """Run a retry flow: Pause steps go to the fake sleep, every other step to ``serve``."""
    value: Any = None
    error: Any = None
    while True:
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        value, error = None, None
        if isinstance(step, Pause):
            time.sleep(step.seconds)
            continue
        try:
            value = serve(step)
        except Exception as exc:
            error = exc
