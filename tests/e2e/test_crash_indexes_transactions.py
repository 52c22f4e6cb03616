"""SIGKILL of `alicloud-storage serve` while transactions commit and indexed rows change:
after a restart base rows and index rows agree, every acknowledged commit is whole, and no
write of a transaction that was not committed is visible (each commit is all or nothing)."""
from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Dict, List, Set, Tuple

import alicloud_storage.tablestore as m
import pytest

from alicloud_storage.tablestore import OTSClient
from test_serve import Server

pytestmark = pytest.mark.slow  # two server processes and a few seconds of traffic

INDEXES = {"by_s": (["s"], ["i"]), "by_i": (["i", "s"], [])}
ROWS_PER_TXN = 3


def client(server: Server) -> OTSClient:
    info = server.info
    return OTSClient(info["tablestore_endpoint"], info["access_key_id"], info["access_key_secret"], info["instance"],
                     retry_policy=m.NoRetryPolicy(), socket_timeout=5)


def scan(ots: OTSClient, table: str, names: List[str]) -> List[Tuple[tuple, tuple]]:
    start = [(n, m.INF_MIN) for n in names]
    end = [(n, m.INF_MAX) for n in names]
    found = []
    while start:
        _, start, rows, _ = ots.get_range(table, m.Direction.FORWARD, start, end, max_version=1)
        found += [(tuple(v for _, v in r.primary_key), tuple((c[0], c[1]) for c in r.attribute_columns)) for r in rows]
    return found


def test_base_and_index_rows_agree_and_commits_are_whole_after_sigkill(tmp_path: Path):
    server = Server("--data-dir", str(tmp_path))
    with client(server) as ots:
        ots.create_table(
            m.TableMeta("t", [("p", "STRING"), ("n", "INTEGER")], [("s", "STRING"), ("i", "INTEGER")]),
            m.TableOptions(-1, 1), m.ReservedThroughput(m.CapacityUnit(0, 0)),
            [m.SecondaryIndexMeta(name, keys, attrs) for name, (keys, attrs) in INDEXES.items()],
        )
    committed: Set[str] = set()
    never_committed: Set[str] = set()
    stop = threading.Event()
    done: Dict[str, int] = {"plain": 0, "commits": 0}

    def plain(worker: int) -> None:
        rng = random.Random(worker)
        with client(server) as ots:
            while not stop.is_set():
                pk = [("p", f"plain-{worker}"), ("n", rng.randrange(20))]
                columns = [("s", rng.choice("abcdef"))] + ([("i", rng.randrange(5))] if rng.random() < 0.7 else [])
                try:
                    if rng.random() < 0.2:
                        ots.delete_row("t", m.Row(pk), None)
                    else:
                        ots.put_row("t", m.Row(pk, columns))
                    done["plain"] += 1
                except Exception:
                    return

    def transactional(worker: int) -> None:
        rng = random.Random(100 + worker)
        with client(server) as ots:
            for k in range(10**6):
                if stop.is_set():
                    return
                partition = f"tx-{worker}-{k}"
                try:
                    txn = ots.start_local_transaction("t", [("p", partition)])
                    never_committed.add(partition)
                    for n in range(ROWS_PER_TXN):
                        row = m.Row([("p", partition), ("n", n)], [("s", rng.choice("xyz")), ("i", n)])
                        ots.put_row("t", row, None, None, txn)
                    if rng.random() < 0.25:
                        ots.abort_transaction(txn)
                        continue
                    never_committed.discard(partition)  # the commit is sent: it may or may not land
                    ots.commit_transaction(txn)
                    committed.add(partition)
                    done["commits"] += 1
                except Exception:
                    return

    threads = [threading.Thread(target=plain, args=(w,)) for w in range(2)]
    threads += [threading.Thread(target=transactional, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while (done["commits"] < 30 or done["plain"] < 100) and time.monotonic() < deadline:
        time.sleep(0.01)
    server.process.kill()  # SIGKILL mid-traffic
    server.process.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    server.process.stdout.close()
    server.process.stderr.close()
    assert done["commits"] >= 30 and done["plain"] >= 100

    restarted = Server("--data-dir", str(tmp_path))
    try:
        with client(restarted) as ots:
            base = scan(ots, "t", ["p", "n"])
            for name, (keys, attrs) in INDEXES.items():
                expected = []
                for (p, n), cells in base:
                    row = {"p": p, "n": n, **dict(cells)}
                    if all(k in row for k in keys):
                        key = tuple(row[k] for k in keys) + (p, n)
                        expected.append((key, tuple((a, row[a]) for a in attrs if a in row)))
                assert scan(ots, name, keys + ["p", "n"]) == sorted(expected), name
            per_partition: Dict[str, int] = {}
            for (p, _), _ in base:
                per_partition[p] = per_partition.get(p, 0) + 1
            for partition, count in per_partition.items():
                if partition.startswith("tx-"):
                    assert count == ROWS_PER_TXN, partition  # all or nothing
            assert committed <= set(per_partition)
            assert not never_committed & set(per_partition)
    finally:
        restarted.stop()
