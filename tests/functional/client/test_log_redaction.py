"""All log output at DEBUG (ours, aiohttp's, the emulator's) through a full
scenario holds no AccessKey secret, STS token or signature."""
from __future__ import annotations

import asyncio
import logging

import pytest
import test_client_scenarios as scenario
from ots_client_helpers import AsyncAsSync

from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.http import AsyncBaseTransport, AsyncTransport, BaseTransport, SyncTransport
from alicloud_storage.tablestore import AsyncOTSClient, OTSClient, OTSServiceError

STEPS = [
    scenario.test_table_lifecycle,
    scenario.test_single_row_put_get_update_delete,
    scenario.test_conditions,
    scenario.test_batch_get_and_write_with_partial_failure,
    scenario.test_errors_from_the_service_and_from_arguments,
]
SIGNATURE_HEADERS = ("x-ots-signature", "x-ots-signaturev4", "authorization")


class Recorder(BaseTransport):
    """Sends through a real transport and keeps every signature it saw."""

    def __init__(self, inner: BaseTransport, seen: set) -> None:
        self.inner, self.seen = inner, seen

    def send(self, request, timeout=None):
        response = self.inner.send(request, timeout)
        self.seen.update(v for k, v in {**request.headers, **response.headers}.items() if k in SIGNATURE_HEADERS)
        return response

    def close(self):
        self.inner.close()


class AsyncRecorder(AsyncBaseTransport):
    """The asyncio twin of Recorder."""

    def __init__(self, inner: AsyncBaseTransport, seen: set) -> None:
        self.inner, self.seen = inner, seen

    async def send(self, request, timeout=None):
        response = await self.inner.send(request, timeout)
        self.seen.update(v for k, v in {**request.headers, **response.headers}.items() if k in SIGNATURE_HEADERS)
        return response

    async def close(self):
        await self.inner.close()


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("region", [None, "emulator"], ids=["v2", "v4"])
def test_debug_logs_of_a_full_scenario_hold_no_secret(emu, sts_credentials, caplog, mode, region):
    seen: set = set()
    provider = StaticCredentialsProvider(
        sts_credentials.access_key_id, sts_credentials.access_key_secret, sts_credentials.security_token
    )
    options = dict(instance_name=emu.instance, credentials_provider=provider,
                   region=emu.region if region else None, logger_name="ots-redaction-test")
    secrets = [sts_credentials.access_key_secret, sts_credentials.security_token, emu.access_key_secret]
    with caplog.at_level(logging.DEBUG):  # the root logger: every library's records
        if mode == "sync":
            with OTSClient(emu.tablestore_endpoint, transport=Recorder(SyncTransport(), seen), **options) as client:
                _run_steps(emu, client)
        else:
            loop = asyncio.new_event_loop()
            client = AsyncOTSClient(emu.tablestore_endpoint, transport=AsyncRecorder(AsyncTransport(), seen), **options)
            try:
                _run_steps(emu, AsyncAsSync(client, loop))
                loop.run_until_complete(client.close())
            finally:
                loop.close()
    records = [r for r in caplog.records if r.name == "ots-redaction-test"]
    assert any(r.levelno == logging.DEBUG and "HTTP 200" in r.getMessage() for r in records)
    assert any(r.levelno == logging.ERROR for r in records)
    assert len(seen) > 20
    text = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    for secret in [*secrets, *seen]:
        assert secret not in text


def _drop_tables(emu):
    """Empty the emulator between steps but keep RAM (Emulator.reset would end the STS session)."""
    with OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance) as root:
        for table in root.list_table():
            root.delete_table(table)


def _run_steps(emu, client):
    for step in STEPS:
        _drop_tables(emu)
        step(client)
    with pytest.raises(OTSServiceError) as caught:
        client.describe_table("gone")
    assert "ststoken" not in str(caught.value).lower()
