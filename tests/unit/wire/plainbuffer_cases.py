"""Shared inputs for the PlainBuffer tests: hypothesis strategies, fixed rows, comparison."""
from __future__ import annotations

import struct
from typing import Any, List

from hypothesis import strategies as st

from alicloud_storage.tablestore.wire.plainbuffer import (
    AUTO_INCREMENT,
    INF_MAX,
    INF_MIN,
    CellOp,
    PlainRow,
)

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

int64 = st.integers(INT64_MIN, INT64_MAX)
text = st.text(st.characters(codec="utf-8"), max_size=24)
ascii_names = st.text(st.characters(codec="ascii"), max_size=10)
unicode_names = st.text(st.characters(codec="utf-8"), max_size=10)
# Long values take crc8's folding path (>= 256 bytes).
binary = st.one_of(st.binary(max_size=24), st.binary(min_size=250, max_size=700))
timestamps = st.one_of(st.none(), int64)

cell_values = st.one_of(
    int64,
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    text,
    st.text(st.characters(codec="utf-8"), min_size=60, max_size=300),
    binary,
    binary.map(bytearray),
)
pk_values = st.one_of(
    int64,
    text,
    binary,
    binary.map(bytearray),
    st.booleans(),
    st.sampled_from([INF_MIN, INF_MAX, AUTO_INCREMENT]),
)
# What a server returns in a key: no sentinels, and the official reader rejects BOOLEAN too.
returned_pk_values = st.one_of(int64, text, binary.map(bytearray))


def primary_keys(names: st.SearchStrategy = unicode_names, values: st.SearchStrategy = pk_values):
    return st.lists(st.tuples(names, values), max_size=4)


def put_columns(names: st.SearchStrategy = unicode_names):
    return st.lists(
        st.one_of(st.tuples(names, cell_values), st.tuples(names, cell_values, timestamps)),
        max_size=8,
    )


def update_cells(names: st.SearchStrategy = unicode_names):
    return st.lists(
        st.one_of(
            st.tuples(names, cell_values, timestamps, st.none()),
            st.tuples(names, st.none(), st.none(), st.just(CellOp.DELETE_ALL_VERSIONS)),
            st.tuples(names, st.none(), int64, st.just(CellOp.DELETE_ONE_VERSION)),
            st.tuples(names, int64, timestamps, st.just(CellOp.INCREMENT)),
        ),
        max_size=8,
    )


def plain_rows(names: st.SearchStrategy = unicode_names):
    return st.lists(
        st.builds(PlainRow, primary_keys(names), update_cells(names), st.booleans()), max_size=4
    )


def returned_rows(names: st.SearchStrategy = unicode_names):
    """Rows as GetRange returns them: plain key values, cells with a value and timestamp."""
    cell = st.tuples(names, cell_values, int64, st.none())
    return st.lists(
        st.builds(
            PlainRow,
            st.lists(st.tuples(names, returned_pk_values), min_size=1, max_size=4),
            st.lists(cell, max_size=8),
            st.booleans(),
        ),
        max_size=4,
    )


def norm(value: Any) -> Any:
    """A comparable form that keeps bool apart from int and compares NaN by its bits."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", struct.pack("<d", value))
    if isinstance(value, (bytes, bytearray)):
        return ("binary", bytes(value))
    if isinstance(value, str):
        return ("str", value)
    return ("other", value)


def norm_row(row: PlainRow) -> tuple:
    primary_key, cells, deleted = row
    return (
        [(name, norm(value)) for name, value in primary_key],
        [(name, norm(value), ts, op) for name, value, ts, op in cells],
        deleted,
    )


def norm_rows(rows: List[PlainRow]) -> list:
    return [norm_row(row) for row in rows]


def put_cells(columns: list) -> list:
    """The cells a decoder returns for PutRow columns."""
    return [(c[0], c[1], c[2] if len(c) == 3 else None, None) for c in columns]


# A fixed set of rows covering every type, op and edge value.
FIXED_PK = [
    ("s", "key"),
    ("i", 0),
    ("neg", INT64_MIN),
    ("max", INT64_MAX),
    ("b", bytearray(b"\x00\xff")),
    ("empty", ""),
    ("emptybin", bytearray()),
]
FIXED_COLUMNS = [
    ("str", "hello"),
    ("unicode", "中文 ✓ 😀"),
    ("empty", ""),
    ("int", 42),
    ("min", INT64_MIN),
    ("max", INT64_MAX, 1),
    ("zero", 0, 0),
    ("neg_ts", -1, -5),
    ("t", True),
    ("f", False, 1700000000000),
    ("pi", 3.141592653589793),
    ("nan", float("nan")),
    ("inf", float("inf"), 7),
    ("-inf", float("-inf")),
    ("-0", -0.0),
    ("blob", bytearray(b"\x00\x01\x02")),
    ("emptyblob", bytearray()),
    ("long", "x" * 1000),
    ("longblob", bytearray(range(256)) * 3, 123),
]
FIXED_UPDATE = [
    ("p", "v", None, None),
    ("pt", 1.5, 99, None),
    ("d1", None, 1700000000000, CellOp.DELETE_ONE_VERSION),
    ("d0", None, 0, CellOp.DELETE_ONE_VERSION),
    ("da", None, None, CellOp.DELETE_ALL_VERSIONS),
    ("inc", 5, None, CellOp.INCREMENT),
    ("incneg", INT64_MIN, 3, CellOp.INCREMENT),
]
