"""Transactions raced over HTTP by threads with our sync client: two starts on one partition
(one wins, the other gets the service's conflict), and transactional read-modify-writes
raced by plain increments, whose committed result equals a serial order (no lost update)."""
from __future__ import annotations

import threading
from typing import Any, Callable, List

import alicloud_storage.tablestore as m
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.tablestore import OTSClient

TABLE = "race"
COUNTER = [("p", "k"), ("n", 0)]


def client(emu: Emulator) -> OTSClient:
    return OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance,
                     retry_policy=m.NoRetryPolicy())


def setup_table(emu: Emulator) -> None:
    with client(emu) as ots:
        ots.create_table(m.TableMeta(TABLE, [("p", "STRING"), ("n", "INTEGER")]), m.TableOptions(),
                         m.ReservedThroughput(m.CapacityUnit(0, 0)))
        ots.put_row(TABLE, m.Row(COUNTER, [("count", 0)]))


def run_threads(count: int, work: Callable[[int, OTSClient], None], emu: Emulator) -> None:
    errors: List[BaseException] = []

    def body(n: int) -> None:
        try:
            with client(emu) as ots:
                work(n, ots)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_two_starts_on_one_partition_one_wins(tablestore: Emulator):
    setup_table(tablestore)
    for _ in range(8):
        barrier = threading.Barrier(2)
        won: List[str] = []
        lost: List[Any] = []

        def start(n: int, ots: OTSClient) -> None:
            barrier.wait()
            try:
                won.append(ots.start_local_transaction(TABLE, [("p", "k")]))
            except m.OTSServiceError as exc:
                lost.append((exc.get_http_status(), exc.get_error_code(), exc.get_error_message()))

        run_threads(2, start, tablestore)
        assert len(won) == 1
        assert lost == [(E.TRANSACTION_LOCKED.http_status, E.TRANSACTION_LOCKED.code,
                         E.TRANSACTION_LOCKED.format())]
        with client(tablestore) as ots:
            ots.commit_transaction(won[0])


def test_transactions_and_plain_writers_serialize(tablestore: Emulator):
    setup_table(tablestore)
    commits: List[int] = []
    increments: List[int] = []
    conflicts: List[int] = []

    def transactional(n: int, ots: OTSClient) -> None:
        done = 0
        while done < 6:
            try:
                txn = ots.start_local_transaction(TABLE, [("p", "k")])
            except m.OTSServiceError as exc:
                assert exc.get_error_code() == "OTSRowOperationConflict"
                continue
            _, row, _ = ots.get_row(TABLE, COUNTER, ["count"], transaction_id=txn)
            ots.put_row(TABLE, m.Row(COUNTER, [("count", row.attribute_columns[0][1] + 1)]), None, None, txn)
            ots.commit_transaction(txn)
            done += 1
        commits.append(done)

    def plain(n: int, ots: OTSClient) -> None:
        for _ in range(15):
            try:
                ots.update_row(TABLE, m.Row(COUNTER, {"increment": [("count", 1)]}), None)
                increments.append(1)
            except m.OTSServiceError as exc:
                assert (exc.get_error_code(), exc.get_error_message()) == (
                    E.TRANSACTION_LOCKED.code, E.TRANSACTION_LOCKED.format())
                conflicts.append(1)

    def worker(n: int, ots: OTSClient) -> None:
        (transactional if n < 3 else plain)(n, ots)

    run_threads(5, worker, tablestore)
    with client(tablestore) as ots:
        _, row, _ = ots.get_row(TABLE, COUNTER, ["count"])
    assert sum(commits) == 18
    assert row.attribute_columns[0][1] == sum(commits) + len(increments)
    assert len(increments) + len(conflicts) == 30
