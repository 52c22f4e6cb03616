"""MySQL semantics of the emulator's SQL expressions: NULL logic, mixed comparisons,
arithmetic, LIKE, IN, BETWEEN, and the errors of unknown names and misplaced aggregates."""
from __future__ import annotations

from typing import Any, Sequence

import pytest
import sqlglot

from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.sql.expressions import Scope, compile_expression
from alicloud_storage.emulator.tablestore.sql.mappings import Mapping, MappingColumn
from alicloud_storage.tablestore.wire.sql_result import DataType

MAPPING = Mapping("t", (
    MappingColumn("i", "INTEGER", "bigint(20)", True),
    MappingColumn("d", "DOUBLE", "double", False),
    MappingColumn("s", "STRING", "mediumtext", False),
    MappingColumn("n", "INTEGER", "bigint(20)", False),
))
ROW = (7, 2.5, "10abc", None)


def value(text: str, row: Sequence[Any] = ROW) -> Any:
    node = sqlglot.parse_one(f"select {text} from t", read="mysql").expressions[0]
    return compile_expression(node, Scope(MAPPING, "field list")).fn(row)


@pytest.mark.parametrize("text, expected", [
    ("i + 1", 8), ("i * d", 17.5), ("i / 2", 3.5), ("i / 0", None), ("i div 2", 3), ("-7 div 2", -3),
    ("-7 % 3", -1), ("7 % -3", 1), ("d % 1", 0.5), ("i % 0", None), ("n + 1", None), ("-i", -7),
    ("i = 7.0", True), ("s = 10", True), ("s > 9", True), ("s = '10abc'", True), ("'b' > 'a'", True),
    ("n = n", None), ("n is null", True), ("i is not null", True),
    ("n = 1 and false", False), ("n = 1 and true", None), ("n = 1 or true", True), ("n = 1 or false", None),
    ("not n", None), ("not 0", True), ("i xor 0", True),
    ("i in (1, 7)", True), ("i in (1, n)", None), ("i not in (1, 2)", True), ("n in (1)", None),
    ("i between 7 and 8", True), ("i not between 1 and 6", True), ("i between n and 1", False),
    ("s like '10%'", True), ("s like '10_bc'", True), ("s like '10\\\\_bc'", False), ("s like '%ABC'", False),
    ("s not like 'x%'", True), ("n like '%'", None), ('"dq" = \'dq\'', True), ("x'41' = x'41'", True),
    ("true + true", 2), ("1.5e1", 15.0), ("null", None),
])
def test_mysql_semantics(text: str, expected: Any) -> None:
    result = value(text)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("text, kind", [
    ("i", DataType.LONG), ("d", DataType.DOUBLE), ("s", DataType.STRING), ("i + 1", DataType.LONG),
    ("i / 1", DataType.DOUBLE), ("i + d", DataType.DOUBLE), ("i > 1", DataType.BOOLEAN), ("null", DataType.NONE),
])
def test_result_types(text: str, kind: DataType) -> None:
    node = sqlglot.parse_one(f"select {text} from t", read="mysql").expressions[0]
    assert compile_expression(node, Scope(MAPPING, "field list")).kind == kind


def test_unknown_columns_and_misplaced_aggregates_are_refused() -> None:
    with pytest.raises(TablestoreError, match="Unknown column 'zz' in 'field list'"):
        value("zz")
    with pytest.raises(TablestoreError, match="Invalid use of group function"):
        value("count(*)")  # no aggregate list: a WHERE clause
    with pytest.raises(TablestoreError, match="Operation not supported"):
        value("upper(s)")
