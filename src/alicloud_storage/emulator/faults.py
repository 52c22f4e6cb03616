"""Fault injection of one Emulator: the next N requests of an API answer an error or wait.

Every service's pipeline consults it after authentication, so a test can make any API of
any service fail (status, code, message), stall (delay) or both, a bounded number of times.
"""
from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass
from typing import Deque, Dict, Optional, Tuple

__all__ = ["Fault", "FaultInjector", "MAX_FAULT_COUNT", "MAX_FAULT_DELAY", "MAX_PENDING_FAULTS"]

MAX_FAULT_COUNT = 10_000  # requests one injection may affect
MAX_PENDING_FAULTS = 1_000  # injections waiting at once (each names its own API: memory stays bounded)
MAX_FAULT_DELAY = 3600.0  # seconds


@dataclass(frozen=True)
class Fault:
    """An injected failure: sleep ``delay`` s, then answer the error (or serve, if ``code`` is None)."""

    code: Optional[str]
    message: str = ""
    http_status: int = 503
    delay: float = 0.0


@dataclass
class _Pending:
    fault: Fault
    remaining: int


class FaultInjector:
    """Pending faults per (service, API), consumed one per request; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Dict[Tuple[str, str], Deque[_Pending]] = {}
        self._count = 0  # entries in all queues
        self._closing: Optional[asyncio.Event] = None

    def add(self, service: str, api: str, fault: Fault, count: int = 1) -> None:
        """Queue ``fault`` for the next ``count`` requests of ``api`` (after those already queued)."""
        if not 1 <= count <= MAX_FAULT_COUNT:
            raise ValueError(f"count must be within 1 and {MAX_FAULT_COUNT}")
        if not 0.0 <= fault.delay <= MAX_FAULT_DELAY:
            raise ValueError(f"delay must be within 0 and {MAX_FAULT_DELAY:g} seconds")
        if fault.code is not None and not 400 <= fault.http_status <= 599:
            raise ValueError("http_status must be an error status (400-599)")
        with self._lock:
            if self._count >= MAX_PENDING_FAULTS:
                raise ValueError(f"{MAX_PENDING_FAULTS} injected faults are already pending")
            self._pending.setdefault((service, api), deque()).append(_Pending(fault, count))
            self._count += 1

    def take(self, service: str, api: str) -> Optional[Fault]:
        """The next fault for ``api`` of ``service``, if any (cheap when nothing is pending)."""
        if not self._pending:
            return None
        with self._lock:
            queue = self._pending.get((service, api))
            if not queue:
                return None
            entry = queue[0]
            entry.remaining -= 1
            if entry.remaining <= 0:
                queue.popleft()
                self._count -= 1
                if not queue:
                    del self._pending[(service, api)]
            return entry.fault

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._pending.clear()
            self._count = 0

    async def sleep(self, seconds: float) -> None:
        """Sleep, but wake up at once when the emulator is stopping."""
        if self._closing is None:
            self._closing = asyncio.Event()
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    def wake(self) -> None:
        """End injected delays now, and skip later ones (called from the loop when the emulator stops)."""
        if self._closing is None:
            self._closing = asyncio.Event()
        self._closing.set()

    def arm(self) -> None:
        """Let injected delays wait again (called when the emulator starts, maybe in a new loop)."""
        self._closing = None
