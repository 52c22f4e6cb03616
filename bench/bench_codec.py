"""PlainBuffer codec: ours vs the official SDK's pure-Python codec, in one run.

Run: ``.venv-test/bin/python bench/bench_codec.py [--rows 5000] [--puts 500]``.
Measures (a) PutRow row encoding of a typical row (3 PK columns, 10 mixed attribute
columns) and (b) decoding a GetRange ``rows`` buffer of 5,000 rows x 10 columns, once
with one timestamp per row (as rows written by one PutRow) and once with a different
timestamp in every cell. The official side is its ``plainbuffer`` package called
directly: always the pure-Python path, whatever its native extension does.
Prints ops/s for each side and the speed-up ratio (official time / our time).
"""
from __future__ import annotations

import argparse
import time
from typing import Callable, List, Tuple

from tablestore.plainbuffer.plain_buffer_builder import PlainBufferBuilder
from tablestore.plainbuffer.plain_buffer_coded_stream import PlainBufferCodedInputStream
from tablestore.plainbuffer.plain_buffer_stream import PlainBufferInputStream

from alicloud_storage.tablestore.wire.plainbuffer import (
    PlainRow,
    decode_rows,
    encode_put_row,
    encode_rows,
)

PRIMARY_KEY = [("uid", "user-000123"), ("seq", 1234567), ("region", bytearray(b"cn-hz-1"))]
COLUMNS = [
    ("name", "Alice Smith"),
    ("age", 42),
    ("score", 97.5),
    ("active", True),
    ("email", "alice.smith@example.com"),
    ("balance", -1234567890123),
    ("avatar", bytearray(b"\x89PNG\r\n\x1a\n" * 4)),
    ("ratio", 0.125, 1700000000000),
    ("note", "hello world, this is a short note"),
    ("flag", False),
]


def _best_pair(
    ours: Callable[[], object], theirs: Callable[[], object], repeat: int
) -> Tuple[float, float]:
    """Best CPU time (seconds) of each side; runs alternate so load hits both alike.

    Results are freed after the clock stops: both sides build similar objects.
    """
    best_ours = best_theirs = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        result = ours()
        best_ours = min(best_ours, time.process_time() - start)
        del result
        start = time.process_time()
        result = theirs()
        best_theirs = min(best_theirs, time.process_time() - start)
        del result
    return best_ours, best_theirs


def _range_rows(count: int, ts_per_cell: bool) -> List[PlainRow]:
    """GetRange-like rows: 2 PK columns, 10 attribute cells with timestamps."""
    rows = []
    for i in range(count):
        values = [
            ("name", f"user name {i}"),
            ("age", i % 97),
            ("score", i / 7.0),
            ("active", i % 2 == 0),
            ("email", f"user{i}@example.com"),
            ("balance", i * -1000003),
            ("blob", bytearray(i.to_bytes(4, "little") * 4)),
            ("ratio", 1.0 / (i + 1)),
            ("city", "Hangzhou"),
            ("visits", i * 31),
        ]
        ts = 1700000000000 + 1000 * i
        cells = [(n, v, ts + k if ts_per_cell else ts, None) for k, (n, v) in enumerate(values)]
        rows.append(PlainRow([("uid", f"user-{i:08d}"), ("seq", i)], cells, False))
    return rows


def _official_decode(buf: bytes) -> list:
    return PlainBufferCodedInputStream(PlainBufferInputStream(buf)).read_rows()


def _check_same(ours: List[PlainRow], theirs: list) -> None:
    """Both decoders must agree before their timings mean anything."""
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs):
        assert mine.primary_key == other.primary_key
        assert [c[:3] for c in mine.cells] == other.attribute_columns


def _report(label: str, ops: int, ours: float, theirs: float) -> float:
    ratio = theirs / ours
    print(
        f"{label:<52} ours {ops / ours:>10,.1f} ops/s ({ours / ops * 1e6:,.1f} us/op)   "
        f"official {ops / theirs:>9,.1f} ops/s ({theirs / ops * 1e6:,.1f} us/op)   x{ratio:.1f}"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--puts", type=int, default=500, help="PutRow rows per timing")
    parser.add_argument("--rows", type=int, default=5000, help="rows in the GetRange buffer")
    parser.add_argument("--repeat", type=int, default=9, help="alternating runs per side")
    args = parser.parse_args()

    official_row = bytes(PlainBufferBuilder.serialize_for_put_row(PRIMARY_KEY, COLUMNS))
    assert encode_put_row(PRIMARY_KEY, COLUMNS) == official_row, "encoders disagree"
    puts = range(args.puts)
    ours_put, theirs_put = _best_pair(
        lambda: [encode_put_row(PRIMARY_KEY, COLUMNS) for _ in puts],
        lambda: [PlainBufferBuilder.serialize_for_put_row(PRIMARY_KEY, COLUMNS) for _ in puts],
        args.repeat,
    )

    decodes = []
    for ts_per_cell in (False, True):
        buf = encode_rows(_range_rows(args.rows, ts_per_cell))
        _check_same(decode_rows(buf), _official_decode(buf))
        times = _best_pair(lambda: decode_rows(buf), lambda: _official_decode(buf), args.repeat)
        decodes.append((ts_per_cell, len(buf), times))

    print(f"PutRow row: {len(official_row)} bytes; GetRange buffer: {decodes[0][1]:,} bytes")
    print("best CPU time of alternating runs; official = tablestore 6.4.8 pure-Python codec")
    ratios = [_report("encode PutRow (rows/s)", args.puts, ours_put, theirs_put)]
    for ts_per_cell, _, (ours_get, theirs_get) in decodes:
        label = f"decode GetRange {args.rows}x10, ts per {'cell' if ts_per_cell else 'row'}"
        ratios.append(_report(f"{label} (buffers/s)", 1, ours_get, theirs_get))
    print(
        "ratios: encode PutRow x{:.1f}, decode GetRange x{:.1f} (x{:.1f} with a timestamp "
        "per cell)".format(*ratios)
    )


if __name__ == "__main__":
    main()
