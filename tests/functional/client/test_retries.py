"""Retry behaviour against the real emulator with injected faults."""
from __future__ import annotations

import asyncio
import time

import pytest
from ots_client_helpers import make_client

from alicloud_storage.tablestore import (
    CapacityUnit,
    DefaultRetryPolicy,
    NoRetryPolicy,
    OTSServiceError,
    OTSTimeoutError,
    ReservedThroughput,
    Row,
    TableMeta,
    TableOptions,
    WriteRetryPolicy,
)

KEY = [("id", 1)]


class Recording(DefaultRetryPolicy):
    """DefaultRetryPolicy with 10x shorter delays and a fixed jitter draw, recording its delays."""

    server_throttling_exception_delay_factor = 0.05
    stability_exception_delay_factor = 0.02

    def __init__(self) -> None:
        super().__init__(rng=lambda: 1.0)
        self.delays: list = []

    def get_retry_delay(self, retry_times, exception, api_name):
        delay = super().get_retry_delay(retry_times, exception, api_name)
        self.delays.append((api_name, exception.code, delay))
        return delay


class RecordingWrites(WriteRetryPolicy, Recording):
    """WriteRetryPolicy with Recording's short delays."""


@pytest.fixture
def table(emu):
    client = make_client(emu, "sync", "v2")
    client.create_table(TableMeta("t", [("id", "INTEGER")]), TableOptions(), ReservedThroughput(CapacityUnit(0, 0)))
    return "t"


def test_throttling_is_retried_with_exponential_backoff(emu, table):
    policy = Recording()
    client = make_client(emu, "sync", "v2", retry_policy=policy)
    emu.inject_fault("PutRow", "OTSServerBusy", "Server is busy.", http_status=503, count=3)
    started = time.monotonic()
    client.put_row(table, Row(KEY, [("v", 1)]))
    elapsed = time.monotonic() - started
    assert policy.delays == [("PutRow", "OTSServerBusy", d) for d in (0.05, 0.1, 0.2)]
    assert elapsed >= 0.35
    assert client.get_row(table, KEY)[1] is not None


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_writes_are_not_retried_on_server_errors_by_default(emu, table, mode):
    policy = Recording()
    client = make_client(emu, "sync", "v2", retry_policy=policy)
    emu.inject_fault("PutRow", "OTSInternalServerError", "Internal server error.", http_status=500)
    with pytest.raises(OTSServiceError) as caught:
        _call(mode, emu, lambda c: c.put_row(table, Row(KEY, [("v", 1)])), retry_policy=policy)
    assert (caught.value.code, caught.value.http_status) == ("OTSInternalServerError", 500)
    assert policy.delays == []
    assert client.get_row(table, KEY)[1] is None  # the fault answered; nothing was written


def test_write_retry_policy_retries_writes(emu, table):
    policy = RecordingWrites()
    client = make_client(emu, "sync", "v2", retry_policy=policy)
    emu.inject_fault("PutRow", "OTSInternalServerError", "Internal server error.", http_status=500)
    client.put_row(table, Row(KEY, [("v", 1)]))
    assert policy.delays == [("PutRow", "OTSInternalServerError", 0.02)]
    assert client.get_row(table, KEY)[1] is not None


def test_reads_are_retried_on_server_errors(emu, table):
    policy = Recording()
    client = make_client(emu, "sync", "v2", retry_policy=policy)
    emu.inject_fault("GetRange", "OTSServerUnavailable", "Server is not available.", http_status=503, count=2)
    _, _, rows, _ = client.get_range(table, "FORWARD", [("id", 0)], [("id", 10)])
    assert rows == [] and [code for _, code, _ in policy.delays] == ["OTSServerUnavailable"] * 2


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_no_retry_policy_fails_at_once(emu, table, mode):
    emu.inject_fault("ListTable", "OTSServerBusy", "Server is busy.", http_status=503)
    started = time.monotonic()
    with pytest.raises(OTSServiceError, match="OTSServerBusy"):
        _call(mode, emu, lambda c: c.list_table(), retry_policy=NoRetryPolicy())
    assert time.monotonic() - started < 1.0
    assert _call(mode, emu, lambda c: c.list_table(), retry_policy=NoRetryPolicy()) == (table,)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_read_timeout_is_a_clear_timeout_error_and_is_retried_for_reads(emu, table, mode):
    emu.inject_fault("GetRow", None, delay=0.6)
    with pytest.raises(OTSTimeoutError, match="GetRow timed out"):
        _call(mode, emu, lambda c: c.get_row(table, KEY), retry_policy=NoRetryPolicy(), socket_timeout=0.2)
    emu.inject_fault("GetRow", None, delay=0.6)
    policy = Recording()
    result = _call(mode, emu, lambda c: c.get_row(table, KEY), retry_policy=policy, socket_timeout=0.2)
    assert result[1] is None
    assert policy.delays == [("GetRow", "OTSClientTimeout", 0.02)]


def _call(mode, emu, action, **kwargs):
    """Run ``action(client)`` with a fresh client of ``mode``."""
    client = make_client(emu, mode, "v2", **kwargs)
    if mode == "sync":
        with client:
            return action(client)

    async def main():
        async with client:
            return await action(client)

    return asyncio.run(main())
