"""Random WHERE clauses and aggregates over integers: the emulator's compiled expressions
against SQLite, whose integer arithmetic, comparisons and three-valued logic are MySQL's."""
from __future__ import annotations

import sqlite3
from typing import Any, List, Optional, Tuple

import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

from alicloud_storage.emulator.tablestore.sql.expressions import Scope, compile_expression, truth
from alicloud_storage.emulator.tablestore.sql.mappings import Mapping, MappingColumn
from alicloud_storage.emulator.tablestore.sql.select import compute_aggregate

MAPPING = Mapping("t", tuple(MappingColumn(name, "INTEGER", "bigint(20)", name == "a") for name in "abc"))
_value = st.none() | st.integers(-5, 5)
_rows = st.lists(st.tuples(st.integers(), _value, _value), max_size=12).map(
    lambda rows: [(i, b, c) for i, (_, b, c) in enumerate(rows)]
)


def _expressions() -> Any:
    leaf = st.sampled_from(["a", "b", "c", "NULL", "0", "1", "-2", "3"])

    def extend(inner: Any) -> Any:
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "=", "<>", "<", "<=", ">", ">=", "AND", "OR"]), inner)
        return (
            binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})")
            | inner.map(lambda e: f"(NOT {e})")
            | inner.map(lambda e: f"({e} IS NULL)")
            | inner.map(lambda e: f"({e} IS NOT NULL)")
            | st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} BETWEEN {t[1]} AND {t[2]})")
            | st.tuples(inner, st.lists(inner, min_size=1, max_size=3)).map(
                lambda t: f"({t[0]} IN ({', '.join(t[1])}))")
            | st.tuples(inner, st.lists(inner, min_size=1, max_size=3)).map(
                lambda t: f"({t[0]} NOT IN ({', '.join(t[1])}))")
        )

    return st.recursive(leaf, extend, max_leaves=8)


def _sqlite(rows: List[Tuple[Any, ...]], query: str) -> List[Tuple[Any, ...]]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b INTEGER, c INTEGER)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    return db.execute(query).fetchall()


def _ours(expression: str) -> Any:
    node = sqlglot.parse_one(f"select {expression} from t", read="mysql").expressions[0]
    return compile_expression(node, Scope(MAPPING, "where clause")).fn


@settings(max_examples=200, deadline=None)
@given(_rows, _expressions())
def test_where_and_values_match_sqlite(rows: List[Tuple[Any, ...]], expression: str) -> None:
    fn = _ours(expression)
    expected = _sqlite(rows, f"SELECT a, {expression} FROM t WHERE {expression} ORDER BY a")
    assert [(row[0], _as_int(fn(row))) for row in rows if truth(fn(row))] == expected


def _as_int(value: Any) -> Optional[int]:
    return None if value is None else int(value)


@settings(max_examples=50, deadline=None)
@given(_rows)
def test_aggregates_match_sqlite(rows: List[Tuple[Any, ...]]) -> None:
    aggregates: List[Any] = []
    scope = Scope(MAPPING, "field list", aggregates)
    text = "count(*), count(b), sum(b), min(c), max(c), count(distinct c)"
    fns = [compile_expression(node, scope).fn
           for node in sqlglot.parse_one(f"select {text} from t", read="mysql").expressions]
    env = (None, None, None) + tuple(compute_aggregate(a, rows) for a in aggregates)
    assert [tuple(fn(env) for fn in fns)] == _sqlite(rows, f"SELECT {text} FROM t")
