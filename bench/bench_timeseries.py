"""PutTimeseriesData throughput: our client vs the official SDK against the same emulator.

Run: ``.venv-test/bin/python bench/bench_timeseries.py [--points 40000] [--batch 500]``.
Starts one in-memory emulator (in this process, like the test fixtures), creates a time
series table, then each client writes the same points (20 series, 4 fields of mixed
types, 2 tags) in batches of ``--batch`` rows, sync, one request at a time. Prints
points/s for each client and the ratio (ours / official). Each side writes to its own
table after a warm-up batch; batches alternate between the two clients so that load
from elsewhere on the machine slows both alike.
"""
from __future__ import annotations

import argparse
import time
import warnings
from typing import Any, Callable, List, Tuple

SERIES = 20


def _rows(make_key: Callable[..., Any], make_row: Callable[..., Any], count: int, start_us: int) -> List[Any]:
    """``count`` points spread over SERIES series, 1 us apart per series."""
    keys = [make_key("cpu", f"host-{i:03d}", {"region": "cn-hangzhou", "rack": f"r{i % 4}"}) for i in range(SERIES)]
    return [
        make_row(
            keys[i % SERIES],
            {"load": 0.25 * i, "count": i, "ok": i % 2 == 0, "state": f"s{i % 7}"},
            start_us + i // SERIES,
        )
        for i in range(count)
    ]


def _interleaved(puts: List[Tuple[Callable[[str, List[Any]], Any], str, List[Any]]], batch: int) -> List[float]:
    """Points/s of each (put, table, rows), alternating batches so machine noise hits all alike."""
    for put, table, rows in puts:
        put(table, rows[:batch])  # warm-up: connections, caches
    spent = [0.0] * len(puts)
    for start in range(0, len(puts[0][2]), batch):
        for i, (put, table, rows) in enumerate(puts):
            began = time.perf_counter()
            response = put(table, rows[start:start + batch])
            spent[i] += time.perf_counter() - began
            assert not response.failedRows
    return [len(rows) / seconds for (_, _, rows), seconds in zip(puts, spent)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=40000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)  # the official encoder warns per vector

    import tablestore
    from tablestore import metadata
    from tablestore.retry import NoRetryPolicy

    from alicloud_storage.emulator import Emulator
    from alicloud_storage.tablestore import OTSClient, TimeseriesKey, TimeseriesRow

    with Emulator(memory=True) as emu:
        endpoint, key_id, secret, instance = emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance
        official = tablestore.OTSClient(
            endpoint, key_id, secret, instance, retry_policy=NoRetryPolicy(), logger_name="bench-official"
        )
        ours = OTSClient(endpoint, key_id, secret, instance)
        for table in ("bench_official", "bench_ours"):
            meta = metadata.TimeseriesTableMeta(table, metadata.TimeseriesTableOptions(-1))
            official.create_timeseries_table(metadata.CreateTimeseriesTableRequest(meta))
        start_us = int(time.time() * 1e6) - 3600 * 1000000
        official_rows = _rows(metadata.TimeseriesKey, metadata.TimeseriesRow, args.points, start_us)
        our_rows = _rows(TimeseriesKey, TimeseriesRow, args.points, start_us)
        theirs, mine = _interleaved(
            [(official.put_timeseries_data, "bench_official", official_rows),
             (ours.put_timeseries_data, "bench_ours", our_rows)],
            args.batch,
        )
        ours.close()
    print(f"PutTimeseriesData, {args.points} points in batches of {args.batch} ({SERIES} series, 4 fields)")
    print(f"  official tablestore 6.4.8 : {theirs:12,.0f} points/s")
    print(f"  alicloud-storage          : {mine:12,.0f} points/s")
    print(f"  ratio (ours / official)   : {mine / theirs:12.2f}x")


if __name__ == "__main__":
    main()
