"""Client throughput: our OTSClient vs the official ``tablestore.OTSClient``, and our
AsyncOTSClient at concurrency 32 vs our sync client, against one emulator, in one run.

Run: ``.venv-test/bin/python bench/bench_client.py [--rows 2000] [--ranges 200] [--rounds 2]``.

The emulator runs as a child process (``alicloud-storage serve --memory``) so that the
server does not share this process's GIL with the clients. Each client does the same
workload one call at a time: ``--rows`` PutRow (3 attribute columns), ``--rows`` GetRow,
``--ranges`` GetRange of 100 rows. The sync clients alternate for ``--rounds`` rounds and
the best round of each counts. Prints ops/s per phase and the ratios (target: ours >= 1.5x
the official client; async at 32 in flight vs sync).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List

import alicloud_storage.tablestore as ours

PHASES = ("PutRow", "GetRow", "GetRange")


def start_emulator() -> "tuple[subprocess.Popen, Dict[str, Any]]":
    command = [sys.executable, "-c", "from alicloud_storage.cli import main; main()", "serve",
               "--port", "0", "--sts-port", "0", "--memory"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, json.loads(process.stdout.readline())


def columns(i: int) -> list:
    return [("name", f"user-{i:06d}"), ("age", i % 90), ("score", i / 7.0)]


def workload(ts: Any, client: Any, table: str, rows: int, ranges: int) -> Dict[str, float]:
    """Run the three phases with ``client`` (models from namespace ``ts``): ops/s per phase,
    and this process's CPU time per call in µs ("<phase> cpu")."""
    rates = {}

    def timed(phase: str, count: int, calls: Callable[[], None]) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        calls()
        rates[phase] = count / (time.perf_counter() - started)
        rates[phase + " cpu"] = (time.process_time() - cpu) / count * 1e6

    def put() -> None:
        for i in range(rows):
            client.put_row(table, ts.Row([("id", i)], columns(i)))

    def get() -> None:
        for i in range(rows):
            client.get_row(table, [("id", i)], max_version=1)

    def scan() -> None:
        for i in range(ranges):
            low = (i * 100) % max(rows - 100, 1)
            client.get_range(table, ts.Direction.FORWARD, [("id", low)], [("id", low + 100)], limit=100)

    timed("PutRow", rows, put)
    timed("GetRow", rows, get)
    timed("GetRange", ranges, scan)
    return rates


async def async_workload(client: Any, table: str, rows: int, ranges: int, concurrency: int) -> Dict[str, float]:
    """The same phases with ``concurrency`` calls in flight."""
    gate = asyncio.Semaphore(concurrency)

    async def limited(call: Callable[[], Any]) -> None:
        async with gate:
            await call()

    async def phase(calls: List[Callable[[], Any]]) -> float:
        started = time.perf_counter()
        await asyncio.gather(*(limited(call) for call in calls))
        return len(calls) / (time.perf_counter() - started)

    put = [lambda i=i: client.put_row(table, ours.Row([("id", i)], columns(i))) for i in range(rows)]
    get = [lambda i=i: client.get_row(table, [("id", i)]) for i in range(rows)]
    scan = [
        lambda low=(i * 100) % max(rows - 100, 1): client.get_range(
            table, "FORWARD", [("id", low)], [("id", low + 100)], limit=100)
        for i in range(ranges)
    ]
    return {"PutRow": await phase(put), "GetRow": await phase(get), "GetRange": await phase(scan)}


def best(results: List[Dict[str, float]]) -> Dict[str, float]:
    """Best round per phase (highest rate, and the client CPU of that round)."""
    chosen = {}
    for phase in PHASES:
        top = max(results, key=lambda r: r[phase])
        chosen[phase], chosen[phase + " cpu"] = top[phase], top[phase + " cpu"]
    return chosen


def show(title: str, values: Dict[str, float], digits: int = 0) -> None:
    print(f"  {title:<28}" + "".join(f"{values[p]:>12,.{digits}f}" for p in PHASES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--ranges", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    options = parser.parse_args()

    logging.getLogger("tablestore-client").setLevel(logging.ERROR)
    import tablestore as official

    process, info = start_emulator()
    args = (info["tablestore_endpoint"], info["access_key_id"], info["access_key_secret"], info["instance"])
    try:
        setup = ours.OTSClient(*args)
        for name in ("bench_ours", "bench_official", "bench_async"):
            setup.create_table(ours.TableMeta(name, [("id", "INTEGER")]), ours.TableOptions(),
                               ours.ReservedThroughput(ours.CapacityUnit(0, 0)))
        ours_sync, theirs = ours.OTSClient(*args), official.OTSClient(*args)
        mine: List[Dict[str, float]] = []
        official_runs: List[Dict[str, float]] = []
        for _ in range(options.rounds):
            official_runs.append(workload(official, theirs, "bench_official", options.rows, options.ranges))
            mine.append(workload(ours, ours_sync, "bench_ours", options.rows, options.ranges))

        async def run_async() -> Dict[str, float]:
            async with ours.AsyncOTSClient(*args, max_connection=options.concurrency) as client:
                await async_workload(client, "bench_async", 200, 20, options.concurrency)  # warm up
                return await async_workload(client, "bench_async", options.rows, options.ranges, options.concurrency)

        async_rates = asyncio.run(run_async())
    finally:
        process.terminate()
        process.wait(10)

    mine_best, official_best = best(mine), best(official_runs)
    print(f"{options.rows} PutRow + {options.rows} GetRow + {options.ranges} GetRange (100 rows), "
          f"best of {options.rounds} rounds")
    print(f"ops/s{'':<25}" + "".join(f"{p:>12}" for p in PHASES))
    show("official tablestore (sync)", official_best)
    show("alicloud_storage (sync)", mine_best)
    show(f"alicloud_storage (async x{options.concurrency})", async_rates)
    print("client CPU per call, µs")
    show("official tablestore (sync)", {p: official_best[p + " cpu"] for p in PHASES})
    show("alicloud_storage (sync)", {p: mine_best[p + " cpu"] for p in PHASES})
    print("ratios")
    show("ours sync / official", {p: mine_best[p] / official_best[p] for p in PHASES}, 2)
    show(f"ours async x{options.concurrency} / ours sync", {p: async_rates[p] / mine_best[p] for p in PHASES}, 2)

if __name__ == "__main__":
    main()
