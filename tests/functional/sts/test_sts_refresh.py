"""A long-running client on RAM-role credentials keeps working across several expirations,
with exactly one AssumeRole per refresh under 50 threads or 50 asyncio tasks.

The provider and the emulator's RAM share a fake clock: advancing it expires the tokens
for real (the emulator refuses them), without sleeping.
"""
from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator

import pytest

from alicloud_storage.credentials import RamRoleArnCredentialsProvider, StaticCredentialsProvider
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.ram import AuthenticationError
from alicloud_storage.tablestore import AsyncOTSClient, NoRetryPolicy, OTSClient, OTSServiceError

from sts_helpers import ASSUMER, role_arn

WORKERS = 50
# 900 s sessions: advisory refresh 450 s and mandatory refresh 300 s before expiry.
STEPS = (500, 901, 500, 901)


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture
def clock(emu: Emulator) -> Iterator[FakeClock]:
    fake = FakeClock()
    real, emu.iam.clock = emu.iam.clock, fake
    try:
        yield fake
    finally:
        emu.iam.clock = real


def provider(emu: Emulator, clock: FakeClock, name: str) -> RamRoleArnCredentialsProvider:
    return RamRoleArnCredentialsProvider(
        StaticCredentialsProvider(*ASSUMER), role_arn(emu, "RamTablestore"), name, 900,
        sts_endpoint=emu.sts_endpoint, clock=clock,
    )


def expect_refused(emu: Emulator, creds: Any) -> None:
    with pytest.raises(AuthenticationError) as refused:
        emu.iam.resolve(creds.access_key_id, creds.security_token)
    assert refused.value.code == "InvalidSecurityToken.Expired"
    stale = OTSClient(emu.tablestore_endpoint, instance_name=emu.instance, retry_policy=NoRetryPolicy(),
                      credentials_provider=StaticCredentialsProvider(
                          creds.access_key_id, creds.access_key_secret, creds.security_token))
    with pytest.raises(OTSServiceError) as rejected:
        stale.list_table()
    assert rejected.value.http_status == 403


def test_threads_one_assume_role_per_refresh(emu: Emulator, clock: FakeClock) -> None:
    creds_provider = provider(emu, clock, "threads")
    client = OTSClient(emu.tablestore_endpoint, instance_name=emu.instance,
                       credentials_provider=creds_provider, retry_policy=NoRetryPolicy())
    start = emu.iam.sessions_issued

    def work(_: int) -> str:
        client.list_table()
        return creds_provider.get_credentials().access_key_id

    with ThreadPoolExecutor(WORKERS) as pool:
        assert len(set(pool.map(work, range(WORKERS)))) == 1
        assert emu.iam.sessions_issued - start == 1
        for refreshes, step in enumerate(STEPS, start=2):
            before = creds_provider.get_credentials()
            clock.advance(step)
            list(pool.map(work, range(WORKERS)))
            assert emu.iam.sessions_issued - start == refreshes
            assert creds_provider.get_credentials().access_key_id != before.access_key_id
            if step > 900:
                expect_refused(emu, before)


def test_tasks_one_assume_role_per_refresh(emu: Emulator, clock: FakeClock) -> None:
    creds_provider = provider(emu, clock, "tasks")

    async def main() -> None:
        client = AsyncOTSClient(emu.tablestore_endpoint, instance_name=emu.instance,
                                credentials_provider=creds_provider, retry_policy=NoRetryPolicy())
        start = emu.iam.sessions_issued
        try:
            await asyncio.gather(*(client.list_table() for _ in range(WORKERS)))
            assert emu.iam.sessions_issued - start == 1
            for refreshes, step in enumerate(STEPS, start=2):
                before = await creds_provider.get_credentials_async()
                clock.advance(step)
                await asyncio.gather(*(client.list_table() for _ in range(WORKERS)))
                assert emu.iam.sessions_issued - start == refreshes
                if step > 900:
                    with pytest.raises(AuthenticationError):
                        emu.iam.resolve(before.access_key_id, before.security_token)
        finally:
            await client.close()
            await creds_provider.aclose()

    asyncio.run(main())
