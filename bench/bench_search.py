"""Tablestore search index in the emulator: queries per second beside GetRange, and PutRow
on a table with a search index beside the same table without one.

Run: ``.venv-test/bin/python bench/bench_search.py [--rows 100000] [--seconds 3]``.

``--rows`` rows (``l`` long 0..999, ``k`` keyword of 100 values, ``d`` double) go into a
table with one index over the three fields. Measured with our sync client against the
in-process emulator, each for ``--seconds``:
1. a bool query (term on ``k`` + range on ``l``) sorted by ``l``, limit 100 (target: at
   least 20% of the GetRange rate);
2. a group-by on ``k`` with three sub-aggregations (sum, max, avg of ``d``);
3. GetRange of 100 rows;
4. PutRow into the indexed table and into a table without an index (target: >= 50%).
"""
from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import alicloud_storage.tablestore as m
from alicloud_storage.emulator import Emulator


def rate(fn: Callable[[int], Any], seconds: float) -> float:
    """Calls per second of ``fn(i)`` over about ``seconds``."""
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn(count)
        count += 1
    return count / (time.perf_counter() - start)


def fill(client: m.OTSClient, table: str, rows: int) -> None:
    client.create_table(m.TableMeta(table, [("pk", "INTEGER")]), m.TableOptions(-1, 1),
                        m.ReservedThroughput(m.CapacityUnit(0, 0)))
    for start in range(0, rows, 200):
        batch = m.BatchWriteRowRequest()
        batch.add(m.TableInBatchWriteRowItem(table, [
            m.PutRowItem(m.Row([("pk", i)], [("l", i % 1000), ("k", f"k{i % 100}"), ("d", i / 7)]), m.Condition("IGNORE"))
            for i in range(start, min(rows, start + 200))
        ]))
        client.batch_write_row(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with Emulator(memory=True) as emu, m.OTSClient(
        emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance
    ) as client:
        fill(client, "indexed", args.rows)
        fill(client, "plain", 0)
        client.create_search_index("indexed", "idx", m.SearchIndexMeta([
            m.FieldSchema("l", m.FieldType.LONG, enable_sort_and_agg=True),
            m.FieldSchema("k", m.FieldType.KEYWORD, enable_sort_and_agg=True),
            m.FieldSchema("d", m.FieldType.DOUBLE, enable_sort_and_agg=True),
        ]))
        query = m.SearchQuery(
            m.BoolQuery(must_queries=[m.TermQuery("k", "k7"), m.RangeQuery("l", 100, 900)]),
            sort=m.Sort([m.FieldSort("l", m.SortOrder.DESC)]), limit=100,
        )
        group = m.SearchQuery(m.MatchAllQuery(), limit=0, group_bys=[
            m.GroupByField("k", size=10, sub_aggs=[m.Sum("d"), m.Max("d"), m.Avg("d")])])
        search = rate(lambda i: client.search("indexed", "idx", query), args.seconds)
        grouped = rate(lambda i: client.search("indexed", "idx", group), args.seconds)
        start, end = [("pk", 0)], [("pk", m.INF_MAX)]
        get_range = rate(lambda i: client.get_range("indexed", m.Direction.FORWARD, start, end, limit=100),
                         args.seconds)
        put_indexed = rate(lambda i: client.put_row("indexed", m.Row([("pk", args.rows + i)], [
            ("l", i % 1000), ("k", f"k{i % 100}"), ("d", i / 7)])), args.seconds)
        put_plain = rate(lambda i: client.put_row("plain", m.Row([("pk", i)], [
            ("l", i % 1000), ("k", f"k{i % 100}"), ("d", i / 7)])), args.seconds)
    print(f"rows {args.rows}")
    print(f"bool query, sort, limit 100: {search:9.1f} q/s ({search / get_range:.1%} of GetRange; target 20%)")
    print(f"group-by + 3 sub-aggs:       {grouped:9.1f} q/s")
    print(f"GetRange 100 rows:           {get_range:9.1f} q/s")
    print(f"PutRow with index:           {put_indexed:9.1f} /s ({put_indexed / put_plain:.1%} of without; target 50%)")
    print(f"PutRow without index:        {put_plain:9.1f} /s")


if __name__ == "__main__":
    main()
