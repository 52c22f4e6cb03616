"""The official Node.js SDK (`tablestore` on npm, pinned in package.json) against the emulator.

tests/node/tablestore.js drives every table and row API with deepStrictEqual checks; this
wrapper starts the emulator in-process on a free port, gets a read-only role's STS session
from the emulator's STS with our own StsClient, runs the script and fails on any failed check.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.emulator import Emulator
from alicloud_storage.sts import StsClient
from node_runner import run_script

pytestmark = pytest.mark.official

STEPS = ["tables", "single rows", "batches", "ranges and filters", "versions and time ranges",
         "auto-increment keys", "STS credentials"]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(memory=True, environ={}) as emulator:
        yield emulator


def read_only_session(emu: Emulator):
    """AssumeRole (through the emulator's STS endpoint) into a role with AliyunOTSReadOnlyAccess."""
    emu.iam.create_user("node-app")
    emu.iam.attach_policy("AliyunSTSAssumeRoleAccess", user="node-app")
    key_id, secret = emu.iam.create_access_key("node-app")
    role_arn = emu.iam.create_role("node-reader")
    emu.iam.attach_policy("AliyunOTSReadOnlyAccess", role="node-reader")
    sts = StsClient(StaticCredentialsProvider(key_id, secret), emu.sts_endpoint)
    try:
        return sts.assume_role(role_arn, "node-sdk", 900).credentials
    finally:
        sts.close()


def test_official_node_sdk_drives_every_table_and_row_api(node: str, emu: Emulator) -> None:
    session = read_only_session(emu)
    result = run_script(node, "tablestore.js", {
        "OTS_ENDPOINT": emu.tablestore_endpoint,
        "OTS_INSTANCE": emu.instance,
        "OTS_ACCESS_KEY_ID": emu.access_key_id,
        "OTS_ACCESS_KEY_SECRET": emu.access_key_secret,
        "STS_ACCESS_KEY_ID": session.access_key_id,
        "STS_ACCESS_KEY_SECRET": session.access_key_secret,
        "STS_SECURITY_TOKEN": session.security_token,
    })
    print(f"Node.js SDK: {result.checks} checks, {len(result.failures)} failed")
    assert result.failures == [], result.output
    assert result.steps == STEPS
    assert result.returncode == 0, result.output
    assert result.checks >= 74, result.checks
