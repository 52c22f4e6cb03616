"""PlainBuffer codec: ours (compiled and pure Python) vs the official SDK, in one run.

Run: ``.venv-test/bin/python bench/bench_codec.py [--rows 5000] [--puts 500]``.
Measures (a) PutRow row encoding of a typical row (3 PK columns, 10 mixed attribute
columns) and (b) decoding a GetRange ``rows`` buffer of 5,000 rows x 10 columns, once
with one timestamp per row (as rows written by one PutRow) and once with a different
timestamp in every cell.

Sides: the official SDK (tablestore 6.4.8) as its client runs it: its native parser
``tablestore/native/native_plainbuffer.so`` (``parse_multiple_rows``, which verifies
the CRC-8 checksums; loaded where it can be) and its pure-Python codec (the encoder
its client always uses, and the reader it falls back to); ours compiled (the C
extension) and ours pure Python, decoding with CRC-8 verification (as the emulator
does) and without (as our client does, after checking the body's MD5). Prints the best
CPU time of alternating runs per side and the target ratios.
"""
from __future__ import annotations

import argparse
import time
from typing import Callable, Dict, List, Optional

from tablestore.plainbuffer.plain_buffer_builder import PlainBufferBuilder
from tablestore.plainbuffer.plain_buffer_coded_stream import PlainBufferCodedInputStream
from tablestore.plainbuffer.plain_buffer_stream import PlainBufferInputStream

from alicloud_storage.tablestore.wire.plainbuffer import COMPILED, PURE_PYTHON, Codec, PlainRow

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


def _official_native() -> Optional[Callable[[bytes], list]]:
    """The official native parser, as tablestore.decoder loads it (None where it cannot)."""
    try:
        from tablestore.native import NATIVE_AVAILABLE, parse_multiple_rows
    except ImportError:
        return None
    return parse_multiple_rows if NATIVE_AVAILABLE else None


def _best(sides: Dict[str, Callable[[], object]], repeat: int) -> Dict[str, float]:
    """Best CPU time (seconds) per side; sides alternate so load hits all alike.

    Results are freed after the clock stops: all sides build similar objects.
    """
    best = dict.fromkeys(sides, float("inf"))
    for _ in range(repeat):
        for name, run in sides.items():
            start = time.process_time()
            result = run()
            best[name] = min(best[name], time.process_time() - start)
            del result
    return best


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
    """The decoders must agree before their timings mean anything."""
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs):
        primary_key, columns = other if isinstance(other, tuple) else (other.primary_key, other.attribute_columns)
        assert mine.primary_key == primary_key
        assert [c[:3] for c in mine.cells] == columns


def _line(label: str, seconds: float, ops: int, reference: float) -> None:
    print(f"  {label:<44} {seconds / ops * 1e6:>12,.1f} us/op   x{reference / seconds:>6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--puts", type=int, default=500, help="PutRow rows per timing")
    parser.add_argument("--rows", type=int, default=5000, help="rows in the GetRange buffer")
    parser.add_argument("--repeat", type=int, default=9, help="alternating runs per side")
    args = parser.parse_args()
    codecs: Dict[str, Codec] = {"ours pure Python": PURE_PYTHON}
    if COMPILED is not None:
        codecs["ours compiled"] = COMPILED
    native = _official_native()

    official_row = bytes(PlainBufferBuilder.serialize_for_put_row(PRIMARY_KEY, COLUMNS))
    puts = range(args.puts)
    encoders: Dict[str, Callable[[], object]] = {
        "official encoder (pure Python)": lambda: [
            PlainBufferBuilder.serialize_for_put_row(PRIMARY_KEY, COLUMNS) for _ in puts
        ]
    }
    for name, codec in codecs.items():
        assert codec.encode_put_row(PRIMARY_KEY, COLUMNS) == official_row, f"{name}: encoders disagree"
        encoders[name] = lambda encode=codec.encode_put_row: [encode(PRIMARY_KEY, COLUMNS) for _ in puts]
    encode_times = _best(encoders, args.repeat)

    print(f"PutRow row {len(official_row)} bytes; best CPU time of {args.repeat} alternating runs")
    print("x = official encoder time / this time")
    reference = encode_times["official encoder (pure Python)"]
    print(f"encode PutRow ({args.puts} rows per run):")
    for name, seconds in encode_times.items():
        _line(name, seconds, args.puts, reference)
    targets = []
    if "ours compiled" in encode_times:
        targets.append(f"encode PutRow compiled x{reference / encode_times['ours compiled']:.2f} (target >= 5)")

    for ts_per_cell in (False, True):
        buf = PURE_PYTHON.encode_rows(_range_rows(args.rows, ts_per_cell))
        decoders: Dict[str, Callable[[], object]] = {"official pure Python": lambda: _official_decode(buf)}
        _check_same(PURE_PYTHON.decode_rows(buf), _official_decode(buf))
        if native is not None:
            _check_same(PURE_PYTHON.decode_rows(buf), native(buf))
            decoders["official native parser (CRC)"] = lambda: native(buf)
        for name, codec in codecs.items():
            assert codec.decode_rows(buf) == PURE_PYTHON.decode_rows(buf)
            decoders[f"{name} (CRC)"] = lambda d=codec.decode_rows: d(buf, True)
            decoders[f"{name} (no CRC, as our client)"] = lambda d=codec.decode_rows: d(buf, False)
        times = _best(decoders, args.repeat)
        base_name = "official native parser (CRC)" if native is not None else "official pure Python"
        base = times[base_name]
        per = "cell" if ts_per_cell else "row"
        print(f"decode GetRange {args.rows} x 10, a timestamp per {per} ({len(buf):,} bytes); x = {base_name} / this")
        for name, seconds in times.items():
            _line(name, seconds, 1, base)
        if "ours compiled (CRC)" in times:
            targets.append(
                f"decode (ts per {per}) compiled vs {base_name}: x{base / times['ours compiled (CRC)']:.2f} "
                f"with CRC, x{base / times['ours compiled (no CRC, as our client)']:.2f} without (target >= 1.5)"
            )
    print("targets: " + "; ".join(targets) if targets else "the compiled codec is not built")


if __name__ == "__main__":
    main()
