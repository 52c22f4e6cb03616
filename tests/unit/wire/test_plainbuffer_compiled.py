"""The compiled PlainBuffer codec (C extension) against the pure-Python reference.

On random valid rows both encoders write the same bytes and both decoders return the
same objects (types, float bits, singletons); on random mutations and truncations of
valid buffers the extension accepts exactly what the reference accepts, and the public
functions of both raise the same errors (type, message, offset); on random, mostly
invalid encoder input both give the same bytes or the same error. Error paths leak
no memory and no references; a bounded-time fuzz run must end without a crash.
"""
from __future__ import annotations

import gc
import os
import random
import struct
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError
from alicloud_storage.tablestore.wire import plainbuffer
from alicloud_storage.tablestore.wire.plainbuffer import (
    AUTO_INCREMENT,
    INF_MAX,
    INF_MIN,
    PURE_PYTHON,
    CellOp,
    Codec,
    PlainRow,
)

from codec_backends import compiled_codec
from plainbuffer_cases import (
    FIXED_COLUMNS,
    FIXED_PK,
    FIXED_UPDATE,
    plain_rows,
    primary_keys,
    put_columns,
    unicode_names,
    update_cells,
)

REF = PURE_PYTHON


@pytest.fixture(scope="module")
def compiled() -> Codec:
    return compiled_codec()


@pytest.fixture(scope="module")
def native(compiled: Codec) -> Any:
    from alicloud_storage.tablestore.wire import _plainbuffer

    return _plainbuffer


def strict(obj: object) -> object:
    """A comparable form that tells apart types, float bits (NaN payloads) and singletons."""
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [strict(item) for item in obj])
    if isinstance(obj, float):
        return ("float", struct.pack("<d", obj))
    if isinstance(obj, CellOp) or obj in (INF_MIN, INF_MAX, AUTO_INCREMENT) or obj is None:
        return ("id", id(obj))
    return (type(obj).__name__, obj)


def outcome(call: Callable[[], object]) -> object:
    """What a call gave: its result (strict form) or its error (type, message, offset)."""
    try:
        return ("ok", strict(call()))
    except OTSClientError as exc:
        return ("error", type(exc).__name__, exc.message, getattr(exc, "offset", None))


def test_the_compiled_codec_is_active_unless_forced_off(compiled: Codec) -> None:
    forced = os.environ.get(plainbuffer.PURE_PYTHON_ENV, "") not in ("", "0")
    assert plainbuffer.ACTIVE is (REF if forced else compiled)
    assert plainbuffer.decode_rows is plainbuffer.ACTIVE.decode_rows
    script = "from alicloud_storage.tablestore.wire import plainbuffer as p; print(p.ACTIVE.name)"
    for value, expected in (("1", REF.name), ("0", compiled.name), ("", compiled.name)):
        env = dict(os.environ, **{plainbuffer.PURE_PYTHON_ENV: value})
        run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        assert run.stdout.strip() == expected


def test_version_names_the_active_codec(compiled: Codec) -> None:
    for value, expected in (("1", REF.name), ("", compiled.name)):
        env = dict(os.environ, **{plainbuffer.PURE_PYTHON_ENV: value})
        run = subprocess.run(
            [str(Path(sys.executable).with_name("alicloud-storage")), "--version"],
            env=env, capture_output=True, text=True, check=True,
        )
        assert f"PlainBuffer codec: {expected}" in run.stdout, run.stdout


def test_the_debug_line_names_the_active_codec(compiled: Codec) -> None:
    script = (
        "import logging; logging.basicConfig(level=logging.DEBUG, format='%(name)s %(message)s')\n"
        "import alicloud_storage.tablestore.wire.plainbuffer"
    )
    for value, expected in (("1", f"{REF.name} ({plainbuffer.PURE_PYTHON_ENV} set)"), ("", compiled.name)):
        env = dict(os.environ, **{plainbuffer.PURE_PYTHON_ENV: value})
        run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        assert f"plainbuffer PlainBuffer codec: {expected}\n" in run.stderr, run.stderr


# --------------------------------------------------------------------- valid input


@given(primary_keys(), put_columns(), update_cells())
def test_same_bytes_and_objects_for_valid_rows(compiled: Codec, primary_key, columns, cells) -> None:
    encoded = [
        (name, getattr(REF, name)(*args), getattr(compiled, name)(*args))
        for name, args in (
            ("encode_primary_key", (primary_key,)),
            ("encode_put_row", (primary_key, columns)),
            ("encode_update_row", (primary_key, cells)),
            ("encode_delete_row", (primary_key,)),
        )
    ]
    for name, ours, theirs in encoded:
        assert ours == theirs, name
        for verify in (True, False):
            assert strict(compiled.decode_row(ours, verify)) == strict(REF.decode_row(ours, verify))


@given(plain_rows())
def test_same_bytes_and_objects_for_server_rows(compiled: Codec, rows) -> None:
    data = REF.encode_rows(rows)
    assert compiled.encode_rows(rows) == data
    assert compiled.encode_rows(tuple(rows)) == data
    for verify in (True, False):
        assert strict(compiled.decode_rows(data, verify)) == strict(REF.decode_rows(data, verify))
        assert strict(compiled.read_rows(data, verify)) == strict(REF.read_rows(data, verify))
        if len(rows) == 1:
            assert strict(compiled.read_row(data, verify)) == strict(REF.read_row(data, verify))


def test_the_extension_itself_decodes_valid_rows(native: Any) -> None:
    """Not through the fallback: the extension returns the rows of valid buffers itself."""
    data = REF.encode_update_row(FIXED_PK, FIXED_UPDATE)
    for verify in (True, False):
        assert strict(native.decode(data, True, verify, False)) == strict([REF.decode_row(data)])
        assert strict(native.decode(data, True, verify, True)) == strict([REF.read_row(data)])
    put = REF.encode_put_row(FIXED_PK, FIXED_COLUMNS)
    assert native.encode_row(FIXED_PK, FIXED_COLUMNS, 1, False) == put
    rows = [PlainRow(FIXED_PK, FIXED_UPDATE, True)] * 3
    assert native.encode_rows(rows) == REF.encode_rows(rows)
    assert type(native.decode(REF.encode_rows(rows), False, True, False)[0]) is PlainRow


# ---------------------------------------------------------------- malformed input

SOURCES = [
    REF.encode_put_row(FIXED_PK[:3], FIXED_COLUMNS[:12]),
    REF.encode_update_row([("k", "a"), ("b", INF_MIN), ("c", AUTO_INCREMENT)], FIXED_UPDATE),
    REF.encode_delete_row([("k", bytearray(b"\x01\x02")), ("x", INF_MAX), ("t", True)]),
    REF.encode_rows(
        [
            PlainRow([("k", 1)], [("a", "x" * 300, 5, None), ("b", 2.5, 5, None), ("c", None, None, CellOp.DELETE_ALL_VERSIONS)], False),
            PlainRow([("k", 2)], [("a", "y", 6, None), ("n", 7, None, CellOp.INCREMENT)], True),
            PlainRow([("k", 3)], [], False),
        ]
    ),
]


def assert_same_decoding(native: Any, compiled: Codec, data: bytes) -> None:
    """Extension and reference agree on ``data``: same rows, or both refuse it."""
    for verify in (True, False):
        for single in (False, True):
            for columns in (False, True):
                name = ("read_row" if single else "read_rows") if columns else ("decode_row" if single else "decode_rows")
                expected = outcome(lambda: getattr(REF, name)(data, verify))
                if data:
                    raw = native.decode(data, single, verify, columns)
                    if expected[0] == "ok":
                        assert raw is not NotImplemented, (data.hex(), expected)
                        assert strict(raw[0] if single else raw) == expected[1]
                    else:
                        assert raw is NotImplemented, (data.hex(), expected)
                assert outcome(lambda: getattr(compiled, name)(data, verify)) == expected, name


@pytest.mark.parametrize("source", SOURCES, ids=["put", "update", "delete", "rows"])
def test_every_truncation_and_single_byte_corruption(native: Any, compiled: Codec, source: bytes) -> None:
    for size in range(len(source) + 1):
        assert_same_decoding(native, compiled, source[:size])
    for offset in range(len(source)):
        for mask in (0x01, 0xFF):
            corrupt = source[:offset] + bytes((source[offset] ^ mask,)) + source[offset + 1 :]
            assert_same_decoding(native, compiled, corrupt)


@settings(max_examples=400)
@given(st.data())
def test_random_mutations_and_splices(native: Any, compiled: Codec, data) -> None:
    source = bytearray(data.draw(st.sampled_from(SOURCES)))
    for _ in range(data.draw(st.integers(1, 4))):
        offset = data.draw(st.integers(0, len(source)))
        action = data.draw(st.sampled_from(["set", "insert", "delete", "cut", "length"]))
        if action == "set" and offset < len(source):
            source[offset] = data.draw(st.integers(0, 255))
        elif action == "insert":
            source[offset:offset] = data.draw(st.binary(max_size=8))
        elif action == "delete":
            del source[offset : offset + data.draw(st.integers(1, 8))]
        elif action == "cut":
            del source[offset:]
        elif offset + 4 <= len(source):  # a length field made huge, zero or off by a little
            value = data.draw(st.sampled_from([0, 1, 4, 5, 8, 9, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]))
            source[offset : offset + 4] = struct.pack("<I", value)
    assert_same_decoding(native, compiled, bytes(source))


@given(st.binary(max_size=80))
def test_arbitrary_bytes_after_a_header(native: Any, compiled: Codec, junk: bytes) -> None:
    assert_same_decoding(native, compiled, b"\x75\x00\x00\x00" + junk)
    assert_same_decoding(native, compiled, b"\x75\x00\x00\x00\x01\x03\x04" + junk)


def test_other_input_types(compiled: Codec) -> None:
    data = SOURCES[0]
    for kind in (bytearray, memoryview):
        assert strict(compiled.decode_row(kind(data))) == strict(REF.decode_row(data))
    for bad in ("text", None, 12):
        assert outcome(lambda: compiled.decode_rows(bad)) == outcome(lambda: REF.decode_rows(bad))


# ---------------------------------------------------------------- encoder input


class Flag(int):
    pass


class Name(str):
    pass


ANY_VALUE = st.one_of(
    st.integers(-(2**64), 2**64),
    st.floats(),
    st.booleans(),
    st.none(),
    st.text(max_size=6),
    st.binary(max_size=6),
    st.sampled_from(
        [INF_MIN, INF_MAX, AUTO_INCREMENT, "\ud800x", bytearray(b"ba"), memoryview(b"mv"), [1], {},
         Flag(3), Name("sub"), CellOp.INCREMENT, 1.5, object()]
    ),
)
ANY_NAME = st.one_of(unicode_names, st.sampled_from([1, None, b"k", "\udfff", Name("n")]))
ANY_TIMESTAMP = st.one_of(st.none(), st.integers(-(2**64), 2**64), st.sampled_from([True, 1.0, Flag(5)]))
ANY_OP = st.one_of(st.none(), st.sampled_from([*CellOp, 0, 1, 2, 3, 4, 5, True, 2**70, "x", 1.0, Flag(4)]))
ANY_CELL = st.one_of(
    st.tuples(ANY_NAME, ANY_VALUE),
    st.tuples(ANY_NAME, ANY_VALUE, ANY_TIMESTAMP),
    st.tuples(ANY_NAME, ANY_VALUE, ANY_TIMESTAMP, ANY_OP),
    st.tuples(ANY_NAME),
    st.lists(ANY_VALUE, min_size=2, max_size=2),
    st.sampled_from(["c", None, 5]),
)
ANY_CELLS = st.one_of(st.lists(ANY_CELL, max_size=4), st.lists(ANY_CELL, max_size=4).map(tuple), st.none())


@settings(max_examples=400)
@given(st.lists(ANY_CELL, max_size=3), ANY_CELLS, st.booleans())
def test_same_bytes_or_same_error_for_any_encoder_input(compiled: Codec, primary_key, cells, deleted) -> None:
    calls = [
        ("encode_primary_key", (primary_key,)),
        ("encode_delete_row", (primary_key,)),
        ("encode_put_row", (primary_key, cells)),
        ("encode_update_row", (primary_key, cells)),
        ("encode_rows", ([PlainRow(primary_key, cells or [], deleted)],)),
        ("encode_rows", ([(primary_key, cells, deleted)],)),
    ]
    for name, args in calls:
        assert outcome(lambda: getattr(compiled, name)(*args)) == outcome(lambda: getattr(REF, name)(*args)), name


def test_extension_leaves_what_it_does_not_take_to_the_reference(native: Any, compiled: Codec) -> None:
    """Subclasses, generators, bad values: NotImplemented from the extension, then the reference."""
    assert native.encode_row([("k", Flag(1))], None, 0, False) is NotImplemented
    assert native.encode_row([("k", 1)], ((c for c in [("c", 1)])), 1, False) is NotImplemented
    assert native.encode_row([("k", 1)], [("c", None)], 1, False) is NotImplemented
    assert compiled.encode_put_row([("k", Flag(1))], [("c", Name("v"))]) == REF.encode_put_row([("k", 1)], [("c", "v")])
    assert compiled.encode_rows(iter([PlainRow([("k", 1)], [], False)])) == REF.encode_rows([PlainRow([("k", 1)], [], False)])
    with pytest.raises(OTSClientError, match="column 'c': value is None"):
        compiled.encode_put_row([("k", 1)], [("c", None)])


# ------------------------------------------------------------- memory and references

_LAST_OP = SOURCES[1].rindex(b"\x06\x04") + 1
LEAK_INPUTS = [  # malformed with and without checksum verification
    SOURCES[1][:-1],  # everything decoded, then the row checksum is missing
    SOURCES[1][:_LAST_OP] + b"\x07" + SOURCES[1][_LAST_OP + 1 :],  # the last cell's op is unknown
    SOURCES[3][: len(SOURCES[3]) * 2 // 3],  # truncated in the second row
    SOURCES[3][:-2] + b"\x0b" + SOURCES[3][-1:],  # the last row's checksum tag is wrong
]


KEY = REF.encode_primary_key([("k", bytearray(b"\x00\x01\x02\x03")), ("x", "a\x00b")])


def test_error_paths_leak_neither_memory_nor_references(native: Any) -> None:
    singletons = [INF_MIN, INF_MAX, AUTO_INCREMENT, *CellOp]
    shared = [None, True, False]  # referenced everywhere: counted loosely

    def work() -> None:
        for data in LEAK_INPUTS:
            for verify in (True, False):
                for columns in (False, True):
                    assert native.decode(data, False, verify, columns) is NotImplemented
        for data in SOURCES:
            native.decode(data, False, True, False)
            native.decode(data, False, True, True)
        assert native.encode_row([("k", 1), ("a", INF_MIN)], [("c", 1), ("d", None)], 1, False) is NotImplemented
        assert native.encode_row([("k", "\ud800")], None, 0, False) is NotImplemented
        assert native.encode_rows([PlainRow([("k", 1)], FIXED_UPDATE, False), ("bad",)]) is NotImplemented
        # the emulator's BatchGetRow steps: keys refused at every stage, a row to re-encode
        for data in (*LEAK_INPUTS, SOURCES[2], SOURCES[0]):
            assert native.storage_keys([KEY, data], ("k", "x"), b"\x30\x20", 1024) is None
        assert native.storage_keys([KEY], ("k", "x"), b"\x30\x20", 3) is None  # too long
        assert native.batch_rows("t", 2, ("0,1", "1,-1", "9,0", b"w"), 4096) is None
        native.batch_rows("t", 2, ("1", "1", "9", b"w"), 4096)
        for found in (("0,2", "1,1", "9,9", b"ww"), ("0,1", "1,1", "9,9", b"w"), ("0,1", "1,1", "9", b"ww")):
            with pytest.raises(ValueError):  # refused after a row taken
                native.batch_rows("t", 2, found, 4096)

    work()  # warm up caches and interned objects
    gc.collect()
    counts = [sys.getrefcount(obj) for obj in singletons]
    shared_counts = [sys.getrefcount(obj) for obj in shared]
    tracemalloc.start()
    try:
        work()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(300):
            work()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 20_000, grown
    assert [sys.getrefcount(obj) for obj in singletons] == counts
    # one reference lost or kept per call would move these by 300+
    assert all(abs(sys.getrefcount(obj) - count) < 50 for obj, count in zip(shared, shared_counts))


# ------------------------------------------------------------------------ fuzzing


@pytest.mark.slow
def test_bounded_fuzz_run_under_the_extension(native: Any, compiled: Codec) -> None:
    """10 s of random mutations through the extension (both modes) and the reference."""
    rng = random.Random(int(os.environ.get("PLAINBUFFER_FUZZ_SEED", "18")))
    deadline = time.monotonic() + float(os.environ.get("PLAINBUFFER_FUZZ_SECONDS", "10"))
    runs = 0
    while time.monotonic() < deadline:
        data = bytearray(rng.choice(SOURCES))
        for _ in range(rng.randint(1, 6)):
            offset = rng.randrange(len(data) + 1)
            choice = rng.random()
            if choice < 0.5 and offset < len(data):
                data[offset] = rng.randrange(256)
            elif choice < 0.7:
                data[offset:offset] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
            elif choice < 0.85:
                del data[offset : offset + rng.randint(1, 12)]
            elif offset + 4 <= len(data):
                data[offset : offset + 4] = struct.pack("<I", rng.choice([0, 1, 5, 9, 0x7FFFFFFF, 0xFFFFFFFF, rng.randrange(1 << 32)]))
        buf = bytes(data)
        for verify in (True, False):
            columns = rng.random() < 0.5
            rows = native.decode(buf, False, verify, columns) if buf else []
            expected = outcome(lambda: (REF.read_rows if columns else REF.decode_rows)(buf, verify))
            assert (rows is NotImplemented) == (expected[0] == "error"), buf.hex()
            if rows is not NotImplemented:
                assert ("ok", strict(rows)) == expected
        runs += 1
    assert runs > 1000
