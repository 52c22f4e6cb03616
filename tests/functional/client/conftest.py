"""Our clients against the real emulator on loopback.

``ots`` is parametrized over sync/async x V2/V4. The async client is driven through
:class:`AsyncAsSync`, which runs each coroutine on a private event loop, so one
scenario (written in the blocking style) exercises both clients.
"""
from __future__ import annotations

import asyncio
from typing import Any, Iterator

import pytest
from ots_client_helpers import AsyncAsSync, make_client

from alicloud_storage.credentials import Credentials, StaticCredentialsProvider
from alicloud_storage.emulator import Emulator


@pytest.fixture
def emu(tablestore: Emulator) -> Emulator:
    """The session emulator, emptied for this test (plugin fixture)."""
    return tablestore


@pytest.fixture(params=["sync-v2", "sync-v4", "async-v2", "async-v4"])
def ots(request: pytest.FixtureRequest, emu: Emulator) -> Iterator[Any]:
    mode, signature = request.param.split("-")
    client = make_client(emu, mode, signature)
    if mode == "sync":
        with client:
            yield client
        return
    loop = asyncio.new_event_loop()
    try:
        yield AsyncAsSync(client, loop)
        loop.run_until_complete(client.close())
    finally:
        loop.close()


@pytest.fixture
def sts_credentials(tablestore: Emulator) -> Credentials:
    """Temporary credentials from the emulator's STS for a role with AliyunOTSFullAccess,
    obtained as the documents describe (RAM user -> AssumeRole)."""
    from alicloud_storage.sts import StsClient

    iam = tablestore.iam
    iam.create_user("ots-client-tests")
    key_id, secret = iam.create_access_key("ots-client-tests")
    iam.attach_policy("AliyunSTSAssumeRoleAccess", user="ots-client-tests")
    role_arn = iam.create_role("OtsClientTests")
    iam.attach_policy("AliyunOTSFullAccess", role="OtsClientTests")
    sts = StsClient(StaticCredentialsProvider(key_id, secret), tablestore.sts_endpoint)
    try:
        return sts.assume_role(role_arn, "ots-client-tests").credentials
    finally:
        sts.close()
