"""Refresh windows and single-flight refresh of RefreshableCredentialsProvider, on a fake clock."""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

import pytest

from alicloud_storage.credentials import Credentials, CredentialsError, RefreshableCredentialsProvider

SECRET = "refresh-secret-never-logged"


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Counting(RefreshableCredentialsProvider):
    """Issues numbered credentials valid ``lifetime`` s; fetching takes ``delay`` s."""

    provider_name = "counting"

    def __init__(self, clock: FakeClock, lifetime: float = 900, delay: float = 0.05) -> None:
        super().__init__(clock=clock)
        self.clock, self.lifetime, self.delay = clock, lifetime, delay
        self.fetches = 0
        self.fail: Optional[str] = None
        self._count_lock = threading.Lock()

    def _next(self) -> Credentials:
        with self._count_lock:
            self.fetches += 1
            n = self.fetches
        if self.fail:
            raise CredentialsError(self.fail)
        return Credentials(f"STS.{n}", SECRET, "token", self.clock() + self.lifetime, "counting")

    def fetch(self) -> Credentials:
        time.sleep(self.delay)
        return self._next()

    async def fetch_async(self) -> Credentials:
        await asyncio.sleep(self.delay)
        return self._next()


def _hammer(provider: Counting, n: int = 50) -> set:
    barrier = threading.Barrier(n)

    def call(_: int) -> str:
        barrier.wait()
        return provider.get_credentials().access_key_id

    with ThreadPoolExecutor(n) as pool:
        return set(pool.map(call, range(n)))


def test_cached_until_the_advisory_window() -> None:
    clock = FakeClock()
    provider = Counting(clock, delay=0)
    assert provider.get_credentials().access_key_id == "STS.1"
    clock.now += 440  # 900 s session: advisory at 450 s before expiry, mandatory at 300 s
    assert provider.get_credentials().access_key_id == "STS.1"
    assert provider.fetches == 1


def test_fifty_threads_one_fetch_per_refresh_across_expirations() -> None:
    clock = FakeClock()
    provider = Counting(clock)
    for expected in range(1, 6):
        assert _hammer(provider) == {f"STS.{expected}"}
        assert provider.fetches == expected
        clock.now += 901  # past expiry: mandatory refresh on the next call


def test_advisory_window_refreshes_once_and_others_keep_current() -> None:
    clock = FakeClock()
    provider = Counting(clock, delay=0.2)
    provider.get_credentials()
    clock.now += 500  # inside advisory (450 s), before mandatory (600 s)
    seen = _hammer(provider)
    assert provider.fetches == 2
    assert seen <= {"STS.1", "STS.2"} and "STS.1" in seen
    assert provider.get_credentials().access_key_id == "STS.2"


def test_advisory_failure_is_logged_and_current_kept(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    provider = Counting(clock, delay=0)
    provider.get_credentials()
    clock.now += 500
    provider.fail = "sts is down"
    with caplog.at_level(logging.WARNING):
        assert provider.get_credentials().access_key_id == "STS.1"
    assert "sts is down" in caplog.text and SECRET not in caplog.text


def test_mandatory_failure_raises() -> None:
    clock = FakeClock()
    provider = Counting(clock, delay=0)
    provider.get_credentials()
    clock.now += 700
    provider.fail = "sts is down"
    with pytest.raises(CredentialsError, match="sts is down"):
        provider.get_credentials()


def test_already_expired_answer_is_refused() -> None:
    clock = FakeClock()
    provider = Counting(clock, lifetime=-1, delay=0)
    with pytest.raises(CredentialsError, match="already expired"):
        provider.get_credentials()


def test_long_sessions_use_botocore_windows() -> None:
    clock = FakeClock()
    provider = Counting(clock, lifetime=3600, delay=0)
    provider.get_credentials()
    clock.now += 3600 - 901  # 15 min before expiry: still fresh
    provider.get_credentials()
    assert provider.fetches == 1
    clock.now += 2  # inside the 15 min advisory window
    provider.get_credentials()
    assert provider.fetches == 2


def test_fifty_tasks_one_fetch_per_refresh_and_the_loop_keeps_running() -> None:
    clock = FakeClock()
    provider = Counting(clock)

    async def main() -> None:
        beats = 0

        async def heartbeat() -> None:
            nonlocal beats
            while True:
                beats += 1
                await asyncio.sleep(0.005)

        beat = asyncio.create_task(heartbeat())
        for expected in range(1, 4):
            got = await asyncio.gather(*(provider.get_credentials_async() for _ in range(50)))
            assert {c.access_key_id for c in got} == {f"STS.{expected}"}
            assert provider.fetches == expected
            clock.now += 901
        beat.cancel()
        assert beats >= 5  # the refresh awaited; nothing blocked the event loop

    asyncio.run(main())


def test_async_locks_are_per_event_loop() -> None:
    clock = FakeClock()
    provider = Counting(clock, delay=0)
    for round_ in range(1, 3):
        got = asyncio.run(provider.get_credentials_async())
        assert got.access_key_id == f"STS.{round_}"
        clock.now += 901
