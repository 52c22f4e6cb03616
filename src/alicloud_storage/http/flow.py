"""Runners for sans-IO call flows (the httpx ``auth_flow`` pattern).

A flow is a generator written once: it yields a step (a request to send, a pause, ...),
receives the step's result, or has the step's exception thrown into it, and returns
the call's result. The retry engine's attempt loop (``retry.run_attempts``) is such a
flow, and its ``retry.Pause`` is one of the steps. ``run_flow`` serves the steps with
blocking I/O and ``run_flow_async`` on the event loop, so a client's sync and async
shells differ only in the ``serve`` function they pass.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Generator, Optional, Tuple, TypeVar, Union, cast

from alicloud_storage.http.models import Request
from alicloud_storage.retry.loop import Pause

__all__ = ["Flow", "NeedCredentials", "NEED_CREDENTIALS", "Step", "run_flow", "run_flow_async"]


class NeedCredentials:
    """Step: the flow needs a credentials snapshot (the client's provider serves it)."""


NEED_CREDENTIALS = NeedCredentials()


# What the service clients' call flows yield: each attempt asks for fresh credentials,
# sends one request, and may pause before the next attempt.
Step = Union[NeedCredentials, Request, Pause]

_S = TypeVar("_S")
_R = TypeVar("_R")

Flow = Generator[_S, Any, _R]


def _advance(flow: Flow[_S, _R], value: Any, error: Optional[Exception]) -> Tuple[bool, Any]:
    """(False, next step) or (True, the flow's return value)."""
    try:
        return False, flow.send(value) if error is None else flow.throw(error)
    except StopIteration as stop:
        return True, stop.value


def run_flow(flow: Flow[_S, _R], serve: Callable[[_S], Any]) -> _R:
    """Drive ``flow`` to its return value; an exception of ``serve`` is thrown into the flow."""
    value: Any = None
    error: Optional[Exception] = None
    while True:
        done, step = _advance(flow, value, error)
        if done:
            return cast(_R, step)
        value, error = None, None
        try:
            value = serve(step)
        except Exception as exc:  # the flow maps, retries or re-raises it
            error = exc


async def run_flow_async(flow: Flow[_S, _R], serve: Callable[[_S], Awaitable[Any]]) -> _R:
    """``run_flow`` with an awaited ``serve``."""
    value: Any = None
    error: Optional[Exception] = None
    while True:
        done, step = _advance(flow, value, error)
        if done:
            return cast(_R, step)
        value, error = None, None
        try:
            value = await serve(step)
        except Exception as exc:  # the flow maps, retries or re-raises it
            error = exc
