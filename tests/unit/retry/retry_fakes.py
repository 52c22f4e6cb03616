"""Drive a retry flow with a fake sleep (the ``fake_time`` fixture of tests/conftest.py)."""
from __future__ import annotations

from typing import Any, Callable, Generator, TypeVar

from alicloud_storage.retry import Pause

_R = TypeVar("_R")


def drive(flow: Generator[Any, Any, _R], serve: Callable[[Any], Any], sleep: Callable[[float], None]) -> _R:
    """Run a retry flow: Pause steps go to ``sleep``, every other step to ``serve``."""
    value: Any = None
    error: Any = None
    while True:
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        value, error = None, None
        if isinstance(step, Pause):
            sleep(step.seconds)
            continue
        try:
            value = serve(step)
        except Exception as exc:
            error = exc
