"""Tablestore SQL: result-set decoding against the official decoder, and an emulator
``SELECT … WHERE … GROUP BY`` against a GetRange scan of the same rows, in one run.

Run: ``.venv-test/bin/python bench/bench_sql.py [--rows 100000] [--rounds 3]``.

1. Decoding: a 10,000-row x 10-column result set (longs, doubles, strings, run-length
   strings, bools, binaries, with NULLs) encoded once; ours (``wire/sql_result.py`` +
   Row objects, what ``exe_sql_query`` returns) against the official SDK's
   ``flat_buffer_decoder`` (needs the `official` extra). Target: ours >= 5x faster.
2. Emulator: ``--rows`` rows in the in-process emulator; our client runs
   ``SELECT k, count(*), sum(v), avg(v) FROM t WHERE v > 0.25 GROUP BY k`` and, alternately,
   reads every row with GetRange (5000-row pages). The SQL answer is checked against the
   scanned rows. Target: the query takes at most 2x the scan's time.
Each case reports its best time over ``--rounds``.
"""
from __future__ import annotations

import argparse
import gc
import random
import time
from typing import Any, Callable, Dict, List, Tuple

from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import (
    INF_MAX,
    INF_MIN,
    BatchWriteRowRequest,
    CapacityUnit,
    OTSClient,
    PutRowItem,
    ReservedThroughput,
    Row,
    TableInBatchWriteRowItem,
    TableMeta,
    TableOptions,
)
from alicloud_storage.tablestore.wire.sql_result import DataType, ResultColumn, decode_rows, encode_columns


def best(fn: Callable[[], Any], rounds: int) -> float:
    """The best wall time of ``rounds`` calls of ``fn``."""
    times = []
    for _ in range(rounds):
        gc.collect()  # each run starts from the same heap
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def result_set(rows: int) -> bytes:
    """A rows x 10 result set of every column type, about 5% NULLs."""
    rng = random.Random(5)

    def maybe(value: Any) -> Any:
        return None if rng.random() < 0.05 else value

    columns = [
        ResultColumn("id", DataType.LONG, [maybe(i) for i in range(rows)]),
        ResultColumn("a", DataType.LONG, [maybe(rng.randrange(-10**12, 10**12)) for _ in range(rows)]),
        ResultColumn("b", DataType.LONG, [maybe(rng.randrange(100)) for _ in range(rows)]),
        ResultColumn("x", DataType.DOUBLE, [maybe(rng.random()) for _ in range(rows)]),
        ResultColumn("y", DataType.DOUBLE, [maybe(rng.uniform(-1e6, 1e6)) for _ in range(rows)]),
        ResultColumn("name", DataType.STRING, [maybe(f"name-{rng.randrange(10**6)}") for _ in range(rows)]),
        ResultColumn("note", DataType.STRING, [maybe("é" * rng.randrange(20)) for _ in range(rows)]),
        ResultColumn("city", DataType.STRING_RLE, [maybe(f"city{i // 100}") for i in range(rows)]),
        ResultColumn("ok", DataType.BOOLEAN, [maybe(rng.random() < 0.5) for _ in range(rows)]),
        ResultColumn("blob", DataType.BINARY, [maybe(bytes(rng.randrange(128) for _ in range(8))) for _ in range(rows)]),
    ]
    return encode_columns(columns)


def bench_decode(rounds: int) -> None:
    data = result_set(10_000)

    def ours() -> List[Row]:
        return [Row(key, cells) for key, cells in decode_rows(data)]

    print(f"decode 10,000 x 10 ({len(data) / 1e6:.1f} MB)")
    ours_s = best(ours, rounds)
    print(f"  ours      {ours_s * 1000:8.1f} ms")
    try:
        from tablestore.flatbuffer.dataprotocol.SQLResponseColumns import SQLResponseColumns
        from tablestore.flatbuffer.flat_buffer_decoder import flat_buffer_decoder
    except ImportError:
        print("  official  (not installed: pip install .[official])")
        return

    def official() -> List[Any]:
        meta = flat_buffer_decoder.format_flat_buffer_columns(SQLResponseColumns.GetRootAsSQLResponseColumns(data, 0))
        return flat_buffer_decoder.columns_to_rows(meta)

    assert [r.attribute_columns for r in official()] == [r.attribute_columns for r in ours()]
    official_s = best(official, max(1, rounds // 2))
    print(f"  official  {official_s * 1000:8.1f} ms   ours is {official_s / ours_s:.1f}x faster (target >= 5x)")


def load(client: OTSClient, rows: int) -> None:
    client.create_table(
        TableMeta("bench_sql", [("id", "INTEGER")]), TableOptions(), ReservedThroughput(CapacityUnit(0, 0))
    )
    rng = random.Random(7)
    for first in range(0, rows, 200):
        request = BatchWriteRowRequest()
        items = [
            PutRowItem(Row([("id", i)], [("k", i % 100), ("v", rng.random()), ("s", f"row-{i}")]), None)
            for i in range(first, min(first + 200, rows))
        ]
        request.add(TableInBatchWriteRowItem("bench_sql", items))
        client.batch_write_row(request)
    client.exe_sql_query("CREATE TABLE bench_sql (id BIGINT, k BIGINT, v DOUBLE, s MEDIUMTEXT, PRIMARY KEY(id))")


def scan(client: OTSClient) -> List[Row]:
    rows: List[Row] = []
    start: Any = [("id", INF_MIN)]
    while start is not None:
        _, start, page, _ = client.get_range("bench_sql", "FORWARD", start, [("id", INF_MAX)], max_version=1)
        rows.extend(page)
    return rows


QUERY = "SELECT k, count(*), sum(v), avg(v) FROM bench_sql WHERE v > 0.25 GROUP BY k"


def expected(rows: List[Row]) -> Dict[int, Tuple[int, float]]:
    groups: Dict[int, Tuple[int, float]] = {}
    for row in rows:
        cells = {name: value for name, value, _ in row.attribute_columns}
        if cells["v"] > 0.25:
            count, total = groups.get(cells["k"], (0, 0.0))
            groups[cells["k"]] = (count + 1, total + cells["v"])
    return groups


def bench_emulator(rows: int, rounds: int) -> None:
    with Emulator(memory=True) as emulator:
        with OTSClient(emulator.tablestore_endpoint, emulator.access_key_id, emulator.access_key_secret,
                       emulator.instance) as client:
            started = time.perf_counter()
            load(client, rows)
            print(f"\nemulator: {rows:,} rows loaded in {time.perf_counter() - started:.1f} s")
            scanned = scan(client)
            assert len(scanned) == rows
            want = expected(scanned)
            got = {r.attribute_columns[0][1]: (r.attribute_columns[1][1], r.attribute_columns[2][1])
                   for r in client.exe_sql_query(QUERY)[0]}
            assert got == want, "the SQL answer differs from the scanned rows"
            sql_times, scan_times = [], []
            for _ in range(rounds):  # alternate, so both see the same machine load
                sql_times.append(best(lambda: client.exe_sql_query(QUERY), 1))
                scan_times.append(best(lambda: scan(client), 1))
            sql_s, scan_s = min(sql_times), min(scan_times)
            print(f"  SELECT … WHERE … GROUP BY  {sql_s * 1000:8.1f} ms")
            print(f"  GetRange scan              {scan_s * 1000:8.1f} ms   "
                  f"query/scan = {sql_s / scan_s:.2f} (target <= 2)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the emulator table (quota: 100000)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    bench_decode(args.rounds)
    bench_emulator(args.rows, args.rounds)


if __name__ == "__main__":
    main()
