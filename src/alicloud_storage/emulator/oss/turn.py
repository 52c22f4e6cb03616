"""The OSS service's turn: the steps its requests run in worker threads share it, a reset
takes it alone.

Blob bytes are hashed and written in worker threads (each batch of an upload's body, an
UploadPartCopy's copy) while ``Emulator.reset`` deletes blobs on the loop. A reset takes the
turn (``async with turn``): it waits for the steps running and no new step starts until it
is done, while the steps of many requests run side by side. An upload's network reads are
no step, so a slow client never holds a reset up (the handlers refuse what a reset cut).
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Literal, Optional, TypeVar

__all__ = ["SharedTurn"]

_T = TypeVar("_T")


class SharedTurn(asyncio.Lock):
    """An ``asyncio.Lock`` to a reset (``async with``, ``locked()``); ``run`` is a shared step."""

    def __init__(self) -> None:
        super().__init__()
        self._steps = 0
        self._idle: Optional["asyncio.Future[None]"] = None

    def locked(self) -> bool:
        """Whether a reset holds the turn or a step runs in a worker thread."""
        return super().locked() or self._steps > 0

    async def acquire(self) -> Literal[True]:
        """Take the turn alone: no new step starts, the running ones are waited for."""
        await super().acquire()
        try:
            while self._steps:
                self._idle = asyncio.get_running_loop().create_future()
                await self._idle
        except BaseException:
            self.release()
            raise
        return True

    async def run(self, fn: Callable[..., _T], *args: Any) -> _T:
        """``fn(*args)`` in a worker thread once no reset holds or waits for the turn; the step
        lasts until the thread returns (also when the caller stopped waiting)."""
        if super().locked():
            await super().acquire()
            self.release()
        loop = asyncio.get_running_loop()

        def step() -> _T:
            try:
                return fn(*args)
            finally:
                loop.call_soon_threadsafe(self._step_done)

        self._steps += 1
        try:
            future = loop.run_in_executor(None, step)
        except BaseException:
            self._step_done()
            raise
        return await future

    def _step_done(self) -> None:
        self._steps -= 1
        if not self._steps and self._idle is not None and not self._idle.done():
            self._idle.set_result(None)
