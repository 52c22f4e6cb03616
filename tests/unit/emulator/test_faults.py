"""The Emulator's fault injector: per (service, API) queues, bounded counts, consumed in order."""
from __future__ import annotations

import asyncio

import pytest

from alicloud_storage.emulator.faults import MAX_FAULT_COUNT, MAX_FAULT_DELAY, Fault, FaultInjector

BUSY = Fault("OTSServerBusy", "Server is busy.", 503)
SLOW = Fault(None, delay=0.5)


def test_faults_are_consumed_in_order_per_service_and_api() -> None:
    faults = FaultInjector()
    assert faults.take("tablestore", "GetRow") is None
    faults.add("tablestore", "GetRow", BUSY, count=2)
    faults.add("tablestore", "GetRow", SLOW)
    faults.add("sts", "AssumeRole", BUSY)
    assert faults.take("sts", "GetRow") is None  # another service's API of the same name
    assert [faults.take("tablestore", "GetRow") for _ in range(4)] == [BUSY, BUSY, SLOW, None]
    assert faults.take("sts", "AssumeRole") == BUSY
    assert faults.take("sts", "AssumeRole") is None


def test_a_large_count_takes_no_memory_per_request() -> None:
    faults = FaultInjector()
    faults.add("tablestore", "PutRow", BUSY, count=MAX_FAULT_COUNT)
    assert sum(1 for _ in iter(lambda: faults.take("tablestore", "PutRow"), None)) == MAX_FAULT_COUNT


@pytest.mark.parametrize("fault, count, problem", [
    (BUSY, 0, "count"), (BUSY, MAX_FAULT_COUNT + 1, "count"), (Fault(None, delay=-1), 1, "delay"),
    (Fault(None, delay=MAX_FAULT_DELAY + 1), 1, "delay"), (Fault("X", http_status=200), 1, "http_status"),
])
def test_out_of_bounds_injections_are_refused(fault: Fault, count: int, problem: str) -> None:
    faults = FaultInjector()
    with pytest.raises(ValueError, match=problem):
        faults.add("tablestore", "GetRow", fault, count)
    assert faults.take("tablestore", "GetRow") is None


def test_clear_drops_every_pending_fault() -> None:
    faults = FaultInjector()
    faults.add("tablestore", "GetRow", BUSY, count=3)
    faults.clear()
    assert faults.take("tablestore", "GetRow") is None


def test_wake_ends_a_pending_delay_at_once() -> None:
    async def scenario() -> float:
        faults = FaultInjector()
        loop = asyncio.get_running_loop()
        started = loop.time()
        sleeper = asyncio.ensure_future(faults.sleep(MAX_FAULT_DELAY))
        await asyncio.sleep(0)
        faults.wake()
        await sleeper
        return loop.time() - started

    assert asyncio.run(scenario()) < 1.0
