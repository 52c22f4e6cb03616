"""Fixtures of the secondary index and local transaction tests: a clean emulator and the
three clients (the official SDK, our sync client, our async client), so one scenario
written against the official interface runs on each.
"""
from __future__ import annotations

import asyncio
import importlib.util
import logging
from types import SimpleNamespace
from typing import Iterator

import pytest
from ots_client_helpers import AsyncAsSync, make_client, official_client

from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import OTSClient

HAS_OFFICIAL = importlib.util.find_spec("tablestore") is not None
logging.getLogger("tablestore-client").setLevel(logging.CRITICAL)  # it logs every service error


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

    if request.param == "sync":
        with make_client(emu, "sync", "v4", retry_policy=ours.NoRetryPolicy()) as client:
            yield SimpleNamespace(client=client, m=ours, kind="sync")
        return
    loop = asyncio.new_event_loop()
    client = make_client(emu, "async", "v2", retry_policy=ours.NoRetryPolicy())
    try:
        yield SimpleNamespace(client=AsyncAsSync(client, loop), m=ours, kind="async")
        loop.run_until_complete(client.close())
    finally:
        loop.close()


@pytest.fixture
def ours(emu: Emulator) -> Iterator[OTSClient]:
    """Our sync client (for tests about the emulator rather than the clients)."""
    import alicloud_storage.tablestore as models

    with make_client(emu, "sync", "v2", retry_policy=models.NoRetryPolicy()) as client:
        yield client
