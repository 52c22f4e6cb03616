"""A transaction left alone past 60 s on the emulator's clock is gone over HTTP too: its
id gets OTSSessionNotExist, its writes never show, its partition takes writers again."""
from __future__ import annotations

import time
from typing import Any, Iterator

import pytest
from ots_client_helpers import make_client, official_client

import alicloud_storage.tablestore as m
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.transactions import LIFETIME_S


class SettableClock:
    """Wall-clock time plus an offset the test moves (request dates stay within the skew)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture(scope="module")
def clocked() -> Iterator[Any]:
    clock = SettableClock()
    with Emulator(memory=True, clock=clock) as emulator:
        yield emulator, clock


@pytest.mark.parametrize("mode", [pytest.param("official", marks=pytest.mark.official), "sync", "async"])
def test_an_expired_transaction_is_gone(clocked, mode):
    import asyncio

    emu, clock = clocked
    emu.reset()
    if mode == "official":
        import tablestore as models

        client = official_client(emu)
    else:
        models = m
        client = make_client(emu, mode, "v4", retry_policy=m.NoRetryPolicy())
    loop = asyncio.new_event_loop()

    def call(name: str, *args: Any) -> Any:
        result = getattr(client, name)(*args)
        return loop.run_until_complete(result) if mode == "async" else result

    try:
        call("create_table", models.TableMeta("t", [("p", "INTEGER"), ("n", "INTEGER")]), models.TableOptions(),
             models.ReservedThroughput(models.CapacityUnit(0, 0)))
        txn = call("start_local_transaction", "t", [("p", 1)])
        call("put_row", "t", models.Row([("p", 1), ("n", 1)], [("v", 1)]), None, None, txn)
        with pytest.raises(models.OTSServiceError) as locked:
            call("put_row", "t", models.Row([("p", 1), ("n", 2)], [("v", 2)]))
        assert locked.value.get_error_code() == E.TRANSACTION_LOCKED.code
        clock.offset += LIFETIME_S + 1
        with pytest.raises(models.OTSServiceError) as gone:
            call("commit_transaction", txn)
        assert (gone.value.get_http_status(), gone.value.get_error_code(), gone.value.get_error_message()) == (
            E.TRANSACTION_NOT_EXIST.http_status, E.TRANSACTION_NOT_EXIST.code, E.TRANSACTION_NOT_EXIST.format()
        )
        call("put_row", "t", models.Row([("p", 1), ("n", 2)], [("v", 2)]))
        assert call("get_row", "t", [("p", 1), ("n", 1)], None, None, 1)[1] is None
    finally:
        if mode == "async":
            loop.run_until_complete(client.close())
        elif mode == "sync":
            client.close()
        loop.close()
