"""Tablestore search index in the emulator: queries per second beside GetRange, and PutRow
on a table with a search index beside the same table without one.

Run: ``.venv-test/bin/python bench/bench_search.py [--rows 100000] [--seconds 3] [--rounds 10]``.

``--rows`` rows (``l`` long 0..999, ``k`` keyword of 100 values, ``d`` double) go into a
table (BatchWriteRow, 200 rows a call) with one index over the three fields, created after
them (the backfill is timed). Measured with our sync client against the in-process
emulator, each for ``--seconds`` in total, the search and GetRange (and the two PutRows) in
``--rounds`` interleaved slices, so that the load of a shared machine weighs on the rates
compared alike:
1. a bool query (term on ``k`` + range on ``l``) sorted by ``l``, limit 100 (target: at
   least 20% of the GetRange rate);
2. a group-by on ``k`` with three sub-aggregations (sum, max, avg of ``d``);
3. GetRange of 100 rows;
4. PutRow into the indexed table and into a table without an index (target: >= 50%).
"""
from __future__ import annotations

import argparse
import time
from typing import Any, Callable, Dict

import alicloud_storage.tablestore as m
from alicloud_storage.emulator import Emulator


def rates(fns: Dict[str, Callable[[int], Any]], seconds: float, rounds: int) -> Dict[str, float]:
    """Calls per second of each ``fn(i)``, run for ``seconds`` in all, ``rounds`` slices
    each, the functions taking turns."""
    counts = {name: 0 for name in fns}
    spent = {name: 0.0 for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            while time.perf_counter() - start < seconds / rounds:
                fn(counts[name])
                counts[name] += 1
            spent[name] += time.perf_counter() - start
    return {name: counts[name] / spent[name] for name in fns}


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
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with Emulator(memory=True) as emu, m.OTSClient(
        emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance
    ) as client:
        began = time.perf_counter()
        fill(client, "indexed", args.rows)
        filled = time.perf_counter()
        fill(client, "plain", 0)
        client.create_search_index("indexed", "idx", m.SearchIndexMeta([
            m.FieldSchema("l", m.FieldType.LONG, enable_sort_and_agg=True),
            m.FieldSchema("k", m.FieldType.KEYWORD, enable_sort_and_agg=True),
            m.FieldSchema("d", m.FieldType.DOUBLE, enable_sort_and_agg=True),
        ]))
        indexed = time.perf_counter()
        query = m.SearchQuery(
            m.BoolQuery(must_queries=[m.TermQuery("k", "k7"), m.RangeQuery("l", 100, 900)]),
            sort=m.Sort([m.FieldSort("l", m.SortOrder.DESC)]), limit=100,
        )
        group = m.SearchQuery(m.MatchAllQuery(), limit=0, group_bys=[
            m.GroupByField("k", size=10, sub_aggs=[m.Sum("d"), m.Max("d"), m.Avg("d")])])
        start, end = [("pk", 0)], [("pk", m.INF_MAX)]
        reads = rates({
            "search": lambda i: client.search("indexed", "idx", query),
            "range": lambda i: client.get_range("indexed", m.Direction.FORWARD, start, end, limit=100),
        }, args.seconds, args.rounds)
        # apart: a group-by call outlasts a slice, and its garbage would slow its neighbours
        grouped = rates({"group": lambda i: client.search("indexed", "idx", group)}, args.seconds, 1)["group"]
        writes = rates({
            "indexed": lambda i: client.put_row("indexed", m.Row([("pk", args.rows + i)], [
                ("l", i % 1000), ("k", f"k{i % 100}"), ("d", i / 7)])),
            "plain": lambda i: client.put_row("plain", m.Row([("pk", i)], [
                ("l", i % 1000), ("k", f"k{i % 100}"), ("d", i / 7)])),
        }, args.seconds, args.rounds)
    search, get_range = reads["search"], reads["range"]
    put_indexed, put_plain = writes["indexed"], writes["plain"]
    print(f"rows {args.rows}: BatchWriteRow {filled - began:.1f} s, CreateSearchIndex (backfill) {indexed - filled:.1f} s")
    print(f"bool query, sort, limit 100: {search:9.1f} q/s ({search / get_range:.1%} of GetRange; target 20%)")
    print(f"group-by + 3 sub-aggs:       {grouped:9.1f} q/s")
    print(f"GetRange 100 rows:           {get_range:9.1f} q/s")
    print(f"PutRow with index:           {put_indexed:9.1f} /s ({put_indexed / put_plain:.1%} of without; target 50%)")
    print(f"PutRow without index:        {put_plain:9.1f} /s")


if __name__ == "__main__":
    main()
