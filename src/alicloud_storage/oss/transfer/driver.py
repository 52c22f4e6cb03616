"""Running transfer flows: one flow per transfer, parallel parts as a ``Parallel`` step.

A transfer (upload, download, copy) is written once as a generator flow, like a client
call (``http.flow``): it yields the client's steps (credentials, a request, a pause) and
``Parallel`` steps whose part flows run at most ``limit`` at a time. ``run_sync`` serves
them with a thread pool, ``run_async`` with asyncio tasks; part flows are pulled from
their iterator only when a slot is free, so at most ``limit`` parts are in memory.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Generator, Iterator, List, Optional, Set

from alicloud_storage.http.flow import run_flow, run_flow_async
from alicloud_storage.oss.operations import OPERATIONS

__all__ = ["Flow", "Parallel", "Sink", "call", "run_sync", "run_async"]

Flow = Generator[Any, Any, Any]


@dataclass
class Parallel:
    """Step: run these flows, at most ``limit`` at once; the result is their results in order."""

    flows: Iterator[Flow]
    limit: int


@dataclass
class Sink:
    """Step: stream a GetObject ``body`` into ``write(chunk)``; the result is the byte count."""

    body: Any
    write: Callable[[bytes], None]


_BLOCK = 1 << 20


def call(client: Any, api: str, request: Any) -> Flow:
    """The flow of one API call of ``client`` (``PutObject``, ``UploadPart``, ...)."""
    return client._core.call(OPERATIONS[api], request, {})  # type: ignore[no-any-return]


def run_sync(client: Any, flow: Flow) -> Any:
    """Drive ``flow`` with ``client`` (a sync Client), parallel steps on threads."""

    def serve(step: Any) -> Any:
        if isinstance(step, Parallel):
            return _threads(step, lambda part: run_flow(part, serve))
        if isinstance(step, Sink):
            count = 0
            with step.body:
                for chunk in step.body.iter_bytes(_BLOCK):
                    step.write(chunk)
                    count += len(chunk)
            return count
        return client._serve(step)

    return run_flow(flow, serve)


class _Gather:
    """Results by position and the first error, for both parallel runners."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.results: Dict[int, Any] = {}
        self.started = 0
        self.error: Optional[BaseException] = None

    def more(self, in_flight: int) -> bool:
        """True while another part may start (no failure, a free slot)."""
        return self.error is None and in_flight < self.limit

    def settle(self, position: int, error: Optional[BaseException], value: Any) -> None:
        """Record a finished part."""
        if error is not None:
            self.error = self.error or error
        else:
            self.results[position] = value

    def outcome(self) -> List[Any]:
        """The results in order, or the first error raised."""
        if self.error is not None:
            raise self.error
        return [self.results[i] for i in range(self.started)]


def _threads(step: Parallel, run: Callable[[Flow], Any]) -> List[Any]:
    gather = _Gather(step.limit)
    running: Dict["Future[Any]", int] = {}
    with ThreadPoolExecutor(max_workers=gather.limit) as pool:
        while True:
            while gather.more(len(running)):
                part = next(step.flows, None)
                if part is None:
                    break
                running[pool.submit(run, part)] = gather.started
                gather.started += 1
            if not running:
                break
            done, _ = wait(set(running), return_when=FIRST_COMPLETED)
            for future in done:
                error = future.exception()
                gather.settle(running.pop(future), error, None if error else future.result())
    return gather.outcome()


async def run_async(client: Any, flow: Flow) -> Any:
    """Drive ``flow`` with ``client`` (an AsyncClient), parallel steps as tasks."""

    async def serve(step: Any) -> Any:
        if isinstance(step, Parallel):
            return await _tasks(step, lambda part: run_flow_async(part, serve))
        if isinstance(step, Sink):
            count = 0
            async with step.body:
                async for chunk in step.body.iter_bytes(_BLOCK):
                    step.write(chunk)
                    count += len(chunk)
            return count
        return await client._serve(step)

    return await run_flow_async(flow, serve)


async def _tasks(step: Parallel, run: Callable[[Flow], Awaitable[Any]]) -> List[Any]:
    gather = _Gather(step.limit)
    running: Dict["asyncio.Future[Any]", int] = {}
    while True:
        while gather.more(len(running)):
            part = next(step.flows, None)
            if part is None:
                break
            running[asyncio.ensure_future(run(part))] = gather.started
            gather.started += 1
        if not running:
            break
        done: Set["asyncio.Future[Any]"]
        done, _ = await asyncio.wait(set(running), return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            error = task.exception()
            gather.settle(running.pop(task), error, None if error else task.result())
    return gather.outcome()
