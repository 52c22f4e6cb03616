"""Client throughput: our OTSClient vs the official ``tablestore.OTSClient``, and our
AsyncOTSClient at concurrency 32 vs our sync client, against one emulator, in one run.

Run: ``.venv-test/bin/python bench/bench_client.py [--rows 2000] [--ranges 200] [--chunk 100]``
(``--profile 300``: also a cProfile summary of 300 of our GetRange calls).

The emulator runs as a child process (``alicloud-storage serve --memory``) so that the
server does not share this process's GIL with the clients. Each client does the same
workload one call at a time: ``--rows`` PutRow (3 attribute columns), ``--rows`` GetRow,
``--ranges`` GetRange of 100 rows. The two sync clients alternate chunk by chunk
(``--chunk`` calls), so that load from elsewhere on the machine hits both alike. Prints
ops/s and client CPU per call for each phase, and the ratios (target: ours >= 1.5x the
official client; async at 32 in flight vs sync). Client CPU is ``time.process_time``
of this process around the calls: the emulator's work (which dominates GetRange wall
time on a shared CPU) is not in it, so its ratio isolates the clients' own cost. The
official client runs as users get it: with its native PlainBuffer parser where it loads
(the header line says whether it did), its pure-Python encoder; ours with the PlainBuffer
codec that ``alicloud-storage --version`` names.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import pstats
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List

import alicloud_storage.tablestore as ours
from alicloud_storage.tablestore.wire.plainbuffer import ACTIVE

PHASES = ("PutRow", "GetRow", "GetRange")


def start_emulator() -> "tuple[subprocess.Popen, Dict[str, Any]]":
    command = [sys.executable, "-c", "from alicloud_storage.cli import main; main()", "serve",
               "--port", "0", "--sts-port", "0", "--memory"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, json.loads(process.stdout.readline())


def columns(i: int) -> list:
    return [("name", f"user-{i:06d}"), ("age", i % 90), ("score", i / 7.0)]


def calls(ts: Any, client: Any, table: str, phase: str, start: int, count: int, rows: int) -> Callable[[], None]:
    """``count`` calls of ``phase`` from key ``start`` on (models from namespace ``ts``);
    GetRange reads 100 of the ``rows`` written keys."""

    def put() -> None:
        for i in range(start, start + count):
            client.put_row(table, ts.Row([("id", i)], columns(i)))

    def get() -> None:
        for i in range(start, start + count):
            client.get_row(table, [("id", i)], max_version=1)

    def scan() -> None:
        for i in range(start, start + count):
            low = (i * 100) % max(rows - 100, 1)
            client.get_range(table, ts.Direction.FORWARD, [("id", low)], [("id", low + 100)], limit=100)

    return {"PutRow": put, "GetRow": get, "GetRange": scan}[phase]


def interleaved(contenders: Dict[str, tuple], rows: int, ranges: int, chunk: int) -> Dict[str, Dict[str, float]]:
    """Run every phase in chunks, alternating the contenders chunk by chunk (so load drift on
    the machine hits both alike); returns ops/s and client CPU µs per call per contender."""
    totals = {name: {p: [0.0, 0.0, 0] for p in PHASES} for name in contenders}
    for phase in PHASES:
        count = rows if phase != "GetRange" else ranges
        step = chunk if phase != "GetRange" else max(chunk // 10, 1)
        for index, start in enumerate(range(0, count, step)):
            order = list(contenders.items())
            for name, (ts, client, table) in order if index % 2 == 0 else reversed(order):
                size = min(step, count - start)
                run = calls(ts, client, table, phase, start, size, rows)
                began, cpu = time.perf_counter(), time.process_time()
                run()
                total = totals[name][phase]
                total[0] += time.perf_counter() - began
                total[1] += time.process_time() - cpu
                total[2] += size
    return {
        name: {**{p: t[p][2] / t[p][0] for p in PHASES}, **{p + " cpu": t[p][1] / t[p][2] * 1e6 for p in PHASES}}
        for name, t in totals.items()
    }


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


def profile(client: Any, table: str, calls_count: int, rows: int) -> str:
    """A cProfile summary (top 15 by own time) of ``calls_count`` GetRange calls of ``client``."""
    scan = calls(ours, client, table, "GetRange", 0, calls_count, rows)
    profiler = cProfile.Profile()
    profiler.runcall(scan)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    return out.getvalue()


def show(title: str, values: Dict[str, float], digits: int = 0) -> None:
    print(f"  {title:<34}" + "".join(f"{values[p]:>12,.{digits}f}" for p in PHASES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--ranges", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--profile", type=int, default=0, help="GetRange calls to profile (0: none)")
    options = parser.parse_args()

    logging.getLogger("tablestore-client").setLevel(logging.ERROR)
    import tablestore as official
    from tablestore.native import NATIVE_AVAILABLE

    process, info = start_emulator()
    args = (info["tablestore_endpoint"], info["access_key_id"], info["access_key_secret"], info["instance"])
    try:
        setup = ours.OTSClient(*args)
        for name in ("bench_ours", "bench_official", "bench_async"):
            setup.create_table(ours.TableMeta(name, [("id", "INTEGER")]), ours.TableOptions(),
                               ours.ReservedThroughput(ours.CapacityUnit(0, 0)))
        contenders = {
            "official": (official, official.OTSClient(*args), "bench_official"),
            "ours": (ours, ours.OTSClient(*args), "bench_ours"),
        }
        results = interleaved(contenders, options.rows, options.ranges, options.chunk)
        summary = profile(contenders["ours"][1], "bench_ours", options.profile, options.rows) if options.profile else ""

        async def run_async() -> Dict[str, float]:
            async with ours.AsyncOTSClient(*args, max_connection=options.concurrency) as client:
                await async_workload(client, "bench_async", 200, 20, options.concurrency)  # warm up
                return await async_workload(client, "bench_async", options.rows, options.ranges, options.concurrency)

        async_rates = asyncio.run(run_async())
    finally:
        process.terminate()
        process.wait(10)

    mine, theirs = results["ours"], results["official"]
    print(f"{options.rows} PutRow + {options.rows} GetRow + {options.ranges} GetRange (100 rows), "
          f"interleaved in chunks of {options.chunk} calls")
    print(f"official: native PlainBuffer parser {'loaded' if NATIVE_AVAILABLE else 'NOT loaded'}; "
          f"ours: PlainBuffer codec {ACTIVE.name}")
    print(f"ops/s{'':<31}" + "".join(f"{p:>12}" for p in PHASES))
    show("official tablestore (sync)", theirs)
    show("alicloud_storage (sync)", mine)
    show(f"alicloud_storage (async x{options.concurrency})", async_rates)
    print("client CPU per call, µs")
    show("official tablestore (sync)", {p: theirs[p + " cpu"] for p in PHASES})
    show("alicloud_storage (sync)", {p: mine[p + " cpu"] for p in PHASES})
    print("ratios")
    show("ours sync / official (ops/s)", {p: mine[p] / theirs[p] for p in PHASES}, 2)
    show("official / ours sync (client CPU)", {p: theirs[p + " cpu"] / mine[p + " cpu"] for p in PHASES}, 2)
    show(f"ours async x{options.concurrency} / ours sync", {p: async_rates[p] / mine[p] for p in PHASES}, 2)
    print(f"target: official / ours client CPU per GetRange >= 1.5: "
          f"{theirs['GetRange cpu'] / mine['GetRange cpu']:.2f}")
    if summary:
        print(f"profile of {options.profile} GetRange calls (ours):")
        print(summary)


if __name__ == "__main__":
    main()
