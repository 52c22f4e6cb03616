"""Fixtures of the secondary index and local transaction tests: a clean emulator and the
three clients (the official SDK, our sync client, our async client), so one scenario
written against the official interface runs on each.
"""
from __future__ import annotations

import asyncio
import importlib.util
import inspect
import logging
from types import SimpleNamespace
from typing import Any, Iterator

import pytest

from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import AsyncOTSClient, OTSClient

HAS_OFFICIAL = importlib.util.find_spec("tablestore") is not None
logging.getLogger("tablestore-client").setLevel(logging.CRITICAL)  # it logs every service error


class AsyncAsSync:
    """Blocking view of an AsyncOTSClient: each coroutine runs to completion on ``loop``."""

    def __init__(self, client: AsyncOTSClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if inspect.iscoroutinefunction(attribute):
            return lambda *args, **kwargs: self._loop.run_until_complete(attribute(*args, **kwargs))
        return attribute


def official_client(emu: Emulator) -> Any:
    """The official OTSClient pointed at the emulator, without retries."""
    from tablestore import OTSClient as OfficialClient
    from tablestore.retry import NoRetryPolicy

    return OfficialClient(
        emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance,
        retry_policy=NoRetryPolicy(), logger_name="tablestore-client",
    )


@pytest.fixture
def emu(tablestore: Emulator) -> Emulator:
    """The session emulator, emptied for this test."""
    return tablestore


CLIENT_KINDS = [pytest.param("official", marks=pytest.mark.official)] if HAS_OFFICIAL else []
CLIENT_KINDS += ["sync", "async"]


@pytest.fixture(params=CLIENT_KINDS)
def kit(request: pytest.FixtureRequest, emu: Emulator) -> Iterator[SimpleNamespace]:
    """``kit.client`` of each kind and ``kit.m``, the package whose model classes it takes."""
    if request.param == "official":
        import tablestore

        yield SimpleNamespace(client=official_client(emu), m=tablestore, kind="official")
        return
    import alicloud_storage.tablestore as ours

    args = (emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance)
    if request.param == "sync":
        with OTSClient(*args, region=emu.region, retry_policy=ours.NoRetryPolicy()) as client:
            yield SimpleNamespace(client=client, m=ours, kind="sync")
        return
    loop = asyncio.new_event_loop()
    client = AsyncOTSClient(*args, retry_policy=ours.NoRetryPolicy())
    try:
        yield SimpleNamespace(client=AsyncAsSync(client, loop), m=ours, kind="async")
        loop.run_until_complete(client.close())
    finally:
        loop.close()


@pytest.fixture
def ours(emu: Emulator) -> Iterator[OTSClient]:
    """Our sync client (for tests about the emulator rather than the clients)."""
    import alicloud_storage.tablestore as models

    args = (emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance)
    with OTSClient(*args, retry_policy=models.NoRetryPolicy()) as client:
        yield client
