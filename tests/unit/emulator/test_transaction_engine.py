"""Local transactions in the engine on a fake clock: the 60 s lifetime and idle timeouts,
one request at a time, lock release on expiry, and commit as one SQLite transaction."""
from __future__ import annotations

import pytest

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.engine import PUT, Engine, ReadOptions, RowWrite
from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.model import PkColumn, TableInfo
from alicloud_storage.emulator.tablestore.storage import Storage
from alicloud_storage.emulator.tablestore.transactions import IDLE_S, LIFETIME_S

LATEST = ReadOptions(max_versions=1)


@pytest.fixture
def engine(storage: Storage, clock) -> Engine:
    engine = Engine(storage, clock)
    engine.create_table("i", TableInfo("t", (PkColumn("p", "STRING"), PkColumn("n", "INTEGER"))))
    return engine


def put(engine: Engine, n: int, txn=None, partition: str = "a") -> None:
    engine.write_row("i", "t", RowWrite(PUT, [("p", partition), ("n", n)], [("v", n, None, None)]), "PutRow", txn)


def rows(engine: Engine, txn=None) -> list:
    from alicloud_storage.tablestore.wire.plainbuffer import INF_MAX, INF_MIN

    result = engine.get_range("i", "t", 0, [("p", INF_MIN), ("n", INF_MIN)], [("p", INF_MAX), ("n", INF_MAX)],
                              LATEST, transaction_id=txn)
    return [r.primary_key[1][1] for r in result.rows]


def fails(spec, call, *args, **kwargs) -> None:
    with pytest.raises(TablestoreError) as info:
        call(*args, **kwargs)
    assert (info.value.http_status, info.value.code, info.value.message) == (spec.http_status, spec.code, spec.format())


def test_an_idle_transaction_expires_its_writes_vanish_and_the_lock_is_released(engine, clock):
    txn = engine.start_transaction("i", "t", [("p", "a")])
    put(engine, 1, txn)
    clock.now += 25
    put(engine, 2, txn)
    clock.now += 25
    assert rows(engine, txn) == [1, 2] and rows(engine) == []
    clock.now += IDLE_S + 0.5
    fails(E.TRANSACTION_NOT_EXIST, engine.commit_transaction, "i", txn)
    put(engine, 3)  # the partition is free again
    assert rows(engine) == [3]


def test_the_lifetime_ends_a_busy_transaction_too(engine, clock):
    txn = engine.start_transaction("i", "t", [("p", "a")])
    for n in range(int(LIFETIME_S // 10)):
        put(engine, n, txn)
        clock.now += 10
    clock.now += 1
    fails(E.TRANSACTION_NOT_EXIST, put, engine, 99, txn)
    # an expired holder does not block a new transaction or a plain writer
    second = engine.start_transaction("i", "t", [("p", "a")])
    engine.abort_transaction("i", second)
    put(engine, 7)
    assert rows(engine) == [7]


def test_a_lock_holder_that_expired_unblocks_writers_without_being_looked_up(engine, clock):
    engine.start_transaction("i", "t", [("p", "a")])
    fails(E.TRANSACTION_LOCKED, put, engine, 1)
    clock.now += LIFETIME_S + 1
    put(engine, 1)
    assert rows(engine) == [1]


def test_one_request_at_a_time(engine):
    txn = engine.start_transaction("i", "t", [("p", "a")])
    with engine._txns.using(txn):  # a request of the transaction is in flight
        fails(E.TRANSACTION_BUSY, put, engine, 1, txn)
        fails(E.TRANSACTION_BUSY, engine.commit_transaction, "i", txn)
    engine.commit_transaction("i", txn)


def test_commit_is_one_sqlite_transaction(engine, storage, monkeypatch):
    txn = engine.start_transaction("i", "t", [("p", "a")])
    for n in range(3):
        put(engine, n, txn)
    calls = []
    original = storage.put_row

    def failing_put(tid, key, cells, *encoded):
        calls.append(key)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        original(tid, key, cells, *encoded)

    monkeypatch.setattr(storage, "put_row", failing_put)
    with pytest.raises(RuntimeError):
        engine.commit_transaction("i", txn)
    assert rows(engine) == []  # the first two rows were rolled back with the third
