"""Fixtures for the time series tests: a clean emulator, the three clients, STS credentials.

``ts`` gives (client, models) for the official SDK (when installed), our sync client
and our async client (driven through a private event loop), so one scenario written
against the official interface runs on all three.
"""
from __future__ import annotations

import asyncio
import importlib.util
import inspect
import logging
from types import SimpleNamespace
from typing import Any, Iterator

import pytest

from alicloud_storage.credentials import Credentials, StaticCredentialsProvider
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


def our_models() -> SimpleNamespace:
    """Our model classes under the names the scenarios use (metadata + conditions)."""
    import alicloud_storage.tablestore as ours

    return SimpleNamespace(metadata=ours, conditions=ours, ServiceError=ours.OTSServiceError)


def official_models() -> SimpleNamespace:
    from tablestore import OTSServiceError, metadata, timeseries_condition

    return SimpleNamespace(metadata=metadata, conditions=timeseries_condition, ServiceError=OTSServiceError)


def official_client(emu: Emulator, **kwargs: Any) -> Any:
    """The official OTSClient pointed at the emulator, without retries."""
    from tablestore import OTSClient as OfficialClient
    from tablestore.retry import NoRetryPolicy

    return OfficialClient(
        emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance,
        retry_policy=NoRetryPolicy(), logger_name="tablestore-client", **kwargs,
    )


@pytest.fixture
def emu(tablestore: Emulator) -> Emulator:
    """The session emulator, emptied for this test (time series tables too)."""
    return tablestore


@pytest.fixture
def ours(emu: Emulator) -> Iterator[OTSClient]:
    with OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance) as client:
        yield client


CLIENT_KINDS = [pytest.param("official", marks=pytest.mark.official)] if HAS_OFFICIAL else []
CLIENT_KINDS += ["sync", "async"]


@pytest.fixture(params=CLIENT_KINDS)
def ts(request: pytest.FixtureRequest, emu: Emulator) -> Iterator[SimpleNamespace]:
    """(client, models) for each client kind; V4 signing for ours, V2 for the official SDK."""
    if request.param == "official":
        yield SimpleNamespace(client=official_client(emu), **vars(official_models()))
        return
    args = (emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance)
    if request.param == "sync":
        with OTSClient(*args, region=emu.region) as client:
            yield SimpleNamespace(client=client, **vars(our_models()))
        return
    loop = asyncio.new_event_loop()
    client = AsyncOTSClient(*args, region=emu.region)
    try:
        yield SimpleNamespace(client=AsyncAsSync(client, loop), **vars(our_models()))
        loop.run_until_complete(client.close())
    finally:
        loop.close()


@pytest.fixture
def ts_sts_credentials(tablestore: Emulator) -> Credentials:
    """Temporary credentials of a role with AliyunOTSFullAccess (RAM user -> AssumeRole)."""
    from alicloud_storage.sts import StsClient

    iam = tablestore.iam
    iam.create_user("timeseries-tests")
    key_id, secret = iam.create_access_key("timeseries-tests")
    iam.attach_policy("AliyunSTSAssumeRoleAccess", user="timeseries-tests")
    role_arn = iam.create_role("TimeseriesTests")
    iam.attach_policy("AliyunOTSFullAccess", role="TimeseriesTests")
    sts = StsClient(StaticCredentialsProvider(key_id, secret), tablestore.sts_endpoint)
    try:
        return sts.assume_role(role_arn, "timeseries-tests").credentials
    finally:
        sts.close()
