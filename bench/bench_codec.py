"""PlainBuffer codec: ours vs the official SDK's pure-Python codec, in one run.

Run: ``.venv-test/bin/python bench/bench_codec.py [--rows 5000] [--puts 2000]``.
Measures (a) PutRow row encoding of a typical row (3 PK columns, 10 mixed attribute
columns) and (b) decoding a GetRange ``rows`` buffer of 5,000 rows x 10 columns.
Prints ops/s for each side and the speed-up ratio (ours / official).
"""
from __future__ import annotations

import argparse
import time
from typing import Callable, List, Tuple

from tablestore.metadata import INF_MIN as OFFICIAL_INF_MIN  # noqa: F401  (import check)
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


def _best(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls of ``fn`` (seconds)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _range_rows(count: int) -> List[PlainRow]:
    """GetRange-like rows: 2 PK columns, 10 attribute cells with timestamps."""
    rows = []
    for i in range(count):
        ts = 1700000000000 + i
        cells = [
            ("name", f"user name {i}", ts, None),
            ("age", i % 97, ts, None),
            ("score", i / 7.0, ts, None),
            ("active", i % 2 == 0, ts, None),
            ("email", f"user{i}@example.com", ts, None),
            ("balance", i * -1000003, ts, None),
            ("blob", bytearray(i.to_bytes(4, "little") * 4), ts, None),
            ("ratio", 1.0 / (i + 1), ts, None),
            ("city", "Hangzhou", ts, None),
            ("visits", i * 31, ts, None),
        ]
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
        f"{label:<34} ours {ops / ours:>12,.0f} ops/s   official {ops / theirs:>10,.0f} ops/s"
        f"   ratio x{ratio:.1f}"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--puts", type=int, default=2000, help="PutRow rows per timing")
    parser.add_argument("--rows", type=int, default=5000, help="rows in the GetRange buffer")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    official_row = bytes(PlainBufferBuilder.serialize_for_put_row(PRIMARY_KEY, COLUMNS))
    assert encode_put_row(PRIMARY_KEY, COLUMNS) == official_row, "encoders disagree"
    puts = range(args.puts)
    ours_put = _best(lambda: [encode_put_row(PRIMARY_KEY, COLUMNS) for _ in puts], args.repeat)
    theirs_put = _best(
        lambda: [PlainBufferBuilder.serialize_for_put_row(PRIMARY_KEY, COLUMNS) for _ in puts],
        args.repeat,
    )

    buf = encode_rows(_range_rows(args.rows))
    _check_same(decode_rows(buf), _official_decode(buf))
    ours_get = _best(lambda: decode_rows(buf), args.repeat)
    theirs_get = _best(lambda: _official_decode(buf), max(1, args.repeat // 2))

    print(f"PutRow row: {len(official_row)} bytes; GetRange buffer: {len(buf):,} bytes")
    results: List[Tuple[str, float]] = [
        ("encode PutRow (rows/s)", _report("encode PutRow (rows/s)", args.puts, ours_put, theirs_put)),
        (
            f"decode GetRange {args.rows}x10 (buffers/s)",
            _report(f"decode GetRange {args.rows}x10 (buffers/s)", 1, ours_get, theirs_get),
        ),
    ]
    print("ratios: " + ", ".join(f"{label} x{ratio:.1f}" for label, ratio in results))


if __name__ == "__main__":
    main()
