"""The official Node.js SDK (`tablestore` on npm, pinned in package.json) against the emulator.

tests/node/tablestore.js drives every table and row API with deepStrictEqual checks; this
wrapper starts the emulator in-process on a free port, gets a read-only role's STS session
from the emulator's STS with our own StsClient, runs the script and fails on any failed check.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from alicloud_storage.emulator import Emulator
from node_runner import read_only_session, run_script

pytestmark = pytest.mark.official

STEPS = ["tables", "single rows", "batches", "ranges and filters", "versions and time ranges",
         "auto-increment keys", "search indexes", "STS credentials"]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(memory=True, environ={}) as emulator:
        yield emulator



def test_official_node_sdk_drives_every_table_and_row_api(node: str, emu: Emulator) -> None:
    session = read_only_session(emu, "AliyunOTSReadOnlyAccess", "node-app")
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
