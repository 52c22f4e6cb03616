"""Retry behaviour against the real emulator with injected faults. The clients pause on a
fake sleep (their injected ``sleep``/``clock``): the tests assert the pauses requested
and never wait for them."""
from __future__ import annotations

import asyncio

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
    """DefaultRetryPolicy with a fixed jitter draw (the ceiling), recording its delays."""

    def __init__(self) -> None:
        super().__init__(rng=lambda: 1.0)
        self.delays: list = []

    def get_retry_delay(self, retry_times, exception, api_name):
        delay = super().get_retry_delay(retry_times, exception, api_name)
        self.delays.append((api_name, exception.code, delay))
        return delay


class RecordingWrites(WriteRetryPolicy, Recording):
    """WriteRetryPolicy with Recording's fixed jitter draw."""


@pytest.fixture
def table(emu):
    client = make_client(emu, "sync", "v2")
    client.create_table(TableMeta("t", [("id", "INTEGER")]), TableOptions(), ReservedThroughput(CapacityUnit(0, 0)))
    return "t"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_throttling_is_retried_with_exponential_backoff(emu, table, fake_time, mode):
    policy = Recording()
    emu.inject_fault("PutRow", "OTSServerBusy", "Server is busy.", http_status=503, count=3)
    _call(mode, emu, fake_time, lambda c: c.put_row(table, Row(KEY, [("v", 1)])), retry_policy=policy)
    assert policy.delays == [("PutRow", "OTSServerBusy", d) for d in (0.5, 1.0, 2.0)]
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    assert make_client(emu, "sync", "v2").get_row(table, KEY)[1] is not None


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_default_policy_backs_off_on_the_injected_sleep_and_rng(emu, table, fake_time, mode):
    emu.inject_fault("GetRow", "OTSServerUnavailable", "Server is not available.", http_status=503, count=4)
    draws = iter([1.0, 0.5, 0.25, 1.0])
    result = _call(mode, emu, fake_time, lambda c: c.get_row(table, KEY), rng=lambda: next(draws))
    assert result[1] is None
    assert fake_time.sleeps == [0.2, 0.2, 0.2, 1.6]  # rng() * min(3, 0.2 * 2**n)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_writes_are_not_retried_on_server_errors_by_default(emu, table, fake_time, mode):
    policy = Recording()
    emu.inject_fault("PutRow", "OTSInternalServerError", "Internal server error.", http_status=500)
    with pytest.raises(OTSServiceError) as caught:
        _call(mode, emu, fake_time, lambda c: c.put_row(table, Row(KEY, [("v", 1)])), retry_policy=policy)
    assert (caught.value.code, caught.value.http_status) == ("OTSInternalServerError", 500)
    assert policy.delays == [] and fake_time.sleeps == []
    assert make_client(emu, "sync", "v2").get_row(table, KEY)[1] is None  # the fault answered; nothing was written


def test_write_retry_policy_retries_writes(emu, table, fake_time):
    policy = RecordingWrites()
    emu.inject_fault("PutRow", "OTSInternalServerError", "Internal server error.", http_status=500)
    _call("sync", emu, fake_time, lambda c: c.put_row(table, Row(KEY, [("v", 1)])), retry_policy=policy)
    assert policy.delays == [("PutRow", "OTSInternalServerError", 0.2)] and fake_time.sleeps == [0.2]
    assert make_client(emu, "sync", "v2").get_row(table, KEY)[1] is not None


def test_reads_are_retried_on_server_errors(emu, table, fake_time):
    policy = Recording()
    emu.inject_fault("GetRange", "OTSServerUnavailable", "Server is not available.", http_status=503, count=2)
    _, _, rows, _ = _call("sync", emu, fake_time, lambda c: c.get_range(table, "FORWARD", [("id", 0)], [("id", 10)]),
                          retry_policy=policy)
    assert rows == [] and [code for _, code, _ in policy.delays] == ["OTSServerUnavailable"] * 2
    assert fake_time.sleeps == [0.2, 0.4]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_no_retry_policy_fails_at_once(emu, table, fake_time, mode):
    emu.inject_fault("ListTable", "OTSServerBusy", "Server is busy.", http_status=503)
    with pytest.raises(OTSServiceError, match="OTSServerBusy"):
        _call(mode, emu, fake_time, lambda c: c.list_table(), retry_policy=NoRetryPolicy())
    assert fake_time.sleeps == []
    assert _call(mode, emu, fake_time, lambda c: c.list_table(), retry_policy=NoRetryPolicy()) == (table,)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_read_timeout_is_a_clear_timeout_error_and_is_retried_for_reads(emu, table, fake_time, mode):
    # The transport's read timeout is real time (0.2 s); only the pauses between attempts are fake.
    emu.inject_fault("GetRow", None, delay=0.6)
    with pytest.raises(OTSTimeoutError, match="GetRow timed out"):
        _call(mode, emu, fake_time, lambda c: c.get_row(table, KEY), retry_policy=NoRetryPolicy(), socket_timeout=0.2)
    emu.inject_fault("GetRow", None, delay=0.6)
    policy = Recording()
    result = _call(mode, emu, fake_time, lambda c: c.get_row(table, KEY), retry_policy=policy, socket_timeout=0.2)
    assert result[1] is None
    assert policy.delays == [("GetRow", "OTSClientTimeout", 0.2)] and fake_time.sleeps == [0.2]


def _call(mode, emu, fake_time, action, **kwargs):
    """Run ``action(client)`` with a fresh client of ``mode`` on the fake clock and sleep."""
    kwargs.update(clock=fake_time.now, sleep=fake_time.sleep if mode == "sync" else fake_time.async_sleep)
    client = make_client(emu, mode, "v2", **kwargs)
    if mode == "sync":
        with client:
            return action(client)

    async def main():
        async with client:
            return await action(client)

    return asyncio.run(main())
